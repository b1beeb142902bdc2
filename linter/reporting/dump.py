"""The Document model as plain data (for `xxgk-lint parse` and the golden snapshots)."""

from __future__ import annotations

from ..model.document import DateMention, Document, Table


def _date(d: DateMention | None) -> dict | None:
    if d is None:
        return None
    return {"text": d.raw, "line": d.span.line, "column": d.span.column, "valid": d.valid,
            "date": d.date.isoformat() if d.date else None}


def table_to_dict(t: Table) -> dict:
    rows = []
    for r in t.rows:
        row = {"row": r.key, "label": r.label, "status": r.status, "line": r.line or r.span.line}
        if r.status != "ok" or r.split:
            row.update({"expected": r.expected, "found": r.found, "raw": r.raw})
        if r.split:
            row["split"] = r.split
        rows.append(row)
    cells = []
    for rt in t.template.rows:
        for ct in rt.columns:
            c = t.cells.get((rt.key, ct.key))
            if c is None:
                continue
            cell = {"row": c.row, "column": c.column, "value": c.value, "line": c.span.line, "col": c.span.column}
            if c.status != "ok":
                cell["status"] = c.status
            if c.raw != str(c.value):
                cell["raw"] = c.raw
            if c.inferred:
                cell["inferred"] = True
            cells.append(cell)
    return {
        "format": t.format,
        "section": t.section,
        "line": t.span.line,
        "end_line": t.span.end_line,
        "rows": rows,
        "cells": cells,
    }


def document_to_dict(doc: Document, text_limit: int = 40) -> dict:
    def short(s: str) -> str:
        return s if len(s) <= text_limit else s[:text_limit] + "…"

    sections = []
    for s in doc.sections:
        sections.append(
            {
                "number": s.number,
                "ordinal": s.ordinal,
                "title": s.title,
                "line": s.span.line,
                "end_line": s.end_line,
                "subsections": [{"ordinal": x.ordinal, "title": x.title, "line": x.span.line, "closed": x.closed} for x in s.subsections],
                "paragraphs": [{"line": p.span.line, "end_line": p.span.end_line, "text": short(p.text)} for p in s.paragraphs],
            }
        )
    return {
        "path": doc.path,
        "title": doc.title,
        "agency": doc.agency,
        "report_year": doc.report_year,
        "report_year_source": doc.report_year_source,
        "format": doc.format,
        "publication_date": _date(doc.publication_date),
        "signature_date": _date(doc.signature_date),
        "period": [_date(doc.period[0]), _date(doc.period[1])] if doc.period else None,
        "metadata": {k: {"value": v.value, "line": v.span.line} for k, v in doc.metadata.items()},
        "front": [{"line": p.span.line, "end_line": p.span.end_line, "text": short(p.text)} for p in doc.front],
        "sections": sections,
        "tables": {k: table_to_dict(t) for k, t in doc.tables.items()},
    }
