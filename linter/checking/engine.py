"""The rule engine: which rules run (configuration), running them, and suppressions."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from ..parsing.builder import build
from .config import Config, matches
from ..model.diagnostic import Diagnostic
from ..support.gcpause import paused
from ..model.line import Line
from ..model.document import Document
from ..support.record import Record, factory, replace
from ..support.resources import grammar_dir, rules_dir
from .rules import Rule, RuleError, from_pack, load_file
from ..reading.source import Span


_DIRECTIVE = re.compile(
    r"<!--\s*xxgk-lint:\s*(disable-next-line|disable-line|disable-file|disable|enable)\s*(?:=\s*([A-Za-z0-9_,\s-]*?))?\s*-->"
)


def load_dirs(dirs: list[Path]) -> list[Rule]:
    """Load every *.toml rule pack under `dirs` (templates/ excluded), compile the checkers."""
    from .kinds import compile_rule  # the kinds import rules.py: loaded here, not there

    rules: list[Rule] = []
    seen: dict[str, str] = {}
    names: dict[str, str] = {}
    for d in dirs:
        if not d.is_dir():
            raise RuleError(d, "(folder)", "规则目录不存在")
        for path in sorted(d.glob("*.toml")):
            for rule in load_file(path):
                if rule.id in seen:
                    raise RuleError(path, f"{rule.id}.id", f"规则编号重复（已在 {seen[rule.id]} 中定义）")
                if rule.name in names:
                    raise RuleError(path, f"{rule.id}.name", f"规则名重复（已由 {names[rule.name]} 使用）")
                seen[rule.id] = str(path)
                names[rule.name] = rule.id
                compile_rule(rule)
                rules.append(rule)
    rules.sort(key=lambda r: r.id)
    return rules


@lru_cache(maxsize=16)
def _load(dirs: tuple[str, ...], params_key: str) -> tuple[Rule, ...]:
    from ..support.diskcache import cached, data_files

    paths = [Path(d) for d in dirs]
    return cached("rules", data_files([*paths, grammar_dir()]), lambda: tuple(load_dirs(paths)))


def load_rules(config: Config) -> list[Rule]:
    dirs = (str(rules_dir()), *(str(d) for d in config.rule_dirs))
    rules = list(_load(dirs, ""))
    if config.params:
        from .kinds import compile_rule

        by_id = {r.id: r for r in rules}
        for code, params in config.params.items():
            rule = by_id.get(code)
            if rule is None:
                from .config import ConfigError

                raise ConfigError(config.path or "<settings>", f"params.{code}", "没有这个规则")
            merged = replace(rule, params={**rule.params, **params}, checker=None, source=str(config.path or "<设置>"))
            try:
                compile_rule(merged)
            except RuleError as exc:
                from .config import ConfigError

                key = exc.key.split(".params.", 1)[-1] if ".params." in exc.key else exc.key
                raise ConfigError(config.path or "<设置>", f"params.{code}.{key}", exc.message) from None
            by_id[code] = merged
        rules = sorted(by_id.values(), key=lambda r: r.id)
    return rules


class Directive(Record):
    line: int
    kind: str
    codes: set[str]
    target: int  # the line it applies to (0: the whole file)
    text: str
    span: tuple[int, int]  # 0-based columns of the comment on its line
    used: bool = False

    def covers(self, d: Diagnostic) -> bool:
        if self.target and d.span.line != self.target:
            return False
        return "*" in self.codes or any(d.rule.startswith(c) for c in self.codes)


class Suppressions(Record):
    """The suppression comments of a document, indexed so that matching every finding costs
    O(lines + directives + findings): by target line (0: the whole file), then by code.

    A finding is covered by a directive of its line or of the whole file whose codes hold
    "*" or a prefix of its rule code; every directive that covers some finding is marked
    used. Each directive is marked once: it is then dropped from the index's pending lists,
    so no later finding looks at it again (6,000 comments on one line stay cheap)."""

    directives: list[Directive]
    # target line -> (codes there, {code: directives of that code not yet used})
    _index: dict = factory(dict)

    def __post_init__(self) -> None:
        index: dict = {}
        for x in self.directives:
            codes, pending = index.setdefault(x.target, (set(), {}))
            for c in x.codes:
                codes.add(c)
                pending.setdefault(c, []).append(x)
        self._index = index

    def covers(self, d: Diagnostic) -> bool:
        hit = False
        index = self._index
        rule = d.rule
        for target in (0, d.span.line) if d.span.line else (0,):
            entry = index.get(target)
            if entry is None:
                continue
            codes, pending = entry
            if "*" in codes:
                hit = True
                for x in pending.pop("*", ()):
                    x.used = True
            for k in range(1, len(rule) + 1):  # the codes that cover it: prefixes of its rule code
                c = rule[:k]
                if c in codes:
                    hit = True
                    for x in pending.pop(c, ()):
                        x.used = True
        return hit


def suppressions(doc: Document) -> Suppressions:
    directives: list[Directive] = []
    if "xxgk-lint" not in doc.text:
        return Suppressions(directives)
    lines = doc.source.lines
    n = len(lines)
    # next_line[j]: the first line at or after line j that is neither blank nor only a
    # directive (n + 1: none); found on demand, each line looked at once for the document.
    next_line: dict[int, int] = {}

    def target_after(i: int) -> int:
        j = i + 1
        walked = []
        while j <= n:
            known = next_line.get(j)
            if known is not None:
                j = known
                break
            text = lines[j - 1].strip()
            if text and not ("xxgk-lint" in text and _DIRECTIVE.fullmatch(text)):
                break
            walked.append(j)
            j += 1  # skip blank lines and further directives
        for w in walked:
            next_line[w] = j
        return j

    for i, text in enumerate(lines, 1):
        if "xxgk-lint" not in text:
            continue
        for m in _DIRECTIVE.finditer(text):
            kind = m.group(1)
            codes = {c.strip() for c in (m.group(2) or "").split(",") if c.strip()} or {"*"}
            if kind in ("disable", "disable-file"):
                target = 0
            elif kind == "disable-line":
                target = i
            elif kind == "disable-next-line":
                target = target_after(i)
            else:
                continue
            directives.append(Directive(i, kind, codes, target, m.group(0), (m.start(), m.end())))
    return Suppressions(directives)


def _input_key(doc: Document, name: str, keys: dict):
    """A hashable value of one input a rule may declare (see Checker.inputs), made once per
    lint: equal values mean equal findings."""
    if name not in keys:
        if name == "paragraphs":
            keys[name] = (doc.path, tuple((p.text, p.span, p.section, p.pieces) for p in doc.paragraphs))
        elif name == "lines":
            keys[name] = (doc.path, tuple(map(Line._values, doc.lines)))  # (kind, text, lineno, col) each
        elif name == "agency":
            keys[name] = doc.agency
        else:
            raise ValueError(f"unknown rule input {name!r}")
    return keys[name]


class Linter:
    """Runs the selected rules of a configuration over Documents."""

    def __init__(self, config: Config | None = None, incremental: bool = False):
        self.config = config or Config()
        # The language server lints the same document on every keystroke: a rule whose
        # declared inputs (Checker.inputs) are unchanged since its last run on that document
        # gives back the findings of that run.
        self.incremental = incremental
        self._memo: dict[tuple, tuple] = {}  # (rule, path) -> (inputs, findings) of the last run
        self.reused = 0  # rule runs answered from the memo (for tests and benchmarks)
        self.rules = load_rules(self.config)
        self._by_code = {**{r.name: r for r in self.rules}, **{r.id: r for r in self.rules}}
        self.active = [r for r in self.rules if self._selected(r)]
        # a coverage rule reports what the equation rules could not check: it is told them
        equations = tuple(r for r in self.rules if r.kind == "equation")
        for r in self.rules:
            if r.kind == "coverage":
                r.checker.peers = equations
        known = {r.id for r in self.rules}
        for code in self.config.severity:
            if code not in known:
                from .config import ConfigError

                raise ConfigError(self.config.path or "<命令行/设置>", f"severity.{code}", "没有这个规则")
        for sel in self.config.select:
            if not any(matches(sel, r.id, r.category) for r in self.rules):
                from .config import ConfigError

                raise ConfigError(self.config.path or "<命令行/设置>", "select", f"“{sel}”没有匹配任何规则（用 xxgk-lint rules 查看规则编号和类别）")
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
        """A rule by its code or its name."""
        return self._by_code.get(code)

    def lint_text(self, text: str, path: str = "<stdin>", should_stop: Callable[[], bool] | None = None) -> tuple[Document | None, list[Diagnostic] | None]:
        """(the Document, its findings) of `text`; with `should_stop` (see lint), (None, None)
        when it said True during the build, (the Document, None) during the lint."""
        from ..parsing.builder import Stopped

        with paused():  # see gcpause.py: a lint makes no cycles
            try:
                doc = build(text, path, should_stop)
            except Stopped:
                return None, None
            return doc, self.lint(doc, should_stop=should_stop)

    def lint(self, doc: Document, rules: list[Rule] | None = None, should_stop: Callable[[], bool] | None = None) -> list[Diagnostic] | None:
        """The findings of `doc`. `should_stop` (the language server's: has the text moved on?)
        is asked before each rule; when it says True the lint stops and gives None (the memo
        keeps what the rules that ran found: each entry stands on its own inputs)."""
        out: list[Diagnostic] = []
        ignored = self.config.ignored_for(doc.path) if doc.path and self.config.per_file_ignores else []
        keys: dict[str, object] = {}
        for rule in rules if rules is not None else self.active:
            if should_stop is not None and should_stop():
                return None
            if ignored and any(matches(s, rule.id, rule.category) for s in ignored):
                continue
            inputs = None
            if self.incremental and rule.checker.inputs:
                inputs = tuple(_input_key(doc, name, keys) for name in rule.checker.inputs)
                last = self._memo.get((rule.id, doc.path))
                if last is not None and last[0] == inputs:
                    self.reused += 1
                    out.extend(last[1])
                    continue
            try:
                found, complete = _bounded(rule, doc)
            except Exception as exc:  # one broken rule must not hide the others' findings
                import logging
                import traceback

                msg = f"规则 {rule.id} 检查 {doc.path} 时出错：{type(exc).__name__}: {exc}\n{traceback.format_exc()}"
                logging.getLogger("xxgk-lint").error(msg)
                self.errors.append(msg)
                continue
            level = self.config.severity.get(rule.id)
            if level and level != rule.severity:
                found = [replace(d, severity=level) for d in found]
            if inputs is not None and complete:  # (a rule stopped by its time budget runs again)
                if len(self._memo) > 4096:  # many documents over a long session
                    self._memo.clear()
                self._memo[(rule.id, doc.path)] = (inputs, found)
            out.extend(found)
        sup = suppressions(doc)
        if sup.directives:
            everything = out
            out = [d for d in out if not sup.covers(d)]
            out.extend(self._unused(doc, sup, rules, everything))
        out = sorted(set(out), key=Diagnostic.sort_key)
        return out

    def _unused(self, doc: Document, sup: Suppressions, rules: list[Rule] | None, findings: list[Diagnostic] = ()) -> list[Diagnostic]:
        """Suppression comments that suppressed nothing (only for rules that ran: a comment
        for a rule switched off in the configuration is not unused)."""
        rule = next((r for r in (rules if rules is not None else self.active) if r.kind == "unused-suppression"), None)
        if rule is None:
            return []
        ran = {r.id for r in (rules if rules is not None else self.active)}
        # a rule whose findings were cut short (see _bounded) may have had one for a comment
        cut = {d.rule for d in findings if d.message.startswith(_CUT_SHORT)}
        out = []
        for x in sup.directives:
            if x.used:
                continue
            if "*" not in x.codes and not any(r.startswith(c) for c in x.codes for r in ran):
                continue
            if cut and ("*" in x.codes or any(r.startswith(c) for c in x.codes for r in cut)):
                continue
            span = Span(x.line, x.span[0] + 1, x.line, x.span[1] + 1)
            if len(out) == MAX_FINDINGS:
                out.append(_more_note(rule, doc, out))
                break
            out.append(rule.checker.diag(doc, span, codes="、".join(sorted(x.codes)), directive=x.text))
        return out


# -- bounds on one rule's run on one document ---------------------------------------------------

MAX_FINDINGS = 1000  # findings one rule gives one document; then one note, and the rule stops
# (the outputs list 200 of them, see reporting/output.py: the bound is on the work and memory)
MORE_NOTE_START = "该规则在本文件中的问题已超过 "  # how the note for the findings not made starts
STOPPED_NOTE_START = "该规则在本文件上运行已超过 "  # and the one for a rule stopped by its budget
_CUT_SHORT = (MORE_NOTE_START, STOPPED_NOTE_START)


def _note(rule: Rule, doc: Document, span: Span, severity: str, message: str) -> Diagnostic:
    return Diagnostic(rule=rule.id, category=rule.category, severity=severity, message=message, span=span, path=doc.path, name=rule.name)


def _more_note(rule: Rule, doc: Document, found: list[Diagnostic]) -> Diagnostic:
    """The note standing for the findings a rule was not let make: at its first finding (so
    that every output, which lists the first 200 of a rule, shows it)."""
    first = min(found, key=Diagnostic.sort_key).span
    message = f"{_CUT_SHORT[0]}{MAX_FINDINGS} 处，为限制耗时和内存，其后不再查找……另有更多同类问题未列出"
    return _note(rule, doc, Span(first.line, first.column, first.line, first.column), "info", message)


def _stopped_note(rule: Rule, doc: Document, seconds: float) -> Diagnostic:
    message = (
        f"{_CUT_SHORT[1]}{seconds:g} 秒，已停止，本文件该规则的结果不完整"
        f"（多半是规则的正则表达式在很长的行上反复回溯；时限可用环境变量 XXGK_LINT_RULE_SECONDS 调整）"
    )
    return _note(rule, doc, Span(1, 1, 1, 1), rule.severity, message)


# A document up to this long runs the built-in rules without a CPU-time budget (arming the
# timer costs a few microseconds a rule, a third of a small report's lint): their regexes are
# ours, and their slowest takes milliseconds on it. (A rule pack's rules always have a
# deadline: it costs a clock reading per search.)
BUDGET_ABOVE = 20_000  # characters


def _bounded(rule: Rule, doc: Document) -> tuple[list[Diagnostic], bool]:
    """(the findings of `rule` on `doc`, whether the rule ran to its end or to MAX_FINDINGS).

    Bounded in work and memory: after MAX_FINDINGS findings the rule is stopped, and one
    note says there are more (`（` three hundred thousand times: a thousand findings, not
    three hundred thousand). Bounded in time (support/budget.py): a rule pack's rule always,
    its regexes searching under the rule's deadline in any thread; every rule on a document
    over BUDGET_ABOVE characters, by a CPU-time budget (main thread only). A rule that uses
    up its budget is stopped where it is, keeps what it found, and one finding says so."""
    found: list[Diagnostic] = []
    pack = from_pack(rule)
    long = len(doc.text) > BUDGET_ABOVE
    if not (pack or long):
        _collect(rule, doc, found)
        return found, True
    from ..support.budget import BudgetExceeded, rule_deadline, rule_seconds, time_budget

    seconds = rule_seconds()
    try:
        with rule_deadline(seconds if pack else 0), time_budget(seconds if long else 0):
            _collect(rule, doc, found)
    except BudgetExceeded:
        found.append(_stopped_note(rule, doc, seconds))
        return found, False
    return found, True


def _collect(rule: Rule, doc: Document, found: list[Diagnostic]) -> None:
    """The rule's findings into `found`, at most MAX_FINDINGS and then the note."""
    findings = iter(rule.checker.check(doc))
    for d in findings:
        if len(found) == MAX_FINDINGS:
            found.append(_more_note(rule, doc, found))
            break
        found.append(d)
    close = getattr(findings, "close", None)
    if close is not None:
        close()  # (a generator stopped early: its clean-up runs now, inside any budget)
