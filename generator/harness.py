"""Reading generated reports back: the cells the linter extracted against the ones generated,
and the findings on clean and planted renderings. Used by tests/test_generated.py (bounded)
and bench/generated.py (at scale, figures printed)."""

from __future__ import annotations

from dataclasses import dataclass, field

from .report import Report


@dataclass
class CellScore:
    right: int = 0
    wrong: int = 0
    unread: int = 0  # not read, and the table says so (a coverage or table-shape finding)
    wrong_cells: list = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.right + self.wrong + self.unread

    def add(self, other: "CellScore") -> None:
        self.right += other.right
        self.wrong += other.wrong
        self.unread += other.unread
        self.wrong_cells += other.wrong_cells[:20]


def golden(r: Report) -> dict[tuple[str, str, str], object]:
    return dict(r.tables.cells)


def score_cells(r: Report, doc) -> CellScore:
    """Each generated cell: read right, read wrong, or not read."""
    s = CellScore()
    for (table, row, col), want in golden(r).items():
        t = doc.tables.get(table)
        cell = t.cells.get((row, col)) if t else None
        got = cell.value if cell is not None else None
        if got is None:
            s.unread += 1
        elif got == want or (isinstance(want, float) and abs(float(got) - want) < 1e-9):
            s.right += 1
        else:
            s.wrong += 1
            s.wrong_cells.append((table, row, col, want, got))
    return s
