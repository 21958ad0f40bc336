//! `planls serve` as a process: protocol on stdout and nothing else, logs on stderr.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Command, Stdio};

use serde_json::{json, Value};

fn frame(message: &Value) -> Vec<u8> {
    let body = message.to_string();
    format!("Content-Length: {}\r\n\r\n{body}", body.len()).into_bytes()
}

/// Reads framed messages from `stdout` until it closes, sending each to `messages`; fails on any
/// byte that is not part of a message.
fn read_messages(stdout: impl Read, messages: std::sync::mpsc::Sender<Value>) {
    let mut reader = BufReader::new(stdout);
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).unwrap() == 0 {
            return;
        }
        let length: usize = header
            .strip_prefix("Content-Length: ")
            .unwrap_or_else(|| panic!("not a protocol header on stdout: {header:?}"))
            .trim_end()
            .parse()
            .unwrap();
        let mut blank = String::new();
        reader.read_line(&mut blank).unwrap();
        assert_eq!(blank, "\r\n");
        let mut body = vec![0; length];
        reader.read_exact(&mut body).unwrap();
        let _ = messages.send(serde_json::from_slice(&body).unwrap());
    }
}

#[test]
fn serve_speaks_only_the_protocol_on_stdout_and_logs_on_stderr() {
    let mut server = Command::new(env!("CARGO_BIN_EXE_planls"))
        .arg("serve")
        .env("PLANLS_LOG", "debug")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = server.stdin.take().unwrap();
    let stdout = server.stdout.take().unwrap();
    let (sender, receiver) = std::sync::mpsc::channel();
    let reader = std::thread::spawn(move || read_messages(stdout, sender));
    let uri = "file:///nowhere/a.plan";
    // As the protocol asks, nothing is sent before the answer to `initialize`.
    let initialize = json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}, "initializationOptions": {"today": "2027-01-04"}}});
    stdin.write_all(&frame(&initialize)).unwrap();
    stdin.flush().unwrap();
    let mut messages = vec![receiver
        .recv_timeout(std::time::Duration::from_secs(20))
        .unwrap()];
    for message in [
        json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}),
        json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {"uri": uri, "languageId": "plan", "version": 1, "text": "team t { lead: }\n"}}}),
        json!({"jsonrpc": "2.0", "id": 2, "method": "textDocument/documentSymbol", "params": {"textDocument": {"uri": uri}}}),
    ] {
        stdin.write_all(&frame(&message)).unwrap();
    }
    stdin.flush().unwrap();
    // Leave time for the debounced diagnostics, then end the session.
    std::thread::sleep(std::time::Duration::from_millis(600));
    for message in [
        json!({"jsonrpc": "2.0", "id": 3, "method": "shutdown"}),
        json!({"jsonrpc": "2.0", "method": "exit"}),
    ] {
        stdin.write_all(&frame(&message)).unwrap();
    }
    drop(stdin);
    reader.join().unwrap();
    messages.extend(receiver.try_iter());
    let mut stderr = String::new();
    server
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    assert!(server.wait().unwrap().success());

    let response = |id: i64| messages.iter().find(|m| m["id"] == id).unwrap();
    assert_eq!(response(1)["result"]["serverInfo"]["name"], "planls");
    assert_eq!(response(2)["result"][0]["name"], "t");
    assert_eq!(response(3)["result"], Value::Null);
    let published = messages
        .iter()
        .find(|m| m["method"] == "textDocument/publishDiagnostics")
        .expect("diagnostics were published");
    assert_eq!(
        published["params"]["diagnostics"][0]["code"],
        "syntax-error"
    );
    assert!(
        stderr.contains("initialize"),
        "the log goes to stderr: {stderr}"
    );
}
