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

    def _apply_full_change(self, change: types.TextDocumentContentChangeEvent) -> None:
        self._source, self._lines = change.text, None

    def _apply_incremental_change(self, change: types.TextDocumentContentChangePartial) -> None:
        lines = self.lines
        n = len(lines)
        rng = self._position_codec.range_from_client_units(lines, change.range)
        sl, sc, el, ec = rng.start.line, rng.start.character, rng.end.line, rng.end.character
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
