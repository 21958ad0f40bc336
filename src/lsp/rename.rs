//! Rename and prepareRename: workspace-wide, refusing an invalid or already-taken name with a
//! message the editor shows.

use std::collections::HashMap;

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::{
    PrepareRenameResponse, RenameParams, TextDocumentPositionParams, TextEdit, Uri, WorkspaceEdit,
};

use crate::analysis::rename::{self, RenameError};
use crate::lsp::server::request_failed;
use crate::lsp::state::Snapshot;

pub fn prepare_rename(
    snapshot: &Snapshot,
    params: &TextDocumentPositionParams,
) -> Result<Option<PrepareRenameResponse>> {
    let Some((file, offset)) = snapshot.at(params) else {
        return Ok(None);
    };
    match rename::prepare(&snapshot.analysis, file, offset) {
        Ok(target) => Ok(Some(PrepareRenameResponse::RangeWithPlaceholder {
            range: snapshot.range(file, target.span),
            placeholder: target.name,
        })),
        Err(RenameError::NoSymbol) => Ok(None),
        Err(error) => Err(request_failed(error.to_string())),
    }
}

pub fn rename(snapshot: &Snapshot, params: &RenameParams) -> Result<Option<WorkspaceEdit>> {
    let Some((file, offset)) = snapshot.at(&params.text_document_position) else {
        return Ok(None);
    };
    let edits = rename::rename(&snapshot.analysis, file, offset, &params.new_name)
        .map_err(|error| request_failed(error.to_string()))?;
    Ok(Some(workspace_edit(snapshot, &edits)))
}

/// The analysis's edits as one workspace edit, grouped by file.
pub fn workspace_edit(snapshot: &Snapshot, edits: &[crate::analysis::Edit]) -> WorkspaceEdit {
    let mut changes: HashMap<Uri, Vec<TextEdit>> = HashMap::new();
    for edit in edits {
        changes
            .entry(snapshot.uri(edit.file).clone())
            .or_default()
            .push(TextEdit {
                range: snapshot.range(edit.file, edit.span),
                new_text: edit.new_text.clone(),
            });
    }
    WorkspaceEdit {
        changes: Some(changes),
        ..WorkspaceEdit::default()
    }
}
