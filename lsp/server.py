"""The xxgk-lint language server (pygls 2.x): live findings while an author drafts a report.

- Incremental sync; on open/change/save the document is linted in-process on a worker
  thread (the event loop keeps answering hovers meanwhile). Bursts of keystrokes coalesce:
  while a lint runs, further changes only mark the document dirty, and the next lint takes
  the latest version — no fixed debounce delay. A result for an older version is never
  published over a newer one.
- Diagnostics carry the rule code, the source, severity from rule and configuration, a link
  to the rule's documentation, related locations and the fix (in `data`).
- Requests about a document's content (symbols, inlay hints, hover, code actions) asked while
  the lint of its current text runs wait for it (bounded, LINT_WAIT): an outline asked right
  after opening is the document's, not empty.
- Code actions: the rule's fixes of the findings in the requested range, "suppress on this
  line" for the findings at the cursor; `source.fixAll.xxgk-lint` (and the command
  `xxgk-lint.fixAll`): every safe fix of the document at once, as `xxgk-lint check --fix`
  applies them. Hover (the finding explained; the equation of a table total with its
  numbers), document symbols (sections and tables), inlay hints (the sum the other cells
  give, on each total cell).
- Configuration: the same discovery as the CLI (pyproject.toml / xxgk-lint.toml upward from
  the document), overlaid with the client's `xxgkLint` settings; reloaded when they change.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
import traceback
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlparse

from lsprotocol import types
from pygls.capabilities import get_capability
from pygls.lsp.server import LanguageServer
from pygls.workspace.text_document import TextDocument

from ..linter import __version__
from ..linter.checking.config import Config, ConfigError, discover, find_config_file, load
from ..linter.model.diagnostic import Diagnostic
from ..linter.checking.engine import Linter
from ..linter.checking.rules import RuleError
from ..linter.reporting.fixes import fix_text
from ..linter.support.resources import rule_doc_uri

from . import positions

log = logging.getLogger("xxgk-lint.lsp")

# pygls 2.1 splits a document into lines with str.splitlines, for which a form feed (\f, the
# page break pdftotext writes), \v, \x1c–\x1e, \x85, U+2028/2029 end a line too. LSP lines end
# only at \n, \r\n and \r: with a form feed in a report, every incremental edit after it would
# land on the wrong line and the server would lint a text the editor does not have.
def _lsp_lines(self) -> tuple[str, ...]:
    return tuple(positions.lsp_lines(self.source))


TextDocument.lines = property(_lsp_lines)  # type: ignore[assignment]
SOURCE = "xxgk-lint"
# How long a request about a document's content waits for the lint of its current text (s).
LINT_WAIT = 10.0
FIX_ALL_KIND = f"{types.CodeActionKind.SourceFixAll.value}.xxgk-lint"
FIX_ALL_COMMAND = "xxgk-lint.fixAll"
FIX_ALL_TITLE = "xxgk-lint：修复所有可自动修复的问题"
SEVERITY = {
    "error": types.DiagnosticSeverity.Error,
    "warning": types.DiagnosticSeverity.Warning,
    "info": types.DiagnosticSeverity.Information,
}


@dataclass
class DocState:
    """What the server knows of one open document."""

    uri: str
    language: str = "plaintext"
    dirty: bool = False
    task: asyncio.Task | None = None
    version: int | None = None  # version of the published result
    doc: object = None  # the Document model of that version
    diags: list[Diagnostic] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)  # text lines of that version
    linter: Linter | None = None
    # finding -> (the text of the lines its positions are on, its LSP form): most findings
    # survive a keystroke unchanged, and converting hundreds of them costs more than a lint
    converted: dict = field(default_factory=dict)


def uri_to_path(uri: str) -> str | None:
    parsed = urlparse(uri)
    if parsed.scheme != "file":
        return None
    path = unquote(parsed.path)
    if os.name == "nt" and path.startswith("/") and len(path) > 2 and path[2] == ":":
        path = path[1:]
    return path


class XxgkServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("xxgk-lint", __version__, text_document_sync_kind=types.TextDocumentSyncKind.Incremental)
        self.settings: dict = {}
        self.states: dict[str, DocState] = {}
        self.linters: dict[tuple, Linter] = {}
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="xxgk-lint")
        self.config_error: str | None = None

    # -- configuration ------------------------------------------------------------------------

    def config_for(self, path: str | None) -> Config:
        s = self.settings
        cfg: Config
        config_file = s.get("configFile") or ""
        try:
            if config_file:
                cfg = load(Path(os.path.expanduser(config_file)))
            elif path:
                cfg = discover(Path(path))
            else:
                cfg = Config()
        except (ConfigError, RuleError) as exc:
            if self.config_error != str(exc):  # say it once, not on every keystroke
                self.window_show_message(types.ShowMessageParams(type=types.MessageType.Error, message=f"xxgk-lint 配置错误：{exc}"))
            self.config_error = str(exc)
            cfg = Config()
        if s.get("select"):
            cfg.select = list(s["select"])
        if s.get("ignore"):
            cfg.ignore = cfg.ignore + list(s["ignore"])
        for code, level in (s.get("severity") or {}).items():
            if level in ("error", "warning", "info", "off"):
                cfg.severity[code] = level
        return cfg

    def linter_for(self, path: str | None) -> Linter:
        cfg = self.config_for(path)
        key = cfg.key()
        linter = self.linters.get(key)
        if linter is None:
            try:
                linter = Linter(cfg, incremental=True)
            except (ConfigError, RuleError) as exc:
                if self.config_error != str(exc):
                    self.window_show_message(types.ShowMessageParams(type=types.MessageType.Error, message=f"xxgk-lint 规则加载错误：{exc}"))
                self.config_error = str(exc)
                linter = Linter(Config(), incremental=True)
            self.linters[key] = linter
        return linter

    def reload(self) -> None:
        find_config_file.cache_clear()
        self.linters.clear()
        for uri in list(self.states):
            self.schedule(uri)

    # -- linting ------------------------------------------------------------------------------

    def schedule(self, uri: str) -> None:
        st = self.states.get(uri)
        if st is None:
            return
        st.dirty = True
        if st.task is None or st.task.done():
            st.task = asyncio.get_event_loop().create_task(self._lint_loop(uri))

    async def _lint_loop(self, uri: str) -> None:
        loop = asyncio.get_event_loop()
        st = self.states.get(uri)
        while st is not None and st.dirty:
            st.dirty = False
            try:
                document = self.workspace.get_text_document(uri)
                text, version = document.source, document.version
            except Exception:
                return
            path = uri_to_path(uri)
            linter = self.linter_for(path)
            name = path or uri
            try:
                doc, diags, errors = await loop.run_in_executor(self.executor, _lint, linter, text, name)
            except Exception:
                log.error("lint of %s failed:\n%s", uri, traceback.format_exc())
                return
            for e in errors:
                log.error(e)
            if self.states.get(uri) is not st:
                return  # closed meanwhile
            if st.dirty or self.workspace.get_text_document(uri).version != version:
                continue  # already stale: lint the latest text instead of publishing this
            if not _wants(st, doc):
                diags = []
            st.version, st.doc, st.diags, st.lines, st.linter = version, doc, diags, doc.source.lines, linter
            self.publish(st)

    async def current(self, uri: str, timeout: float = LINT_WAIT) -> DocState | None:
        """The state of document `uri` once its published result is of the current text: waits
        for the pending or running lint, at most `timeout` seconds. After the timeout, or when
        the lint failed, the state as it is (its result may be of an older version, or none)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            st = self.states.get(uri)
            if st is None:
                return None
            try:
                version = self.workspace.get_text_document(uri).version
            except Exception:
                return st
            task, left = st.task, deadline - loop.time()
            if st.version == version or task is None or task.done() or left <= 0:
                return st
            # asyncio.wait neither cancels the lint on timeout nor when this request is cancelled
            await asyncio.wait({task}, timeout=left)

    def is_current(self, st: DocState) -> bool:
        try:
            return st.doc is not None and self.workspace.get_text_document(st.uri).version == st.version
        except Exception:
            return False

    def publish(self, st: DocState) -> None:
        enc = self.workspace.position_encoding
        out = []
        converted = {}
        for d in st.diags:
            where = _line_texts(st.lines, d)
            hit = st.converted.get((d, enc))
            lsp = hit[1] if hit is not None and hit[0] == where and hit[2] is st.linter else to_lsp(d, st, enc)
            converted[(d, enc)] = (where, lsp, st.linter)
            out.append(lsp)
        st.converted = converted
        self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=st.uri, version=st.version, diagnostics=out))


