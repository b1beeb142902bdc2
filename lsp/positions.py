"""Position conversion between the model and the client — the only place that does it.

The model counts columns in Unicode code points (1-based); an LSP client counts in the
position encoding negotiated at initialisation: UTF-16 code units by default, UTF-8 bytes or
UTF-32 (= code points) if the client offers them. A full-width character is one unit in
UTF-16 and three bytes in UTF-8; an astral character such as 𠀀 is two UTF-16 units.
"""

from __future__ import annotations

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
