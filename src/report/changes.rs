//! What changed between two analyses of a plan: the work and milestones whose forecast moved
//! and by how many days, what changed status, what was added or removed. Items are matched by
//! ID; the caller reads the earlier plan (from git, in the command line).

use chrono::NaiveDate;
use serde::Serialize;

use crate::analysis::schedule::days_between;
use crate::analysis::{Analysis, ItemId, ScheduleState};
use crate::syntax::Kind;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Changes {
    /// The earlier version, as the user named it (a git ref).
    pub since: String,
    /// The forecast ends that moved, the largest move first.
    pub moved: Vec<Moved>,
    pub status: Vec<StatusChange>,
    /// Initiatives and milestones that are new, or gone (IDs).
    pub added: Vec<String>,
    pub removed: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Moved {
    pub id: String,
    pub kind: &'static str,
    pub title: String,
    /// The forecast end (a milestone's forecast day) before and now.
    pub before: NaiveDate,
    pub after: NaiveDate,
    /// `after - before`: positive is later.
    pub days: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StatusChange {
    pub id: String,
    pub before: &'static str,
    pub after: &'static str,
}

fn tracked(analysis: &Analysis) -> impl Iterator<Item = ItemId> + '_ {
    analysis
        .items()
        .filter(|(_, i)| matches!(i.kind, Kind::Initiative | Kind::Milestone))
        .map(|(id, _)| id)
        // A duplicate ID counts once: by its first definition, as references resolve.
        .filter(move |&id| analysis.lookup(&analysis.item(id).name) == Some(id))
}

fn forecast_end(analysis: &Analysis, item: ItemId) -> Option<NaiveDate> {
    match analysis.schedule(item)? {
        ScheduleState::Scheduled(s) => Some(s.end),
        ScheduleState::Unscheduled { .. } => None,
    }
}

/// The changes from `before` to `after`.
pub fn between(before: &Analysis, after: &Analysis, since: &str) -> Changes {
    let mut changes = Changes {
        since: since.to_string(),
        moved: Vec::new(),
        status: Vec::new(),
        added: Vec::new(),
        removed: Vec::new(),
    };
    for now in tracked(after) {
        let info = after.item(now);
        let Some(then) = before
            .lookup(&info.name)
            .filter(|&t| before.item(t).kind == info.kind)
        else {
            changes.added.push(info.name.clone());
            continue;
        };
        if let (Some(old), Some(new)) = (forecast_end(before, then), forecast_end(after, now)) {
            if old != new {
                changes.moved.push(Moved {
                    id: info.name.clone(),
                    kind: info.kind.keyword(),
                    title: info.title.clone().unwrap_or_else(|| info.name.clone()),
                    before: old,
                    after: new,
                    days: days_between(old, new),
                });
            }
        }
        let (old, new) = (before.status(then), after.status(now));
        if let (Some(old), Some(new)) = (old, new) {
            if old != new {
                changes.status.push(StatusChange {
                    id: info.name.clone(),
                    before: old,
                    after: new,
                });
            }
        }
    }
    for then in tracked(before) {
        let info = before.item(then);
        let gone = after
            .lookup(&info.name)
            .is_none_or(|n| after.item(n).kind != info.kind);
        if gone {
            changes.removed.push(info.name.clone());
        }
    }
    changes.moved.sort_by(|a, b| {
        b.days
            .abs()
            .cmp(&a.days.abs())
            .then_with(|| a.id.cmp(&b.id))
    });
    changes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{analyze, Options, Workspace};

    fn analysis(text: &str) -> Analysis {
        let today = NaiveDate::from_ymd_opt(2027, 1, 4).unwrap();
        analyze(
            &Workspace::from_texts([("a.plan", text)]),
            &Options { today },
        )
    }

    #[test]
    fn says_what_moved_by_how_many_days_and_what_came_and_went() {
        let before = analysis(
            "initiative a { start: 2027-01-04 duration: 1w }\n\
             initiative b { depends_on: a duration: 1w }\n\
             milestone m { date: 2027-02-01 requires: b }\n\
             initiative old { start: 2027-01-04 duration: 1d }\n",
        );
        let after = analysis(
            "initiative a { start: 2027-01-04 duration: 2w status: in_progress }\n\
             initiative b { depends_on: a duration: 1w }\n\
             milestone m { date: 2027-02-01 requires: b }\n\
             initiative new { start: 2027-01-04 duration: 1d }\n",
        );
        let changes = between(&before, &after, "HEAD~1");
        let moved: Vec<(&str, i64)> = changes
            .moved
            .iter()
            .map(|m| (m.id.as_str(), m.days))
            .collect();
        assert_eq!(moved, [("a", 7), ("b", 7)]);
        assert_eq!(changes.moved[0].before.to_string(), "2027-01-10");
        assert_eq!(changes.moved[0].after.to_string(), "2027-01-17");
        assert_eq!(changes.status.len(), 1);
        assert_eq!(
            (changes.status[0].before, changes.status[0].after),
            ("planned", "in_progress")
        );
        assert_eq!(changes.added, ["new"]);
        assert_eq!(changes.removed, ["old"]);
        assert_eq!(changes.since, "HEAD~1");
    }

    #[test]
    fn the_same_plan_has_no_changes() {
        let text = "initiative a { start: 2027-01-04 duration: 1w }\n";
        let changes = between(&analysis(text), &analysis(text), "main");
        assert!(changes.moved.is_empty() && changes.added.is_empty() && changes.removed.is_empty());
    }
}
