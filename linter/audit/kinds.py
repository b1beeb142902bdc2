"""The check kinds of the cross-report rules (rules/audit/cross-year.toml, cross-agency.toml).

In: a rule (its kind picks the class here, its params configure it) and the facts of two
reports of one agency (a pair: this year and the year before) or of the whole collection.
Out: Diagnostics on the report they concern, with the other report's place as a related
location carrying its path. A new rule of an existing kind is only a TOML table.

Each class is a checking.kinds Checker (the same strict parameter and message checks); the
per-document `check` finds nothing, as one document has nothing to be compared with.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..checking.kinds.base import Checker, Param
from ..checking.rules import RuleError
from ..model.diagnostic import Diagnostic, Related
from ..reading.source import Span
from ..support.disjoint import DisjointSets
from ..support.record import Record, factory
from . import sketch


class RelatedElsewhere(Related, frozen=True):
    """A related location in another report: its JSON carries that report's path."""

    path: str = ""

    def to_dict(self) -> dict:
        return {**super().to_dict(), "path": self.path}


def span_of(place) -> Span:
    return Span(place.line, place.column, place.end_line, place.end_column)


def _pct(x: float) -> str:
    return f"{round(x * 100)}%"


def _num(v) -> str:
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return str(v)


SECTION_CN = {1: "一", 2: "二", 3: "三", 4: "四", 5: "五", 6: "六"}


class Context(Record):
    """What the cross-report checks share in one audit."""

    # (path, paragraph index) of paragraphs most reports of the collection share
    common: set = factory(set)
    repetition: dict = factory(dict)  # (this path, previous path, rule id) -> Repetition
    # report path -> (year, agency key, agency as written): for messages about other reports
    who: dict = factory(dict)


class AuditChecker(Checker):
    scope = "pair"  # pair | collection

    def check(self, doc):  # one document alone: nothing to compare with
        return ()

    def finding(self, path: str, place, related=(), **fields) -> Diagnostic:
        r = self.rule
        return Diagnostic(
            rule=r.id, category=r.category, severity=r.severity, message=r.format(**fields),
            span=span_of(place), path=path, related=tuple(related), name=r.name,
        )

    def check_pair(self, cur, prev, ctx: Context) -> list[Diagnostic]:
        return []

    def check_collection(self, reports: list, ctx: Context) -> list[Diagnostic]:
        return []


def _cell_ref(text: str, where) -> tuple[str, str, str]:
    parts = text.split("/")
    if len(parts) != 3 or not all(parts):
        raise where(f"单元格应写成“表格/行/列”，如 applications/new/total：{text!r}")
    return parts[0], parts[1], parts[2]


class CarryOver(AuditChecker):
    """A row of this year's table equals another row of last year's, column by column."""

    kind = "carry-over"
    params = {
        "table": Param(str, "applications", "表格"),
        "row": Param(str, "carried_over", "本年度报告中的行（上年结转）"),
        "previous_row": Param(str, "carried_forward", "上一年度报告中的行（结转下年度继续办理）"),
        "columns": Param(list, [], "只比较这些列（空：全部列）", item=str),
    }
    fields = frozenset({"column", "now", "before", "year", "previous_year", "previous_path", "row", "previous_row"})

    def check_pair(self, cur, prev, ctx):
        p = self.p
        out = []
        before = {c.column: c for c in prev.cells if c.table == p["table"] and c.row == p["previous_row"]}
        for c in cur.cells:
            if c.table != p["table"] or c.row != p["row"] or (p["columns"] and c.column not in p["columns"]):
                continue
            b = before.get(c.column)
            if b is None or c.value is None or b.value is None or c.value == b.value:
                continue
            column = c.label.split(" / ", 1)[-1]
            rel = RelatedElsewhere(span_of(b.place), f"{prev.year}年度报告：{b.label} 为 {_num(b.value)}", path=prev.path)
            out.append(self.finding(
                cur.path, c.place, [rel], column=column, now=_num(c.value), before=_num(b.value), year=cur.year,
                previous_year=prev.year, previous_path=prev.path, row=c.label.split(" / ", 1)[0], previous_row=b.label.split(" / ", 1)[0],
            ))
        return out


