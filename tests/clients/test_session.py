"""Client sessions against `planls serve` with the capabilities of VS Code, Neovim and Emacs as
pytest-lsp ships them: diagnostics, hover, go to definition, rename and formatting on
tests/clients/workspace, checked against expected/session.json.

Run: tests/clients/run.sh (or PLANLS_BIN=... tests/clients/.venv/bin/pytest tests/clients)."""

from __future__ import annotations

import asyncio

import pytest
import pytest_lsp
from conftest import (
    CLIENTS,
    EXPECTED,
    SESSION,
    Workspace,
    answer_server_requests,
    check_recorded,
    planls_binary,
)
from lsprotocol.types import (
    DefinitionParams,
    DidOpenTextDocumentParams,
    DocumentFormattingParams,
    FormattingOptions,
    HoverParams,
    InitializeParams,
    Location,
    LocationLink,
    MarkupContent,
    MessageType,
    RenameParams,
    TextDocumentEdit,
    TextDocumentIdentifier,
    TextDocumentItem,
    TextEdit,
    WorkspaceEdit,
    WorkspaceFolder,
)
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

DIAGNOSTICS_TIMEOUT = 15.0


@pytest_lsp.fixture(
    params=CLIENTS,
    config=ClientServerConfig(server_command=[planls_binary(), "serve"]),
)
async def client(lsp_client: LanguageClient, request, workspace: Workspace):
    options = SESSION["initializationOptions"]
    capabilities = client_capabilities(request.param)
    server_requests = answer_server_requests(lsp_client, capabilities)
    # The same settings for a server that pulls them with workspace/configuration.
    lsp_client.set_configuration({"planls": options})
    await lsp_client.initialize_session(
        InitializeParams(
            capabilities=capabilities,
            root_uri=workspace.uri,
            workspace_folders=[WorkspaceFolder(uri=workspace.uri, name="workspace")],
            initialization_options=options,
        )
    )
    yield
    await lsp_client.shutdown_session()
    assert server_requests.violations == [], f"the server ignored {request.param}'s capabilities"
    shown = [m.message for m in lsp_client.messages if m.type in (MessageType.Error, MessageType.Warning)]
    assert shown == [], "the server showed errors or warnings"


def open_document(client: LanguageClient, workspace: Workspace, name: str) -> None:
    client.text_document_did_open(
        DidOpenTextDocumentParams(
            text_document=TextDocumentItem(
                uri=workspace.uri_of(name),
                language_id="plan",
                version=1,
                text=workspace.text(name),
            )
        )
    )


async def wait_for_diagnostics(client: LanguageClient, workspace: Workspace, names: list[str]) -> None:
    """Until every file in `names` has had diagnostics published, or the timeout."""

    async def all_published():
        while not all(workspace.uri_of(name) in client.diagnostics for name in names):
            await client.wait_for_notification("textDocument/publishDiagnostics")

    try:
        await asyncio.wait_for(all_published(), DIAGNOSTICS_TIMEOUT)
        return
    except asyncio.TimeoutError:
        pass
    # Failed outside the `except`, so that the report is this line and not the timeout's traceback.
    published = sorted(filter(None, map(workspace.name_of, client.diagnostics)))
    pytest.fail(f"no diagnostics within {DIAGNOSTICS_TIMEOUT} s for {names}; published: {published}")


async def test_diagnostics_for_the_whole_workspace(client: LanguageClient, workspace: Workspace):
    open_document(client, workspace, SESSION["open"])
    expected = SESSION["diagnostics"]
    with_problems = [name for name, diagnostics in expected.items() if diagnostics]
    await wait_for_diagnostics(client, workspace, with_problems)
    # A publish that arrives after the last awaited one (for a file expected clean) is still seen.
    await asyncio.sleep(0.5)

    actual, messages = {}, {}
    for uri, diagnostics in client.diagnostics.items():
        name = workspace.name_of(uri)
        assert name is not None, f"diagnostics published for a file outside the workspace: {uri}"
        actual[name] = [
            {"code": d.code, "severity": int(d.severity), "range": d.range} for d in diagnostics
        ]
        messages[name] = [d.message for d in diagnostics]
    wanted = {
        name: [
            {"code": d["code"], "severity": d["severity"], "range": workspace.range(d["at"])}
            for d in diagnostics
        ]
        for name, diagnostics in expected.items()
    }
    # A file expected clean may have had an empty publish or none at all.
    actual = {name: diagnostics for name, diagnostics in actual.items() if diagnostics or wanted.get(name)}
    wanted = {name: diagnostics for name, diagnostics in wanted.items() if diagnostics}
    assert actual == wanted

    for name, diagnostics in expected.items():
        for diagnostic, message in zip(diagnostics, messages.get(name, [])):
            for word in diagnostic["message_contains"]:
                assert word in message, f"{name}: {diagnostic['code']}: {word!r} not in {message!r}"
    check_recorded("diagnostic messages", {name: m for name, m in sorted(messages.items()) if m})


