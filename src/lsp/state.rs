//! What the server knows: open buffers, files on disk, settings, the plans they belong to; and
//! the analysed snapshots that every request reads, one per plan.
//!
//! Each file belongs to the plan of the nearest `planls.toml` above it (docs/workspace.md), like
//! rust-analyzer's Cargo.toml projects inside one workspace folder; files under no marker form
//! one plan of the workspace folders, as before markers existed. Plans never see each other.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::PathBuf;
use std::sync::Arc;

use chrono::NaiveDate;
use ropey::Rope;
use tower_lsp_server::ls_types::{self as lsp, Position, Range, TextDocumentPositionParams, Uri};

use crate::analysis::{self, Analysis, FileId, Options, SourceFile, Workspace};
use crate::lsp::client_features::ClientFeatures;
use crate::lsp::document::Document;
use crate::lsp::files;
use crate::lsp::position::{self, Encoding};
use crate::lsp::settings::Settings;
use crate::project::{ProjectKey, Projects};
use crate::syntax::Span;

/// An open buffer, with the URI spelled as the client spells it.
pub struct OpenDocument {
    pub uri: Uri,
    pub document: Document,
}

/// The mutable state. Every change bumps `generation`, which tells a snapshot it is stale.
#[derive(Default)]
pub struct State {
    pub encoding: Encoding,
    pub features: ClientFeatures,
    pub folders: Vec<PathBuf>,
    pub settings: Settings,
    /// Keyed by the normalized URI.
    pub open: HashMap<Uri, OpenDocument>,
    /// The workspace's files as last read from disk, keyed by the normalized URI.
    pub disk: HashMap<Uri, Document>,
    pub generation: u64,
    /// The `planls.toml` markers found, and their settings.
    pub projects: Projects,
    /// The plan of each file, by normalized URI, found once.
    keys: HashMap<Uri, ProjectKey>,
}

impl State {
    pub fn changed(&mut self) -> u64 {
        self.generation += 1;
        self.generation
    }

    /// Reads every plan file under `folders`: what the first scan finds, without the state's lock.
    /// The files are read and parsed side by side on every core. A file its plan's `planls.toml`
    /// excludes is left out; the markers found come back with the files.
    pub fn read_folders(folders: &[PathBuf]) -> (HashMap<Uri, Document>, Projects) {
        let mut projects = Projects::default();
        let paths: Vec<PathBuf> = files::plan_files(folders)
            .into_iter()
            .filter(|path| !projects.is_excluded(path))
            .collect();
        let documents = crate::parallel::map(&paths, |path| {
            let uri = files::path_to_uri(path)?;
            let text = files::read(path)?;
            Some((uri, Document::new(&text, None)))
        })
        .into_iter()
        .flatten()
        .collect();
        (documents, projects)
    }

    /// Takes the result of [`State::read_folders`]. Returns the problems of the `planls.toml`
    /// files it found, for the user.
    pub fn scanned(
        &mut self,
        documents: HashMap<Uri, Document>,
        projects: Projects,
    ) -> Vec<String> {
        self.disk = documents;
        self.projects = projects;
        self.keys.clear();
        std::mem::take(&mut self.projects.problems)
    }

    /// Reads every plan file under the folders again: new files are added, vanished ones dropped,
    /// and the given `changed` ones (or all, when `None`) re-read. A changed `planls.toml` reads
    /// every marker again, as the plans may have changed shape. Returns the problems of the
    /// `planls.toml` files read again.
    pub fn rescan(&mut self, changed: Option<&BTreeSet<Uri>>) -> Vec<String> {
        let markers_changed = changed.is_none_or(|changed| {
            changed.iter().any(|uri| {
                files::uri_to_path(uri).is_some_and(|path| {
                    path.file_name()
                        .is_some_and(|n| n == crate::project::MARKER)
                })
            })
        });
        if markers_changed {
            self.projects = Projects::default();
            self.keys.clear();
        }
        let found = files::plan_files(&self.folders);
        let mut disk = HashMap::new();
        for path in found {
            if self.projects.is_excluded(&path) {
                continue;
            }
            let Some(uri) = files::path_to_uri(&path) else {
                continue;
            };
            let keep = changed.is_some_and(|changed| !changed.contains(&uri));
            match self.disk.remove(&uri) {
                Some(document) if keep => {
                    disk.insert(uri, document);
                }
                _ => {
                    if let Some(text) = files::read(&path) {
                        disk.insert(uri, Document::new(&text, None));
                    }
                }
            }
        }
        self.disk = disk;
        self.changed();
        std::mem::take(&mut self.projects.problems)
    }

