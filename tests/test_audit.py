"""The audit of a collection: identification, pairing, the cross-report rules (their own
two-report examples), the corpus series and generated collections with planted defects."""

from __future__ import annotations

import re
import sys

import pytest

from xxgk_lint.linter.audit import identify, sketch
from xxgk_lint.linter.audit.editor import cross_year_findings
from xxgk_lint.linter.audit.local import audit_texts, split_reports
from xxgk_lint.linter.audit.rules import all_rules, report_config, selected
from xxgk_lint.linter.checking.config import Config
from xxgk_lint.linter.checking.engine import Linter
from xxgk_lint.linter.support.errors import ConfigError

from .conftest import EXAMPLES, ROOT, corpus_file, needs_corpus

RULES = all_rules()
CASES = [(r, k, ex) for r in RULES for k, ex in enumerate(r.examples)]
CLEAN = (EXAMPLES / "clean.md").read_text(encoding="utf-8")


# -- the rules and their examples ------------------------------------------------------------


def test_every_audit_rule_has_two_report_examples_and_chinese_text():
    assert {r.id for r in RULES} >= {"XG951", "XG952", "XG953", "XG954", "XG955", "XG961"}
    for r in RULES:
        assert any(e.bad for e in r.examples) and any(e.good for e in r.examples), r.id
        for e in r.examples:
            for text in (e.bad, e.good):
                assert len(split_reports(text)) >= 2, f"{r.id}: an example must hold two reports"
        assert re.search(r"[\u4e00-\u9fff]", r.message) and re.search(r"[\u4e00-\u9fff]", r.description)


def test_audit_codes_are_not_used_by_per_report_rules():
    from xxgk_lint.linter.checking.engine import load_rules

    theirs = {r.id for r in load_rules(Config())} | {r.name for r in load_rules(Config())}
    assert not theirs & ({r.id for r in RULES} | {r.name for r in RULES})


@pytest.mark.parametrize("rule,k,ex", CASES, ids=[f"{r.id}-{k}" for r, k, _ in CASES])
def test_example(rule, k, ex):
    bad = audit_texts(split_reports(ex.bad))
    found = [d for d in bad.cross if d.rule == rule.id]
    assert found, f"{rule.id} example {k}: the bad reports raised nothing"
    for d in found:
        assert d.severity == rule.severity and d.category == rule.category
        # the finding is on one report; its related location is in the other, with its path
        assert d.related and all(getattr(x, "path", "") and x.path != d.path for x in d.related)
        assert "path" in d.to_dict()["related"][0]
    good = audit_texts(split_reports(ex.good))
    assert not [d.message for d in good.cross if d.rule == rule.id]


def test_a_rule_parameter_from_the_configuration_changes_the_rule():
    ex = next(r for r in RULES if r.id == "XG953").examples[0]
    items = split_reports(ex.bad)  # section 五 repeated at 99% (one word changed)
    assert [d.rule for d in audit_texts(items, Config(select=["XG953"])).cross] == ["XG953"]
    assert audit_texts(items, Config(select=["XG953"], params={"XG953": {"threshold": 1.0}})).cross == []
    assert audit_texts(items, Config(select=["XG953"], params={"XG953": {"sections": [1]}})).cross == []
    assert audit_texts(items, Config(select=["XG953"], severity={"XG953": "error"})).cross[0].severity == "error"
    with pytest.raises(ConfigError):
        selected(Config(params={"XG953": {"threshold": "half"}}))
    with pytest.raises(ConfigError):
        selected(Config(params={"XG953": {"unknown": 1}}))


def test_selecting_only_audit_rules_runs_no_per_report_rule():
    cfg = report_config(Config(select=["XG951"]))
    linter = Linter(cfg)  # no ConfigError: "XG951" names no per-report rule
    assert linter.active == []
    assert [r.id for r in selected(Config(select=["XG951"]))] == ["XG951"]
    both = report_config(Config(select=["XG95", "XG2"]))
    assert both.select == ["XG2"]
    assert "XG952" not in report_config(Config(params={"XG952": {"rows": ["normative"]}})).params


# -- identification ----------------------------------------------------------------------------


