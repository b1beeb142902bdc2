"""A repository made to hurt the linter, cloned with git and checked as an evaluator or CI
would: a symlinked cache folder pointing outside, a FIFO and a /dev/zero link named like
reports, a rule pack with a slow regex, rule-dirs outside the repository, a configuration
nested thousands deep. `check`, `check --fix` and `parse` over it must change nothing
outside it, end within their caps, and exit 0, 1 or 2 only — never with a traceback."""

from __future__ import annotations

import hashlib
import time
import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import EXAMPLES

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="symlinks, FIFOs and /dev/zero are POSIX")


def _snapshot(folder: Path) -> dict:
    out = {}
    for p in sorted(folder.rglob("*")):
        st = p.lstat()
        data = p.read_bytes() if p.is_file() and not p.is_symlink() else b""
        out[str(p.relative_to(folder))] = (st.st_mode, st.st_mtime_ns, hashlib.sha256(data).hexdigest())
    return out


def _git(*args, cwd):
    subprocess.run(["git", "-c", "user.email=t@t", "-c", "user.name=t", *args], cwd=cwd, check=True, capture_output=True)


@pytest.fixture
def hostile(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    for name, data in {"video.mov": b"movie", "v2-contract.pdf": b"%PDF-1.4 contract", "old.tmp": b"x", "notes.txt": b"mine"}.items():
        (outside / name).write_bytes(data)
    old = outside / "old.tmp"
    os.utime(old, (old.stat().st_atime - 7200, old.stat().st_mtime - 7200))
    (outside / "rules").mkdir()
    (outside / "rules" / "theirs.toml").write_text("", encoding="utf-8")

    origin = tmp_path / "origin"
    (origin / "reports").mkdir(parents=True)
    (origin / "reports" / "a.txt").write_bytes((EXAMPLES / "defects.txt").read_bytes())
    (origin / "reports" / "b.md").write_bytes((EXAMPLES / "clean.md").read_bytes())
    os.symlink("../../outside", origin / ".xxgk-lint-cache")  # a committed cache "folder"
    os.symlink("/dev/zero", origin / "reports" / "zero.txt")
    (origin / "slow").mkdir()
    (origin / "slow" / "pack.toml").write_text(
        '[[rule]]\nid = "XX101"\nname = "slow"\ncategory = "typography"\nseverity = "warning"\nkind = "pattern"\n'
        'message = "可疑“{match}”"\ndescription = "慢。"\nparams = { regex = "[^。]*[^。]*[^。]*[^。]*[QZ]" }\n',
        encoding="utf-8",
    )
    (origin / "xxgk-lint.toml").write_text('rule-dirs = ["slow", "../outside/rules"]\n', encoding="utf-8")
    (origin / "deep").mkdir()
    (origin / "deep" / "xxgk-lint.toml").write_text("a = " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    (origin / "deep" / "r.txt").write_bytes((EXAMPLES / "clean.txt").read_bytes())
    _git("init", "-q", cwd=origin)
    _git("add", "-A", cwd=origin)
    _git("commit", "-qm", "traps", cwd=origin)

    clone = tmp_path / "work" / "clone"
    clone.parent.mkdir()
    subprocess.run(["git", "clone", "-q", str(origin), str(clone)], check=True, capture_output=True)
    os.mkfifo(clone / "reports" / "pipe.txt")  # git keeps no FIFOs: made after the clone
    return clone, outside


def _run(args, cwd):
    try:
        p = subprocess.run([sys.executable, "-m", "xxgk_lint.linter", *args], cwd=cwd, capture_output=True, timeout=60,
                           env={**os.environ, "XXGK_LINT_CACHE_DIR": str(Path(cwd).parent / "user-cache")})
    except subprocess.TimeoutExpired:
        pytest.fail(f"xxgk-lint {' '.join(args)} hung")
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


@pytest.mark.parametrize(
    "args",
    [
        ["check", "."],
        ["check", "--jobs", "2", "."],
        ["check", "--fix", "."],
        ["check", "reports/pipe.txt"],
        ["check", "reports/zero.txt"],
        ["parse", "reports/pipe.txt"],
        ["check", "--isolated", "reports"],
        ["check", "deep/r.txt"],
    ],
    ids=lambda a: "-".join(a),
)
def test_a_hostile_repository_changes_nothing_outside_and_ends_cleanly(hostile, args):
    clone, outside = hostile
    before = _snapshot(outside)
    code, out, err = _run(args, clone)
    assert code in (0, 1, 2), (code, err)
    assert "Traceback" not in err and "Traceback" not in out, err
    assert _snapshot(outside) == before
    if args[:2] == ["check", "."]:
        assert code == 2 and "rule-dirs" in err  # the configuration names rules outside: refused


def test_a_slow_regex_in_the_repositorys_own_pack_is_refused_not_run(hostile):
    clone, outside = hostile
    (clone / "xxgk-lint.toml").write_text('rule-dirs = ["slow"]\n', encoding="utf-8")
    before = _snapshot(outside)
    code, _, err = _run(["check", "reports/a.txt"], clone)
    lines = [line for line in err.splitlines() if line.strip() and "警告" not in line]  # (the cache warning)
    assert code == 2 and len(lines) == 1 and "pack.toml" in lines[0] and "Traceback" not in err
    assert _snapshot(outside) == before


def test_a_configuration_that_is_a_fifo_or_dev_zero_ends_at_once(tmp_path):
    report = tmp_path / "r.txt"
    report.write_bytes((EXAMPLES / "clean.txt").read_bytes())
    os.mkfifo(tmp_path / "pipe.toml")
    os.symlink("/dev/zero", tmp_path / "zero.toml")
    for config in ("pipe.toml", "zero.toml"):
        code, _, err = _run(["check", "--config", config, "r.txt"], tmp_path)
        assert code == 2 and config in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
    os.mkfifo(tmp_path / "xxgk-lint.toml")  # found upward: not a regular file, not a configuration
    assert _run(["check", "r.txt"], tmp_path)[0] == 0


def test_the_language_server_in_a_hostile_repository(hostile, tmp_path):
    """The language server started in the clone, with the repository's own rule pack (a regex
    that passes the static check but backtracks quadratically) and documents beside the FIFO
    and the /dev/zero link: a document with a line of a million characters gets its rule
    stopped at its deadline, one written meanwhile gets its diagnostics at once, every request
    is answered, and nothing outside the repository changes."""
    from .test_lsp_hostile import REPORT, RawClient

    clone, outside = hostile
    (clone / "quadratic").mkdir()
    (clone / "quadratic" / "pack.toml").write_text(
        '[[rule]]\nid = "XX102"\nname = "quadratic"\ncategory = "typography"\nseverity = "warning"\nkind = "pattern"\n'
        'message = "可疑“{match}”"\ndescription = "慢。"\nparams = { regex = "数[^。]*X", scope = "lines" }\n',
        encoding="utf-8",
    )
    (clone / "xxgk-lint.toml").write_text('rule-dirs = ["quadratic"]\n', encoding="utf-8")
    before = _snapshot(outside)
    published: dict[str, list] = {}

    class Client(RawClient):
        def _dispatch(self, msg, arrived):
            if msg.get("method") == "textDocument/publishDiagnostics":
                published.setdefault(msg["params"]["uri"], []).append(msg["params"]["diagnostics"])
            super()._dispatch(msg, arrived)

    os.environ["XXGK_LINT_RULE_SECONDS"] = "1"
    try:
        client = Client(clone)
    finally:
        del os.environ["XXGK_LINT_RULE_SECONDS"]
    try:
        client.initialize()
        long_line = "数X\n" + "数" * 1_000_000 + "\n"
        heavy, _ = client.open("reports/heavy.txt", REPORT + long_line)
        time.sleep(0.3)  # (the heavy lint is under way)
        light, sent = client.open("reports/light.txt", REPORT.replace("2024", "2023"))
        arrived, _ = client.wait_published(light, timeout=30)
        assert arrived - sent < 2.0, f"the light document waited {arrived - sent:.1f} s"
        assert client.hover(light) is not None and client.alive()
        client.wait_published(heavy, timeout=60)
        found = published[heavy][-1]
        stopped = [d for d in found if d.get("code") == "XX102" and "已停止" in d["message"]]
        assert len(stopped) == 1, [d["message"][:40] for d in found if d.get("code") == "XX102"]
        assert any(d.get("code") == "XX102" and "已停止" not in d["message"] for d in found)  # 数X, before the stop
        for name in ("reports/pipe.txt", "reports/zero.txt"):  # documents the client has, named like the traps
            uri, _ = client.open(name, REPORT)
            client.wait_published(uri, timeout=30)
        assert client.alive()
        assert "Traceback" not in client.stderr_text()
    finally:
        client.shutdown()
    assert _snapshot(outside) == before


def test_a_gitignore_that_links_out_of_the_tree_is_not_read(tmp_path):
    """`.gitignore` as a link to a file outside (as git since 2.32, which refuses to follow
    it): its patterns are not used, so what it would hide is checked; a real one is used."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "theirs").write_text("*.txt\n", encoding="utf-8")
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "r.txt").write_bytes((EXAMPLES / "defects.txt").read_bytes())
    os.symlink("../outside/theirs", tree / ".gitignore")
    code, out, err = _run(["check", "--format", "json", "."], tree)
    assert code == 1 and 'r.txt"' in out, (code, err)
    (tree / ".gitignore").unlink()
    (tree / ".gitignore").write_text("*.txt\n", encoding="utf-8")
    code, out, err = _run(["check", "--format", "json", "."], tree)
    assert 'r.txt"' not in out, (code, out[:300])


def test_a_file_name_with_a_terminal_escape_is_escaped_in_every_note(tmp_path):
    """A web page named with an ESC, checked with --fix (a document is checked, not fixed: a
    note names it): the name reaches the terminal as `\\x1b`, never as the raw character."""
    page = tmp_path / "r\x1b[31m.html"
    page.write_text("<html><body><p>一、总体情况</p><p>（一）主动公开情况。</p></body></html>", encoding="utf-8")
    code, out, err = _run(["check", "--fix", page.name], tmp_path)
    assert code in (0, 1, 2) and "Traceback" not in err
    assert "\x1b" not in err and "\x1b" not in out, err
    assert "\\x1b" in err, err
