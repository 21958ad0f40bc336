//! An editor session against the real server in process, through its public API only
//! (`planls::lsp::service` and protocol messages over in-memory pipes, framed as over stdio), so
//! that the benchmarks measure whatever core is behind it.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use planls::lsp::ServerConfig;
use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader, DuplexStream, WriteHalf};
use tokio::sync::{oneshot, Notify};
use tower_lsp_server::ls_types::Uri;
use tower_lsp_server::Server;

/// How long to wait for the server before giving up: long, for the old core at 100k.
const PATIENCE: Duration = Duration::from_secs(900);

type Writer = Arc<tokio::sync::Mutex<WriteHalf<DuplexStream>>>;

#[derive(Default)]
struct Inbox {
    /// The version of the latest `publishDiagnostics` per URI (`None` for a file not open).
    versions: HashMap<String, Option<i64>>,
    publishes: u64,
}

pub struct Session {
    writer: Writer,
    pending: Arc<Mutex<HashMap<i64, oneshot::Sender<Value>>>>,
    inbox: Arc<Mutex<Inbox>>,
    arrived: Arc<Notify>,
    next_id: i64,
}

pub fn uri_of(path: &Path) -> String {
    Uri::from_file_path(path)
        .expect("an absolute path")
        .as_str()
        .to_string()
}

async fn write_message(writer: &Writer, message: &Value) {
    let body = serde_json::to_string(message).unwrap();
    let mut writer = writer.lock().await;
    writer
        .write_all(format!("Content-Length: {}\r\n\r\n{body}", body.len()).as_bytes())
        .await
        .unwrap();
    writer.flush().await.unwrap();
}

async fn read_message<R: tokio::io::AsyncBufRead + Unpin>(reader: &mut R) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).await.ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(value) = line.strip_prefix("Content-Length: ") {
            length = value.parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length?];
    reader.read_exact(&mut body).await.ok()?;
    serde_json::from_slice(&body).ok()
}

impl Session {
    /// Starts a server with no debounce and initializes it with `folder` as the workspace, as a
    /// plain editor would (UTF-16 positions, no dynamic registration, `today` 2027-01-04).
    pub async fn start(folder: &Path) -> Session {
        let (client_end, server_end) = tokio::io::duplex(1 << 20);
        let (server_read, server_write) = tokio::io::split(server_end);
        // Struct update syntax: the rewritten server may take more settings.
        #[allow(clippy::needless_update)]
        let config = ServerConfig {
            debounce: Duration::ZERO,
            ..ServerConfig::default()
        };
        let (service, socket) = planls::lsp::service(config);
        tokio::spawn(Server::new(server_read, server_write, socket).serve(service));

        let (client_read, client_write) = tokio::io::split(client_end);
        let writer: Writer = Arc::new(tokio::sync::Mutex::new(client_write));
        let pending: Arc<Mutex<HashMap<i64, oneshot::Sender<Value>>>> = Arc::default();
        let inbox: Arc<Mutex<Inbox>> = Arc::default();
        let arrived = Arc::new(Notify::new());
        {
            let (writer, pending, inbox, arrived) = (
                writer.clone(),
                pending.clone(),
                inbox.clone(),
                arrived.clone(),
            );
            tokio::spawn(async move {
                let mut reader = BufReader::new(client_read);
                while let Some(message) = read_message(&mut reader).await {
                    let id = message.get("id").cloned();
                    let method = message.get("method").and_then(Value::as_str);
                    match (id, method) {
                        (Some(id), None) => {
                            let sender = pending.lock().unwrap().remove(&id.as_i64().unwrap());
                            if let Some(sender) = sender {
                                let _ = sender.send(message);
                            }
                        }
                        // A request from the server: every one this client can get takes null.
                        (Some(id), Some(_)) => {
                            write_message(
                                &writer,
                                &json!({"jsonrpc": "2.0", "id": id, "result": null}),
                            )
                            .await;
                        }
                        (None, Some("textDocument/publishDiagnostics")) => {
                            let params = &message["params"];
                            let mut inbox = inbox.lock().unwrap();
                            inbox.versions.insert(
                                params["uri"].as_str().unwrap().to_string(),
                                params["version"].as_i64(),
                            );
                            inbox.publishes += 1;
                        }
                        _ => {}
                    }
                    arrived.notify_waiters();
                }
            });
        }

        let mut session = Session {
            writer,
            pending,
            inbox,
            arrived,
            next_id: 0,
        };
        session
            .request(
                "initialize",
                json!({
                    "processId": null,
                    "rootUri": null,
                    "workspaceFolders": [{"uri": uri_of(folder), "name": "bench"}],
                    "initializationOptions": {"today": "2027-01-04"},
                    "capabilities": {
                        "general": {"positionEncodings": ["utf-16"]},
                        "textDocument": {
                            "hover": {"contentFormat": ["markdown", "plaintext"]},
                            "publishDiagnostics": {"relatedInformation": true}
                        }
                    }
                }),
            )
            .await;
        session.notify("initialized", json!({})).await;
        session
    }

