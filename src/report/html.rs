//! The report as one self-contained HTML page: inline CSS and SVG, no script, no font or image
//! to fetch, so it opens the same from a file, a mail attachment or an editor's webview.

use std::fmt::Write;

use super::changes::Changes;
use super::escape;
use super::gantt;
use super::health::{days, Rag, Verdict};
use super::model::{MilestoneLine, Person, Report, RiskLine, TeamLine, Unscheduled, WorkLine};

const STYLE: &str = include_str!("report.css");

pub fn render(report: &Report) -> String {
    let title = report
        .program
        .as_ref()
        .map_or("Program", |p| p.title.as_str());
    let mut out = String::new();
    writeln!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}: status on {}</title>\n<style>\n{STYLE}</style>\n</head>\n<body>",
        escape(title),
        report.today
    )
    .unwrap();
    writeln!(
        out,
        "<header><h1>{}</h1><p class=\"date\">Status on <time>{}</time></p></header>",
        escape(title),
        report.today
    )
    .unwrap();
    headline(&mut out, report);
    milestones(&mut out, &report.milestones);
    out.push_str("<section id=\"gantt\"><h2>Schedule</h2>\n");
    out.push_str(
        "<p class=\"legend\"><span class=\"key critical\"></span>critical path \
         <span class=\"key late\"></span>late \
         <span class=\"key done\"></span>done \
         <span class=\"key today\"></span>today \
         <span class=\"key target\"></span>program end</p>\n<div class=\"chart\">\n",
    );
    out.push_str(&gantt::render(&report.gantt, report.today));
    out.push_str("</div>\n");
    if !report.gantt.unscheduled.is_empty() {
        out.push_str("<h3>Not forecast</h3>\n<ul class=\"unscheduled\">\n");
        for Unscheduled { id, reason } in &report.gantt.unscheduled {
            writeln!(
                out,
                "<li><code>{}</code>: {}</li>",
                escape(id),
                code_spans(reason)
            )
            .unwrap();
        }
        out.push_str("</ul>\n");
    }
    out.push_str("</section>\n");
    teams(&mut out, &report.teams);
    risks(&mut out, &report.risks, report.more_risks);
    if let Some(changes) = &report.changes {
        changes_section(&mut out, changes);
    }
    out.push_str("<footer>Made by <code>planls report</code> from the plan files.</footer>\n");
    out.push_str("</body>\n</html>\n");
    out
}

fn rag_badge(rag: Rag) -> String {
    let word = match rag {
        Rag::Green => "green",
        Rag::Amber => "amber",
        Rag::Red => "red",
    };
    format!("<span class=\"rag rag-{word}\" data-rag=\"{word}\">{word}</span>")
}

fn reasons(out: &mut String, verdict: &Verdict) {
    out.push_str("<ul class=\"reasons\">");
    if verdict.reasons.is_empty() {
        out.push_str("<li>nothing late, blocked or at critical risk</li>");
    }
    for reason in &verdict.reasons {
        write!(out, "<li>{}</li>", code_spans(reason)).unwrap();
    }
    out.push_str("</ul>\n");
}

fn headline(out: &mut String, report: &Report) {
    writeln!(
        out,
        "<section id=\"headline\" class=\"headline rag-{}\"><h2>Health {}</h2>",
        rag_word(report.health.rag),
        rag_badge(report.health.rag)
    )
    .unwrap();
    if let Some(p) = &report.program {
        out.push_str("<p class=\"program-end\">Program end: ");
        match (p.forecast_end, p.target_end, p.slip_days) {
            (Some(f), Some(t), Some(s)) if s > 0 => write!(
                out,
                "forecast <time>{f}</time>, <strong class=\"late\">{} after</strong> the target <time>{t}</time>",
                days(s)
            ),
            (Some(f), Some(t), Some(s)) => write!(
                out,
                "forecast <time>{f}</time>, target <time>{t}</time> ({} to spare)",
                days(-s)
            ),
            (Some(f), None, _) => write!(out, "forecast <time>{f}</time>, no target given"),
            (None, Some(t), _) => write!(out, "target <time>{t}</time>, no forecast"),
            _ => write!(out, "no forecast and no target"),
        }
        .unwrap();
        if let Some(owner) = &p.owner {
            write!(out, " · owner {}", person(owner)).unwrap();
        }
        out.push_str("</p>\n");
    }
    reasons(out, &report.health);
    out.push_str("</section>\n");
}

