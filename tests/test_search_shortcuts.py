"""Searches that try a regex only where a match can start must find exactly what the plain
regex search finds: checked on the corpus and on random texts built from the pieces that
matter (a shortcut that misses a match is a missed finding)."""

from __future__ import annotations

import pytest

pytest.importorskip("hypothesis")

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

import re  # noqa: E402

from xxgk_lint.linter.checking.kinds import agency  # noqa: E402
from xxgk_lint.linter.checking.kinds import dates as date_checks  # noqa: E402

from .conftest import report_files  # noqa: E402


def _same(found, expected) -> None:
    assert [(m.span(), m.group(0)) for m in found] == [(m.span(), m.group(0)) for m in expected]


@pytest.mark.parametrize("path", report_files(), ids=lambda p: p.name[:12])
def test_agency_claims_on_the_corpus(path):
    text = path.read_text(encoding="utf-8-sig", errors="replace")
    for line in text.splitlines():
        _same(agency._claims(line), agency._CLAIM.finditer(line))


CLAIM_PIECES = [*agency._DUTY_VERBS, "系统", "信息公开", "政务公开", "政府信息", "职能", "职责", "本局", "我委",
                "教育", "卫生", "科技", "局", "a", "1", "，", " ", "系", "统"]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(CLAIM_PIECES), max_size=30))
def test_agency_claims_on_random_text(pieces):
    text = "".join(pieces)
    _same(agency._claims(text), agency._CLAIM.finditer(text))


# Regexes rewritten so that they open with text rather than a lookbehind, and their plain forms.
REWRITTEN = [
    (date_checks._GLUED, re.compile(r"(?<![\d年])((?:19|20)\d{2})(1[0-2]|0?[1-9])月(\d{1,2})日")),
    (date_checks._YEAR, re.compile(r"(?<!\d)(20\d{2})[ \t]*年(?!度报告)")),
]


def _same_groups(fast: re.Pattern, plain: re.Pattern, text: str) -> None:
    assert [(m.span(), m.groups()) for m in fast.finditer(text)] == [(m.span(), m.groups()) for m in plain.finditer(text)]


@pytest.mark.parametrize("path", report_files(), ids=lambda p: p.name[:12])
def test_rewritten_regexes_on_the_corpus(path):
    text = path.read_text(encoding="utf-8-sig", errors="replace")
    for fast, plain in REWRITTEN:
        _same_groups(fast, plain, text)


DATE_PIECES = ["19", "20", "2021", "202", "1", "0", "12", "3", "年", "月", "日", "度报告", " ", "\t", "a", "，"]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(DATE_PIECES), max_size=25))
def test_rewritten_regexes_on_random_text(pieces):
    text = "".join(pieces)
    for fast, plain in REWRITTEN:
        _same_groups(fast, plain, text)


def test_a_pattern_rule_without_contains_finds_what_its_regex_finds(tmp_path):
    """A pattern rule that names no `contains` searches only texts holding the text every match
    of its regex holds — found also where a paragraph joins that text across a line break."""
    from xxgk_lint.linter.checking.config import Config
    from xxgk_lint.linter.checking.engine import Linter

    (tmp_path / "pack.toml").write_text(
        '[[rule]]\nid = "XX101"\nname = "x-rule"\ncategory = "typography"\nseverity = "warning"\n'
        'kind = "pattern"\nmessage = "“{match}”"\ndescription = "测试"\n'
        'params = { regex = "信息公开申请(\\\\d+)件" }\n',
        encoding="utf-8",
    )
    linter = Linter(Config(rule_dirs=[tmp_path], select=["XX101"]))
    assert linter.rule("XX101").checker.contains == ["信息公开申请"]
    text = "一、总体情况\n　　本年共收到信息公开\n申请12件，均已办结。\n\n　　另有其他事项。\n"
    doc, found = linter.lint_text(text, "x.txt")
    expected = [m.group(0) for p in doc.paragraphs for m in re.finditer(r"信息公开申请(\d+)件", p.text)]
    assert len(expected) == 1 and [d.message for d in found] == [f"“{m}”" for m in expected]
