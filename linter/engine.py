"""The rule engine: which rules run (configuration), running them, and suppressions."""

from __future__ import annotations

import logging
import re
import traceback
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from .builder import build
from .config import Config, matches
from .diagnostic import SEVERITY_RANK, Diagnostic
from .model import Document
from .resources import rules_dir
from .rules import Rule, load_dirs

log = logging.getLogger("xxgk-lint")

_DIRECTIVE = re.compile(
    r"<!--\s*xxgk-lint:\s*(disable-next-line|disable-line|disable-file|disable|enable)\s*(?:=\s*([A-Za-z0-9_,\s-]*?))?\s*-->"
)


@lru_cache(maxsize=16)
def _load(dirs: tuple[str, ...], params_key: str) -> tuple[Rule, ...]:
    rules = load_dirs([Path(d) for d in dirs])
    return tuple(rules)


def load_rules(config: Config) -> list[Rule]:
    dirs = (str(rules_dir()), *(str(d) for d in config.rule_dirs))
    rules = list(_load(dirs, ""))
    if config.params:
        from .checks import compile_rule

        by_id = {r.id: r for r in rules}
        for code, params in config.params.items():
            rule = by_id.get(code)
            if rule is None:
                from .config import ConfigError

                raise ConfigError(config.path or "<settings>", f"params.{code}", "没有这个规则")
            merged = replace(rule, params={**rule.params, **params}, checker=None)
            compile_rule(merged)
            by_id[code] = merged
        rules = sorted(by_id.values(), key=lambda r: r.id)
    return rules


@dataclass(slots=True)
class Suppressions:
    whole_file: set[str]  # codes ("*" for all)
    by_line: dict[int, set[str]]
    directives: list[tuple[int, str, set[str]]]  # (line, kind, codes) for unused-suppression reports

    def covers(self, d: Diagnostic) -> bool:
        if "*" in self.whole_file or any(d.rule.startswith(c) for c in self.whole_file):
            return True
        codes = self.by_line.get(d.span.line)
        return bool(codes) and ("*" in codes or any(d.rule.startswith(c) for c in codes))


def suppressions(doc: Document) -> Suppressions:
    whole: set[str] = set()
    by_line: dict[int, set[str]] = {}
    directives: list[tuple[int, str, set[str]]] = []
    if "xxgk-lint" not in doc.text:
        return Suppressions(whole, by_line, directives)
    lines = doc.source.lines
    for i, text in enumerate(lines, 1):
        if "xxgk-lint" not in text:
            continue
        for m in _DIRECTIVE.finditer(text):
            kind = m.group(1)
            codes = {c.strip() for c in (m.group(2) or "").split(",") if c.strip()} or {"*"}
            directives.append((i, kind, codes))
            if kind in ("disable", "disable-file"):
                whole |= codes
            elif kind == "disable-line":
                by_line.setdefault(i, set()).update(codes)
            elif kind == "disable-next-line":
                j = i + 1
                while j <= len(lines) and (not lines[j - 1].strip() or _DIRECTIVE.fullmatch(lines[j - 1].strip())):
                    j += 1  # skip blank lines and further directives
                by_line.setdefault(j, set()).update(codes)
    return Suppressions(whole, by_line, directives)


class Linter:
    """Runs the selected rules of a configuration over Documents."""

    def __init__(self, config: Config | None = None):
        self.config = config or Config()
        self.rules = load_rules(self.config)
        self.active = [r for r in self.rules if self._selected(r)]
        self.errors: list[str] = []  # rules that raised (reported, never fatal to the others)

    def _selected(self, rule: Rule) -> bool:
        cfg = self.config
        if cfg.select and not any(matches(s, rule.id, rule.category) for s in cfg.select):
            return False
        if any(matches(s, rule.id, rule.category) for s in cfg.ignore):
            return False
        if cfg.severity.get(rule.id) == "off":
            return False
        return True

    def rule(self, code: str) -> Rule | None:
        for r in self.rules:
            if r.id == code or r.name == code:
                return r
        return None

    def lint_text(self, text: str, path: str = "<stdin>") -> tuple[Document, list[Diagnostic]]:
        doc = build(text, path)
        return doc, self.lint(doc)

    def lint(self, doc: Document, rules: list[Rule] | None = None) -> list[Diagnostic]:
        out: list[Diagnostic] = []
        ignored = self.config.ignored_for(doc.path) if doc.path and self.config.per_file_ignores else []
        for rule in rules if rules is not None else self.active:
            if ignored and any(matches(s, rule.id, rule.category) for s in ignored):
                continue
            try:
                found = list(rule.checker.check(doc))
            except Exception:  # one broken rule must not hide the others' findings
                msg = f"规则 {rule.id} 检查 {doc.path} 时出错:\n{traceback.format_exc()}"
                log.error(msg)
                self.errors.append(msg)
                continue
            level = self.config.severity.get(rule.id)
            if level and level != rule.severity:
                found = [replace(d, severity=level) for d in found]
            out.extend(found)
        sup = suppressions(doc)
        if sup.whole_file or sup.by_line:
            out = [d for d in out if not sup.covers(d)]
        out = sorted(set(out), key=Diagnostic.sort_key)
        return out


def fails(diags: list[Diagnostic], level: str) -> bool:
    threshold = SEVERITY_RANK[level]
    return any(SEVERITY_RANK[d.severity] >= threshold for d in diags)
