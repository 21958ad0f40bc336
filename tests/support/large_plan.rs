//! A generator of large, realistic plans that check clean under the whole language: one program
//! of many workstreams, each with its team, people, a chain of initiatives with lags, a
//! milestone and risks, and dependencies from each stream on the one before it.
//!
//! Shared by `tests/large_plan.rs`, `benches/check.rs` and `examples/large_plan.rs` through
//! `#[path]`, so the benchmark measures the plan the test checks.

use std::fmt::Write;

/// Initiatives per workstream, chained one after the other.
const CHAIN: usize = 10;

/// A plan of at least `min_bytes` bytes (a little more: whole workstreams are written).
///
/// Every date is worked out to fit: a stream's chain is at most 10 x 2 weeks plus 9 x 2 days
/// of lag = 158 days from the program start (2027-01-04), so it ends by 2027-06-10, before its
/// milestone (2027-06-30) and the program end (2027-12-31). The dependency on the stream before
/// names that stream's third initiative, which depends on nothing outside its stream and ends
/// by day 46, so chains never grow from stream to stream.
pub fn large_plan(min_bytes: usize) -> String {
    let mut out = String::with_capacity(min_bytes + 8 * 1024);
    out.push_str(
        "# A generated plan: many workstreams of one program, for benchmarks and tests.\n\
         program large_program \"Platform modernisation\" {\n  owner: @s0_lead\n  \
         start: 2027-01-04\n  end: 2027-12-31\n  description: \"\"\"\n    \
         Generated: every workstream has a team, people, a chain of initiatives,\n    \
         a milestone and risks.\n  \"\"\"\n}\n\n",
    );
    let mut stream = 0;
    while out.len() < min_bytes {
        write_stream(&mut out, stream);
        stream += 1;
    }
    out
}

fn write_stream(out: &mut String, k: usize) {
    let people = ["lead", "dev1", "dev2", "qa"];
    let roles = [
        "Engineering manager",
        "Senior engineer",
        "Engineer",
        "Quality engineer",
    ];
    writeln!(
        out,
        "# --- Workstream {k} ---------------------------------------"
    )
    .unwrap();
    writeln!(out, "team s{k}_team \"Workstream {k} (Zürich)\" {{").unwrap();
    writeln!(out, "  lead: @s{k}_lead").unwrap();
    writeln!(
        out,
        "  members: @s{k}_lead, @s{k}_dev1,\n           @s{k}_dev2, @s{k}_qa"
    )
    .unwrap();
    writeln!(out, "  channel: \"#stream-{k}\"\n}}").unwrap();
    for (person, role) in people.iter().zip(roles) {
        writeln!(
            out,
            "person s{k}_{person} \"Person {k}-{person}\" {{ team: s{k}_team role: \"{role}\" \
             email: \"s{k}.{person}@example.com\" }}"
        )
        .unwrap();
    }
    for i in 0..CHAIN {
        let weeks = 1 + (i * 7 + k) % 2;
        let owner = people[1 + (i + k) % 3];
        writeln!(
            out,
            "\ninitiative s{k}_i{i} \"Stream {k}: step {i} of the migration\" {{"
        )
        .unwrap();
        writeln!(out, "  owner: @s{k}_{owner}\n  team: s{k}_team").unwrap();
        if i == 0 {
            writeln!(
                out,
                "  status: in_progress\n  health: green\n  start: 2027-01-04\n  progress: 10%"
            )
            .unwrap();
        }
        writeln!(out, "  duration: {weeks}w").unwrap();
        if i > 0 {
            let lag = if (i + k) % 3 == 0 { " + 2d" } else { "" };
            write!(out, "  depends_on: s{k}_i{}{lag}", i - 1).unwrap();
            if i == 5 && k > 0 {
                write!(out, ", s{}_i2 + 1w", k - 1).unwrap();
            }
            out.push('\n');
        }
        writeln!(
            out,
            "  link: \"https://tracker.example.com/browse/S{k}-{i}\"  # the ticket\n}}"
        )
        .unwrap();
    }
    writeln!(
        out,
        "\nmilestone s{k}_done \"Stream {k} complete\" {{\n  date: 2027-06-30\n  \
         owner: @s{k}_lead\n  requires: s{k}_i{}\n}}",
        CHAIN - 1
    )
    .unwrap();
    writeln!(
        out,
        "\nrisk s{k}_capacity \"Stream {k} loses an engineer mid-migration\" {{\n  \
         owner: @s{k}_lead\n  likelihood: medium\n  impact: high\n  \
         affects: s{k}_i3, s{k}_done\n  \
         mitigation: \"Pair on every step; keep the runbook current\"\n  review: 2027-02-01\n}}"
    )
    .unwrap();
    writeln!(
        out,
        "\nrisk s{k}_vendor \"A vendor API changes under stream {k}\" {{\n  \
         owner: @s{k}_dev1\n  likelihood: 2\n  impact: 2\n  status: accepted\n  \
         affects: s{k}_i7\n}}\n"
    )
    .unwrap();
}
