"""The language server, driven by a real client over stdio (pytest-lsp starts
`python -m alignment_plan lsp` as a process and speaks the protocol to it): what it
publishes on open and after an edit, and what it answers to hover, definition,
references, outline, completion and code actions on the shipped outcomes plan."""

from __future__ import annotations

import asyncio
import os
import sys

import pytest

from conftest import ROOT

try:
    import pytest_asyncio
    import pytest_lsp
    from lsprotocol import types
    from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities
except ImportError:
    if os.environ.get("CI") == "true":
        raise
    pytest.skip("the lsp extra is not installed (pip install -e '.[test]')", allow_module_level=True)

PLAN = ROOT / "plans" / "pull_request_assistant_outcomes.plan"
URI = PLAN.as_uri()
TEXT = PLAN.read_text(encoding="utf-8")
LINES = TEXT.split("\n")
DIAGNOSTICS = "textDocument/publishDiagnostics"
# A notification that never comes fails the test after this long instead of hanging the run.
NOTIFICATION_TIMEOUT = 60


# One server for the module (starting one takes seconds); each test closes what it opened.
pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest_lsp.fixture(
    scope="module",
    config=ClientServerConfig(
        server_command=[sys.executable, "-m", "alignment_plan", "lsp"],
        server_env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
)
async def client(lsp_client: LanguageClient):
    await lsp_client.initialize_session(
        types.InitializeParams(capabilities=client_capabilities("visual-studio-code"), root_uri=ROOT.as_uri())
    )
    yield
    await lsp_client.shutdown_session()


@pytest_asyncio.fixture(autouse=True, loop_scope="module")
async def close_the_plan(client: LanguageClient):
    yield
    client.text_document_did_close(types.DidCloseTextDocumentParams(text_document=document()))
    await diagnostics_published(client)  # the empty list it publishes on close


async def diagnostics_published(client: LanguageClient):
    """The next diagnostics the server publishes; fails the test after NOTIFICATION_TIMEOUT."""
    return await asyncio.wait_for(client.wait_for_notification(DIAGNOSTICS), NOTIFICATION_TIMEOUT)


def at(word: str, occurrence: int = 1, offset: int = 0) -> types.Position:
    """The position of the `occurrence`-th `word` in the plan's code (0-based, ASCII text)."""
    seen = 0
    for number, line in enumerate(LINES):
        if line.startswith("#"):
            continue
        start = -1
        while (start := line.find(word, start + 1)) != -1:
            seen += 1
            if seen == occurrence:
                return types.Position(line=number, character=start + offset)
    raise AssertionError(f"{word} not in the plan")


def document() -> types.TextDocumentIdentifier:
    return types.TextDocumentIdentifier(uri=URI)


async def open_plan(client: LanguageClient, text: str = TEXT) -> list:
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(text_document=types.TextDocumentItem(uri=URI, language_id="plan", version=1, text=text))
    )
    await diagnostics_published(client)
    return client.diagnostics[URI]


async def edit(client: LanguageClient, start: types.Position, end: types.Position, text: str, version: int = 2) -> list:
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=URI, version=version),
            content_changes=[types.TextDocumentContentChangePartial(range=types.Range(start=start, end=end), text=text)],
        )
    )
    await diagnostics_published(client)
    return client.diagnostics[URI]


def found(diagnostics) -> list[tuple[int, str]]:
    return sorted((d.range.start.line + 1, d.code) for d in diagnostics)


async def test_open_publishes_the_findings_of_check(client: LanguageClient):
    diagnostics = await open_plan(client)
    # The plan's header says what `check` finds: AP302 at line 30, AP301 and AP305 at 42.
    assert found(diagnostics) == [(30, "AP302"), (42, "AP301"), (42, "AP305")]
    by_code = {d.code: d for d in diagnostics}
    uncovered = by_code["AP301"]
    assert uncovered.severity == types.DiagnosticSeverity.Warning
    assert by_code["AP305"].severity == types.DiagnosticSeverity.Information
    assert uncovered.range == types.Range(start=at("hidden_knowledge", 2), end=at("hidden_knowledge", 2, len("hidden_knowledge")))
    assert uncovered.source == "alignment-plan"
    assert "help: add a technique to `find_and_fix`" in uncovered.message
    href = uncovered.code_description.href
    assert href.startswith("file://") and href.endswith("rules.md#ap301-uncovered-failure-mode")


