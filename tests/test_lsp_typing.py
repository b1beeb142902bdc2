"""The language server while an author types (over stdio, a real server process):

- a burst of changes already queued in the pipe is linted once, on its last version;
- a lint whose text has moved on stops between two rules (and publishes nothing);
- diagnostics that did not change are not published again (the `xxgk-lint/linted` notice,
  asked for with capabilities.experimental, says the version was linted);
- whatever the edits, the diagnostics the server ends with are a fresh lint's of the final
  text (hypothesis: edit sequences sent in bursts).
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from xxgk_lint.linter.checking.engine import Linter

from .conftest import EXAMPLES
from .test_lsp_hostile import RawClient
from .test_lsp_soak import expected, utf16

REPORT = (EXAMPLES / "clean.txt").read_text(encoding="utf-8")


class TypingClient(RawClient):
    """RawClient keeping whole diagnostics and the server's LINTED notices."""

    def __init__(self, tmp_path: Path):
        self.diags: dict[str, list] = {}  # uri -> the last diagnostics published
        self.linted: dict[str, list[dict]] = {}  # uri -> LINTED params, in order
        super().__init__(tmp_path)

    def _dispatch(self, msg: dict, arrived: float) -> None:
        if msg.get("method") == "xxgk-lint/linted":
            with self._cond:
                self.linted.setdefault(msg["params"]["uri"], []).append(msg["params"])
                self._cond.notify_all()
            return
        if msg.get("method") == "textDocument/publishDiagnostics":
            with self._cond:
                self.diags[msg["params"]["uri"]] = msg["params"]["diagnostics"]
        super()._dispatch(msg, arrived)

    def initialize(self) -> None:
        reply = self.request(
            "initialize",
            {
                "processId": os.getpid(),
                "rootUri": self.root.as_uri(),
                "capabilities": {
                    "general": {"positionEncodings": ["utf-16"]},
                    "textDocument": {"publishDiagnostics": {"versionSupport": True}},
                    "experimental": {"xxgkLintLinted": True},
                },
                "initializationOptions": {},
            },
            timeout=60.0,
        )
        assert reply is not None and "result" in reply, f"initialize: {reply}{self.stderr_tail()}"
        self.notify("initialized", {})

    def wait_linted(self, uri: str, version: int, timeout: float = 60.0) -> dict:
        """The LINTED notice of `version` (or a later one)."""
        end = time.monotonic() + timeout
        with self._cond:
            while True:
                for p in self.linted.get(uri, []):
                    if p["version"] >= version:
                        return p
                left = end - time.monotonic()
                if left <= 0 or self.closed:
                    raise AssertionError(f"{uri} v{version} never linted ({'exited' if self.closed else 'timeout'}){self.stderr_tail()}")
                self._cond.wait(left)

    def changes(self, uri: str, first_version: int, changes: list[list[dict]]) -> int:
        """didChange notifications for versions first_version, first_version + 1 … written in
        one go (they arrive together, as when the server is busy while an author types)."""
        data = b"".join(
            self.frame(self.body({"jsonrpc": "2.0", "method": "textDocument/didChange",
                                  "params": {"textDocument": {"uri": uri, "version": first_version + k}, "contentChanges": c}}))
            for k, c in enumerate(changes)
        )
        self.send_raw(data)
        return first_version + len(changes) - 1


@pytest.fixture
def typing(tmp_path: Path):
    client = TypingClient(tmp_path)
    client.initialize()
    yield client
    client.shutdown()


def insert(line: int, character: int, text: str) -> dict:
    return {"range": {"start": {"line": line, "character": character}, "end": {"line": line, "character": character}}, "text": text}


def _cell(text: str) -> tuple[int, int]:
    """(line, UTF-16 column) just after the first digit of a number line of table 三."""
    lines = text.split("\n")
    start = next(i for i, s in enumerate(lines) if s.startswith("三、"))
    i = next(i for i in range(start, len(lines)) if lines[i].strip()[:1].isdigit())
    return i, utf16(lines[i][: len(lines[i]) - len(lines[i].lstrip()) + 1])


