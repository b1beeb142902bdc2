"""What the audit keeps of one report: small, picklable facts taken from its parsed Document.

In: a Document (as the per-report lint built it: never parsed again) and its findings. Out: a
`ReportFacts` — identification, every table cell, the section headings and prose paragraphs
with their places, a MinHash sketch per long paragraph and one of the whole text, and each
finding with the source lines around it. Made in the worker that linted the report (or on a
Ray node), so the parent never holds a Document.
"""

from __future__ import annotations

from ..model.diagnostic import Diagnostic
from ..support.record import Record, factory
from . import sketch

CONTEXT_LINES = 1  # lines shown before and after a finding
CONTEXT_CHARS = 600
WINDOW = 160  # characters of a long line shown
MIN_SKETCH_CHARS = 40  # normalised characters: shorter paragraphs are not compared across agencies


class Place(Record, frozen=True):
    line: int
    column: int
    end_line: int
    end_column: int


class CellFact(Record):
    table: str
    row: str
    column: str
    label: str
    value: object  # int | float | None
    raw: str
    place: Place
    status: str = "ok"


class HeadingFact(Record):
    number: int | None
    title: str
    place: Place


class ParagraphFact(Record):
    section: int | None
    text: str
    place: Place


class ReportFacts(Record):
    path: str
    error: str | None = None  # unreadable (the message) or crashed
    internal: list = factory(list)  # rules that raised
    agency: str | None = None
    title: str | None = None
    year: int | None = None
    year_source: str = ""
    format: str | None = None
    looks_like_report: bool = False
    published: str | None = None
    digest: str = ""
    headings: list = factory(list)  # HeadingFact
    paragraphs: list = factory(list)  # ParagraphFact
    cells: list = factory(list)  # CellFact
    findings: list = factory(list)  # Diagnostic (per-report)
    contexts: list = factory(list)  # the text around each finding
    sketches: list = factory(list)  # (paragraph index, signature bytes)
    doc_sketch: bytes = b""
    not_report: bool = False
    read_at: int = 0  # when the file was read (ns): what the result cache records
    suppress: list = factory(list)  # (target line or 0 for the file, [codes]) of each suppression comment
    _by_cell: dict | None = None

    def cell(self, table: str, row: str, column: str):
        if self._by_cell is None:
            self._by_cell = {(c.table, c.row, c.column): c for c in self.cells}
        return self._by_cell.get((table, row, column))

    def cell_value(self, table: str, row: str, column: str):
        c = self.cell(table, row, column)
        return None if c is None else c.value

    def heading(self, number: int):
        return next((h for h in self.headings if h.number == number), None)


def _place(span) -> Place:
    return Place(span.line, span.column, span.end_line, span.end_column)


