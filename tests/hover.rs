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
    for (_, info) in analysis.items() {
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
    for site in analysis.index().references() {
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

/// Hovers walk the graph without recursion and keep long lists short: on a chain of 100,000
/// items, the person who owns them all, the first and the last item and the milestone at the end.
#[test]
fn hovers_on_a_chain_of_100_000_items_stay_short() {
    const LENGTH: usize = 100_000;
    let mut text =
        String::from("person p \"P\"\nrisk r { owner: @p likelihood: 4 impact: 4 affects: w0 }\n");
    text.push_str("initiative w0 { owner: @p start: 2027-01-04 duration: 1d }\n");
    for i in 1..LENGTH {
        text.push_str(&format!(
            "initiative w{i} {{ owner: @p duration: 1d depends_on: w{} }}\n",
            i - 1
        ));
    }
    text.push_str(&format!(
        "milestone end {{ date: 2400-01-01 requires: w{} }}\n",
        LENGTH - 1
    ));
    let workspace = Workspace::from_texts([("chain.plan", text.as_str())]);
    let analysis = analysis(&workspace);
    let file = workspace.find("chain.plan").unwrap();
    let hover = |name: &str| {
        let info = analysis.item(analysis.lookup(name).unwrap());
        analysis.hover(file, info.name_span.start).unwrap().markdown
    };

    let person = hover("p");
    assert!(person.ends_with("  - and 99989 more\n"), "{person}");
    let first = hover("w0");
    assert!(
        first.contains("- **Feeds:** `end`, 2400-01-01\n"),
        "{first}"
    );
    let last = hover(&format!("w{}", LENGTH - 1));
    assert!(
        last.contains("- **Exposure:** 1 open risk\n  - `r`: critical, score 16, on `w0`\n"),
        "{last}"
    );
    let milestone = hover("end");
    assert!(
        milestone.contains(
            "- **Driving path:** `w0` → `w1` → `w2` → … (99994 more) … → `w99997` → `w99998` → `w99999` → `end`\n"
        ),
        "{milestone}"
    );
    assert!(milestone.len() < 2_000, "{milestone}");
}
