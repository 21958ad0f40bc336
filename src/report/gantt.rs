//! The Gantt chart as inline SVG: a row per scheduled initiative grouped by team, then a row per
//! milestone (a diamond on its forecast; a late one also shows its date, hollow, and the gap),
//! today's line and the program's end. One row per item keeps every label readable at hundreds
//! of items: the chart grows down, never narrower. Styling is by class, in the page's CSS.

use std::fmt::Write;

use chrono::{Datelike, NaiveDate};

use super::escape;
use super::model::{Bar, Diamond, Gantt};
use crate::analysis::schedule::days_between;

const LABEL_WIDTH: f64 = 280.0;
const CHART_WIDTH: f64 = 880.0;
const AXIS_HEIGHT: f64 = 28.0;
const ROW: f64 = 18.0;
const GROUP_ROW: f64 = 22.0;
const BAR_HEIGHT: f64 = 12.0;
/// Labels longer than this are cut, with the whole title in the tooltip.
const LABEL_CHARS: usize = 42;

/// Where days fall on the x axis.
struct Scale {
    start: NaiveDate,
    per_day: f64,
}

impl Scale {
    fn new(gantt: &Gantt) -> Scale {
        let days = days_between(gantt.start, gantt.end) + 1;
        // Room after the last day for the last month's name and the last diamond.
        let margin = (days / 25).max(3);
        Scale {
            start: gantt.start,
            per_day: CHART_WIDTH / (days + margin) as f64,
        }
    }

    /// The left edge of a day.
    fn x(&self, day: NaiveDate) -> f64 {
        LABEL_WIDTH + days_between(self.start, day) as f64 * self.per_day
    }

    /// The middle of a day.
    fn mid(&self, day: NaiveDate) -> f64 {
        self.x(day) + self.per_day / 2.0
    }
}

pub fn render(gantt: &Gantt, today: NaiveDate) -> String {
    let scale = Scale::new(gantt);
    let rows: usize =
        gantt.groups.iter().map(|g| g.bars.len()).sum::<usize>() + gantt.milestones.len();
    let groups = gantt.groups.len() + usize::from(!gantt.milestones.is_empty());
    let height = AXIS_HEIGHT + groups as f64 * GROUP_ROW + rows as f64 * ROW + 8.0;
    let width = LABEL_WIDTH + CHART_WIDTH + 16.0;
    let mut svg = String::new();
    writeln!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="gantt" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" aria-label="Gantt chart: {} initiatives, {} milestones">"#,
        rows - gantt.milestones.len(),
        gantt.milestones.len()
    )
    .unwrap();
    axis(&mut svg, gantt, &scale, height);
    let mut y = AXIS_HEIGHT;
    for group in &gantt.groups {
        group_heading(&mut svg, &group.name, y);
        y += GROUP_ROW;
        for bar in &group.bars {
            bar_row(&mut svg, bar, &scale, y);
            y += ROW;
        }
    }
    if !gantt.milestones.is_empty() {
        group_heading(&mut svg, "Milestones", y);
        y += GROUP_ROW;
        for diamond in &gantt.milestones {
            milestone_row(&mut svg, diamond, &scale, y);
            y += ROW;
        }
    }
    if let Some(end) = gantt.target_end {
        let x = scale.x(end) + scale.per_day;
        writeln!(
            svg,
            r#"<line class="target-end" x1="{x:.1}" y1="{AXIS_HEIGHT}" x2="{x:.1}" y2="{height}"><title>program end {end}</title></line>"#
        )
        .unwrap();
    }
    let x = scale.mid(today);
    writeln!(
        svg,
        r#"<line class="today" x1="{x:.1}" y1="14" x2="{x:.1}" y2="{height}"><title>today {today}</title></line><text class="today-label" x="{:.1}" y="12">today</text>"#,
        x + 3.0
    )
    .unwrap();
    svg.push_str("</svg>\n");
    svg
}

/// Month lines and names; weeks too when the chart spans under four months.
fn axis(svg: &mut String, gantt: &Gantt, scale: &Scale, height: f64) {
    let span = days_between(gantt.start, gantt.end);
    let mut day = gantt.start;
    while day <= gantt.end {
        let x = scale.x(day);
        if day.day() == 1 || day == gantt.start {
            writeln!(
                svg,
                r#"<line class="month" x1="{x:.1}" y1="{AXIS_HEIGHT}" x2="{x:.1}" y2="{height}"/><text class="month-label" x="{:.1}" y="24">{}</text>"#,
                x + 2.0,
                if span > 400 { day.format("%b %y") } else { day.format("%b %Y") }
            )
            .unwrap();
        } else if span < 120 && day.weekday() == chrono::Weekday::Mon {
            writeln!(
                svg,
                r#"<line class="week" x1="{x:.1}" y1="{AXIS_HEIGHT}" x2="{x:.1}" y2="{height}"/>"#
            )
            .unwrap();
        }
        match day.succ_opt() {
            Some(next) => day = next,
            None => break,
        }
    }
}