def _line_texts(lines: list[str], d: Diagnostic) -> tuple:
    """The lines a finding's LSP positions are computed from (its own and its related spans')."""
    n = len(lines)
    spans = [d.span, *(r.span for r in d.related)]
    return tuple(lines[k - 1] if 1 <= k <= n else None for s in spans for k in (s.line, s.end_line))


def _lint(linter: Linter, text: str, name: str):
    doc, diags = linter.lint_text(text, name)
    errors = list(linter.errors)
    linter.errors.clear()
    return doc, diags, errors


def _wants(st: DocState, doc) -> bool:
    """Lint a gov-report document always; a plain-text or Markdown one only when it is a report
    (a README open beside the reports must not fill up with findings)."""
    return st.language == "gov-report" or doc.looks_like_report


_HREFS: dict[str, str | None] = {}


def _rule_href(code: str) -> str | None:
    """The rule's page in the rule reference (docs/rules/CODE.html, a file: URI), looked up once
    per code; None for a rule without one (a user's own rule pack): no link rather than a link
    to a TOML file inside the installation."""
    if code not in _HREFS:
        _HREFS[code] = rule_doc_uri(code) or None
    return _HREFS[code]


def to_lsp(d: Diagnostic, st: DocState, enc) -> types.Diagnostic:
    related = [
        types.DiagnosticRelatedInformation(
            location=types.Location(uri=st.uri, range=positions.to_range(st.lines, r.span, enc)), message=r.message
        )
        for r in d.related
    ]
    href = _rule_href(d.rule)
    return types.Diagnostic(
        range=positions.to_range(st.lines, d.span, enc),
        severity=SEVERITY[d.severity],
        code=d.rule,
        code_description=types.CodeDescription(href=href) if href else None,
        source=SOURCE,
        message=d.message,
        related_information=related or None,
        data={"rule": d.rule, "fix": d.fix.to_dict() if d.fix else None},
    )


