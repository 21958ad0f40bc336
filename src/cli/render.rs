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
    /// Per file, a start every [`BLOCK`] bytes or so and the number of characters before it, so
    /// that a column on a very long line costs one block's counting, not the whole line's.
    blocks: Vec<Vec<(usize, usize)>>,
}

/// The stride of the character counts kept for columns.
const BLOCK: usize = 4096;

impl<'w> SourceFiles<'w> {
    pub fn new(workspace: &'w Workspace) -> Self {
        let lines = workspace
            .files()
            .iter()
            .map(|f| LineIndex::new(&f.text))
            .collect();
        let blocks = workspace
            .files()
            .iter()
            .map(|f| {
                let mut blocks = vec![(0, 0)];
                let (mut start, mut chars) = (0, 0);
                while start + BLOCK < f.text.len() {
                    let end = floor_char_boundary(&f.text, start + BLOCK);
                    chars += f.text[start..end].chars().count();
                    blocks.push((end, chars));
                    start = end;
                }
                blocks
            })
            .collect();
        SourceFiles {
            workspace,
            lines,
            blocks,
        }
    }

    pub fn path(&self, file: FileId) -> &'w str {
        &self.workspace.file(file).path
    }

    /// 1-based line and 1-based column in characters of a byte offset.
    pub fn position(&self, file: FileId, offset: usize) -> (usize, usize) {
        let text = &self.workspace.file(file).text;
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let line = self.lines[file.0].line(offset);
        let start = self.lines[file.0].line_start(line);
        let column = self.chars_before(file.0, offset) - self.chars_before(file.0, start);
        (line + 1, column + 1)
    }

    /// The number of characters before `offset`, a character boundary.
    fn chars_before(&self, file: usize, offset: usize) -> usize {
        let text = &self.workspace.files()[file].text;
        let blocks = &self.blocks[file];
        let (start, chars) = blocks[blocks.partition_point(|&(start, _)| start <= offset) - 1];
        chars + text[start..offset].chars().count()
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

    /// The default counts the characters from the line's start, which is quadratic over many
    /// diagnostics on one long line.
    fn location(&'w self, id: usize, byte_index: usize) -> Result<files::Location, files::Error> {
        self.text(id)?;
        let (line_number, column_number) = self.position(FileId(id), byte_index);
        Ok(files::Location {
            line_number,
            column_number,
        })
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
        let emitted = match config.display_style {
            // Only the source lines the labels touch are drawn, each cut to a window around the
            // labels: the output for one diagnostic does not grow with the length of its lines.
            DisplayStyle::Rich => {
                let excerpt = Excerpt::new(files, diagnostic);
                let labels = excerpt.labels(diagnostic);
                term::emit_to_write_style(
                    writer,
                    config,
                    &excerpt,
                    &to_codespan(diagnostic, labels),
                )
            }
            _ => {
                let labels = labels(diagnostic, |file, span| (file.0, range(span)));
                term::emit_to_write_style(writer, config, files, &to_codespan(diagnostic, labels))
            }
        };
        emitted.map_err(into_io_error)?;
    }
    writer.flush()
}

/// The labels of a diagnostic: its span is the primary label, related places are secondary
/// labels (in whichever file they are). `place` says where a span is for codespan-reporting.
fn labels(
    diagnostic: &Diagnostic,
    mut place: impl FnMut(FileId, Span) -> (usize, Range<usize>),
) -> Vec<Label<usize>> {
    let (file, range) = place(diagnostic.file, diagnostic.span);
    let mut labels = vec![Label::new(LabelStyle::Primary, file, range)];
    labels.extend(diagnostic.related.iter().map(|related| {
        let (file, range) = place(related.file, related.span);
        Label::new(LabelStyle::Secondary, file, range).with_message(related.message.clone())
    }));
    labels
}

