"""PDF into report text: the page's text lines, and its ruled tables as pipe rows.

The library: pypdfium2 (PDFium, the PDF engine of Chrome, as one self-contained wheel),
with our own table finder on its ruling lines. Measured against pdfplumber (pdfminer.six),
whose `find_tables()` is the reference ruling-line table finder, on the three real reports in
the corpus (101 淮安市 2024, 102 洪泽区 2023, 103 洪泽区 2024: 5 or 6 pages each, the three
statistics tables split over page breaks), median of 5 reads of the whole conversion (the same
writer after either engine; pdfplumber's own `extract_text_lines()` would add ~400 ms more):

    engine        101      102      103     golden cells matched (tables 二 / 三 / 四)
    pypdfium2     ~50 ms   ~55 ms   ~55 ms   all: 10/10, 175/175 or 161/161, 15/15
    pdfplumber    ~370 ms  ~385 ms  ~385 ms  all (the same cells)

(`tests/test_documents.py::test_speed` prints the current numbers.) Both find the same tables
and cells; pdfplumber spends its time in pdfminer's pure-Python parsing and layout analysis.
PDFium is about 7 times faster, is one wheel with no other package (pdfplumber itself
depends on pypdfium2, pdfminer.six and Pillow), and repairs broken files that pdfminer gives
up on. The price is the table finder here (step 2 below: the same method as pdfplumber's
"lines" strategy). The pdfplumber engine stays as `read_pdf(…, engine="pdfplumber")`, used
only where that package is installed, to compare against.

How a page is read:
1. Characters with their boxes (PDFium's loose boxes: the font's full height, so a line's
   characters line up whatever their glyph shapes; a loose box far bigger than the page's
   usual line height, from broken font metrics as on a vertically set label, is replaced by
   the glyph's own box centre at that height) and the page's drawn paths, cut into
   horizontal and vertical ruling segments (lines, rectangle sides, thin filled bars; curves
   and paths that are neither filled nor stroked are left out; edges shorter than 3 pt too).
   Coordinates are turned into the page as shown: origin top left, y down, /Rotate applied.
2. Rulings within 3 pt are snapped to one coordinate and joined where they touch; their
   crossings are the grid points; a cell is the smallest rectangle of four grid points whose
   sides are all ruled; cells sharing a corner form a table (as pdfplumber does).
3. Each table's distinct cell edges make its grid. A grid row held by one cell across the
   whole width is not a table row but text (a caption like 第二十条第（一）项, or a paragraph
   that a word processor framed in a box: WPS draws white boxes behind paragraphs, which
   would otherwise read as a one-column table). A table left with no row of two cells is text.
4. Every character goes to the cell holding its centre; the rest are the page's text, cut into
   lines where their vertical extents part, a space where PDFium saw a gap (its generated
   spaces, which match pdftotext's) or the gap is wider than a quarter of the line's height. Spaces between two CJK characters are dropped (justified text and spread-out
   labels like `总 计`); a cell's lines are joined (documents.join_broken).
5. The rest of the page's text may hold tables without rulings (borders turned off): text in
   columns, read by `_unruled_tables` from the characters' x positions (see there).
6. The page's text lines and table rows are written top to bottom; a merged cell's text in its
   first grid row and column only. Each output line's Origin: the page, the line's number among
   that page's output lines, and its box (x0, top, x1, bottom in points); a cell's Origin adds
   the table (on that page), the grid row and the grid column. Beside it, every character's box
   (Converted.boxes), so that a finding's origin is the union box of the characters it covers.
"""

from __future__ import annotations

import ctypes
import re

from ..support.disjoint import DisjointSets
from ..support.errors import ReadError
from .documents import CJK_GAP, MAX_PAGES, Builder, Converted, Origin, is_cjk, join_broken, squeeze_cjk_spaces

SNAP = 3.0  # rulings this close are one line (pdfplumber's snap_tolerance)
JOIN = 3.0  # collinear segments with a gap this small are one line (join_tolerance)
MEET = 3.0  # a vertical and a horizontal ruling this close meet (intersection_tolerance)
MIN_EDGE = 3.0  # shorter segments are not rulings (edge_min_length)
THIN = 2.5  # a filled rectangle this thin is a ruling drawn as a bar
MIN_TEXT_CHARS = 10  # fewer visible characters in the whole file: no text layer
# Bounds on one page's drawing (a vector map or a page of graph paper): past them the page's
# rulings are not looked at, and its text is read as lines.
MAX_PATH_OBJECTS = 20000
MAX_RULINGS = 1500  # joined rulings (a page of table 三 has about 45)
MAX_GRID_POINTS = 5000


def read_pdf(data: bytes, name: str, engine: str = "pdfium") -> Converted:
    """The PDF `data` as report text with a source map; ReadError for an unreadable one."""
    if engine == "pdfplumber":
        pages = _pages_pdfplumber(data, name)
    else:
        pages = _pages_pdfium(data, name)
    visible = sum(1 for p in pages for c in p.chars if not c[4].isspace())
    if visible < MIN_TEXT_CHARS:
        raise ReadError(f"{name}：PDF 没有文字层（可能是扫描件），请先用 OCR 转换，如 ocrmypdf")
    out = Builder()
    carry: dict = {}  # from one page to the next (see _unruled_tables)
    for number, page in enumerate(pages, 1):
        _write_page(out, number, page, carry)
    return out.finish("pdf", len(pages))