class StockFlow(AuditChecker):
    """stock(Y) = stock(Y-1) + added(Y) - removed(Y), row by row (documents also expire: a hint)."""

    kind = "stock-flow"
    params = {
        "table": Param(str, "active", "表格"),
        "rows": Param(list, ["regulation", "normative"], "行", item=str),
        "stock": Param(str, "in_force", "存量列（现行有效件数）"),
        "added": Param(str, "issued", "增加列（本年制发件数）"),
        "removed": Param(str, "abolished", "减少列（本年废止件数）"),
    }
    fields = frozenset({"row", "now", "before", "added", "removed", "expected", "year", "previous_year", "previous_path"})

    def check_pair(self, cur, prev, ctx):
        p = self.p
        out = []
        for row in p["rows"]:
            now = cur.cell(p["table"], row, p["stock"])
            before = prev.cell(p["table"], row, p["stock"])
            added = cur.cell_value(p["table"], row, p["added"])
            removed = cur.cell_value(p["table"], row, p["removed"])
            if now is None or before is None or None in (now.value, before.value, added, removed):
                continue
            expected = before.value + added - removed
            if expected == now.value:
                continue
            rel = RelatedElsewhere(span_of(before.place), f"{prev.year}年度报告：{before.label} 为 {_num(before.value)}", path=prev.path)
            out.append(self.finding(
                cur.path, now.place, [rel], row=now.label.split(" / ", 1)[0], now=_num(now.value), before=_num(before.value),
                added=_num(added), removed=_num(removed), expected=_num(expected), year=cur.year, previous_year=prev.year,
                previous_path=prev.path,
            ))
        return out


class Jump(AuditChecker):
    """A main count that grew or shrank by `factor` or more since last year."""

    kind = "jump"
    params = {
        "cells": Param(list, ["applications/new/total"], "比较的单元格（表格/行/列）", item=str),
        "factor": Param(float, 5.0, "倍数"),
        "min_value": Param(int, 10, "两年中较大的数至少为多少才比较"),
    }
    fields = frozenset({"label", "now", "before", "change", "year", "previous_year", "previous_path"})

    def setup(self):
        self.refs = [_cell_ref(c, lambda m: self.error("cells", m)) for c in self.p["cells"]]
        if self.p["factor"] <= 1:
            raise self.error("factor", "应大于 1")

    def check_pair(self, cur, prev, ctx):
        out = []
        f = self.p["factor"]
        for t, r, c in self.refs:
            now, before = cur.cell(t, r, c), prev.cell(t, r, c)
            if now is None or before is None or now.value is None or before.value is None:
                continue
            a, b = before.value, now.value
            if max(a, b) < self.p["min_value"] or min(a, b) < 0:
                continue
            if b >= a:
                if a > 0 and b / a < f:
                    continue
                change = f"增至 {b / a:.1f} 倍" if a > 0 else "由零增加"
            else:
                if b > 0 and a / b < f:
                    continue
                change = (f"降至原来的 {b / a:.0%}" if b / a >= 0.01 else f"降至原来的 {b / a:.1%}") if b > 0 else "降为零"
            rel = RelatedElsewhere(span_of(before.place), f"{prev.year}年度报告：{before.label} 为 {_num(a)}", path=prev.path)
            out.append(self.finding(
                cur.path, now.place, [rel], label=now.label, now=_num(b), before=_num(a), change=change, year=cur.year,
                previous_year=prev.year, previous_path=prev.path,
            ))
        return out


# -- text repeated from last year ----------------------------------------------------------

_SENTENCE = re.compile(r"[^。！？；!?;]+[。！？；!?;]?")


