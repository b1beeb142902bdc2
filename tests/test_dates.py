"""Dates found in the text (linter/dates.py): one scan over the whole text gives what a scan
of every line would, positions included."""

from __future__ import annotations

from hypothesis import given, strategies as st

from linter.dates import find_all_dates, find_dates

from .conftest import corpus_files


def _by_line(text: str):
    out = []
    for i, line in enumerate(text.split("\n"), 1):
        out.extend(find_dates(line, i))
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


@given(st.lists(st.sampled_from(["2021年1月2日", "2020-12-31", "2019.2.30", "12", "年", "-", ".", " ", "\n", "甲", "2021/1/1"]), max_size=30))
def test_whole_text_scan_equals_line_by_line(parts):
    text = "".join(parts)
    assert find_all_dates(text) == _by_line(text)
