"""Unfold crawl lines: a whole report body pasted on one line.

Crawlers often deliver the body of a report as a single line, headings, tables and all
(`…一、总体情况2019年，在省政府…第二十条第（一）项信息内容…规章000规范性文件898989…`).
Before the grammar classifies lines, such a line is cut into pieces at the places a report's
structure is certain to start a new line: the six section headings, subsection ordinals in
prose, the captions, headers and row labels of the official tables. Each piece keeps its
physical line and start column, so every position still points into the original text.
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import repeat

from ..support.memo import TextMemo
from ..model import templates

# Only a line this long can hold a crawled body (a heading and a table at least).
MIN_CRAWL_LENGTH = 40

_OPEN = "[（(]"
_CLOSE = "[）)]"


# Spaces of any width inside a label or a heading (a web page's &nbsp;, a PDF's justified
# cell: `行政事　业性收费`) are taken out of the crawl line before it is searched (see
# _despaced): the patterns stay small (compiling them with a gap between every two
# characters cost 0.2 s per process).
_SPACE_CHARS = frozenset(" \t\u00a0\u3000" + "".join(chr(c) for c in range(0x2000, 0x200C)))
# (a regex finds and drops them several times faster than set.isdisjoint or str.translate,
# which go through a long line of Chinese character by character)
_SPACES = re.compile("[" + "".join(map(re.escape, sorted(_SPACE_CHARS))) + "]+")


def _despaced(text: str) -> tuple[str, "list[int] | range"]:
    """`text` without its spaces, and for each of its characters (and its end) the index in
    `text`."""
    if _SPACES.search(text) is None:
        return text, range(len(text) + 1)
    keep: list[int] = []
    prev = 0
    for m in _SPACES.finditer(text):  # (whole runs between the spaces: a crawl line is long)
        keep.extend(range(prev, m.start()))
        prev = m.end()
    keep.extend(range(prev, len(text) + 1))
    return _SPACES.sub("", text), keep


def _flex(label: str) -> str:
    """Regex for a label in any bracket/separator width, without its quotes."""
    out = []
    for ch in label:
        if ch in "(（":
            out.append(_OPEN)
        elif ch in ")）":
            out.append(_CLOSE)
        elif ch in ".．、":
            out.append("[.．、]")
        elif ch in ",，":
            out.append("[,，]")
        elif ch in ":：":
            out.append("[:：]")
        elif ch in "“”\"":
            out.append("[“”\"]?")
        else:
            out.append(re.escape(ch))
    return "".join(out)


def _numbered(ordinal: str) -> str:
    """Regex for a section heading's numbering: `三、` or `第三部分`."""
    return f"(?:{ordinal}[、．.，,]|第{ordinal}部分[、．.，,:：]?)"


@lru_cache(maxsize=None)
def _section_regex() -> re.Pattern:
    titles = []
    for s in templates.sections():
        for t in (s.title, *s.variants):
            titles.append((s.ordinal, t))
    titles.sort(key=lambda x: -len(x[1]))
    alts = "|".join(f"{_numbered(o)}\\s*{_flex(t)}" for o, t in titles)
    return re.compile(f"(?:{alts})")


@lru_cache(maxsize=None)
def _table_regex() -> re.Pattern:
    labels: set[str] = {"信息内容"}
    for fmt in templates.formats().values():
        for table in fmt.tables.values():
            if table.key == "review":
                continue
            for group in table.groups:
                for row in group.rows:
                    labels.add(row.label)
                    labels.update(row.aliases)
                    if row.parent:
                        labels.add(row.parent)
    ordered = sorted(labels, key=lambda x: (-len(x), x))  # longest first; a fixed order (a set's is not)
    alts = "|".join(_flex(x) for x in ordered)
    caption = f"第二十条第{_OPEN}[一二三四五六七八九十]{_CLOSE}项"
    return re.compile(f"{caption}|{alts}")


@lru_cache(maxsize=None)
def _head_start() -> re.Pattern:
    """Every place a section heading can start (zero width): each alternative of
    _section_regex begins with the numbering of its section."""
    ordinals = sorted({s.ordinal for s in templates.sections()})
    return re.compile("(?=" + "|".join(map(_numbered, ordinals)) + ")")


def _head_matches(text: str, most: int = 0) -> list[re.Match]:
    """What _section_regex().finditer(text) finds (the first `most` of it, when > 0), the
    heading regex tried only where a heading can start: tried at every position of a long
    line, its many alternatives cost ~20 µs a line."""
    match = _section_regex().match
    out: list[re.Match] = []
    end = 0
    for start in _head_start().finditer(text):
        at = start.start()
        if at < end:
            continue  # inside the previous heading (finditer goes on after its end)
        m = match(text, at)
        if m is not None:
            out.append(m)
            if len(out) == most:
                break
            end = m.end()
    return out