def context(lines: list[str], line: int, end_line: int, column: int = 1) -> str:
    """The lines around a finding; a long line (a crawl with the whole body on one line) is
    cut to a window around the finding's column."""
    lo = max(1, line - CONTEXT_LINES)
    hi = min(len(lines), max(line, end_line) + CONTEXT_LINES)
    out = []
    for n in range(lo, hi + 1):
        text = lines[n - 1]
        if len(text) > WINDOW:
            start = max(0, column - WINDOW // 3) if n == line else 0
            text = ("…" if start else "") + text[start:start + WINDOW] + "…"
        out.append(text)
    text = "\n".join(out)
    return text if len(text) <= CONTEXT_CHARS else text[:CONTEXT_CHARS] + "…"


def extract(doc, diags: list[Diagnostic] | None = None, path: str | None = None, sketches: bool = True) -> ReportFacts:
    """The facts of a Document (and its per-report findings). `sketches=False` leaves out the
    MinHash signatures, which only the cross-agency index and the two-formats match read
    (the editor's cross-year findings do not: they are most of the cost)."""
    diags = list(diags or ())
    f = ReportFacts(path=path or doc.path)
    f.agency = doc.agency
    f.title = doc.title
    f.year = doc.report_year
    f.year_source = doc.report_year_source
    f.format = doc.format
    f.looks_like_report = doc.looks_like_report
    f.not_report = not doc.looks_like_report
    if doc.publication_date is not None and doc.publication_date.date is not None:
        f.published = doc.publication_date.date.isoformat()
    for s in doc.sections:
        f.headings.append(HeadingFact(s.number, s.title, _place(s.span)))
    for p in doc.paragraphs:
        f.paragraphs.append(ParagraphFact(p.section, p.text, _place(p.span)))
    for key, table in doc.tables.items():
        if table is None:
            continue
        for (row, column), c in table.cells.items():
            rt = table.template.row(row)
            ct = table.column_template(row, column)
            label = f"{(rt.label if rt else row)} / {(ct.label if ct else column)}"
            f.cells.append(CellFact(key, row, column, label, c.value, c.raw, _place(c.span), c.status))
    from ..checking.engine import suppressions

    f.suppress = [(x.target, sorted(x.codes)) for x in suppressions(doc).directives]
    lines = doc.source.lines
    f.findings = diags
    f.contexts = [context(lines, d.span.line, d.span.end_line, d.span.column) for d in diags]
    if not sketches:
        return f
    whole = []
    for k, p in enumerate(f.paragraphs):
        norm = sketch.normalise(p.text)
        whole.append(norm)
        if len(norm) >= MIN_SKETCH_CHARS:
            sig = sketch.signature(norm, normalised=True)
            if sig:
                f.sketches.append((k, sig))
    cells_text = "".join(f"{c.row}{c.column}{c.value}" for c in f.cells)
    f.doc_sketch = sketch.signature("".join(whole) + cells_text, normalised=True)
    return f


# -- as JSON (the result cache keeps the facts of unchanged reports) --------------------------

FORMAT = 2  # changes whenever what is kept changes


def _p(pl: Place) -> list:
    return [pl.line, pl.column, pl.end_line, pl.end_column]


def to_json(f: ReportFacts) -> str:
    """One line of JSON (no pickle: a cache file in someone else's repository is data)."""
    import json

    return json.dumps({
        "v": FORMAT, "path": f.path, "agency": f.agency, "title": f.title, "year": f.year, "year_source": f.year_source,
        "format": f.format, "looks": f.looks_like_report, "published": f.published, "digest": f.digest,
        "headings": [[h.number, h.title, _p(h.place)] for h in f.headings],
        "paragraphs": [[p.section, p.text, _p(p.place)] for p in f.paragraphs],
        "cells": [[c.table, c.row, c.column, c.label, c.value, c.raw, _p(c.place), c.status] for c in f.cells],
        "findings": [d.to_json() for d in f.findings], "contexts": f.contexts,
        "sketches": [[k, s.hex()] for k, s in f.sketches], "doc_sketch": f.doc_sketch.hex(),
        "suppress": [[t, c] for t, c in f.suppress],
    }, ensure_ascii=False, separators=(",", ":"))


def from_json(text: str, path: str) -> ReportFacts:
    """The facts stored by to_json, for `path`; ValueError when the text is not such facts."""
    import json

    try:
        d = json.loads(text)
        if d.get("v") != FORMAT:
            raise ValueError("another format")
        f = ReportFacts(path=path)
        f.agency, f.title, f.year, f.year_source = d["agency"], d["title"], d["year"], d["year_source"]
        f.format, f.looks_like_report, f.published, f.digest = d["format"], bool(d["looks"]), d["published"], d["digest"]
        f.not_report = not f.looks_like_report
        f.headings = [HeadingFact(n, t, Place(*pl)) for n, t, pl in d["headings"]]
        f.paragraphs = [ParagraphFact(s, t, Place(*pl)) for s, t, pl in d["paragraphs"]]
        f.cells = [CellFact(t, r, c, lb, v, raw, Place(*pl), st) for t, r, c, lb, v, raw, pl, st in d["cells"]]
        found = [Diagnostic.from_json(x) for x in d["findings"]]
        from ..support.record import replace

        f.findings = [replace(x, path=path) if x.path != path else x for x in found]
        f.contexts = [str(c) for c in d["contexts"]]
        f.sketches = [(int(k), bytes.fromhex(s)) for k, s in d["sketches"]]
        f.doc_sketch = bytes.fromhex(d["doc_sketch"])
        f.suppress = [(int(t), [str(x) for x in c]) for t, c in d["suppress"]]
        if len(f.contexts) != len(f.findings):
            raise ValueError("contexts")
        return f
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        raise ValueError(f"not audit facts: {exc}") from None
