//! `planls schedule`, `planls export` and the `data` of `check --format json`, as a user runs
//! them: the built binary on the examples.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::{json, Value};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn planls(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_planls"))
        .args(args)
        .current_dir(ROOT)
        .output()
        .unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

#[test]
fn schedule_json_has_every_field_of_every_initiative_and_milestone() {
    let output = planls(&[
        "schedule",
        "examples/broken/schedule.plan",
        "--format",
        "json",
        "--today",
        "2027-01-04",
    ]);
    assert_eq!(output.status.code(), Some(0));
    let rows: Vec<Value> = serde_json::from_str(&stdout(&output)).unwrap();
    let sdk_launch = rows.iter().find(|r| r["id"] == "sdk_launch").unwrap();
    let mut keys: Vec<&str> = sdk_launch
        .as_object()
        .unwrap()
        .keys()
        .map(|k| k.as_str())
        .collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "critical",
            "end",
            "file",
            "id",
            "kind",
            "latest_finish",
            "line",
            "slack",
            "slip",
            "start",
            "unscheduled_reason"
        ]
    );
    assert_eq!(sdk_launch["kind"], "milestone");
    assert_eq!(sdk_launch["end"], "2027-04-25");
    assert_eq!(sdk_launch["slip"], 25);
    assert_eq!(sdk_launch["critical"], true);
    assert_eq!(sdk_launch["unscheduled_reason"], Value::Null);
    // The same slip as the warning's data.
    let check = planls(&[
        "check",
        "examples/broken/schedule.plan",
        "--format",
        "json",
        "--today",
        "2027-01-04",
    ]);
    let diagnostics: Vec<Value> = serde_json::from_str(&stdout(&check)).unwrap();
    let warning = diagnostics
        .iter()
        .find(|d| d["code"] == "milestone-at-risk")
        .unwrap();
    assert_eq!(
        warning["data"],
        json!({
            "slip_days": 25,
            "forecast": "2027-04-25",
            "critical_path": ["new_api", "sdk", "sdk_launch"]
        })
    );
    let all = planls(&["schedule", "examples/broken", "--format", "json"]);
    let rows: Vec<Value> = serde_json::from_str(&stdout(&all)).unwrap();
    let unscheduled = rows
        .iter()
        .find(|r| !r["unscheduled_reason"].is_null())
        .expect("the broken examples have unscheduled work");
    assert_eq!(unscheduled["start"], Value::Null);
    assert_eq!(unscheduled["slack"], Value::Null);
}

#[test]
fn every_code_that_states_a_number_or_an_id_has_it_in_data() {
    let output = planls(&[
        "check",
        "examples/broken",
        "--format",
        "json",
        "--today",
        "2027-01-04",
    ]);
    let diagnostics: Vec<Value> = serde_json::from_str(&stdout(&output)).unwrap();
    let data = |code: &str| -> Value {
        diagnostics
            .iter()
            .find(|d| d["code"] == code)
            .unwrap_or_else(|| panic!("no {code}"))["data"]
            .clone()
    };
    assert_eq!(
        data("dependency-cycle")["cycle"],
        json!(["schema_v2", "dual_writes", "backfill", "schema_v2"])
    );
    assert_eq!(data("unresolved-reference")["suggestion"], "ravi");
    // Of the two inconsistent-dates, the one of a duration that disagrees has the fix's value.
    let suggestions: Vec<&Value> = diagnostics
        .iter()
        .filter(|d| d["code"] == "inconsistent-dates")
        .map(|d| &d["data"])
        .collect();
    assert_eq!(suggestions, [&json!({}), &json!({"suggestion": "4w"})]);
    assert_eq!(data("unmitigated-risk")["score"], 20);
    assert_eq!(data("health-mismatch")["late_days"], 25);
    assert_eq!(
        data("program-end-at-risk"),
        json!({"slip_days": 5, "forecast": "2027-06-20", "items": ["partner_pilot"]})
    );
    assert_eq!(
        data("schedule-conflict"),
        json!({"delay_days": 56, "forecast": "2027-04-26", "items": ["sdk"]})
    );
    // A message with nothing to restate has an empty object.
    assert_eq!(data("missing-owner"), json!({}));
}

