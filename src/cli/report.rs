//! `planls report`: read the files (and, with --since, the same files at a git ref), build the
//! report from the analysis and write it. All the report's content comes from `crate::report`.

use std::fs;
use std::io::{self, Write};
use std::path::Path;

use chrono::NaiveDate;

use super::{git, load, ReportArgs, ReportFormat, EXIT_OK, EXIT_TROUBLE};
use crate::analysis::{self, Options, Workspace};
use crate::report::{self, Format};

/// Writes the report `args` asks for; returns the exit status (2 when an input could not be
/// read, the ref is unknown or the output cannot be written).
pub fn run(
    args: &ReportArgs,
    clock_today: NaiveDate,
    mut stdout: impl Write,
    mut stderr: impl Write,
) -> io::Result<u8> {
    let load::Loaded {
        analysis,
        today,
        trouble,
    } = load::analyse(&args.paths, args.today, clock_today, &mut stderr)?;
    if trouble {
        // A report of part of the plan would say the wrong thing with confidence.
        writeln!(stderr, "planls: no report written")?;
        return Ok(EXIT_TROUBLE);
    }
    let options = Options { today };
    let mut built = report::build(&analysis, today);
    if let Some(reference) = &args.since {
        match git::files_at(&args.paths, reference) {
            Ok(files) => {
                let before = analysis::analyze(&Workspace::from_texts(files), &options);
                built.changes = Some(report::changes::between(&before, &analysis, reference));
            }
            Err(problem) => {
                writeln!(stderr, "planls: {problem}")?;
                return Ok(EXIT_TROUBLE);
            }
        }
    }
    let format = format_of(args);
    let text = report::render(&built, format);
    match &args.output {
        Some(path) => {
            if let Err(error) = fs::write(path, text) {
                writeln!(stderr, "planls: cannot write {}: {error}", path.display())?;
                return Ok(EXIT_TROUBLE);
            }
        }
        None => match stdout
            .write_all(text.as_bytes())
            .and_then(|()| stdout.flush())
        {
            Err(error) if error.kind() == io::ErrorKind::BrokenPipe => {}
            other => other?,
        },
    }
    Ok(EXIT_OK)
}

/// `--format`, else the output file's extension (`.md`, `.json`), else HTML.
fn format_of(args: &ReportArgs) -> Format {
    match args.format {
        Some(ReportFormat::Html) => Format::Html,
        Some(ReportFormat::Md) => Format::Markdown,
        Some(ReportFormat::Json) => Format::Json,
        None => args
            .output
            .as_deref()
            .and_then(Path::extension)
            .and_then(|e| e.to_str())
            .and_then(|e| Format::parse(&e.to_ascii_lowercase()))
            .unwrap_or(Format::Html),
    }
}
