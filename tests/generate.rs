//! `planls generate` as a user runs it: the built binary writing into temporary folders, and
//! `planls check` on what it wrote.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use planls::syntax::{Kind, ValueKind};
use serde_json::Value;

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

fn planls(args: &[&str]) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_planls"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("the planls binary runs");
    Run {
        code: output.status.code(),
        stdout: String::from_utf8(output.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(output.stderr).expect("stderr is UTF-8"),
    }
}

/// Runs `planls generate ARGS OUT` and expects it to succeed.
fn generate(out: &Path, args: &[&str]) -> Run {
    let mut all = vec!["generate"];
    all.extend_from_slice(args);
    all.push(out.to_str().unwrap());
    let run = planls(&all);
    assert_eq!(run.code, Some(0), "{}{}", run.stdout, run.stderr);
    assert_eq!(run.stderr, "");
    run
}

/// Every file under `dir`, relative, sorted.
fn files(dir: &Path) -> Vec<PathBuf> {
    fn walk(dir: &Path, root: &Path, out: &mut Vec<PathBuf>) {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, root, out);
            } else {
                out.push(path.strip_prefix(root).unwrap().to_path_buf());
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

fn check_json(dir: &Path) -> Vec<Value> {
    let run = planls(&[
        "check",
        dir.to_str().unwrap(),
        "--today",
        "2027-01-04",
        "--format",
        "json",
    ]);
    assert!(matches!(run.code, Some(0 | 1)), "{}", run.stderr);
    serde_json::from_str(&run.stdout).unwrap()
}

fn codes(diagnostics: &[Value]) -> Vec<&str> {
    let mut codes: Vec<&str> = diagnostics
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    codes.sort();
    codes.dedup();
    codes
}

/// The keys whose values name people or items, in the spec's table of fields.
const REFERENCE_KEYS: [&str; 7] = [
    "owner",
    "lead",
    "members",
    "team",
    "depends_on",
    "requires",
    "affects",
];

/// What the files of `dir` hold, read with the parser: (initiatives, references, syntax errors).
fn census(dir: &Path) -> (usize, usize, usize) {
    let (mut initiatives, mut references, mut errors) = (0, 0, 0);
    for file in files(dir) {
        let text = fs::read_to_string(dir.join(file)).unwrap();
        let plan = planls::syntax::parse(&text);
        errors += plan.errors.len();
        initiatives += plan
            .items
            .iter()
            .filter(|i| i.kind == Kind::Initiative)
            .count();
        // Enum words (`status: done`) are identifiers too: only the keys that take items count.
        references += plan
            .items
            .iter()
            .flat_map(|i| &i.fields)
            .filter(|f| REFERENCE_KEYS.contains(&f.key.text.as_str()))
            .flat_map(|f| &f.values)
            .filter(|v| matches!(v.kind, ValueKind::Person(_) | ValueKind::Reference(_)))
            .count();
    }
    (initiatives, references, errors)
}

#[test]
fn the_same_arguments_write_the_same_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let args = [
        "--initiatives",
        "400",
        "--files",
        "6",
        "--seed",
        "9",
        "--unresolved",
        "2",
    ];
    let (a, b, c) = (
        dir.path().join("a"),
        dir.path().join("b"),
        dir.path().join("c"),
    );
    generate(&a, &args);
    generate(&b, &args);
    let mut other_seed = args;
    other_seed[5] = "10";
    generate(&c, &other_seed);
    assert_eq!(files(&a), files(&b));
    for file in files(&a) {
        assert!(
            fs::read(a.join(&file)).unwrap() == fs::read(b.join(&file)).unwrap(),
            "{} differs",
            file.display()
        );
    }
    assert_eq!(
        files(&a),
        files(&c),
        "the seed changes the text, not the files"
    );
    assert!(files(&a)
        .iter()
        .any(|f| fs::read(a.join(f)).unwrap() != fs::read(c.join(f)).unwrap()));
}

#[test]
fn exactly_the_initiatives_and_files_asked_for_without_syntax_errors() {
    let dir = tempfile::tempdir().unwrap();
    for (initiatives, files_wanted) in [(777, 9), (1, 1), (5, 12)] {
        let out = dir.path().join(format!("{initiatives}-{files_wanted}"));
        let run = generate(
            &out,
            &[
                "--initiatives",
                &initiatives.to_string(),
                "--files",
                &files_wanted.to_string(),
            ],
        );
        let written = files(&out);
        assert_eq!(written.len(), files_wanted, "{written:?}");
        assert!(written.iter().all(|f| f.extension().unwrap() == "plan"));
        assert!(written.contains(&PathBuf::from("program.plan")));
        let (counted, _, errors) = census(&out);
        assert_eq!(counted, initiatives);
        assert_eq!(errors, 0);
        assert!(
            run.stdout
                .starts_with(&format!("wrote {files_wanted} files (")),
            "{}",
            run.stdout
        );
        assert!(run.stdout.contains(&format!(" {initiatives} initiatives")));
    }
    // Without --files: the program file and one per 100 initiatives.
    let out = dir.path().join("default");
    generate(&out, &["--initiatives", "250"]);
    assert_eq!(files(&out).len(), 4);
}

