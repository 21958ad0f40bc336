//! The protocol handlers. Each one translates: protocol in, analysis query, protocol out.
//!
//! Ordering: tower-lsp-server may run handlers concurrently, so `didOpen`, `didChange` and
//! `didClose` change the state synchronously, before any `.await`, under a std mutex that is never
//! held across an `.await`. Their first poll happens in arrival order, so changes apply in order.

use std::collections::hash_map::Entry;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use serde_json::Value;
use tower_lsp_server::jsonrpc::{self, Result};
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer};

use crate::lsp::client_features::ClientFeatures;
use crate::lsp::diagnostics;
use crate::lsp::document::Document;
use crate::lsp::files;
use crate::lsp::guard::guard;
use crate::lsp::position::Encoding;
use crate::lsp::settings::Settings;
use crate::lsp::state::{OpenDocument, Snapshot, State, World};
use crate::lsp::{
    code_action, code_lens, completion, definition, document_highlight, document_symbol,
    folding_range, formatting, hover, inlay_hint, references, rename, report, selection_range,
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
    /// Whether the client shows server-initiated progress (`window/workDoneProgress/create`).
    work_done_progress: bool,
    semantic_tokens_refresh: bool,
}

struct Inner {
    client: Client,
    config: ServerConfig,
    state: Mutex<State>,
    /// The state's generation, readable without the lock: a running analysis checks it to give
    /// up once a newer change makes it stale.
    generation: AtomicU64,
    /// The latest finished snapshots of every plan, which requests read.
    snapshot: Mutex<Option<Arc<World>>>,
    /// Held while an analysis runs, so that runs are one at a time and a caller that waited finds
    /// the snapshot the run before it made.
    analysing: tokio::sync::Mutex<()>,
    /// The generations that requests are waiting for, with how many wait: an analysis that one of
    /// them needs is not cancelled by a newer change, so that typing cannot starve a hover.
    waiting: Mutex<std::collections::BTreeMap<u64, usize>>,
    /// Whether the first scan of the workspace folders is done; requests wait for it.
    scanned: tokio::sync::watch::Sender<bool>,
    /// What was last published, and from which snapshot. The async mutex also makes publishing
    /// one at a time.
    published: tokio::sync::Mutex<Option<diagnostics::Published>>,
    support: Mutex<ClientSupport>,
    /// Problems with the initialization options, and workspace folders that are not scanned,
    /// shown once the client is ready.
    setting_problems: Mutex<Vec<String>>,
    analyses: AtomicU64,
    /// Documents the client opened in another language, by normalized URI: not analysed, and
    /// their changes ignored without a warning each.
    foreign: Mutex<HashSet<Uri>>,
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
                generation: AtomicU64::new(0),
                snapshot: Mutex::new(None),
                analysing: tokio::sync::Mutex::new(()),
                waiting: Mutex::new(std::collections::BTreeMap::new()),
                scanned: tokio::sync::watch::Sender::new(true),
                published: tokio::sync::Mutex::new(None),
                support: Mutex::new(ClientSupport::default()),
                setting_problems: Mutex::new(Vec::new()),
                analyses: AtomicU64::new(0),
                foreign: Mutex::new(HashSet::new()),
            }),
        }
    }

    /// How many times the workspace has been analysed, to measure the debounce.
    pub fn analysis_count(&self) -> u64 {
        self.inner.analyses.load(Ordering::SeqCst)
    }

    /// The analysed snapshots of the current state, analysed here and now when the latest ones
    /// are stale (for tests; the server itself analyses off the message loop).
    pub fn snapshot(&self) -> Result<Arc<World>> {
        self.inner.snapshot_now()
    }

    /// Answers a request about the document `uri` from the current snapshot of its plan; a panic
    /// becomes an error response.
    async fn read<T>(
        &self,
        request: &str,
        uri: &Uri,
        answer: impl FnOnce(&Snapshot) -> T,
    ) -> Result<T> {
        let world = self.inner.clone().snapshot_for().await?;
        guard(request, || answer(world.for_uri(uri)))
    }

    /// Answers a request about every plan from their current snapshots.
    async fn read_all<T>(&self, request: &str, answer: impl FnOnce(&World) -> T) -> Result<T> {
        let world = self.inner.clone().snapshot_for().await?;
        guard(request, || answer(&world))
    }

    /// Shows the problems of `planls.toml` files, read on a scan, to the user.
    fn show_marker_problems(&self, problems: Vec<String>) {
        if !problems.is_empty() {
            let client = self.inner.client.clone();
            tokio::spawn(async move { show_problems(&client, problems).await });
        }
    }

    /// Changes the state and schedules the diagnostics; nothing here awaits. A panic while
    /// changing is logged and the server goes on with the state as the panic left it.
    fn change(&self, notification: &str, apply: impl FnOnce(&mut State)) {
        let generation = {
            let mut state = lock(&self.inner.state);
            let _ = guard(notification, || apply(&mut state));
            let generation = state.changed();
            self.inner.generation.store(generation, Ordering::SeqCst);
            generation
        };
        self.schedule_publish(generation);
    }

    fn schedule_publish(&self, generation: u64) {
        let inner = self.inner.clone();
        tokio::spawn(inner.publish_after_debounce(generation));
    }

    /// Reads the workspace folders on a blocking thread, after `initialize` has answered; requests
    /// wait for it, and the diagnostics follow it.
    fn start_scan(&self) {
        self.inner.scanned.send_replace(false);
        let inner = self.inner.clone();
        let this = self.clone();
        tokio::spawn(async move {
            let folders = lock(&inner.state).folders.clone();
            let started = std::time::Instant::now();
            let found = tokio::task::spawn_blocking(move || State::read_folders(&folders)).await;
            let (found, projects) = found.unwrap_or_else(|error| {
                tracing::error!("the workspace scan failed: {error}");
                (HashMap::new(), Default::default())
            });
            tracing::info!(
                "scanned the workspace: {} plan files in {:?}",
                found.len(),
                started.elapsed()
            );
            let mut problems = Vec::new();
            this.change("workspace scan", |state| {
                problems = state.scanned(found, projects)
            });
            this.show_marker_problems(problems);
            inner.scanned.send_replace(true);
        });
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
                watchers: ["**/*.plan", "**/planls.toml"]
                    .into_iter()
                    .map(|glob| FileSystemWatcher {
                        glob_pattern: GlobPattern::String(glob.to_string()),
                        kind: None,
                    })
                    .collect(),
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

/// Today by the local clock: read by the server, never by the analysis.
fn clock_today() -> chrono::NaiveDate {
    chrono::Local::now().date_naive()
}

/// A request's place among those waiting for an analysis, given up when the request ends: when
/// it is answered, or dropped because the client cancelled it.
struct Waiting<'a> {
    waiting: &'a Mutex<std::collections::BTreeMap<u64, usize>>,
    generation: u64,
}

