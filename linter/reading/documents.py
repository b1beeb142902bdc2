"""Documents in: PDF, Word (.docx) and web pages (.html) turned into report text, with a source map.

Reports are published as PDF and web pages and drafted in Word. Each reader here turns its
document into the report TEXT that the text reader (`parsing/`) already understands, so the
rest of the flow does not change:

- paragraphs are lines (a PDF's visual lines, a Word paragraph, an HTML block);
- every table row is one Markdown pipe row, `| 一、本年新收政府信息公开申请数量 | | | 13 | 3 | … |`,
  on one line, in the table's grid: a merged cell's text is written once, in its first grid
  row and column, and the positions it covers are empty cells (as in examples/clean.md);
- a cell's internal line breaks are joined: no separator between CJK characters, a space
  otherwise (`join_broken`); a `|` inside a cell becomes `｜` (it would end the cell).

Beside the text comes a SOURCE MAP: `Converted.origins[i]` says where output line i+1 came
from (`Origin`): a PDF page, the line within that page's extracted text and its bounding box;
a Word paragraph, or a Word table, row and cell; an HTML element's line and column in the
source. `Converted.origin(line, column)` narrows a table row down to the cell under a column;
`Converted.place(span)` gives a finding's origin (Diagnostic.origin), in a PDF with the union
box of the characters the finding covers.

`read_document(path, data)` sniffs the format from the bytes first (`%PDF-`, a zip with a Word
main part, `<html`/`<!DOCTYPE`/`<table`), the file name's extension second, and dispatches to
`pdf`, `docx` or `html`. A document that cannot be read (encrypted, scanned without a text
layer, a corrupt zip, an old binary .doc/.wps, too many pages, too big) is a ReadError with
one line in Chinese naming the file; never a traceback.

The libraries (pypdfium2 for PDF, python-docx for Word, lxml for HTML) are imported only
when a document of that kind is read: linting text pays nothing for them.
"""

from __future__ import annotations

import os
import re

from ..support.errors import ReadError
from ..support.record import Record, factory, replace
from .files import DOCUMENT_SUFFIXES as SUFFIXES, OLD_BINARY_SUFFIXES, OLE_MAGIC
from .origin import Origin  # (the readers import it from here)

FORMATS = ("pdf", "docx", "html")

# Bounds: a document is read whole into memory, and a converter's work grows with its size.
MAX_DOCUMENT_BYTES = 100 * 1024 * 1024  # any document file
MAX_HTML_BYTES = 50 * 1024 * 1024  # a web page (a report page is well under 1 MB)
MAX_PAGES = 300  # a PDF (a report is 5 to 30 pages)
MAX_DOCX_XML_BYTES = 200 * 1024 * 1024  # word/document.xml uncompressed (zip bombs)


class Converted(Record):
    """A document as report text, with where each line came from."""

    text: str  # the report as text: LF line ends, ends with "\n"
    format: str  # "pdf" | "docx" | "html"
    origins: list  # origins[i]: the Origin of output line i+1
    # cells[i]: for a table row line, [(start_column, end_column, Origin), …] of its cells
    # (1-based code-point columns of the line, end exclusive); None for other lines
    cells: list = factory(list)
    pages: int = 0  # PDF: pages read
    # boxes[i]: for a PDF line, the box (x0, top, x1, bottom) of each of its code points (None
    # for a space the reader put in, and the padding and bars of a pipe row); None: not known
    boxes: list = factory(list)

    def origin(self, line: int, column: int | None = None) -> Origin | None:
        """Where text line `line` (1-based) came from; in a table row, the cell under `column`."""
        if not 1 <= line <= len(self.origins):
            return None
        if column is not None and line <= len(self.cells) and self.cells[line - 1]:
            for start, end, o in self.cells[line - 1]:
                if start <= column < end:
                    return o
        return self.origins[line - 1]

    def place(self, span) -> Origin | None:
        """Where a finding's span (of the report text) is in the original: the origin of its
        first line and column, and in a PDF the union box of the characters it covers on the
        same page (the line's or cell's box when it covers none, as an empty cell)."""
        o = self.origin(span.line, span.column)
        if o is None or o.page is None or not self.boxes:
            return o
        x0 = top = float("inf")
        x1 = bottom = float("-inf")
        last = min(span.end_line, len(self.boxes))
        for n in range(span.line, last + 1):
            boxes = self.boxes[n - 1]
            if not boxes or self.origins[n - 1].page != o.page:
                continue
            a = span.column - 1 if n == span.line else 0
            b = span.end_column - 1 if n == span.end_line else len(boxes)
            for box in boxes[max(0, a) : max(0, b)]:
                if box is not None:
                    x0, top = min(x0, box[0]), min(top, box[1])
                    x1, bottom = max(x1, box[2]), max(bottom, box[3])
        if x0 > x1:
            return o
        return replace(o, bbox=(round(x0, 2), round(top, 2), round(x1, 2), round(bottom, 2)))


