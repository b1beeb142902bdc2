"""Applying fixes to a report's text.

Edits address the normalised text (LF line ends) by 1-based line and code-point column,
like every position in the model. Overlapping edits are not applied together: the first one
(in document order) wins and the rest wait for the next pass, as in Ruff.

Passes go on until no fix applies, not for a fixed number: a rule reports at most `limit`
findings per document (50 by default), so 600 half-width commas take 12 passes — with a cap
of 10 passes a run left 100 of them for a second `--fix`.
"""

from __future__ import annotations

from ..model.diagnostic import Edit, Fix


def _offsets(text: str) -> list[int]:
    starts = [0]
    for i, ch in enumerate(text):
        if ch == "\n":
            starts.append(i + 1)
    return starts


def _offset(starts: list[int], text: str, line: int, column: int) -> int:
    if line > len(starts):
        return len(text)
    base = starts[line - 1]
    line_end = starts[line] - 1 if line < len(starts) else len(text)
    return min(base + column - 1, line_end)


def apply_fixes(text: str, fixes: list[Fix], unsafe: bool = False) -> str:
    """`text` with the applicable fixes applied (one pass)."""
    return _apply(text, fixes, unsafe)[0]


def _apply(text: str, fixes: list[Fix], unsafe: bool) -> tuple[str, int]:
    """(`text` with the applicable fixes applied, how many fixes were applied)."""
    starts = _offsets(text)
    edits: list[tuple[int, int, str]] = []
    applied = 0
    for fix in fixes:
        if fix is None or (fix.applicability != "safe" and not unsafe):
            continue
        spans = []
        for e in fix.edits:
            a = _offset(starts, text, e.span.line, e.span.column)
            b = _offset(starts, text, e.span.end_line, e.span.end_column)
            spans.append((a, b, e.new_text))
        # all edits of one fix go in together, or not at all
        if any(not (b2 <= a or b <= a2) or (a == b == a2 == b2) for a, b, _ in spans for a2, b2, _ in edits):
            continue
        edits.extend(spans)
        applied += 1
    for a, b, new in sorted(edits, key=lambda x: (x[0], x[1]), reverse=True):
        text = text[:a] + new + text[b:]
    return text, applied


def fix_text(text: str, fixes_of, unsafe: bool = False, max_passes: int | None = None, applied: list[int] | None = None) -> str:
    """Apply fixes until none applies: `fixes_of(text)` lints and returns the fixes.

    Every pass applies at least one fix, so a report converges in about (its fixable
    findings / a rule's per-document limit) passes. Stops also, rather than loop for ever, on
    a text seen before (fixes that undo each other) or one grown far beyond the original (a
    fix that keeps inserting), or after `max_passes` (default: a bound no report reaches).
    `applied`, if given, gets the number of fixes applied in each pass."""
    if max_passes is None:
        max_passes = 100 + len(text)
    import hashlib

    def key(t: str) -> bytes:  # (a digest, not hash(): a collision would stop a run early)
        return hashlib.blake2b(t.encode("utf-8", "surrogatepass"), digest_size=16).digest()

    grown = 2 * len(text) + 10_000
    seen = {key(text)}
    for _ in range(max_passes):
        fixes = [f for f in fixes_of(text) if f is not None and (unsafe or f.applicability == "safe")]
        if not fixes:
            break
        new, n = _apply(text, fixes, unsafe)
        if new == text:
            break
        text = new
        if applied is not None:
            applied.append(n)
        k = key(text)
        if k in seen or len(text) > grown:
            break
        seen.add(k)
    return text


__all__ = ["Edit", "Fix", "apply_fixes", "fix_text"]
