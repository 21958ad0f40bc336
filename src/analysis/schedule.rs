//! The schedule: the critical-path method exactly as the spec defines it.

use std::collections::HashMap;
use std::fmt;

use chrono::{Datelike, NaiveDate, TimeDelta};

use crate::analysis::facts::{Facts, ItemFacts};
use crate::analysis::graph::DependencyGraph;
use crate::analysis::index::{Index, ItemId};
use crate::syntax::Kind;

/// The forecast of one initiative or milestone.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ScheduleState {
    Scheduled(ItemSchedule),
    /// Too little information to schedule; `reason` says what is missing, in the user's words.
    Unscheduled {
        reason: String,
    },
}

/// Forecast dates of a scheduled item. For a milestone, `start` and `end` are its forecast day.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ItemSchedule {
    pub start: NaiveDate,
    /// The last day of work, inclusive.
    pub end: NaiveDate,
    /// The earliest committed date this item feeds, walked back through dependents and lags;
    /// `None` when no milestone date or program end lies downstream.
    pub latest_finish: Option<NaiveDate>,
    /// `latest_finish - end` in days; negative means late.
    pub slack: Option<i64>,
    /// Whether the item is on the critical path of a milestone or of the program end.
    pub critical: bool,
}

/// The canonical one-line form, used by hovers and by the fixtures' `schedule:` annotations:
/// `2027-01-04 to 2027-01-24, slack 5 days, critical` or `unscheduled: no duration`.
impl fmt::Display for ScheduleState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ScheduleState::Unscheduled { reason } => write!(f, "unscheduled: {reason}"),
            ScheduleState::Scheduled(s) => {
                write!(f, "{} to {}", s.start, s.end)?;
                match s.slack {
                    Some(1) | Some(-1) => write!(f, ", slack {} day", s.slack.unwrap())?,
                    Some(slack) => write!(f, ", slack {slack} days")?,
                    None => write!(f, ", no committed date downstream")?,
                }
                if s.critical {
                    write!(f, ", critical")?;
                }
                Ok(())
            }
        }
    }
}

/// The first day of work and the length in days, as an initiative's own fields give them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Extent {
    /// `start` is known from `start`, or from `end` and `duration`; without it the work starts
    /// after its dependencies or on the program start.
    Known { start: Option<NaiveDate>, days: i64 },
    /// Too little to schedule: the reason in full, and a short form for the items that wait for it.
    Missing { reason: String, short: &'static str },
}

impl Extent {
    /// Reads `start`, `end` and `duration`. When all three are given and disagree, `start` and
    /// `end` win: they are the dates people committed to; the duration is the estimate.
    /// `start_available` says whether a dependency or the program start could supply a start.
    pub fn of(facts: &ItemFacts, start_available: bool) -> Extent {
        let start = facts.date("start").map(|(d, _)| d);
        let end = facts.date("end").map(|(d, _)| d);
        let duration = facts.days("duration").map(|(d, _)| d);
        let missing = |reason: &str, short| Extent::Missing {
            reason: reason.to_string(),
            short,
        };
        match (start, end, duration) {
            (Some(s), Some(e), _) if e < s => Extent::Missing {
                reason: format!("its end {e} is before its start {s}"),
                short: "end before start",
            },
            (Some(s), Some(e), _) => Extent::Known {
                start: Some(s),
                days: days_between(s, e) + 1,
            },
            (Some(s), None, Some(days)) => Extent::Known {
                start: Some(s),
                days,
            },
            (None, Some(e), Some(days)) => match add_days(e, 1 - days) {
                Some(s) => Extent::Known {
                    start: Some(s),
                    days,
                },
                None => missing("its dates fall outside the calendar", "outside the calendar"),
            },
            (None, None, Some(days)) => Extent::Known { start: None, days },
            (Some(_), None, None) => missing("no duration: give `duration` or `end`", "no duration"),
            (None, Some(_), None) => {
                missing("no duration: give `duration` or `start`", "no duration")
            }
            (None, None, None) if start_available => {
                missing("no duration: give `duration`", "no duration")
            }
            (None, None, None) => missing(
                "no start and no duration: give `start` and `duration`, or `duration` and `depends_on`",
                "no start and no duration",
            ),
        }
    }

