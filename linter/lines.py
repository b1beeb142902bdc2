"""Classify the lines of a report with the Lark grammar in grammar/report.lark.

The grammar is a flat sequence of whole-line terminals (`start: _line*`), so every token
sequence is a sentence of it: running the LALR parser over the tokens would add no
information, only ~10 µs per line. We therefore compile the grammar with the LALR parser
(which checks it) and run its lexer (`Lark.lex`), which classifies a 15 KB report in ~1.5 ms.
The compiled grammar is cached on disk so the CLI starts fast.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .resources import grammar_dir

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


@dataclass(slots=True)
class Line:
    """One classified line. A crawl line may be unfolded into several of these (see unfold.py):
    then `col` is where this piece starts on the physical line."""

    kind: str
    text: str  # without the line end
    lineno: int  # 1-based physical line
    col: int = 0  # 0-based code-point offset of text[0] on the physical line


_parser = None


def _cache_path() -> str | None:
    base = os.environ.get("XXGK_LINT_CACHE_DIR")
    if base:
        root = Path(base)
    else:
        root = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "xxgk-lint"
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    if not os.access(root, os.W_OK):
        return None
    return str(root / "report-grammar.lark-cache")


def grammar():
    """The compiled Lark grammar (compiled once per process, cached on disk across processes)."""
    global _parser
    if _parser is None:
        from lark import Lark

        path = grammar_dir() / "report.lark"
        kwargs = dict(parser="lalr", lexer="basic", import_paths=[str(grammar_dir())])
        cache = _cache_path()
        try:
            _parser = Lark(path.read_text(encoding="utf-8"), cache=cache or False, **kwargs)
        except (OSError, EOFError, ValueError):
            # An unreadable or stale cache file: compile without it.
            _parser = Lark(path.read_text(encoding="utf-8"), **kwargs)
    return _parser


def classify(pieces: list[tuple[str, int, int]]) -> list[Line]:
    """Classify `pieces` (text without "\\n", physical line, start column) into Lines."""
    if not pieces:
        return []
    joined = "\n".join(p[0] for p in pieces) + "\n"
    out: list[Line] = []
    append = out.append
    for token, (text, lineno, col) in zip(grammar().lex(joined), pieces):
        append(Line(token.type, text, lineno, col))
    return out