@pytest.mark.parametrize("name,key,level,region", [
    ("平潭综合实验区管委会", "平潭综合实验区", "government", "平潭综合实验区"),
    ("平潭综合实验区", "平潭综合实验区", "government", "平潭综合实验区"),
    ("淮安市洪泽区人民政府", "洪泽区", "government", "洪泽区"),
    ("洪泽区人民政府", "洪泽区", "government", "洪泽区"),
    ("淮安市人民政府", "淮安市", "government", "淮安市"),
    ("示例县统计局", "示例县统计局", "department", "示例县"),
    ("江苏省淮安市洪泽区统计局", "洪泽区统计局", "department", "洪泽区"),
    ("淮安市市场监督管理局", "淮安市市场监督管理局", "department", "淮安市"),
    ("上海市科委", "上海市科委", "department", "上海市"),
    ("重庆市九龙坡区人民政府办公室", "九龙坡区政府办公室", "department", "九龙坡区"),
    ("隆德县城关镇", "隆德县城关镇", "township", "隆德县城关镇"),
    ("示例县仙长街道办事处", "示例县仙长街道办事处", "township", "示例县仙长街道办事处"),
    ("县科技经信局", "县科技经信局", "department", None),
])
def test_agency_normalisation(name, key, level, region):
    ident = identify.normalise(name)
    assert (ident.key, ident.level, ident.region) == (key, level, region)


def _report(agency: str, year: int, new: int = 18, carried_over: int = 2, carried_forward: int = 1, text=None) -> str:
    """examples/clean.md as another agency's report of another year, numbers kept consistent
    (上年结转 and 结转下年度 changed in the 自然人 column and the total, with 新收 balancing)."""
    t = CLEAN if text is None else text
    t = t.replace("示例县统计局", agency).replace("2024年", f"{year}年").replace("2025年", f"{year + 1}年")
    t = t.replace("2024年1月1日至2024年12月31日", f"{year}年1月1日至{year}年12月31日")
    # the table: 一 new (自然人 13, 总计 18), 二 carried over (2, 2), 四 carried forward (1, 1)
    lines = t.split("\n")
    for i, line in enumerate(lines):
        cells = line.split("|")
        if "一、本年新收" in line:
            cells[4], cells[10] = f" {13 + new - 18} ", f" {new} "
        elif "二、上年结转" in line:
            cells[4], cells[10] = f" {carried_over} ", f" {carried_over} "
        elif "四、结转下年度继续办理" in line and line.startswith("|"):
            cells[4], cells[10] = f" {carried_forward} ", f" {carried_forward} "
        else:
            continue
        lines[i] = "|".join(cells)
    t = "\n".join(lines)
    # keep 一+二 = (七)+四: adjust 新收 so that the column balances (七 is 14 / 19)
    return t


def _balanced(agency: str, year: int, carried_over: int, carried_forward: int, text=None) -> str:
    # (七)总计 stays 14 (自然人) / 19 (总计): 一 + 二 = 19 + 四
    new = 19 + carried_forward - carried_over
    return _report(agency, year, new=new, carried_over=carried_over, carried_forward=carried_forward, text=text)


def test_the_generated_fixture_report_is_itself_clean():
    linter = Linter(Config())
    _, diags = linter.lint_text(_balanced("示例县农业农村局", 2023, 3, 4), "2023/示例县农业农村局.md")
    assert [d for d in diags if d.severity == "error"] == []