#[test]
fn schedule_table_and_csv_and_clear_errors_on_bad_paths() {
    let table = stdout(&planls(&[
        "schedule",
        "examples/checkout-v2",
        "--today",
        "2027-01-04",
    ]));
    let header = table.lines().next().unwrap();
    assert!(
        header.contains("ID") && header.contains("STANDING"),
        "{header}"
    );
    let vault = table.lines().find(|l| l.contains("vault_upgrade")).unwrap();
    assert!(vault.contains("2027-01-04  2027-01-24"), "{vault}");
    assert!(vault.contains("slack 5 days"), "{vault}");
    assert!(table.ends_with("26 items: 0 late (marked !), 0 unscheduled\n"));

    let csv = stdout(&planls(&[
        "schedule",
        "examples/checkout-v2",
        "--format",
        "csv",
        "--today",
        "2027-01-04",
    ]));
    assert!(csv.starts_with(
        "id,kind,file,line,start,end,latest_finish,slack,critical,slip,unscheduled_reason\n"
    ));
    assert_eq!(csv.lines().count(), 27);

    for command in [&["schedule"][..], &["export", "--format", "dot"][..]] {
        let mut args = command.to_vec();
        args.push("no/such/folder");
        let output = planls(&args);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains("no/such/folder"), "{stderr}");
    }
    let bad = planls(&["schedule", "--today", "tomorrow"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("YYYY-MM-DD"));
}

#[test]
fn export_writes_each_format_to_a_file_or_stdout() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("plan.tjp");
    let output = planls(&[
        "export",
        "--format",
        "tjp",
        "examples/checkout-v2",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(0));
    assert!(output.stdout.is_empty());
    let tjp = std::fs::read_to_string(&out).unwrap();
    assert!(tjp.contains("project planls \"Checkout v2\" 2026-11-02 - 2027-07-03 {"));
    // Own start and dependencies: a start anchor, as TaskJuggler cannot have both.
    assert!(tjp.contains(
        "task internal_alpha_own_start \"internal_alpha may start\" {\n  start 2027-03-06\n  milestone\n}"
    ));
    assert!(tjp.contains("  responsible marco\n"));
    assert!(tjp.contains("columns PlanlsId, id, start, end"));

    let gantt = stdout(&planls(&[
        "export",
        "--format",
        "mermaid",
        "examples/checkout-v2",
    ]));
    assert!(gantt.starts_with("gantt\n    title Checkout v2\n    dateFormat YYYY-MM-DD\n"));
    assert!(gantt.contains(
        "    Provision checkout cluster capacity :k8s_capacity, after vault_upgrade, 14d\n"
    ));
    assert!(gantt.contains("    section Platform & SRE\n"));
    let crit = stdout(&planls(&[
        "export",
        "--format",
        "mermaid",
        "examples/broken/schedule.plan",
    ]));
    assert!(crit.contains(":crit, milestone, sdk_launch, "), "{crit}");

    let graph = stdout(&planls(&[
        "export",
        "--format",
        "mermaid",
        "--graph",
        "examples/checkout-v2",
    ]));
    assert!(graph.starts_with("flowchart LR\n"));
    assert!(graph.contains("    vault_upgrade --> k8s_capacity\n"));

    let dot = stdout(&planls(&[
        "export",
        "--format",
        "dot",
        "examples/broken/schedule.plan",
    ]));
    assert!(dot.starts_with("digraph plan {\n"));
    assert!(
        dot.contains("\"sdk\" -> \"sdk_launch\" [color=red, penwidth=2];"),
        "{dot}"
    );

    let wrong = planls(&["export", "--format", "dot", "--graph", "examples"]);
    assert_eq!(wrong.status.code(), Some(2));
    assert!(Path::new(ROOT).join("examples").is_dir());
}

#[test]
fn export_to_taskjuggler_warns_of_dates_it_cannot_schedule() {
    let dir = tempfile::tempdir().unwrap();
    let plan = dir.path().join("late.plan");
    std::fs::write(&plan, "initiative far { start: 2036-01-01 duration: 1w }\n").unwrap();
    let output = planls(&["export", "--format", "tjp", plan.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(
            "warning: `far` is forecast for 2036-01-01, but TaskJuggler schedules only from 1970 to 2035"
        ),
        "{stderr}"
    );
    assert!(stdout(&output).contains("task far "));
}
