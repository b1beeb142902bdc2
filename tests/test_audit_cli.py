"""`xxgk-lint audit`: the folder walk, exit codes, every output format, bad input without a
traceback, and the local and Ray engines giving the same audit."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys

import pytest

from xxgk_lint.linter.cli.main import main

from .conftest import CORPUS, EXAMPLES, ROOT, needs_corpus

CLEAN = (EXAMPLES / "clean.md").read_text(encoding="utf-8")
CONTRACT_KEYS = {"path", "line", "column", "end_line", "end_column", "rule", "name", "category", "severity", "message", "fix", "related"}


def run(*args, cwd=None, env=None):
    proc = subprocess.run([sys.executable, "-m", "xxgk_lint.linter", *args], capture_output=True, timeout=300, cwd=cwd,
                          env={**os.environ, **(env or {})})
    return proc.returncode, proc.stdout.decode("utf-8"), proc.stderr.decode("utf-8")


def _report(agency: str, year: int, carried_over: int, carried_forward: int) -> str:
    """examples/clean.md as `agency`'s report of `year`, 二 and 四 changed, 一 balancing."""
    from .test_audit import _report as made

    return made(agency, year, new=19 + carried_forward - carried_over, carried_over=carried_over, carried_forward=carried_forward)


@pytest.fixture
def collection(tmp_path):
    """Two agencies over two years; 统计局's carry-over breaks, 水利局's holds."""
    root = tmp_path / "reports"
    for year, agency, co, cf in [(2023, "示例县统计局", 0, 3), (2024, "示例县统计局", 1, 1),
                                 (2023, "示例县水利局", 0, 4), (2024, "示例县水利局", 4, 0)]:
        p = root / str(year) / f"{agency}.md"
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(_report(agency, year, co, cf), encoding="utf-8")
    (root / "README.md").write_text("# 说明\n\n这个目录存放各单位的年度报告。\n", encoding="utf-8")
    return root


def test_json_is_checks_contract_plus_cross_report_findings(collection, capsys):
    code = main(["audit", "--format", "json", "--isolated", "-q", str(collection)])
    out = capsys.readouterr().out
    assert code == 1  # an error-level finding (the broken carry-over)
    data = json.loads(out)
    assert all(CONTRACT_KEYS <= set(d) for d in data)
    carry = [d for d in data if d["rule"] == "XG951"]
    assert carry and {d["path"] for d in carry} == {str(collection / "2024" / "示例县统计局.md")}
    assert all(r["path"] == str(collection / "2023" / "示例县统计局.md") for d in carry for r in d["related"])
    assert not any("README" in d["path"] for d in data)


def test_text_output_has_findings_and_a_summary_with_reasons(collection, capsys):
    extra = collection / "2022" / "示例县林业局.md"
    extra.parent.mkdir()
    extra.write_text(_report("示例县林业局", 2022, 0, 0), encoding="utf-8")
    code = main(["audit", "--isolated", str(collection)])
    out = capsys.readouterr().out
    assert code == 1
    assert "XG951" in out and "相关位置" in out and "2023/示例县统计局.md" in out
    assert "审核了 5 份报告" in out and "跨年度配对 2 对" in out
    assert "未能配对的报告 1 份" in out and "示例县林业局" in out and "需要2021年度或2023年度的报告" in out
    assert "未能识别的文件 1 个" in out and "README.md" in out


def test_exit_zero_and_fail_level(collection, capsys):
    assert main(["audit", "--isolated", "-q", "--exit-zero", str(collection)]) == 0
    assert main(["audit", "--isolated", "-q", "--ignore", "XG951", str(collection)]) == 0
    assert main(["audit", "--isolated", "-q", "--ignore", "XG951", "--fail-level", "info", str(collection)]) == 1
    capsys.readouterr()


def test_select_an_audit_rule_only(collection, capsys):
    code = main(["audit", "--format", "json", "--isolated", "-q", "--select", "XG951", str(collection)])
    data = json.loads(capsys.readouterr().out)
    assert code == 1 and data and {d["rule"] for d in data} == {"XG951"}


