//! Risk: scores, levels and each item's exposure.

use std::fmt;

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
}
