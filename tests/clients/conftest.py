"""Shared by the client-session tests: the planls binary, a fresh copy of the workspace per test,
the expectations in expected/session.json, and anchors turned into LSP ranges."""

from __future__ import annotations

import json
import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from lsprotocol.types import Position, Range

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


def check_recorded(key: str, actual) -> None:
    """Compares free text with expected/recorded.json; PLANLS_UPDATE_EXPECTED=1 writes it."""
    if os.environ.get("PLANLS_UPDATE_EXPECTED") == "1":
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
