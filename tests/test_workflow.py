"""The CLI in real workflows: CI formats, fixes that keep the file's bytes, encodings, many
reports in parallel, the cache, baselines, excludes, pre-commit."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import CORPUS, needs_corpus, ROOT, corpus_files

SCHEMA = ROOT.parent / "shared" / "schemas" / "sarif-schema-2.1.0.json"
BUNDLED_SCHEMA = ROOT / "tests" / "data" / "sarif-schema-2.1.0.json"


def run(*args, cwd=None, stdin: bytes | None = None, env=None):
    proc = subprocess.run(
        [sys.executable, "-m", "xxgk_lint.linter", *args],
        input=stdin,
        capture_output=True,
        cwd=cwd,
        timeout=300,
        env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})},
    )
    return proc.returncode, proc.stdout.decode("utf-8"), proc.stderr.decode("utf-8")


def report(prefix: str) -> Path:
    return next(p for p in corpus_files() if p.name.startswith(prefix))


# -- formats -------------------------------------------------------------------------------


@needs_corpus
def test_sarif_validates_against_the_official_schema(tmp_path):
    import jsonschema

    schema_path = SCHEMA if SCHEMA.exists() else BUNDLED_SCHEMA
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    out = tmp_path / "out.sarif"
    code, _, err = run("check", "--isolated", "--no-cache", "--format", "sarif", "--output-file", str(out), str(CORPUS))
    assert code == 1, err
    log = json.loads(out.read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(schema).validate(log)
    run0 = log["runs"][0]
    rules = {r["id"] for r in run0["tool"]["driver"]["rules"]}
    assert {"XG201", "XG301"} <= rules
    assert all(r["help"]["text"] for r in run0["tool"]["driver"]["rules"])
    results = run0["results"]
    assert any(r["ruleId"] == "XG204" and r.get("relatedLocations") for r in results)
    assert any(r.get("fixes") for r in results)


def test_github_annotations():
    code, out, _ = run("check", "--isolated", "--no-cache", "--format", "github", str(report("002_")))
    assert code == 1
    line = next(l for l in out.splitlines() if "XG301" in l)
    assert line.startswith("::error file=") and ",line=147,col=1," in line and "::第三部分表格" in line


@needs_corpus
def test_junit_one_case_per_report(tmp_path):
    import xml.etree.ElementTree as ET

    code, out, _ = run("check", "--isolated", "--no-cache", "--format", "junit", str(CORPUS))
    root = ET.fromstring(out)
    cases = root.findall(".//testcase")
    # the reports, and the originals' PDFs and Word file (a folder walk reads documents too)
    documents = [p for p in (CORPUS / "originals").glob("*") if p.suffix in (".pdf", ".docx")]
    assert len(cases) == len(corpus_files()) + len(documents)
    failed = {c.get("name").rsplit("/", 1)[-1][:3] for c in cases if c.find("failure") is not None}
    assert {"001", "002", "004", "102", "105"} <= failed
    assert "003" not in failed


def test_statistics_and_concise():
    code, out, _ = run("check", "--isolated", "--no-cache", "--format", "concise", "--statistics", str(report("001_")))
    assert "XG803" in out
    assert any(l.split()[:2] == ["5", "XG803"] for l in out.splitlines())


# -- fixes -----------------------------------------------------------------------------------

BROKEN = "一、总体情\n统计期限为20211月1日至202112月31日。\n二、主动公开政府信息情况\n"
FIXED = "一、总体情况\n统计期限为2021年1月1日至2021年12月31日。\n二、主动公开政府信息情况\n"


@pytest.mark.parametrize(
    "encoding,bom,newline",
    [("utf-8", b"", "\n"), ("utf-8", b"\xef\xbb\xbf", "\r\n"), ("gb18030", b"", "\r\n"), ("gb18030", b"", "\n")],
)
def test_fix_round_trip_keeps_encoding_bom_and_line_endings(tmp_path, encoding, bom, newline):
    f = tmp_path / "report.txt"
    f.write_bytes(bom + BROKEN.replace("\n", newline).encode(encoding))
    os.chmod(f, 0o640)
    code, out, err = run("check", "--isolated", "--no-cache", "--fix", str(f))
    assert "Traceback" not in err
    data = f.read_bytes()
    assert data == bom + FIXED.replace("\n", newline).encode(encoding)
    assert (f.stat().st_mode & 0o777) == 0o640
    # idempotent: a second --fix changes nothing
    run("check", "--isolated", "--no-cache", "--fix", str(f))
    assert f.read_bytes() == data
    assert not [p for p in tmp_path.iterdir() if p.name != "report.txt"], "temporary files left behind"


def test_diff_shows_and_does_not_write(tmp_path):
    f = tmp_path / "report.txt"
    f.write_text(BROKEN, encoding="utf-8")
    code, out, _ = run("check", "--isolated", "--no-cache", "--diff", str(f))
    assert code == 1
    assert "-一、总体情\n" in out and "+一、总体情况\n" in out and "+统计期限为2021年1月1日" in out
    assert "XG107" not in out  # --diff shows the changes only
    assert f.read_text(encoding="utf-8") == BROKEN


def test_unsafe_fixes_need_the_flag(tmp_path):
    f = tmp_path / "report.txt"
    text = "一、总体情况\n二、主动公开政府信息情况\n三、收到和处理政府信息公开申请情况\n五、其他需要报告的事项\n"
    f.write_text(text, encoding="utf-8")
    run("check", "--isolated", "--no-cache", "--fix", str(f))
    assert f.read_text(encoding="utf-8") == text  # renumbering is an unsafe fix
    run("check", "--isolated", "--no-cache", "--fix", "--unsafe-fixes", str(f))
    assert "六、其他需要报告的事项" in f.read_text(encoding="utf-8")


def test_crlf_gives_the_same_findings(tmp_path):
    src = report("001_")
    lf = json.loads(run("check", "--isolated", "--no-cache", "--format", "json", str(src))[1])
    crlf = tmp_path / src.name
    crlf.write_bytes(src.read_bytes().replace(b"\n", b"\r\n"))
    got = json.loads(run("check", "--isolated", "--no-cache", "--format", "json", str(crlf))[1])
    strip = lambda ds: [{k: v for k, v in d.items() if k != "path"} for d in ds]
    assert strip(got) == strip(lf)


def test_big_file_answers_within_seconds(tmp_path):
    big = tmp_path / "big.txt"
    text = report("004_").read_text(encoding="utf-8")
    big.write_text(text * (10 * 1024 * 1024 // len(text.encode("utf-8")) + 1), encoding="utf-8")
    import time

    t0 = time.monotonic()
    code, out, err = run("check", "--isolated", "--no-cache", "--format", "json", str(big))
    assert code in (0, 1) and "Traceback" not in err
    assert time.monotonic() - t0 < 120


# -- many reports ----------------------------------------------------------------------------


def make_folder(tmp_path: Path, copies: int = 3) -> Path:
    folder = tmp_path / "reports"
    for k in range(copies):
        d = folder / f"batch{k}"
        d.mkdir(parents=True)
        for p in corpus_files():
            shutil.copy(p, d / p.name)
    return folder


def test_parallel_equals_serial_and_cache(tmp_path):
    folder = make_folder(tmp_path)
    serial = run("check", "--isolated", "--no-cache", "--jobs", "1", "--format", "json", str(folder))
    parallel = run("check", "--isolated", "--no-cache", "--jobs", "2", "--format", "json", str(folder))
    assert serial[0] == parallel[0] == 1
    assert serial[1] == parallel[1]
    cold = run("check", "--isolated", "--format", "json", str(folder), cwd=tmp_path)
    assert (tmp_path / ".xxgk-lint-cache").is_dir()
    warm = run("check", "--isolated", "--format", "json", str(folder), cwd=tmp_path)
    assert cold[1] == warm[1] == serial[1]
    # findings read back from the cache are the same in every format
    for args in (["--format", "concise", "--statistics"], ["--format", "sarif"], ["--format", "json", "--fail-level", "info"]):
        fresh = run("check", "--isolated", "--no-cache", *args, str(folder), cwd=tmp_path)
        cached = run("check", "--isolated", *args, str(folder), cwd=tmp_path)
        assert cached[:2] == fresh[:2], args
    # a changed file is linted again
    target = folder / "batch0" / report("003_").name
    target.write_text(target.read_text(encoding="utf-8").replace("27 |", "28 |", 1), encoding="utf-8")
    changed = json.loads(run("check", "--isolated", "--format", "json", str(folder), cwd=tmp_path)[1])
    assert any(d["rule"] == "XG201" and d["path"] == str(target) for d in changed)


@pytest.mark.parametrize("fork", [True, False], ids=["forked-workers", "executor-workers"])
def test_parallel_runs_fill_and_use_the_cache(tmp_path, fork):
    """Forked workers read, hash and look up files themselves; other workers get them from
    the parent. Either way: the findings of a serial run, and files touched without a change
    are known by content and get their new mtime recorded."""
    folder = make_folder(tmp_path)
    files = sorted(folder.rglob("*.*"))
    hour_ago = os.stat(files[0]).st_mtime - 3600
    for f in files:  # older than their reading: the cache records their size and mtime
        os.utime(f, (hour_ago, hour_ago))
    env = {} if fork else {"XXGK_LINT_NO_FORK": "1"}
    serial = run("check", "--isolated", "--no-cache", "--jobs", "1", "--format", "json", str(folder))
    cold = run("check", "--isolated", "--jobs", "2", "--format", "json", str(folder), cwd=tmp_path, env=env)
    assert all(e[2] == os.stat(p).st_mtime_ns for p, e in _cache_entries(tmp_path).items())
    for f in files:  # touched: same bytes, another mtime
        os.utime(f, (hour_ago - 60, hour_ago - 60))
    touched = run("check", "--isolated", "--jobs", "2", "--format", "json", str(folder), cwd=tmp_path, env=env)
    entries = _cache_entries(tmp_path)
    assert len(entries) == len(files) and all(e[2] == os.stat(p).st_mtime_ns for p, e in entries.items())
    assert all(e[0] == hashlib.sha256(Path(p).read_bytes()).hexdigest() for p, e in entries.items())
    warm = run("check", "--isolated", "--jobs", "2", "--format", "json", str(folder), cwd=tmp_path, env=env)
    assert serial[0] == cold[0] == touched[0] == warm[0] == 1
    assert serial[1] == cold[1] == touched[1] == warm[1]
    text = run("check", "--isolated", "--jobs", "2", str(folder), cwd=tmp_path, env=env)  # code frames
    assert text[1] == run("check", "--isolated", "--no-cache", "--jobs", "1", str(folder))[1]


def test_an_unreadable_file_in_a_parallel_run(tmp_path):
    """Workers read the files themselves: one that cannot be read is reported (exit 2) and the
    others are linted, the same as a serial run."""
    folder = make_folder(tmp_path, copies=1)
    (folder / "batch0" / "gone.txt").symlink_to(tmp_path / "nowhere.txt")
    serial = run("check", "--isolated", "--no-cache", "--jobs", "1", "--format", "json", str(folder))
    parallel = run("check", "--isolated", "--no-cache", "--jobs", "2", "--format", "json", str(folder))
    assert serial[0] == parallel[0] == 2
    assert serial[1] == parallel[1] and json.loads(parallel[1])
    assert "gone.txt" in parallel[2] and "Traceback" not in parallel[2]


def _cache_entries(tmp_path: Path) -> dict:
    (cache,) = [f for f in (tmp_path / ".xxgk-lint-cache").glob("*.cache") if f.stat().st_size > 1]
    return json.loads(cache.read_bytes().partition(b"\n")[0])["files"]


def test_cache_trusts_size_and_mtime_only_of_files_older_than_their_reading(tmp_path):
    folder = tmp_path / "reports"
    folder.mkdir()
    old, fresh = folder / report("003_").name, folder / report("002_").name
    shutil.copy(report("003_"), old)
    shutil.copy(report("002_"), fresh)
    hour_ago = os.stat(old).st_mtime - 3600
    os.utime(old, (hour_ago, hour_ago))
    first = run("check", "--isolated", "--format", "json", str(folder), cwd=tmp_path)
    entries = _cache_entries(tmp_path)
    # [content hash, size, mtime, skipped, findings]: a file written just now may still change
    # within the same timestamp tick, so only the old file's stat is recorded
    assert entries[str(old)][2] == os.stat(old).st_mtime_ns and entries[str(old)][1] == old.stat().st_size
    assert entries[str(fresh)][1:3] == [0, 0]
    # same size, new content, new mtime: read and linted again
    text = old.read_text(encoding="utf-8")
    assert "27 |" in text
    old.write_text(text.replace("27 |", "28 |", 1), encoding="utf-8")
    os.utime(old, (hour_ago - 60, hour_ago - 60))
    changed = json.loads(run("check", "--isolated", "--format", "json", str(folder), cwd=tmp_path)[1])
    assert any(d["rule"] == "XG201" and d["path"] == str(old) for d in changed)
    # touched only (same bytes, new mtime): the content hash still matches, the mtime is updated
    old.write_text(text, encoding="utf-8")
    run("check", "--isolated", "--format", "json", str(folder), cwd=tmp_path)
    os.utime(old, (hour_ago - 120, hour_ago - 120))
    again = run("check", "--isolated", "--format", "json", str(folder), cwd=tmp_path)
    assert again[1] == first[1]
    assert _cache_entries(tmp_path)[str(old)][2] == os.stat(old).st_mtime_ns
    # cache files the cache wrote itself (its signed MANIFEST lists them) that are unused for a
    # month are removed when the cache is written; files it did not write never are, whatever
    # their names (an older format's, a killed run's temporary file, or a repository's own)
    cache_dir = tmp_path / ".xxgk-lint-cache"
    ours = set(cache_dir.glob("v*.cache"))
    run("check", "--isolated", "--select", "XG3", "--format", "json", str(folder), cwd=tmp_path)  # another key
    (stale,) = set(cache_dir.glob("v*.cache")) - ours
    os.utime(stale, (hour_ago - 40 * 86400, hour_ago - 40 * 86400))
    (cache_dir / "v1-0123abcd.json").write_text("{}", encoding="utf-8")
    (recent := cache_dir / f"{stale.name[:3]}cafebabe.cache").write_text("x", encoding="utf-8")
    (old_foreign := cache_dir / f"{stale.name[:3]}deadbeef.cache").write_text("x", encoding="utf-8")
    os.utime(old_foreign, (hour_ago - 40 * 86400, hour_ago - 40 * 86400))
    (left_over := cache_dir / ".v5-0badcafe.cache.123.tmp").write_text("x", encoding="utf-8")  # a killed run's
    os.utime(left_over, (hour_ago - 60, hour_ago - 60))
    (writing := cache_dir / ".v5-0badcafe.cache.456.tmp").write_text("x", encoding="utf-8")  # another run's, now
    # a warm run that did not read a file still prints its code frames (read when needed)
    os.utime(fresh, (hour_ago, hour_ago))
    run("check", "--isolated", "--format", "json", str(folder), cwd=tmp_path)
    assert _cache_entries(tmp_path)[str(fresh)][2] == os.stat(fresh).st_mtime_ns
    finding = next(d for d in json.loads(first[1]) if d["path"] == str(fresh) and d["rule"] == "XG301")
    source_line = fresh.read_text(encoding="utf-8").split("\n")[finding["line"] - 1]
    code, out, _ = run("check", "--isolated", str(fresh), cwd=tmp_path)
    assert code == 1 and f"{finding['line']} | {source_line}" in out
    assert not stale.exists() and ours <= set(cache_dir.glob("v*.cache"))
    assert recent.exists() and old_foreign.exists() and (cache_dir / "v1-0123abcd.json").exists()
    assert writing.exists() and left_over.exists()


def test_a_damaged_result_cache_is_linted_again(tmp_path):
    folder = make_folder(tmp_path, copies=1)
    fresh = run("check", "--isolated", "--no-cache", "--format", "json", str(folder), cwd=tmp_path)
    hour_ago = os.stat(folder).st_mtime - 3600
    for f in folder.rglob("*.*"):
        os.utime(f, (hour_ago, hour_ago))
    run("check", "--isolated", "--format", "json", str(folder), cwd=tmp_path)
    (cache,) = (tmp_path / ".xxgk-lint-cache").glob("*.cache")
    head, _, blob = cache.read_bytes().partition(b"\n")
    index = json.loads(head)
    first = next(iter(index["files"]))
    index["files"][first][4] = "oops"  # a wrong type
    for damaged in (blob.replace(b"\t", b" ", 3), blob.replace(b"error\t", b"fatal\t"), blob[: len(blob) // 2]):
        cache.write_bytes(json.dumps(index).encode() + b"\n" + damaged)
        again = run("check", "--isolated", "--format", "json", str(folder), cwd=tmp_path)
        assert again[:2] == fresh[:2] and "Traceback" not in again[2]
    cache.write_bytes(b"\x00\xff not a cache")
    assert run("check", "--isolated", "--format", "json", str(folder), cwd=tmp_path)[:2] == fresh[:2]


def test_json_findings_are_json_dumps_byte_for_byte():
    from xxgk_lint.linter.model.diagnostic import Diagnostic, Edit, Fix, Related
    from xxgk_lint.linter.checking.engine import Linter
    from xxgk_lint.linter.reading.source import Span

    linter = Linter()
    diags = []
    for p in corpus_files():
        diags.extend(linter.lint_text(p.read_text(encoding="utf-8"), str(p))[1])
    span = Span(1, 2, 3, 4)
    diags.append(
        Diagnostic("XG999", "typography", "warning", '引号"与\\反斜杠\t\u2028', span, 'a "b"\\c.txt',
                   Fix("改", (Edit(span, "“x”\n"),), "unsafe"), (Related(span, "𠀀"),), "name")
    )
    assert any(d.fix for d in diags) and any(d.related for d in diags)
    for d in diags:
        assert d.to_json() == json.dumps(d.to_dict(), ensure_ascii=False)


def test_excludes_from_config(tmp_path):
    folder = make_folder(tmp_path, copies=2)
    (folder / "xxgk-lint.toml").write_text('exclude = ["batch1/", "*_shanghai-*"]\n', encoding="utf-8")
    code, out, _ = run("check", "--no-cache", "--format", "json", str(folder))
    paths = {d["path"] for d in json.loads(out)}
    assert paths and all("batch0" in p and "shanghai" not in p for p in paths)


def test_baseline_reports_only_new_findings(tmp_path):
    folder = make_folder(tmp_path, copies=1)
    base = tmp_path / "baseline.json"
    code, out, err = run("check", "--isolated", "--no-cache", "--baseline", str(base), "--format", "json", str(folder))
    assert code == 0 and json.loads(out) == [] and base.exists()
    # moving text around does not bring old findings back
    f = folder / "batch0" / report("001_").name
    f.write_text("\n\n" + f.read_text(encoding="utf-8"), encoding="utf-8")
    code, out, _ = run("check", "--isolated", "--no-cache", "--baseline", str(base), "--format", "json", str(folder))
    assert code == 0 and json.loads(out) == []
    # a new problem is reported
    g = folder / "batch0" / report("003_").name
    g.write_text(g.read_text(encoding="utf-8").replace("一、总体情况", "一、总体情"), encoding="utf-8")
    code, out, _ = run("check", "--isolated", "--no-cache", "--baseline", str(base), "--format", "json", str(folder))
    assert [d["rule"] for d in json.loads(out)] == ["XG102"]


def test_unused_suppression_is_reported(tmp_path):
    f = tmp_path / "r.txt"
    f.write_text("<!-- xxgk-lint: disable-next-line=XG201 -->\n一、总体情况\n", encoding="utf-8")
    code, out, _ = run("check", "--isolated", "--no-cache", "--select", "XG0,XG2", "--format", "json", str(f))
    assert [d["rule"] for d in json.loads(out)] == ["XG001"]


# -- pre-commit ------------------------------------------------------------------------------


@pytest.mark.slow
def test_pre_commit_hook_blocks_errors_not_warnings(tmp_path):
    pre_commit = shutil.which("pre-commit") or str(Path(sys.executable).parent / "pre-commit")
    assert Path(pre_commit).exists(), "pre-commit is a test dependency (pip install '.[test]')"
    git = lambda *a, cwd: subprocess.run(["git", *a], cwd=cwd, check=True, capture_output=True)
    # this repository as the hook repository, at a commit that holds the working tree
    hooks = tmp_path / "hooks"
    shutil.copytree(ROOT, hooks, ignore=shutil.ignore_patterns(".git", "node_modules", ".ci-venv", ".xxgk-lint-cache", "*.vsix", "out", "out-test"))
    git("init", "-q", cwd=hooks)
    git("add", "-A", cwd=hooks)
    git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "hooks", cwd=hooks)
    rev = subprocess.run(["git", "rev-parse", "HEAD"], cwd=hooks, capture_output=True, text=True).stdout.strip()
    docs = tmp_path / "docs"
    docs.mkdir()
    git("init", "-q", cwd=docs)
    (docs / ".pre-commit-config.yaml").write_text(
        f"repos:\n- repo: {hooks}\n  rev: {rev}\n  hooks:\n  - id: xxgk-lint\n", encoding="utf-8"
    )
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pc-home")}
    env.pop("PYTHONPATH", None)
    # a report with only warnings passes, and so does a README that is no report
    shutil.copy(report("104_"), docs / "ok.txt")
    (docs / "README.md").write_text("# 年报仓库\n\n本仓库保存本单位历年年度报告。\n", encoding="utf-8")
    git("add", "-A", cwd=docs)
    ok = subprocess.run([pre_commit, "run", "--all-files"], cwd=docs, capture_output=True, text=True, env=env, timeout=900)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    # a report whose table does not add up is blocked
    shutil.copy(report("002_"), docs / "bad.txt")
    git("add", "-A", cwd=docs)
    bad = subprocess.run([pre_commit, "run", "--all-files"], cwd=docs, capture_output=True, text=True, env=env, timeout=900)
    assert bad.returncode == 1
    assert "XG301" in bad.stdout


def test_ctrl_c_in_a_parallel_run_ends_it_and_its_workers(tmp_path):
    """Ctrl-C reaches the whole process group: exit 130, no traceback, no worker left."""
    import signal
    import time

    folder = make_folder(tmp_path, copies=100)  # 1,200 reports: still linting after a moment
    proc = subprocess.Popen(
        [sys.executable, "-m", "xxgk_lint.linter", "check", "--isolated", "--no-cache", "--jobs", "2", "--quiet", str(folder)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    time.sleep(0.4)
    os.killpg(proc.pid, signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    if proc.returncode in (0, 1):
        pytest.skip("the run finished before Ctrl-C (a fast machine)")
    assert proc.returncode == 130 and b"Traceback" not in err, err.decode("utf-8", "replace")
    deadline = time.time() + 5
    while time.time() < deadline:
        try:
            os.killpg(proc.pid, 0)  # anyone left in the group?
        except ProcessLookupError:
            break
        time.sleep(0.1)
    else:
        pytest.fail("worker processes outlived the run")
