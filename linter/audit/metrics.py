"""The figures per report an evaluator asks for, defined in rules/audit/metrics.toml.

In: a report's facts. Out: {metric key: value or None}, and for a collection each metric's
quartiles (statistics.quantiles, inclusive method) over the reports that have a value.
"""

from __future__ import annotations

import statistics
from functools import lru_cache

from ..support import toml
from ..support.errors import RuleError
from ..support.record import Record
from .rules import audit_dir

UNITS = ("%", "件", "")


class Metric(Record, frozen=True):
    key: str
    label: str
    unit: str
    description: str
    sum: tuple = ()
    numerator: tuple = ()
    denominator: tuple = ()


def _refs(path, where: str, items) -> tuple:
    if not isinstance(items, list) or not all(isinstance(x, str) and len(x.split("/")) == 3 for x in items):
        raise RuleError(path, where, "应为“表格/行/列”字符串的列表")
    return tuple(tuple(x.split("/")) for x in items)


@lru_cache(maxsize=1)
def metrics() -> tuple[Metric, ...]:
    path = audit_dir() / "metrics.toml"
    data = toml.loads(path.read_text(encoding="utf-8"))
    unknown = set(data) - {"metric"}
    if unknown:
        raise RuleError(path, sorted(unknown)[0], "未知的顶层键（指标写在 [[metric]] 表中）")
    out, seen = [], set()
    keys = {"key", "label", "unit", "description", "sum", "numerator", "denominator"}
    for i, m in enumerate(data.get("metric", [])):
        where = f"metric[{i}]"
        extra = set(m) - keys
        if extra:
            raise RuleError(path, f"{where}.{sorted(extra)[0]}", "未知的键")
        for k in ("key", "label", "unit", "description"):
            if not isinstance(m.get(k), str):
                raise RuleError(path, f"{where}.{k}", "缺少必填键或不是字符串")
        if m["key"] in seen:
            raise RuleError(path, f"{where}.key", "指标重复")
        seen.add(m["key"])
        if m["unit"] not in UNITS:
            raise RuleError(path, f"{where}.unit", "应为 %、件 或空字符串")
        if ("sum" in m) == ("numerator" in m) or ("numerator" in m) != ("denominator" in m):
            raise RuleError(path, where, "要么写 sum，要么写 numerator 和 denominator")
        out.append(Metric(
            m["key"], m["label"], m["unit"], m["description"], _refs(path, f"{where}.sum", m.get("sum", [])),
            _refs(path, f"{where}.numerator", m.get("numerator", [])), _refs(path, f"{where}.denominator", m.get("denominator", [])),
        ))
    return tuple(out)


def _total(facts, refs) -> float | None:
    values = [facts.cell_value(*r) for r in refs]
    if not values or any(v is None for v in values):
        return None
    return sum(values)


def of_report(facts) -> dict:
    out = {}
    for m in metrics():
        if m.sum:
            v = _total(facts, m.sum)
        else:
            num, den = _total(facts, m.numerator), _total(facts, m.denominator)
            v = round(num / den, 4) if num is not None and den else None
        if isinstance(v, float) and v.is_integer() and m.unit != "%":
            v = int(v)
        out[m.key] = v
    return out


def quartiles(values: list) -> list | None:
    vals = sorted(v for v in values if v is not None)
    if not vals:
        return None
    if len(vals) == 1:
        return [vals[0]] * 3
    q = statistics.quantiles(vals, n=4, method="inclusive")
    return [round(x, 4) for x in q]