    pub fn days(&self) -> Option<i64> {
        match self {
            Extent::Known { days, .. } => Some(*days),
            Extent::Missing { .. } => None,
        }
    }
}

/// The program's dates, as far as the forecast uses them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ProgramDates {
    pub id: ItemId,
    pub start: Option<NaiveDate>,
    pub end: Option<NaiveDate>,
}

/// How today moved an open item's forecast away from its plan, for the hover.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Replan {
    /// `planned` work (or blocked work with no progress) whose start had passed starts today.
    StartPushed { planned: NaiveDate },
    /// Work under way: the days left follow `progress`, counted from today.
    Remaining { progress: i64, days: i64 },
    /// Work under way with no `progress`, due before today: it ends today at the earliest.
    EndPushed { planned: NaiveDate },
    /// An open milestone whose day had passed happens today at the earliest.
    MilestonePushed { planned: NaiveDate },
}

impl fmt::Display for Replan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Replan::StartPushed { planned } => write!(
                f,
                "starts today at the earliest: it was due to start {planned} and has not started"
            ),
            Replan::Remaining { progress, days } => write!(
                f,
                "{progress}% done, so {} left from today",
                day_count(*days)
            ),
            Replan::EndPushed { planned } => write!(
                f,
                "ends today at the earliest: it was due to end {planned} and is not done"
            ),
            Replan::MilestonePushed { planned } => write!(
                f,
                "today at the earliest: it was due {planned} and is not done"
            ),
        }
    }
}

/// "1 day", "6 days".
fn day_count(n: i64) -> String {
    if n.abs() == 1 {
        format!("{n} day")
    } else {
        format!("{n} days")
    }
}

/// Whether an initiative counts as under way: it keeps the day it started, and the days it has
/// left follow its progress. Blocked work is under way once it reports progress.
pub fn is_under_way(status: &str, progress: Option<i64>) -> bool {
    status == "in_progress" || (status == "blocked" && progress.is_some())
}

/// Why an item has no forecast, and the item where the missing information is.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Unknown {
    reason: String,
    root: ItemId,
    short: String,
}

impl Unknown {
    fn own(item: ItemId, reason: impl Into<String>, short: impl Into<String>) -> Self {
        Unknown {
            reason: reason.into(),
            root: item,
            short: short.into(),
        }
    }

    /// The reason of an item that waits for `dependency`, which has no forecast.
    fn waiting(dependency: ItemId, unknown: &Unknown, index: &Index) -> Self {
        let name = &index.item(dependency).name;
        let reason = if unknown.root == dependency {
            format!(
                "waits for `{name}`, which is unscheduled ({})",
                unknown.short
            )
        } else {
            format!(
                "waits for `{name}`, which waits for unscheduled `{}` ({})",
                index.item(unknown.root).name,
                unknown.short
            )
        };
        Unknown {
            reason,
            root: unknown.root,
            short: unknown.short.clone(),
        }
    }
}

/// A forecast first and last day, and how today moved them.
type Dated = (NaiveDate, NaiveDate, Option<Replan>);

