"""Keeps user rule packs from hanging the linter (catastrophic patterns refused) and finds the literal every match holds, so texts without it are skipped; costs a parse of each rule regex at load.

Checking the regular expressions that rule files bring (they come from users too, and from
repositories someone else made). Patterns that can backtrack without bound are refused
statically when the rule loads: repeats nested in repeats (exponential: `(a+)+`) and
unbounded repeats in a row that can match the same text (polynomial: `.*.*`,
`[^。]*[^。]*`). A single unbounded repeat stays allowed; over one very long line it is
still quadratic, so a rule pack's patterns are compiled with the `regex` module, whose
searches keep to the rule's deadline in any thread (support/budget.py)."""

from __future__ import annotations

import os
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


# -- adjacent unbounded repeats (polynomial backtracking) --------------------------------------
#
# Two unbounded repeats one after the other that can match the same characters (`.*.*`,
# `[^。]*[^。]*`, `\d+\s*\d+`) can share a run of text in as many ways as it is long: when
# what follows fails, the engine tries every split, O(n²) per starting point for two of
# them, O(n^k) for k. Five such repeats over a line of a few KB run for minutes. Between
# the two there may be anything that can match empty (`\s*`, `(?:…)?`, a lookaround, an
# anchor) or that can match text made of the shared characters only (`.*,.*`: the comma is
# both), so the check follows the "open" repeats through a sequence: each repeat still able
# to take characters where the next item starts, with the characters they could share.

_MAXREPEAT = sre_constants.MAXREPEAT
_CI = re.IGNORECASE
_ASCII_FLAG = re.ASCII
_DOTALL = re.DOTALL
_ANY_CHAR = 0x10FFFF
# representatives of the character categories (\d \s \w and their complements)
_SAMPLES = tuple(map(ord, "0 9٠０\t\n\r \u3000\x1caZz_é中。，!-~\x00\ue000")) + (_ANY_CHAR,)


class _Chars:
    """A set of characters, as the parser gives it: ("lit", c) ("not", c) ("any", dotall)
    ("in", items) ("union", [sets]), with flags (case-insensitive, ASCII)."""

    __slots__ = ("kind", "value", "icase", "ascii")

    def __init__(self, kind: str, value, icase: bool = False, ascii_: bool = False):
        self.kind, self.value, self.icase, self.ascii = kind, value, icase, ascii_

    def points(self) -> set[int]:
        """Characters at which membership may change (enough to decide an intersection)."""
        out: set[int] = set()
        k, v = self.kind, self.value
        if k in ("lit", "not"):
            out.update((v - 1, v, v + 1))
        elif k == "any":
            out.update((9, 10, 11))
        elif k == "in":
            for op, av in v:
                if op == sre_constants.LITERAL:
                    out.update((av - 1, av, av + 1))
                elif op == sre_constants.RANGE:
                    out.update((av[0] - 1, av[0], av[1], av[1] + 1))
        elif k == "union":
            for x in v:
                out |= x.points()
        if self.icase:  # the other cases of each (their first character: "ß".upper() is "SS")
            for c in [c for c in out if 0 <= c <= _ANY_CHAR]:
                out.update(ord(x[0]) for x in (chr(c).lower(), chr(c).upper()) if x)
        return out

    def has(self, c: int) -> bool:
        if not self.icase:
            return self._has(c)
        ch = chr(c)
        return any(self._has(ord(x[0])) for x in {ch, ch.lower(), ch.upper()} if x)

    def _has(self, c: int) -> bool:
        k, v = self.kind, self.value
        if k == "lit":
            return c == v
        if k == "not":
            return c != v
        if k == "any":
            return v or c != 10
        if k == "union":
            return any(x.has(c) for x in v)
        negate = False
        hit = False
        for op, av in v:
            if op == sre_constants.NEGATE:
                negate = True
            elif op == sre_constants.LITERAL:
                hit = hit or c == av
            elif op == sre_constants.RANGE:
                hit = hit or av[0] <= c <= av[1]
            elif op == sre_constants.CATEGORY:
                hit = hit or _in_category(av, c, self.ascii)
        return hit != negate


