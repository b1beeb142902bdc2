"""Kind `coverage`: what the table arithmetic could not check, and why — a report must never
look clean because part of its tables could not be read.

It asks every equation rule of the rule set (`peers`, given by the engine) which of its
equations it had to leave unchecked in each table (a row not found, a cell missing, run
together, or holding no number) and reports them per table, once, with the reasons.
"""

from __future__ import annotations

from ...model.document import Document
from .base import Checker, Param
from .common import column_name, row_name, table_name


class CoverageCheck(Checker):
    kind = "coverage"
    params = {
        "min_share": Param(float, 0.0, doc="report when at least this share of the table's equations went unchecked"),
        "max_share": Param(float, 1.0, doc="… and less than this share (1.0: up to all of them)"),
    }
    fields = frozenset({"table", "count", "total", "why"})
    peers: tuple = ()  # the equation rules (set by the engine: a rule sees no other rule)

    def check(self, doc: Document):
        for key, table in doc.tables.items():
            if table is None or not (table.cells or any(r.status != "absent" for r in table.rows)):
                continue  # no table at all: XG309's finding
            total, unchecked, causes = 0, 0, {}
            for rule in self.peers:
                eq = rule.checker
                if eq.p["table"] != key:
                    continue
                scopes = eq.unchecked(table)
                total += len(eq.scopes(table))
                unchecked += len(scopes)
                for _, refs in scopes:
                    for ref in refs:
                        causes.setdefault(_cause(table, ref), None)
            if not unchecked or not total:
                continue
            share = unchecked / total
            if not (self.p["min_share"] <= share and (share < self.p["max_share"] or self.p["max_share"] >= 1.0)):
                continue
            why = "、".join(list(causes)[:3]) + ("等" if len(causes) > 3 else "")
            yield self.diag(doc, table.span, table=table_name(key), count=unchecked, total=total, why=why)


def _cause(table, ref) -> str:
    row, column = ref
    if not any(r.key == row and r.status not in ("absent",) for r in table.rows):
        return f"“{row_name(table, row)}”一行未能读出"
    cell = table.cells.get(ref)
    if cell is None:
        return f"“{row_name(table, row)}”行的数字未能逐格读出"
    return f"“{row_name(table, row)}”行“{column_name(table, row, column)}”列不是数字"


CHECKERS = (CoverageCheck,)
