//! Roll-up of a work breakdown's progress and health, as TaskJuggler's containers do: a
//! container's progress is the mean of its parts' weighted by their length, its health the worst
//! its parts report.

use crate::analysis::facts::Facts;
use crate::analysis::graph::DependencyGraph;
use crate::analysis::index::ItemId;
use crate::analysis::schedule::Forecast;

/// A container's progress, rolled up from the parts that count.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Progress {
    pub percent: i64,
    /// The parts counted: not cancelled, with forecast dates to weigh them by.
    pub parts: usize,
}

/// A container's health: the worst of its parts', and the part that reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Health {
    pub health: &'static str,
    /// The part whose health (its own or rolled up) is the worst, first in text order on a tie.
    pub part: ItemId,
}

/// What the roll-up reads of the analysis.
pub struct Rollup<'a> {
    pub facts: &'a Facts,
    pub graph: &'a DependencyGraph,
    pub forecast: &'a Forecast,
}

impl Rollup<'_> {
    /// The progress of a container: done parts 100%, a part without progress 0%, cancelled
    /// parts and parts without a forecast left out. `None` for work that is no container.
    pub fn progress(&self, item: ItemId) -> Option<Progress> {
        self.progress_within(item, &mut vec![item])
    }

    fn progress_within(&self, item: ItemId, path: &mut Vec<ItemId>) -> Option<Progress> {
        if !self.graph.is_container(item) {
            return None;
        }
        let (mut weighted, mut total, mut parts) = (0i64, 0i64, 0usize);
        for part in self.graph.parts(item) {
            // A loop of parents counts each container once.
            if path.contains(&part) || self.graph.status(part) == "cancelled" {
                continue;
            }
            let Some((start, end)) = self.forecast.dates(part) else {
                continue;
            };
            let length = self.forecast.calendar().length(start, end).max(1);
            path.push(part);
            let percent = self.part_progress(part, path);
            path.pop();
            weighted += percent * length;
            total += length;
            parts += 1;
        }
        (parts > 0).then(|| Progress {
            percent: weighted / total,
            parts,
        })
    }

    fn part_progress(&self, part: ItemId, path: &mut Vec<ItemId>) -> i64 {
        if self.graph.status(part) == "done" {
            return 100;
        }
        match self.progress_within(part, path) {
            Some(rolled) => rolled.percent,
            None => self.facts.of(part).percent("progress").unwrap_or(0),
        }
    }

    /// The worst health the parts of a container report (their own, or rolled up from their
    /// parts); `None` when no part reports any, or for work that is no container.
    pub fn health(&self, item: ItemId) -> Option<Health> {
        self.health_within(item, &mut vec![item])
    }

    fn health_within(&self, item: ItemId, path: &mut Vec<ItemId>) -> Option<Health> {
        let mut worst: Option<Health> = None;
        for part in self.graph.parts(item) {
            if path.contains(&part) || self.graph.status(part) == "cancelled" {
                continue;
            }
            path.push(part);
            let rolled = self.health_within(part, path).map(|h| h.health);
            path.pop();
            let own = self.facts.of(part).word("health");
            let Some(health) = [own, rolled].into_iter().flatten().max_by_key(|h| rank(h)) else {
                continue;
            };
            if worst.is_none_or(|w| rank(health) > rank(w.health)) {
                worst = Some(Health { health, part });
            }
        }
        worst
    }
}

/// How bad a health word is: red is worse than amber, amber than green.
pub fn rank(health: &str) -> u8 {
    match health {
        "red" => 2,
        "amber" => 1,
        _ => 0,
    }
}
