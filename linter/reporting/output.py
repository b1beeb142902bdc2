"""Printing diagnostics: text (Ruff-like, with a code frame), concise, json.

Every format lists at most MAX_PER_RULE findings of one rule in one file, then one note
saying how many more there are (a hostile or broken file — `（` three hundred thousand
times — gives a few hundred lines, not hundreds of megabytes). Text for a terminal shows
control characters and undecodable bytes of file names escaped (reading.files.printable);
JSON is valid UTF-8 (a file name's undecodable bytes become \\udcXX escapes).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

from ..model.diagnostic import Diagnostic
from ..reading.files import printable

SEVERITY_CN = {"error": "错误", "warning": "警告", "info": "提示"}
MAX_PER_RULE = 200  # findings of one rule in one file listed; the rest are counted in one note
_SURROGATE = re.compile("[\ud800-\udfff]")


def omitted_note(first: Diagnostic, count: int) -> Diagnostic:
    """The note standing for `count` findings left out, at the first of them."""
    return Diagnostic(
        rule=first.rule,
        category=first.category,
        severity="info",
        message=f"该规则还有 {count} 处同类问题未列出（每个文件每条规则最多列出 {MAX_PER_RULE} 处）",
        span=first.span,
        path=first.path,
        name=first.name,
        origin=first.origin,
    )


def capped(diags: list[Diagnostic], limit: int = MAX_PER_RULE) -> list[tuple[Diagnostic, int]]:
    """(finding, 0) for the first `limit` findings of each rule in each file, in order, and
    (the first finding left out, how many were left out) where the rest of them would be."""
    if len(diags) <= limit:
        return [(d, 0) for d in diags]
    counts = Counter((d.path, d.rule) for d in diags)
    if max(counts.values()) <= limit:
        return [(d, 0) for d in diags]
    out: list[tuple[Diagnostic, int]] = []
    seen: Counter = Counter()
    for d in diags:
        key = (d.path, d.rule)
        seen[key] += 1
        k = seen[key]
        if k <= limit:
            out.append((d, 0))
        elif k == limit + 1:
            out.append((d, counts[key] - limit))
    return out


def capped_diagnostics(diags: list[Diagnostic], limit: int = MAX_PER_RULE) -> list[Diagnostic]:
    """The findings every format shows: `capped`, each left-out run as its note."""
    return [omitted_note(d, n) if n else d for d, n in capped(diags, limit)]


def json_safe(text: str) -> str:
    """JSON text that encodes to valid UTF-8: lone surrogates (a file name's undecodable
    bytes) written as \\udcXX escapes, which JSON allows and decoders give back."""
    if _SURROGATE.search(text) is None:
        return text
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text)


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
    # control characters of the report are shown escaped (never sent to the terminal), and
    # the carets measured on what is shown
    before, inside = _shown(shown[:s]), _shown(shown[s:e])
    text = before + inside + _shown(shown[e:])
    lead = display_width(before)
    width = max(1, display_width(inside))
    caret = " " * lead + "^" * width
    if color:
        caret = f"\x1b[31m{caret}\x1b[0m"
    return [f"{pad} |", f"{gutter} | {text}", f"{pad} | {caret}"]


def _shown(text: str) -> str:
    return printable(text.replace("\t", "    "))


def format_text(diags: list[Diagnostic], lines_of, color: bool = False, show_fix: bool = True) -> str:
    """`lines_of(path)` returns the list of source lines of a file (for the code frame)."""
    out: list[str] = []
    for d, omitted in capped(diags):
        s = d.span
        path = printable(d.path)
        if omitted:
            note = omitted_note(d, omitted)
            out.append(f"{path}:{s.line}:{s.column}: {SEVERITY_CN[note.severity]} {d.rule} {note.message}")
            out.append("")
            continue
        code = f"\x1b[1;31m{d.rule}\x1b[0m" if color and d.severity == "error" else d.rule
        fixable = " [*]" if _fixable(d) else ""
        out.append(f"{path}:{s.line}:{s.column}: {SEVERITY_CN[d.severity]} {code}{fixable} {printable(d.message)}")
        where = place(d)
        if where:
            out.append(f"  = 原文位置：{where}")
        lines = lines_of(d.path)
        if lines is not None and 1 <= s.line <= len(lines):
            out.extend(code_frame(lines[s.line - 1], s.line, s.column, s.end_column, s.end_line, color))
        for r in d.related[:5]:
            where = f"（原文{r.origin.describe()}）" if r.origin is not None else ""
            out.append(f"  = 相关位置 {path}:{r.span.line}:{r.span.column}: {printable(r.message)}{where}")
        if show_fix and d.fix is not None:
            out.append(f"  = 修复建议：{printable(d.fix.message)}")
        out.append("")
    return "\n".join(out)


def _fixable(d: Diagnostic) -> bool:
    """Whether --fix would fix it: a safe fix, in a text or Markdown report (a document's
    findings carry their origin, and --fix leaves documents alone)."""
    return d.fix is not None and d.fix.applicability == "safe" and d.origin is None


def place(d: Diagnostic) -> str:
    """Where a finding of a document is in the original, in Chinese (第3页第12行, 表2第3行第4列,
    第5段, 第120行第7列); "" for text and Markdown (their line and column are the original's).
    The text format shows it on a line of its own under the finding, so that its first line
    stays `path:line:column: …` for editors and problem matchers; one-line formats add it
    after the message as （原文…）."""
    return d.origin.describe() if d.origin is not None else ""


def with_place(d: Diagnostic) -> str:
    """The message, and for a document its place in the original: `…（原文第3页第12行）`."""
    where = place(d)
    return f"{d.message}（原文{where}）" if where else d.message


def format_concise(diags: list[Diagnostic]) -> str:
    return "\n".join(
        f"{printable(d.path)}:{d.span.line}:{d.span.column}: {SEVERITY_CN[d.severity]} {d.rule} {printable(with_place(d))}"
        for d in capped_diagnostics(diags)
    )


def format_json(diags: list[Diagnostic]) -> str:
    return format_json_items([d.to_json() for d in capped_diagnostics(diags)], capped=True)


def _json_key(item: str) -> tuple[str, str]:
    """(the JSON up to the path, the rule) of a finding's JSON text (Diagnostic.to_json: its
    path comes first, then "line"; a quote inside the path is escaped, so neither key
    can be met inside it)."""
    head = item[: item.index('"line": ')]
    at = item.index('"rule": "', len(head)) + 9
    return head, item[at : item.index('"', at)]


def _capped_items(items: list[str], limit: int = MAX_PER_RULE) -> list[str]:
    if len(items) <= limit:
        return items
    keys = [_json_key(item) for item in items]
    counts = Counter(keys)
    if max(counts.values()) <= limit:
        return items
    out: list[str] = []
    seen: Counter = Counter()
    for item, key in zip(items, keys):
        seen[key] += 1
        k = seen[key]
        if k <= limit:
            out.append(item)
        elif k == limit + 1:
            out.append(omitted_note(Diagnostic.from_json(item), counts[key] - limit).to_json())
    return out


def format_json_items(items: list[str], capped: bool = False) -> str:
    """A JSON array with one finding per line: readable, and fast (json.dumps with indent=
    falls back to the pure-Python encoder, ten times slower on a folder of reports).
    At most MAX_PER_RULE findings of a rule in a file (unless `capped` already)."""
    if not items:
        return "[]"
    if not capped:
        items = _capped_items(items)
    return json_safe("[\n  " + ",\n  ".join(items) + "\n]")


def summary(diags: list[Diagnostic], files: int) -> str:
    if not diags:
        return f"检查了 {files} 个文件，没有发现问题。"
    sev = Counter(d.severity for d in diags)
    parts = [f"{SEVERITY_CN[k]} {sev[k]}" for k in ("error", "warning", "info") if sev[k]]
    with_findings = len({d.path for d in diags})
    fixable = sum(1 for d in diags if _fixable(d))
    text = f"检查了 {files} 个文件，发现 {len(diags)} 个问题（{'、'.join(parts)}），涉及 {with_findings} 个文件。"
    if fixable:
        text += f"其中 {fixable} 个可用 --fix 自动修复。"
    return text


def statistics(diags: list[Diagnostic]) -> str:
    counts = Counter((d.rule, d.name, d.severity) for d in diags)
    rows = sorted(counts.items(), key=lambda x: (-x[1], x[0][0]))
    return "\n".join(f"{n:>5}  {rule:<6} {SEVERITY_CN[sev]}  {name}" for (rule, name, sev), n in rows)
