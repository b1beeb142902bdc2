"""Kinds of category consistency (and format-version): what the prose says against what the
tables say, and what the report must state.

- `prose-number`: a number stated in the text (`共受理政府信息公开申请27件`) against table
  cells (`applications/new/total`); or a claim of none (`未收到…申请`) against a non-zero table.
- `required-text`: a section must mention something (六 states the 信息处理费 from 2021 on).
- `format-version`: the tables' format against the report year and the format the text cites.
"""

from __future__ import annotations

import re

from ...model.document import Document, Paragraph
from ...reading.source import Span
from ...support.memo import TextMemo
from .base import Checker, Param
from .common import start_span, table_name


def _cell_ref(ref: str) -> tuple[str, str, str]:
    parts = ref.split("/")
    if len(parts) != 3:
        raise ValueError(ref)
    return parts[0], parts[1], parts[2]


def _known_cell(table: str, row: str, col: str) -> bool:
    from ...model import templates

    for fmt in templates.formats().values():
        t = fmt.tables.get(table)
        rt = t.row(row) if t else None
        if rt is not None and any(c.key == col for c in rt.columns):
            return True
    return False


def _paragraphs(doc: Document, sections: list[int]) -> list[Paragraph]:
    out: list[Paragraph] = []
    if 0 in sections:
        out.extend(doc.front)
    seen: set[int] = set()
    for s in doc.sections:
        if s.number in sections and s.number not in seen:
            out.extend(s.paragraphs)
            seen.add(s.number)  # a pasted second copy says the same
    return out


class ProseNumberCheck(Checker):
    kind = "prose-number"
    params = {
        "patterns": Param(list, item=str, doc="regexes; for mode=equal a group named n holds the number"),
        "cells": Param(list, item=str, doc="cells summed for the comparison, as table/row/column"),
        "accept": Param(list, [], doc="other cell lists whose sum is also accepted (e.g. new + carried over)"),
        "sections": Param(list, [0, 1, 3], item=int, doc="sections whose prose is read (0 = before 一)"),
        "mode": Param(str, "equal", choices=("equal", "none-claimed")),
        "exclude": Param(str, "", doc="regex: a match whose sentence (or clause) also matches this is skipped"),
        "require": Param(str, "", doc="regex: only a match whose sentence also matches this counts (what the sentence must be about)"),
        "exclude_scope": Param(str, "sentence", choices=("sentence", "clause"),
                               doc="where `exclude` is looked for: the match's sentence, or only its clause (up to the commas around it)"),
    }
    fields = frozenset({"stated", "table_value", "table", "cells", "match"})

    def setup(self) -> None:
        self.rxs = []
        for k, pat in enumerate(self.p["patterns"]):
            if not isinstance(pat, str):
                raise self.error(f"patterns[{k}]", "应为正则表达式字符串")
            rx = self.regex(f"patterns[{k}]", pat)
            if self.p["mode"] == "equal" and "n" not in rx.groupindex:
                raise self.error(f"patterns[{k}]", "mode = \"equal\" 的正则须有名为 n 的分组 (?P<n>\\d+)")
            self.rxs.append(rx)
        from ...support.regexes import required_literal

        # (regex, text every match holds): a paragraph without that text is not searched
        self.searches = [(rx, required_literal(rx)) for rx in self.rxs]
        self.ex = self.regex("exclude", self.p["exclude"]) if self.p["exclude"] else None
        self.req = self.regex("require", self.p["require"]) if self.p["require"] else None
        try:
            self.cells = [_cell_ref(c) for c in self.p["cells"]]
            self.accept = [[_cell_ref(c) for c in alt] for alt in self.p["accept"]]
        except (ValueError, AttributeError, TypeError) as exc:
            raise self.error("cells", f"单元格应写作 表/行/列，如 applications/new/total:{exc}") from None
        for table, row, col in [c for c in self.cells] + [c for alt in self.accept for c in alt]:
            if not _known_cell(table, row, col):
                raise self.error("cells", f"“{table}/{row}/{col}”不是任何官方表格模板中的单元格")

    def _sum(self, doc: Document, refs) -> tuple[float | None, list]:
        total, cells = 0, []
        for table, row, col in refs:
            t = doc.tables.get(table)
            c = t.cell(row, col) if t else None
            if c is None or (c.value is None and c.status != "blank"):
                return None, []
            total += c.value or 0
            cells.append((t, c))
        return total, cells

    def check(self, doc: Document):
        value, cells = self._sum(doc, self.cells)
        if value is None:
            return
        alternatives = [v for v, _ in (self._sum(doc, alt) for alt in self.accept) if v is not None]
        from ...model.diagnostic import Related

        related = [Related(c.span, f"表格中为 {c.raw or 0}") for _, c in cells]
        tname = table_name(cells[0][0].key) if cells else ""
        equal = self.p["mode"] == "equal"
        for p in _paragraphs(doc, self.p["sections"]):
            for start, end, stated, n_start, n_end, match in self._stated(p.text):
                if equal:
                    if stated == value or stated in alternatives:
                        continue
                    span = p.span_of(n_start, n_end)
                    yield self.diag(doc, span, related=related, stated=stated, table_value=_fmt(value), table=tname, match=match)
                    return  # one contradiction per rule and report is enough
                if value > 0:
                    yield self.diag(doc, p.span_of(start, end), related=related, table_value=_fmt(value), table=tname, match=match)
                    return

    def _stated(self, text: str) -> tuple:
        """(start, end, number stated, its start, its end, the match) of each match of the
        patterns in one paragraph's text, in order, that `require` and `exclude` let through.
        A function of the text alone, kept per text (in the editor only the paragraph typed
        into is searched again)."""
        memo = self.__dict__.get("_per_text")
        if memo is None:
            memo = self.__dict__["_per_text"] = TextMemo(self._stated_in, 1_000_000)
        return memo(text)

    def _stated_in(self, text: str) -> tuple:
        out = []
        equal = self.p["mode"] == "equal"
        clause = self.p["exclude_scope"] == "clause"
        for rx, literal in self.searches:
            if literal not in text:
                continue
            for m in rx.finditer(text):
                if self.req is not None and not self.req.search(_sentence(text, m.start(), m.end())):
                    continue
                if self.ex is not None and self.ex.search(_sentence(text, m.start(), m.end(), clause)):
                    continue
                if equal:
                    if m.group("n") is None:
                        continue  # (an optional number the match went without)
                    out.append((m.start(), m.end(), int(m.group("n")), m.start("n"), m.end("n"), m.group(0)))
                else:
                    out.append((m.start(), m.end(), None, 0, 0, m.group(0)))
        return tuple(out)


