//! The command line: argument parsing and the commands. `main.rs` only calls [`main`].
//!
//! Each command lives in its own module; add one by adding a variant to [`Command`].

mod check;
mod export;
mod generate;
mod git;
mod json;
mod load;
mod render;
mod report;
mod schedule;
mod walk;

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand, ValueEnum};

/// Exit status: no error diagnostic.
pub const EXIT_OK: u8 = 0;
/// Exit status: at least one error diagnostic.
pub const EXIT_ERRORS: u8 = 1;
/// Exit status: the command could not run for some input (a missing path, a file that is not UTF-8).
pub const EXIT_TROUBLE: u8 = 2;

#[derive(Debug, Parser)]
#[command(
    name = "planls",
    version,
    about = "A language server and command-line checker for program plans (.plan files)",
    long_about = "A language server and command-line checker for program plans: programs, teams, \
people, initiatives, milestones and risks written in `.plan` files.\n\n\
`planls check` reads every .plan file it is given as one workspace and reports syntax errors, \
unresolved references, dependency cycles, schedule risks and the other diagnostics of the \
plan language. `planls serve` is the language server that editors start: the same analysis as \
you type.",
    after_help = "Run `planls check --help` for the checker's options, `planls generate --help` for \
the generator of test workspaces."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check .plan files and report their diagnostics
    #[command(
        long_about = "Check .plan files and report their diagnostics.\n\n\
All the files given, and every *.plan file under the folders given, form one workspace: an item \
defined in one file may be referenced from any other.",
        after_help = "Exit status:\n  \
0  no error (warnings and hints do not fail the check)\n  \
1  at least one error diagnostic\n  \
2  the check could not run for some input: a missing path, a file that is not UTF-8 or \
cannot be read, a folder without .plan files, or a bad option. The other files are still \
checked and reported.",
        after_long_help = "Exit status:\n  \
0  no error (warnings and hints do not fail the check)\n  \
1  at least one error diagnostic\n  \
2  the check could not run for some input: a missing path, a file that is not UTF-8 or \
cannot be read, a folder without .plan files, or a bad option. The other files are still \
checked and reported.\n\n\
Examples:\n  \
planls check                                  check every .plan file under the current folder\n  \
planls check plans/ --today 2027-01-04        the same answer on any day, for CI\n  \
planls check program.plan --format json       one JSON array, for tools"
    )]
    Check(CheckArgs),
    /// Run the language server over stdin and stdout (for editors)
    #[command(long_about = "Run the language server over stdin and stdout.\n\n\
Editors start this command and talk the Language Server Protocol with it: diagnostics as you \
type, hover summaries of risk and ownership, go to definition, references, rename, completion, \
outline, formatting and quick fixes. Settings (`today`, per-code severity) come from the \
editor; logs go to stderr (set PLANLS_LOG=debug for more).")]
    Serve,
    /// Write a generated workspace of any size, for benchmarks and tests
    #[command(
        long_about = "Write a generated workspace of any size into a new folder, for benchmarks \
and tests.\n\n\
The workspace is a program in the shape of a real one: program.plan, then the work of each team \
in work/*.plan (its team and people, streams of initiatives with dependencies, some across \
files, milestones and risks). Statuses fit --today 2027-01-04: checked with that date, the \
workspace has no error and no warning, only hints on work that waits for blocked work, apart \
from the share of references that --unresolved misspells. The same arguments always write the \
same bytes.",
        after_long_help = "Exit status:\n  \
0  the files were written\n  \
2  OUT exists and is not an empty folder (without --force), a file could not be written, \
or a bad option\n\n\
Examples:\n  \
planls generate --initiatives 10000 --seed 7 /tmp/plan10k\n  \
planls check /tmp/plan10k --today 2027-01-04 --format short"
    )]
    Generate(GenerateArgs),
    /// Print the forecast of every initiative and milestone
    #[command(
        long_about = "Print the forecast of every initiative and milestone: start and end, \
latest finish, slack, whether it is critical, a milestone's slip, and why an item is \
unscheduled. The files are read as `check` reads them (docs/schedule.md explains the forecast).",
        after_long_help = "Exit status:\n  \
0  the forecast was printed\n  \
2  some input could not be read (the others are still forecast), or a bad option\n\n\
Examples:\n  \
planls schedule plans/                       an aligned table; late rows are marked !\n  \
planls schedule --format json > forecast.json"
    )]
    Schedule(ScheduleArgs),
    /// Export the forecast to TaskJuggler, Mermaid or Graphviz
    #[command(
        long_about = "Export the forecast: `tjp`, a TaskJuggler 3 project that `tj3` schedules \
to the same dates (with a CSV report, planls-schedule.csv); `mermaid`, a Gantt chart (or with \
--graph a flowchart of dependencies); `dot`, the dependency graph for Graphviz. Critical items \
are highlighted.",
        after_long_help = "Exit status:\n  \
0  the export was written\n  \
2  some input could not be read (the rest is still exported), the output could not be \
written, or a bad option\n\n\
Examples:\n  \
planls export --format tjp plans/ -o plan.tjp && tj3 plan.tjp\n  \
planls export --format dot plans/ | dot -Tsvg > plan.svg"
    )]
    Export(ExportArgs),
    /// Write the weekly status report: health, milestones, teams, risks and a Gantt chart
    #[command(
        long_about = "Write the weekly status report of the plan: the program's health (red, \
amber or green, with the reasons), the program end against its target, milestones with their \
forecast, slip and critical path, each team's status and the owners to chase, the top risks, and \
a Gantt chart. HTML is one self-contained page; Markdown pastes into a wiki or chat; JSON is \
for tools. docs/report.md describes the rules.",
        after_long_help = "Exit status:\n  \
0  the report was written (problems in the plan are in the report, not a failure)\n  \
2  a file could not be read, --since names no commit or is outside git, or the output \
could not be written\n\n\
Examples:\n  \
planls report examples/checkout-v2 --today 2027-01-04 -o report.html\n  \
planls report plans/ --format md --since HEAD~5     what moved in the last five commits"
    )]
    Report(ReportArgs),
}

