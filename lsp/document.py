"""The server's copy of an open document: pygls' TextDocument with an edit in O(edit).

pygls 2.1 applies an incremental change by splitting the whole text into lines and writing
every line into a new string: ~7 ms per keystroke at 1.5 MB. LineDocument keeps the lines (LSP
line ends only: \\n, \\r\\n, \\r — see positions.lsp_lines) and replaces only those the change
touches; the text is joined once when it is read (the lint reads it once per version). The
result is exactly pygls' (same position conversion, same clamping): tests/test_lsp_document.py
compares them over random edit sequences.
"""

from __future__ import annotations

from lsprotocol import types
from pygls.workspace.text_document import TextDocument
from pygls.workspace.workspace import Workspace

from . import positions


class LineDocument(TextDocument):
    """A TextDocument whose lines are kept and edited in place."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._lines: list[str] | None = None

    @property
    def source(self) -> str:
        if self._source is None and self._lines is not None:
            self._source = "".join(self._lines)
        return super().source

    @property
    def lines(self) -> list[str]:  # type: ignore[override]
        """The lines with their line ends (the list itself: read it, do not change it)."""
        if self._lines is None:
            if self._source is None:
                return positions.lsp_lines(self.source)  # not in memory: pygls reads the file
            self._lines = positions.lsp_lines(self._source)
        return self._lines

    def _from_client(self, lines: list[str], p: types.Position) -> tuple[int, int]:
        """pygls' position_from_client_units (its clamping included), without its loop over
        the characters of the line where client units are code points: an ASCII line in
        UTF-8, a line without astral characters in UTF-16 (every line of a Chinese report)."""
        codec = self._position_codec
        if p.line < len(lines):
            line = lines[p.line]
            enc = codec.encoding
            if enc == positions.UTF32 or (line.isascii() if enc == positions.UTF8 else (not line or max(line) <= "\uffff")):
                if "\r\n" in line:
                    line = line.replace("\r\n", "\n")  # (as pygls counts the line)
                size = len(line)
                if size == 0:
                    return p.line, 0
                if p.character > size:
                    p.character = size - 1  # pygls clamps so, in the position itself
                return p.line, p.character
        pos = codec.position_from_client_units(lines, p)
        return pos.line, pos.character

    def _apply_full_change(self, change: types.TextDocumentContentChangeEvent) -> None:
        self._source, self._lines = change.text, None

    def _apply_incremental_change(self, change: types.TextDocumentContentChangePartial) -> None:
        lines = self.lines
        n = len(lines)
        sl, sc = self._from_client(lines, change.range.start)
        el, ec = self._from_client(lines, change.range.end)
        if n == 0 or sl >= n or el < sl:
            # an empty document, or a range pygls handles in its own way: its way, whole
            super()._apply_incremental_change(change)
            self._lines = None
            return
        # what replaces lines sl..el: the kept start of the first, the new text, the kept end
        # of the last (nothing past the last line, as in pygls)
        seg = lines[sl][:sc] + change.text + (lines[el][ec:] if el < n else "")
        a, b = sl, min(el, n - 1) + 1
        # line ends across the edges: the replaced part may end without a line end (it runs on
        # into the next line) or in a \r before the next line's \n (one line end, \r\n); the
        # line before may end in a \r before the replaced part's \n
        while b < n and (not seg or seg[-1] not in "\r\n" or (seg[-1] == "\r" and lines[b].startswith("\n"))):
            seg += lines[b]
            b += 1
        if a > 0 and seg.startswith("\n") and lines[a - 1].endswith("\r"):
            a -= 1
            seg = lines[a] + seg
        lines[a:b] = positions.lsp_lines(seg)
        self._source = None


def use_line_documents(workspace: Workspace) -> None:
    """Make `workspace` keep its documents as LineDocuments (the ones opened from now on)."""

    def create(doc_uri, source=None, version=None, language_id=None) -> TextDocument:
        return LineDocument(
            doc_uri,
            source=source,
            version=version,
            language_id=language_id,
            sync_kind=workspace._sync_kind,
            position_codec=workspace._position_codec,
        )

    workspace._create_text_document = create  # type: ignore[method-assign]
