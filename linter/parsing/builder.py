"""Build the Document model from classified lines.

The grammar says what a line looks like; this module decides what it means, from context:
a `一、…` line is a section heading unless it stands inside table 三 and reads like one of its
rows; a `(一)…` line is a subsection heading in prose but a row label inside a table.
"""

from __future__ import annotations

import re
from functools import lru_cache

from . import dates as D
from . import labels
from . import lines as L
from ..model import templates
from ..support.gcpause import paused
from ..support.memo import TextMemo
from ..model.line import Line
from .lines import classify, mark_page_footers
from ..model.document import Document, MetaField, Paragraph, Section, Subsection
from ..reading.source import Source, Span
from .tables import header_hits, interpret, raw_rows, run_width_of
from .unfold import unfold

_SECTION_HEAD = re.compile(
    r"^[ \t\u3000\u00a0\f\v]*(?:#{1,6}[ \t\u3000\u00a0]*)?(?:\*\*|__)?[ \t\u3000]*"  # "## ", "**"
    r"(?:第[ \t\u3000]*([一二三四五六七八九十]{1,3})[ \t\u3000]*部分[ \t\u3000]*[、．.，,:：]?"  # 第一部分
    r"|([一二三四五六七八九十]{1,3})[ \t\u3000]*[、．.，,])"  # 一、 一． 一. 一，
    r"[ \t\u3000]*(.*?)(?:\*\*|__)?[ \t\u3000]*$"
)
_SUBSECTION_HEAD = re.compile(r"^[ \t\u3000\u00a0\f\v]*[（(][ \t]*([一二三四五六七八九十]{1,3})[ \t]*([）)]?)(.*)$")
_CN_NUM = {c: i for i, c in enumerate("一二三四五六七八九十", 1)}
_META_KEYS = (
    "索引号|文章标题|标题|发布时间|发文日期|发表日期|发布日期|成文日期|生成日期|信息来源|来源|发布机构|发文机关|文号|"
    "主题分类|公开方式|公开范围|有效性|是否有效|栏目|原文链接|本地目录|编辑录入|作者|浏览次数|字体"
)
_META_RE = re.compile(f"({_META_KEYS})[ \t\u3000]*[:：]")
_META_KEY_SET = set(_META_KEYS.split("|"))
_PUBLICATION_KEYS = ("发布时间", "发布日期", "发文日期", "发表日期", "成文日期")
_SENTENCE_END = "。！？!?；;…”’」』"
_TITLE_HINT = re.compile(r"年度报告|年报|政府信息公开工作报告|政府信息公开.{0,6}报告")
_YEAR = re.compile(r"(\d{4})[ \t]*年")
_TITLE_TAIL = re.compile(
    r"(?:关于)?[ \t]*(?:\d{4}[ \t]*年度?)?[ \t]*(?:度)?(?:政府信息公开|政务公开|信息公开)(?:工作)?(?:年度)?(?:工作)?(?:报告|年报)$"
)

# Rows of table 三 that look like section headings.
_APPLICATION_HEADS = ("本年新收政府信息公开申请数量", "上年结转政府信息公开申请数量", "本年度办理结果", "结转下年度继续办理")

SECTION_THRESHOLD = 0.75
PROBABLE_SCORE = 0.7


def cn_number(text: str) -> int:
    """Value of a Chinese ordinal 一 … 九十九."""
    if not text:
        return 0
    if text == "十":
        return 10
    if text.startswith("十"):
        return 10 + _CN_NUM.get(text[1:], 0)
    if "十" in text:
        a, _, b = text.partition("十")
        return _CN_NUM.get(a, 0) * 10 + (_CN_NUM.get(b, 0) if b else 0)
    return _CN_NUM.get(text, 0)


@lru_cache(maxsize=1)
def _exact_titles() -> dict[str, int]:
    """Official titles and accepted variants (normalised) → section number."""
    return {labels.core(t): s.number for s in templates.sections() for t in (s.title, *s.variants)}


