"""Hostile rule packs and configuration files.

Every broken input must be refused with a clear error naming the file and the key —
`RuleError` / `ConfigError` through the API, and through the CLI
(`python -m linter check --config FILE REPORT`) exit code 2 with exactly one line on standard
error and no traceback. Nothing may hang: a regex that can backtrack catastrophically must be
refused when the rule loads (every subprocess runs under a timeout).

The CLI runs of all cases are started together (a few at a time) in one module fixture, so
the file stays fast although it runs some sixty commands.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from xxgk_lint.linter.checking.config import Config, ConfigError, load
from xxgk_lint.linter.checking.engine import Linter
from xxgk_lint.linter.support.resources import rules_dir
from xxgk_lint.linter.checking.rules import RuleError
from xxgk_lint.linter.checking.engine import load_dirs

from .conftest import EXAMPLES, ROOT

REPORT = EXAMPLES / "clean.txt"  # clean in every category
CLI_TIMEOUT = 30.0  # a normal run takes well under a second
HANG_TIMEOUT = 6.0  # for the runs over text a catastrophic regex would backtrack on

# A rule of kind `pattern` to start from; each case changes one thing.
BASE = """[[rule]]
id = "XX101"
name = "x-rule"
category = "typography"
severity = "warning"
kind = "pattern"
message = "可疑文字“{match}”"
description = "测试规则"
"""


def pattern_rule(params: str = 'regex = "锟斤拷"', **replace: str) -> str:
    text = BASE
    for old, new in replace.items():
        text = text.replace(old, new)
    return text + f"params = {{ {params} }}\n"


def kind_rule(kind: str, message: str, params: str, category: str = "typography") -> str:
    return (
        BASE.replace('kind = "pattern"', f'kind = "{kind}"')
        .replace("可疑文字“{match}”", message)
        .replace('category = "typography"', f'category = "{category}"')
        + f"params = {{ {params} }}\n"
    )


def eq_rule(equation: str, extra: str = "") -> str:
    return kind_rule(
        "equation", "不相等:{lhs} ≠ {rhs}", f'table = "applications", each = "row", equation = "{equation}"{extra}', "arithmetic"
    )


def prose_rule(extra: str) -> str:
    return kind_rule("prose-number", "文中{stated}与表格{table_value}不符", 'patterns = ["(?P<n>\\\\d+)件"]' + extra, "consistency")


@dataclass
class Case:
    id: str
    text: str | bytes  # the rule pack (pack cases) or the configuration file (config cases)
    key: str  # the key the error must name
    bug: str = ""  # non-empty: a known bug (the test is a strict xfail)
    config_name: str = "xxgk-lint.toml"


# ----------------------------------------------------------------------------------------------
# rule packs (loaded from an extra rule folder)

PACKS = [
    Case("malformed-toml", "[[rule]\nid = ", "(toml)"),
    Case("not-utf8", b"\xff\xfe[[rule]]\nid = 1\n", "(file)"),
    Case("unknown-top-level-key", "foo = 1\n" + pattern_rule(), "foo"),
    Case("rule-not-array", '[rule]\nid = "XX101"\n', "rule"),
    Case("unknown-rule-key", pattern_rule() + "bogus = 1\n", "XX101.bogus"),
    Case("missing-message", pattern_rule().replace('message = "可疑文字“{match}”"\n', ""), "XX101.message"),
    Case("bad-id", pattern_rule(**{'id = "XX101"': 'id = "xx-1"'}), "id"),
    Case("wrong-type-severity", pattern_rule(**{'severity = "warning"': "severity = 3"}), "XX101.severity"),
    Case("unknown-severity", pattern_rule(**{'severity = "warning"': 'severity = "fatal"'}), "XX101.severity"),
    Case("wrong-type-params", BASE + "params = 5\n", "XX101.params"),
    Case("unknown-kind", pattern_rule(**{'kind = "pattern"': 'kind = "magic"'}), "XX101.kind"),
    Case("unknown-category", pattern_rule(**{'category = "typography"': 'category = "style"'}), "XX101.category"),
    Case("duplicate-id-in-file", pattern_rule() + pattern_rule(**{'name = "x-rule"': 'name = "y-rule"'}), "XX101.id"),
    Case("duplicate-id-of-builtin", pattern_rule(**{'id = "XX101"': 'id = "XG201"'}), "XG201.id"),
    Case("duplicate-name-of-builtin", pattern_rule(**{'name = "x-rule"': 'name = "bracket-mismatch"'}), "XX101.name"),
    Case("example-wrong-type", pattern_rule() + "[[rule.examples]]\nbad = 5\n", "XX101.examples[0].bad"),
    Case("message-unknown-placeholder", pattern_rule(**{"{match}": "{nope}"}), "XX101.message"),
    Case("message-malformed", pattern_rule(**{"{match}": "{match"}), "XX101.message"),
    Case("unknown-param", pattern_rule('regex = "a", bogus = 1'), "XX101.params.bogus"),
    Case("param-wrong-type", pattern_rule('regex = "a", max_share = "0.2"'), "XX101.params.max_share"),
    Case("param-bad-choice", pattern_rule('regex = "a", scope = "everywhere"'), "XX101.params.scope"),
    Case("missing-required-param", pattern_rule('replace = "x"'), "XX101.params.regex"),
    Case("bad-regex", pattern_rule('regex = "(unclosed"'), "XX101.params.regex"),
    Case("empty-regex", pattern_rule('regex = ""'), "XX101.params.regex"),
    Case("bad-replacement", pattern_rule('regex = "a", replace = "\\\\2"'), "XX101.params.replace"),
    Case("catastrophic-regex", pattern_rule('regex = "(a+)+$"'), "XX101.params.regex"),
    Case(
        "catastrophic-majority-regex",
        pattern_rule('regex = "a", when = "majority", majority_regex = "(x*)*y"'),
        "XX101.params.majority_regex",
    ),
    Case(
        "catastrophic-prose-pattern",
        kind_rule("prose-number", "{stated}", 'patterns = ["(?P<n>(\\\\d+)+)件"], cells = ["applications/new/total"]', "consistency"),
        "XX101.params.patterns[0]",
    ),
    Case("equation-syntax-error", eq_rule("total == + natural"), "XX101.params.equation"),
    Case("equation-no-relation", eq_rule("total natural"), "XX101.params.equation"),
    Case("equation-unknown-cell", eq_rule("total == natural + lawyers"), "XX101.params.equation"),
    Case("equation-sum-matches-nothing", eq_rule("total == sum(zzz.*)"), "XX101.params.equation"),
    Case(
        "equation-unknown-table",
        eq_rule("total == natural").replace('table = "applications"', 'table = "budget"'),
        "XX101.params.table",
    ),
    # regressions (bugs these tests found, fixed in 752c6fc)
    Case("catastrophic-overlapping-alternation", pattern_rule('regex = "(a|a)+$"'), "XX101.params.regex"),
    # -- known bugs ---------------------------------------------------------------------------
    Case(
        "catastrophic-nested-bounded-repeat",
        pattern_rule('regex = "(a{1,20}){1,20}$"'),
        "XX101.params.regex",
    ),
    Case(
        "prose-number-cell-not-a-string",
        prose_rule(", cells = [1]"),
        "XX101.params.cells",
    ),
    Case(
        "prose-number-unknown-cell",
        prose_rule(', cells = ["budget/new/total"]'),
        "XX101.params.cells",
    ),
    Case(
        "pattern-contains-not-strings",
        pattern_rule('regex = "a", contains = [1]'),
        "XX101.params.contains",
    ),
    Case(
        "equation-only-not-strings",
        eq_rule("total == natural", ", only = [1]"),
        "XX101.params.only",
    ),
    Case(
        "required-text-no-such-section",
        kind_rule("required-text", "缺少:{title}", 'section = 9, pattern = "处理费"', "consistency"),
        "XX101.params.section",
    ),
]

# ----------------------------------------------------------------------------------------------
# configuration files

CONFIGS = [
    Case("config-malformed-toml", 'select = ["XG2"\n', "(toml)"),
    Case("config-not-utf8", b'select = ["\xff"]\n', "(file)"),
    Case("config-unknown-key", 'selekt = ["XG2"]\n', "selekt"),
    Case("config-wrong-type", 'select = "XG2"\n', "select"),
    Case("config-bad-selector", 'ignore = ["2XG"]\n', "ignore"),
    Case("config-bad-severity", 'severity = { XG201 = "fatal" }\n', "severity.XG201"),
    Case("config-bad-fail-level", 'fail-level = "fatal"\n', "fail-level"),
    Case("config-per-file-ignores-not-list", 'per-file-ignores = { "*.txt" = "XG2" }\n', "per-file-ignores"),
    Case("config-missing-rule-folder", 'rule-dirs = ["no-such-folder"]\n', "rule-dirs"),
    Case("config-rule-dirs-wrong-type", 'rule-dirs = "rules"\n', "rule-dirs"),
    Case("config-params-unknown-rule", "params = { XG999 = { threshold = 1 } }\n", "params.XG999"),
    Case("config-params-not-table", "params = { XG501 = 3 }\n", "params.XG501"),
    Case("pyproject-unknown-key", '[tool.xxgk-lint]\nselekt = ["XG2"]\n', "selekt", config_name="pyproject.toml"),
    # regressions (bugs these tests found, fixed in 752c6fc): a bad rule parameter given in the
    # configuration names the configuration file, not the rule's own file
    Case("config-params-bad-equation", 'params = { XG201 = { equation = "total == " } }\n', "params.XG201"),
    Case("config-params-unknown-param", "params = { XG501 = { bogus = 1 } }\n", "params.XG501"),
    Case("config-params-catastrophic-regex", 'params = { XG804 = { regex = "(a+)+$" } }\n', "params.XG804"),
    Case("pyproject-tool-entry-not-table", "[tool]\nxxgk-lint = 5\n", "xxgk-lint", config_name="pyproject.toml"),
    Case("config-severity-unknown-rule", 'severity = { XG999 = "error" }\n', "severity.XG999"),
    Case("config-select-matches-nothing", 'select = ["XG999"]\n', "select"),
]

GOOD_PACK = pattern_rule()


# ----------------------------------------------------------------------------------------------
# helpers


@pytest.fixture(autouse=True)
def _no_disk_cache(monkeypatch):
    monkeypatch.setenv("XXGK_LINT_NO_DISK_CACHE", "1")


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def setup_pack(base: Path, case: Case) -> tuple[Path, Path, Path]:
    """(config file, rule folder, rule file) for a rule-pack case."""
    rules = base / "rules"
    pack = write(rules / "pack.toml", case.text)
    config = write(base / "xxgk-lint.toml", 'rule-dirs = ["rules"]\n')
    return config, rules, pack


def setup_config(base: Path, case: Case) -> Path:
    write(base / "rules" / "pack.toml", GOOD_PACK)
    return write(base / case.config_name, case.text)


def run_cli(args: list[str], cwd: Path, timeout: float = CLI_TIMEOUT) -> tuple[int | None, str, str]:
    """(exit code, stdout, stderr); the exit code is None when the command did not finish in time."""
    env = {**os.environ, "XXGK_LINT_CACHE_DIR": str(cwd / ".disk-cache"), "PYTHONPATH": str(ROOT), "NO_COLOR": "1"}
    env.pop("XXGK_LINT_NO_DISK_CACHE", None)
    try:
        p = subprocess.run(
            [sys.executable, "-m", "xxgk_lint.linter", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
        )
    except subprocess.TimeoutExpired as exc:
        out, err = exc.stdout or "", exc.stderr or ""
        return None, out if isinstance(out, str) else out.decode(errors="replace"), err if isinstance(err, str) else err.decode(errors="replace")
    return p.returncode, p.stdout, p.stderr


def assert_one_clear_line(case: Case, result, file_name: str) -> None:
    code, _, err = result
    assert code is not None, f"{case.id}: the CLI did not finish within {CLI_TIMEOUT} s"
    assert "Traceback" not in err, f"{case.id}: traceback on stderr:\n{err}"
    lines = [l for l in err.splitlines() if l.strip()]
    assert code == 2, f"{case.id}: exit {code}, stderr: {err!r}"
    assert len(lines) == 1, f"{case.id}: expected one line on stderr, got {len(lines)}:\n{err}"
    assert file_name in lines[0], f"{case.id}: the message does not name {file_name}: {lines[0]}"
    assert case.key in lines[0], f"{case.id}: the message does not name the key {case.key!r}: {lines[0]}"


def _params(cases: list[Case]):
    return [pytest.param(c, id=c.id, marks=pytest.mark.xfail(strict=True, reason=c.bug) if c.bug else ()) for c in cases]


@pytest.fixture(scope="module")
def cli_results(tmp_path_factory):
    """Every case's CLI run, started together (a few at a time) once for the module."""
    jobs = {}
    for case in PACKS:
        base = tmp_path_factory.mktemp(f"pack-{case.id}")
        config, _, _ = setup_pack(base, case)
        report = write(base / "report.txt", REPORT.read_bytes())
        jobs[case.id] = (["check", "--no-cache", "--config", str(config), str(report)], base)
    for case in CONFIGS:
        base = tmp_path_factory.mktemp(f"config-{case.id}")
        config = setup_config(base, case)
        report = write(base / "report.txt", REPORT.read_bytes())
        jobs[case.id] = (["check", "--no-cache", "--config", str(config), str(report)], base)
    with ThreadPoolExecutor(max_workers=max(2, (os.cpu_count() or 2) * 2)) as pool:
        futures = {k: pool.submit(run_cli, args, cwd) for k, (args, cwd) in jobs.items()}
        return {k: f.result() for k, f in futures.items()}