server = XxgkServer()


def _settings_from(obj) -> dict:
    if isinstance(obj, dict):
        if "xxgkLint" in obj and isinstance(obj["xxgkLint"], dict):
            return obj["xxgkLint"]
        if "settings" in obj and isinstance(obj["settings"], dict):
            return _settings_from(obj["settings"])
        return obj
    return {}


@server.feature(types.INITIALIZE)
def initialize(ls: XxgkServer, params: types.InitializeParams) -> None:
    ls.settings = _settings_from(params.initialization_options or {})


@server.feature(types.TEXT_DOCUMENT_DID_OPEN)
def did_open(ls: XxgkServer, params: types.DidOpenTextDocumentParams) -> None:
    uri = params.text_document.uri
    ls.states[uri] = DocState(uri=uri, language=params.text_document.language_id)
    ls.schedule(uri)


@server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
def did_change(ls: XxgkServer, params: types.DidChangeTextDocumentParams) -> None:
    ls.schedule(params.text_document.uri)
    _forget_finished_notifications(ls)


def _forget_finished_notifications(ls: XxgkServer) -> None:
    """pygls 2.1 keeps a finished future for every notification its built-in handlers run
    (didOpen, didChange …) and never drops it: 2 MB per 1,000 keystrokes. Drop the finished ones
    (requests are answered and removed by pygls itself; popping twice is harmless)."""
    futures = getattr(ls.protocol, "_request_futures", None)
    if not futures or len(futures) < 64:
        return
    for key, fut in list(futures.items()):
        if fut.done():
            futures.pop(key, None)


@server.feature(types.TEXT_DOCUMENT_DID_SAVE)
def did_save(ls: XxgkServer, params: types.DidSaveTextDocumentParams) -> None:
    ls.schedule(params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
def did_close(ls: XxgkServer, params: types.DidCloseTextDocumentParams) -> None:
    uri = params.text_document.uri
    st = ls.states.pop(uri, None)
    if st is not None and st.task is not None:
        st.task.cancel()
    ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))


