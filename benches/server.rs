//! What an editor waits for, through the real language server in process: its public API
//! (`planls::lsp::service`) and protocol messages only, never its internals, so the numbers stay
//! comparable whatever the core behind it. The server runs with no debounce.
//!
//! For each size (`PLANLS_BENCH_SIZES`, default `1k,10k,100k`; 100k takes about ten minutes with
//! the old core) a generated workspace (`planls::generate`, one file per 100 initiatives,
//! seed 1, no unresolved reference) is written to a temporary folder and opened as the
//! workspace folder; the session waits for the first diagnostics, then opens the work file in
//! the middle of the workspace. Then, in group `server <size>`:
//!
//! - `first diagnostics`: a new server from `initialize` to its first `publishDiagnostics`
//!   (reading every file, parsing and analysing them), then shut down.
//! - `keystroke in a title`: a letter typed just before the first word of an initiative's title
//!   (or deleted again: the benchmark alternates), which changes no diagnostic, so the server
//!   publishes nothing. The time is from the `didChange` until a `hover` on that initiative
//!   answers with the new title: the time until a request sees the analysis of the new version.
//! - `keystroke in a reference`: a letter typed into the ID in a `depends_on` (or deleted
//!   again), until the `publishDiagnostics` of the file at the new version arrives: with the
//!   unresolved reference, or without it.
//! - `hover on an owner`, `definition in another file`, `references of a person` (the person
//!   referenced most among those the file references, declaration included), and
//!   `completion after depends_on` (the cursor just after `depends_on: `): one request each, on
//!   the analysis already done.
//!
//! Run it with:
//!
//!     cargo bench --bench server
//!     PLANLS_BENCH_SIZES=1k,10k cargo bench --bench server

#[path = "support/mod.rs"]
mod support;

use std::time::{Duration, Instant};

use criterion::{Criterion, SamplingMode};
use serde_json::{json, Value};
use support::session::{at, uri_of, Session};

/// The text of a hover, whatever form the server gives it.
fn hover_text(hover: &Value) -> String {
    match &hover["contents"] {
        Value::String(text) => text.clone(),
        Value::Object(markup) => markup["value"].as_str().unwrap_or("").to_string(),
        other => other.to_string(),
    }
}

/// The open document as the benchmark has edited it: which letters are in, and the version.
struct Editor {
    uri: String,
    version: i64,
    title_typed: bool,
    reference_typed: bool,
}

impl Editor {
    /// Types the letter before the title's first word, or deletes it.
    async fn toggle_title(&mut self, session: &Session, spots: &support::Spots) {
        let (line, character) = spots.title_insert_at;
        self.version += 1;
        if self.title_typed {
            session
                .edit(
                    &self.uri,
                    self.version,
                    [line, character, line, character + 1],
                    "",
                )
                .await;
        } else {
            session
                .edit(
                    &self.uri,
                    self.version,
                    [line, character, line, character],
                    "x",
                )
                .await;
        }
        self.title_typed = !self.title_typed;
    }

    /// Types a letter after the first character of the dependency's ID, or deletes it.
    async fn toggle_reference(&mut self, session: &Session, spots: &support::Spots) {
        let (line, character) = spots.dependency_typo_at;
        self.version += 1;
        if self.reference_typed {
            session
                .edit(
                    &self.uri,
                    self.version,
                    [line, character, line, character + 1],
                    "",
                )
                .await;
        } else {
            session
                .edit(
                    &self.uri,
                    self.version,
                    [line, character, line, character],
                    "q",
                )
                .await;
        }
        self.reference_typed = !self.reference_typed;
    }
}

fn tune(group: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>, n: usize) {
    if n >= 5_000 {
        group.sample_size(10);
        group.sampling_mode(SamplingMode::Flat);
        group.measurement_time(Duration::from_secs(if n >= 50_000 { 20 } else { 10 }));
    }
}

