//! The files of the workspace on disk: every `*.plan` under the workspace folders, hidden folders
//! and git-ignored files left out (the `ignore` crate's standard filters, with `.gitignore` honoured
//! outside a git repository too, as `planls check` does).
//! All of the server's file I/O is here; the analysis never touches the disk.
//!
//! Confinement: the server reads only regular `.plan` files whose real path (symlinks resolved)
//! lies inside a workspace folder, never a FIFO or a device, and never writes. A workspace folder
//! that is the filesystem root or the home folder is not scanned at all, and a scan stops after
//! [`MAX_ENTRIES`] entries. Every file is known by its canonical path: `.`, `..`, `//` and
//! symlinks resolved, so a folder opened through a symlink and a document opened by its real
//! path are one file, not two that define every item twice.

use std::collections::BTreeSet;
use std::fs;
use std::io::Read;
use std::path::{Component, Path, PathBuf};
use std::str::FromStr;

use ignore::WalkBuilder;
use tower_lsp_server::ls_types::Uri;

/// How many entries (files and folders) one scan visits at most, over all the folders: a
/// workspace of plans has far fewer, and a folder with millions (a mistaken root, a build
/// output) must not stall `initialize`.
pub const MAX_ENTRIES: usize = 200_000;

/// What a scan found: the plan files (canonical paths, inside the folders) and what it left out
/// or could not do, each in a sentence for the log.
#[derive(Debug, Default)]
pub struct Scan {
    pub files: BTreeSet<PathBuf>,
    pub problems: Vec<String>,
}

/// Every plan file under `folders`, sorted and without repeats (folders may nest), by canonical
/// path. What was left out is logged.
pub fn plan_files(folders: &[PathBuf]) -> BTreeSet<PathBuf> {
    let scan = scan(folders, MAX_ENTRIES, home().as_deref());
    for problem in &scan.problems {
        tracing::warn!("{problem}");
    }
    scan.files
}

/// The user's home folder, which is never scanned whole.
fn home() -> Option<PathBuf> {
    std::env::var_os("HOME")
        .filter(|home| !home.is_empty())
        .map(PathBuf::from)
}

/// Why `folder` is not scanned, when it is the filesystem root or the home folder: walking it
/// would read the whole disk (or every project of the user) inside `initialize`.
pub fn refusal(folder: &Path) -> Option<String> {
    refusal_with_home(folder, home().as_deref())
}

fn refusal_with_home(folder: &Path, home: Option<&Path>) -> Option<String> {
    let real = canonical(folder);
    let what = if real.parent().is_none() {
        "the filesystem root"
    } else if home.is_some_and(|home| canonical(home) == real) {
        "your home folder"
    } else {
        return None;
    };
    Some(format!(
        "planls does not scan the workspace folder {}: it is {what}. Open the folder that holds \
         your .plan files instead; open .plan files are still checked.",
        folder.display()
    ))
}

/// [`plan_files`] with the limits given, for tests.
pub fn scan(folders: &[PathBuf], max_entries: usize, home: Option<&Path>) -> Scan {
    let mut scan = Scan::default();
    let roots: Vec<PathBuf> = folders
        .iter()
        .filter_map(|folder| {
            if let Some(refusal) = refusal_with_home(folder, home) {
                scan.problems.push(refusal);
                return None;
            }
            match fs::canonicalize(folder) {
                Ok(root) => Some(root),
                Err(error) => {
                    scan.problems
                        .push(format!("cannot scan {}: {error}", folder.display()));
                    None
                }
            }
        })
        .collect();
    let inside = |path: &Path| roots.iter().any(|root| path.starts_with(root));
    let mut visited = 0;
    'folders: for root in &roots {
        // Symlinked folders are not followed (the walker's default): only links to files are.
        for entry in WalkBuilder::new(root).require_git(false).build() {
            visited += 1;
            if visited > max_entries {
                scan.problems.push(format!(
                    "stopped scanning the workspace after {max_entries} files and folders; \
                     the .plan files after that are not known until opened"
                ));
                break 'folders;
            }
            let entry = match entry {
                Ok(entry) => entry,
                Err(error) => {
                    scan.problems
                        .push(format!("skipping part of {}: {error}", root.display()));
                    continue;
                }
            };
            let path = entry.path();
            if !is_plan_path(path) || entry.file_type().is_none_or(|t| t.is_dir()) {
                continue;
            }
            if !entry.path_is_symlink() {
                // Under a canonical root and reached through no symlink: the path is real.
                if entry.file_type().is_some_and(|t| t.is_file()) {
                    scan.files.insert(path.to_path_buf());
                } else {
                    scan.problems
                        .push(format!("left out {}: not a regular file", path.display()));
                }
                continue;
            }
            match fs::canonicalize(path) {
                Ok(real) if !inside(&real) => scan.problems.push(format!(
                    "left out {}: it links outside the workspace folders",
                    path.display()
                )),
                Ok(real) if !is_plan_path(&real) || !real.is_file() => scan.problems.push(format!(
                    "left out {}: it links to no regular .plan file",
                    path.display()
                )),
                Ok(real) => {
                    scan.files.insert(real);
                }
                Err(error) => scan
                    .problems
                    .push(format!("left out {}: {error}", path.display())),
            }
        }
    }
    scan
}

