"""Position conversion between the model and the client — the only place that does it.

The model counts columns in Unicode code points (1-based); an LSP client counts in the
position encoding negotiated at initialisation: UTF-16 code units by default, UTF-8 bytes or
UTF-32 (= code points) if the client offers them. A full-width character is one unit in
UTF-16 and three bytes in UTF-8; an astral character such as 𠀀 is two UTF-16 units.
"""

from __future__ import annotations

import difflib
import re

from lsprotocol import types

UTF8 = types.PositionEncodingKind.Utf8
UTF16 = types.PositionEncodingKind.Utf16
UTF32 = types.PositionEncodingKind.Utf32


def convert(line_text: str, character: int, encoding, to_client: bool) -> int:
    """Convert a 0-based offset on one line: code points → client units (to_client=True) or
    client units → code points (to_client=False). Offsets past the line end are clamped.
    (The codecs count in C: a crawl's 16,000-character line converts in microseconds.)"""
    if encoding == UTF32:
        return min(character, len(line_text)) if not to_client else character
    codec, width = ("utf-8", 1) if encoding == UTF8 else ("utf-16-le", 2)
    if to_client:
        prefix = line_text[:character]
        if prefix.isascii():
            return character
        return len(prefix.encode(codec, "surrogatepass")) // width + max(0, character - len(line_text))
    if line_text.isascii():
        return min(character, len(line_text))
    data = line_text.encode(codec, "surrogatepass")[: character * width]
    # a position inside a character (half a surrogate pair, part of a UTF-8 sequence) rounds down
    return len(data.decode(codec, "ignore"))


def to_range(lines: list[str], span, encoding) -> types.Range:
    """LSP range of a model span (1-based lines and code-point columns, end exclusive)."""

    def pos(line: int, column: int) -> types.Position:
        text = lines[line - 1] if 1 <= line <= len(lines) else ""
        return types.Position(line=max(0, line - 1), character=convert(text, max(0, column - 1), encoding, True))

    return types.Range(start=pos(span.line, span.column), end=pos(span.end_line, span.end_column))


def from_position(lines: list[str], position: types.Position, encoding) -> tuple[int, int]:
    """(1-based line, 1-based code-point column) of a client position."""
    text = lines[position.line] if 0 <= position.line < len(lines) else ""
    return position.line + 1, convert(text, position.character, encoding, False) + 1


# LSP lines end only at \n, \r\n and \r (not at \f, \v, U+2028 … as str.splitlines has it).
LSP_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


def lsp_lines(text: str) -> list[str]:
    """The lines of `text` as an LSP client counts them, each with its line end."""
    return LSP_LINE.findall(text)


def _content(line: str) -> tuple[str, str]:
    body = line.rstrip("\r\n")
    return body, line[len(body):]


def line_edits(old: str, new: str, encoding) -> list[types.TextEdit]:
    """Text edits that turn the client's text `old` into `new`, in document order and not
    overlapping. Unchanged lines are left alone and a changed line is edited only between its
    first and last changed character, so the editor keeps its cursor, folds and marks."""
    a, b = lsp_lines(old), lsp_lines(new)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)

    def pos(k: int) -> types.Position:
        # the start of line k; past the last line when `old` does not end with a line end: its end
        if k < len(a) or not a or a[-1].endswith(("\n", "\r")):
            return types.Position(line=k, character=0)
        last = a[-1]
        return types.Position(line=len(a) - 1, character=convert(last, len(last), encoding, True))

    edits = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        pairs = [(_content(a[i]), _content(b[j])) for i, j in zip(range(i1, i2), range(j1, j2))]
        if op == "replace" and i2 - i1 == j2 - j1 and all(x[1] == y[1] for x, y in pairs):
            # line for line, each keeping its line end: edit inside the lines
            for k, ((x, _), (y, _)) in zip(range(i1, i2), pairs):
                start = 0
                while start < min(len(x), len(y)) and x[start] == y[start]:
                    start += 1
                end = 0
                while end < min(len(x), len(y)) - start and x[len(x) - 1 - end] == y[len(y) - 1 - end]:
                    end += 1
                if x == y:
                    continue
                r = types.Range(
                    start=types.Position(line=k, character=convert(x, start, encoding, True)),
                    end=types.Position(line=k, character=convert(x, len(x) - end, encoding, True)),
                )
                edits.append(types.TextEdit(range=r, new_text=y[start : len(y) - end]))
            continue
        edits.append(types.TextEdit(range=types.Range(start=pos(i1), end=pos(i2)), new_text="".join(b[j1:j2])))
    return edits
