//! `--format json`: one array of diagnostics. This shape is an interface that other tools
//! read (editors' CI integrations); change it only by adding fields.

use std::io::{self, Write};

use serde::Serialize;

use super::render::SourceFiles;
use crate::analysis::{Data, Diagnostic};

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
    /// The numbers and IDs the message states (`slip_days`, `critical_path`, `suggestion`...);
    /// `{}` when it states none.
    pub data: &'a Data,
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
        data: &diagnostic.data,
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{Code, Workspace};
    use crate::syntax::Span;

    #[test]
    fn positions_are_one_based_characters_and_related_places_name_their_file() {
        let workspace = Workspace::from_texts([
            ("a.plan", "initiative x {}\n"),
            ("b.plan", "# Zoë 😀\ninitiative x {}\n"),
        ]);
        let files = SourceFiles::new(&workspace);
        let b = workspace.find("b.plan").unwrap();
        let a = workspace.find("a.plan").unwrap();
        // `x` in b.plan is at byte 23: the first line is 11 bytes but 8 characters.
        let diagnostic = Diagnostic::new(
            Code::DuplicateDefinition,
            b,
            Span::new(23, 24),
            "`x` is defined twice",
        )
        .with_related(a, Span::new(11, 12), "first defined here");
        let json = serde_json::to_value(to_json(&files, &diagnostic)).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "file": "b.plan",
                "line": 2,
                "column": 12,
                "end_line": 2,
                "end_column": 13,
                "severity": "error",
                "code": "duplicate-definition",
                "message": "`x` is defined twice",
                "related": [
                    {"file": "a.plan", "line": 1, "column": 12, "message": "first defined here"}
                ],
                "data": {}
            })
        );
    }
}
