//! Inlay hints: after each initiative's and milestone's title, its forecast dates and slack.

use tower_lsp_server::ls_types::{InlayHint, InlayHintLabel, InlayHintParams, InlayHintTooltip};

use crate::analysis::{wording, ScheduleState};
use crate::lsp::state::Snapshot;
use crate::syntax::Kind;

pub fn inlay_hint(snapshot: &Snapshot, params: &InlayHintParams) -> Option<Vec<InlayHint>> {
    let file = snapshot.file(&params.text_document.uri)?;
    let range = snapshot.span(file, params.range)?;
    let analysis = &snapshot.analysis;
    let mut hints = Vec::new();
    for id in analysis.index().items_in(file) {
        let info = analysis.item(id);
        if !matches!(info.kind, Kind::Initiative | Kind::Milestone) {
            continue;
        }
        let item = &snapshot.syntax(file).items[info.index_in_file];
        let header_end = item
            .title
            .as_ref()
            .map_or(info.name_span.end, |t| t.span.end);
        if header_end < range.start || header_end > range.end {
            continue;
        }
        let Some(state) = analysis.schedule(id) else {
            continue;
        };
        hints.push(InlayHint {
            position: snapshot.position(file, header_end),
            label: InlayHintLabel::String(label(info.kind, state)),
            kind: None,
            text_edits: None,
            tooltip: Some(InlayHintTooltip::String(state.to_string())),
            padding_left: Some(true),
            padding_right: Some(true),
            data: None,
        });
    }
    Some(hints)
}

/// `2027-01-04 → 2027-01-24 · slack 5 days`, `forecast 2027-03-20 · slips 5 days past its
/// date, critical`, `unscheduled`: the standing in the words of [`wording::standing`].
pub fn label(kind: Kind, state: &ScheduleState) -> String {
    match state {
        ScheduleState::Unscheduled { .. } => "unscheduled".to_string(),
        ScheduleState::Scheduled(schedule) => {
            let dates = match kind {
                Kind::Milestone => format!("forecast {}", schedule.end),
                _ => format!("{} → {}", schedule.start, schedule.end),
            };
            format!("{dates} · {}", wording::standing(schedule))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::ItemSchedule;
    use chrono::NaiveDate;

    fn scheduled(slack: Option<i64>, slip: Option<i64>, critical: bool) -> ScheduleState {
        let day = |d| NaiveDate::from_ymd_opt(2027, 1, d).unwrap();
        ScheduleState::Scheduled(ItemSchedule {
            start: day(4),
            end: day(24),
            latest_finish: slack.map(|s| day(24) + chrono::Duration::days(s)),
            slack,
            slip,
            critical,
        })
    }

    #[test]
    fn labels_are_short() {
        assert_eq!(
            label(Kind::Initiative, &scheduled(Some(5), None, false)),
            "2027-01-04 → 2027-01-24 · slack 5 days"
        );
        assert_eq!(
            label(Kind::Initiative, &scheduled(Some(0), None, true)),
            "2027-01-04 → 2027-01-24 · slack 0 days, critical"
        );
        assert_eq!(
            label(Kind::Milestone, &scheduled(Some(-3), Some(3), true)),
            "forecast 2027-01-24 · slips 3 days past its date, critical"
        );
        assert_eq!(
            label(Kind::Initiative, &scheduled(None, None, false)),
            "2027-01-04 → 2027-01-24 · no committed date downstream"
        );
        let unscheduled = ScheduleState::Unscheduled {
            reason: "no duration".into(),
        };
        assert_eq!(label(Kind::Initiative, &unscheduled), "unscheduled");
    }
}
