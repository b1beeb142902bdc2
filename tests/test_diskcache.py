"""The on-disk cache of compiled rules and templates: hits, rebuilds, and no pile-up of
files from older versions."""

from __future__ import annotations

import os

from xxgk_lint.linter.support import diskcache


def test_cached_builds_once_and_keeps_only_the_newest_files(tmp_path, monkeypatch):
    monkeypatch.setenv("XXGK_LINT_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("XXGK_LINT_NO_DISK_CACHE", raising=False)
    for i in range(12):  # files left by twelve earlier versions
        old = tmp_path / f"rules-{i:08x}.pickle"
        old.write_bytes(b"x")
        os.utime(old, ns=(i * 10**9, i * 10**9))
    other = tmp_path / "templates-0000abcd.pickle"
    other.write_bytes(b"x")
    source = tmp_path / "pack.toml"
    source.write_text("x = 1\n", encoding="utf-8")
    builds = []

    def build():
        builds.append(1)
        return {"rules": [1, 2, 3]}

    assert diskcache.cached("rules", [source], build) == {"rules": [1, 2, 3]}
    assert diskcache.cached("rules", [source], build) == {"rules": [1, 2, 3]}
    assert len(builds) == 1  # the second call read the file
    left = sorted(f.name for f in tmp_path.glob("rules-*.pickle"))
    assert len(left) == diskcache.KEEP
    # the newest old ones survive (another install may share the folder); other names untouched
    assert {f"rules-{i:08x}.pickle" for i in range(12 - diskcache.KEEP + 1, 12)} <= set(left)
    assert other.exists()
    source.write_text("x = 2\n", encoding="utf-8")  # an edited input: built again
    diskcache.cached("rules", [source], build)
    assert len(builds) == 2
