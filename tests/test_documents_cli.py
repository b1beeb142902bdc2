"""Documents through the command line: `check` reads PDF, Word and web pages (named or found
in a folder) with findings placed in the original, `--fix` leaves them alone and says so,
`parse` reads them, and `convert` gives a Markdown report that lints the same."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from .conftest import EXAMPLES, ROOT

DOCS = ROOT / "tests" / "data" / "documents"


def run(*args, cwd=None):
    p = subprocess.run([sys.executable, "-m", "xxgk_lint.linter", *map(str, args)], capture_output=True, timeout=180, cwd=cwd,
                       env={**os.environ, "XXGK_LINT_NO_DISK_CACHE": "1"})
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def rules(out: str) -> list[str]:
    return sorted(d["rule"] for d in json.loads(out))


@pytest.fixture(scope="module")
def text_rules():
    return rules(run("check", "--isolated", "--no-cache", "--format", "json", EXAMPLES / "defects.txt")[1])


@pytest.mark.parametrize("name", ["defects.pdf", "defects.docx", "defects.html"])
def test_a_document_lints_like_its_text_and_says_where(name, text_rules):
    code, out, err = run("check", "--isolated", "--no-cache", "--format", "json", DOCS / name)
    assert code == 1, err
    found = json.loads(out)
    assert rules(out) == text_rules
    # the place in the original is data (`origin`), not words added to the message
    assert all(d["origin"] for d in found) and not any("原文" in d["message"] for d in found)
    keys = {"pdf": {"page", "line", "bbox"}, "docx": {"paragraph"}, "html": {"line", "column"}}[name.rsplit(".", 1)[1]]
    assert any(set(d["origin"]) == keys for d in found)
    if name.endswith(".pdf"):
        assert all(d["origin"]["page"] >= 1 and len(d["origin"]["bbox"]) == 4 for d in found)
        cell = next(d for d in found if d["rule"] == "XG203")
        assert {"table", "row", "cell"} <= set(cell["origin"])
    if name.endswith(".docx"):
        cell = next(d for d in found if d["rule"] == "XG203")
        assert set(cell["origin"]) == {"table", "row", "cell"} and cell["origin"]["cell"] == 10


def test_text_json_has_no_origin_key():
    """Text and Markdown findings are where the file is: their JSON is as it was."""
    code, out, _ = run("check", "--isolated", "--no-cache", "--format", "json", EXAMPLES / "defects.md")
    assert code == 1 and '"origin"' not in out and json.loads(out)


def test_origin_survives_the_cache(tmp_path):
    """The result cache keeps the origins: a warm run prints the same JSON as the cold one."""
    for name in ("defects.pdf", "defects.docx", "defects.html"):
        (tmp_path / name).write_bytes((DOCS / name).read_bytes())
    env = {**os.environ, "XXGK_LINT_NO_DISK_CACHE": "1"}
    outs = []
    for _ in range(2):
        p = subprocess.run([sys.executable, "-m", "xxgk_lint.linter", "check", "--isolated", "--format", "json", "."],
                           capture_output=True, timeout=180, cwd=tmp_path, env=env)
        assert p.returncode == 1, p.stderr
        outs.append(p.stdout.decode("utf-8"))
    assert (tmp_path / ".xxgk-lint-cache").is_dir()
    assert outs[0] == outs[1] and outs[0].count('"origin"') >= 3 * 10
    # the text format makes the cached findings into Diagnostics again (Diagnostic.from_json)
    texts = []
    for cache in ([], ["--no-cache"]):
        p = subprocess.run([sys.executable, "-m", "xxgk_lint.linter", "check", "--isolated", *cache, "."],
                           capture_output=True, timeout=180, cwd=tmp_path, env=env)
        texts.append(p.stdout.decode("utf-8"))
    assert texts[0] == texts[1] and texts[0].count("= 原文位置：") >= 3 * 7 and "（原文第" in texts[0]


def test_text_format_shows_the_page_and_the_cell():
    code, out, _ = run("check", "--isolated", "--no-cache", DOCS / "defects.pdf")
    head = next(i for i, l in enumerate(out.splitlines()) if " XG203 " in l)
    lines = out.splitlines()
    assert lines[head].startswith(str(DOCS / "defects.pdf") + ":") and "原文" not in lines[head]  # path:line:col: kept
    assert lines[head + 1].startswith("  = 原文位置：第") and "页" in lines[head + 1] and "第10列" in lines[head + 1]
    # --fix leaves documents alone: nothing is offered as fixable by it
    assert " XG102 " in out and " [*] " not in out and "--fix" not in out
    related = next(l for l in lines if l.startswith("  = 相关位置 "))
    assert related.endswith("）") and "（原文第" in related
    code, out, _ = run("check", "--isolated", "--no-cache", "--format", "concise", DOCS / "defects.docx")
    line = next(l for l in out.splitlines() if " XG203 " in l)
    assert line.endswith("第10列）") and "（原文表2第" in line


def test_sarif_of_documents(tmp_path):
    import jsonschema

    schema_path = ROOT.parent / "shared" / "schemas" / "sarif-schema-2.1.0.json"
    if not schema_path.exists():
        schema_path = ROOT / "tests" / "data" / "sarif-schema-2.1.0.json"
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    for name in ("defects.pdf", "defects.docx", "defects.html"):
        (tmp_path / name).write_bytes((DOCS / name).read_bytes())
    code, out, err = run("check", "--isolated", "--no-cache", "--format", "sarif", ".", cwd=tmp_path)
    assert code == 1, err
    log = json.loads(out)
    jsonschema.Draft4Validator(schema).validate(log)
    results = log["runs"][0]["results"]
    by_file: dict = {}
    for r in results:
        by_file.setdefault(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].removeprefix("./"), []).append(r)
    assert set(by_file) == {"defects.pdf", "defects.docx", "defects.html"}
    assert all(r["properties"]["origin"] for r in results)
    assert not any(r.get("fixes") for r in results)  # edits of the report text: not the document's
    # PDF: the report text's region, with the page and box on the original
    for r in by_file["defects.pdf"]:
        region = r["locations"][0]["physicalLocation"]["region"]
        assert region["properties"]["page"] == r["properties"]["origin"]["page"] and len(region["properties"]["bbox"]) == 4
    # a web page: the region is in its HTML source, at the element
    source = (DOCS / "defects.html").read_text(encoding="utf-8").split("\n")
    for r in by_file["defects.html"]:
        region = r["locations"][0]["physicalLocation"]["region"]
        o = r["properties"]["origin"]
        assert (region["startLine"], region["startColumn"]) == (o["line"], o["column"])
        assert source[o["line"] - 1][o["column"] - 1] == "<"
    # Word: the cell in the properties
    xg203 = next(r for r in by_file["defects.docx"] if r["ruleId"] == "XG203")
    assert xg203["properties"]["origin"] == {"table": 2, "row": xg203["properties"]["origin"]["row"], "cell": 10}
    # related places carry theirs too
    related = [x for r in by_file["defects.pdf"] for x in r.get("relatedLocations", ())]
    assert related and all(x["properties"]["origin"]["page"] >= 1 for x in related)


def test_github_and_junit_name_the_place(tmp_path):
    code, out, _ = run("check", "--isolated", "--no-cache", "--format", "github", DOCS / "defects.html")
    source = (DOCS / "defects.html").read_text(encoding="utf-8").split("\n")
    line = next(l for l in out.splitlines() if "XG201" in l)
    at = int(line.split(",line=")[1].split(",")[0])
    assert source[at - 1].lstrip().startswith("<") and "（原文第" in line
    code, out, _ = run("check", "--isolated", "--no-cache", "--format", "junit", DOCS / "defects.pdf")
    assert code == 1 and "（原文第1页第" in out


def test_a_folder_walk_includes_documents(tmp_path):
    for name in ("clean.pdf", "clean.docx", "clean.html"):
        (tmp_path / name).write_bytes((DOCS / name).read_bytes())
    code, out, err = run("check", "--isolated", "--no-cache", "--format", "json", tmp_path)
    assert code == 0 and json.loads(out) == [], err


def test_fix_leaves_a_document_untouched_and_says_so(tmp_path):
    doc = tmp_path / "defects.docx"
    doc.write_bytes((DOCS / "defects.docx").read_bytes())
    before = doc.read_bytes()
    code, _, err = run("check", "--isolated", "--no-cache", "--fix", doc)
    assert code == 1 and doc.read_bytes() == before
    assert "不能自动修复" in err and "Traceback" not in err


@pytest.mark.parametrize("name", ["defects.pdf", "defects.docx", "defects.html"])
def test_convert_gives_a_markdown_report_that_lints_the_same(name, tmp_path, text_rules):
    out_md = tmp_path / "report.md"
    code, _, err = run("convert", DOCS / name, "-o", out_md)
    assert code == 0 and out_md.is_file(), err
    assert "| " in out_md.read_text(encoding="utf-8")  # tables as pipe tables
    assert rules(run("check", "--isolated", "--no-cache", "--format", "json", out_md)[1]) == text_rules


def test_parse_reads_a_document():
    code, out, err = run("parse", DOCS / "clean.docx")
    model = json.loads(out)
    assert code == 0 and model["tables"]["applications"]["cells"], err


@pytest.mark.parametrize("name", ["encrypted.pdf", "image-only.pdf", "corrupt.docx", "old-binary.doc"])
def test_a_bad_document_is_one_line_and_exit_2(name):
    code, out, err = run("check", "--isolated", "--no-cache", DOCS / name)
    lines = [l for l in err.splitlines() if l.strip()]
    assert code == 2 and "Traceback" not in err and lines and name in lines[0]
