"""Word (.docx) into report text: the body's paragraphs and tables, in document order.

The library: python-docx, for opening the package (the zip, its relationships, the main
document part wherever it is named) and its lxml element tree. The body is walked in document
order with our own code (`document.element.body.iterchildren()`), not with python-docx's
`paragraphs`/`tables` lists (which lose the order between them) nor `row.cells` (which
repeats a merged cell per grid column and ignores `w:gridBefore`): reading the official
template (3 tables) takes about 15 ms, and python-docx is imported only for a .docx.

- A paragraph is a line (its soft line breaks `w:br`/`w:cr` start new lines with the same
  origin), with a blank line after it; a blank paragraph is a blank line. Runs, hyperlinks,
  fields' shown results, tracked insertions and text boxes (the mc:Choice, not its Fallback
  copy) give the text; deleted text, field codes and page breaks do not.
- Automatic numbering (`w:numPr` on the paragraph or its style, numbering.xml) is written
  out: 一、 (chineseCounting), （一）, 1. … as Word shows it; a Word draft's section headings are
  often numbered that way, and the text reader needs the 一、 to see a section.
- A table row is a pipe row over the table's grid: `w:gridBefore` leaves empty cells in front,
  a `w:gridSpan` cell's text is written once and the columns it covers are empty, a
  `w:vMerge` continuation cell is empty (the text stands in the merge's first row). A cell's
  paragraphs (and any nested table) are joined as one cell (documents.join_broken).

Origins: `paragraph` (1-based, counting the body's paragraphs in document order, those in
tables not counted), or `table` (1-based, the body's tables), `row` (1-based) and `cell`
(1-based grid column).
"""

from __future__ import annotations

import io

from ..support.errors import ReadError
from .documents import MAX_DOCX_XML_BYTES, Builder, Converted, Origin, join_broken

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_W = "{%s}" % W
P, TBL, TR, TC, SDT, SDT_CONTENT, CUSTOM_XML = (_W + t for t in ("p", "tbl", "tr", "tc", "sdt", "sdtContent", "customXml"))
T, TAB, BR, CR, DEL = (_W + t for t in ("t", "tab", "br", "cr", "del"))
FALLBACK = "{%s}Fallback" % MC
VAL = _W + "val"
_CONTAINERS = (SDT, SDT_CONTENT, CUSTOM_XML, _W + "ins", _W + "smartTag")


def read_docx(data: bytes, name: str) -> Converted:
    """The .docx `data` as report text with a source map; ReadError for an unreadable one."""
    _check_zip(data, name)
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data))
    except PackageNotFoundError:
        raise ReadError(f"{name}：不是有效的 .docx 文件（缺少 Word 文档部件）") from None
    except KeyError as exc:
        raise ReadError(f"{name}：.docx 文件不完整（缺少 {exc.args[0] if exc.args else '部件'}）") from None
    numbering = _Numbering(document)
    out = Builder()
    walker = _Walker(out, numbering)
    walker.body(document.element.body)
    return out.finish("docx")


def _check_zip(data: bytes, name: str) -> None:
    """A zip bomb or a zip that is not a Word document: a clear message before any parsing."""
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            total = 0
            for info in z.infolist():
                total += info.file_size
                if info.filename.endswith(".xml") and info.file_size > MAX_DOCX_XML_BYTES:
                    raise ReadError(f"{name}：.docx 里的 {info.filename} 解压后过大（超过 {MAX_DOCX_XML_BYTES // (1024 * 1024)} MB），未检查")
            bad = z.testzip()
            if bad is not None:
                raise ReadError(f"{name}：.docx 文件已损坏（{bad} 校验失败）")
    except zipfile.BadZipFile:
        raise ReadError(f"{name}：.docx 文件已损坏（zip 压缩包无法打开）") from None
    except (NotImplementedError, RuntimeError) as exc:  # an encrypted or unsupported zip
        raise ReadError(f"{name}：.docx 文件无法解压（{exc}），可能已加密") from None