def _in_category(cat, c: int, ascii_: bool) -> bool:
    """Whether character `c` is in a class category (\\d \\s \\w, their complements)."""
    ch = chr(c)
    name = str(cat)
    if ascii_ and c > 127:  # (?a): only ASCII characters are digits, spaces or word characters
        return "NOT" in name
    if "DIGIT" in name:
        v = ch.isdecimal()
    elif "SPACE" in name:
        v = ch.isspace()
    elif "WORD" in name:
        v = ch.isalnum() or ch == "_"
    elif "LINEBREAK" in name:
        v = ch == "\n"
    else:  # pragma: no cover - a category the parser does not produce
        v = True
    return not v if "NOT" in name else v


def _share(sets) -> bool:
    """Whether some character is in all of `sets`."""
    points: set[int] = set(_SAMPLES)
    for x in sets:
        points |= x.points()
    return any(all(x.has(c) for x in sets) for c in points if 0 <= c <= _ANY_CHAR)


def _overlap(a: tuple, b: tuple) -> bool:
    """Whether two open repeats (core sets, sets of the items between it and the point) can
    share text: a character in both cores, and every item between them able to match one."""
    core = a[0] + b[0]
    return _share(core) and all(_share((*core, x)) for x in (*a[1], *b[1]))


def _narrow(open_: list, x) -> list:
    """The open repeats that stay open past an item matching a character of `x`."""
    return [(core, (*between, x)) for core, between in open_ if _share((*core, x))]


class _Seq:
    """What a sub-pattern offers its neighbours: whether it can match empty, the unbounded
    repeats that can start it (`heads`) and end it (`tails`) — each as the sets of characters
    it may share (the repeat's own, narrowed by what lies between it and the edge) — and
    every character it can match (`chars`, None when it may be anything, as a back-reference)."""

    __slots__ = ("nullable", "heads", "tails", "chars")

    def __init__(self, nullable: bool, heads: list, tails: list, chars):
        self.nullable, self.heads, self.tails, self.chars = nullable, heads, tails, chars


class _Polynomial(Exception):
    pass


def adjacent_repeats(pattern: str) -> bool:
    """True for a pattern with two unbounded repeats in a row that can match the same text
    (see above): it backtracks polynomially, and such patterns are refused when a rule loads."""
    parsed = sre_parse.parse(pattern)
    flags = parsed.state.flags

    def chars_of(op, av, icase: bool, asc: bool) -> _Chars | None:
        if op == sre_constants.LITERAL:
            return _Chars("lit", av, icase, asc)
        if op == sre_constants.NOT_LITERAL:
            return _Chars("not", av, icase, asc)
        if op == sre_constants.ANY:
            return _Chars("any", bool(flags & _DOTALL), icase, asc)
        if op == sre_constants.IN:
            return _Chars("in", av, icase, asc)
        return None

    def union(parts):
        if any(x is None for x in parts):
            return None
        return _Chars("union", list(parts))

    def seq(items, icase: bool, asc: bool) -> _Seq:
        open_: list[tuple] = []  # (core, between) of the repeats that reach this point
        heads: list[tuple] = []
        before: tuple | None = ()  # the sets of the items consumed so far (None: a barrier)
        nullable = True
        chars = []
        for op, av in items:
            it = item(op, av, icase, asc)
            for h in it.heads:
                for t in open_:
                    if _overlap(h, t):
                        raise _Polynomial
            if before is not None:
                heads.extend((core, (*between, *before)) for core, between in it.heads)
            if it.nullable:
                open_ = open_ + it.tails
            else:
                narrowed = open_ if it.chars is None else _narrow(open_, it.chars)
                open_ = narrowed + it.tails
                if before is not None:
                    before = None if it.chars is None else (*before, it.chars)
                nullable = False
            chars.append(it.chars)
            if len(open_) > 64:  # (a hostile pattern of thousands of repeats: bounded work)
                open_ = open_[-64:]
        return _Seq(nullable, heads, open_, union(chars) if chars else _Chars("in", []))

    def item(op, av, icase: bool, asc: bool) -> _Seq:
        c = chars_of(op, av, icase, asc)
        if c is not None:
            return _Seq(False, [], [], c)
        if op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT) or op in _POSSESSIVE:
            lo, hi, sub = av
            body = seq(sub, icase, asc)
            nullable = lo == 0 or body.nullable
            if hi == _MAXREPEAT and body.chars is not None:
                own = [((body.chars,), ())]
                tails = [] if op in _POSSESSIVE else own  # a possessive repeat gives nothing back
                return _Seq(nullable, own, tails, body.chars)
            return _Seq(nullable, body.heads, [] if op in _POSSESSIVE else body.tails, body.chars)
        if op == sre_constants.SUBPATTERN:
            _, add, remove, sub = av
            ic = (icase or bool(add & _CI)) and not remove & _CI
            return seq(sub, ic, asc or bool(add & _ASCII_FLAG))
        if _ATOMIC is not None and op == _ATOMIC:
            inner = seq(av, icase, asc)
            return _Seq(inner.nullable, inner.heads, [], inner.chars)  # gives nothing back
        if op == sre_constants.BRANCH:
            alts = [seq(alt, icase, asc) for alt in av[1]]
            return _Seq(
                any(a.nullable for a in alts),
                [h for a in alts for h in a.heads],
                [t for a in alts for t in a.tails],
                union([a.chars for a in alts]),
            )
        if op == sre_constants.GROUPREF_EXISTS:
            _, yes, no = av
            alts = [seq(yes, icase, asc), seq(no or [], icase, asc)]
            return _Seq(any(a.nullable for a in alts), [h for a in alts for h in a.heads], [t for a in alts for t in a.tails], union([a.chars for a in alts]))
        if op in (sre_constants.ASSERT, sre_constants.ASSERT_NOT):
            seq(av[1], icase, asc)  # (checked on its own; matches nothing)
            return _Seq(True, [], [], _Chars("in", []))
        if op == sre_constants.AT:
            return _Seq(True, [], [], _Chars("in", []))
        # a back-reference, or anything else: may match any text, starts and ends no repeat
        return _Seq(False, [], [], None)

    try:
        seq(parsed, bool(flags & _CI), bool(flags & _ASCII_FLAG))
    except _Polynomial:
        return True
    return False


