//! The editor integrations carry static copies of the language's words, because VS Code reads
//! them from JSON before any server runs: the diagnostic codes of `planls.severity`, and the kind
//! and enum words of the TextMate grammar and the highlight query. The Rust tables are the source
//! of truth; these tests say exactly what to change when they drift apart.

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

use planls::analysis::schema;
use planls::analysis::Code;
use planls::syntax::Kind;
use serde_json::{json, Value};

fn read(path: &str) -> String {
    let full = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    fs::read_to_string(&full).unwrap_or_else(|e| panic!("cannot read {}: {e}", full.display()))
}

fn enum_words() -> BTreeSet<&'static str> {
    let fields = schema::KINDS.iter().flat_map(|k| k.fields);
    fields
        .flat_map(|f| match f.value {
            schema::ValueType::Enum(words) => words,
            schema::ValueType::Level => schema::LEVELS,
            _ => &[],
        })
        .copied()
        .collect()
}

/// The words of the first `(?:a|b|c)` or `(a|b|c)` group after `marker` in `text`.
fn alternation_after(text: &str, marker: &str) -> BTreeSet<String> {
    let start = text
        .find(marker)
        .unwrap_or_else(|| panic!("`{marker}` not found"));
    let rest = &text[start..];
    let open = rest.find('(').unwrap();
    let body = &rest[open + 1..open + rest[open..].find(')').unwrap()];
    body.trim_start_matches("?:")
        .split('|')
        .map(str::to_string)
        .collect()
}

#[test]
fn vscode_severity_setting_lists_every_diagnostic_code() {
    let manifest: Value = serde_json::from_str(&read("editors/vscode/package.json")).unwrap();
    let severity = &manifest["contributes"]["configuration"]["properties"]["planls.severity"];
    let expected: serde_json::Map<String, Value> = Code::ALL
        .iter()
        .map(|code| {
            (
                code.as_str().to_string(),
                json!({
                    "type": "string",
                    "enum": ["error", "warning", "info", "hint", "off"],
                    "description": format!("{} (default: {})", code.summary(), code.default_severity()),
                }),
            )
        })
        .collect();
    let expected = Value::Object(expected);
    assert_eq!(
        severity["properties"],
        expected,
        "editors/vscode/package.json: set contributes.configuration.properties.\"planls.severity\".properties to\n{}",
        serde_json::to_string_pretty(&expected).unwrap()
    );
    assert_eq!(severity["additionalProperties"], json!(false));
}

#[test]
fn textmate_grammar_knows_every_kind_and_enum_word() {
    let grammar = read("editors/vscode/syntaxes/plan.tmLanguage.json");
    let kinds: BTreeSet<String> = Kind::ALL.iter().map(|k| k.keyword().to_string()).collect();
    let parsed: Value = serde_json::from_str(&grammar).unwrap();
    for pattern in parsed["repository"]["item-header"]["patterns"]
        .as_array()
        .unwrap()
    {
        let regex = pattern["match"].as_str().unwrap();
        assert_eq!(
            alternation_after(regex, "(program"),
            kinds,
            "kind words in {regex}"
        );
    }
    let enum_regex = parsed["repository"]["enum-word"]["match"].as_str().unwrap();
    let expected: BTreeSet<String> = enum_words().into_iter().map(str::to_string).collect();
    assert_eq!(
        alternation_after(enum_regex, "(?:"),
        expected,
        "enum words of the TextMate grammar (repository.enum-word)"
    );
}

#[test]
fn highlight_query_knows_every_enum_word() {
    let query = read("grammar/queries/highlights.scm");
    let expected = enum_words();
    for predicate in ["#any-of?", "#not-any-of?"] {
        let start = query
            .find(predicate)
            .unwrap_or_else(|| panic!("{predicate} not found"));
        let list = &query[start..start + query[start..].find(')').unwrap()];
        let words: BTreeSet<&str> = list.split('"').skip(1).step_by(2).collect();
        assert_eq!(
            words, expected,
            "the {predicate} list of grammar/queries/highlights.scm"
        );
    }
}

/// The words of the `\%(a\|b\|c\)` group just after the look-behind (`\@<!`) on the line of
/// editors/nvim/syntax/plan.vim that defines `group`.
fn vim_alternation(syntax: &str, group: &str) -> BTreeSet<String> {
    let line = syntax
        .lines()
        .find(|line| line.starts_with(&format!("syntax match {group} ")))
        .unwrap_or_else(|| panic!("no `syntax match {group}` in editors/nvim/syntax/plan.vim"));
    let marker = r"\@<!\%(";
    let start = line
        .find(marker)
        .unwrap_or_else(|| panic!("no word group after a look-behind in {line}"))
        + marker.len();
    let body = &line[start..start + line[start..].find(r"\)").unwrap()];
    body.split(r"\|").map(str::to_string).collect()
}

#[test]
fn vim_syntax_knows_every_kind_key_and_enum_word() {
    let syntax = read("editors/nvim/syntax/plan.vim");
    let kinds: BTreeSet<String> = Kind::ALL.iter().map(|k| k.keyword().to_string()).collect();
    assert_eq!(
        vim_alternation(&syntax, "planKind"),
        kinds,
        "the kind words of planKind in editors/nvim/syntax/plan.vim"
    );
    let keys: BTreeSet<String> = schema::KINDS
        .iter()
        .flat_map(|kind| kind.fields.iter().map(|field| field.key.to_string()))
        .collect();
    assert_eq!(
        vim_alternation(&syntax, "planField"),
        keys,
        "the keys of planField in editors/nvim/syntax/plan.vim: every key of src/analysis/schema.rs"
    );
    let enum_line = syntax
        .lines()
        .find(|line| line.starts_with("syntax keyword planEnum "))
        .expect("no `syntax keyword planEnum` in editors/nvim/syntax/plan.vim");
    let words: BTreeSet<&str> = enum_line.split_whitespace().skip(3).collect();
    assert_eq!(
        words,
        enum_words(),
        "the enum words of planEnum in editors/nvim/syntax/plan.vim"
    );
}