def test_identification_pairing_and_reasons():
    items = [
        ("2023/示例县统计局.md", _balanced("示例县统计局", 2023, 0, 2)),
        ("2024/示例县统计局.md", _balanced("示例县统计局", 2024, 2, 1)),
        ("2024/示例县水利局.md", _balanced("示例县水利局", 2024, 0, 0)),
        ("2022/示例县水务局.md", _balanced("示例县水务局", 2022, 0, 0)),
        ("2024/示例县水务局.md", _balanced("示例县水务局", 2024, 0, 0)),
        ("notes.md", "# 会议纪要\n\n今天讨论了下一年度的工作安排。\n"),
        ("2024/无标题.md", CLEAN.split("\n", 2)[2].replace("示例县统计局", "我局")),
    ]
    res = audit_texts(items)
    g = res.grouping
    assert [(p.facts.path, c.facts.path) for p, c in g.pairs] == [("2023/示例县统计局.md", "2024/示例县统计局.md")]
    why = {r.facts.path: w for r, w in g.unpaired}
    assert "没有该机关" in why["2024/示例县水利局.md"] and "2023年度" in why["2024/示例县水利局.md"]
    assert "2022" in why["2024/示例县水务局.md"] and "不相邻" in why["2024/示例县水务局.md"]
    unid = {u["path"]: u["why"] for u in g.unidentified}
    assert "不像" in unid["notes.md"]
    assert "2024/无标题.md" in unid
    assert not [d for d in res.cross if d.severity == "error"]  # the clean pair: no error
    d = res.to_dict()
    assert d["summary"]["pairs"] == 1 and d["summary"]["unpaired"] == 3
    r2024 = next(r for r in d["reports"] if r["path"] == "2024/示例县统计局.md")
    r2023 = next(r for r in d["reports"] if r["path"] == "2023/示例县统计局.md")
    assert r2024["previous"] == r2023["id"] and r2024["level"] == "department" and r2024["region"] == "示例县"
    assert r2024["repetition"]["rate"] > 0.9  # the same text, other numbers


def test_the_same_report_in_two_formats_is_one():
    md = _balanced("示例县统计局", 2024, 2, 1)
    txt = md.replace("| ", " ").replace(" |", " ").replace("<br>", "")  # another shape of the same report
    res = audit_texts([("a/示例县统计局2024.md", md), ("b/示例县统计局2024.txt", txt),
                       ("2023/示例县统计局.md", _balanced("示例县统计局", 2023, 0, 2))])
    g = res.grouping
    twin = next(r for r in g.reports if r.facts.path == "a/示例县统计局2024.md")
    assert twin.paths == ["a/示例县统计局2024.md", "b/示例县统计局2024.txt"]
    assert len(g.reports) == 2 and len(g.pairs) == 1
    assert not any(d.path == "b/示例县统计局2024.txt" for d in res.findings)  # reported once


def test_two_different_reports_of_one_agency_and_year_are_not_merged():
    a = _balanced("示例县统计局", 2024, 2, 1)
    # another report of the same agency and year: other prose, other numbers
    other = "\n\n".join(p if p.startswith(("#", "|", "示例县统计局<br>")) or not p.strip() else "本年度我局重新梳理了政府信息公开目录，" + p[::-1]
                        for p in CLEAN.split("\n\n"))
    b = _balanced("示例县统计局", 2024, 5, 4, text=other)
    res = audit_texts([("x.md", a), ("y.md", b), ("2023.md", _balanced("示例县统计局", 2023, 0, 2))])
    assert len([r for r in res.grouping.reports if r.key == "示例县统计局" and r.facts.year == 2024]) == 2
    assert any("多份内容不同" in w for _, w in res.grouping.unpaired)


# -- cross-year and cross-agency on built collections ---------------------------------------


def test_carry_over_break_is_an_error_and_the_clean_pair_has_none():
    res = audit_texts([("2023/示例县统计局.md", _balanced("示例县统计局", 2023, 0, 3)),
                       ("2024/示例县统计局.md", _balanced("示例县统计局", 2024, 1, 1)),
                       ("2023/示例县水利局.md", _balanced("示例县水利局", 2023, 0, 4)),
                       ("2024/示例县水利局.md", _balanced("示例县水利局", 2024, 4, 0))])
    errors = [d for d in res.cross if d.severity == "error"]
    assert {d.path for d in errors} == {"2024/示例县统计局.md"}
    assert {d.rule for d in errors} == {"XG951"}
    assert any("（总计）为 1" in d.message and "的 3 不一致" in d.message for d in errors)
    assert all(d.related[0].path == "2023/示例县统计局.md" for d in errors)


