//! Memory: the resident set of a process that holds the analysis of a generated workspace, and
//! of one that runs the language server on it through 1,000 edits. Prints a table; nothing is
//! asserted.
//!
//! Each measurement runs in a child process of its own (this binary again), so that one size's
//! memory is not counted in the next and the generator's is in none: the parent generates the
//! workspace (`planls::generate`, one file per 100 initiatives, seed 1, no unresolved
//! reference) into a temporary folder, and the child
//!
//! - `cold`: reads the files, runs `Workspace::from_texts` and `analyze`, drops its copy of the
//!   texts (the analysis keeps its own) and reads `/proc/self/statm` with the analysis alive;
//! - `server`: starts the server in process with that folder as the workspace, waits for the
//!   first diagnostics, opens the work file in the middle and reads the resident set; then types
//!   a letter into a title and deletes it again, 1,000 edits in all (`PLANLS_BENCH_EDITS`), each
//!   followed by a hover that must show the new title, so every version is analysed; and reads it
//!   again.
//!
//! "Per initiative" is the resident set less the child's at its start (the binary and the
//! runtime), divided by the number of initiatives. "Peak" is `VmHWM`.
//!
//! Sizes: `PLANLS_BENCH_SIZES` (default `1k,10k,100k`) for `cold` and
//! `PLANLS_BENCH_EDIT_SIZES` (default `1k,10k`: the old core analyses 100k in about a second, so
//! 1,000 edits would take a quarter of an hour) for `server`.
//!
//!     cargo bench --bench memory

#[path = "support/mod.rs"]
mod support;

/// The binary's allocator, so that the figures are the server's (`--no-default-features`
/// measures the system allocator instead).
#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use planls::analysis::{analyze, Options, Workspace};
use serde_json::Value;
use support::session::{at, uri_of, Session};

const MB: f64 = 1024.0 * 1024.0;

fn plan_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut folders = vec![dir.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|e| e == "plan") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| panic!("{name} is not set"))
}

fn position(text: &str) -> (u32, u32) {
    let (line, character) = text.split_once(':').unwrap();
    (line.parse().unwrap(), character.parse().unwrap())
}

/// The child that measures the cold analysis. Prints `baseline resident peak` in bytes.
fn cold_child(dir: &Path) {
    let baseline = support::resident_bytes().unwrap();
    let texts: Vec<(String, String)> = plan_files(dir)
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).unwrap();
            (path.display().to_string(), text)
        })
        .collect();
    let workspace = Workspace::from_texts(texts.iter().cloned());
    drop(texts);
    let analysis = analyze(
        &workspace,
        &Options {
            today: planls::generate::today(),
        },
    );
    let resident = support::resident_bytes().unwrap();
    let peak = support::peak_resident_bytes().unwrap_or(0);
    println!("{baseline} {resident} {peak}");
    drop(analysis);
}

/// The child that measures the server. Prints
/// `baseline resident_started resident_after_edits peak seconds_per_edit`.
fn server_child(dir: &Path) {
    let baseline = support::resident_bytes().unwrap();
    let path = dir.join(env("PLANLS_MEMORY_FILE"));
    let text = std::fs::read_to_string(&path).unwrap();
    let uri = uri_of(&path);
    let (line, character) = position(&env("PLANLS_MEMORY_EDIT"));
    let hover = at(&uri, position(&env("PLANLS_MEMORY_HOVER")));
    let word = env("PLANLS_MEMORY_WORD");
    let edits: i64 = std::env::var("PLANLS_BENCH_EDITS")
        .ok()
        .and_then(|e| e.parse().ok())
        .unwrap_or(1000);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let mut session = Session::start(dir).await;
        session.wait_for_publish_after(0).await;
        session.open(&uri, &text).await;
        session.request("textDocument/hover", hover.clone()).await;
        let started = support::resident_bytes().unwrap();
        let clock = Instant::now();
        for version in 2..2 + edits {
            let typed = version % 2 == 0;
            let range = if typed {
                [line, character, line, character]
            } else {
                [line, character, line, character + 1]
            };
            session
                .edit(&uri, version, range, if typed { "x" } else { "" })
                .await;
            let answer = session.request("textDocument/hover", hover.clone()).await;
            let shown = match &answer["contents"] {
                Value::Object(markup) => markup["value"].as_str().unwrap_or("").to_string(),
                other => other.to_string(),
            };
            assert_eq!(
                shown.contains(&format!("x{word}")),
                typed,
                "version {version}"
            );
        }
        let per_edit = clock.elapsed().as_secs_f64() / edits.max(1) as f64;
        let after = support::resident_bytes().unwrap();
        let peak = support::peak_resident_bytes().unwrap_or(0);
        println!("{baseline} {started} {after} {peak} {per_edit}");
        session.shutdown().await;
    });
}

