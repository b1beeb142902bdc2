"""Property-based tests (hypothesis) of the parser and the whole engine.

Texts are built from report fragments — section and subsection headings, table rows in every
shape the parser reads (pipe rows, one cell per line, whitespace columns, Markdown tables,
crawled run-together digits), dates, metadata, page numbers, suppression comments, slices of
the real corpus — and from a hostile alphabet (brackets, full-width and ideographic spaces,
astral characters, control characters), joined with a mix of LF, CRLF and CR.

Properties, for any text:
- `Linter().lint_text(text)` never raises and no rule crashes (`linter.errors` stays empty);
  the model dump and every output format render the result;
- every span (finding, related location, fix edit) lies inside the text;
- linting is deterministic, also with the content memos (line kinds, tables) cold or warm;
- LF, CRLF, CR line ends and a BOM give the same findings;
- applying the safe fixes never raises and a second pass changes nothing.

Example counts come from the hypothesis profile (tests/conftest.py): `default` is quick,
`--hypothesis-profile=long` runs ≥ 100,000 examples per property.
"""

from __future__ import annotations

import json
import os
import random

import pytest

hypothesis = pytest.importorskip("hypothesis")

from hypothesis import example, given, note  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from xxgk_lint.linter.parsing import builder as _builder  # noqa: E402
from xxgk_lint.linter.parsing import lines as _lines  # noqa: E402
from xxgk_lint.linter.reporting.dump import document_to_dict  # noqa: E402
from xxgk_lint.linter.checking.engine import Linter  # noqa: E402
from xxgk_lint.linter.reporting.fixes import fix_text  # noqa: E402
from xxgk_lint.linter.reporting.formats import github, junit, sarif  # noqa: E402
from xxgk_lint.linter.reporting.output import format_json, format_text  # noqa: E402
from xxgk_lint.linter.reading.source import Source  # noqa: E402

from .conftest import report_files  # noqa: E402

# ----------------------------------------------------------------------------------------------
# fragments

SECTION_TITLES = [
    "一、总体情况",
    "一、总体情",
    "一、总体工作情况",
    "二、主动公开政府信息情况",
    "二、主动公开情况",
    "三、收到和处理政府信息公开申请情况",
    "三、收到和处理政府信息公开申请的情况",
    "四、政府信息公开行政复议、行政诉讼情况",
    "四、政府信息公开行政法复议、行政诉讼情况",
    "四、因政府信息公开工作被申请行政复议和提起行政诉讼情况",
    "五、存在的主要问题及改进情况",
    "五、存在的主要问题及改进措施",
    "六、其他需要报告的事项",
    "七、附件",
    "十一、其他",
    "一、",
    "三、",
]

SUBSECTIONS = [
    "(一)主动公开情况",
    "（二）依申请公开情况",
    "(三)政府信息管理情况",
    "（四）平台建设情况",
    "(五)监督保障情况",
    "(一予以公开",
    "（二部分公开",
    "(六)其他处理",
    "(七)总计",
    "（十二）其他",
    "(一)",
    "（",
]

PROSE = [
    "根据《中华人民共和国政府信息公开条例》(以下简称《条例》)规定,编制本报告。",
    "依据《国务院办公厅关于印发〈中华人民共和国政府信息公开工作年度报告格式〉的通知》(国办公开办函〔2021〕30号)要求编制。",
    "依据《国务院办公厅关于印发<中华人民共和国政府信息公开工作年度报告格式》的通知>要求编制本报告。",
    "本报告所列数据的统计期限自2021年1月1日至2021年12月31日。",
    "2022年共受理政府信息公开申请27件,1件结转下年度办理。",
    "本年度未收到政府信息公开申请。",
    "全年主动公开信息120条，其中政策文件12条，机构信息8条,工作动态100条。",
    "办理建议提案 6 件,开展培训2次。",
    "本年度没有产生信息公开处理费。",
    "我局将进一步加强政府信息公开工作,提升公开质量。",
    "“三安全一稳定”",
    "本年度共公开信息锟斤拷条。",
    "首页>政务公开>年报",
    "比例<5%",
    "【通知】〔2020〕109号「引文」『书名』‘单引号’",
]

TITLES = [
    "重庆市九龙坡区人民政府办公室2022年政府信息公开工作年度报告",
    "县科技经信局2021年度政府信息公开工作年度报告",
    "平潭综合实验区2019年政府信息公开工作年度报告",
    "标题: 平潭综合实验区2019年度政府信息公开工作年度报告",
]

