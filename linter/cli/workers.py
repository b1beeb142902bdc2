"""Running one function over many items in worker processes, results in input order.

On Linux the workers are plain forks of this process talking over pipes: they inherit the
items (file bytes included), so a task is two integers, and nothing is imported for them
(`concurrent.futures` with `multiprocessing` and `logging` takes 18–28 ms to import, spent
before any worker starts). Elsewhere (no fork, or macOS, where forking is
unsafe once system frameworks are loaded) `concurrent.futures.ProcessPoolExecutor` does it.

A task that raises sends the exception back and it is raised here, where its result would
have been (as `Executor.map` does). A worker that dies (killed, out of memory) loses the
range of items it was working on — `lost(item, message)` makes their results instead — and
the others take over the rest, so a run always ends.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator

# Workers are forks (see above). XXGK_LINT_NO_FORK=1 takes the other way (for its tests).
FORKS = sys.platform.startswith("linux") and hasattr(os, "fork") and not os.environ.get("XXGK_LINT_NO_FORK")

# Messages on the pipes: a task is "start stop\n" (stop 0: exit); a result is its length in
# 12 ASCII digits, then the pickled list of (ok, value) per item.
_HEAD = 12


def map_ordered(fn: Callable, items: list, jobs: int, lost: Callable[[object, str], object], chunk: int = 0) -> Iterator:
    """fn(item) for every item, computed in up to `jobs` processes, yielded in input order."""
    if not chunk:
        # small enough for the workers to finish together, large enough to amortise a message
        chunk = max(1, min(16, len(items) // (jobs * 8) or 1))
    if FORKS:
        return _forked(fn, items, jobs, lost, chunk)
    return _executor(fn, items, jobs, chunk)


def _executor(fn: Callable, items: list, jobs: int, chunk: int) -> Iterator:
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=jobs) as pool:
        yield from pool.map(fn, items, chunksize=chunk)


class _Worker:
    __slots__ = ("pid", "tasks", "results", "held")

    def __init__(self, pid: int, tasks: int, results: int):
        self.pid = pid
        self.tasks = tasks  # fd: parent -> worker
        self.results = results  # fd: worker -> parent
        self.held: list[tuple[int, int]] = []  # ranges sent and not yet answered, oldest first


def _forked(fn: Callable, items: list, jobs: int, lost: Callable, chunk: int) -> Iterator:
    import pickle
    import select

    ranges = _ranges(len(items), jobs, chunk)
    ranges.reverse()  # popped from the end: first ranges first
    done: dict[int, list] = {}  # range start -> its (ok, value) list
    workers: list[_Worker] = []
    sys.stdout.flush()
    sys.stderr.flush()
    try:
        for _ in range(min(jobs, len(ranges))):
            workers.append(_spawn(fn, items, workers))
        nxt = 0  # the next item to yield
        by_fd = {w.results: w for w in workers}
        poller = select.poll()
        for fd in by_fd:
            poller.register(fd, select.POLLIN)
        _feed(by_fd.values(), ranges)
        while nxt < len(items):
            while nxt in done:
                out = done.pop(nxt)
                for ok, value in out:
                    if not ok:
                        raise value
                    yield value
                nxt += len(out)
            if nxt >= len(items):
                break
            for fd, _event in poller.poll():
                w = by_fd[fd]
                data = _read_message(fd)
                if data is None:  # the worker died with the range it was on; the others go on
                    del by_fd[fd]
                    poller.unregister(fd)
                    status = _reap(w)
                    if w.held:
                        a, b = w.held.pop(0)
                        done[a] = [(True, lost(items[k], status)) for k in range(a, b)]
                    ranges.extend(reversed(w.held))  # queued, not started: for the others
                    w.held.clear()
                    if not by_fd:  # every worker gone: nobody left to do the rest
                        while ranges:
                            a, b = ranges.pop()
                            done[a] = [(True, lost(items[k], status)) for k in range(a, b)]
                    continue
                start, _ = w.held.pop(0)
                done[start] = pickle.loads(data)
            _feed(by_fd.values(), ranges)
    finally:
        for w in workers:
            _stop(w)


def _ranges(n: int, jobs: int, chunk: int) -> list[tuple[int, int]]:
    """Consecutive ranges of at most `chunk` items, shrinking towards the end (a quarter of
    each worker's share of what is left): the workers finish together, none left waiting
    while another works through a last large range."""
    out, i = [], 0
    while i < n:
        size = max(1, min(chunk, (n - i) // (jobs * 4)))
        out.append((i, i + size))
        i += size
    return out


def _spawn(fn: Callable, items: list, siblings: list[_Worker]) -> _Worker:
    task_r, task_w = os.pipe()
    result_r, result_w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the worker
        code = 1
        try:
            os.close(task_w)
            os.close(result_r)
            for s in siblings:  # the parent's ends towards earlier workers are not ours
                os.close(s.tasks)
                os.close(s.results)
            _serve(fn, items, task_r, result_w)
            code = 0
        except BaseException:  # Ctrl-C, a broken pipe: the parent reports what matters
            pass
        finally:
            for stream in (sys.stdout, sys.stderr):  # what a task printed (the parent's own
                try:  # output was flushed before the fork: these buffers hold only ours)
                    stream.flush()
                except Exception:
                    pass
            os._exit(code)  # no atexit handlers
    os.close(task_r)
    os.close(result_w)
    return _Worker(pid, task_w, result_r)


def _serve(fn: Callable, items: list, task_r: int, result_w: int) -> None:
    import gc
    import pickle

    gc.freeze()  # what the parent made lives on untouched: the collector need not walk it
    tasks = os.fdopen(task_r, "rb", buffering=0)
    while True:
        line = _readline(tasks)
        start, stop = map(int, line.split())
        if stop == 0:
            return
        out = []
        for k in range(start, stop):
            try:
                out.append((True, fn(items[k])))
            except Exception as exc:
                out.append((False, _picklable(exc)))
        data = pickle.dumps(out, protocol=pickle.HIGHEST_PROTOCOL)
        _write_all(result_w, b"%012d" % len(data) + data)


def _readline(f) -> bytes:
    buf = b""
    while not buf.endswith(b"\n"):
        b = f.read(1)
        if not b:
            raise EOFError
        buf += b
    return buf


def _picklable(exc: Exception) -> Exception:
    import pickle

    try:
        pickle.loads(pickle.dumps(exc))
        return exc
    except Exception:
        return RuntimeError(f"{type(exc).__name__}: {exc}")


def _feed(workers, ranges: list[tuple[int, int]]) -> None:
    """Keep every live worker holding two ranges, one to work on and one queued, so that it
    never waits for us."""
    for w in workers:
        while len(w.held) < 2 and ranges:
            a, b = ranges.pop()
            try:
                _write_all(w.tasks, b"%d %d\n" % (a, b))
            except OSError:  # it died: the range goes to another (its end shows on its results)
                ranges.append((a, b))
                break
            w.held.append((a, b))


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _read_message(fd: int) -> bytes | None:
    """One length-prefixed message, or None at end of file (the worker is gone)."""
    head = _read_exactly(fd, _HEAD)
    if head is None:
        return None
    return _read_exactly(fd, int(head))


def _read_exactly(fd: int, n: int) -> bytes | None:
    parts = []
    while n:
        b = os.read(fd, min(n, 1 << 20))
        if not b:
            return None
        parts.append(b)
        n -= len(b)
    return b"".join(parts)


def _reap(w: _Worker) -> str:
    """Wait for a dead worker and say how it ended (in the users' language)."""
    try:
        _, status = os.waitpid(w.pid, 0)
    except ChildProcessError:
        return "工作进程意外退出"
    w.pid = 0
    if os.WIFSIGNALED(status):
        return f"工作进程意外退出（信号 {os.WTERMSIG(status)}）"
    return f"工作进程意外退出（退出码 {os.WEXITSTATUS(status)}）"


def _stop(w: _Worker) -> None:
    """Tell a worker to exit (kill it if it is busy: we were interrupted), and wait for it."""
    try:
        os.write(w.tasks, b"0 0\n")
    except OSError:
        pass  # it is gone already
    for fd in (w.tasks, w.results):
        try:
            os.close(fd)
        except OSError:
            pass
    if not w.pid:
        return
    if w.held:  # Ctrl-C, or a task's error raised here: its remaining work is not wanted
        import signal

        try:
            os.kill(w.pid, signal.SIGTERM)
        except OSError:
            pass
    try:
        os.waitpid(w.pid, 0)
    except ChildProcessError:
        pass
