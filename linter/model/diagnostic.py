"""The one finding type shared by the CLI and the language server."""

from __future__ import annotations

import json
from json.encoder import encode_basestring as _json_string  # (the ensure_ascii=False one)

from ..support.record import Record
from ..reading.origin import Origin
from ..reading.source import Span

_json_encode = json.JSONEncoder(ensure_ascii=False).encode

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
    origin: Origin | None = None  # in a document: where this place is in the original

    def to_dict(self) -> dict:
        if self.origin is None:
            return {**self.span.to_dict(), "message": self.message}
        return {**self.span.to_dict(), "message": self.message, "origin": self.origin.to_dict()}


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
    # where it is in the original document (PDF, Word, web page); None for text and Markdown,
    # whose line and column are already the original's (their JSON has no `origin` key)
    origin: Origin | None = None

    def sort_key(self) -> tuple:
        s = self.span
        return (self.path, s.line, s.column, self.rule, self.message)

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
            **({"origin": self.origin.to_dict()} if self.origin is not None else {}),
        }

    def to_json(self) -> str:
        """json.dumps(self.to_dict(), ensure_ascii=False), byte for byte, several times faster
        (a folder of a thousand reports prints its findings in milliseconds)."""
        return json_head(self.path) + self.json_tail()

    def json_tail(self) -> str:
        """to_json() after json_head(path): what the result cache stores and worker processes
        send back (the path is the caller's)."""
        s = self.span
        string = _json_string
        fix = "null" if self.fix is None else _json_encode(self.fix.to_dict())
        related = _json_encode([r.to_dict() for r in self.related]) if self.related else "[]"
        origin = "" if self.origin is None else ', "origin": ' + _json_encode(self.origin.to_dict())
        return (
            f'"line": {s.line}, "column": {s.column}, "end_line": {s.end_line}, '
            f'"end_column": {s.end_column}, "rule": {string(self.rule)}, "name": {string(self.name)}, '
            f'"category": {string(self.category)}, "severity": {string(self.severity)}, '
            f'"message": {string(self.message)}, "fix": {fix}, "related": {related}{origin}}}'
        )

    @classmethod
    def from_json(cls, text: str) -> "Diagnostic":
        """Inverse of to_json."""
        d = json.loads(text)
        fix = None
        f = d.get("fix")
        if f:
            fix = Fix(f["message"], tuple(Edit(_span(e), e["content"]) for e in f["edits"]), f.get("applicability", "safe"))
        related = tuple(
            Related(_span(r), r["message"], Origin.from_dict(r["origin"]) if r.get("origin") else None) for r in d.get("related") or ()
        )
        o = d.get("origin")
        origin = Origin.from_dict(o) if o else None
        return cls(d["rule"], d["category"], d["severity"], d["message"], _span(d), d["path"], fix, related, d.get("name", ""), origin)


def json_head(path: str) -> str:
    """The start of a finding's JSON, up to its path (to_json = json_head + json_tail)."""
    return '{"path": ' + _json_string(path) + ", "


def _span(x: dict) -> Span:
    return Span(x["line"], x["column"], x["end_line"], x["end_column"])


def fails(diags: list[Diagnostic], level: str) -> bool:
    """Whether any finding is at `level` or above (the exit code's question)."""
    return severity_fails([d.severity for d in diags], level)


def severity_fails(severities: list[str], level: str) -> bool:
    threshold = SEVERITY_RANK[level]
    return any(SEVERITY_RANK[s] >= threshold for s in severities)
