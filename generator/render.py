"""A generated report rendered into the text shapes real reports reach a linter in.

Each table is first laid out as the official grid (the layout of the 〔2021〕30号 / 〔2019〕60号
forms, merged cells written once, as `examples/clean.md` has them); every shape is drawn from
that grid the way its source draws it:

- `markdown`: `#` headings and pipe tables (an author's draft, a PDF→Markdown converter);
- `pipe-rows`: a web page copied as text, each table row's non-empty cells joined by ` | `;
- `cell-per-line`, `cell-per-line-pipes`: a web page copied cell by cell (with trailing pipes);
- `pdftotext`: `pdftotext -layout` columns, long labels wrapped with their numbers on the
  middle line, page numbers between the rows, header labels broken over lines;
- `crawl`: a crawler's one-line body, cells run together with no separator;
- `box`, `tabs`: the tables drawn with box characters or tab-separated (text browsers, Word);
- `markdown-broken`: a PDF→Markdown converter's table 三 (corpus 107): long labels wrapped
  into text lines above a pipe row of numbers only, each row or two its own little table.
"""

from __future__ import annotations

import random

from . import shapes
from .report import Report
from .values import PEOPLE, REVIEW, group_of, result_rows

SHAPES = ["markdown", "markdown-broken", "pipe-rows", "cell-per-line", "cell-per-line-pipes", "pdftotext", "crawl", "box", "tabs"]
_ORD = "一二三四五六七八九十"
_FULL = str.maketrans({"(": "（", ")": "）", ":": "：", ",": "，"})
_HALF = str.maketrans({"（": "(", "）": ")", "：": ":", "，": ","})


def _num(v) -> str:
    if isinstance(v, float):
        return f"{v:.6f}".rstrip("0").rstrip(".")
    return str(v)


SPACES = [" ", "  ", "\u00a0", "\u3000", "\u2002"]


class _Style:
    """How one report's text differs from the form without being wrong: punctuation all
    full-width, all half-width (some web copies) or mixed; spaces inside row labels (a PDF's
    justified cells, a web page's &nbsp;); for pdftotext, prose wrapped at the page width,
    header labels broken over two lines, the row group 三、本年度办理结果 printed vertically."""

    def __init__(self, rng: random.Random, shape: str = ""):
        self.kind = rng.choices(["full", "half", "mixed"], [6, 2, 2])[0]
        self.rng = rng
        self.label_spaces = rng.random() < 0.3
        pdf = shape == "pdftotext"
        self.wrap = rng.randint(34, 44) if pdf and rng.random() < 0.8 else 0
        self.indent = rng.choice(["", "　　", "    "])
        self.header_break = pdf and rng.random() < 0.5
        self.vertical = pdf and rng.random() < 0.35
        self.crlf = rng.random() < 0.1
        # how section headings are numbered: 一、 mostly; 一． 一. 第一部分 and bold occur
        if shape.startswith("markdown"):  # converters write headings as ATX headings or in bold
            self.heading = rng.choices(["## {o}、{t}", "## {o}. {t}", "**{o}、{t}**"], [8, 1, 1])[0]
        else:
            self.heading = rng.choices(["{o}、{t}", "{o}．{t}", "{o}. {t}", "第{o}部分 {t}"], [12, 1, 1, 1])[0]

    def label(self, s: str) -> str:
        if self.kind == "full" or (self.kind == "mixed" and self.rng.random() < 0.5):
            s = s.translate(_FULL)
        else:
            s = s.translate(_HALF)
        if self.label_spaces and len(s) > 3 and self.rng.random() < 0.3:
            k = self.rng.randint(1, len(s) - 1)
            s = s[:k] + self.rng.choice(SPACES) + s[k:]
        return s


