"""Shared by the client-session tests: the planls binary, a fresh copy of the workspace per test,
the expectations in expected/session.json, anchors turned into LSP ranges, and the answers a client
gives to the server's own requests."""

from __future__ import annotations

import json
import os
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from lsprotocol import types
from lsprotocol.types import ClientCapabilities, Position, Range
from pytest_lsp import LanguageClient

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
WORKSPACE = HERE / "workspace"
EXPECTED = HERE / "expected"
RECORDED = EXPECTED / "recorded.json"

# The client capabilities pytest-lsp ships (pytest_lsp/clients/*.json), latest version of each.
CLIENTS = ["visual-studio-code", "neovim", "emacs"]


def planls_binary() -> str:
    """PLANLS_BIN, else the release build, else the debug build, else `planls` on PATH."""
    if explicit := os.environ.get("PLANLS_BIN"):
        return explicit
    for profile in ("release", "debug"):
        candidate = REPO / "target" / profile / "planls"
        if candidate.is_file():
            return str(candidate)
    found = shutil.which("planls")
    if found is None:
        sys.exit(
            "tests/clients: no planls binary: run `cargo build --release` or set PLANLS_BIN"
        )
    return found


SESSION = json.loads((EXPECTED / "session.json").read_text())


@dataclass
class Workspace:
    root: Path

    @property
    def uri(self) -> str:
        return self.root.as_uri()

    def uri_of(self, name: str) -> str:
        return (self.root / name).as_uri()

    def name_of(self, uri: str) -> str | None:
        """The file name of a URI inside the workspace, or None for one outside it."""
        prefix = self.uri + "/"
        return uri[len(prefix) :] if uri.startswith(prefix) else None

    def text(self, name: str) -> str:
        return (self.root / name).read_text()

    def range(self, anchor: dict) -> Range:
        """The range of `anchor["text"]`: its first occurrence at or after `anchor["after"]`."""
        text = self.text(anchor["file"])
        start = 0
        if "after" in anchor:
            start = text.index(anchor["after"])
        offset = text.index(anchor["text"], start)
        return Range(
            start=position_of(text, offset),
            end=position_of(text, offset + len(anchor["text"])),
        )

    def position(self, anchor: dict) -> Position:
        """A position inside the anchor (its second character), as a cursor would be."""
        start = self.range(anchor).start
        return Position(line=start.line, character=start.character + 1)


def position_of(text: str, offset: int) -> Position:
    """An LSP position (UTF-16 code units) for a character offset."""
    line = text.count("\n", 0, offset)
    line_start = text.rfind("\n", 0, offset) + 1
    return Position(
        line=line,
        character=len(text[line_start:offset].encode("utf-16-le")) // 2,
    )


@pytest.fixture
def workspace(tmp_path: Path) -> Workspace:
    """A copy of tests/clients/workspace, so that nothing a test does reaches the repository."""
    root = tmp_path / "workspace"
    shutil.copytree(WORKSPACE, root)
    return Workspace(root)


def recorded() -> dict:
    return json.loads(RECORDED.read_text()) if RECORDED.is_file() else {}


_recorded_now: dict = {}


def check_recorded(key: str, actual) -> None:
    """Compares free text with expected/recorded.json; PLANLS_UPDATE_EXPECTED=1 writes it."""
    if os.environ.get("PLANLS_UPDATE_EXPECTED") == "1":
        # Every client must get the same text: the first one records it, the others compare.
        if key in _recorded_now:
            assert actual == _recorded_now[key], f"clients disagree on {key!r}"
            return
        _recorded_now[key] = actual
        data = recorded()
        data[key] = actual
        RECORDED.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")
        return
    data = recorded()
    assert key in data, (
        f"no recorded expectation for {key!r} in {RECORDED}: run the tests once with "
        "PLANLS_UPDATE_EXPECTED=1, review the file and commit it"
    )
    assert actual == data[key]



# The server's requests that a client may refuse unless it offered them, and where the offer is.
REFRESHES = {
    types.WORKSPACE_SEMANTIC_TOKENS_REFRESH: lambda w: w.semantic_tokens,
    types.WORKSPACE_INLAY_HINT_REFRESH: lambda w: w.inlay_hint,
    types.WORKSPACE_CODE_LENS_REFRESH: lambda w: w.code_lens,
}
DYNAMIC_REGISTRATIONS = {
    types.WORKSPACE_DID_CHANGE_WATCHED_FILES: lambda w: w.did_change_watched_files,
    types.WORKSPACE_DID_CHANGE_CONFIGURATION: lambda w: w.did_change_configuration,
}


@dataclass
class ServerRequests:
    """What the server asked of the client, and what it asked without the client offering it."""

    registrations: list[str] = field(default_factory=list)
    refreshes: list[str] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)


def answer_server_requests(client: LanguageClient, capabilities: ClientCapabilities) -> ServerRequests:
    """Answers client/registerCapability and the workspace/*/refresh requests with null, as an
    editor does (pygls would refuse them with "method not found"), and records each one that
    `capabilities` do not allow. pytest-lsp already answers workspace/configuration from
    `set_configuration`."""
    seen = ServerRequests()
    workspace = capabilities.workspace or types.WorkspaceClientCapabilities()

    @client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register_capability(params: types.RegistrationParams) -> None:
        for registration in params.registrations:
            offer = DYNAMIC_REGISTRATIONS.get(registration.method, lambda _: None)(workspace)
            if not (offer and offer.dynamic_registration):
                seen.violations.append(
                    f"client/registerCapability for {registration.method}, which this client "
                    "does not register dynamically"
                )
            seen.registrations.append(registration.method)

    def refresh(method: str):
        def answer(params: None) -> None:
            offer = REFRESHES[method](workspace)
            if not (offer and offer.refresh_support):
                seen.violations.append(f"{method}, which this client does not support")
            seen.refreshes.append(method)

        return answer

    for method in REFRESHES:
        client.feature(method)(refresh(method))
    return seen
