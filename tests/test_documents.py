"""Documents in: PDF, Word (.docx) and web pages (.html) read into report text with a source map
(linter/reading/documents.py, pdf.py, docx.py, html.py).

- the three real PDFs of the corpus give exactly the cells of their golden transcriptions
  (tests/golden/expected/10[123]_*.toml);
- the official Word template reads with the rows of its three tables in the official grid;
- the fixtures made from examples/ (tests/make_document_fixtures.py: .docx, .html with page
  chrome and rowspan/colspan, .pdf by LibreOffice) lint with the same findings and cells as
  the text they were made from;
- bad documents are one clear line each (ReadError), quickly;
- a finding's line maps back to the page, paragraph or table cell it came from.
"""

from __future__ import annotations

import io
import statistics
import sys
import time
import zipfile
from pathlib import Path

import pytest

from xxgk_lint.linter.parsing.builder import build
from xxgk_lint.linter.reading import documents
from xxgk_lint.linter.reading.documents import Converted, Origin, read_document, sniff
from xxgk_lint.linter.reading.source import Span
from xxgk_lint.linter.support import toml
from xxgk_lint.linter.support.errors import ReadError

from .conftest import CORPUS, EXAMPLES, HAVE_CORPUS, NO_CORPUS, ROOT

pytest.importorskip("pypdfium2")
pytest.importorskip("docx")
pytest.importorskip("lxml")

DATA = ROOT / "tests" / "data" / "documents"
EXPECTED = ROOT / "tests" / "golden" / "expected"
ORIGINALS = CORPUS / "originals"
PDFS = ["101_huaian-city-gov-2024", "102_hongze-district-gov-2023", "103_hongze-district-gov-2024"]
needs_corpus = pytest.mark.skipif(not HAVE_CORPUS, reason=NO_CORPUS)


def _cells(doc) -> dict:
    return {(key, row, col): c.value for key, t in doc.tables.items() for (row, col), c in t.cells.items()}


def _check_converted(c: Converted) -> None:
    """The invariants of every conversion."""
    assert c.text.endswith("\n") and "\r" not in c.text
    lines = c.text.split("\n")[:-1]
    assert len(c.origins) == len(lines) == len(c.cells)
    assert all(isinstance(o, Origin) for o in c.origins)
    for line, spans in zip(lines, c.cells):
        if spans:
            assert line.startswith("|") and line.endswith("|")
            assert spans[0][0] == 2 and spans[-1][1] == len(line) + 1


# ---------------------------------------------------------------------------------------------
# sniffing


def test_sniff_by_content_first():
    assert sniff(b"%PDF-1.7\n...", "report.txt") == "pdf"
    assert sniff(b"<!DOCTYPE html><html><body>x</body></html>", "a.txt") == "html"
    assert sniff(b"\xef\xbb\xbf<html><body>x</body></html>", "noext") == "html"
    assert sniff(b"  <table><tr><td>1</td></tr></table>", "x") == "html"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("word/document.xml", "<w:document/>")
    assert sniff(buf.getvalue(), "report.bin") == "docx"
    assert sniff("一、总体情况\n".encode(), "report.txt") is None
    assert sniff(b"plain", "page.htm") == "html"  # extension second
    assert sniff(documents.OLE_MAGIC + b"\0" * 100, "old.doc") is None
    # a text report that quotes HTML stays text; a whole page saved as .txt is a page
    md = "<!-- xxgk-lint: disable=XG301 -->\n# 报告\n<table><tr><td>1</td></tr></table>\n".encode()
    assert sniff(md, "draft.md") is None and sniff(md, "draft") == "html"
    assert sniff(b"<!DOCTYPE html>\n<html><body>x</body></html>", "saved.txt") == "html"
    for p in EXAMPLES.glob("*.*"):
        assert sniff(p.read_bytes(), p.name) is None, p.name