def test_a_burst_of_ten_changes_is_linted_once_on_its_last_version(typing: TypingClient):
    uri, _ = typing.open("burst.txt", REPORT)
    first = typing.wait_linted(uri, 1)
    assert first["runs"] == 1 and first["published"]
    line, col = _cell(REPORT)
    last = typing.changes(uri, 2, [[insert(line, col + k, "7")] for k in range(10)])
    done = typing.wait_linted(uri, last)
    time.sleep(0.3)  # nothing more comes for the burst
    notices = typing.linted[uri]
    assert [p["version"] for p in notices] == [1, last], notices
    assert done["runs"] == 2 and done["stopped"] == 0, f"the burst was linted {done['runs'] - 1} times"
    assert [v for _, v, _ in typing.published[uri]] == [1, last]


def test_a_stale_lint_is_abandoned(typing: TypingClient):
    big = REPORT * (3_000_000 // len(REPORT.encode("utf-8")) + 1)  # a lint of seconds on a busy machine
    uri, _ = typing.open("stale.txt", big)
    typing.wait_linted(uri, 1, timeout=120)
    line, col = _cell(big)
    # v2 changes every line (a space at each end): no line, table or rule result of v1 is
    # reused, so its lint takes seconds and v3 surely arrives while it runs
    every = "\n".join(s + " " for s in big.split("\n"))
    t0 = time.perf_counter()
    typing.changes(uri, 2, [[{"text": every}]])
    time.sleep(0.1)  # v2 is being linted (a lint of 3 MB takes half a second and more)
    typing.changes(uri, 3, [[insert(line, col, "7")]])
    done = typing.wait_linted(uri, 3, timeout=120)
    took = time.perf_counter() - t0
    versions = [p["version"] for p in typing.linted[uri]]
    assert versions == [1, 3], versions  # v2 was neither published nor noticed
    assert done["stopped"] == 1 and done["runs"] == 3, done
    # and the result is v3's: a fresh lint of the final text
    text = every.split("\n")
    text[line] = text[line][:col] + "7" + text[line][col:]
    assert sorted(d["code"] for d in typing.diags[uri]) == sorted(d.rule for d in Linter().lint_text("\n".join(text), str(typing.root / "stale.txt"))[1])
    print(f"\nstale lint stopped; v3's diagnostics {took:.2f} s after v2 was sent")


def test_unchanged_diagnostics_are_not_published_again(typing: TypingClient):
    uri, _ = typing.open("same.txt", REPORT)
    typing.wait_linted(uri, 1)
    lines = REPORT.split("\n")
    # a character typed over by the same character: the same text, the same findings
    i = next(k for k, s in enumerate(lines) if len(s) > 40 and s.startswith("2024"))
    same = {"range": {"start": {"line": i, "character": 3}, "end": {"line": i, "character": 4}}, "text": lines[i][3]}
    typing.changes(uri, 2, [[same]])
    assert typing.wait_linted(uri, 2)["published"] is False
    # a total made wrong: new findings, published
    line, col = _cell(REPORT)
    typing.changes(uri, 3, [[insert(line, col, "7")]])
    assert typing.wait_linted(uri, 3)["published"] is True
    assert [v for _, v, _ in typing.published[uri]] == [1, 3]


# -- the final diagnostics are a fresh lint's, whatever the edits ------------------------------

PIECES = ["7", "0", "。", "\n", "\r\n", "（一）", "总计", " ", "𠀀", "三、", " | ", "2023年", "\n\n"]


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    client = TypingClient(tmp_path_factory.mktemp("lsp-typing"))
    client.initialize()
    yield client
    client.shutdown()


def _apply(text: str, a: int, b: int, new: str) -> str:
    return text[:a] + new + text[b:]


def _position(text: str, offset: int) -> dict:
    """The LSP position (UTF-16) of code-point `offset`; LSP line ends only."""
    line, start, i = 0, 0, 0
    while i < offset:
        c = text[i]
        if c == "\r" and text[i + 1 : i + 2] == "\n" and i + 1 < offset:
            i += 2
            line, start = line + 1, i
            continue
        i += 1
        if c in "\r\n":
            line, start = line + 1, i
    return {"line": line, "character": utf16(text[start:offset])}


def _safe(text: str, i: int) -> int:
    return i - 1 if 0 < i < len(text) and text[i - 1] == "\r" and text[i] == "\n" else i


EDIT = st.tuples(st.floats(0, 1), st.integers(0, 12), st.sampled_from(PIECES))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(bursts=st.lists(st.lists(EDIT, min_size=1, max_size=6), min_size=1, max_size=4), pause=st.sampled_from([0.0, 0.005, 0.03]))
def test_final_diagnostics_equal_a_fresh_lint(shared: TypingClient, bursts, pause):
    c = shared
    uri = (c.root / f"prop-{time.monotonic_ns()}.txt").as_uri()
    c.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "plaintext", "version": 1, "text": REPORT}})
    text, version = REPORT, 1
    for burst in bursts:
        changes = []
        for where, cut, new in burst:
            a = _safe(text, int(where * len(text)))
            b = _safe(text, min(len(text), a + cut))
            changes.append([{"range": {"start": _position(text, a), "end": _position(text, b)}, "text": new}])
            text = _apply(text, a, b, new)
        version = c.changes(uri, version + 1, changes)
        time.sleep(pause)
    c.wait_linted(uri, version)
    time.sleep(0.05)
    versions = [p["version"] for p in c.linted[uri]]
    assert versions == sorted(versions) and versions[-1] == version, versions
    with c._cond:
        published = c.diags[uri]
    got = sorted((d["code"], d["range"]["start"]["line"], d["range"]["start"]["character"], d["range"]["end"]["line"], d["range"]["end"]["character"]) for d in published)
    want = expected(text, _LINTER)
    c.close_doc(uri)
    assert got == want, json.dumps(bursts, ensure_ascii=False)


