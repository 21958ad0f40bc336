//! The files of the workspace on disk: every `*.plan` under the workspace folders, hidden folders
//! and git-ignored files left out (the `ignore` crate's standard filters, with `.gitignore` honoured
//! outside a git repository too, as `planls check` does).
//! All of the server's file I/O is here; the analysis never touches the disk.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use ignore::WalkBuilder;
use tower_lsp_server::ls_types::Uri;

/// Every plan file under `folders`, sorted and without repeats (folders may nest).
pub fn plan_files(folders: &[PathBuf]) -> BTreeSet<PathBuf> {
    let mut files = BTreeSet::new();
    for folder in folders {
        for entry in WalkBuilder::new(folder).require_git(false).build() {
            match entry {
                Ok(entry) => {
                    let path = entry.path();
                    let is_file = entry.file_type().is_some_and(|t| t.is_file())
                        || (entry.path_is_symlink() && path.is_file());
                    if is_file && is_plan_path(path) {
                        files.insert(path.to_path_buf());
                    }
                }
                Err(error) => tracing::warn!("skipping part of {}: {error}", folder.display()),
            }
        }
    }
    files
}

pub fn is_plan_path(path: &Path) -> bool {
    path.extension().is_some_and(|ext| ext == "plan")
}

/// The text of a plan file; bytes that are not UTF-8 are replaced rather than losing the file.
/// Only a regular file is read: opening a FIFO would block until someone writes to it.
pub fn read(path: &Path) -> Option<String> {
    match std::fs::metadata(path) {
        Ok(metadata) if !metadata.is_file() => {
            tracing::warn!("not reading {}: not a regular file", path.display());
            return None;
        }
        _ => {}
    }
    match std::fs::read(path) {
        Ok(bytes) => Some(match String::from_utf8(bytes) {
            Ok(text) => text,
            Err(error) => {
                tracing::warn!("{} is not valid UTF-8", path.display());
                String::from_utf8_lossy(error.as_bytes()).into_owned()
            }
        }),
        Err(error) => {
            tracing::warn!("cannot read {}: {error}", path.display());
            None
        }
    }
}

/// The local path of a `file:` URI.
pub fn uri_to_path(uri: &Uri) -> Option<PathBuf> {
    if uri.scheme().as_str() != "file" {
        return None;
    }
    uri.to_file_path().map(|path| path.into_owned())
}

pub fn path_to_uri(path: &Path) -> Option<Uri> {
    Uri::from_file_path(path)
}

/// One spelling per file, so that `file:///a%20b.plan` from the client and the path found on disk
/// name the same document. URIs that are not local files are kept as they are.
pub fn normalize(uri: &Uri) -> Uri {
    uri_to_path(uri)
        .and_then(|path| path_to_uri(&path))
        .unwrap_or_else(|| uri.clone())
}

/// Parses a URI, for tests and settings.
pub fn parse_uri(text: &str) -> Option<Uri> {
    Uri::from_str(text).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_plan_files_but_not_hidden_or_ignored_ones() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        // No `.git`: the `.gitignore` counts in a folder that is not a repository yet.
        std::fs::create_dir_all(root.join(".hidden")).unwrap();
        std::fs::create_dir_all(root.join("sub/build")).unwrap();
        std::fs::write(root.join(".gitignore"), "build/\n").unwrap();
        for file in [
            "a.plan",
            "sub/b.plan",
            "notes.txt",
            ".hidden/c.plan",
            "sub/build/d.plan",
        ] {
            std::fs::write(root.join(file), "").unwrap();
        }
        let found: Vec<_> = plan_files(&[root.to_path_buf(), root.join("sub")])
            .into_iter()
            .map(|p| p.strip_prefix(root).unwrap().to_path_buf())
            .collect();
        assert_eq!(
            found,
            vec![PathBuf::from("a.plan"), PathBuf::from("sub/b.plan")]
        );
    }

    #[test]
    fn file_uris_are_normalized_and_others_kept() {
        let uri = parse_uri("file:///tmp/my%20plans/a.plan").unwrap();
        assert_eq!(
            uri_to_path(&uri),
            Some(PathBuf::from("/tmp/my plans/a.plan"))
        );
        assert_eq!(normalize(&uri), uri);
        let untitled = parse_uri("untitled:Untitled-1").unwrap();
        assert_eq!(normalize(&untitled), untitled);
        assert_eq!(uri_to_path(&untitled), None);
    }
}