# ----------------------------------------------------------------------------------------------
# rule packs


@pytest.mark.parametrize("case", _params(PACKS))
def test_rule_pack_api(case: Case, tmp_path: Path):
    _, rules, pack = setup_pack(tmp_path, case)
    with pytest.raises(RuleError) as info:
        load_dirs([rules_dir(), rules])  # with the built-in rules, as the linter loads them
    e = info.value
    assert Path(e.path) == pack, f"{case.id}: error names {e.path}, not {pack}"
    assert case.key in e.key, f"{case.id}: error key {e.key!r} does not name {case.key!r}"
    assert str(pack) in str(e) and e.key in str(e)
    # the same through a configuration's extra rule folder
    with pytest.raises(RuleError):
        Linter(Config(rule_dirs=[rules]))


@pytest.mark.parametrize("case", _params(PACKS))
def test_rule_pack_cli(case: Case, cli_results):
    assert_one_clear_line(case, cli_results[case.id], "pack.toml")


def test_missing_rule_folder_api(tmp_path: Path):
    with pytest.raises(RuleError) as info:
        load_dirs([tmp_path / "nope"])
    assert info.value.key == "(folder)" and "nope" in str(info.value)


def test_good_pack_loads(tmp_path: Path):
    """The cases start from a valid rule: it loads and runs (API and CLI), so each case breaks
    exactly one thing."""
    rules = tmp_path / "rules"
    write(rules / "pack.toml", GOOD_PACK)
    linter = Linter(Config(rule_dirs=[rules]))
    _, diags = linter.lint_text("本年度共公开信息锟斤拷条。\n")
    assert any(d.rule == "XX101" for d in diags) and not linter.errors
    config = write(tmp_path / "xxgk-lint.toml", 'rule-dirs = ["rules"]\n')
    report = write(tmp_path / "report.txt", REPORT.read_text(encoding="utf-8") + "\n本年度共公开信息锟斤拷条。\n")
    code, out, err = run_cli(["check", "--no-cache", "--config", str(config), str(report)], tmp_path)
    assert code in (0, 1) and "XX101" in out and "Traceback" not in err, (code, out, err)