def test_a_paragraph_copied_from_another_agency_is_reported_on_the_later_report():
    a = _balanced("示例县统计局", 2024, 2, 1)
    own = "示例县水利局全年通过县政府门户网站水利局专栏主动公开政府信息86条，内容涵盖水利工程建设、河湖长制、防汛抗旱和水资源管理等方面。"
    b = _balanced("示例县水利局", 2024, 0, 0).replace(
        "全年通过示例县人民政府门户网站统计局专栏主动公开政府信息236条", own)
    copied = next(p for p in CLEAN.split("\n\n") if p.startswith("我局严格执行"))
    others = [("2024/示例县林业局.md", _balanced("示例县林业局", 2024, 0, 0).replace(copied, "林业局依法办理依申请公开，全年办结申请若干件，均在法定期限内答复。"))]
    res = audit_texts([("2024/示例县统计局.md", a), ("2024/示例县水利局.md", b), *others])
    shared = [d for d in res.cross if d.rule == "XG961"]
    # the two share clean.md's prose; the later by path (水利局 > 统计局? no: by path string)
    assert shared, "no shared paragraph found"
    for d in shared:
        assert (d.path, d.related[0].path) in {("2024/示例县统计局.md", "2024/示例县水利局.md"),
                                                ("2024/示例县林业局.md", "2024/示例县水利局.md"),
                                                ("2024/示例县统计局.md", "2024/示例县林业局.md")}
        assert d.path > d.related[0].path  # the later one by path (same year)


def test_phrases_most_reports_share_are_not_reported():
    # five agencies with the same paragraph: a common phrase (document frequency), not a copy
    texts = [(f"2024/示例县{n}局.md", _balanced(f"示例县{n}局", 2024, 0, 0)) for n in "甲乙丙丁戊"]
    res = audit_texts(texts)
    assert not [d for d in res.cross if d.rule == "XG961"]
    assert res.repetition  # measured, nothing to compare


def test_lsh_blocking_is_not_all_pairs():
    import random

    rng = random.Random(5)
    alphabet = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处理府研质"
    paras = ["".join(rng.choice(alphabet) for _ in range(120)) for _ in range(1500)]
    index = sketch.Index()
    for k, p in enumerate(paras):
        index.add(sketch.signature(p), k)
    assert len(index.blob) == 1500 * sketch.WIDTH  # the index holds signatures, not texts
    cand, crowded = index.candidate_pairs()
    assert not crowded
    assert len(cand) < 0.001 * len(paras) ** 2 / 2  # random texts: (almost) no candidates
    index.add(sketch.signature(paras[7][:110] + "改了结尾"), 1500)
    index.add(sketch.signature(paras[9]), 9)  # the same owner: never a pair
    cand, _ = index.candidate_pairs()
    assert (7, 1500) in cand and (9, 1501) not in cand
    assert index.similarity(7, 1500) > 0.7
    per_band = set().union(*(index.candidate_pairs(b)[0] for b in range(sketch.bands())))
    assert per_band == cand  # the Ray engine's split by band gives the same pairs
    for k in range(sketch.MAX_BUCKET + 1):  # a phrase in very many reports: crowded, no pairs made of it
        index.add(sketch.signature(paras[3]), 2000 + k)
    cand, crowded = index.candidate_pairs()
    assert len(cand) < 200 and set(range(1502, 1502 + sketch.MAX_BUCKET + 1)) <= crowded


def test_signatures_are_stable_across_processes():
    import subprocess

    text = "全年通过县政府门户网站统计局专栏主动公开政府信息236条，其中统计数据124条。"
    code = ("from xxgk_lint.linter.audit import sketch;import sys;"
            f"sys.stdout.write(sketch.signature({text!r}).hex())")
    outs = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                           env={"PYTHONHASHSEED": seed, "PYTHONPATH": str(ROOT.parent), "PATH": "/usr/bin:/bin"}
                           ).stdout for seed in ("1", "2")}
    assert outs == {sketch.signature(text).hex()}