class Builder:
    """Collects output lines with their origins (used by every reader)."""

    __slots__ = ("lines", "origins", "cells", "boxes")

    def __init__(self):
        self.lines: list[str] = []
        self.origins: list[Origin] = []
        self.cells: list = []
        self.boxes: list = []  # per line: its code points' boxes, or None (see Converted.boxes)

    def text(self, line: str, origin: Origin, boxes: list | None = None) -> None:
        """A line of text (internal newlines must have been handled by the reader); `boxes`:
        its characters' boxes (kept only if cleaning the line left its characters in place)."""
        cleaned = clean_line(line)
        if boxes is not None and cleaned != line[: len(cleaned)]:
            boxes = None
        self.lines.append(cleaned)
        self.origins.append(origin)
        self.cells.append(None)
        self.boxes.append(boxes[: len(cleaned)] if boxes is not None else None)

    def blank(self, origin: Origin) -> None:
        """An empty line, at most one in a row (a paragraph break)."""
        if self.lines and self.lines[-1] != "":
            self.lines.append("")
            self.origins.append(origin)
            self.cells.append(None)
            self.boxes.append(None)

    def row(self, cells: list[str], origin: Origin, cell_origins: list[Origin], cell_boxes: list | None = None) -> None:
        """A table row as one pipe row: `| a | b | c |`; `cell_boxes[j]`: the boxes of cell
        j's characters (as Builder.text's), or None."""
        parts, spans, width = ["|"], [], 1
        line_boxes: list | None = [None] if cell_boxes is not None else None
        for j, (text, o) in enumerate(zip(cells, cell_origins)):
            t = clean_cell(text)
            parts.append(f" {t} |" if t else " |")
            start = width + 1  # 1-based column of the cell's first character (its padding)
            width += len(parts[-1])
            spans.append((start, width + 1, o))  # up to and including the closing "|"
            if line_boxes is not None:
                boxes = cell_boxes[j] if j < len(cell_boxes) else None
                if boxes is None or t != text or len(boxes) != len(t):
                    boxes = [None] * len(t)  # changed by cleaning: the cell's box stands for it
                line_boxes.extend([None, *boxes, None, None] if t else [None, None])  # ` t |`, ` |`
        self.lines.append("".join(parts))
        self.origins.append(origin)
        self.cells.append(spans)
        self.boxes.append(line_boxes)

    def finish(self, fmt: str, pages: int = 0) -> Converted:
        while self.lines and self.lines[-1] == "":
            self.lines.pop()
            self.origins.pop()
            self.cells.pop()
            self.boxes.pop()
        boxes = self.boxes if any(b is not None for b in self.boxes) else []
        return Converted("\n".join(self.lines) + "\n", fmt, self.origins, self.cells, pages, boxes)


# ---------------------------------------------------------------------------------------------
# Text helpers shared by the readers.

_CJK = (
    "\u2e80-\u2fff\u3000-\u303f\u3040-\u30ff\u3100-\u312f\u3190-\u31ff\u3400-\u4dbf\u4e00-\u9fff"
    "\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef\u201c\u201d\u2018\u2019\u2014\u2026\u00b7"
)
CJK_CHAR = re.compile(f"[{_CJK}]")
CJK_GAP = re.compile(f"(?<=[{_CJK}])[ \t\u00a0]+(?=[{_CJK}])")
_SPACES = re.compile(r"[ \t\u00a0\u2002-\u200b\u202f\u205f]+")
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f\ufeff]")


def is_cjk(ch: str) -> bool:
    return bool(ch) and CJK_CHAR.match(ch) is not None


def join_broken(pieces) -> str:
    """Pieces of one cell (or paragraph) that a line break separated, joined: nothing between
    CJK characters (Chinese has no spaces: the break is only layout), one space otherwise."""
    out = ""
    for p in pieces:
        p = p.strip()
        if not p:
            continue
        if out and not (is_cjk(out[-1]) or is_cjk(p[0])):
            out += " "
        out += p
    return out


def squeeze_cjk_spaces(text: str) -> str:
    """Spaces between two CJK characters removed (a PDF's justified or spread-out text:
    `总 计` → `总计`, `号 ， 邮 编` → `号，邮编`)."""
    return CJK_GAP.sub("", text)


def clean_line(text: str) -> str:
    """One output line: no control characters, no line breaks, no trailing blanks."""
    text = _CONTROLS.sub("", text.replace("\r", " ").replace("\n", " ").replace("\f", " "))
    return text.rstrip()


def clean_cell(text: str) -> str:
    """A cell's text for a pipe row: one line, blanks collapsed, no `|` (→ `｜`)."""
    text = join_broken(re.split(r"[\r\n\v\f]+", text))
    text = _CONTROLS.sub("", text)
    return _SPACES.sub(" ", text).strip().replace("|", "｜")


def shown(name: str) -> str:
    """The file name as shown in messages (terminal-safe)."""
    from .files import printable

    return printable(str(name))


# ---------------------------------------------------------------------------------------------
# Sniffing and dispatch.

