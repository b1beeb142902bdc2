"""Reading report files: encoding detection, and the facts needed to write them back unchanged.

Reports arrive as UTF-8, UTF-8 with BOM, or GB18030/GBK (files saved on Chinese Windows).
A file we cannot decode is an error naming the file and the byte offset, never a traceback.
"""

from __future__ import annotations

import codecs
from pathlib import Path

from ..support.errors import ReadError
from ..support.record import Record

MAX_BYTES = 64 * 1024 * 1024  # a report is a few KB; refuse absurd inputs clearly


class Report(Record):
    path: str
    text: str  # decoded, BOM removed
    encoding: str  # utf-8 | utf-8-sig | gb18030 | utf-16
    raw: bytes


def decode(data: bytes, path: str) -> tuple[str, str]:
    """(text, encoding) of `data`, or ReadError."""
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
    try:
        size = p.stat().st_size
        if size > MAX_BYTES:
            raise ReadError(f"{p}: 文件过大（{size // (1024 * 1024)} MB），超过 {MAX_BYTES // (1024 * 1024)} MB 上限")
        data = p.read_bytes()
    except FileNotFoundError:
        raise ReadError(f"{p}: 文件不存在") from None
    except IsADirectoryError:
        raise ReadError(f"{p}: 是目录，不是文件") from None
    except PermissionError:
        raise ReadError(f"{p}: 没有读取权限") from None
    except OSError as exc:
        raise ReadError(f"{p}: 无法读取（{exc.strerror or exc}）") from None
    text, encoding = decode(data, str(p))
    return Report(str(p), text, encoding, data)