@lru_cache(maxsize=4096)
def section_score(title: str) -> tuple[int | None, float]:
    """Which official section a heading title names, and how surely (0..1). (Cached: the same
    headings come back in report after report, and on every keystroke in the editor.)"""
    c = labels.core(title).rstrip(":。.")
    if not c:
        return None, 0.0
    exact = _exact_titles().get(c[:40])
    if exact is not None:
        return exact, 1.0
    best_n, best = None, 0.0
    for s in templates.sections():
        for cand in (s.title, *s.variants):
            cc = labels.core(cand)
            # A heading is a whole title: compare whole strings (a truncated one still scores
            # high), never a substring, or "政府信息公开申请情况" would pass for section 三.
            sim = labels.ratio(c[: len(cc) + 3], cc)
            if len(c) >= 2 and cc.startswith(c):
                sim = max(sim, 0.9)  # cut short: "收到和处理政府信"
            if sim > best:
                best_n, best = s.number, sim
    if best >= SECTION_THRESHOLD:
        return best_n, best
    for s in templates.sections():
        if any(k in c for k in s.keywords) and len(c) <= 30:
            return s.number, PROBABLE_SCORE
    return None, best


def _looks_like_row(text: str, title: str) -> bool:
    """A heading-like line that is a table row: numbers after it (pipes or columns), or the
    label of a row of table 三 read with certainty."""
    if "|" in text:
        return True
    tail = text.rstrip()
    if tail[-1:].isdigit() and re.search(r"[\s\u3000]\d+(?:[\s\u3000]+\d+)+\s*$", tail):
        return True
    c = labels.core(title)
    return bool(c) and any(c.startswith(h) for h in _APPLICATION_HEADS)


@lru_cache(maxsize=4096)
def _application_head_score(title: str) -> float:
    c = labels.core(title)
    if not c:
        return 1.0  # a bare "三、" inside table 三 is its vertically printed group label
    return max(labels.similarity(c[: len(h) + 2], h) for h in _APPLICATION_HEADS)


class Stopped(Exception):
    """A build told to stop (`should_stop` said so between two of its steps)."""


def build(text: str, path: str = "<stdin>", should_stop=None) -> Document:
    """The Document of `text`. `should_stop` (the language server's: has the text moved on?)
    is asked between the steps; when it says True the build raises Stopped (a 1.5 MB draft's
    build takes ~60 ms: a burst of keys must not wait for a stale one to finish)."""
    with paused():  # see gcpause.py: the model has no reference cycles
        source = Source(text)
        lines = mark_page_footers(classify(unfold(source.lines)))
        doc = Document(path=path, source=source, lines=lines)
        for step in (_metadata, _sections, _tables, _paragraphs, _title, _dates):
            if should_stop is not None and should_stop():
                raise Stopped
            step(doc)
        return doc


# ---------------------------------------------------------------------------------------------


def _metadata(doc: Document) -> None:
    """The front matter's fields (发布机关：… 索引号 | …), up to the first section heading (in
    Markdown too: a draft's long section 一 is not searched for them on every keystroke)."""
    for line in doc.lines:
        if line.kind == L.SECTION_HEADING or (line.kind == L.MD_HEADING and _SECTION_HEAD.match(line.text)):
            break
        if line.kind == L.META_LINE or (line.kind == L.TEXT_LINE and _META_RE.search(line.text)):
            found = list(_META_RE.finditer(line.text))
            for k, m in enumerate(found):
                end = found[k + 1].start() if k + 1 < len(found) else len(line.text)
                raw = line.text[m.end() : end]
                value = raw.strip()
                lead = len(raw) - len(raw.lstrip())
                start = line.col + m.end() + lead
                doc.metadata.setdefault(
                    m.group(1), MetaField(m.group(1), value, Span(line.lineno, start + 1, line.lineno, start + len(value) + 1))
                )
        elif line.kind == L.PIPE_ROW:
            parts = []
            pos = 0
            for piece in line.text.split("|"):
                s = piece.strip()
                if s:
                    lead = len(piece) - len(piece.lstrip())
                    parts.append((s, line.col + pos + lead))
                pos += len(piece) + 1
            for k, (s, start) in enumerate(parts):
                if s in _META_KEY_SET:
                    value, vstart = "", start + len(s)
                    if k + 1 < len(parts) and parts[k + 1][0] not in _META_KEY_SET:
                        value, vstart = parts[k + 1]
                    doc.metadata.setdefault(
                        s, MetaField(s, value, Span(line.lineno, vstart + 1, line.lineno, vstart + len(value) + 1))
                    )