    /// The plan a file belongs to; a document that is not a local file is in the loose plan.
    fn key_of(&mut self, uri: &Uri) -> ProjectKey {
        if let Some(key) = self.keys.get(uri) {
            return key.clone();
        }
        let key = match files::uri_to_path(uri) {
            Some(path) => self.projects.key_of(&path),
            None => ProjectKey::LOOSE,
        };
        self.keys.insert(uri.clone(), key.clone());
        key
    }

    /// The settings of one plan: the editor's where it sets them, else the plan's `planls.toml`.
    fn settings_of(&self, key: &ProjectKey) -> Settings {
        let config = self.projects.config_of(key);
        let mut severity = config.severity.clone();
        severity.extend(self.settings.severity.iter().map(|(c, s)| (*c, *s)));
        Settings {
            today: self.settings.today.or(config.today),
            severity,
        }
    }

    /// The inputs of one analysis, cheap to take: ropes and texts are shared, not copied. Each
    /// plan gets its files: the open buffers, and the files on disk that are not open.
    pub fn inputs(&mut self) -> Inputs {
        let mut files: Vec<(Uri, FileInput)> =
            Vec::with_capacity(self.disk.len() + self.open.len());
        for (key, document) in &self.disk {
            if !self.open.contains_key(key) {
                files.push((
                    key.clone(),
                    FileInput::new(key.clone(), key.clone(), document),
                ));
            }
        }
        for (key, open) in &self.open {
            let input = FileInput::new(key.clone(), open.uri.clone(), &open.document);
            files.push((key.clone(), input));
        }
        let mut plans: BTreeMap<ProjectKey, Vec<FileInput>> = BTreeMap::new();
        for (key, file) in files {
            plans.entry(self.key_of(&key)).or_default().push(file);
        }
        let plans = plans
            .into_iter()
            .map(|(key, files)| {
                let settings = self.settings_of(&key);
                (key, PlanInputs { files, settings })
            })
            .collect();
        Inputs {
            generation: self.generation,
            plans,
            encoding: self.encoding,
            features: self.features,
            settings: self.settings.clone(),
        }
    }
}

pub struct FileInput {
    /// The normalized URI, the server's key for the file.
    pub key: Uri,
    /// As the client spells it.
    pub uri: Uri,
    pub rope: Rope,
    pub version: Option<i32>,
    pub source: SourceFile,
}

impl FileInput {
    /// Another handle on the same shared text and rope.
    fn share(&self) -> FileInput {
        FileInput {
            key: self.key.clone(),
            uri: self.uri.clone(),
            rope: self.rope.clone(),
            version: self.version,
            source: self.source.clone(),
        }
    }

    fn new(key: Uri, uri: Uri, document: &Document) -> FileInput {
        FileInput {
            key,
            source: SourceFile {
                path: uri.as_str().to_string(),
                text: document.text.clone(),
                syntax: document.syntax.clone(),
            },
            uri,
            rope: document.rope.clone(),
            version: document.version,
        }
    }
}

pub struct Inputs {
    pub generation: u64,
    pub plans: BTreeMap<ProjectKey, PlanInputs>,
    pub encoding: Encoding,
    pub features: ClientFeatures,
    /// The editor's settings.
    pub settings: Settings,
}

/// The files of one plan, and its settings (the editor's over its `planls.toml`).
pub struct PlanInputs {
    pub files: Vec<FileInput>,
    pub settings: Settings,
}

/// Every plan's snapshot at one generation: what the server stores, publishes from and routes
/// each request through to the plan of its document.
pub struct World {
    pub generation: u64,
    /// The editor's settings.
    pub settings: Settings,
    plans: Vec<(ProjectKey, Arc<Snapshot>)>,
    by_uri: HashMap<Uri, usize>,
    /// Answers for a document that is in no plan.
    empty: Arc<Snapshot>,
}

