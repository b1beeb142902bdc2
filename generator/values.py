"""The statistics tables of one report: random, realistic, and every 勾稽关系 holding.

Cells are keyed (table, row, column) with the keys of rules/templates/format-*.toml, so a
generated table compares directly with what the linter reads.
"""

from __future__ import annotations

import random
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[1] / "rules" / "templates"
ORGS = ["org.business", "org.research", "org.public_interest", "org.legal", "org.other"]
PEOPLE = ["natural", *ORGS]
REVIEW = ["maintained", "corrected", "other", "pending"]

Cells = dict[tuple[str, str, str], "int | float"]


@lru_cache(maxsize=None)
def template(fmt: str) -> dict:
    with (TEMPLATES / f"format-{fmt}.toml").open("rb") as f:
        return tomllib.load(f)


def group_of(fmt: str, table: str, group: str = "main") -> dict:
    t = next(t for t in template(fmt)["tables"] if t["key"] == table)
    return next(g for g in t["groups"] if g["key"] == group)


def result_rows(fmt: str) -> list[str]:
    """The rows of 三、本年度办理结果 that carry numbers, (七)总计 excluded."""
    rows = group_of(fmt, "applications")["rows"]
    keys = [r["key"] for r in rows if r["key"].startswith("result.") and r["key"] != "result.total"]
    if any(k.startswith("result.other.") for k in keys):  # 2021: the sub-rows, not the single row
        keys.remove("result.other")
    return keys


# How often each result row is used, relative to 予以公开 (real reports: most applications are
# answered 予以公开 or 不掌握相关政府信息; the other rows are rare).
_RESULT_WEIGHT = {
    "result.open": 10, "result.partial": 2, "result.unable.not_held": 4, "result.unable.need_create": 1,
    "result.reject.petition": 1, "result.reject.repeat": 1, "result.refuse.third_party": 0.5,
    "result.refuse.process": 0.5, "result.refuse.query": 0.6, "result.other.overdue": 0.6,
    "result.other.misc": 0.6, "result.other": 0.8,
}


def _magnitude(rng: random.Random, scale: str) -> int:
    if scale == "none":
        return 0
    if scale == "small":
        return rng.choice([0, 1, 1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 15, 18, 23])
    if scale == "medium":
        return rng.randint(20, 400)
    return rng.randint(400, 6000)


def _split(rng: random.Random, n: int, keys: list[str], weights: dict[str, float]) -> dict[str, int]:
    """n split over keys: the common rows get most, a few rare rows get one or two."""
    out = dict.fromkeys(keys, 0)
    if n <= 0:
        return out
    used = [k for k in keys if rng.random() < min(1.0, 0.25 + weights.get(k, 0.15) / 4)] or [keys[0]]
    w = [weights.get(k, 0.15) * rng.uniform(0.3, 1.7) for k in used]
    total = sum(w)
    for k, wk in zip(used, w):
        out[k] = int(n * wk / total)
    out[max(used, key=lambda k: out[k])] += n - sum(out.values())
    return out


@dataclass
class Tables:
    format: str
    cells: Cells = field(default_factory=dict)

    def get(self, table: str, row: str, col: str):
        return self.cells[(table, row, col)]


