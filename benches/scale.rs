//! How the check grows with the workspace: generated workspaces of 1k, 10k and 100k initiatives
//! (`planls::generate`, one file per 100 initiatives, seed 1).
//!
//! - `scale <size>/parse floor`: tree-sitter parsing of every file, nothing else: the least a
//!   check from the texts can cost with this grammar.
//! - `scale <size>/cold check`: the texts to the whole analysis, as `planls check` does after
//!   reading the files (`Workspace::from_texts` and `analyze`).
//! - `unresolved <size>/0%` and `/10%`: the cold check of the same workspace with no reference
//!   unresolved, and with 10% of them misspelled (each one an `unresolved-reference` with a
//!   "did you mean").
//!
//! At the end it prints the ratios, cold check / parse floor and 10% / 0%, from criterion's
//! medians. Sizes: `PLANLS_BENCH_SIZES` (default `1k,10k,100k`) for the first two and
//! `PLANLS_BENCH_UNRESOLVED_SIZES` (default `1k,10k`: at 100k the old core spends about half an
//! hour on one check with 10% unresolved) for the last.
//!
//!     cargo bench --bench scale
//!     PLANLS_BENCH_SIZES=1k,10k cargo bench --bench scale

#[path = "support/mod.rs"]
mod support;

use std::time::{Duration, SystemTime};

use criterion::{Criterion, SamplingMode, Throughput};
use planls::analysis::{analyze, Options, Workspace};

fn options() -> Options {
    Options {
        today: planls::generate::today(),
    }
}

/// Criterion settings that keep a size practical: the slow ones take few, flat samples.
fn tune(group: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>, n: usize) {
    if n >= 50_000 {
        group.sample_size(10);
        group.sampling_mode(SamplingMode::Flat);
        group.warm_up_time(Duration::from_secs(1));
        group.measurement_time(Duration::from_secs(30));
    } else if n >= 5_000 {
        group.sample_size(10);
        group.measurement_time(Duration::from_secs(10));
    }
}

fn parse_all(parser: &mut tree_sitter::Parser, files: &[(String, String)]) -> usize {
    files
        .iter()
        .map(|(_, text)| {
            let tree = parser.parse(text, None).expect("a tree");
            tree.root_node().child_count() as usize
        })
        .sum()
}

fn cold_check(files: &[(String, String)]) -> usize {
    let workspace = Workspace::from_texts(files.iter().cloned());
    analyze(&workspace, &options()).diagnostics().len()
}

fn scale(c: &mut Criterion, label: &str, n: usize) {
    let files = support::workspace(n, 0.0);
    let bytes: usize = files.iter().map(|(_, t)| t.len()).sum();
    let mut parser = tree_sitter::Parser::new();
    parser
        .set_language(&planls::syntax::language())
        .expect("the grammar's ABI matches the runtime");
    let mut group = c.benchmark_group(format!("scale {label}"));
    tune(&mut group, n);
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function("parse floor", |b| b.iter(|| parse_all(&mut parser, &files)));
    group.bench_function("cold check", |b| b.iter(|| cold_check(&files)));
    group.finish();
}

fn unresolved(c: &mut Criterion, label: &str, n: usize) {
    let clean = support::workspace(n, 0.0);
    let broken = support::workspace(n, 10.0);
    let mut group = c.benchmark_group(format!("unresolved {label}"));
    tune(&mut group, n);
    if n >= 5_000 {
        group.sampling_mode(SamplingMode::Flat);
    }
    group.bench_function("0%", |b| b.iter(|| cold_check(&clean)));
    group.bench_function("10%", |b| b.iter(|| cold_check(&broken)));
    group.finish();
}

fn main() {
    let started = SystemTime::now();
    let mut c = Criterion::default().configure_from_args();
    let sizes = support::sizes("1k,10k,100k");
    let unresolved_sizes = support::sizes_from("PLANLS_BENCH_UNRESOLVED_SIZES", "1k,10k");
    for (label, n) in &sizes {
        scale(&mut c, label, *n);
    }
    for (label, n) in &unresolved_sizes {
        unresolved(&mut c, label, *n);
    }
    c.final_summary();

    let ratio = |group: &str, over: &str, under: &str| {
        let a = support::median(group, over, started)?;
        let b = support::median(group, under, started)?;
        Some((a, b, a / b))
    };
    println!("\nratios of the medians (only for benchmarks that ran now):");
    for (label, _) in &sizes {
        if let Some((check, parse, r)) =
            ratio(&format!("scale {label}"), "cold check", "parse floor")
        {
            println!(
                "  {label}: cold check {:.1} ms / parse floor {:.1} ms = {r:.2}",
                check * 1e3,
                parse * 1e3
            );
        }
    }
    for (label, _) in &unresolved_sizes {
        if let Some((broken, clean, r)) = ratio(&format!("unresolved {label}"), "10%", "0%") {
            println!(
                "  {label}: 10% unresolved {:.1} ms / 0% {:.1} ms = {r:.2}",
                broken * 1e3,
                clean * 1e3
            );
        }
    }
}
