//! `planls serve` against a client that misbehaves, over real stdio: malformed frames and
//! messages, requests at the wrong time, positions and documents that do not exist, huge
//! documents, a workspace with traps in it, a client that never answers. Each case gets an error
//! or an empty answer, and then **the next ordinary request is answered** ([`Server::alive`]):
//! one message never ends the server, nothing hangs it.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

/// How long to wait for something the server should do before failing.
const PATIENCE: Duration = Duration::from_secs(20);

/// How long the process may take to end after `exit` or the end of its input.
const EXIT_PATIENCE: Duration = Duration::from_secs(3);

/// The document every initialized session has open, which [`Server::alive`] hovers over.
const ALIVE_URI: &str = "file:///abuse/alive.plan";
const ALIVE_TEXT: &str = "team payments \"Payments Platform\" {}\n";

/// One `planls serve` process and the client end of its stdio.
struct Server {
    child: Child,
    stdin: Option<ChildStdin>,
    /// Every message the server wrote, in order; a framing error on its stdout ends the stream
    /// with an `Err`.
    messages: Receiver<Result<Value, String>>,
    /// Messages received and not taken yet.
    backlog: Vec<Value>,
    stderr: Arc<Mutex<String>>,
    /// The thread reading stderr, which ends with the process.
    stderr_reader: Option<std::thread::JoinHandle<()>>,
    next_id: i64,
}

fn frame(message: &Value) -> Vec<u8> {
    framed(message.to_string().as_bytes())
}

fn framed(body: &[u8]) -> Vec<u8> {
    let mut frame = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    frame.extend_from_slice(body);
    frame
}

/// Reads the server's frames strictly: exactly `Content-Length: N`, a blank line, N bytes of JSON.
fn read_frames(stdout: impl Read, messages: std::sync::mpsc::Sender<Result<Value, String>>) {
    let mut reader = BufReader::new(stdout);
    loop {
        let mut header = String::new();
        match reader.read_line(&mut header) {
            Ok(0) => return,
            Ok(_) => {}
            Err(error) => {
                let _ = messages.send(Err(format!("stdout unreadable: {error}")));
                return;
            }
        }
        let Some(length) = header
            .strip_prefix("Content-Length: ")
            .and_then(|rest| rest.strip_suffix("\r\n"))
            .and_then(|n| n.parse::<usize>().ok())
        else {
            let _ = messages.send(Err(format!("not a frame header on stdout: {header:?}")));
            return;
        };
        let mut blank = String::new();
        let _ = reader.read_line(&mut blank);
        if blank != "\r\n" {
            let _ = messages.send(Err(format!("no blank line after the header: {blank:?}")));
            return;
        }
        let mut body = vec![0; length];
        if let Err(error) = reader.read_exact(&mut body) {
            let _ = messages.send(Err(format!("a frame cut short: {error}")));
            return;
        }
        let message = serde_json::from_slice(&body)
            .map_err(|error| format!("a body that is not JSON ({error}): {body:?}"));
        if messages.send(message).is_err() {
            return;
        }
    }
}

