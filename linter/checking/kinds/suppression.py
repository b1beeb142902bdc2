"""Kind `unused-suppression`: a suppression comment that no longer suppresses anything.

The engine applies suppressions after all rules ran, so it is the engine that finds the
unused ones (engine.Linter.lint); this checker only declares the kind so that the rule is a
TOML table like any other (selectable, configurable, documented, with examples)."""

from __future__ import annotations

from .base import Checker


class UnusedSuppression(Checker):
    kind = "unused-suppression"
    params = {}
    fields = frozenset({"codes", "directive"})

    def check(self, doc):
        return ()


CHECKERS = (UnusedSuppression,)
