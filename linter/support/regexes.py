"""Keeps user rule packs from hanging the linter (catastrophic patterns refused) and finds the literal every match holds, so texts without it are skipped; costs a parse of each rule regex at load.

Checking the regular expressions that rule files bring (they come from users too)."""

from __future__ import annotations

import re

try:  # Python 3.11+: the regex parser moved (sre_parse is deprecated)
    from re import _constants as sre_constants, _parser as sre_parse
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants  # type: ignore[no-redef]
    import sre_parse  # type: ignore[no-redef]


class RegexError(ValueError):
    pass


def catastrophic(pattern: str) -> bool:
    """True for a pattern with a repeat inside a repeat (`(a+)+`, `(\\w*)*`): it can backtrack
    exponentially. Such patterns are refused when a rule loads."""

    def first_chars(items) -> set | None:
        """Characters a sub-pattern can start with (None: any, or unknown)."""
        for op, av in items:
            if op == sre_constants.LITERAL:
                return {av}
            if op == sre_constants.IN:
                out = set()
                for o, a in av:
                    if o == sre_constants.LITERAL:
                        out.add(a)
                    elif o == sre_constants.RANGE and a[1] - a[0] < 512:
                        out.update(range(a[0], a[1] + 1))
                    else:
                        return None
                return out
            if op == sre_constants.SUBPATTERN:
                return first_chars(av[-1])
            if op in (sre_constants.AT,):
                continue
            return None
        return None

    def overlapping(branches) -> bool:
        seen: set = set()
        for alt in branches:
            f = first_chars(alt)
            if f is None or f & seen:
                return True
            seen |= f
        return False

    def walk(items, inside_repeat: bool) -> bool:
        for op, av in items:
            if op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT):
                lo, hi, sub = av
                repeats = hi == sre_constants.MAXREPEAT or hi > 1
                if inside_repeat and repeats:
                    return True  # a repeat inside a repeat, bounded or not: (a{1,50}){1,50}
                if walk(sub, inside_repeat or repeats):
                    return True
            elif op == sre_constants.SUBPATTERN:
                if walk(av[-1], inside_repeat):
                    return True
            elif op == sre_constants.BRANCH:
                if inside_repeat and overlapping(av[1]):
                    return True  # (a|a)+: alternatives that can match the same text, repeated
                for alt in av[1]:
                    if walk(alt, inside_repeat):
                        return True
            elif op in (sre_constants.ASSERT, sre_constants.ASSERT_NOT):
                if walk(av[1], inside_repeat):
                    return True
        return False

    return walk(sre_parse.parse(pattern), False)


_REPEATS = tuple(
    getattr(sre_constants, name) for name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT") if hasattr(sre_constants, name)
)
_ATOMIC = getattr(sre_constants, "ATOMIC_GROUP", None)


def required_literal(rx: re.Pattern) -> str:
    """The longest piece of plain text that every match of `rx` contains ("" if none is
    known). A text without it cannot match, and `str.__contains__` rules that out far faster
    than the regex engine can (which tries the pattern at every character)."""
    if not isinstance(rx.pattern, str) or rx.flags & re.IGNORECASE:
        return ""
    best = ""

    def walk(items) -> None:
        nonlocal best
        run: list[str] = []
        for op, av in [*items, (None, None)]:  # (None: the end, closing the last run)
            if op == sre_constants.LITERAL:
                run.append(chr(av))
                continue
            if len(run) > len(best):
                best = "".join(run)
            run = []
            if op == sre_constants.SUBPATTERN:
                if not av[1] & re.IGNORECASE:  # (?i:…) matches other cases of its letters
                    walk(av[-1])
            elif _ATOMIC is not None and op == _ATOMIC:  # (?>…), Python 3.11+
                walk(av)
            elif op in _REPEATS and av[0] >= 1:
                walk(av[2])
            # anything else (alternatives, optional parts, lookarounds, classes) promises nothing

    walk(sre_parse.parse(rx.pattern, rx.flags))
    return best


def compile_checked(pattern: str) -> re.Pattern:
    """Compile a rule's regex, refusing invalid ones and ones that can backtrack exponentially
    (Python's re has no time limit, so a bad pattern must never reach a report)."""
    try:
        compiled = re.compile(pattern)
    except re.error as exc:
        raise RegexError(f"正则表达式无效：{exc}") from None
    if catastrophic(pattern):
        raise RegexError("正则表达式含嵌套的无界重复（如 (a+)+），可能导致灾难性回溯，已拒绝")
    return compiled
