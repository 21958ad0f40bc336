//! Finding and reading the files to check.
//!
//! Folders are walked with the `ignore` crate: hidden entries and what `.gitignore`, `.ignore`
//! or git's global excludes leave out are skipped, also outside a git repository. A file named on
//! the command line is always checked, whatever its name.
//!
//! Confinement: a folder walk reads only regular `.plan` files whose real path lies inside one of
//! the folders given. A symlink that leads elsewhere (`x.plan -> /etc/passwd`), to a FIFO or to a
//! device is left out with a warning; symlinked folders are not followed.

use std::collections::HashSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// A file to check: the path as the user will see it, and where it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Input {
    /// Relative as given: `plans/work.plan` when `plans` was given.
    pub display: String,
    pub path: PathBuf,
    /// Named on the command line, not found by a folder walk: checked even when its plan's
    /// `planls.toml` excludes it.
    pub named: bool,
}

/// A file that was read.
#[derive(Debug)]
pub struct Source {
    pub display: String,
    pub text: String,
}

/// What [`find_inputs`] found.
#[derive(Debug, Default)]
pub struct Found {
    /// Sorted by displayed path and without repeats.
    pub inputs: Vec<Input>,
    /// One message per path that could not be used (it is missing, a folder cannot be listed, a
    /// folder holds no `.plan` file): the check cannot run as asked.
    pub problems: Vec<String>,
    /// One message per file a walk left out for confinement (a link out of the folders given,
    /// a FIFO): said, but not a failure.
    pub warnings: Vec<String>,
}

/// The files found under `paths`.
pub fn find_inputs(paths: &[PathBuf]) -> Found {
    let default = [PathBuf::from(".")];
    let (paths, implicit) = if paths.is_empty() {
        (&default[..], true)
    } else {
        (paths, false)
    };
    let mut inputs = Vec::new();
    let mut problems = Vec::new();
    let mut warnings = Vec::new();
    // A walk may read a file wherever the folders given are, and nowhere else.
    let allowed: Vec<PathBuf> = paths
        .iter()
        .filter(|path| path.is_dir())
        .filter_map(|path| fs::canonicalize(path).ok())
        .collect();
    for root in paths {
        let metadata = match fs::metadata(root) {
            Ok(metadata) => metadata,
            Err(error) => {
                problems.push(cannot_read(&root.display().to_string(), &error));
                continue;
            }
        };
        if !metadata.is_dir() {
            inputs.push(Input {
                display: root.display().to_string(),
                path: root.clone(),
                named: true,
            });
            continue;
        }
        let before = inputs.len();
        let walk = Walk {
            root,
            implicit,
            allowed: &allowed,
        };
        walk.run(&mut inputs, &mut problems, &mut warnings);
        if inputs.len() == before {
            problems.push(format!(
                "no .plan files in {} (hidden and git-ignored files are left out)",
                display_folder(root, implicit)
            ));
        }
    }
    Found {
        inputs: dedup(inputs),
        problems,
        warnings,
    }
}

/// One folder's walk.
struct Walk<'a> {
    root: &'a Path,
    /// No path was given: `.` is shown as the current folder.
    implicit: bool,
    /// The real paths of every folder given.
    allowed: &'a [PathBuf],
}

impl Walk<'_> {
    fn run(&self, inputs: &mut Vec<Input>, problems: &mut Vec<String>, warnings: &mut Vec<String>) {
        let walker = ignore::WalkBuilder::new(self.root)
            // .gitignore applies in a folder that is not (yet) a git repository too.
            .require_git(false)
            .build();
        for entry in walker {
            let entry = match entry {
                Ok(entry) => entry,
                Err(error) => {
                    problems.push(walk_error(&error));
                    continue;
                }
            };
            let path = entry.path();
            if path.extension().is_none_or(|e| e != "plan")
                || entry.file_type().is_none_or(|t| t.is_dir())
            {
                continue;
            }
            // `planls check` with no path shows `work.plan`, not `./work.plan`.
            let shown = if self.implicit {
                path.strip_prefix(".").unwrap_or(path)
            } else {
                path
            };
            let shown = shown.display().to_string();
            if let Err(why) = self.confined(&entry) {
                warnings.push(format!("left out {shown}: {why}"));
                continue;
            }
            inputs.push(Input {
                display: shown,
                path: entry.into_path(),
                named: false,
            });
        }
    }

    /// Whether a walk may read this entry: a regular file, or a symlink to a regular `.plan`
    /// file inside the folders given. Anything else says why not.
    fn confined(&self, entry: &ignore::DirEntry) -> Result<(), &'static str> {
        if !entry.path_is_symlink() {
            // Reached through no symlink below the folder given: it is inside.
            return match entry.file_type() {
                Some(t) if t.is_file() => Ok(()),
                _ => Err("not a regular file"),
            };
        }
        let real = fs::canonicalize(entry.path()).map_err(|_| "a broken symlink")?;
        if !self.allowed.iter().any(|folder| real.starts_with(folder)) {
            return Err("it links outside the folders being checked");
        }
        if real.extension().is_none_or(|e| e != "plan") || !real.is_file() {
            return Err("it links to no regular .plan file");
        }
        Ok(())
    }
}

fn display_folder(root: &Path, implicit: bool) -> String {
    if implicit {
        "the current folder".to_string()
    } else {
        root.display().to_string()
    }
}

/// Sorts by displayed path and keeps one input per file on disk, so that `planls check a.plan .`
/// does not see every item of `a.plan` twice.
fn dedup(mut inputs: Vec<Input>) -> Vec<Input> {
    inputs.sort_by(|a, b| a.display.cmp(&b.display));
    let mut seen = HashSet::new();
    inputs.retain(|input| {
        let key = fs::canonicalize(&input.path).unwrap_or_else(|_| input.path.clone());
        seen.insert(key)
    });
    inputs
}

/// Reads a file as UTF-8; a leading byte order mark is dropped.
pub fn read(input: &Input) -> Result<Source, String> {
    let bytes = fs::read(&input.path).map_err(|error| cannot_read(&input.display, &error))?;
    let text = String::from_utf8(bytes).map_err(|error| {
        let offset = error.utf8_error().valid_up_to();
        let byte = error.as_bytes()[offset];
        format!(
            "cannot read {}: not valid UTF-8 (byte 0x{byte:02x} at offset {offset})",
            input.display
        )
    })?;
    let text = match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_string(),
        None => text,
    };
    Ok(Source {
        display: input.display.clone(),
        text,
    })
}

fn cannot_read(path: &str, error: &io::Error) -> String {
    format!("cannot read {path}: {}", describe_io_error(error))
}

fn walk_error(error: &ignore::Error) -> String {
    match error {
        ignore::Error::WithPath { path, err } => match err.as_ref() {
            ignore::Error::Io(io) => cannot_read(&path.display().to_string(), io),
            other => format!("cannot read {}: {other}", path.display()),
        },
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            walk_error(err)
        }
        ignore::Error::Io(io) => format!("cannot read a folder: {}", describe_io_error(io)),
        other => other.to_string(),
    }
}

/// The error in a few plain words, without the `(os error 2)` suffix.
fn describe_io_error(error: &io::Error) -> String {
    match error.kind() {
        io::ErrorKind::NotFound => "no such file or folder".to_string(),
        io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        io::ErrorKind::IsADirectory => "it is a folder".to_string(),
        _ => {
            let text = error.to_string();
            match text.find(" (os error") {
                Some(end) => text[..end].to_lowercase(),
                None => text,
            }
        }
    }
}
