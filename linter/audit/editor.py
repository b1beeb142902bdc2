"""Cross-year findings for one open document (for the language server).

In: a Document and candidate Documents (e.g. the other reports of the workspace). Out: the
cross-year diagnostics of the document against the nearest other-year report of the same
agency (the year before if there is one, else the nearest earlier year, else none): the
findings of rules/audit/cross-year.toml, on the document's own lines, the other report's
place as a related location with its path.
"""

from __future__ import annotations

from ..checking.config import Config
from ..model.diagnostic import Diagnostic
from .facts import extract
from .identify import Report, normalise
from .kinds import Context


def _key(doc):
    if not doc.agency or doc.report_year is None:
        return None
    return normalise(doc.agency).key


def nearest_previous(doc, candidates):
    """The candidate of the same agency with the latest year before the document's."""
    key = _key(doc)
    if key is None:
        return None
    best = None
    for c in candidates:
        if c is doc or c.path == doc.path or c.report_year is None or c.report_year >= doc.report_year:
            continue
        if _key(c) != key:
            continue
        if best is None or (c.report_year, c.path) > (best.report_year, best.path):
            best = c
    return best


_PREVIOUS: dict[int, tuple] = {}  # id(Document) -> (the Document, its facts): last year's report
# stays the same object while the author types in this year's (the server keeps it per file)


def _facts_of(doc):
    hit = _PREVIOUS.get(id(doc))
    if hit is None or hit[0] is not doc:
        if len(_PREVIOUS) > 64:
            _PREVIOUS.clear()
        hit = _PREVIOUS[id(doc)] = (doc, extract(doc, sketches=False))
    return hit[1]


def cross_year_findings(doc, candidates, config: Config | None = None) -> list[Diagnostic]:
    """The cross-year diagnostics of `doc` against the nearest earlier report of its agency
    among `candidates` (Documents); [] when there is none."""
    from .rules import selected

    prev = nearest_previous(doc, candidates)
    if prev is None:
        return []
    cur_f, prev_f = extract(doc, sketches=False), _facts_of(prev)
    ctx = Context()
    out: list[Diagnostic] = []
    for rule in selected(config or Config()):
        if rule.checker.scope != "pair":  # (the pair rules are the cross-year ones)
            continue
        out.extend(rule.checker.check_pair(cur_f, prev_f, ctx))
    return sorted(out, key=Diagnostic.sort_key)


__all__ = ["cross_year_findings", "nearest_previous", "Report"]
