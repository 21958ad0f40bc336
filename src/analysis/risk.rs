//! Risk: scores, levels and each item's exposure.
//!
//! A risk is live while its status is `open` (the default) or `mitigating`: mitigation under way
//! does not make the threat go away. `accepted` and `closed` risks count for neither exposure
//! nor `unmitigated-risk`.

use std::fmt;

use crate::analysis::diagnostic::{Code, Diagnostic};
use crate::analysis::facts::Facts;
use crate::analysis::graph::DependencyGraph;
use crate::analysis::index::{Index, ItemId};
use crate::syntax::Kind;

/// How serious a risk is, from its score (likelihood x impact, 1 to 25).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RiskLevel {
    Low,
    Medium,
    High,
    Critical,
}

impl RiskLevel {
    /// 15 and above is critical, 8 to 14 high, 4 to 7 medium, below that low.
    pub fn of(score: u8) -> RiskLevel {
        match score {
            15.. => RiskLevel::Critical,
            8..=14 => RiskLevel::High,
            4..=7 => RiskLevel::Medium,
            _ => RiskLevel::Low,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            RiskLevel::Low => "low",
            RiskLevel::Medium => "medium",
            RiskLevel::High => "high",
            RiskLevel::Critical => "critical",
        }
    }
}

impl fmt::Display for RiskLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The score of a risk with both a likelihood and an impact.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RiskAssessment {
    pub likelihood: u8,
    pub impact: u8,
    pub score: u8,
    pub level: RiskLevel,
}

impl RiskAssessment {
    pub fn new(likelihood: u8, impact: u8) -> Self {
        let score = likelihood * impact;
        RiskAssessment {
            likelihood,
            impact,
            score,
            level: RiskLevel::of(score),
        }
    }
}

/// How many of an item's exposure risks are kept: the top of a union is the top of the union of
/// the tops, so keeping a few per item keeps exposure linear in the size of the workspace.
pub const TOP_EXPOSURE: usize = 3;

/// The first [`TOP_EXPOSURE`] of the union of two lists sorted by `rank`, each risk once.
fn merge<K: Ord>(a: &[ItemId], b: &[ItemId], rank: impl Fn(&ItemId) -> K) -> Vec<ItemId> {
    let mut merged = merge_all(a, b, rank);
    merged.truncate(TOP_EXPOSURE);
    merged
}

/// The union of two lists sorted by `rank`, sorted by `rank`, each risk once.
fn merge_all<K: Ord>(a: &[ItemId], b: &[ItemId], rank: impl Fn(&ItemId) -> K) -> Vec<ItemId> {
    if b.is_empty() {
        return a.to_vec();
    }
    if a.is_empty() {
        return b.to_vec();
    }
    let mut merged = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        match rank(&a[i]).cmp(&rank(&b[j])) {
            std::cmp::Ordering::Less => {
                merged.push(a[i]);
                i += 1;
            }
            std::cmp::Ordering::Greater => {
                merged.push(b[j]);
                j += 1;
            }
            std::cmp::Ordering::Equal => {
                merged.push(a[i]);
                i += 1;
                j += 1;
            }
        }
    }
    merged.extend_from_slice(&a[i..]);
    merged.extend_from_slice(&b[j..]);
    merged
}

/// The score of a risk with both a likelihood and an impact.
fn assess(facts: &Facts, risk: ItemId) -> Option<RiskAssessment> {
    let f = facts.of(risk);
    Some(RiskAssessment::new(
        f.level("likelihood")?,
        f.level("impact")?,
    ))
}

/// Whether a risk still threatens what it affects: `open` (the default) or `mitigating`.
pub fn is_live(facts: &Facts, risk: ItemId) -> bool {
    matches!(
        facts.of(risk).word("status").unwrap_or("open"),
        "open" | "mitigating"
    )
}

/// The first few risks of an item's exposure, kept inline: one small value per item, copied
/// rather than allocated when an edit shares the rest of the report.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TopRisks {
    risks: [ItemId; TOP_EXPOSURE],
    len: u8,
}

impl Default for TopRisks {
    fn default() -> Self {
        TopRisks {
            risks: [ItemId(0); TOP_EXPOSURE],
            len: 0,
        }
    }
}

impl TopRisks {
    fn from_slice(risks: &[ItemId]) -> TopRisks {
        let mut top = TopRisks::default();
        for (slot, &risk) in top.risks.iter_mut().zip(risks) {
            *slot = risk;
        }
        top.len = risks.len().min(TOP_EXPOSURE) as u8;
        top
    }

    pub fn as_slice(&self) -> &[ItemId] {
        &self.risks[..self.len as usize]
    }
}

/// The scores of every risk and the exposure of every item.
#[derive(Clone, Debug, Default)]
pub struct RiskReport {
    /// By item: the assessment of a risk with both a likelihood and an impact.
    pub risks: Vec<Option<RiskAssessment>>,
    /// By item: the first [`TOP_EXPOSURE`] of the live risks on it or on anything it
    /// transitively depends on, highest score first (a risk without a score last), then in
    /// workspace order.
    pub exposure: Vec<TopRisks>,
}

