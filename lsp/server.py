"""The xxgk-lint language server (pygls 2.x): live findings while an author drafts a report.

- Incremental sync, applied in O(edit) (lsp/document.py keeps each open document's lines:
  pygls re-splits and rewrites the whole text on every change). On open/change/save the
  document is linted in-process on a worker thread (the event loop keeps answering hovers
  meanwhile). Bursts of keystrokes coalesce, with no fixed debounce delay:
  - before a lint takes the text, the frames that have already arrived are handled (at most
    DRAIN_MAX): changes queued in the pipe are linted once, on their last version;
  - a change while a lint runs makes that lint stale: it stops before its next rule
    (Linter.lint's should_stop) and the latest text is linted instead.
  A result for an older version is never published over a newer one, and diagnostics equal
  to those last published are not published again (a client that asks for it in
  capabilities.experimental.xxgkLintLinted gets an `xxgk-lint/linted` notice for every
  version linted: tests and benchmarks wait for that). Each diagnostic's JSON is kept while
  its finding and lines stay the same: a publish is a join of strings, not a converter pass
  over hundreds of findings.
- One document's lint does not hold up another's: documents lint on two lanes, one thread
  each — light ones (under HEAVY_CHARS characters: every real report, a few ms each) and
  heavy ones. A light document never waits for a heavy one's lint: its diagnostics come
  after the light lints queued before it, and a running heavy lint waits between two rules
  while a light lint runs (HEAVY_YIELD_MAX each time), so a light lint shares the
  interpreter lock with at most one heavy rule (or the heavy text's parse, which has no
  stopping points); a heavy document waits at most for the heavy lints queued before it
  (~0.15 s per MB each). Threads rather than a worker process: hovers, symbols,
  inlay hints and code actions read the Document model of the published result, and
  sending a 5 MB report's model back from a process costs about what building it costs;
  a lint's time is linear in the text, so a lane of its own bounds what a big one can hold
  up. Each open document has a Linter of its own (the incremental memo of its rules' last
  run), used by one thread at a time (DocState.lock: the lint and a fix-all of the same
  document may run on different lanes).
- Closing a document drops all it held: its state (model, findings, converted diagnostics),
  its Linter and with it the memo; once its last lint has finished, the memory goes back to
  the system (gc, then malloc_trim on glibc).
- Diagnostics carry the rule code, the source, severity from rule and configuration, a link
  to the rule's documentation, related locations and the fix (in `data`).
- Requests about a document's content (symbols, inlay hints, hover, code actions) asked while
  the lint of its current text runs wait for it (bounded, LINT_WAIT): an outline asked right
  after opening is the document's, not empty.
- Code actions: the rule's fixes of the findings in the requested range, "suppress on this
  line" for the findings at the cursor; `source.fixAll.xxgk-lint` (and the command
  `xxgk-lint.fixAll`): every safe fix of the document at once, as `xxgk-lint check --fix`
  applies them. Hover (the finding explained; the equation of a table total with its
  numbers), document symbols (sections and tables), inlay hints (the sum the other cells
  give, on each total cell).
- Configuration: the same discovery as the CLI (pyproject.toml / xxgk-lint.toml upward from
  the document), overlaid with the client's `xxgkLint` settings; reloaded when they change.
- Every request is answered: one whose params fail validation (a negative position, no
  params) gets InvalidParams, one that is no JSON-RPC request InvalidRequest (XxgkProtocol).
- The stdio stream survives a client's framing mistakes (FrameReader): a wrong
  Content-Length, bytes between frames — the server resynchronises at the next header; a
  frame over MAX_FRAME bytes is never allocated, only skipped. Each is logged; a request
  whose frame could not be read is answered with a parse error when its id is legible.
"""

from __future__ import annotations

import asyncio
import functools
import gc
import inspect
import json
import logging
import os
import re
import select
import sys
import threading
import traceback
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlparse

from lsprotocol import types
from pygls.capabilities import get_capability
from pygls.exceptions import JsonRpcException
from pygls.io_ import StdoutWriter
from pygls.lsp.server import LanguageServer
from pygls.protocol import JsonRPCResponseMessage, LanguageServerProtocol
from pygls.workspace.text_document import TextDocument

from ..linter import __version__
from ..linter.checking.config import Config, ConfigError, discover, find_config_file, load
from ..linter.model.diagnostic import Diagnostic
from ..linter.checking.engine import Linter
from ..linter.checking.rules import RuleError
from ..linter.reporting.fixes import fix_text
from .history import History
from ..linter.support.resources import rule_doc_uri

from . import positions
from .document import use_line_documents

log = logging.getLogger("xxgk-lint.lsp")

# pygls 2.1 splits a document into lines with str.splitlines, for which a form feed (\f, the
# page break pdftotext writes), \v, \x1c–\x1e, \x85, U+2028/2029 end a line too. LSP lines end
# only at \n, \r\n and \r: with a form feed in a report, every incremental edit after it would
# land on the wrong line and the server would lint a text the editor does not have.
def _lsp_lines(self) -> tuple[str, ...]:
    return tuple(positions.lsp_lines(self.source))


TextDocument.lines = property(_lsp_lines)  # type: ignore[assignment]
SOURCE = "xxgk-lint"
# How long a request about a document's content waits for the lint of its current text (s).
LINT_WAIT = 10.0
FIX_ALL_KIND = f"{types.CodeActionKind.SourceFixAll.value}.xxgk-lint"
FIX_ALL_COMMAND = "xxgk-lint.fixAll"
FIX_ALL_TITLE = "xxgk-lint：修复所有可自动修复的问题"
SEVERITY = {
    "error": types.DiagnosticSeverity.Error,
    "warning": types.DiagnosticSeverity.Warning,
    "info": types.DiagnosticSeverity.Information,
}


# Documents of more characters than this lint on the heavy lane (~0.05 s of lint; real reports
# are a few per cent of it), shorter ones on the light lane.
HEAVY_CHARS = 200_000
# A heavy lint waits between two rules while a light lint runs (the light lane goes first: the
# two would share the interpreter lock), at most this long each time (s).
HEAVY_YIELD_MAX = 1.0
# A frame longer than this is a client's mistake (VS Code syncs no file over 50 MB): skipped,
# never allocated.
MAX_FRAME = 64 * 1024 * 1024
# After the last close, how long to wait before giving memory back (s): one release per burst.
RELEASE_DELAY = 0.3
# Before a lint, how long at most to wait for the frames that have already arrived to be
# handled (s): a burst of changes queued in the pipe is linted once, on its last version; a
# client flooding requests cannot hold the lint back longer than this.
DRAIN_MAX = 0.1
# The notification a client that asks for it (capabilities.experimental.xxgkLintLinted) gets
# after each lint of a document's current text: {uri, version, published, runs, stopped} (the
# last two: how many lints of the document ran, and how many of them stopped as stale). Diagnostics that
# did not change are not published again; this tells a test or a benchmark the lint is done.
LINTED = "xxgk-lint/linted"


@dataclass
class DocState:
    """What the server knows of one open document."""

    uri: str
    language: str = "plaintext"
    dirty: bool = False
    # bumped by every change of the text (and by closing): a lint of an older count is stale
    # and stops between two rules (Linter.lint's should_stop)
    changes: int = 0
    runs: int = 0  # lints of it run to the end or stopped (in the LINTED notice: for tests)
    stopped: int = 0  # of them, those stopped because the text had moved on
    task: asyncio.Task | None = None
    job: Future | None = None  # the lint running or queued on a lane thread
    version: int | None = None  # version of the published result
    doc: object = None  # the Document model of that version
    diags: list[Diagnostic] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)  # text lines of that version
    linter: Linter | None = None  # the Linter that gave the published result
    # the document's own Linter (for the configuration `engine_key`): its incremental memo is
    # of this document only and goes with it
    engine: Linter | None = None
    engine_key: tuple | None = None
    # held while `engine` lints: a lint and a fix-all of this document may run on two lanes
    lock: threading.Lock = field(default_factory=threading.Lock)
    # finding -> (the text of the lines its positions are on, its LSP form as JSON, the Linter):
    # most findings survive a keystroke unchanged, and converting hundreds of them costs more
    # than a lint
    converted: dict = field(default_factory=dict)
    # the JSON of the diagnostics last published (None: none yet): the same again are not
    # published again
    sent: list | None = None

    def drop(self) -> None:
        """Let go of everything of the document (it was closed)."""
        self.doc, self.diags, self.lines, self.converted, self.sent = None, [], [], {}, None
        self.linter = self.engine = self.engine_key = None


