"""The language server as an editor uses it (pytest-lsp, over stdio): requests asked before the
first lint ends wait for it, code actions only for the findings at the cursor, "fix all" (code
action and command) equal to `xxgk-lint check --fix`, rule links to the rule reference.

Every test runs twice: with a bare client (plain `changes` edits, no code-action resolve) and
with one that offers what VS Code offers (versioned `documentChanges`, resolve of `edit`)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from .test_lsp import wait_diagnostics  # one helper for both server test modules
from .conftest import EXAMPLES, ROOT, lsp_initialize_params

FIX_ALL_KIND = "source.fixAll.xxgk-lint"

# A short report with four safe fixes, one of which only shows after the first pass (the second
# space around "236"): XG102 on line 3, XG401 and XG806 on line 4, XG803 on line 5.
DEFECTS = (
    "示例县统计局2024年政府信息公开工作年度报告\n"
    "\n"
    "一、总体情\n"
    "本报告中使用数据统计期限为20241月1日至2024年12月31日。全年主动公开政府信息 236 条，其中统计数据124条,统计公报38条，通知公告74条。\n"
    "（一主动公开。全年公开信息236条。\n"
    "\n"
    "二、主动公开政府信息情况\n"
    "\n"
    "三、收到和处理政府信息公开申请情况\n"
    "\n"
    "四、政府信息公开行政复议、行政诉讼情况\n"
    "\n"
    "五、存在的主要问题及改进情况\n"
    "\n"
    "六、其他需要报告的事项\n"
)

VSCODE_LIKE = "vscode-like"


@pytest_lsp.fixture(
    config=ClientServerConfig(server_command=[sys.executable, "-m", "xxgk_lint.lsp"]),
    scope="module",
    params=["bare", VSCODE_LIKE],
)
async def client(lsp_client: LanguageClient, request):
    lsp_client.applied = []  # the workspace/applyEdit requests the server sent

    @lsp_client.feature(types.WORKSPACE_APPLY_EDIT)
    def apply_edit(params: types.ApplyWorkspaceEditParams):
        lsp_client.applied.append(params)
        return types.ApplyWorkspaceEditResult(applied=True)

    params = lsp_initialize_params()
    lsp_client.flavour = request.param
    if request.param == VSCODE_LIKE:
        params.capabilities.workspace = types.WorkspaceClientCapabilities(
            apply_edit=True, workspace_edit=types.WorkspaceEditClientCapabilities(document_changes=True)
        )
        params.capabilities.text_document = types.TextDocumentClientCapabilities(
            code_action=types.CodeActionClientCapabilities(
                data_support=True, resolve_support=types.ClientCodeActionResolveOptions(properties=["edit"])
            )
        )
    lsp_client.init_result = await lsp_client.initialize_session(params)
    yield
    await lsp_client.shutdown_session()


# -- helpers ---------------------------------------------------------------------------------


_versions: dict[str, int] = {}


def did_open(client: LanguageClient, uri: str, text: str, language: str = "plaintext") -> None:
    client.diagnostics.pop(uri, None)
    _versions[uri] = 1
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(text_document=types.TextDocumentItem(uri=uri, language_id=language, version=1, text=text))
    )


def did_change(client: LanguageClient, uri: str, text: str) -> None:
    _versions[uri] += 1
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=_versions[uri]),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )


def did_close(client: LanguageClient, uri: str) -> None:
    client.text_document_did_close(types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri)))




def doc_id(uri: str) -> types.TextDocumentIdentifier:
    return types.TextDocumentIdentifier(uri=uri)


def rng(l0: int, c0: int, l1: int, c1: int) -> types.Range:
    return types.Range(start=types.Position(line=l0, character=c0), end=types.Position(line=l1, character=c1))


async def code_actions(client, uri, range_, diagnostics=(), only=None) -> list[types.CodeAction]:
    return await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=doc_id(uri), range=range_, context=types.CodeActionContext(diagnostics=list(diagnostics), only=only)
        )
    ) or []


def _offset(text: str, pos: types.Position) -> int:
    """Offset of an LSP position (UTF-16, lines ending at \\n, \\r\\n or \\r) in `text`."""
    lines = text.splitlines(keepends=True) if text else [""]
    # this client's texts have no \f, \v or U+2028 that str.splitlines would also split at
    start = sum(len(line) for line in lines[: pos.line])
    line = lines[pos.line] if pos.line < len(lines) else ""
    units = 0
    for k, ch in enumerate(line.rstrip("\r\n")):
        if units >= pos.character:
            return start + k
        units += 2 if ord(ch) > 0xFFFF else 1
    return start + len(line.rstrip("\r\n"))


def apply(text: str, edits: list[types.TextEdit]) -> str:
    spans = sorted(((_offset(text, e.range.start), _offset(text, e.range.end), e.new_text) for e in edits), reverse=True)
    for (a, b, _), nxt in zip(spans, spans[1:]):
        assert nxt[1] <= a, "overlapping edits"
    for a, b, new in spans:
        text = text[:a] + new + text[b:]
    return text


def edits_of(edit: types.WorkspaceEdit, uri: str, version: int | None = None) -> list[types.TextEdit]:
    if edit.document_changes is not None:
        assert edit.changes is None
        (change,) = edit.document_changes
        assert change.text_document.uri == uri
        if version is not None:
            assert change.text_document.version == version
        return list(change.edits)
    assert edit.changes is not None and list(edit.changes) == [uri]
    return list(edit.changes[uri])


def cli_fix(tmp_path: Path, name: str, text: str) -> str:
    """What `xxgk-lint check --fix` makes of `text` (in a file of that name)."""
    path = tmp_path / "cli" / name
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(text.encode("utf-8"))
    proc = subprocess.run(
        [sys.executable, "-m", "xxgk_lint.linter", "check", "--fix", "--isolated", "--no-cache", "-q", str(path)],
        capture_output=True,
        timeout=120,
    )
    assert proc.returncode in (0, 1), proc.stderr.decode("utf-8", "replace")
    return path.read_bytes().decode("utf-8")


def fix_cases() -> list:
    cases = [
        pytest.param("defects.txt", DEFECTS, id="inline-lf"),
        pytest.param("defects-crlf.txt", DEFECTS.replace("\n", "\r\n"), id="inline-crlf"),
        pytest.param("defects-no-final-newline.txt", DEFECTS.rstrip("\n"), id="inline-no-final-newline"),
    ]
    for name in ("defects.txt", "defects.md"):
        if (EXAMPLES / name).is_file():
            cases.append(pytest.param(f"example-{name}", (EXAMPLES / name).read_text(encoding="utf-8"), id=f"examples/{name}"))
    return cases


# -- 1. requests asked before the first lint ends ----------------------------------------------


@pytest.mark.asyncio(loop_scope="module")
async def test_symbols_right_after_open_and_change(client: LanguageClient, tmp_path):
    uri = (tmp_path / "outline.txt").as_uri()
    did_open(client, uri, DEFECTS)
    # no waiting for diagnostics: VS Code asks for the outline at once, and only once
    symbols = await client.text_document_document_symbol_async(types.DocumentSymbolParams(text_document=doc_id(uri)))
    names = [s.name for s in symbols or []]
    assert len(names) == 6 and names[0] == "一、总体情", names
    # right after an edit: the outline of the new text, not of the one before
    did_change(client, uri, DEFECTS.replace("一、总体情\n", "一、总体情况\n"))
    symbols = await client.text_document_document_symbol_async(types.DocumentSymbolParams(text_document=doc_id(uri)))
    assert [s.name for s in symbols][0] == "一、总体情况"
    did_close(client, uri)


def _padded(text: str, start: int) -> str:
    """`text` with 3,000 more paragraphs of prose at its end (new ones for each `start`): a lint
    of it takes long enough (about 0.5 s) that a request sent right after opening arrives first."""
    more = "\n\n".join(f"这是第{k}段补充说明，本局将继续做好政府信息公开工作，持续提升公开质量和实效。" for k in range(start, start + 3000))
    return text + "\n" + more + "\n"


@pytest.mark.asyncio(loop_scope="module")
async def test_inlay_hints_and_hover_right_after_open(client: LanguageClient, tmp_path):
    clean = EXAMPLES / "clean.txt"
    if not clean.is_file():
        pytest.skip("examples/clean.txt not there")
    text = clean.read_text(encoding="utf-8")
    uri = (tmp_path / "clean.txt").as_uri()
    did_open(client, uri, _padded(text, 0))
    hints = await client.text_document_inlay_hint_async(
        types.InlayHintParams(text_document=doc_id(uri), range=rng(0, 0, len(text.splitlines()) + 1, 0))
    )
    assert hints and all(h.label.startswith(" Σ") for h in hints)
    did_close(client, uri)
    # hover on the first total that has a hint, in another document opened just now: its equation
    total = hints[0].position
    uri = (tmp_path / "clean-again.txt").as_uri()
    did_open(client, uri, _padded(text, 10_000))
    hover = await client.text_document_hover_async(
        types.HoverParams(text_document=doc_id(uri), position=types.Position(line=total.line, character=max(0, total.character - 1)))
    )
    assert hover is not None and "勾稽关系" in hover.contents.value
    did_close(client, uri)


# -- 2. quick fixes at the cursor ----------------------------------------------------------------


def _rules(actions: list[types.CodeAction], suppress: bool) -> list[str]:
    return sorted(a.diagnostics[0].code for a in actions if ("停用" in a.title) == suppress and a.kind == types.CodeActionKind.QuickFix)


@pytest.mark.asyncio(loop_scope="module")
async def test_code_actions_only_for_the_cursor(client: LanguageClient, tmp_path):
    uri = (tmp_path / "cursor.txt").as_uri()
    did_open(client, uri, DEFECTS)
    diags = await wait_diagnostics(client, uri)
    by_code = {d.code: d for d in diags}
    date, space, paren = by_code["XG401"], by_code["XG806"], by_code["XG803"]
    assert date.range.start.line == space.range.start.line == 3 and paren.range.start == types.Position(line=4, character=0)
    inside = types.Position(line=3, character=date.range.start.character + 2)

    # the cursor on the date: its fix and its suppression, nothing of the rest of the line
    actions = await code_actions(client, uri, types.Range(start=inside, end=inside))
    assert _rules(actions, suppress=False) == ["XG401"] and _rules(actions, suppress=True) == ["XG401"]
    # the same with the diagnostics of the whole line named in the context (as Neovim sends)
    actions = await code_actions(client, uri, types.Range(start=inside, end=inside), diagnostics=[date, space])
    assert _rules(actions, suppress=False) == ["XG401"] and _rules(actions, suppress=True) == ["XG401"]

    # line 4 selected whole (by its number: the selection ends at the start of line 5): the fixes
    # of line 4, not the one of line 5 that starts where the selection ends
    actions = await code_actions(client, uri, rng(3, 0, 4, 0))
    assert _rules(actions, suppress=False) == ["XG401", "XG806"]
    # … and no "suppress on this line" for findings in the middle of the selection, away from the cursor
    assert _rules(actions, suppress=True) == []

    # a selection across the date: its fix, but the cursor (either end) is not on it
    actions = await code_actions(client, uri, rng(3, date.range.start.character - 3, 3, date.range.end.character + 3))
    assert _rules(actions, suppress=False) == ["XG401"] and _rules(actions, suppress=True) == []

    # the cursor just after the unclosed heading number on line 5: touching counts
    actions = await code_actions(client, uri, types.Range(start=paren.range.end, end=paren.range.end))
    assert _rules(actions, suppress=False) == ["XG803"] and _rules(actions, suppress=True) == ["XG803"]

    # asked for by the quick-fix kind only: no fix-all among them
    actions = await code_actions(client, uri, types.Range(start=inside, end=inside), only=[types.CodeActionKind.QuickFix])
    assert actions and all(a.kind == types.CodeActionKind.QuickFix for a in actions)
    did_close(client, uri)


# -- 3. fix all ----------------------------------------------------------------------------------


@pytest.mark.asyncio(loop_scope="module")
async def test_capabilities(client: LanguageClient):
    caps = client.init_result.capabilities
    kinds = [getattr(k, "value", k) for k in caps.code_action_provider.code_action_kinds]
    assert {"quickfix", "source.fixAll", FIX_ALL_KIND} <= set(kinds)
    assert "xxgk-lint.fixAll" in caps.execute_command_provider.commands


@pytest.mark.asyncio(loop_scope="module")
@pytest.mark.parametrize("name,text", fix_cases())
async def test_fix_all_code_action_is_the_cli_fix(client: LanguageClient, tmp_path, name, text):
    expected = cli_fix(tmp_path, name, text)
    assert expected != text
    uri = (tmp_path / name).as_uri()
    did_open(client, uri, text)
    # asked for at once, by kind (as editor.codeActionsOnSave and the source-action menu ask)
    for only in ([types.CodeActionKind.SourceFixAll], [types.CodeActionKind.Source], [FIX_ALL_KIND]):
        actions = await code_actions(client, uri, rng(0, 0, 0, 0), only=only)
        (fix_all,) = actions
        assert fix_all.kind == FIX_ALL_KIND and fix_all.edit is not None
        assert apply(text, edits_of(fix_all.edit, uri, version=1)) == expected
    if name.startswith("defects"):
        assert len(edits_of(fix_all.edit, uri)) >= 2  # several fixes, on several lines

    # a menu of everything: offered unresolved to a client that resolves edits, not to others
    actions = await code_actions(client, uri, rng(0, 0, 0, 0))
    offered = [a for a in actions if a.kind == FIX_ALL_KIND]
    if client.flavour == VSCODE_LIKE:
        (lazy,) = offered
        assert lazy.edit is None
        resolved = await client.code_action_resolve_async(lazy)
        assert apply(text, edits_of(resolved.edit, uri)) == expected
    else:
        assert offered == []

    # after the fix: nothing left to fix all
    did_change(client, uri, expected)
    assert await code_actions(client, uri, rng(0, 0, 0, 0), only=[types.CodeActionKind.SourceFixAll]) == []
    did_close(client, uri)


@pytest.mark.asyncio(loop_scope="module")
async def test_fix_all_command(client: LanguageClient, tmp_path):
    expected = cli_fix(tmp_path, "command.txt", DEFECTS)
    uri = (tmp_path / "command.txt").as_uri()
    did_open(client, uri, DEFECTS)
    for arguments in ([uri], [{"uri": uri, "version": 1}]):
        client.applied.clear()
        count = await client.workspace_execute_command_async(types.ExecuteCommandParams(command="xxgk-lint.fixAll", arguments=arguments))
        (request,) = client.applied
        edits = edits_of(request.edit, uri, version=1)
        assert count == len(edits) >= 2
        assert apply(DEFECTS, edits) == expected
    # nothing to fix: no edit sent
    did_change(client, uri, expected)
    client.applied.clear()
    count = await client.workspace_execute_command_async(types.ExecuteCommandParams(command="xxgk-lint.fixAll", arguments=[uri]))
    assert count == 0 and client.applied == []
    did_close(client, uri)


# -- 5. rule links ---------------------------------------------------------------------------------


@pytest.mark.asyncio(loop_scope="module")
async def test_rule_links_go_to_the_rule_reference(client: LanguageClient, tmp_path):
    # a user's own rule pack beside the report: its rule has no page in the reference
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "pack.toml").write_text(
        '[[rule]]\nid = "XX101"\nname = "x-rule"\ncategory = "typography"\nseverity = "warning"\n'
        'kind = "pattern"\nmessage = "可疑文字“{match}”"\ndescription = "测试规则"\nparams = { regex = "锟斤拷" }\n',
        encoding="utf-8",
    )
    (tmp_path / "xxgk-lint.toml").write_text('rule-dirs = ["rules"]\n', encoding="utf-8")
    uri = (tmp_path / "links.txt").as_uri()
    did_open(client, uri, DEFECTS.replace("全年公开信息", "全年锟斤拷公开信息"))
    diags = {d.code: d for d in await wait_diagnostics(client, uri)}
    own = diags["XX101"]
    assert own.code_description is None  # not the rule's TOML file
    builtin = diags["XG102"]
    if not (ROOT / "docs").is_dir():
        pytest.skip("the rule reference docs/ is not generated yet")
    href = builtin.code_description.href
    assert href.startswith("file://") and href.endswith("/docs/rules/XG102.html")
    from urllib.parse import unquote, urlparse

    assert Path(unquote(urlparse(href).path)).is_file()
    did_close(client, uri)
