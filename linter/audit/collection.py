"""The audit of a collection: identify, pair, run the cross-report rules, compute the metrics.

In: the facts of every report (made by the per-report job, locally or on Ray) and the
cross-report rules selected. Out: an `AuditResult` — every finding (each distinct report's
own, then the cross-report ones), the identification, pairs, metrics with quartiles, the
repetition of each report against its previous year — and its plain dict (to_dict(), the
contract in SCHEMA.md beside this file, which the HTML, xlsx and csv writers read).
"""

from __future__ import annotations

import datetime as _dt

from ..checking.config import matches
from ..model.diagnostic import CATEGORIES, Diagnostic, SEVERITIES
from ..support.record import Record, factory
from . import identify, metrics as M
from .kinds import Context, Repeated, Shared

AUDIT_CATEGORIES = ("cross-year", "cross-agency")
CATEGORY_LABELS = {
    "structure": "结构", "arithmetic": "勾稽关系", "table-shape": "表格形状", "date": "日期", "duplicate": "重复内容",
    "consistency": "正文与表格", "format-version": "格式版本", "typography": "标点与排版", "agency": "机关名称",
    "syntax": "停用注释", "cross-year": "跨年度", "cross-agency": "跨机关",
}


def audit_category(rule) -> str:
    """The group an audit counts a rule's findings in: the pack of a cross-report rule
    (cross-year, cross-agency), else the rule's category."""
    src = str(getattr(rule, "source", ""))
    if src.endswith("cross-agency.toml"):
        return "cross-agency"
    if src.endswith("cross-year.toml"):
        return "cross-year"
    return rule.category


class AuditResult(Record):
    grouping: object
    findings: list  # Diagnostic: per-report (of each distinct report) and cross-report, sorted
    cross: list  # the cross-report findings
    contexts: dict  # id(finding) -> context text
    metrics: dict  # report id -> {metric: value}
    quartiles: dict  # metric key -> [q1, median, q3] | None
    repetition: dict  # report id -> Repetition (against its previous year) | None
    rule_groups: dict  # rule id -> audit category
    engine: str = "local"
    threshold: float = 0.5
    generated: str = ""
    errors: list = factory(list)  # {"path", "why"}: not read (exit 2)
    internal: list = factory(list)  # rules that raised

    def to_dict(self) -> dict:
        from .. import __version__

        g = self.grouping
        reports = []
        by_path: dict[str, list] = {}
        for d in self.findings:
            by_path.setdefault(d.path, []).append(d)
        previous = {}
        for prev, cur in g.pairs:
            previous[cur.id] = prev.id
        summary = {"reports": len(g.reports), "passed": 0, "failed": 0, "errors": 0, "warnings": 0, "infos": 0,
                   "pairs": len(g.pairs), "unidentified": len(g.unidentified), "unpaired": len(g.unpaired)}
        for rep in g.reports:
            f = rep.facts
            found = by_path.get(f.path, [])
            counts = {s: sum(1 for d in found if d.severity == s) for s in SEVERITIES}
            by_cat: dict[str, int] = {}
            for d in found:
                c = self.rule_groups.get(d.rule, d.category)
                by_cat[c] = by_cat.get(c, 0) + 1
            passed = counts["error"] == 0
            summary["passed" if passed else "failed"] += 1
            summary["errors"] += counts["error"]
            summary["warnings"] += counts["warning"]
            summary["infos"] += counts["info"]
            rp = self.repetition.get(rep.id)
            reports.append({
                "id": rep.id,
                "path": f.path,
                "paths": list(rep.paths),
                "agency": f.agency,
                "agency_key": rep.key,
                "level": rep.level,
                "level_label": identify.LEVEL_LABELS[rep.level],
                "region": rep.region,
                "year": f.year,
                "format": f.format,
                "passed": passed,
                "counts": counts,
                "by_category": by_cat,
                "findings": [{**d.to_dict(), "context": self.contexts.get(id(d), "")} for d in found],
                "metrics": self.metrics.get(rep.id, {}),
                "cells": [{"table": c.table, "row": c.row, "column": c.column, "label": c.label, "value": c.value} for c in f.cells],
                "previous": previous.get(rep.id),
                "repetition": None if rp is None else {
                    "rate": rp.rate,
                    "per_section": {str(k): v for k, v in rp.per_section.items()},
                    "passages": [{"section": p.section, "this": p.this, "this_line": p.this_line, "previous": p.previous,
                                  "previous_line": p.previous_line, "similarity": p.similarity} for p in rp.passages],
                },
            })
        series: dict[str, list] = {}
        for rep in g.reports:
            if rep.key is None:
                continue
            m = self.metrics.get(rep.id, {})
            series.setdefault(rep.key, []).append({"year": rep.facts.year, "report": rep.id, "applications": m.get("applications"),
                                                   "open_share": m.get("open_share")})
        for v in series.values():
            v.sort(key=lambda x: x["year"])
        return {
            "tool": {"name": "xxgk-lint", "version": __version__},
            "generated": self.generated,
            "engine": self.engine,
            "summary": summary,
            "categories": [*CATEGORIES, *AUDIT_CATEGORIES],
            "category_labels": dict(CATEGORY_LABELS),
            "repetition_threshold": self.threshold,
            "reports": reports,
            "pairs": [{"agency_key": cur.key, "years": [prev.facts.year, cur.facts.year], "reports": [prev.id, cur.id]} for prev, cur in g.pairs],
            "series": {k: v for k, v in series.items() if len(v) > 1},
            "unidentified": list(g.unidentified),
            "unpaired": [{"report": rep.id, "path": rep.facts.path, "why": why} for rep, why in g.unpaired],
            "errors": list(self.errors),
            "metrics": [{"key": m.key, "label": m.label, "unit": m.unit, "quartiles": self.quartiles.get(m.key),
                         "description": m.description} for m in M.metrics()],
        }


