"""The language server's incremental linting (Linter(incremental=True)) must publish exactly
what a full lint finds: after every edit of a sequence, over every corpus report."""

from __future__ import annotations

import random

import pytest

from xxgk_lint.linter.checking.engine import Linter

from .conftest import corpus_file, corpus_files, report_files

EDITS = ["7", "", "。", "\n", "我县", "(一)", "总计", " ", "锟斤拷", "结合财政职能", "0"]


def _edit(text: str, rng: random.Random) -> str:
    at = rng.randrange(len(text) + 1)
    cut = rng.choice([0, 0, 1, 2, 5])
    return text[:at] + rng.choice(EDITS) + text[at + cut :]


@pytest.mark.parametrize("path", report_files(), ids=lambda p: p.stem[:12])
def test_incremental_equals_full_lint_after_every_edit(path):
    rng = random.Random(path.name)
    text = path.read_text(encoding="utf-8")
    incremental, full = Linter(incremental=True), Linter()
    for step in range(30):
        got = incremental.lint_text(text, str(path))[1]
        want = full.lint_text(text, str(path))[1]
        assert got == want, f"step {step}"
        text = _edit(text, rng) if step % 5 else text + text[: len(text) // 3]  # now and then a pasted block
    assert incremental.reused > 0  # edits in tables and headings leave the prose rules' inputs alone


def test_a_rule_gives_back_its_findings_only_for_the_same_path():
    text = corpus_files()[4].read_text(encoding="utf-8")
    linter = Linter(incremental=True)
    a = linter.lint_text(text, "a.txt")[1]
    b = linter.lint_text(text, "b.txt")[1]
    assert a and {d.path for d in a} == {"a.txt"} and {d.path for d in b} == {"b.txt"}


def test_a_lint_leaves_no_reference_cycles():
    """Linter.lint_text pauses the cyclic garbage collector: that is only free if a lint
    leaves no cycles behind (they would pile up until the next collection)."""
    import gc

    linter = Linter(incremental=True)
    texts = [p.read_text(encoding="utf-8") for p in corpus_files()]
    for t in texts:  # first runs: lazy imports, compiled regexes, caches
        linter.lint_text(t, "x.txt")
    gc.collect()
    was = gc.isenabled()
    gc.disable()
    try:
        for i, t in enumerate(texts):
            result = linter.lint_text(t + "\n" * (i % 2), "x.txt")
        del result
        assert gc.collect() == 0
    finally:
        if was:
            gc.enable()



def test_the_collector_is_paused_and_restored():
    """gcpause.paused nests (build inside lint_text) and gives the collector back on errors."""
    import gc

    from xxgk_lint.linter.parsing.builder import build
    from xxgk_lint.linter.support.gcpause import paused

    assert gc.isenabled()
    with paused():
        assert not gc.isenabled()
        with paused():
            build("一、总体情况\n", "x.txt")
            assert not gc.isenabled()
        assert not gc.isenabled()  # the inner pause found it off: leaves it off
    assert gc.isenabled()
    try:
        with paused():
            raise ValueError
    except ValueError:
        pass
    assert gc.isenabled()
    build("一、总体情况\n", "x.txt")
    assert gc.isenabled()


def test_table_findings_are_kept_per_rule_configuration():
    """Table rules keep their findings on the (shared) table by checker: a configuration
    that changes a rule's parameters gets its own answer for the same table text."""
    from xxgk_lint.linter.checking.config import Config

    path = corpus_file("105_")
    text = path.read_text(encoding="utf-8")
    default, lenient = Linter(), Linter(Config(params={"XG203": {"tolerance": 10.0}}))
    codes = lambda linter: [d.rule for d in linter.lint_text(text, str(path))[1]]  # noqa: E731
    assert "XG203" in codes(default)
    assert "XG203" not in codes(lenient)
    assert "XG203" in codes(default)


def test_duplicate_normalisation_strips_exactly_whitespace_and_punctuation():
    """The duplicate check spells \\s out as plain characters (faster): it must still strip
    exactly what the \\s class and the punctuation list do, for every code point."""
    import re
    import sys

    from xxgk_lint.linter.checking.kinds.duplicate import _STRIP

    reference = re.compile(r"[\s\u3000,，。.;；:：、!！?？“”\"'‘’()（）《》〈〉<>\[\]【】]+")
    differ = [c for c in map(chr, range(sys.maxunicode + 1)) if bool(reference.fullmatch(c)) != bool(_STRIP.fullmatch(c))]
    assert differ == []


def test_a_lint_told_to_stop_stops_between_rules_and_leaves_the_memo_sound():
    """Linter.lint(should_stop=…): asked before each rule; True stops the lint (None). The rules
    that ran before keep their memo entries, so the next lint of the same or another text
    still finds exactly what a fresh Linter finds."""
    from xxgk_lint.linter.parsing.builder import build

    path = corpus_file("003")
    text = path.read_text(encoding="utf-8")
    edited = text.replace("27", "28", 1)
    linter = Linter(incremental=True)
    doc = build(text, str(path))
    asked = []
    assert linter.lint(doc, should_stop=lambda: asked.append(1) or False) == Linter().lint(doc)
    assert len(asked) == len(linter.active)  # once per rule
    for stop_at in (1, 7, len(linter.active) // 2):
        calls = []
        assert linter.lint(build(edited, str(path)), should_stop=lambda: calls.append(1) or len(calls) > stop_at) is None
        assert len(calls) == stop_at + 1
        for t in (edited, text):
            assert linter.lint(build(t, str(path))) == Linter().lint(build(t, str(path)))


def test_duplicate_matches_kept_between_edits_equal_a_fresh_comparison():
    """The duplicate rules keep each paragraph's best earlier match from the last run on a
    path and compare again only with the paragraph that changed: after every edit of a long
    random sequence (edits that make, break and move near-duplicates, ties included) the
    result is the one a fresh comparison of all pairs gives."""
    from xxgk_lint.linter.checking.kinds.duplicate import DuplicateCheck

    linter = Linter()
    rule = next(r for r in linter.rules if r.kind == "duplicate" and r.checker.p["check"] == "paragraphs")
    kept = rule.checker
    rng = random.Random(501)
    stock = ["我局坚持以习近平新时代中国特色社会主义思想为指导，全面贯彻落实党中央国务院关于政务公开工作的决策部署",
             "本年度共收到政府信息公开申请十二件，均在法定期限内予以答复，未发生因信息公开引发的行政复议和诉讼",
             "进一步加强政府信息公开平台建设，及时更新栏目内容，确保信息发布的准确性和时效性，方便群众查阅"]
    texts = [rng.choice(stock) + str(k) for k in range(12)]
    for step in range(400):
        i = rng.randrange(len(texts))
        roll = rng.random()
        if roll < 0.3:
            texts[i] = texts[rng.randrange(len(texts))]  # a paste: an exact duplicate
        elif roll < 0.6:
            t = texts[i]
            at = rng.randrange(len(t))
            texts[i] = t[:at] + rng.choice("的了和与及在") + t[at + 1 :]  # a near-duplicate
        elif roll < 0.9:
            texts[i] = rng.choice(stock)[rng.randrange(5):] + str(step)
        elif roll < 0.95 and len(texts) > 3:
            del texts[i]  # a paragraph count change: compared afresh
        else:
            texts.insert(i, rng.choice(stock))
        got = kept._best_earlier(list(texts), 90.0, "r.txt")
        fresh = DuplicateCheck.__new__(DuplicateCheck)
        want = DuplicateCheck._best_earlier(fresh, list(texts), 90.0, "r.txt")
        assert got == want, (step, texts)


def test_a_lint_told_to_stop_during_the_build_stops_there():
    """lint_text asks should_stop between the build's steps too (a 1.5 MB build is ~60 ms):
    a stop during the build gives (None, None) and runs no rule; a stop during the rules gives
    the Document and None; a callback that never says stop gives the full lint's findings."""
    from .conftest import EXAMPLES

    text = (EXAMPLES / "defects.txt").read_text(encoding="utf-8")
    linter = Linter(incremental=True)
    asked = []

    def at(n):
        def stop():
            asked.append(1)
            return len(asked) >= n
        return stop

    assert linter.lint_text(text, "r.txt", should_stop=at(1)) == (None, None)
    assert len(asked) == 1 and linter.reused == 0
    asked.clear()
    doc, diags = linter.lint_text(text, "r.txt", should_stop=at(10))  # 6 build steps, then rules
    assert doc is not None and diags is None
    full = Linter().lint_text(text, "r.txt")[1]
    assert linter.lint_text(text, "r.txt", should_stop=lambda: False)[1] == full
