"""Kinds of category typography:

- `brackets`: unbalanced, unclosed or crossed 《》〈〉（）()“”‘’〔〕【】<> in prose;
- `headings`: subsection ordinals out of sequence ((一)(二)(四)), a subsection heading
  missing its closing bracket (`(一予以公开`), and a paragraph's enumeration out of
  sequence (`一是…；三是…；三是…`);
- `pattern`: a regular expression that marks (and optionally replaces) text — the kind of
  every typography rule that needs no Python: garbled text, half-width punctuation in a
  full-width document, a space between Chinese and digits.
"""

from __future__ import annotations

import re
from functools import lru_cache


from ...parsing import lines as L
from ...model.diagnostic import Edit, Fix, Related
from ...model.document import Document
from ...reading.source import Span
from .base import Checker, Param

# Opening bracket -> closing bracket. Full- and half-width round brackets close each other
# (real reports mix them; that is a style question, not a balance one).
_PAIRS = {"《": "》", "〈": "〉", "(": ")", "（": ")", "“": "”", "‘": "’", "〔": "〕", "【": "】", "[": "]", "<": ">", "「": "」", "『": "』"}
_CLOSE_OF = {"》": "》", "〉": "〉", ")": ")", "）": ")", "”": "”", "’": "’", "〕": "〕", "】": "】", "]": "]", ">": ">", "」": "」", "』": "』"}
_OPENERS = set(_PAIRS)
_BRACKET = re.compile("[" + re.escape("".join(_PAIRS) + "".join(_CLOSE_OF)) + "]")
_COMMENT = re.compile(r"<!--.*?-->")
# (the closing bracket may follow after spaces of any width: "（七 ）总计" is closed)
_UNCLOSED_HEADING = re.compile(r"^([ \t\u3000\u00a0\f\v]*)([（(])([ \t]*)([一二三四五六七八九十]{1,3})(?![一二三四五六七八九十]|[\s\u200b]*[）)])")


# A list item marker: a number or a letter and a closing bracket, at the paragraph's or a
# clause's start. ("二）" is not one: it is the heading "（二）" that lost its bracket.)
_LIST_MARKER = re.compile(r"((?:^|(?<=[。；;：:，,、！？\s]))[ \t\u3000]*(?:\d{1,2}|[a-zA-Z]))[）)]")


class BracketsCheck(Checker):
    kind = "brackets"
    params = {"check": Param(str, "all", choices=("all",))}
    fields = frozenset({"open", "close", "expected", "problem"})
    inputs = ("paragraphs",)

    def check(self, doc: Document):
        for p in doc.paragraphs:
            for problem in _bracket_problems(p.text):
                kind, at = problem[0], problem[1]
                if kind == "crossed":
                    _, i, top, top_at, opener, opener_at, ch = problem
                    yield self.diag(
                        doc,
                        p.span_of(i, i + 1),
                        related=[Related(p.span_of(top_at, top_at + 1), f"尚未关闭的“{top}”"), Related(p.span_of(opener_at, opener_at + 1), f"与之配对的“{opener}”")],
                        open=top,
                        close=ch,
                        expected=_PAIRS[top],
                        problem=f"“{top}”还没有关闭就出现了“{ch}”，括号交叉",
                    )
                elif kind == "unopened":
                    ch = problem[2]
                    yield self.diag(doc, p.span_of(at, at + 1), open="", close=ch, expected="", problem=f"“{ch}”前面没有对应的开括号")
                else:
                    opener = problem[2]
                    yield self.diag(
                        doc, p.span_of(at, at + 1), open=opener, close="", expected=_PAIRS[opener], problem=f"“{opener}”在本段中没有关闭"
                    )


