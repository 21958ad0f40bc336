//! The rows of `planls schedule`: every initiative and milestone with its forecast, as an
//! aligned table, a JSON array or CSV. The standing column uses [`wording::standing`], the
//! words hovers, inlay hints and messages use.

use serde::Serialize;

use crate::analysis::{wording, Analysis, NaiveDate, ScheduleState};
use crate::syntax::Kind;

/// One initiative or milestone. Dates are inclusive days; `null` in JSON when unscheduled.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Row {
    pub id: String,
    /// `initiative` or `milestone`.
    pub kind: &'static str,
    pub file: String,
    /// 1-based line of the ID.
    pub line: usize,
    #[serde(serialize_with = "ymd")]
    pub start: Option<NaiveDate>,
    #[serde(serialize_with = "ymd")]
    pub end: Option<NaiveDate>,
    #[serde(serialize_with = "ymd")]
    pub latest_finish: Option<NaiveDate>,
    pub slack: Option<i64>,
    pub critical: bool,
    pub slip: Option<i64>,
    pub unscheduled_reason: Option<String>,
    /// The standing in words (`slack 5 days`, `slips 3 days past its date, critical`); the
    /// table's last column, left out of JSON and CSV, which carry the numbers.
    #[serde(skip)]
    pub standing: String,
}

impl Row {
    /// Late work or a milestone past its date.
    pub fn is_late(&self) -> bool {
        self.slack.is_some_and(|s| s < 0) || self.slip.is_some_and(|s| s > 0)
    }
}

/// The rows of every initiative and milestone, in workspace order.
pub fn rows(analysis: &Analysis) -> Vec<Row> {
    let workspace = analysis.workspace();
    // The start of each line of each file, to turn offsets into lines in one pass per file.
    let line_starts: Vec<Vec<usize>> = workspace
        .files()
        .iter()
        .map(|f| {
            std::iter::once(0)
                .chain(f.text.match_indices('\n').map(|(i, _)| i + 1))
                .collect()
        })
        .collect();
    super::scheduled_kinds(analysis)
        .map(|id| {
            let info = analysis.item(id);
            let line = line_starts[info.file.0].partition_point(|&s| s <= info.name_span.start);
            let mut row = Row {
                id: info.name.clone(),
                kind: if info.kind == Kind::Milestone {
                    "milestone"
                } else {
                    "initiative"
                },
                file: workspace.file(info.file).path.clone(),
                line,
                start: None,
                end: None,
                latest_finish: None,
                slack: None,
                critical: false,
                slip: None,
                unscheduled_reason: None,
                standing: String::new(),
            };
            match analysis.schedule(id) {
                Some(ScheduleState::Scheduled(s)) => {
                    row.start = Some(s.start);
                    row.end = Some(s.end);
                    row.latest_finish = s.latest_finish;
                    row.slack = s.slack;
                    row.critical = s.critical;
                    row.slip = s.slip;
                    row.standing = wording::standing(s);
                }
                Some(ScheduleState::Unscheduled { reason }) => {
                    row.unscheduled_reason = Some(reason.clone());
                    row.standing = format!("unscheduled: {reason}");
                }
                None => {}
            }
            row
        })
        .collect()
}

/// A date as `YYYY-MM-DD`, or `null`.
fn ymd<S: serde::Serializer>(date: &Option<NaiveDate>, s: S) -> Result<S::Ok, S::Error> {
    match date {
        Some(d) => s.serialize_str(&d.format("%Y-%m-%d").to_string()),
        None => s.serialize_none(),
    }
}

/// One JSON array of the rows, pretty-printed, and a newline.
pub fn json(rows: &[Row]) -> String {
    let mut text = serde_json::to_string_pretty(rows).expect("rows serialize");
    text.push('\n');
    text
}

/// CSV with a header line; the columns of JSON, in the same order. Empty cells for `null`.
pub fn csv(rows: &[Row]) -> String {
    let mut out = String::from(
        "id,kind,file,line,start,end,latest_finish,slack,critical,slip,unscheduled_reason\n",
    );
    let text = |v: Option<String>| v.unwrap_or_default();
    for r in rows {
        let cells = [
            r.id.clone(),
            r.kind.to_string(),
            r.file.clone(),
            r.line.to_string(),
            text(r.start.map(|d| d.to_string())),
            text(r.end.map(|d| d.to_string())),
            text(r.latest_finish.map(|d| d.to_string())),
            text(r.slack.map(|d| d.to_string())),
            r.critical.to_string(),
            text(r.slip.map(|d| d.to_string())),
            text(r.unscheduled_reason.clone()),
        ];
        let cells: Vec<String> = cells.iter().map(|c| csv_cell(c)).collect();
        out.push_str(&cells.join(","));
        out.push('\n');
    }
    out
}