#[derive(Debug, Args)]
pub struct ScheduleArgs {
    /// Files or folders, read as `check` reads them [default: .]
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// `table` (aligned, for a terminal), `json` (one array of objects) or `csv`
    #[arg(long, value_enum, default_value_t = ScheduleFormat::Table)]
    pub format: ScheduleFormat,

    /// The date that counts as today, YYYY-MM-DD [default: the current local date]
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_today)]
    pub today: Option<NaiveDate>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ScheduleFormat {
    Table,
    Json,
    Csv,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// `tjp` (TaskJuggler 3), `mermaid` (a Gantt chart) or `dot` (Graphviz)
    #[arg(long, value_enum)]
    pub format: ExportFormat,

    /// Files or folders, read as `check` reads them [default: .]
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Write to FILE instead of stdout
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// With `--format mermaid`: a flowchart of the dependencies instead of a Gantt chart
    #[arg(long)]
    pub graph: bool,

    /// The date that counts as today, YYYY-MM-DD [default: the current local date]
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_today)]
    pub today: Option<NaiveDate>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    Tjp,
    Mermaid,
    Dot,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Files or folders, found as `planls check` finds them [default: .]
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// The date that counts as today, YYYY-MM-DD [default: the current local date]
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_today)]
    pub today: Option<NaiveDate>,

    /// `html` (one self-contained page), `md` or `json` [default: from the extension of -o,
    /// else html]
    #[arg(long, value_enum)]
    pub format: Option<ReportFormat>,

    /// The file to write [default: stdout]
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Also say what moved since this git ref (a commit, branch or tag), reading the same paths
    /// at that ref with git
    #[arg(long, value_name = "REF")]
    pub since: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    Html,
    Md,
    Json,
}

#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// The folder to write; it must not exist or be empty, unless --force
    #[arg(value_name = "OUT")]
    pub out: PathBuf,

    /// How many initiatives, exactly; teams, people, milestones and risks follow from it
    #[arg(long, value_name = "N", default_value_t = 1000,
          value_parser = clap::value_parser!(u32).range(1..=10_000_000))]
    pub initiatives: u32,

    /// How many files, exactly, program.plan included [default: 1 + one per 100 initiatives]
    #[arg(long, value_name = "F", value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub files: Option<u32>,

    /// The seed of the random choices: the same seed and options give the same files
    #[arg(long, value_name = "S", default_value_t = 1)]
    pub seed: u64,

    /// The share of references, in percent, that name a missing ID (a misspelling of the real
    /// one)
    #[arg(long, value_name = "PERCENT", default_value_t = 1.0, value_parser = parse_percent)]
    pub unresolved: f64,

    /// Write into OUT even when it is not empty: files of the same name are replaced, others
    /// are left as they are
    #[arg(long)]
    pub force: bool,
}

