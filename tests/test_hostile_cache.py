"""Safe on a hostile repository: the caches and rule-dirs of a checkout someone else made.

An evaluator runs the linter over repositories other people made, CI runs it on every pull
request. What such a repository (or a CI cache restored from an earlier job) brings along must
not make the linter delete, create or change files outside its own, run code, or walk and
read folders outside the project:

- a committed .xxgk-lint-cache that is a symbolic link: not used (one warning), nothing
  removed or written where it points; a link inside a real cache folder is never written
  through; files found in the cache folder that the cache did not write are never removed;
- the user cache (XXGK_LINT_CACHE_DIR): a planted pickle is never loaded (files are signed
  with a key kept outside the cache folder; no key, no disk cache); files there that the cache
  did not write are never pruned;
- rule-dirs only inside the folder of the configuration file that names them, unless the
  user's environment allows more (XXGK_LINT_ALLOW_RULE_DIRS); anything else is one line on
  standard error and exit 2, never a traceback or a hang.

Every command runs in a subprocess under a timeout, with its own user cache and config
folder (XXGK_LINT_CACHE_DIR, XDG_CONFIG_HOME) in the test's temporary folder.
"""

from __future__ import annotations

import os
import pickle
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import EXAMPLES, ROOT

CLEAN = EXAMPLES / "clean.txt"
TIMEOUT = 60.0  # a normal run takes well under a second; an unbounded walk of / would not finish
posix_only = pytest.mark.skipif(os.name != "posix", reason="symbolic links, FIFOs and XDG folders as on POSIX")

from .test_hostile_rules import pattern_rule  # noqa: E402

PACK = pattern_rule()  # a valid pack: one pattern rule


def env_for(tmp: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("XXGK_LINT_")}
    env.update(
        XXGK_LINT_CACHE_DIR=str(tmp / "user-cache"),
        XDG_CONFIG_HOME=str(tmp / "user-config"),
        PYTHONPATH=str(ROOT),
        NO_COLOR="1",
    )
    env.update(extra)
    return env


def run(tmp: Path, *args, cwd: Path, **env: str) -> tuple[int | None, str, str]:
    """(exit code, stdout, stderr); the exit code is None when the command did not finish in time."""
    try:
        p = subprocess.run(
            [sys.executable, "-m", "xxgk_lint.linter", *map(str, args)],
            cwd=cwd, env=env_for(tmp, **env), capture_output=True, timeout=TIMEOUT,
        )
    except subprocess.TimeoutExpired:
        return None, "", f"(did not finish in {TIMEOUT} s)"
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def snapshot(folder: Path) -> dict[str, tuple]:
    """Every entry under `folder` (not following links): its kind, bytes or link target, mtime."""
    out = {}
    for p in sorted(folder.rglob("*")):
        st = p.lstat()
        what = os.readlink(p) if p.is_symlink() else (p.read_bytes() if p.is_file() else "dir")
        out[str(p.relative_to(folder))] = (what, st.st_mtime_ns)
    return out


def repository(tmp: Path) -> Path:
    repo = tmp / "repo"
    repo.mkdir()
    shutil.copy(CLEAN, repo / "report.txt")
    return repo


# -- the result cache (.xxgk-lint-cache/) ------------------------------------------------------


@posix_only
def test_a_symlinked_result_cache_is_not_used_and_nothing_there_is_touched(tmp_path):
    elsewhere = tmp_path / "somewhere"
    elsewhere.mkdir()
    (elsewhere / "video.mov").write_bytes(b"\x00\x00\x00\x18ftypqt  ")
    (elsewhere / "v2-contract.pdf").write_bytes(b"%PDF-1.7 contract")
    (elsewhere / "old.tmp").write_text("draft", encoding="utf-8")
    two_hours_ago = time.time() - 2 * 3600
    os.utime(elsewhere / "old.tmp", (two_hours_ago, two_hours_ago))
    before = snapshot(elsewhere)
    repo = repository(tmp_path)
    (repo / ".xxgk-lint-cache").symlink_to(Path("..") / "somewhere")  # as committed: -> ../somewhere
    for _ in range(2):  # the first run would write the cache, the second prune it
        code, out, err = run(tmp_path, "check", ".", cwd=repo)
        assert code == 0, (out, err)
        assert "没有发现问题" in out
        assert "Traceback" not in err
        lines = [l for l in err.splitlines() if l.strip() and "检查了" not in l]
        assert len(lines) <= 1 and all(".xxgk-lint-cache" in l for l in lines), err
    assert snapshot(elsewhere) == before  # nothing removed, changed or added (no .gitignore, no cache)


@posix_only
def test_a_dangling_gitignore_link_in_the_cache_folder_is_not_written_through(tmp_path):
    repo = repository(tmp_path)
    cache = repo / ".xxgk-lint-cache"
    cache.mkdir()
    target = tmp_path / "outside" / "created-by-the-linter"
    target.parent.mkdir()
    (cache / ".gitignore").symlink_to(target)
    code, out, err = run(tmp_path, "check", ".", cwd=repo)
    assert code == 0 and "Traceback" not in err, (out, err)
    assert not target.exists() and not any(target.parent.iterdir())
    assert (cache / ".gitignore").is_symlink()  # left as it was
    assert list(cache.glob("v*.cache"))  # the cache itself still works in a real folder


