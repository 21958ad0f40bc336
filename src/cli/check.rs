//! `planls check`: read the files, analyse them as one workspace, report.

use std::io::{self, Write};

use chrono::NaiveDate;

use super::render::{self, SourceFiles, Style};
use super::walk;
use super::{json, CheckArgs, Format, EXIT_ERRORS, EXIT_OK, EXIT_TROUBLE};
use crate::analysis::{self, Options, Severity, Workspace};

/// Checks the files `args` names and writes the report. Returns the exit status; an output
/// error is returned as is, except a closed pipe, after which the status still counts.
pub fn run(
    args: &CheckArgs,
    today: NaiveDate,
    color: bool,
    mut stdout: impl Write,
    mut stderr: impl Write,
) -> io::Result<u8> {
    let walk::Found {
        inputs,
        mut problems,
        warnings,
    } = walk::find_inputs(&args.paths);
    let mut sources = Vec::new();
    for input in &inputs {
        match walk::read(input) {
            Ok(source) => sources.push(source),
            Err(problem) => problems.push(problem),
        }
    }
    // The problems come first, so they are seen even when the report is long. Files left out
    // for confinement are said, but do not fail the check.
    for warning in &warnings {
        writeln!(stderr, "planls: warning: {warning}")?;
    }
    for problem in &problems {
        writeln!(stderr, "planls: {problem}")?;
    }
    stderr.flush()?;

    let workspace = Workspace::from_texts(sources.into_iter().map(|s| (s.display, s.text)));
    let analysis = analysis::analyze(&workspace, &Options { today });
    let diagnostics = analysis.diagnostics();

    let status = if !problems.is_empty() {
        EXIT_TROUBLE
    } else if diagnostics.iter().any(|d| d.severity == Severity::Error) {
        EXIT_ERRORS
    } else {
        EXIT_OK
    };

    let files = SourceFiles::new(&workspace);
    let written = match args.format {
        Format::Json => json::write_diagnostics(&mut stdout, &files, diagnostics),
        Format::Human | Format::Short => {
            let style = if args.format == Format::Human {
                Style::Rich
            } else {
                Style::Short
            };
            render::write_diagnostics(&mut stdout, &files, diagnostics, style, color).and_then(
                |()| {
                    writeln!(
                        stdout,
                        "{}",
                        render::summary(diagnostics, workspace.files().len())
                    )?;
                    stdout.flush()
                },
            )
        }
    };
    match written {
        Err(error) if error.kind() == io::ErrorKind::BrokenPipe => Ok(status),
        Err(error) => Err(error),
        Ok(()) => Ok(status),
    }
}
