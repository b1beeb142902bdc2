"""Every rule's own examples are tests: `bad` raises the rule, `good` does not, and `fixed`
equals the bad text with the rule's fixes applied (and lints clean of the rule)."""

from __future__ import annotations

import pytest

from xxgk_lint.linter.checking.config import Config
from xxgk_lint.linter.checking.engine import Linter, load_rules

RULES = load_rules(Config())
CASES = [(r, k, ex) for r in RULES for k, ex in enumerate(r.examples)]


def test_every_rule_has_a_bad_and_a_good_example():
    missing = [r.id for r in RULES if not any(e.bad for e in r.examples) or not any(e.good for e in r.examples)]
    assert not missing, f"rules without a bad and a good example: {missing}"


def test_messages_are_chinese():
    for r in RULES:
        assert any("\u4e00" <= ch <= "\u9fff" for ch in r.message), r.id
        assert any("\u4e00" <= ch <= "\u9fff" for ch in r.description), r.id


@pytest.fixture(scope="module")
def lint():
    linter = Linter(Config())

    def run(text: str, path: str, rule):
        doc, diags = linter.lint_text(text, path)
        assert not linter.errors, linter.errors
        return doc, [d for d in diags if d.rule == rule.id]

    return run


@pytest.mark.parametrize("rule,k,ex", CASES, ids=[f"{r.id}-{k}" for r, k, _ in CASES])
def test_example(lint, rule, k, ex):
    if ex.bad is not None:
        _, found = lint(ex.bad, ex.path, rule)
        assert found, f"{rule.id} example {k}: the bad text raised nothing"
        if ex.fixed is not None:
            from xxgk_lint.linter.reporting.fixes import fix_text

            # as --fix does: apply this rule's fixes until none is left to apply
            fixed = fix_text(ex.bad, lambda text: [d.fix for d in lint(text, ex.path, rule)[1] if d.fix], unsafe=True)
            assert fixed == ex.fixed
            _, again = lint(fixed, ex.path, rule)
            assert not again, f"{rule.id}: still raised after fixing: {[d.message for d in again]}"
    if ex.good is not None:
        _, found = lint(ex.good, ex.path, rule)
        assert not found, f"{rule.id} example {k}: the good text raised {[d.message for d in found]}"
