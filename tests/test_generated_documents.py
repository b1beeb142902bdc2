"""Generated reports published as documents (generator/documents.py): a web page with its
site chrome and merged <table> cells, a Word file with the official template's merged cells
(ruled, unruled, unmerged), and — where LibreOffice is installed — that Word file as PDF.
The readers must give back every generated cell, and a clean report no finding."""

from __future__ import annotations

import random
import shutil

import pytest

from generator import documents, harness, render, report
from generator.values import result_rows
from xxgk_lint.linter.checking.engine import Linter
from xxgk_lint.linter.parsing.builder import build
from xxgk_lint.linter.reading.documents import read_document

KINDS = ["html", "html-unmerged", "docx", "docx-unmerged", "docx-unruled"]


@pytest.fixture(scope="module")
def linter():
    return Linter()


def _write(r, kind: str, folder):
    if kind.startswith("html"):
        path = folder / f"{r.seed}-{kind}.html"
        path.write_text(documents.to_html(r, merged=kind == "html"), encoding="utf-8")
        return path
    return documents.to_docx(r, folder / f"{r.seed}-{kind}.docx", merged=kind != "docx-unmerged", ruled=kind != "docx-unruled")


@pytest.mark.parametrize("kind", KINDS)
def test_documents_read_back_every_cell_and_no_finding(kind, tmp_path, linter):
    total, false = harness.CellScore(), []
    for seed in range(12):
        r = report.generate(seed)
        path = _write(r, kind, tmp_path)
        text = read_document(str(path)).text
        total.add(harness.score_cells(r, build(text, str(path))))
        false += [(seed, d.rule, d.message) for d in linter.lint_text(text, str(path))[1] if d.severity != "info"]
    assert total.wrong == total.unread == 0, total.wrong_cells
    assert false == []


def test_merged_cells_follow_the_official_template():
    r = report.generate(1, year=2024)
    grids = render.grids(r, random.Random(0))
    sp = documents.spans(grids[3])
    assert sp[(0, 0)] == (3, 3)  # （本列数据的勾稽关系…） over three rows and the label columns
    assert sp[(0, 3)] == (1, 7)  # 申请人情况
    assert sp[(1, 3)] == (2, 1) and sp[(1, 9)] == (2, 1)  # 自然人, 总计
    group = next(k for k, row in enumerate(grids[3]) if row[0].startswith(("三、", "三,")))
    assert sp[(group, 0)][0] == len(result_rows("2021")) + 1  # 三、本年度办理结果 over the result rows and (七)
    four = documents.spans(grids[4])
    assert four[(0, 0)] == (2, 5) and four[(0, 5)] == (1, 10)


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
@pytest.mark.parametrize("ruled", [True, False], ids=["ruled", "unruled"])
def test_a_word_file_printed_to_pdf_reads_back(ruled, tmp_path, linter):
    for seed in range(2):
        r = report.generate(seed)
        pdf = documents.to_pdf(documents.to_docx(r, tmp_path / f"{seed}.docx", ruled=ruled), tmp_path)
        assert pdf is not None
        text = read_document(str(pdf)).text
        score = harness.score_cells(r, build(text, str(pdf)))
        assert score.wrong == score.unread == 0, score.wrong_cells
        assert [d.rule for d in linter.lint_text(text, str(pdf))[1] if d.severity == "error"] == []
