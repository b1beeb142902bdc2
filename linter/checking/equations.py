"""The tiny expression language of table arithmetic (grammar/equation.lark).

An equation is two sides of signed terms: names (a row or column key), numbers, and
sum(pattern) over every key a glob pattern matches. Parsed once when a rule loads.
"""

from __future__ import annotations

import fnmatch
from functools import lru_cache

from ..support.record import Record
from ..support.resources import grammar_dir


class EquationError(ValueError):
    pass


class Term(Record, frozen=True):
    sign: int  # +1 or -1
    kind: str  # name | sum | number
    value: str  # the key, the pattern, or the number as text

    def keys(self, available: list[str]) -> list[str]:
        if self.kind == "name":
            return [self.value] if self.value in available else []
        if self.kind == "sum":
            return [k for k in available if fnmatch.fnmatchcase(k, self.value)]
        return []


class Equation(Record, frozen=True):
    text: str
    left: tuple[Term, ...]
    right: tuple[Term, ...]

    @property
    def terms(self) -> tuple[Term, ...]:
        return self.left + self.right


@lru_cache(maxsize=1)
def _parser():
    from lark import Lark

    return Lark((grammar_dir() / "equation.lark").read_text(encoding="utf-8"), parser="lalr")


def parse(text: str) -> Equation:
    from lark import Token, Tree
    from lark.exceptions import LarkError

    try:
        tree = _parser().parse(text)
    except LarkError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise EquationError(f"等式无法解析：{first}") from None

    def side(node: Tree) -> tuple[Term, ...]:
        out = []
        for child in node.children:
            sign = 1
            if child.data == "signed_term":
                parts = child.children
                if isinstance(parts[0], Token) and parts[0].type == "MINUS":
                    sign, parts = -1, parts[1:]
                term = parts[0]
            else:
                sign = -1 if child.data == "minus_term" else 1
                term = child.children[-1]
            if term.data == "sum_call":
                out.append(Term(sign, "sum", str(term.children[0])))
            elif term.data == "name":
                out.append(Term(sign, "name", str(term.children[0])))
            else:
                out.append(Term(sign, "number", str(term.children[0])))
        return tuple(out)

    left, right = tree.children
    return Equation(text, side(left), side(right))
