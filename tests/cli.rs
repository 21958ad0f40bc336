//! `planls check` as a user runs it: the built binary on temporary folders.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;
use tempfile::TempDir;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// A plan with no problem under the whole language.
const CLEAN: &str = "person ana \"Ana\" { role: \"Engineer\" }\n";
/// A plan with one syntax error on line 2.
const BROKEN: &str = "person bo \"Bo\" {\n  role:\n}\n";

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Run {
    fn json(&self) -> Vec<Value> {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not one JSON array ({e}):\n{}", self.stdout))
    }
}

/// Runs `planls ARGS` in `dir`, without a terminal and with NO_COLOR set.
fn planls(dir: &Path, args: &[&str]) -> Run {
    let Output {
        status,
        stdout,
        stderr,
    } = Command::new(env!("CARGO_BIN_EXE_planls"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("the planls binary runs");
    Run {
        code: status.code(),
        stdout: String::from_utf8(stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(stderr).expect("stderr is UTF-8"),
    }
}

/// A temporary folder holding `files` (path, contents); folders are created as needed.
fn folder(files: &[(&str, &[u8])]) -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, contents) in files {
        let path = dir.path().join(path);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, contents).unwrap();
    }
    dir
}

fn files_reported(run: &Run) -> Vec<String> {
    let mut files: Vec<String> = run
        .json()
        .iter()
        .map(|d| d["file"].as_str().unwrap().to_string())
        .collect();
    files.dedup();
    files
}

#[test]
fn a_clean_plan_exits_0_with_a_summary() {
    let dir = folder(&[("team.plan", CLEAN.as_bytes())]);
    let run = planls(dir.path(), &["check", "--today", "2027-01-04"]);
    assert_eq!(run.code, Some(0), "{}{}", run.stdout, run.stderr);
    assert_eq!(run.stdout, "no problems in 1 file\n");
    assert_eq!(run.stderr, "");
}

#[test]
fn an_error_exits_1_in_rustc_style() {
    let dir = folder(&[("a.plan", CLEAN.as_bytes()), ("b.plan", BROKEN.as_bytes())]);
    let run = planls(dir.path(), &["check", "--today", "2027-01-04"]);
    assert_eq!(run.code, Some(1));
    assert_eq!(
        run.stdout,
        "error[syntax-error]: missing value after `role:`\n  \
         ┌─ b.plan:2:3\n  \
         │\n\
         2 │   role:\n  \
         │   ^^^^^\n\
         \n\
         1 error in 2 files\n"
    );
    assert_eq!(run.stderr, "");
}

#[test]
fn short_format_is_one_line_per_diagnostic() {
    let dir = folder(&[("b.plan", BROKEN.as_bytes())]);
    let run = planls(
        dir.path(),
        &["check", "--format", "short", "--today", "2027-01-04"],
    );
    assert_eq!(run.code, Some(1));
    assert_eq!(
        run.stdout,
        "b.plan:2:3: error[syntax-error]: missing value after `role:`\n1 error in 1 file\n"
    );
}

#[test]
fn json_is_one_array_with_character_columns() {
    // `ë` is two bytes and `😀` four: columns must count characters, not bytes.
    let text = "person zoe \"Zoë 😀\" { role: }\nperson ana \"Ana\"\n";
    let dir = folder(&[("people.plan", text.as_bytes())]);
    let run = planls(
        dir.path(),
        &["check", "--format", "json", "--today", "2027-01-04"],
    );
    assert_eq!(run.code, Some(1));
    let diagnostics = run.json();
    assert_eq!(diagnostics.len(), 1, "{}", run.stdout);
    let d = &diagnostics[0];
    let mut keys: Vec<&str> = d.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "code",
            "column",
            "data",
            "end_column",
            "end_line",
            "file",
            "line",
            "message",
            "related",
            "severity"
        ]
    );
    assert_eq!(d["file"], "people.plan");
    assert_eq!(d["severity"], "error");
    assert_eq!(d["code"], "syntax-error");
    assert_eq!(d["message"], "missing value after `role:`");
    // `role:` is characters 22 to 26 of line 1 (bytes 26 to 30).
    assert_eq!(
        (&d["line"], &d["column"]),
        (&Value::from(1), &Value::from(22))
    );
    assert_eq!(
        (&d["end_line"], &d["end_column"]),
        (&Value::from(1), &Value::from(27))
    );
    assert_eq!(d["related"], Value::Array(vec![]));
}