def _line_span(line: Line) -> Span:
    t = line.text
    lead = len(t) - len(t.lstrip())
    end = len(t.rstrip())
    if end <= lead:
        return Span(line.lineno, line.col + 1, line.lineno, line.col + len(t) + 1)
    return Span(line.lineno, line.col + lead + 1, line.lineno, line.col + end + 1)


def _sections(doc: Document) -> None:
    """Find the section headings and give each section its body lines."""
    candidates: list[tuple[int, Line, str, str, int | None, float]] = []  # index, line, ordinal, title, number, score
    current: int | None = None
    last_ordinal = 0
    for idx, line in enumerate(doc.lines):
        if line.kind not in (L.SECTION_HEADING, L.MD_HEADING):
            continue
        m = _SECTION_HEAD.match(line.text)
        if not m:
            continue
        ordinal, title = m.group(1) or m.group(2), m.group(3).strip()
        if _looks_like_row(line.text, title):
            continue  # "一、本年新收政府信息公开申请数量 95 0 0 …": a row of table 三, wherever it is
        value = cn_number(ordinal)
        number, score = section_score(title)
        if current == 3 and number != 4:
            # Inside table 三: 一、本年新收… 二、上年结转… 三、本年度办理结果 四、结转下年度… are rows.
            if _application_head_score(title) >= max(0.8, score):
                continue
        if current in (2, 3, 4) and len(labels.core(title)) <= 2 and number is None:
            continue
        if number is None and value != last_ordinal + 1:
            continue  # an enumerated paragraph inside a section, not a top-level heading
        candidates.append((idx, line, ordinal, title, number, score))
        current = number
        last_ordinal = value
    # One heading per official section: a weaker duplicate loses its number (a genuine
    # repetition — the report pasted twice — keeps it: both copies score the same).
    best: dict[int, float] = {}
    for _, _, _, _, number, score in candidates:
        if number is not None:
            best[number] = max(best.get(number, 0.0), score)
    for k, (idx, line, ordinal, title, number, score) in enumerate(candidates):
        if number is not None and score < best[number] - 1e-9 and score < 0.9:
            number = None
        span = _line_span(line)
        tstart = line.text.find(title) if title else -1
        if tstart >= 0 and title:
            title_span = Span(line.lineno, line.col + tstart + 1, line.lineno, line.col + tstart + len(title) + 1)
        else:
            title_span = span
        section = Section(
            number=number,
            ordinal=ordinal,
            ordinal_value=cn_number(ordinal),
            title=title,
            heading=line,
            span=span,
            title_span=title_span,
            score=score if number is not None else 0.0,
        )
        stop = candidates[k + 1][0] if k + 1 < len(candidates) else len(doc.lines)
        section.lines = doc.lines[idx + 1 : stop]
        section.end_line = section.lines[-1].lineno if section.lines else line.lineno
        doc.sections.append(section)
    doc.front_stop = candidates[0][0] if candidates else len(doc.lines)


