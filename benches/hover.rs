//! Benchmarks of the queries an editor makes on every keystroke or mouse move: parsing a small
//! file, analysing a mid-sized workspace with mistakes in it, and a hover.
use criterion::{criterion_group, criterion_main, Criterion};
use planls::analysis::{analyze, NaiveDate, Options, Workspace};

fn parse_spec_example(c: &mut Criterion) {
    let text = include_str!("../tests/fixtures/spec_example.plan");
    c.bench_function("parse spec example", |b| {
        b.iter(|| planls::syntax::parse(text))
    });
}

/// A workspace of `files` files, each with a team, its people and a chain of work with
/// milestones and risks, and a few mistakes for the validation to find.
fn generated_workspace(files: usize, initiatives_per_file: usize) -> Workspace {
    let mut texts = vec![(
        "program.plan".to_string(),
        "program p \"P\" { owner: @lead0 start: 2027-01-04 end: 2027-12-31 }\n".to_string(),
    )];
    for f in 0..files {
        let mut text = format!(
            "team t{f} \"Team {f}\" {{ lead: @lead{f} members: @dev{f}a, @dev{f}b }}\n\
             person lead{f} \"Lead {f}\" {{ team: t{f} }}\n\
             person dev{f}a \"Dev {f}a\" {{ team: t{f} }}\n\
             person dev{f}b \"Dev {f}b\" {{ team: t{f} }}\n"
        );
        for i in 0..initiatives_per_file {
            let depends = if i == 0 {
                String::new()
            } else {
                format!("depends_on: w{f}_{} + 1d", i - 1)
            };
            let owner = if i % 10 == 9 { "ownr" } else { "owner" };
            text.push_str(&format!(
                "initiative w{f}_{i} \"Work {f}.{i}\" {{\n  {owner}: @dev{f}a\n  team: t{f}\n  \
                 status: in_progress\n  duration: 1w\n  {depends}\n}}\n"
            ));
        }
        text.push_str(&format!(
            "milestone m{f} \"M{f}\" {{ date: 2027-09-01 requires: w{f}_{} }}\n\
             risk r{f} \"R{f}\" {{ owner: @lead{f} likelihood: high impact: 3 affects: w{f}_0, m{f}x }}\n",
            initiatives_per_file - 1
        ));
        texts.push((format!("f{f}.plan"), text));
    }
    Workspace::from_texts(texts)
}

fn analyze_workspace(c: &mut Criterion) {
    let workspace = generated_workspace(50, 40);
    let options = Options {
        today: NaiveDate::from_ymd_opt(2027, 1, 1).unwrap(),
    };
    c.bench_function("analyze 50 files of 40 initiatives", |b| {
        b.iter(|| analyze(&workspace, &options))
    });
    let analysis = analyze(&workspace, &options);
    let file = workspace.find("f0.plan").unwrap();
    let text = &workspace.file(file).text;
    let offset = text.find("w0_20 ").unwrap();
    c.bench_function("hover an initiative in a chain of 40", |b| {
        b.iter(|| analysis.hover(file, offset))
    });
}

criterion_group!(benches, parse_spec_example, analyze_workspace);
criterion_main!(benches);
