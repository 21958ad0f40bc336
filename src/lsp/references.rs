//! Find references: every place that names the item under the cursor, in every file.

use tower_lsp_server::ls_types::{Location, ReferenceParams};

use crate::lsp::state::Snapshot;

pub fn references(snapshot: &Snapshot, params: &ReferenceParams) -> Option<Vec<Location>> {
    let (file, offset) = snapshot.at(&params.text_document_position)?;
    let item = snapshot.analysis.symbol_at(file, offset)?.item?;
    Some(
        snapshot
            .analysis
            .references(item, params.context.include_declaration)
            .into_iter()
            .map(|location| snapshot.location(location.file, location.span))
            .collect(),
    )
}