/// The critical-path forecast of every initiative and milestone.
#[derive(Clone, Debug, Default)]
pub struct Forecast {
    states: Vec<Option<ScheduleState>>,
    /// By item: its least-slack predecessor, which critical paths follow back.
    predecessor: Vec<Option<ItemId>>,
    /// Where the critical path of a milestone (itself) or of the program (its last work) ends;
    /// the paths are followed back on demand, so memory does not grow with paths x lengths.
    path_ends: HashMap<ItemId, ItemId>,
    /// By item: the forecast first and last day of a scheduled item.
    dates: Vec<Option<(NaiveDate, NaiveDate)>>,
    /// By item: the committed date that sets its latest finish: a milestone, or the program.
    commitment: Vec<Option<ItemId>>,
    /// By reference: whether it counts in the forecast.
    live: Vec<bool>,
    /// By item: what an initiative's own fields say.
    extents: Vec<Option<Extent>>,
    /// By item: a closed item whose own fields fix its dates, which the forecast keeps.
    pinned: Vec<bool>,
    /// By item: how today moved an open item away from its plan.
    replans: Vec<Option<Replan>>,
    program: Option<ProgramDates>,
    /// Open work never ends before today; the analysis gets it from `Options`.
    today: NaiveDate,
}

impl Forecast {
    /// Runs the forward pass, the backward pass and the critical paths, in topological order.
    pub fn compute(
        index: &Index,
        facts: &Facts,
        graph: &DependencyGraph,
        today: NaiveDate,
    ) -> Forecast {
        let count = index.len();
        let program = index
            .iter()
            .find(|(_, i)| i.kind == Kind::Program)
            .map(|(id, _)| id.0)
            .map(|p| {
                let f = facts.of(ItemId(p));
                ProgramDates {
                    id: ItemId(p),
                    start: f.date("start").map(|(d, _)| d),
                    end: f.date("end").map(|(d, _)| d),
                }
            });
        let program_start = program.and_then(|p| p.start).is_some();
        let extents: Vec<Option<Extent>> = (0..count)
            .map(|i| {
                let item = ItemId(i);
                (index.item(item).kind == Kind::Initiative).then(|| {
                    let has_dependency = graph.upstream(item).any(|(_, d)| !d.is_self());
                    Extent::of(facts.of(item), has_dependency || program_start)
                })
            })
            .collect();
        let pinned: Vec<bool> = (0..count)
            .map(|i| {
                let item = ItemId(i);
                graph.is_closed(item)
                    && match index.item(item).kind {
                        Kind::Initiative => {
                            matches!(extents[i], Some(Extent::Known { start: Some(_), .. }))
                        }
                        Kind::Milestone => facts.of(item).date("date").is_some(),
                        _ => false,
                    }
            })
            .collect();
        // Left out: self-references, references inside a cycle, dependencies on cancelled items,
        // and the dependencies of closed items that keep their dates.
        let live = graph
            .dependencies()
            .iter()
            .enumerate()
            .map(|(e, d)| {
                !d.is_self()
                    && !graph.within_cycle(e)
                    && graph.status(d.dependency) != "cancelled"
                    && !pinned[d.dependent.0]
            })
            .collect();
        let mut forecast = Forecast {
            states: vec![None; count],
            predecessor: Vec::new(),
            path_ends: HashMap::new(),
            dates: vec![None; count],
            commitment: vec![None; count],
            live,
            extents,
            pinned,
            replans: vec![None; count],
            program,
            today,
        };
        let unknowns = forecast.forward(index, facts, graph);
        let latest = forecast.backward(index, facts, graph);
        for i in 0..count {
            let item = ItemId(i);
            if !matches!(index.item(item).kind, Kind::Initiative | Kind::Milestone) {
                continue;
            }
            forecast.states[i] = Some(match (&forecast.dates[i], &unknowns[i]) {
                (Some((start, end)), _) => ScheduleState::Scheduled(ItemSchedule {
                    start: *start,
                    end: *end,
                    latest_finish: latest[i],
                    slack: latest[i].map(|l| days_between(*end, l)),
                    critical: false,
                }),
                (None, Some(unknown)) => ScheduleState::Unscheduled {
                    reason: unknown.reason.clone(),
                },
                (None, None) => ScheduleState::Unscheduled {
                    reason: "it could not be forecast".into(),
                },
            });
        }
        forecast.critical_paths(index, graph);
        forecast
    }

