"""Auditing texts in this process: for tests, rule examples and the language server.

In: (path, text) pairs, or a rule example holding several reports (each starting with a
line `<!-- 报告：path -->`). Out: an AuditResult (collection.run), built from the same
Documents and findings the per-report lint makes.
"""

from __future__ import annotations

import re

from ..checking.config import Config
from .collection import AuditResult, run
from .facts import ReportFacts, extract
from .rules import report_config, selected

_MARK = re.compile(r"^<!--\s*报告[:：]\s*(.+?)\s*-->\s*$", re.M)


def split_reports(text: str) -> list[tuple[str, str]]:
    """The reports of a rule example: (path, text) for each `<!-- 报告：path -->` block."""
    marks = list(_MARK.finditer(text))
    out = []
    for k, m in enumerate(marks):
        end = marks[k + 1].start() if k + 1 < len(marks) else len(text)
        out.append((m.group(1), text[m.end():end].lstrip("\n")))
    return out


def facts_of_text(text: str, path: str, linter=None) -> ReportFacts:
    from ..checking.engine import Linter

    linter = linter or Linter(Config())
    doc, diags = linter.lint_text(text, path)
    return extract(doc, diags, path)


def audit_texts(items: list[tuple[str, str]], config: Config | None = None, engine: str = "local") -> AuditResult:
    from ..checking.engine import Linter

    cfg = config or Config()
    linter = Linter(report_config(cfg))
    facts = [facts_of_text(t, p, linter) for p, t in items]
    return run(facts, selected(cfg), engine)
