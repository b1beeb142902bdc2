"""Realistic variations of a report's table text read the same (issue: generalise by
construction). Each family is applied to the project's own examples: spaces of every width
inside row labels, a space between a label and digits run together, an enumeration comma
written as a comma. The cells must equal the unperturbed reading, and no new error or
warning may appear except the one that names what the variation did."""

from __future__ import annotations

import re

import pytest

from xxgk_lint.linter.checking.engine import Linter
from xxgk_lint.linter.parsing.builder import build

from .conftest import EXAMPLES

CLEAN = (EXAMPLES / "clean.txt").read_text(encoding="utf-8")
SPACES = [" ", "  ", "\u3000", "\u00a0", "\u2002", "\u2003", "\u2009", "\u200b"]
# table 三's rows of clean.txt: a label, white space, then seven numbers
ROW = re.compile(r"^(?P<label>[一二三四五六七（(0-9][^\n]*?[^\s\d])(?P<gap>\s{2,})(?P<nums>\d+(?:\s+\d+){6})$", re.M)


@pytest.fixture(scope="module")
def linter():
    return Linter()


def cells(text: str) -> dict:
    doc = build(text, "r.txt")
    return {(k, r, c): (cell.value, cell.status) for k, t in doc.tables.items() if t for (r, c), cell in t.cells.items()}


def findings(linter, text: str) -> list[tuple[str, str]]:
    return sorted((d.rule, d.severity) for d in linter.lint_text(text, "r.txt")[1] if d.severity != "info")


BASE_CELLS = cells(CLEAN)


def test_the_rows_are_found():
    assert len(ROW.findall(CLEAN)) >= 20


@pytest.mark.parametrize("space", SPACES, ids=lambda s: f"U+{ord(s[0]):04X}x{len(s)}")
def test_a_space_inside_row_labels(space, linter):
    def spaced(m):
        label = m.group("label")
        k = len(label) // 2
        return label[:k] + space + label[k:] + m.group("gap") + m.group("nums")

    text = ROW.sub(spaced, CLEAN)
    assert text != CLEAN
    assert cells(text) == BASE_CELLS
    assert findings(linter, text) == findings(linter, CLEAN) == []


def test_single_digits_run_together_after_a_label_are_split(linter):
    # every row whose seven cells are single digits, written `label 0000000`
    def glued(m):
        nums = m.group("nums").split()
        return m.group("label") + " " + "".join(nums) if all(len(n) == 1 for n in nums) else m.group(0)

    text = ROW.sub(glued, CLEAN)
    assert text != CLEAN
    assert cells(text) == {k: (v[0], v[1]) for k, v in BASE_CELLS.items()}
    assert not [f for f in findings(linter, text) if f[1] == "error"]


def test_multi_digit_cells_run_together_after_a_label_are_not_called_missing(linter):
    row = "一、本年新收政府信息公开申请数量          13       3          1          0              1              0      18"
    assert row in CLEAN
    text = CLEAN.replace(row, "一、本年新收政府信息公开申请数量 13310 1018")
    found = {d.rule for d in linter.lint_text(text, "r.txt")[1]}
    # run together, not "a cell is missing": the row's sum allows several splits, the columns one
    assert "XG301" not in found and "XG303" not in found and "XG314" in found
    assert cells(text) == {k: (v[0], v[1]) for k, v in BASE_CELLS.items()}


def test_a_row_one_cell_short_is_still_missing_a_cell(linter):
    row = "二、上年结转政府信息公开申请数量          2        0          0          0              0              0      2"
    assert row in CLEAN
    text = CLEAN.replace(row, "二、上年结转政府信息公开申请数量          2        0          0          0              0      2")
    assert "XG301" in {f[0] for f in findings(linter, text)}


def test_an_enumeration_comma_written_as_a_comma(linter):
    assert "逾期不补正、行政机关" in CLEAN
    for comma in (",", "，"):
        text = CLEAN.replace("逾期不补正、行政机关", f"逾期不补正{comma}行政机关").replace("缴纳费用、行政机关", f"缴纳费用{comma}行政机关")
        assert text != CLEAN
        assert cells(text) == BASE_CELLS
        assert findings(linter, text) == []