_POSSESSIVE = tuple(getattr(sre_constants, n) for n in ("POSSESSIVE_REPEAT",) if hasattr(sre_constants, n))

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


def compile_checked(pattern: str, untrusted: bool = False):
    """Compile a rule's regex, refusing invalid ones and ones that can backtrack without bound.
    `untrusted` (a rule pack's, not the built-in rules'): compiled by the `regex` module into a
    BudgetedPattern, whose searches the running rule's deadline stops (Python's re has no
    time limit)."""
    try:
        compiled = re.compile(pattern)
        bad = catastrophic(pattern)
        polynomial = not bad and adjacent_repeats(pattern)
    except re.error as exc:
        raise RegexError(f"正则表达式无效：{exc}") from None
    except RecursionError:
        raise RegexError("正则表达式嵌套过深，已拒绝") from None
    if bad:
        raise RegexError("正则表达式含嵌套的无界重复（如 (a+)+），可能导致灾难性回溯，已拒绝")
    if polynomial:
        raise RegexError(
            "正则表达式含前后相接、能匹配相同字符的无界重复（如 .*.* 或 [^。]*[^。]*），"
            "回溯次数随文本长度成倍增长，已拒绝（可改用有上限的重复，如 [^。]{0,50}）"
        )
    return _budgeted(compiled.pattern, compiled.flags) if untrusted else compiled


def with_flags(rx, flags: int):
    """`rx` compiled again with `flags` added, by the same engine (a rule pack's pattern stays
    a BudgetedPattern)."""
    if isinstance(rx, re.Pattern):
        return re.compile(rx.pattern, rx.flags | flags) if flags else rx
    return _budgeted(rx.pattern, rx.flags | flags)


def _budgeted(pattern: str, flags: int):
    import regex  # (only for rule packs: the start-up of a run without them never pays it)

    from .budget import BudgetedPattern

    # version 0: the `re` module's syntax and behaviour; re's flags have regex's values
    return BudgetedPattern(regex.compile(pattern, (flags & ~regex.VERSION1) | regex.VERSION0))