async def test_related_locations_point_into_the_other_declaration(client: LanguageClient):
    text = TEXT.replace("technique red_team", "technique code_review", 1)
    diagnostics = await open_plan(client, text)
    detector = next(d for d in diagnostics if d.code == "AP306")
    (related,) = detector.related_information
    assert related.location.uri == URI
    assert related.location.range.start == at("code_review")


async def test_an_edit_is_checked_again(client: LanguageClient):
    await open_plan(client)
    end_of_binding = at("good_feedback = outcomes", offset=len("good_feedback = outcomes"))
    after = await edit(client, end_of_binding, end_of_binding, "\n        assume hidden_knowledge: training.output_good = false")
    # Settled as bad feedback, hidden_knowledge belongs to feedback_process, where
    # code_review covers it: the open-owner findings are gone, and lines below moved by one.
    assert found(after) == [(31, "AP302")]
    line = at("deception").line + 1  # one line further down now
    start, end = types.Position(line=line, character=at("deception").character), at("deception", 1, len("deception"))
    broken = await edit(client, start, types.Position(line=line, character=end.character), "deceptoin", version=3)
    assert (31, "AP102") in found(broken)
    typo = next(d for d in broken if d.code == "AP102")
    assert "did you mean `deception`?" in typo.message


async def hover_text(client: LanguageClient, position: types.Position) -> str:
    hover = await client.text_document_hover_async(types.HoverParams(text_document=document(), position=position))
    return hover.contents.value


async def test_hover_shows_meaning_and_source(client: LanguageClient):
    await open_plan(client)
    end_of_binding = at("good_feedback = outcomes", offset=len("good_feedback = outcomes"))
    await edit(client, end_of_binding, end_of_binding, "\n        assume hidden_knowledge: training.output_good = false")
    text = await hover_text(client, types.Position(line=LINES.index("        good_feedback = outcomes") + 1, character=45))
    assert "**fact** `training.output_good`" in text
    assert "The output was actually good by the designers' intent." in text
    assert "source: Shah 2023, Categorizing failures as outer or inner misalignment is often confused" in text
    assert "std.plan#L14" in text


async def test_hover_on_a_considered_failure_mode_shows_owner_coverage_and_deciding_facts(client: LanguageClient):
    await open_plan(client)
    text = await hover_text(client, at("hidden_knowledge", 2, 3))
    assert "owner: `operationalize` (open between `feedback_process` and `find_and_fix`)" in text
    assert "not covered: nothing addresses it in `find_and_fix`" in text
    assert "deciding facts: `training.output_good`" in text
    assert "plan coverage: 3/4 (75.0%)" in text


async def test_definition_goes_into_the_installed_std(client: LanguageClient):
    await open_plan(client)
    location = await client.text_document_definition_async(
        types.DefinitionParams(text_document=document(), position=at("outcomes", offset=2))
    )
    assert location.uri.startswith("file://") and location.uri.endswith("/catalog/std.plan")
    path = location.uri.removeprefix("file://")
    std_line = open(path, encoding="utf-8").read().split("\n")[location.range.start.line]
    assert std_line.startswith("definition good_feedback outcomes ")
    assert std_line[location.range.start.character : location.range.end.character] == "outcomes"


async def test_references_span_std_and_the_project(client: LanguageClient):
    await open_plan(client)
    locations = await client.text_document_references_async(
        types.ReferenceParams(
            text_document=document(),
            position=at("deception", 2),
            context=types.ReferenceContext(include_declaration=True),
        )
    )
    files = {location.uri.rsplit("/", 1)[1] for location in locations}
    assert {"std.plan", PLAN.name, "pull_request_assistant_reasons.plan"} <= files
    here = sorted(location.range.start.line + 1 for location in locations if location.uri == URI)
    assert here == [30, 36, 42]


