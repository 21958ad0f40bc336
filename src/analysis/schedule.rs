//! The schedule: the critical-path method exactly as the spec defines it.

use std::fmt;

use chrono::NaiveDate;

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
