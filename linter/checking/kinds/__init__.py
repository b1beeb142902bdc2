"""The closed set of rule kinds: one checker class per kind, registered in KINDS.

In: a `Rule` (its kind picks the class, its params configure it) and a `Document`.
Out: the rule's `Diagnostic`s. A new rule of an existing kind is only a TOML table.
"""

from __future__ import annotations

from ..rules import Rule, RuleError

KINDS: dict[str, type] = {}


def _register() -> None:
    if KINDS:
        return
    from . import agency, consistency, coverage, dates, duplicate, equation, sections, suppression, table_shape, typography

    for module in (table_shape, equation, coverage, sections, dates, duplicate, typography, consistency, agency, suppression):
        for cls in module.CHECKERS:
            KINDS[cls.kind] = cls


def compile_rule(rule: Rule) -> None:
    _register()
    cls = KINDS.get(rule.kind)
    if cls is None:
        raise RuleError(rule.source, f"{rule.id}.kind", f"未知的规则类型 {rule.kind!r}，可选：{', '.join(sorted(KINDS))}")
    rule.checker = cls(rule)
