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
5. The page's text lines and table rows are written top to bottom; a merged cell's text in its
   first grid row and column only. Each output line's Origin: the page, the line's number among
   that page's output lines, and its box (x0, top, x1, bottom in points); a cell's Origin adds
   the table (on that page), the grid row and the grid column.
"""

from __future__ import annotations

import ctypes

from ..support.errors import ReadError
from .documents import MAX_PAGES, Builder, Converted, Origin, join_broken, squeeze_cjk_spaces

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
    for number, page in enumerate(pages, 1):
        _write_page(out, number, page)
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
    parent = list(range(len(cells)))

    def root(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner: dict[tuple, int] = {}
    for i, (x0, t, x1, b) in enumerate(cells):
        for corner in ((x0, t), (x1, t), (x0, b), (x1, b)):
            j = owner.setdefault(corner, i)
            if j != i:
                parent[root(i)] = root(j)
    groups: dict[int, list] = {}
    for i, c in enumerate(cells):
        groups.setdefault(root(i), []).append(c)
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


def _lines(chars):
    """Characters cut into lines: [(bbox, text)], top to bottom, each left to right."""
    rows: list[list] = []  # [top, bottom, [chars]]
    for ch in sorted(chars, key=lambda c: (c[1] + c[3]) / 2):
        mid = (ch[1] + ch[3]) / 2
        for row in reversed(rows[-3:]):
            if row[0] <= mid <= row[1]:
                row[2].append(ch)
                break
        else:
            rows.append([ch[1], ch[3], [ch]])
    out = []
    for top, bottom, cs in rows:
        cs.sort(key=lambda c: c[0])
        height = max(1.0, min(c[3] - c[1] for c in cs))
        parts = []
        last = None
        for c in cs:
            gap = last is not None and (c[5] or c[0] - last[2] > height * 0.25)
            if gap and parts[-1] != " " and c[4] != " ":
                parts.append(" ")
            parts.append(c[4])
            last = c
        text = squeeze_cjk_spaces("".join(parts)).strip()
        if text:
            box = (min(c[0] for c in cs), min(c[1] for c in cs), max(c[2] for c in cs), max(c[3] for c in cs))
            out.append((box, text))
    return out


def _write_page(out: Builder, number: int, page: _Page) -> None:
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
        texts = {k: join_broken(txt for _, txt in _lines(cs)) for k, cs in t.chars.items()}
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
            cells, cell_boxes = [], []
            c = 0
            for rc in row_cells:
                if rc is None:
                    cells.append("")
                    cell_boxes.append((t.xs[c], t.ys[r], t.xs[c + 1], t.ys[r + 1]))
                    c += 1
                    continue
                (r0, c0), span = rc
                box = t.cells[(r0, c0)][2]
                for k in range(span):
                    first = r0 == r and k == 0
                    cells.append(texts.get((r0, c0), "") if first else "")
                    cell_boxes.append(box)
                c += span
            if not any(cells):
                continue
            bbox = (t.xs[0], t.ys[r], t.xs[-1], t.ys[r + 1])
            items.append((t.ys[r], 0, "row", (bbox, ti, r + 1, cells, cell_boxes)))
    for box, text in _lines(free):
        items.append((box[1], 1, "text", (box, text)))
    items.sort(key=lambda it: (it[0], it[1]))
    previous = None
    for line, (_, _, kind, payload) in enumerate(items, 1):
        if kind == "text":
            box, text = payload
            if previous == "row":
                out.blank(Origin(page=number, line=line))
            out.text(text, Origin(page=number, line=line, bbox=_round(box)))
        else:
            bbox, ti, r, cells, cell_boxes = payload
            if previous == "text":
                out.blank(Origin(page=number, line=line))
            o = Origin(page=number, line=line, table=ti, row=r, bbox=_round(bbox))
            cell_origins = [
                Origin(page=number, line=line, table=ti, row=r, cell=j, bbox=_round(b)) for j, b in enumerate(cell_boxes, 1)
            ]
            out.row(cells, o, cell_origins)
        previous = kind


def _round(box) -> tuple:
    return tuple(round(v, 2) for v in box)