def test_reading_documents_imports_no_library():
    """Linting text pays nothing for the document readers' libraries."""
    import subprocess

    code = (
        "import sys; import xxgk_lint.linter.reading.documents; "
        "print(sorted(m for m in ('pypdfium2', 'docx', 'lxml', 'pdfplumber') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


# ---------------------------------------------------------------------------------------------
# (1) the real PDFs against the golden transcriptions


def _golden_mismatches(doc, expected) -> dict:
    report = {}
    for table in ("active", "applications", "review"):
        rows = expected.get(table, {})
        t = doc.tables.get(table)
        ok = total = 0
        problems = []
        for key, want in rows.items():
            got = []
            if t is not None:
                rt = t.template.row(key)
                for col in rt.columns:
                    cell = t.cell(key, col.key)
                    got.append(None if cell is None else ("blank" if cell.status == "blank" else cell.value))
            total += len(want)
            ok += sum(1 for i, w in enumerate(want) if i < len(got) and got[i] == w)
            if got != want:
                problems.append(f"{key}: got {got}, want {want}")
        report[table] = (ok, total, problems)
    return report


@needs_corpus
@pytest.mark.parametrize("stem", PDFS)
def test_real_pdf_cells_match_golden(stem):
    c = read_document(str(ORIGINALS / f"{stem}.pdf"))
    _check_converted(c)
    assert c.format == "pdf" and c.pages >= 5
    doc = build(c.text, f"{stem}.pdf")
    expected = toml.loads((EXPECTED / f"{stem}.toml").read_text(encoding="utf-8"))
    assert doc.format == expected["format"]
    report = _golden_mismatches(doc, expected)
    summary = "; ".join(f"{t}: {ok}/{total} cells" for t, (ok, total, _) in report.items())
    problems = [p for _, _, ps in report.values() for p in ps]
    assert not problems, summary + "\n" + "\n".join(problems)


@needs_corpus
@pytest.mark.parametrize("stem", PDFS)
def test_real_pdf_lints_like_its_text(stem, linter):
    """The PDF read here finds what the corpus's pdftotext copy of it finds."""
    c = read_document(str(ORIGINALS / f"{stem}.pdf"))
    _, from_pdf = linter.lint_text(c.text, f"{stem}.pdf")
    _, from_text = linter.lint_text((CORPUS / f"{stem}.txt").read_text(encoding="utf-8"), f"{stem}.txt")
    assert sorted(d.rule for d in from_pdf) == sorted(d.rule for d in from_text)


@needs_corpus
def test_real_pdf_source_map():
    c = read_document(str(ORIGINALS / "102_hongze-district-gov-2023.pdf"))
    lines = c.text.split("\n")
    # the row of table 四 (page 4): its 总计 of 行政复议 is the fifth cell
    n = next(i for i, line in enumerate(lines, 1) if line.startswith("| 10 | 1 | 0 |"))
    o = c.origins[n - 1]
    assert o.page == 4 and o.table is not None and o.bbox is not None
    starts = [i + 2 for i, ch in enumerate(lines[n - 1]) if ch == "|"][:-1]  # each cell's first column
    col = starts[4] + 1  # the 5th cell's value (after its padding space), 1-based
    assert lines[n - 1][col - 1] == "0"
    cell = c.origin(n, col)
    assert cell.cell == 5 and cell.page == 4 and cell.describe() == f"第4页第{o.line}行，表{cell.table}第{cell.row}行第5列"
    x0, top, x1, bottom = cell.bbox
    assert o.bbox[0] <= x0 < x1 <= o.bbox[2] and o.bbox[1] <= top < bottom <= o.bbox[3] + 0.01
    # a heading on page 1
    h = next(i for i, line in enumerate(lines, 1) if line == "一、总体情况")
    assert c.origins[h - 1].page == 1 and c.origins[h - 1].describe().startswith("第1页第")


# ---------------------------------------------------------------------------------------------
# (2) the official template (blank)


def _fill_blank_rows(text: str, doc) -> str:
    """The template's empty number cells filled with 0: the trailing cells of each row whose
    label is a template row, as many as the row has columns."""
    from xxgk_lint.linter.parsing import labels

    rows = {}
    for t in doc.tables.values():
        for rt in t.template.rows:
            rows.setdefault(labels.core(rt.label), len(rt.columns))
    out = []
    for line in text.split("\n"):
        if line.startswith("|"):
            cells = [c.strip() for c in line[1:-1].split("|")]
            named = [labels.core(c) for c in cells if c]
            n = next((rows[k] for k in reversed(named) if k in rows), 0)
            if n and all(not c for c in cells[-n:]):
                cells[-n:] = ["0"] * n
                line = "| " + " | ".join(cells) + " |"
        out.append(line)
    return "\n".join(out)


@needs_corpus
def test_official_template_docx():
    c = read_document(str(ORIGINALS / "official-template-2021.docx"))
    _check_converted(c)
    assert c.format == "docx"
    doc = build(c.text, "template.docx")
    assert [s.number for s in doc.sections] == [1, 2, 3, 4, 5, 6]
    assert set(doc.tables) == {"active", "applications", "review"}
    assert not _cells(doc)  # blank
    # every template row label is a cell of a pipe row
    from xxgk_lint.linter.parsing import labels

    cells = [labels.core(x) for line in c.text.split("\n") if line.startswith("|") for x in line[1:-1].split("|") if x.strip()]
    for t in doc.tables.values():
        for rt in t.template.rows:
            if t.key == "review" or rt.optional:
                continue  # table 四's rows are groups of columns, not labelled rows
            assert labels.core(rt.label) in cells, rt.label
    # with zeros in the empty cells, every row of the three tables is read in the official grid
    filled = build(_fill_blank_rows(c.text, doc), "template.docx")
    for key, t in filled.tables.items():
        if key == "review":
            continue
        want = {(rt.key, col.key) for rt in t.template.rows if not rt.optional for col in rt.columns}
        got = {(r, col) for (r, col), cell in t.cells.items() if cell.value == 0}
        assert want <= got, f"{key}: rows not read: {sorted({r for r, _ in want - got})}"
    # the merged header cells are written once
    assert c.text.count("申请人情况") == 1 and c.text.count("本年度办理结果") == 1
    assert c.origin(c.text.split("\n").index("| 规章 | | | |") + 1).describe() == "表1第3行"


# ---------------------------------------------------------------------------------------------
# (3) the fixtures made from examples/


FIXTURES = [(name, ext) for name in ("clean", "defects") for ext in ("docx", "html", "pdf")]


@pytest.mark.parametrize("name,ext", FIXTURES, ids=[f"{n}.{e}" for n, e in FIXTURES])
def test_fixture_lints_like_its_text(name, ext, linter):
    path = DATA / f"{name}.{ext}"
    c = read_document(str(path))
    _check_converted(c)
    assert c.format == ext
    source = (EXAMPLES / f"{name}.txt").read_text(encoding="utf-8")
    want_doc, want = linter.lint_text(source, f"{name}.txt")
    got_doc, got = linter.lint_text(c.text, path.name)
    assert sorted(d.rule for d in got) == sorted(d.rule for d in want)
    assert _cells(got_doc) == _cells(want_doc)
    assert len(_cells(got_doc)) == 10 + 25 * 7 + 15


def test_html_fixture_leaves_the_page_chrome_out():
    c = read_document(str(DATA / "clean.html"))
    first = c.text.split("\n")[0]
    assert first == "示例县统计局2024年政府信息公开工作年度报告"  # the title block outside the article
    for chrome in ("字体", "扫一扫", "打印本页", "关闭窗口", "分享到", "当前位置", "首页", "版权所有", "统计代码", "网站标识码", "发布时间"):
        assert chrome not in c.text, chrome
    # rowspan/colspan: written once, the covered positions empty, the grid kept
    assert c.text.count("三、本年度办理结果") == 1
    row = next(line for line in c.text.split("\n") if "2.其他法律行政法规禁止公开" in line)
    assert row.startswith("| | | 2.其他法律行政法规禁止公开 |") and row.count("|") == 11


def test_docx_fixture_merged_cells():
    c = read_document(str(DATA / "clean.docx"))
    lines = c.text.split("\n")
    assert c.text.count("申请人情况") == 1 and c.text.count("本年度办理结果") == 1
    header = next(line for line in lines if "申请人情况" in line)
    assert header.count("|") == 11  # the 10 grid columns kept, the merged ones empty
    assert "| 第二十条第（一）项 | | | |" in lines


# ---------------------------------------------------------------------------------------------
# (5) the source map


def test_source_map_docx_cell(linter):
    c = read_document(str(DATA / "defects.docx"))
    _, diags = linter.lint_text(c.text, "defects.docx")
    by_rule = {d.rule: d for d in diags}
    # XG203: the 总计 column of (七)总计 in table 三 = the Word document's table 2
    d = by_rule["XG203"]
    o = c.origin(d.span.line, d.span.column)
    assert (o.table, o.cell) == (2, 10) and o.describe() == f"表2第{o.row}行第10列"
    line = c.text.split("\n")[d.span.line - 1]
    assert "（七）总计" in line
    # XG201: the 总计 of row (一)予以公开
    d = by_rule["XG201"]
    o = c.origin(d.span.line, d.span.column)
    assert o.table == 2 and o.cell == 10 and "（一）予以公开" in c.text.split("\n")[d.span.line - 1]
    # prose: a paragraph
    o = c.origin(by_rule["XG102"].span.line)
    assert o.paragraph is not None and o.describe() == f"第{o.paragraph}段"
    assert o.to_dict() == {"paragraph": o.paragraph}


def test_source_map_html_and_pdf(linter):
    c = read_document(str(DATA / "defects.html"))
    source = (DATA / "defects.html").read_text(encoding="utf-8").split("\n")
    _, diags = linter.lint_text(c.text, "defects.html")
    d = next(d for d in diags if d.rule == "XG201")
    o = c.origin(d.span.line, d.span.column)
    assert o.line and o.column and source[o.line - 1][o.column - 1 :].startswith("<td")
    assert o.describe() == f"第{o.line}行第{o.column}列"
    d = next(d for d in diags if d.rule == "XG102")
    o = c.origin(d.span.line)
    assert "总体情" in source[o.line - 1][o.column - 1 :]

    c = read_document(str(DATA / "defects.pdf"))
    _, diags = linter.lint_text(c.text, "defects.pdf")
    d = next(d for d in diags if d.rule == "XG203")
    o = c.origin(d.span.line, d.span.column)
    assert o.page is not None and o.cell == 10 and o.bbox and o.describe().endswith("第10列")
    assert set(o.to_dict()) == {"page", "line", "table", "row", "cell", "bbox"}


# ---------------------------------------------------------------------------------------------
# (4) bad documents


def _tiny_pdf(pages: int) -> bytes:
    """A valid PDF of empty pages (no text)."""
    objs = ["<< /Type /Catalog /Pages 2 0 R >>", f"<< /Type /Pages /Kids [{' '.join(f'{3 + i} 0 R' for i in range(pages))}] /Count {pages} >>"]
    objs += ["<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"] * pages
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n{body}\nendobj\n".encode()
    xref = len(out)
    out += f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{o:010d} 00000 n \n" for o in offsets).encode()
    out += f"trailer\n<< /Size {len(objs) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def _zip_not_docx() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("hello.txt", "hi")
    return buf.getvalue()


BAD = [
    ("encrypted.pdf", None, "PDF 已加密，无法读取文字"),
    ("image-only.pdf", None, "PDF 没有文字层（可能是扫描件），请先用 OCR 转换，如 ocrmypdf"),
    ("corrupt.docx", None, ".docx 文件已损坏"),
    ("old-binary.doc", None, "这是旧版 Word/WPS 二进制文件"),
    ("report.wps", documents.OLE_MAGIC + b"\0" * 600, "请另存为 .docx"),
    ("empty-pages.pdf", _tiny_pdf(3), "PDF 没有文字层"),
    ("many-pages.pdf", _tiny_pdf(documents.MAX_PAGES + 1), f"超过 {documents.MAX_PAGES} 页的上限"),
    ("garbage.pdf", b"%PDF-1.4\n" + bytes(range(256)) * 20, "PDF 已损坏或格式无效"),
    ("not-word.docx", _zip_not_docx(), "不是 Word 文档"),
    ("text.docx", "一、总体情况".encode(), "不是有效的 .docx 文件"),
    ("huge.html", b"<html><body>" + b"x" * (documents.MAX_HTML_BYTES + 1), "网页文件过大"),
    ("empty.html", b"<html><body><script>x</script></body></html>", "网页里没有找到正文文字"),
]


@pytest.mark.parametrize("name,data,message", BAD, ids=[b[0] for b in BAD])
def test_bad_document_is_one_clear_line(name, data, message):
    path = DATA / name if data is None else Path(name)
    start = time.perf_counter()
    with pytest.raises(ReadError) as info:
        read_document(str(path), data)
    elapsed = time.perf_counter() - start
    text = str(info.value)
    assert "\n" not in text and message in text, text
    assert text.startswith(f"{path}：")
    assert elapsed < 5, f"{elapsed:.1f} s"


def test_bad_file_is_named(tmp_path):
    with pytest.raises(ReadError, match="文件不存在"):
        read_document(str(tmp_path / "nothing.pdf"))


# ---------------------------------------------------------------------------------------------
# speed (printed, not asserted)


def _median_ms(fn, n=5) -> float:
    times = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000


def test_speed(capsys):
    from xxgk_lint.linter.reading import pdf

    rows = []
    engines = ["pdfium"]
    import importlib.util

    if importlib.util.find_spec("pdfplumber") is not None:  # the reference engine, not a dependency
        engines.append("pdfplumber")
    else:
        rows.append("pdfplumber not installed: only pypdfium2 measured")
    pdfs = [ORIGINALS / f"{s}.pdf" for s in PDFS] if HAVE_CORPUS else []
    for p in pdfs + [DATA / "clean.pdf"]:
        data = p.read_bytes()
        for engine in engines:
            ms = _median_ms(lambda: pdf.read_pdf(data, p.name, engine=engine))
            rows.append(f"{p.name:40s} {engine:10s} {ms:8.1f} ms")
    for p in [DATA / "clean.docx", DATA / "clean.html"] + ([ORIGINALS / "official-template-2021.docx"] if HAVE_CORPUS else []):
        data = p.read_bytes()
        ms = _median_ms(lambda: read_document(str(p), data))
        rows.append(f"{p.name:40s} {p.suffix[1:]:10s} {ms:8.1f} ms")
    with capsys.disabled():
        print("\nread time per document (median of 5):")
        for r in rows:
            print("  " + r)


# ---------------------------------------------------------------------------------------------
# Word details: automatic numbering, soft breaks, deleted text, gridBefore and vMerge


def _docx(body: str, numbering: str | None = None) -> bytes:
    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    rels = '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    doc_rels = rels
    types = (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    )
    if numbering:
        types += '<Override PartName="/word/numbering.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"/>'
        doc_rels += '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering" Target="numbering.xml"/>'
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", types + "</Types>")
        z.writestr("_rels/.rels", rels + '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>')
        z.writestr("word/_rels/document.xml.rels", doc_rels + "</Relationships>")
        z.writestr("word/document.xml", f"<w:document {w}><w:body>{body}</w:body></w:document>")
        if numbering:
            z.writestr("word/numbering.xml", f"<w:numbering {w}>{numbering}</w:numbering>")
    return buf.getvalue()


def _p(text: str, num: tuple | None = None) -> str:
    ppr = f'<w:pPr><w:numPr><w:ilvl w:val="{num[1]}"/><w:numId w:val="{num[0]}"/></w:numPr></w:pPr>' if num else ""
    return f"<w:p>{ppr}<w:r><w:t>{text}</w:t></w:r></w:p>"


def test_docx_numbering_breaks_and_merges():
    numbering = (
        '<w:abstractNum w:abstractNumId="0">'
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl>'
        '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/></w:lvl>'
        '<w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%3."/></w:lvl>'
        '</w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>'
    )
    table = (
        "<w:tbl>"
        '<w:tr><w:trPr><w:gridBefore w:val="1"/></w:trPr><w:tc><w:tcPr><w:gridSpan w:val="2"/></w:tcPr>' + _p("申请人情况") + "</w:tc></w:tr>"
        '<w:tr><w:tc><w:tcPr><w:vMerge w:val="restart"/></w:tcPr>' + _p("（三）不予") + _p("公开") + "</w:tc><w:tc>" + _p("1.属于国家秘密") + "</w:tc><w:tc>" + _p("0") + "</w:tc></w:tr>"
        "<w:tr><w:tc><w:tcPr><w:vMerge/></w:tcPr>" + _p("") + "</w:tc><w:tc>" + _p("2.其他法律行政法规禁止公开") + "</w:tc><w:tc>" + _p("1") + "</w:tc></w:tr>"
        "</w:tbl>"
    )
    body = (
        _p("总体情况", (1, 0))
        + _p("主动公开", (1, 1))
        + _p("依申请公开", (1, 1))
        + _p("主动公开政府信息情况", (1, 0))
        + '<w:p><w:r><w:t>第一行</w:t><w:br/><w:t xml:space="preserve">第二行</w:t></w:r>'
        + "<w:del><w:r><w:delText>删掉的字</w:delText></w:r></w:del>"
        + '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>PAGE</w:instrText></w:r><w:r><w:t>7</w:t></w:r></w:p>'
        + table
    )
    c = read_document("numbered.docx", _docx(body, numbering))
    _check_converted(c)
    lines = [line for line in c.text.split("\n") if line]
    assert lines[:6] == ["一、总体情况", "（一）主动公开", "（二）依申请公开", "二、主动公开政府信息情况", "第一行", "第二行7"]
    assert lines[6:] == ["| | 申请人情况 | |", "| （三）不予公开 | 1.属于国家秘密 | 0 |", "| | 2.其他法律行政法规禁止公开 | 1 |"]
    assert c.origin(c.text.split("\n").index("第二行7") + 1).describe() == "第5段"
    n = c.text.split("\n").index(lines[-1]) + 1
    assert c.origin(n).describe() == "表1第3行"


def test_html_old_style_page_gbk_layout_tables(linter):
    """An older government page: GB2312-declared, laid out with nested tables, the title in a
    table cell with class "title", the body in another cell; it reads as the modern page does."""
    page = (DATA / "clean.html").read_text(encoding="utf-8")
    body = page[page.index('<div class="article-content"') : page.index('<div class="bdshare">')]
    title = "示例县统计局2024年政府信息公开工作年度报告"
    old = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"><title>示例县</title></head><body>'
        '<table width="1000"><tr><td class="daohang"><a href="/">网站首页</a> | <a href="/zwgk">政务公开</a></td></tr>'
        '<tr><td><table width="100%"><tr><td class="title">' + title + "</td></tr>"
        "<tr><td>【字体：<a>大</a> <a>中</a> <a>小</a>】 【打印本页】 【关闭窗口】</td></tr>"
        "<tr><td>" + body + "</td></tr></table></td></tr>"
        '<tr><td class="copyright">版权所有：示例县人民政府</td></tr></table></body></html>'
    ).encode("gb18030")
    c = read_document("old.htm", old)
    assert c.text.split("\n")[0] == title
    for chrome in ("网站首页", "字体", "打印本页", "关闭窗口", "版权所有"):
        assert chrome not in c.text, chrome
    want_doc, want = linter.lint_text((EXAMPLES / "clean.txt").read_text(encoding="utf-8"), "clean.txt")
    got_doc, got = linter.lint_text(c.text, "old.htm")
    assert [d.rule for d in got] == [d.rule for d in want] and _cells(got_doc) == _cells(want_doc)


