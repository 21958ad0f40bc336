//! Hover Markdown on the realistic multi-file program of `tests/fixtures/analysis/realistic_program`:
//! one snapshot of every item's hover, and hovers on references and names that resolve nowhere.

use std::fs;
use std::path::Path;

use planls::analysis::{analyze, Analysis, NaiveDate, Options, Workspace};

fn realistic_program() -> Workspace {
    let dir =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/analysis/realistic_program");
    let mut texts = Vec::new();
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        texts.push((name, fs::read_to_string(&path).unwrap()));
    }
    Workspace::from_texts(texts)
}

fn analysis(workspace: &Workspace) -> Analysis {
    // The fixture's `#! today:`.
    let today = NaiveDate::from_ymd_opt(2027, 2, 1).unwrap();
    analyze(workspace, &Options { today })
}

#[test]
fn every_item_hovers_a_summary_of_itself() {
    let workspace = realistic_program();
    let analysis = analysis(&workspace);
    let mut all = String::new();
    for info in analysis.items() {
        let hover = analysis
            .hover(info.file, info.name_span.start)
            .expect("a definition has a hover");
        all.push_str(&format!(
            "===== {} {} ({})\n{}\n",
            info.kind,
            info.name,
            workspace.file(info.file).path,
            hover.markdown
        ));
    }
    insta::assert_snapshot!(all);
}

#[test]
fn a_reference_hovers_like_the_item_it_names() {
    let workspace = realistic_program();
    let analysis = analysis(&workspace);
    for site in &analysis.index().references {
        let hover = analysis.hover(site.file, site.span.start).unwrap();
        let item = analysis.lookup(&site.name).unwrap();
        assert_eq!(hover.span, site.span);
        assert_eq!(hover.markdown, analysis.describe(item), "at {}", site.name);
    }
}

/// The spec's example: a blocked dependency, a reference that names nothing, a milestone whose
/// requirements end after its date, and work with no start of its own.
#[test]
fn the_spec_example_hovers_its_trouble() {
    let text = include_str!("fixtures/spec_example.plan");
    let workspace = Workspace::from_texts([("spec.plan", text)]);
    let analysis = analyze(
        &workspace,
        &Options {
            today: NaiveDate::from_ymd_opt(2027, 1, 1).unwrap(),
        },
    );
    let mut all = String::new();
    for name in [
        "tokenization",
        "vault_upgrade",
        "beta",
        "pci_audit",
        "maria",
        "payments",
    ] {
        let info = analysis.item(analysis.lookup(name).unwrap());
        let hover = analysis.hover(info.file, info.name_span.start).unwrap();
        all.push_str(&format!("===== {name}\n{}\n", hover.markdown));
    }
    let missing = text.find("identity.sso").unwrap();
    let hover = analysis
        .hover(workspace.find("spec.plan").unwrap(), missing + 3)
        .unwrap();
    all.push_str(&format!("===== identity.sso\n{}", hover.markdown));
    insta::assert_snapshot!(all);
}
