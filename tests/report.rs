//! `planls report`: snapshots of the Markdown and JSON of the example program and of a program in
//! trouble, what the HTML page must hold, and the command line (`--since`, its errors, `-o`).

use std::fs;
use std::path::Path;
use std::process::Command;

use planls::analysis::{analyze, NaiveDate, Options, ScheduleState, Workspace};
use planls::report::{self, Format, Rag};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

/// The `.plan` files of a folder (or the one file), as the command line would read them.
fn workspace(path: &str) -> Workspace {
    let path = Path::new(ROOT).join(path);
    let mut files: Vec<(String, String)> = if path.is_dir() {
        fs::read_dir(&path)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "plan"))
            .map(|p| {
                let name = p.file_name().unwrap().to_string_lossy().into_owned();
                (name, fs::read_to_string(&p).unwrap())
            })
            .collect()
    } else {
        vec![("plan.plan".into(), fs::read_to_string(&path).unwrap())]
    };
    files.sort();
    Workspace::from_texts(files)
}

fn report_of(path: &str, today: &str) -> (report::Report, planls::analysis::Analysis) {
    let analysis = analyze(&workspace(path), &Options { today: day(today) });
    (report::build(&analysis, day(today)), analysis)
}

#[test]
fn the_example_program_as_markdown_and_json() {
    let (report, _) = report_of("examples/checkout-v2", "2027-01-04");
    insta::assert_snapshot!("checkout_v2_md", report::render(&report, Format::Markdown));
    insta::assert_snapshot!("checkout_v2_json", report::render(&report, Format::Json));
}

#[test]
fn a_program_in_trouble_as_markdown_and_json() {
    let (report, _) = report_of("tests/fixtures/report/slipping.plan", "2027-03-01");
    insta::assert_snapshot!("slipping_md", report::render(&report, Format::Markdown));
    insta::assert_snapshot!("slipping_json", report::render(&report, Format::Json));
}

#[test]
fn health_is_red_for_a_late_milestone_and_says_why() {
    let (report, _) = report_of("tests/fixtures/report/slipping.plan", "2027-03-01");
    assert_eq!(report.health.rag, Rag::Red);
    assert_eq!(
        report.health.reasons[0],
        "milestone `launch` is forecast 24 days after its date 2027-04-23"
    );
    let launch = report.milestones.iter().find(|m| m.id == "launch").unwrap();
    assert!(launch.late);
    assert_eq!(launch.slip_days, Some(24));
    assert_eq!(launch.critical_path, ["schema", "pipeline", "storefront"]);
    let data = report
        .teams
        .iter()
        .find(|t| t.id.as_deref() == Some("data"))
        .unwrap();
    assert_eq!(data.health.rag, Rag::Red);
    assert_eq!(data.blocked[0].id, "pipeline");
    assert_eq!(data.overdue[0].id, "schema");
    assert_eq!(data.chase[0].id, "lee");
    let vendor = &report.risks[0];
    assert_eq!((vendor.id.as_str(), vendor.score), ("vendor", Some(20)));
    assert!(vendor.review_overdue);
    assert!(report.risks.iter().all(|r| r.id != "closed_one"));
}

#[test]
fn the_example_program_is_amber_for_its_critical_risks_only() {
    let (report, _) = report_of("examples/checkout-v2", "2027-01-04");
    assert_eq!(report.health.rag, Rag::Amber);
    assert_eq!(
        report.health.reasons,
        ["2 critical risks (score 15 or more) are open"]
    );
    let program = report.program.as_ref().unwrap();
    assert_eq!(program.slip_days, Some(-2));
    assert!(report.teams.iter().all(|t| t.health.rag == Rag::Green));
}

/// Every `needle` in `haystack`, counted.
fn count(haystack: &str, needle: &str) -> usize {
    haystack.matches(needle).count()
}

