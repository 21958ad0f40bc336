#!/usr/bin/env python3
"""Load test of `planls serve` over stdio, as an editor under a fast typist drives it.

Generates a workspace (`planls generate --initiatives 10000 --seed 1`), starts the server on it,
opens one work file and types into it: 100 incremental `didChange` notifications a second for
10 s (characters typed and deleted in titles, in a comment, in a duration, and in a `depends_on`
ID, so that a reference breaks and heals), with a `textDocument/hover` on an owner reference every
100 ms, some of them cancelled at once with `$/cancelRequest`. Then it checks that:

- every hover was answered (a result, or RequestCancelled -32800 for a cancelled one) within
  --hover-timeout, each result being the hover of the person under the cursor, and the p99
  latency is under --p99-limit;
- the diagnostics of the final state, once published, equal `planls check --format json` of the
  final texts (written to a copy of the workspace): code, severity, range and message per file;
- memory returns: a few seconds after the typing, the resident set (VmRSS) is at most
  --rss-limit (1.2) times what it was after the first analysis: the server gives freed memory
  back to the system once it has been idle for a second (malloc_trim). The live heap, which the
  binary built from examples/live_heap.rs reports (it needs `--features mimalloc`; run with
  --planls target/release/examples/live_heap), must be within --live-tolerance of the start;
- the server read every change at once (no write to its input blocked for long) and published the
  final diagnostics within --hover-timeout of the last change;
- the server exits 0 after `shutdown` and `exit`.

It prints a summary of the figures and exits 0 when every check holds, 1 otherwise. Only the
Python standard library is used. docs/performance.md ("Under load") has the figures measured.

    cargo build --release
    python3 tests/load/load.py                      # target/release/planls, or PLANLS_BIN
    python3 tests/load/load.py --planls path/to/planls --seconds 30 --keep
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent.parent
TODAY = "2027-01-04"
REQUEST_CANCELLED = -32800
SEVERITY = {"error": 1, "warning": 2, "info": 3, "hint": 4}
LINE_BREAK = re.compile(r"\r\n|\r|\n")


def now() -> float:
    return time.monotonic()


# --- The protocol client ------------------------------------------------------------------------


@dataclass
class Pending:
    """A request sent and, once it arrives, its response."""

    method: str
    sent: float
    response: dict | None = None
    received: float | None = None
    done: threading.Event = field(default_factory=threading.Event)


@dataclass
class Published:
    version: int | None
    diagnostics: list
    received: float


class Client:
    """A JSON-RPC client over the server's stdin and stdout. One thread reads every message; the
    caller's thread writes. Requests from the server are answered as a plain editor answers them."""

    def __init__(self, command: list[str], log: Path, env: dict[str, str]):
        self.log_path = log
        self.log = open(log, "wb")
        self.process = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.log,
            env=env,
        )
        self.write_lock = threading.Lock()
        self.state = threading.Condition()
        self.pending: dict[int, Pending] = {}
        self.published: dict[str, Published] = {}
        self.publishes = 0
        self.last_publish = 0.0
        # What the server showed the user: nothing is expected.
        self.shown: list[str] = []
        self.next_id = 0
        self.longest_write = 0.0
        self.closed = False
        self.reader = threading.Thread(target=self._read, name="lsp-reader", daemon=True)
        self.reader.start()

    # Writing.

    def _send(self, message: dict) -> None:
        body = json.dumps(message, separators=(",", ":")).encode()
        frame = b"Content-Length: %d\r\n\r\n" % len(body) + body
        with self.write_lock:
            started = now()
            try:
                self.process.stdin.write(frame)
                self.process.stdin.flush()
            except (BrokenPipeError, ValueError) as error:
                raise Failure(f"cannot write to the server ({error}): it has exited "
                              f"with status {self.process.poll()}") from None
            # A write blocks only when the pipe is full: when the server stopped reading.
            self.longest_write = max(self.longest_write, now() - started)

    def request(self, method: str, params) -> int:
        with self.state:
            self.next_id += 1
            request_id = self.next_id
            pending = Pending(method, now())
            self.pending[request_id] = pending
        message = {"jsonrpc": "2.0", "id": request_id, "method": method}
        if params is not None:
            message["params"] = params
        self._send(message)
        # The time the request was handed to the server, not when it was made.
        pending.sent = now()
        return request_id

    def notify(self, method: str, params=None) -> None:
        message = {"jsonrpc": "2.0", "method": method}
        if params is not None:
            message["params"] = params
        self._send(message)

    def call(self, method: str, params, timeout: float) -> dict:
        request_id = self.request(method, params)
        pending = self.pending[request_id]
        if not pending.done.wait(timeout):
            raise Failure(f"no answer to {method} within {timeout:g} s")
        if pending.response is None:
            raise Failure(f"the server's output ended before it answered {method}")
        return pending.response

    # Reading.

    def _read_message(self) -> dict | None:
        stream = self.process.stdout
        length = None
        while True:
            line = stream.readline()
            if not line:
                return None
            line = line.strip()
            if not line:
                if length is None:
                    continue
                break
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value.strip())
        body = stream.read(length)
        if len(body) < length:
            return None
        return json.loads(body)

    def _read(self) -> None:
        try:
            while (message := self._read_message()) is not None:
                self._dispatch(message, now())
        finally:
            with self.state:
                self.closed = True
                self.state.notify_all()
                for pending in self.pending.values():
                    pending.done.set()

    def _dispatch(self, message: dict, received: float) -> None:
        method = message.get("method")
        if "id" in message and method is None:
            with self.state:
                pending = self.pending.get(message["id"])
            if pending is not None:
                pending.response = message
                pending.received = received
                pending.done.set()
        elif method is not None and "id" in message:
            # A request from the server. This client offers no dynamic registration, pulled
            # configuration or progress, so none is expected; answer as an editor would.
            result = None
            if method == "workspace/configuration":
                result = [None for _ in message.get("params", {}).get("items", [])]
            self._send({"jsonrpc": "2.0", "id": message["id"], "result": result})
        elif method == "textDocument/publishDiagnostics":
            params = message["params"]
            with self.state:
                self.published[params["uri"]] = Published(
                    params.get("version"), params["diagnostics"], received
                )
                self.publishes += 1
                self.last_publish = received
                self.state.notify_all()
        elif method == "window/showMessage":
            self.shown.append(message["params"].get("message", ""))

    def wait(self, predicate, timeout: float) -> bool:
        """Waits until `predicate()` holds (checked under the state's lock) or the server's output
        ends; whether it holds."""
        deadline = now() + timeout
        with self.state:
            while not predicate():
                remaining = deadline - now()
                if remaining <= 0 or self.closed:
                    return predicate()
                self.state.wait(min(remaining, 0.05))
            return True

    def wait_quiet(self, quiet: float, timeout: float) -> bool:
        """Waits until no diagnostics have been published for `quiet` seconds."""
        return self.wait(lambda: now() - self.last_publish >= quiet, timeout)

    def stderr_tail(self, lines: int = 40) -> str:
        self.log.flush()
        text = self.log_path.read_text(errors="replace").splitlines()
        return "\n".join(text[-lines:])