# ----------------------------------------------------------------------------------------------
# configuration files


@pytest.mark.parametrize("case", _params(CONFIGS))
def test_config_api(case: Case, tmp_path: Path):
    config = setup_config(tmp_path, case)
    with pytest.raises((ConfigError, RuleError)) as info:
        Linter(load(config))
    e = info.value
    assert Path(e.path) == config, f"{case.id}: error names {e.path}, not the configuration file {config}"
    assert case.key in e.key, f"{case.id}: error key {e.key!r} does not name {case.key!r}"


@pytest.mark.parametrize("case", _params(CONFIGS))
def test_config_cli(case: Case, cli_results):
    assert_one_clear_line(case, cli_results[case.id], case.config_name)


@pytest.mark.parametrize("what", ["missing", "folder"])
def test_config_file_unreadable(what: str, tmp_path: Path):
    path = tmp_path / "cfg.toml"
    if what == "folder":
        path.mkdir()
    with pytest.raises(ConfigError) as info:
        load(path)
    assert info.value.key == "(file)" and "cfg.toml" in str(info.value)
    code, _, err = run_cli(["check", "--no-cache", "--config", str(path), str(REPORT)], tmp_path)
    lines = [l for l in err.splitlines() if l.strip()]
    assert code == 2 and len(lines) == 1 and "cfg.toml" in lines[0] and "Traceback" not in err, err


