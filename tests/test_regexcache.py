"""linter/support/regexcache.py: regexes compiled in an earlier run are rebuilt from the disk cache and
behave exactly like re's own; a damaged cache file changes nothing."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from .conftest import ROOT

# The cache uses CPython 3.11+'s re._compiler; on older Pythons install() does nothing.
pytestmark = pytest.mark.skipif(sys.version_info < (3, 11), reason="regexcache needs CPython 3.11+")

SCRIPT = r"""
import re, sys
from xxgk_lint.linter.support import regexcache
regexcache.install()
patterns = [
    (r"(?P<year>\d{4})[ \t]*年(?P<m>\d{1,2})?", 0),
    (r"^[（(]([一二三四五六七八九十]{1,3})[）)]", re.M),
    (r",(?<=[^\W\d_A-Za-z],)(?=[^\W\d_A-Za-z])", re.I | re.M),
    (r"(a|b)\1+c", 0),
]
text = "2021年3 （二）x\n(一)报告,编制 abbc aac ABBC"
out = []
for p, f in patterns:
    rx = re.compile(p, f)
    out.append((rx.pattern, rx.flags, rx.groups, sorted(rx.groupindex.items()),
                [(m.span(), m.groups()) for m in rx.finditer(text)]))
print(repr(out))
"""


def _run(cache_dir, plain=False):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "XXGK_LINT_CACHE_DIR": str(cache_dir)}
    if plain:
        env["XXGK_LINT_NO_DISK_CACHE"] = "1"
    proc = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, env=env, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_patterns_from_the_cache_behave_like_res_own(tmp_path):
    plain = _run(tmp_path, plain=True)
    first = _run(tmp_path)  # compiles and stores
    (cache,) = tmp_path.glob("regex-*.marshal")
    second = _run(tmp_path)  # rebuilt from the cache
    assert plain == first == second
    assert cache.stat().st_size > 0


def test_a_damaged_cache_file_is_ignored(tmp_path):
    plain = _run(tmp_path, plain=True)
    _run(tmp_path)
    (cache,) = tmp_path.glob("regex-*.marshal")
    data = cache.read_bytes()
    cache.write_bytes(data[: len(data) // 2])
    assert _run(tmp_path) == plain
    cache.write_bytes(b"\x00garbage")
    assert _run(tmp_path) == plain


LINT_PATTERNS = r"""
import json, sys
import re._compiler as compiler
seen = set()
original = compiler.compile
def spy(p, flags=0):
    if isinstance(p, str):
        seen.add((p, int(flags)))
    return original(p, flags)
compiler.compile = spy
from xxgk_lint.linter.checking.engine import Linter
linter = Linter()
for path in sys.argv[1:]:
    with open(path, encoding="utf-8-sig", errors="replace") as f:
        linter.lint_text(f.read(), path)
print(json.dumps(sorted(seen), ensure_ascii=False))
"""


def test_the_patterns_a_lint_compiles_do_not_depend_on_the_hash_seed(tmp_path):
    """A pattern built by iterating over a set changes with PYTHONHASHSEED: the regex cache
    would miss it in every process (and fill up with copies of it)."""
    from .conftest import corpus_files

    files = [str(p) for p in corpus_files()]
    runs = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONHASHSEED": seed, "XXGK_LINT_NO_DISK_CACHE": "1"}
        proc = subprocess.run([sys.executable, "-c", LINT_PATTERNS, *files], capture_output=True, text=True, env=env, timeout=120)
        assert proc.returncode == 0, proc.stderr
        runs.append(proc.stdout)
    assert len(runs[0]) > 1000 and runs[0] == runs[1]


def test_files_of_other_versions_are_removed_once_stale(tmp_path):
    import time

    stale = tmp_path / "regex-cpython-399-00000000.marshal"
    recent = tmp_path / "regex-cpython-399-11111111.marshal"
    for f in (stale, recent):
        f.write_bytes(b"x")
    old = time.time() - 40 * 86400
    os.utime(stale, (old, old))
    _run(tmp_path)  # compiles, stores its own file and prunes
    assert not stale.exists() and recent.exists()
    assert len(list(tmp_path.glob("regex-*.marshal"))) == 2


def test_a_parallel_run_stores_what_its_workers_compiled(tmp_path):
    """Worker processes end without atexit handlers: they store their patterns themselves."""
    import marshal

    from .conftest import corpus_files

    files = [str(p) for p in corpus_files()]
    keys = []
    for jobs in ("1", "2"):
        cache = tmp_path / f"jobs{jobs}"
        env = {**os.environ, "PYTHONPATH": str(ROOT), "XXGK_LINT_CACHE_DIR": str(cache)}
        env.pop("XXGK_LINT_NO_DISK_CACHE", None)
        cmd = [sys.executable, "-m", "xxgk_lint.linter", "check", "--isolated", "--no-cache", "--quiet", "--jobs", jobs, *files]
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120, cwd=tmp_path)
        assert proc.returncode in (0, 1), proc.stderr
        (path,) = cache.glob("regex-*.marshal")
        with open(path, "rb") as f:
            keys.append(set(marshal.load(f)))
    assert len(keys[0]) > 100 and keys[0] <= keys[1]
