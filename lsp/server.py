"""The xxgk-lint language server (pygls 2.x): live findings while an author drafts a report.

- Incremental sync; on open/change/save the document is linted in-process on a worker
  thread (the event loop keeps answering hovers meanwhile). Bursts of keystrokes coalesce:
  while a lint runs, further changes only mark the document dirty, and the next lint takes
  the latest version — no fixed debounce delay. A result for an older version is never
  published over a newer one.
- Diagnostics carry the rule code, the source, severity from rule and configuration, a link
  to the rule's documentation, related locations and the fix (in `data`).
- Code actions (the rule's fixes; "suppress on this line"), hover (the finding explained;
  the equation of a table total with its numbers), document symbols (sections and tables),
  inlay hints (the sum the other cells give, on each total cell).
- Configuration: the same discovery as the CLI (pyproject.toml / xxgk-lint.toml upward from
  the document), overlaid with the client's `xxgkLint` settings; reloaded when they change.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import sys
import traceback
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlparse

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.workspace.text_document import TextDocument

from ..linter import __version__
from ..linter.checking.config import Config, ConfigError, discover, find_config_file, load
from ..linter.model.diagnostic import Diagnostic
from ..linter.checking.engine import Linter
from ..linter.checking.rules import RuleError

from . import positions

log = logging.getLogger("xxgk-lint.lsp")

# pygls 2.1 splits a document into lines with str.splitlines, for which a form feed (\f, the
# page break pdftotext writes), \v, \x1c–\x1e, \x85, U+2028/2029 end a line too. LSP lines end
# only at \n, \r\n and \r: with a form feed in a report, every incremental edit after it would
# land on the wrong line and the server would lint a text the editor does not have.
_LSP_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


def _lsp_lines(self) -> tuple[str, ...]:
    return tuple(_LSP_LINE.findall(self.source))


TextDocument.lines = property(_lsp_lines)  # type: ignore[assignment]
SOURCE = "xxgk-lint"
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
                self.window_show_message(types.ShowMessageParams(type=types.MessageType.Error, message=f"xxgk-lint 配置错误:{exc}"))
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
                    self.window_show_message(types.ShowMessageParams(type=types.MessageType.Error, message=f"xxgk-lint 规则加载错误:{exc}"))
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


_HREFS: dict[tuple, str | None] = {}


def _rule_href(linter: Linter | None, code: str) -> str | None:
    """The file: URI of the rule's TOML (its documentation), resolved once per rule file."""
    rule = linter.rule(code) if linter else None
    if rule is None:
        return None
    key = (rule.id, rule.source)
    if key not in _HREFS:
        _HREFS[key] = Path(rule.source).resolve().as_uri()
    return _HREFS[key]


def to_lsp(d: Diagnostic, st: DocState, enc) -> types.Diagnostic:
    related = [
        types.DiagnosticRelatedInformation(
            location=types.Location(uri=st.uri, range=positions.to_range(st.lines, r.span, enc)), message=r.message
        )
        for r in d.related
    ]
    href = _rule_href(st.linter, d.rule)
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


def _state_diags_in(st: DocState, rng: types.Range, enc) -> list[Diagnostic]:
    out = []
    for d in st.diags:
        r = positions.to_range(st.lines, d.span, enc)
        if (r.start.line, r.start.character) <= (rng.end.line, rng.end.character) and (
            rng.start.line,
            rng.start.character,
        ) <= (r.end.line, r.end.character):
            out.append(d)
    return out


@server.feature(
    types.TEXT_DOCUMENT_CODE_ACTION,
    types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix], resolve_provider=False),
)
def code_action(ls: XxgkServer, params: types.CodeActionParams):
    st = ls.states.get(params.text_document.uri)
    if st is None or st.doc is None:
        return []
    document = ls.workspace.get_text_document(st.uri)
    if document.version != st.version:
        return []  # the findings are being recomputed for the new text
    enc = ls.workspace.position_encoding
    actions: list[types.CodeAction] = []
    wanted = {(d.code, d.range.start.line, d.range.start.character) for d in params.context.diagnostics}
    for d in _state_diags_in(st, params.range, enc):
        lsp_diag = to_lsp(d, st, enc)
        if wanted and (d.rule, lsp_diag.range.start.line, lsp_diag.range.start.character) not in wanted:
            continue
        if d.fix is not None:
            edits = [types.TextEdit(range=positions.to_range(st.lines, e.span, enc), new_text=e.new_text) for e in d.fix.edits]
            actions.append(
                types.CodeAction(
                    title=f"{d.fix.message}({d.rule})",
                    kind=types.CodeActionKind.QuickFix,
                    diagnostics=[lsp_diag],
                    edit=types.WorkspaceEdit(changes={st.uri: edits}),
                    is_preferred=d.fix.applicability == "safe",
                )
            )
        line = d.span.line
        text = st.lines[line - 1] if line <= len(st.lines) else ""
        indent = text[: len(text) - len(text.lstrip())]
        insert = types.TextEdit(
            range=types.Range(start=types.Position(line=line - 1, character=0), end=types.Position(line=line - 1, character=0)),
            new_text=f"{indent}<!-- xxgk-lint: disable-next-line={d.rule} -->\n",
        )
        actions.append(
            types.CodeAction(
                title=f"在本行停用 {d.rule}",
                kind=types.CodeActionKind.QuickFix,
                diagnostics=[lsp_diag],
                edit=types.WorkspaceEdit(changes={st.uri: [insert]}),
            )
        )
    return actions


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
def hover(ls: XxgkServer, params: types.HoverParams):
    st = ls.states.get(params.text_document.uri)
    if st is None or st.doc is None:
        return None
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
                parts.append(f"修复:{d.fix.message}" + ("" if d.fix.applicability == "safe" else "(需确认)"))
    table, cell = _cell_at(st.doc, line, col)
    if cell is not None and st.linter is not None:
        for rule, text in _equations_for_cell(st.linter, table, cell):
            parts.append(f"**勾稽关系**({rule.id}):{text}")
    if not parts:
        return None
    return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value="\n\n---\n\n".join(parts)))


# -- symbols and inlay hints -------------------------------------------------------------------

_TABLE_TITLES = {"active": "表:主动公开政府信息情况", "applications": "表:收到和处理政府信息公开申请情况", "review": "表:行政复议、行政诉讼情况"}


@server.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
def document_symbol(ls: XxgkServer, params: types.DocumentSymbolParams):
    st = ls.states.get(params.text_document.uri)
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
            children.append(types.DocumentSymbol(name=f"({sub.ordinal}){sub.title}" or sub.ordinal, kind=types.SymbolKind.String, range=r, selection_range=r))
        for key, t in doc.tables.items():
            if t.section == s.number and s.span.line <= t.span.line <= end_line:
                tr = positions.to_range(st.lines, t.span, enc)
                tr = types.Range(start=tr.start, end=max(tr.end, tr.start, key=lambda p: (p.line, p.character)))
                children.append(types.DocumentSymbol(name=_TABLE_TITLES[key], detail=f"{t.format}年版,{len(t.cells)}格", kind=types.SymbolKind.Struct, range=tr, selection_range=types.Range(start=tr.start, end=tr.start)))
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
def inlay_hint(ls: XxgkServer, params: types.InlayHintParams):
    st = ls.states.get(params.text_document.uri)
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
    from ..linter.support.regexcache import install

    install()
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("pygls").setLevel(logging.WARNING)
    # a client cancelling a request that was already answered is a normal race, not a warning
    logging.getLogger("pygls.protocol.json_rpc").setLevel(logging.ERROR)
    server.start_io()


if __name__ == "__main__":
    main()
