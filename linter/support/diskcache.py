"""Buys start-up (the rule set and templates are unpickled, not parsed and compiled); costs a folder in the user cache and a stat of every data file per run.

A small on-disk cache for things that are slow to build and depend only on files: the
compiled rule set and the table templates (TOML parsing and rule compilation cost more than
the whole lint of a report). Keyed by the files' paths, sizes and modification times, the
program version and the Python version; any error means "build it again".

Safe on a folder others can write (a CI cache restored from an earlier job): every file is
signed — HMAC-SHA256 keyed by a random key kept outside the cache folder (key_file(); without
a usable key there is no disk cache at all) — and one whose signature does not verify is
never unpickled, only built again. Files are opened without following symbolic links, made
under a new name (O_EXCL) and renamed into place, and pruning removes only files listed in
the folder's signed MANIFEST, that is files this cache wrote itself."""

from __future__ import annotations

import os
import stat
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
    or the folder cannot be written, or there is no key to sign its files with (secret())."""
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
    if not os.access(root, os.W_OK):
        return None
    # The key must not be inside what it protects (XXGK_LINT_CACHE_DIR=~/.config/xxgk-lint).
    keys, cache = os.path.realpath(key_file().parent), os.path.realpath(root)
    if keys == cache or keys.startswith(cache.rstrip(os.sep) + os.sep):
        return None
    return root if secret() is not None else None  # no key to sign with: no disk cache at all


# -- the key that signs the cache files ---------------------------------------------------------

KEY_BYTES = 32
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_BINARY = getattr(os, "O_BINARY", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)  # opening a planted FIFO to read must not wait forever
_secrets: dict[str, bytes | None] = {}  # key file -> its key (None: none usable), read once


def key_file() -> Path:
    """Where the key lives: the platform's config folder, not the cache folder ($XDG_CONFIG_HOME
    or ~/.config/xxgk-lint/cache.key; ~/Library/Application Support/xxgk-lint/cache.key;
    %LOCALAPPDATA%\\xxgk-lint\\cache.key), so that whoever can write the cache (a restored CI
    cache) does not have it."""
    if sys.platform in ("win32", "darwin"):
        from platformdirs import user_config_dir

        return Path(user_config_dir("xxgk-lint", appauthor=False)) / "cache.key"
    xdg = os.environ.get("XDG_CONFIG_HOME", "")
    return (Path(xdg) if os.path.isabs(xdg) else Path.home() / ".config") / "xxgk-lint" / "cache.key"


def secret() -> bytes | None:
    """The random key cache files are signed with: read from key_file(), made there (0600,
    O_EXCL) on first use; None when it can be neither read nor made, or is not a private
    regular file of this user (then nothing from a cache is trusted)."""
    path = key_file()
    if str(path) not in _secrets:
        _secrets[str(path)] = _read_key(path)
    return _secrets[str(path)]


def _read_key(path: Path) -> bytes | None:
    for _ in range(2):
        try:
            if not _NOFOLLOW and os.path.islink(path):
                return None
            fd = os.open(path, os.O_RDONLY | _NOFOLLOW | _BINARY | _NONBLOCK)
        except FileNotFoundError:
            if not _make_key(path):
                return None
            continue
        except (OSError, ValueError):
            return None
        with open(fd, "rb") as f:
            st = os.fstat(f.fileno())
            if not stat.S_ISREG(st.st_mode):
                return None
            if os.name == "posix" and (st.st_uid != os.geteuid() or st.st_mode & 0o077):
                return None  # others can read or change it: not a secret
            data = f.read(KEY_BYTES + 1)
        return data if len(data) == KEY_BYTES else None
    return None


def _make_key(path: Path) -> bool:
    """Write a new key: whole, into a temporary file, then hard-linked into place, which never
    replaces a key another process made meanwhile (that one is then read). True: there is one."""
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{os.urandom(4).hex()}.tmp")
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _BINARY
        with open(os.open(tmp, flags, 0o600), "wb") as f:
            f.write(os.urandom(KEY_BYTES))
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
        except OSError:  # no hard links on this file system: made in place, still O_EXCL
            try:
                with open(os.open(path, flags, 0o600), "wb") as f:
                    f.write(os.urandom(KEY_BYTES))
            except FileExistsError:
                pass
        finally:
            os.unlink(tmp)
        return True
    except (OSError, ValueError):
        return False


def sign(key: bytes, context: str, payload: bytes) -> bytes:
    """`payload` with its signature in front; `context` (the file's name) is signed with it, so
    that a file does not verify under another name."""
    import hmac

    return SIGNED + hmac.digest(key, context.encode("utf-8") + b"\0" + payload, "sha256") + payload


def unsign(key: bytes, context: str, data: bytes | None) -> bytes | None:
    """The payload of `data` made by sign(key, context, …); None when it is not that."""
    if not data or not data.startswith(SIGNED) or len(data) < len(SIGNED) + 32:
        return None
    import hmac

    mac, payload = data[len(SIGNED) : len(SIGNED) + 32], data[len(SIGNED) + 32 :]
    good = hmac.digest(key, context.encode("utf-8") + b"\0" + payload, "sha256")
    return payload if hmac.compare_digest(mac, good) else None


SIGNED = b"xxgk-lint signed 1\n"


# -- a folder whose files are read, written and removed without following links ----------------


class UnsafeFolder(OSError):
    """The cache folder is a symbolic link or not a directory: not to be used."""


_DIR_FD = os.open in os.supports_dir_fd and os.unlink in os.supports_dir_fd


def plain_name(name: str) -> bool:
    """A file name right inside a folder: no separator, no "..", no NUL, not hidden."""
    return bool(name) and not name.startswith(".") and not any(c in name for c in "/\\\0:\n\t")


class Folder:
    """A cache folder, opened once: its files are read, written and removed by name, never
    through a symbolic link (O_NOFOLLOW; on POSIX relative to the folder's own descriptor, so a
    folder swapped for a link midway changes nothing). `real`: the folder itself must not be a
    link either (raises UnsafeFolder). `create`: made when missing (mkdir never follows a link)."""

    def __init__(self, path: Path, *, real: bool, create: bool = False):
        self.path = Path(path)
        self.fd: int | None = None
        if create:
            try:
                os.mkdir(self.path)
            except FileExistsError:
                pass
        st = os.lstat(self.path) if real else os.stat(self.path)
        if not stat.S_ISDIR(st.st_mode):
            raise UnsafeFolder(f"{self.path}: not a real directory")
        if _DIR_FD:
            flags = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | (_NOFOLLOW if real else 0)
            try:
                self.fd = os.open(self.path, flags)
            except OSError as exc:
                raise UnsafeFolder(f"{self.path}: {exc}") from None
            st2 = os.fstat(self.fd)
            if (st2.st_dev, st2.st_ino) != (st.st_dev, st.st_ino):  # swapped since the lstat
                self.close()
                raise UnsafeFolder(f"{self.path}: changed while opened")

    def close(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _at(self, name: str) -> str:
        if not plain_name(name[1:] if name.startswith(".") else name):  # (.gitignore, temporary files)
            raise ValueError(f"not a name for a cache file: {name!r}")
        return name if self.fd is not None else str(self.path / name)

    def _open(self, name: str, flags: int, mode: int = 0o666) -> int:
        at = self._at(name)
        if self.fd is None and not _NOFOLLOW and os.path.islink(at):
            raise OSError(f"{at}: a symbolic link")
        return os.open(at, flags | _NOFOLLOW | _BINARY, mode, dir_fd=self.fd)

    def read(self, name: str, touch: bool = False) -> bytes | None:
        """The file's bytes; None when missing, a link or not a regular file. `touch`: its
        modification time set to now (a file in use is not pruned as stale)."""
        try:
            fd = self._open(name, os.O_RDONLY | _NONBLOCK)
        except OSError:
            return None
        with open(fd, "rb") as f:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                return None
            data = f.read()
            if touch:
                try:
                    os.utime(fd) if os.utime in os.supports_fd else os.utime(self._at(name))
                except OSError:
                    pass
        return data

    def mtime_ns(self, name: str) -> int | None:
        """The modification time of a regular file `name`; None when missing or not one."""
        try:
            st = os.stat(self._at(name), dir_fd=self.fd, follow_symlinks=False)
        except OSError:
            return None
        return st.st_mtime_ns if stat.S_ISREG(st.st_mode) else None

    def write(self, name: str, data: bytes, mode: int = 0o666) -> None:
        """Write `name` whole: into a new file (O_EXCL) beside it, renamed into place — another
        process never reads half of it, and a link at `name` is replaced, not followed. Not
        fsync'd: a file cut short by a crash is read as damaged and rebuilt. Raises OSError."""
        tmp = f".xxgk-{name}.{os.getpid()}.{os.urandom(4).hex()}.tmp"
        fd = self._open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
        try:
            with open(fd, "wb") as f:
                f.write(data)
            os.replace(self._at(tmp), self._at(name), src_dir_fd=self.fd, dst_dir_fd=self.fd)
        except BaseException:
            try:
                os.unlink(self._at(tmp), dir_fd=self.fd)
            except OSError:
                pass
            raise

    def create(self, name: str, data: bytes) -> bool:
        """Make `name` unless something (a file, a link, even a dangling one) is there already:
        False then, and nothing is written anywhere."""
        try:
            fd = self._open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL)
        except FileExistsError:
            return False
        with open(fd, "wb") as f:
            f.write(data)
        return True

    def remove(self, name: str) -> bool:
        """Delete `name` if it is a regular file (a link or folder is left alone)."""
        if self.mtime_ns(name) is None:
            return False
        try:
            os.unlink(self._at(name), dir_fd=self.fd)
            return True
        except OSError:
            return False

    def read_record(self, key: bytes, name: str, context: str) -> list[str]:
        """The lines of the signed record `name` (a manifest); [] when missing or not signed
        by `key` (a manifest a repository or a restored cache brought along is not ours)."""
        payload = unsign(key, context, self.read(name))
        if payload is None:
            return []
        try:
            return [line for line in payload.decode("utf-8").split("\n") if line]
        except UnicodeDecodeError:
            return []

    def write_record(self, key: bytes, name: str, context: str, lines: list[str]) -> None:
        self.write(name, sign(key, context, "".join(f"{line}\n" for line in lines).encode("utf-8")))


