"""A small on-disk cache for things that are slow to build and depend only on files: the
compiled rule set and the table templates (TOML parsing and rule compilation cost more than
the whole lint of a report). Keyed by the files' paths, sizes and modification times, the
program version and the Python version; any error means "build it again"."""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
from pathlib import Path
from typing import Callable, TypeVar

from . import __version__

T = TypeVar("T")


def cache_dir() -> Path | None:
    base = os.environ.get("XXGK_LINT_CACHE_DIR")
    root = Path(base) if base else Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "xxgk-lint"
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return root if os.access(root, os.W_OK) else None


def _key(name: str, inputs: list[Path]) -> str:
    h = hashlib.sha256(f"{name}|{__version__}|{sys.version_info[:2]}".encode())
    code = Path(__file__).resolve().parent
    for f in sorted(code.rglob("*.py")):  # a checkout's code changes without a version bump
        st = f.stat()
        h.update(f"{f}|{st.st_size}|{st.st_mtime_ns}".encode())
    for f in sorted(inputs):
        try:
            st = f.stat()
        except OSError:
            continue
        h.update(f"{f}|{st.st_size}|{st.st_mtime_ns}".encode())
    return h.hexdigest()[:20]


def cached(name: str, inputs: list[Path], build: Callable[[], T]) -> T:
    if os.environ.get("XXGK_LINT_NO_DISK_CACHE"):
        return build()
    root = cache_dir()
    if root is None:
        return build()
    path = root / f"{name}-{_key(name, inputs)}.pickle"
    try:
        with open(path, "rb") as f:
            return pickle.load(f)
    except Exception:
        pass
    value = build()
    try:
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        with open(tmp, "wb") as f:
            pickle.dump(value, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except Exception:
        pass
    return value