@lru_cache(maxsize=1)
def official_labels() -> frozenset:
    """The official tables' row, column and group labels and the section titles, normalised:
    text that every report repeats by design."""
    from ..model.templates import formats, sections

    out = set()
    for fmt in formats().values():
        for table in fmt.tables.values():
            out.add(sketch.normalise(table.title))
            for g in table.groups:
                out.add(sketch.normalise(g.caption or ""))
                for c in g.columns:
                    out.add(sketch.normalise(c.label))
                for r in g.rows:
                    out.add(sketch.normalise(r.label))
                    out.update(sketch.normalise(a) for a in r.aliases)
                    for c in r.columns:
                        out.add(sketch.normalise(c.label))
    for s in sections():
        out.add(sketch.normalise(s.title))
        out.update(sketch.normalise(v) for v in s.variants)
    out.discard("")
    return frozenset(out)


class Passage(Record):
    section: int | None
    this: str
    this_line: int
    previous: str
    previous_line: int
    similarity: float
    index: int = 0  # the paragraph's index in this report
    chars: int = 0  # its characters counted


class Repetition(Record):
    rate: float | None
    per_section: dict  # section number -> rate
    chars: dict  # section number -> counted characters
    passages: list


def _sentences(text: str):
    for m in _SENTENCE.finditer(text):
        yield m.group(0)


class Repeated(AuditChecker):
    """Prose repeated from last year's report, per section or per paragraph (boilerplate,
    official table labels and the collection's common paragraphs excluded).

    The repetition rate is the share of a text's characters (spacing, punctuation and digits'
    values ignored) covered by runs of `ngram` characters that also occur in last year's
    report — how plagiarism checkers count, and what catches a sentence copied with a new
    opening as well as a whole section pasted."""

    kind = "repetition"
    params = {
        "unit": Param(str, "section", "按部分（section）还是按段落（paragraph）计算", choices=("section", "paragraph")),
        "threshold": Param(float, 0.5, "重复率达到多少时提示"),
        "min_chars": Param(int, 80, "至少有多少字（去掉套话后）才计算重复率"),
        "min_sentence": Param(int, 8, "短于此字数的句子不计"),
        "ngram": Param(int, 8, "连续多少个字相同算重复"),
        "sections": Param(list, [1, 2, 3, 4, 5, 6], "计算哪些部分", item=int),
        "boilerplate": Param(list, [], "套话（正则表达式）：匹配的句子不计", item=str),
    }
    fields = frozenset({"section", "title", "rate", "threshold", "year", "previous_year", "previous_path", "chars"})

    def setup(self):
        self.boiler = [self.regex("boilerplate", b) for b in self.p["boilerplate"]]
        if not 0 < self.p["threshold"] <= 1:
            raise self.error("threshold", "应在 0 和 1 之间")
        if self.p["ngram"] < 2:
            raise self.error("ngram", "至少为 2")

    def _countable(self, f, k: int, ctx: Context) -> str:
        """Paragraph k's text that counts, normalised (its boilerplate sentences left out)."""
        if (f.path, k) in ctx.common:
            return ""
        labels = official_labels()
        out = []
        for s in _sentences(f.paragraphs[k].text):
            n = sketch.normalise(s)
            if len(n) < self.p["min_sentence"] or n in labels:
                continue
            if any(b.search(s) for b in self.boiler):
                continue
            out.append(n)
        return "".join(out)

    def measure(self, cur, prev, ctx: Context) -> Repetition:
        key = (cur.path, prev.path, tuple(sorted(self.p.items(), key=lambda kv: kv[0])).__repr__())
        if key in ctx.repetition:
            return ctx.repetition[key]
        g = self.p["ngram"]
        known: dict[str, int] = {}  # n-gram -> the previous report's paragraph it is first in
        for k in range(len(prev.paragraphs)):
            t = self._countable(prev, k, ctx)
            for i in range(len(t) - g + 1):
                known.setdefault(t[i:i + g], k)
        wanted = set(self.p["sections"])
        total: dict = {}
        repeated: dict = {}
        passages = []
        for k, para in enumerate(cur.paragraphs):
            sec = para.section
            if sec not in wanted:
                continue
            t = self._countable(cur, k, ctx)
            if not t:
                continue
            covered = bytearray(len(t))
            sources: dict[int, int] = {}
            for i in range(len(t) - g + 1):
                src = known.get(t[i:i + g])
                if src is not None:
                    covered[i:i + g] = b"\x01" * g
                    sources[src] = sources.get(src, 0) + 1
            hit = sum(covered)
            total[sec] = total.get(sec, 0) + len(t)
            repeated[sec] = repeated.get(sec, 0) + hit
            share = hit / len(t)
            if sources and share >= 0.5:
                src = max(sources, key=lambda s: (sources[s], -s))
                pp = prev.paragraphs[src]
                passages.append(Passage(sec, para.text, para.place.line, pp.text, pp.place.line, round(share, 3), k, len(t)))
        per = {s: round(repeated[s] / total[s], 3) for s in sorted(total)}
        chars = sum(total.values())
        rate = round(sum(repeated.values()) / chars, 3) if chars else None
        rep = Repetition(rate, per, dict(sorted(total.items())), passages)
        ctx.repetition[key] = rep
        return rep

    def check_pair(self, cur, prev, ctx):
        rep = self.measure(cur, prev, ctx)
        out = []
        fields = dict(threshold=_pct(self.p["threshold"]), year=cur.year, previous_year=prev.year, previous_path=prev.path)
        if self.p["unit"] == "paragraph":
            for ps in rep.passages:
                if ps.similarity < self.p["threshold"] or ps.chars < self.p["min_chars"]:
                    continue
                para = cur.paragraphs[ps.index]
                h = cur.heading(ps.section) if ps.section else None
                rel = RelatedElsewhere(Span(ps.previous_line, 1, ps.previous_line, 2), f"{prev.year}年度报告中相同的文字", path=prev.path)
                out.append(self.finding(
                    cur.path, para.place, [rel], section=SECTION_CN.get(ps.section, str(ps.section)), title=h.title if h else "",
                    rate=_pct(ps.similarity), chars=ps.chars, **fields,
                ))
            return out
        for sec, rate in rep.per_section.items():
            if rate < self.p["threshold"] or rep.chars[sec] < self.p["min_chars"]:
                continue
            h = cur.heading(sec)
            if h is None:
                continue
            first = next((p for p in rep.passages if p.section == sec), None)
            ph = prev.heading(sec)
            related = []
            if first is not None:
                related.append(RelatedElsewhere(Span(first.previous_line, 1, first.previous_line, 2), f"{prev.year}年度报告中相同的文字", path=prev.path))
            elif ph is not None:
                related.append(RelatedElsewhere(span_of(ph.place), f"{prev.year}年度报告的这一部分", path=prev.path))
            out.append(self.finding(
                cur.path, h.place, related, section=SECTION_CN.get(sec, str(sec)), title=h.title, rate=_pct(rate),
                chars=rep.chars[sec], **fields,
            ))
        return out


