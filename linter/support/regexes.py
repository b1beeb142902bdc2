"""Keeps user rule packs from hanging the linter (catastrophic patterns refused) and finds the literal every match holds, so texts without it are skipped; costs a parse of each rule regex at load.

Checking the regular expressions that rule files bring (they come from users too, and from
repositories someone else made). Patterns that can backtrack without bound are refused
statically when the rule loads: repeats nested in repeats (exponential: `(a+)+`) and
unbounded repeats in a row that can match the same text (polynomial: `.*.*`,
`[^。]*[^。]*`). A single unbounded repeat stays allowed; over one very long line it is
still quadratic, so a rule pack's patterns are compiled with the `regex` module, whose
searches keep to the rule's deadline in any thread (support/budget.py). The patterns are
read by our own parser (support/regex_syntax.py), not by re's private one."""

from __future__ import annotations

import re

from . import regex_syntax as rs


class RegexError(ValueError):
    pass


def _parse(pattern: str, flags: int = 0) -> rs.Regex:
    return rs.parse(pattern, flags)  # (our own parser: re's is private and changes between versions)


def catastrophic(pattern: str) -> bool:
    """True for a pattern with a repeat inside a repeat (`(a+)+`, `(\\w*)*`): it can backtrack
    exponentially. Such patterns are refused when a rule loads."""

    def first_chars(items) -> set | None:
        """Characters a sub-pattern can start with (None: any, or unknown)."""
        for x in items:
            t = type(x)
            if t is rs.Literal:
                return {ord(x.char)}
            if t is rs.CharClass:
                if x.negated:
                    return None
                out = set()
                for y in x.items:
                    if type(y) is rs.Literal:
                        out.add(ord(y.char))
                    elif type(y) is rs.Range and ord(y.hi) - ord(y.lo) < 512:
                        out.update(range(ord(y.lo), ord(y.hi) + 1))
                    else:
                        return None
                return out
            if t is rs.Group:
                return first_chars(rs.items(x.body))
            if t is rs.Anchor:
                continue
            return None
        return None

    def overlapping(branches) -> bool:
        seen: set = set()
        for alt in branches:
            f = first_chars(rs.items(alt))
            if f is None or f & seen:
                return True
            seen |= f
        return False

    def walk(items, inside_repeat: bool) -> bool:
        for x in items:
            t = type(x)
            if t is rs.Repeat:
                if x.mode == rs.POSSESSIVE:
                    continue  # (gives nothing back: not looked into)
                repeats = x.max is None or x.max > 1
                if inside_repeat and repeats:
                    return True  # a repeat inside a repeat, bounded or not: (a{1,50}){1,50}
                if walk(rs.items(x.body), inside_repeat or repeats):
                    return True
            elif t is rs.Group:
                if walk(rs.items(x.body), inside_repeat):
                    return True
            elif t is rs.Alternation:
                if inside_repeat and overlapping(x.branches):
                    return True  # (a|a)+: alternatives that can match the same text, repeated
                for alt in x.branches:
                    if walk(rs.items(alt), inside_repeat):
                        return True
            elif t is rs.Lookaround:
                if walk(rs.items(x.body), inside_repeat):
                    return True
        return False

    return walk(rs.items(_parse(pattern).body), False)


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

_CI = re.IGNORECASE
_ASCII_FLAG = re.ASCII
_DOTALL = re.DOTALL
_ANY_CHAR = 0x10FFFF
# representatives of the character categories (\d \s \w and their complements)
_SAMPLES = tuple(map(ord, "0 9٠０\t\n\r \u3000\x1caZz_é中。，!-~\x00\ue000")) + (_ANY_CHAR,)
_NOTHING = (False, ())  # the "in" value of a set of no character


class _Chars:
    """A set of characters, as the parser gives it: ("lit", c) ("not", c) ("any", dotall)
    ("in", (negated, class items)) ("union", [sets]), with flags (case-insensitive, ASCII)."""

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
            for y in v[1]:
                if type(y) is rs.Literal:
                    c = ord(y.char)
                    out.update((c - 1, c, c + 1))
                elif type(y) is rs.Range:
                    lo, hi = ord(y.lo), ord(y.hi)
                    out.update((lo - 1, lo, hi, hi + 1))
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
        negate, members = v
        hit = False
        for y in members:
            t = type(y)
            if t is rs.Literal:
                hit = hit or c == ord(y.char)
            elif t is rs.Range:
                hit = hit or ord(y.lo) <= c <= ord(y.hi)
            elif t is rs.Category:
                hit = hit or _in_category(y.kind, c, self.ascii)
        return hit != negate


