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
    assert all("（原文" in d["message"] for d in found)
    if name.endswith(".pdf"):
        assert any("页" in d["message"] for d in found)


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
