"""Writing a user's files without losing what was there.

A report is rewritten (`--fix`) only when nothing can be lost:

* only if the file still holds exactly the bytes that were linted — checked when the write
  starts and again just before the new content is put in place (an edit the author made
  meanwhile is never overwritten: the file is skipped with a message, exit 2);
* through its symlink (the target is written, the link stays a link), keeping its hard links
  (written in place, see `_commit`), its mode and its owner (chown back when run as root);
* never when it is read-only (no write permission for anyone, or not for us);
* in exactly the encoding it was read in (UTF-8, UTF-8 with BOM, GB18030, UTF-16 LE or BE
  with BOM), and only when that round trip is byte-exact: the original text must encode back
  to the original bytes, and the new bytes must decode to the new text.

Temporary files are written beside the file, named `.<name>.xxgk-lint-<pid>.tmp` so they are
recognisable, removed on any exception (KeyboardInterrupt included); one left by a process
that died (its pid no longer alive) is removed the next time the file beside it is written.
"""

from __future__ import annotations

import codecs
import os
from pathlib import Path

TMP_MARK = ".xxgk-lint-"
_O_BINARY = getattr(os, "O_BINARY", 0)  # (Windows: no newline translation)


class WriteError(Exception):
    """A file deliberately not written: one line (Chinese) naming the file and saying why."""


# -- temporary files ----------------------------------------------------------------------------


def temp_name(path: Path, pid: int | None = None) -> Path:
    """The temporary file beside `path` of process `pid` (default: this one)."""
    return path.with_name(f".{path.name}{TMP_MARK}{os.getpid() if pid is None else pid}.tmp")


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if os.name == "nt":  # os.kill(pid, 0) would terminate the process there: assume it lives
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # EPERM: another user's live process
        return True
    return True


def remove_leftovers(path: Path) -> None:
    """Remove the temporary files beside `path` left by runs that died mid-write (killed, power
    cut): those whose process is gone. A live process's (a concurrent run) is left alone."""
    prefix = f".{path.name}{TMP_MARK}"
    folder = path.parent
    try:
        names = os.listdir(folder)
    except OSError:
        return
    for n in names:
        if not (n.startswith(prefix) and n.endswith(".tmp")):
            continue
        pid = n[len(prefix) : -len(".tmp")]
        if pid.isdigit() and not _alive(int(pid)):
            try:
                os.unlink(folder / n)
            except OSError:
                pass


def _before_commit(path: Path) -> None:
    """Called once the temporary file is written, just before the last check that the file is
    unchanged and the switch to the new content (a seam for tests: nothing to do)."""


# -- the one writer -------------------------------------------------------------------------------


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        n = os.write(fd, view)
        view = view[n:]


def _fsync_folder(folder: Path) -> None:
    if os.name == "nt":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _copy_into(target: Path, data: bytes, old: bytes) -> None:
    """Write `data` over the file's own bytes (same inode: its hard links see it), cut to size.
    On an exception (KeyboardInterrupt included) the old bytes are written back first."""
    fd = os.open(target, os.O_WRONLY | _O_BINARY)  # no O_TRUNC: cut after the write, not before
    try:
        try:
            _write_all(fd, data)
            os.ftruncate(fd, len(data))
            os.fsync(fd)
        except BaseException:
            try:
                os.lseek(fd, 0, os.SEEK_SET)
                _write_all(fd, old)
                os.ftruncate(fd, len(old))
                os.fsync(fd)
            except OSError:
                pass
            raise
    finally:
        os.close(fd)


def _commit(target: Path, data: bytes, st: os.stat_result | None, unchanged=None, old: bytes | None = None) -> None:
    """Put `data` into `target` (a resolved path: not a symlink), whose stat is `st` (None: a
    new file). `unchanged()` is called at the last moment and raises when the file changed.

    The new content always goes to a temporary file first (written whole and fsync'd). Then:

    * normally it is renamed over the file: atomic (a crash leaves the old file or the new,
      never half of one), with the file's mode, and its owner when we may set it;
    * when the file has other hard links (st_nlink > 1), a rename would cut them off (the
      other names would keep the old text): its bytes are copied into the file itself
      (write, then truncate, then fsync — the other names see the fix, as with an editor
      saving in place), the old bytes written back on any exception. We write in place
      rather than refuse because the fix is what the author asked for on every name of the
      file; the price is that a power cut during that one small write is not atomic (the
      fsync'd temporary copy has already been made at that point). The same in-place write is used
      when the owner cannot be kept by a rename (not root, a file of another user we may
      write) or the folder is not writable but the file is.
    """
    in_place = st is not None and (st.st_nlink > 1 or not os.access(target.parent, os.W_OK | os.X_OK))
    remove_leftovers(target)
    tmp = temp_name(target)
    try:
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _O_BINARY
        try:
            fd = os.open(tmp, flags, 0o600 if st is not None else 0o666)
        except FileExistsError:
            # ours by name: left by a dead process that had our pid (none other can have it now)
            os.unlink(tmp)
            fd = os.open(tmp, flags, 0o600 if st is not None else 0o666)
        try:
            _write_all(fd, data)
            os.fsync(fd)
            if st is not None and not in_place:
                if hasattr(os, "fchown") and (st.st_uid, st.st_gid) != (os.geteuid(), os.getegid()):
                    try:
                        os.fchown(fd, st.st_uid, st.st_gid)  # (root: always; others: their groups)
                    except PermissionError:
                        in_place = True  # a rename would make the file ours: write in place
                if hasattr(os, "fchmod"):
                    os.fchmod(fd, st.st_mode & 0o7777)  # after chown, which may clear setuid bits
        finally:
            os.close(fd)
        if st is not None and not in_place and not hasattr(os, "fchmod"):
            os.chmod(tmp, st.st_mode & 0o7777)
        _before_commit(target)
        if unchanged is not None:
            unchanged()
        if in_place:
            if old is None:
                with open(target, "rb") as f:
                    old = f.read()
            _copy_into(target, data, old)
        else:
            os.replace(tmp, target)
            _fsync_folder(target.parent)
    finally:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass  # renamed into place
        except OSError:
            pass


