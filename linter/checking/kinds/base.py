"""What every checker shares: parameter validation and making diagnostics from findings."""

from __future__ import annotations

from collections.abc import Iterable

from ...model.diagnostic import Diagnostic, Fix, Related
from ...model.document import Document
from ..rules import Rule, RuleError
from ...reading.source import Span

_MISSING = object()


class Param:
    """A declared rule parameter: its type, default and (optional) validation."""

    def __init__(self, type_, default=_MISSING, doc: str = "", choices: tuple = (), item=None):
        self.type, self.default, self.doc, self.choices = type_, default, doc, choices
        self.item = item  # for lists: the type every element must have

    @property
    def required(self) -> bool:
        return self.default is _MISSING


class Checker:
    """One kind of rule. Subclasses declare `kind`, `params` and implement `check`."""

    kind: str = ""
    params: dict[str, Param] = {}
    # placeholders a message of this kind may use
    fields: frozenset = frozenset()
    # What the findings depend on besides the rule's parameters, when that is a small part of
    # the document: "paragraphs" (text, positions and section of each), "lines", "agency".
    # Empty: the whole document. The language server reuses a rule's findings while these
    # are unchanged, so a kind must list everything its check reads.
    inputs: tuple[str, ...] = ()

    def __init__(self, rule: Rule):
        self.rule = rule
        self.p: dict = {}
        for key, value in rule.params.items():
            if key not in self.params:
                raise RuleError(rule.source, f"{rule.id}.params.{key}", f"{self.kind} 类规则没有这个参数")
        for key, spec in self.params.items():
            if key in rule.params:
                value = rule.params[key]
                ok = isinstance(value, spec.type) and not (spec.type in (int, float) and isinstance(value, bool))
                if spec.type is float and isinstance(value, int) and not isinstance(value, bool):
                    value, ok = float(value), True
                if not ok:
                    tname = getattr(spec.type, "__name__", str(spec.type))
                    raise RuleError(rule.source, f"{rule.id}.params.{key}", f"类型应为 {tname}")
                if spec.item is not None and any(not isinstance(x, spec.item) for x in value):
                    raise RuleError(rule.source, f"{rule.id}.params.{key}", f"列表的每一项都应为 {spec.item.__name__}")
                if spec.choices and value not in spec.choices:
                    raise RuleError(rule.source, f"{rule.id}.params.{key}", f"可选值：{', '.join(map(str, spec.choices))}")
                self.p[key] = value
            elif spec.required:
                raise RuleError(rule.source, f"{rule.id}.params.{key}", "缺少必填参数")
            else:
                self.p[key] = spec.default
        unknown = rule.placeholders - self.fields
        if unknown and self.fields:
            raise RuleError(
                rule.source,
                f"{rule.id}.message",
                f"消息中的占位符 {{{sorted(unknown)[0]}}} 不是 {self.kind} 类规则提供的（可用：{', '.join(sorted(self.fields))}）",
            )
        self.setup()

    def setup(self) -> None:
        """Compile parameters (regexes, equations); raise RuleError on bad ones."""

    def regex(self, key: str, pattern: str):
        """A rule parameter's regex, compiled and checked (RuleError naming the key if bad)."""
        from ...support.regexes import RegexError, compile_checked
        from ..rules import from_pack

        try:
            return compile_checked(pattern, untrusted=from_pack(self.rule))
        except RegexError as exc:
            raise self.error(key, str(exc)) from None

    def error(self, key: str, message: str) -> RuleError:
        return RuleError(self.rule.source, f"{self.rule.id}.params.{key}", message)

    def check(self, doc: Document) -> Iterable[Diagnostic]:
        raise NotImplementedError

    def by_check(self, doc: Document) -> Iterable[Diagnostic]:
        """The findings of the method named after the `check` parameter (`_title_line` for
        "title-line"): for kinds whose rules each run one of several checks. (The name is
        made once: a fresh string per call would be kept by CPython's method cache.)"""
        name = self.__dict__.get("_method")
        if name is None:
            name = self.__dict__["_method"] = "_" + self.p["check"].replace("-", "_")
        return getattr(self, name)(doc)

    def diag(
        self,
        doc: Document,
        span: Span,
        fix: Fix | None = None,
        related: Iterable[Related] = (),
        **fields,
    ) -> Diagnostic:
        r = self.rule
        return Diagnostic(
            rule=r.id,
            category=r.category,
            severity=r.severity,
            message=r.format(**fields),
            span=span,
            path=doc.path,
            fix=fix,
            related=tuple(related),
            name=r.name,
        )