    /// Forward pass: each item after what it depends on. Returns why the others are unscheduled.
    fn forward(
        &mut self,
        index: &Index,
        facts: &Facts,
        graph: &DependencyGraph,
    ) -> Vec<Option<Unknown>> {
        let mut unknowns: Vec<Option<Unknown>> = vec![None; index.len()];
        // Each cycle spelled once: all its items give it as their reason.
        let mut spelled: Vec<Option<String>> = vec![None; graph.cycles().len()];
        for &item in graph.order() {
            let kind = index.item(item).kind;
            let result = if !matches!(kind, Kind::Initiative | Kind::Milestone) {
                continue;
            } else if graph.in_cycle(item) {
                let cycle = match graph.cycle_number(item) {
                    Some(n) => spelled[n]
                        .get_or_insert_with(|| graph.spell(&graph.cycles()[n], index))
                        .as_str(),
                    None => "",
                };
                Err(Unknown::own(
                    item,
                    format!("part of the dependency cycle {cycle}")
                        .trim_end()
                        .to_string(),
                    "part of a dependency cycle",
                ))
            } else if kind == Kind::Initiative {
                self.forward_initiative(item, index, facts, graph, &unknowns)
            } else {
                self.forward_milestone(item, index, facts, graph, &unknowns)
            };
            match result {
                Ok((start, end, replan)) => {
                    self.dates[item.0] = Some((start, end));
                    self.replans[item.0] = replan;
                }
                Err(unknown) => unknowns[item.0] = Some(unknown),
            }
        }
        unknowns
    }

    /// The earliest day each live dependency allows, or why one of them has no forecast.
    /// `gap` is 1 for work (it starts the day after) and 0 for a milestone (it happens that day).
    fn earliest_after(
        &self,
        item: ItemId,
        gap: i64,
        index: &Index,
        graph: &DependencyGraph,
        unknowns: &[Option<Unknown>],
    ) -> Result<(Option<NaiveDate>, bool), Unknown> {
        let mut earliest = None;
        let mut any = false;
        for (e, d) in graph.upstream(item) {
            if !self.live[e] {
                continue;
            }
            any = true;
            let Some((_, end)) = self.dates[d.dependency.0] else {
                if let Some(unknown) = &unknowns[d.dependency.0] {
                    return Err(Unknown::waiting(d.dependency, unknown, index));
                }
                continue;
            };
            let day = add_days(end, gap + d.lag_days).ok_or_else(|| outside(item))?;
            earliest = earliest.max(Some(day));
        }
        Ok((earliest, any))
    }

