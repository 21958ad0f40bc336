//! Go to definition: from a reference or a definition to where the item is defined.

use tower_lsp_server::ls_types::{GotoDefinitionParams, GotoDefinitionResponse};

use crate::lsp::state::Snapshot;

/// Every definition of the name under the cursor; an ID defined twice has two.
pub fn definition(
    snapshot: &Snapshot,
    params: &GotoDefinitionParams,
) -> Option<GotoDefinitionResponse> {
    let (file, offset) = snapshot.at(&params.text_document_position_params)?;
    let analysis = &snapshot.analysis;
    let symbol = analysis.symbol_at(file, offset)?;
    symbol.item?;
    let mut locations: Vec<_> = analysis
        .index()
        .definitions(&symbol.name)
        .iter()
        .map(|&id| {
            let item = analysis.item(id);
            snapshot.location(item.file, item.name_span)
        })
        .collect();
    match locations.len() {
        0 => None,
        1 => locations.pop().map(GotoDefinitionResponse::Scalar),
        _ => Some(GotoDefinitionResponse::Array(locations)),
    }
}
