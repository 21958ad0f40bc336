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

/// Parses every file, side by side on every core when there is enough to parse.
fn parse_all(texts: Vec<(String, Arc<str>)>) -> Vec<SourceFile> {
    let parse = |(path, text): &(String, Arc<str>)| SourceFile::parse(path.clone(), text.clone());
    let total: usize = texts.iter().map(|(_, t)| t.len()).sum();
    if total < PARALLEL_BYTES {
        return texts.iter().map(parse).collect();
    }
    crate::parallel::map(&texts, parse)
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

    /// `work` over one item per file, side by side on every core when the workspace is large
    /// enough for threads to pay; the results are in order.
    pub fn map_files<T: Sync, R: Send>(
        &self,
        items: &[T],
        work: impl Fn(&T) -> R + Sync,
    ) -> Vec<R> {
        let total: usize = self.files.iter().map(|f| f.text.len()).sum();
        if total < PARALLEL_BYTES {
            return items.iter().map(work).collect();
        }
        crate::parallel::map(items, work)
    }

    pub fn find(&self, path: &str) -> Option<FileId> {
        self.files.iter().position(|f| f.path == path).map(FileId)
    }
}