    /// An initiative's forecast: after its dependencies, then re-planned from today when it is
    /// open: under-way work keeps its start and has its remaining days left from today; work not
    /// started starts today at the earliest.
    fn forward_initiative(
        &self,
        item: ItemId,
        index: &Index,
        facts: &Facts,
        graph: &DependencyGraph,
        unknowns: &[Option<Unknown>],
    ) -> Result<Dated, Unknown> {
        let (own_start, days) = match &self.extents[item.0] {
            Some(Extent::Known { start, days }) => (*start, *days),
            Some(Extent::Missing { reason, short }) => {
                return Err(Unknown::own(item, reason.clone(), *short))
            }
            None => return Err(Unknown::own(item, "not an initiative", "not work")),
        };
        let start = if self.pinned[item.0] {
            own_start
        } else {
            let (after, any) = self.earliest_after(item, 1, index, graph, unknowns)?;
            // The program start is the default only for work with neither a start nor a dependency.
            let default = match (own_start, any) {
                (None, false) => self.program.and_then(|p| p.start),
                _ => None,
            };
            own_start.max(after).max(default)
        };
        let start = start.ok_or_else(|| {
            Unknown::own(
                item,
                "no start: give `start` or `depends_on`, or a `start` on the program",
                "no start",
            )
        })?;
        let end = add_days(start, days - 1).ok_or_else(|| outside(item))?;
        let status = graph.status(item);
        if self.pinned[item.0] || matches!(status, "done" | "cancelled") {
            return Ok((start, end, None));
        }
        let today = self.today;
        let progress = facts.of(item).percent("progress");
        if is_under_way(status, progress) {
            // Work under way started on its own start, whatever its dependencies say (the
            // schedule-conflict says so); without one, its forecast start is all there is.
            let start = own_start.unwrap_or(start);
            let planned_end = add_days(start, days - 1).ok_or_else(|| outside(item))?;
            if start >= today {
                return Ok((start, planned_end, None));
            }
            return Ok(match progress {
                Some(progress) => {
                    let left = (days * (100 - progress.clamp(0, 100)) + 99) / 100;
                    let end = add_days(today, left.max(1) - 1).ok_or_else(|| outside(item))?;
                    let replan = Replan::Remaining {
                        progress,
                        days: left,
                    };
                    (start, end, Some(replan))
                }
                None if planned_end < today => (
                    start,
                    today,
                    Some(Replan::EndPushed {
                        planned: planned_end,
                    }),
                ),
                None => (start, planned_end, None),
            });
        }
        if start >= today {
            return Ok((start, end, None));
        }
        let end = add_days(today, days - 1).ok_or_else(|| outside(item))?;
        Ok((today, end, Some(Replan::StartPushed { planned: start })))
    }

    fn forward_milestone(
        &self,
        item: ItemId,
        index: &Index,
        facts: &Facts,
        graph: &DependencyGraph,
        unknowns: &[Option<Unknown>],
    ) -> Result<Dated, Unknown> {
        let date = facts.of(item).date("date").map(|(d, _)| d);
        let day = if self.pinned[item.0] {
            date
        } else {
            let (after, _) = self.earliest_after(item, 0, index, graph, unknowns)?;
            date.max(after)
        };
        let day = day.ok_or_else(|| Unknown::own(item, "no date: give `date`", "no date"))?;
        // An open milestone has not happened yet: today at the earliest.
        if day < self.today && !graph.is_closed(item) {
            let replan = Replan::MilestonePushed { planned: day };
            return Ok((self.today, self.today, Some(replan)));
        }
        Ok((day, day, None))
    }

    /// Backward pass: each item after its dependents. The latest finish is the earliest committed
    /// date the item feeds (its own date for a milestone, the program end), walked back through
    /// dependents and lags.
    fn backward(
        &mut self,
        index: &Index,
        facts: &Facts,
        graph: &DependencyGraph,
    ) -> Vec<Option<NaiveDate>> {
        let mut latest: Vec<Option<NaiveDate>> = vec![None; index.len()];
        for &item in graph.order().iter().rev() {
            let kind = index.item(item).kind;
            if !matches!(kind, Kind::Initiative | Kind::Milestone)
                || graph.in_cycle(item)
                || graph.status(item) == "cancelled"
            {
                continue; // cancelled work feeds nothing; a cycle has no forecast to measure
            }
            let mut best: Option<(NaiveDate, ItemId)> = None;
            let mut consider = |date: NaiveDate, source: ItemId| {
                if best.is_none_or(|(b, _)| date < b) {
                    best = Some((date, source));
                }
            };
            if kind == Kind::Milestone {
                if let Some((date, _)) = facts.of(item).date("date") {
                    consider(date, item);
                }
            }
            if let Some(ProgramDates {
                id, end: Some(end), ..
            }) = self.program
            {
                consider(end, id);
            }
            for (e, d) in graph.downstream(item) {
                let dependent = d.dependent;
                let (Some(finish), Some(source)) =
                    (latest[dependent.0], self.commitment[dependent.0])
                else {
                    continue;
                };
                if !self.live[e] {
                    continue;
                }
                // Work must start by its latest finish minus its length; a milestone happens by it.
                let gate = match index.item(dependent).kind {
                    Kind::Milestone => Some(finish),
                    _ => self.extents[dependent.0]
                        .as_ref()
                        .and_then(Extent::days)
                        .and_then(|days| add_days(finish, -days)),
                };
                if let Some(by) = gate.and_then(|g| add_days(g, -d.lag_days)) {
                    consider(by, source);
                }
            }
            if let Some((date, source)) = best {
                latest[item.0] = Some(date);
                self.commitment[item.0] = Some(source);
            }
        }
        latest
    }

