//! An analysis updated edit by edit equals the analysis of the final texts from scratch: the same
//! diagnostics, forecast, risk, exposure, critical paths and hovers, whichever path the update
//! took (definitions changed, facts changed, or only text moved).

use std::sync::Arc;

use planls::analysis::{analyze, Analysis, NaiveDate, Options, SourceFile, Workspace};
use planls::syntax::Kind;
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

/// A change of one value, as typing makes it: a reference renamed to another item (or to
/// nothing), given a lag, a status or a duration changed. These keep every definition, so the
/// update patches the graph and passes the forecast and exposure only where the edit reaches.
#[derive(Clone, Debug)]
struct ValueEdit {
    file: usize,
    kind: usize,
    at: usize,
    choice: usize,
}

const STATUSES: &[&str] = &["planned", "in_progress", "blocked", "done", "cancelled"];
const DURATIONS: &[&str] = &["1d", "3d", "2w", "6w", "20d"];
const LAGS: &[&str] = &["", " + 2d", " + 1w", " + 30d"];
const LEVELS: &[&str] = &["very_low", "medium", "high", "very_high", "2"];
const PROGRESS: &[&str] = &["0", "10", "50", "99", "100"];
const HOLIDAYS: &[&str] = &[
    "",
    " holidays: 2026-12-25, 2027-01-01",
    " holidays: 2027-01-18",
];

/// The program switched between calendar days and working days (with holidays or not): every
/// item's dates move, in every file.
fn switch_calendar(text: &str, choice: usize) -> String {
    for words in ["calendar: working_days", "calendar: calendar_days"] {
        if let Some(at) = text.find(words) {
            let end = text[at..].find('\n').map_or(text.len(), |n| at + n);
            let line = if choice % 2 == 0 {
                "calendar: calendar_days".to_string()
            } else {
                format!(
                    "calendar: working_days{}",
                    HOLIDAYS[choice % HOLIDAYS.len()]
                )
            };
            return spliced(text, planls::syntax::Span::new(at, end), &line);
        }
    }
    match text
        .find("program ")
        .and_then(|at| text[at..].find('{').map(|n| at + n + 1))
    {
        Some(open) => spliced(
            text,
            planls::syntax::Span::new(open, open),
            &format!(
                "\n  calendar: working_days{}\n",
                HOLIDAYS[choice % HOLIDAYS.len()]
            ),
        ),
        None => text.to_string(),
    }
}

/// A generated program of 60 initiatives in 6 files: chains, fan-in and risks across files,
/// with done, blocked and cancelled work, so that an edit reaches into other files.
fn generated() -> Vec<(String, String)> {
    let mut params = planls::generate::Params::new(60);
    params.files = 6;
    params.seed = 7;
    planls::generate::workspace(&params)
}

/// `text` with `span` replaced by `with`.
fn spliced(text: &str, span: planls::syntax::Span, with: &str) -> String {
    format!("{}{with}{}", &text[..span.start], &text[span.end..])
}

/// The spans of the words that follow `key: ` in `text`.
fn values_of(text: &str, key: &str) -> Vec<planls::syntax::Span> {
    let needle = format!("{key}: ");
    text.match_indices(&needle)
        .map(|(at, _)| {
            let start = at + needle.len();
            let len = text[start..]
                .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                .unwrap_or(text.len() - start);
            planls::syntax::Span::new(start, start + len)
        })
        .filter(|span| !span.is_empty())
        .collect()
}

fn apply_value_edit(analysis: &Analysis, file: planls::analysis::FileId, e: &ValueEdit) -> String {
    let text = &analysis.workspace().file(file).text;
    let work: Vec<&str> = analysis
        .items()
        .filter(|(_, i)| matches!(i.kind, Kind::Initiative | Kind::Milestone))
        .map(|(_, i)| i.name.as_str())
        .collect();
    match e.kind % 7 {
        0 | 1 => {
            let sites = analysis.index().references_in(file);
            let Some(site) = sites.get(e.at % sites.len().max(1)) else {
                return text.to_string();
            };
            if work.is_empty() {
                return text.to_string();
            }
            let name = if e.choice % 7 == 0 {
                format!("{}x", site.name)
            } else {
                work[e.choice % work.len()].to_string()
            };
            let lag = if e.kind % 5 == 1 && matches!(site.key.as_str(), "depends_on" | "requires") {
                LAGS[e.choice % LAGS.len()]
            } else {
                ""
            };
            spliced(text, site.span, &format!("{name}{lag}"))
        }
        2 => match values_of(text, "status").get(e.at % 64) {
            Some(&span) => spliced(text, span, STATUSES[e.choice % STATUSES.len()]),
            None => text.to_string(),
        },
        5 => switch_calendar(text, e.choice),
        6 => match values_of(text, "progress").get(e.at % 64) {
            Some(&span) => spliced(text, span, PROGRESS[e.choice % PROGRESS.len()]),
            None => text.to_string(),
        },
        4 => match values_of(text, "likelihood").get(e.at % 64) {
            Some(&span) => spliced(text, span, LEVELS[e.choice % LEVELS.len()]),
            None => text.to_string(),
        },
        _ => match values_of(text, "duration").get(e.at % 64) {
            Some(&span) => spliced(text, span, DURATIONS[e.choice % DURATIONS.len()]),
            None => text.to_string(),
        },
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn value_edits_update_to_the_analysis_from_scratch(
        edits in prop::collection::vec(
            (0..5usize, 0..7usize, 0..64usize, 0..64usize)
                .prop_map(|(file, kind, at, choice)| ValueEdit { file, kind, at, choice }),
            1..16,
        )
    ) {
        // In the workspace's order, so that a file's number is the same in both.
        let mut sources: Vec<SourceFile> = Workspace::from_texts(generated()).files().to_vec();
        let mut analysis = analyze(&Workspace::new(sources.clone()), &options());
        for edit in &edits {
            let edit = &ValueEdit { file: edit.file % sources.len(), ..edit.clone() };
            let file = planls::analysis::FileId(edit.file);
            let text = apply_value_edit(&analysis, file, edit);
            sources[edit.file] =
                SourceFile::parse(sources[edit.file].path.clone(), Arc::<str>::from(text));
            let workspace = Workspace::new(sources.clone());
            analysis = analysis.update(&workspace, &options(), &|| false).unwrap();
            let scratch = analyze(&workspace, &options());
            prop_assert_eq!(answers(&analysis), answers(&scratch), "after {:?}", edit);
        }
    }
}
