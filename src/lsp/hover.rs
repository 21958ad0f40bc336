//! Hover: the analysis's summary of the item under the cursor, as Markdown (or the same text
//! without the Markdown for a client that has none, see `markup`), over the exact name.

use tower_lsp_server::ls_types::{Hover, HoverContents, HoverParams};

use crate::lsp::markup;
use crate::lsp::state::Snapshot;

pub fn hover(snapshot: &Snapshot, params: &HoverParams) -> Option<Hover> {
    let (file, offset) = snapshot.at(&params.text_document_position_params)?;
    let hover = snapshot.analysis.hover(file, offset)?;
    Some(Hover {
        contents: HoverContents::Markup(markup::content(
            hover.markdown,
            snapshot.features.hover_markdown,
        )),
        range: Some(snapshot.range(file, hover.span)),
    })
}