    /// The chain of least-slack predecessors of each milestone, and of the open work that ends
    /// last when the program has an end; marks the items on them as critical.
    fn critical_paths(&mut self, index: &Index, graph: &DependencyGraph) {
        let count = index.len();
        // Each item's least-slack predecessor: ties go to the one that ends latest (with its lag),
        // then to the one defined first.
        let mut predecessor: Vec<Option<ItemId>> = vec![None; count];
        for (i, slot) in predecessor.iter_mut().enumerate() {
            if self.dates[i].is_none() {
                continue;
            }
            *slot = graph
                .upstream(ItemId(i))
                .filter(|(e, _)| self.live[*e])
                .filter_map(|(_, d)| {
                    let (_, end) = self.dates[d.dependency.0]?;
                    let slack = self.slack(d.dependency).unwrap_or(i64::MAX);
                    let finish = i64::from(end.num_days_from_ce()) + d.lag_days;
                    Some((slack, std::cmp::Reverse(finish), d.dependency))
                })
                .min()
                .map(|(_, _, p)| p);
        }
        let mut critical = vec![false; count];
        // The chain from an item is the same whichever milestone reaches it: stop at a marked one.
        let mut mark = |from: Option<ItemId>| {
            let mut current = from;
            while let Some(item) = current {
                if critical[item.0] {
                    break;
                }
                critical[item.0] = true;
                current = predecessor[item.0];
            }
        };
        for (ItemId(i), info) in index.iter() {
            if info.kind == Kind::Milestone && self.dates[i].is_some() {
                self.path_ends.insert(ItemId(i), ItemId(i));
                mark(predecessor[i]);
            }
        }
        if let Some(ProgramDates {
            id, end: Some(_), ..
        }) = self.program
        {
            let last = (0..count)
                .filter(|&i| self.dates[i].is_some() && !graph.is_closed(ItemId(i)))
                .max_by_key(|&i| {
                    let (_, end) = self.dates[i].expect("filtered on dates");
                    let slack = self.slack(ItemId(i)).unwrap_or(i64::MAX);
                    (end, std::cmp::Reverse(slack), std::cmp::Reverse(i))
                });
            if let Some(last) = last {
                self.path_ends.insert(id, ItemId(last));
                mark(Some(ItemId(last)));
            }
        }
        for (state, critical) in self.states.iter_mut().zip(critical) {
            if let Some(ScheduleState::Scheduled(s)) = state {
                s.critical = critical;
            }
        }
        self.predecessor = predecessor;
    }

    pub fn state(&self, item: ItemId) -> Option<&ScheduleState> {
        self.states[item.0].as_ref()
    }

    /// The forecast first and last day of a scheduled item.
    pub fn dates(&self, item: ItemId) -> Option<(NaiveDate, NaiveDate)> {
        self.dates[item.0]
    }

    pub fn slack(&self, item: ItemId) -> Option<i64> {
        match self.states[item.0].as_ref()? {
            ScheduleState::Scheduled(s) => s.slack,
            ScheduleState::Unscheduled { .. } => None,
        }
    }

    /// The milestone or program whose committed date sets the item's latest finish.
    pub fn commitment(&self, item: ItemId) -> Option<ItemId> {
        self.commitment[item.0]
    }