CLEAN_MD = (EXAMPLES / "clean.md").read_text(encoding="utf-8")
WRAPS = [
    ("plain", r"\1\n\2"),
    ("indented", r"\1\n    \2"),
    ("full-width indent", "\\1\n\u3000\u3000\\2"),
    ("page number between", r"\1\n\n- 2 -\n\n\2"),
    ("form feed and page", r"\1\n\f第 2 页\n\2"),
]
BRACKETS = [r"(《[^》\n]{4})([^》\n]{2,}》)", r"(“[^”\n]{2})([^”\n]{2,}”)", r"(（[^）\n]{3})([^）\n]{2,}）)", r"(〔[^〕\n]{2})([^〕\n]{1,}〕)"]


@pytest.mark.parametrize("name, wrap", WRAPS, ids=[w[0] for w in WRAPS])
@pytest.mark.parametrize("source", ["txt", "md"])
def test_a_line_wrapped_inside_brackets_is_joined_again(name, wrap, source, linter):
    base = CLEAN if source == "txt" else CLEAN_MD
    text = base
    for rx in BRACKETS:
        text = re.sub(rx, wrap, text, count=3)
    assert text.count("\n") > base.count("\n") + 4
    assert findings(linter, text) == findings(linter, base) == []


NORMATIVE = "行政规范性文件    2               1               9"


@pytest.mark.parametrize("note", ["（其中修订 2 件）", "(含自然失效3件)", " （其中规章1件）"])
@pytest.mark.parametrize("source", ["txt", "md"])
def test_a_note_after_a_cells_number_keeps_the_row_and_is_reported(note, source, linter):
    if source == "txt":
        assert NORMATIVE in CLEAN
        text, base = CLEAN.replace(NORMATIVE, NORMATIVE + note), CLEAN
    else:
        row = "| 行政规范性文件 | 2 | 1 | 9 |"
        assert row in CLEAN_MD
        text, base = CLEAN_MD.replace(row, f"| 行政规范性文件 | 2 | 1 | 9{note} |"), CLEAN_MD
    got = {k: v[0] for k, v in cells(text).items()}
    assert got == {k: v[0] for k, v in cells(base).items()}  # every value, the noted 9 included
    assert [f[0] for f in findings(linter, text)] == ["XG313"]


@pytest.mark.parametrize("slash", ["/", "／", "—"])
def test_a_slash_cell_is_reported_not_passed_over(slash, linter):
    text = CLEAN.replace(NORMATIVE, NORMATIVE.replace("  1  ", f"  {slash}  "))
    assert text != CLEAN
    assert [f[0] for f in findings(linter, text)] == ["XG312"]
    md = CLEAN_MD.replace("| 行政规范性文件 | 2 | 1 | 9 |", f"| 行政规范性文件 | 2 | {slash} | 9 |")
    assert md != CLEAN_MD and [f[0] for f in findings(linter, md)] == ["XG312"]


def _crawl(text: str) -> str:
    """The report as a crawler delivers it: the title, then the whole body on one line."""
    lines = text.split("\n")
    return lines[0] + "\n" + "".join(line.strip() + " " for line in lines[1:]) + "\n"


TYPOS = [
    ("四、政府信息公开行政复议、行政诉讼情况", "四、政府信息公开行政法复议、行政诉讼情况"),  # a character too many
    ("四、政府信息公开行政复议、行政诉讼情况", "四、政府信息公开行政复议行政诉讼情况"),  # one missing
    ("二、主动公开政府信息情况", "二、主动公开政府信情况"),
    ("三、收到和处理政府信息公开申请情况", "三、收到和处理政府信息公开申请情祝"),  # a wrong character
    ("五、存在的主要问题及改进情况", "五、存在的主要问题及改进情"),  # truncated
    ("六、其他需要报告的事项", "六、其他需报告的事项"),
]


def test_a_crawled_body_reads_the_same(linter):
    crawl = _crawl(CLEAN)
    assert crawl.count("\n") == 2
    assert {k: v[0] for k, v in cells(crawl).items()} == {k: v[0] for k, v in BASE_CELLS.items()}
    assert findings(linter, crawl) == []


