"""LSP, the protocol edge: pygls handlers over a `Session`.

Consumes the client's notifications and requests; produces the protocol's messages. Every
answer comes from `navigation`, `completion` and `actions` in the package's own positions
(1-based, code points); this module converts them with `positions`, in the encoding agreed
with the client, and turns display paths into URIs (`std` is the installed file). Edits
are checked after a short pause (debounced); a request checks the buffer first when the
pause has not yet run out, so it never answers from stale text.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path

from alignment_plan import __version__
from alignment_plan.diagnostics import Diagnostic, Severity, Span
from alignment_plan.lsp import actions as code_actions
from alignment_plan.lsp import completion, navigation
from alignment_plan.lsp.positions import UTF16, from_lsp, lines_of, span_to_lsp, to_lsp
from alignment_plan.lsp.session import Analysis, Session
from alignment_plan.rules import RULES
from alignment_plan.rules.documentation import anchor, document_path
from alignment_plan.syntax.formatter import format_source

DEBOUNCE_SECONDS = 0.2
SOURCE = "alignment-plan"
_SEVERITIES = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
    Severity.INFO: types.DiagnosticSeverity.Information,
}
_UNNECESSARY = ("AP502",)  # an unused suppression: editors grey it out
_SYMBOL_KINDS = {
    "plan": types.SymbolKind.Module,
    "step": types.SymbolKind.Namespace,
    "technique": types.SymbolKind.Method,
    "fact": types.SymbolKind.Constant,
    "slot": types.SymbolKind.Field,
    "definition": types.SymbolKind.Function,
    "failure_mode": types.SymbolKind.Event,
    "lens": types.SymbolKind.Interface,
    "scenario": types.SymbolKind.Object,
    "prior": types.SymbolKind.Number,
}
_COMPLETION_KINDS = {
    completion.KEYWORD: types.CompletionItemKind.Keyword,
    completion.FACT: types.CompletionItemKind.Constant,
    completion.SLOT: types.CompletionItemKind.Field,
    completion.DEFINITION: types.CompletionItemKind.Function,
    completion.FAILURE_MODE: types.CompletionItemKind.Event,
    completion.SCENARIO: types.CompletionItemKind.Class,
    completion.VALUE: types.CompletionItemKind.Value,
}


class PlanLanguageServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("alignment-plan", __version__)
        self.session = Session()
        self.pending: dict[str, asyncio.Task] = {}
        self.shown: set[str] = set()

    @property
    def encoding(self) -> str:
        chosen = self.workspace.position_encoding
        return getattr(chosen, "value", chosen) or UTF16

    def analysis(self, uri: str) -> Analysis | None:
        path = _path(uri)
        return self.session.analysis(path) if path is not None else None

    def span_range(self, analysis: Analysis, span: Span) -> types.Range:
        start, end = span_to_lsp(analysis.lines(span.file), span, self.encoding)
        return types.Range(types.Position(*start), types.Position(*end))

    def location(self, analysis: Analysis, span: Span) -> types.Location | None:
        path = analysis.file_of(span.file)
        if path is None:
            return None
        return types.Location(uri=from_fs_path(str(path)), range=self.span_range(analysis, span))

    def position(self, analysis: Analysis, position: types.Position) -> tuple[int, int]:
        return from_lsp(analysis.lines(), position.line, position.character, self.encoding)

    def diagnostic(self, analysis: Analysis, found: Diagnostic) -> types.Diagnostic:
        related = [
            types.DiagnosticRelatedInformation(location=location, message=item.message)
            for item in found.related
            if (location := self.location(analysis, item.span)) is not None
        ]
        page = document_path()
        rule = RULES.get(found.code)
        return types.Diagnostic(
            range=self.span_range(analysis, found.span),
            message=found.message + (f"\nhelp: {found.help}" if found.help else ""),
            severity=_SEVERITIES[found.severity],
            code=found.code,
            code_description=types.CodeDescription(href=f"{page.as_uri()}#{anchor(rule)}") if page and rule else None,
            source=SOURCE,
            related_information=related or None,
            tags=[types.DiagnosticTag.Unnecessary] if found.code in _UNNECESSARY else None,
        )

    def publish(self, uri: str) -> None:
        analysis = self.analysis(uri)
        if analysis is None:
            return
        document = self.workspace.get_text_document(uri)
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(
                uri=uri,
                diagnostics=[self.diagnostic(analysis, d) for d in analysis.diagnostics],
                version=document.version,
            )
        )
        for problem in self.session.problems:
            if problem not in self.shown:
                self.shown.add(problem)
                self.window_show_message(types.ShowMessageParams(type=types.MessageType.Error, message=problem))

    def publish_open(self) -> None:
        """Every open document: an edit to one can change the findings of those importing it."""
        for uri in list(self.workspace.text_documents):
            self.publish(uri)

    def edited(self, uri: str) -> None:
        path = _path(uri)
        if path is None:
            return
        self.session.update(path, self.workspace.get_text_document(uri).source)
        waiting = self.pending.pop(uri, None)
        if waiting is not None:
            waiting.cancel()
        self.pending[uri] = asyncio.ensure_future(self._publish_later(uri))

    async def _publish_later(self, uri: str) -> None:
        await asyncio.sleep(DEBOUNCE_SECONDS)
        self.pending.pop(uri, None)
        self.publish_open()


def _path(uri: str) -> Path | None:
    path = to_fs_path(uri)
    return Path(path) if path and uri.startswith("file:") else None


server = PlanLanguageServer()


@server.feature(types.TEXT_DOCUMENT_DID_OPEN)
def did_open(ls: PlanLanguageServer, params: types.DidOpenTextDocumentParams) -> None:
    path = _path(params.text_document.uri)
    if path is not None:
        ls.session.update(path, params.text_document.text)
        ls.publish_open()


@server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
async def did_change(ls: PlanLanguageServer, params: types.DidChangeTextDocumentParams) -> None:
    ls.edited(params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_DID_SAVE)
def did_save(ls: PlanLanguageServer, params: types.DidSaveTextDocumentParams) -> None:
    ls.publish_open()


@server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
def did_close(ls: PlanLanguageServer, params: types.DidCloseTextDocumentParams) -> None:
    path = _path(params.text_document.uri)
    if path is not None:
        ls.session.update(path, None)
        ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=params.text_document.uri, diagnostics=[]))
        ls.publish_open()


@server.feature(types.TEXT_DOCUMENT_HOVER)
def hover(ls: PlanLanguageServer, params: types.HoverParams) -> types.Hover | None:
    analysis = ls.analysis(params.text_document.uri)
    found = analysis and navigation.hover(analysis, *ls.position(analysis, params.position))
    if not found:
        return None
    text, span = found
    return types.Hover(
        contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=text), range=ls.span_range(analysis, span)
    )


@server.feature(types.TEXT_DOCUMENT_DEFINITION)
def definition(ls: PlanLanguageServer, params: types.DefinitionParams) -> types.Location | None:
    analysis = ls.analysis(params.text_document.uri)
    span = analysis and navigation.definition(analysis, *ls.position(analysis, params.position))
    return ls.location(analysis, span) if span else None


@server.feature(types.TEXT_DOCUMENT_REFERENCES)
def references(ls: PlanLanguageServer, params: types.ReferenceParams) -> list[types.Location]:
    analysis = ls.analysis(params.text_document.uri)
    if analysis is None:
        return []
    line, column = ls.position(analysis, params.position)
    spans = navigation.references(analysis, line, column, params.context.include_declaration)
    return [location for span in spans if (location := ls.location(analysis, span)) is not None]


@server.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
def document_symbols(ls: PlanLanguageServer, params: types.DocumentSymbolParams) -> list[types.DocumentSymbol]:
    analysis = ls.analysis(params.text_document.uri)
    if analysis is None:
        return []

    def convert(symbol: navigation.Symbol) -> types.DocumentSymbol:
        return types.DocumentSymbol(
            name=symbol.name,
            detail=symbol.detail,
            kind=_SYMBOL_KINDS[symbol.kind],
            range=ls.span_range(analysis, symbol.span),
            selection_range=ls.span_range(analysis, symbol.selection),
            children=[convert(child) for child in symbol.children],
        )

    return [convert(symbol) for symbol in navigation.document_symbols(analysis.module)]


@server.feature(
    types.TEXT_DOCUMENT_COMPLETION, types.CompletionOptions(trigger_characters=[".", ",", "=", ":"])
)
def complete(ls: PlanLanguageServer, params: types.CompletionParams) -> types.CompletionList:
    analysis = ls.analysis(params.text_document.uri)
    text = ls.workspace.get_text_document(params.text_document.uri).source
    lines = lines_of(text)
    line, column = from_lsp(lines, params.position.line, params.position.character, ls.encoding)
    offset = sum(len(each) + 1 for each in lines[: line - 1]) + column - 1
    found = completion.complete(text, offset, line, column, analysis.scope if analysis else None)
    start, end = span_to_lsp(lines, found.replace, ls.encoding)
    where = types.Range(types.Position(*start), types.Position(*end))
    items = [
        types.CompletionItem(
            label=candidate.label,
            kind=_COMPLETION_KINDS[candidate.kind],
            detail=candidate.detail or None,
            text_edit=types.TextEdit(range=where, new_text=candidate.label),
        )
        for candidate in found.candidates
    ]
    return types.CompletionList(is_incomplete=False, items=items)


@server.feature(
    types.TEXT_DOCUMENT_CODE_ACTION, types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix])
)
def code_action(ls: PlanLanguageServer, params: types.CodeActionParams) -> list[types.CodeAction]:
    analysis = ls.analysis(params.text_document.uri)
    if analysis is None:
        return []
    lines = analysis.lines()
    start = from_lsp(lines, params.range.start.line, params.range.start.character, ls.encoding)
    end = from_lsp(lines, params.range.end.line, params.range.end.character, ls.encoding)
    wanted = Span(analysis.module.path, *start, *end)
    uri = params.text_document.uri
    return [
        types.CodeAction(
            title=action.title,
            kind=types.CodeActionKind.QuickFix,
            diagnostics=[ls.diagnostic(analysis, d) for d in action.fixes] or None,
            edit=types.WorkspaceEdit(
                changes={uri: [types.TextEdit(range=ls.span_range(analysis, e.span), new_text=e.text) for e in action.edits]}
            ),
            is_preferred=action.preferred or None,
        )
        for action in code_actions.code_actions(analysis, wanted)
    ]


@server.feature(types.TEXT_DOCUMENT_FORMATTING)
def formatting(ls: PlanLanguageServer, params: types.DocumentFormattingParams) -> list[types.TextEdit] | None:
    """The whole document in the formatter's layout; nothing while it has syntax errors (the
    diagnostics show them), as `alignment-plan format` leaves such a file alone."""
    text = ls.workspace.get_text_document(params.text_document.uri).source
    # The buffer's own line endings are kept, as `format` keeps a file's.
    crlf = "\r\n" in text[: text.find("\n") + 1]
    formatted = format_source(text.replace("\r\n", "\n") if crlf else text, params.text_document.uri)
    if formatted.text is None:
        return None
    new = formatted.text.replace("\n", "\r\n") if crlf else formatted.text
    if new == text:
        return []
    lines = lines_of(text)
    end = to_lsp(lines, len(lines), len(lines[-1]) + 1, ls.encoding)
    return [types.TextEdit(range=types.Range(types.Position(0, 0), types.Position(*end)), new_text=new)]


def serve() -> None:
    """Serve one client over standard input and output until it exits."""
    logging.basicConfig(level=logging.WARNING)  # to standard error; standard output is the protocol's
    server.start_io()
