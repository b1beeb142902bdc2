"""Which agency and year a report is, and which reports belong together.

In: the facts of every report of a collection (facts.py). Out: one `Report` per distinct
report (the same report in two formats is one, with both paths), the pairs of one agency's
consecutive years, and what could not be identified or paired, with why (in Chinese).

Agency names are normalised by the tables of rules/audit/agencies.toml (data, not code):
平潭综合实验区管委会 = 平潭综合实验区, 淮安市洪泽区人民政府 = 洪泽区人民政府 → key 洪泽区.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..support import toml
from ..support.record import Record, factory
from ..support.resources import rules_dir
from . import sketch

LEVEL_LABELS = {"government": "县级以上人民政府", "department": "政府部门", "township": "乡镇（街道）", "other": "其他"}
SAME_TEXT = 0.8  # estimated Jaccard of two copies' whole text for "the same report"
SAME_CELLS = 0.95  # or the share of equal table cells (of at least MIN_CELLS both have)
MIN_CELLS = 10


class AgencyRules(Record):
    aliases: dict
    government: list
    rewrite: dict
    township: list
    gov_endings: list
    department: list
    higher: list
    own: list
    min_chars: int
    max_chars: int
    region: object = None  # compiled: a region name at the head of a name


@lru_cache(maxsize=1)
def agency_rules() -> AgencyRules:
    path = rules_dir() / "audit" / "agencies.toml"
    data = toml.loads(path.read_text(encoding="utf-8"))
    levels, region = data["levels"], data["region"]
    rules = AgencyRules(
        aliases=dict(data.get("aliases", {})),
        government=sorted(data["government"]["suffixes"], key=len, reverse=True),
        rewrite=dict(data.get("rewrite", {})),
        township=sorted(levels["township"], key=len, reverse=True),
        gov_endings=sorted(levels["government"], key=len, reverse=True),
        department=sorted(levels["department"], key=len, reverse=True),
        higher=list(region["higher"]),
        own=list(region["own"]),
        min_chars=int(region["min_chars"]),
        max_chars=int(region["max_chars"]),
    )
    endings = "|".join(map(re.escape, sorted(set(rules.higher) | set(rules.own), key=len, reverse=True)))
    lo, hi = max(0, rules.min_chars - 1), max(1, rules.max_chars - 1)
    rules.region = re.compile(rf"^(.{{{lo},{hi}}}?(?:{endings}))")
    return rules


class Identity(Record):
    key: str
    level: str
    region: str | None


def _head_region(name: str, rules: AgencyRules) -> str | None:
    m = rules.region.match(name)
    return m.group(1) if m else None


def normalise(agency: str) -> Identity:
    """The agency's key, level and region (see rules/audit/agencies.toml)."""
    rules = agency_rules()
    name = re.sub(r"\s+", "", agency)
    for old, new in rules.rewrite.items():
        name = name.replace(old, new)
    name = rules.aliases.get(name, name)
    governs = False
    for suffix in rules.government:
        if name.endswith(suffix) and len(name) > len(suffix):
            name = name[: -len(suffix)]
            governs = True
            break
    name = rules.aliases.get(name, name)
    # drop leading higher regions while what follows is a region of its own
    while True:
        head = _head_region(name, rules)
        if not head or not any(head.endswith(h) for h in rules.higher) or head == name:
            break
        rest = name[len(head):]
        inner = _head_region(rest, rules)
        if not inner or not any(inner.endswith(o) for o in rules.own):
            break
        name = rest
    level = "other"
    if any(name.endswith(e) for e in rules.township):
        level = "township"
    elif any(name.endswith(e) for e in rules.department) and not (governs and any(name.endswith(e) for e in rules.gov_endings)):
        level = "department"
    elif any(name.endswith(e) for e in rules.gov_endings):
        level = "government"
    if level in ("government", "township"):
        region = name
    else:
        region = _head_region(name, rules)
        if region == name:
            region = None
    return Identity(name, level, region)


class Report(Record):
    """One distinct report of the collection (its copies in other formats merged in)."""

    id: str
    facts: object  # the primary copy's ReportFacts
    paths: list = factory(list)
    key: str | None = None
    level: str = "other"
    region: str | None = None
    previous: object = None  # the Report of the same agency's year before
    following: object = None

    def __repr__(self) -> str:  # (previous and following point at each other)
        return f"Report({self.id!r}, {self.paths!r}, key={self.key!r}, year={getattr(self.facts, 'year', None)!r})"


