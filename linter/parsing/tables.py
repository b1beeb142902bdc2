"""Interpret the lines of a statistics-table region into the official template grid.

Real tables reach us flattened in many shapes: pipe rows (`规章 | 0 | 0 | 0 |`), one cell per
line (with or without trailing pipes and blank lines between), whitespace-aligned PDF text
with wrapped labels and page numbers, Markdown pipe tables whose labels were split off, and
crawls with the cells run together. All of them are first reduced to one stream of *raw
rows* — numbers with the label fragments around them — and the raw rows are then aligned
with the template rows in order (a monotone alignment maximising label likeness), so that
an unlabelled or garbled row is still placed by its neighbours, and a row with a missing cell
is kept and marked instead of being shifted into the next row.
"""

from __future__ import annotations

import re

from . import labels
from . import lines as L
from .cells import ColumnKind, is_number_token, needs_split, parse_value, split_candidates, sum_check
from ..model.line import Line
from ..model.document import Cell, RowMatch, Table
from ..support.record import Record, factory, replace
from ..reading.source import Source, Span
from ..model.templates import RowTemplate, TableTemplate

# Characters a numeric tail may hold (digits, separators, signs, units).
_TAIL_CHARS = "0123456789 .,-+/／—\t\u3000\u00a0元万%"
_WS = re.compile(r"[^ \t\u3000\u00a0]+")


class Frag(Record):
    """A piece of label text."""

    text: str
    line: int
    start: int  # 0-based columns on the physical line
    end: int
    cell: int = -1  # which cell of a pipe row it is in (-1: not in a pipe row)


class Tok(Record):
    """A number as written (possibly several cells run together)."""

    text: str
    line: int
    start: int
    end: int
    note: str = ""  # a note written after the number in its cell: `22（其中修订 16 件）`


# A note in brackets right after a cell's number (`22（其中修订 16 件）`, `55(含自然失效29件)`):
# the number is the cell, the note is reported (XG313) and read no further.
_NOTE = re.compile(r"(?<=\d)[ \u3000]?[（(][^（）()\n|]{1,30}[）)]")


class RawRow(Record):
    toks: list[Tok]
    own: Frag | None = None  # the label on the same line (or the label line right before a run)
    lead: list[Frag] = factory(list)  # group labels in earlier cells of its line
    pre: list[Frag] = factory(list)  # other fragments since the previous row
    post: list[Frag] = factory(list)  # fragments after it, before the next row
    hard: bool = True  # the whole row stood on one line
    attached: bool = False  # digits glued to the label (a crawl)


# ---------------------------------------------------------------------------------------------
# Lines → events


def _split_tail(text: str) -> tuple[str, str, int, bool]:
    """Split `text` into (label, numeric tail, tail start, attached)."""
    i = len(text.rstrip(_TAIL_CHARS))
    tail = text[i:]
    if not any(map(str.isdigit, tail)):
        return text, "", len(text), False
    # The tail must start with a number (not with a unit or a stray separator).
    j = 0
    while j < len(tail) and not (tail[j].isdigit() or (tail[j] in "-+" and j + 1 < len(tail) and tail[j + 1].isdigit())):
        j += 1
    i += j
    tail = text[i:]
    label = text[:i]
    attached = bool(label) and not label[-1].isspace()
    if attached and label and label[-1] in "第":
        return text, "", len(text), False
    return label, tail, i, attached


def _noted(events: list[tuple], text: str, col: int) -> list[tuple]:
    """The events of a line read with its cells' notes blanked out, each number that had a
    note given it back (a label's own brackets, `（二）部分公开`, are never notes: no digit
    before them)."""
    notes = {col + m.start(): m.group() for m in _NOTE.finditer(text)}

    def give(tok: Tok) -> Tok:
        note = notes.get(tok.end)
        return replace(tok, note=note) if note else tok

    out = []
    for ev, item in events:
        if ev == "soft":
            item = give(item)
        elif ev == "hard":
            item = replace(item, toks=[give(t) for t in item.toks])
        out.append((ev, item))
    return out


_SPACES = frozenset(" \t\u3000\u00a0")  # what _WS splits at


def _tokens(text: str, offset: int, line: int) -> list[Tok]:
    if text and _SPACES.isdisjoint(text):
        return [Tok(text, line, offset, offset + len(text))]  # the usual one number: no regex
    return [Tok(m.group(), line, offset + m.start(), offset + m.end()) for m in _WS.finditer(text)]


# A line's events, in order: ("frag", Frag) a label piece, ("soft", Tok) a number alone,
# ("hard", RawRow) a row on one line, ("end", None) a row's end mark. (Plain tuples: a table
# region has hundreds, each read once: by raw_rows, or by table 四's _interpret_flattened.)


# Lines that hold no event.
_SILENT = frozenset((L.BLANK, L.COMMENT, L.PAGE_NUMBER, L.MD_RULE, L.MD_HEADING))