def _tables(doc: Document) -> None:
    fmts = templates.formats()
    new, old = fmts["2021"], fmts["2019"]
    for key in ("active", "applications", "review"):
        section_no = new.tables[key].section
        candidates = [s for s in doc.sections if s.number == section_no and s.lines]
        if not candidates:
            continue
        section = max(candidates, key=lambda s: s.score)  # the first of equals (a pasted copy)
        # The same region (same lines at the same places) gives the same table: while an author
        # types in the prose, the language server re-lints without re-reading the tables.
        memo_key = (key, doc.format, tuple(map(Line._values, section.lines)))  # (kind, text, lineno, col) each
        hit = _TABLE_MEMO.get(memo_key)
        if hit is not None:
            cached, section.table_end, decisive = hit
            doc.tables[key] = cached
            if key == "active" and (cached.cells or decisive):
                doc.format = cached.format
            elif doc.format is None and key == "applications" and cached.cells:
                doc.format = cached.format
            continue
        raws = None if key == "review" else raw_rows(section.lines, run_width_of(key))[0]
        decisive = False  # table 二's column headers name its format even when no cell was read

        def make(fmt):
            mine, theirs = (new, old) if fmt == "2021" else (old, new)
            return interpret(mine.tables[key], section.lines, doc.source, section_no, other=theirs.tables[key], raws=raws)

        if key == "review":
            # Table 四 is the same in both formats: it follows the document's format.
            chosen = make(doc.format or "2021")
        else:
            # Interpret in the likelier format first; the other one only when the first fits badly.
            hits_new = header_hits(new.tables[key], section.lines, old.tables[key])
            hits_old = header_hits(old.tables[key], section.lines, new.tables[key])
            if key == "active" and hits_new != hits_old:
                first = "2021" if hits_new > hits_old else "2019"
                decisive = True
            else:
                first = doc.format or "2021"
            chosen = make(first)
            if not _fits(chosen.table):
                second = make("2019" if first == "2021" else "2021")
                if key == "active" and hits_new != hits_old:
                    pass  # the column headers decide table 二's format
                elif doc.format is not None and abs(chosen.score - second.score) < 1.5:
                    pass  # table 三 differs only in (六): the format found in table 二 decides
                elif second.score > chosen.score + 1e-6:
                    chosen = second
        doc.tables[key] = chosen.table
        if key == "active" and (chosen.table.cells or decisive):
            doc.format = chosen.table.format
        elif doc.format is None and key == "applications" and chosen.table.cells:
            doc.format = chosen.table.format
        section.table_end = _table_end(chosen.table)
        if len(_TABLE_MEMO) > 64:
            _TABLE_MEMO.clear()
        _TABLE_MEMO[memo_key] = (chosen.table, section.table_end, decisive)


_TABLE_MEMO: dict[tuple, tuple] = {}  # region -> (its table, the table's last line, headers decided the format)


def _fits(table) -> bool:
    """Every template row found and every row with numbers placed."""
    return not any(
        (r.key is None and r.found) or (r.status == "absent" and not table.is_covered(r.key)) for r in table.rows
    )


def _table_end(table) -> int:
    rows = max((r.line for r in table.rows if r.status != "absent" and r.line), default=0)
    cells = max((c.span.end_line for c in table.cells.values()), default=0)
    return max(table.span.line, rows, cells)


# ---------------------------------------------------------------------------------------------
# Paragraphs and subsections


def _is_title_line(text: str) -> bool:
    t = text.strip()
    return len(t) <= 60 and t.endswith(("报告", "年报")) and bool(_TITLE_HINT.search(t.replace(" ", "")))


def _is_heading_only(text: str) -> bool:
    body = text.strip()
    return len(body) <= 30 and not any(p in body[:-1] for p in "。；;")


def _paragraphs(doc: Document) -> None:
    front_stop = doc.front_stop
    doc.front = _collect(doc.lines[:front_stop], None, None)
    for s in doc.sections:
        body = s.lines
        table_end = s.table_end
        if table_end is not None:
            body = [l for l in body if l.lineno > table_end]
        s.paragraphs = _collect(body, s.number, s)


_PAIRS = {"《": "》", "〈": "〉", "（": "）", "(": ")", "“": "”", "〔": "〕", "【": "】", "「": "」"}
_CLOSERS = {v: k for k, v in _PAIRS.items()}
_OPENERS = frozenset(_PAIRS)


# every bracket of _PAIRS: the scans below visit only these (a line of prose has a few), not
# every character (_unclosed over a 1.5 MB draft: 97 → 30 ms)
_BRACKETS = re.compile("[" + re.escape("".join(_PAIRS) + "".join(_CLOSERS)) + "]")


def _innermost_open(previous: str) -> str | None:
    """The innermost bracket `previous` leaves open, if opened in its last 60 characters."""
    if _OPENERS.isdisjoint(previous):
        return None  # most lines: no bracket at all
    stack: list[tuple[str, int]] = []
    for m in _BRACKETS.finditer(previous):
        ch = m.group()
        if ch in _PAIRS and not (ch == "“" and stack and stack[-1][0] == "“"):
            stack.append((ch, m.start()))
        elif ch in _CLOSERS and stack and stack[-1][0] == _CLOSERS[ch]:
            stack.pop()
    if not stack or len(previous.rstrip()) - stack[-1][1] > 60:
        return None
    return stack[-1][0]


