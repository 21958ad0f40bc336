"""A real VS Code (code-server) in headless Chromium, with the planls extension and the release server.

    python tests/vscode/session.py --code-server PATH --vsix planls-0.1.0.vsix \
        --planls target/release/planls --artifacts target/ci-artifacts/vscode

Installs the .vsix into a fresh code-server profile, opens a copy of examples/broken (with one
more file that refers to a person of another file), and checks what a user sees, from the DOM:
the status bar's counts of errors and warnings (those of `planls check` on the same folder), the
rows of the Problems panel (code, message, line and column), the hover of an owner reference and
go to definition into another file. Every wait is bounded; a screenshot of each step, and of the
moment a check failed, goes to the artifacts folder. Exits 1 with what differed.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, TimeoutException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

REPO = Path(__file__).resolve().parents[2]
TODAY = "2027-01-04"
# Waits: the first start of the workbench and the server's first analysis, then each answer.
STARTUP_S = 120
ANSWER_S = 30

# A file that refers to a person defined in references.plan, for go to definition into another
# file (each file of examples/broken stands alone). It adds no diagnostic.
EXTRA_NAME = "onboarding.plan"
EXTRA_TEXT = """# Refers to a person of references.plan: go to definition jumps there.
initiative onboarding "Onboarding guide" {
  owner: @ravi
  team: identity
  duration: 1w
}
"""

# Rows of the Problems panel that must be there, each found with the panel's filter: a file that
# stays as it is (references.plan), its codes, messages in the user's words, lines and columns.
PROBLEM_ROWS = [
    {
        "filter": "names nobody",
        "code": "unresolved-reference",
        "message": "`@rav` names nobody in the workspace; did you mean `@ravi`?",
        "where": "[Ln 14, Col 11]",
    },
    {
        "filter": "is a team, but `owner` takes a person",
        "code": "wrong-kind",
        "message": "`identity` is a team, but `owner` takes a person",
        "where": "[Ln 38, Col 11]",
    },
]


class Failed(Exception):
    pass


class Session:
    def __init__(self, driver: webdriver.Chrome, artifacts: Path):
        self.driver = driver
        self.artifacts = artifacts
        self.shots = 0
        self.failures: list[str] = []
        self.checked = 0

    def screenshot(self, name: str) -> None:
        self.shots += 1
        path = self.artifacts / f"{self.shots:02d}-{name}.png"
        try:
            self.driver.save_screenshot(str(path))
        except WebDriverException as error:  # a screenshot must never hide the real failure
            print(f"could not save {path}: {error}", file=sys.stderr)

    def check(self, condition: bool, message: str) -> bool:
        self.checked += 1
        if not condition:
            self.failures.append(message)
            print(f"FAILED: {message}", file=sys.stderr)
        return condition

    def wait_for(self, what: str, predicate, timeout: float = ANSWER_S):
        """Polls `predicate` (a falsy value or a stale element means not yet) until it holds."""

        def attempt(_driver):
            try:
                return predicate()
            except StaleElementReferenceException:
                return None

        try:
            return WebDriverWait(self.driver, timeout, poll_frequency=0.2).until(attempt)
        except TimeoutException:
            raise Failed(f"{what}: not within {timeout} s") from None

    def find(self, css: str):
        return self.driver.find_elements(By.CSS_SELECTOR, css)

    def visible(self, css: str):
        return [e for e in self.find(css) if e.is_displayed()]

    def keys(self, *keys: str) -> None:
        """Types into whatever has the focus, as a user at the keyboard."""
        webdriver.ActionChains(self.driver).send_keys(*keys).perform()

    def chord(self, modifier: str, key: str) -> None:
        webdriver.ActionChains(self.driver).key_down(modifier).send_keys(key).key_up(modifier).perform()

    def run_command(self, title: str) -> None:
        """Runs a command from the palette (F1) by its title."""
        self.keys(Keys.F1)
        box = self.wait_for("the command palette", lambda: self.visible(".quick-input-widget input"))[0]
        box.send_keys(title)
        self.wait_for(
            f"`{title}` in the command palette",
            lambda: any(title in row.text for row in self.visible(".quick-input-list .monaco-list-row")),
        )
        box.send_keys(Keys.ENTER)

    def open_file(self, name: str) -> None:
        """Opens a file of the folder from the Explorer, as a double click on its name does."""

        def row():
            for element in self.visible(".explorer-folders-view .monaco-list-row"):
                if element.text.strip() == name:
                    return element
            return None

        # A double click opens the file for good (not as a preview) and gives its editor the focus.
        webdriver.ActionChains(self.driver).double_click(self.wait_for(f"{name} in the Explorer", row)).perform()
        try:
            self.wait_for(f"{name} in the active tab", lambda: self.active_tab() == name)
        except Failed as failure:
            tabs = [t.get_attribute("aria-label") for t in self.find(".tabs-container .tab")]
            raise Failed(f"{failure}; tabs: {tabs!r}") from None
        self.wait_for(f"the editor of {name} has the focus", lambda: self.visible(".editor-instance .monaco-editor.focused"))

    def active_tab(self) -> str:
        tabs = self.visible(".tabs-container .tab.active")
        return (tabs[0].get_attribute("data-resource-name") or "") if tabs else ""

    def go_to(self, line: int, column: int) -> None:
        self.run_command("Go to Line/Column")
        box = self.wait_for("the Go to Line box", lambda: self.visible(".quick-input-widget input"))[0]
        box.send_keys(f"{line}:{column}", Keys.ENTER)
        self.wait_for(f"the cursor at {line}:{column}", lambda: self.cursor() == f"Ln {line}, Col {column}")

    def cursor(self) -> str:
        items = self.visible("#status\\.editor\\.selection")
        return items[0].text.strip() if items else ""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def expected_counts(planls: Path, folder: Path) -> dict[str, int]:
    """What `planls check` finds in the folder, by severity: the status bar must say the same."""
    result = subprocess.run(
        [str(planls), "check", str(folder), "--format", "json", "--today", TODAY],
        capture_output=True,
        text=True,
        check=False,
    )
    counts = {"error": 0, "warning": 0, "info": 0, "hint": 0}
    for diagnostic in json.loads(result.stdout):
        counts[diagnostic["severity"]] += 1
    return counts


def check_status_bar(s: Session, counts: dict[str, int]) -> None:
    # VS Code's status bar counts errors, warnings and infos (not hints): "Errors: 25, Warnings: 11".
    want = {"Errors": counts["error"], "Warnings": counts["warning"], "Infos": counts["info"]}

    def label():
        items = s.visible("#status\\.problems")
        text = items[0].get_attribute("aria-label") if items else ""
        shown = {name: int(number) for name, number in re.findall(r"(Errors|Warnings|Infos): (\d+)", text or "")}
        shown.setdefault("Infos", 0)
        return text if shown == want else None

    try:
        s.wait_for(f"status bar {want}", label, STARTUP_S)
    except Failed as failure:
        items = s.visible("#status\\.problems")
        actual = items[0].get_attribute("aria-label") if items else "no problems item"
        raise Failed(f"{failure}; it says {actual!r}") from None
    s.screenshot("status-bar-counts")


def check_problems(s: Session) -> None:
    s.run_command("View: Focus Problems (Errors, Warnings, Infos)")
    s.wait_for("the Problems panel", lambda: s.visible(".markers-panel"))
    for row in PROBLEM_ROWS:
        box = s.wait_for("the Problems filter", lambda: s.visible(".viewpane-filter input, .markers-panel-action-filter input"))[0]
        box.send_keys(Keys.CONTROL, "a")
        box.send_keys(row["filter"])

        def marker_rows():
            rows = [r.text for r in s.visible(".markers-panel .monaco-list-row")]
            markers = [text for text in rows if row["where"] in text]
            return markers or None

        try:
            texts = s.wait_for(f"the Problems row of {row['code']}", marker_rows)
        except Failed as failure:
            s.screenshot(f"problems-{row['code']}-missing")
            rows = [r.text for r in s.visible(".markers-panel .monaco-list-row")]
            s.check(False, f"{failure}; rows: {rows!r}")
            continue
        s.screenshot(f"problems-{row['code']}")
        text = " ".join(texts[0].split())
        for part in (row["message"], row["code"], "planls", row["where"]):
            s.check(part in text, f"the Problems row {text!r} shows {part!r}")
    box = s.visible(".viewpane-filter input, .markers-panel-action-filter input")
    if box:
        box[0].send_keys(Keys.CONTROL, "a")
        box[0].send_keys(Keys.BACKSPACE)


def check_hover(s: Session) -> None:
    # references.plan line 7: `  owner: @ravi` in initiative sso.
    s.open_file("references.plan")
    s.go_to(7, 12)
    s.run_command("Show or Focus Hover")

    def hover_text():
        hovers = s.visible(".monaco-hover .hover-contents, .monaco-hover .rendered-markdown")
        text = " ".join(h.text for h in hovers)
        return text if "Ravi Shankar" in text else None

    try:
        text = s.wait_for("a hover on @ravi that names Ravi Shankar", hover_text)
    except Failed as failure:
        s.screenshot("hover-missing")
        hovers = [h.text for h in s.visible(".monaco-hover")]
        raise Failed(f"{failure}; hovers shown: {hovers!r}") from None
    s.screenshot("hover-owner")
    for part in ("person", "Ravi Shankar", "identity"):
        s.check(part in text, f"the hover {text!r} mentions {part!r}")
    s.keys(Keys.ESCAPE)


def check_definition(s: Session) -> None:
    s.open_file(EXTRA_NAME)
    s.go_to(3, 12)  # `  owner: @ravi`
    s.run_command("Go to Definition")
    try:
        s.wait_for("the definition opens references.plan", lambda: s.active_tab() == "references.plan")
        # `person ravi "Ravi Shankar"` is line 4; the name starts in column 8.
        s.wait_for("the cursor on the definition", lambda: s.cursor() == "Ln 4, Col 8")
    except Failed as failure:
        s.screenshot("definition-missing")
        raise Failed(f"{failure}; active tab {s.active_tab()!r}, cursor {s.cursor()!r}") from None
    s.screenshot("definition")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--code-server", required=True, type=Path)
    parser.add_argument("--vsix", required=True, type=Path)
    parser.add_argument("--planls", required=True, type=Path)
    parser.add_argument("--artifacts", required=True, type=Path)
    parser.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    parser.add_argument("--chromedriver", default=shutil.which("chromedriver") or "/usr/bin/chromedriver")
    args = parser.parse_args()

    planls = args.planls.resolve()
    shutil.rmtree(args.artifacts, ignore_errors=True)
    args.artifacts.mkdir(parents=True)
    scratch = Path(tempfile.mkdtemp(prefix="planls-vscode-"))
    folder = scratch / "broken"
    shutil.copytree(REPO / "examples" / "broken", folder)
    (folder / EXTRA_NAME).write_text(EXTRA_TEXT)
    counts = expected_counts(planls, folder)

    profile = scratch / "profile"
    extensions = scratch / "extensions"
    settings = profile / "User" / "settings.json"
    settings.parent.mkdir(parents=True)
    settings.write_text(
        json.dumps(
            {
                "planls.server.path": str(planls),
                "planls.today": TODAY,
                "workbench.startupEditor": "none",
                "workbench.tips.enabled": False,
                "workbench.enableExperiments": False,
                "workbench.secondarySideBar.defaultVisibility": "hidden",
                "chat.disableAIFeatures": True,
                "security.workspace.trust.enabled": False,
                "extensions.ignoreRecommendations": True,
                "telemetry.telemetryLevel": "off",
                "update.mode": "none",
            },
            indent=2,
        )
    )
    common = [
        str(args.code_server),
        *("--config", str(scratch / "config.yaml")),  # not ~/.config/code-server
        *("--user-data-dir", str(profile)),
        *("--extensions-dir", str(extensions)),
    ]
    install = subprocess.run(
        [*common, "--install-extension", str(args.vsix.resolve())], capture_output=True, text=True, timeout=300
    )
    print(install.stdout.strip())
    if install.returncode != 0 or "planls" not in install.stdout:
        print(f"code-server --install-extension failed:\n{install.stderr}", file=sys.stderr)
        return 1

    port = free_port()
    log = open(args.artifacts / "code-server.log", "w")
    server = subprocess.Popen(
        [
            *common,
            "--bind-addr",
            f"127.0.0.1:{port}",
            "--auth",
            "none",
            "--disable-telemetry",
            "--disable-update-check",
            "--disable-workspace-trust",
            "--disable-getting-started-override",
            str(folder),
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, "PLANLS_LOG": "info"},
    )
    options = webdriver.ChromeOptions()
    options.binary_location = args.chromium
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1600,1000", "--disable-gpu"):
        options.add_argument(flag)
    driver = None
    session = None
    started = time.monotonic()
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise Failed(f"code-server did not listen on port {port}; see {args.artifacts}/code-server.log")
                time.sleep(0.2)
        driver = webdriver.Chrome(service=Service(args.chromedriver), options=options)
        session = Session(driver, args.artifacts)
        driver.get(f"http://127.0.0.1:{port}/?folder={folder}")
        session.wait_for("the workbench", lambda: session.visible(".monaco-workbench .part.statusbar"), STARTUP_S)
        session.wait_for("the Explorer lists the folder", lambda: session.visible(".explorer-folders-view .monaco-list-row"), STARTUP_S)
        session.screenshot("workbench")
        for step in (lambda: check_status_bar(session, counts), lambda: check_problems(session), lambda: check_hover(session), lambda: check_definition(session)):
            try:
                step()
                session.check(True, "")
            except Failed as failure:
                session.screenshot("failed")
                session.check(False, str(failure))
    except Failed as failure:
        if session:
            session.screenshot("failed")
        print(f"FAILED: {failure}", file=sys.stderr)
        return 1
    finally:
        if driver:
            driver.quit()
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
        shutil.rmtree(scratch, ignore_errors=True)
    elapsed = time.monotonic() - started
    if session.failures:
        print(
            f"tests/vscode/session.py: {len(session.failures)} of {session.checked} checks failed"
            f" in {elapsed:.0f} s; screenshots in {args.artifacts}",
            file=sys.stderr,
        )
        return 1
    print(
        f"tests/vscode/session.py: {session.checked} checks passed (status bar, Problems rows, hover, definition)"
        f" in {elapsed:.0f} s; screenshots in {args.artifacts}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