def test_html_positions_past_line_65535():
    """libxml2 stops counting lines at 65535: positions there are found from the source."""
    page = ("<html><body>" + "\n" * 70000 + "<p>一、总体情况</p>\n  <p>二、主动公开政府信息情况</p></body></html>").encode()
    c = read_document("long.html", page)
    got = [o.describe() for o, line in zip(c.origins, c.text.split("\n")) if line]
    assert got == ["第70001行第1列", "第70002行第3列"]


def _text_in_box(pdf_path, page: int, bbox) -> str:
    """The PDF's own text inside a box of an Origin (top-left coordinates), by PDFium."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(pdf_path))
    try:
        p = doc[page - 1]
        left, bottom, right, top = p.get_cropbox()
        assert p.get_rotation() == 0
        tp = p.get_textpage()
        x0, t, x1, b = bbox
        # a hair inside the box: its neighbours' loose boxes touch it
        text = tp.get_text_bounded(left + x0 + 0.5, top - b + 0.5, left + x1 - 0.5, top - t - 0.5)
        tp.close()
        p.close()
        return "".join(text.split())
    finally:
        doc.close()


@pytest.mark.parametrize("rule", ["XG203", "XG801", "XG102"])
def test_pdf_finding_box_holds_its_characters(rule, linter):
    """A finding's origin box is the union of its characters' boxes: the PDF's text inside it
    is the finding's text (a cell's value, a bracket, a heading), not the whole line."""
    from xxgk_lint.linter.model.diagnostic import Origin

    path = DATA / "defects.pdf"
    c = read_document(str(path))
    _, diags = linter.lint_text(c.text, "defects.pdf")
    d = next(d for d in diags if d.rule == rule)
    o = c.place(d.span)
    assert isinstance(o, Origin) and o.page and o.bbox
    line = c.text.split("\n")[d.span.line - 1]
    want = "".join(line[d.span.column - 1 : d.span.end_column - 1].split()).strip("|")
    assert want and _text_in_box(path, o.page, o.bbox) == want
    whole = c.origin(d.span.line, d.span.column)
    assert whole.bbox != o.bbox and (o.bbox[2] - o.bbox[0]) < (whole.bbox[2] - whole.bbox[0])


@needs_corpus
def test_real_pdf_cell_box_holds_its_value():
    """102, table 四 (page 4): the box of the 5th cell's value holds that value only."""
    from xxgk_lint.linter.reading.source import Span

    path = ORIGINALS / "102_hongze-district-gov-2023.pdf"
    c = read_document(str(path))
    lines = c.text.split("\n")
    n = next(i for i, line in enumerate(lines, 1) if line.startswith("| 10 | 1 | 0 |"))
    starts = [i + 2 for i, ch in enumerate(lines[n - 1]) if ch == "|"][:-1]
    col = starts[4] + 1
    o = c.place(Span(n, col, n, col + 1))
    cell = c.origin(n, col)
    assert o.page == 4 and o.cell == 5 and o.bbox != cell.bbox
    assert cell.bbox[0] <= o.bbox[0] < o.bbox[2] <= cell.bbox[2]
    assert _text_in_box(path, 4, o.bbox) == "0"
    # an empty span (padding only) falls back to the cell's box
    assert c.place(Span(n, starts[4], n, starts[4] + 1)).bbox == cell.bbox