impl Server {
    /// Starts `planls serve`, not initialized.
    fn start() -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_planls"))
            .arg("serve")
            .env("PLANLS_LOG", "info")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("planls serve starts");
        let stdout = child.stdout.take().unwrap();
        let (sender, messages) = std::sync::mpsc::channel();
        std::thread::spawn(move || read_frames(stdout, sender));
        let stderr = Arc::new(Mutex::new(String::new()));
        let mut from = child.stderr.take().unwrap();
        let into = stderr.clone();
        let stderr_reader = std::thread::spawn(move || {
            let mut buffer = [0; 4096];
            while let Ok(n @ 1..) = from.read(&mut buffer) {
                into.lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&buffer[..n]));
            }
        });
        Server {
            stdin: child.stdin.take(),
            child,
            messages,
            backlog: Vec::new(),
            stderr,
            stderr_reader: Some(stderr_reader),
            next_id: 0,
        }
    }

    /// Starts a server and initializes it with `capabilities` and the `folder`, then opens the
    /// document [`Server::alive`] reads.
    fn initialized_with(folder: Option<&Path>, capabilities: Value) -> Server {
        let mut server = Server::start();
        let folders = folder.map(|path| {
            let uri = format!("file://{}", path.display());
            json!([{ "uri": uri, "name": "workspace" }])
        });
        let response = server.request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": null,
                "workspaceFolders": folders,
                "capabilities": capabilities,
                "initializationOptions": { "today": "2027-01-04" },
            }),
        );
        assert_eq!(
            response["result"]["serverInfo"]["name"], "planls",
            "{response}"
        );
        server.notify("initialized", json!({}));
        server.open(ALIVE_URI, "plan", 1, ALIVE_TEXT);
        server
    }

    fn initialized() -> Server {
        Server::initialized_with(None, json!({}))
    }

    fn send_raw(&mut self, bytes: &[u8]) {
        let stdin = self.stdin.as_mut().expect("stdin is open");
        stdin.write_all(bytes).expect("the server reads its input");
        stdin.flush().unwrap();
    }

    fn send(&mut self, message: &Value) {
        self.send_raw(&frame(message));
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Sends a request and returns its id.
    fn send_request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = json!(self.next_id);
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        id
    }

    /// Sends a request and waits for its response (the whole message).
    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.send_request(method, params);
        self.response(&id)
    }

    fn open(&mut self, uri: &str, language: &str, version: i32, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": language, "version": version, "text": text}}),
        );
    }

    /// The first message, received or to come, that `matches`; fails after [`PATIENCE`].
    fn next_where(&mut self, what: &str, matches: impl Fn(&Value) -> bool) -> Value {
        if let Some(at) = self.backlog.iter().position(&matches) {
            return self.backlog.remove(at);
        }
        let deadline = Instant::now() + PATIENCE;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.messages.recv_timeout(left) {
                Ok(Ok(message)) if matches(&message) => return message,
                Ok(Ok(message)) => self.backlog.push(message),
                Ok(Err(framing)) => panic!("the server's output is broken: {framing}"),
                Err(RecvTimeoutError::Timeout) => {
                    panic!("no {what} within {PATIENCE:?}; received {:?}", self.backlog)
                }
                Err(RecvTimeoutError::Disconnected) => panic!(
                    "the server stopped before {what}; received {:?}; stderr:\n{}",
                    self.backlog,
                    self.stderr()
                ),
            }
        }
    }

    /// The response to the request with `id` (which may be `null`, for errors about messages
    /// whose id could not be read).
    fn response(&mut self, id: &Value) -> Value {
        self.next_where(&format!("response to {id}"), |message| {
            message.get("method").is_none() && message.get("id") == Some(id)
        })
    }

    /// The error code of the response to `id`; fails on a success.
    fn error_code(&mut self, id: &Value) -> i64 {
        let response = self.response(id);
        response["error"]["code"]
            .as_i64()
            .unwrap_or_else(|| panic!("not an error: {response}"))
    }

    /// The next request from the server with `method`.
    fn server_request(&mut self, method: &str) -> Value {
        self.next_where(method, |message| {
            message["method"] == method && message.get("id").is_some()
        })
    }

    /// Every message received so far, taken into the backlog.
    fn drain(&mut self) -> &[Value] {
        while let Ok(Ok(message)) = self.messages.try_recv() {
            self.backlog.push(message);
        }
        &self.backlog
    }

    /// The next ordinary request is answered, from the analysis: a hover over the open document.
    fn alive(&mut self) {
        let response = self.request(
            "textDocument/hover",
            json!({"textDocument": {"uri": ALIVE_URI}, "position": {"line": 0, "character": 6}}),
        );
        let hover = response["result"]["contents"]["value"]
            .as_str()
            .unwrap_or_else(|| panic!("the hover is not answered with content: {response}"));
        assert!(hover.contains("Payments Platform"), "{hover}");
    }

    fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// Closes the server's input.
    fn close_input(&mut self) {
        self.stdin = None;
    }

    /// The exit status, once the process ends; fails after [`EXIT_PATIENCE`].
    fn exit_status(&mut self) -> ExitStatus {
        let deadline = Instant::now() + EXIT_PATIENCE;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            if Instant::now() > deadline {
                panic!(
                    "the server is still running {EXIT_PATIENCE:?} later; stderr:\n{}",
                    self.stderr()
                );
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// `shutdown` and `exit`, as a client ends a session; the process must end with 0.
    fn finish(mut self) -> String {
        let shutdown = self.request("shutdown", Value::Null);
        assert_eq!(shutdown["result"], Value::Null, "{shutdown}");
        self.notify("exit", Value::Null);
        let status = self.exit_status();
        assert_eq!(status.code(), Some(0), "stderr:\n{}", self.stderr());
        // The whole log: the stderr thread reads to the end once the process is gone.
        if let Some(reader) = self.stderr_reader.take() {
            reader.join().unwrap();
        }
        self.stderr()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn hover_message(id: Value) -> Value {
    json!({"jsonrpc": "2.0", "id": id, "method": "textDocument/hover",
        "params": {"textDocument": {"uri": ALIVE_URI}, "position": {"line": 0, "character": 6}}})
}

// Framing.

#[test]
fn invalid_json_is_a_parse_error_and_reading_goes_on() {
    let mut server = Server::initialized();
    server.send_raw(b"Content-Length: 12\r\n\r\n{not json!!}");
    assert_eq!(server.error_code(&Value::Null), -32700);
    server.alive();
    server.finish();
}

#[test]
fn a_body_that_is_not_utf8_is_a_parse_error() {
    let mut server = Server::initialized();
    server.send_raw(&framed(
        b"{\"jsonrpc\":\"2.0\",\"id\":50,\"method\":\"textDocument/hover\xff\xfe\"}",
    ));
    assert_eq!(server.error_code(&Value::Null), -32700);
    server.alive();
    server.finish();
}

#[test]
fn header_names_are_read_in_any_case() {
    let mut server = Server::initialized();
    for (id, name) in [(51, "content-length"), (52, "CONTENT-LENGTH")] {
        let body = hover_message(json!(id)).to_string();
        let message = format!("{name}: {}\r\n\r\n{body}", body.len());
        server.send_raw(message.as_bytes());
        let response = server.response(&json!(id));
        assert!(response["result"].is_object(), "{response}");
    }
    server.finish();
}

#[test]
fn a_frame_without_content_length_is_refused_and_skipped() {
    let mut server = Server::initialized();
    let body = hover_message(json!(53)).to_string();
    let message = format!("Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n{body}");
    server.send_raw(message.as_bytes());
    assert_eq!(server.error_code(&Value::Null), -32700);
    server.alive();
    // The unframed body was skipped, not read as a request.
    assert!(
        server.drain().iter().all(|m| m["id"] != 53),
        "{:?}",
        server.backlog
    );
    server.finish();
}

#[test]
fn a_charset_other_than_utf8_is_refused_with_the_request_id() {
    let mut server = Server::initialized();
    let body = hover_message(json!(54)).to_string();
    let latin1 = format!(
        "Content-Type: application/vscode-jsonrpc; charset=latin1\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    server.send_raw(latin1.as_bytes());
    assert_eq!(server.error_code(&json!(54)), -32600);
    // `utf8` is the old spelling the protocol still accepts.
    let body = hover_message(json!(55)).to_string();
    let utf8 = format!(
        "Content-Length: {}\r\nContent-Type: application/vscode-jsonrpc; charset=utf8\r\n\r\n{body}",
        body.len()
    );
    server.send_raw(utf8.as_bytes());
    assert!(server.response(&json!(55))["result"].is_object());
    server.finish();
}

#[test]
fn garbage_between_messages_is_skipped() {
    let mut server = Server::initialized();
    server.send_raw(b"\x00\x01 garbage\r\n\r\nHTTP/1.1 200 OK\r\nnot a header\n\n\n");
    server.send_raw(b"more garbage without a line end");
    server.send(&hover_message(json!(56)));
    assert!(server.response(&json!(56))["result"].is_object());
    assert_eq!(server.error_code(&Value::Null), -32700);
    server.alive();
    server.finish();
}

#[test]
fn a_length_beyond_the_limit_is_refused_and_skipped() {
    let mut server = Server::initialized();
    // Read as declared, this would swallow every message after it.
    server.send_raw(b"Content-Length: 99999999999\r\n\r\n{\"jsonrpc\":\"2.0\",\"method\":\"x\"}");
    assert_eq!(server.error_code(&Value::Null), -32700);
    server.alive();
    server.finish();
}

// Messages.

#[test]
fn a_batch_is_refused_with_an_error_per_request() {
    let mut server = Server::initialized();
    server.send(&json!([
        hover_message(json!(57)),
        {"jsonrpc": "2.0", "method": "initialized", "params": {}}
    ]));
    assert_eq!(server.error_code(&json!(57)), -32600);
    server.send(&json!([]));
    assert_eq!(server.error_code(&Value::Null), -32600);
    server.alive();
    server.finish();
}

#[test]
fn a_jsonrpc_version_other_than_2_0_is_an_invalid_request() {
    let mut server = Server::initialized();
    let mut message = hover_message(json!(58));
    message["jsonrpc"] = json!("1.0");
    server.send(&message);
    assert_eq!(server.error_code(&json!(58)), -32600);
    server.alive();
    server.finish();
}

#[test]
fn an_id_that_is_not_an_integer_or_a_string_is_an_invalid_request() {
    let mut server = Server::initialized();
    for id in [json!(1.5), json!({"n": 1}), json!(null)] {
        server.send(&hover_message(id));
        assert_eq!(server.error_code(&Value::Null), -32600);
    }
    server.alive();
    server.finish();
}

#[test]
fn params_nested_300_deep_are_refused_with_the_request_id() {
    let mut server = Server::initialized();
    let deep = format!(
        r#"{{"jsonrpc":"2.0","id":59,"method":"textDocument/hover","params":{{"textDocument":{}1{}}}}}"#,
        "[".repeat(300),
        "]".repeat(300)
    );
    server.send_raw(&framed(deep.as_bytes()));
    assert_eq!(server.error_code(&json!(59)), -32600);
    server.alive();
    server.finish();
}

#[test]
fn a_dollar_request_is_method_not_found_and_a_dollar_notification_is_ignored() {
    let mut server = Server::initialized();
    server.send(&json!({"jsonrpc": "2.0", "id": 60, "method": "$/weird", "params": {}}));
    assert_eq!(server.error_code(&json!(60)), -32601);
    server.notify("$/weird", json!({}));
    server.alive();
    let answered: Vec<_> = server
        .drain()
        .iter()
        .filter(|m| m.get("method").is_none())
        .cloned()
        .collect();
    assert!(
        answered.is_empty(),
        "a notification was answered: {answered:?}"
    );
    server.finish();
}

#[test]
fn an_answer_to_no_request_is_ignored() {
    let mut server = Server::initialized();
    server.send(&json!({"jsonrpc": "2.0", "id": 999, "result": null}));
    server.send(&json!({"jsonrpc": "2.0", "id": null, "error": {"code": -32700, "message": "?"}}));
    server.alive();
    assert!(
        server
            .drain()
            .iter()
            .all(|m| m["id"] != 999 && !m["id"].is_null()),
        "{:?}",
        server.backlog
    );
    server.finish();
}

// The session's life.

#[test]
fn requests_before_initialize_are_refused_as_not_initialized() {
    let mut server = Server::start();
    let response = server.request(
        "textDocument/hover",
        hover_message(json!(0))["params"].clone(),
    );
    assert_eq!(response["error"]["code"], -32002, "{response}");
    let response = server.request("shutdown", Value::Null);
    assert_eq!(response["error"]["code"], -32002, "{response}");
    // The session can still start.
    let response = server.request("initialize", json!({"capabilities": {}}));
    assert!(response["result"]["capabilities"].is_object(), "{response}");
    let again = server.request("initialize", json!({"capabilities": {}}));
    assert_eq!(again["error"]["code"], -32600, "{again}");
    server.notify("initialized", json!({}));
    server.open(ALIVE_URI, "plan", 1, ALIVE_TEXT);
    server.alive();
    server.finish();
}

#[test]
fn requests_after_shutdown_are_invalid_and_exit_then_ends_with_0() {
    let mut server = Server::initialized();
    let shutdown = server.request("shutdown", Value::Null);
    assert_eq!(shutdown["result"], Value::Null, "{shutdown}");
    let id = server.send_request(
        "textDocument/hover",
        hover_message(json!(0))["params"].clone(),
    );
    assert_eq!(server.error_code(&id), -32600);
    server.notify("exit", Value::Null);
    assert_eq!(server.exit_status().code(), Some(0));
}

#[test]
fn exit_without_shutdown_ends_with_1() {
    let mut server = Server::initialized();
    server.notify("exit", Value::Null);
    assert_eq!(server.exit_status().code(), Some(1));
}

#[test]
fn the_end_of_the_input_ends_the_server() {
    let mut server = Server::initialized();
    server.close_input();
    assert_eq!(
        server.exit_status().code(),
        Some(1),
        "without shutdown, the connection was lost"
    );
    let mut server = Server::initialized();
    server.request("shutdown", Value::Null);
    server.close_input();
    assert_eq!(server.exit_status().code(), Some(0));
}

/// A client that announces `workspace/configuration` and dynamic registration, then never answers
/// the server's requests.
fn silent_client_capabilities() -> Value {
    json!({
        "workspace": {
            "configuration": true,
            "didChangeWatchedFiles": { "dynamicRegistration": true },
            "didChangeConfiguration": { "dynamicRegistration": true },
            "inlayHint": { "refreshSupport": true },
            "codeLens": { "refreshSupport": true },
        }
    })
}

/// Leaves the server with several handlers waiting on the client: `initialized` and one
/// `didChangeConfiguration` after another, each asking for the configuration.
fn leave_requests_unanswered(server: &mut Server) {
    server.server_request("client/registerCapability");
    server.server_request("workspace/configuration");
    for _ in 0..6 {
        server.notify("workspace/didChangeConfiguration", json!({"settings": {}}));
        server.server_request("workspace/configuration");
    }
}

#[test]
fn requests_the_client_never_answers_hold_up_nothing() {
    let mut server = Server::initialized_with(None, silent_client_capabilities());
    leave_requests_unanswered(&mut server);
    server.alive();
    server.finish();
}

#[test]
fn requests_the_client_never_answers_do_not_outlive_the_input() {
    let mut server = Server::initialized_with(None, silent_client_capabilities());
    leave_requests_unanswered(&mut server);
    server.close_input();
    assert_eq!(server.exit_status().code(), Some(1));
}

#[test]
fn exit_without_shutdown_while_requests_wait_on_the_client_ends_with_1() {
    let mut server = Server::initialized_with(None, silent_client_capabilities());
    leave_requests_unanswered(&mut server);
    server.notify("exit", Value::Null);
    assert_eq!(server.exit_status().code(), Some(1));
}

// Documents.

#[test]
fn positions_out_of_range_or_negative_get_empty_answers_or_errors() {
    let mut server = Server::initialized();
    for (line, character) in [(1000, 0), (0, 100_000), (u32::MAX as i64, u32::MAX as i64)] {
        let position = json!({"line": line, "character": character});
        let at = json!({"textDocument": {"uri": ALIVE_URI}, "position": position});
        for method in [
            "textDocument/hover",
            "textDocument/definition",
            "textDocument/references",
            "textDocument/completion",
            "textDocument/prepareRename",
            "textDocument/documentHighlight",
            "textDocument/selectionRange",
        ] {
            let mut params = at.clone();
            match method {
                "textDocument/references" => {
                    params["context"] = json!({"includeDeclaration": true})
                }
                "textDocument/selectionRange" => params["positions"] = json!([position]),
                _ => {}
            }
            // Empty, or (completion) as at the end of the line, as the protocol reads a
            // character past it.
            let response = server.request(method, params);
            assert!(
                response.get("error").is_none(),
                "{method} {position}: {response}"
            );
        }
        let range = json!({"start": position, "end": position});
        let response = server.request(
            "textDocument/inlayHint",
            json!({"textDocument": {"uri": ALIVE_URI}, "range": range}),
        );
        assert!(response.get("result").is_some(), "{response}");
    }
    // A negative position is not a position: the params are invalid.
    let negative =
        json!({"textDocument": {"uri": ALIVE_URI}, "position": {"line": -1, "character": -5}});
    let id = server.send_request("textDocument/hover", negative);
    assert_eq!(server.error_code(&id), -32602);
    server.alive();
    server.finish();
}

#[test]
fn unknown_documents_get_empty_answers() {
    let mut server = Server::initialized();
    let position = json!({"line": 0, "character": 0});
    for uri in [
        "file:///nowhere/unknown.plan",
        "untitled:Untitled-1",
        "https://example.com/a.plan",
    ] {
        let document = json!({"uri": uri});
        for (method, params) in [
            (
                "textDocument/hover",
                json!({"textDocument": document, "position": position}),
            ),
            (
                "textDocument/definition",
                json!({"textDocument": document, "position": position}),
            ),
            (
                "textDocument/documentSymbol",
                json!({"textDocument": document}),
            ),
            (
                "textDocument/formatting",
                json!({"textDocument": document, "options": {"tabSize": 2, "insertSpaces": true}}),
            ),
            (
                "textDocument/semanticTokens/full",
                json!({"textDocument": document}),
            ),
        ] {
            let response = server.request(method, params);
            assert!(
                response.get("error").is_none(),
                "{method} {uri}: {response}"
            );
        }
        // Changes and closes of documents that were never opened are ignored.
        server.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": "x"}]}),
        );
        server.notify("textDocument/didClose", json!({"textDocument": document}));
    }
    // Not a URI at all: the params are invalid.
    let id = server.send_request(
        "textDocument/hover",
        json!({"textDocument": {"uri": "not a uri"}, "position": position}),
    );
    assert_eq!(server.error_code(&id), -32602);
    server.alive();
    server.finish();
}

#[test]
fn a_ten_megabyte_document_is_read_and_answered() {
    let mut server = Server::initialized();
    let uri = "file:///abuse/huge.plan";
    let mut text = String::from("team huge \"Huge\" {}\n");
    while text.len() < 10 << 20 {
        text.push_str("# a long plan is mostly notes, and the server reads it whole.\n");
    }
    server.open(uri, "plan", 1, &text);
    let response = server.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": 0, "character": 6}}),
    );
    assert!(response["result"].is_object(), "{response}");
    server.alive();
    server.finish();
}

#[test]
fn a_one_megabyte_line_is_read_and_answered() {
    let mut server = Server::initialized();
    let uri = "file:///abuse/long_line.plan";
    let text = format!("team long \"{}\" {{}}\n", "x".repeat(1 << 20));
    server.open(uri, "plan", 1, &text);
    for character in [6, 500_000, (1 << 20) + 20] {
        let response = server.request(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri}, "position": {"line": 0, "character": character}}),
        );
        assert!(response.get("result").is_some(), "{response}");
    }
    let symbols = server.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": uri}}),
    );
    assert_eq!(
        symbols["result"][0]["name"], "long",
        "{}",
        symbols["result"][0]["name"]
    );
    server.alive();
    server.finish();
}

