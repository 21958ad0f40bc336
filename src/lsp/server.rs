//! The protocol handlers. Each one translates: protocol in, analysis query, protocol out.
//!
//! Ordering: tower-lsp-server may run handlers concurrently, so `didOpen`, `didChange` and
//! `didClose` change the state synchronously, before any `.await`, under a std mutex that is never
//! held across an `.await`. Their first poll happens in arrival order, so changes apply in order.

use std::collections::hash_map::Entry;
use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use serde_json::Value;
use tower_lsp_server::jsonrpc::{self, Result};
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer};

use crate::lsp::client_features::ClientFeatures;
use crate::lsp::diagnostics::{self, FileDiagnostics};
use crate::lsp::document::Document;
use crate::lsp::files;
use crate::lsp::guard::guard;
use crate::lsp::position::Encoding;
use crate::lsp::settings::Settings;
use crate::lsp::state::{OpenDocument, Snapshot, State};
use crate::lsp::{
    code_action, code_lens, completion, definition, document_highlight, document_symbol,
    folding_range, formatting, hover, inlay_hint, references, rename, selection_range,
    semantic_tokens, workspace_symbol,
};

/// How the server behaves, beyond what the client configures.
#[derive(Clone, Debug)]
pub struct ServerConfig {
    /// How long to wait after a change before analysing and publishing, so that a burst of
    /// keystrokes costs one analysis.
    pub debounce: Duration,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            debounce: Duration::from_millis(150),
        }
    }
}

/// The language server. Cheap to clone: the state is shared.
#[derive(Clone)]
pub struct Backend {
    inner: Arc<Inner>,
}

/// What the client said it can do, at initialize.
#[derive(Clone, Copy, Debug, Default)]
struct ClientSupport {
    watched_files_registration: bool,
    configuration_pull: bool,
    configuration_registration: bool,
    /// Whether the client takes `workspace/*/refresh` requests, to redraw what another file's
    /// change made stale.
    inlay_hint_refresh: bool,
    code_lens_refresh: bool,
    semantic_tokens_refresh: bool,
}

struct Inner {
    client: Client,
    config: ServerConfig,
    state: Mutex<State>,
    /// The last snapshot; a request reuses it while the state's generation is unchanged.
    snapshot: Mutex<Option<Arc<Snapshot>>>,
    /// What was last published per URI. The async mutex also makes publishing one at a time.
    published: tokio::sync::Mutex<HashMap<Uri, FileDiagnostics>>,
    support: Mutex<ClientSupport>,
    /// Problems with the initialization options, and workspace folders that are not scanned,
    /// shown once the client is ready.
    setting_problems: Mutex<Vec<String>>,
    analyses: AtomicU64,
}

