//! The one wording of a forecast's standing: slack, slip and "critical". Hovers, inlay hints,
//! code lenses, diagnostic messages and `planls schedule` all say these facts with these words,
//! so the same fact reads the same everywhere (docs/schedule.md, "Slack, slip and critical").

use crate::analysis::schedule::ItemSchedule;

/// "1 day", "5 days", "-1 day".
pub fn days(n: i64) -> String {
    if n.abs() == 1 {
        format!("{n} day")
    } else {
        format!("{n} days")
    }
}

/// An item's slack: `slack 5 days`, `slack 0 days`, `3 days late`, or
/// `no committed date downstream` when nothing committed lies after it.
pub fn slack(slack: Option<i64>) -> String {
    match slack {
        Some(n) if n < 0 => format!("{} late", days(-n)),
        Some(n) => format!("slack {}", days(n)),
        None => "no committed date downstream".to_string(),
    }
}

/// A milestone's slip past its own date: `slips 5 days past its date`.
pub fn slip(slip: i64) -> String {
    format!("slips {} past its date", days(slip))
}

/// Everything the forecast says about an item's standing, in one phrase: the slip of a
/// milestone that slips, its slack (left out when it only repeats the slip) and `critical`.
/// `slack 5 days`; `3 days late, critical`; `slips 5 days past its date, critical`;
/// `slips 5 days past its date, 6 days late, critical` (something after it needs it sooner).
pub fn standing(schedule: &ItemSchedule) -> String {
    let mut parts = Vec::new();
    let slipped = schedule.slip.filter(|&s| s > 0);
    if let Some(s) = slipped {
        parts.push(slip(s));
    }
    if slipped.is_none() || schedule.slack != slipped.map(|s| -s) {
        parts.push(slack(schedule.slack));
    }
    if schedule.critical {
        parts.push("critical".to_string());
    }
    parts.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn schedule(slack: Option<i64>, slip: Option<i64>, critical: bool) -> ItemSchedule {
        let day = NaiveDate::from_ymd_opt(2027, 1, 4).unwrap();
        ItemSchedule {
            start: day,
            end: day,
            latest_finish: None,
            slack,
            slip,
            critical,
        }
    }

    #[test]
    fn the_same_fact_has_the_same_words() {
        assert_eq!(standing(&schedule(Some(5), None, false)), "slack 5 days");
        assert_eq!(standing(&schedule(Some(1), None, false)), "slack 1 day");
        assert_eq!(
            standing(&schedule(Some(0), None, true)),
            "slack 0 days, critical"
        );
        assert_eq!(
            standing(&schedule(Some(-3), None, true)),
            "3 days late, critical"
        );
        assert_eq!(
            standing(&schedule(None, None, false)),
            "no committed date downstream"
        );
        // A slipping milestone: the slip, and the slack only when it says something else.
        assert_eq!(
            standing(&schedule(Some(-5), Some(5), true)),
            "slips 5 days past its date, critical"
        );
        assert_eq!(
            standing(&schedule(Some(-6), Some(5), true)),
            "slips 5 days past its date, 6 days late, critical"
        );
        assert_eq!(standing(&schedule(Some(4), Some(0), false)), "slack 4 days");
    }
}
