"""Web pages (.html) into report text: the report's body and its tables, without the page chrome.

The library: lxml.html (libxml2's HTML parser), which gives each element its source line;
the column is found by looking for the element's start tag from that line on, in document
order. selectolax (Lexbor) parses about as fast but gives no source positions at all, and a
finding must map back to the page. A 200 KB report page converts in a few milliseconds.

Which part of the page is the report (a simple heuristic, no scoring of boilerplate):
1. Chrome is removed: script, style, nav, header, footer, aside, forms' controls, iframes;
   elements whose class or id names a widget or a page part (nav, menu, footer, breadcrumb,
   share, print, fontsize, qrcode, related, copyright, …); and small elements whose whole text
   is widget words (字体：[大 中 小], 打印本页, 关闭窗口, 扫一扫在手机打开, 分享到, 收藏, 返回顶部).
   Nothing that holds two section headings or a statistics table is removed.
2. Markers are found: the section headings (一、总体情况, 二、主动公开政府信息情况, …: the deepest
   element whose short text starts that way) and the statistics tables (a <table> without
   tables inside and with at least six numbers).
3. The report is the lowest element holding every marker; its title, when it stands outside
   (a title block above the article body, as on most government sites: the last h1-h3, or
   element with "title" in its class or id, before the body, whose text names a 报告), is put first.
   A page without markers is read whole (its chrome removed).

The chosen element is then written out: a block element (p, div, h1-h6, li, tr, …) or <br>
starts a new line, inline text is joined with its whitespace collapsed, and each statistics
table row (<tr>) is one pipe row over the table's grid: a cell with rowspan/colspan has its
text written once, in its first row and column, the positions it covers left empty. A table
holding other tables is page layout, read as blocks. Origins: the source line and column
(1-based, code points) of the element a line starts in; of each <td>/<th> for a table cell.
"""

from __future__ import annotations

import codecs
import re
from bisect import bisect_right

from ..support.errors import ReadError
from .documents import Builder, Converted, Origin, join_broken

_CHROME_TAGS = {
    "script", "style", "noscript", "template", "iframe", "frame", "frameset", "nav", "header", "footer", "aside",
    "button", "select", "input", "textarea", "option", "object", "embed", "svg", "canvas", "map", "audio", "video", "head",
}
_CHROME_NAMES = re.compile(
    r"(?:^|[-_\s])(?:nav|navbar|navigation|menu|topbar|footer|foot|breadcrumbs?|crumbs?|share|bdshare|jiathis|print|"
    r"close|fontsize|font-size|font_size|zoom|toolbar|sidebar|qrcode|qr-code|ewm|erweima|weixin|wechat|location|dqwz|"
    r"related|xgxx|xglj|friendlink|links|copyright|banner|search|login|skip|tools?)(?:$|[-_\s\d])",
    re.I,
)
_WIDGET = re.compile(
    r"(?:[【\[\(（]?(?:(?:字体|字号|文字)[:：]?|[大中小]|默认|打印(?:本页|此页|文章|页面)?|关闭(?:窗口|本页|页面)?|分享(?:到)?[:：]?|"
    r"收藏(?:本页)?|返回顶部|返回|扫一扫.*|【|】|[|丨/·\]\[])[】\]\)）]?)+"
)
_BLOCKS = {
    "p", "div", "section", "article", "main", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd",
    "blockquote", "pre", "center", "table", "tbody", "thead", "tfoot", "tr", "td", "th", "caption", "address", "hr",
    "figure", "figcaption", "body", "form", "fieldset", "details", "summary", "font-block",
}
_SECTION = re.compile(r"^[\s\u3000]*[一二三四五六][\s\u3000]*[、.．][\s\u3000]*(?:总体情况|主动公开|收到和处理|政府信息公开行政复议|存在的主要问题|其他需要报告)")
_DIGITS = re.compile(r"\d+")
_TITLE_CLASS = re.compile(r"title|bt|biaoti|tit\b|headline", re.I)
_WS = re.compile(r"[ \t\r\n\f\v]+")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>")
MAX_ELEMENTS = 100_000  # a report page has a few thousand elements
MAX_COLUMNS = 200  # of a table's grid
LIBXML_LAST_LINE = 65535  # libxml2 gives this line number to every element past it