class Failure(Exception):
    pass


# --- Memory -------------------------------------------------------------------------------------


def rss_kib(pid: int) -> int:
    """The resident set of a process, in KiB (VmRSS in /proc/PID/status)."""
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise Failure(f"no VmRSS in /proc/{pid}/status")


def mib(kib: float) -> str:
    return f"{kib / 1024:.1f} MiB"


class Memory(threading.Thread):
    """The server's memory at named moments, and the peak of its resident set, sampled every 50 ms
    until `stop` is set. The live heap is read from the file examples/live_heap.rs writes, when the
    binary is that one; else it is None."""

    def __init__(self, pid: int, live_file: Path):
        super().__init__(name="memory-sampler", daemon=True)
        self.pid = pid
        self.live_file = live_file
        self.points: dict[str, tuple[int, int | None]] = {}
        self.peak = 0
        self.stop = threading.Event()

    def live_kib(self) -> int | None:
        try:
            return int(self.live_file.read_text()) // 1024
        except (OSError, ValueError):
            return None

    def read(self, name: str) -> None:
        self.points[name] = (rss_kib(self.pid), self.live_kib())

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                self.peak = max(self.peak, rss_kib(self.pid))
            except (OSError, Failure):
                return
            self.stop.wait(0.05)


# --- The text being typed -----------------------------------------------------------------------


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


