//! The report as data: built from an [`Analysis`] and the day that counts as today, and nothing
//! else. The Markdown, JSON and HTML renderers only lay it out; the JSON is this model as is.

use std::collections::HashSet;

use chrono::NaiveDate;
use serde::Serialize;

use crate::analysis::schedule::days_between;
use crate::analysis::{Analysis, Code, ItemId, ScheduleState, Severity};
use crate::syntax::Kind;

use super::health::{self, Verdict};

/// How many risks the report lists; the rest are counted.
pub const TOP_RISKS: usize = 10;

/// The whole weekly status report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Report {
    pub today: NaiveDate,
    pub program: Option<ProgramLine>,
    /// The program's health: red, amber or green, with the reasons the rule found.
    pub health: Verdict,
    pub milestones: Vec<MilestoneLine>,
    pub teams: Vec<TeamLine>,
    pub risks: Vec<RiskLine>,
    /// How many live risks there are beyond the [`TOP_RISKS`] listed.
    pub more_risks: usize,
    pub gantt: Gantt,
    /// What moved since an earlier version of the plan, when asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub changes: Option<super::changes::Changes>,
}

/// A person as the report names them: the ID and the display name (the title, else the ID).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Person {
    pub id: String,
    pub name: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ProgramLine {
    pub id: String,
    pub title: String,
    pub owner: Option<Person>,
    pub start: Option<NaiveDate>,
    /// The program's `end`: the date it committed to.
    pub target_end: Option<NaiveDate>,
    /// The last forecast end of any scheduled initiative that is not cancelled.
    pub forecast_end: Option<NaiveDate>,
    /// `forecast_end - target_end` in days; positive means late.
    pub slip_days: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MilestoneLine {
    pub id: String,
    pub title: String,
    pub owner: Option<Person>,
    pub status: &'static str,
    pub date: Option<NaiveDate>,
    /// The forecast day; `None` when it cannot be forecast (see `unscheduled`).
    pub forecast: Option<NaiveDate>,
    /// `forecast - date` in days; positive means late.
    pub slip_days: Option<i64>,
    /// Forecast after its date while not done or cancelled.
    pub late: bool,
    /// Its date has passed and it is not done or cancelled.
    pub overdue: bool,
    /// The chain of least-slack work that sets its forecast, first to last (IDs).
    pub critical_path: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unscheduled: Option<String>,
}

/// A piece of work as team sections list it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct WorkLine {
    pub id: String,
    pub title: String,
    pub owner: Option<Person>,
    pub status: &'static str,
    pub forecast_end: Option<NaiveDate>,
    /// Days to spare before the committed date it feeds; negative means late.
    pub slack: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TeamLine {
    /// `None` for the work that names no team.
    pub id: Option<String>,
    pub name: String,
    pub lead: Option<Person>,
    pub health: Verdict,
    /// How many initiatives in each status, in the schema's order; statuses without work left out.
    pub work: Vec<StatusCount>,
    /// Forecast to end after the committed date it feeds.
    pub slipping: Vec<WorkLine>,
    pub blocked: Vec<WorkLine>,
    /// Due to have ended before today and not done (the `overdue` diagnostic).
    pub overdue: Vec<WorkLine>,
    /// The owners of slipping, blocked and overdue work and of work its owner reports red.
    pub chase: Vec<Person>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StatusCount {
    pub status: &'static str,
    pub count: usize,
}

/// An initiative without a forecast, and why, in the analysis's words.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Unscheduled {
    pub id: String,
    pub reason: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RiskLine {
    pub id: String,
    pub title: String,
    pub owner: Option<Person>,
    pub status: &'static str,
    pub score: Option<u8>,
    pub level: Option<&'static str>,
    pub mitigation: Option<String>,
    pub review: Option<NaiveDate>,
    /// Its review date has passed.
    pub review_overdue: bool,
    /// The IDs it names in `affects`.
    pub affects: Vec<String>,
}

/// The chart: a bar per scheduled initiative grouped by team, milestones as diamonds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Gantt {
    /// The first and last day the chart shows.
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub groups: Vec<GanttGroup>,
    pub milestones: Vec<Diamond>,
    /// The program's target end, drawn as a line.
    pub target_end: Option<NaiveDate>,
    /// Initiatives without a forecast, and why: they get no bar.
    pub unscheduled: Vec<Unscheduled>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct GanttGroup {
    pub team: Option<String>,
    pub name: String,
    pub bars: Vec<Bar>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Bar {
    pub id: String,
    pub title: String,
    pub status: &'static str,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub progress: Option<i64>,
    pub critical: bool,
    pub late: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Diamond {
    pub id: String,
    pub title: String,
    pub date: Option<NaiveDate>,
    pub forecast: NaiveDate,
    pub late: bool,
    pub done: bool,
}

/// The report of `analysis` as of `today`.
pub fn build(analysis: &Analysis, today: NaiveDate) -> Report {
    let view = View { analysis, today };
    let milestones = view.milestones();
    let (teams, work) = view.teams();
    let program = view.program();
    let (risks, more_risks) = view.risks();
    let errors = analysis
        .diagnostics()
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let health = health::program(&health::ProgramFacts {
        program: program.as_ref(),
        milestones: &milestones,
        risks: &risks,
        work,
        errors,
    });
    Report {
        today,
        gantt: view.gantt(&milestones),
        program,
        health,
        milestones,
        teams,
        risks,
        more_risks,
        changes: None,
    }
}

/// The analysis, read as the report needs it.
struct View<'a> {
    analysis: &'a Analysis,
    today: NaiveDate,
}

impl View<'_> {
    fn title(&self, item: ItemId) -> String {
        let info = self.analysis.item(item);
        info.title.clone().unwrap_or_else(|| info.name.clone())
    }

    fn name(&self, item: ItemId) -> String {
        self.analysis.item(item).name.clone()
    }

    fn person(&self, person: Option<ItemId>) -> Option<Person> {
        let person = person?;
        Some(Person {
            id: self.name(person),
            name: self.title(person),
        })
    }

    fn owner(&self, item: ItemId) -> Option<Person> {
        self.person(self.analysis.facts().of(item).item("owner"))
    }

    fn status(&self, item: ItemId) -> &'static str {
        self.analysis.status(item).unwrap_or("planned")
    }

    fn of_kind(&self, kind: Kind) -> impl Iterator<Item = ItemId> + '_ {
        self.analysis
            .items()
            .filter(move |(_, info)| info.kind == kind)
            .map(|(id, _)| id)
    }

    fn scheduled(&self, item: ItemId) -> Option<&crate::analysis::ItemSchedule> {
        match self.analysis.schedule(item)? {
            ScheduleState::Scheduled(s) => Some(s),
            ScheduleState::Unscheduled { .. } => None,
        }
    }

    fn closed(&self, item: ItemId) -> bool {
        matches!(self.status(item), "done" | "cancelled")
    }

    /// Open work forecast to end after the committed date it feeds.
    fn slipping(&self, item: ItemId) -> bool {
        !self.closed(item)
            && self
                .scheduled(item)
                .and_then(|s| s.slack)
                .is_some_and(|s| s < 0)
    }

    fn program(&self) -> Option<ProgramLine> {
        let program = self.analysis.program()?;
        let facts = self.analysis.facts().of(program);
        let target_end = facts.date("end").map(|(d, _)| d);
        let forecast_end = self
            .analysis
            .items()
            .filter(|(_, i)| i.kind == Kind::Initiative)
            .filter(|&(id, _)| self.status(id) != "cancelled")
            .filter_map(|(id, _)| self.scheduled(id).map(|s| s.end))
            .max();
        Some(ProgramLine {
            id: self.name(program),
            title: self.title(program),
            owner: self.owner(program),
            start: facts.date("start").map(|(d, _)| d),
            target_end,
            forecast_end,
            slip_days: target_end
                .zip(forecast_end)
                .map(|(target, forecast)| days_between(target, forecast)),
        })
    }

    fn milestones(&self) -> Vec<MilestoneLine> {
        let mut lines: Vec<MilestoneLine> = self
            .of_kind(Kind::Milestone)
            .map(|m| {
                let date = self.analysis.facts().of(m).date("date").map(|(d, _)| d);
                let status = self.status(m);
                let open = !self.closed(m);
                let forecast = self.scheduled(m).map(|s| s.end);
                let slip_days = date.zip(forecast).map(|(d, f)| days_between(d, f));
                let unscheduled = match self.analysis.schedule(m) {
                    Some(ScheduleState::Unscheduled { reason }) => Some(reason.clone()),
                    _ => None,
                };
                MilestoneLine {
                    id: self.name(m),
                    title: self.title(m),
                    owner: self.owner(m),
                    status,
                    date,
                    forecast,
                    slip_days,
                    late: open && slip_days.is_some_and(|s| s > 0),
                    overdue: open && date.is_some_and(|d| d < self.today),
                    critical_path: self
                        .analysis
                        .critical_path(m)
                        .into_iter()
                        .filter(|&i| i != m)
                        .map(|i| self.name(i))
                        .collect(),
                    unscheduled,
                }
            })
            .collect();
        // In the order they happen; those without a date last.
        lines.sort_by_key(|m| (m.date.is_none(), m.date, m.forecast));
        lines
    }

    fn work_line(&self, item: ItemId) -> WorkLine {
        let schedule = self.scheduled(item);
        WorkLine {
            id: self.name(item),
            title: self.title(item),
            owner: self.owner(item),
            status: self.status(item),
            forecast_end: schedule.map(|s| s.end),
            slack: schedule.and_then(|s| s.slack),
        }
    }

    /// The initiatives the `overdue` diagnostic names.
    fn overdue_work(&self) -> HashSet<ItemId> {
        let analysis = self.analysis;
        analysis
            .diagnostics()
            .iter()
            .filter(|d| d.code == Code::Overdue)
            .filter_map(|d| {
                analysis.index().items_in(d.file).find(|&i| {
                    let span = analysis.item(i).span;
                    span.start <= d.span.start && d.span.end <= span.end
                })
            })
            .filter(|&i| analysis.item(i).kind == Kind::Initiative)
            .collect()
    }

    /// Each team with work, then the work without a team; and the counts of all of it.
    fn teams(&self) -> (Vec<TeamLine>, health::WorkCounts) {
        let overdue = self.overdue_work();
        let mut groups: Vec<(Option<ItemId>, Vec<ItemId>)> = self
            .of_kind(Kind::Team)
            .map(|t| (Some(t), Vec::new()))
            .collect();
        let mut without_team = Vec::new();
        for work in self.of_kind(Kind::Initiative) {
            let team = self.analysis.facts().of(work).item("team");
            match groups.iter_mut().find(|(t, _)| t.is_some() && *t == team) {
                Some((_, items)) => items.push(work),
                None => without_team.push(work),
            }
        }
        if !without_team.is_empty() {
            groups.push((None, without_team));
        }
        let mut total = health::WorkCounts::default();
        let lines = groups
            .into_iter()
            .filter(|(_, work)| !work.is_empty())
            .map(|(team, work)| {
                let (line, counts) = self.team_line(team, &work, &overdue);
                total.slipping += counts.slipping;
                total.blocked += counts.blocked;
                total.overdue += counts.overdue;
                total.reported_red += counts.reported_red;
                total.reported_amber += counts.reported_amber;
                total.unscheduled += counts.unscheduled;
                line
            })
            .collect();
        (lines, total)
    }

    fn team_line(
        &self,
        team: Option<ItemId>,
        work: &[ItemId],
        overdue: &HashSet<ItemId>,
    ) -> (TeamLine, health::WorkCounts) {
        let pick = |keep: &dyn Fn(ItemId) -> bool| -> Vec<ItemId> {
            work.iter().copied().filter(|&i| keep(i)).collect()
        };
        let slipping = pick(&|i| self.slipping(i));
        let blocked = pick(&|i| self.status(i) == "blocked");
        let overdue_here = pick(&|i| overdue.contains(&i));
        let reported = |i: ItemId, word: &str| {
            !self.closed(i) && self.analysis.facts().of(i).word("health") == Some(word)
        };
        let reported_red = pick(&|i| reported(i, "red"));
        let reported_amber = pick(&|i| reported(i, "amber"));
        let unscheduled = pick(&|i| self.status(i) != "cancelled" && self.scheduled(i).is_none());
        let mut chase: Vec<Person> = Vec::new();
        for &item in slipping
            .iter()
            .chain(&blocked)
            .chain(&overdue_here)
            .chain(&reported_red)
        {
            if let Some(owner) = self.owner(item) {
                if !chase.contains(&owner) {
                    chase.push(owner);
                }
            }
        }
        let counts = health::WorkCounts {
            slipping: slipping.len(),
            blocked: blocked.len(),
            overdue: overdue_here.len(),
            reported_red: reported_red.len(),
            reported_amber: reported_amber.len(),
            unscheduled: unscheduled.len(),
        };
        let lines = |items: &[ItemId]| items.iter().map(|&i| self.work_line(i)).collect();
        let line = TeamLine {
            id: team.map(|t| self.name(t)),
            name: team.map_or_else(|| "No team".to_string(), |t| self.title(t)),
            lead: team.and_then(|t| self.person(self.analysis.facts().of(t).item("lead"))),
            health: health::team(&counts),
            work: crate::analysis::schema::INITIATIVE_STATUSES
                .iter()
                .map(|&status| StatusCount {
                    status,
                    count: work.iter().filter(|&&i| self.status(i) == status).count(),
                })
                .filter(|c| c.count > 0)
                .collect(),
            slipping: lines(&slipping),
            blocked: lines(&blocked),
            overdue: lines(&overdue_here),
            chase,
        };
        (line, counts)
    }

    /// The live risks, highest score first (unscored last), then in workspace order.
    fn risks(&self) -> (Vec<RiskLine>, usize) {
        let facts = self.analysis.facts();
        let mut live: Vec<ItemId> = self
            .of_kind(Kind::Risk)
            .filter(|&r| crate::analysis::risk::is_live(facts, r))
            .collect();
        live.sort_by_key(|&r| (std::cmp::Reverse(self.analysis.risk(r).map(|a| a.score)), r));
        let more = live.len().saturating_sub(TOP_RISKS);
        let lines = live
            .into_iter()
            .take(TOP_RISKS)
            .map(|r| {
                let f = facts.of(r);
                let assessment = self.analysis.risk(r);
                let review = f.date("review").map(|(d, _)| d);
                RiskLine {
                    id: self.name(r),
                    title: self.title(r),
                    owner: self.owner(r),
                    status: self.status(r),
                    score: assessment.map(|a| a.score),
                    level: assessment.map(|a| a.level.as_str()),
                    mitigation: f.text("mitigation").map(str::to_string),
                    review,
                    review_overdue: review.is_some_and(|d| d < self.today),
                    affects: f.items("affects").map(|(i, _, _)| self.name(i)).collect(),
                }
            })
            .collect();
        (lines, more)
    }

    fn gantt(&self, milestones: &[MilestoneLine]) -> Gantt {
        let mut groups: Vec<GanttGroup> = Vec::new();
        let mut unscheduled = Vec::new();
        for team in self.teams_in_order() {
            let mut bars = Vec::new();
            for work in self.of_kind(Kind::Initiative) {
                if self.analysis.facts().of(work).item("team") != team {
                    continue;
                }
                match self.analysis.schedule(work) {
                    Some(ScheduleState::Scheduled(s)) => bars.push(Bar {
                        id: self.name(work),
                        title: self.title(work),
                        status: self.status(work),
                        start: s.start,
                        end: s.end,
                        // A container's bar shows the progress rolled up from its parts.
                        progress: match self.analysis.rollup().progress(work) {
                            Some(rolled) => Some(rolled.percent),
                            None => self.analysis.facts().of(work).percent("progress"),
                        },
                        critical: s.critical,
                        late: self.slipping(work),
                    }),
                    Some(ScheduleState::Unscheduled { reason }) => unscheduled.push(Unscheduled {
                        id: self.name(work),
                        reason: reason.clone(),
                    }),
                    None => {}
                }
            }
            if !bars.is_empty() {
                bars.sort_by_key(|b| (b.start, b.end));
                groups.push(GanttGroup {
                    team: team.map(|t| self.name(t)),
                    name: team.map_or_else(|| "No team".to_string(), |t| self.title(t)),
                    bars,
                });
            }
        }
        let diamonds: Vec<Diamond> = milestones
            .iter()
            .filter_map(|m| {
                Some(Diamond {
                    id: m.id.clone(),
                    title: m.title.clone(),
                    date: m.date,
                    forecast: m.forecast?,
                    late: m.late,
                    done: m.status == "done",
                })
            })
            .collect();
        let target_end = self
            .analysis
            .program()
            .and_then(|p| self.analysis.facts().of(p).date("end"))
            .map(|(d, _)| d);
        let days = groups
            .iter()
            .flat_map(|g| g.bars.iter().flat_map(|b| [b.start, b.end]))
            .chain(
                diamonds
                    .iter()
                    .flat_map(|d| d.date.into_iter().chain([d.forecast])),
            )
            .chain(target_end)
            .chain([self.today]);
        let (start, end) = days.fold((self.today, self.today), |(lo, hi), d| {
            (lo.min(d), hi.max(d))
        });
        Gantt {
            start,
            end,
            groups,
            milestones: diamonds,
            target_end,
            unscheduled,
        }
    }

    /// The teams in workspace order, then `None` for work without a (known) team.
    fn teams_in_order(&self) -> Vec<Option<ItemId>> {
        let mut teams: Vec<Option<ItemId>> = self.of_kind(Kind::Team).map(Some).collect();
        // An initiative's team that resolves is a team item, so only unresolved ones fall here.
        teams.push(None);
        teams
    }
}
