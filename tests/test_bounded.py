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
        else:  # each unused, each reported, up to the cap on one rule's findings
            from xxgk_lint.linter.checking.engine import MAX_FINDINGS

            unused = [d for d in diags if d.rule == "XG001"]
            assert len(unused) == MAX_FINDINGS + 1 and sum("另有更多同类问题未列出" in d.message for d in unused) == 1


# ----------------------------------------------------------------------------------------------
# findings per rule per file capped in the engine and in every format

PARENS = "（" * 300_000  # 900 KB: 300,000 findings of XG801 before the engine's cap
MORE = "另有更多同类问题未列出"  # the engine's note for the findings a rule was not let make


@pytest.fixture(scope="module")
def paren_findings():
    from xxgk_lint.linter.checking.engine import Linter

    _, diags = Linter().lint_text(PARENS, "parens.txt")
    return diags


def child_peak_rss(args: list, cwd: Path, timeout: float = TIMEOUT) -> tuple[int, float, int]:
    """(exit code, seconds, peak RSS in bytes) of one CLI run, measured by a fresh parent
    process (its RUSAGE_CHILDREN holds that one run only)."""
    probe = (
        "import resource, subprocess, sys, time\n"
        "t = time.monotonic()\n"
        "p = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
        "print(p.returncode, time.monotonic() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    )
    env = {**os.environ, "NO_COLOR": "1", "XXGK_LINT_CACHE_DIR": str(cwd / ".disk-cache")}
    out = subprocess.run(
        [sys.executable, "-c", probe, sys.executable, "-m", "xxgk_lint.linter", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
    ).stdout.split()
    return int(out[0]), float(out[1]), int(out[2]) * 1024


def test_engine_caps_the_findings_of_a_rule(paren_findings):
    """A rule stops after MAX_FINDINGS findings in one document, with one note that there
    are more, placed at its first finding (so that every output, which lists 200, shows it)."""
    from xxgk_lint.linter.checking.engine import MAX_FINDINGS
    from xxgk_lint.linter.reporting.output import capped_diagnostics

    xg801 = [d for d in paren_findings if d.rule == "XG801"]
    notes = [d for d in xg801 if MORE in d.message]
    assert len(xg801) == MAX_FINDINGS + 1 and len(notes) == 1, len(xg801)
    assert notes[0].severity == "info" and notes[0].fix is None
    assert notes[0] in capped_diagnostics(paren_findings), "the note is not among the findings listed"
    assert str(MAX_FINDINGS) in notes[0].message


def test_engine_stops_a_rule_at_the_cap():
    """The rule's generator is not run past the cap: the work is bounded, not only the list."""
    from xxgk_lint.linter.checking.engine import MAX_FINDINGS, Linter
    from xxgk_lint.linter.reading.source import Span

    linter = Linter()
    rule = linter.rule("XG801")
    made = 0

    def endless(doc):
        nonlocal made
        for k in range(10 * MAX_FINDINGS):
            made += 1
            yield rule.checker.diag(doc, Span(1, k + 1, 1, k + 2), open="（", close="", expected="）", problem="测试")

    rule.checker.check = endless  # (an attribute of the instance, over the method)
    try:
        _, diags = linter.lint_text("（" * 20, "r.txt")
    finally:
        del rule.checker.check
    assert made == MAX_FINDINGS + 1, made
    assert sum(d.rule == "XG801" for d in diags) == MAX_FINDINGS + 1


def test_cut_short_rule_makes_no_unused_suppression():
    """A suppression comment for a rule that was stopped at the cap may have covered one of
    the findings it did not make: it is not reported as unused (XG001)."""
    from xxgk_lint.linter.checking.engine import Linter

    text = "（" * 3000 + "\n（<!-- xxgk-lint: disable-line=XG801 -->\n"
    _, diags = Linter().lint_text(text, "r.txt")
    assert not [d for d in diags if d.rule == "XG001"], [d.message for d in diags if d.rule == "XG001"]
    assert any(MORE in d.message for d in diags if d.rule == "XG801")


def test_many_findings_from_the_command_line(tmp_path: Path):
    report = tmp_path / "parens.txt"
    report.write_text(PARENS, encoding="utf-8")
    for fmt in ("text", "json"):
        code, out, err, took = run_cli(["check", "--no-cache", "--isolated", "--format", fmt, str(report)], tmp_path)
        assert code == 1 and "Traceback" not in err, (fmt, code, err[-500:])
        assert took < 10, f"{fmt}: {took:.1f} s"
        assert len(out) < 1024 * 1024, f"{fmt}: {len(out)} bytes of output"
        text = out.decode("utf-8")
        assert MORE in text and "该规则还有 801 处同类问题未列出" in text, fmt
        if fmt == "json":
            items = json.loads(text)
            assert sum(d["rule"] == "XG801" for d in items) == 201


@pytest.mark.skipif(os.name != "posix", reason="peak memory of a child from getrusage")
@pytest.mark.parametrize("fmt", ["text", "json", "sarif"])
def test_many_findings_time_and_memory(fmt: str, tmp_path: Path):
    """（ x 300,000 took 2.8-3.7 s and 188-364 MB of RSS (json the most) before the engine's
    cap; now about 0.5 s and 83 MB in every format (limits with room for a loaded machine)."""
    report = tmp_path / "parens.txt"
    report.write_text(PARENS, encoding="utf-8")
    code, took, rss = child_peak_rss(["check", "--no-cache", "--isolated", "--format", fmt, str(report)], tmp_path)
    assert code == 1
    assert rss < 120 * 1024**2, f"{fmt}: {rss / 1024**2:.0f} MB"
    assert took < 3.0, f"{fmt}: {took:.1f} s"


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
        assert "801" in text, f"{fmt}: no note for the findings left out"
        assert MORE in text, f"{fmt}: no note that the rule was stopped"
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


# a single unbounded repeat over one huge line: quadratic, so a rule pack's rules run under a deadline

SLOW = "数[^。]*X"  # passes the static check; over a million 数 without an X, hours of backtracking


def slow_pack(tmp_path: Path) -> Path:
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "pack.toml").write_text(BASE_RULE + f'params = {{ regex = "{SLOW}", scope = "lines" }}\n', encoding="utf-8")
    config = tmp_path / "xxgk-lint.toml"
    config.write_text('rule-dirs = ["rules"]\n', encoding="utf-8")
    return config


def test_slow_regex_over_a_huge_line_is_stopped(tmp_path: Path):
    """A 1 MB line and a rule pack's `数[^。]*X`: without a budget the CLI ran for hours
    (quadratic); now the rule is stopped when its deadline (here 1 s) is up, with one finding
    saying so, and the other rules' findings are all there."""
    config = slow_pack(tmp_path)
    base = DEFECTS.read_text(encoding="utf-8")
    report = tmp_path / "report.txt"
    report.write_text(base + "\n数X\n" + "数" * 1_000_000 + "\n", encoding="utf-8")
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    code, out, err, took = run_cli(["check", "--no-cache", "--format", "json", "--config", str(config), str(report)], tmp_path, timeout=60, XXGK_LINT_RULE_SECONDS="1")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    assert code == 1 and "Traceback" not in err, (code, err[-500:])
    assert cpu < 5, f"{cpu:.1f} s of CPU ({took:.1f} s)"
    assert took < 30, f"{took:.1f} s"
    items = json.loads(out)
    stopped = [d for d in items if d["rule"] == "XX101" and "已停止" in d["message"]]
    assert len(stopped) == 1 and "XXGK_LINT_RULE_SECONDS" in stopped[0]["message"], [d["message"] for d in items]
    assert stopped[0]["severity"] == "warning"  # the rule's own
    assert any(d["rule"] == "XX101" and "已停止" not in d["message"] for d in items)  # 数X, found before the stop
    code, clean, _, _ = run_cli(["check", "--no-cache", "--format", "json", "--isolated", str(report)], tmp_path, timeout=60)
    assert {(d["rule"], d["line"]) for d in json.loads(clean)} <= {(d["rule"], d["line"]) for d in items}
    # a result with a rule stopped by its budget depends on the machine: never cached
    code, out, err, _ = run_cli(["check", "--format", "json", "--config", str(config), str(report)], tmp_path, timeout=60, XXGK_LINT_RULE_SECONDS="1")
    assert code == 1 and any("已停止" in d["message"] for d in json.loads(out)), err
    cached = [p.read_bytes() for p in (tmp_path / ".xxgk-lint-cache").glob("*.cache")]
    assert not any(b"report.txt" in c for c in cached), "the stopped result was cached"


def _slow_rule_and_doc(tmp_path: Path, length: int):
    from xxgk_lint.linter.checking.engine import load_dirs
    from xxgk_lint.linter.parsing.builder import build

    slow_pack(tmp_path)
    rule = load_dirs([tmp_path / "rules"])[0]
    return rule, build("一、总体情况\n数X\n数X\n" + "数" * length + "\n", "r.txt")


def test_slow_regex_is_stopped_inside_the_search(tmp_path: Path, monkeypatch):
    """A document far shorter than the CPU budget's threshold: a rule pack's regex still
    keeps to its deadline, stopped where it is, and the findings made before the stop are kept."""
    from xxgk_lint.linter.checking.engine import BUDGET_ABOVE, _bounded

    rule, doc = _slow_rule_and_doc(tmp_path, BUDGET_ABOVE - 1000)  # (about 0.3 s of search)
    monkeypatch.setenv("XXGK_LINT_RULE_SECONDS", "0.02")
    found, complete = _bounded(rule, doc)
    assert not complete
    assert [d.span.line for d in found if "已停止" not in d.message] == [2, 3]  # found before the stop
    assert sum("已停止" in d.message for d in found) == 1


def test_slow_regex_on_another_thread_is_stopped_and_lets_other_threads_run(tmp_path: Path, monkeypatch):
    """The language server lints on lane threads, where no signal can stop a search: a rule
    pack's regex keeps to its deadline there too, and while it searches the other threads
    run (the search lets go of the interpreter lock), so other documents are not held up."""
    import threading

    from xxgk_lint.linter.checking.engine import _bounded

    rule, doc = _slow_rule_and_doc(tmp_path, 1_000_000)
    monkeypatch.setenv("XXGK_LINT_RULE_SECONDS", "1")
    result: dict = {}

    def lane() -> None:
        start = time.perf_counter()
        result["found"] = _bounded(rule, doc)
        result["took"] = time.perf_counter() - start

    worker = threading.Thread(target=lane)
    worker.start()
    spins = 0
    start = time.perf_counter()
    while worker.is_alive() and time.perf_counter() - start < 20:
        spins += 1
    worker.join(5)
    assert not worker.is_alive(), "the search was not stopped"
    found, complete = result["found"]
    assert not complete and sum("已停止" in d.message for d in found) == 1
    assert result["took"] < 4, f"{result['took']:.1f} s"
    # the interpreter lock held by the search: a few thousand turns of the loop in a second;
    # let go: millions
    assert spins > 200_000, spins


def test_pack_regexes_behave_as_python_re(tmp_path: Path):
    """A rule pack's patterns run on the `regex` module (version 0: re's syntax and
    behaviour): the same findings, fixes and refusals as re would give."""
    import re

    from xxgk_lint.linter.support.regexes import compile_checked, with_flags

    text = "公开ABC 2023年 12件；（一）Ab  二〇二三年\n第二行 abc"
    for pattern in [r"\d+年", r"(?i)ab+c", r"(?P<n>\d+)\s*件", r"^第.行", r"[一二三四五六七八九十]+", r"\b\w+\b", r"(?<!公)开", r"年(?=\s)", r"\s{2,}"]:
        mine, theirs = compile_checked(pattern, untrusted=True), re.compile(pattern)
        assert [m.span() for m in mine.finditer(text)] == [m.span() for m in theirs.finditer(text)], pattern
        assert mine.findall(text) == theirs.findall(text) and mine.sub("<\\g<0>>", text) == theirs.sub("<\\g<0>>", text), pattern
        joined = with_flags(mine, re.MULTILINE)
        assert joined.findall(text) == re.compile(pattern, re.MULTILINE).findall(text), pattern
    with pytest.raises(re.error):
        compile_checked("a", untrusted=True).sub("\\9", "a")  # a bad replacement: re's error


@pytest.mark.skipif(not hasattr(__import__("signal"), "setitimer"), reason="no interval timers")
def test_budget_is_left_alone_when_the_signal_or_the_timer_is_taken():
    """Someone else's handler for the signal, or their timer running (a profiler, a test
    runner's timeout): the budget is not enforced and theirs are untouched; otherwise it is."""
    probe = """
import signal, sys
from xxgk_lint.linter.support.budget import time_budget
case = sys.argv[1]
theirs = lambda *_: None
if case == "handler":
    signal.signal(signal.SIGVTALRM, theirs)
elif case == "timer":
    signal.signal(signal.SIGVTALRM, theirs)
    signal.setitimer(signal.ITIMER_VIRTUAL, 100)
    signal.signal(signal.SIGVTALRM, signal.SIG_DFL)
with time_budget(5) as enforced:
    pass
print(enforced, signal.getsignal(signal.SIGVTALRM) is theirs, signal.getitimer(signal.ITIMER_VIRTUAL)[0] > 50)
"""
    results = {}
    for case in ("handler", "timer", "free"):
        p = subprocess.run([sys.executable, "-c", probe, case], capture_output=True, text=True, timeout=TIMEOUT)
        assert p.returncode == 0, p.stderr
        results[case] = p.stdout.split()
    assert results == {"handler": ["False", "True", "False"], "timer": ["False", "False", "True"], "free": ["True", "False", "False"]}


# ----------------------------------------------------------------------------------------------
# standard input and the code frames' second read: the same size cap as files


def test_standard_input_is_capped(tmp_path: Path):
    """`cat` of 30 MB (or of /dev/zero) into `check -` read it all before: now one line and
    exit 2 at the cap, at once."""
    big = tmp_path / "big.txt"
    with open(big, "wb") as f:
        f.truncate(30 * 1024 * 1024)  # (sparse: 30 MB of NUL bytes)
    full_env = {**os.environ, "NO_COLOR": "1", "XXGK_LINT_CACHE_DIR": str(tmp_path / ".disk-cache")}
    start = time.monotonic()
    with open(big, "rb") as stdin:
        p = subprocess.run([sys.executable, "-m", "xxgk_lint.linter", "check", "--isolated", "-"], stdin=stdin, capture_output=True, env=full_env, timeout=TIMEOUT, preexec_fn=_limit_memory if os.name == "posix" else None)
    took = time.monotonic() - start
    lines = err_lines(p.stderr.decode("utf-8"))
    assert p.returncode == 2 and len(lines) == 1, (p.returncode, lines)
    assert "标准输入" in lines[0] and "过大" in lines[0] and "XXGK_LINT_MAX_BYTES" in lines[0], lines
    assert took < 10, f"{took:.1f} s"
    # the cap from the environment, and a report under it still checked
    env = {**full_env, "XXGK_LINT_MAX_BYTES": "1000"}
    p = subprocess.run([sys.executable, "-m", "xxgk_lint.linter", "check", "--isolated", "-"], input=REPORT.read_bytes(), capture_output=True, env=env, timeout=TIMEOUT)
    assert p.returncode == 2 and "1000 字节" in p.stderr.decode("utf-8"), p.stderr
    p = subprocess.run([sys.executable, "-m", "xxgk_lint.linter", "check", "--isolated", "-"], input=DEFECTS.read_bytes(), capture_output=True, env=full_env, timeout=TIMEOUT)
    assert p.returncode == 1 and not p.stderr, p.stderr


def test_parse_of_stdin_has_the_same_cap(tmp_path):
    env = {**os.environ, "NO_COLOR": "1", "XXGK_LINT_CACHE_DIR": str(tmp_path / ".disk-cache"), "XXGK_LINT_MAX_BYTES": "1000"}
    p = subprocess.run([sys.executable, "-m", "xxgk_lint.linter", "parse", "-"], input=REPORT.read_bytes(), capture_output=True, env=env, timeout=TIMEOUT)
    assert p.returncode == 2 and not p.stdout and "标准输入" in p.stderr.decode("utf-8") and "Traceback" not in p.stderr.decode("utf-8")
    p = subprocess.run([sys.executable, "-m", "xxgk_lint.linter", "parse", "-"], input="一、总体情况\n".encode(), capture_output=True, env=env, timeout=TIMEOUT)
    assert p.returncode == 0 and json.loads(p.stdout)["path"] == "-"


def test_read_stdin_stops_one_byte_past_the_cap():
    import io

    from xxgk_lint.linter.reading.files import ReadError, read_stdin

    class Endless(io.RawIOBase):
        given = 0

        def readable(self):
            return True

        def read(self, n=-1):
            self.given += n
            return b"a" * n

    stream = Endless()
    with pytest.raises(ReadError, match="过大"):
        read_stdin(stream, limit=5 * 1024 * 1024)
    assert stream.given == 5 * 1024 * 1024 + 1
    assert read_stdin(io.BytesIO(b"abc"), limit=3) == b"abc"


def test_code_frame_text_is_read_within_the_cap(tmp_path: Path, monkeypatch):
    """The text for a code frame is read again when a worker did not send it back: only a
    regular file, within the cap (it may have been swapped since the lint)."""
    from xxgk_lint.linter.cli.run import FileResult, text_of

    report = copy_report(tmp_path / "r.txt", DEFECTS)
    assert text_of(FileResult(path=str(report))) == DEFECTS.read_text(encoding="utf-8")
    monkeypatch.setenv("XXGK_LINT_MAX_BYTES", "100")
    assert text_of(FileResult(path=str(report))) is None
    monkeypatch.delenv("XXGK_LINT_MAX_BYTES")
    if hasattr(os, "mkfifo"):
        import threading

        pipe = tmp_path / "p.txt"
        os.mkfifo(pipe)
        got = []
        t = threading.Thread(target=lambda: got.append(text_of(FileResult(path=str(pipe)))), daemon=True)
        t.start()
        t.join(10)
        assert not t.is_alive(), "reading a named pipe for a code frame hung"
        assert got == [None]


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