@server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
def did_change_configuration(ls: XxgkServer, params: types.DidChangeConfigurationParams) -> None:
    settings = _settings_from(params.settings) if params.settings else {}
    if settings:
        ls.settings = settings
    ls.reload()


@server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
def did_change_watched_files(ls: XxgkServer, params: types.DidChangeWatchedFilesParams) -> None:
    if any(c.uri.endswith(("pyproject.toml", "xxgk-lint.toml")) for c in params.changes):
        ls.reload()


# -- code actions ----------------------------------------------------------------------------


def _point(p: types.Position) -> tuple[int, int]:
    return (p.line, p.character)


def _extent(r: types.Range) -> tuple[tuple[int, int], tuple[int, float]]:
    """A range as two comparable points. A range that ends at the start of a later line (a
    whole line, or lines selected by their numbers) ends with the line before: it does not
    reach the text of that next line."""
    end: tuple[int, float] = _point(r.end)
    if r.end.character == 0 and r.end.line > r.start.line:
        end = (r.end.line - 1, float("inf"))
    return _point(r.start), end


def _intersects(a: types.Range, b: types.Range) -> bool:
    """Whether two ranges share a point (ends included: a cursor just after a finding is on it)."""
    (a0, a1), (b0, b1) = _extent(a), _extent(b)
    return a0 <= b1 and b0 <= a1


def _contains(r: types.Range, p: types.Position) -> bool:
    start, end = _extent(r)
    return start <= _point(p) <= end


def _kind_value(kind) -> str:
    return getattr(kind, "value", kind)


def _wants_kind(only, kind: str) -> bool:
    """Whether the client asked for actions of `kind` (`only` absent: it asked for all)."""
    if not only:
        return True
    return any(k == "" or kind == k or kind.startswith(k + ".") for k in map(_kind_value, only))


def _fixed_text(linter: Linter, text: str, name: str, any_document: bool) -> str | None:
    """`text` with every safe fix applied as `xxgk-lint check --fix` applies them (fix_text:
    passes until none applies, overlapping fixes wait for the next pass); None when nothing
    changes or the text is not a report the server lints (`any_document` False)."""
    doc, diags = linter.lint_text(text, name)
    try:
        if not (any_document or doc.looks_like_report):
            return None
        first = [d.fix for d in diags if d.fix]
        if not any(f.applicability == "safe" for f in first):
            return None
        start = doc.source.text

        def fixes_of(t: str):
            return first if t == start else [d.fix for d in linter.lint_text(t, name)[1] if d.fix]

        new = fix_text(start, fixes_of)
        return None if new == start else doc.source.restore(new)
    finally:
        linter.errors.clear()


async def _fix_all_edit(ls: XxgkServer, uri: str) -> tuple[types.WorkspaceEdit | None, int | None]:
    """One workspace edit with all safe fixes of the document's current text (None: nothing to
    fix, or the text changed while the fixes were computed), and the version it is for."""
    st = ls.states.get(uri)
    if st is None:
        return None, None
    document = ls.workspace.get_text_document(uri)
    text, version = document.source, document.version
    path = uri_to_path(uri)
    linter = ls.linter_for(path)
    loop = asyncio.get_running_loop()
    try:
        # the one lint thread: the linter is never used by two threads at once
        new = await loop.run_in_executor(
            ls.executor, _fixed_text, linter, text, path or uri, st.language == "gov-report"
        )
    except Exception:
        log.error("fixing %s failed:\n%s", uri, traceback.format_exc())
        return None, version
    if new is None or ls.states.get(uri) is not st or ls.workspace.get_text_document(uri).version != version:
        return None, version
    edits = positions.line_edits(text, new, ls.workspace.position_encoding)
    if not edits:
        return None, version
    if get_capability(ls.client_capabilities, "workspace.workspace_edit.document_changes", False):
        # tied to the version: a client whose text has moved on rejects it instead of garbling it
        doc_id = types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=version)
        return types.WorkspaceEdit(document_changes=[types.TextDocumentEdit(text_document=doc_id, edits=edits)]), version
    return types.WorkspaceEdit(changes={uri: edits}), version