_LINTER = Linter()


def test_published_json_is_what_pygls_would_write(tmp_path):
    """The server writes publishDiagnostics from each diagnostic's cached JSON: the message is
    the one pygls' converter makes of the same diagnostics (ranges, related locations, fixes)."""
    from lsprotocol import types
    from pygls.protocol import default_converter
    from pygls.workspace import Workspace

    from xxgk_lint.lsp import server as srv

    text = (EXAMPLES / "defects.txt").read_text(encoding="utf-8")
    linter = Linter(incremental=True)
    doc, diags = linter.lint_text(text, str(tmp_path / "d.txt"))
    assert any(d.related for d in diags) and any(d.fix for d in diags)

    class Writer:
        def __init__(self):
            self.data = []

        def write(self, data: bytes):
            self.data.append(data)

        def close(self):
            pass

    ls = srv.XxgkServer()
    ls.protocol._workspace = Workspace(None, position_encoding=types.PositionEncodingKind.Utf16)
    writer = Writer()
    ls.protocol.set_writer(writer)
    st = srv.DocState(uri=(tmp_path / "d.txt").as_uri())
    st.version, st.doc, st.diags, st.lines, st.linter = 4, doc, diags, doc.source.lines, linter
    ls.publish(st)
    ls.publish(st)  # the same again: not written
    assert len(writer.data) == 1
    head, body = writer.data[0].split(b"\r\n\r\n", 1)
    assert int(head.split(b"\r\n")[0].split(b":")[1]) == len(body)
    enc = types.PositionEncodingKind.Utf16
    want = types.PublishDiagnosticsNotification(
        params=types.PublishDiagnosticsParams(uri=st.uri, version=4, diagnostics=[srv.to_lsp(d, st, enc) for d in diags])
    )
    assert json.loads(body) == json.loads(json.dumps(default_converter().unstructure(want)))


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8", "utf-32"])
def test_each_diagnostics_json_is_the_converters_byte_for_byte(tmp_path, encoding):
    """diagnostic_json builds a diagnostic's JSON directly: the very string pygls' converter
    and json.dumps make of to_lsp's object, for every finding of reports with related places,
    fixes, astral characters (two UTF-16 units, four UTF-8 bytes), CRLF lines and a related
    place in another file."""
    from lsprotocol import types
    from pygls.protocol import default_converter

    from xxgk_lint.linter.audit.kinds import RelatedElsewhere
    from xxgk_lint.linter.model.diagnostic import Related
    from xxgk_lint.linter.reading.source import Span
    from xxgk_lint.linter.support.record import replace
    from xxgk_lint.lsp import server as srv

    converter = default_converter()
    enc = types.PositionEncodingKind(encoding)
    texts = [(EXAMPLES / name).read_text(encoding="utf-8") for name in ("defects.txt", "defects.md", "clean.txt")]
    texts.append(texts[0].replace("本机关", "𠀀本机关𠮷").replace("\n", "\r\n"))
    checked = 0
    for k, text in enumerate(texts):
        path = tmp_path / f"d{k}.{'md' if k == 1 else 'txt'}"
        doc, diags = _LINTER.lint_text(text, str(path))
        st = srv.DocState(uri=path.as_uri())
        st.lines = doc.source.lines
        other = RelatedElsewhere(Span(3, 2, 3, 9), "去年的报告", path=str(tmp_path / "2023.txt"))
        same = Related(Span(2, 1, 4, 3), "这里")
        extra = [replace(diags[0], related=(*diags[0].related, other, same))] if diags else []
        for d in [*diags, *extra]:
            want = json.dumps(converter.unstructure(srv.to_lsp(d, st, enc)))
            assert srv.diagnostic_json(d, st, enc) == want, d
            checked += 1
    assert checked > 20


