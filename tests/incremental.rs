//! An analysis updated edit by edit equals the analysis of the final texts from scratch: the same
//! diagnostics, forecast, risk, exposure, critical paths and hovers, whichever path the update
//! took (definitions changed, facts changed, or only text moved).

use std::sync::Arc;

use planls::analysis::{analyze, Analysis, NaiveDate, Options, SourceFile, Workspace};
use proptest::prelude::*;

fn options() -> Options {
    Options {
        today: NaiveDate::from_ymd_opt(2027, 2, 15).unwrap(),
    }
}

/// The example program, with the spec's example and a file of mistakes beside it.
fn base() -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = ["program", "risks", "teams", "work"]
        .iter()
        .map(|name| {
            let path = format!(
                "{}/examples/checkout-v2/{name}.plan",
                env!("CARGO_MANIFEST_DIR")
            );
            (
                format!("{name}.plan"),
                std::fs::read_to_string(path).unwrap(),
            )
        })
        .collect();
    files.push((
        "mistakes.plan".to_string(),
        "initiative stray \"Stray\" {\n  owner: @nobody\n  depends_on: vault_upgrad + 1w\n  duration: 2w\n}\n# a comment\nmilestone late_one \"Late\" { date: 2027-01-10 requires: stray }\n\
         team payments \"Defined twice\" {}\n".to_string(),
    ));
    files
}

/// Everything the analysis answers, in one comparable value.
fn answers(analysis: &Analysis) -> Vec<String> {
    let mut out: Vec<String> = analysis
        .diagnostics()
        .iter()
        .map(|d| format!("{d:?}"))
        .collect();
    for (id, info) in analysis.items() {
        out.push(format!(
            "{info:?} {:?} {:?} {:?} {:?}",
            analysis.schedule(id),
            analysis.risk(id),
            analysis.exposure(id),
            analysis.critical_path(id)
        ));
        out.push(analysis.describe(id));
    }
    out
}

/// What an edit inserts: layout, comments and titles (text only moves), names and values
/// (facts change), and broken syntax.
const SNIPPETS: &[&str] = &[
    " ",
    "\n",
    "  ",
    "# note\n",
    "x",
    "e",
    "_2",
    "\"A title\"",
    " depends_on: tokenization + 1w\n",
    " status: done\n",
    " duration: 3w\n",
    "}",
    "{",
    ":",
    "initiative extra \"Extra\" { duration: 1w }\n",
];

#[derive(Clone, Debug)]
struct EditOp {
    file: usize,
    at: usize,
    delete: usize,
    insert: usize,
}

fn edit_op() -> impl Strategy<Value = EditOp> {
    (0..5usize, any::<usize>(), 0..4usize, 0..SNIPPETS.len() + 3).prop_map(
        |(file, at, delete, insert)| EditOp {
            file,
            at,
            delete,
            insert,
        },
    )
}

/// Applies `op` to `text`; snippets past the list mean a pure deletion.
fn apply(text: &str, op: &EditOp) -> String {
    let mut at = op.at % (text.len() + 1);
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    let mut end = (at + op.delete).min(text.len());
    while !text.is_char_boundary(end) {
        end += 1;
    }
    let insert = SNIPPETS.get(op.insert).copied().unwrap_or("");
    format!("{}{insert}{}", &text[..at], &text[end..])
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn an_updated_analysis_equals_one_from_scratch(ops in prop::collection::vec(edit_op(), 1..12)) {
        let mut sources: Vec<SourceFile> = base()
            .into_iter()
            .map(|(path, text)| SourceFile::parse(path, text))
            .collect();
        let mut analysis = analyze(&Workspace::new(sources.clone()), &options());
        for op in &ops {
            let file = &sources[op.file];
            let text = apply(&file.text, op);
            // The other files keep their parsed models, as the server keeps them.
            sources[op.file] = SourceFile::parse(file.path.clone(), Arc::<str>::from(text));
            let workspace = Workspace::new(sources.clone());
            analysis = analysis.update(&workspace, &options(), &|| false).unwrap();
            let scratch = analyze(&workspace, &options());
            prop_assert_eq!(answers(&analysis), answers(&scratch), "after {:?}", op);
        }
    }
}

/// The files of `workspace`, with the first `from` in work.plan replaced by `to` and parsed again,
/// the others kept as they are (their parsed models shared, as the server shares them).
fn replaced_in_work(workspace: &Workspace, from: &str, to: &str) -> Vec<SourceFile> {
    workspace
        .files()
        .iter()
        .map(|f| {
            if f.path == "work.plan" {
                let text = f.text.replacen(from, to, 1);
                assert_ne!(text, *f.text);
                SourceFile::parse(f.path.clone(), Arc::<str>::from(text))
            } else {
                f.clone()
            }
        })
        .collect()
}

#[test]
fn an_edit_of_a_title_reuses_the_forecast_and_the_other_files_diagnostics() {
    let sources: Vec<SourceFile> = base()
        .into_iter()
        .map(|(path, text)| SourceFile::parse(path, text))
        .collect();
    let workspace = Workspace::new(sources.clone());
    let before = analyze(&workspace, &options());
    let work = workspace.find("work.plan").unwrap();
    let edited = replaced_in_work(
        &workspace,
        "\"Upgrade the secrets vault\"",
        "\"Upgrade the vault\"",
    );
    let workspace = Workspace::new(edited);
    let after = before.update(&workspace, &options(), &|| false).unwrap();
    assert!(after.shares_computations_with(&before));
    for file in workspace.file_ids() {
        let shared = Arc::ptr_eq(after.file_diagnostics(file), before.file_diagnostics(file));
        // A diagnostic with a related place in work.plan moves with the text there.
        let points_into_work = before
            .file_diagnostics(file)
            .iter()
            .any(|d| d.related.iter().any(|r| r.file == work));
        assert_eq!(
            shared,
            file != work && !points_into_work,
            "{}",
            workspace.file(file).path
        );
    }
    // A dependency that goes away is not alike: the forecast is computed again.
    let broken = replaced_in_work(
        &workspace,
        "depends_on: vault_upgrade",
        "depends_on: vault_upgradx",
    );
    let broken = Workspace::new(broken);
    let again = after.update(&broken, &options(), &|| false).unwrap();
    assert!(!again.shares_computations_with(&after));
    assert_eq!(answers(&again), answers(&analyze(&broken, &options())));
}
