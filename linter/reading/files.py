"""Reading report files: encoding detection, and the facts needed to write them back unchanged.

Reports arrive as UTF-8, UTF-8 with BOM, or GB18030/GBK (files saved on Chinese Windows).
A file we cannot decode is an error naming the file and the byte offset, never a traceback.

Only regular files are read, and never more than a size cap: a named pipe (FIFO), a device
(a link to /dev/zero), a socket or a huge file in a repository must end the read at once
with one clear line, not hang the linter or eat the memory. The file is `stat`ed first
(following symbolic links), opened with O_NONBLOCK (a FIFO swapped in after the stat cannot
block the open) and checked again with `fstat`, then read in bounded pieces.
"""

from __future__ import annotations

import codecs
import os
import re
import stat
from pathlib import Path

from ..support.errors import ReadError
from ..support.record import Record

# Documents (read by reading/documents.py, imported only for them: its patterns cost start-up).
DOCUMENT_SUFFIXES = {".pdf": "pdf", ".docx": "docx", ".html": "html", ".htm": "html", ".xhtml": "html", ".shtml": "html"}
# Old binary formats that share the OLE2 compound-file header (Word 97-2003, WPS).
OLD_BINARY_SUFFIXES = (".doc", ".wps", ".et", ".dps")
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def is_document(name) -> bool:
    """Whether a file name has a document extension the document readers read (or reject clearly)."""
    suffix = os.path.splitext(str(name))[1].lower()
    return suffix in DOCUMENT_SUFFIXES or suffix in OLD_BINARY_SUFFIXES


def may_be_document(data: bytes, name) -> bool:
    """A cheap first look: could these bytes be a document (by name, or a PDF, zip, OLE or
    markup start)? Only then are the document readers imported to decide."""
    return is_document(name) or data.startswith((b"%PDF-", OLE_MAGIC, b"PK")) or data[:64].lstrip()[:1] == b"<"


DEFAULT_MAX_BYTES = 20 * 1024 * 1024  # a report is a few hundred KB at most
MAX_BYTES = DEFAULT_MAX_BYTES  # (the old name)
MAX_BYTES_ENV = "XXGK_LINT_MAX_BYTES"  # a different cap, in bytes
_CHUNK = 1024 * 1024

# What a file that is not a regular file is, in the messages.
_KINDS = (
    (stat.S_ISFIFO, "命名管道"),
    (stat.S_ISCHR, "字符设备"),
    (stat.S_ISBLK, "块设备"),
    (stat.S_ISSOCK, "套接字"),
)

# Characters a terminal would act on (C0/C1 controls, DEL, bidirectional overrides and
# isolates) and lone surrogates (the undecodable bytes of a file name, kept by Python as
# U+DC80..U+DCFF): shown escaped in every line the linter prints.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")

_SHORT = {9: "\\t", 10: "\\n", 13: "\\r"}


def _escape_char(m: re.Match) -> str:
    c = ord(m.group(0))
    if c in _SHORT:
        return _SHORT[c]
    if 0xDC80 <= c <= 0xDCFF:  # a byte that was not UTF-8 (surrogateescape): the byte itself
        return f"\\x{c - 0xDC00:02x}"
    if c < 0x100:
        return f"\\x{c:02x}"
    return f"\\u{c:04x}"


def printable(text: str) -> str:
    """`text` with control characters, bidirectional controls and undecodable bytes shown as
    escapes (`\\x1b`, `\\u202e`, `\\xff`): safe to print on a terminal, one line."""
    if _UNPRINTABLE.search(text) is None:
        return text
    return _UNPRINTABLE.sub(_escape_char, text)


def max_bytes() -> int:
    """The size cap: XXGK_LINT_MAX_BYTES when set (a positive whole number of bytes)."""
    value = os.environ.get(MAX_BYTES_ENV, "").strip()
    if not value:
        return DEFAULT_MAX_BYTES
    try:
        n = int(value)
    except ValueError:
        n = 0
    if n <= 0:
        raise ReadError(f"环境变量 {MAX_BYTES_ENV} 的值“{printable(value)}”不是正整数（以字节计的文件大小上限）")
    return n


def _size(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.1f} MB"
    if n >= 1024:
        return f"{n / 1024:.1f} KB"
    return f"{n} 字节"


def file_kind(mode: int) -> str:
    """What a file that is not a regular file is (for the messages), "" for a regular file."""
    if stat.S_ISREG(mode):
        return ""
    if stat.S_ISDIR(mode):
        return "目录"
    for test, name in _KINDS:
        if test(mode):
            return name
    return "特殊文件"


def not_regular(path: str, kind: str, skipped: bool = False) -> str:
    """The one-line message for a file that is not a regular file."""
    tail = "已跳过" if skipped else "无法检查"
    return f"{printable(str(path))}：不是普通文件（{kind}），{tail}"


def inside(path: str, root: str) -> bool:
    """Whether the resolved `path` is the resolved folder `root` or below it."""
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def link_out_of_tree(path: str, target: str) -> str:
    """The one-line message for a symbolic link, met in a folder walk, that leads out of the
    folder being checked (neither read nor, by --fix, written)."""
    return f"{printable(str(path))}：是指向所检查目录之外（{printable(str(target))}）的符号链接，已跳过（在命令行上直接写出它才会检查）"


