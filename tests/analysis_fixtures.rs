//! The one runner of the analysis fixtures in `tests/fixtures/analysis/`.
//!
//! A case is a `.plan` file, or a folder of `.plan` files forming one workspace. Expectations are
//! comments written under the text they point at:
//!
//! ```text
//! initiative a { depends_on: vault_upgrad }
//! #                          ^^^^^^^^^^^^ unresolved-reference: `vault_upgrad` names nothing...
//! ```
//!
//! - `# ^^^ CODE: MESSAGE`: a diagnostic with that code and message on exactly the caret columns
//!   of the nearest line above that is not an annotation. A message ending in `...` matches by prefix.
//! - `# <- CODE: MESSAGE`: the same for a span that starts at column 0, where no caret fits
//!   (its end is not checked).
//! - `# ^^^ related(CODE): MESSAGE`: a diagnostic with that code has a related location here.
//! - `# ^^^ schedule: TEXT`: the item whose ID is here is forecast as `TEXT` (`ScheduleState`'s
//!   one-line form: `2027-01-04 to 2027-01-24, slack 5 days, critical`).
//! - `# ^^^ critical path: a -> b -> m`: the critical path of the milestone whose ID is here.
//! - `# ^^^ hover: TEXT`: the hover of the item whose ID is here has a line `- **TEXT**`
//!   (its heading and text as written: `hover: Progress:** 40% rolled up from 3 parts`).
//! - `#! today: YYYY-MM-DD` anywhere in a case sets today (default 2027-01-01).
//!
//! Every diagnostic must be annotated: a fixture shows what is reported and what is not.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use planls::analysis::{analyze, FileId, NaiveDate, Options, Workspace};
use planls::syntax::{LineIndex, Span};

const DEFAULT_TODAY: &str = "2027-01-01";

/// The end column of a `<-` annotation, which only says where a span starts.
const ANY_END: usize = usize::MAX;

struct Case {
    name: String,
    files: Vec<(String, String)>,
}

fn cases() -> Vec<Case> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/analysis");
    let mut entries: Vec<PathBuf> = fs::read_dir(&root)
        .expect("tests/fixtures/analysis exists")
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    let mut cases = Vec::new();
    for path in entries {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if path.is_dir() {
            let mut files: Vec<(String, String)> = fs::read_dir(&path)
                .unwrap()
                .map(|e| e.unwrap().path())
                .filter(|p| p.extension().is_some_and(|e| e == "plan"))
                .map(|p| {
                    let file = p.file_name().unwrap().to_string_lossy().to_string();
                    (file, fs::read_to_string(&p).unwrap())
                })
                .collect();
            files.sort();
            cases.push(Case { name, files });
        } else if name.ends_with(".plan") {
            let text = fs::read_to_string(&path).unwrap();
            cases.push(Case {
                name: name.clone(),
                files: vec![(name, text)],
            });
        }
    }
    cases
}

/// One expectation or finding, in a form that prints as the annotation that would match it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Line {
    file: String,
    line: usize,
    start: usize,
    end: usize,
    what: String,
}

impl std::fmt::Display for Line {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}:{}: {}{} {}",
            self.file,
            self.line + 1,
            " ".repeat(self.start),
            "^".repeat(self.end.saturating_sub(self.start).clamp(1, 200)),
            self.what
        )
    }
}

fn is_annotation(line: &str) -> bool {
    let trimmed = line.trim_start();
    let Some(rest) = trimmed.strip_prefix('#') else {
        return false;
    };
    let rest = rest.trim_start();
    rest.starts_with('^') || rest.starts_with("<-")
}

/// The annotations of one file: (line, start column, end column, text after the carets).
fn annotations(file: &str, text: &str) -> Vec<Line> {
    let mut found = Vec::new();
    let mut target = None;
    for (n, line) in text.lines().enumerate() {
        if !is_annotation(line) {
            target = Some(n);
            continue;
        }
        let target =
            target.unwrap_or_else(|| panic!("{file}:{}: an annotation with no line above", n + 1));
        let chars: Vec<char> = line.chars().collect();
        let hash = chars.iter().position(|&c| c == '#').unwrap();
        let after: String = chars[hash + 1..].iter().collect();
        let (start, end, what) = if let Some(rest) = after.trim_start().strip_prefix("<-") {
            (hash, ANY_END, rest.trim().to_string())
        } else {
            let start = chars.iter().position(|&c| c == '^').unwrap();
            let end = start + chars[start..].iter().take_while(|&&c| c == '^').count();
            let what: String = chars[end..].iter().collect();
            (start, end, what.trim().to_string())
        };
        found.push(Line {
            file: file.to_string(),
            line: target,
            start,
            end,
            what,
        });
    }
    found
}

fn today(case: &Case) -> NaiveDate {
    let date = case
        .files
        .iter()
        .flat_map(|(_, text)| text.lines())
        .find_map(|l| l.trim().strip_prefix("#! today:").map(str::trim))
        .unwrap_or(DEFAULT_TODAY);
    NaiveDate::parse_from_str(date, "%Y-%m-%d").expect("`#! today:` takes YYYY-MM-DD")
}

/// Where a span is, as a line and character columns; a span over several lines ends at its first line's end.
fn place(text: &str, index: &LineIndex, span: Span) -> (usize, usize, usize) {
    let (line, start) = index.line_col(text, span.start);
    let (end_line, end) = index.line_col(text, span.end);
    let end = if end_line == line {
        end
    } else {
        let line_end = index.line_start(line + 1) - 1;
        index.line_col(text, line_end).1
    };
    (line, start, end)
}

