"""The language server under faults (over stdio, with a raw client that can send broken frames):
nothing hangs, nothing is silently dropped, one document does not hold up another.

- A light document opened after two 5 MB ones gets its diagnostics within a second and
  before theirs (its lint does not wait for theirs).
- Closing documents gives their memory back: the server's RSS (/proc/PID/status VmRSS) after
  opening and closing six 5 MB documents is back near the baseline.
- A request whose params fail validation (a negative position, no params, params of the wrong
  type, no "jsonrpc") is answered with an error, and the server goes on answering.
- Framing faults: a Content-Length shorter or longer than the body, bytes glued before a
  header: the server resynchronises at the next header and answers the request after it; an
  absurd Content-Length (1 TB) is neither allocated nor fatal.

The examples/clean.txt report repeated to 5 MB stands for a huge document.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from .conftest import EXAMPLES

REPORT = (EXAMPLES / "clean.txt").read_text(encoding="utf-8")
HUGE = REPORT * (5_000_000 // len(REPORT.encode("utf-8")) + 1)  # ~5 MB of UTF-8
ANSWER = 10.0  # s: how long a request may go unanswered before the test calls it a hang


class RawClient:
    """A stdio LSP client that frames messages itself (and can frame them wrongly)."""

    def __init__(self, tmp_path: Path):
        self.stderr_path = tmp_path / "server.stderr"
        self._stderr = open(self.stderr_path, "wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "xxgk_lint.lsp"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            cwd=str(tmp_path),
        )
        self.root = tmp_path
        self._cond = threading.Condition()
        self._wlock = threading.Lock()
        self.responses: dict = {}  # id -> response (None: id null)
        self.null_errors: list[dict] = []  # error responses with id null (a frame the server could not read)
        self.published: dict[str, list[tuple[float, int | None, int]]] = {}  # uri -> (time, version, count)
        self.closed = False
        self._next = 1000
        threading.Thread(target=self._read, daemon=True).start()

    # -- wire ---------------------------------------------------------------------------------

    def _read(self) -> None:
        f = self.proc.stdout
        try:
            while True:
                length = None
                while True:
                    line = f.readline()
                    if not line:
                        return
                    if not line.strip():
                        break
                    name, _, value = line.partition(b":")
                    if name.strip().lower() == b"content-length":
                        length = int(value.strip())
                if length is None:
                    continue
                body = f.read(length)
                if len(body) < length:
                    return
                self._dispatch(json.loads(body), time.perf_counter())
        finally:
            with self._cond:
                self.closed = True
                self._cond.notify_all()

    def _dispatch(self, msg: dict, arrived: float) -> None:
        if "method" in msg and "id" in msg:  # a request of the server: an empty answer
            items = (msg.get("params") or {}).get("items", []) if isinstance(msg.get("params"), dict) else []
            result = [None] * len(items) if msg["method"] == "workspace/configuration" else None
            self.send({"jsonrpc": "2.0", "id": msg["id"], "result": result})
            return
        with self._cond:
            if msg.get("method") == "textDocument/publishDiagnostics":
                p = msg["params"]
                self.published.setdefault(p["uri"], []).append((arrived, p.get("version"), len(p["diagnostics"])))
            elif "id" in msg and msg["id"] is None:
                self.null_errors.append(msg)
            elif "id" in msg:
                self.responses[msg["id"]] = msg
            self._cond.notify_all()

    def send_raw(self, data: bytes) -> None:
        with self._wlock:
            self.proc.stdin.write(data)
            self.proc.stdin.flush()

    @staticmethod
    def body(msg: dict) -> bytes:
        return json.dumps(msg, ensure_ascii=False, separators=(",", ":")).encode("utf-8")

    @staticmethod
    def frame(body: bytes, length: int | None = None) -> bytes:
        return b"Content-Length: %d\r\n\r\n" % (len(body) if length is None else length) + body

    def send(self, msg: dict) -> float:
        data = self.frame(self.body(msg))
        t = time.perf_counter()
        self.send_raw(data)
        return t

    def new_id(self) -> int:
        self._next += 1
        return self._next

    def notify(self, method: str, params) -> float:
        return self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def wait_response(self, rid, timeout: float = ANSWER) -> dict | None:
        """The response to request `rid`; None when none came (timeout, or the server exited)."""
        end = time.monotonic() + timeout
        with self._cond:
            while rid not in self.responses:
                left = end - time.monotonic()
                if left <= 0 or self.closed:
                    return None
                self._cond.wait(left)
            return self.responses.pop(rid)

    def request(self, method: str, params, timeout: float = ANSWER) -> dict | None:
        rid = self.new_id()
        self.send({"jsonrpc": "2.0", "id": rid, "method": method, "params": params})
        return self.wait_response(rid, timeout)

    def wait_published(self, uri: str, version: int = 1, timeout: float = 60.0) -> tuple[float, int]:
        """(arrival time, number of diagnostics) of the first publish for `uri` at `version`."""
        end = time.monotonic() + timeout
        with self._cond:
            while True:
                for t, v, n in self.published.get(uri, []):
                    if v == version:
                        return t, n
                left = end - time.monotonic()
                if left <= 0 or self.closed:
                    raise AssertionError(f"no diagnostics for {uri} v{version} ({'exited' if self.closed else 'timeout'}){self.stderr_tail()}")
                self._cond.wait(left)

    # -- LSP ----------------------------------------------------------------------------------

    def initialize(self) -> None:
        reply = self.request(
            "initialize",
            {
                "processId": os.getpid(),
                "rootUri": self.root.as_uri(),
                "capabilities": {"general": {"positionEncodings": ["utf-16"]}, "textDocument": {"publishDiagnostics": {"versionSupport": True}}},
                "initializationOptions": {},
            },
            timeout=60.0,
        )
        assert reply is not None and "result" in reply, f"initialize: {reply}{self.stderr_tail()}"
        self.notify("initialized", {})

    def open(self, name: str, text: str, version: int = 1) -> tuple[str, float]:
        uri = (self.root / name).as_uri()
        t = self.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "plaintext", "version": version, "text": text}})
        return uri, t

    def close_doc(self, uri: str) -> None:
        self.notify("textDocument/didClose", {"textDocument": {"uri": uri}})

    def hover(self, uri: str, line: int = 0, character: int = 0) -> dict | None:
        return self.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": {"line": line, "character": character}})

    def alive(self) -> bool:
        """The server still answers (a request that must succeed)."""
        reply = self.request("textDocument/documentSymbol", {"textDocument": {"uri": (self.root / "nothing.txt").as_uri()}})
        return reply is not None and "result" in reply

    def rss_kb(self) -> int:
        with open(f"/proc/{self.proc.pid}/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        raise AssertionError("no VmRSS")

    def stderr_text(self) -> str:
        self._stderr.flush()
        return self.stderr_path.read_bytes().decode("utf-8", "replace")

    def stderr_tail(self, n: int = 1500) -> str:
        text = self.stderr_text().strip()
        return f"\nserver stderr: …{text[-n:]}" if text else ""

    def shutdown(self) -> None:
        try:
            if not self.closed and self.proc.poll() is None:
                self.request("shutdown", None, timeout=10.0)
                self.notify("exit", None)
        except OSError:
            pass
        try:
            self.proc.stdin.close()
        except OSError:
            pass
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()  # only the server this client started
            self.proc.wait()
        self._stderr.close()


@pytest.fixture
def raw(tmp_path: Path):
    client = RawClient(tmp_path)
    client.initialize()
    yield client
    client.shutdown()


def answered_or_clean_exit(raw: RawClient, reply: dict | None, what: str) -> None:
    """The request after a broken frame was answered; or the server closed the connection and
    said why (an exit, no traceback)."""
    if reply is not None:
        assert "result" in reply, f"{what}: {reply}"
        return
    try:
        code = raw.proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        raise AssertionError(f"{what}: neither answered nor exited (the stream is desynchronised){raw.stderr_tail()}") from None
    err = raw.stderr_text()
    assert "Traceback" not in err and "MemoryError" not in err, f"{what}: the server died{raw.stderr_tail()}"
    assert code != 0 and err.strip(), f"{what}: the server exited (code {code}) without a reason{raw.stderr_tail()}"


# -- 1. one document's lint does not hold up another's ----------------------------------------


def test_a_huge_document_does_not_delay_a_light_one(raw: RawClient):
    warm, _ = raw.open("warm-up.txt", REPORT)
    raw.wait_published(warm)
    big1, _ = raw.open("huge-1.txt", HUGE)
    big2, _ = raw.open("huge-2.txt", HUGE)
    light, sent = raw.open("light.txt", REPORT.replace("2024", "2023"))
    arrived, _ = raw.wait_published(light, timeout=30)
    # requests about the light document are answered meanwhile too
    t0 = time.perf_counter()
    assert raw.hover(light) is not None
    hover_s = time.perf_counter() - t0
    done1, n1 = raw.wait_published(big1, timeout=120)
    done2, n2 = raw.wait_published(big2, timeout=120)
    waited = arrived - sent
    print(f"\nlight document: diagnostics {waited * 1000:.0f} ms after opening; hover {hover_s * 1000:.0f} ms; "
          f"huge ones: {(done1 - sent) * 1000:.0f} / {(done2 - sent) * 1000:.0f} ms ({n1}, {n2} findings)", file=sys.stderr)
    assert arrived < min(done1, done2), "the light document's diagnostics waited for the huge documents' lint"
    assert waited < 1.0, f"the light document's diagnostics came {waited:.2f} s after opening it"
    assert hover_s < 1.0, f"a hover on the light document took {hover_s:.2f} s"
    assert n1 == n2 > 0


# -- 2. a closed document's memory is given back ---------------------------------------------


def _settled_rss(raw: RawClient, bound_kb: int, timeout: float = 15.0) -> int:
    """The server's RSS once it is at most `bound_kb` (memory is released shortly after a
    close), or the last value seen after `timeout`."""
    end = time.monotonic() + timeout
    while True:
        kb = raw.rss_kb()
        if kb <= bound_kb or time.monotonic() > end:
            return kb
        time.sleep(0.2)


def test_closed_documents_give_their_memory_back(raw: RawClient):
    start = raw.rss_kb()
    # warm-up: one 5 MB document opened and closed (the grammar, the parser's bounded caches)
    uri, _ = raw.open("warm-up.txt", HUGE)
    raw.wait_published(uri, timeout=120)
    raw.close_doc(uri)
    assert raw.alive()
    time.sleep(1.0)
    base = _settled_rss(raw, start + 40_000, timeout=5)
    peak = 0
    for k in range(6):
        uri, _ = raw.open(f"huge-{k}.txt", HUGE)
        raw.wait_published(uri, timeout=120)
        peak = max(peak, raw.rss_kb())
        raw.close_doc(uri)
    assert raw.alive()
    end = _settled_rss(raw, base + 30_000)
    print(f"\nserver RSS: start {start // 1024} MB, after one 5 MB document {base // 1024} MB, "
          f"peak {peak // 1024} MB, after six more opened and closed {end // 1024} MB", file=sys.stderr)
    assert end <= base + 30_000, f"RSS {end // 1024} MB after closing six 5 MB documents (baseline {base // 1024} MB)"


# -- 3. every request is answered --------------------------------------------------------------


INVALID_PARAMS = -32602
INVALID_REQUEST = -32600


@pytest.mark.parametrize(
    "message, code",
    [
        pytest.param(
            {"method": "textDocument/hover", "params": {"textDocument": {"uri": "file:///x.txt"}, "position": {"line": -1, "character": 0}}},
            INVALID_PARAMS,
            id="negative-position",
        ),
        pytest.param({"method": "textDocument/hover"}, INVALID_PARAMS, id="missing-params"),
        pytest.param({"method": "textDocument/documentSymbol", "params": "file:///x.txt"}, INVALID_PARAMS, id="params-of-the-wrong-type"),
        pytest.param({"method": "textDocument/inlayHint", "params": None}, INVALID_PARAMS, id="params-null"),
        pytest.param({"method": "textDocument/hover", "params": {}, "no-jsonrpc": True}, INVALID_REQUEST, id="no-jsonrpc"),
    ],
)
def test_a_request_with_invalid_params_is_answered_with_an_error(raw: RawClient, message: dict, code: int):
    rid = raw.new_id()
    msg = {"jsonrpc": "2.0", "id": rid, **message}
    if msg.pop("no-jsonrpc", False):
        del msg["jsonrpc"]
    raw.send(msg)
    reply = raw.wait_response(rid, timeout=5.0)
    assert reply is not None, f"no answer to {message}{raw.stderr_tail()}"
    assert reply.get("error", {}).get("code") == code, reply
    assert raw.alive()


def test_an_invalid_notification_is_dropped_with_a_one_line_reason(raw: RawClient):
    raw.notify("textDocument/didChange", {"textDocument": {"uri": "file:///x.txt", "version": -3}, "contentChanges": "x"})
    raw.notify("textDocument/didOpen", {"textDocument": {"uri": "file:///y.txt"}})
    assert raw.alive()
    err = raw.stderr_text()
    # what was wrong, where (cattrs' path), in a line each: not two tracebacks per message
    assert "textDocument/didChange" in err and "$.params" in err, raw.stderr_tail()
    assert "Traceback" not in err, raw.stderr_tail()


# -- 4. framing faults ---------------------------------------------------------------------------


def _hover_body(raw: RawClient, rid: int) -> bytes:
    return raw.body(
        {"jsonrpc": "2.0", "id": rid, "method": "textDocument/hover", "params": {"textDocument": {"uri": (raw.root / "x.txt").as_uri()}, "position": {"line": 0, "character": 0}}}
    )


def _valid_request(raw: RawClient) -> tuple[int, bytes]:
    rid = raw.new_id()
    return rid, raw.frame(raw.body({"jsonrpc": "2.0", "id": rid, "method": "textDocument/documentSymbol", "params": {"textDocument": {"uri": (raw.root / "x.txt").as_uri()}}}))


@pytest.mark.parametrize("delta", [-25, 30], ids=["content-length-too-short", "content-length-too-long"])
def test_a_wrong_content_length_does_not_desynchronise_the_stream(raw: RawClient, delta: int):
    bad = raw.new_id()
    body = _hover_body(raw, bad)
    rid, valid = _valid_request(raw)
    raw.send_raw(raw.frame(body, len(body) + delta) + valid)
    answered_or_clean_exit(raw, raw.wait_response(rid, timeout=5.0), f"Content-Length {delta:+d}")
    if raw.proc.poll() is None:
        # the broken frame's request is answered too (its id is legible): nothing waits forever
        reply = raw.wait_response(bad, timeout=5.0)
        assert reply is not None, raw.stderr_tail()
        if delta < 0:
            assert reply["error"]["code"] == -32700, reply  # a parse error
        # and the stream stays in step afterwards
        assert raw.alive()


def test_bytes_before_a_header_are_skipped(raw: RawClient):
    rid, valid = _valid_request(raw)
    raw.send_raw(b"\x00garbage without a line end" + valid)
    answered_or_clean_exit(raw, raw.wait_response(rid, timeout=5.0), "bytes glued before a header")
    if raw.proc.poll() is None:
        assert raw.alive()


def test_an_absurd_content_length_is_not_allocated(raw: RawClient):
    bad = raw.new_id()
    rid, valid = _valid_request(raw)
    raw.send_raw(raw.frame(_hover_body(raw, bad), 1_000_000_000_000) + valid)
    answered_or_clean_exit(raw, raw.wait_response(rid, timeout=5.0), "Content-Length 1000000000000")
    err = raw.stderr_text()
    assert "MemoryError" not in err and "Traceback" not in err, raw.stderr_tail()
    if raw.proc.poll() is None:
        reply = raw.wait_response(bad, timeout=5.0)  # refused, not ignored
        assert reply is not None and reply["error"]["code"] == -32600, reply
        assert raw.alive()


def test_a_frame_that_is_no_json_is_answered_with_a_parse_error(raw: RawClient):
    raw.send_raw(raw.frame(b"{not json"))
    assert raw.alive()
    assert [m["error"]["code"] for m in raw.null_errors] == [-32700], raw.null_errors
