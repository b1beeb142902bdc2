"""The `xxgk-lint` command: contract of `check` and `parse`, exit codes, bad input."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from xxgk_lint.linter.cli.main import main

from .conftest import CORPUS, needs_corpus, corpus_files

CONTRACT_KEYS = {"path", "line", "column", "end_line", "end_column", "rule", "category", "severity", "message", "fix"}


def run(*args, stdin: bytes | None = None):
    proc = subprocess.run(
        [sys.executable, "-m", "xxgk_lint.linter", *args], input=stdin, capture_output=True, timeout=120
    )
    return proc.returncode, proc.stdout.decode("utf-8"), proc.stderr.decode("utf-8")


@needs_corpus
def test_check_corpus_json_contract():
    code, out, err = run("check", "--format", "json", str(CORPUS))
    assert code in (0, 1), err
    data = json.loads(out)
    assert isinstance(data, list) and data
    for d in data:
        assert CONTRACT_KEYS <= set(d)
        assert d["severity"] in ("error", "warning", "info")
        assert d["line"] >= 1 and d["column"] >= 1
        assert (d["end_line"], d["end_column"]) >= (d["line"], d["column"])
    paths = {d["path"] for d in data}
    assert any("002_" in p for p in paths)


def test_exit_code_1_on_errors_and_0_when_clean(tmp_path, capsys):
    bad = next(p for p in corpus_files() if p.name.startswith("002_"))
    assert main(["check", "--isolated", "--select", "XG301", str(bad)]) == 1
    assert main(["check", "--isolated", "--select", "XG301", "--ignore", "XG301", str(bad)]) == 0
    # warnings alone do not fail unless --fail-level says so
    crawl = next(p for p in corpus_files() if p.name.startswith("104_"))
    assert main(["check", "--isolated", "--select", "XG303", str(crawl)]) == 0
    assert main(["check", "--isolated", "--select", "XG303", "--fail-level", "warning", str(crawl)]) == 1


def test_stdin_and_text_format():
    text = (next(p for p in corpus_files() if p.name.startswith("002_"))).read_bytes()
    code, out, err = run("check", "--isolated", "--stdin-filename", "r.txt", "-", stdin=text)
    assert code == 1
    assert "r.txt:147:1: 错误 XG301" in out
    assert "^" in out  # the code frame
    assert "发现" in out  # the summary line


@pytest.mark.parametrize(
    "args,needle",
    [
        (["check", "no/such/file.txt"], "不存在"),
        (["check", "--format", "xml", "x"], "用法错误"),
        (["frobnicate"], "用法错误"),
        (["rule", "XG999"], "没有规则"),
    ],
)
def test_usage_errors_exit_2_with_one_line(args, needle):
    code, out, err = run(*args)
    assert code == 2
    assert needle in err
    assert "Traceback" not in err


def test_undecodable_and_binary_files(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes("一、总体情况\n".encode() + b"\xff\xfe\xfa\x80\x81" * 3)
    binary = tmp_path / "bin.txt"
    binary.write_bytes(b"\x00\x01\x02" * 100)
    for f, needle in ((bad, "字节"), (binary, "二进制")):
        code, out, err = run("check", str(f))
        assert code == 2
        assert str(f) in err and needle in err
        assert "Traceback" not in err


def test_empty_file_and_gbk_file(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    code, out, err = run("check", "--isolated", str(empty))
    assert code in (0, 1) and "Traceback" not in err
    src = next(p for p in corpus_files() if p.name.startswith("002_"))
    gbk = tmp_path / "gbk.txt"
    gbk.write_bytes(src.read_text(encoding="utf-8").encode("gb18030"))
    code1, out1, _ = run("check", "--isolated", "--format", "json", str(src))
    code2, out2, _ = run("check", "--isolated", "--format", "json", str(gbk))
    strip = lambda out: [{k: v for k, v in d.items() if k != "path"} for d in json.loads(out)]
    assert code1 == code2 and strip(out1) == strip(out2)


def test_folder_recursion(tmp_path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    src = next(p for p in corpus_files() if p.name.startswith("002_"))
    (tmp_path / "a" / "b" / "r.md").write_text(src.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "a" / "ignore.png").write_bytes(b"\x89PNG")  # not a report format
    code, out, err = run("check", "--isolated", "--format", "json", str(tmp_path))
    assert code == 1
    assert {d["path"] for d in json.loads(out)} == {str(tmp_path / "a" / "b" / "r.md")}


def test_parse_prints_every_cell():
    src = next(p for p in corpus_files() if p.name.startswith("003_"))
    code, out, err = run("parse", str(src))
    assert code == 0, err
    model = json.loads(out)
    assert [s["number"] for s in model["sections"]] == [1, 2, 3, 4, 5, 6]
    cells = model["tables"]["applications"]["cells"]
    assert len(cells) == 25 * 7
    new = [c["value"] for c in cells if c["row"] == "new"]
    assert new == [25, 2, 0, 0, 0, 0, 27]
    assert all("line" in c for c in cells)


def test_rules_and_rule_commands():
    code, out, _ = run("rules")
    assert code == 0 and "XG301" in out
    code, out, _ = run("rule", "XG301")
    assert code == 0 and "示例" in out