pub fn is_plan_path(path: &Path) -> bool {
    path.extension().is_some_and(|ext| ext == "plan")
}

/// The text of a plan file at its canonical path; bytes that are not UTF-8 are replaced rather
/// than losing the file, and a leading byte order mark is dropped, as editors drop it from the
/// buffer (so positions agree). `None`, logged, for a file that cannot be read, that is not a
/// regular file, or whose path no longer is its real path (a symlink put in its place since the
/// scan, which could point anywhere).
pub fn read(path: &Path) -> Option<String> {
    match read_regular(path) {
        Ok(bytes) => {
            let text = match String::from_utf8(bytes) {
                Ok(text) => text,
                Err(error) => {
                    tracing::warn!("{} is not valid UTF-8", path.display());
                    String::from_utf8_lossy(error.as_bytes()).into_owned()
                }
            };
            Some(match text.strip_prefix('\u{feff}') {
                Some(rest) => rest.to_string(),
                None => text,
            })
        }
        Err(error) => {
            tracing::warn!("cannot read {}: {error}", path.display());
            None
        }
    }
}

fn read_regular(path: &Path) -> std::io::Result<Vec<u8>> {
    let refuse = |why: &str| Err(std::io::Error::other(why.to_string()));
    // A FIFO or a device is never opened: opening a FIFO would wait for a writer forever.
    if !fs::symlink_metadata(path)?.is_file() {
        return refuse("not a regular file");
    }
    if fs::canonicalize(path)? != path {
        return refuse("its path is not its real path (a symlink)");
    }
    let mut file = fs::File::open(path)?;
    if !file.metadata()?.is_file() {
        return refuse("not a regular file");
    }
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// The local path of a `file:` URI, as spelled (not resolved).
pub fn uri_to_path(uri: &Uri) -> Option<PathBuf> {
    if uri.scheme().as_str() != "file" {
        return None;
    }
    uri.to_file_path().map(|path| path.into_owned())
}

/// The URI of a file, by its canonical path: the server's key for it.
pub fn path_to_uri(path: &Path) -> Option<Uri> {
    Uri::from_file_path(canonical(path))
}

/// One spelling per file, so that `file:///a%20b.plan` from the client, `file:///x/./a.plan`,
/// a path through a symlinked folder and the path found on disk name the same document: the URI
/// of the canonical path. URIs that are not local files are kept as they are.
pub fn normalize(uri: &Uri) -> Uri {
    uri_to_path(uri)
        .and_then(|path| path_to_uri(&path))
        .unwrap_or_else(|| uri.clone())
}

/// The real path: symlinks, `.`, `..` and repeated separators resolved. For a path that does not
/// exist (a file deleted, or not yet saved), its longest existing ancestor is resolved and the
/// rest added with `.` and `..` resolved by name, so it still matches the path it had.
pub fn canonical(path: &Path) -> PathBuf {
    if let Ok(real) = fs::canonicalize(path) {
        return real;
    }
    let clean = lexical(path);
    let mut rest = Vec::new();
    let mut ancestor = clean.as_path();
    loop {
        if let Ok(real) = fs::canonicalize(ancestor) {
            return rest.iter().rev().fold(real, |path, name| path.join(name));
        }
        match (ancestor.parent(), ancestor.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_owned());
                ancestor = parent;
            }
            _ => return clean,
        }
    }
}

