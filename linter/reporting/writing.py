"""Writing a user's files without losing what was there: a temporary file in the same folder,
then a rename (a crash leaves the old file whole), the file's own encoding and mode kept."""

from __future__ import annotations

import os
from pathlib import Path


def atomic_write(path: Path, data: bytes) -> None:
    """Write via a temporary file in the same folder and a rename: a crash leaves the old file."""
    import tempfile

    mode = None
    try:
        mode = path.stat().st_mode & 0o7777
    except OSError:
        pass
    fd, tmp = tempfile.mkstemp(dir=str(path.parent), prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def write_report(path: Path, text: str, encoding: str) -> None:
    """`text` (BOM and line endings already restored) in the file's own encoding."""
    if encoding == "utf-8-sig":
        data = b"\xef\xbb\xbf" + text.encode("utf-8")
    elif encoding == "utf-16":
        data = text.encode("utf-16")
    else:
        data = text.encode(encoding)
    atomic_write(path, data)
