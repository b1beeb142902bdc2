"""Buys start-up (the rule set and templates are unpickled, not parsed and compiled); costs a folder in the user cache and a stat of every data file per run.

A small on-disk cache for things that are slow to build and depend only on files: the
compiled rule set and the table templates (TOML parsing and rule compilation cost more than
the whole lint of a report). Keyed by the files' paths, sizes and modification times, the
program version and the Python version; any error means "build it again"."""

from __future__ import annotations

import os
import sys
import zlib
from pathlib import Path

from .. import __version__


def disabled() -> bool:
    """XXGK_LINT_NO_DISK_CACHE=1: no cache of any kind is read or written (rules, templates,
    regexes, the grammar): what a run computes then depends on nothing left by another."""
    return bool(os.environ.get("XXGK_LINT_NO_DISK_CACHE"))


def cache_dir() -> Path | None:
    """The user cache folder (XXGK_LINT_CACHE_DIR, else the platform's: ~/.cache/xxgk-lint,
    ~/Library/Caches/xxgk-lint, %LOCALAPPDATA%\\xxgk-lint\\Cache), or None when caching is off
    or the folder cannot be written."""
    if disabled():
        return None
    base = os.environ.get("XXGK_LINT_CACHE_DIR")
    if base:
        root = Path(base)
    elif sys.platform in ("win32", "darwin"):
        from platformdirs import user_cache_dir

        root = Path(user_cache_dir("xxgk-lint", appauthor=False))
    else:
        # The XDG rule platformdirs applies here, written out: importing platformdirs costs
        # ~12 ms (configparser) at every start of a command whose whole budget is ~80 ms.
        xdg = os.environ.get("XDG_CACHE_HOME", "")
        root = (Path(xdg) if os.path.isabs(xdg) else Path.home() / ".cache") / "xxgk-lint"
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return root if os.access(root, os.W_OK) else None


def data_files(dirs) -> list[Path]:
    """The rule packs, templates and grammars (.toml, .lark) under these folders."""
    return [f for d in dirs if d.is_dir() for f in d.rglob("*") if f.suffix in (".toml", ".lark")]


def fingerprint(name: str, inputs: list[Path]) -> str:
    """What `name` depends on: the program (version, Python, each module's path, size and
    mtime) and each input's path, size and mtime, in full — stored with what was built and
    compared exactly: no hash to trust, and no hashlib to import at start-up."""
    parts = [f"{name}|{__version__}|{sys.version_info[:2]}"]
    code = Path(__file__).resolve().parents[1]  # the whole linter package
    for f in sorted(code.rglob("*.py")):  # a checkout's code changes without a version bump
        st = f.stat()
        parts.append(f"{f}|{st.st_size}|{st.st_mtime_ns}")
    for f in sorted(inputs):
        try:
            st = f.stat()
        except OSError:
            continue
        parts.append(f"{f}|{st.st_size}|{st.st_mtime_ns}")
    return "\n".join(parts)


def cached(name: str, inputs: list[Path], build):
    root = cache_dir()
    if root is None:
        return build()
    import pickle

    key = fingerprint(name, inputs)
    # One file per name and key checksum (several installs can share the folder); the full
    # key inside decides.
    path = root / f"{name}-{zlib.crc32(key.encode()):08x}.pickle"
    try:
        with open(path, "rb") as f:
            stored_key, value = pickle.load(f)
        if stored_key == key:
            return value
    except Exception:
        pass
    value = build()
    try:
        replace_file(path, pickle.dumps((key, value), protocol=pickle.HIGHEST_PROTOCOL))
        _prune(root, name, path)
    except Exception:
        pass
    return value


def replace_file(path: Path, data: bytes) -> None:
    """Write a cache file whole: into a temporary file beside it, renamed into place, so that
    another process never reads half of it. Not fsync'd: a cache cut short by a crash is read
    as damaged and rebuilt. Raises OSError."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    finally:
        if tmp.exists():  # (the write failed)
            tmp.unlink()


KEEP = 8  # files kept per name: a few installs sharing the folder, each with its own key


def _prune(root: Path, name: str, newest: Path) -> None:
    """Every upgrade (and every edit of a checkout) makes a new key, so a new file: keep the
    most recently written few of each name, not one per version ever run."""
    files = []
    for f in root.glob(f"{name}-*.pickle"):
        if f.name[len(name) + 1 : -len(".pickle")].isalnum() and f != newest:  # not "rules-x-y"
            try:
                files.append((f.stat().st_mtime_ns, f))
            except OSError:
                pass
    files.sort(reverse=True)
    for _, f in files[KEEP - 1 :]:
        try:
            f.unlink()
        except OSError:
            pass