def _os_error(shown: str, exc: OSError) -> ReadError:
    if isinstance(exc, FileNotFoundError):
        return ReadError(f"{shown}：文件不存在")
    if isinstance(exc, IsADirectoryError):
        return ReadError(f"{shown}：是目录，不是文件")
    if isinstance(exc, PermissionError):
        return ReadError(f"{shown}：没有读取权限")
    return ReadError(f"{shown}：无法读取（{exc.strerror or exc}）")


def read_bytes(path: str | Path, limit: int | None = None) -> bytes:
    """The bytes of the regular file `path` (symbolic links followed), at most `limit` bytes
    (default: max_bytes()); anything else is a ReadError with a one-line message."""
    name = os.fspath(path)
    shown = printable(str(name))
    try:
        cap = max_bytes() if limit is None else limit
    except ReadError as exc:
        raise ReadError(f"{shown}：未检查：{exc}") from None
    try:
        st = os.stat(name)
    except OSError as exc:
        raise _os_error(shown, exc) from None
    except ValueError:  # a NUL in the name
        raise ReadError(f"{shown}：文件名无效") from None
    kind = file_kind(st.st_mode)
    if kind == "目录":
        raise ReadError(f"{shown}：是目录，不是文件")
    if kind:
        raise ReadError(not_regular(name, kind))
    if st.st_size > cap:
        raise ReadError(f"{shown}：文件过大（{_size(st.st_size)}），超过 {_size(cap)} 的上限，未检查（上限可用环境变量 {MAX_BYTES_ENV} 调整）")
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(name, flags)
    except OSError as exc:
        raise _os_error(shown, exc) from None
    try:
        st = os.fstat(fd)  # the file opened, which may not be the one stat saw
        kind = file_kind(st.st_mode)
        if kind:
            raise ReadError(not_regular(name, kind) if kind != "目录" else f"{shown}：是目录，不是文件")
        chunks, total = [], 0
        while total <= cap:
            piece = os.read(fd, min(_CHUNK, cap + 1 - total))
            if not piece:
                break
            chunks.append(piece)
            total += len(piece)
        if total > cap:  # grew since the stat, or a file whose size the system does not know
            raise ReadError(f"{shown}：文件过大（超过 {_size(cap)} 的上限），未检查（上限可用环境变量 {MAX_BYTES_ENV} 调整）")
    except BlockingIOError:
        raise ReadError(f"{shown}：读取时会阻塞，不是可以读取的普通文件") from None
    except OSError as exc:
        raise _os_error(shown, exc) from None
    finally:
        os.close(fd)
    return b"".join(chunks) if len(chunks) != 1 else chunks[0]


STDIN_NAME = "标准输入"


def read_stdin(stream=None, limit: int | None = None) -> bytes:
    """The bytes of standard input (or `stream`, a binary file), at most `limit` bytes
    (default: max_bytes(), the cap on files); more is a ReadError with one line, read no
    further than one byte past the cap (a `cat /dev/zero |` ends at once)."""
    import sys

    try:
        cap = max_bytes() if limit is None else limit
    except ReadError as exc:
        raise ReadError(f"{STDIN_NAME}：未检查：{exc}") from None
    if stream is None:
        stream = getattr(sys.stdin, "buffer", None)
        if stream is None:
            raise ReadError(f"{STDIN_NAME}：不可用（没有标准输入）")
    chunks, total = [], 0
    try:
        while total <= cap:
            piece = stream.read(min(_CHUNK, cap + 1 - total))
            if not piece:
                break
            chunks.append(piece)
            total += len(piece)
    except OSError as exc:
        raise ReadError(f"{STDIN_NAME}：无法读取（{exc.strerror or exc}）") from None
    except ValueError:  # closed
        raise ReadError(f"{STDIN_NAME}：已关闭，无法读取") from None
    if total > cap:
        raise ReadError(f"{STDIN_NAME}：内容过大（超过 {_size(cap)} 的上限），未检查（上限可用环境变量 {MAX_BYTES_ENV} 调整）")
    return b"".join(chunks)


class Report(Record):
    path: str
    text: str  # decoded, BOM removed
    encoding: str  # utf-8 | utf-8-sig | gb18030 | utf-16
    raw: bytes


def decode(data: bytes, path: str) -> tuple[str, str]:
    """(text, encoding) of `data`, or ReadError."""
    path = printable(path)
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            raise ReadError(f"{path}: 第 {exc.start + 3} 字节处不是有效的 UTF-8（文件以 UTF-8 BOM 开头）") from None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise ReadError(f"{path}: 第 {exc.start} 字节处不是有效的 UTF-16") from None
    nul = data.find(b"\x00", 0, 8192)
    if nul >= 0:
        raise ReadError(f"{path}: 看起来是二进制文件（第 {nul} 字节为 NUL），不是文本报告")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        utf8_error = exc
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError:
        pass
    raise ReadError(
        f"{path}: 第 {utf8_error.start} 字节处无法解码（既不是 UTF-8 也不是 GB18030/GBK）："
        f"{data[utf8_error.start:utf8_error.start + 4].hex(' ')}"
    )


def read_report(path: str | Path) -> Report:
    p = Path(path)
    data = read_bytes(p)
    text, encoding = decode(data, str(p))
    return Report(str(p), text, encoding, data)