# (kept per text: the editor re-reads mostly unchanged paragraphs)
_unclosed = TextMemo(_innermost_open, 3_000_000)


def _closes(opener: str, text: str) -> bool:
    """Whether `text` — the line and the few after it — closes `opener` within 150
    characters, however brackets opened in it nest: a line wrapped inside 《…》, “…”, （…）."""
    opened: list[str] = []
    for ch in _BRACKETS.findall(text, 0, 150):
        if ch in _PAIRS and not (ch == "“" and opened and opened[-1] == "“"):
            opened.append(ch)
        elif ch in _CLOSERS:
            if opened:
                if opened[-1] == _CLOSERS[ch]:
                    opened.pop()
                continue
            return opener == _CLOSERS[ch]  # closes the one left open before the wrap
    return False


def _following_text(lines: list[Line], k: int, count: int = 2) -> str:
    """The stripped text of the next `count` text lines after lines[k] (blank lines and page
    numbers skipped; a table or heading ends the look)."""
    out: list[str] = []
    for line in lines[k + 1 : k + 8]:
        if line.kind in (L.BLANK, L.PAGE_NUMBER, L.COMMENT):
            continue
        if line.kind in (L.PIPE_ROW, L.MD_RULE, L.NUMBER_LINE, L.SECTION_HEADING, L.MD_HEADING):
            break
        out.append(line.text.strip())
        if len(out) == count:
            break
    return "".join(out)


def _collect(lines: list[Line], number: int | None, section: Section | None) -> list[Paragraph]:
    paras: list[Paragraph] = []
    buf: list[Line] = []

    def flush() -> None:
        if not buf:
            return
        text_parts: list[str] = []
        pieces: list[tuple[int, int, int]] = []
        offset = 0
        for ln in buf:
            t = ln.text.strip()
            lead = len(ln.text) - len(ln.text.lstrip())
            pieces.append((offset, ln.lineno, ln.col + lead))
            text_parts.append(t)
            offset += len(t)
        text = "".join(text_parts)
        first, last = buf[0], buf[-1]
        lead = len(first.text) - len(first.text.lstrip())
        end = last.col + len(last.text.rstrip())
        span = Span(first.lineno, first.col + lead + 1, last.lineno, end + 1)
        paras.append(Paragraph(text, span, number, tuple(pieces)))
        buf.clear()

    blank_run = 0
    page_break = False  # a page footer since the last text line
    for k, line in enumerate(lines):
        kind = line.kind
        if kind in (L.BLANK, L.PAGE_NUMBER, L.COMMENT):
            blank_run += 1 if kind == L.BLANK else 0
            page_break = page_break or kind == L.PAGE_NUMBER
            continue
        if kind in (L.PIPE_ROW, L.MD_RULE, L.NUMBER_LINE):
            flush()
            blank_run = 0
            continue
        text = line.text
        stripped = text.strip()
        if kind == L.MD_HEADING and _SUBSECTION_HEAD.match(text.lstrip().lstrip("#")):
            # "### （一）主动公开": a Markdown heading holding a subsection heading
            hashes = len(text) - len(text.lstrip().lstrip("#"))
            line = Line(L.SUBSECTION_HEADING, " " * hashes + text.lstrip().lstrip("#"), line.lineno, line.col)
            kind, text = line.kind, line.text
            stripped = text.strip()
        if kind == L.SUBSECTION_HEADING and section is not None:
            m = _SUBSECTION_HEAD.match(text)
            if m:
                ordinal = m.group(1)
                rest = m.group(3)
                title = re.split(r"[。；;]", rest, maxsplit=1)[0].strip()
                start = text.find("(") if "(" in text[:3] else text.find("（")
                start = max(start, len(text) - len(text.lstrip()))
                head_end = text.find(title, start) + len(title) if title else m.end(2)
                section.subsections.append(
                    Subsection(
                        ordinal=ordinal,
                        number=cn_number(ordinal),
                        title=title,
                        span=Span(line.lineno, line.col + start + 1, line.lineno, line.col + max(head_end, start + 1) + 1),
                        line=line,
                        closed=bool(m.group(2)),
                    )
                )
            flush()
            blank_run = 0
            if _is_heading_only(stripped):
                continue
            buf.append(line)
            continue
        indent = len(text) - len(text.lstrip())
        opener = _unclosed("".join(b.text.strip() for b in buf[-4:])) if buf else None
        if opener and kind not in (L.SECTION_HEADING, L.MD_HEADING, L.META_LINE) and _closes(
            opener, stripped + _following_text(lines, k)  # (the look ahead only after an open bracket)
        ):
            # a conversion wrapped the line inside 《…》, “…”, （…）: whatever the indent, blank
            # lines or page number between, the text goes on where the bracket closes
            buf.append(line)
            blank_run = 0
            continue
        # a sentence cut by a page break (`…一是政务新媒体` / `- 2 -` / `互动回应…`) goes on
        # over the footer and the blank lines around it
        across_page = page_break and buf and buf[-1].text.rstrip()[-1:] not in _SENTENCE_END
        page_break = False
        starts_new = (
            not buf
            or kind in (L.SECTION_HEADING, L.ITEM_LINE, L.META_LINE, L.MD_HEADING)
            or indent >= 2
            or (blank_run >= 2 and not across_page)
            or (blank_run == 1 and not across_page and (len(buf[-1].text.strip()) < 10))
            or buf[-1].text.rstrip()[-1:] in _SENTENCE_END
            or len(buf[-1].text) - len(buf[-1].text.lstrip()) >= 10
            or _is_title_line(buf[-1].text)
            or buf[-1].kind == L.META_LINE
        )
        if starts_new:
            flush()
        buf.append(line)
        blank_run = 0
    flush()
    return paras


