//! `planls export --format tjp`: a TaskJuggler 3 project that schedules to the same dates as
//! the forecast, so `tj3` can check planls (tests/export_oracles.rs) and people can take the plan
//! on in TaskJuggler.
//!
//! [`task_inputs`] is the one place that restates planls' forecast inputs in TaskJuggler's
//! terms; change it with the forecast's rules (docs/schedule.md, "TaskJuggler").

use std::collections::HashSet;
use std::fmt::Write;

use crate::analysis::schedule::{add_days, is_under_way, Extent, Replan};
use crate::analysis::{Analysis, ItemId, NaiveDate, ScheduleState};
use crate::syntax::Kind;

/// The name of the CSV report in the project (tj3 writes `planls-schedule.csv`), and its columns.
pub const REPORT_FILE: &str = "planls-schedule";

/// One scheduled initiative or milestone in TaskJuggler's terms.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaskInputs {
    pub item: ItemId,
    /// The earliest moment the task may start, from its own fields: TaskJuggler cannot combine a
    /// fixed `start` with `depends` (it reports an error when a dependency ends later), so with
    /// dependencies this becomes a milestone the task depends on.
    pub own_start: Option<NaiveDate>,
    /// Calendar days of work; `None` for a milestone.
    pub days: Option<i64>,
    /// What it waits for: each item with its lag in days (`gapduration`).
    pub depends: Vec<(ItemId, i64)>,
    pub done: bool,
    /// An initiative with parts: a TaskJuggler container, its parts nested inside, its dates
    /// theirs (the parts inherit its dependencies already).
    pub container: bool,
}

/// How an item's forecast inputs read in TaskJuggler, or `None` when planls could not forecast
/// it (it is left out, and so is everything that waits for it: that is unscheduled too).
///
/// - TaskJuggler's ends are exclusive: work of N days from day S is `start S duration Nd`, and
///   TaskJuggler reports its end as S + N, the day after planls' last day.
/// - A milestone is a moment. planls' milestone "on day D" happens when the day's work is done,
///   so it is the moment D + 1 at 00:00: the end TaskJuggler gives work whose last day is D.
///   Work after a milestone starts then, which is planls' "the day after".
/// - Lags are `gapduration` (calendar days). References that do not count in the forecast
///   (to cancelled items, inside cycles, from closed items that keep their dates) are left out.
/// - A closed item that keeps its dates gets a fixed `start` and no dependencies; `done` work
///   is `complete 100`.
/// - Work with neither its own start nor a dependency that counts starts on the program start.
/// - The forecast from today: open work that has not started starts today at the earliest (a
///   start of today, which TaskJuggler combines with the dependencies as above), and so does an
///   open milestone; work under way keeps its own start whatever it depends on, and work whose
///   remaining days follow its progress from today gets its forecast start and end as fixed
///   dates (TaskJuggler would need bookings to know the work done).
pub fn task_inputs(analysis: &Analysis, item: ItemId) -> Option<TaskInputs> {
    let Some(ScheduleState::Scheduled(_)) = analysis.schedule(item) else {
        return None;
    };
    let forecast = analysis.forecast();
    let graph = analysis.dependency_graph();
    let pinned = forecast.is_pinned(item);
    let depends: Vec<(ItemId, i64)> = if pinned {
        Vec::new()
    } else {
        graph
            .upstream(item)
            .filter(|(e, d)| {
                forecast.is_live(*e)
                    && matches!(
                        analysis.schedule(d.dependency),
                        Some(ScheduleState::Scheduled(_))
                    )
            })
            .map(|(_, d)| (d.dependency, forecast.calendar().lag(d)))
            .collect()
    };
    if graph.is_container(item) {
        return Some(TaskInputs {
            item,
            own_start: None,
            days: None,
            depends: Vec::new(),
            done: false,
            container: true,
        });
    }
    let (own_start, days) = match analysis.item(item).kind {
        Kind::Milestone => {
            let date = analysis.facts().of(item).date("date").map(|(d, _)| d);
            (date.and_then(|d| add_days(d, 1)), None)
        }
        _ => match forecast.extent(item)? {
            Extent::Known { start, days } => {
                let start = match start {
                    Some(s) => Some(*s),
                    None if depends.is_empty() => forecast.program().and_then(|p| p.start),
                    None => None,
                };
                (start, Some(*days))
            }
            Extent::Missing { .. } => return None,
        },
    };
    let mut inputs = TaskInputs {
        item,
        own_start,
        days,
        depends,
        done: graph.status(item) == "done",
        container: false,
    };
    replan_from_today(analysis, &mut inputs);
    Some(inputs)
}