def _has_safe_fix(st: DocState) -> bool:
    return any(d.fix is not None and d.fix.applicability == "safe" for d in st.diags)


def _fix_all_action(edit: types.WorkspaceEdit | None = None, data=None) -> types.CodeAction:
    return types.CodeAction(title=FIX_ALL_TITLE, kind=FIX_ALL_KIND, edit=edit, data=data)


def _quick_fixes(ls: XxgkServer, st: DocState, params: types.CodeActionParams) -> list[types.CodeAction]:
    """The fixes of the findings whose range meets the requested one (of those the client names,
    when it names some) and "suppress on this line" for those at the cursor: at either end of
    the requested range, which is the cursor when nothing is selected."""
    enc = ls.workspace.position_encoding
    wanted = {(d.code, d.range.start.line, d.range.start.character) for d in params.context.diagnostics}
    cursor = (params.range.start, params.range.end)
    actions: list[types.CodeAction] = []
    suppressions: list[types.CodeAction] = []
    suppressed = set()
    for d in st.diags:
        r = positions.to_range(st.lines, d.span, enc)
        if not _intersects(r, params.range):
            continue
        if wanted and (d.rule, r.start.line, r.start.character) not in wanted:
            continue
        lsp_diag = to_lsp(d, st, enc)
        if d.fix is not None:
            edits = [types.TextEdit(range=positions.to_range(st.lines, e.span, enc), new_text=e.new_text) for e in d.fix.edits]
            actions.append(
                types.CodeAction(
                    title=f"{d.fix.message}（{d.rule}）",
                    kind=types.CodeActionKind.QuickFix,
                    diagnostics=[lsp_diag],
                    edit=types.WorkspaceEdit(changes={st.uri: edits}),
                    is_preferred=d.fix.applicability == "safe",
                )
            )
        line = d.span.line
        if not any(_contains(r, p) for p in cursor) or (d.rule, line) in suppressed:
            continue
        suppressed.add((d.rule, line))
        text = st.lines[line - 1] if line <= len(st.lines) else ""
        indent = text[: len(text) - len(text.lstrip())]
        insert = types.TextEdit(
            range=types.Range(start=types.Position(line=line - 1, character=0), end=types.Position(line=line - 1, character=0)),
            new_text=f"{indent}<!-- xxgk-lint: disable-next-line={d.rule} -->\n",
        )
        suppressions.append(
            types.CodeAction(
                title=f"在本行停用 {d.rule}",
                kind=types.CodeActionKind.QuickFix,
                diagnostics=[lsp_diag],
                edit=types.WorkspaceEdit(changes={st.uri: [insert]}),
            )
        )
    return actions + suppressions


@server.feature(
    types.TEXT_DOCUMENT_CODE_ACTION,
    types.CodeActionOptions(
        code_action_kinds=[types.CodeActionKind.QuickFix, types.CodeActionKind.SourceFixAll, FIX_ALL_KIND],
        resolve_provider=True,
    ),
)
async def code_action(ls: XxgkServer, params: types.CodeActionParams):
    st = await ls.current(params.text_document.uri)
    if st is None or not ls.is_current(st):
        return []  # no findings of this text (yet)
    only = params.context.only
    actions: list[types.CodeAction] = []
    if _wants_kind(only, types.CodeActionKind.QuickFix.value):
        actions += _quick_fixes(ls, st, params)
    if _wants_kind(only, FIX_ALL_KIND) and _has_safe_fix(st):
        resolvable = "edit" in (get_capability(ls.client_capabilities, "text_document.code_action.resolve_support.properties", None) or [])
        if not only and resolvable:
            # a menu of everything (a lightbulb): the fixes are computed when it is chosen
            actions.append(_fix_all_action(data={"fixAll": st.uri}))
        elif only:
            # asked for by kind (on save, the source-action menu): computed now
            edit, _ = await _fix_all_edit(ls, st.uri)
            if edit is not None:
                actions.append(_fix_all_action(edit))
    return actions