#[test]
fn json_of_a_clean_plan_is_an_empty_array() {
    let dir = folder(&[("team.plan", CLEAN.as_bytes())]);
    let run = planls(
        dir.path(),
        &["check", "--format", "json", "--today", "2027-01-04"],
    );
    assert_eq!(run.code, Some(0));
    assert_eq!(run.stdout.trim(), "[]");
}

#[test]
fn a_missing_path_exits_2_and_the_other_files_are_still_checked() {
    let dir = folder(&[("b.plan", BROKEN.as_bytes())]);
    let run = planls(
        dir.path(),
        &[
            "check",
            "--format",
            "json",
            "--today",
            "2027-01-04",
            "missing.plan",
            "b.plan",
        ],
    );
    assert_eq!(run.code, Some(2));
    assert_eq!(
        run.stderr,
        "planls: cannot read missing.plan: no such file or folder\n"
    );
    assert_eq!(files_reported(&run), ["b.plan"]);
}

#[test]
fn a_file_that_is_not_utf8_exits_2_and_the_other_files_are_still_checked() {
    let mut latin1 = b"person jose \"Jos".to_vec();
    latin1.push(0xe9); // `é` in Latin-1, which is not UTF-8
    latin1.extend_from_slice(b"\"\n");
    let dir = folder(&[("notes.plan", &latin1), ("b.plan", BROKEN.as_bytes())]);
    let run = planls(
        dir.path(),
        &["check", "--format", "json", "--today", "2027-01-04"],
    );
    assert_eq!(run.code, Some(2));
    assert_eq!(
        run.stderr,
        "planls: cannot read notes.plan: not valid UTF-8 (byte 0xe9 at offset 16)\n"
    );
    assert_eq!(files_reported(&run), ["b.plan"]);
}

#[test]
fn problems_with_inputs_are_reported_in_human_output_too() {
    let dir = folder(&[("a.plan", CLEAN.as_bytes()), ("bad.plan", &[0xff, 0xfe])]);
    let run = planls(
        dir.path(),
        &["check", "--today", "2027-01-04", "a.plan", "bad.plan"],
    );
    assert_eq!(run.code, Some(2));
    assert_eq!(
        run.stderr,
        "planls: cannot read bad.plan: not valid UTF-8 (byte 0xff at offset 0)\n"
    );
    assert_eq!(run.stdout, "no problems in 1 file\n");
}

#[test]
fn a_folder_without_plan_files_exits_2() {
    let dir = folder(&[("plans/readme.txt", b"not a plan")]);
    let run = planls(dir.path(), &["check", "--today", "2027-01-04", "plans"]);
    assert_eq!(run.code, Some(2));
    assert_eq!(
        run.stderr,
        "planls: no .plan files in plans (hidden and git-ignored files are left out)\n"
    );
}

#[test]
fn hidden_folders_and_ignored_files_are_left_out_even_outside_git() {
    let dir = folder(&[
        ("work.plan", CLEAN.as_bytes()),
        ("plans/more.plan", CLEAN.replace("ana", "cy").as_bytes()),
        (".hidden/broken.plan", BROKEN.as_bytes()),
        ("plans/.draft.plan", BROKEN.as_bytes()),
        ("build/generated.plan", BROKEN.as_bytes()),
        ("plans/scratch.plan", BROKEN.as_bytes()),
        ("notes.txt", BROKEN.as_bytes()),
        (".gitignore", b"build/\nscratch.plan\n"),
    ]);
    assert!(!dir.path().join(".git").exists());
    let run = planls(dir.path(), &["check", "--today", "2027-01-04"]);
    assert_eq!(run.code, Some(0), "{}", run.stdout);
    assert_eq!(run.stdout, "no problems in 2 files\n");
}

#[test]
fn a_file_named_on_the_command_line_is_checked_whatever_its_name() {
    let dir = folder(&[
        ("notes.txt", BROKEN.replace("bo", "n1").as_bytes()),
        (".hidden.plan", BROKEN.replace("bo", "h1").as_bytes()),
        ("scratch.plan", BROKEN.replace("bo", "s1").as_bytes()),
        (".gitignore", b"scratch.plan\n"),
    ]);
    let run = planls(
        dir.path(),
        &[
            "check",
            "--format",
            "json",
            "--today",
            "2027-01-04",
            "notes.txt",
            ".hidden.plan",
            "scratch.plan",
        ],
    );
    assert_eq!(run.code, Some(1));
    assert_eq!(
        files_reported(&run),
        [".hidden.plan", "notes.txt", "scratch.plan"]
    );
}

