//! No lost text: formatting and rename, over every analysis fixture (as written, with CRLF, mixed
//! line endings, a byte order mark and trailing spaces in comments) and over random plans, keep
//! every comment and string byte for byte, keep the line-ending style and a byte order mark, are
//! idempotent, and leave the analysis as it was (formatting) or as it was but for the new name
//! (rename).

use std::fs;
use std::path::Path;

use planls::analysis::rename;
use planls::analysis::{analyze, Edit, NaiveDate, Options, Workspace};
use planls::lsp::formatting::difference;
use planls::syntax::{format, parse, PlanFile, Span};
use proptest::prelude::*;

const BOM: char = '\u{feff}';

/// One workspace: (path, text) per file.
type Case = Vec<(String, String)>;

fn options() -> Options {
    Options {
        today: NaiveDate::from_ymd_opt(2027, 1, 1).unwrap(),
    }
}

/// Every fixture of `tests/fixtures/analysis/`, a file or a folder of files, and the spec example.
fn fixtures() -> Vec<(String, Case)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let read_plans = |dir: &Path| -> Case {
        let mut files: Case = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "plan"))
            .map(|p| {
                let name = p.file_name().unwrap().to_string_lossy().to_string();
                (name, fs::read_to_string(&p).unwrap())
            })
            .collect();
        files.sort();
        files
    };
    let mut cases = vec![(
        "spec_example.plan".to_string(),
        read_plans(&root).into_iter().collect(),
    )];
    let mut entries: Vec<_> = fs::read_dir(root.join("analysis"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if path.is_dir() {
            cases.push((name, read_plans(&path)));
        } else if name.ends_with(".plan") {
            cases.push((
                name.clone(),
                vec![(name, fs::read_to_string(&path).unwrap())],
            ));
        }
    }
    assert!(cases.len() > 40, "{} fixtures", cases.len());
    cases
}

/// The same text in other clothes: CRLF, line endings that alternate, a byte order mark, and
/// trailing spaces and tabs after every comment.
fn variants(text: &str) -> Vec<(&'static str, String)> {
    let crlf = text.replace('\n', "\r\n");
    let mixed: String = text
        .split_inclusive('\n')
        .enumerate()
        .map(|(i, line)| match (i % 3, line.strip_suffix('\n')) {
            (1, Some(body)) => format!("{body}\r\n"),
            (2, Some(body)) => format!("{body}\r"),
            _ => line.to_string(),
        })
        .collect();
    let file = parse(text);
    let mut spaced = text.to_string();
    for comment in file.comments.iter().rev() {
        spaced.insert_str(comment.end, "  \t ");
    }
    vec![
        ("as written", text.to_string()),
        ("crlf", crlf),
        ("mixed line endings", mixed),
        ("byte order mark", format!("{BOM}{text}")),
        (
            "crlf and byte order mark",
            format!("{BOM}{}", text.replace('\n', "\r\n")),
        ),
        ("trailing spaces in comments", spaced),
    ]
}

/// The strings and comments of a text, in order, byte for byte, as the model finds them.
fn kept_text(text: &str, file: &PlanFile) -> (Vec<String>, Vec<String>) {
    let mut strings: Vec<Span> = file.string_spans().collect();
    strings.sort_by_key(|s| s.start);
    let slice = |s: &Span| text[s.start..s.end].to_string();
    (
        strings.iter().map(slice).collect(),
        file.comments.iter().map(slice).collect(),
    )
}

/// The comments found by scanning, not through the model: in a file without syntax errors, a
/// `#` outside a string starts a comment that ends before `\r` or `\n`.
fn scanned_comments(text: &str, file: &PlanFile) -> Vec<String> {
    let strings: Vec<Span> = file.string_spans().collect();
    let mut comments = Vec::new();
    let mut position = 0;
    while let Some(found) = text[position..].find('#') {
        let at = position + found;
        if let Some(string) = strings.iter().find(|s| s.start <= at && at < s.end) {
            position = string.end;
            continue;
        }
        let end = text[at..].find(['\n', '\r']).map_or(text.len(), |i| at + i);
        comments.push(text[at..end].to_string());
        position = end;
    }
    comments
}