def test_a_did_change_built_directly_equals_the_converters():
    """didChange notifications are built from their JSON without the converter: the same
    objects for every shape clients send (incremental, whole text, rangeLength, several
    changes), and anything else — negative or missing positions, wrong types, extra keys, a
    request id — left to the converter (which structures or rejects it, saying why)."""
    import copy
    import random

    from lsprotocol import types
    from pygls.protocol import default_converter

    from xxgk_lint.lsp import server as srv

    converter = default_converter()
    rng = random.Random(17)

    def pos():
        return {"line": rng.randrange(0, 50), "character": rng.randrange(0, 200)}

    def change():
        k = rng.randrange(4)
        if k == 0:
            return {"text": rng.choice(["", "全文\n", "a\r\nb"])}
        c = {"range": {"start": pos(), "end": pos()}, "text": rng.choice(["", "7", "。\n", "𠀀"])}
        if k == 1:
            c["rangeLength"] = rng.randrange(0, 9)
        return c

    built = 0
    for _ in range(300):
        msg = {"jsonrpc": "2.0", "method": "textDocument/didChange",
               "params": {"textDocument": {"uri": "file:///r.txt", "version": rng.randrange(1, 10**6)},
                          "contentChanges": [change() for _ in range(rng.randrange(1, 4))]}}
        fast = srv._did_change(copy.deepcopy(msg))
        assert fast is not None and fast == converter.structure(copy.deepcopy(msg), types.DidChangeTextDocumentNotification)
        built += 1
    bad = [
        {"line": -1, "character": 0},
        {"line": 0},
        {"line": "0", "character": 0},
        {"line": 0, "character": 1.5},
        {"line": True, "character": 0},
    ]
    for p in bad:
        msg = {"jsonrpc": "2.0", "method": "textDocument/didChange",
               "params": {"textDocument": {"uri": "file:///r.txt", "version": 2},
                          "contentChanges": [{"range": {"start": p, "end": {"line": 0, "character": 0}}, "text": "x"}]}}
        assert srv._did_change(msg) is None, p
    others = [
        {"jsonrpc": "2.0", "id": 3, "method": "textDocument/didChange", "params": {}},
        {"jsonrpc": "2.0", "method": "textDocument/didChange"},
        {"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {"textDocument": {"uri": "file:///r.txt", "version": None}, "contentChanges": []}},
        {"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {"textDocument": {"uri": "file:///r.txt", "version": 1}, "contentChanges": [{"text": 5}]}},
        {"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {"textDocument": {"uri": "file:///r.txt", "version": 1}, "contentChanges": [{"text": "", "extra": 1}]}},
    ]
    for msg in others:
        assert srv._did_change(msg) is None, msg
    assert built == 300
