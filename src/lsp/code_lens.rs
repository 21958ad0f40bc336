//! Code lenses over each initiative and milestone: what depends on it, and its slack.

use serde_json::json;
use tower_lsp_server::ls_types::{CodeLens, CodeLensParams, Command};

use crate::analysis::{wording, ScheduleState};
use crate::lsp::state::Snapshot;
use crate::syntax::Kind;

/// The command a dependents lens runs: arguments are the URI, the position of the item's ID and
/// the locations to list. Editor extensions map it to their references view (docs/settings.md).
pub const SHOW_REFERENCES: &str = "planls.showReferences";

pub fn code_lens(snapshot: &Snapshot, params: &CodeLensParams) -> Option<Vec<CodeLens>> {
    let file = snapshot.file(&params.text_document.uri)?;
    let analysis = &snapshot.analysis;
    let mut lenses = Vec::new();
    for item in analysis.index().items_in(file) {
        let info = analysis.item(item);
        if !matches!(info.kind, Kind::Initiative | Kind::Milestone) {
            continue;
        }
        let range = snapshot.range(file, info.name_span);
        let dependents: Vec<_> = analysis
            .dependents(item)
            .iter()
            .map(|&dependent| {
                let dependent = analysis.item(dependent);
                snapshot.location(dependent.file, dependent.name_span)
            })
            .collect();
        let title = match dependents.len() {
            0 => "no dependents".to_string(),
            1 => "1 dependent".to_string(),
            n => format!("{n} dependents"),
        };
        let command = if dependents.is_empty() {
            label(title)
        } else {
            Command {
                title,
                command: SHOW_REFERENCES.to_string(),
                arguments: Some(vec![
                    json!(snapshot.uri(file)),
                    json!(range.start),
                    json!(dependents),
                ]),
            }
        };
        lenses.push(CodeLens {
            range,
            command: Some(command),
            data: None,
        });
        if let Some(state) = analysis.schedule(item) {
            lenses.push(CodeLens {
                range,
                command: Some(label(slack_title(state))),
                data: None,
            });
        }
    }
    Some(lenses)
}

/// A lens that only shows its title.
fn label(title: String) -> Command {
    Command {
        title,
        command: String::new(),
        arguments: None,
    }
}

/// `slack 5 days`, `3 days late, critical`, `unscheduled: no duration`: the standing in the
/// words of [`wording::standing`].
pub fn slack_title(state: &ScheduleState) -> String {
    match state {
        ScheduleState::Unscheduled { reason } => format!("unscheduled: {reason}"),
        ScheduleState::Scheduled(schedule) => wording::standing(schedule),
    }
}