def uri_to_path(uri: str) -> str | None:
    parsed = urlparse(uri)
    if parsed.scheme != "file":
        return None
    path = unquote(parsed.path)
    if os.name == "nt" and path.startswith("/") and len(path) > 2 and path[2] == ":":
        path = path[1:]
    return path


# -- JSON-RPC: every request answered -----------------------------------------------------------


class _Rejected:
    """A message pygls could not structure (params that fail validation …): a request among
    them is answered with `error`, a notification or response is dropped (logged)."""

    __slots__ = ("id", "method", "error")

    def __init__(self, msg_id, method: str, error: types.ResponseError):
        self.id, self.method, self.error = msg_id, method, error


def _msg_id(data) -> int | str | None:
    """The id of a request, when it is a valid one (an integer or a string)."""
    if not isinstance(data, dict):
        return None
    value = data.get("id")
    return value if isinstance(value, (int, str)) and not isinstance(value, bool) else None


def _reason(exc: BaseException) -> str:
    """What is wrong with a message, in one line (cattrs' paths: `… @ $.params.position`)."""
    cause = exc.__cause__ or exc
    try:
        from cattrs import transform_error

        lines = transform_error(cause)
    except Exception:
        lines = [f"{type(cause).__name__}: {cause}"]
    return "；".join(lines)[:500]


def _position(p) -> types.Position:
    if type(p) is not dict or type(p.get("line")) is not int or type(p.get("character")) is not int:
        raise ValueError("not a position")
    return types.Position(line=p["line"], character=p["character"])  # (its validators: no negatives)


def _did_change(data: dict):
    """A didChange notification built directly from its JSON (the converter takes longer than
    applying the keystroke); None for anything not of the plain shape clients send, which the
    converter then structures (and rejects, saying why). tests/test_lsp_typing.py checks that
    the result equals the converter's."""
    try:
        if data.get("jsonrpc") != "2.0" or "id" in data or set(data) - {"jsonrpc", "method", "params"}:
            return None
        params = data["params"]
        doc = params["textDocument"]
        if type(doc.get("uri")) is not str or type(doc.get("version")) is not int or set(doc) - {"uri", "version"}:
            return None
        changes = []
        for c in params["contentChanges"]:
            if type(c.get("text")) is not str:
                return None
            if "range" in c:
                r = c["range"]
                length = c.get("rangeLength")
                if set(c) - {"range", "text", "rangeLength"} or set(r) - {"start", "end"} or (length is not None and type(length) is not int):
                    return None
                rng = types.Range(start=_position(r["start"]), end=_position(r["end"]))
                changes.append(types.TextDocumentContentChangePartial(range=rng, text=c["text"], range_length=length))
            elif set(c) == {"text"}:
                changes.append(types.TextDocumentContentChangeWholeDocument(text=c["text"]))
            else:
                return None
        if set(params) - {"textDocument", "contentChanges"}:
            return None
        ident = types.VersionedTextDocumentIdentifier(version=doc["version"], uri=doc["uri"])
        return types.DidChangeTextDocumentNotification(params=types.DidChangeTextDocumentParams(text_document=ident, content_changes=tuple(changes)))
    except (KeyError, TypeError, ValueError, AttributeError):
        return None


class XxgkProtocol(LanguageServerProtocol):
    """pygls' protocol, answering what pygls 2.1 leaves unanswered: a request whose params do
    not structure (pygls raises out of its reader and the client waits forever), a request
    that is no JSON-RPC 2.0 (pygls drops it), a request after shutdown."""

    shutting_down = False

    def structure_message(self, data):
        if data.get("method") == types.TEXT_DOCUMENT_DID_CHANGE:
            fast = _did_change(data)
            if fast is not None:
                return fast
        try:
            return super().structure_message(data)
        except JsonRpcException as exc:
            reason = _reason(exc)
            if "method" in data:  # a request (answered with the error) or a notification (dropped)
                method = str(data["method"])
                error = types.ResponseError(code=types.ErrorCodes.InvalidParams, message=f"{method} 的参数无效：{reason}")
                return _Rejected(_msg_id(data), method, error)
            if "id" in data:
                # a response to one of our requests: what waits for it gets the bare value (or
                # an error) rather than never an answer
                if "error" not in data:
                    return JsonRPCResponseMessage(id=data["id"], jsonrpc=self.VERSION, result=data.get("result"))
                error = types.ResponseError(code=types.ErrorCodes.InternalError, message=f"无法读取的错误回复：{reason}")
                return types.ResponseErrorMessage(id=data["id"], error=error)
            error = types.ResponseError(code=types.ErrorCodes.InvalidRequest, message=f"既无 method 也无 id：{reason}")
            return _Rejected(None, "（无 method）", error)

    def reject(self, msg_id, code: types.ErrorCodes, message: str) -> None:
        """Answer request `msg_id` with an error; None: a message whose id could not be read,
        answered with `"id": null` as JSON-RPC has it (lsprotocol's converter would leave out
        a null id)."""
        if msg_id is None:
            self._send_data({"jsonrpc": self.VERSION, "id": None, "error": {"code": int(code), "message": message}})
        else:
            self._send_response(msg_id, error=types.ResponseError(code=code, message=message))

    def handle_message(self, message) -> None:
        if isinstance(message, _Rejected):
            if message.id is None:
                log.warning("丢弃了无效的消息 %s：%s", message.method, message.error.message)
            else:
                log.warning("请求 %s（id %s）无效，已回复错误：%s", message.method, message.id, message.error.message)
                self._send_response(message.id, error=message.error)
            return
        if getattr(message, "jsonrpc", None) != self.VERSION:
            # not a JSON-RPC 2.0 message (pygls drops it, or fails on it, silently)
            if not isinstance(message, dict) and not hasattr(message, "jsonrpc"):  # a list, a number …
                log.warning("丢弃了一条不是 JSON 对象的消息：%.200r", message)
                self.reject(None, types.ErrorCodes.InvalidRequest, "消息应为一个 JSON 对象。")
                return
            msg_id = _msg_id(message) if isinstance(message, dict) else getattr(message, "id", None)
            method = message.get("method") if isinstance(message, dict) else getattr(message, "method", None)
            if method is not None and msg_id is not None:
                log.warning("请求 %s（id %s）不是 JSON-RPC 2.0 请求，已回复错误。", method, msg_id)
                self.reject(msg_id, types.ErrorCodes.InvalidRequest, "不是 JSON-RPC 2.0 请求（应有 \"jsonrpc\": \"2.0\"）。")
            else:
                log.warning("丢弃了一条不是 JSON-RPC 2.0 的消息：%.200r", message)
            return
        method = getattr(message, "method", None)
        if self.shutting_down and method not in (None, types.EXIT) and getattr(message, "id", None) is not None:
            self.reject(message.id, types.ErrorCodes.InvalidRequest, "服务器正在关闭，不再处理请求。")
            return
        super().handle_message(message)

    def notify_json(self, method: str, params: str) -> None:
        """Send a notification whose params are JSON text already (the server keeps each
        diagnostic's JSON: 700 findings of a 1.5 MB report cost ~16 ms through the converter on
        every keystroke). Written as pygls' _send_data writes a message."""
        if self.writer is None:
            log.error("cannot send %s: no transport", method)
            return
        body = ('{"jsonrpc": "2.0", "method": ' + json.dumps(method) + ', "params": ' + params + "}").encode(self.CHARSET)
        head = f"Content-Length: {len(body)}\r\nContent-Type: {self.CONTENT_TYPE}; charset={self.CHARSET}\r\n\r\n" if self._include_headers else ""
        try:
            res = self.writer.write(head.encode("ascii") + body)
            if inspect.isawaitable(res):
                asyncio.ensure_future(res)
        except BrokenPipeError:
            log.error("cannot send %s: the client's end of the pipe is closed", method)
            raise

    def receive(self, body: bytes) -> None:
        """Handle the body of one frame (from FrameReader)."""
        try:
            data = json.loads(body)
        except ValueError as exc:  # also a body that is no UTF-8
            msg_id = _legible_id(body)
            log.error("无法解析的消息（%d 字节，%s），已丢弃%s：%.120r", len(body), exc, f"并回复请求 {msg_id} 错误" if msg_id is not None else "", body[:120])
            self.reject(msg_id, types.ErrorCodes.ParseError, f"无法解析的消息：{exc}")
            return
        try:
            message = self.structure_message(data) if isinstance(data, dict) else data
            self.handle_message(message)
        except Exception:
            log.error("处理消息时出错：\n%s", traceback.format_exc())