def test_xlsx_holds_findings_every_cell_metrics_and_identification(collection, tmp_path, capsys):
    from openpyxl import load_workbook

    out = tmp_path / "审核.xlsx"
    assert main(["audit", "--format", "xlsx", "-o", str(out), "--isolated", "-q", str(collection)]) == 1
    wb = load_workbook(out, read_only=True)
    assert wb.sheetnames == ["发现", "单元格", "指标", "报告"]
    findings = list(wb["发现"].iter_rows(values_only=True))
    assert findings[0][0] == "路径" and any(r[7] == "XG951" for r in findings[1:])
    main(["audit", "--format", "json", "--isolated", "-q", str(collection)])
    capsys.readouterr()
    # every extracted cell of every report: compare with the parser's own count
    from xxgk_lint.linter.parsing.builder import build

    expected = sum(len(t.cells) for p in sorted(collection.rglob("示例县*.md"))
                   for t in build(p.read_text(encoding="utf-8"), str(p)).tables.values() if t is not None)
    cells = list(wb["单元格"].iter_rows(values_only=True))
    assert len(cells) - 1 == expected and expected > 400
    assert {r[2] for r in cells[1:]} == {"示例县统计局", "示例县水利局"}
    metrics = list(wb["指标"].iter_rows(values_only=True))
    assert metrics[-2][0] == "中位数" and len(metrics) == 1 + 4 + 3
    reports = list(wb["报告"].iter_rows(values_only=True))
    assert [r[4] for r in reports[1:5]] == ["示例县统计局", "示例县统计局", "示例县水利局", "示例县水利局"] or \
        sorted(r[4] for r in reports[1:5]) == ["示例县水利局", "示例县水利局", "示例县统计局", "示例县统计局"]
    assert any(r[1].endswith("README.md") for r in reports[1:])


def test_xlsx_needs_an_output_file(collection, capsys):
    assert main(["audit", "--format", "xlsx", str(collection)]) == 2
    assert "需要用 -o" in capsys.readouterr().err


def test_csv_is_one_file_of_findings(collection, tmp_path, capsys):
    out = tmp_path / "f.csv"
    main(["audit", "--format", "csv", "-o", str(out), "--isolated", "-q", str(collection)])
    text = out.read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["路径", "机关", "年度"] and any(r[7] == "XG951" for r in rows[1:])


def test_sarif_relates_cross_report_findings_to_the_other_file(collection, capsys):
    main(["audit", "--format", "sarif", "--isolated", "-q", str(collection)])
    log = json.loads(capsys.readouterr().out)
    results = [r for r in log["runs"][0]["results"] if r["ruleId"] == "XG951"]
    assert results
    for r in results:
        assert r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].endswith("2024/示例县统计局.md")
        assert r["relatedLocations"][0]["physicalLocation"]["artifactLocation"]["uri"].endswith("2023/示例县统计局.md")
    assert "XG951" in {d["id"] for d in log["runs"][0]["tool"]["driver"]["rules"]}


def test_html_is_written(collection, tmp_path, capsys):
    out = tmp_path / "a.html"
    main(["audit", "--format", "html", "-o", str(out), "--isolated", "-q", str(collection)])
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html") or html.lower().startswith("<!doctype html")
    assert "示例县统计局" in html


def test_unreadable_and_missing_paths_exit_2_without_a_traceback(collection, tmp_path):
    bad = collection / "2024" / "坏文件.pdf"
    bad.write_bytes(b"%PDF-1.4 not really a pdf")
    code, out, err = run("audit", "--isolated", str(collection))
    assert code == 2 and "Traceback" not in err and "坏文件.pdf" in err
    assert "XG951" in out  # the other reports are still audited
    code, _, err = run("audit", str(tmp_path / "nowhere"))
    assert code == 2 and "不存在" in err and "Traceback" not in err
    code, _, err = run("audit", "--engine", "warp", str(collection))
    assert code == 2 and "Traceback" not in err
    code, _, err = run("audit", "-", str(collection))
    assert code == 2 and "标准输入" in err


def test_a_bad_configuration_is_one_message(collection, capsys):
    (collection / "xxgk-lint.toml").write_text('[params]\nXG953 = { threshold = "half" }\n', encoding="utf-8")
    assert main(["audit", str(collection)]) == 2
    err = capsys.readouterr().err
    assert "配置错误" in err and "XG953" in err


