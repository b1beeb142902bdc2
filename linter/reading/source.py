"""The text of one report: newline normalisation and 1-based line/column positions.

Columns are counted in Unicode code points, 1-based, as in the JSON contract. The LSP
converts them to UTF-16 in exactly one place (lsp/positions.py).
"""

from __future__ import annotations

import re
from ..support.record import Record

_NEWLINES = re.compile(r"\r\n|\r")
_ANY_NEWLINE = re.compile(r"\r\n|\r|\n")


class Span(Record, frozen=True):
    """A range in the source: 1-based line and column, end exclusive (column after the last char)."""

    line: int
    column: int
    end_line: int
    end_column: int

    def to_dict(self) -> dict:
        return {"line": self.line, "column": self.column, "end_line": self.end_line, "end_column": self.end_column}

    def contains(self, other: "Span") -> bool:
        return (self.line, self.column) <= (other.line, other.column) and (other.end_line, other.end_column) <= (
            self.end_line,
            self.end_column,
        )


class Source:
    """Normalised text ("\\n" line ends, no BOM) with its lines."""

    __slots__ = ("text", "lines", "had_bom", "newline", "endings")

    def __init__(self, raw: str):
        self.had_bom = raw.startswith("\ufeff")
        if self.had_bom:
            raw = raw[1:]
        self.endings: list[str] | None = None  # each line's own ending, when not all "\n"
        if "\r" in raw:
            self.endings = [m.group(0) for m in _ANY_NEWLINE.finditer(raw)]
            crlf = self.endings.count("\r\n")
            self.newline = "\r\n" if crlf * 2 >= len(self.endings) else ("\r" if self.endings.count("\r") > crlf else "\n")
            raw = _NEWLINES.sub("\n", raw)
        else:
            self.newline = "\n"
        self.text = raw
        self.lines = raw.split("\n")

    def restore(self, text: str) -> str:
        """`text` (normalised, e.g. after fixes) with this file's BOM and line endings back.
        Each line keeps its own ending when the line count is unchanged."""
        if self.endings is not None:
            lines = text.split("\n")
            if len(lines) == len(self.endings) + 1:
                out = []
                for line, end in zip(lines, self.endings):
                    out.append(line)
                    out.append(end)
                out.append(lines[-1])
                text = "".join(out)
            else:
                text = text.replace("\n", self.newline)
        return ("\ufeff" if self.had_bom else "") + text

    def line_text(self, line: int) -> str:
        """Text of 1-based line `line` ("" when out of range)."""
        if 1 <= line <= len(self.lines):
            return self.lines[line - 1]
        return ""

    def span_of_line(self, line: int, start: int = 0, end: int | None = None) -> Span:
        """Span of 0-based columns [start, end) on 1-based `line`; end defaults to the line end."""
        text = self.line_text(line)
        if end is None:
            end = len(text)
        return Span(line, start + 1, line, end + 1)

