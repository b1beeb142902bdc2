"""The Document model: what the rules see of a report.

A Document holds the source, its classified lines, the metadata found at its head, the
sections (→ subsections, paragraphs) and the three statistics tables interpreted into the
official template grids (row key × column key → Cell).
"""

from __future__ import annotations

import datetime as _dt

from .line import Line
from ..support.record import Record, factory
from ..reading.source import Source, Span
from .templates import ColumnTemplate, TableTemplate


class DateMention(Record):
    """A date written in the text (`2022年1月20日`, `2022-01-20`)."""

    raw: str
    span: Span
    year: int | None
    month: int | None
    day: int | None
    valid: bool  # a real calendar date with a plausible year
    problem: str = ""  # why it is not valid (for the date rules)

    @property
    def date(self) -> _dt.date | None:
        if not self.valid or self.year is None or self.month is None or self.day is None:
            return None
        return _dt.date(self.year, self.month, self.day)


class Paragraph(Record):
    text: str  # the joined text of its lines (PDF wraps are undone)
    span: Span
    section: int | None  # section number 1..6, None for front matter or an unknown section
    pieces: tuple[tuple[int, int, int], ...]  # (offset in text, line, 0-based column) per line joined

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of character `offset` of `text`."""
        line, col = self.pieces[0][1], self.pieces[0][2]
        base = 0
        for start, ln, c in self.pieces:
            if start > offset:
                break
            base, line, col = start, ln, c
        return line, col + (offset - base) + 1

    def span_of(self, start: int, end: int) -> Span:
        l1, c1 = self.position(start)
        l2, c2 = self.position(max(start, end - 1))
        return Span(l1, c1, l2, c2 + 1)


class Subsection(Record):
    ordinal: str  # as written: 一, 二 …
    number: int  # ordinal value
    title: str
    span: Span  # the heading (ordinal and title)
    line: Line
    closed: bool = True  # False for "(一予以公开": the closing bracket is missing


class Section(Record):
    number: int | None  # which of the six official sections (None: a heading we cannot place)
    ordinal: str  # as written
    ordinal_value: int
    title: str  # as written, without the ordinal
    heading: Line
    span: Span  # the heading line
    title_span: Span
    score: float  # how well the title matched the official one (1.0 exact or accepted variant)
    subsections: list[Subsection] = factory(list)
    paragraphs: list[Paragraph] = factory(list)
    lines: list[Line] = factory(list)  # body lines after the heading
    end_line: int = 0  # last physical line of the body
    table_end: int | None = None  # for sections 二–四: the last line of the statistics table


class Cell(Record):
    row: str
    column: str
    value: float | int | None  # None when blank, "/" or text
    raw: str
    span: Span
    status: str = "ok"  # ok | blank | slash | text | negative | decimal | annotated (a number and a note)
    inferred: bool = False  # split out of run-together digits


class RowMatch(Record):
    """Where a template row (or an unknown row) was found in the text."""

    key: str | None  # template row key; None for a row we could not place
    label: str  # label text as written ("" when the row has no label of its own)
    span: Span  # the label (or the first cell when unlabelled)
    score: float  # label likeness 0..1
    status: str = "ok"  # ok | missing_cells | extra_cells | inseparable | absent
    expected: int = 0
    found: int = 0
    raw: str = ""  # the numbers as written, for messages
    split: str = ""  # "" | unique | sum (how run-together digits were split)
    values: list = factory(list)  # the numbers found, when status is not ok
    line: int = 0
    # How the row's own label compares with the official one:
    # exact | differs (garbled or truncated) | wrapped (a PDF line's piece of it) | none (no label:
    # placed by the label text around it, or by position alone when `by_position`)
    label_state: str = "none"
    by_position: bool = False


class Table(Record):
    key: str  # active | applications | review
    template: TableTemplate
    span: Span
    section: int | None
    cells: dict[tuple[str, str], Cell] = factory(dict)
    rows: list[RowMatch] = factory(list)
    # What table rules found in this table, by checker: the builder hands the same Table to
    # every document with the same table text (and the language server re-lints on every
    # keystroke), so a rule works out its findings once per table.
    _findings: dict = factory(dict)

    @property
    def format(self) -> str:
        return self.template.format

    def cell(self, row: str, column: str) -> Cell | None:
        return self.cells.get((row, column))

    def value(self, row: str, column: str):
        c = self.cells.get((row, column))
        return None if c is None else c.value

    def row_match(self, key: str) -> RowMatch | None:
        for r in self.rows:
            if r.key == key:
                return r
        return None

    def is_covered(self, key: str) -> bool:
        """True for a row the report may leave out: an optional row, or a sub-row printed
        collapsed into its optional parent (the 2021 table 三 with (六)其他处理 as one row)."""
        rt = self.template.row(key)
        if rt is None or rt.optional:
            return True
        for other in self.template.rows:
            if other.optional and key.startswith(other.key + "."):
                m = self.row_match(other.key)
                if m is not None and m.status != "absent":
                    return True
        return False

    def column_template(self, row: str, column: str) -> ColumnTemplate | None:
        rt = self.template.row(row)
        if rt is None:
            return None
        for c in rt.columns:
            if c.key == column:
                return c
        return None


class MetaField(Record):
    key: str
    value: str
    span: Span  # the value


class Document(Record):
    path: str
    source: Source
    lines: list[Line]
    title: str | None = None
    title_span: Span | None = None
    agency: str | None = None
    report_year: int | None = None
    report_year_source: str = ""  # title | metadata | period | text
    publication_date: DateMention | None = None
    signature_date: DateMention | None = None
    period: tuple[DateMention, DateMention] | None = None  # statistics period as stated
    metadata: dict[str, MetaField] = factory(dict)
    sections: list[Section] = factory(list)
    front: list[Paragraph] = factory(list)  # paragraphs before 一、
    tables: dict[str, Table] = factory(dict)
    dates: list[DateMention] = factory(list)
    format: str | None = None  # "2021" | "2019", from the tables
    front_stop: int = 0  # index in `lines` of the first section heading
    memo: dict = factory(dict)  # results rules share (e.g. duplicate pairs)

    @property
    def text(self) -> str:
        return self.source.text

    @property
    def paragraphs(self) -> list[Paragraph]:
        out = list(self.front)
        for s in self.sections:
            out.extend(s.paragraphs)
        return out

    @property
    def looks_like_report(self) -> bool:
        """Whether this text is a 政府信息公开工作年度报告 at all (a README in a folder of
        reports is not): two official sections, a statistics table, or a report title."""
        known = {s.number for s in self.sections if s.number is not None}
        if len(known) >= 2 or any(t.cells for t in self.tables.values()):
            return True
        return bool(self.title and "报告" in self.title and "公开" in self.title)

    def section(self, number: int) -> Section | None:
        for s in self.sections:
            if s.number == number:
                return s
        return None
