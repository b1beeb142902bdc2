"""Dates written in report text: `2022年1月20日`, `2022 年 1 月 20 日`, `2022-01-20`, `2022.1.20`."""

from __future__ import annotations

import re

from ..model.document import DateMention
from ..reading.source import Span

_CN_DATE = re.compile(r"(?<!\d)(\d{4})[ \t]*年[ \t]*(\d{1,2})[ \t]*月[ \t]*(\d{1,2})[ \t]*日")
# A date in Chinese numerals, as many a 落款 writes it: 二〇二五年一月二十日.
_HAN_DIGITS = "〇零一二三四五六七八九"
_HAN_VALUE = {"〇": 0, "零": 0, **{c: i for i, c in enumerate("一二三四五六七八九", 1)}}
_HAN_DATE = re.compile(r"([〇零一二三四五六七八九]{4})[ \t]*年[ \t]*([一二三四五六七八九十]{1,3})[ \t]*月[ \t]*([一二三四五六七八九十]{1,3})[ \t]*日")
_ISO_DATE = re.compile(r"(?<![\d.\-/])(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?![\d.])")
_ISO_SEPARATOR = re.compile(r"[-/.]\d")  # where the separator after an ISO date's year may be
# A period "2021年1月1日至12月31日" (the second year may be left out).
PERIOD = re.compile(
    r"(\d{4})[ \t]*年[ \t]*(\d{1,2})[ \t]*月[ \t]*(\d{1,2})[ \t]*日?[ \t]*(?:起)?[ \t]*(?:至|到|—|-|~|～)[ \t]*"
    r"(?:(\d{4})[ \t]*年[ \t]*)?(\d{1,2})[ \t]*月[ \t]*(\d{1,2})[ \t]*日"
)

MIN_YEAR, MAX_YEAR = 2000, 2100


def check(year: int, month: int, day: int) -> str:
    """'' for a real date, else why not (Chinese, for messages)."""
    if not MIN_YEAR <= year <= MAX_YEAR:
        return f"年份{year}不合理"
    if not 1 <= month <= 12:
        return f"月份{month}不存在"
    import calendar

    last = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last:
        return f"{year}年{month}月没有{day}日"
    return ""


def mention(raw: str, line: int, start: int, year: int, month: int, day: int) -> DateMention:
    problem = check(year, month, day)
    return DateMention(
        raw=raw,
        span=Span(line, start + 1, line, start + len(raw) + 1),
        year=year,
        month=month,
        day=day,
        valid=not problem,
        problem=problem,
    )


def find_dates(text: str, line: int, col: int = 0) -> list[DateMention]:
    """All dates on one line of text (`col` is the text's offset on its physical line)."""
    return [mention(raw, line, col + offset, y, m, d) for offset, y, m, d, raw in _scan(text)]


def find_all_dates(text: str) -> list[DateMention]:
    """All dates in a whole "\n"-separated text, in reading order (dates never run across a
    line end): what find_dates finds on each line, in one pass."""
    out = []
    line, counted = 1, 0  # lines counted up to offset `counted` (in order: linear in the text)
    for offset, year, month, day, raw in _scan(text):
        line += text.count("\n", counted, offset)
        counted = offset
        out.append(mention(raw, line, offset - text.rfind("\n", 0, offset) - 1, year, month, day))
    return out


def _han_number(text: str) -> int | None:
    """一 … 三十一 (a month or a day in Chinese numerals); None when malformed."""
    units = "一二三四五六七八九"
    if text == "十":
        return 10
    if len(text) == 1 and text in units:
        return units.index(text) + 1
    if len(text) == 2 and text[0] == "十" and text[1] in units:
        return 10 + units.index(text[1]) + 1
    if len(text) == 2 and text[1] == "十" and text[0] in units:
        return (units.index(text[0]) + 1) * 10
    if len(text) == 3 and text[1] == "十" and text[0] in units and text[2] in units:
        return (units.index(text[0]) + 1) * 10 + units.index(text[2]) + 1
    return None


def _scan(text: str) -> list[tuple[int, int, int, int, str]]:
    """(offset, year, month, day, as written) of each date, in order. A date's regex is tried
    only where one can start — four digits before a 年, or before a - / . that a digit
    follows: a regex that opens with a lookbehind would be tried at every character."""
    found: list[tuple[int, int, int, int, str]] = []
    p = text.find("年")
    while p >= 0:
        j = p
        while j > 0 and text[j - 1] in " \t":
            j -= 1
        s = j - 4
        if s >= 0 and text[s:j].isdecimal() and not (s > 0 and text[s - 1].isdecimal()):
            m = _CN_DATE.match(text, s)
            if m:
                found.append((s, int(m[1]), int(m[2]), int(m[3]), m.group(0)))
        elif s >= 0 and all(c in _HAN_DIGITS for c in text[s:j]) and not (s > 0 and text[s - 1] in _HAN_DIGITS):
            m = _HAN_DATE.match(text, s)
            if m:
                month, day = _han_number(m[2]), _han_number(m[3])
                if month and day:
                    year = int("".join(str(_HAN_VALUE[c]) for c in m[1]))
                    found.append((s, year, month, day, m.group(0)))
        p = text.find("年", p + 1)
    for q in _ISO_SEPARATOR.finditer(text):
        s = q.start() - 4
        if s >= 0 and text[s : q.start()].isdecimal():
            m = _ISO_DATE.match(text, s)
            if m:
                found.append((s, int(m[1]), int(m[3]), int(m[4]), m.group(0)))
    found.sort()
    return found
