//! A small JSON-RPC client that plays the editor against the real server, in process: the
//! server runs on one end of in-memory pipes, framed exactly as over stdio.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use planls::lsp::{Backend, ServerConfig};
use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader, DuplexStream, WriteHalf};
use tokio::sync::{oneshot, Notify};

/// How long a test waits for something the server should do, before failing.
const PATIENCE: Duration = Duration::from_secs(20);

/// What the client offers at initialize.
#[derive(Clone)]
pub struct Setup {
    pub folders: Vec<String>,
    pub encodings: Vec<&'static str>,
    pub initialization_options: Value,
    /// The `planls` section answered to `workspace/configuration`.
    pub configuration: Value,
    pub debounce: Duration,
    /// The client's `textDocument` capabilities.
    pub text_document: Value,
}

impl Default for Setup {
    fn default() -> Self {
        Setup {
            folders: Vec::new(),
            encodings: vec!["utf-16"],
            initialization_options: json!({ "today": "2027-01-04" }),
            configuration: Value::Null,
            debounce: Duration::from_millis(20),
            text_document: json!({
                "rename": { "prepareSupport": true },
                "hover": { "contentFormat": ["markdown", "plaintext"] },
                "completion": { "completionItem": {
                    "snippetSupport": true,
                    "labelDetailsSupport": true,
                    "documentationFormat": ["markdown", "plaintext"]
                } },
                "documentSymbol": { "hierarchicalDocumentSymbolSupport": true },
                "codeAction": { "codeActionLiteralSupport": {
                    "codeActionKind": { "valueSet": ["quickfix"] }
                } },
                "publishDiagnostics": { "relatedInformation": true }
            }),
        }
    }
}

#[derive(Default)]
struct Inbox {
    /// Every notification from the server, in order.
    notifications: Vec<Value>,
    /// Every request from the server, in order.
    requests: Vec<Value>,
    /// The latest `publishDiagnostics` params per URI.
    diagnostics: HashMap<String, Value>,
}

pub struct Client {
    writer: Arc<tokio::sync::Mutex<WriteHalf<DuplexStream>>>,
    pending: Arc<Mutex<HashMap<i64, oneshot::Sender<Value>>>>,
    inbox: Arc<Mutex<Inbox>>,
    arrived: Arc<Notify>,
    next_id: i64,
    pub backend: Backend,
    pub initialize_result: Value,
}

