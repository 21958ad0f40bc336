//! `planls check` and `planls.toml`: each plan is checked apart from the others, with its own
//! date, severities and excludes (docs/workspace.md).

use std::fs;
use std::path::Path;
use std::process::Command;

use tempfile::TempDir;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// Runs `planls check ARGS` in `dir`: exit status, stdout, stderr.
fn check(dir: &Path, args: &[&str]) -> (Option<i32>, String, String) {
    planls(dir, "check", args)
}

fn folder(files: &[(&str, &str)]) -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, contents) in files {
        let path = dir.path().join(path);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, contents).unwrap();
    }
    dir
}

/// Two plans that both define `beta` and each use their own.
const PLAN_A: &str = "milestone beta \"A beta\" { date: 2027-03-01  owner: @ana }\n\
                      initiative a \"A\" { owner: @ana  duration: 1w  depends_on: beta }\n\
                      person ana \"Ana\" { role: \"Engineer\" }\n";
const PLAN_B: &str = "milestone beta \"B beta\" { date: 2027-04-01  owner: @bo }\n\
                      person bo \"Bo\" { role: \"Engineer\" }\n";

#[test]
fn plans_under_their_own_markers_are_checked_apart() {
    let dir = folder(&[
        ("a/planls.toml", ""),
        ("a/work.plan", PLAN_A),
        ("b/planls.toml", ""),
        ("b/work.plan", PLAN_B),
    ]);
    let (code, stdout, stderr) = check(dir.path(), &["--today", "2027-01-04", "--format", "short"]);
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    assert!(!stdout.contains("duplicate-definition"), "{stdout}");
    assert!(stdout.ends_with("no problems in 2 files\n"), "{stdout}");

    // Without the markers, both are one workspace, as before: `beta` is defined twice.
    fs::remove_file(dir.path().join("a/planls.toml")).unwrap();
    fs::remove_file(dir.path().join("b/planls.toml")).unwrap();
    let (code, stdout, _) = check(dir.path(), &["--today", "2027-01-04", "--format", "short"]);
    assert_eq!(code, Some(1));
    assert!(stdout.contains("duplicate-definition"), "{stdout}");
}

#[test]
fn a_plan_has_its_own_date_severities_and_excludes() {
    let dir = folder(&[
        (
            "plan/planls.toml",
            "today = 2027-06-01\nexclude = [\"drafts/**\"]\n[severity]\noverdue = \"error\"\n",
        ),
        (
            "plan/work.plan",
            "person ana \"Ana\" { role: \"Engineer\" }\n\
             initiative a \"A\" { owner: @ana  status: in_progress  start: 2027-01-04  duration: 1w }\n",
        ),
        ("plan/drafts/idea.plan", "initiative broken {\n"),
    ]);
    // The plan's date makes `a` overdue, and its severity makes that an error.
    let (code, stdout, stderr) = check(dir.path(), &["--format", "short"]);
    assert_eq!(code, Some(1), "{stdout}{stderr}");
    assert!(stdout.contains("error[overdue]"), "{stdout}");
    // The draft is excluded from a walk...
    assert!(!stdout.contains("idea.plan"), "{stdout}");
    assert!(stdout.ends_with("in 1 file\n"), "{stdout}");
    // ...but checked when named.
    let (_, stdout, _) = check(dir.path(), &["plan/drafts/idea.plan", "--format", "short"]);
    assert!(stdout.contains("idea.plan:1:"), "{stdout}");
    // --today wins over the plan's date.
    let (code, stdout, _) = check(dir.path(), &["--today", "2027-01-05", "--format", "short"]);
    assert_eq!(code, Some(0), "{stdout}");
}

#[test]
fn a_bad_planls_toml_is_reported_with_its_place_and_the_check_goes_on() {
    let dir = folder(&[
        (
            "planls.toml",
            "today = 2027-01-04\n[severity]\nmisssing-owner = \"off\"\n",
        ),
        ("work.plan", "initiative a \"A\" { duration: 1w }\n"),
    ]);
    let (code, stdout, stderr) = check(dir.path(), &["--format", "short"]);
    assert_eq!(code, Some(2), "{stdout}{stderr}");
    assert!(
        stderr.contains("planls.toml: severity: `misssing-owner` is not a diagnostic code"),
        "{stderr}"
    );
    assert!(stdout.contains("warning[missing-owner]"), "{stdout}");

    fs::write(dir.path().join("planls.toml"), "today = \n").unwrap();
    let (code, _, stderr) = check(dir.path(), &[]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("planls.toml:1:9: "), "{stderr}");
}

/// The repository's own plans: the example is clean when the whole clone is checked, because
/// the fixtures around it are plans of their own.
#[test]
fn the_example_is_clean_when_the_whole_repository_is_checked() {
    let (_, stdout, stderr) = check(
        Path::new(ROOT),
        &["--today", "2027-01-04", "--format", "short"],
    );
    assert!(stderr.is_empty(), "{stderr}");
    let example: Vec<&str> = stdout
        .lines()
        .filter(|line| line.contains("examples/checkout-v2"))
        .collect();
    assert_eq!(example, Vec::<&str>::new());
    // Each single-file fixture is a plan of its own: nothing is defined twice across them, only
    // inside the plans that show the diagnostic on purpose.
    let twice: Vec<&str> = stdout
        .lines()
        .filter(|line| line.contains("duplicate-definition"))
        .filter(|line| {
            [
                "analysis/duplicate_definition/",
                "analysis/second_program/",
                "examples/broken/",
            ]
            .iter()
            .all(|on_purpose| !line.contains(on_purpose))
        })
        .collect();
    assert_eq!(twice, Vec::<&str>::new());
}

/// Runs `planls COMMAND ARGS` in `dir`: exit status, stdout, stderr.
fn planls(dir: &Path, command: &str, args: &[&str]) -> (Option<i32>, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_planls"))
        .arg(command)
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("the planls binary runs");
    (
        output.status.code(),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

#[test]
fn the_forecast_commands_read_one_plan_with_its_date() {
    let dir = folder(&[
        ("a/planls.toml", "today = 2027-01-04\n"),
        ("a/work.plan", PLAN_A),
        ("b/planls.toml", ""),
        ("b/work.plan", PLAN_B),
    ]);
    // One plan: its `today` counts, as in `check`. `a` depends on `beta` (2027-03-01) and
    // starts the day after; a later today would start it later.
    let (code, stdout, stderr) = planls(dir.path(), "schedule", &["a", "--format", "json"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.contains("\"start\": \"2027-03-02\""), "{stdout}");
    let (code, stdout, stderr) = planls(dir.path(), "report", &["a", "--format", "json"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.contains("2027-01-04"), "{stdout}");

    // Two plans are two namespaces: a forecast of both together would mix them.
    for command in ["schedule", "report", "export"] {
        let mut args = vec!["a", "b"];
        if command == "export" {
            args.extend(["--format", "dot"]);
        }
        let (code, _, stderr) = planls(dir.path(), command, &args);
        assert_eq!(code, Some(2), "{command}: {stderr}");
        assert!(
            stderr.contains("the paths hold 2 separate plans"),
            "{command}: {stderr}"
        );
    }
}