fn milestones(out: &mut String, milestones: &[MilestoneLine]) {
    out.push_str("<section id=\"milestones\"><h2>Milestones</h2>\n");
    if milestones.is_empty() {
        out.push_str("<p>No milestones.</p></section>\n");
        return;
    }
    out.push_str(
        "<table><thead><tr><th>Milestone</th><th>Owner</th><th>Date</th><th>Forecast</th>\
         <th>Slip</th><th>Critical path</th></tr></thead><tbody>\n",
    );
    for m in milestones {
        let (class, slip) = match (m.status, m.slip_days, &m.unscheduled) {
            ("done", _, _) => ("done", "done".to_string()),
            ("cancelled", _, _) => ("cancelled", "cancelled".to_string()),
            (_, _, Some(reason)) => (
                "unscheduled",
                format!("not forecast: {}", code_spans(reason)),
            ),
            (_, Some(s), _) if s > 0 => ("late", format!("<strong>{} late</strong>", days(s))),
            _ if m.overdue => ("late", "<strong>date passed</strong>".to_string()),
            _ => ("on-time", "on time".to_string()),
        };
        let chain: Vec<String> = m
            .critical_path
            .iter()
            .map(|id| format!("<code>{}</code>", escape(id)))
            .collect();
        writeln!(
            out,
            "<tr class=\"milestone {class}\" data-milestone=\"{}\"><td>{} <code>{}</code></td>\
             <td>{}</td><td>{}</td><td>{}</td><td>{slip}</td><td class=\"path\">{}</td></tr>",
            escape(&m.id),
            escape(&m.title),
            escape(&m.id),
            m.owner.as_ref().map_or("—".into(), person),
            date(m.date),
            date(m.forecast),
            if chain.is_empty() {
                "—".to_string()
            } else {
                chain.join(" → ")
            }
        )
        .unwrap();
    }
    out.push_str("</tbody></table></section>\n");
}

fn teams(out: &mut String, teams: &[TeamLine]) {
    out.push_str("<section id=\"teams\"><h2>Teams</h2>\n<div class=\"teams\">\n");
    for t in teams {
        write!(
            out,
            "<article class=\"team rag-{}\" data-team=\"{}\"><h3>{} {}</h3>",
            rag_word(t.health.rag),
            escape(t.id.as_deref().unwrap_or("")),
            rag_badge(t.health.rag),
            escape(&t.name)
        )
        .unwrap();
        if let Some(lead) = &t.lead {
            write!(out, "<p class=\"lead\">Lead {}</p>", person(lead)).unwrap();
        }
        let counts: Vec<String> = t
            .work
            .iter()
            .map(|c| format!("{} {}", c.count, c.status.replace('_', " ")))
            .collect();
        write!(out, "<p class=\"work\">{}</p>", counts.join(" · ")).unwrap();
        if !t.health.reasons.is_empty() {
            reasons(out, &t.health);
        }
        work_list(out, "Slipping", &t.slipping);
        work_list(out, "Blocked", &t.blocked);
        work_list(out, "Overdue", &t.overdue);
        if !t.chase.is_empty() {
            let names: Vec<String> = t.chase.iter().map(person).collect();
            write!(out, "<p class=\"chase\">Chase: {}</p>", names.join(", ")).unwrap();
        }
        out.push_str("</article>\n");
    }
    out.push_str("</div></section>\n");
}

fn work_list(out: &mut String, label: &str, work: &[WorkLine]) {
    if work.is_empty() {
        return;
    }
    write!(out, "<h4>{label}</h4><ul class=\"work-list\">").unwrap();
    for w in work {
        write!(
            out,
            "<li><code>{}</code> {}",
            escape(&w.id),
            escape(&w.title)
        )
        .unwrap();
        if let Some(owner) = &w.owner {
            write!(out, ", {}", person(owner)).unwrap();
        }
        if let Some(end) = w.forecast_end {
            write!(out, ", ends <time>{end}</time>").unwrap();
        }
        if let Some(s) = w.slack.filter(|s| *s < 0) {
            write!(out, ", <strong class=\"late\">{} late</strong>", days(-s)).unwrap();
        }
        out.push_str("</li>");
    }
    out.push_str("</ul>\n");
}

