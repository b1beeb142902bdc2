"""Generated reports (generator/): every shape reads back the cells that were generated, and a
clean report gets no false finding (issue: generalise by construction). The bench
(bench/generated.py) runs the same on thousands of reports and prints the figures."""

from __future__ import annotations

import pytest

from generator import harness, render, report
from xxgk_lint.linter.checking.engine import Linter
from xxgk_lint.linter.parsing.builder import build

SEEDS = range(40)
# what a crawl's run-together cells are allowed to say: that they could not be split
CRAWL_SAYS = {"XG303", "XG210", "XG211"}


@pytest.fixture(scope="module")
def linter():
    return Linter()


def _path(shape: str) -> str:
    return "r.md" if shape.startswith("markdown") else "r.txt"


@pytest.mark.parametrize("shape", render.SHAPES)
def test_every_cell_reads_back(shape):
    total = harness.CellScore()
    for seed in SEEDS:
        r = report.generate(seed)
        total.add(harness.score_cells(r, build(render.render(r, shape), _path(shape))))
    assert total.wrong == 0, total.wrong_cells
    if shape != "crawl":  # a crawl's multi-digit cells run together: they may stay unread (and say so)
        assert total.unread == 0


@pytest.mark.parametrize("shape", render.SHAPES)
def test_a_clean_report_has_no_finding(shape, linter):
    false = []
    for seed in SEEDS:
        r = report.generate(seed)
        _, diags = linter.lint_text(render.render(r, shape), _path(shape))
        for d in diags:
            if d.severity == "info" or (shape == "crawl" and d.rule in CRAWL_SAYS and d.severity != "error"):
                continue
            false.append((seed, d.rule, d.span.line, d.message))
    assert false == []


def test_a_crawl_that_could_not_split_says_so(linter):
    """Where a crawl's cells stay unread, the report never looks clean."""
    for seed in SEEDS:
        r = report.generate(seed)
        text = render.render(r, "crawl")
        doc = build(text, "r.txt")
        if harness.score_cells(r, doc).unread:
            rules = {d.rule for d in linter.lint_text(text, "r.txt")[1]}
            assert rules & {"XG303", "XG210", "XG211"}, seed


def test_the_same_seed_gives_the_same_text():
    a, b = report.generate(7), report.generate(7)
    assert render.render(a, "pdftotext") == render.render(b, "pdftotext")
    assert render.render(report.generate(8), "pdftotext") != render.render(a, "pdftotext")


# --- the readings the generator found wrong, one by one ------------------------------------

def test_a_bare_page_number_before_a_form_feed_is_a_footer():
    r = report.generate(3, year=2024)
    lines = render.render(r, "pdftotext").split("\n")
    # put a bare footer and a form feed between table 四's header and its numbers
    at = next(i for i, line in enumerate(lines) if line.split()[:2] == ["结果维持", "结果纠正"])
    lines[at + 1: at + 1] = ["", " " * 40 + "7", ""]
    lines[at + 4] = "\f" + lines[at + 4]
    doc = build("\n".join(lines), "r.txt")
    score = harness.score_cells(r, doc)
    assert score.wrong == score.unread == 0, score.wrong_cells


def test_a_bare_number_without_a_form_feed_stays_a_cell():
    text = "三、收到和处理政府信息公开申请情况\n一、本年新收政府信息公开申请数量\n3\n0\n0\n0\n0\n0\n3\n"
    cells = build(text, "r.txt").tables["applications"].cells
    assert cells[("new", "natural")].value == 3


def test_a_crawl_title_on_the_body_line_is_the_title():
    r = report.generate(4)
    doc = build(render.render(r, "crawl"), "r.txt")
    assert doc.title == r.title and doc.agency == r.agency.name


def test_a_crawl_of_the_2019_format_is_read_as_2019_even_with_unsplittable_table_2(linter):
    r = report.generate(4)
    assert r.format == "2019"
    text = render.render(r, "crawl")
    assert build(text, "r.txt").format == "2019"
    assert not {"XG701", "XG702"} & {d.rule for d in linter.lint_text(text, "r.txt")[1]}


def test_a_space_before_run_together_cells_of_a_crawl_is_not_a_missing_cell(linter):
    import re

    r = report.generate(32)
    assert r.format == "2019"
    # the 2019 row 上一年项目数量 4, 本年增/减 4, written with a space after the label
    text, n = re.subn(r"行\s*政\s*事\s*业\s*性\s*收\s*费\s*-?\d+", "行政事业性收费 44", render.render(r, "crawl"))
    assert n == 1
    rules = {(d.rule, d.severity) for d in linter.lint_text(text, "r.txt")[1]}
    assert ("XG301", "error") not in rules


def test_a_crawl_body_ending_with_agency_and_date_has_a_signature_date():
    r = report.generate(5)
    doc = build(render.render(r, "crawl"), "r.txt")
    assert doc.signature_date is not None and doc.signature_date.raw == r.signature


def test_a_wrong_signature_year_in_a_crawl_is_found(linter):
    r = report.generate(5)
    r.signature = f"{r.year}年1月20日"
    assert "XG403" in {d.rule for d in linter.lint_text(render.render(r, "crawl"), "r.txt")[1]}


def test_a_collection_chains_the_years_and_plants_each_kind():
    from generator import collection

    items = collection.build(seed=3, departments=3, years=(2023, 2024))
    kinds = [p.kind for it in items for p in it.planted]
    assert sorted(kinds) == sorted(collection.KINDS)
    by = {(it.report.agency.name, it.report.year): it.report for it in items}
    broken = {(p.path) for it in items for p in it.planted if p.kind == "carry-over-break"}
    for (name, year), r in by.items():
        if (name, year - 1) in by and not any(it.path in broken and it.report is r for it in items):
            prev = by[(name, year - 1)]
            for col in ("natural", "total"):
                assert r.tables.cells[("applications", "carried_over", col)] == prev.tables.cells[("applications", "carried_forward", col)]


_SETTLE = """三、收到和处理政府信息公开申请情况
一、本年新收政府信息公开申请数量21413010 0228
二、上年结转政府信息公开申请数量 0 0 0 0 0 0 0
(七)总计 {total}
四、结转下年度继续办理 0 0 0 0 0 0 0
"""


def test_the_columns_settle_a_row_its_sum_cannot(linter):
    doc = build(_SETTLE.format(total="214 13 0 1 0 0 228"), "r.txt")
    m = doc.tables["applications"].row_match("new")
    assert (m.status, m.split) == ("ok", "columns")
    assert [doc.tables["applications"].cells[("new", c)].value for c in ("natural", "org.business", "total")] == [214, 13, 228]


def test_columns_that_do_not_add_up_settle_nothing(linter):
    # (七)总计 wrong: no split of 一 makes 一 + 二 = (七) + 四 hold, so 一 stays unread and says so
    text = _SETTLE.format(total="215 13 0 1 0 0 229")
    m = build(text, "r.txt").tables["applications"].row_match("new")
    assert m.status == "inseparable"
    assert "XG303" in {d.rule for d in linter.lint_text(text, "r.txt")[1]}
