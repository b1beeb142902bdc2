"""The worker pool: results in input order, errors raised where they belong, a dead worker
costs only its own items, and no process is left behind."""

from __future__ import annotations

import os
import signal

import pytest

from xxgk_lint.linter.cli import workers


def square(x):
    return x * x


def fail_on_7(x):
    if x == 7:
        raise ValueError("seven")
    return x


def die_on_5(x):
    if x == 5:
        os.kill(os.getpid(), signal.SIGKILL)
    return x


class Unpicklable(Exception):
    def __init__(self, a, b):  # pickle calls Unpicklable(*args) with one argument: fails
        super().__init__(a)
        self.b = b


def raise_unpicklable(x):
    raise Unpicklable("bad", x)


def lost(item, why):
    return ("lost", item, why)


@pytest.fixture(params=["fork", "executor"])
def mode(request, monkeypatch):
    if request.param == "fork" and not workers.FORKS:
        pytest.skip("no fork on this platform")
    monkeypatch.setattr(workers, "FORKS", request.param == "fork")
    return request.param


def _children() -> set[int]:
    """This process's live children (Linux)."""
    try:
        with open(f"/proc/{os.getpid()}/task/{os.getpid()}/children") as f:
            return {int(p) for p in f.read().split()}
    except OSError:
        return set()


@pytest.mark.parametrize("n, jobs, chunk", [(1, 2, 0), (8, 2, 0), (100, 3, 0), (101, 2, 7), (50, 8, 1)])
def test_results_in_input_order(mode, n, jobs, chunk):
    items = list(range(n))
    assert list(workers.map_ordered(square, items, jobs, lost, chunk)) == [x * x for x in items]


def test_an_error_is_raised_at_its_item(mode):
    got = []
    with pytest.raises(ValueError, match="seven"):
        for value in workers.map_ordered(fail_on_7, list(range(40)), 2, lost, 3):
            got.append(value)
    # what came before the failing item came out first (Executor.map: up to its chunk)
    assert got == list(range(7)) if mode == "fork" else got == list(range(len(got))) and len(got) <= 7


def test_an_unpicklable_error_still_reaches_the_parent():
    if not workers.FORKS:
        pytest.skip("no fork on this platform")
    with pytest.raises(RuntimeError, match="Unpicklable: bad"):
        list(workers.map_ordered(raise_unpicklable, list(range(4)), 2, lost))


def test_a_dead_worker_loses_only_its_items():
    if not workers.FORKS:
        pytest.skip("no fork on this platform")
    before = _children()
    out = list(workers.map_ordered(die_on_5, list(range(30)), 2, lost, 2))
    assert len(out) == 30
    gone = [o for o in out if isinstance(o, tuple)]
    assert ("lost", 5, "工作进程意外退出（信号 9）") in gone
    # only the range it was working on is lost (its queued one went to the other worker)
    assert [g[1] for g in gone] == [4, 5] and all(o == k for k, o in enumerate(out) if not isinstance(o, tuple))
    assert _children() == before


def test_every_worker_dead_still_ends():
    if not workers.FORKS:
        pytest.skip("no fork on this platform")
    out = list(workers.map_ordered(die_on_5, [5] * 20, 2, lost, 1))
    assert out == [("lost", 5, "工作进程意外退出（信号 9）")] * 20


def test_no_process_is_left_behind_when_the_consumer_stops():
    if not workers.FORKS:
        pytest.skip("no fork on this platform")
    before = _children()
    gen = workers.map_ordered(square, list(range(1000)), 2, lost, 1)
    assert next(gen) == 0
    gen.close()  # what an exception in the consumer (Ctrl-C) does
    assert _children() == before
    with pytest.raises(ValueError):
        list(workers.map_ordered(fail_on_7, list(range(100)), 2, lost, 1))
    assert _children() == before


@pytest.mark.parametrize("n, jobs, chunk", [(0, 2, 16), (1, 2, 16), (7, 3, 2), (1000, 2, 16), (999, 8, 5)])
def test_ranges_cover_the_items_in_order_and_shrink(n, jobs, chunk):
    ranges = workers._ranges(n, jobs, chunk)
    assert [k for a, b in ranges for k in range(a, b)] == list(range(n))
    sizes = [b - a for a, b in ranges]
    assert all(1 <= s <= chunk for s in sizes) and sizes == sorted(sizes, reverse=True)


PRINTS = """
import sys
from xxgk_lint.linter.cli import workers

def shout(x):
    print(f"item {x}")  # stdout is a pipe: block-buffered
    return x

assert list(workers.map_ordered(shout, list(range(10)), 2, None, 1)) == list(range(10))
"""


def test_what_a_task_prints_is_not_lost():
    import subprocess
    import sys

    from .conftest import ROOT

    if not workers.FORKS:
        pytest.skip("no fork on this platform")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}  # buffered, as usual
    proc = subprocess.run([sys.executable, "-c", PRINTS], capture_output=True, text=True, timeout=60,
                          env={**env, "PYTHONPATH": str(ROOT)})
    assert proc.returncode == 0, proc.stderr
    # (two workers share the pipe: their lines may interleave, none may be missing)
    assert sorted(proc.stdout.replace("item", "\nitem").split()) == sorted("\n".join(f"item {k}" for k in range(10)).split())