/// RFC 4180: quoted when it holds a comma, a quote or a line break; quotes doubled.
fn csv_cell(cell: &str) -> String {
    if cell.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", cell.replace('"', "\"\""))
    } else {
        cell.to_string()
    }
}

/// An aligned table for a terminal: late rows are marked with `!` in the first column.
pub fn table(rows: &[Row]) -> String {
    let header = [
        "", "ID", "KIND", "START", "END", "LATEST", "STANDING", "WHERE",
    ];
    let date = |d: Option<NaiveDate>| d.map_or_else(|| "-".to_string(), |d| d.to_string());
    let body: Vec<[String; 8]> = rows
        .iter()
        .map(|r| {
            [
                if r.is_late() { "!" } else { "" }.to_string(),
                r.id.clone(),
                r.kind.to_string(),
                date(r.start),
                date(r.end),
                date(r.latest_finish),
                r.standing.clone(),
                format!("{}:{}", r.file, r.line),
            ]
        })
        .collect();
    let mut widths = header.map(|h| h.chars().count());
    for row in &body {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let mut line = |cells: &[String]| {
        let mut text = String::new();
        for (n, (cell, width)) in cells.iter().zip(widths).enumerate() {
            if n > 0 {
                text.push_str("  ");
            }
            text.push_str(cell);
            text.extend(std::iter::repeat_n(' ', width - cell.chars().count()));
        }
        out.push_str(text.trim_end());
        out.push('\n');
    };
    line(&header.map(String::from));
    for row in &body {
        line(row);
    }
    let late = rows.iter().filter(|r| r.is_late()).count();
    let unscheduled = rows
        .iter()
        .filter(|r| r.unscheduled_reason.is_some())
        .count();
    out.push_str(&format!(
        "{} items: {late} late (marked !), {unscheduled} unscheduled\n",
        rows.len()
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{analyze, Options, Workspace};

    fn rows_of(text: &str) -> Vec<Row> {
        let workspace = Workspace::from_texts([("p.plan", text)]);
        let today = NaiveDate::from_ymd_opt(2027, 1, 1).unwrap();
        rows(&analyze(&workspace, &Options { today }))
    }

    #[test]
    fn rows_carry_the_forecast_and_csv_quotes_what_needs_it() {
        let rows = rows_of(
            "program p { start: 2027-01-04 end: 2027-01-20 }\n\
             initiative a { duration: 2w }\n\
             milestone m { date: 2027-01-10 requires: a }\n\
             initiative b { start: 2027-01-04 }\n",
        );
        assert_eq!(rows.len(), 3);
        let (a, m, b) = (&rows[0], &rows[1], &rows[2]);
        assert_eq!((a.id.as_str(), a.line), ("a", 2));
        assert_eq!(a.end, NaiveDate::from_ymd_opt(2027, 1, 17));
        assert_eq!((a.slack, a.critical), (Some(-7), true));
        assert_eq!((m.slip, m.slack, m.is_late()), (Some(7), Some(-7), true));
        assert_eq!(m.standing, "slips 7 days past its date, critical");
        assert_eq!(b.start, None);
        let reason = "no duration: give `duration` or `end`";
        assert_eq!(b.unscheduled_reason.as_deref(), Some(reason));
        let csv = csv(&rows);
        // The reason has no comma or quote, so it is not quoted; the empty cells are nulls.
        assert!(
            csv.ends_with(&format!("b,initiative,p.plan,4,,,,,false,,{reason}\n")),
            "{csv}"
        );
        assert!(csv
            .lines()
            .nth(1)
            .unwrap()
            .starts_with("a,initiative,p.plan,2,2027-01-04,2027-01-17,2027-01-10,-7,true,,"));
        assert_eq!(csv_cell("a, \"b\""), "\"a, \"\"b\"\"\"");
        let table = table(&rows);
        assert!(
            table.lines().nth(2).unwrap().starts_with("!  m "),
            "{table}"
        );
        assert!(table.ends_with("3 items: 2 late (marked !), 1 unscheduled\n"));
    }
}
