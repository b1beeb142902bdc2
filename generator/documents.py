"""A generated report as the documents it is published in: a web page (HTML with the site's
chrome around the article and the tables as <table>s with rowspan/colspan), a Word file
(python-docx, the tables with merged cells as the official template has them, ruled or not),
and — through LibreOffice, when `soffice` is installed — a PDF of that Word file.

The merged cells are derived from the official grid of render.grids: a label or header cell
takes in the empty cells to its right and below it (the cells a merged cell covers), the way
the 〔2021〕30号 template draws them; `merged=False` writes every grid cell as its own cell
(what many sites and converters produce instead).
"""

from __future__ import annotations

import html
import random
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from . import render
from .report import Report

_NUMBER = re.compile(r"-?\d[\d,.]*")


def spans(grid: list[list[str]]) -> dict[tuple[int, int], tuple[int, int]]:
    """(row, col) -> (rowspan, colspan) of every cell that is written; the cells they cover
    are absent. Numbers never merge; a text cell takes in the empty cells to its right, then
    the rows below whose cells under it are empty (up to a row with a label of its own)."""
    nrows, ncols = len(grid), len(grid[0])
    covered: set[tuple[int, int]] = set()
    out: dict[tuple[int, int], tuple[int, int]] = {}

    def empty(r: int, c: int) -> bool:
        return not grid[r][c] and (r, c) not in covered

    for r in range(nrows):
        for c in range(ncols):
            if (r, c) in covered:
                continue
            text = grid[r][c]
            if not text or _NUMBER.fullmatch(text):
                out[(r, c)] = (1, 1)
                continue
            w = 1
            while c + w < ncols and empty(r, c + w):
                w += 1
            h = 1
            while r + h < nrows and all(empty(r + h, c + k) for k in range(w)) and not _starts_row(grid, covered, r + h, c):
                h += 1
            out[(r, c)] = (h, w)
            covered.update((r + i, c + k) for i in range(h) for k in range(w) if (i, k) != (0, 0))
    return out


def _starts_row(grid, covered, r: int, c: int) -> bool:
    """Whether row `r` of numbers has a label of its own left of column `c` (then a cell
    above does not reach down into it: (七)总计 stops at 四、结转下年度继续办理)."""
    if not any(_NUMBER.fullmatch(x) for x in grid[r]):
        return False  # a header row: the cells beside it are other headers
    return any(grid[r][k] and (r, k) not in covered for k in range(c))


def _paragraphs(r: Report, rng: random.Random):
    """("title" | "heading" | "subheading" | "p" | "table", content) in reading order."""
    yield "title", r.title
    yield "p", r.intro
    grids = render.grids(r, rng)
    for n in range(1, 7):
        if n in r.extra.get("drop_sections", ()):
            continue
        yield "heading", f"{'一二三四五六'[n - 1]}、{r.titles[n]}"
        if n == 1:
            for i, (sub, para) in enumerate(r.overview):
                yield "subheading", f"（{'一二三四五'[i]}）{sub}"
                yield "p", para
        elif n in grids:
            yield "table", grids[n]
        elif n == 5:
            yield from (("p", p) for p in r.problems)
        else:
            yield from (("p", p) for p in r.other)
    yield "signature", r.agency.name
    yield "signature", r.signature


def to_html(r: Report, seed: int | None = None, merged: bool = True) -> str:
    rng = random.Random(r.seed * 17 + 3 if seed is None else seed)
    e = html.escape
    body = []
    for kind, content in _paragraphs(r, rng):
        if kind == "title":
            body.append(f"<h1 class=\"title\">{e(content)}</h1>")
        elif kind == "heading":
            body.append(rng.choice([f"<h2>{e(content)}</h2>", f"<p><strong>{e(content)}</strong></p>"]))
        elif kind == "subheading":
            body.append(f"<p style=\"text-indent:2em\"><strong>{e(content)}</strong></p>")
        elif kind == "table":
            body.append(_html_table(content, merged))
        elif kind == "signature":
            body.append(f"<p style=\"text-align:right\">{e(content)}</p>")
        else:
            body.append(f"<p style=\"text-indent:2em\">{e(content)}</p>")
    return (
        "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
        f"<title>{e(r.title)}_{e(r.agency.region)}人民政府</title></head><body>\n"
        f"<div class=\"nav\"><a href=\"/\">首页</a> &gt; <a href=\"/zwgk/\">政务公开</a> &gt; 政府信息公开年报</div>\n"
        "<div class=\"tools\">字体：[<a>大</a> <a>中</a> <a>小</a>] <a>打印本页</a> <a>关闭窗口</a></div>\n"
        f"<div class=\"meta\">发布时间：{render._iso(r.signature)} 来源：{e(r.agency.name)}</div>\n"
        "<div class=\"article\">\n" + "\n".join(body) + "\n</div>\n"
        "<div class=\"share\">扫一扫在手机打开当前页</div>\n"
        "<div class=\"footer\">主办单位：" + e(r.agency.region) + "人民政府办公室 网站标识码：1234567890</div>\n"
        "</body></html>\n"
    )


def _html_table(grid: list[list[str]], merged: bool) -> str:
    e = html.escape
    sp = spans(grid) if merged else {(r, c): (1, 1) for r in range(len(grid)) for c in range(len(grid[0]))}
    rows = []
    for r, row in enumerate(grid):
        cells = []
        for c, text in enumerate(row):
            if (r, c) not in sp:
                continue
            h, w = sp[(r, c)]
            attrs = (f" rowspan=\"{h}\"" if h > 1 else "") + (f" colspan=\"{w}\"" if w > 1 else "")
            cells.append(f"<td{attrs}>{e(text)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return "<table border=\"1\" cellspacing=\"0\">\n" + "\n".join(rows) + "\n</table>"


def to_docx(r: Report, path: str | Path, seed: int | None = None, merged: bool = True, ruled: bool = True) -> Path:
    """The report as a Word file: headings and paragraphs, the tables as Word tables."""
    from docx import Document
    from docx.shared import Pt

    rng = random.Random(r.seed * 19 + 5 if seed is None else seed)
    doc = Document()
    for kind, content in _paragraphs(r, rng):
        if kind == "title":
            doc.add_heading(content, level=1)
        elif kind == "heading":
            p = doc.add_paragraph()
            p.add_run(content).bold = True
        elif kind == "subheading":
            p = doc.add_paragraph()
            p.add_run(content).bold = True
        elif kind == "table":
            grid = content
            table = doc.add_table(rows=len(grid), cols=len(grid[0]))
            if ruled:
                table.style = "Table Grid"
            sp = spans(grid) if merged else {}
            for (rr, cc), (h, w) in sp.items():
                if h > 1 or w > 1:
                    table.cell(rr, cc).merge(table.cell(rr + h - 1, cc + w - 1))
            for rr, row in enumerate(grid):
                for cc, text in enumerate(row):
                    if merged and (rr, cc) not in sp:
                        continue
                    cell = table.cell(rr, cc)
                    cell.text = text
                    for run in cell.paragraphs[0].runs:
                        run.font.size = Pt(9)
        else:
            doc.add_paragraph(content)
    path = Path(path)
    doc.save(str(path))
    return path


def to_pdf(docx_path: str | Path, out_dir: str | Path, timeout: float = 120) -> Path | None:
    """The Word file printed to PDF by LibreOffice (None when it is not installed)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        return None
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
             "--outdir", str(out_dir), str(docx_path)],
            capture_output=True, timeout=timeout, check=False,
        )
    pdf = Path(out_dir) / (Path(docx_path).stem + ".pdf")
    return pdf if pdf.exists() else None
