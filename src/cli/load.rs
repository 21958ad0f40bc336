//! Reading the workspace the way `check` does, for the commands that render the forecast:
//! the same paths, walk and problems on stderr.

use std::io::{self, Write};
use std::path::PathBuf;

use chrono::NaiveDate;

use super::walk;
use crate::analysis::{self, Analysis, Options, Workspace};

/// The analysis of the files under `paths`, and whether some path could not be used (each
/// problem is one line on `stderr`, as `check` says it; the other files are still read).
pub fn analyse(
    paths: &[PathBuf],
    today: NaiveDate,
    mut stderr: impl Write,
) -> io::Result<(Analysis, bool)> {
    let walk::Found {
        inputs,
        mut problems,
        warnings,
    } = walk::find_inputs(paths);
    let mut sources = Vec::new();
    for input in &inputs {
        match walk::read(input) {
            Ok(source) => sources.push(source),
            Err(problem) => problems.push(problem),
        }
    }
    for warning in &warnings {
        writeln!(stderr, "planls: warning: {warning}")?;
    }
    for problem in &problems {
        writeln!(stderr, "planls: {problem}")?;
    }
    stderr.flush()?;
    let workspace = Workspace::from_texts(sources.into_iter().map(|s| (s.display, s.text)));
    Ok((
        analysis::analyze(&workspace, &Options { today }),
        !problems.is_empty(),
    ))
}

/// Writes `text`; a closed pipe (`planls schedule | head`) is not an error.
pub fn write_all(mut out: impl Write, text: &str) -> io::Result<()> {
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(error) if error.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}
