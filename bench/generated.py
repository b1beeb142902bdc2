"""Generated reports at scale: how right the reading is, and how fast, on reports that really differ.

    python bench/generated.py [--reports 1000] [--planted 300] [--speed-reports 1000] [--jobs 2]

Prints, for the text shapes of generator/render.py:
1. cells read right / read wrong / not read (and said so), per shape;
2. false findings per clean report (errors; warnings), per shape;
3. recall per planted category, per shape;
4. throughput: a folder of --speed-reports generated reports (every one different, shapes
   mixed, 5–25 KB) checked by the CLI with --no-cache, as reports/s (median of 3), with the load.
"""

from __future__ import annotations

import argparse
import collections
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from generator import harness, plant, render, report  # noqa: E402
from xxgk_lint.linter.checking.engine import Linter  # noqa: E402
from xxgk_lint.linter.parsing.builder import build  # noqa: E402

# a crawl's cells that cannot be split are said to be so: those findings are right, not false
CRAWL_SAYS = {"XG303", "XG210", "XG211"}


def _path(shape: str) -> str:
    return "r.md" if shape.startswith("markdown") else "r.txt"


def reading(n: int, linter: Linter) -> None:
    cells = collections.defaultdict(harness.CellScore)
    false_err = collections.Counter()
    false_warn = collections.Counter()
    examples: dict = {}
    for seed in range(n):
        r = report.generate(seed)
        for shape in render.SHAPES:
            text = render.render(r, shape)
            cells[shape].add(harness.score_cells(r, build(text, _path(shape))))
            for d in linter.lint_text(text, _path(shape))[1]:
                if d.severity == "info" or (shape == "crawl" and d.rule in CRAWL_SAYS and d.severity != "error"):
                    continue
                (false_err if d.severity == "error" else false_warn)[shape] += 1
                examples.setdefault((shape, d.rule), (seed, d.message[:90]))
    print(f"\n1. cells of {n} generated reports per shape (every cell of the three tables)")
    print(f"   {'shape':22}{'right':>9}{'wrong':>8}{'unread':>8}   false errors / warnings per clean report")
    for shape in render.SHAPES:
        s = cells[shape]
        print(f"   {shape:22}{s.right / s.total:9.4f}{s.wrong:8}{s.unread:8}   {false_err[shape] / n:.3f} / {false_warn[shape] / n:.3f}")
    total_false = sum(false_err.values())
    print(f"   all shapes: {total_false / (n * len(render.SHAPES)):.4f} false errors per clean report")
    for (shape, rule), (seed, msg) in sorted(examples.items())[:12]:
        print(f"     e.g. {shape} seed {seed} {rule}: {msg}")


def recall(n: int, linter: Linter) -> None:
    hit, tried = collections.Counter(), collections.Counter()
    for seed in range(n):
        base = report.generate(seed)
        for cat in plant.CATEGORIES:
            r = plant.plant(base, cat, random.Random(seed * 7 + 1))
            if r is None:
                continue
            for shape in render.SHAPES:
                rules = {d.rule for d in linter.lint_text(render.render(r, shape), _path(shape))[1]}
                tried[(cat, shape)] += 1
                hit[(cat, shape)] += plant.found(cat, rules)
    print(f"\n3. recall per planted category ({n} base reports; a crawl's arithmetic is often unreadable and says so)")
    print("   " + f"{'category':21}" + "".join(f"{s[:9]:>10}" for s in render.SHAPES))
    for cat in plant.CATEGORIES:
        row = "".join(f"{hit[(cat, s)] / tried[(cat, s)]:10.3f}" if tried[(cat, s)] else f"{'-':>10}" for s in render.SHAPES)
        print(f"   {cat:21}{row}")


def speed(n: int, jobs: int) -> None:
    rng = random.Random(99)
    with tempfile.TemporaryDirectory() as tmp:
        sizes = []
        for seed in range(n):
            r = report.generate(10_000 + seed)
            shape = rng.choice(render.SHAPES)
            text = render.render(r, shape)
            extra = rng.randint(0, 3)  # reports of 5–25 KB: some write far more prose
            if extra:
                r.problems += [p for p in r.problems for _ in range(extra * 3)]
                text = render.render(r, shape)
            p = Path(tmp) / f"{seed:05d}{'.md' if shape.startswith('markdown') else '.txt'}"
            p.write_text(text, encoding="utf-8")
            sizes.append(len(text.encode()))
        cmd = [sys.executable, "-m", "xxgk_lint.linter", "check", "--no-cache", "--isolated", "--jobs", str(jobs),
               "--format", "json", "-o", os.devnull, tmp]
        times = []
        for _ in range(3):
            t0 = time.perf_counter()
            subprocess.run(cmd, capture_output=True, check=False)
            times.append(time.perf_counter() - t0)
        med = statistics.median(times)
        print(f"\n4. {n} generated reports, all different (median {statistics.median(sizes) / 1024:.1f} KB, "
              f"{min(sizes) / 1024:.0f}–{max(sizes) / 1024:.0f} KB), check --no-cache --jobs {jobs}")
        print(f"   {n / med:.0f} reports/s (median of 3: {med:.2f} s; runs {', '.join(f'{t:.2f}' for t in times)}); "
              f"load {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--reports", type=int, default=300, help="clean reports for sections 1–2")
    ap.add_argument("--planted", type=int, default=100, help="base reports for the planted categories")
    ap.add_argument("--speed-reports", type=int, default=1000)
    ap.add_argument("--jobs", type=int, default=2)
    a = ap.parse_args()
    linter = Linter()
    print(f"xxgk-lint generated-report bench; load {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    if a.reports:
        reading(a.reports, linter)
    if a.planted:
        recall(a.planted, linter)
    if a.speed_reports:
        speed(a.speed_reports, a.jobs)


if __name__ == "__main__":
    main()
