"""The command line's finish, as a user of Ruff would expect it: severities on finding lines,
every rule listed in full (rule packs included) and as JSON, --exit-zero, --show-settings,
init, Chinese help with examples, "did you mean", crashes as one line and exit 2, consoles
that cannot show Chinese, a closed pipe, results that never depend on the cache, gitignore
semantics, and the cache folders."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import EXAMPLES

DEFECTS = EXAMPLES / "defects.txt"
CLEAN = EXAMPLES / "clean.txt"
FINDING_LINE = re.compile(r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): (?P<rest>.*)$")


def run(*args, cwd=None, env=None, stdin=None):
    proc = subprocess.run(
        [sys.executable, "-m", "xxgk_lint.linter", *map(str, args)],
        cwd=cwd, env={**os.environ, **(env or {})}, input=stdin, capture_output=True, timeout=120,
    )
    return proc.returncode, proc.stdout.decode("utf-8", "replace"), proc.stderr.decode("utf-8", "replace")


def finding_lines(out: str) -> list[re.Match]:
    return [m for m in map(FINDING_LINE.match, out.splitlines()) if m and not m.group("path").startswith(" ")]


@pytest.mark.parametrize("fmt", ["text", "concise"])
def test_every_finding_line_says_its_severity(fmt):
    code, out, _ = run("check", "--isolated", "--no-cache", "--format", fmt, DEFECTS)
    lines = finding_lines(out)
    assert code == 1 and len(lines) == 7
    assert all(re.match(r"(错误|警告|提示) XG\d{3} ", m.group("rest")) for m in lines), out
    assert sum(m.group("rest").startswith("错误 ") for m in lines) == 4


def _pack(folder: Path) -> Path:
    rules = folder / "our-rules"
    rules.mkdir(parents=True)
    (rules / "ours.toml").write_text(
        '[[rule]]\nid = "XX901"\nname = "our-banned-word"\ncategory = "typography"\nseverity = "warning"\n'
        'kind = "pattern"\nmessage = "本单位不用“{match}”一词，请改为“政务公开”：{match}"\n'
        'description = "本单位的用语规范。"\nparams = { regex = "信息发布" }\n',
        encoding="utf-8",
    )
    (folder / "xxgk-lint.toml").write_text('rule-dirs = ["our-rules"]\n', encoding="utf-8")
    return folder


def test_rules_lists_every_rule_in_full_with_the_configured_packs(tmp_path):
    _pack(tmp_path)
    code, out, _ = run("rules", cwd=tmp_path)
    assert code == 0
    code_j, out_j, _ = run("rules", "--format", "json", cwd=tmp_path)
    rules = json.loads(out_j)
    assert code_j == 0 and {"XG201", "XX901"} <= {r["code"] for r in rules}
    lines = {line.split()[0]: line for line in out.splitlines()}
    assert lines.keys() == {r["code"] for r in rules}
    for r in rules:  # the whole message, placeholders and what follows them included
        assert lines[r["code"]].endswith(r["message"]), lines[r["code"]]
    assert "本单位不用“{match}”一词，请改为“政务公开”：{match}" in lines["XX901"]
    ours = next(r for r in rules if r["code"] == "XX901")
    assert ours["url"] is None and ours["source"].endswith("ours.toml")
    builtin = next(r for r in rules if r["code"] == "XG201")
    assert builtin["url"].endswith("/docs/rules/XG201.html") and builtin["examples"]
    # --isolated: the built-in rules only
    _, iso, _ = run("rules", "--isolated", "--format", "json", cwd=tmp_path)
    assert "XX901" not in {r["code"] for r in json.loads(iso)}


def test_rule_explains_a_pack_rule_and_suggests_a_near_code(tmp_path):
    _pack(tmp_path)
    code, out, _ = run("rule", "XX901", cwd=tmp_path)
    assert code == 0 and "本单位的用语规范。" in out and "ours.toml" in out
    code, out, _ = run("rule", "XG201", cwd=tmp_path)
    assert code == 0 and "文档：file://" in out
    code, _, err = run("rule", "XX902", cwd=tmp_path)
    assert code == 2 and "你是不是想查 XX901？" in err


def test_exit_zero_keeps_findings_but_not_errors(tmp_path):
    code, out, _ = run("check", "--isolated", "--no-cache", "--exit-zero", DEFECTS)
    assert code == 0 and len(finding_lines(out)) == 7
    code, _, _ = run("check", "--isolated", "--no-cache", "--exit-zero", tmp_path / "missing.txt")
    assert code == 2


def test_show_settings_names_each_value_and_its_source(tmp_path):
    (tmp_path / "xxgk-lint.toml").write_text('ignore = ["XG308"]\nfail-level = "warning"\n', encoding="utf-8")
    report = tmp_path / "r.txt"
    report.write_bytes(CLEAN.read_bytes())
    code, out, _ = run("check", "--show-settings", "--select", "XG2", report, cwd=tmp_path)
    assert code == 0
    rows = {line.split("=", 1)[0].strip(): line for line in out.splitlines() if " = " in line}
    assert str(tmp_path / "xxgk-lint.toml") in out
    assert '["XG2"]' in rows["select"] and "命令行" in rows["select"]
    assert '["XG308"]' in rows["ignore"] and "配置文件" in rows["ignore"]
    assert "warning" in rows["fail-level"] and "配置文件" in rows["fail-level"]
    assert "默认值" in rows["exclude"]


def test_init_writes_a_starter_config_that_lints_and_never_overwrites(tmp_path):
    code, _, err = run("init", cwd=tmp_path)
    config = tmp_path / "xxgk-lint.toml"
    assert code == 0 and config.is_file() and "已写入" in err
    text = config.read_text(encoding="utf-8")
    assert "# select" in text and "# per-file-ignores" in text and "--show-settings" in text
    (tmp_path / "r.txt").write_bytes(CLEAN.read_bytes())
    assert run("check", "--no-cache", "r.txt", cwd=tmp_path)[0] == 0  # a valid configuration
    config.write_text("# mine\n", encoding="utf-8")
    code, _, err = run("init", cwd=tmp_path)
    assert code == 2 and "已存在" in err and config.read_text(encoding="utf-8") == "# mine\n"
    assert run("init", "--force", cwd=tmp_path)[0] == 0 and config.read_text(encoding="utf-8") == text


@pytest.mark.parametrize("args", [["--help"], ["check", "--help"], ["rules", "--help"], ["init", "--help"]])
def test_help_is_chinese_with_examples_and_exit_codes(args):
    code, out, _ = run(*args)
    assert code == 0
    assert out.startswith("用法：xxgk-lint") and "选项：" in out and "示例：" in out
    for english in ("usage:", "options:", "positional arguments", "show this help", "show program's"):
        assert english not in out
    if args[0] in ("--help", "check"):
        assert "退出码：0" in out


@pytest.mark.parametrize(
    "args, hint", [(["chek", "r.txt"], "你是不是想用 check？"), (["check", "--fromat", "json", "r.txt"], "你是不是想用 --format？"),
                   (["rule"], None), (["check", "--format", "jsno", "r.txt"], "你是不是想用 json？")],
)
def test_mistyped_commands_and_options_get_a_suggestion(args, hint):
    code, out, err = run(*args)
    assert code == 2 and out == "" and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    if hint:
        assert hint in err


def test_a_crash_inside_a_rule_is_one_line_and_exit_2(monkeypatch, capsys):
    from xxgk_lint.linter.checking.kinds.duplicate import DuplicateCheck
    from xxgk_lint.linter.cli.main import main

    def broken(self, doc):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(DuplicateCheck, "check", broken)
    code = main(["check", "--isolated", "--no-cache", "--jobs", "1", str(DEFECTS)])
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err
    lines = [l for l in err.splitlines() if "内部错误" in l]
    assert lines and all(str(DEFECTS) in l and "ZeroDivisionError" in l and "--debug" in l for l in lines)
    code = main(["check", "--isolated", "--no-cache", "--jobs", "1", "--debug", str(DEFECTS)])
    assert code == 2 and "Traceback (most recent call last)" in capsys.readouterr().err


def test_a_crash_of_the_engine_is_one_line_naming_the_file_and_exit_2(monkeypatch, capsys):
    from xxgk_lint.linter.checking import engine
    from xxgk_lint.linter.cli import run as R
    from xxgk_lint.linter.cli.main import main

    def broken(text, path, should_stop=None):
        raise RuntimeError("the builder broke")

    monkeypatch.setattr(engine, "build", broken)
    R._linters.clear()
    code = main(["check", "--isolated", "--no-cache", "--jobs", "1", str(DEFECTS), str(CLEAN)])
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err
    assert [l for l in err.splitlines() if "内部错误" in l] == [
        f"xxgk-lint: {p}：内部错误：RuntimeError: the builder broke" for p in (DEFECTS, CLEAN)
    ]
    R._linters.clear()


@pytest.mark.parametrize("encoding", ["cp1252", "ascii", "gbk"])
def test_a_console_that_cannot_show_chinese_never_crashes(encoding, tmp_path):
    report = tmp_path / "报告𠀀.txt"  # 𠀀 is not in GBK either
    report.write_bytes(DEFECTS.read_bytes())
    for args in (["check", "--isolated", "--no-cache", report], ["rules"], ["check", "--help"], ["check", tmp_path / "无.txt"]):
        code, out, err = run(*args, env={"PYTHONIOENCODING": encoding})
        assert "Traceback" not in err and "UnicodeEncodeError" not in err, err
        assert code in (0, 1, 2)
    assert run("check", "--isolated", "--no-cache", report, env={"PYTHONIOENCODING": encoding})[0] == 1


def test_a_closed_pipe_keeps_the_exit_code_of_the_findings(tmp_path):
    folder = tmp_path / "reports"
    folder.mkdir()
    for i in range(40):  # more output than a pipe holds: the writer meets the closed pipe
        (folder / f"r{i:02}.txt").write_bytes(DEFECTS.read_bytes())
    script = f'"{sys.executable}" -m xxgk_lint.linter check --isolated --no-cache "{folder}" | head -n 1; exit "${{PIPESTATUS[0]}}"'
    proc = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert len(proc.stdout.splitlines()) == 1


NOT_A_REPORT = "会议记录\n\n今天讨论了下周的安排，记录里有乱码锟斤拷。参会人员：张三、李四。\n"


@pytest.mark.parametrize("first", ["folder", "file"])
def test_results_never_depend_on_the_cache(tmp_path, first):
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "notes.txt").write_text(NOT_A_REPORT, encoding="utf-8")
    (folder / "r.txt").write_bytes(DEFECTS.read_bytes())
    runs = {"folder": ["check", "--format", "json", "reports"], "file": ["check", "--format", "json", "reports/notes.txt"]}
    fresh = {k: run(*v, "--no-cache", cwd=tmp_path)[:2] for k, v in runs.items()}
    order = [first, "file" if first == "folder" else "folder"]
    for k in order + order:  # cold, then warm, in both orders
        assert run(*runs[k], cwd=tmp_path)[:2] == fresh[k], k
    assert all(d["path"].endswith("r.txt") for d in json.loads(fresh["folder"][1]))
    assert json.loads(fresh["file"][1]), "named explicitly, the non-report is linted"


def _tree(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    for rel in ["a.txt", "drafts/b.txt", "sub/c.txt", "sub/c.bak.txt", "sub/keep.bak.txt", "sub/deep/d.txt", "archive/e.txt"]:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(DEFECTS.read_bytes())
    return root


def _linted(root: Path, *extra) -> set[str]:
    code, out, err = run("check", "--no-cache", "--format", "json", *extra, ".", cwd=root)
    assert code in (0, 1), err
    return {d["path"].replace(os.sep, "/").removeprefix("./") for d in json.loads(out)}


def test_folder_walks_respect_gitignore_files(tmp_path):
    root = _tree(tmp_path)
    (root / ".gitignore").write_text("drafts/\n*.bak.txt\n!keep.bak.txt\n", encoding="utf-8")
    (root / "sub" / ".gitignore").write_text("deep/\n", encoding="utf-8")
    assert _linted(root) == {"a.txt", "sub/c.txt", "sub/keep.bak.txt", "archive/e.txt"}
    assert len(_linted(root, "--no-respect-gitignore")) == 7
    (root / "xxgk-lint.toml").write_text("respect-gitignore = false\n", encoding="utf-8")
    assert len(_linted(root)) == 7
    # a file named explicitly is checked whatever ignores it
    assert run("check", "--no-cache", "drafts/b.txt", cwd=root)[0] == 1


def test_exclude_and_per_file_ignores_have_gitignore_semantics(tmp_path):
    root = _tree(tmp_path)
    (root / "xxgk-lint.toml").write_text(
        'exclude = ["drafts/", "*.bak.txt", "!keep.bak.txt", "/sub/deep"]\n'
        'per-file-ignores = { "archive/" = ["XG2"], "**/c.txt" = ["XG501"] }\n', encoding="utf-8"
    )
    assert _linted(root) == {"a.txt", "sub/c.txt", "sub/keep.bak.txt", "archive/e.txt"}
    code, out, _ = run("check", "--no-cache", "--format", "json", ".", cwd=root)
    by_file: dict[str, set] = {}
    for d in json.loads(out):
        by_file.setdefault(d["path"].removeprefix("./"), set()).add(d["rule"])
    assert not any(r.startswith("XG2") for r in by_file["archive/e.txt"]) and "XG201" in by_file["a.txt"]
    assert "XG501" not in by_file["sub/c.txt"] and "XG501" in by_file["sub/keep.bak.txt"]


def test_no_disk_cache_means_no_cache_file_at_all(tmp_path):
    cache = tmp_path / "cache"
    env = {"XXGK_LINT_CACHE_DIR": str(cache), "XXGK_LINT_NO_DISK_CACHE": "1"}
    assert run("check", "--isolated", "--no-cache", DEFECTS, env=env)[0] == 1
    assert not cache.exists() or not any(cache.iterdir())
    # the grammar's own cache too, when the grammar is compiled
    code = subprocess.run(
        [sys.executable, "-c", "from xxgk_lint.linter.parsing.lines import grammar; grammar()"],
        env={**os.environ, **env}, timeout=120,
    ).returncode
    assert code == 0 and (not cache.exists() or not any(cache.iterdir()))
    env.pop("XXGK_LINT_NO_DISK_CACHE")
    assert run("check", "--isolated", "--no-cache", DEFECTS, env=env)[0] == 1
    assert any(cache.iterdir())


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="the XDG rule is the Linux/BSD one")
def test_the_cache_lives_in_the_platform_cache_folder(tmp_path):
    home = tmp_path / "xdg"
    env = {k: v for k, v in os.environ.items() if k != "XXGK_LINT_CACHE_DIR"}
    env["XDG_CACHE_HOME"] = str(home)
    proc = subprocess.run([sys.executable, "-m", "xxgk_lint.linter", "check", "--isolated", "--no-cache", str(CLEAN)],
                          env=env, capture_output=True, timeout=120)
    assert proc.returncode == 0
    assert any((home / "xxgk-lint").iterdir())
    from platformdirs import user_cache_dir  # the library's answer is the same folder

    env_before = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(home)
    try:
        assert Path(user_cache_dir("xxgk-lint", appauthor=False)) == home / "xxgk-lint"
    finally:
        if env_before is None:
            del os.environ["XDG_CACHE_HOME"]
        else:
            os.environ["XDG_CACHE_HOME"] = env_before