class _Walker:
    __slots__ = ("out", "numbering", "paragraphs", "tables")

    def __init__(self, out: Builder, numbering: "_Numbering"):
        self.out = out
        self.numbering = numbering
        self.paragraphs = 0
        self.tables = 0

    def body(self, element) -> None:
        for child in element.iterchildren():
            tag = child.tag
            if tag == P:
                self.paragraph(child)
            elif tag == TBL:
                self.table(child)
            elif tag in _CONTAINERS:
                self.body(child)

    def paragraph(self, p) -> None:
        self.paragraphs += 1
        origin = Origin(paragraph=self.paragraphs)
        lines = paragraph_lines(p, self.numbering)
        if not any(line.strip() for line in lines):
            self.out.blank(origin)
            return
        for line in lines:
            self.out.text(line.strip(" \u3000\u00a0"), origin)
        self.out.blank(origin)

    def table(self, tbl) -> None:
        self.tables += 1
        ti = self.tables
        rows = []
        for tr in _children(tbl, TR):
            rows.append(self.row(tr))
        width = max((len(r) for r in rows), default=0)
        if not width:
            return
        self.out.blank(Origin(table=ti))
        for ri, cells in enumerate(rows, 1):
            texts = [c for c in cells] + [""] * (width - len(cells))
            if not any(t.strip() for t in texts):
                continue
            origins = [Origin(table=ti, row=ri, cell=ci) for ci in range(1, width + 1)]
            self.out.row(texts, Origin(table=ti, row=ri), origins)
        self.out.blank(Origin(table=ti))

    def row(self, tr) -> list[str]:
        cells: list[str] = []
        pr = tr.find(_W + "trPr")
        if pr is not None:
            before = pr.find(_W + "gridBefore")
            if before is not None:
                cells.extend([""] * _int(before.get(VAL), 0))
        for tc in _children(tr, TC):
            span, continued = 1, False
            tcpr = tc.find(_W + "tcPr")
            if tcpr is not None:
                gs = tcpr.find(_W + "gridSpan")
                if gs is not None:
                    span = max(1, min(_int(gs.get(VAL), 1), 64))
                vm = tcpr.find(_W + "vMerge")
                if vm is not None and vm.get(VAL, "continue") != "restart":
                    continued = True
            text = "" if continued else self.cell_text(tc)
            cells.append(text)
            cells.extend([""] * (span - 1))
        return cells

    def cell_text(self, tc) -> str:
        pieces = []
        for child in _blocks(tc):
            if child.tag == P:
                pieces.extend(paragraph_lines(child, self.numbering))
            else:  # a nested table: its cells' text, row by row
                for tr in _children(child, TR):
                    for inner in _children(tr, TC):
                        pieces.append(self.cell_text(inner))
        return join_broken(pieces)


def _children(element, tag):
    """Children with this tag, looking through content controls and custom XML."""
    for child in element.iterchildren():
        if child.tag == tag:
            yield child
        elif child.tag in _CONTAINERS:
            yield from _children(child, tag)


def _blocks(element):
    """The paragraphs and tables directly in a cell (through content controls)."""
    for child in element.iterchildren():
        if child.tag in (P, TBL):
            yield child
        elif child.tag in _CONTAINERS:
            yield from _blocks(child)


def _int(value, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def paragraph_lines(p, numbering: "_Numbering | None" = None) -> list[str]:
    """The text of a w:p as the lines Word shows (soft breaks split it), numbering included."""
    lines = [""]
    prefix = numbering.label(p) if numbering is not None else ""
    if prefix:
        lines[0] = prefix
    for el in p.iter(T, TAB, BR, CR):
        tag = el.tag
        if _inside_skipped(el, p):
            continue
        if tag == T:
            lines[-1] += el.text or ""
        elif tag == TAB:
            if el.getparent() is not None and el.getparent().tag == _W + "r":
                lines[-1] += "\t"
        elif tag == BR:
            if el.get(_W + "type") in (None, "textWrapping"):
                lines.append("")
        elif tag == CR:
            lines.append("")
    return lines


def _inside_skipped(el, stop) -> bool:
    """Inside deleted text or the Fallback copy of a drawing (below `stop`). (Field codes
    and deleted runs have tags of their own, w:instrText and w:delText: never read.)"""
    node = el.getparent()
    while node is not None and node is not stop:
        if node.tag in (DEL, FALLBACK, _W + "pPr", _W + "rPr"):
            return True
        node = node.getparent()
    return False


# ---------------------------------------------------------------------------------------------
# Automatic numbering


def _chinese(n: int) -> str:
    digits = "零一二三四五六七八九"
    if n <= 0:
        return str(n)
    if n < 10:
        return digits[n]
    if n < 20:
        return "十" + (digits[n % 10] if n % 10 else "")
    if n < 100:
        return digits[n // 10] + "十" + (digits[n % 10] if n % 10 else "")
    return str(n)


def _roman(n: int) -> str:
    out = ""
    for value, sym in ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):
        while n >= value:
            out += sym
            n -= value
    return out


def _letters(n: int) -> str:
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1) if n > 0 else ""


def format_number(n: int, fmt: str) -> str:
    """A list counter in one of Word's number formats (the ones reports use)."""
    if fmt in ("chineseCounting", "chineseCountingThousand", "chineseLegalSimplified", "ideographDigital", "taiwaneseCounting", "taiwaneseCountingThousand"):
        return _chinese(n)
    if fmt == "ideographTraditional":
        return "甲乙丙丁戊己庚辛壬癸"[(n - 1) % 10] if n > 0 else ""
    if fmt == "decimalEnclosedCircle" or fmt == "decimalEnclosedCircleChinese":
        return chr(0x2460 + n - 1) if 1 <= n <= 20 else str(n)
    if fmt == "decimalFullWidth":
        return "".join(chr(0xFF10 + int(d)) for d in str(n))
    if fmt == "lowerLetter":
        return _letters(n)
    if fmt == "upperLetter":
        return _letters(n).upper()
    if fmt == "lowerRoman":
        return _roman(n)
    if fmt == "upperRoman":
        return _roman(n).upper()
    if fmt in ("none", "bullet"):
        return ""
    return str(n)  # decimal, decimalZero and the rest


