"""The on-disk cache of compiled rules and templates: hits, rebuilds, and no pile-up of
files from older versions."""

from __future__ import annotations

import os

from xxgk_lint.linter.support import diskcache


def test_cached_builds_once_and_keeps_only_the_newest_files(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    folder.mkdir()
    monkeypatch.setenv("XXGK_LINT_CACHE_DIR", str(folder))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))  # the signing key's, outside the cache
    monkeypatch.delenv("XXGK_LINT_NO_DISK_CACHE", raising=False)
    for i in range(12):  # files the cache did not write (another version's, or planted): kept
        old = folder / f"rules-{i:08x}.pickle"
        old.write_bytes(b"x")
        os.utime(old, ns=(i * 10**9, i * 10**9))
    foreign = {f.name for f in folder.glob("rules-*.pickle")}
    other = folder / "templates-0000abcd.pickle"
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
    def names() -> set[str]:
        return {f.name for f in folder.glob("rules-*.pickle")}

    written = [next(iter(names() - foreign))]
    for i in range(12):  # twelve more versions of the input, each a file of the cache's own
        source.write_text(f"x = {i + 2}\n", encoding="utf-8")
        os.utime(source, ns=((100 + i) * 10**9, (100 + i) * 10**9))
        before = names()
        diskcache.cached("rules", [source], build)
        (new,) = names() - before
        written.append(new)
    # the newest few of its own are kept; files it did not write are never removed
    assert names() - foreign == set(written[-diskcache.KEEP :])
    assert foreign <= names() and other.exists()
    source.write_text("x = 2\n", encoding="utf-8")  # an edited input: built again
    n = len(builds)
    diskcache.cached("rules", [source], build)
    assert len(builds) == n + 1