def _line_events(line: Line) -> list[tuple]:
    kind, text, ln, col = line.kind, line.text, line.lineno, line.col
    if kind in _SILENT:
        return []
    if ("（" in text or "(" in text) and _NOTE.search(text):
        return _noted(_line_events(Line(kind, _NOTE.sub(lambda m: " " * len(m.group()), text), ln, col)), text, col)
    if kind == L.PIPE_ROW:
        return _pipe_events(text, ln, col)
    if kind == L.NUMBER_LINE:
        toks = _tokens(text, col, ln)
        if len(toks) == 1:
            return [("soft", toks[0])]
        return [("hard", RawRow(toks))]
    label, tail, at, attached = _split_tail(text)
    if col:  # a piece of a crawl's one-line body (see unfold.py): its separators are unreliable
        attached = True
    if tail:
        toks = _tokens(tail, col + at, ln)
        frag = None
        if label.strip():
            lead = len(label) - len(label.lstrip())
            frag = Frag(label.strip(), ln, col + lead, col + len(label.rstrip()))
        return [("hard", RawRow(toks, own=frag, attached=attached))]
    if not text.strip():
        return []
    lead = len(text) - len(text.lstrip())
    return [("frag", Frag(text.strip(), ln, col + lead, col + len(text.rstrip())))]


def _pipe_events(text: str, ln: int, col: int) -> list[tuple]:
    bar = text.find("|")
    head, rest = text[:bar], text[bar + 1 :]
    cell = head.strip()
    if cell and not rest.strip(" \t|\u3000"):
        # The common one-cell line: "0 |", "规章 |", or "0 | ||" (a row end).
        lead = len(head) - len(head.lstrip())
        a, b = col + lead, col + lead + len(cell)
        if is_number_token(cell):
            events = [("soft", Tok(cell, ln, a, b))]
        else:
            events = [("frag", Frag(cell, ln, a, b))]
        if "|" in rest:
            events.append(("end", None))
        return events
    pieces = text.split("|")
    if text.lstrip().startswith("|"):
        return _markdown_events(pieces, text.rstrip().endswith("|"), ln, col)
    # one per cell: stripped text, start, end (0-based on the line), whether it is a number
    # (each cell's text is stripped and judged once: a table region has thousands of cells)
    cells: list[tuple[str, int, int, bool]] = []
    marker = False
    seen = False
    pos = col
    last = len(pieces) - 1
    for i, piece in enumerate(pieces):
        stripped = piece.strip()
        if stripped:
            a = pos + len(piece) - len(piece.lstrip())
            cells.append((stripped, a, a + len(stripped), is_number_token(stripped)))
            seen = True
        elif i < last or not seen:
            marker = True  # "0 | |", "|||": an empty cell outside Markdown ends a row
        pos += len(piece) + 1
    first_num = next((k for k, c in enumerate(cells) if c[3]), None)
    events: list[tuple] = []
    if len(cells) >= 2 and first_num is not None:
        toks = [Tok(c[0], ln, c[1], c[2]) for c in cells[first_num:] if c[3]]
        events.append(("hard", _labelled_row(toks, [Frag(c[0], ln, c[1], c[2]) for c in cells[:first_num]])))
    else:
        for c in cells:
            if c[3]:
                events.append(("soft", Tok(c[0], ln, c[1], c[2])))
            else:
                events.append(("frag", Frag(c[0], ln, c[1], c[2])))
    if marker:
        events.append(("end", None))
    return events


def _markdown_events(pieces: list[str], closed: bool, ln: int, col: int) -> list[tuple]:
    """The events of a Markdown row split at its bars (`closed`: it ends with one). Its label
    cells are those before its first number; after that, an empty cell is a blank cell."""
    pos = col + len(pieces[0]) + 1
    frags: list[Frag] = []
    toks: list[Tok] | None = None  # (None until the first number)
    for k, piece in enumerate(pieces[1 : len(pieces) - 1 if closed else len(pieces)]):
        stripped = piece.strip()
        if stripped:
            a = pos + len(piece) - len(piece.lstrip())
            if toks is not None:
                if is_number_token(stripped):
                    toks.append(Tok(stripped, ln, a, a + len(stripped)))
            elif is_number_token(stripped):
                toks = [Tok(stripped, ln, a, a + len(stripped))]
            else:
                frags.append(Frag(stripped, ln, a, a + len(stripped), k))
        elif toks is not None:
            toks.append(Tok("", ln, pos, pos + len(piece)))
        pos += len(piece) + 1
    if toks is None:
        return [("frag", f) for f in frags]
    return [("hard", _labelled_row(toks, frags))]


def _labelled_row(toks: list[Tok], frags: list[Frag]) -> RawRow:
    """A row whose label cells precede its numbers: the last one is its own label, earlier
    ones are group labels (`三、本年度办理结果 | (一)予以公开 | 0 | …`)."""
    if not frags:
        return RawRow(toks)
    return RawRow(toks, own=frags[-1], lead=frags[:-1])