@lru_cache(maxsize=2048)
def _bracket_problems(text: str) -> tuple:
    """The bracket problems of one paragraph's text, by offset: ("crossed", at, top, top_at,
    opener, opener_at, close), ("unopened", at, close), ("unclosed", at, opener). A function of
    the text alone, kept per text: in the editor only the paragraph typed into is scanned."""
    if "<!--" in text:
        text = _COMMENT.sub(lambda m: " " * len(m.group(0)), text)
    # A subsection heading missing its bracket is the headings rule's finding.
    m = _UNCLOSED_HEADING.match(text)
    if m:
        text = text[: m.start(2)] + " " + text[m.end(2) :]
    # "1）", "2)", "一）", "a)": a list item's marker closes no bracket (when no
    # round bracket is open)
    markers = {m.end() - 1 for m in _LIST_MARKER.finditer(text)} if ")" in text or "）" in text else ()
    out: list[tuple] = []
    stack: list[tuple[str, int]] = []
    for mark in _BRACKET.finditer(text):
        i, ch = mark.start(), mark.group()
        if ch in _OPENERS:
            stack.append((ch, i))
            continue
        close = _CLOSE_OF.get(ch)
        if close is None:
            continue
        if i in markers and not any(_PAIRS[o] == ")" for o, _ in stack):
            continue
        if stack and _PAIRS[stack[-1][0]] == close:
            stack.pop()
            continue
        if ch == ">" and not any(o == "<" for o, _ in stack):
            continue  # a breadcrumb "首页>政务公开" or a comparison, not a bracket
        deeper = next((k for k in range(len(stack) - 1, -1, -1) if _PAIRS[stack[k][0]] == close), None)
        if deeper is not None:
            top, top_at = stack[-1]
            opener, opener_at = stack.pop(deeper)
            out.append(("crossed", i, top, top_at, opener, opener_at, ch))
        else:
            out.append(("unopened", i, ch))
    for opener, at in stack:
        if opener == "<":
            continue  # "<5%": a comparison, not a bracket
        out.append(("unclosed", at, opener))
    return tuple(out)


# "一是…；二是…": an enumeration item starts a clause (after a stop, a colon, a comma or at the
# paragraph's start), so 统一是 / 唯一是 are no items. Up to 十九. A list's 一是 may also follow
# a heading run into it (a crawl: `5.加强平台建设一是…`) unless it ends a word (统一是, 唯一是).
_ITEM = re.compile(
    r"(?:(?:^|(?<=[。；;：:，,、！？\s）)]))((?:十[一二三四五六七八九]?|[一二三四五六七八九]))"
    r"|(?<![统唯同单专划万逐之第如归合均])(一))是"
)
_CN_VALUE = {c: i for i, c in enumerate("一二三四五六七八九", 1)}


def _cn(ordinal: str) -> int:
    if ordinal.startswith("十"):
        return 10 + _CN_VALUE.get(ordinal[1:], 0)
    return _CN_VALUE[ordinal]


