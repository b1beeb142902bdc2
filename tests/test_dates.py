"""Dates found in the text (linter/parsing/dates.py): one scan over the whole text, trying the regexes
only where a date can start, gives what searching every line at every character would."""

from __future__ import annotations

import pytest
from hypothesis import given, strategies as st

import re

from xxgk_lint.linter.parsing.dates import _CN_DATE, _HAN_DATE, _ISO_DATE, _han_number, find_all_dates, mention

_HAN_YEAR = {"〇": "0", "零": "0", **{c: str(i) for i, c in enumerate("一二三四五六七八九", 1)}}
_HAN_REF = re.compile("(?<![〇零一二三四五六七八九])" + _HAN_DATE.pattern)

from .conftest import corpus_files


def _by_line(text: str):
    """The reference: each date regex searched line by line, at every character."""
    out = []
    for i, line in enumerate(text.split("\n"), 1):
        found = [(m.start(), m.group(0), int(m[1]), int(m[2]), int(m[3])) for m in _CN_DATE.finditer(line)]
        found += [(m.start(), m.group(0), int(m[1]), int(m[3]), int(m[4])) for m in _ISO_DATE.finditer(line)]
        found += [
            (m.start(), m.group(0), int("".join(_HAN_YEAR[c] for c in m[1])), _han_number(m[2]), _han_number(m[3]))
            for m in _HAN_REF.finditer(line)
            if _han_number(m[2]) and _han_number(m[3])
        ]
        out.extend(mention(raw, i, start, y, mo, d) for start, raw, y, mo, d in sorted(found))
    return out


def test_whole_text_scan_equals_line_by_line_on_the_corpus():
    for p in corpus_files():
        text = p.read_text(encoding="utf-8").replace("\r\n", "\n")
        assert find_all_dates(text) == _by_line(text), p.name


def test_every_written_form_with_its_position():
    text = "发布日期:2022.1.20\n  于 2021 年 12 月 31 日前 与2021-02-30\n版本 12021.1.2 不是日期"
    found = [(d.raw, d.span.line, d.span.column, d.valid) for d in find_all_dates(text)]
    assert found == [
        ("2022.1.20", 1, 6, True),
        ("2021 年 12 月 31 日", 2, 5, True),
        ("2021-02-30", 2, 24, False),
    ]


@given(st.lists(st.sampled_from(["2021年1月2日", "2020-12-31", "2019.2.30", "12", "年", "-", ".", " ", "\n", "甲", "2021/1/1",
                                  "二〇二五年一月二十日", "十二月", "三十一日", "〇", "二", "十"]), max_size=30))
def test_whole_text_scan_equals_line_by_line(parts):
    text = "".join(parts)
    assert find_all_dates(text) == _by_line(text)


@pytest.mark.parametrize("written, date", [
    ("二〇二五年一月二十日", "2025-01-20"),
    ("二〇二四年十二月三十一日", "2024-12-31"),
    ("二零二五年三月十五日", "2025-03-15"),
    ("二〇二五年 十 月 一 日", "2025-10-01"),
])
def test_dates_in_chinese_numerals(written, date):
    from xxgk_lint.linter.parsing.dates import find_dates

    (found,) = find_dates(f"落款：{written}", 1)
    assert found.raw == written and found.date.isoformat() == date


def test_a_signature_in_chinese_numerals_of_the_wrong_year_is_found():
    from xxgk_lint.linter.checking.engine import Linter

    from .conftest import EXAMPLES

    text = (EXAMPLES / "clean.txt").read_text(encoding="utf-8")
    assert "2025年1月20日" in text
    rules = lambda t: {d.rule for d in Linter().lint_text(t, "r.txt")[1]}  # noqa: E731
    assert "XG403" not in rules(text.replace("2025年1月20日", "二〇二五年一月二十日"))
    assert "XG403" in rules(text.replace("2025年1月20日", "二〇二四年一月二十日"))