def _resolved(path: Path) -> Path:
    """The file to write: a symlink's target (the link is kept), else the path itself."""
    return Path(os.path.realpath(path)) if os.path.islink(path) else path


def atomic_write(path: Path, data: bytes) -> None:
    """Write a whole file (output, baseline, configuration): temporary file, then rename; a
    symlink's target is written, hard links, mode and owner kept. Raises OSError."""
    target = _resolved(Path(path))
    try:
        st = os.stat(target)
    except FileNotFoundError:
        st = None
    _commit(target, data, st)


# -- reports -----------------------------------------------------------------------------------


def _codec(encoding: str, original: bytes | None) -> tuple[str, bytes]:
    """(Python codec, BOM bytes) that write a file back as it was read."""
    if encoding == "utf-8-sig":
        return "utf-8", codecs.BOM_UTF8
    if encoding == "utf-16":
        # the reader decodes both byte orders as "utf-16"; Python would encode it little-endian
        if original is not None and original.startswith(codecs.BOM_UTF16_BE):
            return "utf-16-be", codecs.BOM_UTF16_BE
        return "utf-16-le", codecs.BOM_UTF16_LE
    return encoding, b""


def restore_exactly(source, original_text: str, new_text: str, name: str) -> str:
    """`new_text` (normalised, as fixed) with the file's BOM and line endings back, or
    WriteError when the lines it did not touch would not keep their bytes."""
    if source.restore(source.text) != original_text:
        raise WriteError(f"{name}: 无法按原样还原换行符，未写入修复")
    endings = source.endings
    if endings and len(set(endings)) > 1 and new_text.count("\n") != source.text.count("\n"):
        raise WriteError(f"{name}: 文件混用多种换行符且修复会改变行数，无法逐字节保留其余各行，未写入修复")
    return source.restore(new_text)


def write_report(path: Path, text: str, encoding: str, original: bytes | None = None) -> None:
    """`text` (BOM and line endings already restored) in the file's own encoding.

    `original`: the bytes that were read and linted. With it the file is written only if it
    still holds them (else WriteError: the author edited it meanwhile), and only if its
    encoding round-trips byte-exactly. Raises WriteError (a file deliberately left alone) or
    OSError."""
    from ..reading.files import ReadError, decode

    path = Path(path)
    name = str(path)
    codec, bom = _codec(encoding, original)
    try:
        data = bom + text.encode(codec)
    except UnicodeEncodeError:
        raise WriteError(f"{name}: 修复后的文字无法用原编码（{encoding}）写回，未写入修复") from None
    target = _resolved(path)
    try:
        st = os.stat(target)
    except FileNotFoundError:
        raise WriteError(f"{name}: 读取后文件已被删除或改名，未写入修复") from None
    if not (st.st_mode & 0o222) or not os.access(target, os.W_OK):
        # (root may write anything: a file no one may write is read-only on purpose)
        raise WriteError(f"{name}: 文件是只读的，未写入修复（如需修复，请先加上写权限）")
    if original is None:
        _commit(target, data, st)
        return
    try:
        exact = bom + decode(original, name)[0].encode(codec) == original and decode(data, name)[0] == text
    except (ReadError, UnicodeError):
        exact = False
    if not exact:
        raise WriteError(f"{name}: 无法按原编码（{encoding}）逐字节写回，未写入修复")
    import hashlib  # here, not at start-up: most runs write nothing

    digest = hashlib.sha256(original).digest()
    changed = f"{name}: 读取后文件已被改动，未写入修复（请重新运行）"

    def holds_original() -> os.stat_result:
        try:
            now = os.stat(target)
            with open(target, "rb") as f:
                content = f.read()
        except OSError:
            raise WriteError(changed) from None
        if hashlib.sha256(content).digest() != digest:
            raise WriteError(changed)
        return now

    # The file must still hold what was linted (content: an edit keeping size and mtime is
    # seen too), and just before the switch it must be that same file, not touched since
    # (size, mtime_ns, inode) and still holding those bytes. (What remains is the moment
    # between that last look and the rename: without locks no writer can close it.)
    st = holds_original()

    def unchanged() -> None:
        now = holds_original()
        if (now.st_size, now.st_mtime_ns, now.st_ino, now.st_dev) != (st.st_size, st.st_mtime_ns, st.st_ino, st.st_dev):
            raise WriteError(changed)

    _commit(target, data, st, unchanged, old=original)
