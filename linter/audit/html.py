"""The HTML audit report: one self-contained file an office can open offline, sort and print.

In: the audit result as a plain dict (AuditResult.to_dict(), its keys in SCHEMA.md); any
value may be missing or None, and every text in it (agency names, messages, contexts, passages)
comes from untrusted reports. Out: `render(audit)` → the HTML text (UTF-8 when written).

What is in it: the collection summary (reports, passed/failed, findings, pairs, what could not be
identified or paired and why); a per-agency table, sortable by clicking a header (a small inline
script; without it the table reads in its printed order, and `?sort=KEY&dir=asc|desc` in the URL
sorts it on load); charts drawn here as inline SVG (charts.py): findings by category,
applications and their results across agencies, year-over-year series, repetition rates with the
threshold; the metrics' quartiles; then one section per report with every finding and the text
around it, and the passages repeated from last year's report side by side.

Nothing is loaded from elsewhere: no fonts, stylesheets, scripts or images by URL, and a
Content-Security-Policy that allows only this file's own script (by its hash) — so a `<script>`
in a report that slipped through the escaping still could not run.
"""

from __future__ import annotations

import base64
import difflib
import hashlib
import re
from datetime import datetime

from .charts import esc, hbar, histogram, line_chart, number, stacked_hbar

TITLE = "政府信息公开工作年度报告审核报告"
SEVERITY_CN = {"error": "错误", "warning": "警告", "info": "提示"}
SEVERITY_RANK = {"error": 0, "warning": 1, "info": 2}
LEVEL_CN = {"government": "县级以上人民政府", "department": "政府部门", "township": "乡镇（街道）", "other": "其他"}
LEVEL_SHORT = {"government": "人民政府", "department": "政府部门", "township": "乡镇街道", "other": "其他"}  # in the table
LEVEL_RANK = {"government": 0, "department": 1, "township": 2, "other": 3}
CATEGORY_CN = {
    "structure": "结构",
    "table-shape": "表格形式",
    "arithmetic": "勾稽关系",
    "consistency": "前后一致",
    "date": "日期",
    "typography": "标点排版",
    "duplicate": "重复",
    "agency": "机关名称",
    "format-version": "格式版本",
    "syntax": "语法",
    "cross-year": "跨年度",
    "cross-agency": "跨机关",
}
SECTION_CN = {1: "一", 2: "二", 3: "三", 4: "四", 5: "五", 6: "六", 7: "七", 8: "八"}
# the results of section 3's table (column 总计), grouped as evaluators chart them
RESULT_GROUPS = [
    ("予以公开", ("result.open",)),
    ("部分公开", ("result.partial",)),
    ("不予公开", ("result.refuse.",)),
    ("无法提供", ("result.unable.",)),
    ("不予处理", ("result.reject.",)),
    ("其他处理", ("result.other",)),
]
DEFAULT_THRESHOLD = 0.5  # evaluators' repetition threshold (audit["repetition_threshold"] overrides)
CHART_ROWS = 30  # agencies in one bar chart; the rest are counted in a note
LINE_SERIES = 8  # agencies in the year-over-year chart
DIFF_LIMIT = 4000  # passages longer than this are shown without the changed spans marked
TEXT_LIMIT = 6000  # characters of one context or passage shown (a hostile report's megabyte line is cut)


def _d(value) -> dict:
    return value if isinstance(value, dict) else {}


def _l(value) -> list:
    return value if isinstance(value, list) else []


def _s(value) -> str:
    return "" if value is None else str(value)


def _cut(text: str) -> str:
    if len(text) <= TEXT_LIMIT:
        return text
    return text[:TEXT_LIMIT] + f"…（以下省略 {len(text) - TEXT_LIMIT} 字）"


def _int(value) -> int:
    v = number(value)
    return int(v) if v is not None else 0


class _Collection:
    """The audit dict read once: reports (dicts only), their anchors, labels and lookups."""

    def __init__(self, audit: dict):
        self.audit = audit
        self.reports = [r for r in _l(audit.get("reports")) if isinstance(r, dict)]
        labels = dict(CATEGORY_CN)
        labels.update({str(k): str(v) for k, v in _d(audit.get("category_labels")).items() if v is not None})
        self.category_labels = labels
        self._rid: dict[int, str] = {}  # id() of a report dict -> its (unique) report id
        self.anchor: dict[str, str] = {}  # report id -> element id
        self.by_id: dict[str, dict] = {}
        self.by_path: dict[str, str] = {}  # any path of a report -> its report id
        used: set[str] = set()
        for i, r in enumerate(self.reports):
            rid = _s(r.get("id")) or f"#{i}"
            if rid in self.by_id:
                rid = f"{rid}#{i}"
            self._rid[id(r)] = rid
            a = "r-" + re.sub(r"[^A-Za-z0-9_-]", lambda m: f"_{ord(m.group(0)):x}", rid)
            while a in used:
                a += "_"
            used.add(a)
            self.anchor[rid] = a
            self.by_id[rid] = r
            for p in [r.get("path"), *_l(r.get("paths"))]:
                if p is not None:
                    self.by_path.setdefault(_s(p), rid)
        order = list(dict.fromkeys(str(c) for c in _l(audit.get("categories")) if c is not None))
        seen = set(order)
        for r in self.reports:
            for c in _d(r.get("by_category")):
                if str(c) not in seen:
                    seen.add(str(c))
                    order.append(str(c))
            for f in _l(r.get("findings")):
                c = self.group(r, _d(f))
                if c and c not in seen:
                    seen.add(c)
                    order.append(c)
        self.categories = order
        self.later: dict[str, list[dict]] = {}  # report id -> the reports naming it as previous
        for r in self.reports:
            prev = _s(r.get("previous"))
            if prev:
                self.later.setdefault(prev, []).append(r)
        t = number(audit.get("repetition_threshold"))
        self.threshold = t if t is not None and 0 < t <= 1 else DEFAULT_THRESHOLD

    def rid(self, r: dict) -> str:
        return self._rid[id(r)]

    def group(self, r: dict, f: dict) -> str:
        """The group a finding is counted in: its "group" when given; else a finding pointing
        at another report of the collection is cross-year (same agency) or cross-agency;
        else its rule's category."""
        given = _s(f.get("group"))
        if given:
            return given
        own = {_s(r.get("path")), *(_s(p) for p in _l(r.get("paths")))}
        for x in _l(f.get("related")):
            other = self.by_path.get(_s(_d(x).get("path")))
            if other is not None and _s(_d(x).get("path")) not in own:
                o = self.by_id[other]
                same = (_s(o.get("agency_key")) or _s(o.get("agency"))) == (_s(r.get("agency_key")) or _s(r.get("agency")))
                return "cross-year" if same else "cross-agency"
        return _s(f.get("category"))

    def label(self, category: str) -> str:
        return self.category_labels.get(category, category)

    def href(self, rid) -> str | None:
        a = self.anchor.get(_s(rid))
        return f"#{a}" if a else None

    def title(self, r: dict) -> str:
        """`机关 · 2024年度` (or the path when the agency is unknown)."""
        agency = _s(r.get("agency")) or _s(r.get("agency_key")) or _s(r.get("path")) or "未识别的机关"
        year = number(r.get("year"))
        return f"{agency} · {int(year)}年度" if year is not None else agency

    def by_category(self, r: dict) -> dict[str, int]:
        counts = {str(k): _int(v) for k, v in _d(r.get("by_category")).items()}
        if counts or not _l(r.get("findings")):
            return counts
        for f in _l(r.get("findings")):
            c = self.group(r, _d(f))
            counts[c] = counts.get(c, 0) + 1
        return counts

    def counts(self, r: dict) -> dict[str, int]:
        c = _d(r.get("counts"))
        if c:
            return {k: _int(c.get(k)) for k in ("error", "warning", "info")}
        out = {"error": 0, "warning": 0, "info": 0}
        for f in _l(r.get("findings")):
            sev = _s(_d(f).get("severity"))
            if sev in out:
                out[sev] += 1
        return out

    def passed(self, r: dict) -> bool | None:
        p = r.get("passed")
        if isinstance(p, bool):
            return p
        return None if not r.get("counts") and not r.get("findings") else self.counts(r)["error"] == 0