MANIFEST = "MANIFEST"  # the names of the files a cache folder's own cache wrote, signed


def data_files(dirs) -> list[Path]:
    """The rule packs, templates and grammars (.toml, .lark) under these folders: all under the
    program's own (rules/, rules/templates/, grammar/), and of any other folder (a
    configuration's rule-dirs) only the *.toml right inside it — all the rule engine reads there
    (engine.load_dirs), and no walk of a big folder on every run."""
    from .resources import grammar_dir, rules_dir

    own = {grammar_dir(), rules_dir()}
    out: list[Path] = []
    for d in dirs:
        if d in own:
            out += [f for f in d.rglob("*") if f.suffix in (".toml", ".lark")]
        elif d.is_dir():
            out += sorted(d.glob("*.toml"))
    return out


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
    secret_key = secret() if root is not None else None
    if root is None or secret_key is None:
        return build()
    import pickle

    key = fingerprint(name, inputs)
    # One file per name and key checksum (several installs can share the folder); the full
    # key inside decides. Unpickled only when its signature verifies: whoever can write the
    # folder (a restored CI cache) cannot make a file that runs code here.
    fname = f"{name}-{zlib.crc32(key.encode()):08x}.pickle"
    try:
        with Folder(root, real=False) as folder:
            payload = unsign(secret_key, fname, folder.read(fname))
        if payload is not None:
            stored_key, value = pickle.loads(payload)
            if stored_key == key:
                return value
    except Exception:
        pass
    value = build()
    try:
        data = sign(secret_key, fname, pickle.dumps((key, value), protocol=pickle.HIGHEST_PROTOCOL))
        with Folder(root, real=False) as folder:
            folder.write(fname, data, mode=0o600)
            _prune(folder, secret_key, name, fname)
    except Exception:
        pass
    return value


def replace_file(path: Path, data: bytes) -> None:
    """Write a cache file whole, never through a link (see Folder.write). Raises OSError."""
    with Folder(path.parent, real=False) as folder:
        folder.write(path.name, data)


KEEP = 8  # files kept per name: a few installs sharing the folder, each with its own key


def _prune(folder: Folder, secret_key: bytes, name: str, newest: str) -> None:
    """Every upgrade (and every edit of a checkout) makes a new key, so a new file: keep the
    most recently written few of each name, not one per version ever run. Only files this
    cache wrote are removed: those its signed MANIFEST lists ("name<TAB>file", oldest first),
    never others found in the folder (an older version's, or planted)."""
    entries = []
    for line in folder.read_record(secret_key, MANIFEST, "user-cache"):
        kind, _, fname = line.partition("\t")
        if kind and plain_name(fname) and fname != newest:
            entries.append((kind, fname))
    entries.append((name, newest))
    mine = [f for kind, f in entries if kind == name]
    drop = set(mine[: max(0, len(mine) - KEEP)])
    for fname in drop:
        folder.remove(fname)
    folder.write_record(secret_key, MANIFEST, "user-cache", [f"{k}\t{f}" for k, f in entries if f not in drop])