def run_width_of(table_key: str) -> int:
    """Cells per row of a table printed one cell per line (0: rows differ in width)."""
    return 7 if table_key == "applications" else 0


def raw_rows(lines: list[Line], run_width: int = 0) -> tuple[list[RawRow], list[Tok]]:
    """Group the region's lines into raw rows. Returns (rows, stray numbers dropped as noise).

    `run_width`: when > 0, a run of one-cell-per-line numbers that is a multiple of it with
    no label in between is cut into rows of that width.
    """
    events: list[tuple] = []
    for line in lines:
        if line.kind not in _SILENT:  # (a third of a region's lines are blank: no call for them)
            events.extend(_line_events(line))
    kinds = [kind for kind, _ in events]
    hard = kinds.count("hard")
    soft = kinds.count("soft")
    rows_mode = hard >= 3 and hard >= soft
    rows: list[RawRow] = []
    strays: list[Tok] = []
    pending: list[Frag] = []
    run: list[Tok] = []
    run_label: Frag | None = None
    run_pre: list[Frag] = []

    def flush_run() -> None:
        nonlocal run, run_label, run_pre
        if not run:
            return
        chunks = [run]
        if run_width and len(run) > run_width and len(run) % run_width == 0:
            chunks = [run[i : i + run_width] for i in range(0, len(run), run_width)]
        for k, chunk in enumerate(chunks):
            row = RawRow(list(chunk), own=run_label if k == 0 else None, pre=run_pre if k == 0 else [], hard=False)
            if rows and k == 0:
                rows[-1].post = list(run_pre) + ([run_label] if run_label else [])
            rows.append(row)
        run, run_label, run_pre = [], None, []

    for kind, e in events:
        if kind == "frag":
            if run:
                flush_run()
                pending.clear()
            pending.append(e)
        elif kind == "soft":
            if rows_mode:
                strays.append(e)
                continue
            if not run:
                run_label = pending[-1] if pending else None
                run_pre = pending[:-1]
                if rows and (pending):
                    rows[-1].post = list(pending)
                pending = []
            run.append(e)
        elif kind == "end":
            flush_run()
        else:  # hard
            flush_run()
            row = e
            row.pre = list(pending) + row.lead
            if rows:
                rows[-1].post = list(pending)
            rows.append(row)
            pending = []
    flush_run()
    if rows and pending:
        rows[-1].post = list(pending)
    return rows, strays


# ---------------------------------------------------------------------------------------------
# Alignment of raw rows with template rows



def _per_template(make):
    """Cache a function of a template part (its rows, a row) by identity: templates live as
    long as the process, and hashing their nested records would cost more than the function."""
    memo: dict[int, tuple] = {}

    def cached(rows):
        hit = memo.get(id(rows))
        if hit is None or hit[0] is not rows:
            hit = memo[id(rows)] = (rows, make(rows))
        return hit[1]

    return cached


@_per_template
def _template_cores(rows: tuple[RowTemplate, ...]) -> tuple[tuple[str, ...], ...]:
    out = []
    for r in rows:
        cores = [labels.core(r.label)] + [labels.core(a) for a in r.aliases]
        out.append(tuple(c for c in cores if c))
    return tuple(out)


def _label_scores(raw: RawRow, cores: list[list[str]], exact: dict[str, int]) -> list[float]:
    """Likeness of the raw row's label context to each template row."""
    n = len(cores)
    if raw.own is not None:
        hit = exact.get(_own_core(raw))
        if hit is not None:
            out = [0.0] * n
            out[hit] = 1.0
            return out
    candidates = _label_candidates(raw)
    return [_best_likeness(candidates, cands) for cands in cores]


def _column_run(raw: RawRow) -> list[str]:
    """Cores of the pieces of the row's own label cell wrapped onto the lines after it (a drawn
    table, a PDF column): they start in the same column, with other columns' pieces between."""
    own = raw.own
    if own is None or not raw.post:
        return []
    run, last = [], own.line
    for f in raw.post[:64]:
        if f.line <= own.line or not (f.cell == own.cell if own.cell >= 0 else f.start == own.start):
            continue
        if f.line != last + 1:
            break
        run.append(labels.core(f.text))
        last = f.line
    return run


def _own_core(raw: RawRow) -> str:
    """The row's own label, with the rest of its cell when a drawn table's cell wraps: `2.其他`
    is the first line of `2.其他法律行政法规禁止公开`, not the row `3.其他`. (Without cell
    borders a piece below in the same column may be the next row's label: pdftotext.)"""
    own = labels.core(raw.own.text)
    return own + "".join(_column_run(raw)) if raw.own.cell >= 0 else own


def _ungrouped(core: str, furniture) -> str | None:
    """The label without a group label written before it in the same cell (a web page that
    flattened the merged cells: `三、本年度办理结果（一）予以公开`), or None."""
    for f in furniture:
        if len(f) >= 4 and core.startswith(f) and len(core) > len(f) + 1:
            return labels.core(core[len(f):])  # (its own ordinal dropped too: "(一)予以公开")
    return None


