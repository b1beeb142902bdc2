"""Reading cell values, and splitting digits that a crawler ran together.

A crawl may print a row as `一、本年新收政府信息公开申请数量230 000023`: the seven cells 23, 0, 0,
0, 0, 0, 23 with no separator. Such digits are split only where exactly one split is possible:
every cell a number without leading zeros (a lone 0 is fine), signs only in signed columns,
decimals only in money columns, a space always a boundary, and the table's own arithmetic
(a 总计 equal to the sum of its parts) where the template has it. Otherwise the row is left
unsplit and the model says so; we never guess.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence  # (not typing: start-up time)
from functools import lru_cache
from ..support.record import Record

_INT = re.compile(r"^(?:0|[1-9]\d*)$")
_SIGNED = re.compile(r"^-?(?:0|[1-9]\d*)$")
_DECIMAL = re.compile(r"^(?:0|[1-9]\d*)(?:\.\d+)?(?:万元|元|万)?$")
# (a count with its unit, `3件`, `12项`: some tables write them; the unit is not a note)
_LOOSE_NUMBER = re.compile(r"^[-+]?\d[\d,]*(?:\.\d+)?(?:万元|元|万|%|件|项|个|条|次|起|家|人)?$")
_COUNT_UNITS = ("件", "项", "个", "条", "次", "起", "家", "人")

# A row's digits longer than this per expected cell are not worth trying to split.
_MAX_DIGITS_PER_CELL = 16
_MAX_SOLUTIONS = 64


class ColumnKind(Record, frozen=True):
    decimal: bool = False
    signed: bool = False

    def accepts(self, text: str) -> bool:
        if text.isdigit() and text.isascii():  # the usual piece: every kind takes it unless 0-led
            return text[0] != "0" or len(text) == 1
        if self.decimal:
            return bool(_DECIMAL.match(text))
        if self.signed:
            return bool(_SIGNED.match(text))
        return bool(_INT.match(text))


@lru_cache(maxsize=8192)
def is_number_token(text: str) -> bool:
    # the marks written for "no number" (parse_value reads them as status "slash")
    return text in ("/", "／", "—", "－", "无") or bool(_LOOSE_NUMBER.match(text))


def parse_value(text: str, kind: ColumnKind) -> tuple[float | int | None, str]:
    """(value, status) of one cell text. Status: ok | blank | slash | negative | decimal | text."""
    if text.isdigit() and text.isascii():
        return int(text), "ok"  # the usual cell, read so by _parse_value too (without its cache's call)
    return _parse_value(text, kind.decimal, kind.signed)


@lru_cache(maxsize=8192)
def _parse_value(text: str, decimal: bool, signed: bool) -> tuple[float | int | None, str]:
    # (cached, keyed by plain values: tables are mostly the same few numbers)
    t = text.strip()
    if not t:
        return None, "blank"
    if t in ("/", "／", "-", "—", "－", "无"):
        return None, "slash"
    for u in ("万元", "元", "万", "%", *_COUNT_UNITS):
        if t.endswith(u) and len(t) > len(u):
            t = t[: -len(u)]
            break
    t = t.replace(",", "")
    try:
        if "." in t:
            v: float | int = float(t)
            if not decimal:
                return v, "decimal"
        else:
            v = int(t)
    except ValueError:
        return None, "text"
    if v < 0 and not signed:
        return v, "negative"
    return v, "ok"


def needs_split(tokens: Sequence[str], ncols: int) -> bool:
    """True when the tokens cannot be read one per cell but could hide several cells."""
    if len(tokens) >= ncols:
        return False
    return any(len(t.lstrip("-")) > 1 and t[0] not in "/" for t in tokens)


# Cutting a long run of digits can be done in very many ways (30 digits into 15 cells: ~10^8);
# past this many steps of the search the row is called inseparable rather than searched on.
_MAX_STEPS = 10_000


class _Exhausted(Exception):
    pass


def split_candidates(
    tokens: Sequence[str],
    kinds: Sequence[ColumnKind],
    check: Callable[[list], bool] | None = None,
    limit: int = _MAX_SOLUTIONS,
) -> list[list[tuple[int, int, int]]]:
    """Ways to cut `tokens` into len(kinds) cells; each cell is (token index, start, end).

    Only splits whose cells are all well-formed are returned, and, when `check` is given, only
    those whose values pass it. At most `limit` are returned (in no particular order); none
    when the search would take too long to say (see _MAX_STEPS).

    A check made by sum_check is applied to each of its groups as soon as the group's cells
    are cut, so a wrong group is not cut further; and when the whole row is one sum whose
    total is its last cell (table 三's 总计), each tail of the row is tried as that total
    first, so that the other cells are cut knowing the sum they must reach.
    """
    ncols = len(kinds)
    digits = sum(len(t) for t in tokens)
    if not tokens or digits > ncols * _MAX_DIGITS_PER_CELL or len(tokens) > ncols:
        return []
    groups = list(getattr(check, "groups", None) or ())
    budget = [_MAX_STEPS]
    last = ncols - 1
    tail = next(
        (g for g in groups if g[1] == last and max(g[0]) < last and not any(kinds[i].signed for i in g[0])), None
    )
    if tail is not None and (len(groups) > 1 or set(tail[0]) != set(range(last))):
        # only a row that is one sum of all its cells (table 三): with other groups to cut
        # too (table 四), trying every tail would repeat their search once per tail
        tail = None
    try:
        if tail is None:
            return _cut(tokens, kinds, groups if check is not None and groups else None, check, None, limit, budget)
        others = [g for g in groups if g is not tail]
        out: list[list[tuple[int, int, int]]] = []
        ti, token = len(tokens) - 1, tokens[-1]
        for at in range(len(token) - 1, -1, -1):  # the total is token[at:], shortest first
            piece = token[at:]
            if not kinds[last].accepts(piece):
                continue
            head = [*tokens[:-1], token[:at]] if at else list(tokens[:-1])
            if not head:
                continue
            for found in _cut(head, kinds[:-1], others, None, (tail[0], _value(piece)), limit - len(out), budget):
                out.append([*found, (ti, at, len(token))])
            if len(out) >= limit:
                break
        return out
    except _Exhausted:
        return []


def _cut(tokens, kinds, groups, check, target, limit: int, budget: list[int]) -> list[list[tuple[int, int, int]]]:
    """The search of split_candidates: `groups` are sum groups checked as they are cut
    (None: `check`, if any, judges whole rows); `target` is (parts, total value) for a group
    whose total is already known; `budget` holds the steps left (shared between calls)."""
    ncols = len(kinds)
    # characters left from the start of each token to the end of the row
    after = [0] * (len(tokens) + 1)
    for i in range(len(tokens) - 1, -1, -1):
        after[i] = after[i + 1] + len(tokens[i])
    # the sum groups to check once cell `col` is cut (those whose last cell it is)
    due: list[list[tuple[Sequence[int], int]]] = [[] for _ in range(ncols)]
    for parts, total in groups or ():
        due[max(*parts, total)].append((parts, total))
    parts_of_target, goal = target if target is not None else ((), 0)
    in_target = [i in parts_of_target for i in range(ncols)]
    target_done = max(parts_of_target) if target is not None else -1
    track = bool(groups) or target is not None
    out: list[list[tuple[int, int, int]]] = []
    cur: list[tuple[int, int, int]] = []
    values: list = []  # the values of `cur`'s cells, while a sum needs them
    reached_sum = [0]  # the target group's parts cut so far, added up
    # (token, offset, cells so far) from which no cutting reaches the row's end: every path
    # into them stops there at once instead of trying all its continuations again
    dead: set[tuple[int, int, int]] = set()

    def walk(ti: int, start: int) -> bool:
        """Whether some cutting from here reaches the row's end (passing the sums or not)."""
        if len(out) >= limit:
            return True  # stopped early: nothing learnt
        col = len(cur)
        if ti == len(tokens):
            if col == ncols:
                if check is None or check([_value(tokens[a][b:c]) for a, b, c in cur]):
                    out.append(list(cur))
                return True
            return False
        state = (ti, start, col)
        if state in dead:
            return False
        budget[0] -= 1
        if budget[0] < 0:
            raise _Exhausted
        need = ncols - col
        left = after[ti] - start
        # every cell still needed takes at least one character, every token at least one cell
        if need < len(tokens) - ti or left < need:
            return False
        token = tokens[ti]
        kind = kinds[col]
        # the longest this cell can be and still leave a character for each cell after it
        longest = min(len(token), start + left - (need - 1))
        if token[start] == "0" and not kind.decimal:
            ends = (start + 1,)  # no leading zeros: a cell starting with 0 is 0
        else:
            ends = range(start + 1, longest + 1)
        reached = False
        for end in ends:
            if end < len(token) and need == 1:
                continue
            piece = token[start:end]
            if not kind.accepts(piece):
                continue
            if track:
                value = _value(piece)
                if in_target[col]:
                    total = reached_sum[0] + value
                    if total > goal + 1e-9 or (col == target_done and abs(total - goal) > 1e-9):
                        reached = True  # cut short by the sum, not a dead end of the cutting
                        if total > goal + 1e-9:
                            break  # (longer pieces are larger still)
                        continue
                    if col < target_done:
                        # the r cells still to cut (all of them are the sum's: split_candidates
                        # passes a target only then) from c characters add up to less than
                        # 10^(c-r+1) + 9(r-1): one long cell and single digits
                        r, c = target_done - col, left - (end - start)
                        if c - r + 1 < 16 and total + 10 ** (c - r + 1) + 9 * (r - 1) < goal - 1e-9:
                            reached = True
                            continue
                values.append(value)
                if any(abs(sum(values[i] for i in parts) - values[t]) > 1e-9 for parts, t in due[col]):
                    values.pop()
                    reached = True
                    continue
                if in_target[col]:
                    reached_sum[0] += value
            cur.append((ti, start, end))
            if walk(ti + 1, 0) if end == len(token) else walk(ti, end):
                reached = True
            cur.pop()
            if track:
                values.pop()
                if in_target[col]:
                    reached_sum[0] -= value
        if not reached:
            dead.add(state)
        return reached

    try:
        walk(0, 0)
    finally:
        walk = None  # a recursive closure refers to itself: break the cycle (the collector is paused)
    return out


def _value(text: str):
    t = text
    for u in ("万元", "元", "万"):
        if t.endswith(u):
            t = t[: -len(u)]
            break
    return float(t) if "." in t else int(t)


def sum_check(groups: Sequence[tuple[Sequence[int], int]]) -> Callable[[list], bool]:
    """A check that, for each (parts, total) index group, values[total] == sum(values[parts])."""

    def check(values: list) -> bool:
        for parts, total in groups:
            if abs(sum(values[i] for i in parts) - values[total]) > 1e-9:
                return False
        return True

    check.groups = [(tuple(parts), total) for parts, total in groups]  # for split_candidates
    return check
