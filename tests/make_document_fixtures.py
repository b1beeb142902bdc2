"""Make the document fixtures in tests/data/documents/ from the project's sample reports.

    python tests/make_document_fixtures.py            # needs python-docx; PDFs need LibreOffice
    python tests/make_document_fixtures.py --force    # also remake encrypted.pdf, image-only.pdf

The sample reports are examples/clean.txt and defects.txt; their Markdown twins clean.md and
defects.md (the same report, the same planted defects, see examples/README.md) give the
structure without guessing: `#` headings, paragraphs, and the three tables as pipe tables in
the official layout. From each this writes

- <name>.docx: the title, headings (Word heading styles) and paragraphs, and the three tables
  as real Word tables with the official merged cells (the 勾稽关系 note over three columns and
  three rows, 申请人情况 and 法人或其他组织 across, 三、本年度办理结果 and （三）不予公开 down, …);
- <name>.html: a government-site page: navigation, breadcrumb, a title block outside the
  article, 字体：[大 中 小], 分享到, 扫一扫, 打印本页/关闭窗口, footer and script around the report,
  whose tables use rowspan/colspan for the same merges;
- <name>.pdf: the .docx converted by LibreOffice (`soffice --headless --convert-to pdf`),
  when soffice is on PATH (skipped otherwise; the committed PDFs stay);
- defects-unruled.pdf and clean-unruled-centred.pdf: defects.md and clean.md as Word with
  the tables' borders off (the second with its cells' text centred vertically), converted the
  same way: tables that are only text in columns (no ruling lines), for the PDF reader's
  fallback;

and the bad documents for the error tests: encrypted.pdf (a user password, by pypdf when
installed), image-only.pdf (a picture of text, no text layer: Pillow), corrupt.docx (a .docx
cut in half), old-binary.doc (an OLE2 header, as Word 97-2003 and WPS write).

The files are small and committed: the tests need neither LibreOffice nor python-docx's
writer. Run this again after a change to the examples and commit the result.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
OUT = ROOT / "tests" / "data" / "documents"
SOURCES = ("clean", "defects")
FIXED_TIME = "2025-01-20T08:00:00Z"  # document properties, so that a rerun changes nothing


# ---------------------------------------------------------------------------------------------
# The Markdown sample as blocks


def blocks(md: str) -> list[tuple]:
    """("title"|"h1"|"h2"|"p", text) and ("table", rows) in order; `<br>` ends a line."""
    out: list[tuple] = []
    lines = md.split("\n")
    i = 0
    pending: list[str] = []

    def flush():
        if pending:
            out.append(("p", "\n".join(pending)))
            pending.clear()

    while i < len(lines):
        line = lines[i]
        if line.startswith("|"):
            flush()
            rows = []
            while i < len(lines) and lines[i].startswith("|"):
                cells = [c.strip() for c in lines[i].strip().strip("|").split("|")]
                if not all(re.fullmatch(r":?-{3,}:?", c) for c in cells):
                    rows.append(cells)
                i += 1
            out.append(("table", rows))
            continue
        m = re.match(r"^(#{1,6})\s+(.*)$", line)
        if m:
            flush()
            level = len(m.group(1))
            out.append(({1: "title", 2: "h1"}.get(level, "h2"), m.group(2).strip()))
        elif not line.strip():
            flush()
        else:
            text = line.rstrip()
            if text.endswith("<br>"):
                pending.append(text[:-4])
            else:
                pending.append(text)
                flush()
        i += 1
    flush()
    return out


def merges(rows: list[list[str]]) -> list[tuple[int, int, int, int]]:
    """The official merged cells of a table given as its grid with empty covered cells:
    (row, col, last row, last col) of each merged cell. A header row (no digit in it) merges
    a label rightwards over empty cells; label columns (left of the first number) merge
    rightwards, and downwards over empty label cells; a row's trailing empty cells join its
    last filled cell; header labels merge down over empty header cells."""
    n_rows, n_cols = len(rows), max(len(r) for r in rows)
    grid = [r + [""] * (n_cols - len(r)) for r in rows]
    header = [not any(re.search(r"\d", c) for c in r) for r in grid]
    first_number = min((j for r, h in zip(grid, header) if not h for j, c in enumerate(r) if re.fullmatch(r"[\d.]+", c)), default=0)
    used = [[False] * n_cols for _ in range(n_rows)]
    out = []
    for r in range(n_rows):
        for c in range(n_cols):
            if used[r][c] or not grid[r][c]:
                continue
            c1 = c
            trailing = all(not x for x in grid[r][c + 1:])
            while c1 + 1 < n_cols and not grid[r][c1 + 1] and not used[r][c1 + 1] and (header[r] or c1 + 1 < first_number or trailing):
                c1 += 1
            r1 = r
            label = c1 < first_number
            while r1 + 1 < n_rows and all(not grid[r1 + 1][k] and not used[r1 + 1][k] for k in range(c, c1 + 1)):
                below_header = header[r1 + 1]
                if header[r] and below_header or (label and not header[r] and not below_header and not _row_starts(grid[r1 + 1], c)):
                    r1 += 1
                else:
                    break
            for rr in range(r, r1 + 1):
                for cc in range(c, c1 + 1):
                    used[rr][cc] = True
            if r1 > r or c1 > c:
                out.append((r, c, r1, c1))
    return out


def _row_starts(row: list[str], c: int) -> bool:
    """A row whose own label stands left of column c (it is not under the merged label)."""
    return any(row[k] for k in range(0, c))


# ---------------------------------------------------------------------------------------------
# Word


def make_docx(md: str, path: Path, ruled: bool = True, centred: bool = False) -> None:
    """The report as Word; `ruled=False`: its tables without borders (text in columns);
    `centred`: their cells' text centred vertically (as WPS tables often are)."""
    import datetime

    import docx
    from docx.enum.table import WD_ALIGN_VERTICAL, WD_TABLE_ALIGNMENT
    from docx.oxml.ns import qn
    from docx.shared import Pt

    document = docx.Document()
    style = document.styles["Normal"]
    style.font.name = "Noto Serif CJK SC"
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "Noto Serif CJK SC")
    style.font.size = Pt(10.5)
    for name in ("Title", "Heading 1", "Heading 2"):
        st = document.styles[name]
        st.font.name = "Noto Sans CJK SC"
        st.element.rPr.rFonts.set(qn("w:eastAsia"), "Noto Sans CJK SC")
    props = document.core_properties
    props.author = "xxgk-lint tests"
    props.title = "示例县统计局2024年政府信息公开工作年度报告"
    when = datetime.datetime(2025, 1, 20, 8, 0, 0)
    props.created = props.modified = when
    props.last_modified_by = "xxgk-lint tests"
    props.revision = 1
    for kind, value in blocks(md):
        if kind == "title":
            document.add_heading(value, level=0)
        elif kind == "h1":
            document.add_heading(value, level=1)
        elif kind == "h2":
            document.add_heading(value, level=2)
        elif kind == "p":
            p = document.add_paragraph()
            for k, piece in enumerate(value.split("\n")):
                run = p.add_run(piece)
                if k < value.count("\n"):
                    run.add_break()
        else:
            rows = value
            n_cols = max(len(r) for r in rows)
            table = document.add_table(rows=len(rows), cols=n_cols)
            table.style = "Table Grid" if ruled else None  # None: Word's default table style, no borders
            table.alignment = WD_TABLE_ALIGNMENT.CENTER
            covered = set()
            for r0, c0, r1, c1 in merges(rows):
                table.cell(r0, c0).merge(table.cell(r1, c1))
                covered.update((r, c) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1) if (r, c) != (r0, c0))
            for r, row in enumerate(rows):
                for c, text in enumerate(row):
                    if text and (r, c) not in covered:
                        cell = table.cell(r, c)
                        cell.text = text
                        if centred:
                            cell.vertical_alignment = WD_ALIGN_VERTICAL.CENTER
                        for p in cell.paragraphs:
                            for run in p.runs:
                                run.font.size = Pt(7.5)
            document.add_paragraph()
    buf = io.BytesIO()
    document.save(buf)
    path.write_bytes(_stable_zip(buf.getvalue()))