/// Locks a std mutex. Every change to the state runs under [`guard`], so a panic is caught while the
/// lock is held and never poisons it; should one get through, the state is still the best there is.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Backend {
    pub fn new(client: Client, config: ServerConfig) -> Backend {
        Backend {
            inner: Arc::new(Inner {
                client,
                config,
                state: Mutex::new(State::default()),
                snapshot: Mutex::new(None),
                published: tokio::sync::Mutex::new(HashMap::new()),
                support: Mutex::new(ClientSupport::default()),
                setting_problems: Mutex::new(Vec::new()),
                analyses: AtomicU64::new(0),
            }),
        }
    }

    /// How many times the workspace has been analysed, to measure the debounce.
    pub fn analysis_count(&self) -> u64 {
        self.inner.analyses.load(Ordering::SeqCst)
    }

    /// The analysed snapshot of the current state, computed once per change.
    pub fn snapshot(&self) -> Result<Arc<Snapshot>> {
        self.inner.snapshot()
    }

    /// Answers a request from the current snapshot; a panic becomes an error response.
    fn read<T>(&self, request: &str, answer: impl FnOnce(&Snapshot) -> T) -> Result<T> {
        let snapshot = self.inner.snapshot()?;
        guard(request, || answer(&snapshot))
    }

    /// Changes the state and schedules the diagnostics; nothing here awaits. A panic while
    /// changing is logged and the server goes on with the state as the panic left it.
    fn change(&self, notification: &str, apply: impl FnOnce(&mut State)) {
        let generation = {
            let mut state = lock(&self.inner.state);
            let _ = guard(notification, || apply(&mut state));
            state.changed()
        };
        self.schedule_publish(generation);
    }

    fn schedule_publish(&self, generation: u64) {
        let inner = self.inner.clone();
        tokio::spawn(async move { inner.publish_after_debounce(generation).await });
    }

    fn apply_settings(&self, value: &Value) {
        let (settings, problems) = Settings::from_json(value);
        self.change("settings", |state| state.settings = settings);
        if !problems.is_empty() {
            let client = self.inner.client.clone();
            tokio::spawn(async move { show_problems(&client, problems).await });
        }
    }

    /// Asks the client for the `planls` section, for clients that expect settings to be pulled.
    async fn pull_settings(&self) {
        if !lock(&self.inner.support).configuration_pull {
            return;
        }
        let item = ConfigurationItem {
            scope_uri: None,
            section: Some("planls".to_string()),
        };
        match self.inner.client.configuration(vec![item]).await {
            Ok(values) => {
                if let Some(value) = values.into_iter().next().filter(|v| !v.is_null()) {
                    self.apply_settings(&value);
                }
            }
            Err(error) => tracing::warn!("workspace/configuration failed: {error}"),
        }
    }

    async fn register_capabilities(&self) {
        let support = *lock(&self.inner.support);
        let mut registrations = Vec::new();
        if support.watched_files_registration {
            let options = DidChangeWatchedFilesRegistrationOptions {
                watchers: vec![FileSystemWatcher {
                    glob_pattern: GlobPattern::String("**/*.plan".to_string()),
                    kind: None,
                }],
            };
            registrations.push(Registration {
                id: "planls-watch-plan-files".to_string(),
                method: "workspace/didChangeWatchedFiles".to_string(),
                register_options: serde_json::to_value(options).ok(),
            });
        }
        if support.configuration_registration {
            registrations.push(Registration {
                id: "planls-configuration".to_string(),
                method: "workspace/didChangeConfiguration".to_string(),
                register_options: None,
            });
        }
        if registrations.is_empty() {
            return;
        }
        if let Err(error) = self.inner.client.register_capability(registrations).await {
            tracing::warn!("client/registerCapability failed: {error}");
        }
    }
}

async fn show_problems(client: &Client, problems: Vec<String>) {
    for problem in problems {
        tracing::warn!("{problem}");
        client.show_message(MessageType::WARNING, problem).await;
    }
}

impl Inner {
    fn generation(&self) -> u64 {
        lock(&self.state).generation
    }

    fn snapshot(&self) -> Result<Arc<Snapshot>> {
        let mut cache = lock(&self.snapshot);
        // The clock is read here, in the server, and only matters when no `today` is set: a
        // server left running past midnight analyses again with the new date.
        let today = chrono::Local::now().date_naive();
        let inputs = {
            let state = lock(&self.state);
            let current = |s: &&Arc<Snapshot>| {
                s.generation == state.generation
                    && (state.settings.today.is_some() || s.today == today)
            };
            if let Some(snapshot) = cache.as_ref().filter(current) {
                return Ok(snapshot.clone());
            }
            state.inputs()
        };
        let snapshot = Arc::new(guard("analysis", || Snapshot::build(inputs, today))?);
        self.analyses.fetch_add(1, Ordering::SeqCst);
        *cache = Some(snapshot.clone());
        Ok(snapshot)
    }

    /// Publishes the diagnostics of the latest state once changes stop for the debounce delay.
    /// A newer change schedules its own publication, so an outdated one gives way.
    async fn publish_after_debounce(&self, generation: u64) {
        tokio::time::sleep(self.config.debounce).await;
        if self.generation() != generation {
            return;
        }
        let mut published = self.published.lock().await;
        if self.generation() != generation {
            return;
        }
        let snapshot = match self.snapshot() {
            Ok(snapshot) => snapshot,
            Err(error) => {
                tracing::error!("no diagnostics published: {}", error.message);
                return;
            }
        };
        let current = match guard("diagnostics", || diagnostics::by_file(&snapshot)) {
            Ok(current) => current,
            Err(_) => return,
        };
        for (uri, file) in diagnostics::changes(&published, &current) {
            self.client
                .publish_diagnostics(uri, file.diagnostics, file.version)
                .await;
        }
        *published = current;
        drop(published);
        self.refresh_views().await;
    }