/// Every line break outside strings, as written: `\n`, `\r\n` or `\r`.
fn line_breaks(text: &str, file: &PlanFile) -> Vec<&'static str> {
    let strings: Vec<Span> = file.string_spans().collect();
    let inside = |at: usize| strings.iter().any(|s| s.start <= at && at < s.end);
    let bytes = text.as_bytes();
    let mut breaks = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\r' if bytes.get(i + 1) == Some(&b'\n') => {
                if !inside(i) {
                    breaks.push("\r\n");
                }
                i += 1;
            }
            b'\r' if !inside(i) => breaks.push("\r"),
            b'\n' if !inside(i) => breaks.push("\n"),
            _ => {}
        }
        i += 1;
    }
    breaks
}

/// The file's style: the most frequent line break outside strings, the first on a tie, `\n`
/// when there is none.
fn style(text: &str, file: &PlanFile) -> &'static str {
    let breaks = line_breaks(text, file);
    let count = |s: &str| breaks.iter().filter(|b| **b == s).count();
    let mut best = "\n";
    let mut best_count = 0;
    for candidate in &breaks {
        if count(candidate) > best_count {
            best = candidate;
            best_count = count(candidate);
        }
    }
    best
}

/// How a rename's result is compared with what came before.
#[derive(Clone, Copy)]
enum Compare<'a> {
    /// As it is.
    Exactly,
    /// `new` is read back as `old`, and the closest ID an unresolved reference suggests is left
    /// out: renaming an item changes which ID is closest to a misspelling, as it should.
    Renamed { old: &'a str, new: &'a str },
}

/// What the analysis says, without where: each diagnostic's file, code, severity and message,
/// and each item's forecast.
fn meaning(case: &Case, compare: Compare) -> Vec<String> {
    let workspace = Workspace::from_texts(case.iter().cloned());
    let analysis = analyze(&workspace, &options());
    let renamed = match compare {
        Compare::Exactly => None,
        Compare::Renamed { old, new } => Some((old, new)),
    };
    let back = |text: &str| match renamed {
        Some((old, new)) => text.replace(new, old),
        None => text.to_string(),
    };
    let mut lines: Vec<String> = analysis
        .diagnostics()
        .iter()
        .map(|d| {
            let mut message = back(&d.message);
            if renamed.is_some() && d.code.as_str() == "unresolved-reference" {
                if let Some(at) = message.find("; did you mean") {
                    message.truncate(at);
                }
            }
            format!(
                "{} {} {:?} {message}",
                workspace.file(d.file).path,
                d.code,
                d.severity,
            )
        })
        .collect();
    for (id, item) in analysis.items() {
        let name = match renamed {
            Some((old, new)) if item.name == new => old,
            _ => &item.name,
        };
        let schedule = analysis.schedule(id);
        lines.push(format!(
            "{} {name}: {}",
            item.kind,
            back(&schedule.map(|s| s.to_string()).unwrap_or_default())
        ));
    }
    lines.sort();
    lines
}

