"""Buys grouping by pairs (cells sharing a corner, near-identical paragraphs) in near-linear time; costs a list of the size of what is grouped.

Disjoint sets of 0..n-1, joined pair by pair: each component is named by its smallest member
(so the name does not depend on the order of the joins), found with path halving."""

from __future__ import annotations


class DisjointSets:
    __slots__ = ("parent",)

    def __init__(self, n: int):
        self.parent = list(range(n))

    def root(self, x: int) -> int:
        """The smallest member of x's component."""
        parent = self.parent
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def join(self, a: int, b: int) -> None:
        ra, rb = self.root(a), self.root(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)