impl World {
    pub fn build(inputs: Inputs, clock_today: NaiveDate) -> World {
        World::build_unless(inputs, clock_today, None, &|| false).expect("never cancelled")
    }

    /// Analyses each plan, updating its analysis in `previous`; a plan whose files and settings
    /// are all as they were keeps its snapshot as it is. `None` once `cancelled`.
    pub fn build_unless(
        inputs: Inputs,
        clock_today: NaiveDate,
        previous: Option<&World>,
        cancelled: &dyn Fn() -> bool,
    ) -> Option<World> {
        let common = |files, settings| Inputs {
            generation: inputs.generation,
            plans: BTreeMap::from([(ProjectKey::LOOSE, PlanInputs { files, settings })]),
            encoding: inputs.encoding,
            features: inputs.features,
            settings: inputs.settings.clone(),
        };
        let mut plans = Vec::new();
        let mut by_uri = HashMap::new();
        for (key, plan) in &inputs.plans {
            let before = previous.and_then(|p| p.plan(key));
            let snapshot = match before.filter(|b| {
                b.is_made_of(
                    &plan.files,
                    &plan.settings,
                    inputs.encoding,
                    inputs.features,
                ) && (b.settings.today.is_some() || b.today == clock_today)
            }) {
                Some(unchanged) => unchanged.clone(),
                None => {
                    let files = plan.files.iter().map(FileInput::share).collect();
                    Arc::new(Snapshot::build_unless(
                        common(files, plan.settings.clone()),
                        clock_today,
                        before.map(|b| &b.analysis),
                        cancelled,
                    )?)
                }
            };
            for key in snapshot.by_uri.keys() {
                by_uri.insert(key.clone(), plans.len());
            }
            plans.push((key.clone(), snapshot));
        }
        let empty = Arc::new(
            Snapshot::build_unless(
                common(Vec::new(), inputs.settings.clone()),
                clock_today,
                None,
                &|| false,
            )
            .expect("never cancelled"),
        );
        Some(World {
            generation: inputs.generation,
            settings: inputs.settings,
            plans,
            by_uri,
            empty,
        })
    }

    /// The snapshot of the plan `uri` belongs to, if it is in one.
    pub fn project(&self, uri: &Uri) -> Option<&Arc<Snapshot>> {
        let index = self.by_uri.get(&files::normalize(uri))?;
        Some(&self.plans[*index].1)
    }

    /// The snapshot to answer a request about `uri` from: its plan's, or an empty one.
    pub fn for_uri(&self, uri: &Uri) -> &Snapshot {
        self.project(uri).unwrap_or(&self.empty)
    }

    /// The snapshot of no plan, for a request about nothing the server knows.
    pub fn empty(&self) -> &Snapshot {
        &self.empty
    }

    fn plan(&self, key: &ProjectKey) -> Option<&Arc<Snapshot>> {
        self.plans.iter().find(|(k, _)| k == key).map(|(_, s)| s)
    }

    /// Every plan's snapshot, in the order of their roots.
    pub fn snapshots(&self) -> impl Iterator<Item = &Arc<Snapshot>> + '_ {
        self.plans.iter().map(|(_, snapshot)| snapshot)
    }

    /// Whether the dates the plans count as today still hold: those without a `today` setting
    /// measure against the clock.
    pub fn is_of_day(&self, clock_today: NaiveDate) -> bool {
        self.snapshots()
            .all(|s| s.settings.today.is_some() || s.today == clock_today)
    }
}

/// One file as the snapshot saw it.
pub struct FileView {
    pub uri: Uri,
    pub rope: Rope,
    pub version: Option<i32>,
}

/// The workspace and its analysis at one generation: what every request reads.
pub struct Snapshot {
    pub generation: u64,
    pub workspace: Workspace,
    pub analysis: Analysis,
    pub encoding: Encoding,
    pub features: ClientFeatures,
    pub settings: Settings,
    pub today: NaiveDate,
    files: Vec<FileView>,
    by_uri: HashMap<Uri, FileId>,
}

