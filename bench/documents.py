#!/usr/bin/env python3
"""Read + lint time per document format: txt, md, html, docx, pdf.

    python bench/documents.py                # the fixtures and, when present, the real PDFs
    python bench/documents.py --runs 25      # more repeats (default 11)
    python bench/documents.py --candidates   # also the reference PDF engine (pdfplumber), if installed
    python bench/documents.py --json out.json

In process, warm (one untimed run first): each file goes the way `xxgk-lint check` takes it —
its bytes read, a document converted to report text by its reader (reading/documents.py),
the report linted (checking/engine.py), and a document's findings placed in the original
(cli/run.py `_place_in_original`: page, line and character box). The parser's table memo
is cleared before each run (it would make the same text's second lint nearly free, which a
folder of different reports never sees); the label caches stay, as in a real run. Times are wall clock
(time.perf_counter) per file: median and min–max of the runs, split into read (bytes to
report text) and lint (report text to placed findings), and the median CPU time of the
process (time.process_time: less sensitive to a busy machine than wall clock). Each format's row gives the median
over its files of their medians, and the range of their medians; a PDF also per page.

Inputs: examples/clean.txt and defects.txt, clean.md and defects.md; tests/data/documents/
(clean/defects .html, .docx, .pdf; defects-unruled.pdf and clean-unruled-centred.pdf,
PDFs whose tables have no ruling lines); ../shared/corpus/originals/ (the real PDFs 101-103 and the official blank
template .docx), skipped when absent. The issue's targets: a 6-page PDF <= 100 ms, DOCX and
HTML <= 20 ms. It needs xxgk-lint installed (`pip install -e .`). The machine may be shared:
the 1-minute load average is printed before and after, with the number of cores; compare
ratios rather than absolute numbers across machines.
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import json
import os
import statistics
import sys
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent
DOCS = REPO_ROOT / "tests" / "data" / "documents"
EXAMPLES = REPO_ROOT / "examples"
ORIGINALS = REPO_ROOT.parent / "shared" / "corpus" / "originals"
FORMATS = ("txt", "md", "html", "docx", "pdf")
TARGET_MS = {"html": 20.0, "docx": 20.0}  # and a 6-page PDF: 100 ms
PDF_TARGET_MS, PDF_TARGET_PAGES = 100.0, 6


def inputs() -> list[tuple[str, Path]]:
    """(format, path) of every file there is."""
    out = []
    for stem in ("clean", "defects"):
        out.append(("txt", EXAMPLES / f"{stem}.txt"))
        out.append(("md", EXAMPLES / f"{stem}.md"))
        for fmt in ("html", "docx", "pdf"):
            out.append((fmt, DOCS / f"{stem}.{fmt}"))
    out.append(("pdf", DOCS / "defects-unruled.pdf"))
    out.append(("pdf", DOCS / "clean-unruled-centred.pdf"))
    if ORIGINALS.is_dir():
        out.extend(("pdf", p) for p in sorted(ORIGINALS.glob("*.pdf")))
        out.extend(("docx", p) for p in sorted(ORIGINALS.glob("*.docx")))
    return [(fmt, p) for fmt, p in out if p.is_file()]


def _load() -> str:
    try:
        return f"{os.getloadavg()[0]:.2f}"
    except (OSError, AttributeError):
        return "?"


def one(path: Path, linter, engine: str = "pdfium") -> tuple[float, float, float, int, int]:
    """(read ms, lint ms, CPU ms, findings, pages) of one pass over the file, as `check` does it."""
    from xxgk_lint.linter.cli.run import _convert, _place_in_original
    from xxgk_lint.linter.parsing.builder import _TABLE_MEMO
    from xxgk_lint.linter.reading.files import decode

    c0 = time.process_time()
    t0 = time.perf_counter()
    data = path.read_bytes()
    pages = 0
    if engine != "pdfium":
        from xxgk_lint.linter.reading.pdf import read_pdf

        conv = read_pdf(data, path.name, engine=engine)
    else:
        conv = _convert(data, str(path))
    if conv is not None:
        text, pages = conv.text, conv.pages
    else:
        text = decode(data, str(path))[0]
    _TABLE_MEMO.clear()  # each run builds its tables anew, as a folder of different reports does
    t1 = time.perf_counter()
    _, diags = linter.lint_text(text, str(path))
    if conv is not None:
        diags = _place_in_original(diags, conv)
    t2 = time.perf_counter()
    return (t1 - t0) * 1000, (t2 - t1) * 1000, (time.process_time() - c0) * 1000, len(diags), pages


def measure(path: Path, linter, runs: int, engine: str = "pdfium") -> dict:
    one(path, linter, engine)  # warm: imports, the linter's caches
    reads, lints, totals, cpus = [], [], [], []
    findings = pages = 0
    gc.collect()
    for _ in range(runs):
        r, l, cpu, findings, pages = one(path, linter, engine)
        reads.append(r)
        lints.append(l)
        totals.append(r + l)
        cpus.append(cpu)
    return {
        "read_ms": statistics.median(reads),
        "lint_ms": statistics.median(lints),
        "median_ms": statistics.median(totals),
        "min_ms": min(totals),
        "max_ms": max(totals),
        "cpu_ms": statistics.median(cpus),
        "findings": findings,
        "pages": pages,
        "bytes": path.stat().st_size,
    }


def _shown(path: Path) -> str:
    for base in (REPO_ROOT, REPO_ROOT.parent):
        try:
            return str(path.relative_to(base))
        except ValueError:
            continue
    return str(path)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=11)
    ap.add_argument("--candidates", action="store_true", help="also time the reference PDF engine (pdfplumber)")
    ap.add_argument("--json", metavar="FILE")
    args = ap.parse_args(argv)
    if importlib.util.find_spec("xxgk_lint") is None:
        sys.exit(f"xxgk-lint is not installed for {sys.executable}: pip install -e . (or .) first")

    from xxgk_lint.linter.checking.engine import Linter

    linter = Linter()
    files = inputs()
    load0 = _load()
    print(f"read + lint per file, in process, warm; median of {args.runs} runs (ms); 1-minute load {load0} on {os.cpu_count()} cores")
    print(f"  {'file':<64} {'read':>7} {'lint':>7} {'total':>7}  {'min–max':>13} {'cpu':>7}  {'pages':>5} {'findings':>8}")
    rows = []
    engines = [("pdfium", None)]
    if args.candidates:
        if importlib.util.find_spec("pdfplumber") is not None:
            engines.append(("pdfplumber", "pdf"))
        else:
            print("  (pdfplumber not installed: no candidate rows)")
    for engine, only in engines:
        for fmt, path in files:
            if only is not None and fmt != only:
                continue
            m = measure(path, linter, args.runs, engine)
            m.update(format=fmt if engine == "pdfium" else f"{fmt} ({engine})", file=_shown(path) + ("" if engine == "pdfium" else f" [{engine}]"))
            rows.append(m)
            pages = str(m["pages"]) if m["pages"] else ""
            print(
                f"  {m['file'][:64]:<64} {m['read_ms']:7.1f} {m['lint_ms']:7.1f} {m['median_ms']:7.1f}  "
                f"{m['min_ms']:6.1f}–{m['max_ms']:<6.1f} {m['cpu_ms']:7.1f}  {pages:>5} {m['findings']:>8}"
            )
    print()
    print("per format: median over its files of their medians (range of the medians), ms")
    print(f"  {'format':<18} {'files':>5} {'read':>7} {'lint':>7} {'total':>7}  {'range':>13} {'cpu':>7}  {'ms/page':>7}  target")
    summary = {}
    for fmt in [*FORMATS, *sorted({r["format"] for r in rows} - set(FORMATS))]:
        mine = [r for r in rows if r["format"] == fmt]
        if not mine:
            continue
        totals = [r["median_ms"] for r in mine]
        per_page = [r["median_ms"] / r["pages"] for r in mine if r["pages"]]
        s = {
            "files": len(mine),
            "read_ms": statistics.median(r["read_ms"] for r in mine),
            "lint_ms": statistics.median(r["lint_ms"] for r in mine),
            "median_ms": statistics.median(totals),
            "min_ms": min(totals),
            "max_ms": max(totals),
            "cpu_ms": statistics.median(r["cpu_ms"] for r in mine),
            "ms_per_page": statistics.median(per_page) if per_page else None,
        }
        summary[fmt] = s
        target = ""
        if fmt in TARGET_MS:
            target = f"<= {TARGET_MS[fmt]:.0f} ms: {'met' if s['max_ms'] <= TARGET_MS[fmt] else 'missed'}"
        elif fmt == "pdf" and per_page:
            worst = max(r["median_ms"] / r["pages"] * PDF_TARGET_PAGES for r in mine if r["pages"])
            target = f"{PDF_TARGET_PAGES} pages <= {PDF_TARGET_MS:.0f} ms: {'met' if worst <= PDF_TARGET_MS else 'missed'} (worst {worst:.0f} ms)"
        ppage = f"{s['ms_per_page']:7.1f}" if s["ms_per_page"] is not None else f"{'':>7}"
        print(
            f"  {fmt:<18} {s['files']:>5} {s['read_ms']:7.1f} {s['lint_ms']:7.1f} {s['median_ms']:7.1f}  "
            f"{s['min_ms']:6.1f}–{s['max_ms']:<6.1f} {s['cpu_ms']:7.1f}  {ppage}  {target}"
        )
    load1 = _load()
    print(f"\n1-minute load average {load0} → {load1} on {os.cpu_count()} cores")
    if args.json:
        Path(args.json).write_text(
            json.dumps({"runs": args.runs, "load": [load0, load1], "cores": os.cpu_count(), "files": rows, "formats": summary},
                       ensure_ascii=False, indent=2),
            encoding="utf-8",
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
