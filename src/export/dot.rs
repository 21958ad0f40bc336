//! `planls export --format dot`: the dependency graph for Graphviz, an arrow from each item to
//! what waits for it, critical items and the references between them drawn red.

use std::fmt::Write;

use crate::analysis::{wording, Analysis, ScheduleState};
use crate::syntax::Kind;

/// A DOT string: quotes and backslashes escaped, line breaks as `\n`.
fn quote(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

pub fn export(analysis: &Analysis) -> String {
    let mut out = String::from(
        "digraph plan {\n  rankdir=LR;\n  node [shape=box, fontname=\"Helvetica\"];\n  edge [fontname=\"Helvetica\"];\n",
    );
    let critical =
        |item| matches!(analysis.schedule(item), Some(ScheduleState::Scheduled(s)) if s.critical);
    for item in super::scheduled_kinds(analysis) {
        let info = analysis.item(item);
        let mut label = info.name.clone();
        if let Some(title) = &info.title {
            label.push('\n');
            label.push_str(title);
        }
        label.push('\n');
        label.push_str(&super::dates_text(analysis, item));
        if let Some(ScheduleState::Scheduled(s)) = analysis.schedule(item) {
            label.push('\n');
            label.push_str(&wording::standing(s));
        }
        let mut attributes = vec![format!("label={}", quote(&label))];
        if info.kind == Kind::Milestone {
            attributes.push("shape=hexagon".into());
        }
        if critical(item) {
            attributes.push("color=red, penwidth=2".into());
        }
        if !matches!(analysis.schedule(item), Some(ScheduleState::Scheduled(_))) {
            attributes.push("style=dashed".into());
        }
        let _ = writeln!(out, "  {} [{}];", quote(&info.name), attributes.join(", "));
    }
    for d in analysis.dependency_graph().dependencies() {
        if d.is_self() {
            continue;
        }
        let mut attributes = Vec::new();
        if d.lag_days != 0 {
            attributes.push(format!("label={}", quote(&format!("+{}d", d.lag_days))));
        }
        if critical(d.dependency) && critical(d.dependent) {
            attributes.push("color=red, penwidth=2".into());
        }
        let (from, to) = (
            &analysis.item(d.dependency).name,
            &analysis.item(d.dependent).name,
        );
        let _ = if attributes.is_empty() {
            writeln!(out, "  {} -> {};", quote(from), quote(to))
        } else {
            writeln!(
                out,
                "  {} -> {} [{}];",
                quote(from),
                quote(to),
                attributes.join(", ")
            )
        };
    }
    out.push_str("}\n");
    out
}
