"""Kind `duplicate`: near-duplicate paragraphs within a report.

A report of up to a few dozen paragraphs compares every pair with rapidfuzz (in C, with a
score cut-off). Beyond that, candidate pairs come from blocking (a bottom-k MinHash sketch of each paragraph's character
4-grams: near-identical texts share most of their smallest hashes), and each candidate is
verified with rapidfuzz's ratio, so the work grows linearly with the number of paragraphs
(2,000 paragraphs in well under a second) and no numpy is needed. Consecutive duplicates of
consecutive earlier paragraphs (a block pasted twice) make one finding, not one per paragraph.

`sentences`: two or more consecutive sentences repeated word for word inside longer
paragraphs (a crawl's body is one paragraph per subsection: a pasted paragraph sits inside
another one, where the paragraph comparison cannot see it). Linear: sentences are looked up by
their normalised text.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from ...model.diagnostic import Related
from ...model.document import Document, Paragraph
from ...reading.source import Span
from .base import Checker, Param

# What \s matches (str.isspace), spelled out: a regex class of plain characters is searched
# faster than one holding the \s category (a test checks the list against \s).
_WHITESPACE = "\t\n\v\f\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
_STRIP = re.compile(f"[{_WHITESPACE},，。.;；:：、!！?？“”\"'‘’()（）《》〈〉<>\\[\\]【】]+")
_SKETCH = 12  # hashes kept per paragraph
_SHARED = 3  # sketch hashes two paragraphs must share to be compared
_CANDIDATES = 16  # earlier paragraphs verified per paragraph, most shared hashes first
# Of each shared hash, only the latest paragraphs holding it are counted: a hash of a stock
# phrase is held by thousands (20,000 paragraphs of boilerplate made this quadratic: 4–9 s,
# now ~3 s, the planted near-duplicates of the benchmark all still found)
_BUCKET_SCAN = 256
_DIRECT = 64  # up to this many paragraphs, compare all pairs (cheaper than sketching them)
_SENTENCE_END = re.compile("[。！？；!?;]+")


# A leading subsection heading "(一)主动公开情况。" is not part of what was pasted.
_LEAD_HEADING = re.compile(r"^[（(][一二三四五六七八九十]{1,3}[）)][^。；;]{0,20}[。；;:：]")


@lru_cache(maxsize=2048)  # (in the editor every paragraph but the one typed into comes back)
def _norm(text: str) -> str:
    if text[:1] in "（(":
        text = _LEAD_HEADING.sub("", text, count=1)
    return _STRIP.sub("", text)


@lru_cache(maxsize=2048)
def _sentences_of(text: str) -> tuple:
    """(start, end, normalised text) of each sentence of a paragraph long enough to compare."""
    out = []
    start = 0
    for m in _SENTENCE_END.finditer(text + "。"):
        end = min(m.end(), len(text))
        n = _norm(text[start:end])
        if len(n) >= 8:
            out.append((start, end, n))
        start = end
    return tuple(out)


def _sketch(text: str) -> list[int]:
    # Python's own string hash: fast, and stable within one process, which is all we need.
    # (sorting a few hundred ints in C beats heapq.nsmallest's Python loop)
    return sorted({hash(text[i : i + 4]) for i in range(max(1, len(text) - 3))})[:_SKETCH]


class DuplicateCheck(Checker):
    kind = "duplicate"
    params = {
        "threshold": Param(float, 90.0, doc="similarity in percent (rapidfuzz ratio) from which two paragraphs count as duplicates"),
        "min_length": Param(int, 30, doc="paragraphs shorter than this (characters, punctuation excluded) are ignored"),
        "check": Param(str, "paragraphs", choices=("paragraphs", "blocks", "sentences")),
        "min_block": Param(int, 3, doc="consecutive duplicated paragraphs that make a pasted block"),
        "min_sentences": Param(int, 2, doc="check = sentences: consecutive sentences repeated that make a finding"),
    }
    fields = frozenset({"first_line", "first_end_line", "similarity", "count", "line", "end_line"})
    inputs = ("paragraphs",)

    def check(self, doc: Document):
        if self.p["check"] == "sentences":
            yield from self._sentences(doc)
            return
        pairs = self.pairs(doc)
        if not pairs:
            return
        # Consecutive among the paragraphs long enough to compare (a short line between two
        # pasted paragraphs does not break the block).
        paras = self.eligible(doc)
        index = {id(p): i for i, (p, _) in enumerate(paras)}
        # Runs of consecutive duplicates whose originals are consecutive too.
        runs: list[list[tuple[Paragraph, Paragraph, float]]] = []
        for later, first, sim in sorted(pairs, key=lambda x: index[id(x[0])]):
            if runs:
                pl, pf, _ = runs[-1][-1]
                if index[id(later)] == index[id(pl)] + 1 and index[id(first)] == index[id(pf)] + 1:
                    runs[-1].append((later, first, sim))
                    continue
            runs.append([(later, first, sim)])
        for run in runs:
            is_block = len(run) >= self.p["min_block"]
            if (self.p["check"] == "blocks") != is_block:
                continue
            later0, first0, _ = run[0]
            later1, first1, _ = run[-1]
            sim = min(s for _, _, s in run)
            if is_block:
                span = Span(later0.span.line, later0.span.column, later1.span.end_line, later1.span.end_column)
                related = [Related(Span(first0.span.line, first0.span.column, first1.span.end_line, first1.span.end_column), "先出现的一份")]
            else:
                span, related = later0.span, [Related(first0.span, "先出现的段落")]
            yield self.diag(
                doc,
                span,
                related=related,
                first_line=first0.span.line,
                first_end_line=first1.span.end_line,
                line=later0.span.line,
                end_line=later1.span.end_line,
                similarity=f"{sim:.0f}",
                count=len(run),
            )

    def _sentences(self, doc: Document):
        """Runs of consecutive sentences that repeat an earlier run word for word, where at
        least one of the two sits inside a longer paragraph (whole paragraphs repeated are
        the paragraph rule's findings)."""
        sents: list[tuple[int, int, int, str]] = []  # paragraph index, start, end, normalised
        paras = doc.paragraphs
        # paragraphs the paragraph rules already call duplicates (XG501, XG502) are theirs
        covered = {id(later) for later, _, _ in self.pairs(doc)}
        for k, p in enumerate(paras):
            text = p.text
            if len(text) < self.p["min_length"] or id(p) in covered:
                continue
            sents.extend((k, *x) for x in _sentences_of(text))
        first: dict[str, int] = {}
        i = 0
        min_run, min_len = self.p["min_sentences"], self.p["min_length"]
        while i < len(sents):
            j = first.get(sents[i][3])
            if j is None:
                first.setdefault(sents[i][3], i)
                i += 1
                continue
            n = 0
            while i + n < len(sents) and j + n < i and sents[i + n][3] == sents[j + n][3]:
                n += 1
            chars = sum(len(x[3]) for x in sents[i : i + n])
            if n >= min_run and chars >= min_len and not self._whole_paragraphs(paras, sents, i, j, n):
                pk, a, _, _ = sents[i]
                last = max(x for x in range(i, i + n) if sents[x][0] == pk)
                qk, qa, _, _ = sents[j]
                qlast = max(x for x in range(j, j + n) if sents[x][0] == qk)
                span = paras[pk].span_of(a, sents[last][2])
                orig = paras[qk].span_of(qa, sents[qlast][2])
                yield self.diag(doc, span, related=[Related(orig, "先出现的文字")], first_line=orig.line,
                                first_end_line=orig.end_line, line=span.line, end_line=span.end_line,
                                similarity="100", count=n)
                for x in range(i, i + n):
                    first.setdefault(sents[x][3], x)
                i += n
                continue
            i += 1

    @staticmethod
    def _whole_paragraphs(paras, sents, i: int, j: int, n: int) -> bool:
        """Whether both runs are (nearly) whole paragraphs."""
        def covers(a: int) -> bool:
            ks = {sents[x][0] for x in range(a, a + n)}
            total = sum(len(_norm(paras[k].text)) for k in ks)
            return sum(len(sents[x][3]) for x in range(a, a + n)) >= 0.8 * total
        return covers(i) and covers(j)

    def eligible(self, doc: Document) -> list[tuple[Paragraph, str]]:
        """(paragraph, normalised text) of the paragraphs long enough to compare."""
        key = ("duplicate-eligible", self.p["min_length"])
        if key in doc.memo:
            return doc.memo[key]
        min_len = self.p["min_length"]
        out = []
        doc.memo[key] = out
        for p in doc.paragraphs:
            if len(p.text) < min_len:
                continue  # normalising only shortens a text
            n = _norm(p.text)
            if len(n) >= min_len:
                out.append((p, n))
        return out

    def pairs(self, doc: Document) -> list[tuple[Paragraph, Paragraph, float]]:
        """(later, earlier, similarity) for every paragraph that duplicates an earlier one
        (computed once per document for all duplicate rules with the same parameters)."""
        key = ("duplicate-pairs", self.p["threshold"], self.p["min_length"])
        if key not in doc.memo:
            doc.memo[key] = self._pairs(doc)
        return doc.memo[key]

    def _pairs(self, doc: Document) -> list[tuple[Paragraph, Paragraph, float]]:
        threshold = self.p["threshold"]
        items = self.eligible(doc)
        if len(items) < 2:
            return []
        if len(items) <= _DIRECT:
            return self._pairs_direct(items, threshold, doc.path)
        out: list[tuple[Paragraph, Paragraph, float]] = []
        exact: dict[str, int] = {}
        buckets: dict[int, list[int]] = {}
        fuzz = None
        for i, (p, n) in enumerate(items):
            j = exact.get(n)
            if j is not None:
                out.append((p, items[j][0], 100.0))
                continue
            exact[n] = i
            sketch = _sketch(n)
            shared: Counter[int] = Counter()
            for h in sketch:
                shared.update(buckets.get(h, ())[-_BUCKET_SCAN:])  # counted in C
            best, best_k = 0.0, -1
            # the most similar-looking earlier paragraphs only: text full of stock phrases
            # (20,000 paragraphs of one office's boilerplate) must not make this quadratic
            ranked = sorted(((c, k) for k, c in shared.items() if c >= _SHARED), reverse=True)[:_CANDIDATES]
            for count, k in ranked:
                other = items[k][1]
                if not _may_reach(len(n), len(other), threshold):
                    continue
                if fuzz is None:
                    from rapidfuzz import fuzz
                s = fuzz.ratio(n, other, score_cutoff=threshold)
                if s > best:
                    best, best_k = s, k
            if best_k >= 0:
                out.append((p, items[best_k][0], best))
            for h in sketch:
                buckets.setdefault(h, []).append(i)
        return out

    def _pairs_direct(self, items: list[tuple[Paragraph, str]], threshold: float, path: str) -> list[tuple[Paragraph, Paragraph, float]]:
        """A report of a few dozen paragraphs: every earlier paragraph whose length allows it
        is compared (the most similar one, the first of equals, is the original).

        In the editor the same document comes back on every keystroke with one paragraph
        changed: each paragraph's best earlier match is kept from the last run on that path,
        and only the comparisons with the changed paragraph are made again (a 15 KB draft:
        22 comparisons instead of 250)."""
        texts = [n for _, n in items]
        best = self._best_earlier(texts, threshold, path)
        return [(items[i][0], items[k][0], score) for i, (score, k) in enumerate(best) if k >= 0]

    def _best_earlier(self, texts: list[str], threshold: float, path: str) -> list[tuple[float, int]]:
        """(score, index) of each text's best earlier match at or above `threshold` ((0, -1):
        none), the first of equals."""
        from rapidfuzz import fuzz

        lengths = [len(n) for n in texts]
        memo = self.__dict__.setdefault("_last_direct", {})
        last = memo.get(path)
        changed = None
        if last is not None and len(last[0]) == len(texts) and last[1] == threshold:
            diff = [i for i, (a, b) in enumerate(zip(last[0], texts)) if a != b]
            changed = diff[0] if len(diff) == 1 else (None if diff else -1)
        if changed == -1:
            return last[2]
        if changed is None:
            out = [(0.0, -1)]
            for i in range(1, len(texts)):
                out.append(self._best_of(fuzz, texts, lengths, i, range(i), threshold))
        else:
            i = changed
            out = list(last[2])
            out[i] = self._best_of(fuzz, texts, lengths, i, range(i), threshold) if i else (0.0, -1)
            n, a = texts[i], lengths[i]
            for j in range(i + 1, len(texts)):
                score, k = out[j]
                if k == i:  # its best match was the paragraph that changed: compare it anew
                    out[j] = self._best_of(fuzz, texts, lengths, j, range(j), threshold)
                    continue
                if not _may_reach(a, lengths[j], threshold):
                    continue
                s = fuzz.ratio(texts[j], n, score_cutoff=threshold)
                if s > score or (s and s == score and i < k):  # (the first of equals wins)
                    out[j] = (s, i)
        if len(memo) >= 32:  # documents open in one session
            memo.clear()
        memo[path] = (texts, threshold, out)
        return out

    @staticmethod
    def _best_of(fuzz, texts: list[str], lengths: list[int], i: int, earlier, threshold: float) -> tuple[float, int]:
        n, a = texts[i], lengths[i]
        best, best_k = 0.0, -1
        for k in earlier:
            if not _may_reach(a, lengths[k], threshold):
                continue
            score = fuzz.ratio(n, texts[k], score_cutoff=threshold)
            if score > best:
                best, best_k = score, k
        return best, best_k


def _may_reach(a: int, b: int, threshold: float) -> bool:
    """Whether texts of lengths a and b can reach `threshold` in rapidfuzz's ratio, which is
    at most 200·shorter/(a+b) (all of the shorter one in common)."""
    return 200 * min(a, b) >= threshold * (a + b)


CHECKERS = (DuplicateCheck,)