async def test_outline_holds_plans_steps_and_techniques(client: LanguageClient):
    await open_plan(client)
    symbols = await client.text_document_document_symbol_async(types.DocumentSymbolParams(text_document=document()))
    outline = [(s.name, [(step.name, [t.name for t in step.children]) for step in s.children]) for s in symbols]
    assert outline == [
        (
            "pull_request_assistant",
            [("feedback_process", ["code_review", "cognition_audit"]), ("find_and_fix", ["red_team"])],
        )
    ]


async def complete(client: LanguageClient, position: types.Position) -> list:
    answer = await client.text_document_completion_async(
        types.CompletionParams(text_document=document(), position=position)
    )
    return answer.items


async def test_completion_after_a_slot_binding_offers_its_definitions(client: LanguageClient):
    await open_plan(client)
    start = at("outcomes")
    await edit(client, start, at("outcomes", offset=len("outcomes")), "")
    items = await complete(client, start)
    assert sorted(item.label for item in items) == ["informed", "outcomes", "reasons", "reasons_informed", "verifier"]
    assert all(item.kind == types.CompletionItemKind.Function for item in items)


async def test_completion_offers_failure_modes_after_addresses_and_keywords_by_block(client: LanguageClient):
    await open_plan(client)
    after_comma = at("distribution_shift, deception", offset=len("distribution_shift, "))
    labels = {item.label for item in await complete(client, after_comma)}
    assert {"deception", "hidden_knowledge", "sycophancy"} <= labels and "training.output_good" not in labels
    in_technique = at("fixes training_data")
    labels = {item.label for item in await complete(client, in_technique)}
    assert labels == {"addresses", "status", "evidence", "fixes", "backs_up", "feedback_source"}
    # A partial dotted name is replaced whole.
    line = LINES.index("        good_feedback = outcomes")
    typed = "\n        assume hidden_knowledge: training.out"
    await edit(client, types.Position(line=line, character=32), types.Position(line=line, character=32), typed)
    items = await complete(client, types.Position(line=line + 1, character=len(typed) - 1))
    output_good = next(item for item in items if item.label == "training.output_good")
    assert output_good.text_edit.range.start.character == len("        assume hidden_knowledge: ")


async def actions_at(client: LanguageClient, position: types.Position) -> dict:
    answer = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=document(),
            range=types.Range(start=position, end=position),
            context=types.CodeActionContext(diagnostics=[]),
        )
    )
    return {action.title: action.edit.changes[URI] for action in answer}


async def test_code_actions_settle_an_open_owner_or_suppress(client: LanguageClient):
    await open_plan(client)
    actions = await actions_at(client, at("hidden_knowledge", 2, 2))
    (assume,) = actions["Assume `training.output_good = false` for `hidden_knowledge` (owner: feedback_process)"]
    assert assume.new_text == "\n        assume hidden_knowledge: training.output_good = false"
    assert "Assume `training.output_good = true` for `hidden_knowledge` (owner: find_and_fix)" in actions
    (suppress,) = actions["Suppress `AP301` (uncovered-failure-mode) on this line"]
    assert suppress.new_text == "  # alignment-plan: ignore[AP301]"
    assert suppress.range.start.line == at("hidden_knowledge", 2).line
    # Settling the owner answers AP301 and AP305; the suppression offered for AP302 silences it.
    await edit(client, assume.range.start, assume.range.end, assume.new_text)
    moved = types.Position(line=at("deception").line + 1, character=at("deception").character)
    (suppress,) = (await actions_at(client, moved))["Suppress `AP302` (misplaced-technique) on this line"]
    after = await edit(client, suppress.range.start, suppress.range.end, suppress.new_text, version=3)
    assert list(after) == []


async def test_did_you_mean_replaces_the_name(client: LanguageClient):
    text = TEXT.replace("addresses deception\n", "addresses deceptoin\n", 1)
    await open_plan(client, text)
    actions = await actions_at(client, at("deception", 1, 3))
    (replace,) = actions["Replace `deceptoin` with `deception`"]
    assert replace.new_text == "deception"
    assert replace.range == types.Range(start=at("deception"), end=at("deception", 1, len("deception")))