_ID = re.compile(rb'"id"\s*:\s*(-?\d+|"(?:[^"\\]|\\.){0,200}")')


def _legible_id(head: bytes) -> int | str | None:
    """The id of the request a broken frame starts with, when it can be read before its
    params ({"jsonrpc":"2.0","id":7,"method":…,"params":… as clients write them)."""
    head = head[:4096].split(b'"params"', 1)[0]
    if b'"method"' not in head:
        return None
    m = _ID.search(head)
    if m is None:
        return None
    try:
        value = json.loads(m.group(1))
    except ValueError:
        return None
    return value if isinstance(value, (int, str)) else None


# -- the stdio stream: frames that survive a client's mistakes ------------------------------------

_HEADER = b"content-length:"
_HEADER_AS_SENT = b"Content-Length:"
_LINE_CAP = 64 * 1024  # a header line is short: a longer "line" is junk (its tail is kept)
_CHUNK = 256 * 1024


class FrameReader:
    """The base protocol's frames (`Content-Length: N` header lines, a blank line, N bytes of
    body) read off a binary stream — resynchronising instead of desynchronising for good:

    - a header is found anywhere in a line, bytes before it are skipped (the rest of a body
      whose Content-Length was too short, junk between frames);
    - a body whose Content-Length is too long ends where the next frame's header begins right
      after a complete JSON body (which a proper body cannot contain: a JSON object ends at
      its last byte), so the frame after it is not swallowed and no read waits for bytes that
      never come;
    - a Content-Length over `limit` is not allocated: the frame is skipped (its request is
      answered with an error when the id is legible in what has arrived of it);
    - memory stays bounded by `limit` and `_LINE_CAP` whatever arrives.
    Everything skipped is logged. Reads with read1 (what is available, at most one system
    call): a frame is handed on as soon as it is complete, on a pipe as on a file.
    """

    def __init__(self, stream, limit: int = MAX_FRAME):
        self._read = getattr(stream, "read1", None) or stream.read
        self._buf = bytearray()
        self.limit = limit
        self.eof = False
        self.skipped = 0  # bytes skipped since the last frame (logged with it)
        self._fd = None  # the stream's file descriptor, to ask whether bytes wait on it
        if os.name != "nt":  # select() takes only sockets there
            try:
                self._fd = stream.fileno()
            except (AttributeError, OSError, ValueError):
                pass

    def pending(self) -> bool:
        """Whether bytes have arrived that no frame has been handed on for yet: in the buffer,
        or waiting on the stream (False when the stream cannot say). Asked between frames,
        never while next_frame runs."""
        if self._buf:
            return True
        if self._fd is None or self.eof:
            return False
        try:
            return bool(select.select([self._fd], [], [], 0)[0])
        except (OSError, ValueError):
            return False

    def _fill(self, n: int = 65536) -> bool:
        if self.eof:
            return False
        data = self._read(n)
        if not data:
            self.eof = True
            return False
        self._buf += data
        return True

    def _line(self) -> bytes | None:
        """The next line (with its \\n; the rest of the stream at its end); None at the end."""
        start = 0
        while True:
            i = self._buf.find(b"\n", start)
            if i >= 0:
                line = bytes(self._buf[: i + 1])
                del self._buf[: i + 1]
                return line
            if len(self._buf) > _LINE_CAP:
                cut = len(self._buf) - 64  # a header may begin in the last bytes
                self.skipped += cut
                del self._buf[:cut]
            start = len(self._buf)
            if not self._fill():
                if not self._buf:
                    return None
                line = bytes(self._buf)
                self._buf.clear()
                return line

    def _skipped(self, what: str) -> None:
        if self.skipped:
            log.warning("跳过了 %d 字节不成消息的数据（%s）。", self.skipped, what)
            self.skipped = 0

    def next_frame(self) -> bytes | _Oversized | None:
        """The body of the next frame; None at the end of the stream."""
        while True:
            length = None
            while True:
                line = self._line()
                if line is None:
                    self._skipped("在流的末尾")
                    return None
                i = line.lower().rfind(_HEADER)  # a header ends its line: after any junk
                if i >= 0:
                    self.skipped += i
                    value = line[i + len(_HEADER) :].strip()
                    if value.isdigit():
                        # (a number of thousands of digits is refused by int(): over the limit anyway)
                        length = int(value) if len(value) <= 18 else self.limit + 1
                        announced = value[:40].decode("ascii")
                    else:
                        log.warning("无效的 Content-Length：%.40r，在下一个消息头处重新同步。", value)
                        self.skipped += len(line) - i
                        length = None
                elif not line.strip() and length is not None:
                    break  # the blank line after the headers
                elif length is None:
                    self.skipped += len(line)  # no header of a frame: junk
                # else another header of the frame (Content-Type): nothing to do with it
            self._skipped("在消息头之前")
            if length > self.limit:
                msg_id = _legible_id(bytes(self._buf[:4096]))
                log.error("消息长度 %s 字节超过上限 %d 字节：不读入这条消息，在下一个消息头处重新同步。", announced, self.limit)
                return _Oversized(msg_id, announced)
            body = self._body(length)
            if body is not None:
                return body

    def _body(self, length: int) -> bytes | None:
        """The body of a frame of `length` bytes (None: the stream ended inside it)."""
        buf, mark = self._buf, _HEADER_AS_SENT
        scan = counted = depth = 0
        while True:
            have = len(buf)
            # the next frame's header inside this body, right after a complete JSON body: the
            # Content-Length was too long
            end = min(have, length - 1 + len(mark))
            j = buf.find(mark, scan, end)
            while 0 <= j < length:
                if self._is_body(j):
                    return self._take(j, length)
                j = buf.find(mark, j + 1, end)
            scan = max(scan, end - len(mark) + 1)
            if have >= length:
                return self._take(length)
            # nothing after it yet, and what has come is a whole JSON body: the client waits
            # for the answer to it, not the bytes it announced (braces counted first, so that
            # a body is rarely parsed before its end)
            depth += buf.count(b"{", counted) - buf.count(b"}", counted)
            counted = have
            if depth <= 0 and self._is_body(have):
                return self._take(have, length)
            if not self._fill(min(length - have, _CHUNK)):
                if buf:
                    log.warning("流在消息中途结束（Content-Length %d，只收到 %d 字节）。", length, len(buf))
                    buf.clear()
                return None

    def _is_body(self, n: int) -> bool:
        """Whether the first `n` bytes are one JSON object (whitespace after it allowed)."""
        buf, k = self._buf, n - 1
        while k >= 0 and buf[k] in b" \t\r\n":
            k -= 1
        if k <= 0 or buf[k] != 0x7D:  # "}"
            return False
        try:
            return isinstance(json.loads(bytes(buf[:n])), dict)
        except ValueError:
            return False

    def _take(self, n: int, announced: int | None = None) -> bytes:
        if announced is not None:
            log.warning("Content-Length（%d）比消息（%d 字节）长：按消息的实际长度读，在下一个消息头处重新同步。", announced, n)
        with memoryview(self._buf) as view:
            body = bytes(view[:n])
        del self._buf[:n]
        return body