class _Numbering:
    """Word's automatic list numbering, counted in document order."""

    def __init__(self, document):
        self.levels: dict[str, dict[int, tuple]] = {}  # numId → ilvl → (start, numFmt, lvlText, suff)
        self.abstract_of: dict[str, str] = {}
        self.counters: dict[str, list[int]] = {}  # abstractNum → counters per level
        self.style_num: dict[str, tuple[str, int]] = {}  # style id → (numId, ilvl)
        try:
            self._load(document)
        except Exception:  # numbering is a nicety: a document whose numbering we cannot read still reads
            self.levels = {}

    def _load(self, document) -> None:
        numbering = None
        for rel in document.part.rels.values():
            if rel.reltype.endswith("/numbering") and not rel.is_external:
                numbering = rel.target_part
                break
        if numbering is not None:
            from lxml import etree

            root = numbering.element if hasattr(numbering, "element") else etree.fromstring(numbering.blob)
            abstracts = {}
            for an in root.iterchildren(_W + "abstractNum"):
                lv = {}
                for lvl in an.iterchildren(_W + "lvl"):
                    lv[_int(lvl.get(_W + "ilvl"), 0)] = _level(lvl)
                abstracts[an.get(_W + "abstractNumId")] = lv
            for num in root.iterchildren(_W + "num"):
                num_id = num.get(_W + "numId")
                ref = num.find(_W + "abstractNumId")
                aid = ref.get(VAL) if ref is not None else None
                lv = dict(abstracts.get(aid, {}))
                for ov in num.iterchildren(_W + "lvlOverride"):
                    il = _int(ov.get(_W + "ilvl"), 0)
                    lvl = ov.find(_W + "lvl")
                    if lvl is not None:
                        lv[il] = _level(lvl)
                    so = ov.find(_W + "startOverride")
                    if so is not None and il in lv:
                        s = lv[il]
                        lv[il] = (_int(so.get(VAL), 1),) + s[1:]
                self.levels[num_id] = lv
                self.abstract_of[num_id] = num_id if num.find(_W + "lvlOverride") is not None else (aid or num_id)
        styles = document.styles.element
        based = {}
        for st in styles.iterchildren(_W + "style"):
            sid = st.get(_W + "styleId")
            b = st.find(_W + "basedOn")
            if b is not None:
                based[sid] = b.get(VAL)
            ppr = st.find(_W + "pPr")
            npr = ppr.find(_W + "numPr") if ppr is not None else None
            if npr is not None:
                nid = npr.find(_W + "numId")
                il = npr.find(_W + "ilvl")
                if nid is not None:
                    self.style_num[sid] = (nid.get(VAL), _int(il.get(VAL), 0) if il is not None else 0)
        for sid in list(based):  # a style inherits its base's numbering
            seen, cur = set(), sid
            while cur not in self.style_num and cur in based and cur not in seen:
                seen.add(cur)
                cur = based[cur]
            if cur in self.style_num and sid not in self.style_num:
                self.style_num[sid] = self.style_num[cur]

    def label(self, p) -> str:
        """The number Word shows before paragraph `p` ("" if none), counting it."""
        if not self.levels:
            return ""
        ppr = p.find(_W + "pPr")
        num_id, ilvl = None, 0
        if ppr is not None:
            npr = ppr.find(_W + "numPr")
            if npr is not None:
                nid = npr.find(_W + "numId")
                il = npr.find(_W + "ilvl")
                num_id = nid.get(VAL) if nid is not None else None
                ilvl = _int(il.get(VAL), 0) if il is not None else 0
            if num_id is None:
                ps = ppr.find(_W + "pStyle")
                if ps is not None and ps.get(VAL) in self.style_num:
                    num_id, il2 = self.style_num[ps.get(VAL)]
                    if npr is None or npr.find(_W + "ilvl") is None:
                        ilvl = il2
        if num_id is None or num_id == "0" or num_id not in self.levels:
            return ""
        levels = self.levels[num_id]
        if ilvl not in levels:
            return ""
        key = self.abstract_of.get(num_id, num_id)
        counters = self.counters.setdefault(key, [0] * 9)
        while len(counters) <= ilvl:
            counters.append(0)
        start = levels[ilvl][0]
        counters[ilvl] = start if counters[ilvl] < start else counters[ilvl] + 1
        for deeper in range(ilvl + 1, len(counters)):
            counters[deeper] = 0
        _, fmt, text, suff = levels[ilvl]
        if fmt == "bullet":
            return ""
        out = text
        for lv in range(ilvl, -1, -1):
            if f"%{lv + 1}" in out:
                n = counters[lv] if counters[lv] else (levels[lv][0] if lv in levels else 1)
                f = levels[lv][1] if lv in levels else "decimal"
                out = out.replace(f"%{lv + 1}", format_number(n, f))
        if out and suff == "space":
            out += " "
        return out


def _level(lvl) -> tuple:
    def val(tag, default):
        el = lvl.find(_W + tag)
        return el.get(VAL, default) if el is not None else default

    return (_int(val("start", "1"), 1), val("numFmt", "decimal"), val("lvlText", ""), val("suff", "tab"))
