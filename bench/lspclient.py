"""A minimal Language Server Protocol client over stdio, for timing (standard library only).

It speaks JSON-RPC with Content-Length framing itself, so it measures the server and not a
client library. A reader thread takes every message off the server's stdout and timestamps it
the moment its body has been read (before JSON decoding, which is the editor's cost, not the
server's). Requests from the server (client/registerCapability, workspace/configuration, …)
are answered with an empty result so the server never waits on us.
"""

from __future__ import annotations

import json
import os
import subprocess
import threading
import time
from pathlib import Path


class LspError(Exception):
    pass


class LspClient:
    def __init__(self, cmd: list[str], *, cwd: str, env: dict, stderr_path: str):
        self._stderr = open(stderr_path, "wb")
        self.stderr_path = stderr_path
        self.proc = subprocess.Popen(
            cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._stderr, cwd=cwd, env=env
        )
        self.pid = self.proc.pid
        self._wlock = threading.Lock()
        self._cond = threading.Condition()
        self._next_id = 0
        self._responses: dict[int, dict] = {}
        # uri -> list of (arrival perf_counter, version or None, number of diagnostics)
        self.published: dict[str, list[tuple[float, int | None, int]]] = {}
        # uri -> list of (arrival, version, whether diagnostics were published) of the
        # server's `xxgk-lint/linted` notifications (sent to a client that asks for them in
        # capabilities.experimental: a lint whose diagnostics were unchanged publishes nothing)
        self.linted: dict[str, list[tuple[float, int | None, bool]]] = {}
        self.closed = False
        self._reader = threading.Thread(target=self._read_loop, name="lsp-reader", daemon=True)
        self._reader.start()

    # -- wire ---------------------------------------------------------------------------------

    def _read_loop(self) -> None:
        f = self.proc.stdout
        try:
            while True:
                length = None
                while True:
                    line = f.readline()
                    if not line:
                        return
                    line = line.strip()
                    if not line:
                        break
                    name, _, value = line.partition(b":")
                    if name.strip().lower() == b"content-length":
                        length = int(value.strip())
                if length is None:
                    continue
                body = f.read(length)
                arrived = time.perf_counter()
                if len(body) < length:
                    return
                self._dispatch(json.loads(body), arrived)
        finally:
            with self._cond:
                self.closed = True
                self._cond.notify_all()

    def _dispatch(self, msg: dict, arrived: float) -> None:
        if "method" in msg and "id" in msg:  # a request from the server
            result = [None] * len(msg.get("params", {}).get("items", [])) if msg["method"] == "workspace/configuration" else None
            self._send({"jsonrpc": "2.0", "id": msg["id"], "result": result})
            return
        with self._cond:
            if "method" in msg:
                if msg["method"] == "textDocument/publishDiagnostics":
                    p = msg.get("params") or {}
                    self.published.setdefault(p.get("uri"), []).append(
                        (arrived, p.get("version"), len(p.get("diagnostics") or []))
                    )
                elif msg["method"] == "xxgk-lint/linted":
                    p = msg.get("params") or {}
                    self.linted.setdefault(p.get("uri"), []).append((arrived, p.get("version"), bool(p.get("published"))))
            elif "id" in msg:
                self._responses[msg["id"]] = msg
            self._cond.notify_all()

    def _send(self, msg: dict) -> float:
        body = json.dumps(msg, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        data = b"Content-Length: %d\r\n\r\n" % len(body) + body
        with self._wlock:
            t = time.perf_counter()
            self.proc.stdin.write(data)
            self.proc.stdin.flush()
        return t

    # -- API ----------------------------------------------------------------------------------

    def notify(self, method: str, params) -> float:
        """Send a notification; returns the perf_counter time just before it was written."""
        return self._send({"jsonrpc": "2.0", "method": method, "params": params})

    def request(self, method: str, params, timeout: float = 30.0):
        with self._cond:
            self._next_id += 1
            rid = self._next_id
        self._send({"jsonrpc": "2.0", "id": rid, "method": method, "params": params})
        deadline = time.monotonic() + timeout
        with self._cond:
            while rid not in self._responses:
                left = deadline - time.monotonic()
                if left <= 0 or self.closed:
                    raise LspError(f"no response to {method} ({'server exited' if self.closed else 'timeout'}){self.stderr_tail()}")
                self._cond.wait(left)
            msg = self._responses.pop(rid)
        if "error" in msg:
            raise LspError(f"{method}: {msg['error']}")
        return msg.get("result")

    def wait_published(self, uri: str, min_version: int, start_index: int = 0, timeout: float = 60.0):
        """The first publishDiagnostics for `uri` at or after `start_index` whose version is
        >= min_version: (index, arrival time, version, count). Raises LspError on timeout."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                items = self.published.get(uri, [])
                for i in range(start_index, len(items)):
                    t, v, n = items[i]
                    if v is not None and v >= min_version:
                        return i, t, v, n
                left = deadline - time.monotonic()
                if left <= 0 or self.closed:
                    raise LspError(
                        f"no diagnostics for version {min_version} ({'server exited' if self.closed else f'timeout {timeout:.0f} s'}){self.stderr_tail()}"
                    )
                self._cond.wait(left)

    def marks(self, uri: str) -> tuple[int, int]:
        """Where the lists of publishes and lint notices of `uri` end now (for wait_linted)."""
        with self._cond:
            return len(self.published.get(uri, [])), len(self.linted.get(uri, []))

    def wait_linted(self, uri: str, version: int, since: tuple[int, int] = (0, 0), timeout: float = 60.0) -> float:
        """When the server was first done with `version` (or a later one) after `since`: the
        arrival of its diagnostics, or of its `xxgk-lint/linted` notice when the diagnostics
        were unchanged and not published again. Raises LspError on timeout."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                times = [t for t, v, _ in self.published.get(uri, [])[since[0]:] if v is not None and v >= version]
                times += [t for t, v, _ in self.linted.get(uri, [])[since[1]:] if v is not None and v >= version]
                if times:
                    return min(times)
                left = deadline - time.monotonic()
                if left <= 0 or self.closed:
                    raise LspError(
                        f"version >= {version} never linted ({'server exited' if self.closed else f'timeout {timeout:.0f} s'}){self.stderr_tail()}"
                    )
                self._cond.wait(left)

    def published_count(self, uri: str) -> int:
        with self._cond:
            return len(self.published.get(uri, []))

    def initialize(self, root: Path, experimental: dict | None = None) -> dict:
        result = self.request(
            "initialize",
            {
                "processId": os.getpid(),
                "clientInfo": {"name": "xxgk-lint-bench", "version": "1"},
                "rootUri": root.as_uri(),
                "workspaceFolders": [{"uri": root.as_uri(), "name": root.name}],
                "capabilities": {
                    "general": {"positionEncodings": ["utf-16"]},
                    "textDocument": {
                        "synchronization": {"dynamicRegistration": False, "didSave": True},
                        "publishDiagnostics": {"versionSupport": True, "relatedInformation": True},
                    },
                    "workspace": {"configuration": False},
                    **({"experimental": experimental} if experimental else {}),
                },
                "initializationOptions": {},
            },
            timeout=120.0,
        )
        self.notify("initialized", {})
        return result or {}

    def status(self) -> dict[str, int]:
        """VmRSS / VmHWM (kB) of the server process, from /proc."""
        out: dict[str, int] = {}
        try:
            with open(f"/proc/{self.pid}/status") as f:
                for line in f:
                    if line.startswith(("VmRSS:", "VmHWM:")):
                        k, v = line.split(":", 1)
                        out[k] = int(v.split()[0])
        except OSError:
            pass
        return out

    def stderr_tail(self, n: int = 800) -> str:
        try:
            self._stderr.flush()
            data = Path(self.stderr_path).read_bytes()[-n:].decode("utf-8", "replace").strip()
        except OSError:
            return ""
        return f"; server stderr: …{data}" if data else ""

    def close(self) -> None:
        try:
            if not self.closed and self.proc.poll() is None:
                self.request("shutdown", None, timeout=10.0)
                self.notify("exit", None)
        except Exception:
            pass
        try:
            self.proc.stdin.close()
        except Exception:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()  # only the server this client started
            self.proc.wait()
        self._stderr.close()