fn group_heading(svg: &mut String, name: &str, y: f64) {
    writeln!(
        svg,
        r#"<text class="group" x="4" y="{:.1}">{}</text>"#,
        y + GROUP_ROW - 6.0,
        escape(name)
    )
    .unwrap();
}

fn label(svg: &mut String, title: &str, id: &str, y: f64, class: &str) {
    let shown: String = if title.chars().count() > LABEL_CHARS {
        title.chars().take(LABEL_CHARS - 1).collect::<String>() + "…"
    } else {
        title.to_string()
    };
    writeln!(
        svg,
        r#"<text class="{class}" x="14" y="{:.1}">{}<title>{} ({})</title></text>"#,
        y + ROW - 5.0,
        escape(&shown),
        escape(title),
        escape(id)
    )
    .unwrap();
}

fn bar_row(svg: &mut String, bar: &Bar, scale: &Scale, y: f64) {
    let mut class = format!("bar status-{}", bar.status);
    if bar.critical {
        class.push_str(" critical");
    }
    if bar.late {
        class.push_str(" late");
    }
    label(
        svg,
        &bar.title,
        &bar.id,
        y,
        if bar.late { "label late" } else { "label" },
    );
    let x = scale.x(bar.start);
    let w = (scale.x(bar.end) + scale.per_day - x).max(2.0);
    let top = y + (ROW - BAR_HEIGHT) / 2.0;
    let mut tip = format!("{} ({}): {} to {}", bar.title, bar.id, bar.start, bar.end);
    if bar.critical {
        tip.push_str(", critical path");
    }
    if bar.late {
        tip.push_str(", late");
    }
    write!(
        svg,
        r#"<g class="{class}" data-id="{}"><rect x="{x:.1}" y="{top:.1}" width="{w:.1}" height="{BAR_HEIGHT}" rx="2"/>"#,
        escape(&bar.id)
    )
    .unwrap();
    if let Some(progress) = bar.progress.filter(|p| *p > 0) {
        let done = w * progress.min(100) as f64 / 100.0;
        write!(
            svg,
            r#"<rect class="progress" x="{x:.1}" y="{:.1}" width="{done:.1}" height="3"/>"#,
            top + BAR_HEIGHT - 3.0
        )
        .unwrap();
    }
    writeln!(svg, "<title>{}</title></g>", escape(&tip)).unwrap();
}

fn milestone_row(svg: &mut String, m: &Diamond, scale: &Scale, y: f64) {
    let mut class = "milestone".to_string();
    if m.late {
        class.push_str(" late");
    }
    if m.done {
        class.push_str(" done");
    }
    label(
        svg,
        &m.title,
        &m.id,
        y,
        if m.late { "label late" } else { "label" },
    );
    let cy = y + ROW / 2.0;
    let mut tip = format!("{} ({}): forecast {}", m.title, m.id, m.forecast);
    write!(svg, r#"<g class="{class}" data-id="{}">"#, escape(&m.id)).unwrap();
    if let Some(date) = m.date.filter(|&d| d != m.forecast) {
        let (from, to) = (scale.mid(date), scale.mid(m.forecast));
        write!(
            svg,
            r#"<line class="slip" x1="{from:.1}" y1="{cy:.1}" x2="{to:.1}" y2="{cy:.1}"/>{}"#,
            diamond(from, cy, "committed")
        )
        .unwrap();
        write!(tip, ", date {date}").unwrap();
    }
    writeln!(
        svg,
        "{}<title>{}</title></g>",
        diamond(scale.mid(m.forecast), cy, "forecast"),
        escape(&tip)
    )
    .unwrap();
}

fn diamond(x: f64, y: f64, class: &str) -> String {
    let r = 6.0;
    format!(
        r#"<polygon class="{class}" points="{:.1},{y:.1} {x:.1},{:.1} {:.1},{y:.1} {x:.1},{:.1}"/>"#,
        x - r,
        y - r,
        x + r,
        y + r
    )
}