@pytest.mark.parametrize("right, wrong", TYPOS, ids=[t[1][:6] for t in TYPOS])
def test_a_heading_typo_inside_a_crawled_body_keeps_the_heading(right, wrong, linter):
    crawl = _crawl(CLEAN)
    text = crawl.replace(right, wrong)
    assert text != crawl
    assert {k: v[0] for k, v in cells(text).items()} == {k: v[0] for k, v in BASE_CELLS.items()}
    assert [f[0] for f in findings(linter, text)] == ["XG102"]  # the title differs: nothing lost


@pytest.mark.parametrize("space", ["\u00a0", "\u3000"], ids=["nbsp", "ideographic"])
def test_markdown_headings_and_cells_with_other_spaces(space, linter):
    # web copies put &nbsp; after the #s and inside cells
    text = CLEAN_MD.replace(" ", space)
    assert {k: v[0] for k, v in cells(text).items()} == {k: v[0] for k, v in cells(CLEAN_MD).items()}
    assert findings(linter, text) == []


def test_a_report_none_of_whose_sections_could_be_read_is_not_clean(linter):
    text = CLEAN.replace("、", "~")  # no heading can be recognised any more
    assert "XG101" in [f[0] for f in findings(linter, text)]


HEADING = re.compile(r"^([一二三四五六])、(\S+)$", re.M)
HEADING_FORMS = {
    "full-width dot": "{o}．{t}",
    "ascii dot": "{o}. {t}",
    "ascii dot, no space": "{o}.{t}",
    "comma": "{o}，{t}",
    "第…部分": "第{o}部分 {t}",
    "第…部分、": "第{o}部分、{t}",
    "bold": "**{o}、{t}**",
    "indented": "　　{o}、{t}",
}


@pytest.mark.parametrize("form", HEADING_FORMS, ids=list(HEADING_FORMS))
def test_section_headings_in_other_forms(form, linter):
    text = HEADING.sub(lambda m: HEADING_FORMS[form].format(o=m.group(1), t=m.group(2)), CLEAN)
    assert text != CLEAN
    assert cells(text) == BASE_CELLS
    assert findings(linter, text) == []


def test_full_width_digits_read_as_digits(linter):
    wide = str.maketrans("0123456789", "０１２３４５６７８９")
    text = ROW.sub(lambda m: m.group("label") + m.group("gap") + m.group("nums").translate(wide), CLEAN)
    assert text != CLEAN
    assert cells(text) == BASE_CELLS
    assert findings(linter, text) == []
    assert findings(linter, CLEAN.translate(wide)) == []


@pytest.mark.parametrize("written, official", [
    ("五、存在的主要问题和改进措施", "五、存在的主要问题及改进情况"),
    ("五、存在的主要问题与改进情况", "五、存在的主要问题及改进情况"),
    ("四、因政府信息公开工作被申请行政复议、提起行政诉讼情况", "四、政府信息公开行政复议、行政诉讼情况"),
    ("四、政府信息公开行政复议及行政诉讼情况", "四、政府信息公开行政复议、行政诉讼情况"),
])
def test_accepted_titles_joined_by_another_conjunction(written, official, linter):
    assert official in CLEAN
    assert findings(linter, CLEAN.replace(official, written)) == []


def test_the_short_label_of_partial_disclosure_is_its_row(linter):
    long = "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"
    assert long in CLEAN
    text = CLEAN.replace(long, "（二）部分公开")
    assert cells(text) == BASE_CELLS
    assert findings(linter, text) == []


@pytest.mark.parametrize("items", ["1）…；2）…", "1)…；2)…", "a) …；b) …", "（1）…；（2）…"])
def test_list_markers_close_no_bracket(items, linter):
    para = "下一步，我局将从三个方面加以改进：一是每次发布主要经济指标时同步配发图表解读"
    assert para in CLEAN
    first, second = items.split("；")
    text = CLEAN.replace(para, "下一步，我局将从三个方面加以改进：" + first.replace("…", "每次发布主要经济指标时同步配发图表解读") + "；" + second.replace("…", "制定范本"))
    assert findings(linter, text) == []