/// How the forecast from today moves an open item, in TaskJuggler's terms.
fn replan_from_today(analysis: &Analysis, task: &mut TaskInputs) {
    let forecast = analysis.forecast();
    let item = task.item;
    let status = analysis.dependency_graph().status(item);
    if forecast.is_pinned(item) || matches!(status, "done" | "cancelled") {
        return;
    }
    let today = forecast.today();
    match forecast.replan(item) {
        Some(Replan::Remaining { .. } | Replan::EndPushed { .. }) => {
            if let Some((start, end)) = forecast.dates(item) {
                task.own_start = Some(start);
                task.days = Some(forecast.calendar().length(start, end));
                task.depends.clear();
            }
            return;
        }
        Some(Replan::StartPushed { .. }) => task.own_start = Some(today),
        Some(Replan::MilestonePushed { .. }) => task.own_start = add_days(today, 1),
        None => {}
    }
    let progress = analysis.facts().of(item).percent("progress");
    let own_start = matches!(
        forecast.extent(item),
        Some(Extent::Known { start: Some(_), .. })
    );
    if analysis.item(item).kind == Kind::Initiative && is_under_way(status, progress) && own_start {
        task.depends.clear();
    }
}

/// The TaskJuggler project of the whole forecast, with a CSV report of every task's dates
/// (`planls-schedule.csv`: planls ID, TaskJuggler ID, start, exclusive end).
pub fn export(analysis: &Analysis) -> String {
    let tasks: Vec<TaskInputs> = super::scheduled_kinds(analysis)
        .filter_map(|item| task_inputs(analysis, item))
        .collect();
    let mut ids = Ids::default();
    let task_id: Vec<(ItemId, String)> = tasks
        .iter()
        .map(|t| (t.item, ids.claim(&analysis.item(t.item).name)))
        .collect();
    let local: std::collections::HashMap<ItemId, &str> =
        task_id.iter().map(|(i, id)| (*i, id.as_str())).collect();
    // A part sits inside its container, so TaskJuggler names it by the container's path.
    let parent_of = |item: ItemId| {
        analysis
            .facts()
            .of(item)
            .item("parent")
            // Cancelled work is no part of the roll-up: it stays outside.
            .filter(|p| {
                local.contains_key(p)
                    && *p != item
                    && analysis.dependency_graph().status(item) != "cancelled"
            })
    };
    let by_item: std::collections::HashMap<ItemId, String> = task_id
        .iter()
        .map(|(item, id)| {
            let mut path = id.clone();
            let mut current = *item;
            while let Some(p) = parent_of(current) {
                path = format!("{}.{path}", local[&p]);
                current = p;
            }
            (*item, path)
        })
        .collect();
    let mut people = Ids::default();
    let person_ids: Vec<(ItemId, String)> = analysis
        .items()
        .filter(|(id, info)| info.kind == Kind::Person && analysis.lookup(&info.name) == Some(*id))
        .map(|(id, info)| (id, people.claim(&info.name)))
        .collect();
    let person_of: std::collections::HashMap<ItemId, &str> =
        person_ids.iter().map(|(i, id)| (*i, id.as_str())).collect();

    // The project spans every date the tasks name, and ends after the last forecast end.
    let dates = tasks
        .iter()
        .filter_map(|t| match analysis.schedule(t.item) {
            Some(ScheduleState::Scheduled(s)) => Some((s.start, s.end)),
            _ => None,
        });
    let first = dates
        .clone()
        .map(|(s, _)| s)
        .chain(tasks.iter().filter_map(|t| t.own_start))
        .min();
    let last = dates.map(|(_, e)| e).max();
    let (first, last) = match (first, last) {
        (Some(f), Some(l)) => (f, l),
        _ => {
            let day = forecast_default_day(analysis);
            (day, day)
        }
    };
    let project_end = add_days(last, 3).unwrap_or(last);
    let title = analysis
        .items()
        .find(|(_, i)| i.kind == Kind::Program)
        .map(|(_, i)| i.title.clone().unwrap_or_else(|| i.name.clone()))
        .unwrap_or_else(|| "planls".to_string());

    let mut out = String::new();
    let _ = writeln!(
        out,
        "/* Exported by planls: the forecast's inputs in TaskJuggler's terms (docs/schedule.md).\n   \
         Ends are exclusive; a milestone on planls' day D is the moment D + 1 at 00:00. */"
    );
    let _ = writeln!(
        out,
        "project planls {} {first} - {project_end} {{",
        quote(&title)
    );
    let _ = writeln!(out, "  timezone \"UTC\"");
    let calendar = analysis.forecast().calendar();
    if calendar.counts_working_days() {
        // Whole days: a day of `length` is a working day, Monday to Friday.
        let _ = writeln!(
            out,
            "  dailyworkinghours 24\n  workinghours mon - fri 0:00 - 24:00\n  workinghours sat, sun off"
        );
    }
    let _ = writeln!(
        out,
        "  extend task {{\n    text PlanlsId \"planls ID\"\n  }}"
    );
    let _ = writeln!(out, "}}\n");
    if calendar.counts_working_days() {
        for day in calendar.holidays() {
            let _ = writeln!(out, "leaves holiday \"Holiday\" {day}");
        }
        out.push('\n');
    }
    // Working days are TaskJuggler's working time: `length` and `gaplength`.
    let (length, gap) = if calendar.counts_working_days() {
        ("length", "gaplength")
    } else {
        ("duration", "gapduration")
    };
    for (item, id) in &person_ids {
        let info = analysis.item(*item);
        let name = info.title.clone().unwrap_or_else(|| info.name.clone());
        let _ = writeln!(out, "resource {id} {}", quote(&name));
    }
    if !person_ids.is_empty() {
        out.push('\n');
    }
    let mut anchors = String::new();
    let mut bodies: std::collections::HashMap<ItemId, String> = std::collections::HashMap::new();
    let by_task: std::collections::HashMap<ItemId, &TaskInputs> =
        tasks.iter().map(|t| (t.item, t)).collect();
    // Parts before their containers, which take their text inside.
    let graph = analysis.dependency_graph();
    for task in graph.order().iter().filter_map(|i| by_task.get(i)) {
        let info = analysis.item(task.item);
        let id = local[&task.item];
        if task.container {
            let mut body = format!(
                "task {id} {} {{\n",
                quote(&info.title.clone().unwrap_or_else(|| info.name.clone()))
            );
            let _ = writeln!(body, "  PlanlsId \"{}\"", info.name);
            for part in graph
                .parts(task.item)
                .filter(|p| graph.status(*p) != "cancelled")
            {
                if let Some(text) = bodies.remove(&part) {
                    body.push_str(&text);
                }
            }
            body.push_str("}\n");
            bodies.insert(task.item, body);
            continue;
        }
        let mut out = String::new();
        let name = info.title.clone().unwrap_or_else(|| info.name.clone());
        let mut depends: Vec<String> = task
            .depends
            .iter()
            .map(|(d, lag)| match lag {
                0 => by_item[d].clone(),
                lag => format!("{} {{ {gap} {lag}d }}", by_item[d]),
            })
            .collect();
        let mut anchor = None;
        if let Some(start) = task.own_start {
            if !task.depends.is_empty() {
                let anchor_id = ids.claim(&format!("{}_own_start", info.name));
                depends.push(anchor_id.clone());
                anchor = Some((anchor_id, start));
            }
        }
        if let Some((anchor_id, start)) = &anchor {
            let _ = writeln!(
                anchors,
                "task {anchor_id} {} {{\n  start {start}\n  milestone\n}}",
                quote(&format!("{} may start", info.name))
            );
        }
        let _ = writeln!(out, "task {id} {} {{", quote(&name));
        let _ = writeln!(out, "  PlanlsId \"{}\"", info.name);
        match (task.own_start, anchor.is_some()) {
            (Some(start), false) => {
                let _ = writeln!(out, "  start {start}");
            }
            _ => {
                let _ = writeln!(out, "  depends {}", depends.join(", "));
            }
        }
        match task.days {
            Some(days) => {
                let _ = writeln!(out, "  {length} {days}d");
            }
            None => {
                let _ = writeln!(out, "  milestone");
            }
        }
        let owner = analysis.facts().of(task.item).item("owner");
        if let Some(person) = owner.and_then(|p| person_of.get(&p)) {
            let _ = writeln!(out, "  responsible {person}");
        }
        if task.done {
            let _ = writeln!(out, "  complete 100");
        }
        let _ = writeln!(out, "}}");
        bodies.insert(task.item, out);
    }
    out.push_str(&anchors);
    for task in &tasks {
        if let Some(body) = bodies.remove(&task.item) {
            out.push_str(&body);
        }
    }
    let _ = writeln!(
        out,
        "\ntaskreport planls_schedule \"{REPORT_FILE}\" {{\n  formats csv\n  columns PlanlsId, id, start, end\n  timeformat \"%Y-%m-%d\"\n  hideresource 1\n}}"
    );
    out
}

