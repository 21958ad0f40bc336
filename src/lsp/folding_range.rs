//! Folding: item blocks, multi-line strings, and runs of comment lines.

use tower_lsp_server::ls_types::{FoldingRange, FoldingRangeKind, FoldingRangeParams};

use crate::analysis::FileId;
use crate::lsp::state::Snapshot;
use crate::syntax::{Span, ValueKind};

pub fn folding_range(
    snapshot: &Snapshot,
    params: &FoldingRangeParams,
) -> Option<Vec<FoldingRange>> {
    let file = snapshot.file(&params.text_document.uri)?;
    let syntax = snapshot.syntax(file);
    let text = snapshot.text(file);
    let line = |offset: usize| snapshot.position(file, offset).line;
    let mut ranges = Vec::new();

    for item in &syntax.items {
        if let Some(body) = &item.body {
            let start = line(item.kind_span.start);
            // A `}` alone on its line stays visible, as editors fold their own braces.
            let end = match body.close {
                Some(close) if starts_its_line(text, close) => line(close.start).saturating_sub(1),
                Some(close) => line(close.start),
                None => line(body.span.end),
            };
            push(&mut ranges, start, end, None);
        }
        let strings = item.title.iter().map(|t| t.span).chain(
            item.fields
                .iter()
                .flat_map(|f| &f.values)
                .filter(|v| matches!(v.kind, ValueKind::String(_)))
                .map(|v| v.span),
        );
        for span in strings {
            push(&mut ranges, line(span.start), line(span.end), None);
        }
    }

    comment_runs(snapshot, file, &syntax.comments, &mut ranges);
    ranges.sort_by_key(|r| (r.start_line, r.end_line));
    Some(ranges)
}

/// Comments on consecutive lines, each alone on its line, fold together.
fn comment_runs(
    snapshot: &Snapshot,
    file: FileId,
    comments: &[Span],
    ranges: &mut Vec<FoldingRange>,
) {
    let text = snapshot.text(file);
    let mut lines: Vec<u32> = comments
        .iter()
        .filter(|c| starts_its_line(text, **c))
        .map(|c| snapshot.position(file, c.start).line)
        .collect();
    lines.sort();
    let mut run: Option<(u32, u32)> = None;
    for line in lines {
        run = match run {
            Some((start, end)) if line == end + 1 => Some((start, line)),
            Some((start, end)) => {
                push(ranges, start, end, Some(FoldingRangeKind::Comment));
                Some((line, line))
            }
            None => Some((line, line)),
        };
    }
    if let Some((start, end)) = run {
        push(ranges, start, end, Some(FoldingRangeKind::Comment));
    }
}

fn push(ranges: &mut Vec<FoldingRange>, start: u32, end: u32, kind: Option<FoldingRangeKind>) {
    if end > start {
        ranges.push(FoldingRange {
            start_line: start,
            start_character: None,
            end_line: end,
            end_character: None,
            kind,
            collapsed_text: None,
        });
    }
}

/// Whether only white space comes before `span` on its line.
fn starts_its_line(text: &str, span: Span) -> bool {
    text[..span.start]
        .chars()
        .rev()
        .take_while(|&c| c != '\n' && c != '\r')
        .all(char::is_whitespace)
}
