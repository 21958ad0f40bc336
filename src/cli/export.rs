//! `planls export`: the forecast as a TaskJuggler project, a Mermaid chart or a Graphviz graph.

use std::fs;
use std::io::{self, Write};

use chrono::NaiveDate;

use super::load;
use super::{ExportArgs, ExportFormat, EXIT_OK, EXIT_TROUBLE};
use crate::export::{dot, mermaid, taskjuggler};

pub fn run(
    args: &ExportArgs,
    clock_today: NaiveDate,
    stdout: impl Write,
    mut stderr: impl Write,
) -> io::Result<u8> {
    if args.graph && args.format != ExportFormat::Mermaid {
        writeln!(
            stderr,
            "planls: --graph is for --format mermaid (the dot export is always a graph)"
        )?;
        return Ok(EXIT_TROUBLE);
    }
    let load::Loaded {
        analysis, trouble, ..
    } = load::analyse(&args.paths, args.today, clock_today, &mut stderr)?;
    if args.format == ExportFormat::Tjp {
        if let Some(warning) = taskjuggler::out_of_range(&analysis) {
            writeln!(stderr, "planls: warning: {warning}")?;
        }
    }
    let text = match args.format {
        ExportFormat::Tjp => taskjuggler::export(&analysis),
        ExportFormat::Mermaid if args.graph => mermaid::graph(&analysis),
        ExportFormat::Mermaid => mermaid::gantt(&analysis),
        ExportFormat::Dot => dot::export(&analysis),
    };
    match &args.output {
        Some(path) => {
            if let Err(error) = fs::write(path, &text) {
                writeln!(stderr, "planls: cannot write {}: {error}", path.display())?;
                return Ok(EXIT_TROUBLE);
            }
        }
        None => load::write_all(stdout, &text)?,
    }
    Ok(if trouble { EXIT_TROUBLE } else { EXIT_OK })
}
