//! Document highlight: the other places in this file that name the same item, the definition
//! marked as a write.

use tower_lsp_server::ls_types::{
    DocumentHighlight, DocumentHighlightKind, DocumentHighlightParams,
};

use crate::lsp::state::Snapshot;

pub fn document_highlight(
    snapshot: &Snapshot,
    params: &DocumentHighlightParams,
) -> Option<Vec<DocumentHighlight>> {
    let (file, offset) = snapshot.at(&params.text_document_position_params)?;
    let analysis = &snapshot.analysis;
    let symbol = analysis.symbol_at(file, offset)?;
    let highlight = |span, kind| DocumentHighlight {
        range: snapshot.range(file, span),
        kind: Some(kind),
    };
    let mut highlights = Vec::new();
    match symbol.item {
        Some(item) => {
            let definition = analysis.item(item);
            for location in analysis.references(item, true) {
                if location.file != file {
                    continue;
                }
                let is_definition =
                    location.file == definition.file && location.span == definition.name_span;
                let kind = if is_definition {
                    DocumentHighlightKind::WRITE
                } else {
                    DocumentHighlightKind::READ
                };
                highlights.push(highlight(location.span, kind));
            }
        }
        // A name that resolves to nothing: its other uses in this file, so a typo stands out.
        None => {
            for site in analysis.index().references_in(file) {
                if site.name == symbol.name {
                    highlights.push(highlight(site.span, DocumentHighlightKind::READ));
                }
            }
        }
    }
    Some(highlights)
}