async def test_hover_on_an_owner_reference(client: LanguageClient, workspace: Workspace):
    expected = SESSION["hover"]
    open_document(client, workspace, expected["at"]["file"])
    hover = await client.text_document_hover_async(
        HoverParams(
            text_document=TextDocumentIdentifier(uri=workspace.uri_of(expected["at"]["file"])),
            position=workspace.position(expected["at"]),
        )
    )
    assert hover is not None, "no hover on an owner reference"
    assert hover.range == workspace.range(expected["at"])
    assert isinstance(hover.contents, MarkupContent), f"hover contents: {hover.contents!r}"
    assert hover.contents.kind == "markdown"
    for word in expected["contains"]:
        assert word in hover.contents.value
    check_recorded("hover", hover.contents.value)


async def test_definition_in_another_file(client: LanguageClient, workspace: Workspace):
    expected = SESSION["definition"]
    open_document(client, workspace, expected["from"]["file"])
    result = await client.text_document_definition_async(
        DefinitionParams(
            text_document=TextDocumentIdentifier(uri=workspace.uri_of(expected["from"]["file"])),
            position=workspace.position(expected["from"]),
        )
    )
    assert result is not None, "no definition for an owner reference"
    results = result if isinstance(result, list) else [result]
    targets = [
        (workspace.name_of(r.uri), r.range)
        if isinstance(r, Location)
        else (workspace.name_of(r.target_uri), r.target_selection_range)
        for r in results
        if isinstance(r, (Location, LocationLink))
    ]
    assert targets == [(expected["to"]["file"], workspace.range(expected["to"]))]


def edits_by_file(workspace: Workspace, edit: WorkspaceEdit) -> dict[str, list[TextEdit]]:
    """A WorkspaceEdit as `changes` or `documentChanges`, by file name, in document order."""
    edits: dict[str, list[TextEdit]] = {}
    for uri, changes in (edit.changes or {}).items():
        edits.setdefault(workspace.name_of(uri), []).extend(changes)
    for change in edit.document_changes or []:
        assert isinstance(change, TextDocumentEdit), f"a rename should only edit text: {change!r}"
        edits.setdefault(workspace.name_of(change.text_document.uri), []).extend(change.edits)
    for changes in edits.values():
        changes.sort(key=lambda e: (e.range.start.line, e.range.start.character))
    return edits


def apply_edits(text: str, edits: list[TextEdit]) -> str:
    lines = text.split("\n")
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line) + 1)

    def offset(position) -> int:
        return offsets[position.line] + position.character  # ASCII files: characters are code units

    for edit in sorted(edits, key=lambda e: offset(e.range.start), reverse=True):
        text = text[: offset(edit.range.start)] + edit.new_text + text[offset(edit.range.end) :]
    return text


async def test_rename_an_initiative_across_files(client: LanguageClient, workspace: Workspace):
    expected = SESSION["rename"]
    open_document(client, workspace, expected["at"]["file"])
    edit = await client.text_document_rename_async(
        RenameParams(
            text_document=TextDocumentIdentifier(uri=workspace.uri_of(expected["at"]["file"])),
            position=workspace.position(expected["at"]),
            new_name=expected["newName"],
        )
    )
    assert edit is not None, "rename returned nothing"
    actual = edits_by_file(workspace, edit)
    wanted: dict[str, list[TextEdit]] = {}
    for anchor in expected["edits"]:
        wanted.setdefault(anchor["file"], []).append(
            TextEdit(range=workspace.range(anchor), new_text=expected["newName"])
        )
    assert actual == wanted

    for anchor in expected["unchanged"]:
        renamed = apply_edits(workspace.text(anchor["file"]), actual.get(anchor["file"], []))
        assert anchor["text"] in renamed, f"{anchor['file']}: rename changed {anchor['text']}"


async def test_format_a_document(client: LanguageClient, workspace: Workspace):
    expected = SESSION["formatting"]
    open_document(client, workspace, expected["file"])
    edits = await client.text_document_formatting_async(
        DocumentFormattingParams(
            text_document=TextDocumentIdentifier(uri=workspace.uri_of(expected["file"])),
            options=FormattingOptions(
                tab_size=expected["options"]["tabSize"],
                insert_spaces=expected["options"]["insertSpaces"],
            ),
        )
    )
    assert edits, "formatting an untidy file returned no edits"
    formatted = apply_edits(workspace.text(expected["file"]), edits)
    assert formatted == (EXPECTED / expected["expected"]).read_text()


def test_expected_anchors_exist(workspace: Workspace):
    """The expectations name text that is in the workspace (this runs without a server)."""
    anchors = [SESSION["hover"]["at"], SESSION["definition"]["from"], SESSION["definition"]["to"]]
    anchors += SESSION["rename"]["edits"] + SESSION["rename"]["unchanged"] + [SESSION["rename"]["at"]]
    anchors += [d["at"] for diagnostics in SESSION["diagnostics"].values() for d in diagnostics]
    for anchor in anchors:
        workspace.range(anchor)
    plan_files = sorted(p.name for p in workspace.root.glob("*.plan") if not p.name.startswith("."))
    assert sorted(SESSION["diagnostics"]) == plan_files, "every plan file has a diagnostics entry"
