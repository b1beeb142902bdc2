"""Hypothesis properties of whole CLI runs over generated folder trees.

Each example builds a folder tree someone hostile could commit — reports, junk and broken
documents, named pipes, links to files and folders inside and outside the tree, links
that loop, dangle or lead to /dev/zero, a cache folder that is a link out, unreadable files
and folders, `.gitignore` files at any depth (one of them a link out), a configuration
that is broken or reaches outside, and names with spaces, leading dashes, Chinese, terminal
escapes, tabs, newlines, bidirectional overrides and bytes that are not UTF-8 — beside a
folder `outside/` holding reports, a rule pack and files a cache pruner would like to delete.
Then `xxgk-lint check --format json .` and `xxgk-lint check --fix .` run in the tree, each a
subprocess under a timeout. For every tree:

- every run ends (no hang), with exit code 0, 1 or 2 and never a traceback; exit 2 always
  comes with a line on stderr saying why;
- nothing outside the tree changes (contents, modes, times, links, no file added or removed),
  `--fix` included: a link out is never followed, for reading or for writing;
- every finding names a file inside the tree (after resolving links);
- `check` changes nothing in the tree but its own cache folder; `--fix` adds and removes no
  file there (no temporary file left) and keeps every link a link;
- no raw control character (ESC) of a file name reaches the terminal.

The example count is bounded (XXGK_TREE_EXAMPLES, default 25) so that the test takes well
under a minute; `--hypothesis-profile=long` does not change it (each example is two CLI runs).
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

hypothesis = pytest.importorskip("hypothesis")

from hypothesis import HealthCheck, given, note, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from .conftest import EXAMPLES  # noqa: E402

pytestmark = pytest.mark.skipif(os.name != "posix" or not hasattr(os, "mkfifo"), reason="symlinks, FIFOs, modes and /dev/zero are POSIX")

TIMEOUT = 60.0
EXAMPLES_N = int(os.environ.get("XXGK_TREE_EXAMPLES", "25"))
CLEAN = (EXAMPLES / "clean.txt").read_bytes()
DEFECTS_TXT = (EXAMPLES / "defects.txt").read_bytes()  # findings, one of them fixable
DEFECTS_MD = (EXAMPLES / "defects.md").read_bytes()

# ----------------------------------------------------------------------------------------------
# the trees

ODD_NAMES = [
    "报告",
    "a b",
    "-rf",
    "--fix",
    "\x1b[31mred",
    "tab\there",
    "new\nline",
    "\u202eevil",
    "bad\udcff\udcfe",  # bytes 0xff 0xfe: not UTF-8 (surrogateescape)
    "x" * 120,
    "..dots",
    ".hidden",
    "#",
    "*",
    "[ab]",
    "!keep",
    "sub",
    "v2-contract",
]
name_part = st.one_of(
    st.sampled_from(ODD_NAMES),
    st.text(alphabet=st.characters(blacklist_characters="/\x00", blacklist_categories=("Cs",)), min_size=1, max_size=8),
).filter(lambda n: n not in (".", "..") and len(os.fsencode(n)) < 200)

KINDS = [
    "dir",
    "report",
    "fixable",
    "junk",
    "fifo",
    "link_in",
    "link_out_file",
    "link_out_abs",
    "link_out_dir",
    "link_loop",
    "link_dangling",
    "link_zero",
    "unreadable_file",
    "unreadable_dir",
    "gitignore",
    "gitignore_link_out",
    "cache_link_out",
    "config",
]
SUFFIXES = [".txt", ".md", ".txt", ".html", ".pdf", ".docx", ""]
JUNK = [b"\xff\xfe\x00b\x00a\x00d", b"\x00" * 64, b"PK\x03\x04broken zip", b"%PDF-1.4\nbroken", "报告".encode("gb18030") * 50, b"<html><body><table><tr><td>1"]
GITIGNORES = ["*.md\n", "sub/\n", "!keep.txt\n*\n", "ign*\n**/deep/**\n", "#只是注释\n\n", "/报告*\n", "[\n"]
CONFIGS = [
    'exclude = ["*.md"]\n',
    'rule-dirs = ["../outside/rules"]\n',  # outside the project: refused (exit 2)
    'select = [\n',  # not TOML
    'respect-gitignore = false\n',
    '[tool]\n' * 3,
]

entry = st.tuples(st.sampled_from(KINDS), st.integers(0, 20), name_part, st.sampled_from(SUFFIXES), st.integers(0, 20))
# (every tree has a report and a fixable one at its top: there is always something to check)
# (and the fixable one's name has bytes that are not UTF-8 and an ESC: the cache and the
# outputs meet such a name in every example)
FIRST = [("report", 0, "基础", ".txt", 0), ("fixable", 0, "fix\udcff\x1b-me", ".txt", 0)]
trees = st.lists(entry, min_size=1, max_size=14).map(lambda drawn: FIRST + drawn)


def make_outside(base: Path) -> Path:
    out = base / "outside"
    (out / "cachedir").mkdir(parents=True)
    (out / "rules").mkdir()
    (out / "victim.txt").write_bytes(DEFECTS_TXT)
    (out / "victim.md").write_bytes(DEFECTS_MD)
    (out / "ignore-everything").write_text("*\n", encoding="utf-8")
    for name in ("v2-contract.pdf", "video.mov", "old.tmp", ".gitignore", "MANIFEST"):
        (out / "cachedir" / name).write_bytes(b"the user's own file\n")
    (out / "rules" / "pack.toml").write_text(
        '[[rule]]\nid = "XX101"\nname = "x-rule"\ncategory = "typography"\nseverity = "error"\nkind = "pattern"\n'
        'message = "外面的规则“{match}”"\ndescription = "不应加载"\nparams = { regex = "统计" }\n',
        encoding="utf-8",
    )
    old = 1_600_000_000
    for p in out.rglob("*"):
        os.utime(p, (old, old))  # (old files: a pruner of stale caches would like them)
    return out


def build_tree(root: Path, outside: Path, entries) -> None:
    """Make the tree from the drawn entries; an entry that cannot be made (a name taken, a
    parent that is not a folder) is left out."""
    dirs = [root]
    files: list[Path] = []
    for kind, at, name, suffix, pick in entries:
        parent = dirs[at % len(dirs)]
        path = parent / (name + (suffix if kind not in ("dir", "link_out_dir", "link_loop", "unreadable_dir") else ""))
        try:
            if kind == "dir":
                path.mkdir()
                dirs.append(path)
            elif kind in ("report", "fixable", "unreadable_file"):
                path.write_bytes(DEFECTS_MD if suffix == ".md" and kind == "fixable" else DEFECTS_TXT if kind == "fixable" else CLEAN)
                files.append(path)
                if kind == "unreadable_file":
                    path.chmod(0)
            elif kind == "junk":
                path.write_bytes(JUNK[pick % len(JUNK)])
                files.append(path)
            elif kind == "fifo":
                os.mkfifo(path)
            elif kind == "link_in":
                target = files[pick % len(files)] if files else root
                os.symlink(os.path.relpath(target, parent), path)
            elif kind == "link_out_file":
                os.symlink(os.path.relpath(outside / "victim.txt", parent), path)
            elif kind == "link_out_abs":
                os.symlink(outside / "victim.md", path)
            elif kind == "link_out_dir":
                os.symlink(os.path.relpath(outside, parent), path)
            elif kind == "link_loop":
                os.symlink("." if pick % 2 else "..", path)
            elif kind == "link_dangling":
                os.symlink("nowhere/at/all.txt", path)
            elif kind == "link_zero":
                os.symlink("/dev/zero", path)
            elif kind == "unreadable_dir":
                path.mkdir()
                (path / "inside.txt").write_bytes(DEFECTS_TXT)
                path.chmod(0)
            elif kind == "gitignore":
                (parent / ".gitignore").write_text(GITIGNORES[pick % len(GITIGNORES)], encoding="utf-8")
            elif kind == "gitignore_link_out":
                os.symlink(outside / "ignore-everything", parent / ".gitignore")
            elif kind == "cache_link_out":
                os.symlink(os.path.relpath(outside / "cachedir", root), root / ".xxgk-lint-cache")
            elif kind == "config":
                (root / "xxgk-lint.toml").write_text(CONFIGS[pick % len(CONFIGS)], encoding="utf-8")
        except OSError:
            continue


def snapshot(top: Path, skip: str | None = None) -> dict:
    """Everything under `top` as lstat sees it: type, mode, size, mtime, link target, bytes.
    `skip`: a folder name at the top left out (the tree's own cache)."""
    out = {}
    for folder, dirs, names in os.walk(top):
        if skip and folder == str(top) and skip in dirs:
            dirs.remove(skip)
        for name in [*dirs, *names]:
            p = os.path.join(folder, name)
            st_ = os.lstat(p)
            rec = [stat.S_IFMT(st_.st_mode), stat.S_IMODE(st_.st_mode), st_.st_size, st_.st_mtime_ns]
            if stat.S_ISLNK(st_.st_mode):
                rec.append(os.readlink(p))
            elif stat.S_ISREG(st_.st_mode):
                with open(p, "rb") as f:
                    rec.append(f.read())
            out[os.path.relpath(p, top)] = rec
    return out


def unlock(top: Path) -> None:
    for folder, dirs, names in os.walk(top):
        for name in dirs:
            p = os.path.join(folder, name)
            if not os.path.islink(p):
                os.chmod(p, 0o755)
    for folder, _dirs, names in os.walk(top):
        for name in names:
            p = os.path.join(folder, name)
            if not os.path.islink(p) and stat.S_ISREG(os.lstat(p).st_mode):
                os.chmod(p, 0o644)


def run(args: list[str], cwd: Path, cache: Path) -> tuple[int | None, bytes, bytes]:
    env = {**os.environ, "NO_COLOR": "1", "XXGK_LINT_CACHE_DIR": str(cache)}
    env.pop("XXGK_LINT_NO_DISK_CACHE", None)
    env.pop("XXGK_LINT_ALLOW_RULE_DIRS", None)
    try:
        p = subprocess.run([sys.executable, "-m", "xxgk_lint.linter", *args], cwd=cwd, env=env, capture_output=True, timeout=TIMEOUT)
    except subprocess.TimeoutExpired as exc:
        return None, exc.stdout or b"", exc.stderr or b""
    return p.returncode, p.stdout, p.stderr


def check_contract(what: str, code, out: bytes, err: bytes) -> None:
    text = err.decode("utf-8", "replace")
    assert code is not None, f"{what}: did not finish in {TIMEOUT:.0f} s"
    assert code in (0, 1, 2), f"{what}: exit {code}\n{text[-2000:]}"
    assert "Traceback" not in text, f"{what}: {text[-3000:]}"
    if code == 2:
        assert text.strip(), f"{what}: exit 2 without a line saying why"
    assert b"\x1b" not in err, f"{what}: a raw ESC on stderr"


# ----------------------------------------------------------------------------------------------
# the property

@pytest.fixture(scope="module")
def user_cache(tmp_path_factory) -> Path:
    """The user's own cache folder (shared by the runs, and allowed to change)."""
    return tmp_path_factory.mktemp("user-cache")


@settings(max_examples=EXAMPLES_N, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(entries=trees)
def test_cli_over_a_hostile_tree(user_cache, entries):
    base = Path(tempfile.mkdtemp(prefix="xxgk-tree-"))
    try:
        outside = make_outside(base)
        root = base / "tree"
        root.mkdir()
        build_tree(root, outside, entries)
        before_outside = snapshot(outside)
        before_tree = snapshot(root, skip=".xxgk-lint-cache")
        note(f"tree: {sorted(before_tree)}")
        real_root = os.path.realpath(root)

        code, out, err = run(["check", "--format", "json", "."], root, user_cache)
        note(f"check: exit {code}\nstderr: {err.decode('utf-8', 'replace')[-1500:]}")
        check_contract("check", code, out, err)
        assert snapshot(outside) == before_outside, "check changed something outside the tree"
        assert snapshot(root, skip=".xxgk-lint-cache") == before_tree, "check changed the tree"
        if out.strip().startswith(b"["):
            for d in json.loads(out):
                where = os.path.realpath(os.path.join(root, d["path"]))
                assert where == real_root or where.startswith(real_root + os.sep), f"a finding in {where}: a link out was followed"

        code, out, err = run(["check", "--fix", "--jobs", "1", "."], root, user_cache)
        note(f"--fix: exit {code}\nstderr: {err.decode('utf-8', 'replace')[-1500:]}")
        check_contract("--fix", code, out, err)
        assert b"\x1b" not in out, "a raw ESC on stdout"
        assert snapshot(outside) == before_outside, "--fix changed something outside the tree"
        after = snapshot(root, skip=".xxgk-lint-cache")
        assert set(after) == set(before_tree), f"--fix added or removed files: {set(after) ^ set(before_tree)}"
        for name, rec in before_tree.items():
            assert after[name][0] == rec[0], f"{name}: its type changed (a link replaced by a file?)"
            if stat.S_ISLNK(rec[0]):
                assert after[name][4] == rec[4], f"{name}: the link's target changed"
    finally:
        unlock(base)
        shutil.rmtree(base, ignore_errors=True)


def test_the_trees_hold_the_traps(user_cache):
    """The builder makes what the strategy names (a failing builder would test nothing)."""
    base = Path(tempfile.mkdtemp(prefix="xxgk-tree-"))
    try:
        outside = make_outside(base)
        root = base / "tree"
        root.mkdir()
        entries = [(k, 0, f"n{i}\x1b", ".txt", 3 if k == "config" else 1) for i, k in enumerate(KINDS)]
        build_tree(root, outside, entries)
        kinds = {}
        for p in root.rglob("*"):
            st_ = os.lstat(p)
            kinds.setdefault(stat.S_IFMT(st_.st_mode), []).append(p.name)
        assert len(kinds.get(stat.S_IFLNK, [])) >= 8 and kinds.get(stat.S_IFIFO), kinds
        assert (root / ".xxgk-lint-cache").is_symlink() and (root / "xxgk-lint.toml").is_file()
        before = snapshot(outside)
        code, out, err = run(["check", "--format", "json", "."], root, user_cache)
        check_contract("check", code, out, err)
        text = err.decode("utf-8")
        assert "符号链接" in text and "命名管道" in text, text  # the links out and the pipe: each a line
        assert not [d for d in json.loads(out) if "n5" in d["path"] or "n6" in d["path"]], "a link out was followed"
        code, out, err = run(["check", "--fix", "."], root, user_cache)
        check_contract("--fix", code, out, err)
        assert snapshot(outside) == before, "--fix wrote through a link out of the tree"
        assert (root / "n2\x1b.txt").read_bytes() != DEFECTS_TXT, "the fixable report inside was not fixed"
    finally:
        unlock(base)
        shutil.rmtree(base, ignore_errors=True)


def test_cache_keeps_a_name_that_is_not_utf8(user_cache):
    """A report whose name has bytes that are not UTF-8, with the result cache on: the cache
    file was written with json.dumps(...).encode("utf-8"), which raised (an internal error,
    exit 2, for a run with findings); now the name is kept as \\udcXX escapes and a second
    run reads it back from the cache, with the same output."""
    base = Path(tempfile.mkdtemp(prefix="xxgk-tree-"))
    try:
        root = base / "tree"
        root.mkdir()
        try:
            with open(os.fsencode(root) + b"/bad\xff\xfe.txt", "wb") as f:
                f.write(DEFECTS_TXT)
        except OSError:
            pytest.skip("the file system refuses names that are not UTF-8")
        (root / "ok.txt").write_bytes(CLEAN)
        outputs = []
        for _ in range(2):
            code, out, err = run(["check", "--format", "json", "."], root, user_cache)
            check_contract("check", code, out, err)
            assert code == 1 and not err, err.decode("utf-8", "replace")
            outputs.append(out)
        assert outputs[0] == outputs[1]
        assert {d["path"] for d in json.loads(outputs[0])} == {"./bad\udcff\udcfe.txt"}
        cache = [p for p in (root / ".xxgk-lint-cache").iterdir() if p.suffix == ".cache"]
        assert len(cache) == 1 and b"\\udcff" in cache[0].read_bytes()
    finally:
        shutil.rmtree(base, ignore_errors=True)
