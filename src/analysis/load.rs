//! A person's load: the open initiatives they own, and when the most of them run at once.

use chrono::NaiveDate;

use crate::analysis::graph::DependencyGraph;
use crate::analysis::index::ItemId;
use crate::analysis::schedule::{add_days, Forecast};

/// How many open initiatives at once make an owner overloaded: two in parallel is ordinary
/// for a lead; three is where status meetings start hearing "I did not get to it".
pub const OVERLOAD: usize = 3;

/// The first stretch of days on which the most of a person's open initiatives run at once.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Peak {
    /// The initiatives running throughout the stretch, in workspace order.
    pub items: Vec<ItemId>,
    pub from: NaiveDate,
    /// The last day of the stretch, inclusive.
    pub to: NaiveDate,
}

/// The peak of `owned`'s open (not done, not cancelled), scheduled initiatives; `None` when
/// none of them overlap.
pub fn peak(owned: &[ItemId], graph: &DependencyGraph, forecast: &Forecast) -> Option<Peak> {
    let spans: Vec<(ItemId, NaiveDate, NaiveDate)> = owned
        .iter()
        .filter(|&&i| !graph.is_closed(i) && forecast.extent(i).is_some())
        .filter_map(|&i| forecast.dates(i).map(|(s, e)| (i, s, e)))
        .collect();
    // Sweep over the days where the count changes: a start adds one, the day after an end
    // removes one; at the same day, removals come first.
    let mut events: Vec<(NaiveDate, i32)> = Vec::new();
    for &(_, start, end) in &spans {
        events.push((start, 1));
        if let Some(after) = add_days(end, 1) {
            events.push((after, -1));
        }
    }
    events.sort();
    let (mut count, mut best, mut best_from) = (0i32, 1i32, None);
    for (day, change) in events {
        count += change;
        if count > best {
            best = count;
            best_from = Some(day);
        }
    }
    let from = best_from?;
    let items: Vec<ItemId> = spans
        .iter()
        .filter(|(_, s, e)| *s <= from && from <= *e)
        .map(|(i, ..)| *i)
        .collect();
    let to = spans
        .iter()
        .filter(|(i, ..)| items.contains(i))
        .map(|(_, _, e)| *e)
        .min()?;
    // The stretch ends when one of them ends or another one starts.
    let to = spans
        .iter()
        .filter(|(_, s, _)| *s > from && *s <= to)
        .filter_map(|(_, s, _)| add_days(*s, -1))
        .min()
        .unwrap_or(to);
    Some(Peak { items, from, to })
}
