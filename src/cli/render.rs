//! Human output: diagnostics in the style of rustc, drawn by codespan-reporting.

use std::io::{self, Write};
use std::ops::Range;

use codespan_reporting::diagnostic::{self as cs, Label, LabelStyle};
use codespan_reporting::files::{self, Files};
use codespan_reporting::term::termcolor::{Ansi, NoColor, WriteColor};
use codespan_reporting::term::{self, Config, DisplayStyle};

use crate::analysis::{Diagnostic, FileId, Severity, Workspace};
use crate::syntax::{LineIndex, Span};

/// The workspace's files as codespan-reporting sees them, with their line starts computed once.
pub struct SourceFiles<'w> {
    workspace: &'w Workspace,
    lines: Vec<LineIndex>,
}

impl<'w> SourceFiles<'w> {
    pub fn new(workspace: &'w Workspace) -> Self {
        let lines = workspace
            .files()
            .iter()
            .map(|f| LineIndex::new(&f.text))
            .collect();
        SourceFiles { workspace, lines }
    }

    pub fn path(&self, file: FileId) -> &'w str {
        &self.workspace.file(file).path
    }

    /// 1-based line and 1-based column in characters of a byte offset.
    pub fn position(&self, file: FileId, offset: usize) -> (usize, usize) {
        let text = &self.workspace.file(file).text;
        let (line, column) = self.lines[file.0].line_col(text, offset);
        (line + 1, column + 1)
    }

    fn text(&self, file: usize) -> Result<&'w str, files::Error> {
        self.workspace
            .files()
            .get(file)
            .map(|f| &*f.text)
            .ok_or(files::Error::FileMissing)
    }
}

impl<'w> Files<'w> for SourceFiles<'w> {
    type FileId = usize;
    type Name = &'w str;
    type Source = &'w str;

    fn name(&'w self, id: usize) -> Result<&'w str, files::Error> {
        self.workspace
            .files()
            .get(id)
            .map(|f| f.path.as_str())
            .ok_or(files::Error::FileMissing)
    }

    fn source(&'w self, id: usize) -> Result<&'w str, files::Error> {
        self.text(id)
    }

    fn line_index(&'w self, id: usize, byte_index: usize) -> Result<usize, files::Error> {
        let lines = self.lines.get(id).ok_or(files::Error::FileMissing)?;
        Ok(lines.line(byte_index))
    }

    fn line_range(&'w self, id: usize, line_index: usize) -> Result<Range<usize>, files::Error> {
        let text = self.text(id)?;
        let lines = self.lines.get(id).ok_or(files::Error::FileMissing)?;
        let count = lines.line_count();
        if line_index >= count {
            return Err(files::Error::LineTooLarge {
                given: line_index,
                max: count - 1,
            });
        }
        let start = lines.line_start(line_index);
        let end = if line_index + 1 < count {
            lines.line_start(line_index + 1)
        } else {
            text.len()
        };
        Ok(start..end)
    }
}

/// The layout of human output.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    /// Source lines and carets.
    Rich,
    /// `file:line:column: severity[code]: message`.
    Short,
}

/// Writes each diagnostic, coloured when `color` is set.
pub fn write_diagnostics(
    out: impl Write,
    files: &SourceFiles,
    diagnostics: &[Diagnostic],
    style: Style,
    color: bool,
) -> io::Result<()> {
    let config = Config {
        display_style: match style {
            Style::Rich => DisplayStyle::Rich,
            Style::Short => DisplayStyle::Short,
        },
        ..Config::default()
    };
    if color {
        emit_all(&mut Ansi::new(out), &config, files, diagnostics)
    } else {
        emit_all(&mut NoColor::new(out), &config, files, diagnostics)
    }
}

fn emit_all(
    writer: &mut impl WriteColor,
    config: &Config,
    files: &SourceFiles,
    diagnostics: &[Diagnostic],
) -> io::Result<()> {
    for diagnostic in diagnostics {
        term::emit_to_write_style(writer, config, files, &to_codespan(diagnostic))
            .map_err(into_io_error)?;
    }
    writer.flush()
}

