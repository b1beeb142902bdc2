"""Splitting digits run together by a crawler: only where exactly one split is possible."""

from linter.cells import ColumnKind, split_candidates, sum_check

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

    from linter.cells import _DECIMAL, _INT, _SIGNED, ColumnKind

    pieces = ["".join(p) for n in range(1, 4) for p in itertools.product("0159.-/万元１²a", repeat=n)]
    for kind, rx in ((ColumnKind(), _INT), (ColumnKind(signed=True), _SIGNED), (ColumnKind(decimal=True), _DECIMAL)):
        for piece in pieces + ["", "0", "00", "10", "007", "120万元"]:
            assert kind.accepts(piece) == bool(rx.match(piece)), (kind, piece)