_SUBSECTION = re.compile(f"{_OPEN}[一二三四五六七八九十]{{1,2}}{_CLOSE}")
_ORDINALS = "一二三四五六"
# A heading with a typo (`四、政府信息公开行政法复议、…`) is still a heading: for an ordinal
# the exact titles did not find, the text after `四、` is compared with its titles.
_HEAD_LIKENESS = 0.85


def _heads(text: str) -> list[tuple[int, int, str]]:
    """(start, end, ordinal) of the section headings in a crawled body (without its spaces),
    in order: the exact titles (any bracket or separator width), then, between them, headings
    one or two characters off for each ordinal still missing."""
    heads = [(m.start(), m.end(), _ordinal(m.group(0))) for m in _head_matches(text)]
    found = {h[2] for h in heads}
    missing = [o for o in _ORDINALS if o not in found]
    if not missing or not heads:
        return heads
    from rapidfuzz.fuzz import ratio  # whole-title likeness: a fragment must not win

    from .labels import core

    extra = []
    for ordinal in missing:
        k = _ORDINALS.index(ordinal)
        # between the headings before and after it, when they were found
        lo = max((h[1] for h in heads if _ORDINALS.index(h[2]) < k), default=0)
        hi = min((h[0] for h in heads if _ORDINALS.index(h[2]) > k), default=len(text))
        titles = [t for s in templates.sections() if s.ordinal == ordinal for t in (s.title, *s.variants)]
        best = None
        for m in re.finditer(f"{_numbered(ordinal)}\\s*", text[lo:hi]):
            at = lo + m.end()
            for title in titles:
                for n in range(max(2, len(title) - 2), len(title) + 4):
                    score = ratio(core(text[at : at + n]), core(title)) / 100
                    if score >= _HEAD_LIKENESS and (best is None or score > best[0]):
                        best = (score, lo + m.start(), at + n)
        if best is not None:
            extra.append((best[1], best[2], ordinal))
    return sorted(heads + extra)


def _ordinal(heading: str) -> str:
    """The ordinal of a heading match: `三、…` or `第三部分…`."""
    return heading[1] if heading[0] == "第" else heading[0]


def is_crawl_line(text: str) -> bool:
    """Two section headings on one line, or a table section's heading followed by its table."""
    if len(text) < MIN_CRAWL_LENGTH or not ("情况" in text or "事项" in text or "措施" in text):
        return False
    if "、" not in text and "．" not in text and "." not in text and "部分" not in text:
        return False  # every section heading has one after its numeral (or is 第…部分)
    text = _SPACES.sub("", text)  # (as _despaced; the positions are not needed here)
    heads = _head_matches(text, 2)
    if len(heads) >= 2:
        return True
    if len(heads) == 1 and _ordinal(heads[0].group(0)) in "二三":
        anchors = 0
        for _ in _table_regex().finditer(text, heads[0].end()):
            anchors += 1
            if anchors >= 3:
                return True
    return False


def _cuts(original: str) -> list[int]:
    text, at = _despaced(original)  # searched without spaces; cuts placed in the original
    cuts: set[int] = set()
    heads = _heads(text)
    for i, (start, end, ordinal) in enumerate(heads):
        cuts.add(at[start])
        cuts.add(at[end - 1] + 1 if end else 0)  # the heading stands on its own line
        stop = heads[i + 1][0] if i + 1 < len(heads) else len(text)
        number = _ORDINALS.index(ordinal) + 1
        body = text[end:stop]
        if number in (2, 3):
            for t in _table_regex().finditer(body):
                cuts.add(at[end + t.start()])
        elif number in (1, 5, 6):
            for t in _SUBSECTION.finditer(body):
                cuts.add(at[end + t.start()])
    cuts.discard(0)
    cuts.discard(len(original))
    return sorted(cuts)


# (kept per text: the editor re-reads mostly unchanged lines)
_is_crawl = TextMemo(is_crawl_line, 3_000_000)


def unfold(lines: list[str]) -> list[tuple[str, int, int]]:
    """(text, physical line, start column) pieces for the grammar; identity for normal lines."""
    crawls = [i for i, text in enumerate(lines) if len(text) >= MIN_CRAWL_LENGTH and _is_crawl(text)]
    if not crawls:  # the usual case, built in C
        return list(zip(lines, range(1, len(lines) + 1), repeat(0)))
    out: list[tuple[str, int, int]] = []
    crawl = set(crawls)
    for i, text in enumerate(lines, 1):
        if i - 1 in crawl:
            prev = 0
            for cut in _cuts(text):
                out.append((text[prev:cut], i, prev))
                prev = cut
            out.append((text[prev:], i, prev))
        else:
            out.append((text, i, 0))
    return out