def test_files_the_result_cache_did_not_write_are_never_pruned(tmp_path):
    """Pruning removes what the cache's signed MANIFEST lists, never files by their names."""
    repo = repository(tmp_path)
    cache = repo / ".xxgk-lint-cache"
    cache.mkdir()
    month_ago = time.time() - 40 * 86400
    foreign = {"v2-contract.pdf": b"%PDF", "v5-0badcafe.cache": b"x", "old.tmp": b"x", ".v6-1.cache.9.tmp": b"x"}
    for name, data in foreign.items():
        (cache / name).write_bytes(data)
        os.utime(cache / name, (month_ago, month_ago))
    # a manifest that names the foreign files, but is not signed with the user's key
    (cache / "MANIFEST").write_text("".join(f"{n}\n" for n in foreign), encoding="utf-8")
    for _ in range(2):
        code, out, err = run(tmp_path, "check", ".", cwd=repo)
        assert code == 0 and "Traceback" not in err, (out, err)
        (repo / "report.txt").touch()  # the next run writes (and prunes) again
    assert {n: (cache / n).read_bytes() for n in foreign} == foreign


# -- the user cache (pickles) ------------------------------------------------------------------


class Evil:
    """A pickle that runs a command when loaded."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch '{self.marker}'",))


@posix_only
def test_a_planted_pickle_in_the_user_cache_is_never_loaded(tmp_path):
    repo = repository(tmp_path)
    user_cache = tmp_path / "user-cache"
    marker = tmp_path / "PWNED"
    expected = run(tmp_path, "check", "--isolated", "--no-cache", "report.txt", cwd=repo, XXGK_LINT_NO_DISK_CACHE="1")
    assert expected[0] == 0
    code, _, err = run(tmp_path, "check", "--isolated", "--no-cache", "report.txt", cwd=repo)  # fills the cache
    assert code == 0, err
    names = [p.name for p in user_cache.glob("*.pickle")]
    assert {n.rsplit("-", 1)[0] for n in names} >= {"rules", "templates"}, names
    evil = pickle.dumps(("key", Evil(marker)))
    forged = b"xxgk-lint signed 1\n" + b"\x00" * 32 + evil  # the signed format, with a wrong signature
    for payload in (evil, forged):
        for name in names:  # the very names the cache reads at the next start
            (user_cache / name).write_bytes(payload)
        code, out, err = run(tmp_path, "check", "--isolated", "--no-cache", "report.txt", cwd=repo)
        assert not marker.exists(), "a pickle planted in the user cache ran code"
        assert (code, out) == expected[:2] and "Traceback" not in err
    # and a rebuilt file is used again (the cache still works)
    assert all((user_cache / n).read_bytes() not in (evil, forged) for n in names if (user_cache / n).exists())


@posix_only
def test_fifos_planted_at_the_cache_files_names_do_not_hang_the_run(tmp_path):
    repo = repository(tmp_path)
    assert run(tmp_path, "check", "report.txt", cwd=repo)[0] == 0  # fills both caches
    planted = [*(tmp_path / "user-cache").glob("*.pickle"), *(repo / ".xxgk-lint-cache").glob("v*.cache")]
    assert len(planted) >= 3
    for p in planted:  # opened to read, each would wait forever for a writer
        p.unlink()
        os.mkfifo(p)
    code, out, err = run(tmp_path, "check", "report.txt", cwd=repo)
    assert code == 0 and "没有发现问题" in out and "Traceback" not in err, (code, out, err)


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="the key's folder is the XDG one here")
def test_without_a_usable_key_there_is_no_disk_cache(tmp_path):
    repo = repository(tmp_path)
    (tmp_path / "not-a-folder").write_text("", encoding="utf-8")  # the config folder cannot be made
    code, out, err = run(tmp_path, "check", "--isolated", "--no-cache", "report.txt", cwd=repo,
                         XDG_CONFIG_HOME=str(tmp_path / "not-a-folder"))
    assert code == 0 and "没有发现问题" in out and "Traceback" not in err
    cache = tmp_path / "user-cache"
    assert not cache.exists() or not list(cache.glob("*.pickle"))
    # with a key (made 0600, outside the cache folder) the cache is used
    assert run(tmp_path, "check", "--isolated", "--no-cache", "report.txt", cwd=repo)[0] == 0
    key = tmp_path / "user-config" / "xxgk-lint" / "cache.key"
    assert key.stat().st_size == 32 and key.stat().st_mode & 0o777 == 0o600
    assert list(cache.glob("*.pickle"))


def test_files_in_the_user_cache_the_cache_did_not_write_are_never_pruned(tmp_path, monkeypatch):
    from xxgk_lint.linter.support import diskcache

    monkeypatch.setenv("XXGK_LINT_CACHE_DIR", str(tmp_path / "user-cache"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "user-config"))
    monkeypatch.delenv("XXGK_LINT_NO_DISK_CACHE", raising=False)
    folder = tmp_path / "user-cache"
    folder.mkdir()
    planted = [folder / f"rules-{i:08x}.pickle" for i in range(diskcache.KEEP + 4)]
    for p in planted:  # newer than anything the cache writes: kept by a pruner that sorts by time
        p.write_bytes(b"someone else's")
        os.utime(p, (time.time() + 3600, time.time() + 3600))
    source = tmp_path / "pack.toml"
    for i in range(diskcache.KEEP + 3):  # the cache's own files, one per version of the input
        source.write_text(f"x = {i}\n", encoding="utf-8")
        os.utime(source, ns=(i * 10**9, i * 10**9))
        assert diskcache.cached("rules", [source], lambda: i) == i
    assert all(p.read_bytes() == b"someone else's" for p in planted)
    own = set(folder.glob("rules-*.pickle")) - set(planted)
    assert len(own) == diskcache.KEEP  # the cache still prunes its own


# -- rule-dirs ---------------------------------------------------------------------------------


def rule_dir_case(tmp: Path, value: str) -> tuple[Path, Path]:
    """(the repository, its configuration) naming `value` as a rule folder; a rule folder with
    a good pack beside the repository (../outside)."""
    repo = repository(tmp)
    outside = tmp / "outside"
    outside.mkdir(exist_ok=True)
    (outside / "pack.toml").write_text(PACK, encoding="utf-8")
    config = repo / "xxgk-lint.toml"
    config.write_text(f"rule-dirs = [{value}]\n", encoding="utf-8")
    return repo, config


def assert_one_line(result, config: Path) -> None:
    code, out, err = result
    assert code is not None, err
    assert "Traceback" not in err, err
    lines = [l for l in err.splitlines() if l.strip()]
    assert code == 2, (code, out, err)
    assert len(lines) == 1, err
    assert str(config) in lines[0] and "rule-dirs" in lines[0], lines[0]


@pytest.mark.parametrize(
    "value",
    ['"../outside"', '"/etc"', '"/"', '"/proc/self"', '"\\u0000"', '"rules\\u0000x"', '"rules\\nevil"'],
    ids=["parent", "etc", "root", "proc-self", "nul", "nul-inside", "newline"],
)
def test_rule_dirs_outside_the_project_are_refused(tmp_path, value):
    repo, config = rule_dir_case(tmp_path, value)
    (repo / "rules").mkdir()
    assert_one_line(run(tmp_path, "check", "--no-cache", "report.txt", cwd=repo), config)


@posix_only
@pytest.mark.parametrize("what", ["folder-link", "file-link", "fifo", "too-many"])
def test_rule_dirs_inside_that_lead_outside_or_would_block_are_refused(tmp_path, what):
    repo, config = rule_dir_case(tmp_path, '"rules"')
    rules = repo / "rules"
    if what == "folder-link":
        rules.symlink_to(tmp_path / "outside")
    else:
        rules.mkdir()
        if what == "file-link":
            (rules / "pack.toml").symlink_to(tmp_path / "outside" / "pack.toml")
        elif what == "fifo":
            os.mkfifo(rules / "pack.toml")  # reading it would wait forever
        else:
            for i in range(201):
                text = PACK.replace("XX101", f"XX{100 + i}").replace('"x-rule"', f'"x-rule-{i}"')
                (rules / f"pack{i:03d}.toml").write_text(text, encoding="utf-8")
    assert_one_line(run(tmp_path, "check", "--no-cache", "report.txt", cwd=repo), config)


def test_a_rule_dir_the_users_environment_allows_is_used(tmp_path):
    repo, config = rule_dir_case(tmp_path, '"../outside"')
    with (repo / "report.txt").open("a", encoding="utf-8") as f:
        f.write("\n本年度共公开信息锟斤拷条。\n")
    assert_one_line(run(tmp_path, "check", "--no-cache", "report.txt", cwd=repo), config)  # not allowed
    allowed = os.pathsep.join([str(tmp_path / "nonexistent"), str(tmp_path / "outside")])
    code, out, err = run(tmp_path, "check", "--no-cache", "report.txt", cwd=repo, XXGK_LINT_ALLOW_RULE_DIRS=allowed)
    assert code in (0, 1) and "XX101" in out and "Traceback" not in err, (out, err)
    # inside the project: relative, absolute, or through a link that stays inside
    (repo / "rules").mkdir()
    (repo / "rules" / "pack.toml").write_text(PACK, encoding="utf-8")
    if os.name == "posix":
        (repo / "linked").symlink_to("rules")
    for value in ('"rules"', repr(str(repo / "rules")).replace("'", '"')) + (('"linked"',) if os.name == "posix" else ()):
        config.write_text(f"rule-dirs = [{value}]\n", encoding="utf-8")
        code, out, err = run(tmp_path, "check", "--no-cache", "report.txt", cwd=repo)
        assert code in (0, 1) and "XX101" in out and "Traceback" not in err, (value, out, err)
