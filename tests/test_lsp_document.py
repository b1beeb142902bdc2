"""The server's document store (lsp/document.py) edits in O(edit) and gives exactly the text
pygls' own TextDocument gives (with the server's LSP line ends), for any sequence of edits —
line ends of every kind (\\n, \\r\\n, a lone \\r, a form feed that is no line end), astral
characters (two UTF-16 units), ranges past the end of a line or of the document."""

from __future__ import annotations

from hypothesis import given, settings, strategies as st
from lsprotocol import types
from pygls.workspace.position_codec import PositionCodec
from pygls.workspace.text_document import TextDocument

import xxgk_lint.lsp.server  # noqa: F401  (the LSP line ends of TextDocument.lines)
from xxgk_lint.lsp import positions
from xxgk_lint.lsp.document import LineDocument

ALPHABET = st.sampled_from(list("ab一二|7é") + ["\n", "\r\n", "\r", "\f", "𠀀", "\n\n", "\r\r\n"])
TEXT = st.lists(ALPHABET, max_size=30).map("".join)


def _position(data, lines: int) -> types.Position:
    return types.Position(line=data.draw(st.integers(0, lines + 1)), character=data.draw(st.integers(0, 12)))


@settings(max_examples=400, deadline=None)
@given(start=TEXT, data=st.data(), encoding=st.sampled_from(["utf-16", "utf-8", "utf-32"]))
def test_edits_give_what_pygls_gives(start, data, encoding):
    codec = PositionCodec(types.PositionEncodingKind(encoding))
    mine = LineDocument("file:///x.txt", source=start, version=1, position_codec=codec)
    ref = TextDocument("file:///x.txt", source=start, version=1, position_codec=codec)
    for _ in range(data.draw(st.integers(1, 8))):
        n = len(positions.lsp_lines(ref.source))
        if data.draw(st.integers(0, 9)) == 0:
            change = types.TextDocumentContentChangeWholeDocument(text=data.draw(TEXT))
        else:
            a, b = _position(data, n), _position(data, n)
            if (b.line, b.character) < (a.line, a.character) and data.draw(st.booleans()):
                a, b = b, a
            change = types.TextDocumentContentChangePartial(range=types.Range(start=a, end=b), text=data.draw(TEXT))
        # the codec may clamp a position in place: each document gets its own copy
        ref.apply_change(_copy(change))
        mine.apply_change(_copy(change))
        assert mine.source == ref.source
        assert mine.lines == positions.lsp_lines(ref.source)


def _copy(change):
    if isinstance(change, types.TextDocumentContentChangePartial):
        r = change.range
        return types.TextDocumentContentChangePartial(
            range=types.Range(
                start=types.Position(line=r.start.line, character=r.start.character),
                end=types.Position(line=r.end.line, character=r.end.character),
            ),
            text=change.text,
        )
    return types.TextDocumentContentChangeWholeDocument(text=change.text)


def test_an_edit_touches_only_its_lines():
    """O(edit): the lines the change does not touch are the very same objects afterwards."""
    text = "".join(f"第{i}行\n" for i in range(20_000))
    doc = LineDocument("file:///x.txt", source=text, version=1)
    before = list(doc.lines)
    pos = types.Position(line=10_000, character=1)
    doc.apply_change(types.TextDocumentContentChangePartial(range=types.Range(start=pos, end=pos), text="7"))
    after = doc.lines
    assert after[10_000] == "第710000行\n"
    assert all(after[i] is before[i] for i in range(20_000) if i != 10_000)
    assert doc.source == text[: text.index("第10000行")] + "第710000行" + text[text.index("第10000行") + len("第10000行") :]


def _partial(l0: int, c0: int, l1: int, c1: int, text: str) -> types.TextDocumentContentChangePartial:
    return types.TextDocumentContentChangePartial(
        range=types.Range(start=types.Position(line=l0, character=c0), end=types.Position(line=l1, character=c1)), text=text
    )


def test_line_ends_joined_across_the_edit():
    """Edits whose line ends join a neighbour's: a \\r typed before an empty line's \\n (one
    \\r\\n line end), a \\n typed after a line ending in \\r, a deletion that runs lines together."""
    cases = [
        ("ab\n\nc", _partial(0, 3, 0, 3, "x\r")),  # after the line end: "ab\nx\r" + "\n" is "x\r\n"
        ("ab\r\rc", _partial(1, 0, 1, 0, "\n")),  # "\r" + "\n…" is one line end
        ("ab\r\ncd\r\nef", _partial(0, 1, 2, 0, "")),
        ("a\r", _partial(1, 0, 1, 0, "\nb")),
        ("a\rb", _partial(0, 2, 1, 0, "")),
    ]
    for start, change in cases:
        mine = LineDocument("file:///x.txt", source=start, version=1)
        ref = TextDocument("file:///x.txt", source=start, version=1)
        ref.apply_change(_copy(change))
        mine.apply_change(_copy(change))
        assert mine.source == ref.source, (start, change)
        assert mine.lines == positions.lsp_lines(ref.source), (start, change)
