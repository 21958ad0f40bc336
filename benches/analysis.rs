//! Benchmarks of parsing and analysing plans (filled in with the analysis).
use criterion::{criterion_group, criterion_main, Criterion};

fn parse_spec_example(c: &mut Criterion) {
    let text = include_str!("../tests/fixtures/spec_example.plan");
    c.bench_function("parse spec example", |b| {
        b.iter(|| planls::syntax::parse(text))
    });
}

criterion_group!(benches, parse_spec_example);
criterion_main!(benches);
