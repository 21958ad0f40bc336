//! Pure renderers of the forecast for people and tools outside the editor: the rows of
//! `planls schedule` (table, JSON, CSV) and the exports to TaskJuggler, Mermaid and Graphviz.
//! Each reads an [`Analysis`](crate::analysis::Analysis) and returns text; the command line
//! only reads files and writes the result.

pub mod dot;
pub mod mermaid;
pub mod schedule;
pub mod taskjuggler;

use crate::analysis::{Analysis, ItemId, ScheduleState};
use crate::syntax::Kind;

/// The initiatives and milestones, in workspace order (files in path order, items in text
/// order); a duplicate ID counts once, as its first definition.
pub fn scheduled_kinds(analysis: &Analysis) -> impl Iterator<Item = ItemId> + '_ {
    analysis.items().filter_map(move |(id, info)| {
        (matches!(info.kind, Kind::Initiative | Kind::Milestone)
            && analysis.lookup(&info.name) == Some(id))
        .then_some(id)
    })
}

/// An item's forecast dates for a label: `2027-01-04 to 2027-01-17`, a milestone's day, or
/// `unscheduled`.
pub fn dates_text(analysis: &Analysis, item: ItemId) -> String {
    match analysis.schedule(item) {
        Some(ScheduleState::Scheduled(s)) if s.start == s.end => s.end.to_string(),
        Some(ScheduleState::Scheduled(s)) => format!("{} to {}", s.start, s.end),
        _ => "unscheduled".to_string(),
    }
}
