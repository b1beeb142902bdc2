"""Reading cell values, and splitting digits that a crawler ran together.

A crawl may print a row as `一、本年新收政府信息公开申请数量230 000023`: the seven cells 23, 0, 0,
0, 0, 0, 23 with no separator. Such digits are split only where exactly one split is possible:
every cell a number without leading zeros (a lone 0 is fine), signs only in signed columns,
decimals only in money columns, a space always a boundary, and the table's own arithmetic
(a 总计 equal to the sum of its parts) where the template has it. Otherwise the row is left
unsplit and the model says so; we never guess.
"""

from __future__ import annotations

# (annotations are strings: Callable and Sequence below need no import of typing, which
# costs the CLI's start-up a few milliseconds)

import re
from functools import lru_cache
from .record import Record

_INT = re.compile(r"^(?:0|[1-9]\d*)$")
_SIGNED = re.compile(r"^-?(?:0|[1-9]\d*)$")
_DECIMAL = re.compile(r"^(?:0|[1-9]\d*)(?:\.\d+)?(?:万元|元|万)?$")
_LOOSE_NUMBER = re.compile(r"^[-+]?\d[\d,]*(?:\.\d+)?(?:万元|元|万|%)?$")

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
    return text == "/" or bool(_LOOSE_NUMBER.match(text))


def parse_value(text: str, kind: ColumnKind) -> tuple[float | int | None, str]:
    """(value, status) of one cell text. Status: ok | blank | slash | negative | decimal | text."""
    return _parse_value(text, kind.decimal, kind.signed)


@lru_cache(maxsize=8192)
def _parse_value(text: str, decimal: bool, signed: bool) -> tuple[float | int | None, str]:
    # (cached, keyed by plain values: tables are mostly the same few numbers)
    t = text.strip()
    if not t:
        return None, "blank"
    if t in ("/", "／", "-", "—", "无"):
        return None, "slash"
    unit = ""
    for u in ("万元", "元", "万", "%"):
        if t.endswith(u):
            unit, t = u, t[: -len(u)]
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


def split_candidates(
    tokens: Sequence[str],
    kinds: Sequence[ColumnKind],
    check: Callable[[list], bool] | None = None,
    limit: int = _MAX_SOLUTIONS,
) -> list[list[tuple[int, int, int]]]:
    """All ways to cut `tokens` into len(kinds) cells; each cell is (token index, start, end).

    Only splits whose cells are all well-formed are returned, and, when `check` is given, only
    those whose values pass it. At most `limit` are returned; none when the search would take
    too long to say (see _MAX_STEPS). A check made by sum_check is applied to each of its
    groups as soon as the group's cells are cut, so a wrong group is not cut further.
    """
    ncols = len(kinds)
    digits = sum(len(t) for t in tokens)
    if digits > ncols * _MAX_DIGITS_PER_CELL or len(tokens) > ncols:
        return []
    # characters left from the start of each token to the end of the row
    after = [0] * (len(tokens) + 1)
    for i in range(len(tokens) - 1, -1, -1):
        after[i] = after[i + 1] + len(tokens[i])
    # the sum groups to check once cell `col` is cut (those whose last cell it is)
    groups = getattr(check, "groups", None)
    due: list[list[tuple[Sequence[int], int]]] = [[] for _ in range(ncols)]
    if groups is not None:
        for parts, total in groups:
            due[max(*parts, total)].append((parts, total))
    out: list[list[tuple[int, int, int]]] = []
    cur: list[tuple[int, int, int]] = []
    values: list = []  # the values of `cur`'s cells, while a sum check needs them
    # (token, offset, cells so far) from which no cutting reaches the row's end: every path
    # into them stops there at once instead of trying all its continuations again
    dead: set[tuple[int, int, int]] = set()
    steps = 0

    class Exhausted(Exception):
        pass

    def walk(ti: int, start: int) -> bool:
        """Whether some cutting from here reaches the row's end (passing `check` or not)."""
        nonlocal steps
        if len(out) >= limit:
            return True  # stopped early: nothing learnt
        col = len(cur)
        if ti == len(tokens):
            if col == ncols:
                if groups is not None or check is None or check([_value(tokens[a][b:c]) for a, b, c in cur]):
                    out.append(list(cur))
                return True
            return False
        state = (ti, start, col)
        if state in dead:
            return False
        steps += 1
        if steps > _MAX_STEPS:
            raise Exhausted
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
            if groups is not None:
                values.append(_value(piece))
                if any(abs(sum(values[i] for i in parts) - values[total]) > 1e-9 for parts, total in due[col]):
                    values.pop()
                    reached = True  # cut short by the check, not a dead end of the cutting
                    continue
            cur.append((ti, start, end))
            if walk(ti + 1, 0) if end == len(token) else walk(ti, end):
                reached = True
            cur.pop()
            if groups is not None:
                values.pop()
        if not reached:
            dead.add(state)
        return reached

    try:
        walk(0, 0)
    except Exhausted:
        return []
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
