"""Small helpers the checkers share: how tables and rows are named in messages."""

from __future__ import annotations

import re

from ...model.document import Document, Table
from ...reading.source import Span

_ITEM_NUMBER = re.compile(r"^\d+[.、]")
TABLE_NAMES = {"active": "第二部分表格", "applications": "第三部分表格", "review": "第四部分表格"}


def table_name(key: str) -> str:
    return TABLE_NAMES.get(key, key)


def row_name(table: Table, key: str | None) -> str:
    if key is None:
        return "（未知行）"
    rt = table.template.row(key)
    if rt is None:
        return key
    if rt.short in rt.label:
        return rt.label
    return rt.short + " " + _ITEM_NUMBER.sub("", rt.label)


def column_name(table: Table, row: str, column: str) -> str:
    ct = table.column_template(row, column)
    return ct.label if ct else column


def tables(doc: Document, keys: list[str] | None = None):
    for key in ("active", "applications", "review"):
        if keys and key not in keys:
            continue
        t = doc.tables.get(key)
        if t is not None:
            yield t


def start_span(doc: Document) -> Span:
    """The first non-blank line's text: where a finding about the whole report points."""
    for line in doc.lines:
        if line.text.strip():
            t = line.text
            lead = len(t) - len(t.lstrip())
            return Span(line.lineno, line.col + lead + 1, line.lineno, line.col + len(t.rstrip()) + 1)
    return Span(1, 1, 1, 1)
