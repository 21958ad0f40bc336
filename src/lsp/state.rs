//! What the server knows: open buffers, files on disk, settings; and the analysed snapshot that
//! every request reads.

use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;

use chrono::NaiveDate;
use ropey::Rope;
use tower_lsp_server::ls_types::{self as lsp, Position, Range, TextDocumentPositionParams, Uri};

use crate::analysis::{self, Analysis, FileId, Options, SourceFile, Workspace};
use crate::lsp::client_features::ClientFeatures;
use crate::lsp::document::Document;
use crate::lsp::files;
use crate::lsp::position::{self, Encoding};
use crate::lsp::settings::Settings;
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
}

impl State {
    pub fn changed(&mut self) -> u64 {
        self.generation += 1;
        self.generation
    }

    /// Reads every plan file under `folders`: what the first scan finds, without the state's lock.
    /// The files are read and parsed side by side on every core.
    pub fn read_folders(folders: &[PathBuf]) -> HashMap<Uri, Document> {
        let paths: Vec<PathBuf> = files::plan_files(folders).into_iter().collect();
        crate::parallel::map(&paths, |path| {
            let uri = files::path_to_uri(path)?;
            let text = files::read(path)?;
            Some((uri, Document::new(&text, None)))
        })
        .into_iter()
        .flatten()
        .collect()
    }

    /// Reads every plan file under the folders again: new files are added, vanished ones dropped,
    /// and the given `changed` ones (or all, when `None`) re-read.
    pub fn rescan(&mut self, changed: Option<&BTreeSet<Uri>>) {
        let found = files::plan_files(&self.folders);
        let mut disk = HashMap::new();
        for path in found {
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
    }

    /// The inputs of one analysis, cheap to take: ropes and texts are shared, not copied.
    pub fn inputs(&self) -> Inputs {
        let mut files: HashMap<&Uri, FileInput> = HashMap::new();
        for (key, document) in &self.disk {
            files.insert(key, FileInput::new(key.clone(), document));
        }
        for (key, open) in &self.open {
            files.insert(key, FileInput::new(open.uri.clone(), &open.document));
        }
        Inputs {
            generation: self.generation,
            files: files.into_values().collect(),
            encoding: self.encoding,
            features: self.features,
            settings: self.settings.clone(),
        }
    }
}

pub struct FileInput {
    pub uri: Uri,
    pub rope: Rope,
    pub version: Option<i32>,
    pub source: SourceFile,
}

impl FileInput {
    fn new(uri: Uri, document: &Document) -> FileInput {
        FileInput {
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
    pub files: Vec<FileInput>,
    pub encoding: Encoding,
    pub features: ClientFeatures,
    pub settings: Settings,
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
    pub fn build(inputs: Inputs, clock_today: NaiveDate) -> Snapshot {
        Snapshot::build_unless(inputs, clock_today, None, &|| false).expect("never cancelled")
    }

    /// [`Snapshot::build`], updating the analysis of `previous` (what an edit leaves alike is
    /// reused) and giving up once `cancelled` says a newer change made it stale.
    pub fn build_unless(
        inputs: Inputs,
        clock_today: NaiveDate,
        previous: Option<&Analysis>,
        cancelled: &dyn Fn() -> bool,
    ) -> Option<Snapshot> {
        let mut views: HashMap<String, FileView> = HashMap::new();
        let mut sources = Vec::new();
        for input in inputs.files {
            views.insert(
                input.source.path.clone(),
                FileView {
                    uri: input.uri,
                    rope: input.rope,
                    version: input.version,
                },
            );
            sources.push(input.source);
        }
        let workspace = Workspace::new(sources);
        let mut files = Vec::new();
        let mut by_uri = HashMap::new();
        for id in workspace.file_ids() {
            let view = views
                .remove(&workspace.file(id).path)
                .expect("every workspace file came from one input");
            by_uri.insert(files::normalize(&view.uri), id);
            files.push(view);
        }
        let today = inputs.settings.today.unwrap_or(clock_today);
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
            settings: inputs.settings,
            today,
            files,
            by_uri,
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