/// Converts one diagnostic with its labels; quick fixes become `help:` notes.
fn to_codespan(diagnostic: &Diagnostic, labels: Vec<Label<usize>>) -> cs::Diagnostic<usize> {
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

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

fn ceil_char_boundary(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset += 1;
    }
    offset
}

/// A line longer than this many bytes is not drawn whole, only windows of it around the labels.
const LONG_LINE: usize = 160;
/// How many bytes (to the nearest character) a window shows on each side of where a label starts
/// or ends.
const CONTEXT: usize = 60;
/// What stands for the text left out of a long line.
const ELISION: &str = "…";
/// The lines codespan-reporting draws between the first and last line of a label over several
/// lines (`Config::default()`'s `start_context_lines` and `end_context_lines`).
const START_CONTEXT_LINES: usize = 3;
const END_CONTEXT_LINES: usize = 1;

/// What one diagnostic shows of its files, for codespan-reporting: only the lines its labels
/// draw, and of a long line only windows around the places labels start and end, the rest elided
/// with `…`. Line numbers, line indexes and the columns in the header are those of the real file;
/// byte offsets are into the excerpt's own text.
struct Excerpt<'a> {
    files: &'a SourceFiles<'a>,
    views: Vec<View>,
}

/// The drawn part of one file.
struct View {
    file: FileId,
    text: String,
    line_count: usize,
    /// The drawn lines in order: the real line index, the line's range in `text` (with its line
    /// break) and how real offsets on it map into `text`.
    lines: Vec<(usize, Range<usize>, Vec<Segment>)>,
    /// Where in the real file each label starts, by its offset in `text`, for the header.
    locations: Vec<(usize, files::Location)>,
}

/// A piece of a real line copied into the excerpt: `real` starts at `excerpt`.
#[derive(Clone, Copy)]
struct Segment {
    real: (usize, usize),
    excerpt: usize,
}

impl<'a> Excerpt<'a> {
    fn new(files: &'a SourceFiles<'a>, diagnostic: &Diagnostic) -> Self {
        let mut spans: Vec<(FileId, Span)> = vec![(diagnostic.file, diagnostic.span)];
        spans.extend(diagnostic.related.iter().map(|r| (r.file, r.span)));
        let mut excerpt = Excerpt {
            files,
            views: Vec::new(),
        };
        let mut file_order: Vec<FileId> = Vec::new();
        for (file, _) in &spans {
            if !file_order.contains(file) {
                file_order.push(*file);
            }
        }
        for file in file_order {
            let own: Vec<Span> = spans
                .iter()
                .filter(|(f, _)| *f == file)
                .map(|(_, span)| *span)
                .collect();
            excerpt.views.push(View::new(files, file, &own));
        }
        excerpt
    }

    /// The diagnostic's labels, in the excerpt's offsets.
    fn labels(&self, diagnostic: &Diagnostic) -> Vec<Label<usize>> {
        labels(diagnostic, |file, span| {
            let id = self
                .views
                .iter()
                .position(|v| v.file == file)
                .expect("every labelled file has a view");
            let view = &self.views[id];
            let start = view.map(span.start);
            (id, start..view.map(span.end).max(start))
        })
    }

    fn view(&self, id: usize) -> Result<&View, files::Error> {
        self.views.get(id).ok_or(files::Error::FileMissing)
    }
}