class Buffer:
    """The client's copy of the open document, which every change edits as the server's does."""

    def __init__(self, text: str):
        self.text = text

    def position(self, offset: int) -> dict:
        line = self.text.count("\n", 0, offset)
        start = self.text.rfind("\n", 0, offset) + 1
        return {"line": line, "character": utf16_len(self.text[start:offset])}

    def insert(self, offset: int, text: str) -> dict:
        at = self.position(offset)
        self.text = self.text[:offset] + text + self.text[offset:]
        return {"range": {"start": at, "end": at}, "text": text}

    def delete(self, offset: int, length: int) -> dict:
        change = {
            "range": {"start": self.position(offset), "end": self.position(offset + length)},
            "text": "",
        }
        self.text = self.text[:offset] + self.text[offset + length :]
        return change


class Anchor:
    """A place in the buffer found by a pattern, re-found before each keystroke (other edits move
    it). `group` selects the part of the match the keystrokes work at."""

    def __init__(self, buffer: Buffer, pattern: str, nth: int, group: int):
        self.buffer = buffer
        self.pattern = re.compile(pattern, re.MULTILINE)
        matches = list(self.pattern.finditer(buffer.text))
        if len(matches) <= nth:
            raise Failure(f"the work file has no match {nth} of {pattern!r}")
        # Found by the text before the part that is edited, which the edits leave alone.
        self.line = buffer.text.count("\n", 0, matches[nth].start())
        self.group = group

    def span(self) -> tuple[int, int]:
        text = self.buffer.text
        start = 0
        for _ in range(self.line):
            start = text.index("\n", start) + 1
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        match = self.pattern.search(text, start, end)
        if match is None:
            raise Failure(f"line {self.line + 1} no longer matches {self.pattern.pattern!r}")
        return match.span(self.group)


