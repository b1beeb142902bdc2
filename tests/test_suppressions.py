"""Inline suppressions in .txt and .md reports."""

from xxgk_lint.linter.checking.config import Config
from xxgk_lint.linter.checking.engine import Linter

REPORT = """三、收到和处理政府信息公开申请情况
一、本年新收政府信息公开申请数量 | 25 | 2 | 0 | 0 | 0 | 0 | 26 |
"""


def rules(text, path="r.txt"):
    _, diags = Linter(Config()).lint_text(text, path)
    return [d.rule for d in diags]


def test_unsuppressed():
    assert "XG201" in rules(REPORT)


def test_next_line_comment_between_table_rows():
    lines = REPORT.splitlines()
    text = "\n".join([lines[0], "<!-- xxgk-lint: disable-next-line=XG201 -->", lines[1]]) + "\n"
    assert "XG201" not in rules(text)


def test_line_comment_and_whole_file():
    assert "XG201" not in rules(REPORT.rstrip("\n") + " <!-- xxgk-lint: disable-line=XG201 -->\n")
    assert "XG201" not in rules("<!-- xxgk-lint: disable=XG2 -->\n" + REPORT, "r.md")
    assert rules("<!-- xxgk-lint: disable -->\n" + REPORT) == []


def test_suppressing_one_rule_keeps_the_others():
    text = "<!-- xxgk-lint: disable=XG201 -->\n" + REPORT.replace("| 26 |", "| 26 | 5 |")
    found = rules(text)
    assert "XG201" not in found and "XG302" in found
