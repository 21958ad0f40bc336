//! The exports checked by their own tools. TaskJuggler is the oracle of the forecast (issue 10): each workspace is exported with
//! `planls export --format tjp`, scheduled by `tj3`, and every item's dates in tj3's CSV report
//! must equal `planls schedule --format json`'s (TaskJuggler's ends are exclusive, and a
//! milestone on planls' day D is the moment D + 1; src/export/taskjuggler.rs).
//!
//! Without `tj3` on PATH the test says so loudly and passes, unless PLANLS_REQUIRE_TJ3=1 (as in
//! `.ci/run`, which installs Debian's tj3). The same holds for Graphviz's `dot`, which must
//! accept the dot export (PLANLS_REQUIRE_DOT=1), and for Mermaid: with PLANLS_MERMAID_DIR set
//! to a folder where tests/mermaid/package.json is installed, Mermaid parses both Mermaid
//! exports and its Gantt chart must draw every item on planls' dates (tests/mermaid/check.mjs).

use std::collections::HashMap;
use std::path::Path;
use std::process::Command;

use chrono::{Days, NaiveDate};
use planls::analysis::calendar::Calendar;
use serde_json::Value;

const PLANLS: &str = env!("CARGO_BIN_EXE_planls");
const TODAY: &str = "2027-01-04";

/// Whether `tool` runs; when it does not and `require` is set in the environment, that fails.
fn available(tool: &str, version_flag: &str, require: &str) -> bool {
    let found = Command::new(tool)
        .arg(version_flag)
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            std::env::var_os(require).is_none(),
            "{require} is set, but `{tool}` is not installed"
        );
        loud(&format!(
            "\n*** SKIPPED: `{tool}` is not installed, so this oracle did not run. \
             Install it (apt-get install {}) or run .ci/run. ***\n",
            if tool == "tj3" { "tj3" } else { "graphviz" }
        ));
    }
    found
}

/// Says something on stderr even when the test passes: the test harness captures `eprintln!`.
fn loud(message: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "{message}");
}