/// Formats one file and checks every promise; returns the formatted text, or the text itself
/// when it has syntax errors.
fn check_formatting(what: &str, text: &str) -> String {
    let file = parse(text);
    let Some(formatted) = format::format(text, &file) else {
        assert!(
            !file.errors.is_empty() || !file.stray_fields.is_empty(),
            "{what}: a file without syntax errors is formatted"
        );
        return text.to_string();
    };
    let reparsed = parse(&formatted);
    assert!(reparsed.errors.is_empty(), "{what}: {formatted:?}");
    // Strings and comments, byte for byte and in order; the model holds every comment.
    assert_eq!(
        kept_text(text, &file),
        kept_text(&formatted, &reparsed),
        "{what}: {formatted:?}"
    );
    assert_eq!(
        scanned_comments(text, &file),
        file.comments
            .iter()
            .map(|c| text[c.start..c.end].to_string())
            .collect::<Vec<_>>(),
        "{what}"
    );
    // The file's line ending throughout, and its byte order mark.
    let style = style(text, &file);
    let breaks = line_breaks(&formatted, &reparsed);
    assert!(
        breaks.iter().all(|b| *b == style),
        "{what}: {style:?} expected, {formatted:?}"
    );
    assert_eq!(
        text.starts_with(BOM),
        formatted.starts_with(BOM),
        "{what}: {formatted:?}"
    );
    // Idempotent, as text and as the server's edit, which never splits a `\r\n`.
    assert_eq!(
        format::format(&formatted, &reparsed).as_deref(),
        Some(formatted.as_str()),
        "{what}"
    );
    if let Some((span, replacement)) = difference(text, &formatted) {
        let mut applied = text.to_string();
        applied.replace_range(span.start..span.end, replacement);
        assert_eq!(applied, formatted, "{what}");
        for at in [span.start, span.end] {
            assert!(
                !(text[..at].ends_with('\r') && text[at..].starts_with('\n')),
                "{what}: the edit splits a \\r\\n at {at}"
            );
        }
    }
    assert_eq!(difference(&formatted, &formatted), None);
    formatted
}

/// Formats every file of a case and checks the analysis is unchanged.
fn check_case_formatting(name: &str, case: &Case) {
    let formatted: Case = case
        .iter()
        .map(|(path, text)| {
            (
                path.clone(),
                check_formatting(&format!("{name}/{path}"), text),
            )
        })
        .collect();
    assert_eq!(
        meaning(case, Compare::Exactly),
        meaning(&formatted, Compare::Exactly),
        "{name}"
    );
}

/// Renames every item that a rename accepts (and whose ID is defined once) to a fresh name, and
/// checks that only the name changed.
fn check_case_renames(name: &str, case: &Case) -> usize {
    let workspace = Workspace::from_texts(case.iter().cloned());
    let analysis = analyze(&workspace, &options());
    let mut renames = 0;
    for (_, item) in analysis.items() {
        let defined = analysis
            .items()
            .filter(|(_, i)| i.name == item.name)
            .count();
        let new_name = format!("{}_renamed", item.name);
        if defined != 1 || analysis.lookup(&new_name).is_some() {
            continue;
        }
        let Ok(edits) = rename::rename(&analysis, item.file, item.name_span.start, &new_name)
        else {
            continue;
        };
        let renamed = apply_rename(name, &workspace, &edits, &item.name);
        let (old, new) = (item.name.as_str(), new_name.as_str());
        assert_eq!(
            meaning(case, Compare::Renamed { old, new: old }),
            meaning(&renamed, Compare::Renamed { old, new }),
            "{name}: renaming `{}`",
            item.name
        );
        renames += 1;
    }
    renames
}

/// Applies a rename's edits, checking that each replaces exactly the old name and touches no
/// comment or string.
fn apply_rename(name: &str, workspace: &Workspace, edits: &[Edit], old: &str) -> Case {
    let mut out = Case::new();
    for id in workspace.file_ids() {
        let source = workspace.file(id);
        let text: &str = &source.text;
        let mut spans: Vec<(Span, &str)> = edits
            .iter()
            .filter(|e| e.file == id)
            .map(|e| (e.span, e.new_text.as_str()))
            .collect();
        spans.sort_by_key(|(s, _)| std::cmp::Reverse(s.start));
        let (strings, comments) = (
            source.syntax.string_spans().collect::<Vec<_>>(),
            source.syntax.comments.clone(),
        );
        let mut renamed = text.to_string();
        for (span, new_text) in &spans {
            assert_eq!(
                &text[span.start..span.end],
                old,
                "{name}: an edit of {span:?}"
            );
            for kept in strings.iter().chain(&comments) {
                assert!(
                    span.end <= kept.start || kept.end <= span.start,
                    "{name}: an edit of {span:?} inside {kept:?}"
                );
            }
            renamed.replace_range(span.start..span.end, new_text);
        }
        // Everything else is as it was: comments and strings, line endings, a byte order mark.
        let reparsed = parse(&renamed);
        assert_eq!(
            kept_text(text, &source.syntax),
            kept_text(&renamed, &reparsed),
            "{name}"
        );
        assert_eq!(
            line_breaks(text, &source.syntax),
            line_breaks(&renamed, &reparsed)
        );
        assert_eq!(text.starts_with(BOM), renamed.starts_with(BOM));
        out.push((source.path.clone(), renamed));
    }
    out
}

