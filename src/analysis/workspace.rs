//! The input of the analysis: an in-memory workspace of files, each with its text and parsed model.

use std::sync::Arc;

use crate::syntax::{self, PlanFile};

/// The index of a file in its [`Workspace`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileId(pub usize);

/// One file: where it is, what it says, and its parsed model.
#[derive(Clone, Debug)]
pub struct SourceFile {
    /// The path or URI the file is known by; only used for ordering and messages.
    pub path: String,
    pub text: Arc<str>,
    pub syntax: Arc<PlanFile>,
}

impl SourceFile {
    /// Parses `text` from scratch.
    pub fn parse(path: impl Into<String>, text: impl Into<Arc<str>>) -> Self {
        let text = text.into();
        let syntax = Arc::new(syntax::parse(&text));
        SourceFile {
            path: path.into(),
            text,
            syntax,
        }
    }
}

/// Below this many bytes in all, files are parsed on the calling thread: threads would cost more.
const PARALLEL_BYTES: usize = 256 * 1024;

/// Parses every file, on as many threads as there are cores, each taking the next file not yet
/// taken; the result is in the order given.
fn parse_all(texts: Vec<(String, Arc<str>)>) -> Vec<SourceFile> {
    let total: usize = texts.iter().map(|(_, t)| t.len()).sum();
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(texts.len());
    if threads <= 1 || total < PARALLEL_BYTES {
        return texts
            .into_iter()
            .map(|(path, text)| SourceFile::parse(path, text))
            .collect();
    }
    let next = std::sync::atomic::AtomicUsize::new(0);
    let slots: Vec<std::sync::OnceLock<SourceFile>> =
        texts.iter().map(|_| std::sync::OnceLock::new()).collect();
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| loop {
                let n = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some((path, text)) = texts.get(n) else {
                    break;
                };
                let _ = slots[n].set(SourceFile::parse(path.clone(), text.clone()));
            });
        }
    });
    slots
        .into_iter()
        .map(|slot| slot.into_inner().expect("every file was parsed"))
        .collect()
}

/// A set of files forming one flat namespace. Files are kept sorted by path so output is deterministic.
#[derive(Clone, Debug, Default)]
pub struct Workspace {
    files: Vec<SourceFile>,
}

impl Workspace {
    pub fn new(mut files: Vec<SourceFile>) -> Self {
        files.sort_by(|a, b| a.path.cmp(&b.path));
        Workspace { files }
    }

    /// Parses each `(path, text)` pair, the files side by side on every core: a file's parse
    /// and lowering depend on nothing else.
    pub fn from_texts<P: Into<String>, T: Into<Arc<str>>>(
        texts: impl IntoIterator<Item = (P, T)>,
    ) -> Self {
        let texts: Vec<(String, Arc<str>)> = texts
            .into_iter()
            .map(|(p, t)| (p.into(), t.into()))
            .collect();
        Workspace::new(parse_all(texts))
    }

    pub fn files(&self) -> &[SourceFile] {
        &self.files
    }

    pub fn file(&self, id: FileId) -> &SourceFile {
        &self.files[id.0]
    }

    pub fn file_ids(&self) -> impl Iterator<Item = FileId> + '_ {
        (0..self.files.len()).map(FileId)
    }

    pub fn find(&self, path: &str) -> Option<FileId> {
        self.files.iter().position(|f| f.path == path).map(FileId)
    }
}
