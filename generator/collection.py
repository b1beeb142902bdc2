"""A collection of reports as an evaluator receives it: a county government, its departments
and a township over several years, each report the year after the one before (上年结转 =
last year's 结转下年度, 现行有效件数 continued), in the shapes real reports come in, with
planted cross-report defects an audit must find.

    items = build(seed=1, county="示例县", departments=4, years=(2022, 2023, 2024), plant=True)
    write(items, folder)
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from pathlib import Path

from . import render
from .report import DEPARTMENTS, Report, generate, make_agency
from .values import PEOPLE

COLLECTION_SHAPES = ["markdown", "pdftotext", "pipe-rows", "cell-per-line", "box"]
KINDS = ("carry-over-break", "copied-from-year", "copied-from-agency")


@dataclass
class Planted:
    kind: str  # one of KINDS
    path: str  # the report that carries the defect
    other_path: str  # the report it breaks with or copies from
    detail: str = ""


@dataclass
class Item:
    path: str  # relative: "2024/示例县统计局.md"
    text: str
    report: Report
    planted: list[Planted] = field(default_factory=list)


def _path(r: Report, shape: str) -> str:
    return f"{r.year}/{r.agency.name}.{'md' if shape.startswith('markdown') else 'txt'}"


def build(seed: int = 1, county: str = "示例县", departments: int = 4, years=(2022, 2023, 2024),
          plant: bool = True, townships: int = 1) -> list[Item]:
    rng = random.Random(seed)
    agencies = [make_agency(rng, county, "government")]
    agencies += [make_agency(rng, county, "department", d) for d in rng.sample(DEPARTMENTS, departments)]
    agencies += [make_agency(rng, county, "township") for _ in range(townships)]
    series: dict[str, list[Report]] = {}
    for a in agencies:
        prev = None
        for y in years:
            prev = generate(rng.randrange(1 << 30), agency=a, year=y, previous=prev)
            series.setdefault(a.name, []).append(prev)
    shapes = {(a.name, y): rng.choice(COLLECTION_SHAPES) for a in agencies for y in years}
    planted: dict[tuple[str, int], list[Planted]] = {}

    def path(r: Report) -> str:
        return _path(r, shapes[(r.agency.name, r.year)])

    if plant and len(years) >= 2:
        names = sorted(series)
        # 上年结转 of one year breaks with last year's 结转下年度 (the report itself still adds up)
        a = series[rng.choice(names)]
        i = rng.randrange(1, len(a))
        r, before = a[i], a[i - 1]
        col, k = rng.choice(PEOPLE[:2]), rng.choice([1, 2, 5])
        for row in ("carried_over", "result.open"):
            r.tables.cells[("applications", row, col)] += k
            r.tables.cells[("applications", row, "total")] += k
        r.tables.cells[("applications", "result.total", col)] += k
        r.tables.cells[("applications", "result.total", "total")] += k
        planted.setdefault((r.agency.name, r.year), []).append(
            Planted("carry-over-break", path(r), path(before), f"上年结转 {col} +{k}"))
        # section 五 of one year copied from the year before (the years changed, nothing else)
        b = series[rng.choice([n for n in names if n != r.agency.name] or names)]
        j = rng.randrange(1, len(b))
        r2, before2 = b[j], b[j - 1]
        r2.problems = [re.sub(rf"{before2.year}年", f"{r2.year}年", p) for p in before2.problems]
        planted.setdefault((r2.agency.name, r2.year), []).append(Planted("copied-from-year", path(r2), path(before2), "五"))
        # a paragraph of one agency's report copied into another's of the same year
        y = rng.choice(years)
        src, dst = sorted(rng.sample(names, 2), key=lambda n: path(next(x for x in series[n] if x.year == y)))
        rs = next(x for x in series[src] if x.year == y)
        rd = next(x for x in series[dst] if x.year == y)
        k = next(k for k, (name, _) in enumerate(rd.overview) if name == "主动公开")
        rd.overview[k] = ("主动公开", rs.overview[k][1])
        planted.setdefault((rd.agency.name, rd.year), []).append(Planted("copied-from-agency", path(rd), path(rs), "一（一）主动公开"))
    items = []
    for name in sorted(series):
        for r in series[name]:
            shape = shapes[(name, r.year)]
            items.append(Item(_path(r, shape), render.render(r, shape), r, planted.get((name, r.year), [])))
    return items


def write(items: list[Item], folder: str | Path) -> list[Path]:
    out = []
    for it in items:
        p = Path(folder) / it.path
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(it.text, encoding="utf-8")
        out.append(p)
    return out
