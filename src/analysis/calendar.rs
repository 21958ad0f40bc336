//! The program's calendar: calendar days (the default) or working days, which skip weekends
//! and the program's `holidays`, as TaskJuggler's `length` and `gaplength` do.
//!
//! All the forecast's day arithmetic goes through here, so the two calendars differ in one place.

use std::collections::BTreeSet;

use chrono::{Datelike, NaiveDate, Weekday};

use crate::analysis::facts::Facts;
use crate::analysis::graph::Dependency;
use crate::analysis::index::Index;
use crate::analysis::schedule::add_days;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Calendar {
    /// Whether durations and lags count working days (Monday to Friday, not a holiday).
    working_days: bool,
    /// Days off, counted only in working days.
    holidays: BTreeSet<NaiveDate>,
}

impl Calendar {
    /// The calendar of the workspace's program; calendar days without one.
    pub fn of_program(index: &Index, facts: &Facts) -> Calendar {
        let Some(program) = index.program() else {
            return Calendar::default();
        };
        let f = facts.of(program);
        Calendar {
            working_days: f.word("calendar") == Some("working_days"),
            holidays: f
                .values("holidays")
                .iter()
                .filter_map(|(typed, _)| match typed {
                    crate::analysis::facts::Typed::Date(d) => Some(*d),
                    _ => None,
                })
                .collect(),
        }
    }

    /// A working-days calendar with these holidays (for tests and generated plans).
    pub fn working_days(holidays: impl IntoIterator<Item = NaiveDate>) -> Calendar {
        Calendar {
            working_days: true,
            holidays: holidays.into_iter().collect(),
        }
    }

    pub fn counts_working_days(&self) -> bool {
        self.working_days
    }