class HeadingsCheck(Checker):
    kind = "headings"
    params = {"check": Param(str, choices=("sequence", "unclosed", "enumeration"))}
    fields = frozenset({"ordinal", "expected", "previous", "title", "bracket"})

    def check(self, doc: Document):
        if self.p["check"] == "sequence":
            yield from self._sequence(doc)
        elif self.p["check"] == "enumeration":
            yield from self._enumeration(doc)
        else:
            yield from self._unclosed(doc)

    def _enumeration(self, doc: Document):
        """In one paragraph, 一是 二是 三是 … each one more than the one before; a new 一是
        starts a new list. A skipped or repeated number is a finding (once per list)."""
        for p in doc.paragraphs:
            text = p.text
            if "是" not in text:
                continue
            prev = 0
            prev_ordinal = ""
            reported = False
            for m in _ITEM.finditer(text):
                ordinal = m.group(1) or m.group(2)
                n = _cn(ordinal)
                if n == 1:
                    prev, prev_ordinal, reported = 1, ordinal, False
                    continue
                if prev and n != prev + 1 and not reported:
                    expected = "一二三四五六七八九十"[prev] if prev < 10 else f"十{'一二三四五六七八九'[prev - 10]}"
                    yield self.diag(doc, p.span_of(m.start(), m.end()), ordinal=ordinal + "是", expected=expected + "是",
                                    previous=prev_ordinal + "是", title="")
                    reported = True
                if prev:
                    prev, prev_ordinal = n, ordinal

    def _sequence(self, doc: Document):
        for s in doc.sections:
            prev = 0
            prev_ordinal = ""
            for sub in s.subsections:
                if sub.number == 1:
                    prev, prev_ordinal = 1, sub.ordinal  # a new list starts (e.g. 存在问题 / 改进措施 each numbered)
                    continue
                if prev and sub.number != prev + 1:
                    expected = "一二三四五六七八九十"[prev] if prev < 10 else str(prev + 1)
                    yield self.diag(doc, sub.span, ordinal=sub.ordinal, expected=expected, previous=prev_ordinal, title=sub.title)
                prev, prev_ordinal = sub.number, sub.ordinal

    def _unclosed(self, doc: Document):
        lines = doc.lines
        for i, line in enumerate(lines):
            if line.kind != L.SUBSECTION_HEADING:
                continue
            m = _UNCLOSED_HEADING.match(line.text)
            if not m:
                continue
            nxt = next((x.text.lstrip() for x in lines[i + 1 : i + 3] if x.text.strip()), "")
            if nxt[:1] in "）)" and not line.text[m.end(4) :].strip():
                continue  # "（五" / "）不予处理": wrapped after its numeral (a converter's table cell)
            bracket = "）" if m.group(2) == "（" else ")"
            at = line.col + m.end(4)
            start = line.col + m.start(2)
            fix = Fix(f"补上“{bracket}”", (Edit(Span(line.lineno, at + 1, line.lineno, at + 1), bracket),), "safe")
            yield self.diag(
                doc,
                Span(line.lineno, start + 1, line.lineno, at + 1),
                fix=fix,
                ordinal=m.group(4),
                bracket=bracket,
                title=line.text[m.end(4) :].strip()[:20],
            )


