"""The HTML audit report (linter/audit/html.py): escaping of untrusted text, the sortable
per-agency table, the charts, every report's section, no external resources, the edge cases
(empty, None, one report, 500 reports), and the page as headless Chromium shows it.

The audit dicts are built here (build_audit: a county government, its departments and towns
over two or three years, with findings of several categories, cross-year and cross-agency
findings pointing at the other report, metrics with quartiles and repeated passages) in the
shape of AuditResult.to_dict().
"""

from __future__ import annotations

import copy
import os
import random
import re
import shutil
import subprocess
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest

from linter.audit import charts
from linter.audit.html import render

CATEGORIES = ["structure", "table-shape", "arithmetic", "consistency", "date", "typography",
              "duplicate", "agency", "format-version", "syntax", "cross-year", "cross-agency"]
LABELS = {"structure": "结构", "table-shape": "表格形式", "arithmetic": "勾稽关系", "consistency": "前后一致",
          "date": "日期", "typography": "标点排版", "duplicate": "重复", "agency": "机关名称",
          "format-version": "格式版本", "syntax": "语法", "cross-year": "跨年度", "cross-agency": "跨机关"}
DEPARTMENTS = ["统计局", "教育局", "卫生健康委员会", "自然资源局", "住房和城乡建设局", "市场监督管理局",
               "生态环境分局", "交通运输局", "民政局", "财政局", "人力资源和社会保障局", "农业农村局"]
TOWNS = ["城关镇", "东湖街道", "河口镇", "青山乡", "白沙镇", "西岭街道"]
REGIONS = ["示例县", "东山县", "西河区", "南湖区", "北塘县", "清水县", "长林县", "石门县", "云溪区", "江口县"]
PROSE = [
    "本机关坚持以公开为常态、不公开为例外，围绕中心工作深化政务公开。",
    "全年通过门户网站主动公开政府信息，及时发布政策文件和解读材料。",
    "进一步规范依申请公开办理流程，严格按照法定时限答复申请人。",
    "加强政府信息管理，动态更新政府信息公开目录和指南。",
    "建立健全政务公开工作机制，明确分管领导和工作人员。",
]
THRESHOLD_PASSAGE = "2023年，本机关认真贯彻落实《中华人民共和国政府信息公开条例》，政府信息公开工作取得新成效。"


