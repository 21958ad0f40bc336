//! Benchmarks of parsing and analysing plans.
//!
//! The large case is a generated program of about 10,000 items in 11 files: each team file has
//! a team, people, initiatives in chains with lags and fan-in (some across files), milestones
//! and risks, so that resolution, the graph, the forecast and exposure all have real work.
use criterion::{criterion_group, criterion_main, Criterion};
use std::fmt::Write;

use planls::analysis::{analyze, NaiveDate, Options, Workspace};

const TEAMS: usize = 10;
const PEOPLE_PER_TEAM: usize = 20;
const INITIATIVES_PER_TEAM: usize = 700;
const MILESTONES_PER_TEAM: usize = 50;
const RISKS_PER_TEAM: usize = 200;

/// `(path, text)` of every file of the generated workspace.
fn generated_workspace() -> Vec<(String, String)> {
    let mut files = vec![(
        "program.plan".to_string(),
        "program big \"Big program\" {\n  owner: @t0_p0\n  start: 2027-01-04\n  end: 2029-12-31\n}\n"
            .to_string(),
    )];
    for t in 0..TEAMS {
        let mut text = String::new();
        let _ = writeln!(
            text,
            "team t{t} \"Team {t}\" {{\n  lead: @t{t}_p0\n  members: {}\n}}",
            (1..PEOPLE_PER_TEAM)
                .map(|p| format!("@t{t}_p{p}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        for p in 0..PEOPLE_PER_TEAM {
            let _ = writeln!(
                text,
                "person t{t}_p{p} \"Person {t}.{p}\" {{ team: t{t} role: \"Engineer\" }}"
            );
        }
        for i in 0..INITIATIVES_PER_TEAM {
            let mut depends = Vec::new();
            if i > 0 {
                depends.push(format!("t{t}_i{}", i - 1));
            }
            if i >= 7 {
                depends.push(format!("t{t}_i{} + 2d", i - 7));
            }
            if t > 0 && i % 50 == 10 {
                depends.push(format!("t{}_i{}", t - 1, i - 10));
            }
            let status = match i % 10 {
                0 => "done",
                1 => "in_progress",
                2 if i % 70 == 2 => "blocked",
                _ => "planned",
            };
            let _ = writeln!(
                text,
                "initiative t{t}_i{i} \"Initiative {t}.{i}\" {{\n  owner: @t{t}_p{}\n  team: t{t}\n  status: {status}\n  health: {}\n  duration: {}d",
                i % PEOPLE_PER_TEAM,
                if i % 3 == 0 { "green" } else { "amber" },
                1 + i % 5
            );
            if i == 0 {
                let _ = writeln!(text, "  start: 2027-01-04");
            }
            if !depends.is_empty() {
                let _ = writeln!(text, "  depends_on: {}", depends.join(", "));
            }
            let _ = writeln!(text, "}}");
        }
        for m in 0..MILESTONES_PER_TEAM {
            let _ = writeln!(
                text,
                "milestone t{t}_m{m} \"Milestone {t}.{m}\" {{\n  date: 2027-{:02}-{:02}\n  owner: @t{t}_p0\n  requires: t{t}_i{}, t{t}_i{} + 1d\n}}",
                1 + m % 12,
                1 + m % 28,
                m * 14,
                m * 14 + 3
            );
        }
        for r in 0..RISKS_PER_TEAM {
            let _ = writeln!(
                text,
                "risk t{t}_r{r} \"Risk {t}.{r}\" {{\n  owner: @t{t}_p{}\n  likelihood: {}\n  impact: {}\n  affects: t{t}_i{}\n  mitigation: \"Watch it\"\n}}",
                r % PEOPLE_PER_TEAM,
                1 + r % 5,
                1 + (r / 5) % 5,
                (r * 7) % INITIATIVES_PER_TEAM
            );
        }
        files.push((format!("team_{t:02}.plan"), text));
    }
    files
}

fn options() -> Options {
    Options {
        today: NaiveDate::from_ymd_opt(2027, 1, 1).expect("a real date"),
    }
}

fn parse_spec_example(c: &mut Criterion) {
    let text = include_str!("../tests/fixtures/spec_example.plan");
    c.bench_function("parse spec example", |b| {
        b.iter(|| planls::syntax::parse(text))
    });
}

fn analyse_generated_workspace(c: &mut Criterion) {
    let files = generated_workspace();
    let workspace = Workspace::from_texts(files.clone());
    let analysis = analyze(&workspace, &options());
    // Guard the benchmark's premise: ~10,000 items, all of them forecast.
    assert!(analysis.item_count() >= 9_500, "{}", analysis.item_count());
    let unscheduled = analysis
        .items()
        .filter(|(i, _)| {
            matches!(
                analysis.schedule(*i),
                Some(planls::analysis::ScheduleState::Unscheduled { .. })
            )
        })
        .count();
    assert_eq!(unscheduled, 0);

    let mut group = c.benchmark_group("10k items in 11 files");
    group.sample_size(20);
    group.bench_function("analyze", |b| b.iter(|| analyze(&workspace, &options())));
    group.bench_function("parse and analyze", |b| {
        b.iter(|| analyze(&Workspace::from_texts(files.clone()), &options()))
    });
    group.finish();
}

criterion_group!(benches, parse_spec_example, analyse_generated_workspace);
criterion_main!(benches);