def decode_html(data: bytes) -> str:
    """The page's text: by its BOM, else its <meta> charset, else UTF-8, else GB18030."""
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", "replace")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", "replace")
    m = _META_CHARSET.search(data[:4096])
    if m:
        label = m.group(1).decode("ascii", "ignore").lower()
        if label in ("gb2312", "gbk", "gb18030", "x-gbk", "cp936"):
            label = "gb18030"
        try:
            codecs.lookup(label)
            if label.replace("-", "") != "utf8":
                return data.decode(label, "replace")
        except LookupError:
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        return data.decode("utf-8", "replace")


def read_html(data: bytes, name: str) -> Converted:
    """The web page `data` as report text with a source map; ReadError for an unusable one."""
    import lxml.html
    from lxml import etree

    text = decode_html(data)
    m = _XML_DECL.match(text)
    if m:  # lxml refuses a str with an encoding declaration: blank it, keeping every offset
        text = re.sub(r"[^\n]", " ", m.group(0)) + text[m.end():]
    if not text.strip():
        raise ReadError(f"{name}：网页是空的")
    try:
        root = lxml.html.document_fromstring(text, parser=lxml.html.HTMLParser(huge_tree=True, remove_comments=True, remove_pis=True))
    except (etree.ParserError, ValueError) as exc:
        raise ReadError(f"{name}：网页无法解析（{exc}）") from None
    body = root.find("body")
    if body is None:
        body = root
    count = sum(1 for _ in root.iter())
    if count > MAX_ELEMENTS:
        raise ReadError(f"{name}：网页元素过多（{count} 个，上限 {MAX_ELEMENTS} 个），不像是一篇报告，未检查")
    reader = _Reader(text)
    reader.remove_chrome(body)
    container, title = reader.choose(body)
    out = Builder()
    if title is not None:
        reader.position(title)
        line = _WS.sub(" ", title.text_content()).strip(" \u3000")
        if line:
            out.text(line, reader.origin(title))
            out.blank(reader.origin(title))
    reader.out = out
    reader.walk(container)
    reader.flush()
    converted = out.finish("html")
    if not converted.text.strip():
        raise ReadError(f"{name}：网页里没有找到正文文字")
    return converted


def _classes(el) -> str:
    return f"{el.get('class') or ''} {el.get('id') or ''}".strip()


def _is_data_table(el) -> bool:
    if el.find(".//table") is not None:
        return False
    return len(_DIGITS.findall(el.text_content())) >= 6