#[test]
fn a_document_in_another_language_is_not_analysed() {
    let mut server = Server::initialized();
    let text = "team notes \"Notes\" {}\n";
    server.open("file:///abuse/notes.md", "markdown", 1, text);
    server.open("file:///abuse/notes.plan", "plan", 1, text);
    let symbols = |server: &mut Server, uri: &str| {
        server.request(
            "textDocument/documentSymbol",
            json!({"textDocument": {"uri": uri}}),
        )["result"]
            .clone()
    };
    assert_eq!(
        symbols(&mut server, "file:///abuse/notes.plan")[0]["name"],
        "notes"
    );
    assert_eq!(symbols(&mut server, "file:///abuse/notes.md"), Value::Null);
    server.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": "file:///abuse/notes.md", "version": 2},
            "contentChanges": [{"text": "team other {}\n"}]}),
    );
    server.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": "file:///abuse/notes.md"}}),
    );
    server.alive();
    let stderr = server.finish();
    assert!(!stderr.contains("not open"), "{stderr}");
}

#[test]
fn a_change_to_an_older_version_is_ignored() {
    let mut server = Server::initialized();
    let uri = "file:///abuse/versions.plan";
    server.open(uri, "plan", 5, "team first {}\n");
    let change = |version: i32, text: &str| json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]});
    server.notify("textDocument/didChange", change(6, "team newer {}\n"));
    server.notify("textDocument/didChange", change(3, "team older {}\n"));
    let symbols = server.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": uri}}),
    );
    assert_eq!(symbols["result"][0]["name"], "newer", "{symbols}");
    server.alive();
    let stderr = server.finish();
    assert!(stderr.contains("ignored a change"), "{stderr}");
}

