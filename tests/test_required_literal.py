"""regexes.required_literal: the text every match holds, used to skip texts without it.
Wrong means missed findings, so it is checked against the regex engine itself: on every
rule's regex, over the corpus and over random texts made of the pattern's own characters."""

from __future__ import annotations

import re
import sys

import pytest

pytest.importorskip("hypothesis")

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from xxgk_lint.linter.checking.engine import Linter  # noqa: E402
from xxgk_lint.linter.support.regexes import required_literal  # noqa: E402

from .conftest import report_files  # noqa: E402


def _patterns(value, seen: set) -> list[re.Pattern]:
    """Every compiled regex held by a checker (in attributes, lists, tuples, dicts)."""
    if id(value) in seen:
        return []
    seen.add(id(value))
    if isinstance(value, re.Pattern):
        return [value]
    if isinstance(value, dict):
        value = list(value.values())
    elif hasattr(value, "__dict__") and not isinstance(value, type):
        value = list(vars(value).values())
    if isinstance(value, (list, tuple, set, frozenset)):
        return [p for v in value for p in _patterns(v, seen)]
    return []


def _module_patterns() -> set[re.Pattern]:
    """The regexes the package keeps at module level (checks, dates, builder, ...)."""
    import importlib
    import pkgutil

    import xxgk_lint.linter as linter

    found: set[re.Pattern] = set()
    for info in pkgutil.walk_packages(linter.__path__, linter.__name__ + "."):
        if info.name.endswith("__main__"):
            continue  # runs the program
        module = importlib.import_module(info.name)
        found.update(v for v in vars(module).values() if isinstance(v, re.Pattern) and isinstance(v.pattern, str))
    return found


RULE_PATTERNS = sorted(
    {p for r in Linter().rules for p in _patterns(r.checker, set())} | _module_patterns(),
    key=lambda p: (p.pattern, p.flags),
)

TRICKY = [
    r"(?P<n>\d+)[ \t]*件[^，。；0-9]{0,4}?(?:结转|顺延|转)(?:到|至)?下(?:一)?年度",
    r"x(?i:abcd)y",
    r"(?i)公开abc",
    r"(?:abc){2}d",
    r"(?:abc)?d",
    r"(?:abc){0,3}d",
    r"a(?=bcdef)",
    r"a(?!bcdef)",
    r"(?<=bcd)e",
    r"ab|cdef",
    *([r"(?>hello)x"] if sys.version_info >= (3, 11) else []),  # atomic groups: Python 3.11+
    r"[ab]cd",
    r"(?x) a b c  # spaces are not text in verbose mode",
    r"\d+年\d+月",
    r"(a)\1bc",
    r"^报告$",
]


def test_examples():
    assert required_literal(re.compile(TRICKY[0])) == "年度"
    assert required_literal(re.compile(r"(?i)公开abc")) == ""
    assert required_literal(re.compile(r"x(?i:abcd)y")) in ("x", "y")
    assert required_literal(re.compile(r"(?:abc)?d")) == "d"
    assert required_literal(re.compile(r"(?x) a b c")) == "abc"
    assert required_literal(re.compile(r"ab|cdef")) == ""
    assert len(RULE_PATTERNS) > 40  # the walks found the rule packs' and the modules' regexes


def _holds(rx: re.Pattern, text: str, literal: str | None = None) -> None:
    literal = required_literal(rx) if literal is None else literal
    if rx.search(text) is not None:
        assert literal in text, (rx.pattern, literal, text)


@pytest.mark.parametrize("path", report_files(), ids=lambda p: p.name[:12])
def test_rule_regexes_on_the_corpus(path):
    text = path.read_text(encoding="utf-8-sig", errors="replace")
    for rx in RULE_PATTERNS:
        literal = required_literal(rx)
        for m in rx.finditer(text):
            assert literal in m.group(0), (rx.pattern, literal)  # (lookarounds are never looked into)
        for line in text.splitlines():
            _holds(rx, line, literal)


def _alphabet(pattern: str) -> str:
    return "".join(sorted(set(re.sub(r"[\\()\[\]{}?*+|^$.]", "", pattern)) | set("0123456789 年件a，。\n")))


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_rule_and_tricky_regexes_on_random_text(data):
    rx = data.draw(st.sampled_from(RULE_PATTERNS + [re.compile(p) for p in TRICKY]))
    text = data.draw(st.text(alphabet=_alphabet(rx.pattern), max_size=40))
    _holds(rx, text)