def _label_candidates(raw: RawRow) -> list[tuple[str, float]]:
    """(text, weight) of the readings of a row's label context: its own label, with the
    fragments before and after it joined on (a label wrapped over lines), or one of those."""
    own_core = labels.core(raw.own.text) if raw.own is not None else ""
    candidates: list[tuple[str, float]] = []
    pre = [labels.core(f.text) for f in raw.pre[-4:]]
    post = [labels.core(f.text) for f in raw.post[:2]]
    if own_core:
        candidates.append((own_core, 1.0))
    # (in a drawn table also after an own piece that is only an ordinal: "（二）")
    run = _column_run(raw) if own_core or (raw.own is not None and raw.own.cell >= 0) else []
    if run:
        candidates.append((own_core + "".join(run), 0.97))
    pre_join = "".join(pre[-2:])
    post_join = "".join(post[:1])
    if pre_join:
        candidates.append((pre_join + own_core, 0.95))
    for k in (3, 4):  # a long label wrapped at a narrow column: 4 lines of 12 characters
        if len(pre) >= k:
            candidates.append(("".join(pre[-k:]) + own_core, 0.95))
    if post_join and own_core:
        candidates.append((own_core + post_join, 0.95))
    if pre_join and post_join:
        candidates.append((pre_join + own_core + post_join, 0.9))
    candidates.extend((p, 0.85) for p in pre[-3:] if p)
    candidates.extend((p, 0.75) for p in post if p)
    return candidates


def _best_likeness(candidates: list[tuple[str, float]], cands: list[str]) -> float:
    """The best weighted likeness of any reading to any of one template row's labels."""
    best = 0.0
    for text, weight in candidates:
        if weight * 1.0 <= best:
            continue
        for c in cands:
            s = labels.similarity(text, c) * weight
            if s > best:
                best = s
    return best


def _count_fits(raw: RawRow, ncols: int) -> bool:
    texts = [t.text for t in raw.toks]
    n = len(texts)
    if n == ncols:
        return True
    if n > ncols:
        return all(not t for t in texts[ncols:])  # trailing blank Markdown cells
    return needs_split(texts, ncols)


def _own_scores(
    raw: RawRow, cores: list[list[str]], exact: dict[str, int], furniture=()
) -> tuple[float, list[tuple[int, float]]]:
    """Likeness of the row's own label (same line, or the line right before a run) alone:
    the best over the template rows, and the (template row, likeness) of those it anchors to
    (>= ANCHOR). (Not a score per template row: most rows' labels are exact, and the rest of
    such a list would be zeros read by every caller.)"""
    if raw.own is None or not cores:
        return 0.0, []
    c = _own_core(raw)
    hit = exact.get(c)
    if hit is None and furniture:
        rest = _ungrouped(c, furniture)
        hit = exact.get(rest) if rest else None
    if hit is not None:
        return 1.0, [(hit, 1.0)]
    out = [max(labels.similarity(c, x) for x in cands) if cands else 0.0 for cands in cores]
    return max(out), [(j, s) for j, s in enumerate(out) if s >= ANCHOR]


ANCHOR = 0.85  # an own label this close to a template row places the row by itself
LABEL_MIN = 0.7  # below this a label says nothing about which row it is


@_per_template
def _furniture(trows: tuple[RowTemplate, ...]) -> tuple[str, ...]:
    """Cores of the texts a table holds besides row labels: column headers, group labels."""
    out = {"信息内容", "申请人情况", "法人或其他组织"}
    for r in trows:
        out.update(labels.core(c.label) for c in r.columns)
        if r.parent:
            out.add(labels.core(r.parent))
    return tuple(x for x in out if x)


def _is_furniture(text: str, furniture: list[str]) -> bool:
    c = labels.core(text)
    if not c or c.startswith("第二十条") or len(c) <= 2:
        return True
    return any(labels.similarity(c, f) >= 0.8 or (len(c) >= 4 and c in f) for f in furniture)