def render(audit: dict) -> str:
    """The HTML audit report of `audit` (the AuditResult dict), a complete document."""
    col = _Collection(_d(audit))
    script = _SCRIPT
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    csp = f"default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'sha256-{digest}'"
    tool = _d(col.audit.get("tool"))
    parts = [
        "<!DOCTYPE html>\n",
        '<html lang="zh-CN"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{esc(csp)}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta name="generator" content="{esc(_s(tool.get("name")) or "xxgk-lint")} {esc(tool.get("version"))}">',
        f"<title>{esc(TITLE)}</title><style>{_CSS}</style></head><body>",
        _header(col),
        '<main id="main">',
        _agency_table(col),
        _charts(col),
        _metrics_table(col),
        _report_sections(col),
        "</main>",
        _footer(col),
        f"<script>{script}</script></body></html>\n",
    ]
    return "".join(parts)


# ---------------------------------------------------------------- header and summary


def _when(value) -> str:
    text = _s(value)
    if not text:
        return ""
    try:
        t = datetime.fromisoformat(text)
    except ValueError:
        return text
    zone = ""
    if t.utcoffset() is not None:
        minutes = int(t.utcoffset().total_seconds() // 60)
        zone = " UTC" if minutes == 0 else f" UTC{'+' if minutes > 0 else '−'}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
    return f"{t.year}年{t.month}月{t.day}日 {t.hour:02d}:{t.minute:02d}{zone}"


def _summary_numbers(col: _Collection) -> dict[str, int]:
    """The summary's figures; any missing one counted from the reports."""
    s = _d(col.audit.get("summary"))
    counted = {
        "reports": len(col.reports),
        "passed": sum(1 for r in col.reports if col.passed(r) is True),
        "failed": sum(1 for r in col.reports if col.passed(r) is False),
        "errors": sum(col.counts(r)["error"] for r in col.reports),
        "warnings": sum(col.counts(r)["warning"] for r in col.reports),
        "infos": sum(col.counts(r)["info"] for r in col.reports),
        "pairs": len(_l(col.audit.get("pairs"))),
        "unidentified": len(_l(col.audit.get("unidentified"))),
        "unpaired": len(_l(col.audit.get("unpaired"))),
    }
    out = {}
    for k, v in counted.items():
        given = number(s.get(k))
        out[k] = int(given) if given is not None else v
    return out


def _header(col: _Collection) -> str:
    a = col.audit
    tool = _d(a.get("tool"))
    n = _summary_numbers(col)
    meta = []
    if _when(a.get("generated")):
        meta.append(f"生成时间：{esc(_when(a.get('generated')))}")
    meta.append(f"工具：{esc(_s(tool.get('name')) or 'xxgk-lint')} {esc(tool.get('version'))}".rstrip())
    if a.get("engine"):
        meta.append(f"引擎：{esc(a.get('engine'))}")
    cards = [
        ("reports", "报告", ""),
        ("passed", "通过", "ok"),
        ("failed", "未通过", "bad" if n["failed"] else ""),
        ("errors", "错误", "bad" if n["errors"] else ""),
        ("warnings", "警告", "warn" if n["warnings"] else ""),
        ("infos", "提示", ""),
        ("pairs", "跨年度配对", ""),
        ("unidentified", "未能识别", "warn" if n["unidentified"] else ""),
        ("unpaired", "未能配对", "warn" if n["unpaired"] else ""),
    ]
    out = [
        '<header class="top" id="top">',
        f"<h1>{esc(TITLE)}</h1>",
        f'<p class="meta">{"　".join(meta)}</p>',
        '<section class="summary" id="summary" aria-label="概况"><h2>概况</h2><ul class="cards">',
    ]
    for key, label, cls in cards:
        out.append(f'<li class="card {cls}" data-k="{key}"><span class="num">{n[key]:,}</span><span class="lbl">{label}</span></li>')
    out.append("</ul>")
    if not col.reports:
        out.append('<p class="empty">本次审核没有可读的报告。</p>')
    out.append(_files(col, "errors", "未能读取的文件"))
    out.append(_files(col, "unidentified", "未能识别的文件"))
    out.append(_unpaired(col))
    out.append("</section>")
    out.append(
        '<nav class="toc" aria-label="目录"><a href="#agencies">各机关一览</a><a href="#charts">图表</a>'
        '<a href="#metrics">指标</a><a href="#reports">逐份报告</a></nav>'
    )
    out.append("</header>")
    return "".join(out)


def _files(col: _Collection, key: str, title: str) -> str:
    """The files of audit[key] ({"path", "why"}) as a table under `title`, or nothing."""
    items = [_d(u) for u in _l(col.audit.get(key))]
    if not items:
        return ""
    rows = "".join(
        f'<tr><td class="path">{esc(u.get("path")) or "—"}</td><td>{esc(u.get("why")) or "原因不明"}</td></tr>' for u in items
    )
    return (
        f'<details class="issues" open id="{key}"><summary>{title}（{len(items)}）</summary>'
        f'<table class="plain"><thead><tr><th>文件</th><th>原因</th></tr></thead><tbody>{rows}</tbody></table></details>'
    )


def _unpaired(col: _Collection) -> str:
    items = [_d(u) for u in _l(col.audit.get("unpaired"))]
    if not items:
        return ""
    rows = []
    for u in items:
        rid = _s(u.get("report"))
        r = col.by_id.get(rid)
        name = esc(col.title(r)) if r else esc(rid) or "—"
        href = col.href(rid)
        cell = f'<a href="{href}">{name}</a>' if href else name
        rows.append(f'<tr><td>{cell}</td><td>{esc(u.get("why")) or "原因不明"}</td></tr>')
    return (
        f'<details class="issues" open id="unpaired"><summary>未能跨年度配对的报告（{len(items)}）</summary>'
        f"<table class=\"plain\"><thead><tr><th>报告</th><th>原因</th></tr></thead><tbody>{''.join(rows)}</tbody></table></details>"
    )


# ---------------------------------------------------------------- the per-agency table


def _rate(r: dict) -> float | None:
    return number(_d(r.get("repetition")).get("rate"))


def _agency_table(col: _Collection) -> str:
    out = ['<section class="agencies" id="agencies"><h2>各机关一览</h2>']
    if not col.reports:
        out.append('<p class="empty">没有报告。</p></section>')
        return "".join(out)
    used = [c for c in col.categories if any(col.by_category(r).get(c) for r in col.reports)]
    out.append(
        f'<p class="note">共 {len(col.reports)} 份报告。<span class="js-only">点击表头可按该列排序，再次点击反向排序。</span>'
        "各类问题的数目列在对应类别下，空白表示没有该类问题。</p>"
    )
    heads = [
        ("agency", "text", "机关", "name"),
        ("level", "num", "层级", "level"),
        ("year", "num", "年度", "n"),
        ("format", "text", "格式", "n"),
        ("errors", "num", "错误", "n sev-error"),
        ("warnings", "num", "警告", "n sev-warning"),
        ("infos", "num", "提示", "n sev-info"),
    ]
    heads += [(f"cat-{_key(c)}", "num", col.label(c), "n cat") for c in used]
    heads += [("repetition", "num", "重复率", "n"), ("passed", "num", "结论", "verdict")]
    out.append('<div class="table-wrap"><table id="agency-table" class="agency-table"><thead><tr>')
    for key, typ, label, cls in heads:
        out.append(
            f'<th scope="col" class="{cls}" data-k="{key}" data-type="{typ}" aria-sort="none">'
            f'{esc(label)}<span class="arrow" aria-hidden="true"></span></th>'
        )
    out.append("</tr></thead><tbody>")
    for r in _table_order(col):
        out.append(_table_row(col, r, used))
    out.append("</tbody></table></div></section>")
    return "".join(out)


def _key(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", lambda m: f"_{ord(m.group(0)):x}", text)


def _table_order(col: _Collection) -> list[dict]:
    """Printed order: by level (government, departments, towns), agency, then year."""

    def key(r):
        year = number(r.get("year"))
        return (
            LEVEL_RANK.get(_s(r.get("level")), 4),
            _s(r.get("region")),
            _s(r.get("agency_key")) or _s(r.get("agency")),
            year if year is not None else 0,
        )

    return sorted(col.reports, key=key)


def _table_row(col: _Collection, r: dict, used: list[str]) -> str:
    c = col.counts(r)
    cats = col.by_category(r)
    year = number(r.get("year"))
    level = _s(r.get("level"))
    level_label = LEVEL_SHORT.get(level) or _s(r.get("level_label")) or "—"
    agency = _s(r.get("agency")) or _s(r.get("agency_key")) or _s(r.get("path")) or "未识别的机关"
    fmt_v = _s(r.get("format"))
    rate = _rate(r)
    passed = col.passed(r)
    cells = [
        f'<td class="name" data-v="{esc(agency)}"><a href="{col.href(col.rid(r))}">{esc(agency)}</a></td>',
        f'<td class="level" data-v="{LEVEL_RANK.get(level, 4)}">{esc(level_label)}</td>',
        f'<td class="n" data-v="{int(year) if year is not None else ""}">{int(year) if year is not None else "—"}</td>',
        f'<td class="n" data-v="{esc(fmt_v)}">{esc(fmt_v + "版") if fmt_v else "—"}</td>',
        f'<td class="n sev-error" data-v="{c["error"]}">{c["error"] or ""}</td>',
        f'<td class="n sev-warning" data-v="{c["warning"]}">{c["warning"] or ""}</td>',
        f'<td class="n sev-info" data-v="{c["info"]}">{c["info"] or ""}</td>',
    ]
    for cat in used:
        v = cats.get(cat, 0)
        cells.append(f'<td class="n cat" data-v="{v}">{v or ""}</td>')
    if rate is None:
        cells.append('<td class="n" data-v="">—</td>')
    else:
        over = " over" if rate >= col.threshold else ""
        cells.append(f'<td class="n{over}" data-v="{rate:.4f}">{rate * 100:.0f}%</td>')
    if passed is None:
        cells.append('<td class="verdict" data-v="">—</td>')
    else:
        cells.append(
            f'<td class="verdict" data-v="{1 if passed else 0}"><span class="badge {"pass" if passed else "fail"}">'
            f'{"通过" if passed else "未通过"}</span></td>'
        )
    return f'<tr data-report="{esc(col.rid(r))}">{"".join(cells)}</tr>'


# ---------------------------------------------------------------- charts


def _figure(fig_id: str, caption: str, svg: str, note: str = "") -> str:
    note_html = f'<p class="note">{note}</p>' if note else ""
    return f'<figure class="fig" id="{fig_id}"><figcaption>{esc(caption)}</figcaption>{svg}{note_html}</figure>'


def _charts(col: _Collection) -> str:
    out = ['<section class="charts" id="charts"><h2>图表</h2>']
    out.append(_chart_categories(col))
    out.append(_chart_applications(col))
    out.append(_chart_series(col))
    out.append(_chart_repetition(col))
    out.append("</section>")
    return "".join(out)


def _chart_categories(col: _Collection) -> str:
    totals: dict[str, int] = {}
    for r in col.reports:
        for c, v in col.by_category(r).items():
            totals[c] = totals.get(c, 0) + v
    cats = col.categories or sorted(totals)
    if not any(totals.values()):
        return _figure("chart-categories", "各类问题数量", "", '<span class="empty">没有发现问题。</span>')
    items = [(col.label(c), totals.get(c, 0)) for c in cats]
    return _figure("chart-categories", "各类问题数量", hbar(items, "各类问题数量（全部报告合计）", label_width=120))


def _results(r: dict) -> list[float] | None:
    """Section 3's results (总计 column) of `r` in RESULT_GROUPS, or None when it has none."""
    found: dict[str, float] = {}
    for cell in _l(r.get("cells")):
        cell = _d(cell)
        if _s(cell.get("table")) != "applications" or _s(cell.get("column")) != "total":
            continue
        v = number(cell.get("value"))
        if v is not None:
            found[_s(cell.get("row"))] = v
    if not found:
        return None
    out = []
    for _, keys in RESULT_GROUPS:
        total = 0.0
        for k in keys:
            if k.endswith("."):
                total += sum(v for row, v in found.items() if row.startswith(k))
            elif k in found:
                total += found[k]
            else:  # a parent row left out (2021's (六) may be): its items
                total += sum(v for row, v in found.items() if row.startswith(k + "."))
        out.append(total)
    return out if any(k.startswith("result.") for k in found) else None


def _latest_per_agency(col: _Collection) -> list[dict]:
    """Each agency's most recent report (the reports of an agency unknown each count alone)."""
    best: dict[str, dict] = {}
    for r in col.reports:
        k = _s(r.get("agency_key")) or _s(r.get("agency")) or f"#{col.rid(r)}"
        cur = best.get(k)
        y = number(r.get("year"))
        if cur is None or (y is not None and (number(cur.get("year")) is None or y > number(cur.get("year")))):
            best[k] = r
    return list(best.values())


def _chart_applications(col: _Collection) -> str:
    reports = _latest_per_agency(col)
    years = {number(r.get("year")) for r in reports}
    one_year = next(iter(years)) if len(years) == 1 else None
    if one_year is not None:
        caption = f"{int(one_year)}年度各机关政府信息公开申请及办理结果"
    else:
        caption = "各机关最近一个年度的政府信息公开申请及办理结果"

    def name(r: dict) -> str:
        y = number(r.get("year"))
        return _agency_name(r) if one_year is not None or y is None else f"{_agency_name(r)}（{int(y)}年）"

    rows = []
    for r in reports:
        res = _results(r)
        if res is not None:
            rows.append((sum(res), name(r), res, col.href(col.rid(r))))
    if rows:
        rows.sort(key=lambda x: -x[0])
        shown = rows[:CHART_ROWS]
        note = f"共 {len(rows)} 个机关，图中列出办理量最多的 {len(shown)} 个。" if len(rows) > len(shown) else ""
        zero = sum(1 for t, *_ in rows if t == 0)
        if zero:
            note += f"其中 {zero} 个机关没有办理申请。"
        svg = stacked_hbar(
            [(label, res, href) for _, label, res, href in shown], [g for g, _ in RESULT_GROUPS], caption + "（按办理结果分类，总计列）"
        )
        return _figure("chart-applications", caption, svg, esc(note))
    # no table cells: the applications metric alone
    items = [(name(r), number(_d(r.get("metrics")).get("applications")), col.href(col.rid(r))) for r in reports]
    items = [it for it in items if it[1] is not None]
    if not items:
        return _figure("chart-applications", caption, "", '<span class="empty">没有可用的申请数据。</span>')
    items.sort(key=lambda it: -it[1])
    shown = items[:CHART_ROWS]
    note = f"共 {len(items)} 个机关，图中列出申请最多的 {len(shown)} 个。" if len(items) > len(shown) else ""
    return _figure("chart-applications", caption, hbar(shown, caption + "（申请数量）"), esc(note))


def _agency_name(r: dict) -> str:
    return _s(r.get("agency")) or _s(r.get("agency_key")) or _s(r.get("path")) or "未识别的机关"


def _series(col: _Collection) -> list[tuple[str, list[tuple], float]]:
    """(agency, [(year, applications)], largest count) of every agency with two years or more."""
    out = []
    for agency, points in _d(col.audit.get("series")).items():
        pts = [(_d(p).get("year"), _d(p).get("applications")) for p in _l(points)]
        pts = [(y, v) for y, v in pts if number(y) is not None]
        if len(pts) < 2:
            continue
        peak = max([number(v) or 0.0 for _, v in pts] + [0.0])
        out.append((str(agency), pts, peak))
    return out


def _chart_series(col: _Collection) -> str:
    caption = "各机关政府信息公开申请数量逐年变化"
    series = _series(col)
    if not series:
        return _figure("chart-series", caption, "", '<span class="empty">没有跨年度的数据（至少需要同一机关两个年度的报告）。</span>')
    series.sort(key=lambda s: (-s[2], s[0]))
    shown = series[:LINE_SERIES]
    note = f"共 {len(series)} 个机关有两个年度以上的报告，图中列出申请最多的 {len(shown)} 个；其余见各报告小节。" if len(series) > len(shown) else ""
    svg = line_chart([(name, pts) for name, pts, _ in shown], caption + "（本年新收申请数量，件）")
    return _figure("chart-series", caption, svg, esc(note))


def _chart_repetition(col: _Collection) -> str:
    t = col.threshold
    caption = f"与上年度报告的文字重复率（阈值 {t * 100:.0f}%）"
    items = [(_rate(r), col.title(r), col.href(col.rid(r))) for r in col.reports if _rate(r) is not None]
    if not items:
        return _figure("chart-repetition", caption, "", '<span class="empty">没有可比较的上年度报告。</span>')
    items.sort(key=lambda it: (-it[0], it[1]))
    shown = items[:CHART_ROWS]
    over = sum(1 for v, *_ in items if v >= t)
    note = f"共 {len(items)} 份报告与上年度报告作了比较，{over} 份的重复率达到或超过 {t * 100:.0f}%（红色）。"
    if len(items) > len(shown):
        note += f"图中列出重复率最高的 {len(shown)} 份。"
    svg = hbar(
        [(name, v, href) for v, name, href in shown],
        caption,
        unit="%",
        threshold=t,
        threshold_label=f"阈值 {t * 100:.0f}%",
        label_width=230,
    )
    if len(items) > len(shown):  # the whole collection as a distribution, before the highest ones
        dist = histogram([v for v, *_ in items], f"重复率的分布（{len(items)} 份报告）", threshold=t, threshold_label=f"阈值 {t * 100:.0f}%")
        svg = f'<p class="sub">重复率的分布（报告份数）</p>{dist}<p class="sub">重复率最高的 {len(shown)} 份报告</p>{svg}'
    return _figure("chart-repetition", caption, svg, esc(note))


# ---------------------------------------------------------------- metrics


def _metric_defs(col: _Collection) -> list[dict]:
    return [m for m in (_d(m) for m in _l(col.audit.get("metrics"))) if m.get("key") is not None]


def _metric_value(value, unit: str) -> str:
    v = number(value)
    if v is None:
        return "—"
    if unit == "%":
        return f"{v * 100:.1f}%"
    if v.is_integer():
        return f"{int(v):,}{esc(unit)}"
    return f"{v:,.2f}".rstrip("0").rstrip(".") + esc(unit)


def _quartiles(m: dict) -> list[float | None] | None:
    q = _l(m.get("quartiles"))
    if len(q) != 3:
        return None
    return [number(x) for x in q]


def _metrics_table(col: _Collection) -> str:
    defs = _metric_defs(col)
    out = ['<section class="metrics" id="metrics"><h2>指标</h2>']
    if not defs:
        out.append('<p class="empty">没有定义指标。</p></section>')
        return "".join(out)
    out.append(
        '<p class="note">下四分位数、中位数和上四分位数按本次审核的全部报告计算；各报告的取值见各自小节。</p>'
        '<table class="plain metrics-table"><thead><tr><th>指标</th><th>下四分位数</th><th>中位数</th>'
        "<th>上四分位数</th><th>说明</th></tr></thead><tbody>"
    )
    for m in defs:
        unit = _s(m.get("unit"))
        q = _quartiles(m) or [None, None, None]
        out.append(
            f'<tr><td>{esc(m.get("label") or m.get("key"))}</td>'
            + "".join(f'<td class="n">{_metric_value(x, unit)}</td>' for x in q)
            + f'<td class="desc">{esc(m.get("description"))}</td></tr>'
        )
    out.append("</tbody></table></section>")
    return "".join(out)


# ---------------------------------------------------------------- per report


def _report_sections(col: _Collection) -> str:
    out = ['<section class="reports" id="reports"><h2>逐份报告</h2>']
    if not col.reports:
        out.append('<p class="empty">没有报告。</p>')
    series = {str(k): v for k, v in _d(col.audit.get("series")).items()}
    defs = _metric_defs(col)
    for r in _table_order(col):
        out.append(_report(col, r, series, defs))
    out.append("</section>")
    return "".join(out)


def _report(col: _Collection, r: dict, series: dict, defs: list[dict]) -> str:
    rid = col.rid(r)
    passed = col.passed(r)
    c = col.counts(r)
    badge = ""
    if passed is not None:
        badge = f'<span class="badge {"pass" if passed else "fail"}">{"通过" if passed else "未通过"}</span> '
    out = [f'<article class="report" id="{col.anchor[rid]}" data-report="{esc(rid)}">']
    out.append(f"<h3>{badge}{esc(col.title(r))}</h3>")
    facts = []
    level = _s(r.get("level_label")) or LEVEL_CN.get(_s(r.get("level")), "")
    if level:
        facts.append(("层级", esc(level)))
    if r.get("region"):
        facts.append(("地区", esc(r.get("region"))))
    if r.get("format"):
        facts.append(("格式", f"{esc(r.get('format'))}版"))
    paths = [_s(p) for p in _l(r.get("paths")) if p is not None] or ([_s(r.get("path"))] if r.get("path") else [])
    if paths:
        facts.append(("文件", "<br>".join(f'<span class="path">{esc(p)}</span>' for p in paths)))
    prev = _s(r.get("previous"))
    if prev and prev in col.by_id:
        facts.append(("上年度报告", f'<a href="{col.href(prev)}">{esc(col.title(col.by_id[prev]))}</a>'))
    later = col.later.get(rid, [])
    if later:
        facts.append(("下年度报告", "、".join(f'<a href="{col.href(col.rid(x))}">{esc(col.title(x))}</a>' for x in later)))
    facts.append(("问题", f'错误 {c["error"]}，警告 {c["warning"]}，提示 {c["info"]}'))
    out.append('<dl class="facts">' + "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in facts) + "</dl>")
    out.append(_report_metrics(r, defs))
    key = _s(r.get("agency_key")) or _s(r.get("agency"))
    pts = [(_d(p).get("year"), _d(p).get("applications")) for p in _l(series.get(key))]
    pts = [(y, v) for y, v in pts if number(y) is not None]
    if len(pts) >= 2:
        out.append(
            '<figure class="fig small"><figcaption>本机关申请数量逐年变化</figcaption>'
            + line_chart([(key, pts)], f"{key}申请数量逐年变化", width=480, height=150, legend=False)
            + "</figure>"
        )
    out.append(_findings(col, r))
    out.append(_repetition(col, r))
    out.append('<p class="back"><a href="#agencies">返回一览表</a></p></article>')
    return "".join(out)


def _report_metrics(r: dict, defs: list[dict]) -> str:
    values = _d(r.get("metrics"))
    rows = []
    for m in defs:
        k = _s(m.get("key"))
        if k not in values:
            continue
        unit = _s(m.get("unit"))
        v = number(values.get(k))
        q = _quartiles(m)
        where = ""
        if v is not None and q and q[0] is not None and q[2] is not None:
            if v < q[0]:
                where = '<span class="low">低于下四分位数</span>'
            elif v > q[2]:
                where = '<span class="high">高于上四分位数</span>'
            else:
                where = "处于中间一半"
        rows.append(f'<tr><td>{esc(m.get("label") or k)}</td><td class="n">{_metric_value(values.get(k), unit)}</td><td>{where}</td></tr>')
    if not rows:
        return ""
    return '<table class="plain mini"><thead><tr><th>指标</th><th>本报告</th><th>在全部报告中</th></tr></thead><tbody>' + "".join(rows) + "</tbody></table>"


def _location(line, column) -> str:
    ln, cn = number(line), number(column)
    if ln is None:
        return ""
    return f"第 {int(ln)} 行" + (f"第 {int(cn)} 列" if cn is not None else "")


def _findings(col: _Collection, r: dict) -> str:
    findings = [_d(f) for f in _l(r.get("findings"))]
    if not findings:
        return '<h4>问题</h4><p class="empty">未发现问题。</p>'

    def order(f):
        ln = number(f.get("line"))
        return (SEVERITY_RANK.get(_s(f.get("severity")), 3), ln if ln is not None else 0)

    findings.sort(key=order)
    own = {_s(r.get("path")), *(_s(p) for p in _l(r.get("paths")))}
    out = [f"<h4>问题（{len(findings)}）</h4><ol class=\"findings\">"]
    for f in findings:
        sev = _s(f.get("severity"))
        sev_cls = sev if sev in SEVERITY_CN else "info"
        cat = col.group(r, f)
        where = _location(f.get("line"), f.get("column"))
        fpath = _s(f.get("path"))
        if fpath and fpath not in own:
            where = f"{esc(fpath)} {where}"
        rule = " ".join(x for x in (_s(f.get("rule")), _s(f.get("name"))) if x)
        out.append(f'<li class="finding sev-{sev_cls}"><div class="fhead">')
        out.append(f'<span class="sev">{SEVERITY_CN.get(sev, esc(sev) or "提示")}</span>')
        if cat:
            out.append(f'<span class="cat">{esc(col.label(cat))}</span>')
        if rule:
            out.append(f'<code class="rule">{esc(rule)}</code>')
        if where:
            out.append(f'<span class="loc">{where}</span>')
        out.append(f'</div><p class="msg">{esc(f.get("message"))}</p>')
        fix = _d(f.get("fix"))
        if fix.get("message"):
            out.append(f'<p class="fix">建议：{esc(fix.get("message"))}</p>')
        related = [_d(x) for x in _l(f.get("related"))]
        if related:
            out.append('<ul class="related">')
            for x in related:
                rpath = _s(x.get("path"))
                loc = _location(x.get("line"), x.get("column"))
                if rpath and rpath not in own:
                    other = col.by_path.get(rpath)
                    name = esc(col.title(col.by_id[other])) if other else esc(rpath)
                    target = f'<a href="{col.href(other)}">{name}</a>' if other else name
                    loc = f"{target} {loc}".strip()
                msg = esc(x.get("message"))
                out.append(f"<li>{loc}{'：' if loc and msg else ''}{msg}</li>")
            out.append("</ul>")
        if _s(f.get("context")).strip():
            out.append(f'<pre class="ctx">{esc(_cut(_s(f.get("context"))))}</pre>')
        out.append("</li>")
    out.append("</ol>")
    return "".join(out)


def _section_name(key) -> str:
    n = number(key)
    if n is None:
        try:
            n = float(_s(key))
        except ValueError:
            return esc(key)
    n = int(n)
    return f"第{SECTION_CN.get(n, str(n))}部分"


def _marked(this: str, prev: str) -> tuple[str, str]:
    """Both passages escaped, the spans that differ between them in <mark>."""
    if len(this) > DIFF_LIMIT or len(prev) > DIFF_LIMIT:
        return esc(this), esc(prev)
    sm = difflib.SequenceMatcher(None, this, prev, autojunk=False)
    a, b = [], []
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op == "equal":
            a.append(esc(this[i1:i2]))
            b.append(esc(prev[j1:j2]))
        else:
            if i2 > i1:
                a.append(f"<mark>{esc(this[i1:i2])}</mark>")
            if j2 > j1:
                b.append(f"<mark>{esc(prev[j1:j2])}</mark>")
    return "".join(a), "".join(b)


def _repetition(col: _Collection, r: dict) -> str:
    rep = r.get("repetition")
    if not isinstance(rep, dict):
        return ""
    rate = number(rep.get("rate"))
    prev = col.by_id.get(_s(r.get("previous")))
    this_year = number(r.get("year"))
    prev_year = number(prev.get("year")) if prev else (this_year - 1 if this_year is not None else None)
    this_h = f"本年度（{int(this_year)}年）" if this_year is not None else "本年度"
    prev_h = f"上年度（{int(prev_year)}年）" if prev_year is not None else "上年度"
    out = ["<h4>与上年度报告的重复文字</h4>"]
    if rate is not None:
        over = rate >= col.threshold
        verdict = (
            f'<strong class="over">达到或超过 {col.threshold * 100:.0f}% 的阈值</strong>' if over else f"低于 {col.threshold * 100:.0f}% 的阈值"
        )
        out.append(f'<p class="rep-rate">重复率 <strong>{rate * 100:.0f}%</strong>，{verdict}（不计套话和表格的官方栏目名称）。</p>')
    per = _d(rep.get("per_section"))
    if per:
        def skey(item):
            n = number(item[0])
            if n is None:
                try:
                    n = float(_s(item[0]))
                except ValueError:
                    n = 99.0
            return n

        parts = []
        for k, v in sorted(per.items(), key=skey):
            pv = number(v)
            if pv is None:
                continue
            cls = ' class="over"' if pv >= col.threshold else ""
            parts.append(f"<li{cls}>{_section_name(k)} {pv * 100:.0f}%</li>")
        if parts:
            out.append(f'<ul class="per-section">{"".join(parts)}</ul>')
    passages = [_d(p) for p in _l(rep.get("passages"))]
    if passages:
        out.append(
            '<table class="side"><colgroup><col class="half"><col class="half"></colgroup><thead><tr>'
            f"<th>{this_h}</th><th>{prev_h}</th></tr></thead><tbody>"
        )
        for p in passages:
            sim = number(p.get("similarity"))
            head = []
            if p.get("section") is not None:
                head.append(_section_name(p.get("section")))
            if sim is not None:
                head.append(f"相似度 {sim * 100:.0f}%")
            this_txt, prev_txt = _marked(_cut(_s(p.get("this"))), _cut(_s(p.get("previous"))))
            tl = _location(p.get("this_line"), None)
            pl = _location(p.get("previous_line"), None)
            out.append(f'<tr class="ph"><td colspan="2">{"，".join(head)}</td></tr>')
            out.append(
                f'<tr><td><span class="ln">{tl}</span><div class="passage">{this_txt}</div></td>'
                f'<td><span class="ln">{pl}</span><div class="passage">{prev_txt}</div></td></tr>'
            )
        out.append("</tbody></table>")
        out.append('<p class="note">标记处为两年文字不同之处。</p>')
    elif rate is None and not per:
        return ""
    return "".join(out)


def _footer(col: _Collection) -> str:
    tool = _d(col.audit.get("tool"))
    name = esc(_s(tool.get("name")) or "xxgk-lint")
    return (
        f'<footer class="bottom"><p>本报告由 {name} {esc(tool.get("version"))} 自动生成，检查结果供参考，'
        "请结合报告原文核实。</p></footer>"
    )


_CSS = """
:root{--ink:#1f2328;--muted:#5b6270;--line:#d5d9e0;--soft:#f3f5f8;--blue:#2f5d8a;--red:#b03a2e;--amber:#9a6b00;--green:#2e7d4f}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;color:var(--ink);background:#fff;font:14px/1.65 "Noto Sans CJK SC","Noto Sans SC","Source Han Sans SC","Source Han Sans CN","PingFang SC","Hiragino Sans GB","Microsoft YaHei","WenQuanYi Micro Hei",sans-serif}
header.top,main,footer.bottom{max-width:960px;margin:0 auto;padding:0 24px}
h1{font-size:24px;margin:28px 0 4px;letter-spacing:.04em;font-weight:700}
h2{font-size:18px;margin:32px 0 12px;padding-bottom:4px;border-bottom:2px solid var(--blue)}
h3{font-size:16px;margin:0 0 8px}
h4{font-size:14px;margin:16px 0 6px;color:var(--blue)}
a{color:var(--blue)}
.meta,.note{color:var(--muted);font-size:12.5px}
.empty{color:var(--muted)}
.cards{list-style:none;padding:0;margin:0 0 12px;display:grid;grid-template-columns:repeat(9,1fr);gap:8px}
@media (max-width:720px){.cards{grid-template-columns:repeat(3,1fr)}}
.card{border:1px solid var(--line);border-radius:4px;padding:8px 10px;background:var(--soft)}
.card .num{display:block;font-size:22px;font-weight:700;font-variant-numeric:tabular-nums}
.card .lbl{font-size:12px;color:var(--muted)}
.card.bad .num{color:var(--red)}.card.warn .num{color:var(--amber)}.card.ok .num{color:var(--green)}
details.issues{margin:8px 0}
details.issues summary{cursor:pointer;font-weight:600}
.toc{margin:16px 0 0;font-size:13px}
.toc a{margin-right:18px}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{border:1px solid var(--line);padding:4px 6px;vertical-align:top;text-align:left}
thead th{background:#e9eef5;font-weight:600}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
th.cat{white-space:normal;max-width:3.6em;line-height:1.3;text-align:center}
@media screen and (max-width:900px){.table-wrap{overflow-x:auto}}
.agency-table thead th{position:sticky;top:0;z-index:1}
.agency-table tbody tr:nth-child(even){background:#fafbfc}
.agency-table td.name{min-width:9em}
.agency-table td.level{white-space:nowrap}
.js .agency-table th[data-k]{cursor:pointer;user-select:none}
.js .agency-table th[data-k]:hover{background:#dde5f0}
.agency-table th[aria-sort=ascending] .arrow::after{content:" ▲";font-size:10px}
.agency-table th[aria-sort=descending] .arrow::after{content:" ▼";font-size:10px}
.js-only{display:none}.js .js-only{display:inline}
td.sev-error:not(:empty){color:var(--red);font-weight:600}
td.over,li.over,strong.over{color:var(--red)}
.badge{display:inline-block;padding:0 6px;border-radius:3px;font-size:12px;line-height:1.6;white-space:nowrap}
.badge.pass{background:#e3f1e8;color:var(--green);border:1px solid #b9dcc6}
.badge.fail{background:#f8e4e1;color:var(--red);border:1px solid #e8bdb6}
figure.fig{margin:16px 0 24px;break-inside:avoid;page-break-inside:avoid}
figure.fig figcaption{font-weight:600;margin-bottom:6px}
figure.fig p.sub{margin:8px 0 2px;font-size:12.5px;color:var(--muted)}
figure.small{margin:8px 0}
figure.small figcaption{font-weight:400;font-size:12.5px;color:var(--muted)}
svg.chart{display:block;width:100%;height:auto;font-family:inherit;font-size:12px}
figure.small svg.chart{width:480px;max-width:100%}
svg.chart text{fill:var(--ink)}
svg.chart .threshold-label{fill:var(--red);font-size:11px}
svg.chart .tick{fill:var(--muted);font-size:11px}
svg.chart .value{font-size:11px}
svg.chart .grid{stroke:#e6e9ee;stroke-width:1}
svg.chart .axis{stroke:#9aa1ab;stroke-width:1}
svg.chart a text{fill:var(--blue)}
.metrics-table td.desc{color:var(--muted);font-size:12px}
table.mini{width:auto;margin:6px 0}
article.report{border-top:1px solid var(--line);padding:18px 0 8px;margin-top:8px}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:2px 14px;margin:0 0 8px;font-size:13px}
dl.facts dt{color:var(--muted)}
dl.facts dd{margin:0}
.path{font-family:"Noto Sans Mono CJK SC","DejaVu Sans Mono",monospace;font-size:12px;word-break:break-all}
ol.findings{padding-left:1.8em;margin:4px 0}
li.finding{margin:0 0 10px;padding:6px 8px;border-left:3px solid var(--line);background:#fcfcfd;break-inside:avoid;page-break-inside:avoid}
li.sev-error{border-left-color:var(--red)}li.sev-warning{border-left-color:#d19a1a}li.sev-info{border-left-color:#8a8f98}
.fhead{display:flex;flex-wrap:wrap;gap:4px 10px;align-items:baseline;font-size:12.5px}
.fhead .sev{font-weight:700}
.sev-error .sev{color:var(--red)}.sev-warning .sev{color:var(--amber)}.sev-info .sev{color:var(--muted)}
.fhead .cat{background:var(--soft);border:1px solid var(--line);padding:0 5px;border-radius:3px}
.fhead .rule{font-size:11.5px;color:var(--muted)}
.fhead .loc{color:var(--muted)}
p.msg{margin:3px 0}
p.fix{margin:2px 0;color:var(--green);font-size:13px}
ul.related{margin:2px 0;padding-left:1.4em;font-size:12.5px;color:var(--muted)}
pre.ctx,div.passage{white-space:pre-wrap;word-break:break-all;overflow-wrap:anywhere;font:12.5px/1.6 inherit;font-family:inherit;margin:4px 0 0;padding:6px 8px;background:var(--soft);border:1px solid var(--line);border-radius:3px}
table.side{table-layout:fixed;margin:6px 0}
table.side col.half{width:50%}
table.side tr.ph td{background:#e9eef5;font-size:12.5px;font-weight:600}
table.side .ln{color:var(--muted);font-size:12px}
div.passage{background:#fff;border:0;padding:2px 0}
mark{background:#fde9a8;color:inherit;padding:0 1px}
ul.per-section{list-style:none;padding:0;margin:4px 0;display:flex;flex-wrap:wrap;gap:4px 16px;font-size:13px}
p.back{text-align:right;font-size:12px;margin:4px 0}
footer.bottom{color:var(--muted);font-size:12px;margin-top:40px;padding-bottom:32px;border-top:1px solid var(--line)}
@page{size:A4;margin:14mm 12mm 16mm}
@media print{
  body{font-size:10.5pt;-webkit-print-color-adjust:exact;print-color-adjust:exact}
  header.top,main,footer.bottom{max-width:none;padding:0}
  .toc,p.back,.js-only,.arrow{display:none!important}
  .agency-table thead th{position:static}
  thead{display:table-header-group}
  tr,li.finding,figure.fig{break-inside:avoid;page-break-inside:avoid}
  table{font-size:9pt}
  a{color:inherit;text-decoration:none}
  details.issues summary{list-style:none}
  h2{break-after:avoid;page-break-after:avoid}
  section.charts,section.reports{break-before:page;page-break-before:always}
  article.report{break-before:page;page-break-before:always;border-top:0;padding-top:0}
  section.reports>h2+article.report{break-before:auto;page-break-before:auto}
  .table-wrap{overflow:visible}
}
""".strip()

# Sorting the per-agency table: click (or Enter on) a header; `?sort=KEY&dir=asc|desc` sorts on
# load. Numbers sort numerically with blanks last, texts by the Chinese (pinyin) collation; ties
# keep the printed order. The table's data-sorted says what it is sorted by (KEY:dir).
_SCRIPT = """
(function () {
  var d = document;
  d.documentElement.classList.add('js');
  var t = d.getElementById('agency-table');
  if (!t || !t.tHead || !t.tBodies.length) return;
  var body = t.tBodies[0], heads = [].slice.call(t.tHead.rows[0].cells), rows = [].slice.call(body.rows);
  rows.forEach(function (r, i) { r.setAttribute('data-i', i); });
  var coll = null;
  try { coll = new Intl.Collator('zh-Hans-CN-u-co-pinyin', {numeric: true}); } catch (e) { coll = null; }
  function val(r, i, num) {
    var c = r.cells[i], v = c ? c.getAttribute('data-v') : null;
    if (!num) return v || '';
    if (v === null || v === '') return null;
    var n = parseFloat(v);
    return isNaN(n) ? null : n;
  }
  function sortBy(k, dir) {
    var i = -1, num = false;
    heads.forEach(function (h, j) {
      if (h.getAttribute('data-k') === k) { i = j; num = h.getAttribute('data-type') === 'num'; }
    });
    if (i < 0) return false;
    if (dir !== 'asc' && dir !== 'desc') dir = num ? 'desc' : 'asc';
    var s = dir === 'asc' ? 1 : -1;
    var sorted = rows.slice().sort(function (a, b) {
      var x = val(a, i, num), y = val(b, i, num), c = 0;
      if (num) {
        if (x === null && y !== null) return 1;
        if (y === null && x !== null) return -1;
        if (x !== null) c = x - y;
      } else {
        c = coll ? coll.compare(x, y) : (x < y ? -1 : x > y ? 1 : 0);
      }
      return c ? s * c : a.getAttribute('data-i') - b.getAttribute('data-i');
    });
    var f = d.createDocumentFragment();
    sorted.forEach(function (r) { f.appendChild(r); });
    body.appendChild(f);
    heads.forEach(function (h, j) {
      if (h.hasAttribute('data-k')) h.setAttribute('aria-sort', j === i ? (dir === 'asc' ? 'ascending' : 'descending') : 'none');
    });
    t.setAttribute('data-sorted', k + ':' + dir);
    return true;
  }
  heads.forEach(function (h) {
    var k = h.getAttribute('data-k');
    if (!k) return;
    h.tabIndex = 0;
    function go() {
      var cur = (t.getAttribute('data-sorted') || '').split(':'), dir = null;
      if (cur[0] === k) dir = cur[1] === 'asc' ? 'desc' : 'asc';
      sortBy(k, dir);
    }
    h.addEventListener('click', go);
    h.addEventListener('keydown', function (e) {
      if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); go(); }
    });
  });
  var q = new URLSearchParams(location.search), key = q.get('sort');
  if (key) sortBy(key, q.get('dir'));
})();
""".strip()
