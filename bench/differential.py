"""The findings of generated reports, saved and compared: proof that a change for speed alters no finding.

    python bench/differential.py --save before.json [--reports 400]
    (change the code)
    python bench/differential.py --compare before.json

Every shape of generator/render.py, clean reports and reports with each planted defect
(generator/plant.py), and the corpus's examples/: each linted in-process, its findings kept as
(rule, line, column, end, severity, message). --compare prints every report whose findings
differ and exits 1 if any does. Also prints the lint time of the whole set (median of 3), so
the same run says what the change bought.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from generator import plant, render, report  # noqa: E402
from xxgk_lint.linter.checking.engine import Linter  # noqa: E402


def texts(n: int) -> list[tuple[str, str, str]]:
    """(name, path, text) of the reports: n clean ones and n with a planted defect, shapes mixed."""
    out = []
    rng = random.Random(4242)
    cats = sorted(plant.EXPECTED)
    for i in range(n):
        shape = render.SHAPES[i % len(render.SHAPES)]
        path = "r.md" if shape.startswith("markdown") else "r.txt"
        r = report.generate(70_000 + i)
        out.append((f"clean-{i}-{shape}", path, render.render(r, shape, i)))
        cat = cats[i % len(cats)]
        planted = plant.plant(report.generate(80_000 + i), cat, random.Random(i))
        if planted is not None:
            out.append((f"{cat}-{i}-{shape}", path, render.render(planted, shape, rng.randrange(1 << 30))))
    for p in sorted((ROOT / "examples").glob("*.*")):
        if p.suffix in (".txt", ".md"):
            out.append((f"examples/{p.name}", p.name, p.read_text(encoding="utf-8")))
    return out


def findings(linter: Linter, items) -> dict[str, list]:
    out = {}
    for name, path, text in items:
        _, diags = linter.lint_text(text, path)
        out[name] = sorted([d.rule, d.span.line, d.span.column, d.span.end_line, d.span.end_column, d.severity, d.message] for d in diags)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--reports", type=int, default=400)
    g = ap.add_mutually_exclusive_group(required=True)
    g.add_argument("--save", type=Path)
    g.add_argument("--compare", type=Path)
    a = ap.parse_args()
    items = texts(a.reports)
    linter = Linter()
    got = findings(linter, items)
    times = []
    for _ in range(3):
        t0 = time.perf_counter()
        for _, path, text in items:
            linter.lint_text(text, path)
        times.append(time.perf_counter() - t0)
    med = statistics.median(times)
    import os

    print(f"{len(items)} reports, {sum(map(len, got.values()))} findings; lint {med * 1000 / len(items):.2f} ms a report "
          f"(median of 3, in-process; load {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs)")
    if a.save:
        a.save.write_text(json.dumps(got, ensure_ascii=False), encoding="utf-8")
        return 0
    before = json.loads(a.compare.read_text(encoding="utf-8"))
    differ = [k for k in sorted(set(before) | set(got)) if before.get(k) != got.get(k)]
    for k in differ[:20]:
        b, n = before.get(k) or [], got.get(k) or []
        print(f"  {k}: only before {[x for x in b if x not in n][:3]}; only now {[x for x in n if x not in b][:3]}")
    print(f"{len(differ)} of {len(got)} reports differ")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