/// Converts one diagnostic: its span is the primary label, related places are secondary labels
/// (in whichever file they are), quick fixes become `help:` notes.
fn to_codespan(diagnostic: &Diagnostic) -> cs::Diagnostic<usize> {
    let mut labels = vec![Label::new(
        LabelStyle::Primary,
        diagnostic.file.0,
        range(diagnostic.span),
    )];
    labels.extend(diagnostic.related.iter().map(|related| {
        Label::new(LabelStyle::Secondary, related.file.0, range(related.span))
            .with_message(related.message.clone())
    }));
    let notes = diagnostic
        .fixes
        .iter()
        .map(|fix| format!("help: {}", fix.title))
        .collect();
    cs::Diagnostic::new(severity(diagnostic.severity))
        .with_code(diagnostic.code.as_str())
        .with_message(diagnostic.message.clone())
        .with_labels(labels)
        .with_notes(notes)
}

fn range(span: Span) -> Range<usize> {
    span.start..span.end
}

/// codespan-reporting has no `info` or `hint`: both are shown as `note`.
fn severity(severity: Severity) -> cs::Severity {
    match severity {
        Severity::Error => cs::Severity::Error,
        Severity::Warning => cs::Severity::Warning,
        Severity::Info | Severity::Hint => cs::Severity::Note,
    }
}

fn into_io_error(error: files::Error) -> io::Error {
    match error {
        files::Error::Io(error) => error,
        other => io::Error::other(other.to_string()),
    }
}

/// The closing line: `2 errors, 1 warning in 3 files` or `no problems in 3 files`.
pub fn summary(diagnostics: &[Diagnostic], file_count: usize) -> String {
    let count = |severity| {
        diagnostics
            .iter()
            .filter(|d| d.severity == severity)
            .count()
    };
    let parts: Vec<String> = [
        (Severity::Error, "error", "errors"),
        (Severity::Warning, "warning", "warnings"),
        (Severity::Info, "info", "infos"),
        (Severity::Hint, "hint", "hints"),
    ]
    .into_iter()
    .filter_map(|(severity, one, many)| match count(severity) {
        0 => None,
        1 => Some(format!("1 {one}")),
        n => Some(format!("{n} {many}")),
    })
    .collect();
    let files = match file_count {
        1 => "1 file".to_string(),
        n => format!("{n} files"),
    };
    if parts.is_empty() {
        format!("no problems in {files}")
    } else {
        format!("{} in {files}", parts.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::Code;

    fn diagnostic(code: Code) -> Diagnostic {
        Diagnostic::new(code, FileId(0), Span::new(0, 1), "message")
    }

    #[test]
    fn the_summary_counts_each_severity_in_words() {
        assert_eq!(summary(&[], 0), "no problems in 0 files");
        assert_eq!(summary(&[], 1), "no problems in 1 file");
        let found = [
            diagnostic(Code::SyntaxError),
            diagnostic(Code::UnresolvedReference),
            diagnostic(Code::MissingOwner),
            diagnostic(Code::BlockedUpstream),
        ];
        assert_eq!(summary(&found, 3), "2 errors, 1 warning, 1 hint in 3 files");
    }

    #[test]
    fn related_places_and_fixes_are_drawn_with_the_diagnostic() {
        let workspace = Workspace::from_texts([
            ("a.plan", "initiative x {}\n"),
            ("b.plan", "initiative x {}\n"),
        ]);
        let files = SourceFiles::new(&workspace);
        let diagnostic = Diagnostic::new(
            Code::DuplicateDefinition,
            FileId(1),
            Span::new(11, 12),
            "`x` is defined twice",
        )
        .with_related(FileId(0), Span::new(11, 12), "first defined here")
        .with_fix(crate::analysis::Fix {
            title: "rename to `x_2`".into(),
            edits: Vec::new(),
        });
        let mut out = Vec::new();
        write_diagnostics(&mut out, &files, &[diagnostic], Style::Rich, false).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(
            text,
            "error[duplicate-definition]: `x` is defined twice\n  \
             ┌─ b.plan:1:12\n  \
             │\n\
             1 │ initiative x {}\n  \
             │            ^\n  \
             │\n  \
             ┌─ a.plan:1:12\n  \
             │\n\
             1 │ initiative x {}\n  \
             │            - first defined here\n  \
             │\n  \
             = help: rename to `x_2`\n\n"
        );
    }
}