def test_metrics_and_quartiles():
    res = audit_texts([(f"2024/示例县{n}局.md", _balanced(f"示例县{n}局", 2024, 0, k)) for k, n in enumerate("甲乙丙")])
    d = res.to_dict()
    for r in d["reports"]:
        assert r["metrics"]["open_share"] == pytest.approx(11 / 19, abs=1e-4)  # (9 + 2) / 19
        assert r["metrics"]["review_correction_rate"] == 0
    apps = sorted(r["metrics"]["applications"] for r in d["reports"])
    assert apps == [19, 20, 21]
    m = next(m for m in d["metrics"] if m["key"] == "applications")
    assert m["quartiles"] == [19.5, 20, 20.5] and m["unit"] == "件"
    assert len(d["reports"][0]["cells"]) > 100  # every extracted cell


def test_audit_dict_follows_the_schema():
    res = audit_texts([("2023/示例县统计局.md", _balanced("示例县统计局", 2023, 0, 2)),
                       ("2024/示例县统计局.md", _balanced("示例县统计局", 2024, 2, 1))])
    d = res.to_dict()
    assert set(d) >= {"tool", "generated", "engine", "summary", "categories", "category_labels", "reports", "pairs",
                      "series", "unidentified", "unpaired", "metrics"}
    assert set(d["summary"]) == {"reports", "passed", "failed", "errors", "warnings", "infos", "pairs", "unidentified", "unpaired"}
    r = d["reports"][1]
    assert set(r) >= {"id", "path", "paths", "agency", "agency_key", "level", "level_label", "region", "year", "format",
                      "passed", "counts", "by_category", "findings", "metrics", "cells", "previous", "repetition"}
    assert set(r["repetition"]) == {"rate", "per_section", "passages"}
    for f in r["findings"]:
        assert {"path", "line", "column", "end_line", "end_column", "rule", "name", "category", "severity", "message",
                "fix", "related", "context"} <= set(f)
    assert "cross-year" in d["categories"] and d["category_labels"]["cross-year"]
    assert d["pairs"] == [{"agency_key": "示例县统计局", "years": [2023, 2024], "reports": [d["reports"][0]["id"], r["id"]]}]
    assert list(d["series"]) == ["示例县统计局"]


def test_cross_year_findings_for_the_language_server():
    linter = Linter(Config())
    cur, _ = linter.lint_text(_balanced("示例县统计局", 2024, 5, 1), "2024/示例县统计局.md")
    prev, _ = linter.lint_text(_balanced("示例县统计局", 2023, 0, 2), "2023/示例县统计局.md")
    older, _ = linter.lint_text(_balanced("示例县统计局", 2022, 0, 5), "2022/示例县统计局.md")
    other, _ = linter.lint_text(_balanced("示例县水利局", 2023, 0, 5), "2023/示例县水利局.md")
    found = cross_year_findings(cur, [older, other, prev, cur])
    carry = [d for d in found if d.rule == "XG951"]
    assert carry and all(d.related[0].path == "2023/示例县统计局.md" for d in carry)  # the nearest year
    assert all(d.path == "2024/示例县统计局.md" for d in found)
    only_total = cross_year_findings(cur, [prev], Config(params={"XG951": {"columns": ["total"]}}))
    assert [d.message for d in only_total if d.rule == "XG951"] and all("（总计）" in d.message for d in only_total if d.rule == "XG951")
    assert cross_year_findings(cur, [other]) == []
    assert cross_year_findings(prev, [cur]) == []  # only earlier years


def test_a_rule_that_raises_is_reported_not_fatal(monkeypatch):
    from xxgk_lint.linter.audit import kinds

    def boom(self, cur, prev, ctx):
        raise RuntimeError("坏了")

    monkeypatch.setattr(kinds.Jump, "check_pair", boom)
    res = audit_texts([("2023/a.md", _balanced("示例县统计局", 2023, 0, 3)), ("2024/a.md", _balanced("示例县统计局", 2024, 1, 1))])
    assert any("XG954" in e for e in res.internal)
    assert any(d.rule == "XG951" for d in res.cross)


# -- the corpus series --------------------------------------------------------------------------


def _corpus(*prefixes):
    from xxgk_lint.linter.reading.files import read_report

    paths = [corpus_file(p) for p in prefixes]
    return audit_texts([(str(p), read_report(str(p)).text) for p in paths])