/// With no unresolved reference the check has no error and no warning but one: only the hints on
/// work that waits for blocked work, and owners of too much work at once (owners are drawn at
/// random), which a real plan has too.
#[test]
fn a_workspace_without_unresolved_references_checks_with_hints_only() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("plan");
    generate(
        &out,
        &["--initiatives", "2000", "--seed", "4", "--unresolved", "0"],
    );
    let diagnostics = check_json(&out);
    assert_eq!(
        codes(&diagnostics),
        ["blocked-upstream", "owner-overloaded"]
    );
    assert!(diagnostics
        .iter()
        .all(|d| d["severity"] == "hint" || d["code"] == "owner-overloaded"));
}

/// The check reports one unresolved reference for each one `--unresolved` asked for, and no
/// other error or warning.
#[test]
fn the_share_of_unresolved_references_is_the_one_asked_for() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("plan");
    let run = generate(
        &out,
        &["--initiatives", "2000", "--seed", "8", "--unresolved", "5"],
    );
    let (_, references, errors) = census(&out);
    assert_eq!(errors, 0);
    let diagnostics = check_json(&out);
    assert_eq!(
        codes(&diagnostics),
        [
            "blocked-upstream",
            "owner-overloaded",
            "unresolved-reference"
        ]
    );
    let unresolved: Vec<&Value> = diagnostics
        .iter()
        .filter(|d| d["code"] == "unresolved-reference")
        .collect();
    let share = unresolved.len() as f64 * 100.0 / references as f64;
    assert!((4.9..=5.1).contains(&share), "{share}% of {references}");
    assert!(run.stdout.contains(&format!(
        "{references} references, {} of them unresolved",
        unresolved.len()
    )));
    // Misspellings of real IDs, so that "did you mean" finds the one meant.
    let suggested = unresolved
        .iter()
        .filter(|d| d["message"].as_str().unwrap().contains("did you mean"))
        .count();
    assert!(suggested * 10 >= unresolved.len() * 9, "{suggested}");
}

#[test]
fn a_folder_that_is_not_empty_is_refused_unless_forced() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("plan");
    fs::create_dir(&out).unwrap();
    fs::write(out.join("notes.txt"), "mine").unwrap();
    let run = planls(&["generate", "--initiatives", "10", out.to_str().unwrap()]);
    assert_eq!(run.code, Some(2));
    assert_eq!(run.stdout, "");
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    assert!(run.stderr.starts_with("planls: "), "{}", run.stderr);
    assert!(run.stderr.contains("is not empty"), "{}", run.stderr);
    assert!(run.stderr.contains("--force"), "{}", run.stderr);
    assert_eq!(files(&out), [PathBuf::from("notes.txt")]);

    generate(&out, &["--initiatives", "10", "--force"]);
    assert_eq!(fs::read_to_string(out.join("notes.txt")).unwrap(), "mine");
    assert!(out.join("program.plan").is_file());

    // An empty folder is fine; a file is not a folder.
    let empty = dir.path().join("empty");
    fs::create_dir(&empty).unwrap();
    generate(&empty, &["--initiatives", "10"]);
    let file = dir.path().join("file.plan");
    fs::write(&file, "").unwrap();
    let run = planls(&["generate", file.to_str().unwrap()]);
    assert_eq!(run.code, Some(2));
    assert!(run.stderr.contains("is not a folder"), "{}", run.stderr);
}

#[test]
fn bad_arguments_are_refused_before_anything_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("plan");
    let out = out.to_str().unwrap();
    for args in [
        vec!["generate", "--initiatives", "0", out],
        vec!["generate", "--files", "0", out],
        vec!["generate", "--initiatives", "many", out],
        vec!["generate", "--unresolved", "150", out],
        vec!["generate", "--seed", "-1", out],
        vec!["generate", "--initiatives", "10"],
    ] {
        let run = planls(&args);
        assert_eq!(run.code, Some(2), "{args:?}");
        assert!(run.stderr.starts_with("error:"), "{args:?}: {}", run.stderr);
    }
    assert!(!Path::new(out).exists());
}

#[test]
fn help_explains_the_generator() {
    let run = planls(&["--help"]);
    assert!(run.stdout.contains("generate  Write a generated workspace"));
    let run = planls(&["generate", "--help"]);
    assert_eq!(run.code, Some(0));
    for option in [
        "<OUT>",
        "--initiatives",
        "--files",
        "--seed",
        "--unresolved",
        "--force",
    ] {
        assert!(run.stdout.contains(option), "no {option} in {}", run.stdout);
    }
}
