"""The language server end to end over stdio (pytest-lsp): diagnostics for corpus reports, an
edit that breaks and restores a total, hover, code actions, symbols, inlay hints, close."""

from __future__ import annotations

import asyncio
import sys

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from .conftest import lsp_initialize_params, ROOT, corpus_file



@pytest_lsp.fixture(config=ClientServerConfig(server_command=[sys.executable, "-m", "xxgk_lint.lsp"]), scope="module")
async def client(lsp_client: LanguageClient):
    await lsp_client.initialize_session(lsp_initialize_params())
    yield
    await lsp_client.shutdown_session()


async def open_and_wait(client: LanguageClient, path, text=None, version=1, language="plaintext"):
    uri = path.as_uri() if hasattr(path, "as_uri") else path
    client.diagnostics.pop(uri, None)
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=uri, language_id=language, version=version, text=text if text is not None else path.read_text(encoding="utf-8")
            )
        )
    )
    return await wait_diagnostics(client, uri)


async def wait_diagnostics(client: LanguageClient, uri: str, timeout: float = 20.0):
    loop = asyncio.get_event_loop()
    end = loop.time() + timeout
    while uri not in client.diagnostics:
        if loop.time() > end:
            raise TimeoutError(f"no diagnostics for {uri}")
        await asyncio.sleep(0.02)
    return client.diagnostics[uri]


@pytest.mark.asyncio(loop_scope="module")
async def test_corpus_diagnostics(client: LanguageClient):
    diags = await open_and_wait(client, corpus_file("002"))
    codes = {(d.code, d.range.start.line + 1) for d in diags}
    assert ("XG301", 147) in codes
    d = next(d for d in diags if d.code == "XG301")
    assert d.source == "xxgk-lint" and d.severity == types.DiagnosticSeverity.Error
    if (ROOT / "docs" / "rules").is_dir():  # the rule's page in the rule reference
        assert d.code_description is not None and d.code_description.href.startswith("file://")
        assert d.code_description.href.endswith("/docs/rules/XG301.html")
    assert "行应有 7 个数" in d.message


@pytest.mark.asyncio(loop_scope="module")
async def test_edit_breaks_and_restores_a_total(client: LanguageClient):
    path = corpus_file("003")
    text = path.read_text(encoding="utf-8")
    uri = path.as_uri()
    diags = await open_and_wait(client, path, text)
    assert not [d for d in diags if str(d.code).startswith("XG2")]
    # line 58 is "27 | ||": the 总计 of 一、本年新收; make it 28
    lines = text.split("\n")
    assert lines[57].startswith("27")
    client.diagnostics.pop(uri, None)
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[
                types.TextDocumentContentChangePartial(
                    range=types.Range(start=types.Position(line=57, character=1), end=types.Position(line=57, character=2)),
                    text="8",
                )
            ],
        )
    )
    diags = await wait_diagnostics(client, uri)
    broken = [d for d in diags if d.code in ("XG201", "XG202")]
    assert broken, [d.code for d in diags]
    assert any(d.related_information for d in broken)
    # hover on the changed total explains it, with the equation and its numbers
    hover = await client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(line=57, character=0))
    )
    assert hover is not None and "勾稽关系" in hover.contents.value and "28" in hover.contents.value
    # inlay hints show what the parts add up to
    hints = await client.text_document_inlay_hint_async(
        types.InlayHintParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=types.Range(start=types.Position(line=0, character=0), end=types.Position(line=300, character=0)),
        )
    )
    assert any("Σ27" in h.label for h in hints)
    # code actions offer the suppression comment
    d = broken[0]
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=d.range,
            context=types.CodeActionContext(diagnostics=[d]),
        )
    )
    assert any("停用" in a.title for a in actions)
    # restore: the finding disappears
    client.diagnostics.pop(uri, None)
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=3),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )
    diags = await wait_diagnostics(client, uri)
    assert not [d for d in diags if d.code in ("XG201", "XG202")]


@pytest.mark.asyncio(loop_scope="module")
async def test_quick_fix_and_symbols(client: LanguageClient):
    path = corpus_file("001")
    uri = path.as_uri()
    diags = await open_and_wait(client, path)
    title = next(d for d in diags if d.code == "XG102")
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri), range=title.range, context=types.CodeActionContext(diagnostics=[title])
        )
    )
    fix = next(a for a in actions if "官方标题" in a.title)
    edit = fix.edit.changes[uri][0]
    assert edit.new_text == "总体情况" and edit.range.start.line == 10
    symbols = await client.text_document_document_symbol_async(
        types.DocumentSymbolParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    names = [s.name for s in symbols]
    assert names[0].startswith("一、") and len(names) == 6
    assert any(c.kind == types.SymbolKind.Struct for s in symbols for c in (s.children or []))


@pytest.mark.asyncio(loop_scope="module")
async def test_close_clears_and_readme_stays_quiet(client: LanguageClient):
    path = corpus_file("002")
    uri = path.as_uri()
    await open_and_wait(client, path)
    client.diagnostics.pop(uri, None)
    client.text_document_did_close(types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri)))
    assert list(await wait_diagnostics(client, uri)) == []
    readme = ROOT / "README.md"
    assert list(await open_and_wait(client, readme, language="markdown")) == []


@pytest.mark.asyncio(loop_scope="module")
async def test_astral_and_fullwidth_positions(client: LanguageClient):
    text = "一、总体情况\n𠀀（全角）20211月1日的报告。\n"
    uri = "untitled:astral.txt"
    diags = await open_and_wait(client, uri, text=text, language="gov-report")
    d = next(d for d in diags if d.code == "XG401")
    # 𠀀 is 2 UTF-16 units, （全角） 4 more: the date starts at UTF-16 offset 6
    assert d.range.start.line == 1 and d.range.start.character == 6