@needs_corpus
def test_corpus_hongze_2023_2024():
    res = _corpus("102", "103")
    g = res.grouping
    assert len(g.pairs) == 1  # 洪泽区人民政府 (2023) and 淮安市洪泽区人民政府 (2024): one agency
    prev, cur = g.pairs[0]
    assert cur.key == prev.key == "洪泽区" and cur.level == "government"
    assert not [d for d in res.cross if d.severity == "error"]  # a clean pair: carry-over holds
    rep = res.repetition[cur.id]
    # 103's section 五 copies 2023's text: found, and shown side by side
    five = [p for p in rep.passages if p.section == 5]
    assert five and "扎实推进依申请公开工作" in five[0].this and "扎实推进依申请公开工作" in five[0].previous
    assert rep.per_section[5] > 0.3
    copied = [d for d in res.cross if d.rule == "XG955" and d.span.line == five[0].this_line]
    assert copied and copied[0].related[0].path.endswith("102_hongze-district-gov-2023.txt")


@needs_corpus
def test_corpus_pingtan_2019_2021():
    res = _corpus("104", "105", "106")
    g = res.grouping
    assert [(p.facts.year, c.facts.year) for p, c in g.pairs] == [(2019, 2020), (2020, 2021)]
    assert {r.key for r in g.reports} == {"平潭综合实验区"}
    assert [r.facts.format for r in g.reports] == ["2019", "2019", "2021"]
    assert not [d for d in res.cross if d.severity == "error"]
    assert not g.unpaired and not g.unidentified


# -- generated collections ------------------------------------------------------------------------


def _generator():
    sys.path.insert(0, str(ROOT))
    try:
        from generator import collection
    except ImportError as exc:  # the generator ships with the repository; a broken one says so
        pytest.fail(f"generator.collection cannot be imported: {exc}")
    return collection


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_generated_collection_every_planted_defect_found_no_clean_error(seed):
    collection = _generator()
    items = collection.build(seed=seed, county="示例县", departments=4, years=(2022, 2023, 2024), plant=True)
    res = audit_texts([(it.path, it.text) for it in items])
    g = res.grouping
    assert len(g.pairs) == 2 * len({it.report.agency.name for it in items}) and not g.unidentified
    planted = [p for it in items for p in it.planted]
    assert {p.kind for p in planted} == {"carry-over-break", "copied-from-year", "copied-from-agency"}
    rule_of = {"carry-over-break": {"XG951"}, "copied-from-year": {"XG953", "XG955"}, "copied-from-agency": {"XG961"}}
    for p in planted:
        hits = [d for d in res.cross if d.rule in rule_of[p.kind] and d.path == p.path
                and any(getattr(r, "path", "") == p.other_path for r in d.related)]
        assert hits, f"planted {p.kind} in {p.path} (from {p.other_path}) not found"
    broken = {p.path for p in planted if p.kind == "carry-over-break"}
    errors = {d.path for d in res.cross if d.severity == "error"}
    assert errors == broken  # no clean pair gets an error


def test_audit_rule_and_metric_texts_are_full_width():
    from .test_own_messages import bad_spots

    for r in RULES:
        for text in (r.message, r.description):
            assert not bad_spots(text), (r.id, bad_spots(text))
    from xxgk_lint.linter.audit.metrics import metrics

    for m in metrics():
        assert not bad_spots(m.label + m.description), m.key


def test_suppression_comments_and_audit_categories_apply_to_cross_report_findings():
    items = [("2023/a.md", _balanced("示例县统计局", 2023, 0, 3)), ("2024/a.md", _balanced("示例县统计局", 2024, 1, 1))]
    assert any(d.rule == "XG951" for d in audit_texts(items).cross)
    quiet = [items[0], ("2024/a.md", "<!-- xxgk-lint: disable=XG951 -->\n" + items[1][1])]
    assert not any(d.rule == "XG951" for d in audit_texts(quiet).cross)
    assert not [d for d in audit_texts(items, Config(ignore=["cross-year"])).cross if d.rule.startswith("XG95")]
    assert {d.rule for d in audit_texts(items, Config(select=["cross-year"])).findings} <= {r.id for r in RULES}