    pub fn holidays(&self) -> impl Iterator<Item = NaiveDate> + '_ {
        self.holidays.iter().copied()
    }

    /// Whether work happens on `day`: every day in calendar days.
    pub fn is_working(&self, day: NaiveDate) -> bool {
        !self.working_days
            || (!matches!(day.weekday(), Weekday::Sat | Weekday::Sun)
                && !self.holidays.contains(&day))
    }

    /// `day`, or the first working day after it.
    pub fn on_or_after(&self, day: NaiveDate) -> Option<NaiveDate> {
        let mut day = day;
        while !self.is_working(day) {
            day = add_days(day, 1)?;
        }
        Some(day)
    }

    /// `day`, or the last working day before it.
    pub fn on_or_before(&self, day: NaiveDate) -> Option<NaiveDate> {
        let mut day = day;
        while !self.is_working(day) {
            day = add_days(day, -1)?;
        }
        Some(day)
    }

    /// The working day `n` working days after `day` (before it when `n` is negative); `day`
    /// itself when `n` is 0. In calendar days, `day + n`.
    pub fn shift(&self, day: NaiveDate, n: i64) -> Option<NaiveDate> {
        if !self.working_days {
            return add_days(day, n);
        }
        let step = n.signum();
        let mut left = n.abs();
        let mut day = day;
        // Whole weeks at a time while no holiday is in the way: a week holds 5 working days.
        while left > 5 {
            let next = add_days(day, 7 * step)?;
            let (from, to) = if step > 0 { (day, next) } else { (next, day) };
            if self.holidays.range(from..=to).next().is_some() {
                break;
            }
            day = next;
            left -= 5;
        }
        while left > 0 {
            day = add_days(day, step)?;
            if self.is_working(day) {
                left -= 1;
            }
        }
        Some(day)
    }

    /// The last day of `days` days of work starting on `start`, a working day.
    pub fn end_of(&self, start: NaiveDate, days: i64) -> Option<NaiveDate> {
        self.shift(start, days - 1)
    }

    /// The first day of `days` days of work ending on `end`, a working day.
    pub fn start_of(&self, end: NaiveDate, days: i64) -> Option<NaiveDate> {
        self.shift(end, 1 - days)
    }

    /// The number of working days from `start` to `end`, both included.
    pub fn length(&self, start: NaiveDate, end: NaiveDate) -> i64 {
        let days = end.signed_duration_since(start).num_days() + 1;
        if !self.working_days || days <= 0 {
            return days;
        }
        let weeks = days / 7;
        let mut count = weeks * 5;
        let mut day = add_days(start, weeks * 7);
        while let Some(d) = day.filter(|d| *d <= end) {
            if !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) {
                count += 1;
            }
            day = add_days(d, 1);
        }
        let holidays = self
            .holidays
            .range(start..=end)
            .filter(|d| !matches!(d.weekday(), Weekday::Sat | Weekday::Sun))
            .count() as i64;
        count - holidays
    }

    /// A dependency's lag in this calendar's days.
    pub fn lag(&self, d: &Dependency) -> i64 {
        if self.working_days {
            d.lag_working_days
        } else {
            d.lag_days
        }
    }

    /// The first day work may start after a dependency whose last day is `end`, with `lag` free
    /// days between (finish-to-start).
    pub fn start_after(&self, end: NaiveDate, lag: i64) -> Option<NaiveDate> {
        if !self.working_days {
            return add_days(end, 1 + lag);
        }
        self.on_or_after(add_days(self.shift(end, lag)?, 1)?)
    }

    /// The day a requirement whose last day is `end`, with `lag`, lets a milestone happen.
    pub fn ready(&self, end: NaiveDate, lag: i64) -> Option<NaiveDate> {
        self.shift(end, lag)
    }

    /// The last day a dependency may end so that work which waits for it `lag` days and lasts
    /// `days` ends by `finish` (the backward pass's inverse of [`Calendar::start_after`]).
    pub fn end_before_work(&self, finish: NaiveDate, days: i64, lag: i64) -> Option<NaiveDate> {
        if !self.working_days {
            return add_days(finish, -days - lag);
        }
        let start = self.start_of(self.on_or_before(finish)?, days)?;
        self.shift(start, -1 - lag)
    }

    /// The last day a requirement may end so that a milestone `lag` days later happens by
    /// `finish` (the inverse of [`Calendar::ready`]).
    pub fn end_before_milestone(&self, finish: NaiveDate, lag: i64) -> Option<NaiveDate> {
        if !self.working_days || lag == 0 {
            return add_days(finish, -lag);
        }
        self.shift(self.on_or_before(finish)?, -lag)
    }

    /// "days" or "working days", for messages.
    pub fn unit(&self) -> &'static str {
        if self.working_days {
            "working days"
        } else {
            "days"
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    /// The figures tj3 gives for the same plan (`length`, `gaplength`, a holiday on Monday
    /// 2027-01-18): docs/schedule.md, "Working days".
    #[test]
    fn working_days_skip_weekends_and_holidays_as_taskjuggler_does() {
        let cal = Calendar::working_days([day("2027-01-18")]);
        // 5 days from Monday 4 January end on Friday 8.
        assert_eq!(cal.end_of(day("2027-01-04"), 5), Some(day("2027-01-08")));
        // Work after it starts on Monday 11; with a day of lag, on Tuesday 12.
        assert_eq!(
            cal.start_after(day("2027-01-08"), 0),
            Some(day("2027-01-11"))
        );
        assert_eq!(
            cal.start_after(day("2027-01-08"), 1),
            Some(day("2027-01-12"))
        );
        // 5 days from Wednesday 13 skip the weekend and the holiday: Wednesday 20.
        assert_eq!(cal.end_of(day("2027-01-13"), 5), Some(day("2027-01-20")));
        assert_eq!(cal.length(day("2027-01-13"), day("2027-01-20")), 5);
        // A milestone 2 working days after Wednesday 20 is on Friday 22.
        assert_eq!(cal.ready(day("2027-01-20"), 2), Some(day("2027-01-22")));
        assert_eq!(cal.on_or_after(day("2027-01-02")), Some(day("2027-01-04")));
    }

    #[test]
    fn long_spans_jump_whole_weeks_and_still_count_holidays() {
        let cal = Calendar::working_days([day("2027-03-01"), day("2027-03-06")]);
        for days in 1..80 {
            let end = cal.end_of(day("2027-01-04"), days).unwrap();
            assert!(cal.is_working(end));
            assert_eq!(cal.length(day("2027-01-04"), end), days, "{days}");
            assert_eq!(cal.start_of(end, days), Some(day("2027-01-04")), "{days}");
        }
    }

    #[test]
    fn the_backward_pass_inverts_the_forward_pass() {
        let cal = Calendar::working_days([day("2027-01-18")]);
        // Work of 2 days after a lag of 1 must end by Friday 15: it starts Thursday 14, so
        // the dependency ends by Tuesday 12 (Wednesday 13 is the lag).
        assert_eq!(
            cal.end_before_work(day("2027-01-15"), 2, 1),
            Some(day("2027-01-12"))
        );
        assert_eq!(
            cal.start_after(day("2027-01-12"), 1),
            Some(day("2027-01-14"))
        );
        let calendar_days = Calendar::default();
        assert_eq!(
            calendar_days.end_before_work(day("2027-01-15"), 2, 1),
            Some(day("2027-01-12"))
        );
        assert_eq!(
            cal.end_before_milestone(day("2027-01-19"), 1),
            Some(day("2027-01-15"))
        );
    }
}
