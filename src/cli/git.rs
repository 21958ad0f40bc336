//! Reading the plan files as they were at a git ref, for `planls report --since REF`: the
//! `git` command does the reading, so any ref git understands works (`HEAD~3`, a tag, a date
//! with `main@{2027-01-01}`).

use std::path::{Path, PathBuf};
use std::process::Command;

/// The plan files under `paths` at `reference`: (path in the repository, text). A folder means
/// its `.plan` files outside hidden folders, a file itself.
pub fn files_at(paths: &[PathBuf], reference: &str) -> Result<Vec<(String, String)>, String> {
    let default = [PathBuf::from(".")];
    let paths = if paths.is_empty() {
        &default[..]
    } else {
        paths
    };
    let first = &paths[0];
    let folder = if first.is_dir() {
        first.clone()
    } else {
        first
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
    };
    let top = git(&folder, &["rev-parse", "--show-toplevel"]).map_err(|error| {
        format!(
            "--since needs a git repository, and {} is not in one ({error})",
            first.display()
        )
    })?;
    let top = PathBuf::from(String::from_utf8_lossy(&top).trim_end_matches('\n'));
    let commit = git(
        &top,
        &[
            "rev-parse",
            "--verify",
            "--quiet",
            &format!("{reference}^{{commit}}"),
        ],
    )
    .map_err(|_| {
        format!(
            "--since {reference}: no such commit in the git repository at {}",
            top.display()
        )
    })?;
    let commit = String::from_utf8_lossy(&commit).trim().to_string();
    let real_top = top.canonicalize().unwrap_or_else(|_| top.clone());
    let mut files = Vec::new();
    for path in paths {
        let real = path
            .canonicalize()
            .map_err(|_| format!("cannot read {}: no such file or folder", path.display()))?;
        let inside = real.strip_prefix(&real_top).map_err(|_| {
            format!(
                "--since: {} is outside the git repository at {}",
                path.display(),
                top.display()
            )
        })?;
        let spec = if inside.as_os_str().is_empty() {
            ".".to_string()
        } else {
            inside.to_string_lossy().replace('\\', "/")
        };
        let listed = git(
            &top,
            &["ls-tree", "-r", "-z", "--name-only", &commit, "--", &spec],
        )?;
        for name in listed.split(|&b| b == 0).filter(|n| !n.is_empty()) {
            let name = String::from_utf8_lossy(name).into_owned();
            let wanted = if path.is_dir() {
                name.ends_with(".plan") && !name.split('/').any(|part| part.starts_with('.'))
            } else {
                true
            };
            if wanted && !files.iter().any(|(n, _)| *n == name) {
                let blob = git(&top, &["cat-file", "blob", &format!("{commit}:{name}")])?;
                let text = String::from_utf8(blob)
                    .map_err(|_| format!("cannot read {name} at {reference}: not valid UTF-8"))?;
                let text = text
                    .strip_prefix('\u{feff}')
                    .map(str::to_string)
                    .unwrap_or(text);
                files.push((name, text));
            }
        }
    }
    files.sort();
    Ok(files)
}

/// Runs `git ARGS` in `dir`; its stdout, or what went wrong in a few words.
fn git(dir: &Path, args: &[&str]) -> Result<Vec<u8>, String> {
    let output = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .map_err(|error| format!("cannot run git: {error}"))?;
    if output.status.success() {
        Ok(output.stdout)
    } else {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let first = stderr.lines().next().unwrap_or("").trim();
        Err(if first.is_empty() {
            format!("git {} failed", args.join(" "))
        } else {
            first.trim_start_matches("fatal: ").to_string()
        })
    }
}
