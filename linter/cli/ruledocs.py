"""Generates the rule reference: static HTML pages built from the rule packs (rules/*.toml).

    python -m xxgk_lint.linter.cli.ruledocs [OUT_DIR] [--check]

writes OUT_DIR/index.html (every built-in rule, by category: code, name, severity, a one-line
summary), OUT_DIR/rules/<CODE>.html (one page per rule: what it checks and why, the message
template, category, severity and kind, the official source the rule cites, the bad / good /
fixed examples, the parameters with their defaults) and OUT_DIR/style.css. OUT_DIR defaults to
the repository's docs/, the folder `rule_doc_uri` (SARIF helpUri) points into.

The pages are self-contained: UTF-8, no JavaScript, no external resources, relative links
only, so they work offline from file://. The output is deterministic (rules sorted by code, no
timestamps): `--check` writes nothing and exits 1, naming every file that differs from what
would be generated (changed, missing or left over from a removed rule), 0 when it is current.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from functools import lru_cache
from html import escape
from pathlib import Path
from string import Formatter

from ..checking.config import Config
from ..checking.engine import load_rules
from ..checking.rules import Rule
from ..model.diagnostic import CATEGORIES
from ..reporting.output import SEVERITY_CN
from ..support import toml
from ..support.resources import docs_dir

COMMAND = "python -m xxgk_lint.linter.cli.ruledocs"
TITLE = "xxgk-lint 规则说明"

# Category: (Chinese name, what its rules look at).
CATEGORY_INFO = {
    "structure": ("结构", "六个部分是否齐全、各出现一次、按顺序排列，标题是否符合官方格式，以及报告的标题行。"),
    "arithmetic": ("勾稽关系", "统计表中总计与各项之和、各栏之间应当满足的勾稽关系。"),
    "table-shape": ("表格形状", "统计表的行、列和单元格能否按官方格式读出。"),
    "date": ("日期", "报告年度、统计期限、落款日期、发布日期和发布期限，以及写错的日期。"),
    "duplicate": ("重复内容", "同一篇报告中重复粘贴的段落和整块内容。"),
    "consistency": ("正文与表格", "正文所述与统计表中的数字是否一致，以及报告必须说明的事项。"),
    "format-version": ("格式版本", "报告应当使用的官方格式版本（2019年版或2021年版）。"),
    "typography": ("标点与排版", "括号配对、小标题编号、乱码，以及全角标点和空格的用法。"),
    "agency": ("机关名称", "标题中的机关名称与正文的自称、提到的其他机关是否相符。"),
    "syntax": ("停用注释", "报告中 xxgk-lint 停用注释本身的问题。"),
}

# An official document cited by number (国办公开办函〔2021〕30号; a bare 〔2019〕60号 repeats the
# issuer of the citation before it), or a regulation by title, optionally with an article and
# its number in brackets (《…办法》(国办函〔2020〕109号)).
_ISSUER = re.compile(r"国办公开办函|国办函|国办发|国发|国函")
_NUMBER = rf"(?:{_ISSUER.pattern})?〔\d{{4}}〕\d+号"
_TITLE = r"《[^《》]{2,}?(?:条例|办法|规定|通知|意见|决定|格式|法)》(?:第[一二三四五六七八九十百零]+条)?"
_CITATION = re.compile(rf"{_TITLE}(?:[(（]{_NUMBER}[)）])?|{_NUMBER}")
_BARE_NUMBER = re.compile(r"(?<![\u4e00-\u9fff])〔\d{4}〕")

_OPENERS = "（(《〈【〔「"
_CLOSERS = "）)》〉】〕」"
_CODE_SPAN = re.compile(r"`([^`]+)`")
_PAGE_NAME = re.compile(r"^[A-Z]{2,4}\d{3}\.html$")
_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")
_OTHER_LEVEL = {"error": "warning", "warning": "info", "info": "warning"}

STYLE = """\
:root {
  --fg: #1f2328; --muted: #59636e; --bg: #ffffff; --panel: #f6f8fa; --line: #d1d9e0;
  --link: #0958c9; --error: #b42318; --warning: #9a6700; --info: #1f6feb;
  --bad: #fff5f5; --good: #f3fbf5; --fixed: #f3f7ff;
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body {
  margin: 0 auto; max-width: 60rem; padding: 1.5rem 1.25rem 3rem;
  color: var(--fg); background: var(--bg); line-height: 1.75;
  font-family: system-ui, -apple-system, "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei",
    "Noto Sans CJK SC", "Source Han Sans SC", sans-serif;
}
a { color: var(--link); text-decoration: none; }
a:hover, a:focus { text-decoration: underline; }
h1 { font-size: 1.7rem; line-height: 1.3; margin: .25rem 0 .5rem; }
h2 { font-size: 1.25rem; margin: 2rem 0 .6rem; padding-bottom: .3rem; border-bottom: 1px solid var(--line); }
h3 { font-size: 1.05rem; margin: 1.25rem 0 .4rem; }
code, pre, var {
  font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, "Noto Sans Mono CJK SC",
    "Sarasa Mono SC", monospace;
  font-size: .92em;
}
code { background: var(--panel); padding: .1em .3em; border-radius: 4px; }
var { font-style: normal; color: var(--info); }
pre {
  margin: 0; padding: .75rem 1rem; overflow-x: auto; white-space: pre-wrap;
  overflow-wrap: anywhere; line-height: 1.6; background: var(--panel);
  border: 1px solid var(--line); border-radius: 6px;
}
table { width: 100%; border-collapse: collapse; margin: .5rem 0 1rem; }
th, td { text-align: left; vertical-align: top; padding: .45rem .6rem; border-bottom: 1px solid var(--line); }
th { background: var(--panel); font-weight: 600; white-space: nowrap; }
td.code { white-space: nowrap; font-weight: 600; }
td.value code, td.name code { white-space: pre-wrap; overflow-wrap: anywhere; }
.crumbs, .muted, footer { color: var(--muted); font-size: .92rem; }
.crumbs { margin: 0; }
.summary { font-size: 1.08rem; margin: 0 0 1rem; }
.toc { display: flex; flex-wrap: wrap; gap: .4rem 1.2rem; padding: 0; list-style: none; }
.sev {
  display: inline-block; padding: 0 .5em; border-radius: 999px; font-size: .85rem;
  white-space: nowrap; border: 1px solid currentColor;
}
.sev-error { color: var(--error); }
.sev-warning { color: var(--warning); }
.sev-info { color: var(--info); }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: .3rem 1rem; margin: 1rem 0; }
dl.meta dt { color: var(--muted); }
dl.meta dd { margin: 0; }
.message { font-size: 1rem; line-height: 1.9; padding: .5rem .75rem; display: block; }
.case { margin: .6rem 0 1rem; }
.case .label { margin: 0 0 .25rem; font-weight: 600; }
.case.bad pre { background: var(--bad); border-left: 4px solid var(--error); }
.case.good pre { background: var(--good); border-left: 4px solid #1a7f37; }
.case.fixed pre { background: var(--fixed); border-left: 4px solid var(--info); }
.case.bad .label { color: var(--error); }
.case.good .label { color: #1a7f37; }
.case.fixed .label { color: var(--info); }
footer { margin-top: 3rem; padding-top: 1rem; border-top: 1px solid var(--line); }
footer nav { display: flex; flex-wrap: wrap; justify-content: space-between; gap: .5rem 1rem; }
@media (prefers-color-scheme: dark) {
  :root {
    --fg: #e6edf3; --muted: #9198a1; --bg: #0d1117; --panel: #161b22; --line: #30363d;
    --link: #4493f8; --error: #f85149; --warning: #d29922; --info: #58a6ff;
    --bad: #2a1617; --good: #12261a; --fixed: #121d2f;
  }
  .case.good .label { color: #3fb950; }
}
@media print {
  body { max-width: none; }
  a { color: inherit; }
  footer nav { display: none; }
}
"""


# -- text helpers --------------------------------------------------------------------------


def _paragraphs(text: str) -> list[str]:
    """The paragraphs of a hard-wrapped description (blank lines separate them). Wrapped lines
    are joined without a space, as Chinese text is, except where a Latin word meets another
    word or a Chinese character (the packs write "用 rapidfuzz 计算")."""
    paragraphs: list[str] = []
    for block in re.split(r"\n\s*\n", text.strip()):
        joined = ""
        for line in block.splitlines():
            line = line.strip()
            if joined and line and _spaced(joined[-1], line[0]):
                joined += " "
            joined += line
        if joined:
            paragraphs.append(joined)
    return paragraphs


def _spaced(left: str, right: str) -> bool:
    def word(ch: str) -> bool:
        return ch.isascii() and ch.isalnum()

    def letter(ch: str) -> bool:
        return ch.isascii() and ch.isalpha()

    def ideograph(ch: str) -> bool:
        return "\u4e00" <= ch <= "\u9fff"

    return (word(left) and word(right)) or (letter(left) and ideograph(right)) or (ideograph(left) and letter(right))


def _summary(description: str) -> str:
    """The first sentence of a description: up to the first 。 outside brackets and quotes
    (brackets inside “quotes” are not counted: quoted text may show a broken one)."""
    paragraphs = _paragraphs(description)
    text = paragraphs[0] if paragraphs else ""
    depth = 0
    quoted = False
    for i, ch in enumerate(text):
        if ch in "“”":
            quoted = ch == "“"
        elif quoted:
            continue
        elif ch in _OPENERS:
            depth += 1
        elif ch in _CLOSERS:
            depth = max(depth - 1, 0)
        elif ch == "。" and depth == 0:
            return text[: i + 1]
    return text


def _inline(text: str) -> str:
    """Escaped text; `backquoted` parts become <code>."""
    parts = _CODE_SPAN.split(text)
    return "".join(f"<code>{escape(part)}</code>" if i % 2 else escape(part) for i, part in enumerate(parts))


def _citations(rule: Rule) -> list[str]:
    """The official documents the rule's text names, in order of appearance, without repeats."""
    found: list[str] = []
    issuer = ""
    for text in ("".join(_paragraphs(rule.description)), rule.message, rule.fix_message):
        for match in _CITATION.finditer(text):
            citation = match.group().replace("(", "（").replace(")", "）")
            named = _ISSUER.search(citation)
            if named:
                issuer = named.group()
            elif issuer and not citation.startswith("《"):
                citation = _BARE_NUMBER.sub(lambda m: issuer + m.group(), citation, count=1)
            if citation not in found:
                found.append(citation)
    return found


def _message_html(message: str) -> str:
    """The message template, its {placeholders} marked up as <var>."""
    try:
        pieces = list(Formatter().parse(message))
    except ValueError:
        return escape(message)
    out = []
    for literal, field, spec, conversion in pieces:
        out.append(escape(literal))
        if field is not None:
            shown = field + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "")
            out.append(f"<var>{{{escape(shown)}}}</var>")
    return "".join(out)


def _toml_value(value) -> str:
    """A parameter value as it would be written in a rule pack or a configuration file."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        quoted = json.dumps(value, ensure_ascii=False)
        return "".join(ch if ch.isprintable() else f"\\u{ord(ch):04x}" for ch in quoted)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        if not value:
            return "{}"
        return "{ " + ", ".join(f"{_toml_key(k)} = {_toml_value(v)}" for k, v in value.items()) + " }"
    return str(value)


def _toml_key(key: str) -> str:
    return key if _BARE_KEY.match(key) else _toml_value(key)


@lru_cache(maxsize=None)
def _pack_notes(source: str) -> dict[str, tuple[str, ...]]:
    """Rule code → the `note` of each of its examples (the loaded Example keeps no notes)."""
    try:
        data = toml.loads(Path(source).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {
        item.get("id", ""): tuple(str(ex.get("note", "")) for ex in item.get("examples", []) if isinstance(ex, dict))
        for item in data.get("rule", [])
        if isinstance(item, dict)
    }


def _example_notes(rule: Rule) -> tuple[str, ...]:
    notes = _pack_notes(rule.source).get(rule.id, ())
    return notes if len(notes) == len(rule.examples) else ("",) * len(rule.examples)


def _example_text(text: str) -> str:
    """An example as shown in a <pre>: without the blank lines around it, escaped."""
    return escape(text.strip("\n"))


# -- pages ---------------------------------------------------------------------------------


def _page(title: str, css: str, body: str) -> str:
    return (
        "<!DOCTYPE html>\n"
        '<html lang="zh-CN">\n'
        f"<!-- 由 {COMMAND} 根据 rules/*.toml 生成，请勿手工修改。 -->\n"
        "<head>\n"
        '<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n"
        f'<link rel="stylesheet" href="{css}">\n'
        "</head>\n"
        "<body>\n"
        f"{body}"
        "</body>\n"
        "</html>\n"
    )


def _severity_badge(severity: str) -> str:
    return f'<span class="sev sev-{escape(severity)}">{escape(SEVERITY_CN.get(severity, severity))}</span>'


def _category_name(category: str) -> str:
    return CATEGORY_INFO.get(category, (category, ""))[0]


def _by_category(rules: list[Rule]) -> list[tuple[str, list[Rule]]]:
    order = {c: i for i, c in enumerate(CATEGORIES)}
    categories = sorted({r.category for r in rules}, key=lambda c: (order.get(c, len(order)), c))
    return [(c, sorted((r for r in rules if r.category == c), key=lambda r: r.id)) for c in categories]


def render_index(rules: list[Rule]) -> str:
    groups = _by_category(rules)
    toc = "".join(
        f'<li><a href="#{escape(c)}">{escape(_category_name(c))}</a>（{len(members)}）</li>\n' for c, members in groups
    )
    sections = []
    for category, members in groups:
        name, blurb = CATEGORY_INFO.get(category, (category, ""))
        rows = "".join(
            f'<tr id="{escape(r.id)}">'
            f'<td class="code"><a href="rules/{escape(r.id)}.html">{escape(r.id)}</a></td>'
            f'<td class="name"><a href="rules/{escape(r.id)}.html"><code>{escape(r.name)}</code></a></td>'
            f"<td>{_severity_badge(r.severity)}</td>"
            f"<td>{_inline(_summary(r.description))}</td>"
            "</tr>\n"
            for r in members
        )
        sections.append(
            f'<section id="{escape(category)}">\n'
            f"<h2>{escape(name)}（<code>{escape(category)}</code>）</h2>\n"
            + (f"<p>{escape(blurb)}</p>\n" if blurb else "")
            + "<table>\n<thead><tr><th>编号</th><th>名称</th><th>级别</th><th>说明</th></tr></thead>\n"
            f"<tbody>\n{rows}</tbody>\n</table>\n</section>\n"
        )
    body = (
        "<header>\n"
        f"<h1>{escape(TITLE)}</h1>\n"
        f"<p class=\"summary\">xxgk-lint 是政府信息公开工作年度报告的检查工具。本文档按类别列出它内置的全部 {len(rules)} 条规则；"
        "点击规则编号，查看这条规则检查什么、为什么，以及有问题和正确的示例。</p>\n"
        "</header>\n"
        "<main>\n"
        f'<nav aria-label="类别">\n<ul class="toc">\n{toc}</ul>\n</nav>\n'
        + "".join(sections)
        + "<h2>使用说明</h2>\n"
        "<p>在终端中运行 <code>xxgk-lint rule XG201</code> 可以查看同样的说明，"
        "<code>xxgk-lint rules</code> 列出全部规则。"
        "在配置文件（<code>xxgk-lint.toml</code>，或 <code>pyproject.toml</code> 的 <code>[tool.xxgk-lint]</code>）中，"
        "用 <code>select</code>、<code>ignore</code> 选择规则（可以写编号、编号前缀如 <code>XG2</code>，或类别名），"
        "用 <code>severity</code> 调整级别；在报告中用 <code>"
        + escape("<!-- xxgk-lint: disable-next-line=XG201 -->")
        + "</code> 一类的注释停用某一行的检查。</p>\n"
        "</main>\n"
        f"<footer>\n<p>本页由 <code>{escape(COMMAND)}</code> 根据 <code>rules/*.toml</code> 生成。</p>\n</footer>\n"
    )
    return _page(TITLE, "style.css", body)


def _meta(rule: Rule) -> str:
    items = [
        ("类别", f'<a href="../index.html#{escape(rule.category)}">{escape(_category_name(rule.category))}</a>'
                 f"（<code>{escape(rule.category)}</code>）"),
        ("级别", f"{_severity_badge(rule.severity)}（<code>{escape(rule.severity)}</code>）"),
        ("检查方式（kind）", f"<code>{escape(rule.kind)}</code>"),
        ("规则包", f"<code>rules/{escape(Path(rule.source).name)}</code>"),
    ]
    if rule.fix_message or any(ex.fixed for ex in rule.examples):
        fix = "可以（<code>xxgk-lint check --fix</code>）"
        if rule.fix_message:
            fix += f"：{escape(rule.fix_message)}"
        items.append(("自动修复", fix))
    rows = "".join(f"<dt>{label}</dt><dd>{value}</dd>\n" for label, value in items)
    return f'<dl class="meta">\n{rows}</dl>\n'


def _examples(rule: Rule) -> str:
    if not rule.examples:
        return ""
    numbered = len(rule.examples) > 1
    out = ["<section>\n<h2>示例</h2>\n"]
    for k, (ex, note) in enumerate(zip(rule.examples, _example_notes(rule)), 1):
        out.append(f'<div class="example" id="example-{k}">\n')
        if numbered:
            out.append(f"<h3>示例 {k}</h3>\n")
        if note:
            out.append(f'<p class="muted">{_inline(note)}</p>\n')
        if ex.path.endswith(".md"):
            out.append(f'<p class="muted">按 Markdown 文件（<code>{escape(ex.path)}</code>）检查。</p>\n')
        for kind, label, text in (("bad", "有问题", ex.bad), ("good", "正确", ex.good), ("fixed", "自动修复后", ex.fixed)):
            if text is not None:
                out.append(f'<div class="case {kind}">\n<p class="label">{label}</p>\n<pre>{_example_text(text)}</pre>\n</div>\n')
        out.append("</div>\n")
    out.append("</section>\n")
    return "".join(out)


def _params(rule: Rule) -> str:
    if not rule.params:
        return ""
    rows = "".join(
        f'<tr><td class="name"><code>{escape(_toml_key(key))}</code></td>'
        f'<td class="value"><code>{escape(_toml_value(value))}</code></td></tr>\n'
        for key, value in rule.params.items()
    )
    return (
        "<section>\n<h2>参数</h2>\n"
        "<p>规则包为这条规则设定的参数及其默认值。可以在配置文件中按规则编号覆盖，"
        f"如 <code>params = {{ {escape(rule.id)} = {{ 参数名 = 值 }} }}</code>。</p>\n"
        "<table>\n<thead><tr><th>参数</th><th>默认值</th></tr></thead>\n"
        f"<tbody>\n{rows}</tbody>\n</table>\n</section>\n"
    )


def _disable(rule: Rule) -> str:
    other = _OTHER_LEVEL.get(rule.severity, "warning")
    lines = (
        (f'ignore = ["{rule.id}"]', "不运行这条规则"),
        (f'severity = {{ {rule.id} = "{other}" }}', "改变级别（error、warning、info 或 off）"),
    )
    width = max(len(code) for code, _ in lines) + 2
    config = "\n".join(f"{code.ljust(width)}# {comment}" for code, comment in lines)
    return (
        "<section>\n<h2>停用或调整</h2>\n"
        "<p>在配置文件（<code>xxgk-lint.toml</code>，或 <code>pyproject.toml</code> 的 <code>[tool.xxgk-lint]</code>）中：</p>\n"
        f"<pre>{escape(config)}</pre>\n"
        f"<p>只停用报告中某一行的检查：在这一行的上一行写 <code>{escape(f'<!-- xxgk-lint: disable-next-line={rule.id} -->')}</code>，"
        f"或在这一行末尾写 <code>{escape(f'<!-- xxgk-lint: disable-line={rule.id} -->')}</code>。</p>\n"
        "</section>\n"
    )


def _neighbour_link(rule: Rule | None, label: str) -> str:
    if rule is None:
        return "<span></span>"
    return f'<a href="{escape(rule.id)}.html">{label}：{escape(rule.id)} <code>{escape(rule.name)}</code></a>'


def render_rule(rule: Rule, previous: Rule | None = None, following: Rule | None = None) -> str:
    citations = _citations(rule)
    description = "".join(f"<p>{_inline(p)}</p>\n" for p in _paragraphs(rule.description))
    body = (
        "<header>\n"
        f'<p class="crumbs"><a href="../index.html">{escape(TITLE)}</a> › '
        f'<a href="../index.html#{escape(rule.category)}">{escape(_category_name(rule.category))}</a> › {escape(rule.id)}</p>\n'
        f"<h1>{escape(rule.id)} <code>{escape(rule.name)}</code></h1>\n"
        f'<p class="summary">{_inline(_summary(rule.description))}</p>\n'
        "</header>\n"
        "<main>\n"
        + _meta(rule)
        + f"<section>\n<h2>检查什么，为什么</h2>\n{description}</section>\n"
        + (
            "<section>\n<h2>依据</h2>\n<ul>\n" + "".join(f"<li>{escape(c)}</li>\n" for c in citations) + "</ul>\n</section>\n"
            if citations
            else ""
        )
        + "<section>\n<h2>提示消息</h2>\n"
        f'<p><code class="message">{_message_html(rule.message)}</code></p>\n'
        + (
            '<p class="muted">花括号中的内容在检查时换成具体的值。</p>\n'
            if rule.placeholders
            else ""
        )
        + "</section>\n"
        + _examples(rule)
        + _params(rule)
        + _disable(rule)
        + "</main>\n"
        "<footer>\n"
        f"<nav>{_neighbour_link(previous, '上一条')}"
        f'<a href="../index.html#{escape(rule.id)}">返回规则索引</a>'
        f"{_neighbour_link(following, '下一条')}</nav>\n"
        f"<p>本页由 <code>{escape(COMMAND)}</code> 根据 <code>rules/{escape(Path(rule.source).name)}</code> 生成。</p>\n"
        "</footer>\n"
    )
    return _page(f"{rule.id} {rule.name}（{_category_name(rule.category)}）—— {TITLE}", "../style.css", body)


def render(rules: list[Rule]) -> dict[str, str]:
    """Every generated file: its path relative to the output folder (with "/") → its text."""
    ordered = sorted(rules, key=lambda r: r.id)
    files = {"index.html": render_index(ordered), "style.css": STYLE}
    for i, rule in enumerate(ordered):
        previous = ordered[i - 1] if i else None
        following = ordered[i + 1] if i + 1 < len(ordered) else None
        files[f"rules/{rule.id}.html"] = render_rule(rule, previous, following)
    return dict(sorted(files.items()))


def default_files() -> dict[str, str]:
    """The reference for the built-in rule set (what the linter runs without configuration),
    the audit's cross-report rules included."""
    from ..audit.rules import all_rules

    return render(load_rules(Config()) + all_rules())


# -- writing and checking ------------------------------------------------------------------


def _managed(out_dir: Path) -> set[str]:
    """Files in `out_dir` this generator owns: the index, the style sheet and the rule pages."""
    found = {name for name in ("index.html", "style.css") if (out_dir / name).is_file()}
    pages = out_dir / "rules"
    if pages.is_dir():
        found |= {f"rules/{p.name}" for p in pages.iterdir() if p.is_file() and _PAGE_NAME.match(p.name)}
    return found


def stale(out_dir: Path, files: dict[str, str]) -> list[tuple[str, str]]:
    """(relative path, why) for every file of `out_dir` that is not what would be generated."""
    problems = []
    for rel in sorted(set(files) | _managed(out_dir)):
        path = out_dir / rel
        if rel not in files:
            problems.append((rel, "多余"))
        elif not path.is_file():
            problems.append((rel, "缺少"))
        elif path.read_bytes() != files[rel].encode("utf-8"):
            problems.append((rel, "内容不同"))
    return problems


def write(out_dir: Path, files: dict[str, str]) -> list[str]:
    """Write `files` under `out_dir` (unchanged files are left alone) and remove rule pages of
    rules that no longer exist; return the relative paths changed."""
    changed = []
    for rel, why in stale(out_dir, files):
        path = out_dir / rel
        if why == "多余":
            path.unlink()
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(files[rel].encode("utf-8"))
        changed.append(rel)
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog=COMMAND, description="根据 rules/*.toml 生成规则说明（静态 HTML）。"
    )
    parser.add_argument("out_dir", nargs="?", type=Path, default=None, help="输出目录（默认：仓库中的 docs/）")
    parser.add_argument("--check", action="store_true", help="不写文件，只检查输出目录是否是最新的（过期时退出码为 1）")
    args = parser.parse_args(argv)
    out_dir: Path = args.out_dir if args.out_dir is not None else docs_dir()
    files = default_files()
    if args.check:
        problems = stale(out_dir, files)
        if problems:
            print(f"规则说明已过期，请运行 {COMMAND} 重新生成：", file=sys.stderr)
            for rel, why in problems:
                print(f"  {out_dir / rel}（{why}）", file=sys.stderr)
            return 1
        print(f"规则说明是最新的：{out_dir}（{len(files)} 个文件）")
        return 0
    changed = write(out_dir, files)
    print(f"已生成规则说明：{out_dir}（{len(files)} 个文件，{len(changed)} 个有变化）")
    return 0


if __name__ == "__main__":
    sys.exit(main())