fn matches(expected: &str, actual: &str) -> bool {
    match expected.strip_suffix("...") {
        Some(prefix) => actual.starts_with(prefix),
        None => expected == actual,
    }
}

fn check_case(case: &Case) -> Result<(), String> {
    let workspace = Workspace::from_texts(case.files.iter().cloned());
    let analysis = analyze(&workspace, &Options { today: today(case) });
    let name_of = |file: FileId| workspace.file(file).path.clone();
    let index_of: Vec<LineIndex> = workspace
        .files()
        .iter()
        .map(|f| LineIndex::new(&f.text))
        .collect();
    let at = |file: FileId, span: Span| -> (usize, usize, usize) {
        place(&workspace.file(file).text, &index_of[file.0], span)
    };

    let mut expected = Vec::new();
    for (file, text) in &case.files {
        expected.extend(annotations(file, text));
    }

    // What the analysis says, in the form of annotations.
    let mut actual = Vec::new();
    for d in analysis.diagnostics() {
        let (line, start, end) = at(d.file, d.span);
        actual.push(Line {
            file: name_of(d.file),
            line,
            start,
            end,
            what: format!("{}: {}", d.code, d.message),
        });
    }
    let mut related = Vec::new();
    for d in analysis.diagnostics() {
        for r in &d.related {
            let (line, start, end) = at(r.file, r.span);
            related.push(Line {
                file: name_of(r.file),
                line,
                start,
                end,
                what: format!("related({}): {}", d.code, r.message),
            });
        }
    }

    let mut failures = Vec::new();
    let mut matched = BTreeSet::new();
    for e in &expected {
        let same_place = |a: &Line| {
            a.file == e.file
                && a.line == e.line
                && a.start == e.start
                && (e.end == ANY_END || a.end == e.end)
        };
        if let Some(rest) = e.what.strip_prefix("schedule:") {
            let file = workspace.find(&e.file).unwrap();
            let span = span_at(&workspace, &index_of, file, e);
            let item = analysis.item_defined_at(file, span);
            let got = item
                .and_then(|i| analysis.schedule(i))
                .map(|s| s.to_string());
            if got.as_deref() != Some(rest.trim()) {
                failures.push(format!(
                    "{e}\n    got schedule: {}",
                    got.unwrap_or_else(|| "(none)".into())
                ));
            }
        } else if let Some(rest) = e.what.strip_prefix("critical path:") {
            let file = workspace.find(&e.file).unwrap();
            let span = span_at(&workspace, &index_of, file, e);
            let got = analysis
                .item_defined_at(file, span)
                .map(|m| {
                    analysis
                        .critical_path(m)
                        .iter()
                        .map(|&i| analysis.item(i).name.clone())
                        .collect::<Vec<_>>()
                        .join(" -> ")
                })
                .unwrap_or_default();
            if got != rest.trim() {
                failures.push(format!("{e}\n    got critical path: {got}"));
            }
        } else if let Some(rest) = e.what.strip_prefix("hover:") {
            let file = workspace.find(&e.file).unwrap();
            let span = span_at(&workspace, &index_of, file, e);
            let markdown = analysis
                .hover(file, span.start)
                .map(|h| h.markdown)
                .unwrap_or_default();
            let line = format!("- **{}", rest.trim());
            if !markdown.lines().any(|l| l == line) {
                failures.push(format!("{e}\n    got hover:\n{markdown}"));
            }
        } else if e.what.starts_with("related(") {
            if !related
                .iter()
                .any(|a| same_place(a) && matches(&e.what, &a.what))
            {
                failures.push(format!("missing related location:\n  {e}"));
            }
        } else {
            match actual
                .iter()
                .enumerate()
                .find(|(i, a)| !matched.contains(i) && same_place(a) && matches(&e.what, &a.what))
            {
                Some((i, _)) => {
                    matched.insert(i);
                }
                None => failures.push(format!("expected, not reported:\n  {e}")),
            }
        }
    }
    for (i, a) in actual.iter().enumerate() {
        if !matched.contains(&i) {
            failures.push(format!("reported, not expected:\n  {a}"));
        }
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(format!("{}:\n{}", case.name, failures.join("\n")))
    }
}

/// The byte span under an annotation's carets.
fn span_at(workspace: &Workspace, index_of: &[LineIndex], file: FileId, e: &Line) -> Span {
    let text = &workspace.file(file).text;
    let index = &index_of[file.0];
    Span::new(
        index.offset(text, e.line, e.start),
        index.offset(text, e.line, e.end),
    )
}

#[test]
fn analysis_fixtures() {
    let cases = cases();
    let filter = std::env::var("FIXTURE").ok();
    let mut failures = Vec::new();
    let mut ran = 0;
    for case in &cases {
        if filter
            .as_ref()
            .is_some_and(|f| !case.name.contains(f.as_str()))
        {
            continue;
        }
        ran += 1;
        if let Err(e) = check_case(case) {
            failures.push(e);
        }
    }
    assert!(ran > 0, "no fixture ran");
    assert!(
        failures.is_empty(),
        "{} of {ran} fixtures failed:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

#[test]
fn annotations_point_under_the_line_above() {
    let text = "initiative a { owner: x }\n#                     ^ unresolved-reference: no\n# <- syntax-error: here\n";
    let found = annotations("t.plan", text);
    assert_eq!(found.len(), 2);
    assert_eq!((found[0].line, found[0].start, found[0].end), (0, 22, 23));
    assert_eq!(found[0].what, "unresolved-reference: no");
    assert_eq!(
        (found[1].line, found[1].start, found[1].end),
        (0, 0, ANY_END)
    );
}