META = [
    "发布时间: 2020-01-20 15:22",
    "发布时间：2022年1月20日",
    "索引号:",
    "文号: ",
    "发布机构: 县交通运输局",
    "==================== 正文 ====================",
    "原文链接: https://www.example.gov.cn/a/b.htm",
]

DATES = [
    "2022年1月20日",
    "2021年1月19日",
    "2022 年 1 月 20 日",
    "20211月1日至202112月31日",
    "2022年2月30日",
    "2022-01-20",
    "二〇二二年一月二十日",
    "9999年13月40日",
    "0年0月0日",
]

PAGE_NUMBERS = ["-3-", "— 1 —", "- 12 -", "\f-2-", "第 3 页"]

COMMENTS = [
    "<!-- xxgk-lint: disable-next-line=XG201 -->",
    "<!-- xxgk-lint: disable=XG301 -->",
    "<!-- xxgk-lint: disable-line=XG8 -->",
    "<!-- xxgk-lint: disable -->",
    "<!-- xxgk-lint: disable-next-line= -->",
    "<!-- xxgk-lint: enable -->",
    "<!-- a comment",
    "-->",
]

ROW_LABELS = [
    "一、本年新收政府信息公开申请数量",
    "二、上年结转政府信息公开申请数量",
    "三、本年度办理结果",
    "(一)予以公开",
    "(二)部分公开(区分处理的,只计这一情形,不计其他情形)",
    "(三)不予公开",
    "1.属于国家秘密",
    "2.其他法律行政法规禁止公开",
    "3.危及“三安全一稳定”",
    "4.保护第三方合法权益",
    "5.属于三类内部事务信息",
    "8.属于行政查询事项",
    "(四)无法提供",
    "1.本机关不掌握相关政府信息",
    "(五)不予处理",
    "2.重复申请",
    "(六)其他处理",
    "3.其他",
    "(七)总计",
    "四、结转下年度继续办理",
    "规章",
    "行政规范性文件",
    "规范性文件",
    "行政许可",
    "行政处罚",
    "行政强制",
    "行政事业性收费",
    "第二十条第(一)项",
    "第二十条第(一",
    "行政许",
    "信息内容",
    "本年制发件数",
    "本年新",
    "商业 企业",
    "申请人情况",
    "(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和)",
    "行政复议",
    "结果维持",
    "尚未审结",
    "总计",
]

CELLS = ["0", "1", "27", "26", "100", "3119", "/", "", "-5", "0.5", "12.345678", "22（其中修订 16 件）", "０", "1,000", "—"]

HOSTILE_CHARS = (
    "一二三四五六七八九十、．.,，;；:：。!?()（）《》〈〉<>“”‘’\"'〔〕【】[]「」『』|｜-—_*#"
    "0123456789０１２３ \t\u3000\u00a0\u2002\u200b\ufeff\f\v\x85\u2028\u2029\x00\x1b"
    "𠀀𠀁😀\ufffdÃ©â€œ"
    "年月日件项条报告政府信息公开申请总计自然人法人其他的和及"
    "abcXYZ"
)


def _sep_row(cells, sep):
    return sep.join(cells)


@st.composite
def table_row(draw):
    """A table row in one of the shapes real reports come in."""
    label = draw(st.sampled_from(ROW_LABELS))
    n = draw(st.integers(0, 16))
    cells = [draw(st.sampled_from(CELLS)) for _ in range(n)]
    shape = draw(st.sampled_from(["pipe", "per-line", "whitespace", "markdown", "md-rule", "crawled", "bare-pipes", "numbers"]))
    if shape == "pipe":
        return " | ".join([label, *cells]) + " |"
    if shape == "per-line":
        trail = draw(st.sampled_from([" |", " | |", " | ||", "", " | ||||||||"]))
        return "\n".join(f"{x}{trail}" for x in [label, *cells])
    if shape == "whitespace":
        indent = " " * draw(st.integers(0, 12))
        gaps = [" " * draw(st.integers(1, 10)) for _ in cells]
        return indent + label + "".join(g + c for g, c in zip(gaps, cells))
    if shape == "markdown":
        return "| " + " | ".join([label, *cells]) + " |"
    if shape == "md-rule":
        return "|" + "|".join(draw(st.sampled_from(["---", ":---:", "--", ""])) for _ in range(n + 1)) + "|"
    if shape == "crawled":
        return label + "".join(c for c in cells if c.isdigit())
    if shape == "bare-pipes":
        return "|" * draw(st.integers(1, 9))
    return " ".join(cells)


random_text = st.text(alphabet=st.sampled_from(HOSTILE_CHARS), max_size=40)

_CORPUS_LINES = [p.read_text(encoding="utf-8").replace("\r\n", "\n").split("\n") for p in report_files()]