    /// The critical path of a milestone; for the program, the chain of the work that ends last.
    pub fn critical_path(&self, item: ItemId) -> Vec<ItemId> {
        let Some(&last) = self.path_ends.get(&item) else {
            return Vec::new();
        };
        let mut chain = vec![last];
        let mut current = last;
        while let Some(p) = self.predecessor[current.0] {
            chain.push(p);
            current = p;
        }
        chain.reverse();
        chain
    }

    /// Whether a reference counts in the forecast.
    pub fn is_live(&self, edge: usize) -> bool {
        self.live[edge]
    }

    pub fn extent(&self, item: ItemId) -> Option<&Extent> {
        self.extents[item.0].as_ref()
    }

    /// Whether a closed item keeps its own dates, whatever it depends on.
    pub fn is_pinned(&self, item: ItemId) -> bool {
        self.pinned[item.0]
    }

    pub fn program(&self) -> Option<ProgramDates> {
        self.program
    }

    /// How today moved an open item's forecast away from its plan, if it did.
    pub fn replan(&self, item: ItemId) -> Option<Replan> {
        self.replans[item.0]
    }
}

fn outside(item: ItemId) -> Unknown {
    Unknown::own(
        item,
        "its forecast falls outside the calendar",
        "outside the calendar",
    )
}

/// `date` plus `days` (which may be negative), or `None` past the calendar's ends.
pub fn add_days(date: NaiveDate, days: i64) -> Option<NaiveDate> {
    date.checked_add_signed(TimeDelta::try_days(days)?)
}

/// `to - from` in days.
pub fn days_between(from: NaiveDate, to: NaiveDate) -> i64 {
    to.signed_duration_since(from).num_days()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{analyze, Options, Workspace};

    fn forecast(text: &str) -> impl Fn(&str) -> String {
        let workspace = Workspace::from_texts([("t.plan", text)]);
        let options = Options {
            today: NaiveDate::from_ymd_opt(2027, 1, 1).unwrap(),
        };
        let analysis = analyze(&workspace, &options);
        move |name: &str| {
            let item = analysis.lookup(name).unwrap();
            analysis.schedule(item).unwrap().to_string()
        }
    }

    #[test]
    fn dates_past_the_calendar_leave_the_item_unscheduled_without_panicking() {
        // A duration or lag is at most 100 years (longer ones are invalid values), so only a long
        // chain of them runs past the calendar's end, the year 262142: `c2521` is the
        // first.
        let mut text = String::from("initiative c0 { start: 9999-01-01 duration: 36525d }\n");
        for i in 1..2525 {
            text.push_str(&format!(
                "initiative c{i} {{ depends_on: c{} duration: 36525d }}\n",
                i - 1
            ));
        }
        text.push_str("milestone far { date: 2027-06-01 requires: c2520 + 36525d }\n");
        let state = forecast(&text);
        assert!(state("c2520").starts_with("+262004-03-05 to +262104-03-05"));
        assert_eq!(
            state("c2521"),
            "unscheduled: its forecast falls outside the calendar"
        );
        assert_eq!(
            state("c2522"),
            "unscheduled: waits for `c2521`, which is unscheduled (outside the calendar)"
        );
        assert_eq!(
            state("far"),
            "unscheduled: its forecast falls outside the calendar"
        );
    }

    #[test]
    fn a_zero_duration_is_not_scheduled() {
        // `0d` is an invalid value, so the item has no duration at all.
        let state = forecast("initiative none { start: 2027-01-04 duration: 0d }\n");
        assert_eq!(
            state("none"),
            "unscheduled: no duration: give `duration` or `end`"
        );
    }

    #[test]
    fn a_milestone_without_a_date_follows_what_it_requires() {
        let state = forecast(
            "initiative a { start: 2027-01-04 duration: 1w }\n\
             milestone m { requires: a + 2d }\n\
             milestone empty { }\n",
        );
        assert_eq!(
            state("m"),
            "2027-01-12 to 2027-01-12, no committed date downstream"
        );
        assert_eq!(state("empty"), "unscheduled: no date: give `date`");
    }
}