    /// Sends a request and waits for its result; an error answer panics.
    pub async fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        let (sender, receiver) = oneshot::channel();
        self.pending.lock().unwrap().insert(id, sender);
        write_message(
            &self.writer,
            &json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}),
        )
        .await;
        let response = tokio::time::timeout(PATIENCE, receiver)
            .await
            .unwrap_or_else(|_| panic!("no answer to {method}"))
            .unwrap();
        if let Some(error) = response.get("error") {
            panic!("{method} failed: {error}");
        }
        response["result"].clone()
    }

    pub async fn notify(&self, method: &str, params: Value) {
        write_message(
            &self.writer,
            &json!({"jsonrpc": "2.0", "method": method, "params": params}),
        )
        .await;
    }

    pub async fn open(&self, uri: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "plan", "version": 1, "text": text}}),
        )
        .await;
    }

    /// Replaces `[line, character, line, character]` with `text`.
    pub async fn edit(&self, uri: &str, version: i64, range: [u32; 4], text: &str) {
        let [l1, c1, l2, c2] = range;
        self.notify(
            "textDocument/didChange",
            json!({
                "textDocument": {"uri": uri, "version": version},
                "contentChanges": [{
                    "range": {"start": {"line": l1, "character": c1}, "end": {"line": l2, "character": c2}},
                    "text": text
                }]
            }),
        )
        .await;
    }

    /// How many `publishDiagnostics` have arrived.
    pub fn publishes(&self) -> u64 {
        self.inbox.lock().unwrap().publishes
    }

    /// Waits until some `publishDiagnostics` after the first `seen` has arrived.
    pub async fn wait_for_publish_after(&self, seen: u64) {
        self.wait_until("diagnostics", |inbox| inbox.publishes > seen)
            .await
    }

    /// Waits until `publishDiagnostics` for `uri` at `version` has arrived.
    pub async fn wait_for_version(&self, uri: &str, version: i64) {
        self.wait_until(
            &format!("diagnostics of {uri} version {version}"),
            |inbox| inbox.versions.get(uri).copied().flatten() == Some(version),
        )
        .await
    }

    async fn wait_until(&self, what: &str, check: impl Fn(&Inbox) -> bool) {
        let deadline = tokio::time::Instant::now() + PATIENCE;
        loop {
            let arrived = self.arrived.notified();
            if check(&self.inbox.lock().unwrap()) {
                return;
            }
            if tokio::time::timeout_at(deadline, arrived).await.is_err() {
                panic!("timed out waiting for {what}");
            }
        }
    }

    pub async fn shutdown(mut self) {
        self.request("shutdown", Value::Null).await;
        self.notify("exit", Value::Null).await;
    }
}

/// `{"textDocument": ..., "position": ...}` at a (line, UTF-16 character) position.
pub fn at(uri: &str, (line, character): (u32, u32)) -> Value {
    json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": character}})
}