class _Page:
    """What a reader takes from one page: characters (x0, top, x1, bottom, text, whether a
    space stands before it), ruling
    segments, and optionally the cells of tables found by another finder."""

    __slots__ = ("chars", "h_edges", "v_edges", "tables")

    def __init__(self, chars, h_edges, v_edges, tables=None):
        self.chars = chars
        self.h_edges = h_edges  # (y, x0, x1)
        self.v_edges = v_edges  # (x, top, bottom)
        self.tables = tables  # None: find them here; else [[cell bbox, …], …]


# ---------------------------------------------------------------------------------------------
# PDFium


def _pages_pdfium(data: bytes, name: str) -> list[_Page]:
    import pypdfium2 as pdfium
    import pypdfium2.raw as R

    try:
        doc = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        code = getattr(exc, "err_code", None)
        if code == R.FPDF_ERR_PASSWORD:
            raise ReadError(f"{name}：PDF 已加密，无法读取文字（请提供未加密的版本）") from None
        if code == R.FPDF_ERR_SECURITY:
            raise ReadError(f"{name}：PDF 使用了不支持的加密方式，无法读取文字") from None
        raise ReadError(f"{name}：PDF 已损坏或格式无效，无法读取") from None
    try:
        n = len(doc)
        if n == 0:
            raise ReadError(f"{name}：PDF 没有页面")
        if n > MAX_PAGES:
            raise ReadError(f"{name}：PDF 有 {n} 页，超过 {MAX_PAGES} 页的上限，未检查（年度报告一般不超过 30 页）")
        pages = []
        for i in range(n):
            page = doc[i]
            try:
                pages.append(_read_pdfium_page(page, R))
            finally:
                page.close()
        return pages
    finally:
        doc.close()


def _transform(page):
    """A function (x, y) in PDF user space → (X, Y) on the page as shown, top left origin."""
    left, bottom, right, top = page.get_cropbox()
    w = right - left
    rot = page.get_rotation() % 360
    if rot == 90:
        return lambda x, y: (y - bottom, x - left)
    if rot == 180:
        return lambda x, y: (w - (x - left), y - bottom)
    if rot == 270:
        return lambda x, y: (top - y, w - (x - left))
    return lambda x, y: (x - left, top - y)