class _Oversized:
    """What next_frame gives for a frame over the limit: no body, only the id of its request
    (when legible) to answer."""

    __slots__ = ("msg_id", "length")

    def __init__(self, msg_id, length: str):
        self.msg_id, self.length = msg_id, length  # the Content-Length as announced


_LIBC: list = []


def _glibc():
    """The C library when it is glibc (None elsewhere: Windows, macOS, musl)."""
    if not _LIBC:
        lib = None
        if sys.platform.startswith("linux"):
            import ctypes

            try:
                lib = ctypes.CDLL(None)  # the symbols the interpreter is linked with
                lib.malloc_trim, lib.mallopt  # glibc's: musl has neither
            except (OSError, AttributeError):
                lib = None
        _LIBC.append(lib)
    return _LIBC[0]


def _tune_malloc() -> None:
    """glibc, before the threads start: blocks of 128 KB and more always mmap'ed (given back
    when freed — after the first free of a 5 MB text the threshold would rise to 5 MB, and the
    next ones would stay in the heap) and one arena (allocation is serialised by the
    interpreter lock anyway: an arena per lane thread only fragments)."""
    lib = _glibc()
    if lib is not None:
        lib.mallopt(-3, 128 * 1024)  # M_MMAP_THRESHOLD
        lib.mallopt(-8, 1)  # M_ARENA_MAX


class XxgkServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__(
            "xxgk-lint", __version__, text_document_sync_kind=types.TextDocumentSyncKind.Incremental, protocol_cls=XxgkProtocol
        )
        self.settings: dict = {}
        self.states: dict[str, DocState] = {}
        # the two lanes: a light document's lint never queues behind a heavy one's
        self.light = ThreadPoolExecutor(max_workers=1, thread_name_prefix="xxgk-lint-light")
        self.heavy = ThreadPoolExecutor(max_workers=1, thread_name_prefix="xxgk-lint-heavy")
        self.light_idle = threading.Event()  # clear while a light lint runs
        self.history = History()  # other years' reports of the open documents' agencies
        self.light_idle.set()
        self.config_error: str | None = None
        self._release: asyncio.TimerHandle | None = None
        # set while every frame that has arrived has been handled (None: not reading stdio)
        self._caught_up: asyncio.Event | None = None
        self.linted_notices = False  # the client asked for LINTED notifications

    # -- configuration ------------------------------------------------------------------------

    def config_for(self, path: str | None) -> Config:
        s = self.settings
        cfg: Config
        config_file = s.get("configFile") or ""
        try:
            if config_file:
                cfg = load(Path(os.path.expanduser(config_file)))
            elif path:
                cfg = discover(Path(path))
            else:
                cfg = Config()
        except (ConfigError, RuleError) as exc:
            if self.config_error != str(exc):  # say it once, not on every keystroke
                self.window_show_message(types.ShowMessageParams(type=types.MessageType.Error, message=f"xxgk-lint 配置错误：{exc}"))
            self.config_error = str(exc)
            cfg = Config()
        if s.get("select"):
            cfg.select = list(s["select"])
        if s.get("ignore"):
            cfg.ignore = cfg.ignore + list(s["ignore"])
        for code, level in (s.get("severity") or {}).items():
            if level in ("error", "warning", "info", "off"):
                cfg.severity[code] = level
        return cfg

    def engine_for(self, st: DocState, path: str | None) -> Linter:
        """The document's own Linter for its configuration (a new one when that changed)."""
        cfg = self.config_for(path)
        key = cfg.key()
        if st.engine is not None and st.engine_key == key:
            return st.engine
        try:
            linter = Linter(cfg, incremental=True)  # the rules are loaded once per process
        except (ConfigError, RuleError) as exc:
            if self.config_error != str(exc):
                self.window_show_message(types.ShowMessageParams(type=types.MessageType.Error, message=f"xxgk-lint 规则加载错误：{exc}"))
            self.config_error = str(exc)
            linter = Linter(Config(), incremental=True)
        st.engine, st.engine_key = linter, key
        return linter

    def lane(self, text: str) -> ThreadPoolExecutor:
        return self.heavy if len(text) > HEAVY_CHARS else self.light

    def reload(self) -> None:
        find_config_file.cache_clear()
        for st in self.states.values():
            st.engine = st.engine_key = None  # rules and configuration read anew
        for uri in list(self.states):
            self.schedule(uri)

    # -- linting ------------------------------------------------------------------------------

    def schedule(self, uri: str, changed: bool = True) -> None:
        """Lint document `uri` (again). `changed`: its text or configuration changed, so a lint
        of it that runs now is stale and stops at its next rule; a save (same text) lets it
        finish."""
        st = self.states.get(uri)
        if st is None:
            return
        st.dirty = True
        if changed:
            st.changes += 1
        if st.task is None or st.task.done():
            st.task = asyncio.get_event_loop().create_task(self._lint_loop(uri))

    async def _drained(self) -> None:
        """Return once the frames that have arrived are handled (at most DRAIN_MAX): the
        changes already queued in the pipe are applied before a lint takes the text."""
        ev = self._caught_up
        if ev is None or ev.is_set():
            return
        try:
            await asyncio.wait_for(ev.wait(), DRAIN_MAX)
        except asyncio.TimeoutError:
            pass

    async def _lint_loop(self, uri: str) -> None:
        st = self.states.get(uri)
        while st is not None and st.dirty:
            await self._drained()
            if self.states.get(uri) is not st:
                return  # closed meanwhile
            st.dirty = False
            try:
                document = self.workspace.get_text_document(uri)
                text, version = document.source, document.version
            except Exception:
                return
            path = uri_to_path(uri)
            linter = self.engine_for(st, path)
            name = path or uri
            changes = st.changes

            def stale(st: DocState = st, changes: int = changes) -> bool:
                return st.changes != changes  # read on the lane thread: one attribute, atomic

            lane = self.lane(text)
            after = functools.partial(self._cross_year, st)
            if lane is self.heavy:
                stop = functools.partial(_after_light, self.light_idle, stale)
                st.job = lane.submit(_lint, st.lock, linter, text, name, stop, None, after)
            else:
                st.job = lane.submit(_lint, st.lock, linter, text, name, stale, self.light_idle, after)
            try:
                result = await asyncio.wrap_future(st.job)
            except Exception:
                log.error("lint of %s failed:\n%s", uri, traceback.format_exc())
                return
            finally:
                # cancelled (closed): the frame lives on in the exception's traceback a while
                text = document = None
            st.runs += 1
            if result is None:
                st.stopped += 1
                continue  # stopped: the text moved on (dirty again), lint the latest
            doc, diags, errors = result
            for e in errors:
                log.error(e)
            if self.states.get(uri) is not st:
                return  # closed meanwhile
            if st.dirty or self.workspace.get_text_document(uri).version != version:
                continue  # already stale: lint the latest text instead of publishing this
            if not _wants(st, doc):
                diags = []
            st.version, st.doc, st.diags, st.lines, st.linter = version, doc, diags, doc.source.lines, linter
            self.publish(st)

    def _cross_year(self, st: DocState, doc, linter: Linter) -> list[Diagnostic]:
        """The cross-year findings of `doc` (on the lane thread, after its own lint): against
        last year's report of its agency, open or beside it on disk (see history.py)."""
        if not _wants(st, doc):
            return []
        others = [x.doc for x in list(self.states.values()) if x is not st]
        return self.history.findings(doc, others, linter.config)

    async def current(self, uri: str, timeout: float = LINT_WAIT) -> DocState | None:
        """The state of document `uri` once its published result is of the current text: waits
        for the pending or running lint, at most `timeout` seconds. After the timeout, or when
        the lint failed, the state as it is (its result may be of an older version, or none)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            st = self.states.get(uri)
            if st is None:
                return None
            try:
                version = self.workspace.get_text_document(uri).version
            except Exception:
                return st
            task, left = st.task, deadline - loop.time()
            if st.version == version or task is None or task.done() or left <= 0:
                return st
            # asyncio.wait neither cancels the lint on timeout nor when this request is cancelled
            await asyncio.wait({task}, timeout=left)

    def is_current(self, st: DocState) -> bool:
        try:
            return st.doc is not None and self.workspace.get_text_document(st.uri).version == st.version
        except Exception:
            return False

    def closed(self, st: DocState) -> None:
        """Document `st` was closed: drop all it held, give the memory back once its last lint
        (a thread cannot be stopped) has finished."""
        if st.task is not None:
            st.task.cancel()  # also takes a queued lint off its lane
        job = st.job
        st.changes += 1  # a running lint of it stops at its next rule
        st.drop()
        st.job = st.task = None
        loop = asyncio.get_running_loop()
        if job is not None and not job.done():

            def finished(_f, loop=loop) -> None:
                try:
                    loop.call_soon_threadsafe(self.release_memory_soon)
                except RuntimeError:  # the loop is closed: the server is exiting
                    pass

            job.add_done_callback(finished)
        else:
            self.release_memory_soon()

    def release_memory_soon(self) -> None:
        """Give freed memory back to the system shortly (once for a burst of closes)."""
        if self._release is not None:
            self._release.cancel()
        self._release = asyncio.get_running_loop().call_later(RELEASE_DELAY, self._release_memory)

    def _release_memory(self) -> None:
        self._release = None
        gc.collect()  # a cancelled task's frames (its text, its model) are held in a cycle
        lib = _glibc()
        if lib is not None:
            lib.malloc_trim(0)  # the heap's free pages back to the system

    # -- the stdio stream -----------------------------------------------------------------------

    def start_io(self, stdin=None, stdout=None) -> None:
        """pygls' start_io with a reader of our own (FrameReader, XxgkProtocol.receive): one
        read per frame, and a client's framing mistakes resynchronised instead of fatal."""
        _tune_malloc()
        self.protocol.set_writer(StdoutWriter(stdout or sys.stdout.buffer))
        frames = FrameReader(stdin or sys.stdin.buffer)
        code = 0
        try:
            asyncio.run(self._serve(frames))
        except BrokenPipeError:
            log.error("与客户端的连接已断开，语言服务器退出。")
            code = 1
        except KeyboardInterrupt:
            pass
        except SystemExit as exc:  # the exit notification: 0 after shutdown, 1 without
            code = exc.code if isinstance(exc.code, int) else 0
        finally:
            self.light.shutdown(wait=False, cancel_futures=True)
            self.heavy.shutdown(wait=False, cancel_futures=True)
            self.shutdown()
        if code:
            sys.exit(code)

    async def _serve(self, frames: FrameReader) -> None:
        loop = asyncio.get_running_loop()
        # one blocking read per frame off the event loop; no read is pending while a frame is
        # handled (so the exit notification leaves no thread behind waiting on stdin)
        reader = ThreadPoolExecutor(max_workers=1, thread_name_prefix="xxgk-lint-stdin")
        caught_up = self._caught_up = asyncio.Event()
        try:
            while True:
                # nothing arrived that is not handled: the lints waiting for that may take the text
                if frames.pending():
                    caught_up.clear()
                else:
                    caught_up.set()
                try:
                    body = await loop.run_in_executor(reader, frames.next_frame)
                    caught_up.clear()
                except Exception:  # the stream itself failed (not a client's mistake)
                    log.error("读取客户端的输入时出错，语言服务器退出：\n%s", traceback.format_exc())
                    raise SystemExit(1) from None
                if body is None:
                    log.info("客户端关闭了输入，语言服务器退出。")
                    return
                if isinstance(body, _Oversized):
                    if body.msg_id is not None:
                        self.protocol.reject(body.msg_id, types.ErrorCodes.InvalidRequest, f"消息过长（{body.length} 字节，上限 {frames.limit} 字节）。")
                    continue
                self.protocol.receive(body)
        finally:
            reader.shutdown(wait=False)

    def publish(self, st: DocState) -> None:
        """Publish the diagnostics of st's result — unless they are the ones last published
        (an edit that moved no finding): the client has them already."""
        enc = self.workspace.position_encoding
        out = []
        converted = {}
        for d in st.diags:
            where = _line_texts(st.lines, d)
            hit = st.converted.get((d, enc))
            if hit is None or hit[0] != where or hit[2] is not st.linter:
                hit = (where, diagnostic_json(d, st, enc), st.linter)
            converted[(d, enc)] = hit
            out.append(hit[1])
        st.converted = converted
        # the JSON of each diagnostic: most are the very strings of the last publish
        same = st.sent == out
        if not same:
            st.sent = out
            params = f'{{"uri": {json.dumps(st.uri)}, "version": {json.dumps(st.version)}, "diagnostics": [{", ".join(out)}]}}'
            self.protocol.notify_json(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS, params)
        if self.linted_notices:
            notice = {"uri": st.uri, "version": st.version, "published": not same, "runs": st.runs, "stopped": st.stopped}
            self.protocol.notify_json(LINTED, json.dumps(notice))  # (plain data: no converter)


def _line_texts(lines: list[str], d: Diagnostic) -> tuple:
    """The lines a finding's LSP positions are computed from (its own and its related spans')."""
    n = len(lines)
    spans = [d.span, *(r.span for r in d.related)]
    return tuple(lines[k - 1] if 1 <= k <= n else None for s in spans for k in (s.line, s.end_line))


def _after_light(light_idle: threading.Event, stale) -> bool:
    """A heavy lint's should_stop: first wait while a light lint runs (bounded), then say whether
    the text moved on."""
    if not light_idle.is_set():
        light_idle.wait(HEAVY_YIELD_MAX)
    return stale()


def _lint(lock: threading.Lock, linter: Linter, text: str, name: str, stale=None, running: threading.Event | None = None, after=None):
    """(Document, findings, rule errors) of `text`; None when `stale()` said True before the
    lint was done (it is asked before the lint and between rules: Linter.lint's should_stop).
    `running`: an event cleared while this lint runs (the light lane's: heavy lints wait).
    `after(doc, linter)`: findings added to the document's own (the cross-year ones)."""
    if running is None:
        return _lint_locked(lock, linter, text, name, stale, after)
    running.clear()
    try:
        return _lint_locked(lock, linter, text, name, stale, after)
    finally:
        running.set()


def _lint_locked(lock: threading.Lock, linter: Linter, text: str, name: str, stale, after=None):
    with lock:
        if stale is not None and stale():
            return None
        try:
            # lint_text as the command line runs it, asked between the build's steps and the
            # rules whether the text moved on
            doc, diags = linter.lint_text(text, name, should_stop=stale)
        except Exception:
            if stale is not None and stale():
                return None  # what runs after a stopped lint may not expect its None
            raise
        finally:
            errors = list(linter.errors)
            linter.errors.clear()
    if diags is None:
        return None
    if after is not None and not (stale is not None and stale()):
        more = after(doc, linter)
        if more:
            diags = sorted([*diags, *more], key=Diagnostic.sort_key)
    return doc, diags, errors


