//! Severity labels and the conversions between labels, normalized scores and CVSS scores.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// The ASFF severity label, ordered from least to most severe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Label {
    Informational,
    Low,
    Medium,
    High,
    Critical,
}

impl Label {
    /// All labels, least severe first.
    pub const ALL: [Label; 5] = [
        Label::Informational,
        Label::Low,
        Label::Medium,
        Label::High,
        Label::Critical,
    ];

    /// The label as Security Hub spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Label::Informational => "INFORMATIONAL",
            Label::Low => "LOW",
            Label::Medium => "MEDIUM",
            Label::High => "HIGH",
            Label::Critical => "CRITICAL",
        }
    }

    /// The label of a `Normalized` score by the ASFF rule: 0 INFORMATIONAL, 1-39 LOW,
    /// 40-69 MEDIUM, 70-89 HIGH, 90-100 CRITICAL. `None` outside 0..=100.
    pub fn from_normalized(normalized: i64) -> Option<Label> {
        match normalized {
            0 => Some(Label::Informational),
            1..=39 => Some(Label::Low),
            40..=69 => Some(Label::Medium),
            70..=89 => Some(Label::High),
            90..=100 => Some(Label::Critical),
            _ => None,
        }
    }

    /// The `Normalized` score Security Hub assigns to a label (the lower bound of its range).
    pub fn normalized(self) -> i64 {
        match self {
            Label::Informational => 0,
            Label::Low => 1,
            Label::Medium => 40,
            Label::High => 70,
            Label::Critical => 90,
        }
    }

    /// The label of a CVSS base score by the CVSS v3 qualitative scale: 0 INFORMATIONAL (none),
    /// 0.1-3.9 LOW, 4.0-6.9 MEDIUM, 7.0-8.9 HIGH, 9.0-10.0 CRITICAL. `None` for NaN or a score
    /// outside 0..=10.
    pub fn from_cvss(score: f64) -> Option<Label> {
        if !(0.0..=10.0).contains(&score) {
            return None;
        }
        Some(if score == 0.0 {
            Label::Informational
        } else if score < 4.0 {
            Label::Low
        } else if score < 7.0 {
            Label::Medium
        } else if score < 9.0 {
            Label::High
        } else {
            Label::Critical
        })
    }
}

/// The label of an unrated finding (a scanner's word that gives no rating, such as ECR's
/// `UNDEFINED`/`UNTRIAGED` or Grype's and Anchore's `Unknown`; `Negligible` is a rating): from
/// its CVSS base score by [`Label::from_cvss`] when it has one (a score outside 0..=10 is no
/// score), else INFORMATIONAL.
pub fn unrated_label(score: Option<f64>) -> Label {
    score
        .and_then(Label::from_cvss)
        .unwrap_or(Label::Informational)
}

impl fmt::Display for Label {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A word that is not a severity label.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown severity label {0:?} (expected INFORMATIONAL, LOW, MEDIUM, HIGH or CRITICAL)")]
pub struct UnknownLabel(pub String);

impl FromStr for Label {
    type Err = UnknownLabel;

    /// Case-insensitive; `INFO` is accepted for INFORMATIONAL.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        Label::ALL
            .into_iter()
            .find(|l| l.as_str().eq_ignore_ascii_case(t))
            .or_else(|| {
                t.eq_ignore_ascii_case("info")
                    .then_some(Label::Informational)
            })
            .ok_or_else(|| UnknownLabel(s.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalized_ranges_follow_the_asff_rule() {
        assert_eq!(Label::from_normalized(0), Some(Label::Informational));
        assert_eq!(Label::from_normalized(1), Some(Label::Low));
        assert_eq!(Label::from_normalized(39), Some(Label::Low));
        assert_eq!(Label::from_normalized(40), Some(Label::Medium));
        assert_eq!(Label::from_normalized(69), Some(Label::Medium));
        assert_eq!(Label::from_normalized(70), Some(Label::High));
        assert_eq!(Label::from_normalized(89), Some(Label::High));
        assert_eq!(Label::from_normalized(90), Some(Label::Critical));
        assert_eq!(Label::from_normalized(100), Some(Label::Critical));
        assert_eq!(Label::from_normalized(101), None);
        assert_eq!(Label::from_normalized(-1), None);
        for l in Label::ALL {
            assert_eq!(Label::from_normalized(l.normalized()), Some(l));
        }
    }

    #[test]
    fn cvss_qualitative_scale() {
        assert_eq!(Label::from_cvss(0.0), Some(Label::Informational));
        assert_eq!(Label::from_cvss(0.1), Some(Label::Low));
        assert_eq!(Label::from_cvss(3.9), Some(Label::Low));
        assert_eq!(Label::from_cvss(4.0), Some(Label::Medium));
        assert_eq!(Label::from_cvss(6.9), Some(Label::Medium));
        assert_eq!(Label::from_cvss(7.0), Some(Label::High));
        assert_eq!(Label::from_cvss(8.9), Some(Label::High));
        assert_eq!(Label::from_cvss(9.0), Some(Label::Critical));
        assert_eq!(Label::from_cvss(10.0), Some(Label::Critical));
        assert_eq!(Label::from_cvss(10.1), None);
        assert_eq!(Label::from_cvss(-0.1), None);
        assert_eq!(Label::from_cvss(f64::NAN), None);
        assert_eq!(Label::from_cvss(f64::INFINITY), None);
    }

    #[test]
    fn unrated_label_from_a_score() {
        assert_eq!(unrated_label(Some(9.8)), Label::Critical);
        assert_eq!(unrated_label(Some(7.0)), Label::High);
        assert_eq!(unrated_label(Some(4.0)), Label::Medium);
        assert_eq!(unrated_label(Some(0.1)), Label::Low);
        assert_eq!(unrated_label(Some(0.0)), Label::Informational);
        assert_eq!(unrated_label(None), Label::Informational);
        assert_eq!(unrated_label(Some(11.0)), Label::Informational);
        assert_eq!(unrated_label(Some(f64::NAN)), Label::Informational);
    }

    #[test]
    fn parse_is_case_insensitive() {
        assert_eq!("high".parse::<Label>(), Ok(Label::High));
        assert_eq!(" Critical ".parse::<Label>(), Ok(Label::Critical));
        assert_eq!("info".parse::<Label>(), Ok(Label::Informational));
        assert!("severe".parse::<Label>().is_err());
        assert!(Label::Low < Label::Medium && Label::High < Label::Critical);
    }
}
