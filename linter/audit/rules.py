"""The cross-report rule packs (rules/audit/*.toml): loaded as strictly as `check`'s packs.

In: the rule folder and a Config (select, ignore, severity, params). Out: the audit's rules,
compiled with the kinds of kinds.py, and the Config the per-report lint runs with (the same,
without what names only audit rules: `check`'s engine would call those unknown).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from ..checking.config import Config, ConfigError, matches
from ..checking.rules import Rule, RuleError, load_file
from ..support.record import replace
from ..support.resources import rules_dir
from .kinds import compile_rule

PACKS = ("cross-year.toml", "cross-agency.toml")


def audit_dir() -> Path:
    return rules_dir() / "audit"


@lru_cache(maxsize=4)
def _load(folder: str) -> tuple[Rule, ...]:
    out, seen = [], {}
    for name in PACKS:
        path = Path(folder) / name
        for rule in load_file(path):
            if rule.id in seen:
                raise RuleError(path, f"{rule.id}.id", f"规则编号重复（已在 {seen[rule.id]} 中定义）")
            seen[rule.id] = str(path)
            compile_rule(rule)
            out.append(rule)
    return tuple(sorted(out, key=lambda r: r.id))


def all_rules() -> list[Rule]:
    """Every cross-report rule, as shipped (no configuration)."""
    return list(_load(str(audit_dir())))


def _ours(code: str, rules) -> bool:
    return any(r.id == code or r.name == code for r in rules)


def selected(cfg: Config) -> list[Rule]:
    """The cross-report rules a configuration runs, with its severities and params."""
    from .collection import audit_category

    rules = all_rules()
    out = []
    for rule in rules:
        group = audit_category(rule)  # "cross-year", "cross-agency": selectors of their own

        def hit(s: str) -> bool:
            return matches(s, rule.id, rule.category) or s == group

        if cfg.select and not any(hit(s) for s in cfg.select):
            continue
        if any(hit(s) for s in cfg.ignore):
            continue
        level = cfg.severity.get(rule.id)
        if level == "off":
            continue
        if rule.id in cfg.params or level:
            rule = replace(rule, params={**rule.params, **cfg.params.get(rule.id, {})}, checker=None,
                           severity=level or rule.severity, source=str(cfg.path or "<设置>"))
            try:
                compile_rule(rule)
            except RuleError as exc:
                key = exc.key.split(".params.", 1)[-1] if ".params." in exc.key else exc.key
                raise ConfigError(cfg.path or "<设置>", f"params.{rule.id}.{key}", exc.message) from None
        out.append(rule)
    return out


def report_config(cfg: Config) -> Config:
    """`cfg` for the per-report lint: the selectors, severities and params that concern only
    audit rules taken out (a select naming only audit rules runs no per-report rule at all).
    What names no rule of either kind stays, for the per-report engine to reject."""
    from ..checking.engine import load_rules

    ours = {r.id for r in all_rules()}
    theirs = load_rules(replace(cfg, params={}))
    audit = all_rules()

    from .collection import AUDIT_CATEGORIES

    def audit_only(s: str) -> bool:
        if s in AUDIT_CATEGORIES:
            return True
        return any(matches(s, r.id, r.category) for r in audit) and not any(matches(s, r.id, r.category) for r in theirs)

    select = [s for s in cfg.select if not audit_only(s)]
    severity = {k: v for k, v in cfg.severity.items() if k not in ours}
    params = {k: v for k, v in cfg.params.items() if k not in ours}
    if select == cfg.select and severity == cfg.severity and params == cfg.params:
        return cfg
    new = replace(cfg, select=select, severity=severity, params=params)
    if cfg.select and not select:
        new = replace(new, ignore=[*cfg.ignore, "ALL"])
    return new
