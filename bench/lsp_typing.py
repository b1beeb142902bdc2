#!/usr/bin/env python3
"""Language server on real typing: keys into a table cell and into prose, at 15 KB, 150 KB, 1.5 MB.

    python bench/lsp_typing.py                 # about two minutes
    python bench/lsp_typing.py --quick         # fewer repetitions
    python bench/lsp_typing.py --json out.json
    python bench/lsp_typing.py --sizes 15000   # some sizes only

The documents are examples/clean.md with its prose paragraphs (sections 一 and 五) repeated in
section 一 until the size is reached; its tables stay as they are, once. What is typed:

- table: a digit into the 自然人 cell of table 三's row 一、本年新收 (13 → 173 …): the table,
  its column and row equations and their findings change with every key;
- prose: a character into a paragraph in the middle of the document.

Rows:
- one key: one insertion (then its deletion, the next key), each waiting until the server is
  done with its version — time from writing the didChange to the diagnostics of that version
  (or, when they did not change and were not published again, the server's
  `xxgk-lint/linted` notice, asked for with capabilities.experimental);
- 10 keys 20 ms apart: ten insertions sent at a fixed pace, time from the first key to the
  server being done with the final version; "lints" counts the versions the server finished
  (published or noticed) during the burst: 1 when the burst is drained and linted once.

Peers run with the same client when they are on PATH (otherwise the reason is printed):
`ruff server` on Python of the same sizes (`pip install ruff`), typed into a number literal and
a comment, one key and 10-key bursts; an autocorrect server is found but not driven yet. Times are medians and p95 over the repetitions; the load
average is printed: on a shared machine compare ratios.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent
sys.path.insert(0, str(BENCH_DIR))

from lspclient import LspClient  # noqa: E402

KB = 1000
SIZES = [15 * KB, 150 * KB, 1500 * KB]
BURST_KEYS = 10
BURST_INTERVAL = 0.020
EXPERIMENTAL = {"xxgkLintLinted": True}


def stats(xs: list[float]) -> dict:
    xs = sorted(xs)
    if not xs:
        return {"n": 0}
    p95 = xs[min(len(xs) - 1, max(0, int(round(0.95 * len(xs) + 0.5)) - 1))]
    return {"n": len(xs), "median": statistics.median(xs), "p95": p95, "min": xs[0], "max": xs[-1]}


def fnum(x: float) -> str:
    return f"{x:.2f}" if x < 10 else f"{x:.1f}" if x < 100 else f"{x:.0f}"


def loadavg() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "?"


def build_document(size: int) -> str:
    """examples/clean.md grown to about `size` bytes by repeating its prose paragraphs at the
    end of section 一 (the tables are kept once, as they are)."""
    src = (REPO_ROOT / "examples" / "clean.md").read_text(encoding="utf-8")
    head, tail = src.split("## 二、", 1)
    paras = [p for p in re.split(r"\n\s*\n", src) if len(p) > 60 and not p.lstrip().startswith(("|", "#"))][1:]
    extra, n, k = [], len(src.encode("utf-8")), 0
    while n < size:
        p = paras[k % len(paras)] + "\n\n"
        extra.append(p)
        n += len(p.encode("utf-8"))
        k += 1
    return head + "".join(extra) + "## 二、" + tail


def utf16(s: str) -> int:
    return len(s.encode("utf-16-le")) // 2


def table_point(text: str) -> tuple[int, int]:
    """(line, UTF-16 column) just after the first digit of the 自然人 cell of 一、本年新收."""
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if line.startswith("| 一、本年新收政府信息公开申请数量"):
            m = re.search(r"\|\s*(\d)", line[len("| 一、本年新收政府信息公开申请数量") :])
            col = len("| 一、本年新收政府信息公开申请数量") + m.end(1)
            return i, utf16(line[:col])
    raise SystemExit("no row 一、本年新收 in the document")


def prose_point(text: str) -> tuple[int, int]:
    """(line, UTF-16 column) in the middle of the prose paragraph nearest the document's middle."""
    lines = text.split("\n")
    mid = len(lines) // 2
    for i in sorted(range(len(lines)), key=lambda i: abs(i - mid)):
        line = lines[i]
        if len(line) > 60 and not line.startswith(("|", "#")):
            return i, utf16(line[: len(line) // 2])
    raise SystemExit("no prose line")


def change(line: int, col: int, text: str, length: int = 0) -> dict:
    return {"range": {"start": {"line": line, "character": col}, "end": {"line": line, "character": col + length}}, "text": text}


class Session:
    """One server with one open document, typed into."""

    def __init__(self, cmd: list[str], tmp: Path, tag: str, path: Path, text: str, language: str, env: dict):
        self.c = LspClient(cmd, cwd=str(tmp), env=env, stderr_path=str(tmp / f"{tag}.stderr"))
        self.c.initialize(tmp, experimental=EXPERIMENTAL)
        self.uri = path.resolve().as_uri()
        self.version = 1
        since = self.c.marks(self.uri)
        t = self.c.notify("textDocument/didOpen", {"textDocument": {"uri": self.uri, "languageId": language, "version": 1, "text": text}})
        self.open_ms = (self.c.wait_linted(self.uri, 1, since, timeout=600) - t) * 1e3

    def send(self, changes: list[dict]) -> float:
        self.version += 1
        return self.c.notify("textDocument/didChange", {"textDocument": {"uri": self.uri, "version": self.version}, "contentChanges": changes})

    def key(self, changes: list[dict], timeout: float = 120) -> float:
        since = self.c.marks(self.uri)
        t = self.send(changes)
        return (self.c.wait_linted(self.uri, self.version, since, timeout=timeout) - t) * 1e3

    def single_keys(self, point: tuple[int, int], ch: str, n: int) -> list[float]:
        line, col = point
        out = []
        for k in range(n):
            out.append(self.key([change(line, col, ch)] if k % 2 == 0 else [change(line, col, "", utf16(ch))]))
        if n % 2:
            self.key([change(line, col, "", utf16(ch))])
        return out

    def burst(self, point: tuple[int, int], ch: str) -> tuple[float, float, int]:
        """10 keys 20 ms apart, each after the one before; (ms from the first key and from the
        last key to the final version done, versions finished during the burst). The text is
        restored after it."""
        line, col = point
        since = self.c.marks(self.uri)
        first = self.version + 1
        t0 = t_next = time.perf_counter()
        for k in range(BURST_KEYS):
            delay = t_next - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            t = self.send([change(line, col + k * utf16(ch), ch)])
            if k == 0:
                t0 = t
            t_last = t
            t_next += BURST_INTERVAL
        done = self.c.wait_linted(self.uri, self.version, since, timeout=300)
        time.sleep(0.05)  # anything still coming for the burst's versions
        with self.c._cond:
            pubs = self.c.published.get(self.uri, [])[since[0] :]
            notes = self.c.linted.get(self.uri, [])[since[1] :]
            finished = {v for _, v, _ in pubs if v is not None and v >= first} | {v for _, v, _ in notes if v is not None and v >= first}
        self.key([change(line, col, "", BURST_KEYS * utf16(ch))])  # back to the text before
        return (done - t0) * 1e3, (done - t_last) * 1e3, len(finished)

    def close(self) -> None:
        self.c.close()


def inprocess_ms(text: str, path: str, point: tuple[int, int], ch: str, runs: int) -> dict:
    """The lint alone, in this process, with the server's incremental Linter: the edited text
    and back, alternately (what one key costs without the protocol)."""
    from xxgk_lint.linter.checking.engine import Linter

    lines = text.split("\n")
    line, col16 = point
    s = lines[line]
    col = len(s.encode("utf-16-le")[: col16 * 2].decode("utf-16-le"))
    lines[line] = s[:col] + ch + s[col:]
    edited = "\n".join(lines)
    linter = Linter(incremental=True)
    linter.lint_text(text, path)
    out = []
    for k in range(runs):
        t = time.perf_counter()
        linter.lint_text(edited if k % 2 == 0 else text, path)
        out.append((time.perf_counter() - t) * 1e3)
    return stats(out)


def repetitions(size: int, quick: bool) -> tuple[int, int]:
    """(single keys, bursts) typed at a size: fewer for the larger documents, and with --quick."""
    singles, bursts = {15 * KB: (60, 20), 150 * KB: (30, 12), 1500 * KB: (10, 6)}.get(size, (10, 6))
    if quick:
        singles, bursts = max(6, singles // 3), max(3, bursts // 2)
    return singles, bursts


def run(sizes: list[int], quick: bool, server: list[str] | None = None, with_peers: bool = True) -> dict:
    tmp = Path(tempfile.mkdtemp(prefix="xxgk-lsp-typing-"))
    env = dict(os.environ)
    env.setdefault("XXGK_LINT_CACHE_DIR", str(tmp / "diskcache"))
    results: dict = {"load_before": loadavg(), "rows": [], "peers": []}
    try:
        for size in sizes:
            singles, bursts = repetitions(size, quick)
            text = build_document(size)
            path = tmp / f"report-{size}.md"
            path.write_text(text, encoding="utf-8")
            points = {"table": (table_point(text), "7"), "prose": (prose_point(text), "好")}
            s = Session(server or [sys.executable, "-m", "xxgk_lint.lsp"], tmp, f"xxgk-{size}", path, text, "markdown", env)
            try:
                s.single_keys(points["table"][0], "7", 4)  # warm up
                for what, (point, ch) in points.items():
                    one = s.single_keys(point, ch, singles)
                    burst = [s.burst(point, ch) for _ in range(bursts)]
                    row = {
                        "size": len(text.encode("utf-8")),
                        "what": what,
                        "open_ms": s.open_ms,
                        "one_key_ms": stats(one),
                        "burst_ms": stats([b[0] for b in burst]),
                        "burst_after_last_key_ms": stats([b[1] for b in burst]),
                        "burst_lints": stats([b[2] for b in burst]),
                        "inprocess_ms": inprocess_ms(text, str(path), point, ch, max(6, singles // 2)),
                        "load": loadavg(),
                    }
                    results["rows"].append(row)
                    print_row(row, flush=True)
            finally:
                s.close()
        if with_peers:
            results["peers"] = peers(tmp, sizes, quick)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    results["load_after"] = loadavg()
    return results


def python_document(size: int) -> str:
    """Python of about `size` bytes for `ruff server`: functions, every 20th with an unused
    variable (F841: a finding every few KB, as the reports have), a number literal and a
    comment to type into."""
    parts, n, k = ["import os\n\n\n"], 0, 0
    while n < size:
        name = f"unused_{k}" if k % 20 == 0 else f"value_{k}"
        use = f"{name} * " if k % 20 else ""
        block = f"def f_{k}(x):\n    # 计算第 {k} 项：说明文字，说明文字\n    {name} = x + {k}\n    return {use}x * 13310 + {k}\n\n\n"
        parts.append(block)
        n += len(block.encode("utf-8"))
        k += 1
    return "".join(parts)


def _python_points(text: str) -> dict:
    lines = text.split("\n")
    mid = len(lines) // 2
    number = next(i for i in range(mid, len(lines)) if "13310" in lines[i])
    comment = next(i for i in range(mid, len(lines)) if lines[i].lstrip().startswith("#"))
    return {
        "table": ((number, utf16(lines[number][: lines[number].index("13310") + 2])), "7"),
        "prose": ((comment, utf16(lines[comment][: len(lines[comment]) // 2])), "好"),
    }


def peers(tmp: Path, sizes: list[int], quick: bool) -> list[dict]:
    """The peers typed into by the same client: `ruff server` on Python of the same sizes
    (a digit into a number, a character into a comment); autocorrect's server where it is."""
    out = []
    for name, cmd in (("autocorrect server", ["autocorrect", "server"]), ("ruff server", ["ruff", "server"])):
        if shutil.which(cmd[0]) is None:
            print(f"peer {name}: skipped — `{cmd[0]}` is not on PATH (not installed on this machine)")
            out.append({"peer": name, "skipped": f"{cmd[0]} not on PATH"})
            continue
        if name != "ruff server":
            print(f"peer {name}: found {shutil.which(cmd[0])}, but this script does not drive it yet — skipped")
            out.append({"peer": name, "skipped": "not driven by this script"})
            continue
        for size in sizes:
            singles, bursts = repetitions(size, quick)
            text = python_document(size)
            path = tmp / f"peer-{size}.py"
            path.write_text(text, encoding="utf-8")
            s = Session(cmd, tmp, f"ruff-{size}", path, text, "python", dict(os.environ))
            try:
                points = _python_points(text)
                s.single_keys(points["table"][0], "7", 4)
                for what, (point, ch) in points.items():
                    one = s.single_keys(point, ch, singles)
                    burst = [s.burst(point, ch) for _ in range(bursts)]
                    row = {"peer": name, "size": len(text.encode("utf-8")), "what": "number" if what == "table" else "comment",
                           "one_key_ms": stats(one), "burst_after_last_key_ms": stats([b[1] for b in burst]), "load": loadavg()}
                    out.append(row)
                    print(f"peer {name} {row['size']:>10,} {row['what']:8} one key: median {fnum(row['one_key_ms']['median'])} ms, "
                          f"p95 {fnum(row['one_key_ms']['p95'])}; 10 keys @20ms, after the last: {fnum(row['burst_after_last_key_ms']['median'])} ms; load {row['load']}",
                          flush=True)
            finally:
                s.close()
    return out


HEADER = (
    f"{'size':>10} {'typing':7} {'open ms':>8} {'one key: median':>16} {'p95':>7} {'in-process lint':>16}"
    f" {'10 keys @20ms: median':>22} {'p95':>7} {'after last key':>15} {'p95':>7} {'lints/burst':>12}  load"
)


def print_row(r: dict, flush: bool = False) -> None:
    if not getattr(print_row, "header", False):
        print(HEADER)
        print_row.header = True
    o, b, i, bl = r["one_key_ms"], r["burst_ms"], r["inprocess_ms"], r["burst_after_last_key_ms"]
    print(
        f"{r['size']:>10,} {r['what']:7} {r['open_ms']:>8.0f} {fnum(o['median']):>16} {fnum(o['p95']):>7} {fnum(i['median']):>16}"
        f" {fnum(b['median']):>22} {fnum(b['p95']):>7} {fnum(bl['median']):>15} {fnum(bl['p95']):>7} {r['burst_lints']['median']:>12.0f}  {r['load']}",
        flush=flush,
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--sizes", default=",".join(map(str, SIZES)), help="document sizes in bytes, comma-separated")
    ap.add_argument("--json", help="write the numbers here too")
    ap.add_argument("--server", help="the server's command line (default: python -m xxgk_lint.lsp), e.g. another build to compare")
    ap.add_argument("--no-peers", action="store_true")
    args = ap.parse_args(argv)
    sizes = [int(x) for x in args.sizes.split(",") if x]
    print(f"xxgk-lint language server, real typing; load average {loadavg()}; {os.cpu_count()} cores")
    import shlex

    res = run(sizes, args.quick, shlex.split(args.server) if args.server else None, not args.no_peers)
    print(f"load average before {res['load_before']}, after {res['load_after']}")
    if args.json:
        Path(args.json).write_text(json.dumps(res, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