async fn write_message(writer: &tokio::sync::Mutex<WriteHalf<DuplexStream>>, message: &Value) {
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

impl Client {
    /// Starts a server and initializes it as an editor would.
    pub async fn start(setup: Setup) -> Client {
        let (client_end, server_end) = tokio::io::duplex(1 << 20);
        let (server_read, server_write) = tokio::io::split(server_end);
        let (service, socket) = planls::lsp::service(ServerConfig {
            debounce: setup.debounce,
        });
        let backend = service.inner().clone();
        tokio::spawn(planls::lsp::transport::serve(
            server_read,
            server_write,
            service,
            socket,
            Default::default(),
        ));

        let (client_read, client_write) = tokio::io::split(client_end);
        let writer = Arc::new(tokio::sync::Mutex::new(client_write));
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
            let configuration = setup.configuration.clone();
            tokio::spawn(async move {
                let mut reader = BufReader::new(client_read);
                while let Some(message) = read_message(&mut reader).await {
                    let id = message.get("id").cloned();
                    let method = message
                        .get("method")
                        .and_then(Value::as_str)
                        .map(str::to_string);
                    match (id, method) {
                        (Some(id), None) => {
                            if let Some(sender) =
                                pending.lock().unwrap().remove(&id.as_i64().unwrap())
                            {
                                let _ = sender.send(message);
                            }
                        }
                        (Some(id), Some(method)) => {
                            inbox.lock().unwrap().requests.push(message.clone());
                            let result = match method.as_str() {
                                "workspace/configuration" => json!([configuration.clone()]),
                                _ => Value::Null,
                            };
                            write_message(
                                &writer,
                                &json!({"jsonrpc": "2.0", "id": id, "result": result}),
                            )
                            .await;
                        }
                        (None, Some(method)) => {
                            let mut inbox = inbox.lock().unwrap();
                            if method == "textDocument/publishDiagnostics" {
                                let uri = message["params"]["uri"].as_str().unwrap().to_string();
                                inbox.diagnostics.insert(uri, message["params"].clone());
                            }
                            inbox.notifications.push(message);
                        }
                        (None, None) => {}
                    }
                    arrived.notify_waiters();
                }
            });
        }

        let mut client = Client {
            writer,
            pending,
            inbox,
            arrived,
            next_id: 0,
            backend,
            initialize_result: Value::Null,
        };
        let folders: Vec<Value> = setup
            .folders
            .iter()
            .map(|uri| json!({ "uri": uri, "name": "folder" }))
            .collect();
        let result = client
            .request(
                "initialize",
                json!({
                    "processId": null,
                    "rootUri": null,
                    "workspaceFolders": if folders.is_empty() { Value::Null } else { json!(folders) },
                    "initializationOptions": setup.initialization_options,
                    "capabilities": {
                        "general": { "positionEncodings": setup.encodings },
                        "workspace": {
                            "configuration": true,
                            "didChangeWatchedFiles": { "dynamicRegistration": true },
                            "didChangeConfiguration": { "dynamicRegistration": true },
                            "workspaceFolders": true
                        },
                        "textDocument": setup.text_document,
                        "window": { "workDoneProgress": true }
                    }
                }),
            )
            .await
            .expect("initialize succeeds");
        client.initialize_result = result;
        client.notify("initialized", json!({})).await;
        client
    }

    /// Sends a request and waits for its answer: the result, or the error object.
    pub async fn request(&mut self, method: &str, params: Value) -> Result<Value, Value> {
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
        match response.get("error") {
            Some(error) => Err(error.clone()),
            None => Ok(response["result"].clone()),
        }
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

    /// Replaces `range` (`[line, character, line, character]`) with `text`.
    pub async fn edit(&self, uri: &str, version: i32, range: [u32; 4], text: &str) {
        self.notify(
            "textDocument/didChange",
            json!({
                "textDocument": {"uri": uri, "version": version},
                "contentChanges": [{"range": range_json(range), "text": text}]
            }),
        )
        .await;
    }

    pub async fn close(&self, uri: &str) {
        self.notify(
            "textDocument/didClose",
            json!({"textDocument": {"uri": uri}}),
        )
        .await;
    }

    /// The latest diagnostics published for `uri`.
    pub fn diagnostics(&self, uri: &str) -> Option<Value> {
        self.inbox.lock().unwrap().diagnostics.get(uri).cloned()
    }

    pub fn notifications(&self, method: &str) -> Vec<Value> {
        self.inbox
            .lock()
            .unwrap()
            .notifications
            .iter()
            .filter(|n| n["method"] == method)
            .cloned()
            .collect()
    }

    pub fn server_requests(&self, method: &str) -> Vec<Value> {
        self.inbox
            .lock()
            .unwrap()
            .requests
            .iter()
            .filter(|n| n["method"] == method)
            .cloned()
            .collect()
    }

    /// Waits until `check` holds of what the client has received.
    pub async fn wait_until(&self, what: &str, check: impl Fn(&Client) -> bool) {
        let deadline = tokio::time::Instant::now() + PATIENCE;
        loop {
            let arrived = self.arrived.notified();
            if check(self) {
                return;
            }
            if tokio::time::timeout_at(deadline, arrived).await.is_err() {
                assert!(check(self), "timed out waiting for {what}");
                return;
            }
        }
    }

    /// Waits until the diagnostics published for `uri` are, in short form, `expected`: each
    /// expected line is the start of one diagnostic's (`range code: message`).
    pub async fn expect_diagnostics(&self, uri: &str, expected: &[&str]) {
        let what = format!("diagnostics {expected:?} for {uri}");
        let matches = |client: &Client| {
            client.diagnostics(uri).is_some_and(|params| {
                let got = short_diagnostics(&params);
                got.len() == expected.len()
                    && got
                        .iter()
                        .zip(expected)
                        .all(|(got, want)| got.starts_with(want))
            })
        };
        let deadline = tokio::time::Instant::now() + PATIENCE;
        loop {
            let arrived = self.arrived.notified();
            if matches(self) {
                return;
            }
            if tokio::time::timeout_at(deadline, arrived).await.is_err() {
                let got = self.diagnostics(uri).map(|p| short_diagnostics(&p));
                panic!("timed out waiting for {what}; the latest were {got:?}");
            }
        }
    }

    /// The IDs of every item in the workspace, sorted, as workspace symbols list them.
    pub async fn symbol_names(&mut self) -> Vec<String> {
        let symbols = self
            .request("workspace/symbol", json!({"query": ""}))
            .await
            .unwrap();
        let mut names: Vec<String> = symbols
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["name"].as_str().unwrap().to_string())
            .collect();
        names.sort();
        names
    }

    /// Lets the debounce pass and anything it publishes arrive.
    pub async fn settle(&self) {
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
}

pub fn range_json([l1, c1, l2, c2]: [u32; 4]) -> Value {
    json!({"start": {"line": l1, "character": c1}, "end": {"line": l2, "character": c2}})
}

pub fn position(uri: &str, line: u32, character: u32) -> Value {
    json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": character}})
}

/// A range as `line:character-line:character`.
pub fn short_range(range: &Value) -> String {
    format!(
        "{}:{}-{}:{}",
        range["start"]["line"],
        range["start"]["character"],
        range["end"]["line"],
        range["end"]["character"]
    )
}

/// Diagnostics as `range code: message`, for comparing in one line.
pub fn short_diagnostics(params: &Value) -> Vec<String> {
    params["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            format!(
                "{} {}: {}",
                short_range(&d["range"]),
                d["code"].as_str().unwrap_or("?"),
                d["message"].as_str().unwrap_or("")
            )
        })
        .collect()
}