@server.feature(types.CODE_ACTION_RESOLVE)
async def code_action_resolve(ls: XxgkServer, action: types.CodeAction):
    data = action.data if isinstance(action.data, dict) else {}
    uri = data.get("fixAll")
    if isinstance(uri, str) and action.edit is None:
        await ls.current(uri)
        action.edit, _ = await _fix_all_edit(ls, uri)
    return action


def _command_uri(ls: XxgkServer, args) -> str | None:
    """The document a command is for: its first argument, a URI or {"uri": …} (the VS Code
    extension sends the active editor's); with none, the only open document."""
    if args:
        first = args[0]
        if isinstance(first, dict):
            first = first.get("uri")
        return first if isinstance(first, str) else None
    return next(iter(ls.states)) if len(ls.states) == 1 else None


@server.command(FIX_ALL_COMMAND)
async def fix_all_command(ls: XxgkServer, *args):
    """Apply every safe fix of a document (workspace/applyEdit). Returns the number of edits
    applied (0: nothing to fix)."""
    uri = _command_uri(ls, args)
    if uri is None or uri not in ls.states:
        ls.window_show_message(types.ShowMessageParams(type=types.MessageType.Warning, message="xxgk-lint：没有找到要修复的报告（请先打开一份报告）。"))
        return 0
    for _ in range(3):  # the text may change while the fixes are computed: recompute for the new one
        await ls.current(uri)
        edit, version = await _fix_all_edit(ls, uri)
        if edit is not None:
            break
        if uri not in ls.states or ls.workspace.get_text_document(uri).version == version:
            return 0
    else:
        return 0
    result = await ls.workspace_apply_edit_async(types.ApplyWorkspaceEditParams(edit=edit, label=FIX_ALL_TITLE))
    if not result.applied:
        log.warning("the client did not apply the fixes of %s: %s", uri, result.failure_reason)
        return 0
    return len(edit.changes[uri] if edit.changes else edit.document_changes[0].edits)


# -- hover -----------------------------------------------------------------------------------


def _cell_at(doc, line: int, col: int):
    for table in doc.tables.values():
        for cell in table.cells.values():
            s = cell.span
            if s.line == line and s.column <= col < max(s.end_column, s.column + 1):
                return table, cell
    return None, None


def _equations_for_cell(linter: Linter, table, cell) -> list[tuple[object, str]]:
    """(rule, explanation) of every equation in which this cell is the left side alone."""
    out = []
    for rule in linter.active:
        chk = rule.checker
        if getattr(chk, "kind", "") != "equation" or chk.p["table"] != table.key:
            continue
        scope = cell.column if chk.p["each"] == "column" else cell.row
        if scope not in chk.scopes(table):
            continue
        sides = chk.evaluate(table, scope)
        if sides is None:
            continue
        left_cells = sides[0][2]
        if len(left_cells) == 1 and left_cells[0] is cell:
            text = chk.explain(table, scope)
            if text:
                out.append((rule, text))
    return out


@server.feature(types.TEXT_DOCUMENT_HOVER)
async def hover(ls: XxgkServer, params: types.HoverParams):
    st = await ls.current(params.text_document.uri)
    if st is None or not ls.is_current(st):
        return None  # the model of an older text would explain what is no longer there
    enc = ls.workspace.position_encoding
    line, col = positions.from_position(st.lines, params.position, enc)
    parts: list[str] = []
    for d in st.diags:
        s = d.span
        if (s.line, s.column) <= (line, col) <= (s.end_line, s.end_column):
            rule = st.linter.rule(d.rule) if st.linter else None
            # the editor shows the message itself next to the hover: explain it, do not repeat it
            parts.append(f"**{d.rule}** `{d.name}`({d.category},{d.severity})")
            if rule is not None:
                parts.append(rule.description)
            if d.fix is not None:
                parts.append(f"修复：{d.fix.message}" + ("" if d.fix.applicability == "safe" else "（需确认）"))
    table, cell = _cell_at(st.doc, line, col)
    if cell is not None and st.linter is not None:
        for rule, text in _equations_for_cell(st.linter, table, cell):
            parts.append(f"**勾稽关系**({rule.id}):{text}")
    if not parts:
        return None
    return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value="\n\n---\n\n".join(parts)))


