"""Printing diagnostics: text (Ruff-like, with a code frame), concise, json."""

from __future__ import annotations

import unicodedata
from collections import Counter

from ..model.diagnostic import Diagnostic

SEVERITY_CN = {"error": "错误", "warning": "警告", "info": "提示"}


def display_width(text: str) -> int:
    """Columns a terminal uses for `text` (CJK and full-width characters take two)."""
    width = 0
    for ch in text:
        if ch == "\t":
            width += 4
        elif unicodedata.east_asian_width(ch) in ("W", "F"):
            width += 2
        elif unicodedata.combining(ch):
            continue
        else:
            width += 1
    return width


def code_frame(line_text: str, line: int, start_col: int, end_col: int, end_line: int, color: bool) -> list[str]:
    """The line of the finding with carets under its span (first line of a multi-line span)."""
    text = line_text.replace("\t", "    ")
    gutter = str(line)
    pad = " " * len(gutter)
    s = max(0, start_col - 1)
    e = len(line_text) if end_line > line else max(s + 1, end_col - 1)
    e = min(max(e, s + 1), max(len(line_text), s + 1))
    # Very long lines (crawls) are cut around the span.
    shown = line_text
    offset = 0
    if len(line_text) > 120:
        offset = max(0, s - 40)
        shown = line_text[offset : offset + 100]
        s -= offset
        e = min(e - offset, len(shown))
        shown = ("…" if offset else "") + shown + ("…" if offset + 100 < len(line_text) else "")
        if offset:
            s += 1
            e += 1
    text = shown.replace("\t", "    ")
    lead = display_width(shown[:s])
    width = max(1, display_width(shown[s:e]))
    caret = " " * lead + "^" * width
    if color:
        caret = f"\x1b[31m{caret}\x1b[0m"
    return [f"{pad} |", f"{gutter} | {text}", f"{pad} | {caret}"]


def format_text(diags: list[Diagnostic], lines_of, color: bool = False, show_fix: bool = True) -> str:
    """`lines_of(path)` returns the list of source lines of a file (for the code frame)."""
    out: list[str] = []
    for d in diags:
        s = d.span
        code = f"\x1b[1;31m{d.rule}\x1b[0m" if color and d.severity == "error" else d.rule
        fixable = " [*]" if d.fix is not None and d.fix.applicability == "safe" else ""
        out.append(f"{d.path}:{s.line}:{s.column}: {SEVERITY_CN[d.severity]} {code}{fixable} {d.message}")
        lines = lines_of(d.path)
        if lines is not None and 1 <= s.line <= len(lines):
            out.extend(code_frame(lines[s.line - 1], s.line, s.column, s.end_column, s.end_line, color))
        for r in d.related[:5]:
            out.append(f"  = 相关位置 {d.path}:{r.span.line}:{r.span.column}: {r.message}")
        if show_fix and d.fix is not None:
            out.append(f"  = 修复建议：{d.fix.message}")
        out.append("")
    return "\n".join(out)


def format_concise(diags: list[Diagnostic]) -> str:
    return "\n".join(f"{d.path}:{d.span.line}:{d.span.column}: {SEVERITY_CN[d.severity]} {d.rule} {d.message}" for d in diags)


def format_json(diags: list[Diagnostic]) -> str:
    return format_json_items([d.to_json() for d in diags])


def format_json_items(items: list[str]) -> str:
    """A JSON array with one finding per line: readable, and fast (json.dumps with indent=
    falls back to the pure-Python encoder, ten times slower on a folder of reports)."""
    if not items:
        return "[]"
    return "[\n  " + ",\n  ".join(items) + "\n]"


def summary(diags: list[Diagnostic], files: int) -> str:
    if not diags:
        return f"检查了 {files} 个文件，没有发现问题。"
    sev = Counter(d.severity for d in diags)
    parts = [f"{SEVERITY_CN[k]} {sev[k]}" for k in ("error", "warning", "info") if sev[k]]
    with_findings = len({d.path for d in diags})
    fixable = sum(1 for d in diags if d.fix is not None and d.fix.applicability == "safe")
    text = f"检查了 {files} 个文件，发现 {len(diags)} 个问题（{'、'.join(parts)}），涉及 {with_findings} 个文件。"
    if fixable:
        text += f"其中 {fixable} 个可用 --fix 自动修复。"
    return text


def statistics(diags: list[Diagnostic]) -> str:
    counts = Counter((d.rule, d.name, d.severity) for d in diags)
    rows = sorted(counts.items(), key=lambda x: (-x[1], x[0][0]))
    return "\n".join(f"{n:>5}  {rule:<6} {SEVERITY_CN[sev]}  {name}" for (rule, name, sev), n in rows)
