"""The audit's outputs besides HTML: text (findings and a summary), JSON and SARIF (the
contract of `check`), CSV (the findings) and an Excel workbook.

In: an AuditResult. Out: the text (or, for xlsx, the bytes) to write.
"""

from __future__ import annotations

import csv
import io
import json
import os

from ..model.diagnostic import Diagnostic
from ..reporting.output import SEVERITY_CN, capped_diagnostics, format_json
from .collection import CATEGORY_LABELS, AuditResult
from .identify import LEVEL_LABELS


def _where(path: str, line: int, column: int) -> str:
    return f"{path}:{line}:{column}"


def text(result: AuditResult, quiet: bool = False) -> str:
    out: list[str] = []
    for d in capped_diagnostics(result.findings):
        s = d.span
        out.append(f"{_where(d.path, s.line, s.column)}: {SEVERITY_CN[d.severity]} {d.rule} {d.message}")
        ctx = result.contexts.get(id(d), "")
        for line in ctx.split("\n")[:4] if ctx else ():
            out.append(f"  │ {line}")
        for r in d.related[:5]:
            out.append(f"  = 相关位置 {_where(getattr(r, 'path', '') or d.path, r.span.line, r.span.column)}：{r.message}")
        if d.fix is not None:
            out.append(f"  = 修复建议：{d.fix.message}")
        out.append("")
    if not quiet:
        out.append(summary(result))
    return "\n".join(out).rstrip("\n")


def summary(result: AuditResult) -> str:
    g = result.grouping
    d = result.to_dict()["summary"]
    lines = [
        f"审核了 {d['reports']} 份报告（{len(result.errors)} 个文件无法读取）：通过 {d['passed']} 份，有错误 {d['failed']} 份；"
        f"错误 {d['errors']} 个、警告 {d['warnings']} 个、提示 {d['infos']} 个。",
        f"跨年度配对 {d['pairs']} 对；跨报告问题 {len(result.cross)} 个。",
    ]
    merged = [r for r in g.reports if len(r.paths) > 1]
    if merged:
        lines.append("同一份报告的不同格式（合并为一份）：")
        lines.extend(f"  {r.paths[0]} = {'、'.join(r.paths[1:])}" for r in merged)
    if g.pairs:
        lines.append("配对：")
        lines.extend(f"  {cur.key}：{prev.facts.year}年度 {prev.facts.path} → {cur.facts.year}年度 {cur.facts.path}" for prev, cur in g.pairs)
    if g.unidentified:
        lines.append(f"未能识别的文件 {len(g.unidentified)} 个：")
        lines.extend(f"  {u['path']}：{u['why']}" for u in g.unidentified)
    if g.unpaired:
        lines.append(f"未能配对的报告 {len(g.unpaired)} 份：")
        lines.extend(f"  {rep.facts.path}：{why}" for rep, why in g.unpaired)
    return "\n".join(lines)


def json_text(result: AuditResult) -> str:
    return format_json(result.findings)


def _uri(path: str) -> str:
    from urllib.parse import quote

    p = quote(os.fsencode(path), safe="/\\:") if any(c in path for c in " %#?") else path
    if os.path.isabs(path):
        rel = os.path.relpath(path)
        return rel.replace(os.sep, "/") if not rel.startswith("..") else "file://" + p.replace(os.sep, "/")
    return p.replace(os.sep, "/")


def sarif_text(result: AuditResult, rules: list) -> str:
    """check's SARIF, with each related location of a cross-report finding in its own file."""
    from ..reporting.formats import sarif

    log = json.loads(sarif(result.findings, rules))
    shown = capped_diagnostics(result.findings)
    results = log["runs"][0]["results"]
    for d, res in zip(shown, results):
        for r, loc in zip(d.related, res.get("relatedLocations", ())):
            path = getattr(r, "path", "")
            if path:
                loc["physicalLocation"]["artifactLocation"]["uri"] = _uri(path)
    return json.dumps(log, ensure_ascii=False, indent=1)


_RISKY = ("=", "+", "-", "@", "\t", "\r")