fn planls(args: &[&str]) -> String {
    let output = Command::new(PLANLS).args(args).output().unwrap();
    assert!(
        output.status.code().is_some_and(|c| c <= 1),
        "planls {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// planls' forecast of every scheduled item: (id, kind) -> (start, end).
fn planls_schedule(path: &Path) -> HashMap<String, (String, NaiveDate, NaiveDate)> {
    let json: Value = serde_json::from_str(&planls(&[
        "schedule",
        "--format",
        "json",
        "--today",
        TODAY,
        path.to_str().unwrap(),
    ]))
    .unwrap();
    let day = |v: &Value| NaiveDate::parse_from_str(v.as_str().unwrap(), "%Y-%m-%d").unwrap();
    json.as_array()
        .unwrap()
        .iter()
        .filter(|row| !row["start"].is_null())
        .map(|row| {
            (
                row["id"].as_str().unwrap().to_string(),
                (
                    row["kind"].as_str().unwrap().to_string(),
                    day(&row["start"]),
                    day(&row["end"]),
                ),
            )
        })
        .collect()
}

/// tj3's dates of every exported task, by planls ID: (start, exclusive end).
fn tj3_schedule(path: &Path, out: &Path) -> HashMap<String, (NaiveDate, NaiveDate)> {
    let tjp = out.join("plan.tjp");
    planls(&[
        "export",
        "--format",
        "tjp",
        "--today",
        TODAY,
        "-o",
        tjp.to_str().unwrap(),
        path.to_str().unwrap(),
    ]);
    let output = Command::new("tj3")
        .args(["--silent", "--no-color", "-o"])
        .arg(out)
        .arg(&tjp)
        // Ruby's default VM stack overflows on long dependency chains (docs/performance.md).
        .env("RUBY_THREAD_VM_STACK_SIZE", "16000000")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "tj3 rejected the export of {}:\n{}{}",
        path.display(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let csv = std::fs::read_to_string(out.join("planls-schedule.csv")).unwrap();
    let day = |s: &str| NaiveDate::parse_from_str(s.trim_matches('"'), "%Y-%m-%d").unwrap();
    csv.lines()
        .skip(1)
        .filter_map(|line| {
            let cells: Vec<&str> = line.split(';').collect();
            let id = cells[0].trim_matches('"');
            // Tasks without a planls ID are the exporter's own start anchors.
            (!id.is_empty()).then(|| (id.to_string(), (day(cells[2]), day(cells[3]))))
        })
        .collect()
}

/// Compares the two; returns how many items agreed.
fn agree(path: &Path) -> usize {
    let out = tempfile::tempdir().unwrap();
    let ours = planls_schedule(path);
    let theirs = tj3_schedule(path, out.path());
    let calendar = working_calendar(&std::fs::read_to_string(out.path().join("plan.tjp")).unwrap());
    let mut wrong = Vec::new();
    for (id, (kind, start, end)) in &ours {
        let next = |d: &NaiveDate| *d + Days::new(1);
        // Work: the same first day, and tj3's end is the day after the last. A milestone is
        // the moment after its day's work.
        let expected = if kind == "milestone" {
            (next(end), next(end))
        } else {
            (*start, next(end))
        };
        // In working days, tj3 reports the moment work may start, which can be a day off; the
        // work starts on the next working day (docs/schedule.md, "Working days").
        let got = theirs.get(id).map(|&(start, end)| match &calendar {
            Some(calendar) if kind != "milestone" => (calendar.on_or_after(start).unwrap(), end),
            _ => (start, end),
        });
        match got {
            Some(got) if got == expected => {}
            Some(got) => wrong.push(format!(
                "{id} ({kind}): planls {start}..{end} means tj3 {}..{}, tj3 says {}..{}",
                expected.0, expected.1, got.0, got.1
            )),
            None => wrong.push(format!(
                "{id}: scheduled by planls, missing from tj3's report"
            )),
        }
    }
    for id in theirs.keys().filter(|id| !ours.contains_key(*id)) {
        wrong.push(format!("{id}: in tj3's report, unscheduled by planls"));
    }
    assert!(
        wrong.is_empty(),
        "{}: planls and tj3 disagree on {} of {} items:\n{}",
        path.display(),
        wrong.len(),
        ours.len(),
        wrong.join("\n")
    );
    ours.len()
}

/// The working days of an exported project, or `None` when it counts calendar days.
fn working_calendar(tjp: &str) -> Option<Calendar> {
    if !tjp.contains("workinghours sat, sun off") {
        return None;
    }
    let holidays = tjp.lines().filter_map(|line| {
        let day = line.strip_prefix("leaves holiday \"Holiday\" ")?;
        NaiveDate::parse_from_str(day.trim(), "%Y-%m-%d").ok()
    });
    Some(Calendar::working_days(holidays))
}

fn repo(path: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

#[test]
fn tj3_schedules_the_examples_and_the_edge_cases_to_planls_dates() {
    if !available("tj3", "--version", "PLANLS_REQUIRE_TJ3") {
        return;
    }
    assert_eq!(agree(&repo("examples/checkout-v2")), 26);
    // Cycles, unscheduled work and broken references are left out of the export.
    assert!(agree(&repo("examples/broken")) > 10);
    assert_eq!(agree(&repo("tests/fixtures/export")), 14);
    assert_eq!(agree(&repo("tests/fixtures/export_working_days")), 21);
    assert_eq!(agree(&repo("tests/fixtures/export_breakdown")), 11);
}

#[test]
fn tj3_schedules_generated_workspaces_to_planls_dates() {
    if !available("tj3", "--version", "PLANLS_REQUIRE_TJ3") {
        return;
    }
    // A few hundred items each, with lags, milestones, done and cancelled work; and the
    // 1,500 initiatives the issue compared by hand.
    for (initiatives, seed) in [(300, 1), (300, 2), (1500, 3)] {
        let folder = tempfile::tempdir().unwrap();
        let plan = folder.path().join("plan");
        planls(&[
            "generate",
            "--initiatives",
            &initiatives.to_string(),
            "--seed",
            &seed.to_string(),
            plan.to_str().unwrap(),
        ]);
        let agreed = agree(&plan);
        assert!(agreed >= initiatives, "only {agreed} items compared");
    }
}

#[test]
fn graphviz_accepts_the_dot_export() {
    if !available("dot", "-V", "PLANLS_REQUIRE_DOT") {
        return;
    }
    for path in [
        "examples/checkout-v2",
        "examples/broken",
        "tests/fixtures/export",
    ] {
        let text = planls(&["export", "--format", "dot", repo(path).to_str().unwrap()]);
        let mut child = Command::new("dot")
            .arg("-Tsvg")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        use std::io::Write;
        child
            .stdin
            .take()
            .unwrap()
            .write_all(text.as_bytes())
            .unwrap();
        let output = child.wait_with_output().unwrap();
        assert!(
            output.status.success() && output.stderr.is_empty(),
            "dot rejected the export of {path}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(String::from_utf8_lossy(&output.stdout).contains("<svg"));
    }
}

#[test]
fn mermaid_parses_the_exports_and_draws_planls_dates() {
    let Some(dir) = std::env::var_os("PLANLS_MERMAID_DIR") else {
        loud(
            "\n*** SKIPPED: PLANLS_MERMAID_DIR is not set, so Mermaid did not check the exports. \
             Run `npm ci` in a copy of tests/mermaid/ and point PLANLS_MERMAID_DIR at it, or run \
             .ci/run. ***\n",
        );
        return;
    };
    let folder = tempfile::tempdir().unwrap();
    let generated = folder.path().join("plan");
    planls(&[
        "generate",
        "--initiatives",
        "300",
        "--seed",
        "1",
        generated.to_str().unwrap(),
    ]);
    let paths = [
        repo("examples/checkout-v2"),
        repo("examples/broken"),
        repo("tests/fixtures/export"),
        generated,
    ];
    for path in paths {
        let path = path.to_str().unwrap();
        let write = |name: &str, text: String| {
            let file = folder.path().join(name);
            std::fs::write(&file, text).unwrap();
            file
        };
        let schedule = write(
            "schedule.json",
            planls(&["schedule", "--format", "json", "--today", TODAY, path]),
        );
        let gantt = write(
            "gantt.mmd",
            planls(&["export", "--format", "mermaid", "--today", TODAY, path]),
        );
        let graph = write(
            "graph.mmd",
            planls(&[
                "export", "--format", "mermaid", "--graph", "--today", TODAY, path,
            ]),
        );
        let output = Command::new("node")
            .arg(repo("tests/mermaid/check.mjs"))
            .arg(&dir)
            .args([&schedule, &gantt, &graph])
            .env("TZ", "UTC")
            .output()
            .expect("node runs");
        assert!(
            output.status.success(),
            "Mermaid and planls disagree on {path}:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
}