# ---------------------------------------------------------------------------------------------
# Title, agency, year, dates


def _title(doc: Document) -> None:
    meta = doc.metadata.get("标题") or doc.metadata.get("文章标题")
    if meta and meta.value:
        doc.title, doc.title_span = meta.value, meta.span
    else:
        front_stop = doc.front_stop
        front = [l for l in doc.lines[:front_stop] if l.kind not in (L.BLANK, L.PAGE_NUMBER, L.META_LINE, L.COMMENT)]
        for k, line in enumerate(front[:8]):
            t = line.text.strip().lstrip("#").strip()
            nxt_text = front[k + 1].text.strip() if k + 1 < len(front) else ""
            if len(t) > 60 or not _TITLE_HINT.search((t + nxt_text[:6]).replace(" ", "")):
                continue
            first, last = line, line
            parts = [t]
            if k > 0:
                prev = front[k - 1].text.strip()
                if prev and len(prev) <= 20 and prev[-1:] not in _SENTENCE_END and not _YEAR.search(t[:0] + prev) and front[k - 1].lineno >= line.lineno - 3:
                    if not any(x in prev for x in ("正文", "当前位置")):
                        parts.insert(0, prev)
                        first = front[k - 1]
            if not t.endswith(("报告", "年报")) and k + 1 < len(front):
                nxt = front[k + 1].text.strip()
                if nxt in ("年度报告", "报告", "工作年度报告", "工作报告"):
                    parts.append(nxt)
                    last = front[k + 1]
            doc.title = "".join(p for p in parts)
            s1, s2 = _line_span(first), _line_span(last)
            doc.title_span = Span(s1.line, s1.column, s2.end_line, s2.end_column)
            break
        if doc.title is None:
            first = front[:1] or doc.lines[front_stop : front_stop + 1]
            if first:
                _title_before_body(doc, first[0])
    if doc.title is None:
        _agency_from_text(doc)
    if doc.title:
        compact = doc.title.replace(" ", "").replace("\u3000", "")
        m = _YEAR.search(compact)
        if m:
            doc.report_year, doc.report_year_source = int(m.group(1)), "title"
        agency = _TITLE_TAIL.sub("", compact)
        agency = re.sub(r"\d{4}年度?", "", agency).strip("《》 ")
        doc.agency = agency or None


_TITLE_AT_START = re.compile(r"\s*(?:#+\s*)?(\S[^。；;！!？?]{3,58}?(?:年度报告|年报|工作报告))(?=\s|根据|依据|按照|本报告|$)")


