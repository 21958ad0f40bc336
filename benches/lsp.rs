//! What a keystroke costs the server on a large plan: the incremental reparse against a full one,
//! position conversion, and formatting.
use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use planls::lsp::document::Document;
use planls::lsp::position::{self, Encoding};
use planls::lsp::state::{OpenDocument, State, World};
use ropey::Rope;
use tower_lsp_server::ls_types::{Position, Range, TextDocumentContentChangeEvent, Uri};

/// A plan of `count` initiatives with owners, dependencies and comments, some titles in emoji.
fn large_plan(count: usize) -> String {
    let mut text = String::from("person ana \"Ana Diaz 😀\"\n\n");
    for i in 0..count {
        text.push_str(&format!(
            "# step {i}\ninitiative work_{i} \"Work item {i} 字\" {{\n  owner: @ana\n  duration: 2w\n  depends_on: work_{} + 1d\n  progress: 40%\n}}\n\n",
            i.saturating_sub(1)
        ));
    }
    text
}

fn keystroke(c: &mut Criterion) {
    let text = large_plan(2_000);
    let middle = Position::new(text.lines().count() as u32 / 2, 2);
    let insert = TextDocumentContentChangeEvent {
        range: Some(Range::new(middle, middle)),
        range_length: None,
        text: "x".to_string(),
    };
    let mut group = c.benchmark_group("keystroke in 2,000 items");
    group.bench_function("incremental reparse", |b| {
        b.iter_batched(
            || Document::new(&text, Some(1)),
            |mut document| {
                document.apply_changes(std::slice::from_ref(&insert), 2, Encoding::Utf16)
            },
            BatchSize::LargeInput,
        )
    });
    group.bench_function("full reparse", |b| b.iter(|| Document::new(&text, Some(1))));
    group.finish();
}

fn positions(c: &mut Criterion) {
    let text = large_plan(2_000);
    let rope = Rope::from_str(&text);
    let offsets: Vec<usize> = (0..text.len())
        .step_by(997)
        .filter(|&i| text.is_char_boundary(i))
        .collect();
    c.bench_function(
        "offset to UTF-16 position and back, 260 offsets in 2,000 items",
        |b| {
            b.iter(|| {
                for &offset in &offsets {
                    let at = position::position(&rope, offset, Encoding::Utf16);
                    assert_eq!(position::offset(&rope, at, Encoding::Utf16), Some(offset));
                }
            })
        },
    );
}

fn formatting(c: &mut Criterion) {
    let text = large_plan(2_000);
    let syntax = planls::syntax::parse(&text);
    c.bench_function("format 2,000 items", |b| {
        b.iter(|| planls::syntax::format::format(&text, &syntax))
    });
}

/// What one debounced burst costs: the snapshot of the workspace and its whole analysis.
fn snapshot(c: &mut Criterion) {
    let text = large_plan(2_000);
    let mut state = State::default();
    let uri: Uri = "file:///bench/large.plan".parse().unwrap();
    state.open.insert(
        uri.clone(),
        OpenDocument {
            uri,
            document: Document::new(&text, Some(1)),
        },
    );
    let today = chrono::NaiveDate::from_ymd_opt(2027, 1, 4).unwrap();
    c.bench_function("snapshot and analysis of 2,000 items", |b| {
        b.iter(|| World::build(state.inputs(), today))
    });
}

criterion_group!(benches, keystroke, positions, formatting, snapshot);
criterion_main!(benches);