/// Parses `--unresolved`: a number from 0 to 100.
fn parse_percent(text: &str) -> Result<f64, String> {
    match text.trim_end_matches('%').parse::<f64>() {
        Ok(p) if (0.0..=100.0).contains(&p) => Ok(p),
        _ => Err(format!("`{text}` is not a percentage from 0 to 100")),
    }
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Files or folders to check. Folders are searched for *.plan files, leaving out hidden
    /// folders and files that .gitignore (or .ignore) excludes; a file named here is checked
    /// whatever its extension. [default: .]
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// How to print diagnostics: `human` (source lines and carets), `short` (one line each),
    /// or `json` (one JSON array on stdout, for tools)
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,

    /// The date that counts as today, YYYY-MM-DD, for `overdue` and other date checks; give it
    /// in CI so a check gives the same answer on any day [default: the `today` of the plan's
    /// planls.toml, else the current local date]
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_today)]
    pub today: Option<NaiveDate>,

    /// When to colour human output: `auto` colours only when stdout is a terminal and NO_COLOR
    /// is not set
    #[arg(long, value_enum, default_value_t = ColorWhen::Auto)]
    pub color: ColorWhen,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// rustc-style: file:line:column, the source line and carets under the span
    Human,
    /// One line per diagnostic: file:line:column: severity[code]: message
    Short,
    /// One JSON array of diagnostics on stdout
    Json,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorWhen {
    Auto,
    Always,
    Never,
}

/// Parses `--today`: exactly `YYYY-MM-DD`, and a day that exists.
fn parse_today(text: &str) -> Result<NaiveDate, String> {
    let well_formed = text.len() == 10
        && text.char_indices().all(|(i, c)| match i {
            4 | 7 => c == '-',
            _ => c.is_ascii_digit(),
        });
    if !well_formed {
        return Err(format!(
            "`{text}` is not a date: write it as YYYY-MM-DD, like 2027-01-04"
        ));
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| format!("`{text}` is not a day on the calendar"))
}

/// Runs the parsed command line with the process's real stdout and stderr.
pub fn main(cli: Cli) -> ExitCode {
    match cli.command {
        Command::Check(args) => {
            let color = match args.color {
                ColorWhen::Always => true,
                ColorWhen::Never => false,
                ColorWhen::Auto => {
                    io::stdout().is_terminal()
                        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                }
            };
            // `--today`, else the plan's planls.toml, else this date.
            let today = chrono::Local::now().date_naive();
            let stdout = io::stdout().lock();
            let stderr = io::stderr().lock();
            ExitCode::from(finish(check::run(&args, today, color, stdout, stderr)))
        }
        Command::Report(args) => {
            // The clock is read here, never in the report; --today and planls.toml win over it.
            let today = chrono::Local::now().date_naive();
            let stdout = io::stdout().lock();
            let stderr = io::stderr().lock();
            ExitCode::from(finish(report::run(&args, today, stdout, stderr)))
        }
        Command::Serve => crate::lsp::run_stdio(),
        Command::Schedule(args) => {
            let today = chrono::Local::now().date_naive();
            let (stdout, stderr) = (io::stdout().lock(), io::stderr().lock());
            ExitCode::from(finish(schedule::run(&args, today, stdout, stderr)))
        }
        Command::Export(args) => {
            let today = chrono::Local::now().date_naive();
            let (stdout, stderr) = (io::stdout().lock(), io::stderr().lock());
            ExitCode::from(finish(export::run(&args, today, stdout, stderr)))
        }
        Command::Generate(args) => {
            let stdout = io::stdout().lock();
            let stderr = io::stderr().lock();
            ExitCode::from(finish(generate::run(&args, stdout, stderr)))
        }
    }
}

/// Turns an output error into exit status 2. (A closed stdout, as in `planls check | head`, is
/// not an error: `check::run` still returns the status of the check.)
fn finish(result: io::Result<u8>) -> u8 {
    result.unwrap_or_else(|error| {
        let _ = writeln!(io::stderr(), "planls: cannot write the output: {error}");
        EXIT_TROUBLE
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn a_share_is_a_percentage() {
        assert_eq!(parse_percent("2.5"), Ok(2.5));
        assert_eq!(parse_percent("10%"), Ok(10.0));
        assert_eq!(parse_percent("0"), Ok(0.0));
        for bad in ["-1", "101", "a lot", "NaN", ""] {
            assert!(parse_percent(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn today_must_be_an_existing_day_written_in_full() {
        assert_eq!(
            parse_today("2027-01-04"),
            Ok(NaiveDate::from_ymd_opt(2027, 1, 4).unwrap())
        );
        for bad in ["2027-1-4", "04/01/2027", "2027-01-04x", "tomorrow", ""] {
            assert!(
                parse_today(bad).unwrap_err().contains("YYYY-MM-DD"),
                "{bad}"
            );
        }
        assert!(parse_today("2027-02-30")
            .unwrap_err()
            .contains("not a day on the calendar"));
    }
}
