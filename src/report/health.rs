//! Red, amber or green: the one rule for the program and for each team, with the reasons in
//! words. docs/report.md states the same rule; change both together.

use serde::Serialize;

use super::model::{MilestoneLine, ProgramLine, RiskLine};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Rag {
    Green,
    Amber,
    Red,
}

/// A status and why: every finding that set it, worst first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Verdict {
    pub rag: Rag,
    pub reasons: Vec<String>,
}

/// Findings, each red or amber; the verdict is the worst of them, green when there are none.
#[derive(Default)]
struct Findings(Vec<(Rag, String)>);

impl Findings {
    fn add(&mut self, rag: Rag, count: usize, one: &str, many: &str) {
        match count {
            0 => {}
            1 => self.0.push((rag, one.to_string())),
            n => self.0.push((rag, format!("{n} {many}"))),
        }
    }

    fn say(&mut self, rag: Rag, reason: String) {
        self.0.push((rag, reason));
    }

    fn verdict(mut self) -> Verdict {
        // Worst first; a stable sort keeps the order within a colour.
        self.0.sort_by_key(|(rag, _)| std::cmp::Reverse(*rag));
        Verdict {
            rag: self.0.first().map_or(Rag::Green, |(rag, _)| *rag),
            reasons: self.0.into_iter().map(|(_, reason)| reason).collect(),
        }
    }
}

/// What the program's verdict reads.
pub struct ProgramFacts<'a> {
    pub program: Option<&'a ProgramLine>,
    pub milestones: &'a [MilestoneLine],
    pub risks: &'a [RiskLine],
    /// The work of every team together.
    pub work: WorkCounts,
    /// Error diagnostics in the plan.
    pub errors: usize,
}

/// The program's health.
///
/// Red: a milestone that is not done is forecast after its date, or its date has passed; or the
/// program's work is forecast to end after the program's end.
/// Amber: work is slipping (forecast after the date it feeds) without a milestone late yet,
/// blocked, overdue, or reported red or amber by its owner; a critical risk (score 15 or more) is open; an initiative cannot be
/// forecast; the plan has errors.
pub fn program(facts: &ProgramFacts) -> Verdict {
    let mut found = Findings::default();
    for m in facts.milestones {
        if m.late {
            let slip = m.slip_days.unwrap_or(0);
            found.say(
                Rag::Red,
                format!(
                    "milestone `{}` is forecast {} after its date {}",
                    m.id,
                    days(slip),
                    m.date.map_or_else(String::new, |d| d.to_string())
                ),
            );
        } else if m.overdue {
            found.say(
                Rag::Red,
                format!(
                    "milestone `{}` was due {} and is not done",
                    m.id,
                    m.date.map_or_else(String::new, |d| d.to_string())
                ),
            );
        }
    }
    if let Some(p) = facts.program {
        if let (Some(slip), Some(target)) = (p.slip_days, p.target_end) {
            if slip > 0 {
                found.say(
                    Rag::Red,
                    format!(
                        "the program is forecast to end {} after its target end {target}",
                        days(slip)
                    ),
                );
            }
        }
    }
    add_work_findings(&mut found, Rag::Amber, &facts.work);
    let critical = facts
        .risks
        .iter()
        .filter(|r| r.score.is_some_and(|s| s >= 15))
        .count();
    found.add(
        Rag::Amber,
        critical,
        "a critical risk (score 15 or more) is open",
        "critical risks (score 15 or more) are open",
    );
    found.add(
        Rag::Amber,
        facts.errors,
        "the plan has an error (`planls check`), so the forecast may be wrong",
        "errors in the plan (`planls check`), so the forecast may be wrong",
    );
    found.verdict()
}

/// What a team's verdict reads: counts of its initiatives.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct WorkCounts {
    /// Not done, forecast after the committed date it feeds.
    pub slipping: usize,
    pub blocked: usize,
    pub overdue: usize,
    /// Open work whose owner reports `health: red` / `amber`.
    pub reported_red: usize,
    pub reported_amber: usize,
    pub unscheduled: usize,
}

/// A team's health. Red: work forecast after the committed date it feeds, or reported red by
/// its owner. Amber: work blocked, overdue, reported amber, or that cannot be forecast.
/// (For the program, slipping and red work are amber: a late milestone is what makes it red.)
pub fn team(counts: &WorkCounts) -> Verdict {
    let mut found = Findings::default();
    add_work_findings(&mut found, Rag::Red, counts);
    found.verdict()
}

/// The findings about work; slipping and red work are `worst`.
fn add_work_findings(found: &mut Findings, worst: Rag, c: &WorkCounts) {
    found.add(
        worst,
        c.slipping,
        "an initiative is forecast to end after the date it feeds",
        "initiatives are forecast to end after the dates they feed",
    );
    found.add(
        worst,
        c.reported_red,
        "an initiative is reported red by its owner",
        "initiatives are reported red by their owners",
    );
    found.add(
        Rag::Amber,
        c.blocked,
        "an initiative is blocked",
        "initiatives are blocked",
    );
    found.add(
        Rag::Amber,
        c.overdue,
        "an initiative is overdue",
        "initiatives are overdue",
    );
    found.add(
        Rag::Amber,
        c.reported_amber,
        "an initiative is reported amber by its owner",
        "initiatives are reported amber by their owners",
    );
    found.add(
        Rag::Amber,
        c.unscheduled,
        "an initiative cannot be forecast",
        "initiatives cannot be forecast",
    );
}

/// "1 day", "14 days".
pub fn days(n: i64) -> String {
    if n.abs() == 1 {
        format!("{n} day")
    } else {
        format!("{n} days")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_team_is_green_without_findings_and_takes_the_worst_colour() {
        assert_eq!(team(&WorkCounts::default()).rag, Rag::Green);
        assert!(team(&WorkCounts::default()).reasons.is_empty());
        let amber = team(&WorkCounts {
            blocked: 2,
            ..WorkCounts::default()
        });
        assert_eq!(amber.rag, Rag::Amber);
        assert_eq!(amber.reasons, ["2 initiatives are blocked"]);
        let red = team(&WorkCounts {
            blocked: 1,
            slipping: 1,
            ..WorkCounts::default()
        });
        assert_eq!(red.rag, Rag::Red);
        assert_eq!(
            red.reasons,
            [
                "an initiative is forecast to end after the date it feeds",
                "an initiative is blocked"
            ]
        );
    }

    #[test]
    fn an_owner_reporting_red_makes_the_team_red() {
        let red = team(&WorkCounts {
            reported_red: 1,
            ..WorkCounts::default()
        });
        assert_eq!(red.rag, Rag::Red);
    }
}