def _wants(st: DocState, doc) -> bool:
    """Lint a gov-report document always; a plain-text or Markdown one only when it is a report
    (a README open beside the reports must not fill up with findings)."""
    return st.language == "gov-report" or doc.looks_like_report


_HREFS: dict[str, str | None] = {}


def _rule_href(code: str) -> str | None:
    """The rule's page in the rule reference (docs/rules/CODE.html, a file: URI), looked up once
    per code; None for a rule without one (a user's own rule pack): no link rather than a link
    to a TOML file inside the installation."""
    if code not in _HREFS:
        _HREFS[code] = rule_doc_uri(code) or None
    return _HREFS[code]


def to_lsp(d: Diagnostic, st: DocState, enc) -> types.Diagnostic:
    related = [
        types.DiagnosticRelatedInformation(location=_related_location(r, st, enc), message=r.message) for r in d.related
    ]
    href = _rule_href(d.rule)
    return types.Diagnostic(
        range=positions.to_range(st.lines, d.span, enc),
        severity=SEVERITY[d.severity],
        code=d.rule,
        code_description=types.CodeDescription(href=href) if href else None,
        source=SOURCE,
        message=d.message,
        related_information=related or None,
        data={"rule": d.rule, "fix": d.fix.to_dict() if d.fix else None},
    )


def diagnostic_json(d: Diagnostic, st: DocState, enc) -> str:
    """The JSON of to_lsp(d, st, enc) as pygls writes it (the converter's unstructure, then
    json.dumps: the same keys in the same order, None left out), built directly: converting
    lsprotocol objects costs more than the rest of a publish. tests/test_lsp.py compares the
    two over findings of every shape."""
    lines = st.lines

    def pos(line: int, column: int) -> dict:
        text = lines[line - 1] if 1 <= line <= len(lines) else ""
        return {"line": max(0, line - 1), "character": positions.convert(text, max(0, column - 1), enc, True)}

    def rng(s) -> dict:
        return {"start": pos(s.line, s.column), "end": pos(s.end_line, s.end_column)}

    out: dict = {"range": rng(d.span), "message": d.message, "severity": SEVERITY[d.severity].value, "code": d.rule}
    href = _rule_href(d.rule)
    if href:
        out["codeDescription"] = {"href": href}
    out["source"] = SOURCE
    if d.related:
        related = []
        for r in d.related:
            other = _other_file(r, st)
            if other:
                x = r.span
                where = {
                    "uri": Path(other).as_uri(),
                    "range": {
                        "start": {"line": max(x.line - 1, 0), "character": max(x.column - 1, 0)},
                        "end": {"line": max(x.end_line - 1, 0), "character": max(x.end_column - 1, 0)},
                    },
                }
            else:
                where = {"uri": st.uri, "range": rng(r.span)}
            related.append({"location": where, "message": r.message})
        out["relatedInformation"] = related
    out["data"] = {"rule": d.rule, "fix": d.fix.to_dict() if d.fix else None}
    return json.dumps(out)


def _other_file(r, st: DocState) -> str | None:
    """The file of a related place in another report (a cross-year finding's: last year's
    file, whose lines the server does not hold), or None for a place in this document."""
    other = getattr(r, "path", None)
    return other if other and other != uri_to_path(st.uri) and os.path.isabs(other) else None


def _related_location(r, st: DocState, enc) -> types.Location:
    """A related place in this document, or in another report (line and column as they are)."""
    other = _other_file(r, st)
    if other:
        s = r.span
        start = types.Position(line=max(s.line - 1, 0), character=max(s.column - 1, 0))
        end = types.Position(line=max(s.end_line - 1, 0), character=max(s.end_column - 1, 0))
        return types.Location(uri=Path(other).as_uri(), range=types.Range(start=start, end=end))
    return types.Location(uri=st.uri, range=positions.to_range(st.lines, r.span, enc))


server = XxgkServer()


def _settings_from(obj) -> dict:
    if isinstance(obj, dict):
        if "xxgkLint" in obj and isinstance(obj["xxgkLint"], dict):
            return obj["xxgkLint"]
        if "settings" in obj and isinstance(obj["settings"], dict):
            return _settings_from(obj["settings"])
        return obj
    return {}


@server.feature(types.INITIALIZE)
def initialize(ls: XxgkServer, params: types.InitializeParams) -> None:
    ls.settings = _settings_from(params.initialization_options or {})
    experimental = params.capabilities.experimental if params.capabilities else None
    ls.linted_notices = isinstance(experimental, dict) and experimental.get("xxgkLintLinted") is True
    use_line_documents(ls.workspace)  # incremental edits in O(edit) (lsp/document.py)


@server.feature(types.TEXT_DOCUMENT_DID_OPEN)
def did_open(ls: XxgkServer, params: types.DidOpenTextDocumentParams) -> None:
    uri = params.text_document.uri
    ls.states[uri] = DocState(uri=uri, language=params.text_document.language_id)
    ls.schedule(uri)


@server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
def did_change(ls: XxgkServer, params: types.DidChangeTextDocumentParams) -> None:
    ls.schedule(params.text_document.uri)
    _forget_finished_notifications(ls)


def _forget_finished_notifications(ls: XxgkServer) -> None:
    """pygls 2.1 keeps a finished future for every notification its built-in handlers run
    (didOpen, didChange …) and never drops it: 2 MB per 1,000 keystrokes. Drop the finished ones
    (requests are answered and removed by pygls itself; popping twice is harmless)."""
    futures = getattr(ls.protocol, "_request_futures", None)
    if not futures or len(futures) < 64:
        return
    for key, fut in list(futures.items()):
        if fut.done():
            futures.pop(key, None)


@server.feature(types.TEXT_DOCUMENT_DID_SAVE)
def did_save(ls: XxgkServer, params: types.DidSaveTextDocumentParams) -> None:
    ls.schedule(params.text_document.uri, changed=False)


@server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
def did_close(ls: XxgkServer, params: types.DidCloseTextDocumentParams) -> None:
    uri = params.text_document.uri
    st = ls.states.pop(uri, None)
    if st is not None:
        ls.closed(st)
    ls.history.forget(uri_to_path(uri) or uri)
    ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))


@server.feature(types.SHUTDOWN)
def on_shutdown(ls: XxgkServer, params) -> None:
    ls.protocol.shutting_down = True  # requests after it are answered with an error (XxgkProtocol)


@server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
def did_change_configuration(ls: XxgkServer, params: types.DidChangeConfigurationParams) -> None:
    settings = _settings_from(params.settings) if params.settings else {}
    if settings:
        ls.settings = settings
    ls.reload()


@server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
def did_change_watched_files(ls: XxgkServer, params: types.DidChangeWatchedFilesParams) -> None:
    if any(c.uri.endswith(("pyproject.toml", "xxgk-lint.toml")) for c in params.changes):
        ls.reload()


# -- code actions ----------------------------------------------------------------------------


def _point(p: types.Position) -> tuple[int, int]:
    return (p.line, p.character)


def _extent(r: types.Range) -> tuple[tuple[int, int], tuple[int, float]]:
    """A range as two comparable points. A range that ends at the start of a later line (a
    whole line, or lines selected by their numbers) ends with the line before: it does not
    reach the text of that next line."""
    end: tuple[int, float] = _point(r.end)
    if r.end.character == 0 and r.end.line > r.start.line:
        end = (r.end.line - 1, float("inf"))
    return _point(r.start), end