# -- symbols and inlay hints -------------------------------------------------------------------

_TABLE_TITLES = {"active": "表：主动公开政府信息情况", "applications": "表：收到和处理政府信息公开申请情况", "review": "表：行政复议、行政诉讼情况"}


@server.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
async def document_symbol(ls: XxgkServer, params: types.DocumentSymbolParams):
    # asked right after opening (VS Code asks once for the outline): the answer waits for the
    # first lint instead of being an empty outline nobody asks for again
    st = await ls.current(params.text_document.uri)
    if st is None or st.doc is None:
        return []
    enc = ls.workspace.position_encoding
    doc = st.doc
    from ..linter.reading.source import Span

    out = []
    for k, s in enumerate(doc.sections):
        end_line = s.end_line
        end_text = st.lines[end_line - 1] if 0 < end_line <= len(st.lines) else ""
        full = positions.to_range(st.lines, Span(s.span.line, 1, end_line, len(end_text) + 1), enc)
        children = []
        for sub in s.subsections:
            r = positions.to_range(st.lines, sub.span, enc)
            children.append(types.DocumentSymbol(name=f"（{sub.ordinal}）{sub.title}", kind=types.SymbolKind.String, range=r, selection_range=r))
        for key, t in doc.tables.items():
            if t.section == s.number and s.span.line <= t.span.line <= end_line:
                tr = positions.to_range(st.lines, t.span, enc)
                tr = types.Range(start=tr.start, end=max(tr.end, tr.start, key=lambda p: (p.line, p.character)))
                children.append(types.DocumentSymbol(name=_TABLE_TITLES[key], detail=f"{t.format}年版，{len(t.cells)}格", kind=types.SymbolKind.Struct, range=tr, selection_range=types.Range(start=tr.start, end=tr.start)))
        sel = positions.to_range(st.lines, s.span, enc)
        out.append(
            types.DocumentSymbol(
                name=f"{s.ordinal}、{s.title}",
                kind=types.SymbolKind.Namespace,
                range=full,
                selection_range=sel,
                children=children or None,
            )
        )
    return out


@server.feature(types.TEXT_DOCUMENT_INLAY_HINT, types.InlayHintOptions(resolve_provider=False))
async def inlay_hint(ls: XxgkServer, params: types.InlayHintParams):
    st = await ls.current(params.text_document.uri)
    if st is None or st.doc is None or st.linter is None:
        return []
    enc = ls.workspace.position_encoding
    first, last = params.range.start.line + 1, params.range.end.line + 1
    hints = []
    seen = set()
    for rule in st.linter.active:
        chk = rule.checker
        if getattr(chk, "kind", "") != "equation":
            continue
        table = st.doc.tables.get(chk.p["table"])
        if table is None:
            continue
        for scope in chk.scopes(table):
            sides = chk.evaluate(table, scope)
            if sides is None:
                continue
            left, right = sides
            if len(left[2]) != 1 or not right[2]:
                continue
            cell = left[2][0]
            if not first <= cell.span.line <= last or (id(cell), rule.id) in seen:
                continue
            seen.add((id(cell), rule.id))
            total = right[3]
            mark = "✓" if abs(left[3] - total) < 1e-9 else "≠"
            text = st.lines[cell.span.end_line - 1] if cell.span.end_line <= len(st.lines) else ""
            pos = types.Position(line=cell.span.end_line - 1, character=positions.convert(text, cell.span.end_column - 1, enc, True))
            value = int(total) if float(total).is_integer() else round(total, 6)
            hints.append(
                types.InlayHint(
                    position=pos,
                    label=f" Σ{value}{mark}",
                    kind=types.InlayHintKind.Parameter,
                    tooltip=chk.explain(table, scope),
                    padding_left=True,
                )
            )
    return hints


def main() -> None:
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("pygls").setLevel(logging.WARNING)
    # a client cancelling a request that was already answered is a normal race, not a warning
    logging.getLogger("pygls.protocol.json_rpc").setLevel(logging.ERROR)
    server.start_io()


if __name__ == "__main__":
    main()