#[test]
fn did_save_is_handled_quietly() {
    let mut server = Server::initialized();
    for _ in 0..3 {
        server.notify(
            "textDocument/didSave",
            json!({"textDocument": {"uri": ALIVE_URI}}),
        );
    }
    server.alive();
    let stderr = server.finish();
    assert!(
        stderr.contains("initialize"),
        "the log is captured: {stderr}"
    );
    assert!(!stderr.contains("not implemented"), "{stderr}");
}

// The workspace on disk.

fn workspace_symbols(server: &mut Server) -> Vec<String> {
    let response = server.request("workspace/symbol", json!({"query": ""}));
    let mut names: Vec<String> = response["result"]
        .as_array()
        .unwrap_or_else(|| panic!("{response}"))
        .iter()
        .map(|symbol| symbol["name"].as_str().unwrap().to_string())
        .collect();
    names.sort();
    names
}

#[test]
fn a_file_on_disk_that_is_not_utf8_is_read_anyway() {
    let folder = tempfile::tempdir().unwrap();
    std::fs::write(folder.path().join("good.plan"), "team good {}\n").unwrap();
    std::fs::write(
        folder.path().join("bad.plan"),
        b"team bad \"caf\xe9\" {}\n\xff\xfe\n",
    )
    .unwrap();
    let mut server = Server::initialized_with(Some(folder.path()), json!({}));
    let names = workspace_symbols(&mut server);
    assert!(names.contains(&"good".to_string()), "{names:?}");
    let uri = format!("file://{}", folder.path().join("bad.plan").display());
    let symbols = server.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": uri}}),
    );
    assert!(symbols.get("error").is_none(), "{symbols}");
    server.alive();
    server.finish();
}