def test_origin_json_round_trip():
    from xxgk_lint.linter.model.diagnostic import Diagnostic, Origin, Related
    from xxgk_lint.linter.reading.source import Span

    o = Origin(page=3, line=12, table=1, row=2, cell=4, bbox=(1.0, 2.5, 3.25, 4.0))
    d = Diagnostic("XG201", "arithmetic", "error", "和不符", Span(1, 2, 1, 3), "r.pdf",
                   related=(Related(Span(2, 1, 2, 2), "这里", Origin(page=4, line=1)),), origin=o)
    text = d.to_json()
    assert '"origin": {"page": 3, "line": 12, "table": 1, "row": 2, "cell": 4, "bbox": [1.0, 2.5, 3.25, 4.0]}' in text
    import json

    assert json.loads(text) == d.to_dict() and Diagnostic.from_json(text) == d
    plain = Diagnostic("XG201", "arithmetic", "error", "和不符", Span(1, 2, 1, 3), "r.txt")
    assert "origin" not in plain.to_dict() and Diagnostic.from_json(plain.to_json()) == plain
    assert o.describe() == "第3页第12行，表1第2行第4列"
    assert Origin(table=2, row=3, cell=4).describe() == "表2第3行第4列"
    assert Origin(paragraph=5).describe() == "第5段" and Origin(line=120, column=7).describe() == "第120行第7列"