def _safe(value):
    """A text cell a spreadsheet would run as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(_RISKY):
        return "'" + value
    return value


def _agency_of(result: AuditResult) -> dict:
    return {rep.facts.path: rep for rep in result.grouping.reports}


def finding_rows(result: AuditResult) -> tuple[list[str], list[list]]:
    head = ["路径", "机关", "年度", "行", "列", "结束行", "结束列", "规则", "名称", "类别", "审核分类", "严重程度", "消息", "相关位置", "上下文"]
    reps = _agency_of(result)
    rows = []
    for d in result.findings:
        rep = reps.get(d.path)
        s = d.span
        related = "；".join(f"{_where(getattr(r, 'path', '') or d.path, r.span.line, r.span.column)} {r.message}" for r in d.related)
        group = result.rule_groups.get(d.rule, d.category)
        rows.append([
            d.path, rep.facts.agency if rep else None, rep.facts.year if rep else None, s.line, s.column, s.end_line, s.end_column,
            d.rule, d.name, d.category, CATEGORY_LABELS.get(group, group), SEVERITY_CN[d.severity], d.message, related,
            result.contexts.get(id(d), ""),
        ])
    return head, rows


def csv_text(result: AuditResult) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    head, rows = finding_rows(result)
    w.writerow(head)
    for row in rows:
        w.writerow([_safe(v) if v is not None else "" for v in row])
    return "\ufeff" + buf.getvalue()  # with a BOM: Excel then reads the Chinese as UTF-8


def xlsx_bytes(result: AuditResult) -> bytes:
    """A workbook: 发现 (findings), 单元格 (every extracted table cell of every report),
    指标 (metrics per report, quartiles below), 报告 (identification and pairing)."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    def clean(v):
        if isinstance(v, str):
            v = ILLEGAL_CHARACTERS_RE.sub("", v)
        return v

    def add(ws, row):
        ws.append([clean(v) for v in row])
        for c in ws[ws.max_row]:
            if isinstance(c.value, str) and c.value.startswith("="):
                c.data_type = "s"  # text, never a formula

    wb = Workbook()
    ws = wb.active
    ws.title = "发现"
    head, rows = finding_rows(result)
    add(ws, head)
    for row in rows:
        add(ws, row)
    d = result.to_dict()
    cells = wb.create_sheet("单元格")
    add(cells, ["报告", "路径", "机关", "年度", "表格", "行", "列", "名称", "数值"])
    for r in d["reports"]:
        for c in r["cells"]:
            add(cells, [r["id"], r["path"], r["agency"], r["year"], c["table"], c["row"], c["column"], c["label"], c["value"]])
    ms = wb.create_sheet("指标")
    defs = d["metrics"]
    add(ms, ["报告", "路径", "机关", "年度", *[f"{m['label']}（{m['unit']}）" if m["unit"] else m["label"] for m in defs]])
    for r in d["reports"]:
        add(ms, [r["id"], r["path"], r["agency"], r["year"], *[r["metrics"].get(m["key"]) for m in defs]])
    for k, name in enumerate(("下四分位数", "中位数", "上四分位数")):
        add(ms, [name, None, None, None, *[(m["quartiles"] or [None] * 3)[k] for m in defs]])
    rs = wb.create_sheet("报告")
    add(rs, ["报告", "路径", "其他格式", "机关", "机关（归一）", "层级", "地区", "年度", "格式版本", "通过", "错误", "警告", "提示", "上一年度报告", "重复率", "说明"])
    why = {u["report"]: u["why"] for u in d["unpaired"]}
    for r in d["reports"]:
        rep_rate = (r["repetition"] or {}).get("rate")
        add(rs, [r["id"], r["path"], "、".join(r["paths"][1:]), r["agency"], r["agency_key"], LEVEL_LABELS.get(r["level"], r["level"]),
                 r["region"], r["year"], r["format"], "是" if r["passed"] else "否", r["counts"]["error"], r["counts"]["warning"],
                 r["counts"]["info"], r["previous"], rep_rate, why.get(r["id"], "")])
    for u in d["unidentified"]:
        add(rs, [None, u["path"], None, None, None, None, None, None, None, None, None, None, None, None, None, u["why"]])
    for e in d["errors"]:
        add(rs, [None, e["path"], None, None, None, None, None, None, None, None, None, None, None, None, None, e["why"]])
    for sheet in wb.worksheets:
        sheet.freeze_panes = "A2"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def findings_failing(findings: list[Diagnostic], level: str) -> bool:
    from ..model.diagnostic import fails

    return fails(findings, level)
