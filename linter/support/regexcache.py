"""Buys about a fifth of the CLI's start-up (no pure-Python regex compilation); costs a dependence on `re` internals, guarded per Python build.

Compiled regular expressions kept between runs: start-up time.

Python compiles a regular expression in pure Python (the parser and code generator of `re`):
0.1–0.5 ms each, and one lint needs about a hundred (the line classifier, the model's
patterns, every rule's), a fifth of the command line's start-up. This module keeps what the
code generator produced for each pattern in the user cache folder and hands it straight to
`_sre.compile`, the constructor `re` itself ends with (it validates the code).

It is careful, since it reaches into `re`'s internals:
- a cache file belongs to one exact Python build (sys.version in its name);
- an entry is stored only after the pattern rebuilt from it compared equal to the one `re`
  made (patterns compare by flags, pattern and code);
- on any surprise — another Python, an unreadable file, an internal that moved — patterns
  are compiled the usual way.
Only `install()` (called by the command line and the language server) turns it on.
"""

from __future__ import annotations

import os
import sys

# (pattern, flags) -> (final flags, code as bytes, groups, groupindex, indexgroup); the code is
# kept as bytes so that loading the file makes a few hundred objects, not a million ints
_entries: dict | None = None
_added = 0
_path = None


def install() -> None:
    """Serve `re`'s compilations from the disk cache for the rest of the process."""
    global _entries, _path
    if _entries is not None or os.environ.get("XXGK_LINT_NO_DISK_CACHE"):
        return
    try:
        import _sre
        import marshal
        import re._compiler as compiler
        import re._parser as parser
        from array import array
    except ImportError:
        return  # not CPython 3.11+
    if array("I").itemsize != _sre.CODESIZE:
        return
    from .diskcache import cache_dir

    root = cache_dir()
    if root is None:
        return
    _path = root / f"regex-{sys.implementation.cache_tag}-{_version_key()}.marshal"
    try:
        with open(_path, "rb") as f:
            loaded = marshal.load(f)
        _entries = loaded if isinstance(loaded, dict) else {}
    except (OSError, EOFError, ValueError, TypeError):
        _entries = {}
    original = compiler.compile

    def compile(p, flags=0):
        if not isinstance(p, str):
            return original(p, flags)
        key = (p, int(flags))  # flags may be a re.RegexFlag: marshal takes plain ints
        hit = _entries.get(key)
        if hit is not None:
            try:
                final_flags, code, groups, groupindex, indexgroup = hit
                return _sre.compile(p, final_flags, array("I", code).tolist(), groups, groupindex, indexgroup)
            except Exception:
                _entries.pop(key, None)
        made = original(p, flags)
        try:
            parsed = parser.parse(p, flags)
            groupindex = dict(parsed.state.groupdict)
            indexgroup = [None] * parsed.state.groups
            for name, i in groupindex.items():
                indexgroup[i] = name
            code = array("I", compiler._code(parsed, flags))
            entry = (int(flags | parsed.state.flags), code.tobytes(), parsed.state.groups - 1, groupindex, tuple(indexgroup))
            if _sre.compile(p, entry[0], code.tolist(), *entry[2:]) == made:
                _remember(key, entry)
        except Exception:
            pass
        return made

    compiler.compile = compile
    import atexit

    atexit.register(save)


def _version_key() -> str:
    """This Python build and this program's version: the patterns change with the program,
    and a file per version does not keep the patterns of every version ever run."""
    import zlib

    from .. import __version__

    return f"{zlib.crc32(f'{sys.version}|{__version__}'.encode()):08x}"


STALE_DAYS = 30  # other versions' files not written for this long are removed


def _prune(current) -> None:
    import time

    cutoff = time.time() - STALE_DAYS * 86400
    for f in current.parent.glob("regex-*.marshal"):
        try:
            if f != current and f.stat().st_mtime < cutoff:
                f.unlink()
        except OSError:
            pass


def _remember(key, entry) -> None:
    global _added
    if len(_entries) < 4096:
        _entries[key] = entry
        _added += 1


def save() -> None:
    """Write the entries learnt in this process (at exit)."""
    global _added
    if not _added or _path is None:
        return
    import marshal

    from .diskcache import replace_file

    try:
        try:  # what other processes (parallel workers) stored meanwhile is kept
            with open(_path, "rb") as f:
                stored = marshal.load(f)
            if isinstance(stored, dict):
                for key, entry in stored.items():
                    if key not in _entries and len(_entries) < 4096:
                        _entries[key] = entry
        except (OSError, EOFError, ValueError, TypeError):
            pass
        replace_file(_path, marshal.dumps(_entries))
        _added = 0
        _prune(_path)
    except (OSError, ValueError):
        pass
