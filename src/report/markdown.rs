//! The report as Markdown, to paste into a wiki page or a chat: headings, lists and tables only.

use std::fmt::Write;

use super::changes::Changes;
use super::health::{days, Rag, Verdict};
use super::model::{MilestoneLine, Person, Report, RiskLine, TeamLine, Unscheduled, WorkLine};

pub fn render(report: &Report) -> String {
    let mut out = String::new();
    let title = report
        .program
        .as_ref()
        .map_or("Program", |p| p.title.as_str());
    writeln!(out, "# {}: status on {}\n", text(title), report.today).unwrap();
    headline(&mut out, report);
    milestones(&mut out, &report.milestones);
    teams(&mut out, &report.teams);
    risks(&mut out, &report.risks, report.more_risks);
    if let Some(changes) = &report.changes {
        changes_section(&mut out, changes);
    }
    if !report.gantt.unscheduled.is_empty() {
        out.push_str("## Not forecast\n\n");
        for Unscheduled { id, reason } in &report.gantt.unscheduled {
            writeln!(out, "- `{id}`: {}", ours(reason)).unwrap();
        }
        out.push('\n');
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

/// The coloured dot and the word: the colour alone would not read in plain text.
pub fn rag_label(rag: Rag) -> &'static str {
    match rag {
        Rag::Green => "🟢 green",
        Rag::Amber => "🟠 amber",
        Rag::Red => "🔴 red",
    }
}

fn headline(out: &mut String, report: &Report) {
    write!(out, "**Health: {}**", rag_label(report.health.rag)).unwrap();
    if let Some(p) = &report.program {
        let end = match (p.forecast_end, p.target_end, p.slip_days) {
            (Some(f), Some(t), Some(s)) if s > 0 => {
                format!("forecast {f}, **{} after** the target {t}", days(s))
            }
            (Some(f), Some(t), Some(s)) => {
                format!("forecast {f}, target {t} ({} to spare)", days(-s))
            }
            (Some(f), None, _) => format!("forecast {f}, no target (`end`) given"),
            (None, Some(t), _) => format!("target {t}, no forecast"),
            _ => "no forecast and no target".to_string(),
        };
        write!(out, " · Program end: {end}").unwrap();
        if let Some(owner) = &p.owner {
            write!(out, " · Owner: {}", person(owner)).unwrap();
        }
    }
    out.push_str("\n\n");
    reasons(out, &report.health, "");
}

fn reasons(out: &mut String, verdict: &Verdict, indent: &str) {
    if verdict.reasons.is_empty() {
        writeln!(out, "{indent}- nothing late, blocked or at critical risk").unwrap();
    }
    for reason in &verdict.reasons {
        writeln!(out, "{indent}- {}", ours(reason)).unwrap();
    }
    out.push('\n');
}

fn milestones(out: &mut String, milestones: &[MilestoneLine]) {
    if milestones.is_empty() {
        return;
    }
    out.push_str("## Milestones\n\n");
    out.push_str("| Milestone | Owner | Date | Forecast | Slip | Critical path |\n");
    out.push_str("| --- | --- | --- | --- | --- | --- |\n");
    for m in milestones {
        let slip = match (m.status, m.slip_days, &m.unscheduled) {
            ("done", _, _) => "done".to_string(),
            ("cancelled", _, _) => "cancelled".to_string(),
            (_, _, Some(reason)) => format!("not forecast: {}", ours(reason)),
            (_, Some(s), _) if s > 0 => format!("**{} late**", days(s)),
            _ if m.overdue => "**date passed**".to_string(),
            _ => "on time".to_string(),
        };
        writeln!(
            out,
            "| {} `{}` | {} | {} | {} | {} | {} |",
            text(&m.title),
            m.id,
            m.owner.as_ref().map_or("—".into(), person),
            date(m.date),
            date(m.forecast),
            slip,
            path(&m.critical_path),
        )
        .unwrap();
    }
    out.push('\n');
}

fn teams(out: &mut String, teams: &[TeamLine]) {
    if teams.is_empty() {
        return;
    }
    out.push_str("## Teams\n\n");
    for t in teams {
        write!(out, "### {} {}", rag_label(t.health.rag), text(&t.name)).unwrap();
        if let Some(lead) = &t.lead {
            write!(out, " (lead {})", person(lead)).unwrap();
        }
        out.push_str("\n\n");
        let counts: Vec<String> = t
            .work
            .iter()
            .map(|c| format!("{} {}", c.count, c.status.replace('_', " ")))
            .collect();
        writeln!(out, "Work: {}.", counts.join(", ")).unwrap();
        let before = out.len();
        out.push('\n');
        for reason in &t.health.reasons {
            writeln!(out, "- {}", ours(reason)).unwrap();
        }
        work_list(out, "Slipping", &t.slipping);
        work_list(out, "Blocked", &t.blocked);
        work_list(out, "Overdue", &t.overdue);
        if !t.chase.is_empty() {
            let names: Vec<String> = t.chase.iter().map(person).collect();
            writeln!(out, "- **Owners to chase**: {}", names.join(", ")).unwrap();
        }
        if out.len() > before + 1 {
            out.push('\n');
        }
    }
}

fn work_list(out: &mut String, label: &str, work: &[WorkLine]) {
    if work.is_empty() {
        return;
    }
    writeln!(out, "- **{label}**:").unwrap();
    for w in work {
        write!(out, "  - `{}` {}", w.id, text(&w.title)).unwrap();
        if let Some(owner) = &w.owner {
            write!(out, ", {}", person(owner)).unwrap();
        }
        if let Some(end) = w.forecast_end {
            write!(out, ", ends {end}").unwrap();
        }
        match w.slack {
            Some(s) if s < 0 => write!(out, ", {} late", days(-s)).unwrap(),
            _ => {}
        }
        out.push('\n');
    }
}

fn risks(out: &mut String, risks: &[RiskLine], more: usize) {
    if risks.is_empty() {
        return;
    }
    out.push_str("## Top risks\n\n");
    out.push_str("| Score | Risk | Owner | Status | Mitigation | Review |\n");
    out.push_str("| --- | --- | --- | --- | --- | --- |\n");
    for r in risks {
        let score = match (r.score, r.level) {
            (Some(s), Some(level)) => format!("{s} {level}"),
            _ => "unscored".to_string(),
        };
        let review = match r.review {
            Some(d) if r.review_overdue => format!("**{d} (overdue)**"),
            Some(d) => d.to_string(),
            None => "—".to_string(),
        };
        writeln!(
            out,
            "| {score} | {} `{}` | {} | {} | {} | {review} |",
            text(&r.title),
            r.id,
            r.owner.as_ref().map_or("—".into(), person),
            r.status,
            r.mitigation.as_deref().map_or("**none**".into(), text),
        )
        .unwrap();
    }
    if more > 0 {
        writeln!(out, "\nand {more} more open risks.").unwrap();
    }
    out.push('\n');
}

fn changes_section(out: &mut String, changes: &Changes) {
    writeln!(out, "## Changes since `{}`\n", changes.since).unwrap();
    if changes.moved.is_empty()
        && changes.status.is_empty()
        && changes.added.is_empty()
        && changes.removed.is_empty()
    {
        out.push_str("Nothing moved.\n\n");
        return;
    }
    for m in &changes.moved {
        let direction = if m.days > 0 { "later" } else { "earlier" };
        writeln!(
            out,
            "- {} `{}` moved {} {direction}: {} → {}",
            m.kind,
            m.id,
            days(m.days.abs()),
            m.before,
            m.after
        )
        .unwrap();
    }
    for s in &changes.status {
        writeln!(
            out,
            "- `{}` is now {} (was {})",
            s.id,
            s.after.replace('_', " "),
            s.before.replace('_', " ")
        )
        .unwrap();
    }
    if !changes.added.is_empty() {
        writeln!(out, "- added: {}", ids(&changes.added)).unwrap();
    }
    if !changes.removed.is_empty() {
        writeln!(out, "- removed: {}", ids(&changes.removed)).unwrap();
    }
    out.push('\n');
}

fn ids(ids: &[String]) -> String {
    ids.iter()
        .map(|i| format!("`{i}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn path(chain: &[String]) -> String {
    if chain.is_empty() {
        "—".to_string()
    } else {
        chain.join(" → ")
    }
}

fn person(p: &Person) -> String {
    format!("{} (@{})", text(&p.name), p.id)
}

fn date(d: Option<chrono::NaiveDate>) -> String {
    d.map_or("—".to_string(), |d| d.to_string())
}

/// A sentence of planls's own, whose `code` spans are meant: kept on one line and out of the
/// way of table cells.
fn ours(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace('|', "\\|")
}

/// Text from the plan, on one line, with what Markdown would read as markup escaped.
fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.split_whitespace().collect::<Vec<_>>().join(" ").chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}
