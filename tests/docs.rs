//! The language reference's generated tables match the schema and the diagnostic codes.
//! Run with `UPDATE_DOCS=1` to rewrite docs/language.md's generated sections.

use std::fs;
use std::path::Path;

#[test]
fn the_language_reference_is_generated_from_the_schema() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/language.md");
    let text = fs::read_to_string(&path).expect("docs/language.md exists");
    let expected = planls::analysis::docs::regenerate(&text).unwrap();
    if text == expected {
        return;
    }
    if std::env::var_os("UPDATE_DOCS").is_some() {
        fs::write(&path, expected).unwrap();
        return;
    }
    let first_difference = text
        .lines()
        .zip(expected.lines())
        .position(|(a, b)| a != b)
        .map_or_else(
            || "at the end".to_string(),
            |n| format!("at line {}", n + 1),
        );
    panic!(
        "docs/language.md differs from the schema {first_difference}; \
         run `UPDATE_DOCS=1 cargo test --test docs` to regenerate it"
    );
}