class _Reader:
    def __init__(self, text: str):
        self.text = text
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.cursor = 0
        self.positions: dict = {}
        self.patterns: dict = {}
        self.out: Builder | None = None
        self.buffer: list[str] = []
        self.buffer_origin: Origin | None = None
        self.block_origin: list[Origin] = [Origin()]

    # -- positions --------------------------------------------------------------------------

    def position(self, el) -> tuple[int | None, int | None]:
        """(line, column) of the element's start tag, looked for in document order."""
        got = self.positions.get(el)
        if got is not None:
            return got
        line = el.sourceline
        col = None
        tag = el.tag if isinstance(el.tag, str) else ""
        pattern = self.patterns.get(tag)
        if pattern is None and tag:
            pattern = self.patterns[tag] = re.compile(r"<" + re.escape(tag) + r"[\s/>]", re.I)
        if isinstance(line, int) and line >= LIBXML_LAST_LINE and tag:
            # libxml2 stops counting lines at 65535: the next such tag from where we are
            m = pattern.search(self.text, max(self.cursor, self.starts[min(line, len(self.starts)) - 1]))
            if m is not None:
                line = bisect_right(self.starts, m.start())
                col = m.start() - self.starts[line - 1] + 1
                self.cursor = m.start() + 1
        elif isinstance(line, int) and 1 <= line <= len(self.starts):
            line_start = self.starts[line - 1]
            line_end = self.starts[line] if line < len(self.starts) else len(self.text)
            if tag:
                m = pattern.search(self.text, max(self.cursor, line_start), line_end + 1)
                if m is None and self.cursor > line_start:  # (out of order: look on the whole line)
                    m = pattern.search(self.text, line_start, line_end + 1)
                if m is not None:
                    col = m.start() - line_start + 1
                    self.cursor = max(self.cursor, m.start() + 1)
        else:
            line = None
        self.positions[el] = (line, col)
        return line, col

    def origin(self, el) -> Origin:
        line, col = self.position(el)
        return Origin(line=line, column=col)

    # -- choosing the report ----------------------------------------------------------------

    def remove_chrome(self, body) -> None:
        # the length of each element's text, bottom up (so that only small elements' text is
        # ever assembled: a page's size bounds the work)
        size: dict = {}
        for el in reversed(list(body.iter())):
            size[el] = len(el.text or "") + sum(size.get(c, 0) + len(c.tail or "") for c in el)
        doomed = []
        for el in body.iter():
            if not isinstance(el.tag, str):
                continue
            tag = el.tag.lower()
            if any(el is d or _has_ancestor(el, d) for d in doomed[-8:]):
                continue
            chrome = tag in _CHROME_TAGS and tag != "head"
            if not chrome:
                names = _classes(el)
                if names and _CHROME_NAMES.search(names) and tag not in ("body", "html"):
                    chrome = True
            if not chrome and tag not in ("body", "html", "table", "tr", "tbody"):
                t = el.text_content() if size.get(el, 0) <= 200 else None
                if t is not None:
                    s = re.sub(r"\s+", "", t)
                    if s and len(s) <= 40 and _WIDGET.fullmatch(s):
                        chrome = True
            if chrome and not self._holds_report(el):
                doomed.append(el)
        for el in doomed:
            if el.getparent() is not None:
                el.drop_tree()

    def _holds_report(self, el) -> bool:
        if el.tag in ("script", "style", "noscript", "template"):
            return False
        for t in el.iter("table"):
            if _is_data_table(t):
                return True
        heads = 0
        for node in el.iter():
            if isinstance(node.tag, str) and node.text and _SECTION.match(node.text):
                heads += 1
                if heads >= 2:
                    return True
        return False

    def choose(self, body):
        """(the element holding the report, its title element outside it or None)."""
        markers = []
        for el in body.iter():
            if not isinstance(el.tag, str):
                continue
            if el.tag == "table" and _is_data_table(el):
                markers.append(el)
            elif el.text and _SECTION.match(el.text):
                markers.append(el)
        if len(markers) < 2:
            return body, None
        container = markers[0]
        for m in markers[1:]:
            container = _common_ancestor(container, m)
        if container.tag == "table" and container.getparent() is not None:
            container = container.getparent()
        title = self._title_before(body, container)
        if title is not None:
            head = re.sub(r"\s+", "", container.text_content()[:300])
            if re.sub(r"\s+", "", title.text_content()) in head:
                title = None  # the body repeats its title
        return container, title

    def _title_before(self, body, container):
        found = None
        for el in body.iter():
            if el is container:
                break
            if not isinstance(el.tag, str):
                continue
            heading = el.tag in ("h1", "h2", "h3") or bool(_TITLE_CLASS.search(_classes(el)))
            if heading:
                t = re.sub(r"\s+", "", el.text_content())
                if 4 <= len(t) <= 80 and "报告" in t and not _has_ancestor(container, el):
                    found = el
        return found

    # -- writing ----------------------------------------------------------------------------

    def add(self, text: str | None) -> None:
        if not text:
            return
        if not self.buffer:
            self.buffer_origin = self.block_origin[-1]
        self.buffer.append(text)

    def flush(self) -> None:
        if self.buffer:
            line = _WS.sub(" ", "".join(self.buffer)).strip(" \u3000\u00a0")
            if line:
                self.out.text(line, self.buffer_origin or Origin())
                self.out.blank(self.buffer_origin or Origin())
        self.buffer = []

    def walk(self, el) -> None:
        tag = el.tag.lower() if isinstance(el.tag, str) else ""
        if tag == "br":
            self.flush()
            return
        if tag == "table" and _is_data_table(el):
            self.flush()
            self.table(el)
            return
        block = tag in _BLOCKS
        if block:
            self.flush()
            self.block_origin.append(self.origin(el))
        if tag == "pre":
            for piece in (el.text_content() or "").split("\n"):
                self.add(piece)
                self.flush()
        else:
            self.add(el.text)
            for child in el:
                self.walk(child)
                if child.tail:
                    self.add(child.tail)
        if block:
            self.flush()
            self.block_origin.pop()

    def table(self, table) -> None:
        rows = [tr for tr in table.iter("tr")]
        carry: dict[int, int] = {}  # grid column → rows still covered by a rowspan from above
        grid: list = []
        width = 0
        for r, tr in enumerate(rows):
            row_origin = self.origin(tr)
            cells: dict[int, tuple] = {}
            c = 0
            for td in tr:
                if not isinstance(td.tag, str) or td.tag.lower() not in ("td", "th"):
                    continue
                while carry.get(c, 0) > 0:
                    c += 1
                if c >= MAX_COLUMNS:
                    break
                rs = max(1, min(_span(td.get("rowspan")), len(rows) - r))
                cs = max(1, min(_span(td.get("colspan")), MAX_COLUMNS - c))
                cells[c] = (self.cell_text(td), self.origin(td), cs)
                for k in range(cs):
                    carry[c + k] = rs
                c += cs
            width = max(width, c, max((k + 1 for k, left in carry.items() if left > 0), default=0))
            for k in list(carry):  # this row is done
                carry[k] -= 1
                if carry[k] <= 0:
                    del carry[k]
            grid.append((row_origin, cells))
        if not width:
            return
        for r, (row_origin, cells) in enumerate(grid):
            texts, origins = [], []
            owner = None
            for c in range(width):
                if c in cells:
                    owner = c
                    texts.append(cells[c][0])
                    origins.append(cells[c][1])
                else:
                    texts.append("")
                    inside = owner is not None and owner + cells[owner][2] > c
                    origins.append(cells[owner][1] if inside else row_origin)
            if any(t.strip() for t in texts):
                self.out.row(texts, row_origin, origins)
        self.out.blank(row_origin)

    def cell_text(self, td) -> str:
        pieces: list[str] = [""]

        def go(el):
            tag = el.tag.lower() if isinstance(el.tag, str) else ""
            if tag == "br" or tag in _BLOCKS:
                pieces.append("")
            if tag and tag != "br":
                pieces[-1] += el.text or ""
                for child in el:
                    go(child)
                    pieces[-1] += child.tail or ""
            if tag in _BLOCKS:
                pieces.append("")

        pieces[-1] += td.text or ""
        for child in td:
            go(child)
            pieces[-1] += child.tail or ""
        return join_broken(_WS.sub(" ", p).strip(" \u3000\u00a0") for p in pieces)


def _span(value) -> int:
    try:
        return int(str(value).strip().rstrip(";"))
    except (TypeError, ValueError):
        return 1


def _has_ancestor(el, ancestor) -> bool:
    node = el.getparent()
    while node is not None:
        if node is ancestor:
            return True
        node = node.getparent()
    return False


def _common_ancestor(a, b):
    chain = set()
    node = a
    while node is not None:
        chain.add(node)
        node = node.getparent()
    node = b
    while node is not None:
        if node in chain:
            return node
        node = node.getparent()
    return a
