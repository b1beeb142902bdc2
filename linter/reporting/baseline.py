"""Baselines for gradual adoption: record today's findings, report only new ones later.

A finding is remembered by its rule, its file (relative to the baseline) and a fingerprint of
the text it points at (the span and its line, white space removed) — not by its line number,
so edits elsewhere in the report do not bring old findings back. Identical fingerprints are
counted, so a second copy of a remembered problem is still new.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections import Counter
from pathlib import Path

from ..model.diagnostic import Diagnostic

_WS = re.compile(r"\s+")


def fingerprint(d: Diagnostic, lines: list[str] | None) -> str:
    s = d.span
    context = ""
    if lines and 1 <= s.line <= len(lines):
        first = lines[s.line - 1]
        target = first[s.column - 1 : s.end_column - 1] if s.end_line == s.line else first[s.column - 1 :]
        context = _WS.sub("", target) + "|" + _WS.sub("", first)
    return hashlib.sha1(f"{d.rule}|{context}".encode("utf-8")).hexdigest()[:16]


def _rel(path: str, base: Path) -> str:
    try:
        return os.path.relpath(os.path.abspath(path), base).replace(os.sep, "/")
    except ValueError:
        return path


def write(path: Path, items: list[tuple[Diagnostic, list[str] | None]]) -> int:
    base = path.resolve().parent
    entries: dict[str, Counter] = {}
    for d, lines in items:
        entries.setdefault(_rel(d.path, base), Counter())[f"{d.rule}:{fingerprint(d, lines)}"] += 1
    data = {
        "version": 1,
        "tool": "xxgk-lint",
        "findings": {f: dict(sorted(c.items())) for f, c in sorted(entries.items())},
    }
    from .writing import atomic_write

    atomic_write(path, (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8"))
    return sum(sum(c.values()) for c in entries.values())


def load(path: Path) -> dict[str, Counter]:
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or data.get("tool") != "xxgk-lint":
        raise ValueError("不是 xxgk-lint 的基线文件")
    return {f: Counter(c) for f, c in data.get("findings", {}).items()}


def filter_new(path: Path, items: list[tuple[Diagnostic, list[str] | None]]) -> list[Diagnostic]:
    """The findings not in the baseline."""
    known = load(path)
    base = path.resolve().parent
    budget = {f: Counter(c) for f, c in known.items()}
    out = []
    for d, lines in items:
        key = f"{d.rule}:{fingerprint(d, lines)}"
        c = budget.get(_rel(d.path, base))
        if c is not None and c[key] > 0:
            c[key] -= 1
            continue
        out.append(d)
    return out
