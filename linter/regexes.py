"""Checking the regular expressions that rule files bring (they come from users too)."""

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

    def walk(items, inside_repeat: bool) -> bool:
        for op, av in items:
            if op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT):
                lo, hi, sub = av
                unbounded = hi == sre_constants.MAXREPEAT or hi > 50
                if inside_repeat and unbounded:
                    return True
                if walk(sub, inside_repeat or unbounded):
                    return True
            elif op == sre_constants.SUBPATTERN:
                if walk(av[-1], inside_repeat):
                    return True
            elif op == sre_constants.BRANCH:
                for alt in av[1]:
                    if walk(alt, inside_repeat):
                        return True
            elif op in (sre_constants.ASSERT, sre_constants.ASSERT_NOT):
                if walk(av[1], inside_repeat):
                    return True
        return False

    return walk(sre_parse.parse(pattern), False)




def compile_checked(pattern: str) -> re.Pattern:
    """Compile a rule's regex, refusing invalid ones and ones that can backtrack exponentially
    (Python's re has no time limit, so a bad pattern must never reach a report)."""
    try:
        compiled = re.compile(pattern)
    except re.error as exc:
        raise RegexError(f"正则表达式无效:{exc}") from None
    if catastrophic(pattern):
        raise RegexError("正则表达式含嵌套的无界重复(如 (a+)+),可能导致灾难性回溯,已拒绝")
    return compiled
