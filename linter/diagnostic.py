"""The one finding type shared by the CLI and the language server."""

from __future__ import annotations

from .record import Record

from .source import Span

SEVERITIES = ("error", "warning", "info")
SEVERITY_RANK = {"info": 0, "warning": 1, "error": 2}
CATEGORIES = (
    "structure",
    "arithmetic",
    "table-shape",
    "date",
    "duplicate",
    "consistency",
    "format-version",
    "typography",
    "agency",
    "syntax",
)


class Edit(Record, frozen=True):
    span: Span
    new_text: str

    def to_dict(self) -> dict:
        return {**self.span.to_dict(), "content": self.new_text}


class Fix(Record, frozen=True):
    message: str  # what the fix does, in Chinese
    edits: tuple[Edit, ...]
    applicability: str = "safe"  # safe | unsafe

    def to_dict(self) -> dict:
        return {
            "message": self.message,
            "applicability": self.applicability,
            "edits": [e.to_dict() for e in self.edits],
        }


class Related(Record, frozen=True):
    span: Span
    message: str

    def to_dict(self) -> dict:
        return {**self.span.to_dict(), "message": self.message}


class Diagnostic(Record, frozen=True):
    rule: str
    category: str
    severity: str
    message: str
    span: Span
    path: str = ""
    fix: Fix | None = None
    related: tuple[Related, ...] = ()
    name: str = ""  # the rule's name (kebab-case)

    def sort_key(self) -> tuple:
        s = self.span
        return (self.path, s.line, s.column, self.rule, self.message)

    @classmethod
    def from_dict(cls, d: dict) -> "Diagnostic":
        """Inverse of to_dict (the result cache stores diagnostics as JSON)."""

        def span(x: dict) -> Span:
            return Span(x["line"], x["column"], x["end_line"], x["end_column"])

        fix = None
        if d.get("fix"):
            f = d["fix"]
            fix = Fix(f["message"], tuple(Edit(span(e), e["content"]) for e in f["edits"]), f.get("applicability", "safe"))
        return cls(
            rule=d["rule"],
            category=d["category"],
            severity=d["severity"],
            message=d["message"],
            span=span(d),
            path=d["path"],
            fix=fix,
            related=tuple(Related(span(r), r["message"]) for r in d.get("related", ())),
            name=d.get("name", ""),
        )

    def to_dict(self) -> dict:
        s = self.span
        return {
            "path": self.path,
            "line": s.line,
            "column": s.column,
            "end_line": s.end_line,
            "end_column": s.end_column,
            "rule": self.rule,
            "name": self.name,
            "category": self.category,
            "severity": self.severity,
            "message": self.message,
            "fix": self.fix.to_dict() if self.fix else None,
            "related": [r.to_dict() for r in self.related],
        }
