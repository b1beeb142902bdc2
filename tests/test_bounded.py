"""Safe on a hostile repository: nothing hangs, nothing reads without bound.

A named pipe or a link to /dev/zero among the reports, a file of a gigabyte, a folder the
walk cannot enter, thousands of suppression comments, three hundred thousand findings of one
rule, a rule pack with a regex that backtracks polynomially, file names with bytes that are
not UTF-8 and with terminal escapes: each ends quickly, with one clear line where something
is refused, and every output format stays valid in its own syntax.

Every command runs as a subprocess under a timeout (a hang fails the test instead of
stopping the run) and a memory limit (a read without bound fails instead of filling the
machine's memory).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from .conftest import EXAMPLES

REPORT = EXAMPLES / "clean.txt"  # a realistic report, clean in every category
DEFECTS = EXAMPLES / "defects.txt"  # one with findings
TIMEOUT = 30.0
MEMORY = 3 * 1024**3  # address space of a command: a read without bound fails, not the machine

needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes need POSIX")
needs_dev_zero = pytest.mark.skipif(not os.path.exists("/dev/zero") or not hasattr(os, "symlink"), reason="needs /dev/zero and symbolic links")


@pytest.fixture(autouse=True)
def _no_disk_cache(monkeypatch):
    monkeypatch.setenv("XXGK_LINT_NO_DISK_CACHE", "1")


def _limit_memory() -> None:  # (in the child, before exec)
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))
    except (ImportError, ValueError, OSError):
        pass


def run_cli(args: list, cwd: Path, timeout: float = TIMEOUT, **env: str) -> tuple[int | None, bytes, str, float]:
    """(exit code or None if it did not finish in time, stdout bytes, stderr text, seconds)."""
    full_env = {**os.environ, "NO_COLOR": "1", "XXGK_LINT_CACHE_DIR": str(cwd / ".disk-cache"), **env}
    start = time.monotonic()
    try:
        p = subprocess.run(
            [sys.executable, "-m", "xxgk_lint.linter", *args],
            cwd=cwd,
            env=full_env,
            capture_output=True,
            timeout=timeout,
            preexec_fn=_limit_memory if os.name == "posix" else None,
        )
    except subprocess.TimeoutExpired as exc:
        return None, exc.stdout or b"", (exc.stderr or b"").decode("utf-8", "replace"), time.monotonic() - start
    return p.returncode, p.stdout, p.stderr.decode("utf-8", "replace"), time.monotonic() - start


def err_lines(err: str) -> list[str]:
    return [line for line in err.splitlines() if line.strip()]


def copy_report(path: Path, source: Path = REPORT) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(source.read_bytes())
    return path


# ----------------------------------------------------------------------------------------------
# only regular files are read


@needs_fifo
def test_fifo_in_a_folder_is_skipped_with_one_line(tmp_path: Path):
    folder = tmp_path / "reports"
    copy_report(folder / "report.txt")
    os.mkfifo(folder / "pipe.txt")
    code, out, err, _ = run_cli(["check", "--no-cache", "--isolated", str(folder)], tmp_path)
    assert code is not None, "the folder walk hung on the named pipe"
    assert code in (0, 1) and "Traceback" not in err, (code, err)
    lines = err_lines(err)
    assert len(lines) == 1 and "pipe.txt" in lines[0] and "命名管道" in lines[0] and "已跳过" in lines[0], err
    assert "检查了 1 个文件" in out.decode("utf-8")


@needs_fifo
@pytest.mark.parametrize("command", ["check", "parse"])
def test_fifo_named_explicitly_is_an_error(command: str, tmp_path: Path):
    pipe = tmp_path / "pipe.txt"
    os.mkfifo(pipe)
    args = [command, "--no-cache", "--isolated", str(pipe)] if command == "check" else [command, str(pipe)]
    code, _, err, _ = run_cli(args, tmp_path)
    assert code is not None, f"{command} hung on the named pipe"
    lines = err_lines(err)
    assert code == 2 and len(lines) == 1 and "Traceback" not in err, (code, err)
    assert "pipe.txt" in lines[0] and "不是普通文件（命名管道）" in lines[0], err


@needs_dev_zero
def test_link_to_dev_zero_ends_at_once(tmp_path: Path):
    zero = tmp_path / "reports" / "zero.txt"
    copy_report(tmp_path / "reports" / "report.txt")
    zero.symlink_to("/dev/zero")
    # named: an error saying what it is
    code, _, err, took = run_cli(["check", "--no-cache", "--isolated", str(zero)], tmp_path)
    assert code is not None, "check read /dev/zero without end"
    lines = err_lines(err)
    assert code == 2 and len(lines) == 1 and "zero.txt" in lines[0] and "字符设备" in lines[0], err
    assert took < 10, f"{took:.1f} s"
    # in a walk: skipped, the report beside it checked
    code, out, err, _ = run_cli(["check", "--no-cache", "--isolated", str(zero.parent)], tmp_path)
    assert code in (0, 1) and "zero.txt" in err and "已跳过" in err and "检查了 1 个文件" in out.decode("utf-8"), (code, err)
    # and `parse`
    code, _, err, _ = run_cli(["parse", str(zero)], tmp_path)
    assert code == 2 and "字符设备" in err, (code, err)


def test_huge_file_is_refused_quickly(tmp_path: Path):
    """A 30 MB report (the cap is 20 MB): one line, exit 2, without linting (or reading) it."""
    text = REPORT.read_bytes()
    huge = tmp_path / "huge.txt"
    with open(huge, "wb") as f:
        for _ in range(30 * 1024 * 1024 // len(text) + 1):
            f.write(text)
    code, _, err, took = run_cli(["check", "--no-cache", "--isolated", str(huge)], tmp_path)
    assert code is not None, "check of a 30 MB file did not finish"
    lines = err_lines(err)
    assert code == 2 and len(lines) == 1 and "huge.txt" in lines[0] and "过大" in lines[0] and "20" in lines[0], err
    assert took < 10, f"{took:.1f} s"


def test_size_cap_from_the_environment(tmp_path: Path):
    report = copy_report(tmp_path / "report.txt")
    code, _, err, _ = run_cli(["check", "--no-cache", "--isolated", str(report)], tmp_path, XXGK_LINT_MAX_BYTES="1000")
    lines = err_lines(err)
    assert code == 2 and len(lines) == 1 and "report.txt" in lines[0] and "过大" in lines[0] and "XXGK_LINT_MAX_BYTES" in lines[0], err
    code, _, err, _ = run_cli(["check", "--no-cache", "--isolated", str(report)], tmp_path, XXGK_LINT_MAX_BYTES="many")
    assert code == 2 and len(err_lines(err)) == 1 and "XXGK_LINT_MAX_BYTES" in err, err


@pytest.mark.skipif(not os.path.exists("/proc/self/maps"), reason="needs Linux /proc")
def test_read_is_bounded_when_the_size_is_not_known():
    """Files whose size the system reports as 0 (/proc) are read only up to the cap."""
    from xxgk_lint.linter.reading.files import ReadError, read_bytes

    assert os.stat("/proc/self/maps").st_size == 0
    with pytest.raises(ReadError, match="过大"):
        read_bytes("/proc/self/maps", limit=10)


def test_unreadable_folder_in_a_walk_is_reported(tmp_path: Path, monkeypatch, capsys):
    """A folder the walk cannot read: one line on stderr, the other reports still checked,
    exit 2 at the end. (Tests run as root here, and root reads a mode-000 folder: the
    failing scandir is simulated.)"""
    from xxgk_lint.linter.cli.main import main

    copy_report(tmp_path / "a" / "report.txt")
    locked = tmp_path / "b" / "locked"
    copy_report(locked / "hidden.txt")
    real_scandir = os.scandir

    def scandir(path="."):
        if os.fspath(path) == str(locked):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    code = main(["check", "--no-cache", "--isolated", "--jobs", "1", str(tmp_path)])
    out, err = capsys.readouterr()
    lines = err_lines(err)
    assert code == 2, (code, out, err)
    assert len(lines) == 1 and "locked" in lines[0] and "无法读取目录" in lines[0] and "Traceback" not in err, err
    assert "检查了 1 个文件" in out and "hidden.txt" not in out


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root can read a mode-000 folder")
def test_mode_000_folder_from_the_command_line(tmp_path: Path):
    copy_report(tmp_path / "a" / "report.txt")
    locked = tmp_path / "locked"
    copy_report(locked / "hidden.txt")
    locked.chmod(0)
    try:
        code, out, err, _ = run_cli(["check", "--no-cache", "--isolated", str(tmp_path)], tmp_path)
    finally:
        locked.chmod(0o755)
    lines = err_lines(err)
    assert code == 2 and len(lines) == 1 and "locked" in lines[0] and "Traceback" not in err, (code, err)
    assert "检查了 1 个文件" in out.decode("utf-8")


# ----------------------------------------------------------------------------------------------
# suppression comments in linear time


def test_thousands_of_suppression_comments_are_linear():
    from xxgk_lint.linter.checking.engine import Linter

    linter = Linter()
    base = REPORT.read_text(encoding="utf-8")
    comment = "<!-- xxgk-lint: disable-next-line=XG201 -->"
    texts = {
        "5,000 comment lines in a row": base + "\n" + "\n".join([comment] * 5000) + "\n",
        "6,000 comments and findings on one line": base + "\n" + "（<!-- xxgk-lint: disable-line=XG801 -->" * 6000 + "\n",
    }
    for what, text in texts.items():
        start = time.perf_counter()
        _, diags = linter.lint_text(text, "r.txt")
        took = time.perf_counter() - start
        assert took < 2.0, f"{what}: {took:.1f} s"
        if "one line" in what:
            assert not [d for d in diags if d.rule == "XG801"], "the comments no longer suppress"
        else:
            assert sum(d.rule == "XG001" for d in diags) == 5000  # each unused, each reported


# ----------------------------------------------------------------------------------------------
# findings per rule per file capped in every format

PARENS = "（" * 300_000  # 900 KB: 300,000 findings of XG801


@pytest.fixture(scope="module")
def paren_findings():
    from xxgk_lint.linter.checking.engine import Linter

    _, diags = Linter().lint_text(PARENS, "parens.txt")
    assert len(diags) >= 300_000
    return diags


def test_many_findings_from_the_command_line(tmp_path: Path):
    report = tmp_path / "parens.txt"
    report.write_text(PARENS, encoding="utf-8")
    for fmt in ("text", "json"):
        code, out, err, took = run_cli(["check", "--no-cache", "--isolated", "--format", fmt, str(report)], tmp_path)
        assert code == 1 and "Traceback" not in err, (fmt, code, err[-500:])
        assert took < 10, f"{fmt}: {took:.1f} s"
        assert len(out) < 1024 * 1024, f"{fmt}: {len(out)} bytes of output"
        text = out.decode("utf-8")
        assert "该规则还有 299800 处同类问题未列出" in text, fmt
        if fmt == "json":
            items = json.loads(text)
            assert sum(d["rule"] == "XG801" for d in items) == 201


def test_many_findings_in_every_format(paren_findings):
    from xxgk_lint.linter.checking.engine import Linter
    from xxgk_lint.linter.reporting.formats import github, junit, sarif
    from xxgk_lint.linter.reporting.output import format_concise, format_json, format_json_items, format_text

    lines = PARENS.split("\n")
    outputs = {
        "text": format_text(paren_findings, lambda _p: lines),
        "concise": format_concise(paren_findings),
        "json": format_json(paren_findings),
        "json items": format_json_items([d.to_json() for d in paren_findings]),
        "sarif": sarif(paren_findings, Linter().rules),
        "github": github(paren_findings),
        "junit": junit(paren_findings, ["parens.txt"], "error"),
    }
    for fmt, text in outputs.items():
        assert len(text.encode("utf-8")) < 1024 * 1024, f"{fmt}: {len(text)} characters"
        assert "299800" in text, f"{fmt}: no note for the findings left out"
    assert len(json.loads(outputs["json items"])) == 201
    assert len(json.loads(outputs["sarif"])["runs"][0]["results"]) == 201
    ET.fromstring(outputs["junit"])


# ----------------------------------------------------------------------------------------------
# rule packs: regexes that backtrack polynomially are refused when the pack loads

from .test_hostile_rules import BASE as BASE_RULE  # noqa: E402  (the one base rule of the pack tests)
POLYNOMIAL = [".*.*.*.*.*[QZ]", "[^。]*[^。]*[^。]*[^。]*[QZ]"]


@pytest.mark.parametrize("regex", POLYNOMIAL, ids=["dot-star-5", "negated-class-4"])
def test_polynomial_regex_pack_is_refused(regex: str, tmp_path: Path):
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "pack.toml").write_text(BASE_RULE + f'params = {{ regex = "{regex}", scope = "lines" }}\n', encoding="utf-8")
    config = tmp_path / "xxgk-lint.toml"
    config.write_text('rule-dirs = ["rules"]\n', encoding="utf-8")
    report = tmp_path / "report.txt"
    report.write_text(REPORT.read_text(encoding="utf-8") + "\n" + "数" * 2300 + "\n", encoding="utf-8")  # 6.9 KB on a line
    code, _, err, _ = run_cli(["check", "--no-cache", "--config", str(config), str(report)], tmp_path)
    assert code is not None, f"{regex}: the CLI hung"
    lines = err_lines(err)
    assert code == 2 and len(lines) == 1 and "Traceback" not in err, (code, err)
    assert "pack.toml" in lines[0] and "XX101.params.regex" in lines[0], err


def test_static_regex_check_and_the_built_in_rules():
    from xxgk_lint.linter.checking.engine import load_dirs
    from xxgk_lint.linter.support.regexes import RegexError, adjacent_repeats, compile_checked
    from xxgk_lint.linter.support.resources import rules_dir

    for bad in [*POLYNOMIAL, ".*.*", "[^。]*[^。]*", r"\s*\s*", "a*a*", r"\d+\s*\d+", "(?i)a*A+", ".*,.*X", "(.*)(?:x.*)"]:
        with pytest.raises(RegexError):
            compile_checked(bad)
    for good in ["a*b*", r"\d+年\d+月", r"[ \t]*(?P<n>\d+)[ \t]*件", ".{0,10}.{0,10}", r"\d+\D+\d+", r"\w+\.\w+", r"\d+(?:\.\d+)?"]:
        assert not adjacent_repeats(good), good
    load_dirs([rules_dir()])  # every built-in rule's regex passes the check


# ----------------------------------------------------------------------------------------------
# file names: valid JSON, well-formed XML, no raw control characters on a terminal


def test_file_name_with_bad_bytes_and_escape(tmp_path: Path):
    folder = tmp_path / "reports"
    folder.mkdir()
    raw = os.fsencode(folder) + b"/bad\xff\x1b[31m.txt"
    try:
        with open(raw, "wb") as f:
            f.write(DEFECTS.read_bytes())
    except OSError:
        pytest.skip("the file system refuses names that are not UTF-8")
    name = os.fsdecode(raw)
    outputs = {}
    for fmt in ("json", "junit", "text", "concise", "sarif"):
        code, out, err, _ = run_cli(["check", "--no-cache", "--isolated", "--format", fmt, str(folder)], tmp_path)
        assert code == 1 and "Traceback" not in err, (fmt, code, err)
        outputs[fmt] = out
    for fmt, out in outputs.items():
        out.decode("utf-8")  # valid UTF-8, whatever the name holds
    items = json.loads(outputs["json"])
    assert items and {d["path"] for d in items} == {name}  # the name itself, escaped (\udcff \u001b)
    assert os.fsencode(items[0]["path"]) == raw
    root = ET.fromstring(outputs["junit"])
    assert [c.get("name") for c in root.iter("testcase")] == [name.replace("\udcff", "\\xff").replace("\x1b", "\\x1b")]
    for fmt in ("text", "concise"):
        assert b"\x1b" not in outputs[fmt], f"{fmt}: a raw ESC reaches the terminal"
        assert "bad\\xff\\x1b[31m.txt" in outputs[fmt].decode("utf-8")
    log = json.loads(outputs["sarif"])
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in log["runs"][0]["results"]}
    assert len(uris) == 1 and uris.pop().endswith("bad%FF%1B%5B31m.txt")