def test_discovered_config_error_is_reported(tmp_path: Path):
    """A broken xxgk-lint.toml found upward from the report (no --config) gives the same error."""
    write(tmp_path / "xxgk-lint.toml", 'selekt = ["XG2"]\n')
    report = write(tmp_path / "sub" / "report.txt", REPORT.read_text(encoding="utf-8"))
    code, _, err = run_cli(["check", "--no-cache", str(report)], tmp_path)
    lines = [l for l in err.splitlines() if l.strip()]
    assert code == 2 and len(lines) == 1 and "xxgk-lint.toml" in lines[0] and "selekt" in lines[0], err


# ----------------------------------------------------------------------------------------------
# never a hang; never a traceback from the parallel path

TRIGGER = "a" * 40 + "!"  # what (a+)+$ and its kin backtrack on for hours


@pytest.mark.parametrize(
    "regex",
    [
        pytest.param("(a+)+$", id="nested-plus"),
        pytest.param("(a*)*$", id="nested-star"),
        pytest.param("(a|a)+$", id="overlapping-alternation"),
    ],
)
def test_catastrophic_regex_never_hangs(regex: str, tmp_path: Path):
    write(tmp_path / "rules" / "pack.toml", pattern_rule(f'regex = "{regex}", scope = "lines"'))
    config = write(tmp_path / "xxgk-lint.toml", 'rule-dirs = ["rules"]\n')
    report = write(tmp_path / "report.txt", REPORT.read_text(encoding="utf-8") + f"\n{TRIGGER}\n")
    code, _, err = run_cli(["check", "--no-cache", "--config", str(config), str(report)], tmp_path, timeout=HANG_TIMEOUT)
    assert code is not None, f"{regex}: the CLI was still running after {HANG_TIMEOUT} s"
    assert code == 2 and "params.regex" in err and "Traceback" not in err, err


def test_bad_rule_pack_with_parallel_jobs(tmp_path: Path):
    write(tmp_path / "rules" / "pack.toml", pattern_rule('regex = "(a+)+$"'))
    config = write(tmp_path / "xxgk-lint.toml", 'rule-dirs = ["rules"]\n')
    for i in range(8):
        write(tmp_path / "reports" / f"r{i}.txt", REPORT.read_bytes())
    code, _, err = run_cli(["check", "--no-cache", "--jobs", "2", "--config", str(config), str(tmp_path / "reports")], tmp_path)
    lines = [l for l in err.splitlines() if l.strip()]
    assert "Traceback" not in err, err
    assert code == 2 and len(lines) == 1 and "pack.toml" in lines[0], err


@pytest.mark.parametrize("exc", [RuleError("a.toml", "XX101.kind", "未知"), ConfigError("b.toml", "select", "错误")], ids=["RuleError", "ConfigError"])
def test_error_types_survive_pickling(exc):
    back = pickle.loads(pickle.dumps(exc))
    assert str(back) == str(exc) and back.key == exc.key and back.path == exc.path