class Grouping(Record):
    reports: list  # Report, in input order
    pairs: list  # (previous Report, Report)
    unidentified: list  # {"path", "why"}
    unpaired: list  # (Report, why)
    errors: list  # {"path", "why"}: could not be read


def _same_report(a, b) -> bool:
    if a.doc_sketch and b.doc_sketch and sketch.similarity(a.doc_sketch, b.doc_sketch) >= SAME_TEXT:
        return True
    # the cells both have, of which at least one is not zero (most cells of most reports are
    # zeros: equal zeros say nothing)
    cells_a = {(c.table, c.row, c.column): c.value for c in a.cells if c.value is not None}
    values_b = {(c.table, c.row, c.column): c.value for c in b.cells if c.value is not None}
    common = [k for k, v in values_b.items() if k in cells_a and (v or cells_a[k])]
    if len(common) < MIN_CELLS:
        return False
    equal = sum(1 for k in common if values_b[k] == cells_a[k])
    return equal / len(common) >= SAME_CELLS


def group(all_facts: list) -> Grouping:
    """Identify, merge copies, pair consecutive years."""
    reports: list[Report] = []
    unidentified, errors = [], []
    by_year: dict[tuple[str, int], list[Report]] = {}
    for f in all_facts:
        if f.error:
            errors.append({"path": f.path, "why": f.error})
            continue
        if not f.looks_like_report:
            unidentified.append({"path": f.path, "why": "不像政府信息公开工作年度报告：没有能识别的部分、统计表格或报告标题"})
            continue
        why = []
        if not f.agency:
            why.append("未能识别报告机关：标题中没有“××年政府信息公开工作年度报告”之前的机关名称")
        if f.year is None:
            why.append("未能识别报告年度：标题、统计期限和正文中都没有年度")
        if why:
            unidentified.append({"path": f.path, "why": "；".join(why)})
            rep = Report(id="", facts=f, paths=[f.path])
            reports.append(rep)  # its own findings still count
            continue
        ident = normalise(f.agency)
        rep = Report(id="", facts=f, paths=[f.path], key=ident.key, level=ident.level, region=ident.region)
        copies = by_year.setdefault((ident.key, f.year), [])
        twin = next((r for r in copies if _same_report(r.facts, f)), None)
        if twin is not None:
            twin.paths.append(f.path)
            continue
        copies.append(rep)
        reports.append(rep)
    for k, rep in enumerate(reports, 1):
        rep.id = f"r{k}"
    pairs, unpaired = [], []
    by_key: dict[str, dict[int, list[Report]]] = {}
    for (key, year), reps in by_year.items():
        by_key.setdefault(key, {})[year] = reps
    ambiguous = set()
    for key, years in by_key.items():
        for year, reps in years.items():
            if len(reps) > 1:
                names = "、".join(r.facts.path for r in reps)
                for r in reps:
                    ambiguous.add(id(r))
                    unpaired.append((r, f"同一机关（{key}）{year}年度有多份内容不同的报告：{names}，无法确定与哪一份比较"))
        for year in sorted(years):
            cur, prev = years[year], years.get(year - 1)
            if len(cur) == 1 and prev and len(prev) == 1:
                prev[0].following, cur[0].previous = cur[0], prev[0]
                pairs.append((prev[0], cur[0]))
    for rep in reports:
        if rep.key is None or id(rep) in ambiguous or rep.previous or rep.following:
            continue
        years = sorted(by_key[rep.key])
        y = rep.facts.year
        if len(years) == 1:
            why = f"集合中没有该机关（{rep.key}）其他年度的报告（需要{y - 1}年度或{y + 1}年度的报告）"
        else:
            others = "、".join(f"{v}" for v in years if v != y)
            why = f"该机关只有{others}年度的其他报告，与{y}年度不相邻（缺少{y - 1}年度和{y + 1}年度的报告）"
        unpaired.append((rep, why))
    order = {id(r): i for i, r in enumerate(reports)}
    unpaired.sort(key=lambda x: order[id(x[0])])
    pairs.sort(key=lambda p: order[id(p[1])])
    return Grouping(reports, pairs, unidentified, unpaired, errors)