@st.composite
def corpus_slice(draw):
    lines = draw(st.sampled_from(_CORPUS_LINES))
    a = draw(st.integers(0, len(lines) - 1))
    b = draw(st.integers(a, min(len(lines), a + 60)))
    return "\n".join(lines[a:b])


@st.composite
def mangled(draw, inner):
    """A fragment, possibly cut short, with a random piece of hostile text put inside."""
    s = draw(inner)
    if s and draw(st.booleans()):
        k = draw(st.integers(0, len(s)))
        s = s[:k] if draw(st.booleans()) else s[:k] + draw(random_text) + s[k:]
    return s


fragment = st.one_of(
    st.sampled_from(SECTION_TITLES),
    st.sampled_from(SUBSECTIONS),
    st.sampled_from(PROSE),
    st.sampled_from(TITLES),
    st.sampled_from(META),
    st.sampled_from(DATES),
    st.sampled_from(PAGE_NUMBERS),
    st.sampled_from(COMMENTS),
    table_row(),
    corpus_slice(),
    random_text,
    st.just(""),
)

NEWLINES = st.sampled_from(["\n", "\n", "\n", "\r\n", "\r", "\n\n", "\r\n\r\n", " \n", "\u3000\n"])


@st.composite
def report_text(draw):
    parts = draw(st.lists(mangled(fragment), max_size=30))
    out = []
    for p in parts:
        out.append(p)
        out.append(draw(NEWLINES))
    text = "".join(out)
    if draw(st.integers(0, 9)) == 0:
        text = "\ufeff" + text
    if draw(st.booleans()) and text.endswith(("\n", "\r")):
        text = text.rstrip("\r\n")
    return text


@st.composite
def crawled_report(draw):
    """A crawl: the whole body on one line (the unfolder cuts it at headings and row labels)."""
    parts = draw(st.lists(mangled(st.one_of(st.sampled_from(SECTION_TITLES), st.sampled_from(SUBSECTIONS), st.sampled_from(PROSE), table_row())), max_size=25))
    body = "".join(p.replace("\n", "") for p in parts)
    head = draw(st.lists(st.sampled_from(META + TITLES), max_size=5))
    return "\n".join([*head, body])


@st.composite
def edited_corpus_report(draw):
    """A whole corpus report with a few random lines replaced, inserted or deleted."""
    lines = list(draw(st.sampled_from(_CORPUS_LINES)))
    for _ in range(draw(st.integers(0, 6))):
        i = draw(st.integers(0, len(lines)))
        op = draw(st.sampled_from(["insert", "delete", "replace"]))
        if op == "insert":
            lines.insert(i, draw(mangled(fragment)))
        elif lines and i < len(lines):
            if op == "delete":
                del lines[i]
            else:
                lines[i] = draw(mangled(st.just(lines[i])))
    return draw(NEWLINES).join(lines)


any_text = st.one_of(report_text(), crawled_report(), edited_corpus_report(), st.text(max_size=200), st.just(""))

# ----------------------------------------------------------------------------------------------
# helpers

_LINTER: Linter | None = None


def _linter() -> Linter:
    global _LINTER
    if _LINTER is None:
        _LINTER = Linter()
    return _LINTER


def lint(text: str):
    L = _linter()
    L.errors.clear()
    doc, diags = L.lint_text(text, "report.txt")
    errors = list(L.errors)
    L.errors.clear()
    return doc, diags, errors


def _clear_memos() -> None:
    """Empty the content memos (private to the linter: skipped if they are renamed)."""
    for memo in (getattr(_builder, "_TABLE_MEMO", None), getattr(_lines, "_kinds", None)):
        if isinstance(memo, dict):
            memo.clear()


def _check_span(span, lines: list[str], what: str) -> None:
    n = len(lines)
    assert 1 <= span.line <= n, f"{what}: line {span.line} outside 1..{n}"
    assert 1 <= span.end_line <= n, f"{what}: end line {span.end_line} outside 1..{n}"
    assert 1 <= span.column <= len(lines[span.line - 1]) + 1, f"{what}: column {span.column} outside line {span.line} ({len(lines[span.line - 1])} chars)"
    assert 1 <= span.end_column <= len(lines[span.end_line - 1]) + 1, (
        f"{what}: end column {span.end_column} outside line {span.end_line} ({len(lines[span.end_line - 1])} chars)"
    )
    assert (span.line, span.column) <= (span.end_line, span.end_column), f"{what}: start after end"


def _key(diags):
    return [(d.rule, d.span, d.message, d.severity, d.fix, d.related) for d in diags]


