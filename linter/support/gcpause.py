"""Buys linear time on big inputs (the collector's walks made a 10 MB parse superlinear); costs nothing while the model makes no cycles (a test checks).

Pausing Python's cyclic garbage collector while the model is built and linted.

Building and linting a report make a great many small objects and no reference cycles (a
test checks): the collector would walk them all again and again and find nothing. Its walks
grow with everything alive, so on a 10 MB input they made parsing superlinear (x1.3 per KB
against 15 KB) and took a third of the time of a 1.5 MB lint. Paused meanwhile, it runs as
usual afterwards. (A plain class, not contextlib: start-up time.)
"""

from __future__ import annotations

import gc


class paused:
    """`with paused(): ...` — the collector off inside (and back on only if it was on)."""

    __slots__ = ("was_on",)

    def __enter__(self) -> None:
        self.was_on = gc.isenabled()
        gc.disable()

    def __exit__(self, *exc) -> None:
        if self.was_on:
            gc.enable()