def _read_pdfium_page(page, R) -> _Page:
    to_page = _transform(page)
    textpage = page.get_textpage()
    chars = []
    try:
        tp = textpage.raw
        count = R.FPDFText_CountChars(tp)
        rect = R.FS_RECTF()
        left, right, bottom, top = (ctypes.c_double() for _ in range(4))
        tight = tuple(ctypes.byref(v) for v in (left, right, bottom, top))
        get_unicode, get_box, generated = R.FPDFText_GetUnicode, R.FPDFText_GetLooseCharBox, R.FPDFText_IsGenerated
        get_tight = R.FPDFText_GetCharBox
        ref = ctypes.byref(rect)
        raw_chars = []
        space = False  # PDFium saw a gap before the next character (a generated space)
        for i in range(count):
            code = get_unicode(tp, i)
            if generated(tp, i) == 1:
                if code == 32:
                    space = True
                elif code in (10, 13):
                    space = False
                continue  # made-up line breaks and spaces: we make our own lines
            if code in (0, 10, 13, 0xFFFE, 0xFFFF) or 0xD800 <= code <= 0xDFFF:
                continue
            if not get_box(tp, i, ref):
                continue
            l, t, r, b = rect.left, rect.top, rect.right, rect.bottom
            if not get_tight(tp, i, *tight):
                left.value, right.value, bottom.value, top.value = l, r, b, t
            raw_chars.append((l, t, r, b, left.value, right.value, bottom.value, top.value, chr(code), space))
            space = False
        # A loose box far bigger than the page's usual line height comes from broken font
        # metrics (seen on vertically set labels): the glyph's own box centre, at that height.
        heights = sorted(c[1] - c[3] for c in raw_chars)
        usual = heights[len(heights) // 2] if heights else 12.0
        for l, t, r, b, tl, tr, tb, tt, ch, sp in raw_chars:
            if r - l > 3 * usual or t - b > 3 * usual:
                cx, cy, half = (tl + tr) / 2, (tb + tt) / 2, usual / 2
                l, r, b, t = cx - half, cx + half, cy - half, cy + half
            xa, ya = to_page(l, t)
            xb, yb = to_page(r, b)
            x0, x1 = (xa, xb) if xa <= xb else (xb, xa)
            y0, y1 = (ya, yb) if ya <= yb else (yb, ya)
            chars.append((x0, y0, x1, y1, ch, sp))
    finally:
        textpage.close()
    h_edges, v_edges = [], []
    budget = [MAX_PATH_OBJECTS]
    _paths(R, page.raw, to_page, (1.0, 0.0, 0.0, 1.0, 0.0, 0.0), h_edges, v_edges, 0, R.FPDFPage_CountObjects, R.FPDFPage_GetObject, budget)
    if budget[0] < 0 or len(h_edges) + len(v_edges) > MAX_RULINGS * 4:
        h_edges, v_edges = [], []
    return _Page(chars, h_edges, v_edges)


def _compose(m, n):
    """Matrix m applied after n (PDF matrices a b c d e f)."""
    a, b, c, d, e, f = n
    A, B, C, D, E, F = m
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def _paths(R, parent, to_page, outer, h_edges, v_edges, depth, count_objects, get_object, budget):
    """Ruling segments of every path object under `parent` (a page or a form XObject), at
    most budget[0] objects (it goes negative when there were more)."""
    if depth > 8 or budget[0] < 0:
        return
    fill_mode, stroke = ctypes.c_int(), ctypes.c_int()
    matrix = R.FS_MATRIX()
    x, y = ctypes.c_float(), ctypes.c_float()
    for i in range(count_objects(parent)):
        budget[0] -= 1
        if budget[0] < 0:
            return
        obj = get_object(parent, i)
        kind = R.FPDFPageObj_GetType(obj)
        if kind == R.FPDF_PAGEOBJ_FORM:
            m = outer
            if R.FPDFPageObj_GetMatrix(obj, ctypes.byref(matrix)):
                m = _compose((matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f), outer)
            _paths(R, obj, to_page, m, h_edges, v_edges, depth + 1, R.FPDFFormObj_CountObjects, R.FPDFFormObj_GetObject, budget)
            continue
        if kind != R.FPDF_PAGEOBJ_PATH:
            continue
        if not R.FPDFPath_GetDrawMode(obj, ctypes.byref(fill_mode), ctypes.byref(stroke)):
            continue
        if fill_mode.value == 0 and not stroke.value:
            continue  # not painted (a clipping path)
        m = outer
        if R.FPDFPageObj_GetMatrix(obj, ctypes.byref(matrix)):
            m = _compose((matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f), outer)
        a, b, c, d, e, f = m
        points = []  # (X, Y, type, closes)
        for s in range(R.FPDFPath_CountSegments(obj)):
            seg = R.FPDFPath_GetPathSegment(obj, s)
            if not R.FPDFPathSegment_GetPoint(seg, ctypes.byref(x), ctypes.byref(y)):
                continue
            px, py = x.value, y.value
            X, Y = to_page(a * px + c * py + e, b * px + d * py + f)
            points.append((X, Y, R.FPDFPathSegment_GetType(seg), R.FPDFPathSegment_GetClose(seg)))
        _segments(points, R, bool(fill_mode.value) and not stroke.value, h_edges, v_edges)


def _segments(points, R, filled_only: bool, h_edges, v_edges):
    """Axis-parallel segments of one path; a thin filled bar becomes the line at its middle."""
    LINETO, MOVETO = R.FPDF_SEGMENT_LINETO, R.FPDF_SEGMENT_MOVETO
    segs = []
    start = prev = None
    for X, Y, kind, closes in points:
        if kind == MOVETO or prev is None:
            start = prev = (X, Y)
            continue
        if kind == LINETO:
            segs.append((prev, (X, Y)))
        prev = (X, Y)
        if closes and start is not None:
            segs.append((prev, start))
            prev = start
    if filled_only and len(points) >= 4:
        xs = [p[0] for p in points]
        ys = [p[1] for p in points]
        w, h = max(xs) - min(xs), max(ys) - min(ys)
        if h <= THIN and w > MIN_EDGE:  # a horizontal bar
            h_edges.append(((min(ys) + max(ys)) / 2, min(xs), max(xs)))
            return
        if w <= THIN and h > MIN_EDGE:
            v_edges.append(((min(xs) + max(xs)) / 2, min(ys), max(ys)))
            return
    for (x0, y0), (x1, y1) in segs:
        if abs(y1 - y0) < 0.5 and abs(x1 - x0) >= MIN_EDGE:
            h_edges.append(((y0 + y1) / 2, min(x0, x1), max(x0, x1)))
        elif abs(x1 - x0) < 0.5 and abs(y1 - y0) >= MIN_EDGE:
            v_edges.append(((x0 + x1) / 2, min(y0, y1), max(y0, y1)))


# ---------------------------------------------------------------------------------------------
# pdfplumber (the reference, for comparison: not a dependency)


def _pages_pdfplumber(data: bytes, name: str) -> list[_Page]:
    import io

    import pdfplumber

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except Exception as exc:
        if "password" in type(exc).__name__.lower() or "encrypt" in str(exc).lower():
            raise ReadError(f"{name}：PDF 已加密，无法读取文字（请提供未加密的版本）") from None
        raise ReadError(f"{name}：PDF 已损坏或格式无效，无法读取") from None
    with pdf:
        if len(pdf.pages) > MAX_PAGES:
            raise ReadError(f"{name}：PDF 有 {len(pdf.pages)} 页，超过 {MAX_PAGES} 页的上限，未检查")
        pages = []
        for page in pdf.pages:
            chars = [(c["x0"], c["top"], c["x1"], c["bottom"], c["text"], False) for c in page.chars]
            tables = [list(t.cells) for t in page.find_tables()]
            pages.append(_Page(chars, [], [], tables))
        return pages


# ---------------------------------------------------------------------------------------------
# Tables from rulings (the "lines" strategy of pdfplumber, after Anssi Nurminen's thesis)


def _snap(values: list[float]) -> dict[float, float]:
    """Each value → the mean of its cluster (values within SNAP of their neighbour)."""
    out: dict[float, float] = {}
    group: list[float] = []
    for v in sorted(set(values)):
        if group and v - group[-1] > SNAP:
            mean = sum(group) / len(group)
            out.update((g, mean) for g in group)
            group = []
        group.append(v)
    if group:
        mean = sum(group) / len(group)
        out.update((g, mean) for g in group)
    return out


def _join(edges):
    """(pos, start, end) segments: snapped on pos, joined where they touch."""
    snapped = _snap([e[0] for e in edges])
    by_pos: dict[float, list] = {}
    for pos, a, b in edges:
        by_pos.setdefault(snapped[pos], []).append((a, b))
    out = []
    for pos in sorted(by_pos):
        spans = sorted(by_pos[pos])
        a, b = spans[0]
        for a2, b2 in spans[1:]:
            if a2 <= b + JOIN:
                b = max(b, b2)
            else:
                out.append((pos, a, b))
                a, b = a2, b2
        out.append((pos, a, b))
    return out


def find_tables(h_edges, v_edges) -> list[list[tuple]]:
    """Tables (each a list of cell boxes (x0, top, x1, bottom)) from ruling segments."""
    hs = _join(h_edges)  # (y, x0, x1)
    vs = _join(v_edges)  # (x, top, bottom)
    if not hs or not vs or len(hs) + len(vs) > MAX_RULINGS:
        return []
    # grid points, with the rulings through each
    points: dict[tuple, tuple[set, set]] = {}
    for vi, (x, top, bottom) in enumerate(vs):
        for hi, (y, x0, x1) in enumerate(hs):
            if x0 - MEET <= x <= x1 + MEET and top - MEET <= y <= bottom + MEET:
                p = points.setdefault((x, y), (set(), set()))
                p[0].add(vi)
                p[1].add(hi)
    if not 4 <= len(points) <= MAX_GRID_POINTS:
        return []
    by_x: dict[float, list] = {}
    by_y: dict[float, list] = {}
    for x, y in points:
        by_x.setdefault(x, []).append(y)
        by_y.setdefault(y, []).append(x)
    for v in by_x.values():
        v.sort()
    for v in by_y.values():
        v.sort()

    def vertical(p, q):  # one vertical ruling runs from p to q
        return bool(points[p][0] & points[q][0])

    def horizontal(p, q):
        return bool(points[p][1] & points[q][1])

    cells = []
    for x, y in sorted(points, key=lambda p: (p[1], p[0])):
        p = (x, y)
        found = None
        for yb in by_x[x]:
            if yb <= y:
                continue
            below = (x, yb)
            if not vertical(p, below):
                continue
            for xr in by_y[y]:
                if xr <= x:
                    continue
                right = (xr, y)
                if not horizontal(p, right):
                    continue
                corner = (xr, yb)
                if corner in points and vertical(right, corner) and horizontal(below, corner):
                    found = (x, y, xr, yb)
                    break
            if found:
                break
        if found:
            cells.append(found)
    # cells sharing a corner are one table
    sets = DisjointSets(len(cells))
    owner: dict[tuple, int] = {}
    for i, (x0, t, x1, b) in enumerate(cells):
        for corner in ((x0, t), (x1, t), (x0, b), (x1, b)):
            j = owner.setdefault(corner, i)
            if j != i:
                sets.join(i, j)
    groups: dict[int, list] = {}
    for i, c in enumerate(cells):
        groups.setdefault(sets.root(i), []).append(c)
    tables = [g for g in groups.values() if len(g) >= 2]
    tables.sort(key=lambda g: (min(c[1] for c in g), min(c[0] for c in g)))
    return tables


class _Table:
    """A table's grid: its cells placed in rows and columns."""

    __slots__ = ("bbox", "xs", "ys", "cells", "chars")

    def __init__(self, boxes):
        sx = _snap([v for c in boxes for v in (c[0], c[2])])
        sy = _snap([v for c in boxes for v in (c[1], c[3])])
        self.xs = sorted(set(sx.values()))
        self.ys = sorted(set(sy.values()))
        ix = {v: i for i, v in enumerate(self.xs)}
        iy = {v: i for i, v in enumerate(self.ys)}
        cells = {}
        for x0, t, x1, b in boxes:
            r0, r1, c0, c1 = iy[sy[t]], iy[sy[b]], ix[sx[x0]], ix[sx[x1]]
            if r1 > r0 and c1 > c0 and (r0, c0) not in cells:
                cells[(r0, c0)] = (r1, c1, (x0, t, x1, b))
        self.cells = cells  # (row, col) of the top left → (end row, end col, box)
        self.bbox = (self.xs[0], self.ys[0], self.xs[-1], self.ys[-1])
        self.chars: dict[tuple, list] = {}

    def cell_at(self, x: float, y: float):
        """The (row, col) key of the cell holding the point, or None."""
        from bisect import bisect_right

        c = bisect_right(self.xs, x) - 1
        r = bisect_right(self.ys, y) - 1
        if not (0 <= r < len(self.ys) - 1 and 0 <= c < len(self.xs) - 1):
            return None
        for (r0, c0), (r1, c1, _) in self._covering(r, c):
            return (r0, c0)
        return None

    def _covering(self, r, c):
        hit = self.cells.get((r, c))
        if hit is not None:
            yield (r, c), hit
            return
        for (r0, c0), v in self.cells.items():
            r1, c1, _ = v
            if r0 <= r < r1 and c0 <= c < c1:
                yield (r0, c0), v
                return


def _rows_of(chars) -> list[list]:
    """Characters cut into lines where their vertical extents part: [top, bottom, chars left
    to right], top to bottom."""
    rows: list[list] = []  # [top, bottom, [chars]]
    for ch in sorted(chars, key=lambda c: (c[1] + c[3]) / 2):
        mid = (ch[1] + ch[3]) / 2
        for row in reversed(rows[-3:]):
            if row[0] <= mid <= row[1]:
                row[2].append(ch)
                break
        else:
            rows.append([ch[1], ch[3], [ch]])
    for row in rows:
        row[2].sort(key=lambda c: c[0])
    return rows


def _text_of(cs, height: float | None = None):
    """One line's characters (left to right) as (bbox, text, boxes), or None if blank;
    boxes[k] is the box of text[k] (None for a space put in here)."""
    if height is None:
        height = max(1.0, min(c[3] - c[1] for c in cs))
    parts, boxes = [], []
    last = None
    for c in cs:
        gap = last is not None and (c[5] or c[0] - last[2] > height * 0.25)
        if gap and parts[-1] != " " and c[4] != " ":
            parts.append(" ")
            boxes.append(None)
        parts.append(c[4])
        boxes.append(c[:4])
        last = c
    text, boxes = _squeezed("".join(parts), boxes)
    if not text:
        return None
    box = (min(c[0] for c in cs), min(c[1] for c in cs), max(c[2] for c in cs), max(c[3] for c in cs))
    return box, text, boxes


def _lines(chars):
    """Characters cut into lines: [(bbox, text, boxes)], top to bottom, each left to right."""
    return [t for t in (_text_of(cs) for _, _, cs in _rows_of(chars)) if t is not None]


def _squeezed(text: str, boxes: list) -> tuple[str, list]:
    """squeeze_cjk_spaces(text).strip(), with the boxes of the characters kept."""
    if len(boxes) != len(text):  # (a character PDFium gave as two code points)
        return squeeze_cjk_spaces(text).strip(), None
    gaps = [m.span() for m in CJK_GAP.finditer(text)]
    if gaps:
        t, b, at = [], [], 0
        for s, e in gaps:
            t.append(text[at:s])
            b.extend(boxes[at:s])
            at = e
        t.append(text[at:])
        b.extend(boxes[at:])
        text, boxes = "".join(t), b
    stripped = text.lstrip()
    lead = len(text) - len(stripped)
    stripped = stripped.rstrip()
    return stripped, boxes[lead : lead + len(stripped)]


def _joined(lines) -> tuple[str, list | None]:
    """join_broken of the lines' texts (a cell's lines), with their characters' boxes."""
    out, boxes = "", []
    for _, t, b in lines:
        if b is None:
            return join_broken(t for _, t, _ in lines), None
        if out and not (is_cjk(out[-1]) or is_cjk(t[0])):
            out += " "
            boxes.append(None)
        out += t
        boxes.extend(b)
    return out, boxes


# ---------------------------------------------------------------------------------------------
# Tables without rulings: text in columns (a table whose borders were turned off, a web page
# printed to PDF). Only the page's text outside ruled tables is looked at.
#
# A line is cut into segments where the gap between two characters is wider than COLUMN_GAP
# line heights (words and CJK text have gaps far below that; columns far above). A line with a
# number in a segment after its first (or of numbers only) is a DATA line. Consecutive data
# lines whose numbers stand in the same columns, with the label lines around them (inside the
# label area left of the first number, close to a data line or to each other), are one
# table; a table of one data line needs two numbers in it. Its columns come from the data
# lines, not from the header (whose labels are merged over columns and centred): value
# columns are the clusters of the numbers' centres, label columns the clusters of the left
# edges of the label segments. Each data line is a row. A label column's text is cut into
# cells at cell padding (a gap wider than WRAP_GAP line heights), where a new item starts
# (`（三）`, `2.`, `一、`) and where it reaches the next row's numbers; each cell goes to the
# row whose numbers stand beside it: the first data line within its height (text at the
# top of its cell starts there, text centred in its cell spans it, a merged cell's text goes
# to its first row), else the nearest one. The header lines stay text, as from a text copy
# (the report text's reader knows the official headers). A table split by a page break keeps
# its columns on the next page (see `carry`), and the end of a label wrapped over the break
# is a row of its own, as a ruled table's cell split by the break is.

COLUMN_GAP = 0.8
ROW_GAP = 4.0  # line heights between two data lines of one table, at most
WRAP_GAP = 1.5  # between a wrapped label's lines
_NUMBER = re.compile(r"[-+]?\d[\d,，]*(?:\.\d+)?%?")
_ITEM_START = re.compile(r"(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[)）]|\d+[.．、])")


def _aligned(seen: set, centres: list, height: float) -> bool:
    """Whether a data line's numbers (their centres) stand under those of the block (`seen`,
    rounded): one of them suffices, a row may leave cells empty."""
    tolerance = max(height, 4.0)
    return any(abs(x - y) <= tolerance for x in centres for y in seen)


def _segments_of(cs, height: float) -> list[list]:
    """A line's characters cut where the gap is a column's: [x0, x1, chars]."""
    segs: list[list] = []
    for c in cs:
        if c[4] == " ":
            continue
        if segs and c[0] - segs[-1][1] <= COLUMN_GAP * height:
            segs[-1][2].append(c)
            segs[-1][1] = max(segs[-1][1], c[2])
        else:
            segs.append([c[0], c[2], [c]])
    return segs


def _cluster(values: list[float], tolerance: float) -> list[float]:
    """Sorted values grouped where neighbours are within `tolerance`: each group's mean."""
    out, group = [], []
    for v in sorted(values):
        if group and v - group[-1] > tolerance:
            out.append(sum(group) / len(group))
            group = []
        group.append(v)
    if group:
        out.append(sum(group) / len(group))
    return out


def _unruled_tables(rows: list[list], first: int, carry: dict | None = None) -> tuple[list, set]:
    """Tables of text in columns among a page's lines (`_rows_of`): (row items for
    _write_page, the indexes of the lines they took). Tables are numbered from `first`.
    `carry["columns"]`: the columns of the previous page's last such table, taken over by this
    page's first one when its numbers stand in the same columns (a table split over a page
    break keeps its grid: the label columns of merged cells may have no text on this page);
    replaced by this page's last table's."""
    lines = []  # (top, bottom, height, segments, the segments' raw texts, value segment indexes)
    for top, bottom, cs in rows:
        height = max(1.0, min(c[3] - c[1] for c in cs))
        segs = _segments_of(cs, height)
        texts = ["".join(c[4] for c in seg[2]) for seg in segs]
        numeric = [k for k, t in enumerate(texts) if _NUMBER.fullmatch(t)] if len(segs) > 1 or texts and texts[0][:1].isdigit() else []
        values = numeric if len(numeric) == len(segs) else [k for k in numeric if k > 0]
        lines.append((top, bottom, height, segs, texts, values))
    items, taken = [], set()
    i, number = 0, first
    while i < len(lines):
        if not lines[i][5]:
            i += 1
            continue
        left = min(lines[i][3][k][0] for k in lines[i][5])  # the first number's left edge
        seen = {round((lines[i][3][k][0] + lines[i][3][k][1]) / 2) for k in lines[i][5]}  # numbers' centres
        block = _leading(lines, i, left) + [i]
        pending: list[int] = []  # label lines that may start the next row (centred cells)
        j = i + 1
        while j < len(lines):
            top, bottom, height, segs, texts, values = lines[j]
            prev = lines[(pending or block)[-1]]
            gap = (top - prev[1]) / max(height, prev[2])
            if values:
                # the next row (cell padding can be twice a small font's height), its numbers
                # under the block's columns
                centres = [(segs[k][0] + segs[k][1]) / 2 for k in values]
                if gap > (WRAP_GAP if pending else ROW_GAP) or not _aligned(seen, centres, height):
                    break
                left = min(left, min(segs[k][0] for k in values))
                seen.update(round(x) for x in centres)
                block.extend(pending)
                pending = []
            elif not _label_line(lines[j], left) or gap > ROW_GAP:
                break
            elif pending or gap > WRAP_GAP or _ITEM_START.match(texts[0]):
                # not the wrapped end of the label above: the start of the next row's label
                # (cells centred vertically), taken only if that row's numbers follow
                if pending and gap > WRAP_GAP:
                    break
                pending.append(j)
                j += 1
                continue
            block.append(j)
            j += 1
        j = block[-1] + 1
        data = [k for k in block if lines[k][5]]
        if len(data) >= 2 or len(lines[data[0]][5]) >= 2:
            carried = []
            if not items and carry is not None and carry.get("columns") is not None:
                carried = _carried_over(lines, block, carry["columns"])
                block = carried + block
            chosen = [lines[k] for k in block]
            columns = _columns(chosen)
            before = carry.get("columns") if carry is not None and not items else None
            if before is not None and _same_values(before, columns):
                labels = _cluster([*before[0], *columns[0]], columns[3])
                columns = (labels, columns[1], min(before[2], columns[2]), columns[3])
            items.extend(_unruled_rows(chosen, number, columns, len(carried)))
            if carry is not None:
                carry["columns"] = columns
            taken.update(block)
            number += 1
        i = j
    if carry is not None and not items:
        carry["columns"] = None
    return items, taken


def _label_line(line, left: float) -> bool:
    """A line of label text only, inside the label area (left of the numbers)."""
    segs = line[3]
    return bool(segs) and not line[5] and segs[-1][1] <= left - 0.5 * line[2]


def _leading(lines: list, i: int, left: float) -> list:
    """The label lines just above a table's first data line `i` that belong to its row (a
    label centred vertically on its numbers): close together and to it, in the label area."""
    out: list[int] = []
    k = i - 1
    while k >= 0 and _label_line(lines[k], left):
        below = lines[k + 1]
        if (below[0] - lines[k][1]) / max(lines[k][2], below[2]) > WRAP_GAP:
            break
        out.insert(0, k)
        if _ITEM_START.match(lines[k][4][0]):
            break  # the label's first line
        k -= 1
    return out if out and (_ITEM_START.match(lines[out[0]][4][0]) or len(out) < 3) else []


def _carried_over(lines: list, block: list, columns: tuple) -> list:
    """The lines at the top of a page, above its first table of text in columns, that end a
    label wrapped over the page break (inside the label area of the previous page's table,
    close together and to the table): [] when there are none."""
    first = block[0]
    if first == 0 or not _same_values(columns, _columns([lines[k] for k in block])):
        return []
    left = columns[2]
    for k in range(first):
        top, bottom, height, segs, texts, values = lines[k]
        below = lines[k + 1]
        gap = (below[0] - bottom) / max(height, below[2])
        if values or not segs or segs[-1][1] > left - 0.5 * height or _ITEM_START.match(texts[0]):
            return []
        if gap > (ROW_GAP if k + 1 == first else WRAP_GAP):
            return []
    return list(range(first))


def _columns(block: list) -> tuple:
    """(label columns' left edges, value columns' centres, the first number's left edge, the
    usual line height) of a table of text in columns."""
    height = sorted(line[2] for line in block)[len(block) // 2]
    value_x = [(line[3][k][0] + line[3][k][1]) / 2 for line in block for k in line[5]]
    values = _cluster(value_x, max(height, 4.0))
    left = min(line[3][k][0] for line in block for k in line[5])
    label_x = [seg[0] for line in block for k, seg in enumerate(line[3]) if k not in line[5] and seg[0] < left - 0.5 * height]
    return _cluster(label_x, height), values, left, height


def _same_values(a: tuple, b: tuple) -> bool:
    """Whether the value columns of b are among those of a (b may leave some empty)."""
    tolerance = max(a[3], b[3], 4.0)
    return bool(b[1]) and all(any(abs(x - y) <= tolerance for y in a[1]) for x in b[1])


def _unruled_rows(block: list, number: int, columns: tuple, carried: int = 0) -> list:
    """One table of text in columns as row items (see _unruled_tables); its first `carried`
    lines end a label of the previous page's table (a row of their own)."""
    labels, values, left, height = columns
    ncols = len(labels) + len(values)

    def column(seg, is_value: bool) -> int:
        if not is_value and seg[0] < left - 0.5 * height and labels:
            return max([k for k, x in enumerate(labels) if x <= seg[0] + height] or [0])
        centre = (seg[0] + seg[1]) / 2
        return len(labels) + min(range(len(values)), key=lambda k: abs(values[k] - centre))

    # rows: one per data line, and first the end of a label carried over a page break
    grid = []  # per row: [top, bottom, {column: [pieces]}]
    if carried:
        grid.append([block[0][0], block[carried - 1][1], {}])
    bands: dict[int, list] = {}  # label column -> its segments: (top, bottom, line height, segment, text)
    for n, (top, bottom, line_height, segs, texts, vals) in enumerate(block):
        if vals and n >= carried:
            grid.append([top, bottom, {}])
        for k, seg in enumerate(segs):
            col = column(seg, k in vals)
            if n < carried:
                grid[0][2].setdefault(col, []).append((seg, line_height))
            elif col >= len(labels) and vals:
                grid[-1][2].setdefault(col, []).append((seg, line_height))
            else:
                bands.setdefault(col, []).append((top, bottom, line_height, seg, texts[k]))
    # A label column's text, cut into cells at cell padding and where a new item starts
    # (`（三）`, `2.`), each cell going to the row whose numbers stand beside it: the first
    # data line within its height (top-aligned text starts at it, centred text spans it, a
    # merged cell's text goes to its first row), else the nearest one.
    rows = grid[1:] if carried else grid
    anchors = [(row[0], row[1]) for row in rows]  # the data lines' own extents
    for col, entries in bands.items():
        entries.sort(key=lambda e: (e[0], e[3][0]))
        cells: list[list] = []
        anchor_of: list = []  # per cell: the first data line its text stands beside
        for e in entries:
            at = next((r for r, (t, b) in enumerate(anchors) if t < e[1] and b > e[0]), None)
            if (
                not cells
                or (e[0] - cells[-1][-1][1]) / e[2] > WRAP_GAP
                or _ITEM_START.match(e[4])
                or at is not None and anchor_of[-1] is not None and at != anchor_of[-1]  # tight rows
            ):
                cells.append([e])
                anchor_of.append(at)
            else:
                cells[-1].append(e)
                if anchor_of[-1] is None:
                    anchor_of[-1] = at
        for cell in cells:
            top, bottom = cell[0][0], max(e[1] for e in cell)
            r = next((r for r, (t, b) in enumerate(anchors) if t < bottom and b > top), None)
            if r is None:
                centre = (top + bottom) / 2
                r = min(range(len(anchors)), key=lambda r: abs((anchors[r][0] + anchors[r][1]) / 2 - centre))
            hit = rows[r]
            hit[2].setdefault(col, []).extend((e[3], e[2]) for e in cell)
            hit[0], hit[1] = min(hit[0], top), max(hit[1], bottom)
    grid = [[top, bottom, {col: [t for t in (_text_of(seg[2], h) for seg, h in segs) if t is not None] for col, segs in cells.items()}]
            for top, bottom, cells in grid]
    x_left = min(seg[0] for line in block for seg in line[3])
    x_right = max(seg[1] for line in block for seg in line[3])
    items = []
    for r, (top, bottom, cells) in enumerate(grid, 1):
        texts, cell_boxes, char_boxes = [], [], []
        for col in range(ncols):
            pieces = cells.get(col, [])
            text, boxes = _joined(pieces) if pieces else ("", None)
            texts.append(text)
            char_boxes.append(boxes)
            if pieces:
                cell_boxes.append((min(p[0][0] for p in pieces), top, max(p[0][2] for p in pieces), bottom))
            else:
                cell_boxes.append((x_left, top, x_left, bottom) if col == 0 else (cell_boxes[-1][2], top, cell_boxes[-1][2], bottom))
        items.append((top, 0, "row", ((x_left, top, x_right, bottom), number, r, texts, cell_boxes, char_boxes)))
    return items


def _write_page(out: Builder, number: int, page: _Page, carry: dict | None = None) -> None:
    boxes = page.tables if page.tables is not None else find_tables(page.h_edges, page.v_edges)
    tables = [_Table(b) for b in boxes if b]
    free = []
    for ch in page.chars:
        if ch[4].isspace() and ch[4] != " ":
            continue
        cx, cy = (ch[0] + ch[2]) / 2, (ch[1] + ch[3]) / 2
        for t in tables:
            x0, t0, x1, b0 = t.bbox
            if x0 <= cx <= x1 and t0 <= cy <= b0:
                key = t.cell_at(cx, cy)
                if key is not None:
                    t.chars.setdefault(key, []).append(ch)
                    break
        else:
            free.append(ch)
    items = []  # (top, order, kind, payload)
    for ti, t in enumerate(tables, 1):
        ncols = len(t.xs) - 1
        texts = {k: _joined(_lines(cs)) for k, cs in t.chars.items()}
        for r in range(len(t.ys) - 1):
            # the cells across this grid row
            row_cells = []
            c = 0
            while c < ncols:
                hit = next(t._covering(r, c), None)
                if hit is None:
                    row_cells.append(None)
                    c += 1
                    continue
                (r0, c0), (r1, c1, box) = hit
                row_cells.append(((r0, c0), c1 - c))
                c = c1
            distinct = [rc for rc in row_cells if rc is not None]
            if len(distinct) <= 1:
                # one cell across the row: text, not a table row (a caption, a framed paragraph)
                if distinct and distinct[0][0][0] == r:
                    key = distinct[0][0]
                    free.extend(t.chars.get(key, ()))
                    t.chars.pop(key, None)
                continue
            cells, cell_boxes, char_boxes = [], [], []
            c = 0
            for rc in row_cells:
                if rc is None:
                    cells.append("")
                    cell_boxes.append((t.xs[c], t.ys[r], t.xs[c + 1], t.ys[r + 1]))
                    char_boxes.append(None)
                    c += 1
                    continue
                (r0, c0), span = rc
                box = t.cells[(r0, c0)][2]
                for k in range(span):
                    first = r0 == r and k == 0
                    text, boxes = texts.get((r0, c0), ("", None)) if first else ("", None)
                    cells.append(text)
                    char_boxes.append(boxes)
                    cell_boxes.append(box)
                c += span
            if not any(cells):
                continue
            bbox = (t.xs[0], t.ys[r], t.xs[-1], t.ys[r + 1])
            items.append((t.ys[r], 0, "row", (bbox, ti, r + 1, cells, cell_boxes, char_boxes)))
    rows = _rows_of(free)
    table_rows, taken = _unruled_tables(rows, len(tables) + 1, carry)
    items.extend(table_rows)
    for k, (_, _, cs) in enumerate(rows):
        line = None if k in taken else _text_of(cs)
        if line is not None:
            box, text, boxes = line
            items.append((box[1], 1, "text", (box, text, boxes)))
    items.sort(key=lambda it: (it[0], it[1]))
    previous = None
    for line, (_, _, kind, payload) in enumerate(items, 1):
        if kind == "text":
            box, text, boxes = payload
            if previous == "row":
                out.blank(Origin(page=number, line=line))
            out.text(text, Origin(page=number, line=line, bbox=_round(box)), boxes)
        else:
            bbox, ti, r, cells, cell_boxes, char_boxes = payload
            if previous == "text":
                out.blank(Origin(page=number, line=line))
            o = Origin(page=number, line=line, table=ti, row=r, bbox=_round(bbox))
            cell_origins = [
                Origin(page=number, line=line, table=ti, row=r, cell=j, bbox=_round(b)) for j, b in enumerate(cell_boxes, 1)
            ]
            out.row(cells, o, cell_origins, char_boxes)
        previous = kind


def _round(box) -> tuple:
    return tuple(round(v, 2) for v in box)
