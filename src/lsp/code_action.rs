//! Code actions: the quick fixes the diagnostics carry (did you mean, create the missing item,
//! add an owner), offered where the diagnostic is.

use tower_lsp_server::ls_types::{
    CodeAction, CodeActionKind, CodeActionOptions, CodeActionOrCommand, CodeActionParams,
    CodeActionProviderCapability, CodeActionResponse,
};

use crate::lsp::diagnostics::to_lsp;
use crate::lsp::rename::workspace_edit;
use crate::lsp::state::Snapshot;

pub fn options() -> CodeActionProviderCapability {
    CodeActionProviderCapability::Options(CodeActionOptions {
        code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
        ..CodeActionOptions::default()
    })
}

pub fn code_action(snapshot: &Snapshot, params: &CodeActionParams) -> Option<CodeActionResponse> {
    let file = snapshot.file(&params.text_document.uri)?;
    let wanted = params
        .context
        .only
        .as_ref()
        .is_none_or(|only| only.iter().any(is_quickfix));
    // A client that only runs commands gets no quick fixes: they are edits, not commands.
    if !wanted || !snapshot.features.code_action_literals {
        return Some(Vec::new());
    }
    let range = snapshot.span(file, params.range)?;
    let mut actions = Vec::new();
    for diagnostic in snapshot.analysis.file_diagnostics(file).iter() {
        let overlaps = diagnostic.span.start <= range.end && range.start <= diagnostic.span.end;
        if !overlaps || diagnostic.fixes.is_empty() {
            continue;
        }
        // A code the settings turn off offers nothing either.
        let Some(shown) = to_lsp(snapshot, diagnostic) else {
            continue;
        };
        let only_one = diagnostic.fixes.len() == 1;
        for fix in &diagnostic.fixes {
            actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                title: fix.title.clone(),
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![shown.clone()]),
                edit: Some(workspace_edit(snapshot, &fix.edits)),
                is_preferred: Some(only_one),
                ..CodeAction::default()
            }));
        }
    }
    Some(actions)
}

/// Whether a requested kind covers quick fixes: `quickfix` itself or the empty root kind.
fn is_quickfix(kind: &CodeActionKind) -> bool {
    kind.as_str().is_empty() || *kind == CodeActionKind::QUICKFIX
}