def _align(raws: list[RawRow], trows: tuple[RowTemplate, ...]) -> tuple[list[tuple[int, int, float]], float]:
    """Match raw rows to template rows: list of (raw index, template index, score), total score.

    First every row whose own label clearly names a template row is placed there, in any
    order (sub-tables of table 二 are printed in varying order). The rows left over are then
    placed in order within the gaps between those anchors, by their label context or, with
    no usable label, by position alone.
    """
    cores = _template_cores(trows)
    exact: dict[str, int] = {}
    for j, cands in enumerate(cores):
        for c in cands:
            exact.setdefault(c, j)
    n, m = len(raws), len(trows)
    furniture = _furniture(trows)
    own = [_own_scores(r, cores, exact, furniture) for r in raws]
    best_own = [best for best, _ in own]
    # A row with a label of its own that names no template row (and is no column header
    # or group label, which one-cell-per-line tables put right before a row) is never placed
    # by position: it is an unknown row.
    def foreign(i: int) -> bool:
        r = raws[i]
        return (
            r.own is not None
            and best_own[i] < LABEL_MIN
            and not _is_furniture(r.own.text, furniture)
            and max(_label_scores(r, cores, {}), default=0.0) < LABEL_MIN
        )

    ranked = sorted(
        [(s, i, j) for i, (_, anchored) in enumerate(own) for j, s in anchored],
        key=lambda x: (-x[0], x[1], x[2]),
    )
    placed: dict[int, tuple[int, float]] = {}
    taken: set[int] = set()
    for s, i, j in ranked:
        if i in placed or j in taken:
            continue
        if trows[j].optional and s < 1.0:
            continue
        placed[i] = (j, s)
        taken.add(j)
    pairs = [(i, j, s) for i, (j, s) in placed.items()]
    # Gaps between anchors, in raw order.
    anchors = sorted(placed.items())
    bounds = [(-1, -1)] + [(i, j) for i, (j, _) in anchors] + [(n, m)]
    for (ai, aj), (bi, bj) in zip(bounds, bounds[1:]):
        gap_raws = [i for i in range(ai + 1, bi) if best_own[i] < ANCHOR and not foreign(i)]
        if not gap_raws:
            continue
        if aj < bj:
            gap_t = [j for j in range(aj + 1, bj) if j not in taken]
        else:
            gap_t = [j for j in range(m) if j not in taken]
        if not gap_t:
            continue
        sub = _gap_align([raws[i] for i in gap_raws], [trows[j] for j in gap_t], [cores[j] for j in gap_t], exact)
        for gi, gj, s in sub:
            pairs.append((gap_raws[gi], gap_t[gj], s))
            taken.add(gap_t[gj])
    pairs.sort()
    return pairs, sum(s for _, _, s in pairs)


def _gap_align(
    raws: list[RawRow], trows: list[RowTemplate], cores: list[list[str]], exact: dict[str, int]
) -> list[tuple[int, int, float]]:
    """Monotone alignment (dynamic programming) of the rows of one gap."""
    n, m = len(raws), len(trows)
    score = [[0.0] * m for _ in range(n)]
    for i, raw in enumerate(raws):
        ls = _label_scores(raw, cores, {})
        for j, t in enumerate(trows):
            # Placing every row that fits comes first (a gap of three unlabelled rows and three
            # free template rows is filled in order); label likeness then decides among the
            # ways to do so. An optional template row is filled only when nothing else fits.
            fits = _count_fits(raw, len(t.columns))
            label = ls[j] if ls[j] >= LABEL_MIN else 0.0
            s = (1.0 if fits else 0.0) + 0.5 * label
            if t.optional:
                s *= 0.4
            score[i][j] = s
    f = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(1, n + 1):
        fi, fp = f[i], f[i - 1]
        si = score[i - 1]
        for j in range(1, m + 1):
            best = fp[j] if fp[j] >= fi[j - 1] else fi[j - 1]
            s = si[j - 1]
            if s > 0 and fp[j - 1] + s > best:
                best = fp[j - 1] + s
            fi[j] = best
    pairs: list[tuple[int, int, float]] = []
    i, j = n, m
    while i > 0 and j > 0:
        s = score[i - 1][j - 1]
        if s > 0 and abs(f[i][j] - (f[i - 1][j - 1] + s)) < 1e-12:
            pairs.append((i - 1, j - 1, s))
            i, j = i - 1, j - 1
        elif abs(f[i][j] - f[i - 1][j]) < 1e-12:
            i -= 1
        else:
            j -= 1
    pairs.reverse()
    return pairs


# ---------------------------------------------------------------------------------------------
# Cells of one matched row


@_per_template
def _kinds(trow: RowTemplate) -> tuple[ColumnKind, ...]:
    return tuple(ColumnKind(decimal=c.decimal, signed=c.signed) for c in trow.columns)


@_per_template
def _key_cols(trow: RowTemplate) -> tuple[tuple[str, str], ...]:
    """The (row, column) key of each of the row's cells."""
    return tuple((trow.key, c.key) for c in trow.columns)


def _span(tok: Tok, a: int = 0, b: int | None = None) -> Span:
    start = tok.start + a
    end = tok.end if b is None else tok.start + b
    return Span(tok.line, start + 1, tok.line, end + 1)


def _row_check(table_key: str, ncols: int):
    if table_key == "applications" and ncols == 7:
        return sum_check([((0, 1, 2, 3, 4, 5), 6)])
    if table_key == "review" and ncols == 15:
        return sum_check([((0, 1, 2, 3), 4), ((5, 6, 7, 8), 9), ((10, 11, 12, 13), 14)])
    return None