def test_parallel_and_serial_audits_agree(collection, capsys):
    for k in range(6):  # enough files for the worker pool
        p = collection / "2024" / f"示例县第{k}局.md"
        p.write_text(_report(f"示例县第{k}局", 2024, 0, 0), encoding="utf-8")
    main(["audit", "--format", "json", "--isolated", "-q", "--jobs", "1", str(collection)])
    serial = capsys.readouterr().out
    main(["audit", "--format", "json", "--isolated", "-q", "--jobs", "2", str(collection)])
    assert capsys.readouterr().out == serial


@needs_corpus
def test_corpus_audit_merges_text_and_pdf_copies(capsys):
    code = main(["audit", "--isolated", str(CORPUS)])
    out = capsys.readouterr().out
    assert code == 1
    assert "102_hongze-district-gov-2023.txt = " in out and "102_hongze-district-gov-2023.pdf" in out
    assert "洪泽区：2023年度" in out and "平潭综合实验区：2020年度" in out


# -- engines ------------------------------------------------------------------------------------


def _ray_or_skip():
    try:
        import ray  # noqa: F401
    except ImportError:
        pytest.skip("ray is not installed (pip install \"xxgk-lint[ray]\"): the Ray engine cannot be compared")


def _generated(tmp_path):
    sys.path.insert(0, str(ROOT))
    from generator import collection

    items = collection.build(seed=7, county="示例县", departments=3, years=(2022, 2023, 2024), plant=True)
    collection.write(items, tmp_path / "gen")
    return tmp_path / "gen"


def test_ray_and_local_engines_give_the_same_audit(tmp_path):
    _ray_or_skip()
    folder = _generated(tmp_path)
    outs = {}
    for engine in ("local", "ray"):
        code, out, err = run("audit", "--format", "json", "--isolated", "-q", "--jobs", "2", "--engine", engine, str(folder))
        assert code == 1, err
        outs[engine] = out
    assert outs["local"] == outs["ray"]
    data = json.loads(outs["local"])
    assert {"XG951", "XG961"} <= {d["rule"] for d in data}


def test_ray_engine_without_ray_says_how_to_install(tmp_path, monkeypatch, capsys):
    import builtins

    real = builtins.__import__

    def no_ray(name, *args, **kwargs):
        if name == "ray" or name.startswith("ray."):
            raise ImportError("no ray")
        return real(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_ray)
    (tmp_path / "a.md").write_text(CLEAN, encoding="utf-8")
    assert main(["audit", "--engine", "ray", "--isolated", str(tmp_path)]) == 2
    assert "xxgk-lint[ray]" in capsys.readouterr().err


def test_the_result_cache_gives_the_same_audit_without_linting_again(collection, capsys, monkeypatch):
    import time as _time

    from xxgk_lint.linter.cli import run as R

    old = _time.time() - 3600
    for p in collection.rglob("*.md"):
        os.utime(p, (old, old))  # older than the racy window: the cache trusts size and mtime
    monkeypatch.chdir(collection)
    main(["audit", "--format", "json", "-q", "."])
    first = capsys.readouterr().out
    assert list((collection / ".xxgk-lint-cache").glob("v*.cache"))

    def no_lint(item):
        raise AssertionError(f"linted again: {item[0]}")

    monkeypatch.setattr(R, "audit_one", no_lint)
    main(["audit", "--format", "json", "-q", "."])
    assert capsys.readouterr().out == first
    (collection / "2024" / "示例县水利局.md").write_text(_report("示例县水利局", 2024, 3, 0), encoding="utf-8")
    assert main(["audit", "--format", "json", "-q", "."]) == 2  # a changed file is read again
    assert "linted again: ./2024/示例县水利局.md" in capsys.readouterr().err
    assert main(["audit", "--format", "json", "-q", "--no-cache", "."]) == 2
    assert "linted again" in capsys.readouterr().err


def test_per_file_ignores_apply_to_cross_report_findings(collection, capsys):
    (collection / "xxgk-lint.toml").write_text('[per-file-ignores]\n"2024/示例县统计局.md" = ["XG951"]\n', encoding="utf-8")
    main(["audit", "--format", "json", "-q", "--no-cache", str(collection)])
    data = json.loads(capsys.readouterr().out)
    assert not [d for d in data if d["rule"] == "XG951"]
