"""Dates found in the text (linter/parsing/dates.py): one scan over the whole text, trying the regexes
only where a date can start, gives what searching every line at every character would."""

from __future__ import annotations

from hypothesis import given, strategies as st

from xxgk_lint.linter.parsing.dates import _CN_DATE, _ISO_DATE, find_all_dates, mention

from .conftest import corpus_files


def _by_line(text: str):
    """The reference: each date regex searched line by line, at every character."""
    out = []
    for i, line in enumerate(text.split("\n"), 1):
        found = [(m.start(), m.group(0), int(m[1]), int(m[2]), int(m[3])) for m in _CN_DATE.finditer(line)]
        found += [(m.start(), m.group(0), int(m[1]), int(m[3]), int(m[4])) for m in _ISO_DATE.finditer(line)]
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


@given(st.lists(st.sampled_from(["2021年1月2日", "2020-12-31", "2019.2.30", "12", "年", "-", ".", " ", "\n", "甲", "2021/1/1"]), max_size=30))
def test_whole_text_scan_equals_line_by_line(parts):
    text = "".join(parts)
    assert find_all_dates(text) == _by_line(text)