impl Snapshot {
    /// The snapshot of the first plan of `inputs` (the one plan [`World::build_unless`] gives),
    /// updating the analysis of `previous` (what an edit leaves alike is
    /// reused) and giving up once `cancelled` says a newer change made it stale.
    pub fn build_unless(
        inputs: Inputs,
        clock_today: NaiveDate,
        previous: Option<&Analysis>,
        cancelled: &dyn Fn() -> bool,
    ) -> Option<Snapshot> {
        let mut views: HashMap<String, (Uri, FileView)> = HashMap::new();
        let mut sources = Vec::new();
        let plan = inputs.plans.into_values().next().unwrap_or(PlanInputs {
            files: Vec::new(),
            settings: inputs.settings,
        });
        let settings = plan.settings;
        for input in plan.files {
            views.insert(
                input.source.path.clone(),
                (
                    input.key,
                    FileView {
                        uri: input.uri,
                        rope: input.rope,
                        version: input.version,
                    },
                ),
            );
            sources.push(input.source);
        }
        let workspace = Workspace::new(sources);
        let mut files = Vec::new();
        let mut by_uri = HashMap::new();
        for id in workspace.file_ids() {
            let (key, view) = views
                .remove(&workspace.file(id).path)
                .expect("every workspace file came from one input");
            by_uri.insert(key, id);
            files.push(view);
        }
        let today = settings.today.unwrap_or(clock_today);
        let options = Options { today };
        let analysis = match previous {
            Some(previous) => previous.update(&workspace, &options, cancelled)?,
            None => analysis::analyze_unless(&workspace, &options, cancelled)?,
        };
        Some(Snapshot {
            generation: inputs.generation,
            workspace,
            analysis,
            encoding: inputs.encoding,
            features: inputs.features,
            settings,
            today,
            files,
            by_uri,
        })
    }
    /// Whether this snapshot was made of exactly these files (the same shared texts) and settings.
    fn is_made_of(
        &self,
        inputs: &[FileInput],
        settings: &Settings,
        encoding: Encoding,
        features: ClientFeatures,
    ) -> bool {
        self.settings == *settings
            && self.encoding == encoding
            && self.features == features
            && self.files.len() == inputs.len()
            && inputs.iter().all(|input| {
                // By the normalized key: normalizing again would touch the disk for every file.
                self.by_uri.get(&input.key).is_some_and(|&file| {
                    self.files[file.0].version == input.version
                        && std::sync::Arc::ptr_eq(
                            &self.workspace.file(file).text,
                            &input.source.text,
                        )
                })
            })
    }

    pub fn file(&self, uri: &Uri) -> Option<FileId> {
        self.by_uri.get(&files::normalize(uri)).copied()
    }

    pub fn file_ids(&self) -> impl Iterator<Item = FileId> + '_ {
        self.workspace.file_ids()
    }

    pub fn view(&self, file: FileId) -> &FileView {
        &self.files[file.0]
    }

    pub fn uri(&self, file: FileId) -> &Uri {
        &self.files[file.0].uri
    }

    pub fn text(&self, file: FileId) -> &str {
        &self.workspace.file(file).text
    }

    pub fn syntax(&self, file: FileId) -> &crate::syntax::PlanFile {
        &self.workspace.file(file).syntax
    }

    pub fn offset(&self, file: FileId, position: Position) -> Option<usize> {
        position::offset(&self.files[file.0].rope, position, self.encoding)
    }

    /// The file and byte offset a request points at; `None` for an unknown document or a
    /// position past its end.
    pub fn at(&self, params: &TextDocumentPositionParams) -> Option<(FileId, usize)> {
        let file = self.file(&params.text_document.uri)?;
        Some((file, self.offset(file, params.position)?))
    }

    pub fn position(&self, file: FileId, offset: usize) -> Position {
        position::position(&self.files[file.0].rope, offset, self.encoding)
    }

    pub fn range(&self, file: FileId, span: Span) -> Range {
        position::range(&self.files[file.0].rope, span, self.encoding)
    }

    pub fn span(&self, file: FileId, range: Range) -> Option<Span> {
        position::span(&self.files[file.0].rope, range, self.encoding)
    }

    pub fn location(&self, file: FileId, span: Span) -> lsp::Location {
        lsp::Location::new(self.uri(file).clone(), self.range(file, span))
    }
}
