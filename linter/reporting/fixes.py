"""Applying fixes to a report's text.

Edits address the normalised text (LF line ends) by 1-based line and code-point column,
like every position in the model. Overlapping edits are not applied together: the first one
(in document order) wins and the rest wait for the next pass, as in Ruff.
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
    starts = _offsets(text)
    edits: list[tuple[int, int, str]] = []
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
    for a, b, new in sorted(edits, key=lambda x: (x[0], x[1]), reverse=True):
        text = text[:a] + new + text[b:]
    return text


def fix_text(text: str, fixes_of, unsafe: bool = False, max_passes: int = 10) -> str:
    """Apply fixes until none applies: `fixes_of(text)` lints and returns the fixes."""
    for _ in range(max_passes):
        fixes = [f for f in fixes_of(text) if f is not None and (unsafe or f.applicability == "safe")]
        if not fixes:
            break
        new = apply_fixes(text, fixes, unsafe)
        if new == text:
            break
        text = new
    return text


__all__ = ["Edit", "Fix", "apply_fixes", "fix_text"]