/// Runs this binary as a child for `case`, and reads the numbers it prints.
fn measure(case: &str, dir: &Path, extra: &[(&str, String)]) -> Vec<f64> {
    let output = Command::new(std::env::current_exe().unwrap())
        .env("PLANLS_MEMORY_CASE", case)
        .env("PLANLS_MEMORY_DIR", dir)
        .envs(extra.iter().map(|(k, v)| (k, v)))
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{case} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .last()
        .unwrap_or("")
        .split_whitespace()
        .map(|n| n.parse().unwrap())
        .collect()
}

fn main() {
    if let Ok(case) = std::env::var("PLANLS_MEMORY_CASE") {
        let dir = PathBuf::from(env("PLANLS_MEMORY_DIR"));
        match case.as_str() {
            "cold" => cold_child(&dir),
            "server" => server_child(&dir),
            other => panic!("no case {other}"),
        }
        return;
    }
    let edits = std::env::var("PLANLS_BENCH_EDITS").unwrap_or_else(|_| "1000".into());
    println!("memory (resident set; per initiative: less the child's at its start)\n");
    println!("cold analysis, the analysis alive:");
    println!(
        "{:>6} {:>9} {:>12} {:>16} {:>10}",
        "size", "text MB", "resident MB", "per initiative", "peak MB"
    );
    for (label, n) in support::sizes("1k,10k,100k") {
        let dir = tempfile::tempdir().unwrap();
        let files = support::workspace(n, 0.0);
        let text_bytes: usize = files.iter().map(|(_, t)| t.len()).sum();
        support::write(dir.path(), &files);
        drop(files);
        let m = measure("cold", dir.path(), &[]);
        println!(
            "{label:>6} {:>9.1} {:>12.1} {:>14.0} B {:>10.1}",
            text_bytes as f64 / MB,
            m[1] / MB,
            (m[1] - m[0]) / n as f64,
            m[2] / MB
        );
    }
    println!("\nlanguage server, after the first diagnostics and after {edits} edits:");
    println!(
        "{:>6} {:>12} {:>16} {:>14} {:>16} {:>10} {:>9}",
        "size", "started MB", "per initiative", "after MB", "per initiative", "peak MB", "per edit"
    );
    for (label, n) in support::sizes_from("PLANLS_BENCH_EDIT_SIZES", "1k,10k") {
        let dir = tempfile::tempdir().unwrap();
        let files = support::workspace(n, 0.0);
        let spots = support::spots(&files);
        support::write(dir.path(), &files);
        drop(files);
        let show = |(line, character): (u32, u32)| format!("{line}:{character}");
        let m = measure(
            "server",
            dir.path(),
            &[
                ("PLANLS_MEMORY_FILE", spots.path.clone()),
                ("PLANLS_MEMORY_EDIT", show(spots.title_insert_at)),
                ("PLANLS_MEMORY_HOVER", show(spots.title_item_at)),
                ("PLANLS_MEMORY_WORD", spots.title_word.clone()),
            ],
        );
        println!(
            "{label:>6} {:>12.1} {:>14.0} B {:>14.1} {:>14.0} B {:>10.1} {:>6.1} ms",
            m[1] / MB,
            (m[1] - m[0]) / n as f64,
            m[2] / MB,
            (m[2] - m[0]) / n as f64,
            m[3] / MB,
            m[4] * 1e3
        );
    }
}
