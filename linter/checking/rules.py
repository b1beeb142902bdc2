"""Loading the declarative rule packs (rules/*.toml) strictly.

A rule pack is a TOML file holding `[[rule]]` tables. Every rule names the `kind` of checker
that runs it (linter/checking/kinds/); a new rule of an existing kind is only a TOML table. Loading is
strict: an unknown key, an unknown kind or category, a bad parameter (regex, equation …) or a
duplicate id is a RuleError naming the file and the key.
"""

from __future__ import annotations

import re
from pathlib import Path
from string import Formatter

from ..support import toml
from ..model.diagnostic import CATEGORIES, SEVERITIES
from ..support.errors import RuleError
from ..support.record import Record, factory

RULE_KEYS = {
    "id": str,
    "name": str,
    "category": str,
    "severity": str,
    "kind": str,
    "message": str,
    "description": str,
    "examples": list,
    "params": dict,
    "fix_message": str,
    "url": str,
}
REQUIRED = ("id", "name", "category", "severity", "kind", "message", "description")
EXAMPLE_KEYS = {"bad", "good", "fixed", "path", "note"}
_ID = re.compile(r"^[A-Z]{2,4}\d{3}$")
_NAME = re.compile(r"^[a-z][a-z0-9-]*$")


class Example(Record, frozen=True):
    bad: str | None
    good: str | None
    fixed: str | None
    path: str  # file name the example is linted as (".txt" or ".md" matters for suppressions)


class Rule(Record):
    id: str
    name: str
    category: str
    severity: str
    kind: str
    message: str
    description: str
    examples: tuple[Example, ...]
    params: dict
    fix_message: str
    source: str  # file it came from
    placeholders: frozenset = factory(frozenset)
    checker: object = None  # the compiled checker instance

    def format(self, **fields) -> str:
        try:
            return self.message.format(**fields)
        except (KeyError, IndexError, ValueError):
            return self.message


_BUILT_IN: dict[str, bool] = {}  # a rule's source → whether it is one of the built-in rule files


def from_pack(rule: Rule) -> bool:
    """Whether `rule` comes from a rule pack (rule-dirs, or a built-in rule given other
    params: its source is then the config): its regexes are somebody else's, and run under
    the rule's deadline (support/budget.py)."""
    known = _BUILT_IN.get(rule.source)
    if known is None:
        from ..support.resources import rules_dir

        try:
            known = Path(rule.source).resolve().parent == rules_dir().resolve()
        except (OSError, ValueError):
            known = False
        _BUILT_IN[rule.source] = known
    return not known


def _placeholders(text: str) -> frozenset:
    try:
        return frozenset(f for _, f, _, _ in Formatter().parse(text) if f)
    except ValueError as exc:
        raise ValueError(f"消息模板格式错误：{exc}") from None


def load_file(path: Path) -> list[Rule]:
    try:
        data = toml.loads(path.read_text(encoding="utf-8"))
    except toml.TOMLDecodeError as exc:
        raise RuleError(path, "(toml)", f"不是有效的 TOML:{exc}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise RuleError(path, "(file)", f"无法读取：{exc}") from None
    unknown = set(data) - {"rule"}
    if unknown:
        raise RuleError(path, sorted(unknown)[0], "未知的顶层键（规则写在 [[rule]] 表中）")
    items = data.get("rule", [])
    if not isinstance(items, list):
        raise RuleError(path, "rule", "必须是 [[rule]] 表数组")
    return [_rule(path, i, item) for i, item in enumerate(items)]


def _rule(path: Path, index: int, item: dict) -> Rule:
    where = f"rule[{index}]"
    if not isinstance(item, dict):
        raise RuleError(path, where, "必须是表")
    rid = item.get("id")
    if isinstance(rid, str):
        where = rid
    for key, value in item.items():
        if key not in RULE_KEYS:
            raise RuleError(path, f"{where}.{key}", "未知的键")
        if not isinstance(value, RULE_KEYS[key]):
            raise RuleError(path, f"{where}.{key}", f"类型应为 {RULE_KEYS[key].__name__}")
    for key in REQUIRED:
        if key not in item:
            raise RuleError(path, f"{where}.{key}", "缺少必填键")
    if not _ID.match(item["id"]):
        raise RuleError(path, f"{where}.id", "规则编号应形如 XG101")
    if not _NAME.match(item["name"]):
        raise RuleError(path, f"{where}.name", "规则名应为小写字母、数字和连字符")
    if item["category"] not in CATEGORIES:
        raise RuleError(path, f"{where}.category", f"未知类别 {item['category']!r}，可选：{', '.join(CATEGORIES)}")
    if item["severity"] not in SEVERITIES:
        raise RuleError(path, f"{where}.severity", "应为 error、warning 或 info")
    try:
        placeholders = _placeholders(item["message"])
    except ValueError as exc:
        raise RuleError(path, f"{where}.message", str(exc)) from None
    examples = []
    for k, ex in enumerate(item.get("examples", [])):
        if not isinstance(ex, dict):
            raise RuleError(path, f"{where}.examples[{k}]", "必须是表")
        for key, value in ex.items():
            if key not in EXAMPLE_KEYS:
                raise RuleError(path, f"{where}.examples[{k}].{key}", "未知的键")
            if not isinstance(value, str):
                raise RuleError(path, f"{where}.examples[{k}].{key}", "应为字符串")
        if "bad" not in ex and "good" not in ex:
            raise RuleError(path, f"{where}.examples[{k}]", "至少要有 bad 或 good")
        examples.append(Example(ex.get("bad"), ex.get("good"), ex.get("fixed"), ex.get("path", "example.txt")))
    return Rule(
        id=item["id"],
        name=item["name"],
        category=item["category"],
        severity=item["severity"],
        kind=item["kind"],
        message=item["message"],
        description=item["description"].strip(),
        examples=tuple(examples),
        params=dict(item.get("params", {})),
        fix_message=item.get("fix_message", ""),
        source=str(path),
        placeholders=placeholders,
    )