def _run_together(toks: list[Tok], attached: bool, ncols: int) -> bool:
    """Whether separators were lost: digits glued to the label (a crawl), a token that cannot
    be one cell ("000", "023"), or two or more cells short with digits enough for every cell
    (`…申请数量 13310 1018`, `2000002`: a space after the label, the cells run together). A
    row with its cells properly separated but one cell short is never 're-split' to make up
    the count: that would be a guess."""
    if attached:
        return True
    if any(len(t.text) > 1 and t.text[0] == "0" and t.text[1:2].isdigit() for t in toks):
        return True
    return len(toks) <= ncols - 2 and sum(len(t.text.lstrip("-")) for t in toks) >= ncols


def _fill(
    table_key: str,
    key_cols: list[tuple[str, str]],
    kinds: list[ColumnKind],
    toks: list[Tok],
    attached: bool = False,
) -> tuple[list[Cell] | None, str, str]:
    """Cells for `key_cols` from `toks`. Returns (cells or None, status, split)."""
    ncols = len(kinds)
    texts = [t.text for t in toks]
    if len(texts) > ncols and all(not t for t in texts[ncols:]):
        toks, texts = toks[:ncols], texts[:ncols]
    elif len(texts) > ncols and sum(1 for t in texts if t) == ncols:
        # more cells than columns, and exactly the right numbers among them: the empty ones
        # are a converter's layout columns (a PDF table without rules, numbers centred)
        toks = [t for t in toks if t.text]
        texts = [t.text for t in toks]
    if len(texts) == ncols:
        cells = []
        for (rk, ck), kind, tok in zip(key_cols, kinds, toks):
            value, status = parse_value(tok.text, kind)
            raw, end = tok.text, tok.end
            if tok.note and status == "ok":
                status, raw, end = "annotated", tok.text + tok.note, tok.end + len(tok.note)
            cells.append(Cell(rk, ck, value, raw, Span(tok.line, tok.start + 1, tok.line, end + 1), status))
        return cells, "ok", ""
    if len(texts) > ncols:
        return None, "extra_cells", ""
    if not needs_split(texts, ncols) or not _run_together(toks, attached, ncols):
        return None, "missing_cells", ""
    check = _row_check(table_key, ncols)
    sols = split_candidates(texts, kinds, limit=2)  # only whether the split is unique matters
    split = "unique"
    if len(sols) != 1 and check is not None:
        sols = split_candidates(texts, kinds, check, limit=2)
        split = "sum"
    if len(sols) != 1:
        return None, "inseparable", ""
    cells = []
    for (rk, ck), kind, (ti, a, b) in zip(key_cols, kinds, sols[0]):
        tok = toks[ti]
        piece = tok.text[a:b]
        value, status = parse_value(piece, kind)
        cells.append(Cell(rk, ck, value, piece, _span(tok, a, b), status, inferred=True))
    return cells, "ok", split


def _label_state(m: RowMatch, raw: RawRow, cores: list[list[str]], j: int, furniture: list[str]) -> None:
    """Compare the row's own label with the official one (see RowMatch.label_state)."""
    own_core = labels.core(raw.own.text) if raw.own is not None else ""
    if raw.own is not None and own_core not in cores[j] and max(labels.similarity(own_core, c) for c in cores[j]) < LABEL_MIN:
        # a short piece ("（二）部分") may be a header, or the first line of a wrapped cell: it
        # is the row's label when joined with the rest of its cell it is
        if _is_furniture(raw.own.text, furniture) and _best_likeness(_label_candidates(raw), cores[j]) < LABEL_MIN:
            raw = RawRow(raw.toks, pre=raw.pre + [raw.own], post=raw.post)  # a header, not its label
            m.label = ""
            if raw.toks:
                t = raw.toks[0]
                m.span = Span(t.line, t.start + 1, t.line, t.end + 1)
    if raw.own is None:
        ctx = _best_likeness(_label_candidates(raw), cores[j])
        m.label_state, m.by_position = "none", ctx < LABEL_MIN
        m.score = ctx
        return
    own_core = labels.core(raw.own.text)
    if own_core in cores[j] or _ungrouped(own_core, furniture) in cores[j]:
        m.label_state, m.score = "exact", 1.0
        return
    own = max(labels.similarity(own_core, c) for c in cores[j])
    candidates = _label_candidates(RawRow(raw.toks, own=raw.own, pre=raw.pre, post=raw.post))
    context = _best_likeness(candidates, cores[j])
    m.score = max(own, context)
    # A piece of a label wrapped over lines reads better together with its neighbours; joined
    # with them into the official label word for word, it is a wrap however close the piece
    # alone came (a cell of a drawn table wrapped after "3.危及“三安全一").
    joined_exact = any(weight >= 0.9 and text != own_core and text in cores[j] for text, weight in candidates)
    m.label_state = "wrapped" if joined_exact or context > own + 0.02 else "differs"


def _raw_span(raw: RawRow) -> Span:
    if raw.own is not None:
        return Span(raw.own.line, raw.own.start + 1, raw.own.line, raw.own.end + 1)
    if raw.toks:
        t = raw.toks[0]
        return Span(t.line, t.start + 1, t.line, t.end + 1)
    return Span(1, 1, 1, 1)


