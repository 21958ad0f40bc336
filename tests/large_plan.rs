//! The 5 MB case: a generated plan of realistic shape parses and checks without an error.
//! How long it takes is measured by `benches/check.rs` and docs/performance.md, not here.

#[path = "support/large_plan.rs"]
mod support;

use std::process::Command;

const FIVE_MB: usize = 5 * 1024 * 1024;

#[test]
fn a_generated_five_megabyte_plan_parses_and_checks_without_error() {
    let text = support::large_plan(FIVE_MB);
    assert!(text.len() >= FIVE_MB && text.len() < FIVE_MB + 64 * 1024);

    let file = planls::syntax::parse(&text);
    assert_eq!(file.errors, vec![], "the generated plan has syntax errors");
    let headers = text
        .lines()
        .filter(|line| {
            [
                "program ",
                "team ",
                "person ",
                "initiative ",
                "milestone ",
                "risk ",
            ]
            .iter()
            .any(|kind| line.starts_with(kind))
        })
        .count();
    assert_eq!(file.items.len(), headers);
    assert!(headers > 20_000, "only {headers} items");

    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("large.plan"), &text).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_planls"))
        .args([
            "check",
            "--format",
            "json",
            "--today",
            "2027-01-04",
            "large.plan",
        ])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let diagnostics: Vec<serde_json::Value> = serde_json::from_str(&stdout).unwrap();
    assert_eq!(diagnostics, Vec::<serde_json::Value>::new());
}
