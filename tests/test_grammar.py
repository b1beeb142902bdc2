"""The line grammar classifies every shape of line real reports contain, and never fails."""

import pytest

from xxgk_lint.linter.parsing import lines as L
from xxgk_lint.linter.parsing.lines import classify


def kinds(text: str) -> list[str]:
    pieces = [(t, i, 0) for i, t in enumerate(text.split("\n"), 1)]
    return [line.kind for line in classify(pieces)]


@pytest.mark.parametrize(
    "line,kind",
    [
        ("", L.BLANK),
        ("   \u3000 ", L.BLANK),
        ("一、总体情况", L.SECTION_HEADING),
        ("  三 、本 年 度办 理 结果", L.SECTION_HEADING),
        ("(一)主动公开情况。一是…", L.SUBSECTION_HEADING),
        ("（二）依申请公开情况", L.SUBSECTION_HEADING),
        ("(一予以公开", L.SUBSECTION_HEADING),
        ("1.属于国家秘密", L.ITEM_LINE),
        ("1、申请人无正当理由逾期不补", L.ITEM_LINE),
        ("规章 | 0 | 0 | 0 |", L.PIPE_ROW),
        ("0 | |||", L.PIPE_ROW),
        ("| 规章 | 0 | 0 | 0 |", L.PIPE_ROW),
        ("|---|---|---|", L.MD_RULE),
        ("0", L.NUMBER_LINE),
        ("72   64    178    37    351", L.NUMBER_LINE),
        ("24252.311082", L.NUMBER_LINE),
        ("-3-", L.PAGE_NUMBER),
        ("      — 1 —", L.PAGE_NUMBER),
        ("发布时间:2022-01-20 00:00", L.META_LINE),
        ("标题: 平潭综合实验区2019年度政府信息公开工作年度报告", L.META_LINE),
        ("## 表二：主动公开政府信息情况", L.MD_HEADING),
        ("2021年,我县认真贯彻…", L.TEXT_LINE),
        ("行政许可          447228", L.TEXT_LINE),
        ("<…》…>\x00\x7f𠀀", L.TEXT_LINE),
    ],
)
def test_line_kinds(line, kind):
    assert kinds(line) == [kind]


def test_one_token_per_line_for_any_text():
    text = "a\n\n|\n一、\n(\n1.\n\x0c\n𠀀𠀁\n" * 3
    assert len(kinds(text)) == len(text.split("\n"))


def test_comment_lines():
    assert kinds("<!-- xxgk-lint: disable-next-line=XG201 -->") == [L.COMMENT]
    assert kinds("  <!-- a --> ") == [L.COMMENT]
    assert kinds("<!-- a --> 正文") == [L.TEXT_LINE]


def test_runtime_lexer_agrees_with_lark_on_the_corpus():
    from xxgk_lint.linter.parsing.lines import classify_with_lark
    from xxgk_lint.linter.reading.source import Source
    from xxgk_lint.linter.parsing.unfold import unfold

    from .conftest import corpus_files

    for path in corpus_files():
        pieces = unfold(Source(path.read_text(encoding="utf-8")).lines)
        ours = [(l.kind, l.lineno, l.col) for l in classify(pieces)]
        lark = [(l.kind, l.lineno, l.col) for l in classify_with_lark(pieces)]
        assert ours == lark, path.name