#[cfg(unix)]
#[test]
fn a_folder_walk_reads_only_regular_plan_files_inside_the_folders_given() {
    use std::os::unix::fs::symlink;
    let dir = folder(&[
        ("plans/work.plan", CLEAN.as_bytes()),
        ("plans/shared/people.plan", b"person bo \"Bo\"\n"),
        ("outside/secret.plan", b"person SECRET_TEXT {\n"),
    ]);
    let plans = dir.path().join("plans");
    symlink(
        dir.path().join("outside/secret.plan"),
        plans.join("secret.plan"),
    )
    .unwrap();
    symlink("/etc/passwd", plans.join("passwd.plan")).unwrap();
    symlink(plans.join("shared/people.plan"), plans.join("again.plan")).unwrap();
    symlink(dir.path().join("outside"), plans.join("outside")).unwrap();
    // A FIFO named like a plan file: reading it would wait for a writer forever.
    let fifo = Command::new("mkfifo")
        .arg(plans.join("pipe.plan"))
        .status()
        .is_ok_and(|s| s.success());

    let run = planls(
        dir.path(),
        &[
            "check",
            "plans",
            "--today",
            "2027-01-04",
            "--format",
            "json",
        ],
    );
    assert_eq!(run.code, Some(0), "{}{}", run.stdout, run.stderr);
    assert!(
        !run.stdout.contains("SECRET") && !run.stdout.contains("root"),
        "{}",
        run.stdout
    );
    assert!(run.stderr.contains(
        "planls: warning: left out plans/secret.plan: it links outside the folders being checked\n"
    ), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("left out plans/passwd.plan: it links outside"),
        "{}",
        run.stderr
    );
    if fifo {
        assert!(
            run.stderr
                .contains("left out plans/pipe.plan: not a regular file"),
            "{}",
            run.stderr
        );
    }
    // The link inside the folder is the file it names, read once.
    let human = planls(dir.path(), &["check", "plans", "--today", "2027-01-04"]);
    assert!(
        human.stdout.ends_with("no problems in 2 files\n"),
        "{}",
        human.stdout
    );

    // The outside folder given too: the link leads into it, so it counts (once).
    let both = planls(
        dir.path(),
        &["check", "plans", "outside", "--format", "json"],
    );
    assert_eq!(
        files_reported(&both),
        ["outside/secret.plan"],
        "{}",
        both.stderr
    );
    assert!(!both.stderr.contains("secret.plan"), "{}", both.stderr);

    // A file named on the command line is read wherever it leads.
    let named = planls(
        dir.path(),
        &["check", "plans/secret.plan", "--format", "json"],
    );
    assert_eq!(
        files_reported(&named),
        ["plans/secret.plan"],
        "{}",
        named.stderr
    );
}

#[test]
fn paths_are_shown_as_given_sorted_and_once_each() {
    let dir = folder(&[
        ("plans/b.plan", BROKEN.replace("bo", "b1").as_bytes()),
        ("plans/a.plan", BROKEN.replace("bo", "a1").as_bytes()),
        ("plans/sub/c.plan", BROKEN.replace("bo", "c1").as_bytes()),
    ]);
    let args = ["check", "--format", "json", "--today", "2027-01-04"];
    let run = planls(
        dir.path(),
        &[&args[..], &["plans/b.plan", "plans", "plans/sub"]].concat(),
    );
    assert_eq!(run.code, Some(1));
    assert_eq!(
        files_reported(&run),
        ["plans/a.plan", "plans/b.plan", "plans/sub/c.plan"]
    );

    // With no path, the current folder is checked and shown without `./`.
    let run = planls(&dir.path().join("plans"), &args);
    assert_eq!(files_reported(&run), ["a.plan", "b.plan", "sub/c.plan"]);
    // An explicit `.` is shown as given.
    let run = planls(&dir.path().join("plans"), &[&args[..], &["."]].concat());
    assert_eq!(
        files_reported(&run),
        ["./a.plan", "./b.plan", "./sub/c.plan"]
    );
}

#[test]
fn a_byte_order_mark_is_not_part_of_the_text() {
    let text = format!("\u{feff}{BROKEN}");
    let dir = folder(&[("bom.plan", text.as_bytes())]);
    let run = planls(
        dir.path(),
        &["check", "--format", "json", "--today", "2027-01-04"],
    );
    assert_eq!(run.code, Some(1));
    let diagnostics = run.json();
    assert_eq!(diagnostics.len(), 1, "{}", run.stdout);
    assert_eq!(
        (&diagnostics[0]["line"], &diagnostics[0]["column"]),
        (&Value::from(2), &Value::from(3))
    );
}