class PatternCheck(Checker):
    kind = "pattern"
    params = {
        "regex": Param(str, doc="the text to find (Python regular expression)"),
        "replace": Param(str, None, doc="replacement (\\1 for groups; \"\" deletes): makes the rule fixable"),
        "applicability": Param(str, "safe", choices=("safe", "unsafe")),
        "scope": Param(str, "prose", choices=("prose", "lines")),
        "when": Param(str, "always", choices=("always", "majority")),
        "majority_regex": Param(str, "", doc="when=majority: the competing style; the rule fires only where it is the document's minority style"),
        "max_share": Param(float, 0.2, doc="when=majority: fire only if this style is at most this share of both"),
        "limit": Param(int, 50, doc="at most this many findings per document"),
        "contains": Param(list, [], item=str, doc="a text is searched only if it contains one of these strings (speed; by default the text every match of the regex holds, if any)"),
    }
    fields = frozenset({"match", "replacement"})

    @property
    def inputs(self) -> tuple[str, ...]:
        return ("paragraphs",) if self.p["scope"] == "prose" else ("lines",)

    def setup(self) -> None:
        if self.p["regex"]:
            self.rx = self.regex("regex", self.p["regex"])
        if not self.p["regex"]:
            raise self.error("regex", "不能为空")
        from ...support.regexes import required_literal

        # Texts without one of these cannot match: the rule's own `contains`, else the text
        # every match of its regex holds (so a new rule is fast without saying it).
        literal = required_literal(self.rx)
        self.contains = self.p["contains"] or ([literal] if literal else [])
        if self.p["majority_regex"]:
            self.majority_rx = self.regex("majority_regex", self.p["majority_regex"])
            self.majority_literal = required_literal(self.majority_rx)  # absent: nothing to count
        if self.p["when"] == "majority" and not self.p["majority_regex"]:
            raise self.error("majority_regex", "when = \"majority\" 时必须给出 majority_regex")
        if self.p["replace"] is not None:
            try:
                re.compile(self.p["regex"]).sub(self.p["replace"], "")  # (re checks a template at once; regex only at a match)
            except (re.error, IndexError) as exc:
                raise self.error("replace", f"替换模板无效：{exc}") from None

    def _texts(self, doc: Document) -> tuple[list, str]:
        """(text, paragraph or line) pairs to search, and all of them joined by newlines —
        made once per document and scope, shared by every pattern rule."""
        key = ("pattern-texts", self.p["scope"])
        if key not in doc.memo:
            if self.p["scope"] == "prose":
                texts = [(p.text, p) for p in doc.paragraphs]
            else:
                skip = (L.BLANK, L.PAGE_NUMBER, L.COMMENT)
                texts = [(line.text, line) for line in doc.lines if line.kind not in skip]
            doc.memo[key] = (texts, "\n".join(t for t, _ in texts))
        return doc.memo[key]

    def _joined_rx(self) -> re.Pattern | None:
        """The regex for searching all texts at once, joined by newlines (^ and $ at each
        text's ends), or None when that would not be exact: a pattern that looks at what is
        around a text's ends (negative lookarounds, \\B, \\A, \\Z) is searched text by text."""
        if not hasattr(self, "_whole"):
            from ...support.regexes import with_flags

            pattern = self.rx.pattern
            exact = not any(t in pattern for t in ("(?!", "(?<!", "\\B", "\\A", "\\Z"))
            self._whole = with_flags(self.rx, re.MULTILINE) if exact else None
        return self._whole

    def _absent(self, joined: str) -> bool:
        """True when the regex cannot match any of the joined texts (one search, in C)."""
        whole = self._joined_rx()
        return whole is not None and whole.search(joined) is None

    def check(self, doc: Document):
        contains = self.contains
        if contains and (self.p["scope"] == "lines" or all(len(c) == 1 for c in contains)) and not any(c in doc.text for c in contains):
            return  # in none of the text: nothing to gather (a paragraph joins its lines, so
            # a longer string may appear only there)
        texts, joined = self._texts(doc)
        everything = joined
        if contains:
            if not any(c in joined for c in contains):
                return
            # only texts holding one of the strings can match: search just those
            texts = [x for x in texts if any(c in x[0] for c in contains)]
            joined = "\n".join(t for t, _ in texts)
        if not texts:
            return
        if self.p["when"] == "majority":
            share = self.p["max_share"]
            whole = self._joined_rx()
            if whole is not None:  # counted over the joined texts, in C
                mine = len(whole.findall(joined))
            else:
                mine = sum(len(self.rx.findall(t)) for t, _ in texts)
            if not mine:
                return
            # The competing style, counted only until it is clearly the majority (it usually
            # is, a hundred times over: counting every match would cost more than the rule).
            theirs = 0
            literal = self.majority_literal
            for text in (everything,) if whole is not None else (t for t, _ in self._texts(doc)[0]):
                if literal not in text:
                    continue
                for _ in self.majority_rx.finditer(text):
                    theirs += 1
                    if not mine > share * (mine + theirs):
                        break
                if not mine > share * (mine + theirs):
                    break
            if mine > share * (mine + theirs):
                return  # this is the document's own style (e.g. a copy with all half-width punctuation)
        elif self._absent(joined):
            return
        count = 0
        for text, owner in texts:
            span_of = owner.span_of if self.p["scope"] == "prose" else _line_span(owner)
            for m in self.rx.finditer(text):
                if m.end() == m.start():
                    continue
                fix = None
                replacement = ""
                if self.p["replace"] is not None:
                    replacement = m.expand(self.p["replace"])
                    fix = Fix(f"改为“{replacement}”", (Edit(span_of(m.start(), m.end()), replacement),), self.p["applicability"])
                yield self.diag(doc, span_of(m.start(), m.end()), fix=fix, match=m.group(0), replacement=replacement)
                count += 1
                if count >= self.p["limit"]:
                    return


def _line_span(line):
    def span_of(a: int, b: int) -> Span:
        return Span(line.lineno, line.col + a + 1, line.lineno, line.col + b + 1)

    return span_of


CHECKERS = (BracketsCheck, HeadingsCheck, PatternCheck)