impl<'a> Waiting<'a> {
    fn new(waiting: &'a Mutex<std::collections::BTreeMap<u64, usize>>, generation: u64) -> Self {
        *lock(waiting).entry(generation).or_default() += 1;
        Waiting {
            waiting,
            generation,
        }
    }
}

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        let mut waiting = lock(self.waiting);
        if let Some(count) = waiting.get_mut(&self.generation) {
            *count -= 1;
            if *count == 0 {
                waiting.remove(&self.generation);
            }
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
        self.generation.load(Ordering::SeqCst)
    }

    /// Whether `snapshot` still answers for the state: nothing changed since, and the date it
    /// counts as today is still today. The clock is read here, in the server, and only matters
    /// when no `today` is set: a server left running past midnight analyses again.
    fn is_current(&self, world: &World) -> bool {
        world.generation == self.generation() && world.is_of_day(clock_today())
    }

    fn latest(&self) -> Option<Arc<World>> {
        lock(&self.snapshot).clone()
    }

    fn store(&self, snapshot: &Arc<World>) {
        let mut latest = lock(&self.snapshot);
        if latest
            .as_ref()
            .is_none_or(|l| l.generation <= snapshot.generation)
        {
            *latest = Some(snapshot.clone());
        }
    }

    /// The snapshot a request reads: the latest one when it is current, else the analysis of the
    /// state as it is now, run off the message loop. While the request waits, newer changes do
    /// not cancel that analysis, so typing cannot starve it.
    async fn snapshot_for(self: Arc<Self>) -> Result<Arc<World>> {
        let mut scanned = self.scanned.subscribe();
        // The first scan runs after `initialize`; a request that comes before it ends waits.
        let _ = scanned.wait_for(|done| *done).await;
        if let Some(latest) = self.latest().filter(|l| self.is_current(l)) {
            return Ok(latest);
        }
        let wanted = self.generation();
        let _waiting = Waiting::new(&self.waiting, wanted);
        loop {
            if let Some(snapshot) = self.clone().analyse(wanted).await? {
                return Ok(snapshot);
            }
        }
    }

    /// The snapshot of generation `wanted` or a newer one: the latest when it is, else a new
    /// analysis on a blocking thread. `None` when a newer change cancelled the run.
    async fn analyse(self: Arc<Self>, wanted: u64) -> Result<Option<Arc<World>>> {
        let _one_at_a_time = self.analysing.lock().await;
        if let Some(latest) = self.latest() {
            if latest.generation >= wanted && self.is_current(&latest) {
                return Ok(Some(latest));
            }
        }
        let inputs = lock(&self.state).inputs();
        let generation = inputs.generation;
        let inner = self.clone();
        // The latest analysis of each plan is updated: what the changes left alike is reused.
        let previous = self.latest();
        let started = std::time::Instant::now();
        let run = tokio::task::spawn_blocking(move || {
            let cancelled = || inner.is_stale(generation);
            guard("analysis", || {
                World::build_unless(inputs, clock_today(), previous.as_deref(), &cancelled)
            })
        });
        let built = match run.await {
            Ok(built) => built?,
            Err(error) => {
                tracing::error!("the analysis did not finish: {error}");
                return Err(jsonrpc::Error::internal_error());
            }
        };
        let Some(snapshot) = built else {
            tracing::debug!("analysis of generation {generation} cancelled by a newer change");
            return Ok(None);
        };
        tracing::debug!(
            "analysed generation {generation} in {:.1} ms",
            started.elapsed().as_secs_f64() * 1000.0
        );
        let snapshot = Arc::new(snapshot);
        self.analyses.fetch_add(1, Ordering::SeqCst);
        self.store(&snapshot);
        Ok(Some(snapshot))
    }

    /// Whether an analysis of `generation` is no longer wanted: a newer change came, and no
    /// request waits for this generation or an older one.
    fn is_stale(&self, generation: u64) -> bool {
        self.generation() > generation && lock(&self.waiting).range(..=generation).next().is_none()
    }

    /// The snapshot of the current state, analysed on this thread when the latest is stale.
    fn snapshot_now(&self) -> Result<Arc<World>> {
        if let Some(latest) = self.latest().filter(|l| self.is_current(l)) {
            return Ok(latest);
        }
        let inputs = lock(&self.state).inputs();
        let snapshot = Arc::new(guard("analysis", || World::build(inputs, clock_today()))?);
        self.analyses.fetch_add(1, Ordering::SeqCst);
        self.store(&snapshot);
        Ok(snapshot)
    }

    /// Publishes the diagnostics of the latest state once changes stop for the debounce delay.
    /// A newer change schedules its own publication, so an outdated one gives way.
    async fn publish_after_debounce(self: Arc<Self>, generation: u64) {
        tokio::time::sleep(self.config.debounce).await;
        if self.generation() != generation {
            return;
        }
        let _ = self.scanned.subscribe().wait_for(|done| *done).await;
        let snapshot = match self.clone().analyse(generation).await {
            Ok(Some(snapshot)) => snapshot,
            Ok(None) => return,
            Err(error) => {
                tracing::error!("no diagnostics published: {}", error.message);
                return;
            }
        };
        let mut published = self.published.lock().await;
        // A newer analysis may have been published while this one waited for the lock.
        if published
            .as_ref()
            .is_some_and(|p| p.world.generation > snapshot.generation)
        {
            return;
        }
        let current = match guard("diagnostics", || {
            diagnostics::by_file(&snapshot, published.as_ref())
        }) {
            Ok(current) => current,
            Err(_) => return,
        };
        let empty = HashMap::new();
        let before = published.as_ref().map_or(&empty, |p| &p.files);
        for (uri, file) in diagnostics::changes(before, &current) {
            self.client
                .publish_diagnostics(uri, file.diagnostics.to_vec(), file.version)
                .await;
        }
        *published = Some(diagnostics::Published {
            world: snapshot,
            files: current,
        });
        drop(published);
        let generation = self.generation();
        tokio::spawn(self.clone().return_memory_when_idle(generation));
        self.refresh_views().await;
    }

    /// Shows the first scan and analysis as `$/progress`, when the client takes it.
    async fn report_scan(self: Arc<Self>) {
        if !lock(&self.support).work_done_progress {
            return;
        }
        let token = ProgressToken::String("planls/scan".to_string());
        let create = self.client.send_request::<request::WorkDoneProgressCreate>(
            WorkDoneProgressCreateParams {
                token: token.clone(),
            },
        );
        // A client that never answers must not hold anything up.
        if !matches!(
            tokio::time::timeout(Duration::from_secs(5), create).await,
            Ok(Ok(()))
        ) {
            return;
        }
        let progress = self
            .client
            .progress(token, "planls")
            .with_message("Reading the workspace's .plan files")
            .begin()
            .await;
        let _ = self.scanned.subscribe().wait_for(|done| *done).await;
        progress.report("Analysing the plan").await;
        let generation = self.generation();
        let analysed = match self.clone().analyse(generation).await {
            Ok(Some(world)) => format!(
                "{} files, {} items",
                world
                    .snapshots()
                    .map(|s| s.workspace.files().len())
                    .sum::<usize>(),
                world
                    .snapshots()
                    .map(|s| s.analysis.item_count())
                    .sum::<usize>()
            ),
            _ => "done".to_string(),
        };
        progress.finish_with_message(analysed).await;
    }

    /// Gives the memory that edits freed back to the system once the server has been idle for a
    /// second after publishing `generation`: the system allocator otherwise keeps it, and the
    /// resident memory of a server that was typed into stays at its peak.
    async fn return_memory_when_idle(self: Arc<Self>, generation: u64) {
        tokio::time::sleep(Duration::from_secs(1)).await;
        if self.generation() == generation {
            let _ = tokio::task::spawn_blocking(crate::lsp::memory::return_freed).await;
        }
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

/// Whether a document opened with this `languageId` is a plan. The VS Code extension registers the
/// language `plan` and the Neovim plugin the filetype `plan`, which both send as the languageId
/// (`tests/nvim/smoke.lua` checks it); so do the Helix (language `plan`) and eglot (`plan-mode`)
/// set-ups of editors/README.md.
fn is_plan_language(language_id: &str) -> bool {
    language_id == "plan"
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
        execute_command_provider: Some(ExecuteCommandOptions {
            commands: vec![report::REPORT.to_string()],
            work_done_progress_options: WorkDoneProgressOptions::default(),
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
            work_done_progress: params
                .capabilities
                .window
                .as_ref()
                .and_then(|w| w.work_done_progress)
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
        }
        self.start_scan();
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
        tokio::spawn(self.inner.clone().report_scan());
        // Side by side, so that a client slow to answer one request does not hold up the others.
        tokio::join!(
            show_problems(&self.inner.client, problems),
            self.register_capabilities(),
            self.pull_settings()
        );
    }

    async fn shutdown(&self) -> Result<()> {
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let document = params.text_document;
        let key = files::normalize(&document.uri);
        if !is_plan_language(&document.language_id) {
            tracing::info!(
                "not analysing {}: its languageId is {:?}, not \"plan\"",
                document.uri.as_str(),
                document.language_id
            );
            lock(&self.inner.foreign).insert(key);
            return;
        }
        lock(&self.inner.foreign).remove(&key);
        self.change("textDocument/didOpen", |state| {
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
        let key = files::normalize(&params.text_document.uri);
        if lock(&self.inner.foreign).contains(&key) {
            return;
        }
        self.change("textDocument/didChange", |state| {
            let encoding = state.encoding;
            let version = params.text_document.version;
            match state.open.get_mut(&key) {
                // Versions only grow: an older one arrived late or was resent, and the newer text
                // stays.
                Some(open) if open.document.version.is_some_and(|newer| version < newer) => {
                    tracing::warn!(
                        "ignored a change of {} to version {version}: version {} is applied already",
                        params.text_document.uri.as_str(),
                        open.document.version.unwrap_or_default()
                    )
                }
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

    async fn did_save(&self, _: DidSaveTextDocumentParams) {
        // Nothing to do: the open buffer counts instead of the file, and the file watcher reports
        // the write to disk. (The default handler logs a warning on every save.)
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        if lock(&self.inner.foreign).remove(&files::normalize(&params.text_document.uri)) {
            return;
        }
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
        let mut problems = Vec::new();
        self.change("workspace/didChangeWatchedFiles", |state| {
            problems = state.rescan(Some(&changed))
        });
        self.show_marker_problems(problems);
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
        let mut marker_problems = Vec::new();
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
            marker_problems = state.rescan(None);
        });
        self.show_marker_problems(marker_problems);
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
        self.read(
            "textDocument/hover",
            &params.text_document_position_params.text_document.uri,
            |s| hover::hover(s, &params),
        )
        .await
    }

    async fn goto_definition(
        &self,
        params: GotoDefinitionParams,
    ) -> Result<Option<GotoDefinitionResponse>> {
        self.read(
            "textDocument/definition",
            &params.text_document_position_params.text_document.uri,
            |s| definition::definition(s, &params),
        )
        .await
    }

    async fn references(&self, params: ReferenceParams) -> Result<Option<Vec<Location>>> {
        self.read(
            "textDocument/references",
            &params.text_document_position.text_document.uri,
            |s| references::references(s, &params),
        )
        .await
    }

    async fn document_highlight(
        &self,
        params: DocumentHighlightParams,
    ) -> Result<Option<Vec<DocumentHighlight>>> {
        self.read(
            "textDocument/documentHighlight",
            &params.text_document_position_params.text_document.uri,
            |s| document_highlight::document_highlight(s, &params),
        )
        .await
    }

    async fn prepare_rename(
        &self,
        params: TextDocumentPositionParams,
    ) -> Result<Option<PrepareRenameResponse>> {
        self.read(
            "textDocument/prepareRename",
            &params.text_document.uri,
            |s| rename::prepare_rename(s, &params),
        )
        .await?
    }

    async fn rename(&self, params: RenameParams) -> Result<Option<WorkspaceEdit>> {
        self.read(
            "textDocument/rename",
            &params.text_document_position.text_document.uri,
            |s| rename::rename(s, &params),
        )
        .await?
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        self.read(
            "textDocument/completion",
            &params.text_document_position.text_document.uri,
            |s| completion::completion(s, &params),
        )
        .await
    }

    async fn document_symbol(
        &self,
        params: DocumentSymbolParams,
    ) -> Result<Option<DocumentSymbolResponse>> {
        self.read(
            "textDocument/documentSymbol",
            &params.text_document.uri,
            |s| document_symbol::document_symbol(s, &params),
        )
        .await
    }

    async fn symbol(
        &self,
        params: WorkspaceSymbolParams,
    ) -> Result<Option<WorkspaceSymbolResponse>> {
        self.read_all("workspace/symbol", |world| {
            workspace_symbol::workspace_symbol(world, &params)
        })
        .await
    }

    async fn semantic_tokens_full(
        &self,
        params: SemanticTokensParams,
    ) -> Result<Option<SemanticTokensResult>> {
        self.read(
            "textDocument/semanticTokens/full",
            &params.text_document.uri,
            |s| semantic_tokens::full(s, &params),
        )
        .await
    }

    async fn semantic_tokens_range(
        &self,
        params: SemanticTokensRangeParams,
    ) -> Result<Option<SemanticTokensRangeResult>> {
        self.read(
            "textDocument/semanticTokens/range",
            &params.text_document.uri,
            |s| semantic_tokens::range(s, &params),
        )
        .await
    }

    async fn folding_range(&self, params: FoldingRangeParams) -> Result<Option<Vec<FoldingRange>>> {
        self.read(
            "textDocument/foldingRange",
            &params.text_document.uri,
            |s| folding_range::folding_range(s, &params),
        )
        .await
    }

    async fn selection_range(
        &self,
        params: SelectionRangeParams,
    ) -> Result<Option<Vec<SelectionRange>>> {
        self.read(
            "textDocument/selectionRange",
            &params.text_document.uri,
            |s| selection_range::selection_range(s, &params),
        )
        .await
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        self.read("textDocument/codeAction", &params.text_document.uri, |s| {
            code_action::code_action(s, &params)
        })
        .await
    }

    async fn inlay_hint(&self, params: InlayHintParams) -> Result<Option<Vec<InlayHint>>> {
        self.read("textDocument/inlayHint", &params.text_document.uri, |s| {
            inlay_hint::inlay_hint(s, &params)
        })
        .await
    }

    async fn code_lens(&self, params: CodeLensParams) -> Result<Option<Vec<CodeLens>>> {
        self.read("textDocument/codeLens", &params.text_document.uri, |s| {
            code_lens::code_lens(s, &params)
        })
        .await
    }

    async fn execute_command(&self, params: ExecuteCommandParams) -> Result<Option<Value>> {
        if params.command != report::REPORT {
            return Err(request_failed(format!(
                "unknown command `{}`: the server runs `{}`",
                params.command,
                report::REPORT
            )));
        }
        self.read_all("workspace/executeCommand", |world| {
            report::report(report::plan_of(world, &params.arguments), &params.arguments)
        })
        .await?
        .map(Some)
    }

    async fn formatting(&self, params: DocumentFormattingParams) -> Result<Option<Vec<TextEdit>>> {
        self.read("textDocument/formatting", &params.text_document.uri, |s| {
            formatting::formatting(s, &params)
        })
        .await?
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
