"""Kind `date`: the report year against its statistics period, signature, publication date
and the year its text talks about; the publication deadline; malformed and impossible dates."""

from __future__ import annotations

import datetime as dt
import re

from ...parsing import lines as L
from ...model.diagnostic import Edit, Fix
from ...model.document import Document
from ...reading.source import Span
from .base import Checker, Param

CHECKS = ("malformed", "invalid", "signature", "publication", "deadline", "period", "text-year")
# A year glued to its month: "20211月1日", "202112月31日" (the 年 is missing).
# The lookbehinds stand after the year's first digits, not first: a pattern opening with a
# lookbehind is tried at every character, one opening with text is searched for (same matches;
# tests/test_search_shortcuts.py compares them with the plain forms).
_GLUED = re.compile(r"((?:19|20)(?<![\d年]\d\d)\d{2})(1[0-2]|0?[1-9])月(\d{1,2})日")  # (?<![\d年])((?:19|20)\d{2})…
_YEAR = re.compile(r"(20(?<!\d20)\d{2})[ \t]*年(?!度报告)")  # (?<!\d)(20\d{2})[ \t]*年(?!度报告)
# A year mentioned as a comparison or a plan, not as the year the text reports on.
_ASIDE = re.compile(r"(?:较|比|与|同比|对比|相比|相较)[ \t]*$")
_AFTER = re.compile(r"[^，。；,;]{0,3}?(?:同期|相比|相较|以来|将|计划|拟|力争|预计|起将)")
_DEPARTMENT = re.compile(r"(局|委员会|委|办公室|办|中心|厅|署|所|站|院|馆|队|处|室|公司|集团)$")
_TOWN = re.compile(r"(乡|镇|街道|街道办事处)(人民政府)?$")


def deadline_for(agency: str | None, year: int) -> tuple[dt.date, str]:
    """(deadline, who): 条例第四十九条 — departments by Y+1-01-31, the report of a
    county-level-or-higher people's government by Y+1-03-31. Unknown agencies get the later
    date (no false alarm)."""
    a = (agency or "").replace(" ", "")
    if a and (_DEPARTMENT.search(a) or _TOWN.search(a)):
        return dt.date(year + 1, 1, 31), "政府部门"
    return dt.date(year + 1, 3, 31), "县级以上人民政府"


class DateCheck(Checker):
    kind = "date"
    params = {
        "check": Param(str, choices=CHECKS),
        "min_share": Param(float, 0.6, doc="text-year: share of year mentions that must agree to call it the text's year"),
    }
    fields = frozenset({"date", "year", "expected", "written", "fixed", "problem", "deadline", "who", "period", "count"})

    def check(self, doc: Document):
        yield from self.by_check(doc)

    def _malformed(self, doc: Document):
        for line in doc.lines:
            if line.kind == L.BLANK or "月" not in line.text:
                continue
            for m in _GLUED.finditer(line.text):
                fixed = f"{m.group(1)}年{int(m.group(2))}月{m.group(3)}日"
                span = Span(line.lineno, line.col + m.start() + 1, line.lineno, line.col + m.end() + 1)
                fix = Fix(f"改为“{fixed}”", (Edit(span, fixed),), "safe")
                yield self.diag(doc, span, fix=fix, written=m.group(0), fixed=fixed)

    def _invalid(self, doc: Document):
        for d in doc.dates:
            if not d.valid and d.year and 1990 <= d.year <= 2100:
                yield self.diag(doc, d.span, written=d.raw, problem=d.problem)

    def _signature(self, doc: Document):
        y, sig = doc.report_year, doc.signature_date
        if y is None or sig is None or sig.date is None:
            return
        if sig.date <= dt.date(y, 12, 31):
            yield self.diag(doc, sig.span, date=sig.raw, year=y, expected=y + 1, problem="早于统计年度结束")
        elif sig.date.year > y + 1:
            yield self.diag(doc, sig.span, date=sig.raw, year=y, expected=y + 1, problem="晚于报告应发布的年份")

    def _publication(self, doc: Document):
        y, pub = doc.report_year, doc.publication_date
        if y is None or pub is None or pub.date is None:
            return
        if pub.date <= dt.date(y, 12, 31):
            yield self.diag(doc, pub.span, date=pub.raw, year=y, expected=y + 1, problem="早于统计年度结束")

    def _deadline(self, doc: Document):
        y, pub = doc.report_year, doc.publication_date
        if y is None or pub is None or pub.date is None or pub.date.year != y + 1:
            return
        deadline, who = deadline_for(doc.agency, y)
        if pub.date > deadline:
            yield self.diag(
                doc, pub.span, date=pub.raw, year=y, deadline=f"{deadline.year}年{deadline.month}月{deadline.day}日", who=who
            )

    def _period(self, doc: Document):
        y = doc.report_year
        if y is None or doc.period is None or doc.report_year_source == "period":
            return
        a, b = doc.period
        problems = []
        if a.year != y or b.year != y:
            problems.append(f"统计期限的年份（{a.year}年）与报告年度（{y}年）不符" if a.year == b.year else "统计期限跨了年度")
        elif (a.month, a.day) != (1, 1) or (b.month, b.day) != (12, 31):
            problems.append("统计期限应为1月1日至12月31日")
        for p in problems:
            yield self.diag(doc, a.span, period=a.raw, year=y, problem=p)

    def _text_year(self, doc: Document):
        """The year 一、总体情况 talks about should be the report year."""
        y = doc.report_year
        if y is None or doc.report_year_source not in ("title", "metadata"):
            return
        s1 = doc.section(1)
        if s1 is None:
            return
        counts: dict[int, list] = {}
        for p in s1.paragraphs:
            for m in _YEAR.finditer(p.text):
                if _ASIDE.search(p.text, max(0, m.start() - 3), m.start()) or _AFTER.match(p.text, m.end()):
                    continue  # 较2023年增长, 与2023年同期相比, 2025年将…: not the year it reports on
                counts.setdefault(int(m.group(1)), []).append((p, m))
        total = sum(len(v) for v in counts.values())
        if total < 2 or y in counts and len(counts[y]) * 2 >= total:
            return
        top = max(counts, key=lambda k: len(counts[k]))
        if top != y and len(counts[top]) >= self.p["min_share"] * total:
            p, m = counts[top][0]
            yield self.diag(doc, p.span_of(m.start(1), m.end(1)), year=y, written=str(top), count=len(counts[top]))


CHECKERS = (DateCheck,)
