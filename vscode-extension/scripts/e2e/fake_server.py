#!/usr/bin/env python3
"""A stand-in LSP server (stdlib only) for the end-to-end test of the VS Code client.

It answers `initialize`, publishes one diagnostic per opened/changed document (code XG999,
source "xxgk-lint"), answers hover, and appends every message it receives to the file named by
`--log PATH` (or $XXGK_FAKE_LOG), as JSON lines, so the test can check what the client sent: initializationOptions,
workspace/didChangeConfiguration, didChangeWatchedFiles, the languageId of opened documents.
"""
import json
import os
import sys

LOG = sys.argv[sys.argv.index("--log") + 1] if "--log" in sys.argv else os.environ.get("XXGK_FAKE_LOG")


def log(msg):
    if LOG:
        with open(LOG, "a", encoding="utf-8") as f:
            f.write(json.dumps(msg, ensure_ascii=False) + "\n")


def read():
    headers = {}
    while True:
        line = sys.stdin.buffer.readline()
        if not line:
            return None
        line = line.decode("ascii").strip()
        if not line:
            break
        k, v = line.split(":", 1)
        headers[k.strip().lower()] = v.strip()
    body = sys.stdin.buffer.read(int(headers["content-length"]))
    return json.loads(body.decode("utf-8"))


def send(msg):
    msg["jsonrpc"] = "2.0"
    data = json.dumps(msg, ensure_ascii=False).encode("utf-8")
    sys.stdout.buffer.write(b"Content-Length: %d\r\n\r\n" % len(data) + data)
    sys.stdout.buffer.flush()


def publish(uri, text, language):
    first = text.split("\n", 1)[0]
    send({
        "method": "textDocument/publishDiagnostics",
        "params": {
            "uri": uri,
            "diagnostics": [{
                "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": len(first)}},
                "severity": 2,
                "code": "XG999",
                "source": "xxgk-lint",
                "message": f"测试诊断：假服务器已收到文档（语言 {language}）",
            }],
        },
    })


def main():
    print("INFO:fake:fake xxgk-lint server started; cwd=%s PYTHONIOENCODING=%s XXGK_FAKE_LOG=%s"
          % (os.getcwd(), os.environ.get("PYTHONIOENCODING"), os.environ.get("XXGK_FAKE_LOG")), file=sys.stderr, flush=True)
    languages = {}
    while True:
        msg = read()
        if msg is None:
            return
        log(msg)
        method = msg.get("method")
        if method == "initialize":
            send({"id": msg["id"], "result": {
                "capabilities": {"textDocumentSync": 1, "hoverProvider": True},
                "serverInfo": {"name": "fake-xxgk-lint", "version": "0.0.0"},
            }})
        elif method == "textDocument/didOpen":
            td = msg["params"]["textDocument"]
            languages[td["uri"]] = td["languageId"]
            publish(td["uri"], td["text"], td["languageId"])
        elif method == "textDocument/didChange":
            uri = msg["params"]["textDocument"]["uri"]
            publish(uri, msg["params"]["contentChanges"][-1]["text"], languages.get(uri, "?"))
        elif method == "textDocument/didClose":
            send({"method": "textDocument/publishDiagnostics",
                  "params": {"uri": msg["params"]["textDocument"]["uri"], "diagnostics": []}})
        elif method == "textDocument/hover":
            send({"id": msg["id"], "result": {"contents": {"kind": "markdown", "value": "**XG999** 假服务器的悬停说明"}}})
        elif method == "shutdown":
            send({"id": msg["id"], "result": None})
        elif method == "exit":
            return
        elif "id" in msg and method is not None:
            send({"id": msg["id"], "error": {"code": -32601, "message": f"not implemented: {method}"}})


if __name__ == "__main__":
    main()