#[test]
fn a_file_deleted_while_open_is_forgotten() {
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("gone.plan");
    std::fs::write(&path, "team gone {}\n").unwrap();
    let mut server = Server::initialized_with(Some(folder.path()), json!({}));
    let uri = format!("file://{}", path.display());
    server.open(&uri, "plan", 1, "team gone {}\n");
    std::fs::remove_file(&path).unwrap();
    server.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri, "type": 3}]}),
    );
    // Still open: the buffer counts.
    assert!(workspace_symbols(&mut server).contains(&"gone".to_string()));
    server.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": uri}}),
    );
    assert!(!workspace_symbols(&mut server).contains(&"gone".to_string()));
    let hover = server.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": 0, "character": 6}}),
    );
    assert!(hover["result"].is_null(), "{hover}");
    // Deleted without the watcher telling: closing reads the disk, finds nothing.
    let path = folder.path().join("quiet.plan");
    std::fs::write(&path, "team quiet {}\n").unwrap();
    server.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": format!("file://{}", path.display()), "type": 1}]}),
    );
    let uri = format!("file://{}", path.display());
    server.open(&uri, "plan", 1, "team quiet {}\n");
    std::fs::remove_file(&path).unwrap();
    server.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": uri}}),
    );
    assert!(!workspace_symbols(&mut server).contains(&"quiet".to_string()));
    server.alive();
    server.finish();
}

