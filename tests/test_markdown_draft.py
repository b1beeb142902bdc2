"""A clean report drafted in Markdown (headings `##`, tables with header rows) lints clean,
with every cell read; breaking one total is found."""

from xxgk_lint.linter.checking.config import Config
from xxgk_lint.linter.checking.engine import Linter

from .conftest import ROOT

DRAFT = (ROOT / "tests" / "data" / "clean-draft.md").read_text(encoding="utf-8")


def lint(text):
    return Linter(Config()).lint_text(text, "draft.md")


def test_clean_draft_has_no_findings_and_complete_tables():
    doc, diags = lint(DRAFT)
    assert diags == []
    assert [s.number for s in doc.sections] == [1, 2, 3, 4, 5, 6]
    assert [x.title for x in doc.sections[0].subsections] == ["主动公开", "依申请公开", "政府信息管理", "平台建设", "监督保障"]
    assert {k: len(t.cells) for k, t in doc.tables.items()} == {"active": 10, "applications": 175, "review": 15}
    assert doc.report_year == 2023 and doc.agency == "某县财政局" and doc.format == "2021"


def test_a_broken_total_is_found():
    broken = DRAFT.replace("| （七）总计 | 4 | 0 | 0 | 0 | 0 | 0 | 4 |", "| （七）总计 | 5 | 0 | 0 | 0 | 0 | 0 | 5 |")
    _, diags = lint(broken)
    rules = {d.rule for d in diags}
    assert {"XG202", "XG203"} <= rules
    assert all(d.span.line == broken.splitlines().index("| （七）总计 | 5 | 0 | 0 | 0 | 0 | 0 | 5 |") + 1 for d in diags if d.rule == "XG203")