impl View {
    fn new(files: &SourceFiles, file: FileId, spans: &[Span]) -> View {
        let text = &files.workspace.file(file).text;
        let index = &files.lines[file.0];
        let clamp = |offset: usize| floor_char_boundary(text, offset.min(text.len()));
        // Every place a label starts or ends, by line; and the lines drawn.
        let mut points: Vec<(usize, usize)> = Vec::new();
        let mut drawn: Vec<usize> = Vec::new();
        for span in spans {
            let (start, end) = (clamp(span.start), clamp(span.end.max(span.start)));
            let (first, last) = (index.line(start), index.line(end));
            points.push((first, start));
            points.push((last, end));
            drawn.extend(first..=last.min(first + START_CONTEXT_LINES));
            drawn.extend(last.saturating_sub(END_CONTEXT_LINES).max(first)..=last);
        }
        drawn.sort_unstable();
        drawn.dedup();
        // codespan-reporting draws a line between two drawn lines one apart rather than `·`.
        let gaps: Vec<usize> = drawn
            .windows(2)
            .filter(|w| w[1] == w[0] + 2)
            .map(|w| w[0] + 1)
            .collect();
        drawn.extend(gaps);
        drawn.sort_unstable();

        let mut view = View {
            file,
            text: String::new(),
            line_count: index.line_count(),
            lines: Vec::new(),
            locations: Vec::new(),
        };
        for line in drawn {
            let start = index.line_start(line);
            let end = if line + 1 < index.line_count() {
                index.line_start(line + 1)
            } else {
                text.len()
            };
            let content_end = start + text[start..end].trim_end_matches(['\n', '\r']).len();
            let excerpt_start = view.text.len();
            let mut segments = Vec::new();
            if content_end - start <= LONG_LINE {
                segments.push(Segment {
                    real: (start, end),
                    excerpt: excerpt_start,
                });
                view.text.push_str(&text[start..end]);
            } else {
                // Windows around each place on this line; a line with none (inside a label over
                // several lines) shows its beginning.
                let mut windows: Vec<(usize, usize)> = points
                    .iter()
                    .filter(|(l, _)| *l == line)
                    .map(|&(_, at)| {
                        let at = at.min(content_end);
                        (
                            floor_char_boundary(text, at.saturating_sub(CONTEXT).max(start)),
                            ceil_char_boundary(text, (at + CONTEXT).min(content_end)),
                        )
                    })
                    .collect();
                if windows.is_empty() {
                    windows.push((start, ceil_char_boundary(text, start + 2 * CONTEXT)));
                }
                windows.sort_unstable();
                let mut merged: Vec<(usize, usize)> = Vec::new();
                for (a, b) in windows {
                    match merged.last_mut() {
                        Some(last) if a <= last.1 + ELISION.len() => last.1 = last.1.max(b),
                        _ => merged.push((a, b)),
                    }
                }
                let mut previous = start;
                for (a, b) in merged {
                    if a > previous {
                        view.text.push_str(ELISION);
                    }
                    segments.push(Segment {
                        real: (a, b),
                        excerpt: view.text.len(),
                    });
                    view.text.push_str(&text[a..b]);
                    previous = b;
                }
                if previous < content_end {
                    view.text.push_str(ELISION);
                }
                segments.push(Segment {
                    real: (content_end, end),
                    excerpt: view.text.len(),
                });
                view.text.push_str(&text[content_end..end]);
            }
            view.lines
                .push((line, excerpt_start..view.text.len(), segments));
        }
        for span in spans {
            let (line_number, column_number) = files.position(file, span.start);
            let at = view.map(span.start);
            view.locations.push((
                at,
                files::Location {
                    line_number,
                    column_number,
                },
            ));
        }
        view
    }

    /// Where a real offset is in the excerpt; every place a label starts or ends is in a window.
    fn map(&self, real: usize) -> usize {
        for (_, _, segments) in &self.lines {
            for segment in segments {
                if segment.real.0 <= real && real <= segment.real.1 {
                    return segment.excerpt + (real - segment.real.0);
                }
            }
        }
        // Past the end of the file: the end of the excerpt.
        self.text.len()
    }
}