impl RiskReport {
    pub fn compute(index: &Index, facts: &Facts, graph: &DependencyGraph) -> RiskReport {
        let count = index.len();
        let mut risks = vec![None; count];
        let mut own: Vec<Vec<ItemId>> = vec![Vec::new(); count];
        for (ItemId(i), info) in index.iter() {
            if info.kind != Kind::Risk {
                continue;
            }
            let risk = ItemId(i);
            risks[i] = assess(facts, risk);
            if is_live(facts, risk) {
                for (target, _, _) in facts.of(risk).items("affects") {
                    own[target.0].push(risk);
                }
            }
        }
        let mut report = RiskReport {
            risks,
            exposure: vec![TopRisks::default(); count],
        };
        report.flow(graph, &mut vec![true; count], |item| own[item.0].clone());
        report
    }

    /// The report after the items of `files` changed, on a graph patched from the one this
    /// report was computed on (the same cycles): exposure flows again only from the items whose
    /// own risks or dependencies changed. `targets` are the items the changed files' risks
    /// affected before or affect now; `risks_on` gives every risk that affects an item.
    /// Equal to [`RiskReport::compute`].
    pub fn update<'a>(
        &self,
        index: &Index,
        facts: &Facts,
        graph: &DependencyGraph,
        files: &[crate::analysis::FileId],
        targets: &[ItemId],
        risks_on: impl Fn(ItemId) -> &'a [ItemId],
    ) -> RiskReport {
        let count = index.len();
        let mut report = self.clone();
        let mut dirty = vec![false; count];
        for &target in targets {
            dirty[target.0] = true;
        }
        for &file in files {
            for item in index.items_in(file) {
                if index.item(item).kind == Kind::Risk {
                    let assessment = assess(facts, item);
                    // A new score ranks the risk anew in every list that holds it, even where
                    // the list keeps the same risks: that is no longer a local change.
                    if assessment.map(|a| a.score) != report.risks[item.0].map(|a| a.score) {
                        return RiskReport::compute(index, facts, graph);
                    }
                    report.risks[item.0] = assessment;
                }
                dirty[item.0] = true;
                // A dependency that becomes cancelled passes no risk on.
                for (_, d) in graph.downstream(item) {
                    dirty[d.dependent.0] = true;
                }
            }
        }
        report.flow(graph, &mut dirty, |item| {
            risks_on(item)
                .iter()
                .copied()
                .filter(|&risk| is_live(facts, risk))
                .collect()
        });
        report
    }

    /// Exposure of the items marked in `dirty`, upstream first; an item whose exposure changes
    /// marks its dependents. The items of one cycle sit together and share everything upstream
    /// of any of them. A cancelled dependency threatens nothing, so its risks do not flow on.
    fn flow(
        &mut self,
        graph: &DependencyGraph,
        dirty: &mut [bool],
        own: impl Fn(ItemId) -> Vec<ItemId>,
    ) {
        let order = graph.order();
        let mut at = 0;
        while at < order.len() {
            let first = order[at];
            let group_len = if graph.in_cycle(first) {
                order[at..]
                    .iter()
                    .take_while(|&&i| graph.same_cycle(first, i))
                    .count()
            } else {
                1
            };
            let group = &order[at..at + group_len];
            at += group_len;
            if !group.iter().any(|item| dirty[item.0]) {
                continue;
            }
            // Every list is kept in its final order, so merging replaces sorting.
            let risks = &self.risks;
            let rank = |r: &ItemId| (std::cmp::Reverse(risks[r.0].map_or(0, |a| a.score)), *r);
            let mut found: Vec<ItemId> = Vec::new();
            for &member in group {
                let mut mine = own(member);
                mine.sort_by_key(rank);
                mine.dedup();
                found = merge(&found, &mine, rank);
                for (_, d) in graph.upstream(member) {
                    let upstream = d.dependency;
                    if d.is_self()
                        || graph.same_cycle(first, upstream)
                        || graph.status(upstream) == "cancelled"
                    {
                        continue;
                    }
                    found = merge(&found, self.exposure[upstream.0].as_slice(), rank);
                }
            }
            let top = TopRisks::from_slice(&found);
            for &member in group {
                if self.exposure[member.0] != top {
                    self.exposure[member.0] = top;
                    for (_, d) in graph.downstream(member) {
                        dirty[d.dependent.0] = true;
                    }
                }
            }
        }
    }

    /// `unmitigated-risk`: a live risk scoring 8 or more with no `mitigation`, on its ID.
    pub fn diagnostics(&self, index: &Index, facts: &Facts) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        for (i, assessment) in self.risks.iter().enumerate() {
            let risk = ItemId(i);
            let Some(a) = assessment else { continue };
            let mitigated = facts
                .of(risk)
                .text("mitigation")
                .is_some_and(|t| !t.trim().is_empty());
            if a.score < 8 || mitigated || !is_live(facts, risk) {
                continue;
            }
            let info = index.item(risk);
            out.push(Diagnostic::new(
                Code::UnmitigatedRisk,
                info.file,
                info.name_span,
                format!(
                    "`{}` scores {} (likelihood {} x impact {}), a {} risk, and has no mitigation: add `mitigation: \"...\"` saying what is being done about it",
                    info.name, a.score, a.likelihood, a.impact, a.level
                ),
            ).with_data(crate::analysis::Data {
                score: Some(a.score),
                ..Default::default()
            }));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_follow_the_spec_thresholds() {
        let level = |s| RiskLevel::of(s);
        assert_eq!((level(1), level(3)), (RiskLevel::Low, RiskLevel::Low));
        assert_eq!((level(4), level(7)), (RiskLevel::Medium, RiskLevel::Medium));
        assert_eq!((level(8), level(14)), (RiskLevel::High, RiskLevel::High));
        assert_eq!(
            (level(15), level(25)),
            (RiskLevel::Critical, RiskLevel::Critical)
        );
        assert_eq!(RiskAssessment::new(4, 5).score, 20);
    }

    use crate::analysis::{analyze, NaiveDate, Options, Workspace};

    fn exposure_of(text: &str) -> impl Fn(&str) -> Vec<String> {
        let workspace = Workspace::from_texts([("t.plan", text)]);
        let options = Options {
            today: NaiveDate::from_ymd_opt(2027, 1, 1).unwrap(),
        };
        let analysis = analyze(&workspace, &options);
        move |name: &str| {
            let item = analysis.lookup(name).unwrap();
            analysis
                .exposure(item)
                .iter()
                .map(|&r| analysis.item(r).name.clone())
                .collect()
        }
    }

    #[test]
    fn exposure_is_own_live_risks_and_everything_upstream_highest_score_first() {
        let exposure = exposure_of(
            "initiative a { }\n\
             initiative b { depends_on: a }\n\
             milestone m { date: 2027-05-01 requires: b }\n\
             initiative after { depends_on: m + 1w }\n\
             risk low_on_a { likelihood: 1 impact: 2 affects: a }\n\
             risk high_on_b { likelihood: 4 impact: 4 status: mitigating affects: b }\n\
             risk unscored_on_m { likelihood: 5 affects: m }\n\
             risk accepted_on_a { likelihood: 5 impact: 5 status: accepted affects: a }\n\
             risk closed_on_b { likelihood: 5 impact: 5 status: closed affects: b }\n",
        );
        assert_eq!(exposure("a"), vec!["low_on_a"]);
        assert_eq!(exposure("b"), vec!["high_on_b", "low_on_a"]);
        assert_eq!(
            exposure("m"),
            vec!["high_on_b", "low_on_a", "unscored_on_m"]
        );
        assert_eq!(
            exposure("after"),
            vec!["high_on_b", "low_on_a", "unscored_on_m"]
        );
        // Risks and people have no exposure of their own.
        assert!(exposure("low_on_a").is_empty());
    }

    #[test]
    fn a_cancelled_dependency_passes_no_risk_on_and_a_cycle_shares_its_risks() {
        let exposure = exposure_of(
            "initiative gone { status: cancelled }\n\
             initiative keeps { depends_on: gone }\n\
             initiative x { depends_on: y }\n\
             initiative y { depends_on: x }\n\
             initiative z { depends_on: y }\n\
             risk on_gone { likelihood: 3 impact: 3 affects: gone }\n\
             risk on_x { likelihood: 2 impact: 2 affects: x }\n\
             risk on_y { likelihood: 3 impact: 2 affects: y }\n",
        );
        assert_eq!(exposure("gone"), vec!["on_gone"]);
        assert!(exposure("keeps").is_empty());
        assert_eq!(exposure("x"), vec!["on_y", "on_x"]);
        assert_eq!(exposure("y"), vec!["on_y", "on_x"]);
        assert_eq!(exposure("z"), vec!["on_y", "on_x"]);
    }

    #[test]
    fn every_scored_risk_has_an_assessment() {
        let workspace = Workspace::from_texts([(
            "t.plan",
            "risk r { likelihood: high impact: 2 }\nrisk half { impact: 3 }\n",
        )]);
        let options = Options {
            today: NaiveDate::from_ymd_opt(2027, 1, 1).unwrap(),
        };
        let analysis = analyze(&workspace, &options);
        let r = analysis.risk(analysis.lookup("r").unwrap()).unwrap();
        assert_eq!(
            (r.likelihood, r.impact, r.score, r.level),
            (4, 2, 8, RiskLevel::High)
        );
        assert_eq!(analysis.risk(analysis.lookup("half").unwrap()), None);
    }
}