def _fmt(v) -> str:
    return str(int(v)) if float(v).is_integer() else str(v)


def _sentence(text: str, start: int, end: int, clause: bool = False) -> str:
    """The sentence around text[start:end]; with `clause`, only up to the commas around it
    (`收到申请25件，另有上年结转的申请1件`: the second clause is not the first's)."""
    stops = "。；;！？，," if clause else "。；;！？"
    a = max(text.rfind(ch, 0, start) for ch in stops) + 1
    ends = [i for i in (text.find(ch, end) for ch in stops) if i >= 0]
    b = min(ends) if ends else len(text)
    return text[a:b]


class RequiredTextCheck(Checker):
    kind = "required-text"
    params = {
        "section": Param(int, doc="the section (1–6) that must say it"),
        "pattern": Param(str, doc="regex of what must be said"),
        "min_year": Param(int, 0, doc="only for reports of this year or later"),
        "formats": Param(list, [], item=str, doc="only for these table formats"),
    }
    fields = frozenset({"title", "year"})

    def setup(self) -> None:
        self.rx = self.regex("pattern", self.p["pattern"])
        if not 1 <= self.p["section"] <= 6:
            raise self.error("section", "部分编号应为 1 到 6")

    def check(self, doc: Document):
        y = doc.report_year
        if self.p["min_year"] and (y is None or y < self.p["min_year"]):
            return
        if self.p["formats"] and doc.format not in self.p["formats"]:
            return
        sections = [s for s in doc.sections if s.number == self.p["section"]]
        if not sections:
            return  # a missing section is the structure rule's finding
        s = sections[0]
        text = s.title + "".join(p.text for p in s.paragraphs) + "".join(l.text for l in s.lines)
        if self.rx.search(text):
            return
        yield self.diag(doc, s.span, title=s.title, year=y)


_CITES_2021 = re.compile(r"〔2021〕30号|\[2021\]30号|（2021）30号|\(2021\)30号")
_CITES_2019 = re.compile(r"〔2019〕60号|\[2019\]60号|（2019）60号|\(2019\)60号")


class FormatVersionCheck(Checker):
    kind = "format-version"
    params = {"check": Param(str, choices=("year", "citation"))}
    fields = frozenset({"year", "format", "expected", "cited"})

    def check(self, doc: Document):
        fmt = doc.format
        if fmt is None:
            return
        table = doc.tables.get("active") or doc.tables.get("applications")
        span = table.span if table else start_span(doc)
        span = Span(span.line, span.column, span.line, span.column + 1) if span.end_line != span.line else span
        if self.p["check"] == "year":
            y = doc.report_year
            if y is None:
                return
            expected = "2021" if y >= 2021 else "2019"
            if fmt != expected:
                yield self.diag(doc, span, year=y, format=fmt, expected=expected, cited="")
        else:
            text = doc.text
            if fmt == "2019" and _CITES_2021.search(text):
                yield self.diag(doc, span, year=doc.report_year, format=fmt, expected="2021", cited="国办公开办函〔2021〕30号")
            elif fmt == "2021" and _CITES_2019.search(text) and not _CITES_2021.search(text):
                yield self.diag(doc, span, year=doc.report_year, format=fmt, expected="2019", cited="国办公开办函〔2019〕60号")


CHECKERS = (ProseNumberCheck, RequiredTextCheck, FormatVersionCheck)