#[test]
fn today_must_be_a_real_date() {
    let dir = folder(&[("team.plan", CLEAN.as_bytes())]);
    for (today, complaint) in [
        ("2027-02-30", "`2027-02-30` is not a day on the calendar"),
        (
            "tomorrow",
            "`tomorrow` is not a date: write it as YYYY-MM-DD",
        ),
        (
            "2027-1-4",
            "`2027-1-4` is not a date: write it as YYYY-MM-DD",
        ),
    ] {
        let run = planls(dir.path(), &["check", "--today", today]);
        assert_eq!(run.code, Some(2), "--today {today}");
        assert!(run.stderr.contains(complaint), "{}", run.stderr);
        assert_eq!(run.stdout, "");
    }
    // Without --today the current date is used.
    assert_eq!(planls(dir.path(), &["check"]).code, Some(0));
}

#[test]
fn colour_only_when_asked_or_on_a_terminal() {
    let dir = folder(&[("b.plan", BROKEN.as_bytes())]);
    let plain = planls(dir.path(), &["check", "--today", "2027-01-04"]);
    assert!(!plain.stdout.contains('\u{1b}'));
    let coloured = planls(
        dir.path(),
        &["check", "--color", "always", "--today", "2027-01-04"],
    );
    assert!(coloured.stdout.contains("\u{1b}["));
    assert_eq!(strip_ansi(&coloured.stdout), plain.stdout);
}

fn strip_ansi(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[test]
fn version_and_help_explain_the_commands() {
    let dir = tempfile::tempdir().unwrap();
    let version = planls(dir.path(), &["--version"]);
    assert_eq!(version.code, Some(0));
    assert_eq!(
        version.stdout,
        format!("planls {}\n", env!("CARGO_PKG_VERSION"))
    );

    let help = planls(dir.path(), &["--help"]);
    assert_eq!(help.code, Some(0));
    assert!(help
        .stdout
        .contains("language server and command-line checker"));
    // clap aligns the descriptions after the longest command name.
    let described = |command: &str, words: &str| {
        help.stdout.lines().any(|line| {
            line.trim_start()
                .strip_prefix(command)
                .is_some_and(|rest| rest.starts_with("  ") && rest.trim_start().starts_with(words))
        })
    };
    assert!(described("check", "Check .plan files"), "{}", help.stdout);
    assert!(described("serve", "Run the language server"));
    assert!(described("generate", "Write a generated workspace"));

    let help = planls(dir.path(), &["check", "--help"]);
    assert_eq!(help.code, Some(0));
    for option in ["[PATH]...", "--format", "--today", "--color", "Exit status"] {
        assert!(
            help.stdout.contains(option),
            "no {option} in:\n{}",
            help.stdout
        );
    }

    let none = planls(dir.path(), &[]);
    assert_eq!(none.code, Some(2));
    assert!(none.stderr.contains("Usage: planls <COMMAND>"));
}

/// The whole example of the spec has no syntax error.
#[test]
fn the_spec_example_has_no_syntax_error() {
    let dir = Path::new(ROOT).join("tests/fixtures");
    let run = planls(
        &dir,
        &[
            "check",
            "--format",
            "json",
            "--today",
            "2027-01-04",
            "spec_example.plan",
        ],
    );
    assert_ne!(run.code, Some(2), "{}", run.stderr);
    let diagnostics = run.json();
    let syntax_errors: Vec<&Value> = diagnostics
        .iter()
        .filter(|d| d["code"] == "syntax-error")
        .collect();
    assert!(syntax_errors.is_empty(), "{syntax_errors:#?}");
    let items = planls::syntax::parse(&fs::read_to_string(dir.join("spec_example.plan")).unwrap())
        .items
        .len();
    assert_eq!(items, 9);
}

/// The example program checks clean, today and on the day it starts.
#[test]
fn the_checkout_example_checks_clean() {
    let run = planls(
        Path::new(ROOT),
        &["check", "examples/checkout-v2", "--today", "2027-01-04"],
    );
    assert_eq!(run.code, Some(0), "{}{}", run.stdout, run.stderr);
    assert_eq!(run.stdout, "no problems in 4 files\n");
    let items: usize = plan_files(&Path::new(ROOT).join("examples/checkout-v2"))
        .iter()
        .map(|path| {
            planls::syntax::parse(&fs::read_to_string(path).unwrap())
                .items
                .len()
        })
        .sum();
    assert!(items >= 40, "only {items} items");
}

fn plan_files(dir: &Path) -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "plan"))
        .collect();
    paths.sort();
    paths
}

