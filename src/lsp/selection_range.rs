//! Selection ranges: expand from a name to its value, field, block, item and the whole file.

use tower_lsp_server::ls_types::{SelectionRange, SelectionRangeParams};

use crate::analysis::FileId;
use crate::lsp::state::Snapshot;
use crate::syntax::{Span, ValueKind};

pub fn selection_range(
    snapshot: &Snapshot,
    params: &SelectionRangeParams,
) -> Option<Vec<SelectionRange>> {
    let file = snapshot.file(&params.text_document.uri)?;
    params
        .positions
        .iter()
        .map(|&position| {
            let offset = snapshot.offset(file, position)?;
            Some(chain(snapshot, file, offset))
        })
        .collect()
}

/// The spans around `offset`, innermost first, each strictly larger than the one before.
fn spans_around(snapshot: &Snapshot, file: FileId, offset: usize) -> Vec<Span> {
    let syntax = snapshot.syntax(file);
    let mut spans = vec![Span::new(0, snapshot.text(file).len())];
    for item in syntax.items.iter().filter(|i| i.span.touches(offset)) {
        spans.push(item.span);
        spans.push(item.kind_span);
        spans.extend(item.id.as_ref().map(|id| id.span));
        spans.extend(item.title.as_ref().map(|t| t.span));
        if let Some(body) = &item.body {
            spans.push(body.span);
        }
        for field in item.fields.iter().filter(|f| f.span.touches(offset)) {
            spans.push(field.span);
            spans.push(field.key.span);
            if let (Some(first), Some(last)) = (field.values.first(), field.values.last()) {
                spans.push(first.span.cover(last.span));
            }
            for value in &field.values {
                spans.push(value.span);
                match &value.kind {
                    ValueKind::Person(name) => spans.push(name.span),
                    ValueKind::Reference(reference) => {
                        spans.push(reference.name.span);
                        spans.extend(reference.lag.as_ref().map(|lag| lag.span));
                    }
                    _ => {}
                }
            }
        }
    }
    spans.extend(syntax.comments.iter().copied());
    spans.retain(|span| span.touches(offset));
    // At the boundary of two tokens, the one the cursor is inside of wins.
    spans.sort_by_key(|span| (span.len(), !span.contains(offset)));
    let mut nested: Vec<Span> = Vec::new();
    for span in spans {
        let encloses_last = nested
            .last()
            .is_none_or(|last| span != *last && span.start <= last.start && last.end <= span.end);
        if encloses_last {
            nested.push(span);
        }
    }
    nested
}

fn chain(snapshot: &Snapshot, file: FileId, offset: usize) -> SelectionRange {
    let mut parent: Option<Box<SelectionRange>> = None;
    for span in spans_around(snapshot, file, offset).into_iter().rev() {
        parent = Some(Box::new(SelectionRange {
            range: snapshot.range(file, span),
            parent,
        }));
    }
    *parent.expect("the whole file always surrounds the offset")
}
