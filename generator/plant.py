"""One planted defect per category, and the rule that must find it.

`plant(report, category, rng)` returns a changed copy of the report (or None when the report
has nothing to plant that category into, e.g. no application to misstate), with
`extra["planted"]` naming what was changed. Each category is a defect real reports have
(issue 12's classes, FORMAT.md's arithmetic, the corpus README's findings).
"""

from __future__ import annotations

import random
import re

from .report import Report
from .values import PEOPLE, REVIEW

# category -> the rule that must report it (or the rules, any of which may)
EXPECTED = {
    "row-total": "XG201",
    "balance": "XG202",
    "results-total": "XG203",
    "review-total": "XG204",
    "period-year": "XG406",
    "signature-year": "XG403",
    "date-glued": "XG401",
    "section-title": "XG102",
    "section-missing": "XG101",
    "prose-new": "XG601",
    "prose-forward": "XG602",
    "bracket": "XG801",
    "doubled-de": "XG807",
    "duplicate-paragraph": ("XG501", "XG503"),  # XG503 where it sits inside a paragraph (a crawl)
    "enumeration": "XG808",
}
CATEGORIES = list(EXPECTED)


def found(category: str, rules: set[str]) -> bool:
    """Whether the rules reported include one that must report `category`."""
    want = EXPECTED[category]
    return bool(rules & ({want} if isinstance(want, str) else set(want)))
ARITHMETIC = {"row-total", "balance", "results-total", "review-total"}


def _bump(r: Report, table: str, row: str, col: str, k: int) -> None:
    r.tables.cells[(table, row, col)] += k


def _nonzero_col(r: Report, row: str, rng: random.Random) -> str:
    cols = [c for c in PEOPLE if r.tables.cells[("applications", row, c)] > 0]
    return rng.choice(cols) if cols else "natural"


def plant(r: Report, category: str, rng: random.Random) -> Report | None:
    r = r.copy()
    k = rng.choice([1, 2, 3, 10])
    c = r.tables.cells
    if category == "row-total":  # a row's 总计 is not the sum of its cells
        row = rng.choice(["new", "result.open", "result.total", "carried_forward"])
        _bump(r, "applications", row, "total", k)
    elif category == "balance":  # 一 + 二 ≠ (七) + 四 in one column; every row still adds up
        col = rng.choice(PEOPLE)
        _bump(r, "applications", "carried_forward", col, k)
        _bump(r, "applications", "carried_forward", "total", k)
    elif category == "results-total":  # (七)总计 is not the sum of the results, in one column
        col = _nonzero_col(r, "result.open", rng)
        row = rng.choice(["result.open", "result.unable.not_held"])
        _bump(r, "applications", row, col, k)
        _bump(r, "applications", row, "total", k)
        # (七)总计 and 一 + 二 = (七) + 四 unchanged: the error is the results' sum only
    elif category == "review-total":
        row = rng.choice(["review", "litigation.direct", "litigation.after_review"])
        _bump(r, "review", row, rng.choice(REVIEW), k)
    elif category == "period-year":
        r.intro = r.intro.replace(f"{r.year}年1月1日", f"{r.year - 1}年1月1日").replace(f"{r.year}年12月31日", f"{r.year - 1}年12月31日")
    elif category == "signature-year":
        r.signature = re.sub(r"^\d{4}", str(r.year), r.signature)
    elif category == "date-glued":
        r.intro = r.intro.replace(f"{r.year}年1月1日", f"{r.year}1月1日", 1)
    elif category == "section-title":
        n = rng.choice([1, 3, 5])  # (六's 其他需要报告的事 is an accepted variant)
        r.titles[n] = r.titles[n][:-1]
    elif category == "section-missing":
        r.extra["drop_sections"] = (rng.choice([5, 6]),)
    elif category == "prose-new":
        new = c[("applications", "new", "total")]
        i, para = _overview(r, "依申请公开")
        stated = re.search(rf"(?:申请|共计){new}件", para)
        if not new or stated is None:
            return None
        wrong = new + k if k != c[("applications", "carried_over", "total")] else new + k + 1  # never new + 上年结转 (accepted)
        r.overview[i] = ("依申请公开", para[: stated.start()] + stated.group().replace(str(new), str(wrong)) + para[stated.end():])
    elif category == "prose-forward":
        fwd = c[("applications", "carried_forward", "total")]
        i, para = _overview(r, "依申请公开")
        m = re.search(rf"(?:另有|至\d{{4}}年){fwd}件|{fwd}件申请因", para)
        if not fwd or m is None:
            return None
        r.overview[i] = ("依申请公开", para[: m.start()] + m.group().replace(f"{fwd}件", f"{fwd + k}件") + para[m.end():])
    elif category == "bracket":  # a closing 书名号 lost or crossed: 《条例）
        r.intro = r.intro.replace("（以下简称《条例》）", rng.choice(["（以下简称《条例）", "（以下简称《条例》", "（以下简称<条例》）"]), 1)
    elif category == "doubled-de":
        i, para = _overview(r, "政府信息管理")
        m = re.search(r"的", para)
        if m is None:
            return None
        r.overview[i] = (r.overview[i][0], para[: m.end()] + "的" + para[m.end():])
    elif category == "duplicate-paragraph":  # a paragraph pasted again into section 五
        para = max((p for _, p in r.overview), key=len)
        if len(para) < 40:
            return None
        r.problems.insert(1, para)
    elif category == "enumeration":  # 一是…；三是…: an item deleted, its number kept
        k = next((k for k, p in enumerate(r.problems) if "二是" in p), None)
        if k is None:
            return None
        r.problems[k] = r.problems[k].replace("二是", rng.choice(["三是", "四是"]), 1)
    else:
        raise ValueError(f"unknown category {category!r}")
    r.extra["planted"] = category
    return r


def _overview(r: Report, aspect: str) -> tuple[int, str]:
    i = next(i for i, (name, _) in enumerate(r.overview) if name == aspect)
    return i, r.overview[i][1]