def _intersects(a: types.Range, b: types.Range) -> bool:
    """Whether two ranges share a point (ends included: a cursor just after a finding is on it)."""
    (a0, a1), (b0, b1) = _extent(a), _extent(b)
    return a0 <= b1 and b0 <= a1


def _contains(r: types.Range, p: types.Position) -> bool:
    start, end = _extent(r)
    return start <= _point(p) <= end


def _kind_value(kind) -> str:
    return getattr(kind, "value", kind)


def _wants_kind(only, kind: str) -> bool:
    """Whether the client asked for actions of `kind` (`only` absent: it asked for all)."""
    if not only:
        return True
    return any(k == "" or kind == k or kind.startswith(k + ".") for k in map(_kind_value, only))


def _fixed_text(lock: threading.Lock, linter: Linter, text: str, name: str, any_document: bool) -> str | None:
    """`text` with every safe fix applied as `xxgk-lint check --fix` applies them (fix_text:
    passes until none applies, overlapping fixes wait for the next pass); None when nothing
    changes or the text is not a report the server lints (`any_document` False)."""
    with lock:
        return _fixed_text_locked(linter, text, name, any_document)


def _fixed_text_locked(linter: Linter, text: str, name: str, any_document: bool) -> str | None:
    doc, diags = linter.lint_text(text, name)
    try:
        if not (any_document or doc.looks_like_report):
            return None
        first = [d.fix for d in diags if d.fix]
        if not any(f.applicability == "safe" for f in first):
            return None
        start = doc.source.text

        def fixes_of(t: str):
            return first if t == start else [d.fix for d in linter.lint_text(t, name)[1] if d.fix]

        new = fix_text(start, fixes_of)
        return None if new == start else doc.source.restore(new)
    finally:
        linter.errors.clear()


async def _fix_all_edit(ls: XxgkServer, uri: str) -> tuple[types.WorkspaceEdit | None, int | None]:
    """One workspace edit with all safe fixes of the document's current text (None: nothing to
    fix, or the text changed while the fixes were computed), and the version it is for."""
    st = ls.states.get(uri)
    if st is None:
        return None, None
    document = ls.workspace.get_text_document(uri)
    text, version = document.source, document.version
    path = uri_to_path(uri)
    linter = ls.engine_for(st, path)
    try:
        # on the document's lane, under its lock: its Linter is never used by two threads at once
        job = ls.lane(text).submit(_fixed_text, st.lock, linter, text, path or uri, st.language == "gov-report")
        new = await asyncio.wrap_future(job)
    except Exception:
        log.error("fixing %s failed:\n%s", uri, traceback.format_exc())
        return None, version
    if new is None or ls.states.get(uri) is not st or ls.workspace.get_text_document(uri).version != version:
        return None, version
    edits = positions.line_edits(text, new, ls.workspace.position_encoding)
    if not edits:
        return None, version
    if get_capability(ls.client_capabilities, "workspace.workspace_edit.document_changes", False):
        # tied to the version: a client whose text has moved on rejects it instead of garbling it
        doc_id = types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=version)
        return types.WorkspaceEdit(document_changes=[types.TextDocumentEdit(text_document=doc_id, edits=edits)]), version
    return types.WorkspaceEdit(changes={uri: edits}), version


def _has_safe_fix(st: DocState) -> bool:
    return any(d.fix is not None and d.fix.applicability == "safe" for d in st.diags)


def _fix_all_action(edit: types.WorkspaceEdit | None = None, data=None) -> types.CodeAction:
    return types.CodeAction(title=FIX_ALL_TITLE, kind=FIX_ALL_KIND, edit=edit, data=data)


def _quick_fixes(ls: XxgkServer, st: DocState, params: types.CodeActionParams) -> list[types.CodeAction]:
    """The fixes of the findings whose range meets the requested one (of those the client names,
    when it names some) and "suppress on this line" for those at the cursor: at either end of
    the requested range, which is the cursor when nothing is selected."""
    enc = ls.workspace.position_encoding
    wanted = {(d.code, d.range.start.line, d.range.start.character) for d in params.context.diagnostics}
    cursor = (params.range.start, params.range.end)
    actions: list[types.CodeAction] = []
    suppressions: list[types.CodeAction] = []
    suppressed = set()
    for d in st.diags:
        r = positions.to_range(st.lines, d.span, enc)
        if not _intersects(r, params.range):
            continue
        if wanted and (d.rule, r.start.line, r.start.character) not in wanted:
            continue
        lsp_diag = to_lsp(d, st, enc)
        if d.fix is not None:
            edits = [types.TextEdit(range=positions.to_range(st.lines, e.span, enc), new_text=e.new_text) for e in d.fix.edits]
            actions.append(
                types.CodeAction(
                    title=f"{d.fix.message}（{d.rule}）",
                    kind=types.CodeActionKind.QuickFix,
                    diagnostics=[lsp_diag],
                    edit=types.WorkspaceEdit(changes={st.uri: edits}),
                    is_preferred=d.fix.applicability == "safe",
                )
            )
        line = d.span.line
        if not any(_contains(r, p) for p in cursor) or (d.rule, line) in suppressed:
            continue
        suppressed.add((d.rule, line))
        text = st.lines[line - 1] if line <= len(st.lines) else ""
        indent = text[: len(text) - len(text.lstrip())]
        insert = types.TextEdit(
            range=types.Range(start=types.Position(line=line - 1, character=0), end=types.Position(line=line - 1, character=0)),
            new_text=f"{indent}<!-- xxgk-lint: disable-next-line={d.rule} -->\n",
        )
        suppressions.append(
            types.CodeAction(
                title=f"在本行停用 {d.rule}",
                kind=types.CodeActionKind.QuickFix,
                diagnostics=[lsp_diag],
                edit=types.WorkspaceEdit(changes={st.uri: [insert]}),
            )
        )
    return actions + suppressions


@server.feature(
    types.TEXT_DOCUMENT_CODE_ACTION,
    types.CodeActionOptions(
        code_action_kinds=[types.CodeActionKind.QuickFix, types.CodeActionKind.SourceFixAll, FIX_ALL_KIND],
        resolve_provider=True,
    ),
)
async def code_action(ls: XxgkServer, params: types.CodeActionParams):
    st = await ls.current(params.text_document.uri)
    if st is None or not ls.is_current(st):
        return []  # no findings of this text (yet)
    only = params.context.only
    actions: list[types.CodeAction] = []
    if _wants_kind(only, types.CodeActionKind.QuickFix.value):
        actions += _quick_fixes(ls, st, params)
    if _wants_kind(only, FIX_ALL_KIND) and _has_safe_fix(st):
        resolvable = "edit" in (get_capability(ls.client_capabilities, "text_document.code_action.resolve_support.properties", None) or [])
        if not only and resolvable:
            # a menu of everything (a lightbulb): the fixes are computed when it is chosen
            actions.append(_fix_all_action(data={"fixAll": st.uri}))
        elif only:
            # asked for by kind (on save, the source-action menu): computed now
            edit, _ = await _fix_all_edit(ls, st.uri)
            if edit is not None:
                actions.append(_fix_all_action(edit))
    return actions


@server.feature(types.CODE_ACTION_RESOLVE)
async def code_action_resolve(ls: XxgkServer, action: types.CodeAction):
    data = action.data if isinstance(action.data, dict) else {}
    uri = data.get("fixAll")
    if isinstance(uri, str) and action.edit is None:
        await ls.current(uri)
        action.edit, _ = await _fix_all_edit(ls, uri)
    return action


def _command_uri(ls: XxgkServer, args) -> str | None:
    """The document a command is for: its first argument, a URI or {"uri": …} (the VS Code
    extension sends the active editor's); with none, the only open document."""
    if args:
        first = args[0]
        if isinstance(first, dict):
            first = first.get("uri")
        return first if isinstance(first, str) else None
    return next(iter(ls.states)) if len(ls.states) == 1 else None