def _match_from(raw: RawRow, key: str | None, score: float) -> RowMatch:
    values = [t.text for t in raw.toks]
    return RowMatch(
        key=key,
        label=raw.own.text if raw.own else "",
        span=_raw_span(raw),
        score=score,
        found=len(values) - values.count(""),
        raw=" ".join(values),
        values=values,
        line=raw.toks[0].line if raw.toks else (raw.own.line if raw.own else 0),
    )


# ---------------------------------------------------------------------------------------------
# Public entry points


class Interpretation(Record):
    table: Table
    score: float  # alignment total, to compare formats


def header_hits(template: TableTemplate, lines: list[Line], other: TableTemplate | None) -> int:
    """How many of this format's own column labels (absent from the other format) appear."""
    if other is None:
        return 0
    text = labels.normalize("".join([l.text for l in lines]))
    return sum(map(text.__contains__, _own_words(template, other)))  # (a hundred words: no loop in Python)


_OWN_WORDS: dict[tuple[int, int], tuple] = {}


def _own_words(template: TableTemplate, other: TableTemplate) -> list[str]:
    """The column and row labels of `template` that `other` lacks (made once per pair)."""
    hit = _OWN_WORDS.get((id(template), id(other)))
    if hit is not None and hit[0] is template and hit[1] is other:
        return hit[2]
    mine = {labels.core(c.label) for g in template.groups for c in g.columns}
    theirs = {labels.core(c.label) for g in other.groups for c in g.columns}
    own = [w for w in mine - theirs if len(w) >= 4]
    mine_rows = {labels.core(r.label) for r in template.rows if not r.optional}
    their_rows = {labels.core(r.label) for r in other.rows if not r.optional}
    own += [w for w in mine_rows - their_rows if len(w) >= 4]
    _OWN_WORDS[(id(template), id(other))] = (template, other, own)
    return own


def interpret(
    table_template: TableTemplate,
    lines: list[Line],
    source: Source,
    section: int | None,
    other: TableTemplate | None = None,
    raws: list[RawRow] | None = None,
) -> Interpretation:
    """Interpret the region `lines` as `table_template` (`raws`: its raw rows, if known)."""
    first = next((l for l in lines if l.kind != L.BLANK), lines[0] if lines else None)
    last = next((l for l in reversed(lines) if l.kind != L.BLANK), first)
    if first is None:
        span = Span(1, 1, 1, 1)
    else:
        span = Span(first.lineno, first.col + 1, last.lineno, last.col + len(last.text) + 1)
    table = Table(table_template.key, table_template, span, section)
    if table_template.key == "review":
        _interpret_flattened(table, lines)
        return Interpretation(table, 1.0 if table.cells else 0.0)
    if raws is None:
        raws, _strays = raw_rows(lines, run_width_of(table_template.key))
    trows = table_template.rows
    pairs, total = _align(raws, trows)
    matched_raw = {i for i, _, _ in pairs}
    matched_t = {j: (i, s) for i, j, s in pairs}
    order: list[tuple[int, RowMatch]] = []
    cores = _template_cores(trows)
    furniture = _furniture(trows)
    inseparable: list[tuple[RowMatch, RawRow, RowTemplate]] = []
    for i, j, s in pairs:
        raw, trow = raws[i], trows[j]
        m = _match_from(raw, trow.key, s)
        m.expected = len(trow.columns)
        _label_state(m, raw, cores, j, furniture)
        key_cols = _key_cols(trow)
        cells, status, split = _fill(table_template.key, key_cols, _kinds(trow), raw.toks, raw.attached)
        m.status, m.split = status, split
        if cells is not None:
            table.cells.update(zip(key_cols, cells))  # (_fill makes one cell per key column, in order)
        elif status == "inseparable":
            inseparable.append((m, raw, trow))
        order.append((i, m))
    for i, raw in enumerate(raws):
        if i not in matched_raw:
            order.append((i, _match_from(raw, None, 0.0)))
    order.sort(key=lambda x: x[0])
    table.rows = [m for _, m in order]
    for j, trow in enumerate(trows):
        if j not in matched_t and not trow.optional:
            table.rows.append(
                RowMatch(key=trow.key, label="", span=span, score=0.0, status="absent", expected=len(trow.columns))
            )
    if inseparable and table_template.key == "applications":
        _settle_by_columns(table, inseparable)
    return Interpretation(table, total)


# Table 三's column equations (FORMAT.md 2 and 3), per column: 一 + 二 = (七) + 四, and (七) =
# the sum of the result rows. Rows the row sum could not split are settled by them when
# exactly one way of cutting every such row makes every equation that can be computed hold.
_SETTLE_MAX_ROWS = 8
_SETTLE_MAX_COMBINATIONS = 20_000


