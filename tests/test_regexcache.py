"""linter/regexcache.py: regexes compiled in an earlier run are rebuilt from the disk cache and
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
from linter import regexcache
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