/// Each file of examples/broken, checked on its own: the human output is snapshotted.
#[test]
fn broken_examples_show_their_diagnostics() {
    let dir = Path::new(ROOT).join("examples/broken");
    let paths = plan_files(&dir);
    assert!(paths.len() >= 4);
    for path in paths {
        let name = path.file_name().unwrap().to_str().unwrap();
        let shown = format!("examples/broken/{name}");
        let run = planls(Path::new(ROOT), &["check", &shown, "--today", "2027-01-04"]);
        assert_ne!(run.code, Some(2), "{}", run.stderr);
        let stem = name.trim_end_matches(".plan");
        let report = format!(
            "$ planls check {shown} --today 2027-01-04\nexit status: {}\n\n{}",
            run.code.unwrap(),
            run.stdout
        );
        insta::with_settings!({ omit_expression => true }, {
            insta::assert_snapshot!(format!("broken_{stem}"), report);
        });
    }
}

/// The folder examples/broken checked as one workspace of five files, in JSON: every code of the
/// spec is reported, each at the line the snapshot shows, and nothing else.
#[test]
fn one_json_check_of_a_workspace_reports_every_code_of_the_spec() {
    let run = planls(
        Path::new(ROOT),
        &[
            "check",
            "--format",
            "json",
            "--today",
            "2027-01-04",
            "examples/broken",
        ],
    );
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    let diagnostics = run.json();
    let codes: std::collections::BTreeSet<&str> = diagnostics
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    let every: std::collections::BTreeSet<&str> = planls::analysis::Code::ALL
        .iter()
        .map(|c| c.as_str())
        .collect();
    assert_eq!(codes, every, "codes missing or extra");
    let lines: Vec<String> = diagnostics
        .iter()
        .map(|d| {
            format!(
                "{}:{}:{}-{}:{} {} {}: {}",
                d["file"].as_str().unwrap(),
                d["line"],
                d["column"],
                d["end_line"],
                d["end_column"],
                d["severity"].as_str().unwrap(),
                d["code"].as_str().unwrap(),
                d["message"].as_str().unwrap()
            )
        })
        .collect();
    insta::with_settings!({ omit_expression => true }, {
        insta::assert_snapshot!("broken_workspace_json", lines.join("\n"));
    });
}

/// One case of `grammar/test/corpus/recovery.txt`.
struct CorpusCase {
    name: String,
    input: String,
}

fn recovery_cases() -> Vec<CorpusCase> {
    let text =
        fs::read_to_string(Path::new(ROOT).join("grammar/test/corpus/recovery.txt")).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let is_rule = |line: &str, c: char| line.len() >= 3 && line.chars().all(|x| x == c);
    let mut cases = Vec::new();
    let mut i = 0;
    while i + 2 < lines.len() {
        if !(is_rule(lines[i], '=') && is_rule(lines[i + 2], '=')) {
            i += 1;
            continue;
        }
        let name = lines[i + 1].to_string();
        let start = i + 3;
        let mut end = start;
        while !is_rule(lines[end], '-') {
            end += 1;
        }
        let input = lines[start..end].join("\n").trim_matches('\n').to_string() + "\n";
        cases.push(CorpusCase { name, input });
        i = end;
    }
    cases
}

/// The lines (1-based) where each broken input of the corpus is broken.
const RECOVERY_ERROR_LINES: &[(&str, &[u64])] = &[
    ("Missing closing brace before the next item", &[1]),
    (
        "Missing closing brace before an item of a kind that is also a key",
        &[1],
    ),
    ("Missing closing brace at the end of the file", &[1]),
    ("Missing value after a key", &[2]),
    ("Missing value before the closing brace", &[1]),
    ("Unterminated string", &[2]),
    ("Stray token between items", &[2]),
    ("Stray closing brace between items", &[1]),
    // The block left open on line 2 and the half-typed key on line 3.
    ("Half-typed field at the end of the file", &[2, 3]),
    ("Missing colon", &[2]),
    ("Field outside any block", &[2]),
    // Two items without an ID.
    ("Item keyword with no ID", &[1, 2]),
    ("Dangling comma in a list", &[1]),
    ("Lag without a duration", &[1]),
    ("Garbage inside a block", &[1]),
    // Each unclosed `{` is reported on its own line.
    (
        "Two unclosed blocks in a row keep their own fields",
        &[1, 2],
    ),
    ("Misspelled kind word", &[2]),
    ("Field of a non-kind key outside any block", &[1]),
    ("At sign without a name", &[1]),
    ("Date not written as YYYY-MM-DD", &[1]),
    // The unclosed block and the unclosed string start on the same line.
    ("Unclosed triple-quoted string", &[1]),
    ("Natural mistakes stay inside their item", &[2, 3, 4, 7]),
];