/// TaskJuggler 3.7 schedules only from 1970 to 2035 ("Year 2060 out of range (1970 - 2035)").
pub const YEARS: std::ops::RangeInclusive<i32> = 1970..=2035;

/// Why tj3 will refuse the export: a forecast date outside [`YEARS`]. The export is written
/// all the same; the command line says this as a warning.
pub fn out_of_range(analysis: &Analysis) -> Option<String> {
    use chrono::Datelike;
    let outside =
        super::scheduled_kinds(analysis).find_map(|item| match analysis.schedule(item) {
            Some(ScheduleState::Scheduled(s)) => [s.start, s.end]
                .into_iter()
                .find(|d| !YEARS.contains(&d.year()))
                .map(|d| (item, d)),
            _ => None,
        })?;
    let (item, date) = outside;
    Some(format!(
        "`{}` is forecast for {date}, but TaskJuggler schedules only from {} to {}: tj3 will reject this project",
        analysis.item(item).name,
        YEARS.start(),
        YEARS.end()
    ))
}

/// A day for the project of a plan with nothing scheduled: the program start, or a fixed day.
fn forecast_default_day(analysis: &Analysis) -> NaiveDate {
    analysis
        .forecast()
        .program()
        .and_then(|p| p.start)
        .unwrap_or(NaiveDate::from_ymd_opt(2000, 1, 1).expect("a real day"))
}

/// A TaskJuggler string. It has no escape for `"`, so double quotes become single ones.
fn quote(text: &str) -> String {
    let clean: String = text
        .chars()
        .map(|c| match c {
            '"' => '\'',
            '\\' => '/',
            c if c.is_control() => ' ',
            c => c,
        })
        .collect();
    format!("\"{clean}\"")
}

/// TaskJuggler IDs: letters, digits and `_`; planls' `.` and `-` become `_`, and a name taken
/// already gets `_2`, `_3`...
#[derive(Default)]
pub struct Ids {
    taken: HashSet<String>,
}

impl Ids {
    pub fn claim(&mut self, name: &str) -> String {
        let mut base: String = name
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        if !base.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
            base.insert(0, '_');
        }
        let mut id = base.clone();
        let mut n = 1;
        while !self.taken.insert(id.clone()) {
            n += 1;
            id = format!("{base}_{n}");
        }
        id
    }
}