def _in_category(kind: str, c: int, ascii_: bool) -> bool:
    """Whether character `c` is in a class category (\\d \\s \\w, their complements: "d" "D" …)."""
    ch = chr(c)
    negated = kind.isupper()
    if ascii_ and c > 127:  # (?a): only ASCII characters are digits, spaces or word characters
        return negated
    k = kind.lower()
    if k == "d":
        v = ch.isdecimal()
    elif k == "s":
        v = ch.isspace()
    else:
        v = ch.isalnum() or ch == "_"
    return not v if negated else v


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
    parsed = _parse(pattern)
    flags = parsed.flags

    def chars_of(x, icase: bool, asc: bool) -> _Chars | None:
        t = type(x)
        if t is rs.Literal:
            return _Chars("lit", ord(x.char), icase, asc)
        if t is rs.NotLiteral:
            return _Chars("not", ord(x.char), icase, asc)
        if t is rs.Any:  # (the pattern's DOTALL, not a group's: as before)
            return _Chars("any", bool(flags & _DOTALL), icase, asc)
        if t is rs.CharClass:
            return _Chars("in", (x.negated, x.items), icase, asc)
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
        for x in items:
            it = item(x, icase, asc)
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
        return _Seq(nullable, heads, open_, union(chars) if chars else _Chars("in", _NOTHING))

    def alternatives(alts, icase: bool, asc: bool) -> _Seq:
        return _Seq(
            any(a.nullable for a in alts),
            [h for a in alts for h in a.heads],
            [t for a in alts for t in a.tails],
            union([a.chars for a in alts]),
        )

    def item(x, icase: bool, asc: bool) -> _Seq:
        c = chars_of(x, icase, asc)
        if c is not None:
            return _Seq(False, [], [], c)
        t = type(x)
        if t is rs.Repeat:
            possessive = x.mode == rs.POSSESSIVE  # a possessive repeat gives nothing back
            body = seq(rs.items(x.body), icase, asc)
            nullable = x.min == 0 or body.nullable
            if x.max is None and body.chars is not None:
                own = [((body.chars,), ())]
                return _Seq(nullable, own, [] if possessive else own, body.chars)
            return _Seq(nullable, body.heads, [] if possessive else body.tails, body.chars)
        if t is rs.Group:
            add, remove = x.add_flags, x.remove_flags
            ic = (icase or bool(add & _CI)) and not remove & _CI
            return seq(rs.items(x.body), ic, asc or bool(add & _ASCII_FLAG))
        if t is rs.Atomic:
            inner = seq(rs.items(x.body), icase, asc)
            return _Seq(inner.nullable, inner.heads, [], inner.chars)  # gives nothing back
        if t is rs.Alternation:
            return alternatives([seq(rs.items(alt), icase, asc) for alt in x.branches], icase, asc)
        if t is rs.Conditional:
            no = rs.items(x.no) if x.no is not None else ()
            return alternatives([seq(rs.items(x.yes), icase, asc), seq(no, icase, asc)], icase, asc)
        if t is rs.Lookaround:
            seq(rs.items(x.body), icase, asc)  # (checked on its own; matches nothing)
            return _Seq(True, [], [], _Chars("in", _NOTHING))
        if t is rs.Anchor:
            return _Seq(True, [], [], _Chars("in", _NOTHING))
        # a back-reference: may match any text, starts and ends no repeat
        return _Seq(False, [], [], None)

    try:
        seq(rs.items(parsed.body), bool(flags & _CI), bool(flags & _ASCII_FLAG))
    except _Polynomial:
        return True
    return False


def required_literal(rx: re.Pattern) -> str:
    """The longest piece of plain text that every match of `rx` contains ("" if none is
    known). A text without it cannot match, and `str.__contains__` rules that out far faster
    than the regex engine can (which tries the pattern at every character). `rx` may be a
    BudgetedPattern too (its flags hold the `regex` module's bits, which are ignored)."""
    if not isinstance(rx.pattern, str) or rx.flags & re.IGNORECASE:
        return ""
    try:
        parsed = _parse(rx.pattern, rx.flags)
    except rs.RegexSyntaxError:  # (valid for `regex`, not for `re`: promise nothing)
        return ""
    best = ""

    def walk(items) -> None:
        nonlocal best
        run: list[str] = []
        for x in (*items, None):  # (None: the end, closing the last run)
            t = type(x)
            if t is rs.Literal:
                run.append(x.char)
                continue
            if len(run) > len(best):
                best = "".join(run)
            run = []
            if t is rs.Group:
                if not x.add_flags & re.IGNORECASE:  # (?i:…) matches other cases of its letters
                    walk(rs.items(x.body))
            elif t is rs.Atomic:  # (?>…), Python 3.11+
                walk(rs.items(x.body))
            elif t is rs.Repeat and x.min >= 1:
                walk(rs.items(x.body))
            # anything else (alternatives, optional parts, lookarounds, classes) promises nothing

    walk(rs.items(parsed.body))
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
    except rs.RegexSyntaxError as exc:  # (re accepts it, our parser does not: unchecked, so refused)
        raise RegexError(f"正则表达式无法做安全检查（{exc}），已拒绝") from None
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