/// Every broken input of the grammar's corpus: `planls check` reports a syntax error on the
/// broken line, exits 1, and every item written after the break is still an item.
#[test]
fn each_broken_input_of_the_corpus_is_reported_on_its_line() {
    let cases = recovery_cases();
    assert!(cases.len() >= 12, "only {} recovery cases", cases.len());
    let dir = tempfile::tempdir().unwrap();
    let mut failures = Vec::new();
    for case in &cases {
        let Some((_, expected_lines)) = RECOVERY_ERROR_LINES.iter().find(|(n, _)| *n == case.name)
        else {
            failures.push(format!(
                "{}: add its error lines to RECOVERY_ERROR_LINES",
                case.name
            ));
            continue;
        };
        fs::write(dir.path().join("case.plan"), &case.input).unwrap();
        let run = planls(
            dir.path(),
            &[
                "check",
                "--format",
                "json",
                "--today",
                "2027-01-04",
                "case.plan",
            ],
        );
        let diagnostics = run.json();
        let mut lines: Vec<u64> = diagnostics
            .iter()
            .filter(|d| d["code"] == "syntax-error")
            .map(|d| d["line"].as_u64().unwrap())
            .collect();
        lines.dedup();
        if run.code != Some(1) || lines != *expected_lines {
            failures.push(format!(
                "{}: exit {:?}, syntax errors on lines {lines:?}, expected {expected_lines:?}\n{}",
                case.name, run.code, run.stdout
            ));
        }
        let known: Vec<String> = planls::syntax::parse(&case.input)
            .items
            .iter()
            .filter_map(|item| item.id.as_ref().map(|id| id.text.clone()))
            .collect();
        let written = item_ids_written(&case.input);
        if known != written {
            failures.push(format!(
                "{}: items {known:?}, but the text defines {written:?}",
                case.name
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// The IDs of the items a text defines, read naively: a line that starts with a kind word, a
/// space and an identifier.
fn item_ids_written(text: &str) -> Vec<String> {
    let kinds = [
        "program",
        "team",
        "person",
        "initiative",
        "milestone",
        "risk",
    ];
    text.lines()
        .filter_map(|line| {
            let mut words = line.split_whitespace();
            let kind = words.next()?;
            let id = words.next()?;
            let is_id = id.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_');
            (kinds.contains(&kind) && is_id).then(|| id.to_string())
        })
        .collect()
}

/// The example in README.md is a plan that checks clean.
#[test]
fn the_readme_example_checks_clean() {
    let readme = fs::read_to_string(Path::new(ROOT).join("README.md")).unwrap();
    let start = readme
        .find("```plan\n")
        .expect("README.md has a plan example")
        + 8;
    let end = start + readme[start..].find("```").unwrap();
    let dir = folder(&[("readme.plan", &readme.as_bytes()[start..end])]);
    let run = planls(dir.path(), &["check", "--today", "2027-01-04"]);
    assert_eq!(run.code, Some(0), "{}", run.stdout);
    assert_eq!(run.stdout, "no problems in 1 file\n");
}

/// `planls check | head -1`: a reader that goes away is not a crash, and the status still
/// says whether there were errors.
#[test]
fn a_closed_pipe_keeps_the_exit_status() {
    // Enough diagnostics to fill a pipe's buffer many times over.
    let text: String = (0..3000)
        .map(|i| format!("person p{i} {{ role: }}\n"))
        .collect();
    let dir = folder(&[("many.plan", text.as_bytes())]);
    let mut child = Command::new(env!("CARGO_BIN_EXE_planls"))
        .args(["check", "--today", "2027-01-04"])
        .current_dir(dir.path())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(String::from_utf8_lossy(&output.stderr), "");
}
