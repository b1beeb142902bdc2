"""Tables drawn in other shapes read the same: box-drawing characters in every line style
with cells wrapped at several widths, ASCII grids, and tab-separated rows. Every cell must
equal the one read from the pipe table, and no error-level finding may appear or vanish."""

from __future__ import annotations

import pytest

from xxgk_lint.linter.checking.engine import Linter
from xxgk_lint.linter.parsing.builder import build

from .conftest import EXAMPLES
from generator.shapes import STYLES, redraw

# well-formed pipe tables to redraw (the corpus's Markdown report has broken ones: its cells
# are compared with the golden reading in test_golden, not here)
SOURCES = [EXAMPLES / "clean.md", EXAMPLES / "defects.md"]
SHAPES = [("box", {"style": s, "max_width": w}) for s in STYLES for w in (8, 12, 16, 60)] + [("tabs", {})]


def cells(doc) -> dict:
    out = {}
    for key, table in doc.tables.items():
        if table is None:
            continue
        for (row, col), cell in table.cells.items():
            out[(key, row, col)] = (cell.value, cell.status)
    return out


@pytest.fixture(scope="module")
def linter():
    return Linter()


@pytest.mark.parametrize("shape, kw", SHAPES, ids=[f"{s}-{'-'.join(map(str, kw.values()))}" for s, kw in SHAPES])
@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.stem[:12])
def test_a_redrawn_table_reads_the_same(path, shape, kw, linter):
    text = path.read_text(encoding="utf-8")
    drawn = redraw(text, shape, **kw)
    assert drawn != text
    want, got = build(text, path.name), build(drawn, path.name)
    assert cells(got) == cells(want)
    errors = lambda t: sorted((d.rule, d.message) for d in linter.lint_text(t, path.name)[1] if d.severity == "error")  # noqa: E731
    assert errors(drawn) == errors(text)


@pytest.mark.parametrize("width", [6, 8, 10])
def test_a_narrow_drawn_cell_is_read_as_its_whole_label(width):
    """A text browser wraps table 三's label cells at a few characters: `2.其他` is the first
    line of `2.其他法律行政法规禁止公开`, not the row `3.其他`, and `（二）` the first of (二)."""
    text = (EXAMPLES / "clean.md").read_text(encoding="utf-8")
    drawn = redraw(text, "box", max_width=width)
    doc = build(drawn, "r.txt")
    t = doc.tables["applications"]
    assert all(not m.by_position for m in t.rows if m.key)
    assert t.row_match("result.refuse.law").label_state == "wrapped"
    assert not [m for m in t.rows if m.key is None and m.found]
