"""Last year's report of an open document's agency, for the cross-year findings in the editor.

In: an open report (its Document) and the other open documents. Out: the cross-year findings
(rules/audit/cross-year.toml: 上年结转 against last year's 结转下年度 and the others) against
the nearest earlier report of the same agency — among the open documents and the report files
beside it on disk: its folder, the folders next to it (a collection kept as 2023/, 2024/) and
theirs. Each file is read and built once per (size, mtime); a file whose first bytes do not
name the agency is not built at all, and at most MAX_FILES files are looked at, so a large
workspace costs a directory listing.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

from ..linter.audit.editor import cross_year_findings
from ..linter.audit.identify import normalise
from ..linter.parsing.builder import build
from ..linter.reading.files import ReadError, read_report

MAX_FILES = 300  # report files looked at around one document
HEAD_BYTES = 4096  # read of a file to see whether it names the agency
RESCAN = 2.0  # seconds a folder listing is used again
MAX_BYTES = 1 << 20  # a file beside a document larger than this is not read as last year's report
_SUFFIXES = (".txt", ".md", ".markdown")


class History:
    def __init__(self) -> None:
        self._built: dict[str, tuple[tuple[int, int], object]] = {}  # path -> ((size, mtime), Document | None)
        self._scans: dict[tuple, tuple[float, list]] = {}  # (folder, agency, document) -> (when, Documents)
        self._answers: dict[str, tuple] = {}  # document path -> (what the answer depends on, findings)
        self._lock = threading.Lock()  # two lanes may ask at once

    def findings(self, doc, open_docs, config) -> list:
        """The cross-year findings of `doc` (open documents `open_docs` and files beside it)."""
        if not doc.agency or doc.report_year is None:
            return []
        candidates = [d for d in open_docs if d is not None and d is not doc and d.path != doc.path]
        if doc.path and os.path.isabs(doc.path):
            candidates += self._beside(doc)
        if not candidates:
            return []  # no other report of its agency around: nothing to compare (and no key to hash)
        # a keystroke in prose outside what the rules read (the paragraphs, the cells and their
        # places) or in another report changes nothing: the last answer stands
        # (kept as a hash: the texts themselves would keep a closed document's memory)
        key = hash((doc.path, doc.agency, doc.report_year, id(config), tuple(map(id, candidates)),
                    tuple((p.text, p.span) for p in doc.paragraphs),
                    tuple((k, rc, c.value, c.span) for k, t in doc.tables.items() if t for rc, c in t.cells.items())))
        with self._lock:
            hit = self._answers.get(doc.path)
        if hit is not None and hit[0] == key:
            return hit[1]
        try:
            found = cross_year_findings(doc, candidates, config)
        except Exception:  # (a broken neighbour must not cost the document its own findings)
            found = []
        with self._lock:
            if len(self._answers) > 64:
                self._answers.clear()
            self._answers[doc.path] = (key, found)
        return found

    def forget(self, path: str | None) -> None:
        """A document was closed: what was kept for it goes."""
        with self._lock:
            self._answers.pop(path, None)
            for k in [k for k in self._scans if k[2] == path]:
                del self._scans[k]

    def _beside(self, doc) -> list:
        key = normalise(doc.agency).key
        here = Path(doc.path).parent
        # the folders are listed and the files looked at again only every RESCAN seconds:
        # the server asks after every keystroke
        now = time.monotonic()
        with self._lock:
            hit = self._scans.get((str(here), key, doc.path))
        if hit is not None and now - hit[0] < RESCAN:
            return hit[1]
        seen: list = []
        for path in _report_files(here):
            if str(path) == doc.path:
                continue
            built = self._document(path, key)
            if built is not None:
                seen.append(built)
        with self._lock:
            if len(self._scans) > 64:
                self._scans.clear()
            self._scans[(str(here), key, doc.path)] = (now, seen)
        return seen

    def _document(self, path: Path, key: str):
        try:
            st = path.stat()
        except OSError:
            return None
        stamp = (st.st_size, st.st_mtime_ns)
        with self._lock:
            hit = self._built.get(str(path))
        if hit is not None and hit[0] == stamp:
            return hit[1]
        doc = None
        if st.st_size > MAX_BYTES:
            return None  # not a report (the largest real ones are a few hundred KB)
        try:
            with open(path, "rb") as f:
                head = f.read(HEAD_BYTES).decode("utf-8", "ignore")
            if key and key in head.replace(" ", "").replace("\u3000", ""):
                doc = build(read_report(str(path)).text, str(path))
        except (OSError, ReadError, ValueError):
            doc = None
        with self._lock:
            if len(self._built) > 4 * MAX_FILES:
                self._built.clear()
            self._built[str(path)] = (stamp, doc)
        return doc


def _report_files(here: Path):
    """Report files in `here`, in the folders beside it and in theirs (at most MAX_FILES)."""
    folders = [here]
    parent = here.parent
    if parent != here:
        try:
            folders += sorted(p for p in parent.iterdir() if p.is_dir() and p != here and not p.name.startswith("."))
        except OSError:
            pass
    n = 0
    for folder in folders:
        try:
            entries = sorted(folder.iterdir())
        except OSError:
            continue
        for p in entries:
            if p.suffix.lower() in _SUFFIXES and p.is_file() and not p.is_symlink():
                yield p
                n += 1
                if n >= MAX_FILES:
                    return