# -- paragraphs shared with another agency ---------------------------------------------------


class Shared(AuditChecker):
    """Paragraphs of one agency's report found (near-)verbatim in another agency's report."""

    kind = "shared-paragraph"
    scope = "collection"
    params = {
        "similarity": Param(float, 0.85, "两段的相似度（MinHash 估计的 Jaccard）达到多少算相同"),
        "common_share": Param(float, 0.5, "出现在这一比例以上的机关的报告中的段落是常见套话，不报告"),
        "common_min_agencies": Param(int, 3, "套话至少出现在多少个机关的报告中"),
        "common_max_agencies": Param(int, 10, "出现在这么多个机关的报告中的段落，无论比例多少都是套话"),
    }
    fields = frozenset({"other_agency", "other_year", "other_path", "similarity"})

    def clusters(self, reports: list, ctx: Context, pairs_of=None):
        """Verified pairs of paragraphs of different agencies, and the paragraphs that are
        common phrases (marked in ctx.common). `pairs_of(index)` gives each band's buckets
        (sketch.band_groups; the LSH blocking — given to run it elsewhere, e.g. on Ray)."""
        index = sketch.Index()
        where = []
        agency_no: dict[str, int] = {}
        for ri, rep in enumerate(reports):
            if rep.key is None:
                continue
            owner = agency_no.setdefault(rep.key, len(agency_no))  # one agency's years are never paired here
            for k, sig in rep.facts.sketches:
                if len(sig) == sketch.WIDTH:
                    index.add(sig, owner)
                    where.append((ri, k))
        keys = [reports[ri].key for ri, _ in where]
        sets = DisjointSets(len(index))
        root = sets.root

        # Components of the graph whose edges are the candidate pairs (same bucket in some
        # band, other agencies) at least `similarity` alike; a pair already in one component
        # is not compared (it changes nothing). The components do not depend on the order.
        threshold = self.p["similarity"]
        similarity = index.similarity
        crowded: set[int] = set()
        for groups, crowd in (pairs_of or sketch.Index.bands)(index):
            crowded.update(crowd)
            for g in groups:
                for x in range(len(g)):
                    a = g[x]
                    for y in range(x + 1, len(g)):
                        b = g[y]
                        if keys[a] == keys[b]:
                            continue  # the same agency (another year): the cross-year rules' business
                        if root(a) != root(b) and similarity(a, b) >= threshold:
                            sets.join(a, b)
        comps: dict[int, list[int]] = {}
        for i in range(len(index)):
            r = root(i)
            if r != i:
                comps.setdefault(r, [r]).append(i)
        agencies = len({r.key for r in reports if r.key is not None})
        limit = min(self.p["common_max_agencies"], max(self.p["common_min_agencies"], self.p["common_share"] * agencies))
        common = [i for i in crowded if root(i) not in comps]
        kept = []
        for r, members in comps.items():
            if len({keys[i] for i in members}) >= limit or any(i in crowded for i in members):
                common.extend(members)  # a phrase most agencies write: a template, not a copy
                continue
            for x in range(len(members)):  # (fewer than `limit` agencies: a small component)
                a = members[x]
                for y in range(x + 1, len(members)):
                    b = members[y]
                    if keys[a] != keys[b]:
                        s = similarity(a, b)
                        if s >= threshold:
                            kept.append((min(a, b), max(a, b), s))
        for i in common:
            ri, k = where[i]
            ctx.common.add((reports[ri].facts.path, k))
        return kept, where

    def check_collection(self, reports, ctx, pairs_of=None):
        kept, where = self.clusters(reports, ctx, pairs_of)
        return self.report(reports, kept, where)

    def report(self, reports, kept, where):
        """The findings of the verified pairs: on the later report of each (by year, then
        path), the most similar other paragraph as the related location."""
        best: dict[tuple[int, int], tuple] = {}  # (later report, paragraph) -> (similarity, other report, paragraph)
        for a, b, s in kept:
            (ra, ka), (rb, kb) = where[a], where[b]
            fa, fb = reports[ra].facts, reports[rb].facts
            if (fa.year or 0, fa.path) < (fb.year or 0, fb.path):
                (ra, ka), (rb, kb) = (rb, kb), (ra, ka)
            fo = reports[rb].facts
            cand = (-s, fo.year or 0, fo.path, rb, kb)  # the most similar, then the earliest
            old = best.get((ra, ka))
            if old is None or cand < old:
                best[(ra, ka)] = cand
        out = []
        for (ri, k), (neg, _, _, ro, ko) in sorted(best.items()):
            s = -neg
            f, o = reports[ri].facts, reports[ro].facts
            para, other = f.paragraphs[k], o.paragraphs[ko]
            rel = RelatedElsewhere(span_of(other.place), f"{o.agency or reports[ro].key}{o.year}年度报告中相同的段落", path=o.path)
            out.append(self.finding(
                f.path, para.place, [rel], other_agency=o.agency or reports[ro].key, other_year=o.year, other_path=o.path,
                similarity=_pct(s),
            ))
        return out


CHECKERS = (CarryOver, StockFlow, Jump, Repeated, Shared)
KINDS = {c.kind: c for c in CHECKERS}


def compile_rule(rule) -> None:
    cls = KINDS.get(rule.kind)
    if cls is None:
        raise RuleError(rule.source, f"{rule.id}.kind", f"未知的规则类型 {rule.kind!r}，可选：{', '.join(sorted(KINDS))}")
    rule.checker = cls(rule)