async def test_ranges_count_utf16_units_after_characters_outside_the_bmp(client: LanguageClient):
    line = LINES.index("            addresses deception")
    LINES_WITH_PARROT = list(LINES)
    LINES_WITH_PARROT[line] = '            addresses deceptoin # 🦜🦜 addresses deceptoin'
    LINES_WITH_PARROT[line - 1] = '        technique cognition_audit "🦜 audit" { addresses deceptoin'
    diagnostics = await open_plan(client, "\n".join(LINES_WITH_PARROT))
    typo = sorted((d for d in diagnostics if d.code == "AP102"), key=lambda d: d.range.start.line)
    # `"🦜 audit" { addresses ` is 22 code points and 23 UTF-16 units after the title's start.
    title = LINES_WITH_PARROT[line - 1].index('"')
    assert typo[0].range.start == types.Position(line=line - 1, character=title + 23)
    assert typo[0].range.end.character - typo[0].range.start.character == len("deceptoin")


async def published_for(client: LanguageClient, uri: str) -> list:
    """The next diagnostics published for `uri` (an edit republishes every open document)."""
    while (await diagnostics_published(client)).uri != uri:
        pass
    return client.diagnostics[uri]


async def test_every_position_answers_without_error(client: LanguageClient):
    """Hover, definition, completion and code actions anywhere in a half-typed plan and in
    std itself: an answer or nothing, never an error from the server."""
    await open_plan(client)
    std_uri = (await client.text_document_definition_async(
        types.DefinitionParams(text_document=document(), position=at("outcomes", offset=2))
    )).uri
    std_text = open(std_uri.removeprefix("file://"), encoding="utf-8").read()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(text_document=types.TextDocumentItem(uri=std_uri, language_id="plan", version=1, text=std_text))
    )
    assert list(await published_for(client, std_uri)) == []  # std checks clean
    half_typed = TEXT.replace("    considers deception", '    technique x "\u00e9\U0001f99c" {\n        addresses\n    considers deception', 1)
    await edit(client, types.Position(line=0, character=0), types.Position(line=len(LINES), character=0), half_typed)
    for uri, text in ((URI, half_typed), (std_uri, std_text)):
        ident = types.TextDocumentIdentifier(uri=uri)
        for number, line in enumerate(text.split("\n")):
            for character in range(0, len(line) + 1, 7):
                position = types.Position(line=number, character=character)
                await client.text_document_hover_async(types.HoverParams(text_document=ident, position=position))
                await client.text_document_definition_async(types.DefinitionParams(text_document=ident, position=position))
                await client.text_document_completion_async(types.CompletionParams(text_document=ident, position=position))
                await client.text_document_code_action_async(
                    types.CodeActionParams(
                        text_document=ident, range=types.Range(start=position, end=position),
                        context=types.CodeActionContext(diagnostics=[]),
                    )
                )
    client.text_document_did_close(types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=std_uri)))
    await published_for(client, std_uri)
    await published_for(client, URI)  # closing one document checks the others again


async def test_formatting_gives_the_canonical_file(client: LanguageClient):
    messy = TEXT.replace("    operationalize {\n        good_feedback = outcomes", "  operationalize{good_feedback=outcomes   ", 1)
    messy = messy.replace("addresses distribution_shift, deception", "addresses  distribution_shift ,deception")
    await open_plan(client, messy)
    options = types.FormattingOptions(tab_size=4, insert_spaces=True)
    (whole,) = await client.text_document_formatting_async(
        types.DocumentFormattingParams(text_document=document(), options=options)
    )
    assert whole.range.start == types.Position(line=0, character=0)
    assert whole.range.end.line == len(messy.split("\n")) - 1
    assert whole.new_text == TEXT  # the shipped plan is in canonical form
    await edit(client, whole.range.start, whole.range.end, whole.new_text)
    unchanged = await client.text_document_formatting_async(
        types.DocumentFormattingParams(text_document=document(), options=options)
    )
    assert unchanged is not None and len(unchanged) == 0
    # A buffer with a syntax error is left alone.
    await edit(client, at("considers"), at("considers"), "}", version=3)
    assert await client.text_document_formatting_async(
        types.DocumentFormattingParams(text_document=document(), options=options)
    ) is None