@server.command(FIX_ALL_COMMAND)
async def fix_all_command(ls: XxgkServer, *args):
    """Apply every safe fix of a document (workspace/applyEdit). Returns the number of edits
    applied (0: nothing to fix)."""
    uri = _command_uri(ls, args)
    if uri is None or uri not in ls.states:
        ls.window_show_message(types.ShowMessageParams(type=types.MessageType.Warning, message="xxgk-lint：没有找到要修复的报告（请先打开一份报告）。"))
        return 0
    for _ in range(3):  # the text may change while the fixes are computed: recompute for the new one
        await ls.current(uri)
        edit, version = await _fix_all_edit(ls, uri)
        if edit is not None:
            break
        if uri not in ls.states or ls.workspace.get_text_document(uri).version == version:
            return 0
    else:
        return 0
    result = await ls.workspace_apply_edit_async(types.ApplyWorkspaceEditParams(edit=edit, label=FIX_ALL_TITLE))
    if not result.applied:
        log.warning("the client did not apply the fixes of %s: %s", uri, result.failure_reason)
        return 0
    return len(edit.changes[uri] if edit.changes else edit.document_changes[0].edits)


# -- hover -----------------------------------------------------------------------------------


def _cell_at(doc, line: int, col: int):
    for table in doc.tables.values():
        for cell in table.cells.values():
            s = cell.span
            if s.line == line and s.column <= col < max(s.end_column, s.column + 1):
                return table, cell
    return None, None


def _equations_for_cell(linter: Linter, table, cell) -> list[tuple[object, str]]:
    """(rule, explanation) of every equation in which this cell is the left side alone."""
    out = []
    for rule in linter.active:
        chk = rule.checker
        if getattr(chk, "kind", "") != "equation" or chk.p["table"] != table.key:
            continue
        scope = cell.column if chk.p["each"] == "column" else cell.row
        if scope not in chk.scopes(table):
            continue
        sides = chk.evaluate(table, scope)
        if sides is None:
            continue
        left_cells = sides[0][2]
        if len(left_cells) == 1 and left_cells[0] is cell:
            text = chk.explain(table, scope)
            if text:
                out.append((rule, text))
    return out


@server.feature(types.TEXT_DOCUMENT_HOVER)
async def hover(ls: XxgkServer, params: types.HoverParams):
    st = await ls.current(params.text_document.uri)
    if st is None or not ls.is_current(st):
        return None  # the model of an older text would explain what is no longer there
    enc = ls.workspace.position_encoding
    line, col = positions.from_position(st.lines, params.position, enc)
    parts: list[str] = []
    for d in st.diags:
        s = d.span
        if (s.line, s.column) <= (line, col) <= (s.end_line, s.end_column):
            rule = st.linter.rule(d.rule) if st.linter else None
            # the editor shows the message itself next to the hover: explain it, do not repeat it
            parts.append(f"**{d.rule}** `{d.name}`({d.category},{d.severity})")
            if rule is not None:
                parts.append(rule.description)
            if d.fix is not None:
                parts.append(f"修复：{d.fix.message}" + ("" if d.fix.applicability == "safe" else "（需确认）"))
    table, cell = _cell_at(st.doc, line, col)
    if cell is not None and st.linter is not None:
        for rule, text in _equations_for_cell(st.linter, table, cell):
            parts.append(f"**勾稽关系**({rule.id}):{text}")
    if not parts:
        return None
    return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value="\n\n---\n\n".join(parts)))


# -- symbols and inlay hints -------------------------------------------------------------------

_TABLE_TITLES = {"active": "表：主动公开政府信息情况", "applications": "表：收到和处理政府信息公开申请情况", "review": "表：行政复议、行政诉讼情况"}


@server.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
async def document_symbol(ls: XxgkServer, params: types.DocumentSymbolParams):
    # asked right after opening (VS Code asks once for the outline): the answer waits for the
    # first lint instead of being an empty outline nobody asks for again
    st = await ls.current(params.text_document.uri)
    if st is None or st.doc is None:
        return []
    enc = ls.workspace.position_encoding
    doc = st.doc
    from ..linter.reading.source import Span

    out = []
    for k, s in enumerate(doc.sections):
        end_line = s.end_line
        end_text = st.lines[end_line - 1] if 0 < end_line <= len(st.lines) else ""
        full = positions.to_range(st.lines, Span(s.span.line, 1, end_line, len(end_text) + 1), enc)
        children = []
        for sub in s.subsections:
            r = positions.to_range(st.lines, sub.span, enc)
            children.append(types.DocumentSymbol(name=f"（{sub.ordinal}）{sub.title}", kind=types.SymbolKind.String, range=r, selection_range=r))
        for key, t in doc.tables.items():
            if t.section == s.number and s.span.line <= t.span.line <= end_line:
                tr = positions.to_range(st.lines, t.span, enc)
                tr = types.Range(start=tr.start, end=max(tr.end, tr.start, key=lambda p: (p.line, p.character)))
                children.append(types.DocumentSymbol(name=_TABLE_TITLES[key], detail=f"{t.format}年版，{len(t.cells)}格", kind=types.SymbolKind.Struct, range=tr, selection_range=types.Range(start=tr.start, end=tr.start)))
        sel = positions.to_range(st.lines, s.span, enc)
        out.append(
            types.DocumentSymbol(
                name=f"{s.ordinal}、{s.title}",
                kind=types.SymbolKind.Namespace,
                range=full,
                selection_range=sel,
                children=children or None,
            )
        )
    return out


@server.feature(types.TEXT_DOCUMENT_INLAY_HINT, types.InlayHintOptions(resolve_provider=False))
async def inlay_hint(ls: XxgkServer, params: types.InlayHintParams):
    st = await ls.current(params.text_document.uri)
    if st is None or st.doc is None or st.linter is None:
        return []
    enc = ls.workspace.position_encoding
    first, last = params.range.start.line + 1, params.range.end.line + 1
    hints = []
    seen = set()
    for rule in st.linter.active:
        chk = rule.checker
        if getattr(chk, "kind", "") != "equation":
            continue
        table = st.doc.tables.get(chk.p["table"])
        if table is None:
            continue
        for scope in chk.scopes(table):
            sides = chk.evaluate(table, scope)
            if sides is None:
                continue
            left, right = sides
            if len(left[2]) != 1 or not right[2]:
                continue
            cell = left[2][0]
            if not first <= cell.span.line <= last or (id(cell), rule.id) in seen:
                continue
            seen.add((id(cell), rule.id))
            total = right[3]
            mark = "✓" if abs(left[3] - total) < 1e-9 else "≠"
            text = st.lines[cell.span.end_line - 1] if cell.span.end_line <= len(st.lines) else ""
            pos = types.Position(line=cell.span.end_line - 1, character=positions.convert(text, cell.span.end_column - 1, enc, True))
            value = int(total) if float(total).is_integer() else round(total, 6)
            hints.append(
                types.InlayHint(
                    position=pos,
                    label=f" Σ{value}{mark}",
                    kind=types.InlayHintKind.Parameter,
                    tooltip=chk.explain(table, scope),
                    padding_left=True,
                )
            )
    return hints


def main() -> None:
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("pygls").setLevel(logging.WARNING)
    # a client cancelling a request that was already answered is a normal race, not a warning
    rpc = logging.getLogger("pygls.protocol.json_rpc")
    rpc.setLevel(logging.ERROR)
    # a message that does not structure: pygls logs cattrs' whole exception tree, XxgkProtocol
    # says what is wrong in one line (and answers it)
    rpc.addFilter(lambda record: not str(record.msg).startswith("Unable to deserialize message"))
    server.start_io()


if __name__ == "__main__":
    main()