fn risks(out: &mut String, risks: &[RiskLine], more: usize) {
    out.push_str("<section id=\"risks\"><h2>Top risks</h2>\n");
    if risks.is_empty() {
        out.push_str("<p>No open risks.</p></section>\n");
        return;
    }
    out.push_str(
        "<table><thead><tr><th>Score</th><th>Risk</th><th>Owner</th><th>Status</th>\
         <th>Mitigation</th><th>Review</th></tr></thead><tbody>\n",
    );
    for r in risks {
        let score = match (r.score, r.level) {
            (Some(s), Some(level)) => format!("<span class=\"level-{level}\">{s} {level}</span>"),
            _ => "unscored".to_string(),
        };
        let review = match r.review {
            Some(d) if r.review_overdue => {
                format!("<strong class=\"overdue\"><time>{d}</time> overdue</strong>")
            }
            Some(d) => format!("<time>{d}</time>"),
            None => "—".to_string(),
        };
        writeln!(
            out,
            "<tr class=\"risk\" data-risk=\"{}\"><td>{score}</td><td>{} <code>{}</code></td>\
             <td>{}</td><td>{}</td><td>{}</td><td>{review}</td></tr>",
            escape(&r.id),
            escape(&r.title),
            escape(&r.id),
            r.owner.as_ref().map_or("—".into(), person),
            r.status,
            r.mitigation
                .as_deref()
                .map_or("<strong class=\"late\">none</strong>".into(), escape),
        )
        .unwrap();
    }
    out.push_str("</tbody></table>\n");
    if more > 0 {
        writeln!(out, "<p>and {more} more open risks.</p>").unwrap();
    }
    out.push_str("</section>\n");
}

fn changes_section(out: &mut String, changes: &Changes) {
    writeln!(
        out,
        "<section id=\"changes\"><h2>Changes since <code>{}</code></h2>",
        escape(&changes.since)
    )
    .unwrap();
    out.push_str("<ul>");
    let empty = changes.moved.is_empty()
        && changes.status.is_empty()
        && changes.added.is_empty()
        && changes.removed.is_empty();
    if empty {
        out.push_str("<li>Nothing moved.</li>");
    }
    for m in &changes.moved {
        let direction = if m.days > 0 { "later" } else { "earlier" };
        write!(
            out,
            "<li class=\"moved {direction}\">{} <code>{}</code> moved <strong>{} {direction}</strong>: \
             <time>{}</time> → <time>{}</time></li>",
            m.kind,
            escape(&m.id),
            days(m.days.abs()),
            m.before,
            m.after
        )
        .unwrap();
    }
    for s in &changes.status {
        write!(
            out,
            "<li><code>{}</code> is now {} (was {})</li>",
            escape(&s.id),
            s.after.replace('_', " "),
            s.before.replace('_', " ")
        )
        .unwrap();
    }
    for (label, ids) in [("added", &changes.added), ("removed", &changes.removed)] {
        if !ids.is_empty() {
            let ids: Vec<String> = ids
                .iter()
                .map(|i| format!("<code>{}</code>", escape(i)))
                .collect();
            write!(out, "<li>{label}: {}</li>", ids.join(", ")).unwrap();
        }
    }
    out.push_str("</ul></section>\n");
}

fn rag_word(rag: Rag) -> &'static str {
    match rag {
        Rag::Green => "green",
        Rag::Amber => "amber",
        Rag::Red => "red",
    }
}

fn person(p: &Person) -> String {
    format!(
        "<span class=\"person\" title=\"@{}\">{}</span>",
        escape(&p.id),
        escape(&p.name)
    )
}

fn date(d: Option<chrono::NaiveDate>) -> String {
    d.map_or("—".to_string(), |d| format!("<time>{d}</time>"))
}

/// Escapes a reason and shows its `code` spans as code.
fn code_spans(text: &str) -> String {
    escape(text)
        .split('`')
        .enumerate()
        .map(|(n, part)| {
            if n % 2 == 1 {
                format!("<code>{part}</code>")
            } else {
                part.to_string()
            }
        })
        .collect()
}