def _context_at(facts, line: int) -> str:
    for p in facts.paragraphs:
        if p.place.line <= line <= p.place.end_line:
            return p.text
    for c in facts.cells:
        if c.place.line == line:
            return f"{c.label}：{c.raw}"
    for h in facts.headings:
        if h.place.line == line:
            return h.title
    return ""


def _default(kind_cls, rules_all):
    return next((r.checker for r in rules_all if isinstance(r.checker, kind_cls)), None)


def _suppressed(facts, d: Diagnostic) -> bool:
    """Whether a suppression comment of the report (<!-- xxgk-lint: disable=XG953 -->, on the
    line or for the whole file) covers a cross-report finding, as for any other finding."""
    for target, codes in facts.suppress:
        if target in (0, d.span.line) and ("*" in codes or any(d.rule.startswith(c) for c in codes)):
            return True
    return False


def run(all_facts: list, rules: list, engine: str = "local", pairs_of=None, ignored_for=None) -> AuditResult:
    """The audit of `all_facts` (in input order) with the selected cross-report `rules`.
    `pairs_of(index)` is the LSH blocking (sketch.Index.candidate_pairs by default;
    the Ray engine gives its own, with the same result). `ignored_for(path)` gives the
    selectors the configuration's per-file-ignores switch off for a report."""
    from .rules import all_rules

    g = identify.group(all_facts)
    every = all_rules()
    ctx = Context()
    for rep in g.reports:
        ctx.who[rep.facts.path] = (rep.facts.year, rep.key, rep.facts.agency)
    internal: list[str] = []
    cross: list[Diagnostic] = []
    # the collection's common paragraphs (document frequency) are needed by the repetition
    # measure too: found with the shared-paragraph rule's settings even when it is not run
    shared_rules = [r for r in rules if isinstance(r.checker, Shared)]
    shared = shared_rules[0].checker if shared_rules else _default(Shared, every)
    kept, where = shared.clusters(g.reports, ctx, pairs_of)
    for r in shared_rules:
        cross.extend(r.checker.report(g.reports, kept if r.checker is shared else r.checker.clusters(g.reports, ctx, pairs_of)[0], where))
    pair_rules = [r for r in rules if r.checker.scope == "pair"]
    for prev, cur in g.pairs:
        for r in pair_rules:
            try:
                cross.extend(r.checker.check_pair(cur.facts, prev.facts, ctx))
            except Exception as exc:  # noqa: BLE001 - one broken rule must not hide the others
                internal.append(f"规则 {r.id} 比较 {cur.facts.path} 与 {prev.facts.path} 时出错：{type(exc).__name__}: {exc}")
    rep_rules = [r for r in rules if isinstance(r.checker, Repeated) and r.checker.p["unit"] == "section"]
    every_section = [r for r in every if isinstance(r.checker, Repeated) and r.checker.p["unit"] == "section"]
    measure = (rep_rules or every_section)[0].checker
    repetition = {}
    for rep in g.reports:
        repetition[rep.id] = measure.measure(rep.facts, rep.previous.facts, ctx) if rep.previous is not None else None
    contexts: dict[int, str] = {}
    findings: list[Diagnostic] = []
    for rep in g.reports:
        f = rep.facts
        for d, c in zip(f.findings, f.contexts):
            contexts[id(d)] = c
        findings.extend(f.findings)
        internal.extend(f.internal)
    facts_of = {rep.facts.path: rep.facts for rep in g.reports}
    groups = {r.id: audit_category(r) for r in every}

    def wanted(d: Diagnostic) -> bool:
        f = facts_of.get(d.path)
        if f is not None and _suppressed(f, d):
            return False
        if ignored_for is not None:
            sel = ignored_for(d.path)
            if any(matches(s, d.rule, d.category) or s == groups.get(d.rule) for s in sel):
                return False
        return True

    cross = [d for d in cross if wanted(d)]
    for d in cross:
        f = facts_of.get(d.path)
        contexts[id(d)] = _context_at(f, d.span.line) if f is not None else ""
    findings.extend(cross)
    findings.sort(key=Diagnostic.sort_key)
    per = {rep.id: M.of_report(rep.facts) for rep in g.reports}
    quart = {m.key: M.quartiles([v.get(m.key) for v in per.values()]) for m in M.metrics()}
    return AuditResult(
        grouping=g, findings=findings, cross=sorted(cross, key=Diagnostic.sort_key), contexts=contexts, metrics=per,
        quartiles=quart, repetition=repetition, rule_groups=groups, engine=engine,
        threshold=measure.p["threshold"], generated=_dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat(),
        errors=list(g.errors), internal=internal,
    )
