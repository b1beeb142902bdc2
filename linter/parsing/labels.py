"""Normalising and fuzzy-matching the labels of real reports against the official wording.

Real labels are truncated (`行政许`), garbled (`2.其他法律行政止公开`), wrapped over lines, printed
with spaces between characters (`本年  度办  结果`) and in either bracket width. Matching is
done on a normalised form with rapidfuzz (imported lazily: an exact match needs no fuzzing).
"""

from __future__ import annotations

import re
from functools import lru_cache

_TRANSLATE = str.maketrans(
    {
        "（": "(",
        "）": ")",
        "：": ":",
        "，": ",",
        "；": ";",
        "．": ".",
        "【": "[",
        "】": "]",
        "“": None,
        "”": None,
        '"': None,
        "‘": None,
        "’": None,
        "'": None,
        " ": None,
        "\u3000": None,
        "\t": None,
        "\xa0": None,
        # every other width of space a conversion leaves (en/em/thin/figure spaces, zero width)
        **{chr(c): None for c in range(0x2000, 0x200C)},
        "\u202f": None,
        "\u205f": None,
        "\ufeff": None,
        "\r": None,
        "\f": None,
        "|": None,
        "#": None,
    }
)
_ITEM_SEP = re.compile(r"^(\d{1,2})[、]")
_PREFIX = re.compile(r"^(?:[一二三四五六七八九十]{1,3}[、.]|\([一二三四五六七八九十]{1,3}\)?|\d{1,2}[.、])")


@lru_cache(maxsize=8192)
def normalize(text: str) -> str:
    """Drop white space and quotes, unify bracket and separator widths."""
    out = text.translate(_TRANSLATE)
    return _ITEM_SEP.sub(r"\1.", out)


# Before a row's item number: a group label (`(四)无法提供1.…`) or a character of a group
# label printed vertically in a PDF (`本2.…`).
_BEFORE_ITEM = re.compile(r"^[^\d]{1,8}?(?<![\d.])(?=\d{1,2}\.\D)")


@lru_cache(maxsize=8192)
def core(text: str) -> str:
    """Normalised text without its leading ordinals (`三、(一)`, `(四)无法提供1.`, `1.`)."""
    n = normalize(text)
    for _ in range(2):
        stripped = _PREFIX.sub("", n, count=1)
        if stripped == n:
            break
        n = stripped
    m = _BEFORE_ITEM.match(n)
    if m:
        n = _PREFIX.sub("", n[m.end() :], count=1)
    # inside a label, an enumeration comma and a comma are one mark to a reader (`投诉、举报`)
    return n.replace("、", ",")


_fuzz = None


def _rf():
    global _fuzz
    if _fuzz is None:
        from rapidfuzz import fuzz

        _fuzz = fuzz
    return _fuzz


@lru_cache(maxsize=8192)
def similarity(a: str, b: str) -> float:
    """0..1 likeness of two normalised cores; tolerant of truncation and a few wrong characters.

    A fragment (a part of a wrapped or truncated label) scores by partial match, weighted by
    its length so that a two-character fragment cannot claim a long label.
    """
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    fuzz = _rf()
    ratio = fuzz.ratio(a, b) / 100.0
    if len(a) >= len(b):
        return ratio
    partial = fuzz.partial_ratio(a, b) / 100.0
    weight = min(1.0, len(a) / max(4.0, 0.6 * len(b)))
    return max(ratio, 0.95 * partial * weight)


@lru_cache(maxsize=8192)
def ratio(a: str, b: str) -> float:
    """0..1 whole-string likeness (no partial matching)."""
    if a == b:
        return 1.0 if a else 0.0
    return _rf().ratio(a, b) / 100.0