#[test]
fn the_page_has_every_milestone_a_bar_per_scheduled_initiative_and_nothing_to_fetch() {
    for (path, today) in [
        ("examples/checkout-v2", "2027-01-04"),
        ("tests/fixtures/report/slipping.plan", "2027-03-01"),
    ] {
        let (report, analysis) = report_of(path, today);
        let html = report::render(&report, Format::Html);
        let scheduled = analysis
            .items()
            .filter(|(_, i)| i.kind == planls::syntax::Kind::Initiative)
            .filter(|&(id, _)| matches!(analysis.schedule(id), Some(ScheduleState::Scheduled(_))))
            .count();
        assert!(scheduled > 0);
        assert_eq!(count(&html, "<g class=\"bar "), scheduled, "{path}");
        for m in &report.milestones {
            let row = format!("data-milestone=\"{}\"", m.id);
            assert_eq!(count(&html, &row), 1, "{path}: {}", m.id);
            let late_row = format!("<tr class=\"milestone late\" {row}");
            assert_eq!(html.contains(&late_row), m.late, "{path}: {}", m.id);
        }
        // One self-contained page: no script, nothing loaded from elsewhere.
        for outside in ["<script", "src=", "href=", "@import", "url("] {
            assert!(!html.contains(outside), "{path}: {outside}");
        }
        assert!(html.contains("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"gantt\""));
        assert!(html.contains("class=\"today\""));
    }
}

#[test]
fn text_from_the_plan_is_escaped_in_the_page() {
    let workspace = Workspace::from_texts([(
        "a.plan",
        "initiative x \"<b>bold</b> & 'q'\" { start: 2027-01-04 duration: 1w }\n",
    )]);
    let today = day("2027-01-04");
    let analysis = analyze(&workspace, &Options { today });
    let html = report::render(&report::build(&analysis, today), Format::Html);
    assert!(!html.contains("<b>bold"));
    assert!(html.contains("&lt;b&gt;bold&lt;/b&gt; &amp; &#39;q&#39;"));
}

#[test]
fn three_hundred_initiatives_get_a_row_each() {
    let params = planls::generate::Params::new(300);
    let files = planls::generate::workspace(&params);
    let today = planls::generate::today();
    let analysis = analyze(&Workspace::from_texts(files), &Options { today });
    let report = report::build(&analysis, today);
    let bars: usize = report.gantt.groups.iter().map(|g| g.bars.len()).sum();
    assert_eq!(bars + report.gantt.unscheduled.len(), 300);
    let html = report::render(&report, Format::Html);
    assert_eq!(count(&html, "<g class=\"bar "), bars);
    // Rows keep their height however many there are: the chart grows down.
    let height: f64 = html
        .split("class=\"gantt\" width=\"")
        .nth(1)
        .and_then(|rest| rest.split("height=\"").nth(1))
        .and_then(|rest| rest.split('"').next())
        .and_then(|h| h.parse().ok())
        .unwrap();
    assert!(height > 300.0 * 18.0, "{height}");
}

// The command line.

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

fn planls(dir: &Path, args: &[&str]) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_planls"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("the planls binary runs");
    Run {
        code: output.status.code(),
        stdout: String::from_utf8(output.stdout).unwrap(),
        stderr: String::from_utf8(output.stderr).unwrap(),
    }
}

fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args(args)
        .current_dir(dir)
        .status()
        .unwrap();
    assert!(status.success(), "git {args:?}");
}

#[test]
fn writes_the_page_to_a_file_and_picks_the_format_from_its_extension() {
    let dir = tempfile::tempdir().unwrap();
    let example = Path::new(ROOT).join("examples/checkout-v2");
    let example = example.to_str().unwrap();
    let run = planls(
        dir.path(),
        &["report", example, "--today", "2027-01-04", "-o", "r.html"],
    );
    assert_eq!(
        (run.code, run.stdout.as_str()),
        (Some(0), ""),
        "{}",
        run.stderr
    );
    let html = fs::read_to_string(dir.path().join("r.html")).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    let run = planls(
        dir.path(),
        &["report", example, "--today", "2027-01-04", "-o", "r.md"],
    );
    assert_eq!(run.code, Some(0));
    let md = fs::read_to_string(dir.path().join("r.md")).unwrap();
    assert!(md.starts_with("# Checkout v2: status on 2027-01-04"));
    let run = planls(
        dir.path(),
        &[
            "report",
            example,
            "--today",
            "2027-01-04",
            "--format",
            "json",
        ],
    );
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(json["health"]["rag"], "amber");
}

