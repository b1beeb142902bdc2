"""Kind `table-shape`: a statistics table whose cells cannot all be read as the template wants."""

from __future__ import annotations

from ...model.document import Document
from .base import Checker, Param
from .common import column_name, row_name, table_name, tables

CHECKS = (
    "missing-cells",  # a row with fewer numbers than columns
    "extra-cells",  # a row with more numbers than columns
    "inseparable",  # digits run together that cannot be split in exactly one way
    "split",  # digits run together, split in the only way the row's sum allows
    "split-by-columns",  # digits run together, split in the only way the columns' equations allow
    "absent-row",  # a template row not found
    "unknown-row",  # numbers under a label that is no row of the template
    "not-number",  # a cell that is not a non-negative integer (or a decimal amount)
    "blank",  # an empty cell
    "slash",  # a cell holding "/", "—" or "无" instead of a number
    "annotated",  # a number with a note in brackets after it (`22（其中修订 16 件）`)
    "no-table",  # a table section whose table could not be read at all
    "unlabelled",  # a row without any label, placed by its position alone
    "label-differs",  # a row label garbled or truncated
)


class TableShape(Checker):
    kind = "table-shape"
    params = {
        "check": Param(str, choices=CHECKS, doc="which shape problem this rule reports"),
        "tables": Param(list, [], item=str, doc="limit to these tables (active, applications, review)"),
    }
    fields = frozenset({"table", "row", "column", "expected", "found", "raw", "value", "label", "values", "official"})

    def check(self, doc: Document):
        if self.p["check"] == "no-table":
            yield from self._no_table(doc)
            return
        for t in tables(doc, self.p["tables"]):
            # by checker: the same Table comes back for every document with the same table text
            found = t._findings.get(self)
            if found is None:
                found = t._findings[self] = list(self._in_table(t))
            for span, fields in found:
                yield self.diag(doc, span, **fields)

    def _in_table(self, t):
        """(span, message fields) of each finding in one table."""
        what = self.p["check"]
        tname = table_name(t.key)
        if what in ("missing-cells", "extra-cells", "inseparable", "split", "split-by-columns", "absent-row", "unknown-row"):
            status = {
                "missing-cells": "missing_cells",
                "extra-cells": "extra_cells",
                "inseparable": "inseparable",
                "absent-row": "absent",
            }.get(what)
            for r in t.rows:
                if what == "unknown-row":
                    if r.key is None and r.found and r.label:
                        yield _finding(r.span, table=tname, label=r.label, raw=r.raw, found=r.found)
                    continue
                if what in ("split", "split-by-columns"):
                    if t.key == "review" and r is not t.rows[0]:
                        continue  # table 四 is one run of digits: one finding
                    if r.key and r.split == ("sum" if what == "split" else "columns") and r.status == "ok":
                        cells = [c for (rk, _), c in t.cells.items() if rk == r.key or t.key == "review"]
                        values = "、".join(c.raw for c in cells)
                        span = cells[0].span if cells else r.span
                        name = "行政复议、行政诉讼" if t.key == "review" else row_name(t, r.key)
                        yield _finding(span, table=tname, row=name, raw=r.raw, values=values)
                    continue
                if r.key is None or r.status != status:
                    continue
                if what == "absent-row" and t.is_covered(r.key):
                    continue
                if what == "absent-row" and (t.key == "review" or not any(x.status != "absent" for x in t.rows)):
                    continue  # a table with no row at all is reported once, not per row
                yield _finding(
                    r.span,
                    table=tname,
                    row="行政复议、行政诉讼" if t.key == "review" else row_name(t, r.key),
                    expected=r.expected,
                    found=r.found,
                    raw=r.raw,
                )
        elif what in ("unlabelled", "label-differs"):
            for r in t.rows:
                if r.key is None or r.status == "absent":
                    continue
                rt = t.template.row(r.key)
                if what == "unlabelled" and r.by_position:
                    yield _finding(r.span, table=tname, row=row_name(t, r.key), raw=r.raw)
                elif what == "label-differs" and r.label_state == "differs":
                    yield _finding(r.span, table=tname, row=row_name(t, r.key), label=r.label, official=rt.label)
        elif what in ("not-number", "blank", "slash", "annotated"):
            wanted = {"blank": ("blank",), "slash": ("slash",), "annotated": ("annotated",)}.get(what, ("text", "negative", "decimal"))
            found = [c for c in t.cells.values() if c.status in wanted]
            for c in sorted(found, key=lambda c: (c.span.line, c.span.column)):
                if what == "blank":
                    yield _finding(c.span, table=tname, row=row_name(t, c.row), column=column_name(t, c.row, c.column))
                else:
                    yield _finding(
                        c.span,
                        table=tname,
                        row=row_name(t, c.row),
                        column=column_name(t, c.row, c.column),
                        value=c.raw,
                    )

    def _no_table(self, doc: Document):
        """A section 二/三/四 is there but holds no statistics table we can read (an image
        in the original, or text too broken to place a single cell)."""
        for key, number in (("active", 2), ("applications", 3), ("review", 4)):
            if self.p["tables"] and key not in self.p["tables"]:
                continue
            sections = [x for x in doc.sections if x.number == number]
            if not sections:
                continue
            t = doc.tables.get(key)
            if t is not None and t.cells:
                continue
            if t is not None and any(r.status != "absent" for r in t.rows):
                continue  # rows were found, only not readable: the row rules say why
            yield self.diag(doc, sections[0].span, table=table_name(key))


def _finding(span, **fields) -> tuple:
    return span, fields


CHECKERS = (TableShape,)