    /// Asks the client to fetch hints, lenses and tokens again: a change in one file can move the
    /// forecast shown in another.
    async fn refresh_views(&self) {
        let support = *lock(&self.support);
        let log = |what: &str, result: Result<()>| {
            if let Err(error) = result {
                tracing::debug!("refreshing {what} failed: {error}");
            }
        };
        if support.inlay_hint_refresh {
            log("inlay hints", self.client.inlay_hint_refresh().await);
        }
        if support.code_lens_refresh {
            log("code lenses", self.client.code_lens_refresh().await);
        }
        if support.semantic_tokens_refresh {
            log(
                "semantic tokens",
                self.client.semantic_tokens_refresh().await,
            );
        }
    }
}

fn folders_of(params: &InitializeParams) -> Vec<PathBuf> {
    match &params.workspace_folders {
        Some(folders) => folders
            .iter()
            .filter_map(|folder| files::uri_to_path(&folder.uri))
            .collect(),
        None => {
            #[allow(deprecated)]
            let root = params.root_uri.as_ref().and_then(files::uri_to_path);
            root.into_iter().collect()
        }
    }
}

fn capabilities(encoding: Encoding) -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(encoding.kind()),
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::INCREMENTAL),
                ..TextDocumentSyncOptions::default()
            },
        )),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        document_highlight_provider: Some(OneOf::Left(true)),
        rename_provider: Some(OneOf::Right(RenameOptions {
            prepare_provider: Some(true),
            work_done_progress_options: WorkDoneProgressOptions::default(),
        })),
        completion_provider: Some(completion::options()),
        document_symbol_provider: Some(OneOf::Left(true)),
        workspace_symbol_provider: Some(OneOf::Left(true)),
        semantic_tokens_provider: Some(semantic_tokens::options()),
        folding_range_provider: Some(FoldingRangeProviderCapability::Simple(true)),
        selection_range_provider: Some(SelectionRangeProviderCapability::Simple(true)),
        code_action_provider: Some(code_action::options()),
        document_formatting_provider: Some(OneOf::Left(true)),
        inlay_hint_provider: Some(OneOf::Left(true)),
        code_lens_provider: Some(CodeLensOptions {
            resolve_provider: Some(false),
        }),
        workspace: Some(WorkspaceServerCapabilities {
            workspace_folders: Some(WorkspaceFoldersServerCapabilities {
                supported: Some(true),
                change_notifications: Some(OneOf::Left(true)),
            }),
            file_operations: None,
        }),
        ..ServerCapabilities::default()
    }
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let encoding = Encoding::negotiate(
            params
                .capabilities
                .general
                .as_ref()
                .and_then(|general| general.position_encodings.as_deref()),
        );
        let workspace = params.capabilities.workspace.as_ref();
        *lock(&self.inner.support) = ClientSupport {
            watched_files_registration: workspace
                .and_then(|w| w.did_change_watched_files)
                .and_then(|w| w.dynamic_registration)
                .unwrap_or(false),
            configuration_pull: workspace.and_then(|w| w.configuration).unwrap_or(false),
            configuration_registration: workspace
                .and_then(|w| w.did_change_configuration)
                .and_then(|w| w.dynamic_registration)
                .unwrap_or(false),
            inlay_hint_refresh: workspace
                .and_then(|w| w.inlay_hint.as_ref())
                .and_then(|c| c.refresh_support)
                .unwrap_or(false),
            code_lens_refresh: workspace
                .and_then(|w| w.code_lens.as_ref())
                .and_then(|c| c.refresh_support)
                .unwrap_or(false),
            semantic_tokens_refresh: workspace
                .and_then(|w| w.semantic_tokens.as_ref())
                .and_then(|c| c.refresh_support)
                .unwrap_or(false),
        };
        let (settings, problems) = Settings::from_json(
            params
                .initialization_options
                .as_ref()
                .unwrap_or(&Value::Null),
        );
        let folders = folders_of(&params);
        // The root or the home folder is not scanned (the scan skips it); the user is told why.
        let refusals = folders.iter().filter_map(|f| files::refusal(f));
        *lock(&self.inner.setting_problems) = problems.into_iter().chain(refusals).collect();
        tracing::info!(
            "initialize: {encoding:?} positions, folders {:?}",
            folders
                .iter()
                .map(|f| f.display().to_string())
                .collect::<Vec<_>>()
        );
        {
            let mut state = lock(&self.inner.state);
            state.encoding = encoding;
            state.features = ClientFeatures::from_capabilities(&params.capabilities);
            state.folders = folders;
            state.settings = settings;
            state.rescan(None);
        }
        Ok(InitializeResult {
            capabilities: capabilities(encoding),
            server_info: Some(ServerInfo {
                name: "planls".to_string(),
                version: Some(env!("CARGO_PKG_VERSION").to_string()),
            }),
            offset_encoding: None,
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        let problems = std::mem::take(&mut *lock(&self.inner.setting_problems));
        self.schedule_publish(self.inner.generation());
        show_problems(&self.inner.client, problems).await;
        self.register_capabilities().await;
        self.pull_settings().await;
    }

    async fn shutdown(&self) -> Result<()> {
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let document = params.text_document;
        self.change("textDocument/didOpen", |state| {
            let key = files::normalize(&document.uri);
            let opened = Document::new(&document.text, Some(document.version));
            state.open.insert(
                key,
                OpenDocument {
                    uri: document.uri,
                    document: opened,
                },
            );
        });
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        self.change("textDocument/didChange", |state| {
            let encoding = state.encoding;
            let key = files::normalize(&params.text_document.uri);
            match state.open.get_mut(&key) {
                Some(open) => open.document.apply_changes(
                    &params.content_changes,
                    params.text_document.version,
                    encoding,
                ),
                None => tracing::warn!(
                    "didChange for {}, which is not open",
                    params.text_document.uri.as_str()
                ),
            }
        });
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        self.change("textDocument/didClose", |state| {
            let key = files::normalize(&params.text_document.uri);
            state.open.remove(&key);
            // What is on disk counts again, as it is now: the buffer may have been saved.
            if let Entry::Occupied(mut on_disk) = state.disk.entry(key) {
                match files::uri_to_path(on_disk.key()).and_then(|path| files::read(&path)) {
                    Some(text) => {
                        on_disk.insert(Document::new(&text, None));
                    }
                    None => {
                        on_disk.remove();
                    }
                }
            }
        });
    }

    async fn did_change_watched_files(&self, params: DidChangeWatchedFilesParams) {
        let changed: BTreeSet<Uri> = params
            .changes
            .iter()
            .map(|event| files::normalize(&event.uri))
            .collect();
        self.change("workspace/didChangeWatchedFiles", |state| {
            state.rescan(Some(&changed))
        });
    }

    async fn did_change_workspace_folders(&self, params: DidChangeWorkspaceFoldersParams) {
        let refusals: Vec<String> = params
            .event
            .added
            .iter()
            .filter_map(|f| files::refusal(&files::uri_to_path(&f.uri)?))
            .collect();
        if !refusals.is_empty() {
            let client = self.inner.client.clone();
            tokio::spawn(async move { show_problems(&client, refusals).await });
        }
        self.change("workspace/didChangeWorkspaceFolders", |state| {
            let removed: Vec<PathBuf> = params
                .event
                .removed
                .iter()
                .filter_map(|f| files::uri_to_path(&f.uri))
                .collect();
            state.folders.retain(|folder| !removed.contains(folder));
            for folder in &params.event.added {
                if let Some(path) = files::uri_to_path(&folder.uri) {
                    if !state.folders.contains(&path) {
                        state.folders.push(path);
                    }
                }
            }
            state.rescan(None);
        });
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        let ours = params.settings.get("planls").is_some()
            || params.settings.get("today").is_some()
            || params.settings.get("severity").is_some();
        if ours {
            self.apply_settings(&params.settings);
        } else {
            self.pull_settings().await;
        }
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        self.read("textDocument/hover", |s| hover::hover(s, &params))
    }

    async fn goto_definition(
        &self,
        params: GotoDefinitionParams,
    ) -> Result<Option<GotoDefinitionResponse>> {
        self.read("textDocument/definition", |s| {
            definition::definition(s, &params)
        })
    }

    async fn references(&self, params: ReferenceParams) -> Result<Option<Vec<Location>>> {
        self.read("textDocument/references", |s| {
            references::references(s, &params)
        })
    }

    async fn document_highlight(
        &self,
        params: DocumentHighlightParams,
    ) -> Result<Option<Vec<DocumentHighlight>>> {
        self.read("textDocument/documentHighlight", |s| {
            document_highlight::document_highlight(s, &params)
        })
    }

    async fn prepare_rename(
        &self,
        params: TextDocumentPositionParams,
    ) -> Result<Option<PrepareRenameResponse>> {
        self.read("textDocument/prepareRename", |s| {
            rename::prepare_rename(s, &params)
        })?
    }

    async fn rename(&self, params: RenameParams) -> Result<Option<WorkspaceEdit>> {
        self.read("textDocument/rename", |s| rename::rename(s, &params))?
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        self.read("textDocument/completion", |s| {
            completion::completion(s, &params)
        })
    }

    async fn document_symbol(
        &self,
        params: DocumentSymbolParams,
    ) -> Result<Option<DocumentSymbolResponse>> {
        self.read("textDocument/documentSymbol", |s| {
            document_symbol::document_symbol(s, &params)
        })
    }

    async fn symbol(
        &self,
        params: WorkspaceSymbolParams,
    ) -> Result<Option<WorkspaceSymbolResponse>> {
        self.read("workspace/symbol", |s| {
            workspace_symbol::workspace_symbol(s, &params)
        })
    }

    async fn semantic_tokens_full(
        &self,
        params: SemanticTokensParams,
    ) -> Result<Option<SemanticTokensResult>> {
        self.read("textDocument/semanticTokens/full", |s| {
            semantic_tokens::full(s, &params)
        })
    }

    async fn semantic_tokens_range(
        &self,
        params: SemanticTokensRangeParams,
    ) -> Result<Option<SemanticTokensRangeResult>> {
        self.read("textDocument/semanticTokens/range", |s| {
            semantic_tokens::range(s, &params)
        })
    }

    async fn folding_range(&self, params: FoldingRangeParams) -> Result<Option<Vec<FoldingRange>>> {
        self.read("textDocument/foldingRange", |s| {
            folding_range::folding_range(s, &params)
        })
    }

    async fn selection_range(
        &self,
        params: SelectionRangeParams,
    ) -> Result<Option<Vec<SelectionRange>>> {
        self.read("textDocument/selectionRange", |s| {
            selection_range::selection_range(s, &params)
        })
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        self.read("textDocument/codeAction", |s| {
            code_action::code_action(s, &params)
        })
    }

    async fn inlay_hint(&self, params: InlayHintParams) -> Result<Option<Vec<InlayHint>>> {
        self.read("textDocument/inlayHint", |s| {
            inlay_hint::inlay_hint(s, &params)
        })
    }

    async fn code_lens(&self, params: CodeLensParams) -> Result<Option<Vec<CodeLens>>> {
        self.read("textDocument/codeLens", |s| {
            code_lens::code_lens(s, &params)
        })
    }

    async fn formatting(&self, params: DocumentFormattingParams) -> Result<Option<Vec<TextEdit>>> {
        self.read("textDocument/formatting", |s| {
            formatting::formatting(s, &params)
        })
    }
}

/// An error response with a message for the user, such as a refused rename.
pub fn request_failed(message: impl Into<String>) -> jsonrpc::Error {
    jsonrpc::Error {
        code: jsonrpc::ErrorCode::ServerError(-32803),
        message: message.into().into(),
        data: None,
    }
}
