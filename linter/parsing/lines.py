"""Classify the lines of a report with the Lark grammar in grammar/report.lark.

The grammar is a flat sequence of whole-line terminals (`start: _line*`), so every token
sequence is a sentence of it: running the LALR parser over the tokens would add no
information, only ~10 µs per line. The grammar is compiled by Lark (LALR, which checks it),
and what the run needs of it — its terminals, in Lark's own matching order — is kept in the
disk cache. A run then classifies lines with those terminals as one regular expression, the
way Lark's basic lexer does, without importing Lark at all (Lark costs ~20 ms to import; the
whole lint of a report has 5 ms). tests/test_grammar.py checks that both agree.
"""

from __future__ import annotations

import re

from ..model.line import Line
from ..support.resources import grammar_dir

# Line kinds, as named by the grammar's terminals.
BLANK = "BLANK"
COMMENT = "COMMENT"
PAGE_NUMBER = "PAGE_NUMBER"
MD_RULE = "MD_RULE"
PIPE_ROW = "PIPE_ROW"
MD_HEADING = "MD_HEADING"
NUMBER_LINE = "NUMBER_LINE"
META_LINE = "META_LINE"
SECTION_HEADING = "SECTION_HEADING"
SUBSECTION_HEADING = "SUBSECTION_HEADING"
ITEM_LINE = "ITEM_LINE"
TEXT_LINE = "TEXT_LINE"



_parser = None


def grammar():
    """The compiled Lark grammar (compiled once per process; across processes kept in the
    signed disk cache: Lark's own `cache=` option unpickles whatever file it finds)."""
    global _parser
    if _parser is None:
        import io

        from lark import Lark

        from ..support.diskcache import cached

        text = (grammar_dir() / "report.lark").read_text(encoding="utf-8")
        kwargs = dict(parser="lalr", lexer="basic", import_paths=[str(grammar_dir())])

        def build() -> bytes:
            out = io.BytesIO()
            Lark(text, **kwargs).save(out)
            return out.getvalue()

        saved = cached("report-grammar", list(grammar_dir().glob("*.lark")), build)
        try:
            _parser = Lark.load(io.BytesIO(saved))
        except Exception:  # noqa: BLE001 - a grammar saved by another Lark version: compile it
            _parser = Lark(text, **kwargs)
    return _parser


def _terminals() -> list[tuple[str, str]]:
    """(name, regex) of the grammar's terminals in the order Lark's lexer tries them."""
    lexer = grammar().parser.lexer
    return [(t.name, t.pattern.to_regexp()) for t in lexer.terminals]


_line_regex = None


def line_regex():
    """The terminals as one compiled alternation (built from the disk cache when possible)."""
    global _line_regex
    if _line_regex is None:
        from ..support.diskcache import cached

        terms = cached("line-terminals", list(grammar_dir().glob("*.lark")), _terminals)
        _line_regex = re.compile("|".join(f"(?P<{name}>{rx})" for name, rx in terms))
    return _line_regex


_kinds: dict[str, tuple[str, str]] = {}  # line text -> (kind, text as read): the editor re-lints mostly unchanged lines

# Tables drawn with box-drawing characters (text browsers, copies of web pages) and ASCII
# grids ("+----+", "|"): vertical rules and junctions read as the cell separator "|", a rule
# line of the drawing as a Markdown rule. Character for character, so every column stays
# where it is in the source.
_BOX_VERTICAL = "│┃║╎╏┆┇┊┋"
_BOX_JUNCTION = "┌┐└┘├┤┬┴┼┏┓┗┛┣┫┳┻╋╔╗╚╝╠╣╦╩╬╒╓╕╖╘╙╛╜╞╟╡╢╤╥╧╨╪╫┍┎┑┒┕┖┙┚┝┞┟┠┡┢┥┦┧┨┩┪┭┮┯┰┱┲┵┶┷┸┹┺┽┾┿╀╁╂╃╄╅╆╇╈╉╊╭╮╯╰"
_BOX_HORIZONTAL = "─━═╌╍┄┅┈┉"
_BOX_CHARS = frozenset(_BOX_VERTICAL + _BOX_JUNCTION + _BOX_HORIZONTAL)
_TO_PIPES = str.maketrans({**{c: "|" for c in _BOX_VERTICAL + _BOX_JUNCTION}, **{c: "-" for c in _BOX_HORIZONTAL}})
_RULE_CHARS = frozenset("|-+=: \t")
_WIDE_DIGITS = frozenset("０１２３４５６７８９")
# (as_read looks for these in every line: a regex's character class scans a line in C several
# times faster than set.isdisjoint hashes its characters one by one)
_HAS_BOX_OR_TAB = re.compile("[\t" + "".join(sorted(_BOX_CHARS)) + "]")
_HAS_WIDE_DIGIT = re.compile("[０-９]")
_HAS_EITHER = re.compile("[\t" + "".join(sorted(_BOX_CHARS)) + "０-９]")  # (most lines: one search)
_TO_ASCII_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")