impl<'a> Files<'a> for Excerpt<'a> {
    type FileId = usize;
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, id: usize) -> Result<&'a str, files::Error> {
        Ok(self.files.path(self.view(id)?.file))
    }

    fn source(&'a self, id: usize) -> Result<&'a str, files::Error> {
        Ok(&self.view(id)?.text)
    }

    /// The real line index of an offset into the excerpt.
    fn line_index(&'a self, id: usize, byte_index: usize) -> Result<usize, files::Error> {
        let view = self.view(id)?;
        let found = view
            .lines
            .partition_point(|(_, range, _)| range.start <= byte_index);
        Ok(view.lines[found.saturating_sub(1)].0)
    }

    /// The range in the excerpt of a real line; empty for a line that is not drawn.
    fn line_range(&'a self, id: usize, line_index: usize) -> Result<Range<usize>, files::Error> {
        let view = self.view(id)?;
        if line_index >= view.line_count {
            return Err(files::Error::LineTooLarge {
                given: line_index,
                max: view.line_count - 1,
            });
        }
        Ok(
            match view
                .lines
                .binary_search_by_key(&line_index, |(line, _, _)| *line)
            {
                Ok(found) => view.lines[found].1.clone(),
                Err(_) => view.text.len()..view.text.len(),
            },
        )
    }

    fn location(&'a self, id: usize, byte_index: usize) -> Result<files::Location, files::Error> {
        let view = self.view(id)?;
        match view.locations.iter().find(|(at, _)| *at == byte_index) {
            Some((_, location)) => Ok(*location),
            None => {
                let line_index = self.line_index(id, byte_index)?;
                let range = self.line_range(id, line_index)?;
                Ok(files::Location {
                    line_number: line_index + 1,
                    column_number: files::column_index(&view.text, range, byte_index) + 1,
                })
            }
        }
    }
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

    /// A writer that refuses to take more than `cap` bytes, so a test of a bound fails fast.
    struct Capped {
        written: usize,
        cap: usize,
    }

    impl Write for Capped {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.written += buf.len();
            if self.written > self.cap {
                return Err(io::Error::other("over the bound"));
            }
            Ok(buf.len())
        }

        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_long_line_with_many_diagnostics_prints_a_bounded_excerpt_of_it_for_each() {
        // 2,000 items on one line of about 1 MB, each without an owner.
        let title = "t".repeat(500);
        let line: String = (0..2000)
            .map(|i| format!("initiative i{i} \"{title}\" {{}} "))
            .collect();
        assert!(line.len() > 1_000_000);
        let workspace = Workspace::from_texts([("long.plan", format!("{line}\n"))]);
        let today = chrono::NaiveDate::from_ymd_opt(2027, 1, 4).unwrap();
        let analysis = crate::analysis::analyze(&workspace, &crate::analysis::Options { today });
        let diagnostics = analysis.diagnostics();
        assert!(diagnostics.len() >= 2000, "{}", diagnostics.len());
        let files = SourceFiles::new(&workspace);
        for (style, per_diagnostic) in [(Style::Rich, 1500), (Style::Short, 200)] {
            let mut out = Capped {
                written: 0,
                cap: per_diagnostic * diagnostics.len(),
            };
            write_diagnostics(&mut out, &files, diagnostics, style, false)
                .unwrap_or_else(|e| panic!("{style:?}: {e} of {} bytes", out.cap));
        }
        // The excerpt shows the place, with the real line and column.
        let mut out = Vec::new();
        write_diagnostics(
            &mut out,
            &files,
            &diagnostics[1000..1001],
            Style::Rich,
            false,
        )
        .unwrap();
        let text = String::from_utf8(out).unwrap();
        let column = line.find("i1000 ").unwrap() + 1;
        assert!(text.contains(&format!("long.plan:1:{column}")), "{text}");
        let source_line = text.lines().find(|l| l.starts_with("1 │ ")).unwrap();
        assert!(source_line.starts_with("1 │ …tttt"), "{text}");
        assert!(
            source_line.contains("tttt\" {} initiative i1000 \"tttt"),
            "{text}"
        );
        assert!(source_line.ends_with("tttt…"), "{text}");
        assert!(text.lines().all(|l| l.chars().count() < 200), "{text}");
    }

    /// Rich output drawn from the whole files, as before excerpts.
    fn whole(files: &SourceFiles, diagnostics: &[Diagnostic]) -> String {
        let mut out = NoColor::new(Vec::new());
        for diagnostic in diagnostics {
            let labels = labels(diagnostic, |file, span| (file.0, range(span)));
            term::emit_to_write_style(
                &mut out,
                &Config::default(),
                files,
                &to_codespan(diagnostic, labels),
            )
            .unwrap();
        }
        String::from_utf8(out.into_inner()).unwrap()
    }

    fn rich(files: &SourceFiles, diagnostics: &[Diagnostic]) -> String {
        let mut out = Vec::new();
        write_diagnostics(&mut out, files, diagnostics, Style::Rich, false).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn excerpts_of_short_lines_draw_what_the_whole_files_would() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/analysis");
        let mut cases = 0;
        for entry in std::fs::read_dir(root).unwrap() {
            let path = entry.unwrap().path();
            let paths: Vec<_> = if path.is_dir() {
                std::fs::read_dir(&path)
                    .unwrap()
                    .map(|e| e.unwrap().path())
                    .collect()
            } else {
                vec![path]
            };
            let texts = paths
                .iter()
                .filter(|p| p.extension().is_some_and(|e| e == "plan"))
                .map(|p| (p.display().to_string(), std::fs::read_to_string(p).unwrap()));
            let workspace = Workspace::from_texts(texts);
            let today = chrono::NaiveDate::from_ymd_opt(2027, 1, 4).unwrap();
            let analysis =
                crate::analysis::analyze(&workspace, &crate::analysis::Options { today });
            let files = SourceFiles::new(&workspace);
            let diagnostics = analysis.diagnostics();
            assert_eq!(rich(&files, diagnostics), whole(&files, diagnostics));
            cases += 1;
        }
        assert!(cases > 30);
        // Spans over several lines, CRLF, a span at the very end, related places in two files.
        let workspace = Workspace::from_texts([
            (
                "a.plan",
                "initiative a {\r\n  depends_on: b\r\n\r\n\r\n\r\n\r\n  owner: @x\r\n  x: 1\r\n}",
            ),
            (
                "b.plan",
                "initiative b { depends_on: a }\ninitiative a {}\ninitiative",
            ),
        ]);
        let today = chrono::NaiveDate::from_ymd_opt(2027, 1, 4).unwrap();
        let analysis = crate::analysis::analyze(&workspace, &crate::analysis::Options { today });
        let files = SourceFiles::new(&workspace);
        let mut diagnostics = analysis.diagnostics().to_vec();
        diagnostics.push(
            Diagnostic::new(Code::SyntaxError, FileId(0), Span::new(3, 60), "over lines")
                .with_related(FileId(1), Span::new(56, 56), "at the end")
                .with_related(FileId(0), Span::new(0, 2), "at the start"),
        );
        assert_eq!(rich(&files, &diagnostics), whole(&files, &diagnostics));
    }

    #[test]
    fn long_lines_in_labels_over_several_lines_are_cut_too() {
        let long = "x".repeat(10_000);
        let text = format!(
            "initiative a {{ # {long}\n  owner: @b # {long}\n{long}\n{long}\n{long}\n}} # {long}\n"
        );
        let workspace = Workspace::from_texts([("a.plan", text.clone())]);
        let files = SourceFiles::new(&workspace);
        let diagnostics = [Diagnostic::new(
            Code::SyntaxError,
            FileId(0),
            Span::new(11, text.len() - 1),
            "all",
        )
        .with_related(FileId(0), Span::new(text.len() - 3, text.len()), "end")
        .with_related(FileId(0), Span::new(30, 9_000), "within the first line")];
        let out = rich(&files, &diagnostics);
        assert!(out.len() < 3_000, "{out}");
        assert!(out.contains("a.plan:1:12"), "{out}");
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