# ---------------------------------------------------------------------------------------------
# (6) PDF tables without ruling lines: text in columns


@pytest.mark.parametrize("name", ["defects-unruled", "clean-unruled-centred"])
def test_unruled_pdf_tables_read_as_tables(name, linter):
    """defects.md and clean.md as Word with the tables' borders off (clean's with its cells'
    text centred vertically), printed by LibreOffice: no rulings at all, the tables are text in
    columns. They are read as tables (column bands from the data lines, label cells cut at cell
    padding and new items) with every cell and every planted defect of the text and of the
    ruled PDF; the text reader alone got 193 of 200 cells, missed XG201 and XG203 of
    defects-unruled and gave four false findings on each."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as R

    from xxgk_lint.linter.reading import pdf

    path = DATA / f"{name}.pdf"
    stem = name.split("-")[0]
    doc = pdfium.PdfDocument(str(path))
    try:
        for i in range(len(doc)):
            page = pdf._read_pdfium_page(doc[i], R)
            assert pdf.find_tables(page.h_edges, page.v_edges) == []  # no ruled table anywhere
    finally:
        doc.close()
    c = read_document(str(path))
    _check_converted(c)
    lines = c.text.split("\n")
    assert "| 行政规范性文件 | 2 | 1 | 9 |" in lines
    assert "| | | 2.其他法律行政法规禁止公开 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |" in lines  # a wrapped label joined, in its column
    # a label wrapped over three lines, beside its numbers (at its top, or centred on them)
    assert any(l.endswith("| （二）部分公开（区分处理的，只计这一情形，不计其他情形） | | 2 | 0 | 0 | 0 | 0 | 0 | 2 |") for l in lines)
    # page 5 keeps the table's ten columns (its first label column has no text there)
    total = "| | （七）总计 | | 14 | 3 | 1 | 0 | 1 | 0 | 19 |"
    assert total in lines
    if name == "defects-unruled":
        # over a page break: the label's end (top of page 4) is a row of its own, as in a ruled table
        assert "| | 法提供 | 不掌握相关政府信息 | | | | | | | |" in lines
    got_doc, got = linter.lint_text(c.text, path.name)
    for twin in (EXAMPLES / f"{stem}.txt", DATA / f"{stem}.pdf"):
        text = read_document(str(twin)).text if twin.suffix == ".pdf" else twin.read_text(encoding="utf-8")
        want_doc, want = linter.lint_text(text, twin.name)
        assert sorted(d.rule for d in got) == sorted(d.rule for d in want), twin.name
        assert _cells(got_doc) == _cells(want_doc) and len(_cells(got_doc)) == 200, twin.name
    if stem == "defects":
        d = next(d for d in got if d.rule == "XG203")
        o = c.place(d.span)
        assert o.table and o.row and o.cell == 10 and o.bbox
        value = lines[d.span.line - 1][d.span.column - 1 : d.span.end_column - 1].strip()
        assert _text_in_box(path, o.page, o.bbox) == value


def _chars(y: float, *pieces, size: float = 10.0) -> list:
    """Synthetic PDF characters of one line: (x, text) pieces at top y (CJK a square of
    `size`, other characters half as wide)."""
    out = []
    for x, text in pieces:
        for ch in text:
            w = size if documents.is_cjk(ch) else size / 2
            out.append((x, y, x + w, y + size, ch, False))
            x += w
    return out


def test_unruled_columns_and_what_stays_text():
    from xxgk_lint.linter.reading import pdf

    chars = (
        _chars(50, (50, "本年度共收到申请"), (300, "18"))  # a prose line with a number far right: text
        + _chars(64, (50, "我局全年办结件数"), (420, "7"))
        + _chars(100, (50, "信息内容"), (200, "本年新制作数量"), (320, "本年新公开数量"))  # a header: text
        + _chars(120, (50, "规章"), (230, "0"), (350, "1"))
        + _chars(140, (50, "行政规范性"), (230, "12"), (350, "3"))
        + _chars(152, (50, "文件"))  # the label's second line
        + _chars(200, (50, "二、下一节"))
    )
    out = documents.Builder()
    pdf._write_page(out, 1, pdf._Page(chars, [], []))
    c = out.finish("pdf", 1)
    assert c.text.split("\n")[:-1] == [
        "本年度共收到申请 18",
        "我局全年办结件数 7",
        "信息内容本年新制作数量本年新公开数量",
        "",
        "| 规章 | 0 | 1 |",
        "| 行政规范性文件 | 12 | 3 |",
        "",
        "二、下一节",
    ]
    o = c.origin(6, c.text.split("\n")[5].index("12") + 1)
    assert (o.page, o.table, o.row, o.cell) == (1, 1, 2, 2)
    assert c.place(Span(6, 3, 6, 10)).bbox == (50, 140, 100, 162)  # 行政规范性文件 over its two lines


def test_bench_documents_prints_every_format(tmp_path):
    """bench/documents.py (the per-format read + lint rows) runs and covers the five formats."""
    import json
    import subprocess

    out = tmp_path / "bench.json"
    p = subprocess.run([sys.executable, str(ROOT / "bench" / "documents.py"), "--runs", "1", "--json", str(out)],
                       capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    assert set(data["formats"]) >= {"txt", "md", "html", "docx", "pdf"}
    assert all(r["median_ms"] > 0 for r in data["files"]) and "per format" in p.stdout
    pdfs = [r for r in data["files"] if r["format"] == "pdf"]
    assert pdfs and all(r["pages"] >= 1 for r in pdfs) and data["formats"]["pdf"]["ms_per_page"] > 0
