"""Benchmark of `xxgk-lint audit`: reports per second with the local and the Ray engine, and
peak memory of the cross-agency index over a large generated collection.

    python bench/audit.py                      # 2,000 reports audited, 100,000 through the index
    python bench/audit.py --reports 500 --index 20000 --jobs 2 --no-ray

Part 1 writes a generated collection (generator/collection.py: counties with a government,
departments and a township over five years, planted carry-over breaks and copies) to a
temporary folder and runs `xxgk-lint audit --format json` on it with each engine, timing the
whole command (reading, linting, identification, cross-report rules); the two outputs must be
identical. Part 2, in a child process of its own, generates reports, keeps only the MinHash
signatures of their paragraphs (the texts are dropped as soon as they are sketched) and runs
the LSH blocking and verification of the shared-paragraph rule over them, printing the peak
resident memory of that process before and after the index.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
YEARS = (2020, 2021, 2022, 2023, 2024)
PER_COUNTY = dict(departments=8, townships=1)  # 10 agencies x 5 years = 50 reports a county


def counties(n_reports: int):
    """(seed, county) for enough counties to make about n_reports reports."""
    per = (1 + PER_COUNTY["departments"] + PER_COUNTY["townships"]) * len(YEARS)
    for k in range(max(1, -(-n_reports // per))):
        yield 1000 + k, f"示例{k:04d}县"


def generate(n_reports: int):
    from generator import collection

    made = 0
    for seed, county in counties(n_reports):
        for it in collection.build(seed=seed, county=county, years=YEARS, plant=True, **PER_COUNTY):
            if made >= n_reports:
                return
            made += 1
            yield it


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def part1(n: int, jobs: int, ray: bool) -> None:
    from generator import collection

    folder = Path(tempfile.mkdtemp(prefix="xxgk-audit-bench-"))
    try:
        items = list(generate(n))
        collection.write(items, folder)
        print(f"集合：{len(items)} 份生成的报告（{folder}）")
        outs = {}
        for engine in ("local", "ray") if ray else ("local",):
            cmd = [sys.executable, "-m", "xxgk_lint.linter", "audit", "--format", "json", "-q", "--isolated",
                   "--no-cache", "--jobs", str(jobs), "--engine", engine, str(folder)]
            t = time.perf_counter()
            proc = subprocess.run(cmd, capture_output=True, text=True)
            dt = time.perf_counter() - t
            if proc.returncode not in (0, 1):
                print(f"  {engine}: 失败（退出码 {proc.returncode}）：{proc.stderr.strip()[:500]}")
                continue
            outs[engine] = proc.stdout
            found = json.loads(proc.stdout)
            cross = sum(1 for d in found if d["rule"].startswith(("XG95", "XG96")))
            print(f"  {engine:5}  {dt:7.1f} s  {len(items) / dt:7.1f} 份/秒  （{jobs} 个进程；问题 {len(found)} 个，跨报告 {cross} 个）")
        if len(outs) == 2:
            print(f"  local 与 ray 的结果{'相同' if outs['local'] == outs['ray'] else '不同！'}")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _paragraphs(text: str):
    """The prose paragraphs of a generated report's text (table rows and headings left out)."""
    for line in text.split("\n"):
        s = line.strip()
        if len(s) >= 40 and not s.startswith(("|", "#", "┌", "│", "├", "└", "+")) and sum(c.isdigit() for c in s) < len(s) / 4:
            yield s


def part2(n: int) -> None:
    """(in a child process) n reports through the index."""
    from xxgk_lint.linter.audit import sketch
    from xxgk_lint.linter.audit.facts import MIN_SKETCH_CHARS, ReportFacts
    from xxgk_lint.linter.audit.identify import Report, normalise
    from xxgk_lint.linter.audit.kinds import Context, Shared
    from xxgk_lint.linter.audit.rules import all_rules

    base = rss_mb()
    t0 = time.perf_counter()
    reports = []
    paragraphs = 0
    for k, it in enumerate(generate(n)):
        sigs = []
        for j, p in enumerate(_paragraphs(it.text)):
            norm = sketch.normalise(p)
            if len(norm) >= MIN_SKETCH_CHARS:
                sigs.append((j, sketch.signature(norm, normalised=True)))
        paragraphs += len(sigs)
        f = ReportFacts(path=it.path, agency=it.report.agency.name, year=it.report.year, sketches=sigs)
        reports.append(Report(id=f"r{k}", facts=f, paths=[it.path], key=normalise(it.report.agency.name).key))
    t1 = time.perf_counter()
    sketched = rss_mb()
    shared = next(r.checker for r in all_rules() if isinstance(r.checker, Shared))
    before_peak = peak_mb()
    ctx = Context()
    kept, _ = shared.clusters(reports, ctx)
    t2 = time.perf_counter()
    print(f"索引：{len(reports)} 份报告，{paragraphs} 个段落签名（每个 {sketch.WIDTH} 字节）")
    print(f"  生成并计算签名 {t1 - t0:7.1f} s（{len(reports) / (t1 - t0):.0f} 份/秒）；分桶与核对 {t2 - t1:7.1f} s（{len(reports) / max(t2 - t1, 1e-9):.0f} 份/秒）")
    print(f"  常驻内存：开始 {base:.0f} MB，签名之后 {sketched:.0f} MB，索引峰值 {peak_mb():.0f} MB（索引之前的峰值 {before_peak:.0f} MB）")
    print(f"  核对后的跨机关相同段落 {len(kept)} 对，常见套话段落 {len(ctx.common)} 个")


def main() -> int:
    ap = argparse.ArgumentParser(description="xxgk-lint audit 的基准测试")
    ap.add_argument("--reports", type=int, default=2000, help="完整审核的报告数（默认 2000）")
    ap.add_argument("--index", type=int, default=100_000, help="只过索引的报告数（默认 100000；0 不做）")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--no-ray", action="store_true", help="不测 Ray 引擎")
    ap.add_argument("--part2-child", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.part2_child:
        part2(args.part2_child)
        return 0
    ray = not args.no_ray
    if ray:
        try:
            import ray as _  # noqa: F401
        except ImportError:
            print("未安装 Ray：只测本机引擎")
            ray = False
    if args.reports:
        part1(args.reports, args.jobs, ray)
    if args.index:
        subprocess.run([sys.executable, __file__, "--part2-child", str(args.index)], check=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