_HTML_START = re.compile(rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|title|table|div|p)\b", re.I | re.S)
_HTML_ANYWHERE = re.compile(rb"<(?:html|body|table)\b", re.I)
_HTML_PAGE = re.compile(rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)\b", re.I | re.S)
TEXT_SUFFIXES = (".txt", ".md", ".markdown", ".text")


def _zip_kind(data: bytes) -> str | None:
    """'docx' for a zip holding a Word main document part, 'zip' for another zip, None if not
    a readable zip at all."""
    import io
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            names = set(z.namelist())
            if "word/document.xml" in names:
                return "docx"
            if "[Content_Types].xml" in names:
                ct = z.read("[Content_Types].xml")[: 1 << 20]
                if b"wordprocessingml.document.main" in ct or b"wordprocessingml.template.main" in ct:
                    return "docx"
            return "zip"
    except (zipfile.BadZipFile, OSError, ValueError, KeyError, RuntimeError, EOFError, NotImplementedError):
        return None


def sniff(data: bytes, name: str = "") -> str | None:
    """"pdf", "docx" or "html" by the content first, the file name's extension second; None
    for anything else (plain text, an old binary Word file: see read_document)."""
    head = data[:1024]
    if head.lstrip()[:5] == b"%PDF-" or b"%PDF-" in head:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        if _zip_kind(data) == "docx":
            return "docx"
    if head.startswith(OLE_MAGIC):
        return None
    text_head = head
    for bom in (b"\xef\xbb\xbf",):
        if text_head.startswith(bom):
            text_head = text_head[len(bom):]
    if text_head.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16: look at it decoded
        try:
            text_head = data[:2048].decode("utf-16", "ignore").encode("utf-8")
        except Exception:  # pragma: no cover
            text_head = b""
    suffix = os.path.splitext(str(name))[1].lower()
    if suffix in TEXT_SUFFIXES:
        # a text report may quote HTML (a Markdown draft with a <table>, a suppression comment
        # first): only a whole page counts
        return "html" if _HTML_PAGE.match(text_head) else None
    if _HTML_START.match(text_head) or _HTML_ANYWHERE.search(data[:4096]) and b"<" == text_head.lstrip()[:1]:
        return "html"
    return SUFFIXES.get(suffix)


def _size(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB" if n >= 1024 * 1024 else f"{n / 1024:.1f} KB"


def read_document(path: str, data: bytes | None = None) -> Converted:
    """The document at `path` (its bytes `data` if given) as report text with a source map.
    A document that cannot be read is a ReadError with one line naming the file."""
    name = shown(path)
    if data is None:
        from .files import read_bytes

        data = read_bytes(path, MAX_DOCUMENT_BYTES)
    if data.startswith(OLE_MAGIC):
        raise ReadError(f"{name}：这是旧版 Word/WPS 二进制文件（.doc/.wps），无法读取，请另存为 .docx 后再检查")
    kind = sniff(data, str(path))
    suffix = os.path.splitext(str(path))[1].lower()
    if kind is None:
        if suffix in OLD_BINARY_SUFFIXES:
            raise ReadError(f"{name}：不是可以读取的 Word 文件，请另存为 .docx 后再检查")
        raise ReadError(f"{name}：无法识别的文档格式（支持 PDF、Word .docx 和网页 .html）")
    if kind == "docx" and not data.startswith(b"PK"):
        raise ReadError(f"{name}：不是有效的 .docx 文件（不是 zip 压缩包），请用 Word 或 WPS 另存为 .docx")
    if kind == "docx" and _zip_kind(data) != "docx":
        if _zip_kind(data) is None:
            raise ReadError(f"{name}：.docx 文件已损坏（zip 压缩包无法打开）")
        raise ReadError(f"{name}：不是 Word 文档（zip 压缩包里没有 word/document.xml）")
    try:
        if kind == "pdf":
            from . import pdf

            return pdf.read_pdf(data, name)
        if kind == "docx":
            from . import docx

            return docx.read_docx(data, name)
        if len(data) > MAX_HTML_BYTES:
            raise ReadError(f"{name}：网页文件过大（{_size(len(data))}），超过 {_size(MAX_HTML_BYTES)} 的上限，未检查")
        from . import html

        return html.read_html(data, name)
    except ReadError:
        raise
    except ImportError as exc:
        raise ReadError(f"{name}：读取 {kind.upper()} 文件需要的程序库没有安装（{exc.name or exc}）") from None
    except MemoryError:
        raise ReadError(f"{name}：文档太大，读取时内存不足，未检查") from None
    except RecursionError:
        raise ReadError(f"{name}：文档结构嵌套过深，无法读取") from None
    except Exception as exc:  # a library's error on a malformed document: one line, no traceback
        what = {"pdf": "PDF", "docx": "Word 文档", "html": "网页"}[kind]
        detail = str(exc).strip().splitlines()[0][:120] if str(exc).strip() else type(exc).__name__
        raise ReadError(f"{name}：{what}已损坏或格式无效，无法读取（{detail}）") from None
