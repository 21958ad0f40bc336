//! `--format json`: one array of diagnostics. This shape is an interface that other tools
//! read (editors' CI integrations); change it only by adding fields.

use std::io::{self, Write};

use serde::Serialize;

use super::render::SourceFiles;
use crate::analysis::Diagnostic;

/// One diagnostic. Lines and columns are 1-based and columns count characters (not bytes);
/// `end_line`/`end_column` is the position just after the last character of the span.
#[derive(Debug, Serialize)]
pub struct JsonDiagnostic<'a> {
    pub file: &'a str,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    /// `error`, `warning`, `info` or `hint`.
    pub severity: &'static str,
    /// The stable code, like `unresolved-reference`.
    pub code: &'static str,
    pub message: &'a str,
    pub related: Vec<JsonRelated<'a>>,
}

/// Another place that explains the diagnostic.
#[derive(Debug, Serialize)]
pub struct JsonRelated<'a> {
    pub file: &'a str,
    pub line: usize,
    pub column: usize,
    pub message: &'a str,
}

pub fn to_json<'a>(files: &SourceFiles<'a>, diagnostic: &'a Diagnostic) -> JsonDiagnostic<'a> {
    let (line, column) = files.position(diagnostic.file, diagnostic.span.start);
    let (end_line, end_column) = files.position(diagnostic.file, diagnostic.span.end);
    JsonDiagnostic {
        file: files.path(diagnostic.file),
        line,
        column,
        end_line,
        end_column,
        severity: diagnostic.severity.as_str(),
        code: diagnostic.code.as_str(),
        message: &diagnostic.message,
        related: diagnostic
            .related
            .iter()
            .map(|related| {
                let (line, column) = files.position(related.file, related.span.start);
                JsonRelated {
                    file: files.path(related.file),
                    line,
                    column,
                    message: &related.message,
                }
            })
            .collect(),
    }
}

/// Writes the diagnostics as one pretty-printed JSON array and a newline.
pub fn write_diagnostics(
    mut out: impl Write,
    files: &SourceFiles,
    diagnostics: &[Diagnostic],
) -> io::Result<()> {
    let array: Vec<JsonDiagnostic> = diagnostics.iter().map(|d| to_json(files, d)).collect();
    serde_json::to_writer_pretty(&mut out, &array)?;
    writeln!(out)?;
    out.flush()
}
