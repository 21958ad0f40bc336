//! The analysis's diagnostics as the protocol's, per file, with the severities the settings ask for.

use std::collections::HashMap;
use std::sync::Arc;

use tower_lsp_server::ls_types::{
    self as lsp, DiagnosticRelatedInformation, DiagnosticSeverity, NumberOrString, Uri,
};

use crate::analysis::{self, Severity};
use crate::lsp::state::{Snapshot, World};

/// What was last published for one file.
#[derive(Clone, Debug, PartialEq)]
pub struct FileDiagnostics {
    pub version: Option<i32>,
    pub diagnostics: Arc<Vec<lsp::Diagnostic>>,
}

/// What was published last: the snapshots it came from and its diagnostics by URI.
pub struct Published {
    pub world: Arc<World>,
    pub files: HashMap<Uri, FileDiagnostics>,
}

/// The diagnostics of every file of every plan, an empty list for a clean file.
pub fn by_file(world: &World, previous: Option<&Published>) -> HashMap<Uri, FileDiagnostics> {
    world
        .snapshots()
        .flat_map(|snapshot| plan_by_file(snapshot, previous))
        .collect()
}

/// The diagnostics of every file of one plan's snapshot. A file whose analysis diagnostics are
/// the very ones `previous` published (an edit elsewhere left them alike) keeps what was
/// converted then: a keystroke converts only what it changed.
fn plan_by_file(snapshot: &Snapshot, previous: Option<&Published>) -> Vec<(Uri, FileDiagnostics)> {
    snapshot
        .file_ids()
        .map(|file| {
            let view = snapshot.view(file);
            let ours = snapshot.analysis.file_diagnostics(file);
            let kept = previous.and_then(|p| {
                let before = p.world.project(&view.uri)?;
                let reusable = before.settings == snapshot.settings
                    && before.encoding == snapshot.encoding
                    && before.features == snapshot.features;
                let theirs = before.file(&view.uri)?;
                let same = reusable
                    && Arc::ptr_eq(before.analysis.file_diagnostics(theirs), ours)
                    && Arc::ptr_eq(
                        &before.workspace.file(theirs).text,
                        &snapshot.workspace.file(file).text,
                    );
                same.then(|| p.files.get(&view.uri).map(|f| f.diagnostics.clone()))?
            });
            let diagnostics = kept.unwrap_or_else(|| {
                Arc::new(ours.iter().filter_map(|d| to_lsp(snapshot, d)).collect())
            });
            (
                view.uri.clone(),
                FileDiagnostics {
                    version: view.version,
                    diagnostics,
                },
            )
        })
        .collect()
}

/// One diagnostic in protocol terms; `None` when the settings turn its code off.
pub fn to_lsp(snapshot: &Snapshot, diagnostic: &analysis::Diagnostic) -> Option<lsp::Diagnostic> {
    let severity = snapshot
        .settings
        .severity_of(diagnostic.code, diagnostic.severity)?;
    let related: Vec<_> = diagnostic
        .related
        .iter()
        .map(|related| DiagnosticRelatedInformation {
            location: snapshot.location(related.file, related.span),
            message: related.message.clone(),
        })
        .collect();
    Some(lsp::Diagnostic {
        range: snapshot.range(diagnostic.file, diagnostic.span),
        severity: Some(match severity {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
            Severity::Info => DiagnosticSeverity::INFORMATION,
            Severity::Hint => DiagnosticSeverity::HINT,
        }),
        code: Some(NumberOrString::String(diagnostic.code.as_str().to_string())),
        source: Some("planls".to_string()),
        message: diagnostic.message.clone(),
        related_information: (snapshot.features.related_information && !related.is_empty())
            .then_some(related),
        ..lsp::Diagnostic::default()
    })
}

/// What to publish to go from `old` to `new`: every file whose diagnostics or version differ (so
/// that the client's diagnostics carry the latest version of an edited document even when the
/// edit changed none of them), and an empty list for every file that is gone, so that nothing
/// stale stays on screen.
pub fn changes(
    old: &HashMap<Uri, FileDiagnostics>,
    new: &HashMap<Uri, FileDiagnostics>,
) -> Vec<(Uri, FileDiagnostics)> {
    let mut changes: Vec<_> = new
        .iter()
        .filter(|(uri, now)| match old.get(*uri) {
            Some(before) => {
                before.version != now.version
                    || !(Arc::ptr_eq(&before.diagnostics, &now.diagnostics)
                        || before.diagnostics == now.diagnostics)
            }
            None => !now.diagnostics.is_empty(),
        })
        .map(|(uri, now)| (uri.clone(), now.clone()))
        .collect();
    changes.extend(
        old.iter()
            .filter(|(uri, before)| !new.contains_key(*uri) && !before.diagnostics.is_empty())
            .map(|(uri, _)| {
                (
                    uri.clone(),
                    FileDiagnostics {
                        version: None,
                        diagnostics: Arc::default(),
                    },
                )
            }),
    );
    changes.sort_by(|a, b| a.0.cmp(&b.0));
    changes
}
