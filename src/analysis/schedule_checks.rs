//! The diagnostics of dates, forecast and status: inconsistent-dates, schedule-conflict,
//! milestone-at-risk, program-end-at-risk, depends-on-cancelled, done-before-dependency,
//! overdue, health-mismatch, blocked-upstream, not-started, review-overdue and owner-overloaded.

use chrono::NaiveDate;

use crate::analysis::diagnostic::{Code, Data, Diagnostic, Edit, Fix};
use crate::analysis::facts::Facts;
use crate::analysis::graph::{removal, spell_chain, DependencyGraph};
use crate::analysis::index::{Index, ItemId};
use crate::analysis::load::{self, OVERLOAD};
use crate::analysis::queries::Relations;
use crate::analysis::rollup::{rank, Rollup};
use crate::analysis::schedule::{days_between, is_under_way, Extent, Forecast, ProgramDates};
use crate::analysis::validate::removal_span;
use crate::analysis::wording::{self, days};
use crate::analysis::workspace::Workspace;
use crate::analysis::FileSet;
use crate::syntax::{Kind, Span};

/// Everything the checks read.
struct Context<'a> {
    workspace: &'a Workspace,
    index: &'a Index,
    facts: &'a Facts,
    graph: &'a DependencyGraph,
    forecast: &'a Forecast,
    relations: &'a Relations,
    today: NaiveDate,
    only: &'a FileSet,
}

#[allow(clippy::too_many_arguments)] // what the checks read, each shared with other passes
/// Every schedule and status diagnostic of the items of the files in `only`, in no particular
/// order (the caller sorts; a few may lie in other files, and the caller leaves them out).
pub fn diagnostics(
    workspace: &Workspace,
    index: &Index,
    facts: &Facts,
    graph: &DependencyGraph,
    forecast: &Forecast,
    relations: &Relations,
    today: NaiveDate,
    only: &FileSet,
) -> Vec<Diagnostic> {
    let cx = Context {
        workspace,
        index,
        facts,
        graph,
        forecast,
        relations,
        today,
        only,
    };
    let mut out = Vec::new();
    for item in only.files().flat_map(|file| index.items_in(file)) {
        match index.item(item).kind {
            Kind::Program => cx.inconsistent_dates(item, &mut out),
            Kind::Initiative if graph.is_container(item) => cx.container_dates(item, &mut out),
            Kind::Initiative => {
                cx.inconsistent_dates(item, &mut out);
                cx.schedule_conflict(item, &mut out);
                cx.overdue_initiative(item, &mut out);
                cx.not_started(item, &mut out);
            }
            Kind::Milestone => {
                cx.milestone_at_risk(item, &mut out);
                cx.overdue_milestone(item, &mut out);
            }
            Kind::Risk => cx.review_overdue(item, &mut out),
            Kind::Person => cx.owner_overloaded(item, &mut out),
            _ => {}
        }
    }
    cx.program_end_at_risk(&mut out);
    cx.reference_checks(&mut out);
    cx.blocked(&mut out);
    out
}

/// ", plus a lag of 7 days", or nothing without a lag.
fn lag_words(lag: i64, calendar: &crate::analysis::calendar::Calendar) -> String {
    match lag {
        0 => String::new(),
        1 if calendar.counts_working_days() => ", plus a lag of 1 working day".to_string(),
        _ if calendar.counts_working_days() => format!(", plus a lag of {lag} working days"),
        _ => format!(", plus a lag of {}", days(lag)),
    }
}