#[cfg(unix)]
fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo runs");
    assert!(status.success());
}

#[cfg(unix)]
#[test]
fn a_fifo_in_the_workspace_is_not_opened() {
    // Opening a FIFO blocks until someone writes to it: the scan must leave it alone.
    let folder = tempfile::tempdir().unwrap();
    std::fs::write(folder.path().join("good.plan"), "team good {}\n").unwrap();
    mkfifo(&folder.path().join("pipe.plan"));
    std::os::unix::fs::symlink("pipe.plan", folder.path().join("link.plan")).unwrap();
    let mut server = Server::initialized_with(Some(folder.path()), json!({}));
    assert_eq!(workspace_symbols(&mut server), ["good", "payments"]);
    // A rescan, as when the watcher reports the FIFO.
    let uri = format!("file://{}", folder.path().join("pipe.plan").display());
    server.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri, "type": 1}]}),
    );
    assert_eq!(workspace_symbols(&mut server), ["good", "payments"]);
    // A file replaced by a FIFO while open: closing it reads the disk again, but not the FIFO.
    let path = folder.path().join("good.plan");
    let uri = format!("file://{}", path.display());
    server.open(&uri, "plan", 1, "team good {}\n");
    std::fs::remove_file(&path).unwrap();
    mkfifo(&path);
    server.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": uri}}),
    );
    server.alive();
    assert_eq!(workspace_symbols(&mut server), ["payments"]);
    server.finish();
}

#[cfg(unix)]
#[test]
fn a_symlink_loop_in_the_workspace_is_harmless() {
    let folder = tempfile::tempdir().unwrap();
    let root = folder.path();
    std::fs::write(root.join("good.plan"), "team good {}\n").unwrap();
    std::fs::create_dir(root.join("sub")).unwrap();
    std::os::unix::fs::symlink("self.plan", root.join("self.plan")).unwrap();
    std::os::unix::fs::symlink("b.plan", root.join("a.plan")).unwrap();
    std::os::unix::fs::symlink("a.plan", root.join("b.plan")).unwrap();
    std::os::unix::fs::symlink("..", root.join("sub/up")).unwrap();
    std::os::unix::fs::symlink(root, root.join("sub/root")).unwrap();
    let mut server = Server::initialized_with(Some(root), json!({}));
    assert_eq!(workspace_symbols(&mut server), ["good", "payments"]);
    server.alive();
    server.finish();
}
