"""Buys a rebuild in the editor that redoes only the lines and paragraphs typed into; costs the memory of the texts it holds, bounded by their characters.

A pure function of a text, remembered by text: the language server builds the same document
again on every keystroke, and all but a line or a paragraph of it are texts already seen.
Bounded by the characters held rather than by entries (the keys may be long lines, and a
closed document's texts must not stay alive without bound): past the bound it starts afresh."""

from __future__ import annotations

from collections.abc import Callable

_MISSING = object()


class TextMemo:
    """`memo = TextMemo(fn, max_chars)`: `memo(text)` is `fn(text)`, computed once per text."""

    __slots__ = ("fn", "max_chars", "answers", "held")

    def __init__(self, fn: Callable[[str], object], max_chars: int):
        self.fn, self.max_chars = fn, max_chars
        self.answers: dict[str, object] = {}
        self.held = 0  # characters of the texts held

    def __call__(self, text: str):
        known = self.answers.get(text, _MISSING)
        if known is not _MISSING:
            return known
        if self.held > self.max_chars:
            self.answers.clear()
            self.held = 0
        known = self.answers[text] = self.fn(text)
        self.held += len(text)
        return known