def _applications(rng: random.Random, fmt: str, cells: Cells, carried_over: dict[str, int] | None) -> None:
    scale = rng.choices(["none", "small", "medium", "large"], [1, 5, 3, 1])[0]
    results = result_rows(fmt)
    for col in PEOPLE:
        if col == "natural":
            new = _magnitude(rng, scale)
        else:  # organisations apply far less often than people
            new = _magnitude(rng, "small") if scale != "none" and rng.random() < 0.45 else 0
            if scale in ("small", "none") and new > 5:
                new //= 4
        if carried_over is not None:
            old = carried_over.get(col, 0)
        else:
            old = rng.randint(0, max(0, new // 8)) if rng.random() < 0.35 else 0
        forward = rng.randint(0, max(0, (new + old) // 7)) if rng.random() < 0.35 else 0
        handled = new + old - forward
        cells[("applications", "new", col)] = new
        cells[("applications", "carried_over", col)] = old
        cells[("applications", "carried_forward", col)] = forward
        cells[("applications", "result.total", col)] = handled
        for row, v in _split(rng, handled, results, _RESULT_WEIGHT).items():
            cells[("applications", row, col)] = v
    rows = ["new", "carried_over", *results, "result.total", "carried_forward"]
    for row in rows:
        cells[("applications", row, "total")] = sum(cells[("applications", row, c)] for c in PEOPLE)


def _review(rng: random.Random, cells: Cells) -> None:
    for row, p in (("review", 0.5), ("litigation.direct", 0.3), ("litigation.after_review", 0.2)):
        for col in REVIEW:
            cells[("review", row, col)] = rng.choice([0, 0, 1, 1, 2, 3, 5, 8]) if rng.random() < p else 0
        cells[("review", row, "total")] = sum(cells[("review", row, c)] for c in REVIEW)


def _active(rng: random.Random, fmt: str, cells: Cells, in_force: dict[str, int] | None) -> None:
    big = rng.random() < 0.3  # a government or a licensing department
    if fmt == "2021":
        for row, most in (("regulation", 2 if big else 0), ("normative", 40 if big else 8)):
            issued = rng.randint(0, most)
            before = in_force.get(row) if in_force else rng.randint(0, most * 6)
            abolished = rng.randint(0, min(before, max(1, most // 3))) if before and rng.random() < 0.4 else 0
            cells[("active", row, "issued")] = issued
            cells[("active", row, "abolished")] = abolished
            cells[("active", row, "in_force")] = before + issued - abolished
        cells[("active", "license", "decisions")] = rng.randint(0, 60000) if big else rng.choice([0, 0, rng.randint(1, 300)])
        cells[("active", "penalty", "decisions")] = rng.randint(0, 9000) if big else rng.choice([0, rng.randint(1, 80)])
        cells[("active", "coercion", "decisions")] = rng.randint(0, 600) if big else rng.choice([0, 0, rng.randint(1, 9)])
        fee = rng.choice([0, 0, round(rng.uniform(0.1, 50000), rng.choice([0, 1, 2, 4, 6]))])
        cells[("active", "fee", "amount")] = int(fee) if float(fee).is_integer() else fee
        return
    for row in ("regulation", "normative"):
        made = rng.randint(0, 30 if big else 6)
        cells[("active", row, "made")] = made
        cells[("active", row, "published")] = made
        cells[("active", row, "total_public")] = (in_force or {}).get(row, 0) + made + rng.randint(0, 40)
    for row in ("license", "other_service", "penalty", "coercion", "fee"):
        prev = rng.randint(0, 300 if big else 20)
        change = rng.randint(-min(prev, 5), 8)
        cells[("active", row, "prev_items")] = prev
        cells[("active", row, "change")] = change
        if row != "fee":
            cells[("active", row, "decisions")] = rng.randint(0, 20000 if big else 200)
    cells[("active", "procurement", "items")] = rng.randint(0, 200)
    cells[("active", "procurement", "amount")] = round(rng.uniform(0, 9000), rng.choice([0, 1, 2, 4]))


def generate(rng: random.Random, fmt: str, previous: Tables | None = None) -> Tables:
    """The three tables of one report; with `previous` (the same agency's tables of the year
    before), 上年结转 continues last year's 结转下年度 and 现行有效件数 continues last year's."""
    cells: Cells = {}
    carried = in_force = None
    if previous is not None:
        carried = {c: previous.cells.get(("applications", "carried_forward", c), 0) for c in PEOPLE}
        key = "in_force" if previous.format == "2021" else "total_public"
        in_force = {r: previous.cells.get(("active", r, key), 0) for r in ("regulation", "normative")}
    _active(rng, fmt, cells, in_force)
    _applications(rng, fmt, cells, carried)
    _review(rng, cells)
    return Tables(fmt, cells)
