//! Hover: the analysis's summary of the item under the cursor, as Markdown (or plain text for a
//! client that has no Markdown), over the exact name.

use tower_lsp_server::ls_types::{Hover, HoverContents, HoverParams, MarkupContent, MarkupKind};

use crate::lsp::state::Snapshot;

pub fn hover(snapshot: &Snapshot, params: &HoverParams) -> Option<Hover> {
    let (file, offset) = snapshot.at(&params.text_document_position_params)?;
    let hover = snapshot.analysis.hover(file, offset)?;
    let kind = if snapshot.features.hover_markdown {
        MarkupKind::Markdown
    } else {
        MarkupKind::PlainText
    };
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind,
            value: hover.markdown,
        }),
        range: Some(snapshot.range(file, hover.span)),
    })
}