def _settle_by_columns(table: Table, inseparable: list[tuple[RowMatch, RawRow, RowTemplate]]) -> None:
    if len(inseparable) > _SETTLE_MAX_ROWS:
        return
    options = []
    for m, raw, trow in inseparable:
        kinds = _kinds(trow)
        texts = [t.text for t in raw.toks]
        sols = split_candidates(texts, kinds, _row_check(table.key, len(kinds)))
        if not sols or len(sols) >= 64:
            return  # no split adds up, or too many to tell apart
        options.append(sols)
    combos = 1
    for sols in options:
        combos *= len(sols)
    if combos > _SETTLE_MAX_COMBINATIONS:
        return
    columns = [c.key for c in inseparable[0][2].columns]
    # every result row of the template (a row not read makes its equation unknown, not smaller);
    # (六)其他处理 as one row or as its sub-rows, as the report prints it
    present = {r.key for r in table.rows if r.key and r.status != "absent"}
    results = [r.key for r in table.template.rows if r.key.startswith("result.") and r.key != "result.total"]
    if "result.other" in results and any(k.startswith("result.other.") for k in results):
        single = "result.other" in present and not any(k.startswith("result.other.") for k in present)
        results = [k for k in results if (k == "result.other") == single or not k.startswith("result.other")]
    equations = [
        (("new", "carried_over"), ("result.total", "carried_forward")),
        (("result.total",), tuple(results)),
    ]
    rows = [m.key for m, _, _ in inseparable]

    def values_of(sols_pick) -> dict[str, list]:
        out = {}
        for (m, raw, trow), sol in zip(inseparable, sols_pick):
            kinds = _kinds(trow)
            out[m.key] = [parse_value(raw.toks[ti].text[a:b], kind)[0] for kind, (ti, a, b) in zip(kinds, sol)]
        return out

    def known(row: str, k: int, trial: dict) -> float | None:
        if row in trial:
            return trial[row][k]
        c = table.cells.get((row, columns[k]))
        return c.value if c is not None and isinstance(c.value, (int, float)) else None

    import itertools

    found = None
    for pick in itertools.product(*options):
        trial = values_of(pick)
        used: set[str] = set()
        ok = True
        for k in range(len(columns)):
            for lhs, rhs in equations:
                vals_l = [known(r, k, trial) for r in lhs]
                vals_r = [known(r, k, trial) for r in rhs]
                if None in vals_l or None in vals_r:
                    continue
                if abs(sum(vals_l) - sum(vals_r)) > 1e-9:
                    ok = False
                    break
                used.update(r for r in (*lhs, *rhs) if r in trial)
            if not ok:
                break
        if not ok or used != set(rows):
            continue  # fails an equation, or some row is tested by none
        if found is not None:
            return  # two ways: not settled
        found = pick
    if found is None:
        return
    for (m, raw, trow), sol in zip(inseparable, found):
        kinds = _kinds(trow)
        for (ti, a, b), kind, col in zip(sol, kinds, trow.columns):
            tok = raw.toks[ti]
            piece = tok.text[a:b]
            value, status = parse_value(piece, kind)
            table.cells[(trow.key, col.key)] = Cell(trow.key, col.key, value, piece, _span(tok, a, b), status, inferred=True)
        m.status, m.split = "ok", "columns"


def _interpret_flattened(table: Table, lines: list[Line]) -> None:
    """Table 四: fifteen numbers, the rows one after the other, usually on one line."""
    template = table.template
    trows = template.rows
    cols = template.groups[0].columns
    ncols = len(trows) * len(cols)
    toks: list[Tok] = []
    label_line = 0
    attached = False
    for line in lines:
        for kind, e in _line_events(line):
            if kind == "soft":
                toks.append(e)
            elif kind == "hard":
                toks.extend(t for t in e.toks if t.text)
                attached = attached or e.attached
            elif kind == "frag" and toks and len(toks) >= ncols:
                break
        if len(toks) >= ncols:
            break
        if not label_line and line.kind != L.BLANK:
            label_line = line.lineno
    key_cols = [(r.key, c.key) for r in trows for c in cols]
    kinds = [ColumnKind(decimal=c.decimal, signed=c.signed) for _ in trows for c in cols]
    cells, status, split = _fill(table.key, key_cols, kinds, toks, attached)
    for k, trow in enumerate(trows):
        row_toks = toks[k * len(cols) : (k + 1) * len(cols)] if cells is not None else toks
        anchor = row_toks[0] if row_toks else None
        span = _span(anchor) if anchor else table.span
        row_status = status if toks else "absent"
        if cells is None and k > 0:
            row_status = "absent"  # the numbers were not read: said once, on the first row
        m = RowMatch(
            key=trow.key,
            label=trow.short,
            span=span,
            score=1.0,
            status=row_status,
            expected=len(cols) if cells is not None else ncols,
            found=len(row_toks) if cells is not None else len(toks),
            raw=" ".join(t.text for t in toks),
            split=split,
            values=[t.text for t in row_toks],
            line=anchor.line if anchor else 0,
        )
        table.rows.append(m)
    if cells is not None:
        for c in cells:
            table.cells[(c.row, c.column)] = c