#[test]
fn formatting_every_fixture_loses_nothing_and_changes_no_meaning() {
    for (name, case) in fixtures() {
        for (variant, _) in variants("") {
            let case: Case = case
                .iter()
                .map(|(path, text)| {
                    let text = variants(text)
                        .into_iter()
                        .find(|(v, _)| *v == variant)
                        .unwrap()
                        .1;
                    (path.clone(), text)
                })
                .collect();
            check_case_formatting(&format!("{name} ({variant})"), &case);
        }
    }
}

#[test]
fn renaming_in_every_fixture_changes_only_the_name() {
    let mut renames = 0;
    for (name, case) in fixtures() {
        renames += check_case_renames(&name, &case);
        // The same with CRLF and a byte order mark.
        let dressed: Case = case
            .iter()
            .map(|(path, text)| (path.clone(), format!("{BOM}{}", text.replace('\n', "\r\n"))))
            .collect();
        check_case_renames(&format!("{name} (crlf, bom)"), &dressed);
    }
    assert!(renames > 200, "{renames} renames");
}

/// A random plan: items with every kind of value, comments with trailing spaces, strings over
/// several lines, any line ending, sometimes a byte order mark.
fn plan() -> impl Strategy<Value = String> {
    let value = prop::sample::select(vec![
        "\"Text with \\\"escapes\\\" and # no comment  \"",
        "\"\"\"two\r\n  lines # not a comment\n\"\"\"",
        "2027-01-04",
        "3w",
        "10d",
        "40%",
        "3",
        "@ana",
        "vault",
        "beta + 2d",
        "high",
    ]);
    let key = prop::sample::select(vec![
        "owner",
        "depends_on",
        "requires",
        "duration",
        "start",
        "title",
        "likelihood",
        "x-custom",
    ]);
    let field = (key, prop::collection::vec(value, 1..3))
        .prop_map(|(key, values)| format!("{key}: {}", values.join(", ")));
    let kind = prop::sample::select(vec!["initiative", "milestone", "person", "risk", "team"]);
    let id = prop::sample::select(vec!["vault", "beta", "ana", "tok.en-s", "x"]);
    let title = prop::sample::select(vec!["", " \"Title\"", " \"😀 字 # x \""]);
    let item = (kind, id, title, prop::collection::vec(field, 0..4));
    let separator = prop::sample::select(vec![
        " ",
        "\n",
        "\r\n",
        "\r",
        "\n\n\n",
        " # trailing \t\n",
        "\r\n# own line  \r\n\r\n",
        "\t#\r",
    ]);
    (
        any::<bool>(),
        prop::collection::vec((item, separator.clone(), separator), 0..6),
    )
        .prop_map(|(bom, items)| {
            let mut text = String::new();
            if bom {
                text.push(BOM);
            }
            for ((kind, id, title, fields), inside, after) in items {
                text.push_str(&format!("{kind} {id}{title} {{{inside}"));
                for field in fields {
                    text.push_str(&field);
                    text.push_str(inside);
                }
                text.push('}');
                text.push_str(after);
            }
            text
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn formatting_a_random_plan_loses_nothing(a in plan(), b in plan()) {
        check_case_formatting("random", &vec![("a.plan".into(), a), ("b.plan".into(), b)]);
    }

    #[test]
    fn renaming_in_a_random_plan_changes_only_the_name(a in plan(), b in plan()) {
        check_case_renames("random", &vec![("a.plan".into(), a), ("b.plan".into(), b)]);
    }
}