def redrawn(text: str) -> str:
    """A line of a drawn or tab-separated table as the pipe row (or rule) it stands for;
    any other line unchanged. Same length: positions are untouched."""
    if "\t" in text and text.strip("\t ") and "|" not in text:
        # cells copied from Word or a spreadsheet: two fields or more between tabs
        if sum(1 for f in text.split("\t") if f.strip()) >= 2:
            text = text[: len(text) - len(text.lstrip("\t "))] + text.lstrip("\t ").replace("\t", "|")
    if not _BOX_CHARS.isdisjoint(text):
        text = text.translate(_TO_PIPES)
    if "-" in text and ("+" in text or "|" in text) and _RULE_CHARS.issuperset(text) and text.count("-") >= 3:
        text = "-" * len(text)  # the drawing's rule line: "+----+----+", "├────┼────┤"
    return text


def as_read(text: str) -> str:
    """The line as the grammar reads it: a drawn table's rules as pipes (see redrawn), and
    full-width digits ("１８") as digits. Character for character: every position holds."""
    if text[:1] != "+" and _HAS_EITHER.search(text) is None:
        return text  # the usual line: nothing drawn, no full-width digit
    read = redrawn(text) if text[:1] == "+" or _HAS_BOX_OR_TAB.search(text) else text
    if _HAS_WIDE_DIGIT.search(read):
        read = read.translate(_TO_ASCII_DIGITS)
    return read


def classify(pieces: list[tuple[str, int, int]]) -> list[Line]:
    """Classify `pieces` (text without "\\n", physical line, start column) into Lines."""
    match = line_regex().match
    kinds = _kinds
    if len(kinds) > 50_000:
        kinds.clear()
    out: list[Line] = []
    append = out.append
    for text, lineno, col in pieces:
        seen = kinds.get(text)  # (kind, the line as read): a line is looked at once
        if seen is None:
            read = as_read(text)
            m = match(read + "\n")
            seen = kinds[text] = (m.lastgroup if m else TEXT_LINE, read)
        append(Line(seen[0], seen[1], lineno, col))
    return out


def mark_page_footers(lines: list[Line]) -> list[Line]:
    """A bare page number (`3`) is a page footer when the next page starts right after it:
    pdftotext writes a form feed at the start of each new page. (Without that mark a lone
    number is a cell: one-cell-per-line tables are full of them.)"""
    for i, line in enumerate(lines):
        if line.text[:1] != "\f":
            continue
        # the page's first line is read without its form feed (positions unchanged)
        rest = line.text.lstrip("\f")
        lines[i] = classify([(rest, line.lineno, line.col + len(line.text) - len(rest))])[0]
        if not i:
            continue
        j = i - 1
        while j > 0 and lines[j].kind == BLANK:
            j -= 1
        prev = lines[j]
        if prev.kind == NUMBER_LINE and prev.text.strip().isdigit() and len(prev.text.strip()) <= 3:
            lines[j] = Line(PAGE_NUMBER, prev.text, prev.lineno, prev.col)
    return lines


def classify_with_lark(pieces: list[tuple[str, int, int]]) -> list[Line]:
    """The same classification by Lark's own lexer (the reference the tests compare with)."""
    if not pieces:
        return []
    pieces = [(as_read(text), ln, col) for text, ln, col in pieces]
    joined = "\n".join(p[0] for p in pieces) + "\n"
    return [Line(tok.type, text, ln, col) for tok, (text, ln, col) in zip(grammar().lex(joined), pieces)]