class Typist:
    """Single-keystroke changes at places of the work file, each applied to the buffer as it is
    made. The last three delete the end of a `depends_on` ID and leave the reference broken, on
    line `broken_line` (0-based), so that the final state differs from the disk in its
    diagnostics too."""

    def __init__(self, buffer: Buffer):
        self.buffer = buffer
        self.titles = [Anchor(buffer, r'^initiative \w+ "([^"]*)"', n, 1) for n in (0, 5, 11)]
        self.comment = Anchor(buffer, r"^# Stream: (.*)$", 1, 1)
        self.durations = [Anchor(buffer, r"^  duration: (\d+)[dw]\b", n, 1) for n in (2, 9)]
        self.depends = [Anchor(buffer, r"^  depends_on: (\w+)", n, 1) for n in (0, 4, 8)]
        self.broken_line = self.depends[0].line
        # Hovered, never edited.
        self.owner = Anchor(buffer, r"^  owner: @(\w+)", 3, 1)
        self.person = buffer.text[slice(*self.owner.span())]

    def keystrokes(self, count: int):
        """`count` changes; the last three break a reference."""
        stream = self._actions()
        for _ in range(count - 3):
            yield next(stream)
        for _ in range(3):
            yield self._delete_before(self.depends[0])

    def _insert_after(self, anchor: Anchor, char: str) -> dict:
        return self.buffer.insert(anchor.span()[1], char)

    def _delete_before(self, anchor: Anchor) -> dict:
        return self.buffer.delete(anchor.span()[1] - 1, 1)

    def _type_and_delete(self, anchor: Anchor, word: str, kept: str = ""):
        """Types `word` at the end of the anchor's text, deletes it again, then types `kept`."""
        for char in word:
            yield self._insert_after(anchor, char)
        for _ in word:
            yield self._delete_before(anchor)
        for char in kept:
            yield self._insert_after(anchor, char)

    def _break_and_heal(self, anchor: Anchor, cut: int):
        """Deletes the last `cut` characters of an ID (the reference breaks), types a wrong one,
        deletes it, and types the deleted ones back (the reference heals)."""
        end = anchor.span()[1]
        removed = self.buffer.text[end - cut : end]
        for _ in range(cut):
            yield self._delete_before(anchor)
        yield self._insert_after(anchor, "q")
        yield self._delete_before(anchor)
        for char in removed:
            yield self._insert_after(anchor, char)

    def _actions(self):
        round_ = 0
        while True:
            yield from self._type_and_delete(self.titles[round_ % 3], " (draft)", kept="x")
            yield from self._break_and_heal(self.depends[round_ % 3], 1 + round_ % 3)
            yield from self._type_and_delete(self.comment, " - todo: ask the team", kept=".")
            yield from self._type_and_delete(self.durations[round_ % 2], "1")
            yield from self._break_and_heal(self.depends[(round_ + 1) % 3], 2)
            round_ += 1


# --- The check of the final texts ---------------------------------------------------------------


def lsp_position(lines: list[str], line: int, column: int) -> tuple[int, int]:
    """A 1-based line and character column of `planls check` as a 0-based UTF-16 LSP position."""
    text = lines[line - 1] if line - 1 < len(lines) else ""
    return line - 1, utf16_len(text[: column - 1])


def expected_diagnostics(planls: str, folder: Path) -> dict[str, list[tuple]]:
    """`planls check --format json` of `folder`, by path relative to it, in LSP terms."""
    run = subprocess.run(
        [planls, "check", "--format", "json", "--today", TODAY, "."],
        cwd=folder,
        capture_output=True,
        timeout=120,
    )
    if run.returncode not in (0, 1):
        raise Failure(f"planls check exited {run.returncode}: {run.stderr.decode()[-2000:]}")
    lines_of: dict[str, list[str]] = {}
    found: dict[str, list[tuple]] = {}
    for diagnostic in json.loads(run.stdout):
        path = os.path.normpath(diagnostic["file"])
        if path not in lines_of:
            lines_of[path] = LINE_BREAK.split((folder / path).read_text())
        lines = lines_of[path]
        start = lsp_position(lines, diagnostic["line"], diagnostic["column"])
        end = lsp_position(lines, diagnostic["end_line"], diagnostic["end_column"])
        found.setdefault(path, []).append(
            (
                diagnostic["code"],
                SEVERITY[diagnostic["severity"]],
                start,
                end,
                diagnostic["message"],
            )
        )
    return {path: sorted(items) for path, items in found.items()}


def published_diagnostics(client: Client, root: Path) -> dict[str, list[tuple]]:
    found: dict[str, list[tuple]] = {}
    for uri, published in client.published.items():
        path = Path(urllib.parse.unquote(urllib.parse.urlparse(uri).path))
        relative = os.path.relpath(os.path.realpath(path), root)
        items = [
            (
                d.get("code"),
                d.get("severity"),
                (d["range"]["start"]["line"], d["range"]["start"]["character"]),
                (d["range"]["end"]["line"], d["range"]["end"]["character"]),
                d["message"],
            )
            for d in published.diagnostics
        ]
        if items:
            found[relative] = sorted(items)
    return found