def _title_before_body(doc: Document, line) -> None:
    """A crawl's one-line body starts with the title: `××局2024年政府信息公开工作年度报告 根据…`."""
    m = _TITLE_AT_START.match(line.text)
    if m and _TITLE_HINT.search(m.group(1).replace(" ", "")):
        start = line.col + m.start(1) + 1
        doc.title = m.group(1).strip()
        doc.title_span = Span(line.lineno, start, line.lineno, start + len(m.group(1)))


_SELF = re.compile(r"[我本](局|委|办|中心)")
_PLACES = "省市县区旗州"


def _agency_from_text(doc: Document) -> None:
    """A report without a title (pasted body only): its agency is the full name the text
    uses most of the kind it calls itself (我局 → 县交通运输局)."""
    text = doc.text
    kinds: dict[str, int] = {}
    for m in _SELF.finditer(text):
        kinds[m.group(1)] = kinds.get(m.group(1), 0) + 1
    if not kinds:
        return
    suffix = max(kinds, key=kinds.get)
    names: dict[str, int] = {}
    at = text.find(suffix)
    while at >= 0:
        # back from the suffix over 2–8 letters of the name to a place character
        i = at - 1
        while i >= 0 and at - i <= 9 and text[i].isalpha() and text[i] not in _PLACES:
            i -= 1
        if i >= 0 and text[i] in _PLACES and 2 <= at - i - 1 <= 8:
            name = text[i : at + len(suffix)]  # from the place character: 县交通运输局
            names[name] = names.get(name, 0) + 1
        at = text.find(suffix, at + 1)
    if names:
        doc.agency = max(names, key=lambda n: (names[n], len(n)))


def _dates(doc: Document) -> None:
    doc.dates.extend(D.find_all_dates(doc.source.text))
    for key in _PUBLICATION_KEYS:
        f = doc.metadata.get(key)
        if f and f.value:
            found = D.find_dates(f.value, f.span.line, f.span.column - 1)
            if found:
                doc.publication_date = found[0]
                break
    # The signature date stands alone on one of the last lines.
    tail = []
    for line in reversed(doc.lines):
        if line.kind not in (L.BLANK, L.COMMENT):
            tail.append(line)
            if len(tail) == 8:
                break
    for line in tail:
        found = D.find_dates(line.text, line.lineno, line.col)
        if found and len(line.text.strip()) <= len(found[-1].raw) + 2:
            doc.signature_date = found[-1]
            break
    else:
        # A crawl's one-line body ends with the signature: `…事项。 ××局 2025年1月20日`.
        last = tail[0] if tail else None
        found = D.find_dates(last.text, last.lineno, last.col) if last is not None else []
        if found and last.text.rstrip().endswith(found[-1].raw):
            before = last.text.rstrip()[: -len(found[-1].raw)].rstrip(" \u3000")
            if doc.agency and before.endswith(doc.agency) and len(before) > len(doc.agency):
                doc.signature_date = found[-1]
    # The statistics period, stated in the front matter or section 一.
    scope = list(doc.front)
    s1 = doc.section(1)
    if s1:
        scope.extend(s1.paragraphs[:3])
    for p in scope:
        m = D.PERIOD.search(p.text)
        if m:
            y1 = int(m[1])
            y2 = int(m[4]) if m[4] else y1
            a = D.mention(m.group(0), *p.position(m.start()), y1, int(m[2]), int(m[3]))
            a.span = p.span_of(m.start(), m.end())
            b = D.mention(m.group(0), *p.position(m.start()), y2, int(m[5]), int(m[6]))
            b.span = a.span
            doc.period = (a, b)
            break
    if doc.report_year is None:
        if doc.period:
            doc.report_year, doc.report_year_source = doc.period[0].year, "period"
        else:
            years: dict[int, int] = {}
            for p in (s1.paragraphs if s1 else doc.front)[:5]:
                for m in _YEAR.finditer(p.text):
                    y = int(m.group(1))
                    if D.MIN_YEAR <= y <= D.MAX_YEAR:
                        years[y] = years.get(y, 0) + 1
            if years:
                doc.report_year = max(years, key=lambda y: (years[y], -y))
                doc.report_year_source = "text"