/// A location as `uri-file-name line:character-line:character`.
pub fn short_location(location: &Value) -> String {
    let uri = location["uri"].as_str().unwrap();
    let name = uri.rsplit('/').next().unwrap();
    format!("{name} {}", short_range(&location["range"]))
}

/// A temporary workspace folder with files on disk.
pub struct Folder {
    pub dir: tempfile::TempDir,
}

impl Folder {
    pub fn new(files: &[(&str, &str)]) -> Folder {
        let dir = tempfile::tempdir().unwrap();
        let folder = Folder { dir };
        for (path, text) in files {
            folder.write(path, text);
        }
        folder
    }

    pub fn write(&self, path: &str, text: &str) {
        let full = self.dir.path().join(path);
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::fs::write(full, text).unwrap();
    }

    pub fn remove(&self, path: &str) {
        std::fs::remove_file(self.dir.path().join(path)).unwrap();
    }

    pub fn uri(&self) -> String {
        uri_of(self.dir.path())
    }

    pub fn file_uri(&self, path: &str) -> String {
        uri_of(&self.dir.path().join(path))
    }
}

pub fn uri_of(path: &Path) -> String {
    tower_lsp_server::ls_types::Uri::from_file_path(path)
        .unwrap()
        .as_str()
        .to_string()
}

/// What the analysis itself says about `uri` in a workspace of `files`, in the short form of
/// [`short_diagnostics`]: the oracle for what the server must end up publishing.
pub fn analysed_diagnostics(files: &[(&str, &str)], uri: &str) -> Vec<String> {
    use planls::analysis::{analyze, Options, Workspace};
    use planls::lsp::position::{range, Encoding};
    let workspace =
        Workspace::from_texts(files.iter().map(|(u, t)| (u.to_string(), t.to_string())));
    let today = chrono::NaiveDate::from_ymd_opt(2027, 1, 4).unwrap();
    let analysis = analyze(&workspace, &Options { today });
    let file = workspace.find(uri).unwrap();
    let rope = ropey::Rope::from_str(&workspace.file(file).text);
    analysis
        .diagnostics()
        .iter()
        .filter(|d| d.file == file)
        .map(|d| {
            let range = serde_json::to_value(range(&rope, d.span, Encoding::Utf16)).unwrap();
            format!("{} {}: {}", short_range(&range), d.code, d.message)
        })
        .collect()
}
