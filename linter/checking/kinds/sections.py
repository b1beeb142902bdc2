"""Kind `sections`: the outline of the report — the six official sections, once each, in
order, with their official titles; the five aspects of 一、总体情况; the title line."""

from __future__ import annotations

import re

from ...parsing import labels
from ...model import templates
from ...model.diagnostic import Edit, Fix, Related
from ...model.document import Document, Section
from ...reading.source import Span
from .base import Checker, Param
from .common import start_span

CHECKS = ("missing", "title", "numbering", "order", "repeated", "unknown", "aspects", "title-line", "metadata-empty")
# Web-page metadata fields a published report should fill in.
_REQUIRED_META = ("标题", "发布机构", "发文机关", "来源", "发布时间", "发文日期", "发表日期", "发布日期")
_CN = "一二三四五六七八九十"


def _conjunctions(title: str) -> str:
    """和, 及, 与 and 、 join a title's parts alike (问题及改进 / 问题和改进; 复议、行政诉讼 / 复议和行政诉讼)."""
    return title.translate(_CONJ)


_CONJ = str.maketrans({"及": "和", "与": "和", "、": "和", ",": "和"})


class SectionsCheck(Checker):
    kind = "sections"
    params = {
        "check": Param(str, choices=CHECKS),
        "min_title_score": Param(float, 0.85, doc="below this a changed title is only an unsafe fix"),
    }
    fields = frozenset({"ordinal", "title", "official", "written", "expected", "aspect", "problem", "count", "first_line", "number"})

    def check(self, doc: Document):
        yield from self.by_check(doc)

    # ------------------------------------------------------------------------------------------

    def _known(self, doc: Document) -> list[Section]:
        return [s for s in doc.sections if s.number is not None]

    def _missing(self, doc: Document):
        present = {s.number for s in self._known(doc)}
        if not doc.sections and not doc.tables and not doc.looks_like_report:
            return  # not a report at all (or an empty draft): nothing to compare
        # (a text that looks like a report but none of whose sections could be read is told
        # so, six times: it must not look clean)
        for tpl in templates.sections():
            if tpl.number in present:
                continue
            after = [s for s in self._known(doc) if s.number > tpl.number]
            span = after[0].span if after else (doc.sections[-1].span if doc.sections else start_span(doc))
            yield self.diag(doc, span, ordinal=tpl.ordinal, title=tpl.title, official=tpl.full_title)

    def _title(self, doc: Document):
        for s in self._known(doc):
            tpl = templates.section(s.number)
            written = labels.core(s.title).rstrip(":。.")
            accepted = {_conjunctions(labels.core(t)) for t in (tpl.title, *tpl.variants)}
            if _conjunctions(written) in accepted:
                continue  # an accepted wording, whichever of 和、及、与 joins its parts
            if s.score < 0.75:
                continue  # recognised by keywords only: a different heading, not a garbled one
            official = labels.core(tpl.title)
            safe = labels.ratio(written, official) >= self.p["min_title_score"] or official.startswith(written)
            fix = Fix(f"改为官方标题“{tpl.title}”", (Edit(s.title_span, tpl.title),), "safe" if safe else "unsafe")
            yield self.diag(doc, s.title_span, fix=fix, ordinal=s.ordinal, written=s.title, title=tpl.title, official=tpl.full_title)

    def _numbering(self, doc: Document):
        for s in self._known(doc):
            tpl = templates.section(s.number)
            if s.ordinal_value == s.number:
                continue
            line = s.heading.text
            m = re.search(f"[{_CN}]+", line)
            if not m:
                continue
            span = Span(s.span.line, s.heading.col + m.start() + 1, s.span.line, s.heading.col + m.end() + 1)
            fix = Fix(f"把编号改为“{tpl.ordinal}”", (Edit(span, tpl.ordinal),), "unsafe")
            yield self.diag(doc, span, fix=fix, ordinal=s.ordinal, expected=tpl.ordinal, title=s.title, official=tpl.full_title)

    def _order(self, doc: Document):
        seen_max = 0
        first_copy = self._repeat_start(doc)
        for s in self._known(doc):
            if first_copy is not None and s is first_copy:
                seen_max = 0  # a second copy of the whole report: reported as repeated
            if s.number < seen_max:
                tpl = templates.section(s.number)
                yield self.diag(doc, s.span, ordinal=s.ordinal, title=s.title, official=tpl.full_title, number=s.number)
            seen_max = max(seen_max, s.number)

    def _repeat_start(self, doc: Document) -> Section | None:
        """The first heading of a second copy of the report, when the six sections repeat."""
        nums = [s.number for s in self._known(doc)]
        known = self._known(doc)
        for i in range(1, len(nums)):
            if nums[i] == 1 and nums[:i] and sorted(set(nums[:i])) == nums[:i] and nums[i : 2 * i] == nums[:i] and i >= 3:
                return known[i]
        return None

    def _repeated(self, doc: Document):
        second = self._repeat_start(doc)
        known = self._known(doc)
        if second is not None:
            yield self._repeat(doc, second, known[0], "全文重复", "第一份的开头")
            return
        seen: dict[int, Section] = {}
        for s in known:
            if s.number in seen:
                yield self._repeat(doc, s, seen[s.number], "部分重复", "第一次出现")
            else:
                seen[s.number] = s

    def _repeat(self, doc: Document, again: Section, first: Section, problem: str, note: str):
        return self.diag(
            doc,
            again.span,
            related=[Related(first.span, note)],
            problem=problem,
            count=2,
            first_line=first.span.line,
            ordinal=again.ordinal,
            title=again.title,
        )

    def _unknown(self, doc: Document):
        for s in doc.sections:
            if s.number is None:
                yield self.diag(doc, s.span, ordinal=s.ordinal, title=s.title)

    def _aspects(self, doc: Document):
        # The five aspects come with the 2021 format; the 2019 one did not list them.
        if doc.format == "2019" or (doc.report_year is not None and doc.report_year < 2021):
            return
        tpl = templates.section(1)
        for k, s in enumerate(doc.sections):
            if s.number != 1:
                continue
            # Headings a report added after 一 (its own outline) count as part of the overview.
            extra = []
            for other in doc.sections[k + 1 :]:
                if other.number is not None:
                    break
                extra.append(other)
            heads = "".join(x.title for x in s.subsections) + "".join(o.title for o in extra)
            body = "".join(p.text for p in s.paragraphs) + "".join(p.text for o in extra for p in o.paragraphs)
            for aspect in tpl.aspects:
                if any(w in heads for w in aspect.words) or any(w in body for w in aspect.words):
                    continue
                yield self.diag(doc, s.span, aspect=aspect.name, title=s.title)
            break  # a second copy repeats the first

    def _title_line(self, doc: Document):
        if not doc.sections:
            return
        first_heading = doc.sections[0].span
        if doc.title is None:
            yield self.diag(doc, Span(first_heading.line, first_heading.column, first_heading.line, first_heading.column), problem="缺少标题")
            return
        missing = []
        if not re.search(r"\d{4}\s*年", doc.title):
            missing.append("年度")
        if not doc.agency:
            missing.append("机关名称")
        if missing:
            yield self.diag(doc, doc.title_span, problem="标题未写明" + "和".join(missing))


    def _metadata_empty(self, doc: Document):
        for key, f in doc.metadata.items():
            if key in _REQUIRED_META and not f.value.strip(" |:："):
                yield self.diag(doc, Span(f.span.line, 1, f.span.line, f.span.column), problem=key)


CHECKERS = (SectionsCheck,)