fn server(c: &mut Criterion, runtime: &tokio::runtime::Runtime, label: &str, n: usize) {
    let files = support::workspace(n, 0.0);
    let spots = support::spots(&files);
    let dir = tempfile::tempdir().unwrap();
    support::write(dir.path(), &files);
    let uri = uri_of(&dir.path().join(&spots.path));
    let other_file = uri_of(&dir.path().join(&spots.cross_file_target));

    let mut group = c.benchmark_group(format!("server {label}"));
    tune(&mut group, n);
    group.bench_function("first diagnostics", |b| {
        b.iter_custom(|iters| {
            runtime.block_on(async {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    let start = Instant::now();
                    let session = Session::start(dir.path()).await;
                    session.wait_for_publish_after(0).await;
                    total += start.elapsed();
                    session.shutdown().await;
                }
                total
            })
        })
    });

    let mut session = runtime.block_on(async {
        let session = Session::start(dir.path()).await;
        session.wait_for_publish_after(0).await;
        session.open(&uri, &spots.text).await;
        session
    });
    let mut editor = Editor {
        uri: uri.clone(),
        version: 1,
        title_typed: false,
        reference_typed: false,
    };
    let title_hover = at(&uri, spots.title_item_at);

    group.bench_function("keystroke in a title", |b| {
        b.iter_custom(|iters| {
            runtime.block_on(async {
                let start = Instant::now();
                for _ in 0..iters {
                    editor.toggle_title(&session, &spots).await;
                    let hover = session
                        .request("textDocument/hover", title_hover.clone())
                        .await;
                    let typed = format!("x{}", spots.title_word);
                    assert_eq!(
                        hover_text(&hover).contains(&typed),
                        editor.title_typed,
                        "the hover on {} does not show version {}",
                        spots.title_item,
                        editor.version
                    );
                }
                start.elapsed()
            })
        })
    });

    group.bench_function("keystroke in a reference", |b| {
        b.iter_custom(|iters| {
            runtime.block_on(async {
                let start = Instant::now();
                for _ in 0..iters {
                    editor.toggle_reference(&session, &spots).await;
                    session.wait_for_version(&uri, editor.version).await;
                }
                start.elapsed()
            })
        })
    });

    // Back to the text on disk, analysed, before the requests.
    runtime.block_on(async {
        if editor.title_typed {
            editor.toggle_title(&session, &spots).await;
        }
        if editor.reference_typed {
            editor.toggle_reference(&session, &spots).await;
            session.wait_for_version(&uri, editor.version).await;
        }
        session
            .request("textDocument/hover", title_hover.clone())
            .await;
    });

    let mut request = |name: &str, method: &str, params: Value, check: &dyn Fn(&Value)| {
        group.bench_function(name, |b| {
            b.iter_custom(|iters| {
                runtime.block_on(async {
                    let start = Instant::now();
                    for _ in 0..iters {
                        let answer = session.request(method, params.clone()).await;
                        check(&answer);
                    }
                    start.elapsed()
                })
            })
        });
    };
    request(
        "hover on an owner",
        "textDocument/hover",
        at(&uri, spots.owner_at),
        &|answer| assert!(hover_text(answer).contains("person"), "{answer}"),
    );
    request(
        "definition in another file",
        "textDocument/definition",
        at(&uri, spots.cross_file_at),
        &|answer| assert!(answer.to_string().contains(&other_file), "{answer}"),
    );
    let mut references = at(&uri, spots.person_at);
    references["context"] = json!({"includeDeclaration": true});
    let expected = spots.person_references;
    request(
        "references of a person",
        "textDocument/references",
        references,
        &|answer| {
            let found = answer.as_array().map_or(0, Vec::len);
            assert!(found >= expected, "{found} references, {expected} expected");
        },
    );
    request(
        "completion after depends_on",
        "textDocument/completion",
        at(&uri, spots.completion_at),
        &|answer| {
            let items = match answer {
                Value::Array(items) => items.len(),
                _ => answer["items"].as_array().map_or(0, Vec::len),
            };
            assert!(items > 0, "{answer}");
        },
    );
    group.finish();
    runtime.block_on(session.shutdown());
}

fn main() {
    let mut c = Criterion::default().configure_from_args();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    for (label, n) in support::sizes("1k,10k,100k") {
        server(&mut c, &runtime, &label, n);
    }
    c.final_summary();
}