def _active_grid(r: Report, st: _Style) -> list[list[str]]:
    c = r.tables.cells
    groups = [g for t in ("item1", "item5", "item6", "item8", "item9") for g in _groups(r.format, t)]
    width = 1 + max(len(g["columns"]) for g in groups)
    rows = []
    for g in groups:
        rows.append([st.label(g["caption"])] + [""] * (width - 1))
        rows.append(["信息内容"] + [st.label(col["label"]) for col in g["columns"]] + [""] * (width - 1 - len(g["columns"])))
        for row in g["rows"]:
            vals = [_num(c[("active", row["key"], col["key"])]) for col in g["columns"]]
            rows.append([st.label(row["label"])] + vals + [""] * (width - 1 - len(vals)))
    return rows


def _groups(fmt: str, key: str) -> list[dict]:
    try:
        return [group_of(fmt, "active", key)]
    except StopIteration:
        return []


def _applications_grid(r: Report, st: _Style) -> list[list[str]]:
    c = r.tables.cells
    labels = {row["key"]: row for row in group_of(r.format, "applications")["rows"]}
    rows = [[st.label("(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和)"), "", "", "申请人情况", "", "", "", "", "", ""],
            ["", "", "", "自然人", "法人或其他组织", "", "", "", "", "总计"],
            ["", "", "", "", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", ""]]

    def vals(key):
        return [_num(c[("applications", key, col)]) for col in [*PEOPLE, "total"]]

    rows.append([st.label(labels["new"]["label"]), "", "", *vals("new")])
    rows.append([st.label(labels["carried_over"]["label"]), "", "", *vals("carried_over")])
    seen_parent, first = set(), True
    for key in [*result_rows(r.format), "result.total"]:
        row = labels[key]
        parent = row.get("parent")
        a = st.label("三、本年度办理结果") if first else ""
        first = False
        if parent and parent != "三、本年度办理结果":
            b = st.label(parent) if parent not in seen_parent else ""
            seen_parent.add(parent)
            rows.append([a, b, st.label(row["label"]), *vals(key)])
        else:
            rows.append([a, st.label(row["label"]), "", *vals(key)])
    rows.append([st.label(labels["carried_forward"]["label"]), "", "", *vals("carried_forward")])
    return rows


def _review_grid(r: Report) -> list[list[str]]:
    c = r.tables.cells
    heads = [*["结果维持", "结果纠正", "其他结果", "尚未审结"], "总计"]
    values = [_num(c[("review", row, col)]) for row in ("review", "litigation.direct", "litigation.after_review") for col in [*REVIEW, "total"]]
    return [["行政复议", "", "", "", "", "行政诉讼"] + [""] * 9,
            [""] * 5 + ["未经复议直接起诉", "", "", "", "", "复议后起诉", "", "", "", ""],
            heads * 3,
            values]


def grids(r: Report, rng: random.Random, st: _Style | None = None) -> dict[int, list[list[str]]]:
    st = st or _Style(rng)
    return {2: _active_grid(r, st), 3: _applications_grid(r, st), 4: _review_grid(r)}


# --- shapes of one table -------------------------------------------------------------------

def _markdown(grid: list[list[str]]) -> list[str]:
    n = len(grid[0])
    out = ["| " + " | ".join(grid[0]) + " |", "|" + "---|" * n]
    out += ["| " + " | ".join(row) + " |" for row in grid[1:]]
    return out


def _cells(row: list[str]) -> list[str]:
    return [c for c in row if c]


def _pipe_rows(grid):
    return [" | ".join(_cells(row)) + " |" for row in grid if _cells(row)]


def _cell_per_line(grid, pipes: bool):
    out = []
    for row in grid:
        for cell in _cells(row):
            out += [cell + (" |" if pipes else ""), ""]
    return out


def _crawl(grid, rng: random.Random) -> str:
    parts = []
    for row in grid:
        for cell in _cells(row):
            parts.append(cell)
            if rng.random() < 0.04:
                parts.append(" ")
    return "".join(parts)


def _pdf_rows(grid: list[list[str]], nlabels: int, rng: random.Random, st: _Style | None = None) -> list[str]:
    """pdftotext -layout: labels on the left, numbers in columns; a label longer than the
    label column wraps, with the numbers on its middle line (or on the line after it); header
    labels may break over two lines (商业企 / 业); the row group 三、本年度办理结果 may stand
    vertically, one character per line between the rows it groups."""
    label_w = 34
    col_w = rng.choice([6, 8, 9, 11])
    out = []
    vertical: list[str] = []
    for row in grid:
        labels, nums = _cells(row[:nlabels]), row[nlabels:]
        if not any(nums):
            cells = labels + _cells(nums)
            if st is not None and st.header_break and len(cells) > 2 and all(len(c) >= 4 for c in cells[:2]):
                out.append("   ".join(c[: len(c) // 2 + 1] for c in cells))
                out.append("   ".join(c[len(c) // 2 + 1:] for c in cells))
            else:
                out.append("   ".join(cells))
            continue
        for group in labels[:-1]:
            if st is not None and st.vertical and group.startswith(("三、", "三,", "三，")) and nlabels == 3:
                vertical = [group[:2], *group[2:]]
                continue
            out.append(group)
        label = labels[-1] if labels else ""
        numbers = "".join(v.ljust(col_w) for v in nums).rstrip()
        lead = " " * 8 if vertical or (st is not None and st.vertical and nlabels == 3 and row[0] == "" and row[1] != "") else ""
        if shapes.width(label) <= label_w:
            out.append(lead + label + " " * (label_w + 2 - shapes.width(label)) + numbers)
        else:
            parts = shapes._wrap(label, label_w)
            if rng.random() < 0.5 or len(parts) == 1:  # numbers on the line after the label
                out += [lead + p for p in parts]
                out.append(lead + " " * (label_w + 2) + numbers)
            else:  # numbers on the middle line
                mid = parts[len(parts) // 2]
                out += [lead + p for p in parts[: len(parts) // 2]]
                out.append(lead + mid + " " * (label_w + 2 - shapes.width(mid)) + numbers)
                out += [lead + p for p in parts[len(parts) // 2 + 1:]]
        if vertical:
            out.append(vertical.pop(0))
        elif rng.random() < 0.3:
            out.append("")
    return out


def _broken_markdown(grid: list[list[str]], nlabels: int, rng: random.Random) -> list[str]:
    width = rng.randint(9, 13)
    out = []
    for row in grid:
        labels, nums = _cells(row[:nlabels]), row[nlabels:]
        if not any(nums):
            out.append("| " + " | ".join(_cells(row)) + " |")
            continue
        for group in labels[:-1]:
            out += ["", *_wrap_prose(group, rng.randint(3, 6))]
        label = labels[-1] if labels else ""
        if len(label) > width:
            out += ["", *_wrap_prose(label, width), "| " + " | ".join(nums) + " |"]
        else:
            out.append("| " + " | ".join([label, *nums]) + " |")
        if rng.random() < 0.4:
            out.append("|" + "---|" * (len(nums) + (len(label) <= width)))
    return out


def _table_lines(section: int, grid, shape: str, rng: random.Random, st: _Style | None = None) -> list[str]:
    if shape == "markdown" or (shape == "markdown-broken" and section != 3):
        return _markdown(grid)
    if shape == "markdown-broken":
        return _broken_markdown(grid, 3, rng)
    if shape == "pipe-rows":
        return _pipe_rows(grid)
    if shape in ("cell-per-line", "cell-per-line-pipes"):
        return _cell_per_line(grid, shape.endswith("pipes"))
    if shape == "pdftotext":
        return _pdf_rows(grid, {2: 1, 3: 3, 4: 0}[section], rng, st)
    if shape == "box":
        return shapes.box(grid, style=rng.choice(list(shapes.STYLES)), max_width=rng.choice([8, 10, 12, 16, 20, 24, 40]))
    if shape == "tabs":
        return shapes.tabs(grid)
    if shape == "crawl":
        return [_crawl(grid, rng)]
    raise ValueError(f"unknown shape {shape!r}")


# --- the whole report ----------------------------------------------------------------------

def render(r: Report, shape: str, seed: int | None = None) -> str:
    """The report as text of `shape` (one of SHAPES)."""
    rng = random.Random(r.seed * 31 + SHAPES.index(shape) if seed is None else seed)
    md = shape.startswith("markdown")
    st = _Style(rng, shape)
    tables = grids(r, rng, st)
    out: list[str] = []
    if shape == "crawl":
        out += [f"索引号：{rng.randint(10**8, 10**9)}/{r.year + 1}-{rng.randint(1, 999):05d}",
                f"发布机构：{r.agency.name}", f"发布日期：{_iso(r.signature)}", ""]
    title = r.extra.get("title", r.title)
    out += [("# " if md else "") + title, ""]
    blocks: list[list[str]] = [[r.intro]]
    table_rows: set[str] = set()
    for n in range(1, 7):
        if n in r.extra.get("drop_sections", ()):
            continue
        block = [st.heading.format(o=_ORD[n - 1], t=r.titles[n])]
        if n == 1:
            for i, (sub, para) in enumerate(r.overview):
                subhead = f"（{_ORD[i]}）{sub}"
                if md:
                    block += [f"### {subhead}", para]
                elif rng.random() < 0.5:
                    block += [subhead, para]
                else:
                    block.append(f"{subhead}。{para}")
        elif n in tables:
            lines = _table_lines(n, tables[n], shape, rng, st)
            table_rows.update(lines)
            block += lines
        elif n == 5:
            block += r.problems
        elif n == 6:
            block += r.other
        blocks.append(block)
    blocks.append([r.agency.name, r.signature])
    if shape == "crawl":  # the body on one line, paragraphs and cells run together
        body = " ".join(rng.choice([" ", ""]).join(b) for b in blocks)
        return "\n".join(out[:-2] + [title + " " + body]) + "\n"
    for block in blocks:
        for k, line in enumerate(block):
            if st.wrap and k and line not in table_rows and len(line) > st.wrap:  # a PDF's page width
                wrapped = _wrap_prose(st.indent + line, st.wrap)
                out += wrapped[:-1]
                line = wrapped[-1]
            out.append(line)
            # table rows stay together; paragraphs get a blank line (pdftotext: not always)
            if line and not (line in table_rows) and (shape != "pdftotext" or rng.random() < 0.6):
                out.append("")
        out.append("")
    if shape == "pdftotext":
        out = _page_numbers(out, rng)
    text = "\n".join(_squeeze(out)) + "\n"
    return text.replace("\n", "\r\n") if st.crlf else text


def _wrap_prose(text: str, width: int) -> list[str]:
    """A paragraph as a PDF lays it out: lines of `width` characters, cut anywhere."""
    return [text[i : i + width] for i in range(0, len(text), width)]


def _squeeze(lines: list[str]) -> list[str]:
    """No more than one blank line in a row, none at the end; a Markdown table's rows kept together."""
    out: list[str] = []
    for line in lines:
        if line == "" and out and out[-1] == "":
            continue
        out.append(line)
    while out and out[-1] == "":
        out.pop()
    return out


def _page_numbers(lines: list[str], rng: random.Random) -> list[str]:
    """pdftotext puts each page's footer (`-3-`, `— 3 —`, `3`) where the page ended, tables
    included, and starts the next page with a form feed (some converters drop it)."""
    out, page, style = [], 1, rng.choice(["-{}-", "— {} —", "{}", "- {} -"])
    every = rng.randint(35, 55)
    feed = rng.random() < 0.7 or style == "{}"
    new_page = False
    for i, line in enumerate(lines):
        out.append(("\f" if new_page else "") + line)
        new_page = False
        if i and i % every == 0:
            out += ["", " " * rng.randint(24, 44) + style.format(page), ""]
            page += 1
            new_page = feed
    return out


def _iso(date: str) -> str:
    y, rest = date.split("年")
    m, d = rest.rstrip("日").split("月")
    return f"{y}-{int(m):02d}-{int(d):02d}"