def _stable_zip(data: bytes) -> bytes:
    """The same zip with fixed timestamps (a rerun gives the same bytes)."""
    import zipfile

    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(2025, 1, 20, 8, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


# ---------------------------------------------------------------------------------------------
# A web page


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def html_table(rows: list[list[str]]) -> str:
    n_cols = max(len(r) for r in rows)
    spans = {(r0, c0): (r1 - r0 + 1, c1 - c0 + 1) for r0, c0, r1, c1 in merges(rows)}
    covered = set()
    for (r0, c0), (rs, cs) in spans.items():
        for r in range(r0, r0 + rs):
            for c in range(c0, c0 + cs):
                if (r, c) != (r0, c0):
                    covered.add((r, c))
    out = ['<table class="MsoNormalTable" border="1" cellspacing="0" cellpadding="0">', "<tbody>"]
    for r, row in enumerate(rows):
        row = row + [""] * (n_cols - len(row))
        cells = []
        for c, text in enumerate(row):
            if (r, c) in covered:
                continue
            attrs = ""
            if (r, c) in spans:
                rs, cs = spans[(r, c)]
                attrs += f' rowspan="{rs}"' if rs > 1 else ""
                attrs += f' colspan="{cs}"' if cs > 1 else ""
            cells.append(f"<td{attrs}><p>{_esc(text)}</p></td>" if text else f"<td{attrs}></td>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</tbody></table>")
    return "\n".join(out)


def make_html(md: str, path: Path) -> None:
    parts = []
    title = ""
    for kind, value in blocks(md):
        if kind == "title":
            title = value
        elif kind == "h1":
            parts.append(f'<p style="text-indent:2em"><strong>{_esc(value)}</strong></p>')
        elif kind == "h2":
            parts.append(f'<p style="text-indent:2em"><span style="font-family:楷体">{_esc(value)}</span></p>')
        elif kind == "p":
            parts.append("<p>　　" + "<br>".join(_esc(v) for v in value.split("\n")) + "</p>")
        else:
            parts.append(html_table(value))
    body = "\n".join(parts)
    page = f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>{_esc(title)}_示例县人民政府</title>
<style>body {{ font-family: SimSun; }} .nav a {{ margin: 0 1em; }}</style>
<script>var _hmt = _hmt || []; document.write("统计代码");</script>
</head>
<body>
<div class="header"><div class="logo">示例县人民政府</div>
<div class="nav"><a href="/">首页</a><a href="/zwgk/">政务公开</a><a href="/zwfw/">政务服务</a><a href="/hdjl/">互动交流</a></div></div>
<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; 政府信息公开年报</div>
<div class="main">
<div class="article-title"><h1>{_esc(title)}</h1></div>
<div class="article-info">发布时间：2025-01-20　来源：示例县统计局　<span class="fontsize">字体：[<a href="#">大</a> <a href="#">中</a> <a href="#">小</a>]</span></div>
<div class="article-content" id="zoom">
{body}
</div>
<div class="bdshare">分享到：<a class="wx">微信</a><a class="wb">微博</a></div>
<div class="qr">扫一扫在手机打开当前页</div>
<div class="article-tools"><a href="javascript:window.print()">打印本页</a> <a href="javascript:window.close()">关闭窗口</a></div>
</div>
<div class="footer"><p>主办单位：示例县人民政府办公室　网站标识码：0000000000</p><p>版权所有 © 示例县人民政府</p></div>
<script>console.log("一、总体情况");</script>
</body>
</html>
"""
    path.write_text(page, encoding="utf-8")


# ---------------------------------------------------------------------------------------------
# PDF (LibreOffice) and the bad documents


def make_pdf(docx_path: Path, pdf_path: Path) -> bool:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        print("soffice not found: PDF fixtures not made (the committed ones stay)")
        return False
    with tempfile.TemporaryDirectory() as tmp:
        profile = Path(tmp) / "profile"
        subprocess.run(
            [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "pdf", "--outdir", tmp, str(docx_path)],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=300,
        )
        made = Path(tmp) / (docx_path.stem + ".pdf")
        data = made.read_bytes()
    # LibreOffice stamps the conversion time and a random file ID: fix both (same lengths, the
    # cross-reference offsets stay right), so that a rerun changes nothing
    data = re.sub(rb"/CreationDate\(D:[0-9+\-Z']+\)", lambda m: _same_length(m.group(0), b"/CreationDate(D:20250120080000Z)"), data)
    data = re.sub(rb"<[0-9A-Fa-f]{32}>", b"<" + b"0123456789ABCDEF" * 2 + b">", data)
    data = re.sub(rb"/DocChecksum /[0-9A-Fa-f]{32}", b"/DocChecksum /" + b"0" * 32, data)
    pdf_path.write_bytes(data)
    return True


def _same_length(old: bytes, new: bytes) -> bytes:
    return new[: len(old)].ljust(len(old), b" ") if len(new) != len(old) else new


def make_bad(force: bool = False) -> None:
    """The bad documents. encrypted.pdf and image-only.pdf are made only when missing (or with
    --force): encryption salts are random, so a rerun would change the committed bytes."""
    import datetime

    # an image of text, no text layer (a scan)
    try:
        if (OUT / "image-only.pdf").exists() and not force:
            raise FileExistsError
        from PIL import Image, ImageDraw

        img = Image.new("L", (600, 800), 255)
        d = ImageDraw.Draw(img)
        for y in range(80, 700, 40):
            d.rectangle((60, y, 540, y + 12), fill=0)  # lines of "text"
        buf = io.BytesIO()
        when = datetime.datetime(2025, 1, 20, 8, 0, 0).timetuple()
        img.save(buf, "PDF", resolution=72.0, creationDate=when, modDate=when)
        (OUT / "image-only.pdf").write_bytes(buf.getvalue())
    except ImportError:
        print("Pillow not installed: image-only.pdf not made")
    except FileExistsError:
        pass
    # a user password
    try:
        if (OUT / "encrypted.pdf").exists() and not force:
            raise FileExistsError
        from pypdf import PdfWriter

        w = PdfWriter()
        w.add_blank_page(width=595, height=842)
        w.encrypt(user_password="secret", owner_password="owner", algorithm="AES-128")
        buf = io.BytesIO()
        w.write(buf)
        (OUT / "encrypted.pdf").write_bytes(buf.getvalue())
    except ImportError:
        print("pypdf not installed: encrypted.pdf not made")
    except FileExistsError:
        pass
    clean = (OUT / "clean.docx").read_bytes()
    (OUT / "corrupt.docx").write_bytes(clean[: len(clean) // 2])
    (OUT / "old-binary.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + "示例".encode("utf-16-le") * 16)


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    for name in SOURCES:
        md = (EXAMPLES / f"{name}.md").read_text(encoding="utf-8")
        make_docx(md, OUT / f"{name}.docx")
        make_html(md, OUT / f"{name}.html")
        make_pdf(OUT / f"{name}.docx", OUT / f"{name}.pdf")
    # the tables' borders off: PDFs whose tables have no rulings, their cells' text at the top
    # (Word's default) or centred vertically (as WPS tables often are)
    with tempfile.TemporaryDirectory() as tmp:
        for name, centred in (("defects-unruled", False), ("clean-unruled-centred", True)):
            unruled = Path(tmp) / f"{name}.docx"
            md = (EXAMPLES / f"{name.split('-')[0]}.md").read_text(encoding="utf-8")
            make_docx(md, unruled, ruled=False, centred=centred)
            make_pdf(unruled, OUT / f"{name}.pdf")
    make_bad(force="--force" in sys.argv)
    for p in sorted(OUT.iterdir()):
        print(f"{p.relative_to(ROOT)}  {p.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