def differences(expected: dict, actual: dict, limit: int = 10) -> list[str]:
    lines = []
    for path in sorted(set(expected) | set(actual)):
        want, got = expected.get(path, []), actual.get(path, [])
        if want == got:
            continue
        missing = [d for d in want if d not in got]
        extra = [d for d in got if d not in want]
        lines.append(f"{path}: {len(want)} expected, {len(got)} published")
        lines += [f"  only in planls check: {d}" for d in missing[:3]]
        lines += [f"  only in the server's: {d}" for d in extra[:3]]
        if len(lines) > limit * 4:
            lines.append("  ...")
            break
    return lines


# --- Figures ------------------------------------------------------------------------------------


def percentile(values: list[float], p: float) -> float:
    """The nearest-rank percentile: the smallest value with at least p% of values at or below."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 10 else f"{seconds:.1f} s"


# --- The session --------------------------------------------------------------------------------


def planls_binary() -> str:
    if explicit := os.environ.get("PLANLS_BIN"):
        return explicit
    return str(REPO / "target" / "release" / "planls")


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--planls", default=planls_binary(),
                        help="the server binary (default: PLANLS_BIN, else target/release/planls)")
    parser.add_argument("--initiatives", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--file", default="work/050.plan",
                        help="the work file to type into, relative to the workspace")
    parser.add_argument("--seconds", type=float, default=10.0, help="how long to type")
    parser.add_argument("--rate", type=int, default=100, help="changes a second")
    parser.add_argument("--hover-ms", type=int, default=100, help="a hover every so many ms")
    parser.add_argument("--cancel-every", type=int, default=5,
                        help="cancel every Nth hover right after sending it (0: never)")
    parser.add_argument("--hover-timeout", type=float, default=5.0,
                        help="the longest a hover (or the final diagnostics) may take, in seconds")
    parser.add_argument("--p99-limit", type=float, default=2.0,
                        help="the highest p99 hover latency that passes, in seconds")
    parser.add_argument("--settle", type=float, default=3.0,
                        help="seconds after the final diagnostics before the last memory reading")
    parser.add_argument("--rss-limit", type=float, default=1.2,
                        help="the final resident set may be at most this many times the start")
    parser.add_argument("--live-tolerance", type=float, default=0.20,
                        help="how far above the start the final live heap may be (0.20: 20%%), "
                             "when the binary reports it")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    return parser.parse_args()


def main() -> int:
    args = arguments()
    # Absolute, since `planls check` runs in another folder.
    planls = shutil.which(args.planls)
    if planls is None:
        print(f"load.py: no planls binary at {args.planls}: run `cargo build --release`",
              file=sys.stderr)
        return 2
    planls = os.path.abspath(planls)
    temp = Path(tempfile.mkdtemp(prefix="planls-load-")).resolve()
    try:
        return session(args, planls, temp)
    except Failure as failure:
        print(f"FAIL: {failure}")
        return 1
    finally:
        if args.keep:
            print(f"kept {temp}")
        else:
            shutil.rmtree(temp, ignore_errors=True)


def session(args: argparse.Namespace, planls: str, temp: Path) -> int:
    workspace = temp / "workspace"
    generated = subprocess.run(
        [planls, "generate", "--initiatives", str(args.initiatives), "--seed", str(args.seed),
         str(workspace)],
        capture_output=True, text=True, timeout=120,
    )
    if generated.returncode != 0:
        raise Failure(f"planls generate failed: {generated.stderr}")
    print(generated.stdout.strip())

    env = dict(os.environ)
    env.setdefault("PLANLS_LOG", "info")
    env["PLANLS_LIVE_HEAP_FILE"] = str(temp / "live-heap")
    client = Client([planls, "serve"], temp / "server.log", env)
    # Nothing may wait forever, a write to a server that stopped reading included: past the
    # budget the server is killed, which ends any wait with a failure.
    budget = args.seconds + 3 * args.hover_timeout + args.settle + 120
    expired = threading.Event()

    def kill() -> None:
        expired.set()
        client.process.kill()

    watchdog = threading.Timer(budget, kill)
    watchdog.start()
    try:
        return Run(args, client, planls, temp, workspace).run()
    except Failure:
        if expired.is_set():
            print(f"FAIL: the session took more than {budget:g} s: the server was killed")
        print("server log (last lines):\n" + client.stderr_tail())
        raise
    finally:
        watchdog.cancel()
        if client.process.poll() is None:
            client.process.kill()
            client.process.wait()
        client.log.close()


class Run:
    """One session: start, type, wait for the final diagnostics, check, shut down, report."""

    def __init__(self, args, client: Client, planls: str, temp: Path, workspace: Path):
        self.args = args
        self.client = client
        self.planls = planls
        self.temp = temp
        self.workspace = workspace
        self.work_path = workspace / args.file
        self.work_uri = self.work_path.as_uri()
        self.relative = str(Path(args.file))
        self.memory = Memory(client.process.pid, temp / "live-heap")
        self.figures: list[str] = []
        self.failures: list[str] = []

    def figure(self, name: str, text: str) -> None:
        self.figures.append(f"  {name:<20}{text}")

    def fail(self, text: str) -> None:
        self.failures.append(text)

    def run(self) -> int:
        self.start()
        buffer, typist, hovers, last_change, version = self.type()
        self.final_diagnostics(last_change, version)
        self.check_hovers(hovers, typist.person)
        time.sleep(self.args.settle)
        self.memory.read("settled")
        self.compare_with_check(buffer, typist)
        self.shut_down()
        self.check_memory()
        if self.client.shown:
            self.fail(f"the server showed the user: {self.client.shown}")
        print()
        print(f"planls load test: {self.args.initiatives} initiatives, typing into "
              f"{self.relative}")
        print("\n".join(self.figures))
        for failure in self.failures:
            print(f"FAIL: {failure}")
        if self.failures:
            print("server log (last lines):\n" + self.client.stderr_tail())
            return 1
        print("load test passed")
        return 0

    def start(self) -> None:
        """Initializes with the workspace folder and waits for the first diagnostics."""
        client, workspace = self.client, self.workspace
        started = now()
        initialized = client.call(
            "initialize",
            {
                "processId": os.getpid(),
                "clientInfo": {"name": "planls-load", "version": "1"},
                "rootUri": workspace.as_uri(),
                "workspaceFolders": [{"uri": workspace.as_uri(), "name": "workspace"}],
                "initializationOptions": {"today": TODAY},
                "capabilities": {
                    "textDocument": {
                        "synchronization": {"dynamicRegistration": False},
                        "hover": {"contentFormat": ["markdown", "plaintext"]},
                        "publishDiagnostics": {"versionSupport": True},
                    },
                    "workspace": {"workspaceFolders": True},
                },
            },
            timeout=30,
        )
        if "result" not in initialized:
            raise Failure(f"initialize failed: {initialized}")
        client.notify("initialized", {})
        if not client.wait(lambda: client.publishes > 0, timeout=60):
            raise Failure("no diagnostics within 60 s of initialize")
        self.figure("first diagnostics", f"{ms(now() - started)} after initialize")
        # The first publication is one batch; it is over when nothing more comes for a while.
        client.wait_quiet(0.5, timeout=30)
        self.memory.read("start")

    def type(self):
        """Opens the work file and types into it at the rate asked, with a hover on an owner
        reference every --hover-ms, every --cancel-every-th one cancelled at once."""
        args, client = self.args, self.client
        text = self.work_path.read_text()
        buffer = Buffer(text)
        typist = Typist(buffer)
        client.notify("textDocument/didOpen", {
            "textDocument": {"uri": self.work_uri, "languageId": "plan", "version": 1,
                             "text": text},
        })
        changes = round(args.seconds * args.rate)
        hover_every = max(1, round(args.hover_ms * args.rate / 1000))
        hovers: list[tuple[int, bool]] = []  # (request id, cancelled)
        version = 1
        send_lag = 0.0
        self.memory.start()
        started = now()
        for n, change in enumerate(typist.keystrokes(changes)):
            due = started + n / args.rate
            wait = due - now()
            if wait > 0:
                time.sleep(wait)
            send_lag = max(send_lag, now() - due)
            version += 1
            client.notify("textDocument/didChange", {
                "textDocument": {"uri": self.work_uri, "version": version},
                "contentChanges": [change],
            })
            if n % hover_every == 0:
                request_id = client.request("textDocument/hover", {
                    "textDocument": {"uri": self.work_uri},
                    "position": buffer.position(typist.owner.span()[0] + 1),
                })
                cancel = args.cancel_every > 0 and len(hovers) % args.cancel_every == 0
                if cancel:
                    client.notify("$/cancelRequest", {"id": request_id})
                hovers.append((request_id, cancel))
        last_change = now()
        self.memory.read("typed")
        self.figure("changes sent",
                    f"{changes} in {last_change - started:.2f} s (asked: {args.rate}/s); the "
                    f"client ran at most {ms(send_lag)} behind schedule, the longest write took "
                    f"{ms(client.longest_write)}")
        if client.longest_write > args.hover_timeout:
            self.fail(f"a write to the server's input blocked for {ms(client.longest_write)}: "
                      f"the server stopped reading")
        return buffer, typist, hovers, last_change, version

    def final_diagnostics(self, last_change: float, version: int) -> None:
        """Waits for the open file's diagnostics at the last version, then for the publications
        to stop (the other files' come in the same batch)."""
        client = self.client
        if not client.wait(lambda: (p := client.published.get(self.work_uri)) is not None
                           and p.version == version, timeout=30):
            raise Failure(f"no diagnostics for version {version} within 30 s of the last change")
        arrived = client.published[self.work_uri].received - last_change
        client.wait_quiet(1.0, timeout=30)
        self.memory.stop.set()
        self.memory.read("final diagnostics")
        self.figure("final diagnostics",
                    f"{ms(arrived)} after the last change (the last file's "
                    f"{ms(client.last_publish - last_change)} after it)")
        if arrived > self.args.hover_timeout:
            self.fail(f"the final diagnostics came {ms(arrived)} after the last change")

    def check_hovers(self, hovers: list[tuple[int, bool]], person: str) -> None:
        """Every hover answered within --hover-timeout of being sent: with the person's hover, or
        with RequestCancelled when it was cancelled."""
        args = self.args
        latencies, cancel_latencies, late, unanswered, wrong = [], [], 0, 0, []
        for request_id, cancel in hovers:
            pending = self.client.pending[request_id]
            pending.done.wait(max(0.0, pending.sent + args.hover_timeout - now()))
            response = pending.response
            if response is None:
                unanswered += 1
                continue
            latency = pending.received - pending.sent
            late += latency > args.hover_timeout
            error = response.get("error")
            if error is not None:
                if cancel and error.get("code") == REQUEST_CANCELLED:
                    cancel_latencies.append(latency)
                else:
                    wrong.append(f"hover {request_id}: error {error}")
                continue
            latencies.append(latency)
            contents = json.dumps(response.get("result"))
            if response.get("result") is None or person not in contents:
                wrong.append(f"hover {request_id}: {contents[:200]} (expected @{person})")
        cancels = sum(cancel for _, cancel in hovers)
        self.figure("hovers",
                    f"{len(hovers)} sent, {cancels} of them cancelled at once: "
                    f"{len(latencies)} answered with a result, {len(cancel_latencies)} with "
                    f"RequestCancelled, {unanswered} unanswered")
        if latencies:
            self.figure("hover latency",
                        f"p50 {ms(percentile(latencies, 50))}, "
                        f"p90 {ms(percentile(latencies, 90))}, "
                        f"p99 {ms(percentile(latencies, 99))}, max {ms(max(latencies))}")
        if cancel_latencies:
            self.figure("cancelled hovers", f"answered within {ms(max(cancel_latencies))}")
        if unanswered:
            self.fail(f"{unanswered} hovers got no answer within {args.hover_timeout:g} s")
        if late:
            self.fail(f"{late} hovers were answered after more than {args.hover_timeout:g} s")
        if wrong:
            self.fail(f"{len(wrong)} hovers answered wrongly, e.g. {wrong[0]}")
        if not latencies:
            self.fail("no hover was answered with a result")
        elif percentile(latencies, 99) > args.p99_limit:
            self.fail(f"the hover p99 {ms(percentile(latencies, 99))} is over "
                      f"{ms(args.p99_limit)}")

    def compare_with_check(self, buffer: Buffer, typist: Typist) -> None:
        """The published diagnostics equal `planls check` of the final texts, written to a copy
        of the workspace."""
        final = self.temp / "final"
        shutil.copytree(self.workspace, final)
        (final / self.relative).write_text(buffer.text)
        expected = expected_diagnostics(self.planls, final)
        with self.client.state:
            actual = published_diagnostics(self.client, self.workspace)
        total = sum(len(items) for items in expected.values())
        same = "equal" if expected == actual else "DIFFER from"
        self.figure("final state", f"diagnostics {same} planls check of the final texts: "
                                   f"{total} in {len(expected)} files")
        if expected != actual:
            self.fail("the final diagnostics differ from planls check of the final texts:\n"
                      + "\n".join(differences(expected, actual)))
        # The typing left a reference broken; the check must see it, or the typing went astray.
        if not any(code == "unresolved-reference" and start[0] == typist.broken_line
                   for code, _, start, _, _ in expected.get(self.relative, [])):
            self.fail(f"planls check reports no unresolved reference on line "
                      f"{typist.broken_line + 1} of the final {self.relative}, where the typing "
                      f"left one")

    def shut_down(self) -> None:
        client = self.client
        shutdown = client.call("shutdown", None, timeout=10)
        client.notify("exit")
        try:
            exit_code = client.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            exit_code = None
        self.figure("exit", f"{exit_code} after shutdown and exit")
        if "result" not in shutdown:
            self.fail(f"shutdown failed: {shutdown}")
        if exit_code != 0:
            self.fail(f"the server exited {exit_code} after shutdown and exit, not 0")

    def check_memory(self) -> None:
        args, points = self.args, self.memory.points
        start, _ = points["start"]
        settled, _ = points["settled"]
        self.figure("memory (VmRSS)",
                    f"after the first analysis {mib(start)}, peak while typing "
                    f"{mib(self.memory.peak)}, at the end of typing {mib(points['typed'][0])}, at "
                    f"the final diagnostics {mib(points['final diagnostics'][0])}, "
                    f"{args.settle:g} s later {mib(settled)} ({settled / start - 1:+.0%})")
        if settled > args.rss_limit * start:
            self.fail(f"the resident set grew from {mib(start)} to {mib(settled)}, over "
                      f"{args.rss_limit:g} times the start")
        live_start, live_settled = points["start"][1], points["settled"][1]
        if live_start is None or live_settled is None:
            self.figure("live heap", "not reported by this binary (see examples/live_heap.rs)")
            return
        self.figure("live heap",
                    f"after the first analysis {mib(live_start)}, at the end of typing "
                    f"{mib(points['typed'][1])}, at the final diagnostics "
                    f"{mib(points['final diagnostics'][1])}, {args.settle:g} s later "
                    f"{mib(live_settled)} ({live_settled / live_start - 1:+.0%})")
        if live_settled > (1 + args.live_tolerance) * live_start:
            self.fail(f"the live heap grew from {mib(live_start)} to {mib(live_settled)}, over "
                      f"{args.live_tolerance:.0%} more than the start")


if __name__ == "__main__":
    sys.exit(main())