impl Context<'_> {
    fn name(&self, item: ItemId) -> &str {
        &self.index.item(item).name
    }

    /// An initiative's `duration` in the program's calendar: working days when it counts them.
    fn duration(&self, item: ItemId) -> Option<(i64, Span)> {
        let f = self.facts.of(item);
        if self.forecast.calendar().counts_working_days() {
            f.working_days("duration")
        } else {
            f.days("duration")
        }
    }

    /// The last day of `length` days of work from `start` (a working day or the next one).
    fn end_from(&self, start: NaiveDate, length: i64) -> Option<NaiveDate> {
        let calendar = self.forecast.calendar();
        calendar.end_of(calendar.on_or_after(start)?, length)
    }

    /// "3 days", or "3 working days" in a working-days program.
    fn day_count(&self, n: i64) -> String {
        match (self.forecast.calendar().counts_working_days(), n.abs()) {
            (false, _) => days(n),
            (true, 1) => format!("{n} working day"),
            (true, _) => format!("{n} working days"),
        }
    }

    /// The text a span covers, as the user wrote it.
    fn written(&self, item: ItemId, span: Span) -> &str {
        let text = &self.workspace.file(self.index.item(item).file).text;
        text.get(span.start..span.end).unwrap_or("")
    }

    fn at(&self, item: ItemId, span: Span, code: Code, message: String) -> Diagnostic {
        Diagnostic::new(code, self.index.item(item).file, span, message)
    }

    /// Relates a diagnostic to an item's ID.
    fn related_id(&self, d: Diagnostic, item: ItemId, message: String) -> Diagnostic {
        let info = self.index.item(item);
        d.with_related(info.file, info.name_span, message)
    }

    /// Relates a diagnostic to an item's `status` value, or to its ID when it has none.
    fn related_status(&self, d: Diagnostic, item: ItemId) -> Diagnostic {
        let word = self.graph.status(item);
        let message = format!("`{}` is {word} here", self.name(item));
        match self.facts.of(item).values("status").first() {
            Some((_, span)) => d.with_related(self.index.item(item).file, *span, message),
            None => self.related_id(
                d,
                item,
                format!("`{}` has no status, so it is planned", self.name(item)),
            ),
        }
    }

    /// End before start; start, end and duration that disagree.
    fn inconsistent_dates(&self, item: ItemId, out: &mut Vec<Diagnostic>) {
        let f = self.facts.of(item);
        let (Some((start, start_span)), Some((end, end_span))) = (f.date("start"), f.date("end"))
        else {
            return;
        };
        let file = self.index.item(item).file;
        if end < start {
            out.push(
                self.at(
                    item,
                    end_span,
                    Code::InconsistentDates,
                    format!(
                        "end {end} is before start {start}: `end` is the last day of work, on or after the start"
                    ),
                )
                .with_related(file, start_span, format!("`{}` starts {start}", self.name(item))),
            );
            return;
        }
        let Some((duration, duration_span)) = self.duration(item) else {
            return;
        };
        let calendar = self.forecast.calendar();
        let spanned = calendar.length(start, end);
        if duration == spanned {
            return;
        }
        let written = self.written(item, duration_span);
        let week = if calendar.counts_working_days() { 5 } else { 7 };
        let replacement = if spanned % week == 0 {
            format!("{}w", spanned / week)
        } else {
            format!("{spanned}d")
        };
        out.push(
            self.at(
                item,
                duration_span,
                Code::InconsistentDates,
                format!(
                    "start {start} and end {end} make {}, but duration is {written} ({}); the forecast uses the start and end",
                    self.day_count(spanned),
                    self.day_count(duration)
                ),
            )
            .with_related(file, start_span, format!("`{}` starts {start}", self.name(item)))
            .with_related(file, end_span, format!("`{}` ends {end}", self.name(item)))
            .with_data(Data {
                suggestion: Some(replacement.clone()),
                ..Data::default()
            })
            .with_fix(Fix {
                title: format!("Set duration to {replacement}"),
                edits: vec![Edit {
                    file,
                    span: duration_span,
                    new_text: replacement,
                }],
            }),
        );
    }

    /// A given start (or, without one, a given end) earlier than the dependencies allow.
    fn schedule_conflict(&self, item: ItemId, out: &mut Vec<Diagnostic>) {
        if self.forecast.is_pinned(item) {
            return;
        }
        let f = self.facts.of(item);
        let Some(Extent::Known {
            start: Some(own_start),
            days: length,
        }) = self.forecast.extent(item)
        else {
            return;
        };
        let (span, word) = match (f.date("start"), f.date("end")) {
            (Some((_, span)), _) => (span, "start"),
            (None, Some((_, span))) => (span, "end"),
            (None, None) => return,
        };
        // Each live dependency that ends too late, with the first day it allows.
        let mut late: Vec<(NaiveDate, ItemId, i64, NaiveDate)> = Vec::new();
        for (e, d) in self.graph.upstream(item) {
            if !self.forecast.is_live(e) {
                continue;
            }
            let Some((_, end)) = self.forecast.dates(d.dependency) else {
                continue;
            };
            let calendar = self.forecast.calendar();
            if let Some(allowed) = calendar.start_after(end, calendar.lag(d)) {
                if allowed > *own_start {
                    late.push((allowed, d.dependency, calendar.lag(d), end));
                }
            }
        }
        // The dependency that allows the latest start explains the conflict; ties to the first.
        let Some(&(allowed, binding, lag, end)) =
            late.iter().rev().max_by_key(|(allowed, ..)| *allowed)
        else {
            return;
        };
        let later = days_between(*own_start, allowed);
        let under_way =
            is_under_way(self.graph.status(item), f.percent("progress")) && *own_start < self.today;
        let message = if under_way {
            format!(
                "`{}` started {own_start}, before `{}` is forecast to end {end}{}: it started before its dependency ended, {} early; the forecast keeps its start",
                self.name(item),
                self.name(binding),
                lag_words(lag, self.forecast.calendar()),
                days(later)
            )
        } else if word == "start" {
            format!(
                "`{}` is set to start {own_start}, but `{}` is forecast to end {end}{}: it can start {allowed} at the earliest, {} later",
                self.name(item),
                self.name(binding),
                lag_words(lag, self.forecast.calendar()),
                days(later)
            )
        } else {
            let calendar = self.forecast.calendar();
            let given_end = calendar.end_of(*own_start, *length).unwrap_or(*own_start);
            let can_end = calendar.end_of(allowed, *length).unwrap_or(allowed);
            format!(
                "`{}` is set to end {given_end}, but `{}` is forecast to end {end}{}: it can end {can_end} at the earliest, {} later",
                self.name(item),
                self.name(binding),
                lag_words(lag, self.forecast.calendar()),
                days(later)
            )
        };
        let earliest = if word == "start" {
            allowed
        } else {
            let calendar = self.forecast.calendar();
            calendar.end_of(allowed, *length).unwrap_or(allowed)
        };
        let mut d = self
            .at(item, span, Code::ScheduleConflict, message)
            .with_data(Data {
                delay_days: Some(later),
                forecast: Some(earliest.to_string()),
                items: Some(vec![self.name(binding).to_string()]),
                ..Data::default()
            });
        for &(_, dependency, _, end) in &late {
            let text = format!("`{}` is forecast to end {end}", self.name(dependency));
            d = self.related_id(d, dependency, text);
        }
        out.push(d);
    }

    /// The names of a critical path: `a -> b -> m`.
    fn path(&self, item: ItemId) -> String {
        spell_chain(
            self.forecast
                .critical_path(item)
                .iter()
                .map(|&i| self.name(i))
                .collect(),
        )
    }

    /// A milestone forecast after its date, on the date value.
    fn milestone_at_risk(&self, item: ItemId, out: &mut Vec<Diagnostic>) {
        if self.graph.is_closed(item) {
            return;
        }
        let (Some((date, span)), Some((forecast, _))) =
            (self.facts.of(item).date("date"), self.forecast.dates(item))
        else {
            return;
        };
        if forecast <= date {
            return;
        }
        // The requirements that end too late, latest first. Without one, only today pushed the
        // forecast: the milestone is `overdue`, not at risk from its work.
        let mut late: Vec<(NaiveDate, ItemId, i64, NaiveDate)> = Vec::new();
        for (e, r) in self.graph.upstream(item) {
            if !self.forecast.is_live(e) {
                continue;
            }
            if let Some((_, end)) = self.forecast.dates(r.dependency) {
                let calendar = self.forecast.calendar();
                let lag = calendar.lag(r);
                if let Some(needed) = calendar.ready(end, lag).filter(|n| *n > date) {
                    late.push((needed, r.dependency, lag, end));
                }
            }
        }
        if late.is_empty() {
            return;
        }
        let slip = days_between(date, forecast);
        let path: Vec<String> = self
            .forecast
            .critical_path(item)
            .iter()
            .map(|&i| self.name(i).to_string())
            .collect();
        let mut d = self.at(
            item,
            span,
            Code::MilestoneAtRisk,
            format!(
                "`{}` is forecast for {forecast} and {} {date}; critical path: {}",
                self.name(item),
                wording::slip(slip),
                self.path(item)
            ),
        );
        d = d.with_data(Data {
            slip_days: Some(slip),
            forecast: Some(forecast.to_string()),
            critical_path: Some(path),
            ..Data::default()
        });
        late.sort_by_key(|(needed, id, ..)| (std::cmp::Reverse(*needed), *id));
        for (_, dependency, lag, end) in late {
            let text = format!(
                "`{}` is forecast to end {end}{}",
                self.name(dependency),
                lag_words(lag, self.forecast.calendar())
            );
            d = self.related_id(d, dependency, text);
        }
        out.push(d);
    }

    /// Open work forecast to end after the program's end, on the end value.
    fn program_end_at_risk(&self, out: &mut Vec<Diagnostic>) {
        let Some(ProgramDates {
            id: program,
            end: Some(program_end),
            ..
        }) = self.forecast.program()
        else {
            return;
        };
        if !self.only.contains(self.index.item(program).file) {
            return;
        }
        let Some((_, span)) = self.facts.of(program).date("end") else {
            return;
        };
        let late: Vec<(NaiveDate, ItemId)> = (0..self.index.len())
            .map(ItemId)
            .filter(|&i| {
                matches!(self.index.item(i).kind, Kind::Initiative | Kind::Milestone)
                    && !self.graph.is_closed(i)
            })
            .filter_map(|i| Some((self.forecast.dates(i)?.1, i)))
            .filter(|(end, _)| *end > program_end)
            .collect();
        let Some(&(last_end, _)) = late.iter().max_by_key(|(end, _)| *end) else {
            return;
        };
        let last: Vec<ItemId> = late
            .iter()
            .filter(|(end, _)| *end == last_end)
            .map(|(_, i)| *i)
            .collect();
        let names: Vec<String> = last
            .iter()
            .map(|&i| format!("`{}`", self.name(i)))
            .collect();
        let who = match names.as_slice() {
            [one] => format!("{one} ends last"),
            [rest @ .., final_one] => format!("{} and {final_one} end last", rest.join(", ")),
            [] => String::new(),
        };
        let others = if late.len() > last.len() {
            format!(" ({} items end after the program end)", late.len())
        } else {
            String::new()
        };
        let mut d = self.at(
            program,
            span,
            Code::ProgramEndAtRisk,
            format!(
                "work is forecast to end {last_end}, {} after the program end {program_end}: {who}{others}",
                days(days_between(program_end, last_end))
            ),
        )
        .with_data(Data {
            slip_days: Some(days_between(program_end, last_end)),
            forecast: Some(last_end.to_string()),
            items: Some(last.iter().map(|&i| self.name(i).to_string()).collect()),
            ..Data::default()
        });
        for i in last {
            let text = format!("`{}` is forecast to end {last_end}", self.name(i));
            d = self.related_id(d, i, text);
        }
        out.push(d);
    }

    /// An open initiative whose planned end (its `end`, or `start` plus `duration`) is past.
    fn overdue_initiative(&self, item: ItemId, out: &mut Vec<Diagnostic>) {
        if self.graph.is_closed(item) {
            return;
        }
        let f = self.facts.of(item);
        let today = self.today;
        let (message, span) = if let Some((end, span)) = f.date("end") {
            if end >= today {
                return;
            }
            (format!("`{}` was due to end {end}", self.name(item)), span)
        } else if let (Some((start, _)), Some((length, span))) =
            (f.date("start"), self.duration(item))
        {
            let Some(end) = self.end_from(start, length).filter(|e| *e < today) else {
                return;
            };
            let written = self.written(item, span);
            (
                format!(
                    "`{}` was due to end {end} (start {start} + {written})",
                    self.name(item)
                ),
                span,
            )
        } else {
            return;
        };
        out.push(self.at(
            item,
            span,
            Code::Overdue,
            format!(
                "{message}, before today ({today}), and is {}, not done",
                self.graph.status(item)
            ),
        ));
    }

    /// An open milestone whose date is past.
    fn overdue_milestone(&self, item: ItemId, out: &mut Vec<Diagnostic>) {
        if self.graph.is_closed(item) {
            return;
        }
        let Some((date, span)) = self.facts.of(item).date("date") else {
            return;
        };
        if date < self.today {
            out.push(self.at(
                item,
                span,
                Code::Overdue,
                format!(
                    "`{}` was due on {date}, before today ({}), and is not done",
                    self.name(item),
                    self.today
                ),
            ));
        }
    }

    /// The end an open initiative's own fields give: its `end`, or `start` plus `duration`.
    fn due_end(&self, item: ItemId) -> Option<NaiveDate> {
        let f = self.facts.of(item);
        match (f.date("end"), f.date("start"), self.duration(item)) {
            (Some((end, _)), ..) => Some(end),
            (None, Some((start, _)), Some((length, _))) => self.end_from(start, length),
            _ => None,
        }
    }

    /// container-dates on each `start`, `end` and `duration` of a container: its dates come from
    /// its parts, so its own are ignored; the fix removes the field.
    fn container_dates(&self, item: ItemId, out: &mut Vec<Diagnostic>) {
        let info = self.index.item(item);
        let file = self.workspace.file(info.file);
        let Some(syntax) = file.syntax.items.get(info.index_in_file) else {
            return;
        };
        let from_parts = match self.forecast.dates(item) {
            Some((start, end)) => format!(" ({start} to {end})"),
            None => String::new(),
        };
        for field in &syntax.fields {
            let key = field.key.text.as_str();
            if field.broken || !matches!(key, "start" | "end" | "duration") {
                continue;
            }
            let span = match (field.values.first(), field.values.last()) {
                (Some(first), Some(last)) => Span::new(first.span.start, last.span.end),
                _ => field.key.span,
            };
            let message = format!(
                "`{}` contains other initiatives, so its dates come from its parts{from_parts}: its own `{key}` is ignored; remove it, or date the parts",
                info.name
            );
            out.push(
                self.at(item, span, Code::ContainerDates, message)
                    .with_fix(Fix {
                        title: format!("Remove `{key}` from `{}`", info.name),
                        edits: vec![Edit {
                            file: info.file,
                            span: removal_span(&file.text, field.span),
                            new_text: String::new(),
                        }],
                    }),
            );
        }
    }

    /// `planned` work whose written start is before today: it has not started when it should
    /// have, and the forecast starts it today.
    fn not_started(&self, item: ItemId, out: &mut Vec<Diagnostic>) {
        if self.graph.status(item) != "planned" {
            return;
        }
        let f = self.facts.of(item);
        let Some((start, span)) = f.date("start").filter(|(s, _)| *s < self.today) else {
            return;
        };
        let today = self.today;
        let file = self.index.item(item).file;
        let forecast_end = self
            .forecast
            .dates(item)
            .map(|(_, end)| format!(", to end {end}"))
            .unwrap_or_default();
        let mut d = self.at(
            item,
            span,
            Code::NotStarted,
            format!(
                "`{}` was due to start {start}, before today ({today}), and is still planned: it is forecast from today{forecast_end}; start it, or move its start",
                self.name(item)
            ),
        );
        if let Some((_, status_span)) = f.values("status").first() {
            d = d.with_fix(Fix {
                title: "Set status to in_progress".into(),
                edits: vec![Edit {
                    file,
                    span: *status_span,
                    new_text: "in_progress".into(),
                }],
            });
        }
        if !f.has("end") {
            d = d.with_fix(Fix {
                title: format!("Move start to today, {today}"),
                edits: vec![Edit {
                    file,
                    span,
                    new_text: today.to_string(),
                }],
            });
        }
        out.push(d);
    }

    /// A live risk whose `review` date has passed.
    fn review_overdue(&self, risk: ItemId, out: &mut Vec<Diagnostic>) {
        let f = self.facts.of(risk);
        if !matches!(f.word("status").unwrap_or("open"), "open" | "mitigating") {
            return;
        }
        let Some((review, span)) = f.date("review").filter(|(r, _)| *r < self.today) else {
            return;
        };
        out.push(self.at(
            risk,
            span,
            Code::ReviewOverdue,
            format!(
                "the review of risk `{}` was due {review}, {} before today ({}); review it and set the next `review` date",
                self.name(risk),
                days(days_between(review, self.today)),
                self.today
            ),
        ));
    }

    /// A person who owns `OVERLOAD` or more open initiatives forecast to run at once.
    fn owner_overloaded(&self, person: ItemId, out: &mut Vec<Diagnostic>) {
        let Some(peak) = load::peak(self.relations.owned(person), self.graph, self.forecast)
            .filter(|p| p.items.len() >= OVERLOAD)
        else {
            return;
        };
        let names: Vec<String> = peak
            .items
            .iter()
            .map(|&i| format!("`{}`", self.name(i)))
            .collect();
        let info = self.index.item(person);
        let mut d = self.at(
            person,
            info.name_span,
            Code::OwnerOverloaded,
            format!(
                "`@{}` owns {} open initiatives that run at the same time, from {} to {}: {}; hand one over or move one",
                info.name,
                peak.items.len(),
                peak.from,
                peak.to,
                names.join(", ")
            ),
        );
        for &i in &peak.items {
            if let Some((start, end)) = self.forecast.dates(i) {
                let text = format!("`{}` is forecast from {start} to {end}", self.name(i));
                d = self.related_id(d, i, text);
            }
        }
        out.push(d);
    }

    /// depends-on-cancelled and done-before-dependency, on each reference.
    fn reference_checks(&self, out: &mut Vec<Diagnostic>) {
        let written = self.only.files().flat_map(|file| self.index.items_in(file));
        for (_, d) in written.flat_map(|item| self.graph.upstream(item)) {
            // Each reference once, where it is written: not a part's roll-up or inheritance.
            if d.is_self() || d.is_roll_up() || d.is_inherited() {
                continue;
            }
            let (from, to) = (d.dependent, d.dependency);
            let (from_status, to_status) = (self.graph.status(from), self.graph.status(to));
            if to_status == "cancelled" && !self.graph.is_closed(from) {
                let mut diagnostic = Diagnostic::new(
                    Code::DependsOnCancelled,
                    d.file,
                    d.span(self.facts),
                    format!(
                        "`{}` is cancelled, so it is left out of the forecast of `{}`: remove it or name the work that replaces it",
                        self.name(to),
                        self.name(from)
                    ),
                );
                diagnostic = self.related_status(diagnostic, to);
                if let Some(edit) = removal(self.workspace, self.index, self.facts, d) {
                    diagnostic = diagnostic.with_fix(Fix {
                        title: format!("Remove `{}` from `{}`", self.name(to), d.key),
                        edits: vec![edit],
                    });
                }
                out.push(diagnostic);
            }
            if from_status == "done" && !matches!(to_status, "done" | "cancelled") {
                let diagnostic = Diagnostic::new(
                    Code::DoneBeforeDependency,
                    d.file,
                    d.span(self.facts),
                    format!(
                        "`{}` is done, but `{}`, which it {}, is still {to_status}",
                        self.name(from),
                        self.name(to),
                        if d.key == "requires" {
                            "requires"
                        } else {
                            "depends on"
                        }
                    ),
                );
                out.push(self.related_status(diagnostic, to));
            }
        }
    }

    /// blocked-upstream on each reference through which open work waits for a blocked item, and
    /// health-mismatch for green health on late or blocked work.
    fn blocked(&self, out: &mut Vec<Diagnostic>) {
        for item in self.only.files().flat_map(|file| self.index.items_in(file)) {
            if !matches!(
                self.index.item(item).kind,
                Kind::Initiative | Kind::Milestone
            ) || self.graph.is_closed(item)
            {
                continue;
            }
            // Once per item: through the reference that reaches the nearest blocked item (the
            // first in text order on a tie); the other references to blocked work are related.
            let reaching: Vec<(usize, usize, ItemId)> = self
                .graph
                .upstream(item)
                .filter(|(e, _)| self.forecast.is_live(*e))
                .filter_map(|(e, d)| {
                    self.forecast
                        .nearest_blocked(d.dependency)
                        .map(|(n, b)| (n, e, b))
                })
                .collect();
            let chosen = reaching.iter().min_by_key(|(n, e, _)| (*n, *e)).copied();
            if let Some((_, edge, blocked)) = chosen {
                let d = self.graph.dependency(edge);
                let message = if blocked == d.dependency {
                    format!(
                        "`{}` waits for `{}`, which is blocked",
                        self.name(item),
                        self.name(blocked)
                    )
                } else {
                    format!(
                        "`{}` waits for `{}`, which waits for `{}`, which is blocked",
                        self.name(item),
                        self.name(d.dependency),
                        self.name(blocked)
                    )
                };
                let mut hint =
                    Diagnostic::new(Code::BlockedUpstream, d.file, d.span(self.facts), message);
                hint = self.related_status(hint, blocked);
                for &(_, other, other_blocked) in &reaching {
                    if other != edge {
                        let o = self.graph.dependency(other);
                        hint = hint.with_related(
                            o.file,
                            o.span(self.facts),
                            format!(
                                "`{}` also waits for blocked `{}` here",
                                self.name(item),
                                self.name(other_blocked)
                            ),
                        );
                    }
                }
                out.push(hint);
            }
            self.health_mismatch(item, chosen.map(|(n, _, b)| (n, b)), out);
        }
    }

    /// `health: green` on work that is blocked, forecast late, or waits for blocked work.
    fn health_mismatch(
        &self,
        item: ItemId,
        blocked_upstream: Option<(usize, ItemId)>,
        out: &mut Vec<Diagnostic>,
    ) {
        let Some((_, span)) = self
            .facts
            .of(item)
            .values("health")
            .first()
            .filter(|(typed, _)| *typed == crate::analysis::facts::Typed::Word("green"))
        else {
            return;
        };
        let mut reasons = Vec::new();
        let mut related: Vec<(ItemId, bool)> = Vec::new();
        if self.graph.status(item) == "blocked" {
            reasons.push(format!("`{}` is blocked", self.name(item)));
        }
        if let Some(end) = self.due_end(item).filter(|end| *end < self.today) {
            reasons.push(format!(
                "it was due to end {end}, before today ({})",
                self.today
            ));
        }
        if let Some(slack) = self.forecast.slack(item).filter(|s| *s < 0) {
            let against = match self.forecast.commitment(item) {
                Some(c) if self.index.item(c).kind == Kind::Program => {
                    "the program end".to_string()
                }
                Some(c) => format!("`{}`", self.name(c)),
                None => "its committed date".to_string(),
            };
            reasons.push(format!(
                "it is forecast {} for {against}",
                wording::slack(Some(slack))
            ));
            if let Some(c) = self.forecast.commitment(item) {
                related.push((c, false));
            }
        }
        if let Some((_, blocked)) = blocked_upstream {
            reasons.push(format!("`{}` upstream is blocked", self.name(blocked)));
            related.push((blocked, true));
        }
        // A container is as healthy as its worst part.
        let rollup = Rollup {
            facts: self.facts,
            graph: self.graph,
            forecast: self.forecast,
        };
        let worst_part = rollup.health(item).filter(|h| rank(h.health) > 0);
        if let Some(h) = worst_part {
            reasons.push(format!("its part `{}` is {}", self.name(h.part), h.health));
        }
        if reasons.is_empty() {
            return;
        }
        let mut d = self
            .at(
                item,
                *span,
                Code::HealthMismatch,
                format!("health is green, but {}", reasons.join(", and ")),
            )
            .with_data(Data {
                late_days: self.forecast.slack(item).filter(|s| *s < 0).map(|s| -s),
                ..Data::default()
            });
        for (other, is_blocked) in related {
            d = if is_blocked {
                self.related_status(d, other)
            } else {
                self.related_commitment(d, other)
            };
        }
        if let Some(h) = worst_part {
            let part = self.index.item(h.part);
            let span = self
                .facts
                .of(h.part)
                .values("health")
                .first()
                .map_or(part.name_span, |(_, span)| *span);
            d = d.with_related(
                part.file,
                span,
                format!("`{}` is {}", self.name(h.part), h.health),
            );
        }
        out.push(d);
    }

    /// Relates a diagnostic to the committed date of a milestone or program.
    fn related_commitment(&self, d: Diagnostic, item: ItemId) -> Diagnostic {
        let f = self.facts.of(item);
        let (key, what) = match self.index.item(item).kind {
            Kind::Program => ("end", "the program ends"),
            _ => ("date", "is due"),
        };
        match f.date(key) {
            Some((date, span)) if key == "end" => {
                d.with_related(self.index.item(item).file, span, format!("{what} {date}"))
            }
            Some((date, span)) => d.with_related(
                self.index.item(item).file,
                span,
                format!("`{}` {what} {date}", self.name(item)),
            ),
            None => d,
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::analysis::{analyze, Code, NaiveDate, Options, Workspace};

    /// The text after applying the first fix of the diagnostic with `code`.
    fn fixed(text: &str, code: Code) -> String {
        let workspace = Workspace::from_texts([("t.plan", text)]);
        let options = Options {
            today: NaiveDate::from_ymd_opt(2027, 1, 1).unwrap(),
        };
        let analysis = analyze(&workspace, &options);
        let diagnostic = analysis
            .diagnostics()
            .iter()
            .find(|d| d.code == code)
            .unwrap_or_else(|| panic!("no {code} in {:?}", analysis.diagnostics()));
        let mut after = text.to_string();
        let mut edits = diagnostic.fixes[0].edits.clone();
        edits.sort_by_key(|e| std::cmp::Reverse(e.span.start));
        for edit in edits {
            after.replace_range(edit.span.start..edit.span.end, &edit.new_text);
        }
        after
    }

    #[test]
    fn a_duration_that_disagrees_is_fixed_to_what_start_and_end_make() {
        let text = "initiative a { start: 2027-02-01 end: 2027-02-17 duration: 2w }\n";
        assert_eq!(
            fixed(text, Code::InconsistentDates),
            "initiative a { start: 2027-02-01 end: 2027-02-17 duration: 17d }\n"
        );
        let text = "initiative a { start: 2027-02-01 end: 2027-02-21 duration: 2w }\n";
        assert_eq!(
            fixed(text, Code::InconsistentDates),
            "initiative a { start: 2027-02-01 end: 2027-02-21 duration: 3w }\n"
        );
    }

    #[test]
    fn a_cancelled_dependency_is_fixed_by_removing_it() {
        let text = "initiative gone { status: cancelled }\ninitiative a { depends_on: gone + 1w, b }\ninitiative b { }\n";
        assert_eq!(
            fixed(text, Code::DependsOnCancelled),
            "initiative gone { status: cancelled }\ninitiative a { depends_on: b }\ninitiative b { }\n"
        );
    }
}
