"""Re-drawing a report's tables in the other shapes real text gives them: box-drawing
characters (text browsers, copies of web pages) in light, heavy, double or ASCII lines with
cells wrapped at a width, and tab-separated rows (copied from Word or a spreadsheet). Input:
a report whose tables are Markdown pipe tables (`| a | b |`)."""

from __future__ import annotations

import re
import unicodedata

STYLES = {
    #        h    v    tl   tm   tr   ml   mm   mr   bl   bm   br
    "light": "─│┌┬┐├┼┤└┴┘",
    "heavy": "━┃┏┳┓┣╋┫┗┻┛",
    "double": "═║╔╦╗╠╬╣╚╩╝",
    "ascii": "-|+++++++++",
}
_NUMBER = re.compile(r"-?\d[\d,.]*")
_RULE = re.compile(r"\|?(\s*:?-{3,}:?\s*\|)+\s*:?-*:?\s*")


def width(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


def _pad(s: str, n: int) -> str:
    return s + " " * (n - width(s))


def _wrap(s: str, n: int) -> list[str]:
    out, cur = [], ""
    for c in s:
        if cur and width(cur + c) > n:
            out.append(cur)
            cur = c
        else:
            cur += c
    return [*out, cur]


def box(rows: list[list[str]], style: str = "light", max_width: int = 16) -> list[str]:
    h, v, tl, tm, tr, ml, mm, mr, bl, bm, br = STYLES[style]
    ncol = max(len(r) for r in rows)
    rows = [r + [""] * (ncol - len(r)) for r in rows]
    # a renderer wraps text at the column width but never breaks a number (one word)
    widths = [
        max(2, min(max_width, max(width(r[i]) for r in rows)), max((width(r[i]) for r in rows if _NUMBER.fullmatch(r[i])), default=0))
        for i in range(ncol)
    ]

    def rule(left: str, mid: str, right: str) -> str:
        return left + mid.join(h * (w + 2) for w in widths) + right

    out = [rule(tl, tm, tr)]
    for k, row in enumerate(rows):
        cells = [_wrap(c, widths[i]) for i, c in enumerate(row)]
        for j in range(max(len(c) for c in cells)):
            out.append(v + v.join(" " + _pad(c[j] if j < len(c) else "", widths[i]) + " " for i, c in enumerate(cells)) + v)
        out.append(rule(ml, mm, mr) if k < len(rows) - 1 else rule(bl, bm, br))
    return out


def tabs(rows: list[list[str]]) -> list[str]:
    return ["\t".join(r).rstrip("\t") for r in rows]


def redraw(text: str, shape: str, **kw) -> str:
    """`text` with every pipe table drawn as `shape` ("box" or "tabs")."""
    lines, out, i = text.split("\n"), [], 0
    while i < len(lines):
        if not lines[i].lstrip().startswith("|"):
            out.append(lines[i])
            i += 1
            continue
        block = []
        while i < len(lines) and lines[i].lstrip().startswith("|"):
            block.append(lines[i])
            i += 1
        rows = [[c.strip() for c in line.strip().strip("|").split("|")] for line in block if not _RULE.fullmatch(line.strip())]
        out += box(rows, **kw) if shape == "box" else tabs(rows)
    return "\n".join(out)
