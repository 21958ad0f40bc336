//! The analysis never panics, whatever the text: arbitrary token soups and mutations of a real
//! plan go through `analyze`, every query and a hover at every offset. Every span it reports lies
//! in its file on character boundaries, and the output is the same on every run.

use planls::analysis::{analyze, Analysis, FileId, ItemId, NaiveDate, Options, Workspace};
use proptest::prelude::*;

const SPEC_EXAMPLE: &str = include_str!("fixtures/spec_example.plan");

fn options() -> Options {
    Options {
        today: NaiveDate::from_ymd_opt(2027, 2, 1).unwrap(),
    }
}

/// Pieces of plan text, valid and broken, that together reach every path of the analysis.
fn token() -> impl Strategy<Value = String> {
    let fixed = prop::sample::select(vec![
        "program",
        "team",
        "person",
        "initiative",
        "milestone",
        "risk",
        "owner",
        "lead",
        "members",
        "team:",
        "status",
        "health",
        "start",
        "end",
        "duration",
        "progress",
        "depends_on",
        "requires",
        "affects",
        "likelihood",
        "impact",
        "date",
        "mitigation",
        "review",
        "description",
        "{",
        "}",
        ":",
        ",",
        "+",
        "@",
        "@a",
        "@b",
        "a",
        "b",
        "c",
        "a.b-c",
        "done",
        "blocked",
        "green",
        "high",
        "very_high",
        "open",
        "\"t\"",
        "\"",
        "\"un\nterminated",
        "\"\"\"multi\nline\"\"\"",
        "\"\\q\"",
        "2027-01-04",
        "2027-02-30",
        "0000-00-00",
        "9999-99-99",
        "3w",
        "0d",
        "99999999999w",
        "40%",
        "400%",
        "7",
        "99999999999999999999",
        "# comment\n",
        "\n",
        " ",
        "\t",
        "é",
        "😀",
        "\\",
        "\r\n",
    ])
    .prop_map(str::to_string);
    prop_oneof![
        8 => fixed,
        1 => "[a-z_@:{},+\"#0-9%. \n-]{1,6}",
        1 => any::<char>().prop_map(|c| c.to_string()),
    ]
}

fn soup() -> impl Strategy<Value = String> {
    prop::collection::vec((token(), prop::sample::select(vec!["", " ", "\n"])), 0..60)
        .prop_map(|parts| parts.into_iter().map(|(t, s)| t + s).collect())
}

/// The spec's example with a few random cuts, copies and insertions.
fn mutated_example() -> impl Strategy<Value = String> {
    prop::collection::vec((0..SPEC_EXAMPLE.len(), 0usize..40, token(), 0u8..3), 1..6).prop_map(
        |edits| {
            let mut text = SPEC_EXAMPLE.to_string();
            for (at, len, insert, what) in edits {
                let at = floor(&text, at.min(text.len()));
                let end = floor(&text, (at + len).min(text.len()));
                match what {
                    0 => text.replace_range(at..end, ""),
                    1 => text.insert_str(at, &insert),
                    _ => {
                        let copy = text[at..end].to_string();
                        text.insert_str(end, &copy);
                    }
                }
            }
            text
        },
    )
}

fn floor(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// Runs everything the server and the command line may ask, and checks the spans.
fn exercise(workspace: &Workspace, hover_everywhere: bool) -> Analysis {
    let analysis = analyze(workspace, &options());
    let in_file = |file: FileId, start: usize, end: usize| {
        let text = &workspace.file(file).text;
        start <= end
            && end <= text.len()
            && text.is_char_boundary(start)
            && text.is_char_boundary(end)
    };
    for d in analysis.diagnostics() {
        assert!(in_file(d.file, d.span.start, d.span.end), "{d:?}");
        for r in &d.related {
            assert!(in_file(r.file, r.span.start, r.span.end), "{d:?}");
        }
        for edit in d.fixes.iter().flat_map(|f| &f.edits) {
            assert!(in_file(edit.file, edit.span.start, edit.span.end), "{d:?}");
        }
    }
    for n in 0..analysis.item_count() {
        let item = ItemId(n);
        analysis.describe(item);
        analysis.dependencies(item).count();
        analysis.dependents(item);
        analysis.milestones_fed(item);
        analysis.status(item);
        analysis.downstream(item);
        analysis.upstream(item);
        analysis.references(item, true);
    }
    for file in workspace.file_ids() {
        let len = workspace.file(file).text.len();
        let offsets: Vec<usize> = if hover_everywhere {
            (0..=len + 1).collect()
        } else {
            (0..=len + 1).step_by(7).collect()
        };
        for offset in offsets {
            if let Some(hover) = analysis.hover(file, offset) {
                assert!(in_file(file, hover.span.start, hover.span.end));
            }
            analysis.definition(file, offset);
        }
    }
    analysis
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn token_soup_never_panics(text in soup()) {
        let workspace = Workspace::from_texts([("soup.plan", text.as_str())]);
        exercise(&workspace, text.len() <= 400);
    }

    #[test]
    fn a_mutated_plan_never_panics(text in mutated_example()) {
        let workspace = Workspace::from_texts([("plan.plan", text.as_str())]);
        exercise(&workspace, false);
    }

    #[test]
    fn several_files_never_panic_and_give_the_same_answer_twice(
        a in soup(), b in soup(), c in mutated_example()
    ) {
        let workspace = Workspace::from_texts([
            ("a.plan", a.as_str()),
            ("b/b.plan", b.as_str()),
            ("c.plan", c.as_str()),
        ]);
        let first = exercise(&workspace, false);
        let again = analyze(&workspace, &options());
        prop_assert_eq!(first.diagnostics(), again.diagnostics());
    }
}

#[test]
fn hover_at_every_offset_of_the_spec_example() {
    let workspace = Workspace::from_texts([("spec.plan", SPEC_EXAMPLE)]);
    exercise(&workspace, true);
}
