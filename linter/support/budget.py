"""Time budgets that stop a rule in the middle of its work: a rule pack's regex searching a
very long line must not hold a run, a lane of the language server or the other documents.

Two mechanisms, because the two engines differ:
- A rule's regexes from rule packs are compiled with the `regex` module (see
  regexes.compile_checked) and wrapped in `BudgetedPattern`: every search is given the time
  left of the running rule's deadline (`rule_deadline`, per thread: it works on the language
  server's lane threads too) and lets other threads run while it searches (`concurrent`).
- The rest of a rule (built-in patterns of Python's `re`, the kinds' own code) runs under
  `time_budget`: a CPU-time interval timer whose handler raises, only in the main thread."""

from __future__ import annotations

import os
import threading
import time

RULE_SECONDS_ENV = "XXGK_LINT_RULE_SECONDS"  # the budget of one rule on one document, in seconds
DEFAULT_RULE_SECONDS = 3.0  # (the built-in rules take at most 0.5 s on a 20 MB report)


class BudgetExceeded(BaseException):
    """Raised inside a rule whose time budget ran out (a BaseException, so that no `except
    Exception` in a rule swallows it)."""


def rule_seconds() -> float:
    """The budget: XXGK_LINT_RULE_SECONDS when set to a number (0 or less: none)."""
    value = os.environ.get(RULE_SECONDS_ENV)
    if not value:
        return DEFAULT_RULE_SECONDS
    try:
        return float(value)
    except ValueError:
        return DEFAULT_RULE_SECONDS


# -- deadlines for the `regex` module's searches -----------------------------------------------


class _Deadline(threading.local):
    at: float | None = None  # time.monotonic() when the running rule's time is up


_deadline = _Deadline()


class rule_deadline:
    """`with rule_deadline(seconds):` every BudgetedPattern search in the block, on this
    thread, stops with BudgetExceeded once `seconds` (wall-clock) have passed since the block
    began. Nested: the inner one is the earlier of the two. 0 or less: no deadline."""

    __slots__ = ("seconds", "outer")

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.outer: float | None = None

    def __enter__(self) -> None:
        self.outer = _deadline.at
        if self.seconds > 0:
            at = time.monotonic() + self.seconds
            _deadline.at = at if self.outer is None else min(at, self.outer)

    def __exit__(self, *exc) -> None:
        _deadline.at = self.outer


def _timeout() -> float | None:
    at = _deadline.at
    if at is None:
        return None
    left = at - time.monotonic()
    if left <= 0:
        raise BudgetExceeded
    return left


class BudgetedPattern:
    """A compiled `regex` pattern whose searches keep to the running rule's deadline and let
    other threads run meanwhile. It offers what the rule kinds use of a `re.Pattern`."""

    __slots__ = ("rx", "pattern", "flags", "groups", "groupindex")

    def __init__(self, rx):
        self.rx = rx
        self.pattern, self.flags, self.groups, self.groupindex = rx.pattern, rx.flags, rx.groups, rx.groupindex

    def __repr__(self) -> str:
        return f"BudgetedPattern({self.pattern!r})"

    def search(self, string, pos=0, endpos=None):
        return _within(self.rx.search, string, pos, endpos)

    def match(self, string, pos=0, endpos=None):
        return _within(self.rx.match, string, pos, endpos)

    def fullmatch(self, string, pos=0, endpos=None):
        return _within(self.rx.fullmatch, string, pos, endpos)

    def findall(self, string, pos=0, endpos=None):
        return _within(self.rx.findall, string, pos, endpos)

    def split(self, string, maxsplit=0):
        return _within(self.rx.split, string, maxsplit)

    def finditer(self, string, pos=0, endpos=None):
        it = self.rx.finditer(string, pos, endpos, concurrent=True, timeout=_timeout())
        try:
            yield from it  # (the timeout counts over the whole iteration)
        except TimeoutError:
            raise BudgetExceeded from None

    def sub(self, repl, string, count=0):
        return self.subn(repl, string, count)[0]

    def subn(self, repl, string, count=0):
        import re

        import regex

        try:
            return _within(self.rx.subn, repl, string, count)
        except regex.error as exc:  # a bad replacement template: the error re would raise
            raise re.error(str(exc)) from None


def _within(method, *args):
    """A search of the `regex` module with the time left of the rule's deadline, letting other
    threads run meanwhile; BudgetExceeded when the time is up."""
    try:
        return method(*args, concurrent=True, timeout=_timeout())
    except TimeoutError:
        raise BudgetExceeded from None


# -- a CPU-time budget for the rest of a rule (main thread only) -------------------------------
#
# Python's regex engine checks for signals every few thousand steps (a search can be stopped
# with Ctrl-C), so a CPU-time interval timer (ITIMER_VIRTUAL: the time the process itself
# computes, not the time a loaded machine keeps it waiting) whose handler raises stops a
# search that would run for hours, where it is. Only in the main thread (where Python runs
# signal handlers), where setitimer exists (not Windows), and only when nobody else uses the
# signal or the timer: elsewhere the budget is not enforced. The handler stays installed once
# installed and does nothing outside a budget, so a signal that arrives just after a budget
# ends is harmless.


class _Alarm:
    active = False
    installed = False
    main = None  # the main thread's id


def _on_alarm(signum, frame) -> None:
    if _Alarm.active:
        _Alarm.active = False
        raise BudgetExceeded


def _usable() -> bool:
    """Whether the timer can be armed here. The handler is checked when it is installed
    (signal.getsignal costs microseconds); later only that nobody else armed the timer."""
    global _signal, _get_ident
    if _Alarm.installed:
        return _get_ident() == _Alarm.main and _signal.getitimer(_signal.ITIMER_VIRTUAL) == (0.0, 0.0)
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        return False
    if signal.getsignal(signal.SIGVTALRM) != signal.SIG_DFL or signal.getitimer(signal.ITIMER_VIRTUAL) != (0.0, 0.0):
        return False  # someone else's
    try:
        signal.signal(signal.SIGVTALRM, _on_alarm)
    except (ValueError, OSError):
        return False
    _signal, _get_ident = signal, threading.get_ident
    _Alarm.main = threading.main_thread().ident
    _Alarm.installed = True
    return True


_signal = _get_ident = None  # (the modules' parts used on every budget, once installed)


class time_budget:
    """`with time_budget(seconds) as enforced:` raises BudgetExceeded in the block once it has
    used `seconds` of CPU time (`enforced` is False where that cannot be done: see above).
    Not nested: an inner budget inside an active one does nothing."""

    __slots__ = ("seconds", "armed")

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.armed = False

    def __enter__(self) -> bool:
        if self.seconds > 0 and not _Alarm.active and _usable():
            _Alarm.active = True
            self.armed = True
            _signal.setitimer(_signal.ITIMER_VIRTUAL, self.seconds)
        return self.armed

    def __exit__(self, *exc) -> None:
        if self.armed:
            _Alarm.active = False
            _signal.setitimer(_signal.ITIMER_VIRTUAL, 0)
            self.armed = False