def _agencies(n: int) -> list[tuple[str, str, str]]:
    """(agency, level, region) for n agencies: per region a government, departments, towns."""
    out = []
    region_i = 0
    while len(out) < n:
        region = REGIONS[region_i % len(REGIONS)] + ("" if region_i < len(REGIONS) else str(region_i // len(REGIONS) + 1))
        out.append((f"{region}人民政府", "government", region))
        out += [(f"{region}{d}", "department", region) for d in DEPARTMENTS]
        out += [(f"{region}{t}{'人民政府' if t.endswith(('镇', '乡')) else '办事处'}", "township", region) for t in TOWNS]
        region_i += 1
    return out[:n]


def _finding(rng, path, category, severity, message, line, related=()):
    return {"path": path, "line": line, "column": 3, "end_line": line, "end_column": 9, "rule": f"XG{rng.randint(100, 999)}",
            "name": category + "-rule", "category": category, "severity": severity, "message": message, "fix": None,
            "related": list(related), "context": f"{line - 1}  {rng.choice(PROSE)}\n{line}  {rng.choice(PROSE)}"}


def group(f: dict) -> str:
    """The audit group of a fixture finding, as the core counts it: a finding pointing at
    another report is cross-year or cross-agency (by its message here), else its category."""
    if any("path" in x for x in f["related"]):
        return "cross-year" if f["message"].startswith("上年结转") else "cross-agency"
    return f["category"]


def build_audit(agencies: int = 6, years=(2022, 2023, 2024), seed: int = 7, lone_last: bool = True) -> dict:
    """A realistic audit dict: every agency reports every year (with `lone_last` the last
    agency only the latest year, so it is unpaired), plus one unidentified file."""
    rng = random.Random(seed)
    reports, pairs, series, unpaired = [], [], {}, []
    names = _agencies(agencies)
    by_agency_year = {}
    n = 0
    for ai, (agency, level, region) in enumerate(names):
        ys = years[-1:] if lone_last and ai == len(names) - 1 and len(names) > 1 else years
        prev_id = None
        for y in ys:
            n += 1
            rid = f"r{n}"
            path = f"{y}/{agency}.md"
            applications = rng.randint(0, 120) if level != "township" else rng.randint(0, 15)
            parts = [rng.randint(0, applications // 4) for _ in range(5)]
            open_ = max(0, applications - sum(p // 3 for p in parts))
            cells = [
                {"table": "applications", "row": "new", "column": "total", "label": "一、本年新收政府信息公开申请数量 / 总计", "value": applications},
                {"table": "applications", "row": "result.open", "column": "total", "label": "(一)予以公开 / 总计", "value": open_},
                {"table": "applications", "row": "result.partial", "column": "total", "label": "(二)部分公开 / 总计", "value": parts[0] // 3},
                {"table": "applications", "row": "result.refuse.secret", "column": "total", "label": "1.属于国家秘密 / 总计", "value": parts[1] // 6},
                {"table": "applications", "row": "result.refuse.process", "column": "total", "label": "6.属于四类过程性信息 / 总计", "value": parts[1] // 5},
                {"table": "applications", "row": "result.unable.not_held", "column": "total", "label": "1.本机关不掌握相关政府信息 / 总计", "value": parts[2] // 3},
                {"table": "applications", "row": "result.reject.repeat", "column": "total", "label": "2.重复申请 / 总计", "value": parts[3] // 5},
                {"table": "applications", "row": "result.other.misc", "column": "total", "label": "3.其他 / 总计", "value": parts[4] // 8},
                {"table": "applications", "row": "result.open", "column": "natural", "label": "(一)予以公开 / 自然人", "value": open_},
            ]
            findings = []
            for _ in range(rng.randint(0, 4)):
                cat = rng.choice(["structure", "arithmetic", "typography", "date", "consistency", "table-shape"])
                sev = rng.choice(["error", "warning", "warning", "info"])
                findings.append(_finding(rng, path, cat, sev, f"第三部分表格“(七)总计”与各项之和不符：{applications} ≠ {applications - 1} + 0", rng.randint(5, 90)))
            if prev_id is not None:
                prev = by_agency_year[(agency, y - 1)]
                if rng.random() < 0.5:
                    findings.append(_finding(rng, path, "arithmetic", "error",
                                             f"上年结转（{y}年）与结转下年度（{y - 1}年）不符：3 ≠ 5（总计列）", 56,
                                             [{"path": prev["path"], "line": 81, "column": 40, "end_line": 81, "end_column": 41,
                                               "message": f"{y - 1}年报告中结转下年度为 5"}]))
            if ai > 0 and rng.random() < 0.3:
                other = names[ai - 1][0]
                if (other, y) in by_agency_year:
                    findings.append(_finding(rng, path, "duplicate", "warning", f"这一段与{other}的报告几乎相同（相似度 96%）", 12,
                                             [{"path": by_agency_year[(other, y)]["path"], "line": 10, "column": 1, "end_line": 10,
                                               "end_column": 80, "message": "另一机关报告中的段落"}]))
            counts = {s: sum(1 for f in findings if f["severity"] == s) for s in ("error", "warning", "info")}
            by_cat = {}
            for f in findings:
                by_cat[group(f)] = by_cat.get(group(f), 0) + 1
            rep = None
            if prev_id is not None:
                rate = round(rng.random(), 2)
                rep = {"rate": rate, "per_section": {"1": round(rate * 0.5, 2), "5": min(1.0, round(rate * 1.6, 2))},
                       "passages": [{"section": 5, "this": THRESHOLD_PASSAGE.replace("2023", str(y)), "this_line": 80,
                                     "previous": THRESHOLD_PASSAGE.replace("2023", str(y - 1)), "previous_line": 77,
                                     "similarity": 0.97}] if rate >= 0.3 else []}
            report = {
                "id": rid, "path": path, "paths": [path] + ([f"{y}/{agency}.pdf"] if n % 4 == 0 else []),
                "agency": agency, "agency_key": agency, "level": level,
                "level_label": {"government": "县级以上人民政府", "department": "政府部门", "township": "乡镇（街道）"}[level],
                "region": region, "year": y, "format": "2021" if y >= 2021 else "2019", "passed": counts["error"] == 0,
                "counts": counts, "by_category": by_cat, "findings": findings,
                "metrics": {"open_share": round(open_ / applications, 3) if applications else None,
                            "review_correction_rate": round(rng.random() * 0.3, 3), "applications": applications},
                "cells": cells, "previous": prev_id, "repetition": rep,
            }
            reports.append(report)
            by_agency_year[(agency, y)] = report
            series.setdefault(agency, []).append({"year": y, "report": rid, "applications": applications,
                                                  "open_share": report["metrics"]["open_share"]})
            if prev_id is not None:
                pairs.append({"agency_key": agency, "years": [y - 1, y], "reports": [prev_id, rid]})
            elif len(ys) == 1 and len(years) > 1:
                unpaired.append({"report": rid, "why": f"未找到该机关{y - 1}年度的报告"})
            prev_id = rid
    summary = {"reports": len(reports), "passed": sum(r["passed"] for r in reports),
               "failed": sum(not r["passed"] for r in reports),
               "errors": sum(r["counts"]["error"] for r in reports), "warnings": sum(r["counts"]["warning"] for r in reports),
               "infos": sum(r["counts"]["info"] for r in reports), "pairs": len(pairs), "unidentified": 1,
               "unpaired": len(unpaired)}
    return {
        "tool": {"name": "xxgk-lint", "version": "0.3.0.dev0"}, "generated": "2026-12-02T01:23:45+00:00", "engine": "local",
        "summary": summary, "categories": list(CATEGORIES), "category_labels": dict(LABELS), "reports": reports, "pairs": pairs,
        "series": series, "unidentified": [{"path": "杂项/会议纪要.txt", "why": "未能识别报告机关：标题中没有“…年政府信息公开工作年度报告”"}],
        "unpaired": unpaired,
        "metrics": [
            {"key": "open_share", "label": "予以公开和部分公开占办理总数的比例", "unit": "%", "quartiles": [0.41, 0.6, 0.78],
             "description": "（一）予以公开与（二）部分公开之和除以（七）总计"},
            {"key": "review_correction_rate", "label": "行政复议纠错率", "unit": "%", "quartiles": [0.0, 0.05, 0.12], "description": "复议结果纠正的件数除以复议总件数"},
            {"key": "applications", "label": "本年新收申请数量", "unit": "件", "quartiles": [4, 16, 55], "description": "第三部分表格“一、本年新收”总计"},
        ],
    }


# ---------------------------------------------------------------- a tiny DOM for the assertions


class _Node:
    def __init__(self, tag, attrs, parent):
        self.tag, self.attrs, self.parent, self.children, self.parts = tag, dict(attrs), parent, [], []

    def iter(self):
        yield self
        for c in self.children:
            yield from c.iter()

    def find_all(self, tag=None, **attrs):
        return [n for n in self.iter() if (tag is None or n.tag == tag)
                and all(n.attrs.get(k.replace("_", "-")) == v for k, v in attrs.items())]

    def by_id(self, ident):
        return next((n for n in self.iter() if n.attrs.get("id") == ident), None)

    def all_text(self):
        return "".join(p if isinstance(p, str) else p.all_text() for p in self.parts)


_VOID = {"meta", "br", "col", "link", "img", "input", "hr"}  # (the SVG shapes are written <x/> when empty)


class _Tree(HTMLParser):
    def __init__(self, text):
        super().__init__(convert_charrefs=True)
        self.root = _Node("#root", {}, None)
        self.cur = self.root
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        node = _Node(tag, attrs, self.cur)
        self.cur.children.append(node)
        self.cur.parts.append(node)
        if tag not in _VOID:
            self.cur = node

    def handle_startendtag(self, tag, attrs):
        node = _Node(tag, attrs, self.cur)
        self.cur.children.append(node)
        self.cur.parts.append(node)

    def handle_endtag(self, tag):
        n = self.cur
        while n is not None and n.tag != tag:
            n = n.parent
        if n is not None and n.parent is not None:
            self.cur = n.parent

    def handle_data(self, data):
        self.cur.parts.append(data)


def dom(text: str) -> _Node:
    return _Tree(text).root


def table_rows(root: _Node) -> list[_Node]:
    table = root.by_id("agency-table")
    return table.find_all("tbody")[0].find_all("tr")


# ---------------------------------------------------------------- unit tests


HOSTILE = "<script>document.body.setAttribute('data-pwned','1')</script>"


def _hostile_audit() -> dict:
    audit = build_audit(3, years=(2023, 2024))
    r = audit["reports"][0]
    r["agency"] = r["agency_key"] = f"示例县{HOSTILE}局"
    r["path"] = '2024/"><img src=x onerror=alert(1)>.md'
    r["paths"] = [r["path"]]
    r["region"] = "<b>示例县</b>"
    r["findings"].append({"path": r["path"], "line": 3, "column": 1, "rule": "XG<1>", "name": "x\" onmouseover=\"alert(1)",
                          "category": "<i>cat</i>", "severity": "<u>error</u>", "message": f"消息{HOSTILE}",
                          "fix": {"message": "</p><script>alert(2)</script>"},
                          "related": [{"path": "javascript:alert(1)", "line": 1, "message": "<svg onload=alert(3)>"}],
                          "context": f"</pre>{HOSTILE}\x00\x1b[31m"})
    r["metrics"]["open_share"] = "<script>"
    audit["category_labels"]["structure"] = "<em>结构</em>"
    audit["unidentified"].append({"path": f"{HOSTILE}.txt", "why": "<a href=\"http://evil.example/\">点此</a>"})
    later = next(x for x in audit["reports"] if x.get("previous") == r["id"])
    later["repetition"] = {"rate": 0.8, "per_section": {"<x>": 0.9}, "passages": [
        {"section": "<5>", "this": f"本年{HOSTILE}文字", "previous": f"上年{HOSTILE}文字", "similarity": 0.9}]}
    audit["series"][r["agency_key"]] = [{"year": 2023, "applications": 3}, {"year": 2024, "applications": 5}]
    audit["metrics"][0]["description"] = "<script>alert(4)</script>"
    return audit


def test_untrusted_text_stays_text():
    out = render(_hostile_audit())
    assert out.count("<script") == 1, "only the report's own script"
    assert "<img" not in out and "<svg onload" not in out and "<b>示例县" not in out and "<em>" not in out
    assert "onmouseover=\"alert" not in out and 'href="javascript:' not in out and 'href="http://evil' not in out
    assert "&lt;script&gt;document.body.setAttribute(&#x27;data-pwned&#x27;,&#x27;1&#x27;)&lt;/script&gt;" in out
    assert "示例县&lt;script&gt;" in out  # the agency name, in the table and its section
    assert "\x00" not in out and "\x1b" not in out and "\\u0000" in out and "\\u001b" in out
    # the parsed page: one script element, no element a report could have brought
    root = dom(out)
    assert len(root.find_all("script")) == 1
    assert not root.find_all("img") and not root.find_all("b") and not root.find_all("u") and not root.find_all("i")
    assert not [n for n in root.iter() if any(k.startswith("on") for k in n.attrs)]
    texts = root.all_text()
    assert f"消息{HOSTILE}" in texts and f"</pre>{HOSTILE}" in texts and "<em>结构</em>" in texts


def test_table_headers_and_cells_carry_sort_attributes():
    audit = build_audit(16)
    root = dom(render(audit))
    heads = root.by_id("agency-table").find_all("th")
    keys = [h.attrs.get("data-k") for h in heads]
    assert keys[:7] == ["agency", "level", "year", "format", "errors", "warnings", "infos"]
    assert keys[-2:] == ["repetition", "passed"]
    assert all(h.attrs.get("data-type") in ("num", "text") and h.attrs.get("aria-sort") == "none" for h in heads)
    rows = table_rows(root)
    assert len(rows) == len(audit["reports"])
    by_id = {r["id"]: r for r in audit["reports"]}
    for row in rows:
        cells = row.find_all("td")
        assert len(cells) == len(heads)
        values = dict(zip(keys, (c.attrs.get("data-v") for c in cells)))
        rep = by_id[row.attrs["data-report"]]
        assert values["errors"] == str(rep["counts"]["error"]) and values["year"] == str(rep["year"])
        assert values["passed"] == ("1" if rep["passed"] else "0")
        for h, c in zip(heads, cells):
            if h.attrs["data-type"] == "num" and c.attrs["data-v"] != "":
                float(c.attrs["data-v"])
        for cat, count in rep["by_category"].items():
            assert values[f"cat-{cat}"] == str(count)
    # printed order without a script: government first, then departments, then towns
    levels = [int(r.find_all("td")[1].attrs["data-v"]) for r in rows]
    assert levels == sorted(levels) and levels[0] == 0 and levels[-1] == 2


def test_every_report_has_a_section_linked_from_the_table_with_every_finding():
    audit = build_audit(7)
    out = render(audit)
    root = dom(out)
    articles = root.find_all("article")
    assert len(articles) == len(audit["reports"])
    links = {a.attrs["href"] for row in table_rows(root) for a in row.find_all("a")}
    for rep in audit["reports"]:
        art = next(a for a in articles if a.attrs.get("data-report") == rep["id"])
        assert f"#{art.attrs['id']}" in links
        text = art.all_text()
        assert rep["agency"] in text and f"{rep['year']}年度" in text
        items = [li for li in art.find_all("li") if "finding" in li.attrs.get("class", "").split()]
        assert len(items) == len(rep["findings"])
        for f in rep["findings"]:
            assert f["message"] in text and f["context"] in text
    # a cross-year and a cross-agency finding link to the other report's section
    cross = [(r, f) for r in audit["reports"] for f in r["findings"] if group(f) in ("cross-year", "cross-agency")]
    assert {group(f) for _, f in cross} == {"cross-year", "cross-agency"}
    path_to_id = {r["path"]: r["id"] for r in audit["reports"]}
    for rep, f in cross:
        art = next(a for a in articles if a.attrs.get("data-report") == rep["id"])
        other = next(a for a in articles if a.attrs.get("data-report") == path_to_id[f["related"][0]["path"]])
        assert f"#{other.attrs['id']}" in {a.attrs.get("href") for a in art.find_all("a")}


def test_cross_report_findings_show_their_group():
    audit = build_audit(7)
    rep = next(r for r in audit["reports"] if any(group(f) == "cross-agency" for f in r["findings"]))
    given = dict(rep["findings"][-1], message="由审核核心给出分组的问题", related=[])
    given["group"] = "format-version"  # a group the core gives wins
    rep["findings"].append(given)
    for i, f in enumerate(rep["findings"]):
        f["message"] = f"{i}号：{f['message']}"
    root = dom(render(audit))
    art = next(a for a in root.find_all("article") if a.attrs.get("data-report") == rep["id"])
    shown = {li.find_all("p")[0].all_text(): li.find_all("span", **{"class": "cat"})[0].all_text()
             for li in art.find_all("li") if "finding" in li.attrs.get("class", "").split()}
    assert len(shown) == len(rep["findings"])
    for f in rep["findings"]:
        assert shown[f["message"]] == ("格式版本" if "group" in f else LABELS[group(f)]), f["message"]
    assert "跨机关" in shown.values() and "重复" not in shown.values()


def test_summary_lists_unidentified_and_unpaired_with_why():
    audit = build_audit(6)
    audit["errors"] = [{"path": "2024/加密.pdf", "why": "PDF 文件已加密，无法读取"}]
    root = dom(render(audit))
    assert "2024/加密.pdf" in root.by_id("errors").all_text() and "已加密" in root.by_id("errors").all_text()
    cards = {li.attrs["data-k"]: li.all_text() for li in root.by_id("summary").find_all("li")}
    s = audit["summary"]
    for key in ("reports", "passed", "failed", "errors", "warnings", "pairs", "unidentified", "unpaired"):
        assert cards[key].startswith(f"{s[key]:,}"), key
    assert s["unpaired"] == 1 and s["failed"] > 0 and s["pairs"] > 0
    un = root.by_id("unidentified").all_text()
    assert "杂项/会议纪要.txt" in un and "未能识别报告机关" in un
    up = root.by_id("unpaired")
    assert "未找到该机关2023年度的报告" in up.all_text() and up.find_all("a")[0].attrs["href"].startswith("#r-")


def test_charts_are_inline_svg():
    audit = build_audit(8)
    root = dom(render(audit))
    for fig in ("chart-categories", "chart-applications", "chart-series", "chart-repetition"):
        svgs = root.by_id(fig).find_all("svg")
        assert len(svgs) == 1 and svgs[0].attrs.get("viewbox"), fig
    cats = root.by_id("chart-categories").all_text()
    assert "勾稽关系" in cats and "跨年度" in cats
    apps = root.by_id("chart-applications")
    assert "予以公开" in apps.all_text() and "不予处理" in apps.all_text()
    assert len(apps.find_all("rect")) > 8  # stacked segments, beyond the legend's
    assert "2024年度" in apps.find_all("figcaption")[0].all_text()
    series = root.by_id("chart-series")
    assert series.find_all("polyline") and "2022年" in series.all_text() and "2024年" in series.all_text()
    rep = root.by_id("chart-repetition")
    line = rep.find_all("line", **{"class": "threshold"})
    assert len(line) == 1 and "阈值 50%" in rep.all_text()
    rates = sorted((r["repetition"]["rate"] for r in audit["reports"] if r["repetition"]), reverse=True)
    red = [r for r in rep.find_all("rect") if r.attrs.get("fill") == "#b03a2e"]
    assert len(red) == sum(1 for x in rates if x >= 0.5)
    # the bars' widths follow the rates (the first is the largest)
    widths = [float(r.attrs["width"]) for r in rep.find_all("rect")]
    assert widths == sorted(widths, reverse=True) and widths[0] > widths[-1]


def test_a_threshold_other_than_half_moves_the_line_and_colours():
    audit = build_audit(5)
    audit["repetition_threshold"] = 0.9
    root = dom(render(audit))
    rep = root.by_id("chart-repetition")
    assert "阈值 90%" in rep.all_text()
    red = [r for r in rep.find_all("rect") if r.attrs.get("fill") == "#b03a2e"]
    assert len(red) == sum(1 for r in audit["reports"] if r["repetition"] and r["repetition"]["rate"] >= 0.9)


def test_no_external_resources():
    out = render(_hostile_audit())
    low = out.lower()
    assert 'src="' not in low and "@import" not in low and "url(" not in low
    assert not re.search(r'href="(?!#)', low.replace('href="http://www.w3.org', "")), "links only within the page"
    assert 'xmlns="http://www.w3.org/2000/svg"' in out  # a namespace name, not a resource
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', out).group(1)
    assert "default-src &#x27;none&#x27;" in csp and "script-src &#x27;sha256-" in csp
    import base64
    import hashlib
    script = re.search(r"<script>(.*?)</script>", out, re.S).group(1)
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    assert digest in csp


def test_repeated_passages_side_by_side():
    audit = build_audit(3, years=(2023, 2024))
    rep = next(r for r in audit["reports"] if r["repetition"])
    rep["repetition"] = {"rate": 0.62, "per_section": {"1": 0.1, "5": 0.93}, "passages": [
        {"section": 5, "this": "2024年，本局认真贯彻落实条例。", "this_line": 80,
         "previous": "2023年，本局认真贯彻落实条例。", "previous_line": 77, "similarity": 0.97}]}
    root = dom(render(audit))
    art = next(a for a in root.find_all("article") if a.attrs.get("data-report") == rep["id"])
    side = art.find_all("table", **{"class": "side"})[0]
    heads = [th.all_text() for th in side.find_all("th")]
    assert heads == ["本年度（2024年）", "上年度（2023年）"]
    cells = side.find_all("tbody")[0].find_all("tr")[1].find_all("td")
    assert "第 80 行" in cells[0].all_text() and "2024年，本局认真贯彻落实条例。" in cells[0].all_text()
    assert "第 77 行" in cells[1].all_text() and "2023年，本局认真贯彻落实条例。" in cells[1].all_text()
    assert [m.all_text() for m in cells[0].find_all("mark")] == ["4"]
    assert [m.all_text() for m in cells[1].find_all("mark")] == ["3"]
    text = art.all_text()
    assert "重复率 62%" in text and "达到或超过 50% 的阈值" in text and "第五部分 93%" in text and "第一部分 10%" in text
    assert "第五部分，相似度 97%" in text
    prev_link = [a.attrs["href"] for a in art.find_all("a")]
    prev_art = next(a for a in root.find_all("article") if a.attrs.get("data-report") == rep["previous"])
    assert f"#{prev_art.attrs['id']}" in prev_link


def test_report_metrics_against_the_quartiles():
    audit = build_audit(2, years=(2024,))
    r = audit["reports"][0]
    r["metrics"] = {"open_share": 0.9, "review_correction_rate": 0.0, "applications": 20}
    art = [a for a in dom(render(audit)).find_all("article") if a.attrs.get("data-report") == r["id"]][0]
    rows = {tr.find_all("td")[0].all_text(): [td.all_text() for td in tr.find_all("td")[1:]]
            for tr in art.find_all("table", **{"class": "plain mini"})[0].find_all("tbody")[0].find_all("tr")}
    assert rows["予以公开和部分公开占办理总数的比例"] == ["90.0%", "高于上四分位数"]
    assert rows["行政复议纠错率"] == ["0.0%", "处于中间一半"]
    assert rows["本年新收申请数量"] == ["20件", "处于中间一半"]


def test_empty_collection():
    for audit in ({}, {"reports": [], "summary": None, "metrics": None, "series": None}, {"reports": None, "unidentified": [{"path": None, "why": None}]}):
        out = render(audit)
        root = dom(out)
        assert out.startswith("<!DOCTYPE html>") and out.rstrip().endswith("</html>")
        assert root.by_id("summary") is not None and root.by_id("agency-table") is None
        assert "没有报告" in out and not root.find_all("article")
        assert root.by_id("summary").find_all("li")[0].all_text().startswith("0")


def test_none_values_everywhere():
    report = {k: None for k in ("id", "path", "paths", "agency", "agency_key", "level", "level_label", "region", "year",
                                "format", "passed", "counts", "by_category", "findings", "metrics", "cells",
                                "previous", "repetition")}
    odd = dict(report, id="r2", agency="某镇", year="二〇二四", counts={"error": None, "warning": "3"},
               findings=[{k: None for k in ("path", "line", "column", "rule", "name", "category", "severity", "message",
                                            "fix", "related", "context")}],
               repetition={"rate": None, "per_section": None, "passages": [{"this": None, "previous": None}]},
               metrics={"open_share": float("nan"), "applications": True})
    audit = {"reports": [report, odd, "not a report", None], "series": {"某镇": [{"year": None}, None]},
             "metrics": [{"key": "open_share", "unit": "%", "quartiles": [None, 0.5]}, {"key": None}],
             "pairs": None, "unpaired": [{"report": "r404", "why": None}], "summary": {"reports": None, "errors": "many"},
             "generated": "not a date", "repetition_threshold": "high"}
    out = render(audit)
    root = dom(out)
    assert len(root.find_all("article")) == 2 and len(table_rows(root)) == 2
    assert "未识别的机关" in out and "某镇" in out and "not a date" in out and "原因不明" in out
    assert root.by_id("summary").find_all("li")[0].all_text().startswith("2")


def test_huge_texts_are_cut():
    audit = build_audit(2, years=(2023, 2024), lone_last=False)
    later = next(r for r in audit["reports"] if r["previous"])
    later["findings"] = [dict(_finding(random.Random(1), later["path"], "typography", "warning", "一行很长", 3), context="长" * 1_000_000)]
    later["repetition"] = {"rate": 0.9, "per_section": {}, "passages": [{"section": 1, "this": "甲" * 500_000, "previous": "乙" * 500_000}]}
    t0 = time.perf_counter()
    out = render(audit)
    assert time.perf_counter() - t0 < 2 and len(out) < 200_000
    assert "（以下省略 994000 字）" in out and "（以下省略 494000 字）" in out


def test_a_single_report():
    audit = build_audit(1, years=(2024,))
    root = dom(render(audit))
    assert len(table_rows(root)) == 1 and len(root.find_all("article")) == 1
    assert "没有跨年度的数据" in root.by_id("chart-series").all_text()
    assert "没有可比较的上年度报告" in root.by_id("chart-repetition").all_text()
    assert root.by_id("chart-applications").find_all("svg")


def test_the_input_is_not_changed():
    audit = build_audit(4)
    before = copy.deepcopy(audit)
    render(audit)
    assert audit == before


def test_duplicate_report_ids_get_distinct_anchors():
    audit = build_audit(2, years=(2024,))
    for r in audit["reports"]:
        r["id"] = "同一个 id"
    root = dom(render(audit))
    ids = [a.attrs["id"] for a in root.find_all("article")]
    assert len(ids) == 2 and len(set(ids)) == 2 and all(re.fullmatch(r"[A-Za-z0-9_-]+", i) for i in ids)


def test_500_reports_render_fast_and_small():
    audit = build_audit(250, years=(2023, 2024), seed=11, lone_last=False)
    assert len(audit["reports"]) == 500
    t0 = time.perf_counter()
    out = render(audit)
    seconds = time.perf_counter() - t0
    size = len(out.encode("utf-8"))
    print(f"\n500 reports: rendered in {seconds * 1000:.0f} ms, {size / 1e6:.2f} MB")
    assert seconds < 5 and size < 6_000_000
    root = dom(out)
    assert len(root.find_all("article")) == 500 and len(table_rows(root)) == 500
    # the bar charts keep to their rows, saying how many were left out
    hist, bars = root.by_id("chart-repetition").find_all("svg")
    assert len(bars.find_all("rect")) == 30
    # ... and the distribution of all of them, the ranges from the threshold up in red
    rated = [r["repetition"]["rate"] for r in audit["reports"] if r["repetition"]]
    columns = hist.find_all("rect")
    counts = [int(c.find_all("title")[0].all_text().split("：")[1]) for c in columns]
    assert len(columns) == 10 and sum(counts) == len(rated) == 250
    assert counts[9] == sum(1 for x in rated if x >= 0.9)
    assert [c.attrs["fill"] == "#b03a2e" for c in columns] == [False] * 5 + [True] * 5
    assert "图中列出重复率最高的 30 份" in root.by_id("chart-repetition").all_text()
    assert "图中列出申请最多的 8 个" in root.by_id("chart-series").all_text()


def test_a_real_audit_of_the_corpus_series():
    """The audit core's own dict (AuditResult.to_dict()) of 洪泽区 2023 → 2024 renders: both
    reports, the pair linked both ways, the repeated passages side by side."""
    from .conftest import corpus_file

    collection = pytest.importorskip("linter.audit.collection")
    from linter.audit import facts as F
    from linter.audit import rules as AR
    from linter.checking.engine import Linter

    lin = Linter()
    all_facts = []
    for prefix in ("102_", "103_"):
        path = corpus_file(prefix)
        doc, diags = lin.lint_text(path.read_text(encoding="utf-8"), path.name)
        all_facts.append(F.extract(doc, diags))
    audit = collection.run(all_facts, AR.all_rules()).to_dict()
    root = dom(render(audit))
    arts = root.find_all("article")
    assert len(arts) == 2 and len(table_rows(root)) == 2
    later = next(r for r in audit["reports"] if r["previous"])
    art = next(a for a in arts if a.attrs["data-report"] == later["id"])
    side = art.find_all("table", **{"class": "side"})
    assert side and later["repetition"]["passages"]
    assert later["repetition"]["passages"][0]["previous"][:20] in side[0].all_text().replace("\n", "")
    links = {a.attrs.get("href") for a in art.find_all("a")}
    prev_art = next(a for a in arts if a.attrs["data-report"] == later["previous"])
    assert f"#{prev_art.attrs['id']}" in links
    assert root.by_id("chart-series").find_all("polyline")


def test_chart_axes_labels_and_gaps():
    assert charts._axis(45) == (50, [0, 10, 20, 30, 40, 50])
    assert charts._axis(3050) == (4000, [0, 1000, 2000, 3000, 4000])
    assert charts._axis(3) == (3, [0, 1, 2, 3])  # counts step by whole numbers
    assert charts._axis(0.74, "%") == (1.0, [0.0, 0.25, 0.5, 0.75, 1.0])
    assert charts._axis(0) == (1.0, [0.0, 1.0])
    assert [charts.number(x) for x in (True, "3", float("nan"), float("inf"), None, 2)] == [None] * 5 + [2.0]
    long = "六盘水市水城区招商投资促进服务中心办公室综合科"
    svg = dom(charts.hbar([(long, 3), ("短", None)], "标题"))
    labels = svg.find_all("text", **{"class": "label"})
    assert labels[0].all_text().startswith(long) and labels[0].all_text().endswith("…")  # whole in its <title>
    assert labels[0].find_all("title")[0].all_text() == long
    assert len(svg.find_all("rect")) == 1 and "—" in svg.all_text()
    # a year without a value breaks the line; every year of the span is on the axis
    svg = dom(charts.line_chart([("甲", [(2019, 1), (2020, 2), (2021, None), (2023, 4), (2024, 5)])], "标题"))
    assert len(svg.find_all("polyline")) == 2 and len(svg.find_all("circle")) == 4
    assert [t.all_text() for t in svg.find_all("text", **{"class": "tick"}) if t.all_text().endswith("年")] == [
        "2019年", "2020年", "2021年", "2022年", "2023年", "2024年"]


# ---------------------------------------------------------------- in headless Chromium

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="needs headless Chromium (chromium on PATH)")


def _chromium(tmp_path: Path, *args: str, timeout: int = 90) -> subprocess.CompletedProcess:
    profile = tmp_path / "chromium-profile"
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
           "--disable-extensions", f"--user-data-dir={profile}", *args]
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        pytest.fail(f"chromium did not finish in {timeout} s: {' '.join(cmd)}")


@needs_chromium
def test_in_chromium_the_table_sorts_and_the_charts_are_there(tmp_path):
    audit = _hostile_audit()
    page = tmp_path / "audit.html"
    page.write_text(render(audit), encoding="utf-8")
    errors = {r["id"]: r["counts"]["error"] for r in audit["reports"]}
    years = {r["id"]: r["year"] for r in audit["reports"]}
    for query, key, reverse in (("?sort=errors&dir=desc", errors, True), ("?sort=year&dir=asc", years, False)):
        done = _chromium(tmp_path, "--dump-dom", page.as_uri() + query)
        assert done.returncode == 0, done.stderr[-2000:]
        root = dom(done.stdout)
        table = root.by_id("agency-table")
        assert table is not None and "js" in root.find_all("html")[0].attrs.get("class", "")
        assert table.attrs.get("data-sorted") == query[6:].replace("&dir=", ":")
        order = [key[tr.attrs["data-report"]] for tr in table_rows(root)]
        assert order == sorted(order, reverse=reverse) and len(order) == len(audit["reports"])
        assert [th.attrs.get("aria-sort") for th in table.find_all("th") if th.attrs.get("aria-sort") != "none"] == [
            "descending" if reverse else "ascending"]
        assert len(root.find_all("svg")) >= 4
        assert all(root.by_id(f).find_all("svg") for f in ("chart-categories", "chart-applications", "chart-series", "chart-repetition"))
        assert 'data-pwned="1"' not in done.stdout and "data-pwned" in root.all_text()
    # without a sort request the printed order stays
    done = _chromium(tmp_path, "--dump-dom", page.as_uri())
    root = dom(done.stdout)
    assert root.by_id("agency-table").attrs.get("data-sorted") is None
    assert [tr.attrs["data-report"] for tr in table_rows(root)] == [tr.attrs["data-report"] for tr in table_rows(dom(render(audit)))]


@needs_chromium
def test_in_chromium_print_starts_each_report_on_a_new_page(tmp_path):
    pdfium = pytest.importorskip("pypdfium2")
    audit = build_audit(2, years=(2023, 2024))
    page = tmp_path / "audit.html"
    html = render(audit)
    page.write_text(html, encoding="utf-8")
    pdf_path = tmp_path / "audit.pdf"
    done = _chromium(tmp_path, f"--print-to-pdf={pdf_path}", "--no-pdf-header-footer", page.as_uri())
    assert done.returncode == 0, done.stderr[-2000:]
    pdf = pdfium.PdfDocument(str(pdf_path))
    pages = []
    for i in range(len(pdf)):
        pages.append(pdf[i].get_textpage().get_text_range().replace("\r", "").replace("\n", ""))
    width, height = pdf[0].get_size()
    assert abs(width - 595) < 3 and abs(height - 842) < 3  # A4 in points
    titles = [a.find_all("h3")[0].all_text().split(" ", 1)[-1].strip() for a in dom(html).find_all("article")]
    assert len(titles) == len(audit["reports"]) == 3
    def starts(text: str, title: str) -> bool:
        text = text.replace(" ", "").removeprefix("逐份报告")  # the first report follows its part's heading
        for badge in ("未通过", "通过"):
            text = text.removeprefix(badge)
        return text.startswith(title.replace(" ", ""))

    # each report starts a page of its own: its title first on it, in the table's order
    firsts = [[i for i, text in enumerate(pages) if starts(text, t)] for t in titles]
    assert all(len(f) == 1 for f in firsts), (firsts, [p[:30] for p in pages])
    firsts = [f[0] for f in firsts]
    assert firsts == sorted(firsts) and firsts[0] > 0
    assert "各机关一览" in pages[0] and "点击表头" not in "".join(pages)  # the screen-only hint is not printed


@needs_chromium
def test_in_chromium_a_screenshot(tmp_path):
    audit = build_audit(8)
    page = tmp_path / "audit.html"
    page.write_text(render(audit), encoding="utf-8")
    shot = tmp_path / "audit.png"
    done = _chromium(tmp_path, f"--screenshot={shot}", "--window-size=1280,2000", "--hide-scrollbars", page.as_uri() + "?sort=errors")
    assert done.returncode == 0, done.stderr[-2000:]
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 50_000  # a page with text and charts, not a blank one
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert (width, height) == (1280, 2000)
    keep = os.environ.get("XXGK_AUDIT_SCREENSHOT")
    if keep:
        shutil.copyfile(shot, keep)