# ----------------------------------------------------------------------------------------------
# properties (example counts and health checks come from the profile in conftest.py)


@given(text=any_text)
@example(text="")
@example(text="\r")
@example(text="\r\n\r\n")
@example(text="\ufeff")
@example(text="𠀀\u3000一、总体情况\r(一)𠀀《》")
@example(text="三、收到和处理政府信息公开申请情况\n一、本年新收政府信息公开申请数量230 000023\n")
@example(text="| 规章 | 0 | 0 | 0 |\n|---|---|---|---|\n")
def test_lint_never_raises_and_spans_are_inside(text: str):
    doc, diags, errors = lint(text)
    assert not errors, errors[0]
    lines = Source(text).lines
    assert doc.source.lines == lines
    # every output path renders it: the model dump (`parse`), text with code frames, json, sarif, github, junit
    json.dumps(document_to_dict(doc), ensure_ascii=False)
    format_text(diags, lambda _path: lines)
    json.loads(format_json(diags))
    json.loads(sarif(diags, _linter().rules))
    github(diags)
    junit(diags, ["report.txt"], "error")
    for d in diags:
        note(repr(d))
        _check_span(d.span, lines, f"{d.rule} span")
        for r in d.related:
            _check_span(r.span, lines, f"{d.rule} related")
        if d.fix is not None:
            for e in d.fix.edits:
                _check_span(e.span, lines, f"{d.rule} fix edit")


@given(text=any_text, other=report_text())
def test_lint_is_deterministic_cold_and_warm(text: str, other: str):
    """Same text, same findings: twice in a row, after linting something else, and with the
    content memos (line kinds, interpreted tables) emptied."""
    _, first, _ = lint(text)
    _, again, _ = lint(text)
    assert _key(again) == _key(first)
    lint(other)
    _, after_other, _ = lint(text)
    assert _key(after_other) == _key(first)
    _clear_memos()
    _, cold, _ = lint(text)
    assert _key(cold) == _key(first)


@given(text=any_text)
@example(text="一、总体情况\r\n(一)主动公开\r\r\n二、")
def test_line_endings_and_bom_do_not_change_findings(text: str):
    """LF, CRLF, CR and a BOM give the same findings at the same lines and columns."""
    lf = Source(text).text.lstrip("\ufeff")  # a second BOM would be text, and shift columns
    _, base, _ = lint(lf)
    for variant in (lf.replace("\n", "\r\n"), lf.replace("\n", "\r"), "\ufeff" + lf):
        _, diags, errors = lint(variant)
        assert not errors, errors[0]
        assert _key(diags) == _key(base), f"differs for {variant[:40]!r}"


@given(text=any_text)
@example(text="一、总体情\n(一主动公开情况。全年主动公开信息120条。\n")
@example(text="全年主动公开信息120条，其中政策文件12条，机构信息8条，工作动态100条，解读3条，回应2条,人事信息5条，财政信息4条。\n")
def test_safe_fixes_apply_and_are_idempotent(text: str):
    normalised = Source(text).text

    def fixes_of(t: str):
        _, diags, errors = lint(t)
        assert not errors, errors[0]
        return [d.fix for d in diags if d.fix is not None]

    once = fix_text(normalised, fixes_of)
    note(f"fixed: {once!r}")
    twice = fix_text(once, fixes_of)
    assert twice == once


# A quick, seeded smoke run over whole corpus reports with many random edits: it exercises
# the bigger texts (hypothesis keeps its examples small) within a fixed time.
@pytest.mark.parametrize("seed", range(int(os.environ.get("XXGK_PROPERTY_SEEDS", "1"))))
def test_random_edits_of_corpus_reports_seeded(seed: int):
    rnd = random.Random(seed)
    pool = [l for lines in _CORPUS_LINES for l in lines if l.strip()]
    for lines in _CORPUS_LINES:
        lines = list(lines)
        for _ in range(30):
            i = rnd.randrange(len(lines) + 1)
            op = rnd.choice(["insert", "delete", "dup", "cut"])
            if op == "insert":
                lines.insert(i, rnd.choice(pool))
            elif i < len(lines):
                if op == "delete":
                    del lines[i]
                elif op == "dup":
                    lines.insert(i, lines[i])
                else:
                    k = rnd.randrange(len(lines[i]) + 1)
                    lines[i] = lines[i][:k]
            text = rnd.choice(["\n", "\r\n"]).join(lines)
            doc, diags, errors = lint(text)
            assert not errors, f"seed={seed}: {errors[0]}"
            src = doc.source.lines
            for d in diags:
                _check_span(d.span, src, f"seed={seed} {d.rule}")
