//! Runs every case of `grammar/test/corpus` through the Rust crate's parser and compares trees,
//! so a grammar change that breaks a case fails `cargo test` as well as `tree-sitter test`.
//!
//! `UPDATE_CORPUS=1 cargo test --test grammar_corpus` rewrites the expected trees.

use std::fs;
use std::path::Path;

struct Case {
    name: String,
    header: String,
    input: String,
    expected: String,
}

fn parse_corpus(text: &str) -> Vec<Case> {
    let lines: Vec<&str> = text.lines().collect();
    let is_rule = |l: &str, c: char| l.len() >= 3 && l.chars().all(|x| x == c);
    let mut cases = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if !is_rule(lines[i], '=') {
            i += 1;
            continue;
        }
        let name = lines[i + 1].to_string();
        let header = format!("{}\n{}\n{}", lines[i], lines[i + 1], lines[i + 2]);
        i += 3;
        let start = i;
        while !is_rule(lines[i], '-') {
            i += 1;
        }
        let input = lines[start..i].join("\n").trim_matches('\n').to_string() + "\n";
        i += 1;
        let start = i;
        while i < lines.len() && !is_rule(lines[i], '=') {
            i += 1;
        }
        let expected = lines[start..i].join("\n").trim().to_string();
        cases.push(Case {
            name,
            header,
            input,
            expected,
        });
    }
    cases
}

/// The tree as `tree-sitter test` prints it: named nodes, field names, MISSING and UNEXPECTED.
fn sexp(input: &str) -> String {
    planls::syntax::parse_tree(input, None)
        .root_node()
        .to_sexp()
}

fn normalize(sexp: &str) -> String {
    sexp.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Indents a tree the way tree-sitter writes corpus files: a node or `field:` per line.
fn pretty(sexp: &str) -> String {
    let mut tokens = Vec::new();
    let mut chars = sexp.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '(' | ')' => tokens.push(c.to_string()),
            c if c.is_whitespace() => {}
            // `(UNEXPECTED ')')` and `(MISSING "}")` quote their token: keep it whole.
            '\'' | '"' => {
                let mut token = c.to_string();
                for q in chars.by_ref() {
                    token.push(q);
                    if q == c {
                        break;
                    }
                }
                tokens.push(token);
            }
            _ => {
                let mut token = c.to_string();
                while let Some(&n) = chars.peek() {
                    if n.is_whitespace() || n == '(' || n == ')' {
                        break;
                    }
                    token.push(n);
                    chars.next();
                }
                tokens.push(token);
            }
        }
    }
    let mut out = String::new();
    let mut depth = 0usize;
    let mut after_label = false;
    for token in tokens {
        match token.as_str() {
            "(" => {
                if after_label {
                    out.push(' ');
                } else if !out.is_empty() {
                    out.push('\n');
                    out.push_str(&"  ".repeat(depth));
                }
                out.push('(');
                depth += 1;
                after_label = false;
            }
            ")" => {
                out.push(')');
                depth -= 1;
            }
            label if label.ends_with(':') => {
                out.push('\n');
                out.push_str(&"  ".repeat(depth));
                out.push_str(label);
                after_label = true;
            }
            word => {
                if !out.ends_with('(') {
                    out.push(' ');
                }
                out.push_str(word);
            }
        }
    }
    out
}

#[test]
fn corpus_cases_parse_to_their_expected_trees() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("grammar/test/corpus");
    let update = std::env::var_os("UPDATE_CORPUS").is_some();
    let mut failures = Vec::new();
    let mut count = 0;
    let mut paths: Vec<_> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    for path in paths {
        let text = fs::read_to_string(&path).unwrap();
        let cases = parse_corpus(&text);
        let mut rewritten = String::new();
        for case in &cases {
            count += 1;
            let actual = sexp(&case.input);
            if normalize(&actual) != normalize(&case.expected) {
                failures.push(format!(
                    "{} / {}:\nexpected: {}\nactual:   {}",
                    path.file_name().unwrap().to_string_lossy(),
                    case.name,
                    normalize(&case.expected),
                    normalize(&actual)
                ));
            }
            rewritten.push_str(&format!(
                "{}\n\n{}\n---\n\n{}\n\n",
                case.header,
                case.input,
                pretty(&actual)
            ));
        }
        if update {
            fs::write(&path, rewritten.trim_end().to_string() + "\n").unwrap();
        }
    }
    assert!(count >= 30, "the corpus has only {count} cases");
    if !update {
        assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    }
}
