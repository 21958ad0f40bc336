//! The schedule: the critical-path method exactly as the spec defines it.

use std::collections::HashMap;
use std::fmt;

use chrono::{Datelike, NaiveDate, TimeDelta};

use crate::analysis::calendar::Calendar;
use crate::analysis::facts::{Facts, ItemFacts};
use crate::analysis::graph::DependencyGraph;
use crate::analysis::index::{Index, ItemId};
use crate::analysis::wording;
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
    /// In days, the latest finish minus the day the item's work is done: its end for an
    /// initiative; for a milestone, the day what it requires is done (lags included), or its
    /// date when it requires nothing that counts. Negative means late.
    pub slack: Option<i64>,
    /// A milestone's forecast minus its `date`, in days (0 when on time); `None` for initiatives
    /// and milestones without a date.
    pub slip: Option<i64>,
    /// Slack of zero or less on open work: a day's delay moves a committed date. A milestone
    /// that requires nothing is never critical (docs/schedule.md, "Slack, slip and critical").
    pub critical: bool,
}

/// The canonical one-line form, used by inlay tooltips and by the fixtures' `schedule:`
/// annotations: `2027-01-04 to 2027-01-24, slack 5 days, critical` or
/// `unscheduled: no duration`. The standing is [`wording::standing`].
impl fmt::Display for ScheduleState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ScheduleState::Unscheduled { reason } => write!(f, "unscheduled: {reason}"),
            ScheduleState::Scheduled(s) => {
                write!(f, "{} to {}, {}", s.start, s.end, wording::standing(s))
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
    /// In working days, the length counts working days and a start on a day off moves to the
    /// next working day (in the forward pass).
    pub fn of(facts: &ItemFacts, start_available: bool, calendar: &Calendar) -> Extent {
        let start = facts.date("start").map(|(d, _)| d);
        let end = facts.date("end").map(|(d, _)| d);
        let duration = if calendar.counts_working_days() {
            facts.working_days("duration")
        } else {
            facts.days("duration")
        }
        .map(|(d, _)| d);
        let missing = |reason: &str, short| Extent::Missing {
            reason: reason.to_string(),
            short,
        };
        match (start, end, duration) {
            (Some(s), Some(e), _) if e < s => Extent::Missing {
                reason: format!("its end {e} is before its start {s}"),
                short: "end before start",
            },
            (Some(s), Some(e), _) if calendar.length(s, e) < 1 => Extent::Missing {
                reason: format!("its start {s} and end {e} hold no working day"),
                short: "no working day",
            },
            (Some(s), Some(e), _) => Extent::Known {
                start: Some(s),
                days: calendar.length(s, e),
            },
            (Some(s), None, Some(days)) => Extent::Known {
                start: Some(s),
                days,
            },
            (None, Some(e), Some(days)) => match calendar
                .on_or_before(e)
                .and_then(|e| calendar.start_of(e, days))
            {
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
    /// By item: why an initiative or milestone has no forecast.
    unknowns: Vec<Option<Unknown>>,
    /// By item: the latest finish, from the backward pass.
    latest: Vec<Option<NaiveDate>>,
    /// By item: the nearest blocked item it is or waits for through references that count,
    /// with the number of steps; done and cancelled work wait for nothing.
    blocked: Vec<Option<(usize, ItemId)>>,
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
    /// Calendar days, or the program's working days.
    calendar: Calendar,
}

/// The program's dates, read from the first program.
fn program_dates(index: &Index, facts: &Facts) -> Option<ProgramDates> {
    index.program().map(|id| {
        let f = facts.of(id);
        ProgramDates {
            id,
            start: f.date("start").map(|(d, _)| d),
            end: f.date("end").map(|(d, _)| d),
        }
    })
}

fn is_scheduled_kind(kind: Kind) -> bool {
    matches!(kind, Kind::Initiative | Kind::Milestone)
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
        let mut forecast = Forecast {
            states: vec![None; count],
            predecessor: vec![None; count],
            path_ends: HashMap::new(),
            dates: vec![None; count],
            unknowns: vec![None; count],
            latest: vec![None; count],
            blocked: vec![None; count],
            commitment: vec![None; count],
            live: Vec::new(),
            extents: vec![None; count],
            pinned: vec![false; count],
            replans: vec![None; count],
            program: program_dates(index, facts),
            today,
            calendar: Calendar::of_program(index, facts),
        };
        for item in (0..count).map(ItemId) {
            forecast.read_item(item, index, facts, graph);
        }
        forecast.live = forecast.live_edges(graph);
        let mut everything = vec![true; count];
        forecast.forward(index, facts, graph, &mut everything.clone());
        forecast.backward(index, facts, graph, &mut everything.clone());
        for i in 0..count {
            forecast.set_state(ItemId(i), index, facts, graph);
        }
        forecast.critical_paths(index, graph, &mut everything);
        forecast
    }

    /// The forecast after the items of `files` changed, given the graph patched from the one
    /// this forecast was computed on ([`DependencyGraph::update`]): the passes visit only the
    /// items an edit can reach, downstream for the dates and upstream for the latest finish.
    /// Equal to [`Forecast::compute`].
    pub fn update(
        &self,
        index: &Index,
        facts: &Facts,
        graph: &DependencyGraph,
        old_graph: &DependencyGraph,
        files: &[crate::analysis::FileId],
        today: NaiveDate,
    ) -> Forecast {
        let count = index.len();
        if program_dates(index, facts) != self.program
            || Calendar::of_program(index, facts) != self.calendar
            || count != self.states.len()
            || today != self.today
        {
            return Forecast::compute(index, facts, graph, today);
        }
        let mut forecast = self.clone();
        let mut forward = vec![false; count];
        let mut backward = vec![false; count];
        let mut changed = Vec::new();
        for &file in files {
            for item in index.items_in(file) {
                changed.push(item);
                forecast.read_item(item, index, facts, graph);
                forward[item.0] = true;
                backward[item.0] = true;
                // A changed status may change whether the references naming it count.
                for (_, d) in graph.downstream(item) {
                    forward[d.dependent.0] = true;
                }
                // What it depended on, and depends on now, feeds it a latest finish.
                for (_, d) in graph.upstream(item).chain(old_graph.upstream(item)) {
                    backward[d.dependency.0] = true;
                }
            }
        }
        forecast.live = forecast.live_edges(graph);
        let mut again = forward.clone();
        let moved = forecast.forward(index, facts, graph, &mut forward);
        let finished = forecast.backward(index, facts, graph, &mut backward);
        let mut restate: Vec<ItemId> = changed;
        // A milestone's slack counts from when what it requires is done.
        for &item in &moved {
            restate.extend(graph.downstream(item).map(|(_, d)| d.dependent));
        }
        restate.extend(moved);
        restate.extend(finished);
        for &item in &restate {
            forecast.set_state(item, index, facts, graph);
        }
        // A predecessor is chosen among the dependencies by their dates and slack.
        for &item in &restate {
            again[item.0] = true;
            for (_, d) in graph.downstream(item) {
                again[d.dependent.0] = true;
            }
        }
        forecast.critical_paths(index, graph, &mut again);
        forecast
    }

    /// What an item's own fields say: its extent and whether it keeps its own dates.
    fn read_item(&mut self, item: ItemId, index: &Index, facts: &Facts, graph: &DependencyGraph) {
        let program_start = self.program.and_then(|p| p.start).is_some();
        let kind = index.item(item).kind;
        let container = graph.is_container(item);
        // A container's dates are its parts'; its own extent is not read.
        self.extents[item.0] = (kind == Kind::Initiative && !container).then(|| {
            let has_dependency = graph.upstream(item).any(|(_, d)| !d.is_self());
            Extent::of(
                facts.of(item),
                has_dependency || program_start,
                &self.calendar,
            )
        });
        self.pinned[item.0] = graph.is_closed(item)
            && !container
            && match kind {
                Kind::Initiative => {
                    matches!(
                        self.extents[item.0],
                        Some(Extent::Known { start: Some(_), .. })
                    )
                }
                Kind::Milestone => facts.of(item).date("date").is_some(),
                _ => false,
            };
    }

    /// By reference, whether it counts. Left out: self-references, references inside a cycle,
    /// dependencies on cancelled items, and the dependencies of closed items that keep their
    /// dates.
    fn live_edges(&self, graph: &DependencyGraph) -> Vec<bool> {
        graph
            .dependencies()
            .iter()
            .enumerate()
            .map(|(e, d)| {
                !d.is_self()
                    && !graph.within_cycle(e)
                    && graph.status(d.dependency) != "cancelled"
                    && !self.pinned[d.dependent.0]
                    // A container's own `depends_on` hold for its parts, which inherit them.
                    && (d.is_roll_up() || !graph.is_container(d.dependent))
            })
            .collect()
    }

    /// The state of an item from its dates, reason and latest finish (a milestone's slack
    /// counts from the day what it requires is done).
    fn set_state(&mut self, item: ItemId, index: &Index, facts: &Facts, graph: &DependencyGraph) {
        let i = item.0;
        let kind = index.item(item).kind;
        if !is_scheduled_kind(kind) {
            self.states[i] = None;
            return;
        }
        let latest = self.latest[i];
        self.states[i] = Some(match (&self.dates[i], &self.unknowns[i]) {
            (Some((start, end)), _) => {
                let is_milestone = kind == Kind::Milestone;
                // A milestone's work is done when the last of what it requires is; one that
                // requires nothing is measured from its own day.
                let ready = if is_milestone {
                    self.ready_day(item, graph)
                } else {
                    None
                };
                let done = ready.unwrap_or(*end);
                let slack = latest.map(|l| days_between(done, l));
                let open = !graph.is_closed(item);
                ScheduleState::Scheduled(ItemSchedule {
                    start: *start,
                    end: *end,
                    latest_finish: latest,
                    slack,
                    slip: if is_milestone {
                        facts
                            .of(item)
                            .date("date")
                            .map(|(date, _)| days_between(date, *end))
                    } else {
                        None
                    },
                    critical: open
                        && slack.is_some_and(|s| s <= 0)
                        && (!is_milestone || ready.is_some()),
                })
            }
            (None, Some(unknown)) => ScheduleState::Unscheduled {
                reason: unknown.reason.clone(),
            },
            (None, None) => ScheduleState::Unscheduled {
                reason: "it could not be forecast".into(),
            },
        });
    }

    /// Forward pass over the items marked in `dirty`, each after what it depends on; an item
    /// whose result changes marks its dependents. Returns the items whose result changed.
    /// The day the last live requirement of a milestone is done, its lag included; `None` when
    /// it requires nothing that counts.
    fn ready_day(&self, item: ItemId, graph: &DependencyGraph) -> Option<NaiveDate> {
        graph
            .upstream(item)
            .filter(|(e, _)| self.live[*e])
            .filter_map(|(_, d)| {
                let end = self.dates[d.dependency.0]?.1;
                self.calendar.ready(end, self.calendar.lag(d))
            })
            .max()
    }

    fn forward(
        &mut self,
        index: &Index,
        facts: &Facts,
        graph: &DependencyGraph,
        dirty: &mut [bool],
    ) -> Vec<ItemId> {
        let mut changed = Vec::new();
        // Each cycle spelled once: all its items give it as their reason.
        let mut spelled: Vec<Option<String>> = vec![None; graph.cycles().len()];
        for &item in graph.order() {
            if !dirty[item.0] {
                continue;
            }
            let kind = index.item(item).kind;
            if !is_scheduled_kind(kind) {
                continue;
            }
            let blocked = match graph.status(item) {
                "blocked" => Some((0, item)),
                "done" | "cancelled" => None,
                _ => self.upstream_blocked(item, graph),
            };
            let result = if graph.in_cycle(item) {
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
            } else if kind == Kind::Initiative && graph.is_container(item) {
                self.forward_container(item, index, graph, &self.unknowns)
            } else if kind == Kind::Initiative {
                self.forward_initiative(item, index, facts, graph, &self.unknowns)
            } else {
                self.forward_milestone(item, index, facts, graph, &self.unknowns)
            };
            let (dates, replan, unknown) = match result {
                Ok((start, end, replan)) => (Some((start, end)), replan, None),
                Err(unknown) => (None, None, Some(unknown)),
            };
            if dates != self.dates[item.0]
                || unknown != self.unknowns[item.0]
                || blocked != self.blocked[item.0]
                || replan != self.replans[item.0]
            {
                self.dates[item.0] = dates;
                self.unknowns[item.0] = unknown;
                self.blocked[item.0] = blocked;
                self.replans[item.0] = replan;
                changed.push(item);
                for (_, d) in graph.downstream(item) {
                    dirty[d.dependent.0] = true;
                }
            }
        }
        changed
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
            let lag = self.calendar.lag(d);
            let day = if gap == 0 {
                self.calendar.ready(end, lag)
            } else {
                self.calendar.start_after(end, lag)
            }
            .ok_or_else(|| outside(item))?;
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
        let cal = &self.calendar;
        // Work starts on a working day (every day is one in calendar days).
        let start = match start {
            Some(s) => Some(cal.on_or_after(s).ok_or_else(|| outside(item))?),
            None => None,
        };
        let start = start.ok_or_else(|| {
            Unknown::own(
                item,
                "no start: give `start` or `depends_on`, or a `start` on the program",
                "no start",
            )
        })?;
        let end = cal.end_of(start, days).ok_or_else(|| outside(item))?;
        let status = graph.status(item);
        if self.pinned[item.0] || matches!(status, "done" | "cancelled") {
            return Ok((start, end, None));
        }
        let today = self.today;
        let progress = facts.of(item).percent("progress");
        if is_under_way(status, progress) {
            // Work under way started on its own start, whatever its dependencies say (the
            // schedule-conflict says so); without one, its forecast start is all there is.
            let start = match own_start {
                Some(own) => cal.on_or_after(own).ok_or_else(|| outside(item))?,
                None => start,
            };
            let planned_end = cal.end_of(start, days).ok_or_else(|| outside(item))?;
            if start >= today {
                return Ok((start, planned_end, None));
            }
            return Ok(match progress {
                Some(progress) => {
                    let left = (days * (100 - progress.clamp(0, 100)) + 99) / 100;
                    let end = cal
                        .on_or_after(today)
                        .and_then(|from| cal.end_of(from, left.max(1)))
                        .ok_or_else(|| outside(item))?;
                    let replan = Replan::Remaining {
                        progress,
                        days: left,
                    };
                    (start, end, Some(replan))
                }
                None if planned_end < today => (
                    start,
                    cal.on_or_after(today).ok_or_else(|| outside(item))?,
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
        let from = cal.on_or_after(today).ok_or_else(|| outside(item))?;
        let end = cal.end_of(from, days).ok_or_else(|| outside(item))?;
        Ok((from, end, Some(Replan::StartPushed { planned: start })))
    }

    /// A container's forecast rolls up from its parts, as TaskJuggler's containers do: from the
    /// first start to the last end of the parts that count (not cancelled ones).
    fn forward_container(
        &self,
        item: ItemId,
        index: &Index,
        graph: &DependencyGraph,
        unknowns: &[Option<Unknown>],
    ) -> Result<Dated, Unknown> {
        let mut span: Option<(NaiveDate, NaiveDate)> = None;
        for (e, d) in graph.upstream(item) {
            if !self.live[e] {
                continue;
            }
            let Some((start, end)) = self.dates[d.dependency.0] else {
                if let Some(unknown) = &unknowns[d.dependency.0] {
                    return Err(Unknown::waiting(d.dependency, unknown, index));
                }
                continue;
            };
            span = Some(match span {
                Some((s, e)) => (s.min(start), e.max(end)),
                None => (start, end),
            });
        }
        let (start, end) = span.ok_or_else(|| {
            Unknown::own(
                item,
                "every initiative it contains is cancelled",
                "no parts",
            )
        })?;
        Ok((start, end, None))
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

    /// Backward pass over the items marked in `dirty`, each after its dependents; an item whose
    /// latest finish changes marks its dependencies. The latest finish is the earliest committed
    /// date the item feeds (its own date for a milestone, the program end), walked back through
    /// dependents and lags. Returns the items whose latest finish changed.
    fn backward(
        &mut self,
        index: &Index,
        facts: &Facts,
        graph: &DependencyGraph,
        dirty: &mut [bool],
    ) -> Vec<ItemId> {
        let mut changed = Vec::new();
        for &item in graph.order().iter().rev() {
            if !dirty[item.0] {
                continue;
            }
            let best = self.latest_finish(item, index, facts, graph);
            let (date, source) = (best.map(|(d, _)| d), best.map(|(_, s)| s));
            if date != self.latest[item.0] || source != self.commitment[item.0] {
                self.latest[item.0] = date;
                self.commitment[item.0] = source;
                changed.push(item);
                for (_, d) in graph.upstream(item) {
                    dirty[d.dependency.0] = true;
                }
            }
        }
        changed
    }

    /// The latest finish of one item and the committed date that sets it.
    fn latest_finish(
        &self,
        item: ItemId,
        index: &Index,
        facts: &Facts,
        graph: &DependencyGraph,
    ) -> Option<(NaiveDate, ItemId)> {
        let kind = index.item(item).kind;
        if !is_scheduled_kind(kind) || graph.in_cycle(item) || graph.status(item) == "cancelled" {
            return None; // cancelled work feeds nothing; a cycle has no forecast to measure
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
                (self.latest[dependent.0], self.commitment[dependent.0])
            else {
                continue;
            };
            if !self.live[e] {
                continue;
            }
            // Work must start by its latest finish minus its length; a milestone happens by it.
            let lag = self.calendar.lag(d);
            let by = match index.item(dependent).kind {
                // A part ends by the time its container must.
                _ if d.is_roll_up() => Some(finish),
                Kind::Milestone => self.calendar.end_before_milestone(finish, lag),
                _ => self.extents[dependent.0]
                    .as_ref()
                    .and_then(Extent::days)
                    .and_then(|days| self.calendar.end_before_work(finish, days, lag)),
            };
            if let Some(by) = by {
                consider(by, source);
            }
        }
        best
    }

    /// The least-slack predecessor of the items marked in `again`, and where the critical path
    /// of each milestone and of the program (the open work that ends last, when the program has
    /// an end) ends. (Whether an item is critical is its slack's business.)
    fn critical_paths(&mut self, index: &Index, graph: &DependencyGraph, again: &mut [bool]) {
        let count = index.len();
        // Each item's least-slack predecessor: ties go to the one that ends latest (with its lag),
        // then to the one defined first.
        for (i, again) in again.iter().enumerate() {
            if !*again {
                continue;
            }
            self.predecessor[i] = self.dates[i].and_then(|_| {
                graph
                    .upstream(ItemId(i))
                    .filter(|(e, _)| self.live[*e])
                    .filter_map(|(_, d)| {
                        let (_, end) = self.dates[d.dependency.0]?;
                        let slack = self.slack(d.dependency).unwrap_or(i64::MAX);
                        let finish = i64::from(end.num_days_from_ce()) + self.calendar.lag(d);
                        Some((slack, std::cmp::Reverse(finish), d.dependency))
                    })
                    .min()
                    .map(|(_, _, p)| p)
            });
        }
        self.path_ends.clear();
        for (ItemId(i), info) in index.iter() {
            if info.kind == Kind::Milestone && self.dates[i].is_some() {
                self.path_ends.insert(ItemId(i), ItemId(i));
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
            }
        }
    }

    /// The nearest blocked item among what `item` waits for, through references that count.
    pub fn upstream_blocked(
        &self,
        item: ItemId,
        graph: &DependencyGraph,
    ) -> Option<(usize, ItemId)> {
        graph
            .upstream(item)
            .filter(|(e, _)| self.live[*e])
            .filter_map(|(_, d)| self.blocked[d.dependency.0].map(|(n, b)| (n + 1, b)))
            .min()
    }

    /// The nearest blocked item `item` is or waits for, with the number of steps.
    pub fn nearest_blocked(&self, item: ItemId) -> Option<(usize, ItemId)> {
        self.blocked[item.0]
    }

    /// The least-slack predecessor of an item, which its critical path follows back.
    pub fn predecessor(&self, item: ItemId) -> Option<ItemId> {
        self.predecessor[item.0]
    }

    /// How today moved an open item's forecast away from its plan, if it did.
    pub fn replan(&self, item: ItemId) -> Option<Replan> {
        self.replans[item.0]
    }

    /// The day the forecast counts as today.
    pub fn today(&self) -> NaiveDate {
        self.today
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

    /// Calendar days, or the program's working days.
    pub fn calendar(&self) -> &Calendar {
        &self.calendar
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
