"""Splitting digits run together by a crawler: only where exactly one split is possible."""

from xxgk_lint.linter.parsing.cells import ColumnKind, split_candidates, sum_check

I, S, D = ColumnKind(), ColumnKind(signed=True), ColumnKind(decimal=True)
ROW = sum_check([((0, 1, 2, 3, 4, 5), 6)])


def cut(tokens, kinds, check=None):
    return [[tokens[a][b:e] for a, b, e in s] for s in split_candidates(tokens, kinds, check)]


def test_sum_constraint_makes_the_split_unique():
    assert len(cut(["230", "000023"], [I] * 7)) > 1
    assert cut(["230", "000023"], [I] * 7, ROW) == [["23", "0", "0", "0", "0", "0", "23"]]


def test_single_digits_need_no_arithmetic():
    assert cut(["000"], [I] * 3) == [["0", "0", "0"]]
    assert cut(["0", "0", "00", "00", "0"], [I] * 7) == [["0"] * 7]


def test_ambiguous_rows_stay_unsplit():
    assert len(cut(["898989"], [I] * 3)) > 1
    assert len(cut(["270020130"], [I] * 7, ROW)) == 2


def test_signed_and_decimal_columns():
    assert cut(["35-15"], [I, S]) == [["35", "-15"]]
    assert cut(["24252.311082"], [D]) == [["24252.311082"]]
    assert cut(["1.5"], [I]) == []


def test_long_digit_runs_are_bounded():
    assert split_candidates(["1" * 500], [I] * 7) == []


def test_accepts_agrees_with_the_column_regexes():
    """ColumnKind.accepts answers all-digit pieces without a regex: the same answers."""
    import itertools

    from xxgk_lint.linter.parsing.cells import _DECIMAL, _INT, _SIGNED, ColumnKind

    pieces = ["".join(p) for n in range(1, 4) for p in itertools.product("0159.-/万元１²a", repeat=n)]
    for kind, rx in ((ColumnKind(), _INT), (ColumnKind(signed=True), _SIGNED), (ColumnKind(decimal=True), _DECIMAL)):
        for piece in pieces + ["", "0", "00", "10", "007", "120万元"]:
            assert kind.accepts(piece) == bool(rx.match(piece)), (kind, piece)


def _reference(tokens, kinds, check=None, limit=64):
    """Every cutting, tried one by one (the plain search split_candidates must agree with)."""
    from xxgk_lint.linter.parsing.cells import _value

    out = []

    def walk(ti, start, cur):
        if len(out) >= limit:
            return
        if ti == len(tokens):
            if len(cur) == len(kinds) and (check is None or check([_value(tokens[a][b:c]) for a, b, c in cur])):
                out.append(list(cur))
            return
        if len(cur) == len(kinds):
            return
        token, kind = tokens[ti], kinds[len(cur)]
        for end in range(start + 1, len(token) + 1):
            if kind.accepts(token[start:end]):
                walk(ti + 1, 0, cur + [(ti, start, end)]) if end == len(token) else walk(ti, end, cur + [(ti, start, end)])

    walk(0, 0, [])
    return out


def test_split_candidates_agrees_with_the_plain_search():
    import random

    rng = random.Random(4)
    rows = [((0, 1, 2), 3)], [((0, 1, 2, 3, 4, 5), 6)], [((0, 1), 2), ((3, 4), 5)], [((0, 1), 2), ((2, 3), 4), ((0, 4), 4)]
    for _ in range(3000):
        groups = rng.choice(rows)
        ncols = max(max(*p, t) for p, t in groups) + 1
        kinds = [rng.choice([I, I, S, D]) for _ in range(ncols)]
        tokens = ["".join(rng.choice("0012345") for _ in range(rng.randint(1, 5))) for _ in range(rng.randint(1, 3))]
        if rng.random() < 0.2:
            tokens.append(rng.choice(["1.5", "-2", "3万元"]))
        check = sum_check(groups) if rng.random() < 0.6 else None
        limit = rng.choice([1, 2, 64])
        found = split_candidates(tokens, kinds, check, limit)
        every = _reference(tokens, kinds, check, 10**6)
        # the same splits when all are asked for; else `limit` of them (which ones is not fixed)
        assert len(found) == min(limit, len(every)) and all(f in every for f in found), (tokens, kinds, groups, limit)
        if limit >= len(every):
            assert sorted(found) == sorted(every)


def test_a_long_run_of_digits_is_given_up_on_quickly():
    """30 digits of table 四 into 15 cells with no valid split: was hours of search."""
    import time

    check = sum_check([((0, 1, 2, 3), 4), ((5, 6, 7, 8), 9), ((10, 11, 12, 13), 14)])
    start = time.perf_counter()
    assert split_candidates(["987654321987654321987654321987"], [I] * 15, check, limit=2) == []
    assert time.perf_counter() - start < 5  # (about 0.2 s; a generous bound for a noisy machine)
    good = [3, 12, 0, 5, 20, 7, 7, 1, 0, 15, 30, 2, 2, 6, 40]
    (found,) = split_candidates(["".join(map(str, good))], [I] * 15, check, limit=2)
    assert [int("".join(map(str, good))[b:e]) for _, b, e in found] == good


def test_a_table_3_row_of_large_numbers_run_together_is_still_split():
    """Knowing the row's sum (its last cell) first keeps the search short enough to finish."""
    for row in ([1234, 56, 7, 0, 12, 3, 1312], [4012, 377, 2051, 99, 1480, 605, 8624], [0, 0, 10, 0, 0, 0, 10]):
        text = "".join(map(str, row))
        (found,) = split_candidates([text], [I] * 7, ROW, limit=2)
        assert [int(text[b:e]) for _, b, e in found] == row


def test_the_split_search_leaves_no_reference_cycles():
    """The lint runs with the cyclic collector paused (gcpause): the search, a recursive
    closure, must not leave a function ↔ cell cycle behind for every row it splits."""
    import gc

    split_candidates(["2536", "8", "9"], [I] * 4, sum_check([([0, 1, 2], 3)]))  # warm up
    gc.collect()
    was = gc.isenabled()
    gc.disable()
    try:
        for _ in range(20):
            split_candidates(["2536", "8", "9"], [I] * 4, sum_check([([0, 1, 2], 3)]))
            split_candidates(["1" * 500], [I] * 7)
        assert gc.collect() == 0
    finally:
        if was:
            gc.enable()