def test_an_unmatched_bracket_after_a_list_marker_inside_brackets_is_still_found(linter):
    para = "下一步，我局将从三个方面加以改进：一是每次发布主要经济指标时同步配发图表解读"
    text = CLEAN.replace(para, "下一步，我局将从三个方面加以改进：每次发布主要经济指标）时同步配发图表解读")
    assert ("XG801", "error") in findings(linter, text)


def test_a_sentence_cut_by_a_page_break_is_one_paragraph():
    para = "2024年，我局政府信息公开工作取得了一定成效，但对照《条例》要求和公众期待，仍存在一些不足"
    assert para in CLEAN
    text = CLEAN.replace(para, "2024年，我局政府信息公开工作取得了一定成效，但对照《条例》要\n\n                  - 3 -\n\n\f求和公众期待，仍存在一些不足")
    doc = build(text, "r.txt")
    five = next(s for s in doc.sections if s.number == 5)
    assert any(para in p.text for p in five.paragraphs)


@pytest.mark.parametrize("sentence", [
    "全年受理行政许可申请1200件",
    "政务服务中心全年受理办件申请5632件",
    "全年收到人大代表建议和政协提案申请12件",
    "受理群众信访申请15件",
    "办结行政许可事项1200件",
    "办理行政复议案件32件（涉及征收补偿）",
    "全年应诉行政诉讼案件15件",
    "3件建议结转下年度继续办理",
])
def test_numbers_about_other_work_are_not_read_as_the_tables(sentence, linter):
    para = "全年通过示例县人民政府门户网站统计局专栏主动公开政府信息236条"
    assert para in CLEAN
    text = CLEAN.replace(para, sentence + "，" + para)
    assert [f for f in findings(linter, text) if f[0].startswith("XG6")] == []


def test_a_cell_written_wu_is_a_no_number_cell_not_a_lost_row(linter):
    text = CLEAN_MD.replace("| 行政许可 | 0 |", "| 行政许可 | 无 |")
    assert text != CLEAN_MD
    assert {f[0] for f in findings(linter, text)} == {"XG312"}


def test_counts_written_with_their_unit_read_as_numbers(linter):
    text = CLEAN_MD.replace("| 规章 | 0 | 0 | 0 |", "| 规章 | 0件 | 0件 | 0件 |")
    assert text != CLEAN_MD
    doc = build(text, "r.md")
    assert doc.tables["active"].cells[("regulation", "issued")].value == 0
    assert findings(linter, text) == []


@pytest.mark.parametrize("sentence", [
    "较2023年增长12%，比2023年多26条，与2023年同期相比，2023年以来，相比2023年",
    "2025年，我局将继续推进，2025年计划，2025年拟，2025年将，2025年力争",
])
def test_years_named_in_comparisons_and_plans_are_not_the_texts_year(sentence, linter):
    para = "全年通过示例县人民政府门户网站统计局专栏主动公开政府信息236条"
    text = CLEAN.replace(para, para + "，" + sentence)
    assert "XG407" not in {f[0] for f in findings(linter, text)}


def test_label_columns_flattened_into_one_cell(linter):
    """A web page that flattened table 三's merged label cells writes the group label and the
    row label in one cell: `| 三、本年度办理结果（一）予以公开 | 6 | …`."""
    out = []
    for line in CLEAN_MD.split("\n"):
        if line.startswith("| ") and line.count("|") == 11:
            row = [c.strip() for c in line.strip().strip("|").split("|")]
            out.append("| " + " | ".join(["".join(row[:3])] + row[3:]) + " |")
        elif line.startswith("|---|---|---|---|---|---|---|---|---|---|"):
            out.append("|---|---|---|---|---|---|---|---|")
        else:
            out.append(line)
    text = "\n".join(out)
    assert "| 三、本年度办理结果（一）予以公开 |" in text
    assert cells(text) == cells(CLEAN_MD)
    assert findings(linter, text) == []