#[test]
fn since_a_ref_says_what_moved_and_by_how_many_days() {
    let dir = tempfile::tempdir().unwrap();
    let plan = dir.path().join("plans/work.plan");
    fs::create_dir_all(plan.parent().unwrap()).unwrap();
    fs::write(
        &plan,
        "initiative a { start: 2027-01-04 duration: 1w }\ninitiative b { depends_on: a duration: 1w }\n",
    )
    .unwrap();
    git(dir.path(), &["init", "-q"]);
    git(dir.path(), &["add", "."]);
    git(dir.path(), &["commit", "-qm", "first"]);
    fs::write(
        &plan,
        "initiative a { start: 2027-01-04 duration: 3w }\ninitiative b { depends_on: a duration: 1w }\n",
    )
    .unwrap();
    let run = planls(
        dir.path(),
        &[
            "report",
            "plans",
            "--today",
            "2027-01-04",
            "--format",
            "json",
            "--since",
            "HEAD",
        ],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let moved = &json["changes"]["moved"];
    assert_eq!(moved.as_array().unwrap().len(), 2, "{moved}");
    assert_eq!(moved[0]["id"], "a");
    assert_eq!(moved[0]["days"], 14);
    assert_eq!(json["changes"]["since"], "HEAD");
    let md = planls(
        dir.path(),
        &[
            "report",
            "plans",
            "--today",
            "2027-01-04",
            "--format",
            "md",
            "--since",
            "HEAD",
        ],
    );
    assert!(
        md.stdout
            .contains("- initiative `a` moved 14 days later: 2027-01-10 → 2027-01-24"),
        "{}",
        md.stdout
    );

    let run = planls(dir.path(), &["report", "plans", "--since", "no-such-ref"]);
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr
            .contains("--since no-such-ref: no such commit in the git repository"),
        "{}",
        run.stderr
    );
    assert_eq!(run.stdout, "");
}

#[test]
fn since_outside_a_git_repository_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("a.plan"),
        "initiative a { start: 2027-01-04 duration: 1w }\n",
    )
    .unwrap();
    let run = Command::new(env!("CARGO_BIN_EXE_planls"))
        .args(["report", ".", "--since", "HEAD"])
        .current_dir(dir.path())
        .env("GIT_CEILING_DIRECTORIES", dir.path().parent().unwrap())
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(2));
    let stderr = String::from_utf8(run.stderr).unwrap();
    assert!(
        stderr.contains("--since needs a git repository, and . is not in one"),
        "{stderr}"
    );
}

#[test]
fn an_unreadable_input_writes_no_report() {
    let dir = tempfile::tempdir().unwrap();
    let run = planls(dir.path(), &["report", "missing", "-o", "r.html"]);
    assert_eq!(run.code, Some(2));
    assert!(run.stderr.contains("no report written"), "{}", run.stderr);
    assert!(!dir.path().join("r.html").exists());
}

/// A container's Gantt bar shows the progress rolled up from its parts, not a `progress` of its own.
#[test]
fn a_containers_bar_shows_its_rolled_up_progress() {
    let (report, _) = report_of(
        "tests/fixtures/analysis/work_breakdown_rollup.plan",
        "2027-01-04",
    );
    let progress = |id: &str| {
        report
            .gantt
            .groups
            .iter()
            .flat_map(|g| &g.bars)
            .find(|b| b.id == id)
            .unwrap_or_else(|| panic!("no bar for {id}"))
            .progress
    };
    assert_eq!(progress("platform"), Some(50));
    assert_eq!(progress("release"), Some(45));
    assert_eq!(progress("api"), Some(50));
    assert_eq!(progress("storage"), None);
}
