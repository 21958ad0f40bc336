//! What `planls check` spends its time on, for the example program and the generated 5 MB plan
//! that `tests/large_plan.rs` checks: parsing, and the whole analysis of the workspace.
//!
//!     cargo bench --bench check

#[path = "../tests/support/large_plan.rs"]
mod support;

use chrono::NaiveDate;
use criterion::{criterion_group, criterion_main, Criterion};
use planls::analysis::{analyze, Options, Workspace};

fn options() -> Options {
    Options {
        today: NaiveDate::from_ymd_opt(2027, 1, 4).unwrap(),
    }
}

fn example_program() -> Vec<(String, String)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/checkout-v2");
    let mut files: Vec<(String, String)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "plan"))
        .map(|path| {
            let text = std::fs::read_to_string(&path).unwrap();
            (path.display().to_string(), text)
        })
        .collect();
    files.sort();
    files
}

fn check_example(c: &mut Criterion) {
    let files = example_program();
    c.bench_function("check examples/checkout-v2", |b| {
        b.iter(|| {
            let workspace = Workspace::from_texts(files.iter().cloned());
            analyze(&workspace, &options()).diagnostics().len()
        })
    });
}

fn check_large_plan(c: &mut Criterion) {
    let text = support::large_plan(5 * 1024 * 1024);
    let mut group = c.benchmark_group("5 MB plan");
    group.sample_size(10);
    group.bench_function("parse", |b| b.iter(|| planls::syntax::parse(&text)));
    group.bench_function("parse and analyze", |b| {
        b.iter(|| {
            let workspace = Workspace::from_texts([("large.plan", text.as_str())]);
            analyze(&workspace, &options()).diagnostics().len()
        })
    });
    group.finish();
}

criterion_group!(benches, check_example, check_large_plan);
criterion_main!(benches);