/// `.`, `..` and repeated separators resolved by name alone.
fn lexical(path: &Path) -> PathBuf {
    let mut clean = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            // `/..` is `/`; a relative path keeps the `..` it cannot resolve.
            Component::ParentDir => {
                if !clean.pop() && !clean.has_root() {
                    clean.push("..");
                }
            }
            other => clean.push(other),
        }
    }
    clean
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
        let real = fs::canonicalize(root).unwrap();
        let found: Vec<_> = plan_files(&[root.to_path_buf(), root.join("sub")])
            .into_iter()
            .map(|p| p.strip_prefix(&real).unwrap().to_path_buf())
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

    #[cfg(unix)]
    fn symlink(target: &Path, link: &Path) {
        std::os::unix::fs::symlink(target, link).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn every_spelling_of_a_file_has_one_key() {
        let dir = tempfile::tempdir().unwrap();
        let real = fs::canonicalize(dir.path()).unwrap();
        fs::create_dir_all(real.join("plans/sub")).unwrap();
        fs::write(real.join("plans/a.plan"), "").unwrap();
        symlink(&real.join("plans"), &real.join("link"));
        let key = path_to_uri(&real.join("plans/a.plan")).unwrap();
        for spelling in [
            "plans/a.plan",
            "plans/./a.plan",
            "plans//a.plan",
            "plans/sub/../a.plan",
            "link/a.plan",
            "link/sub/../a.plan",
        ] {
            let path = real.join(spelling);
            assert_eq!(path_to_uri(&path).as_ref(), Some(&key), "{spelling}");
            let uri = Uri::from_str(&format!("file://{}", path.display())).unwrap();
            assert_eq!(normalize(&uri), key, "{spelling}");
        }
        // A file that does not exist (deleted, or not saved yet) keys by its folder's real path.
        let missing = path_to_uri(&real.join("plans/new.plan")).unwrap();
        assert_eq!(
            path_to_uri(&real.join("link/./new.plan")),
            Some(missing.clone())
        );
        assert_eq!(
            path_to_uri(&real.join("link/gone/../new.plan")),
            Some(missing)
        );
        // And the scan finds the file under its real path, through the symlinked folder too.
        assert_eq!(
            plan_files(&[real.join("link")]),
            BTreeSet::from([real.join("plans/a.plan")])
        );
    }

    #[cfg(unix)]
    #[test]
    fn the_scan_reads_only_regular_plan_files_inside_the_folders() {
        let dir = tempfile::tempdir().unwrap();
        let base = fs::canonicalize(dir.path()).unwrap();
        let (root, outside) = (base.join("workspace"), base.join("outside"));
        fs::create_dir_all(root.join("sub")).unwrap();
        fs::create_dir_all(&outside).unwrap();
        fs::write(root.join("a.plan"), "").unwrap();
        fs::write(root.join("sub/b.plan"), "").unwrap();
        fs::write(root.join("notes.txt"), "").unwrap();
        fs::write(outside.join("secret.plan"), "").unwrap();
        symlink(&outside.join("secret.plan"), &root.join("secret.plan"));
        symlink(Path::new("/etc/passwd"), &root.join("passwd.plan"));
        symlink(&root.join("sub/b.plan"), &root.join("again.plan"));
        symlink(&root.join("notes.txt"), &root.join("notes.plan"));
        symlink(&outside, &root.join("outside_folder"));
        let fifo = root.join("pipe.plan");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        let scan = scan(std::slice::from_ref(&root), MAX_ENTRIES, None);
        assert_eq!(
            scan.files,
            BTreeSet::from([root.join("a.plan"), root.join("sub/b.plan")])
        );
        let problems = scan.problems.join("\n");
        for left_out in ["secret.plan", "passwd.plan", "notes.plan"] {
            assert!(problems.contains(left_out), "{problems}");
        }
        if made.is_ok_and(|status| status.success()) {
            assert!(
                problems.contains("pipe.plan: not a regular file"),
                "{problems}"
            );
            assert_eq!(read(&fifo), None);
        }
        // Reading refuses what is not the real path of a regular file.
        assert_eq!(read(&root.join("secret.plan")), None);
        assert_eq!(read(&root.join("a.plan")), Some(String::new()));
        // The same link is fine when its target is in another workspace folder.
        let both = super::scan(&[root.clone(), outside.clone()], MAX_ENTRIES, None);
        assert!(both.files.contains(&outside.join("secret.plan")));
    }

    #[test]
    fn the_root_and_the_home_folder_are_not_scanned() {
        let dir = tempfile::tempdir().unwrap();
        let home = dir.path().join("home");
        fs::create_dir_all(home.join("project")).unwrap();
        fs::write(home.join("project/a.plan"), "").unwrap();
        let root = Path::new("/");
        assert!(refusal_with_home(root, None)
            .unwrap()
            .contains("it is the filesystem root"));
        assert!(refusal_with_home(&home, Some(&home))
            .unwrap()
            .contains("it is your home folder"));
        assert!(refusal_with_home(&home.join("project/.."), Some(&home)).is_some());
        assert_eq!(refusal_with_home(&home.join("project"), Some(&home)), None);
        let scan = scan(
            &[home.clone(), root.to_path_buf()],
            MAX_ENTRIES,
            Some(&home),
        );
        assert!(scan.files.is_empty());
        assert_eq!(scan.problems.len(), 2, "{:?}", scan.problems);
    }

    #[test]
    fn a_scan_stops_after_the_maximum_number_of_entries() {
        let dir = tempfile::tempdir().unwrap();
        for i in 0..20 {
            fs::write(dir.path().join(format!("{i:02}.plan")), "").unwrap();
        }
        let scan = scan(&[dir.path().to_path_buf()], 10, None);
        assert!(scan.files.len() < 10);
        assert!(scan.problems[0].contains("stopped scanning the workspace after 10"));
        assert_eq!(
            super::scan(&[dir.path().to_path_buf()], 100, None)
                .files
                .len(),
            20
        );
    }

    #[test]
    fn a_byte_order_mark_is_dropped_as_editors_drop_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = fs::canonicalize(dir.path()).unwrap().join("a.plan");
        fs::write(&path, "\u{feff}person a\n").unwrap();
        assert_eq!(read(&path).as_deref(), Some("person a\n"));
    }
}
