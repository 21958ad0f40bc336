//! `planls export --format mermaid`: a Gantt chart of the forecast (a section per team, `after`
//! where a task starts right after what it depends on, milestones, `crit` on critical items),
//! or with `--graph` a flowchart of the dependencies.

use std::collections::HashMap;
use std::fmt::Write;

use super::taskjuggler::Ids;
use crate::analysis::schedule::days_between;
use crate::analysis::{Analysis, ItemId, ScheduleState};
use crate::syntax::Kind;

/// Mermaid IDs: the same rule as TaskJuggler's (letters, digits, `_`, unique).
fn ids(analysis: &Analysis) -> HashMap<ItemId, String> {
    let mut ids = Ids::default();
    super::scheduled_kinds(analysis)
        .map(|item| (item, ids.claim(&analysis.item(item).name)))
        .collect()
}

/// Text Mermaid reads as a task or node name: `:` ends a Gantt name and `#`, `;` and quotes
/// start other syntax, so they are replaced.
fn text(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            ':' | ';' | '#' | '"' | '`' => ' ',
            c if c.is_control() => ' ',
            c => c,
        })
        .collect::<String>()
        .trim()
        .to_string()
}

fn name(analysis: &Analysis, item: ItemId) -> String {
    let info = analysis.item(item);
    text(info.title.as_deref().unwrap_or(&info.name))
}

/// The Gantt chart. Mermaid's ends are exclusive like TaskJuggler's, and its milestones are
/// moments: a planls milestone on day D is drawn at D + 1, where work that ends on D ends.
pub fn gantt(analysis: &Analysis) -> String {
    let ids = ids(analysis);
    let title = analysis
        .items()
        .find(|(_, i)| i.kind == Kind::Program)
        .map(|(id, _)| name(analysis, id))
        .unwrap_or_else(|| "Plan".to_string());
    // Sections in the order their first item appears; work without a team last.
    let mut sections: Vec<(Option<ItemId>, Vec<ItemId>)> = Vec::new();
    let mut unscheduled = Vec::new();
    for item in super::scheduled_kinds(analysis) {
        let Some(ScheduleState::Scheduled(_)) = analysis.schedule(item) else {
            unscheduled.push(item);
            continue;
        };
        let team = analysis
            .facts()
            .of(item)
            .item("team")
            .filter(|&t| analysis.item(t).kind == Kind::Team);
        match sections.iter_mut().find(|(t, _)| *t == team) {
            Some((_, items)) => items.push(item),
            None => sections.push((team, vec![item])),
        }
    }
    sections.sort_by_key(|(team, _)| team.is_none());
    let mut out = String::new();
    let _ = writeln!(out, "gantt\n    title {title}\n    dateFormat YYYY-MM-DD");
    for (team, items) in &sections {
        let section = team.map_or_else(|| "No team".to_string(), |t| name(analysis, t));
        let _ = writeln!(out, "    section {section}");
        for &item in items {
            let _ = writeln!(out, "    {}", task_line(analysis, item, &ids));
        }
    }
    for item in unscheduled {
        if let Some(ScheduleState::Unscheduled { reason }) = analysis.schedule(item) {
            let _ = writeln!(
                out,
                "    %% {} unscheduled: {}",
                analysis.item(item).name,
                text(reason)
            );
        }
    }
    out
}

/// `Name :crit, milestone, id, start, length`; the start is `after a b` when the task starts
/// exactly when the last of what it depends on ends (no lag, no later own start).
fn task_line(analysis: &Analysis, item: ItemId, ids: &HashMap<ItemId, String>) -> String {
    let Some(ScheduleState::Scheduled(s)) = analysis.schedule(item) else {
        return String::new();
    };
    let milestone = analysis.item(item).kind == Kind::Milestone;
    let mut tags = Vec::new();
    if s.critical {
        tags.push("crit".to_string());
    }
    if analysis.dependency_graph().status(item) == "done" {
        tags.push("done".to_string());
    }
    if milestone {
        tags.push("milestone".to_string());
    }
    tags.push(ids[&item].clone());
    let after = driven_by(analysis, item);
    let start = match (&after, milestone) {
        (Some(after), _) => format!(
            "after {}",
            after
                .iter()
                .map(|d| ids[d].as_str())
                .collect::<Vec<_>>()
                .join(" ")
        ),
        (None, false) => s.start.to_string(),
        (None, true) => (s.end + chrono::Days::new(1)).to_string(),
    };
    tags.push(start);
    tags.push(if milestone {
        "0d".to_string()
    } else {
        format!("{}d", days_between(s.start, s.end) + 1)
    });
    format!("{} :{}", name(analysis, item), tags.join(", "))
}

/// The live dependencies of an item when its forecast start is exactly the end of the latest of
/// them: Mermaid's `after` has no lag and no own start.
fn driven_by(analysis: &Analysis, item: ItemId) -> Option<Vec<ItemId>> {
    let inputs = super::taskjuggler::task_inputs(analysis, item)?;
    if inputs.depends.is_empty()
        || inputs.own_start.is_some()
        || inputs.depends.iter().any(|(_, lag)| *lag != 0)
    {
        return None;
    }
    Some(inputs.depends.iter().map(|(d, _)| *d).collect())
}

/// The dependency flowchart: an arrow from each item to what waits for it, labelled with the
/// lag; milestones are hexagons, critical items are drawn red.
pub fn graph(analysis: &Analysis) -> String {
    let ids = ids(analysis);
    let mut out = String::new();
    let edges = analysis.dependency_graph().dependencies().len();
    if edges >= 500 {
        // Mermaid refuses flowcharts of 500 edges or more; only the page's own configuration
        // can raise the limit (`maxEdges` is not allowed in a diagram's directive).
        let _ = writeln!(
            out,
            "%% {edges} dependencies: Mermaid needs mermaid.initialize({{ maxEdges: {edges} }}) or more"
        );
    }
    out.push_str("flowchart LR\n");
    let mut critical = Vec::new();
    for item in super::scheduled_kinds(analysis) {
        let label = format!(
            "{}<br/>{}",
            analysis.item(item).name,
            super::dates_text(analysis, item)
        );
        let label = text(&label);
        let id = &ids[&item];
        let _ = match analysis.item(item).kind {
            Kind::Milestone => writeln!(out, "    {id}{{{{\"{label}\"}}}}"),
            _ => writeln!(out, "    {id}[\"{label}\"]"),
        };
        if matches!(analysis.schedule(item), Some(ScheduleState::Scheduled(s)) if s.critical) {
            critical.push(id.clone());
        }
    }
    for d in analysis.dependency_graph().dependencies() {
        let (Some(from), Some(to)) = (ids.get(&d.dependency), ids.get(&d.dependent)) else {
            continue;
        };
        if d.is_self() {
            continue;
        }
        let _ = match d.lag_days {
            0 => writeln!(out, "    {from} --> {to}"),
            lag => writeln!(out, "    {from} -->|+{lag}d| {to}"),
        };
    }
    if !critical.is_empty() {
        let _ = writeln!(
            out,
            "    classDef critical stroke:#c00,stroke-width:3px\n    class {} critical",
            critical.join(",")
        );
    }
    out
}
