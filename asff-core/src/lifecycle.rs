//! The finding lifecycle of one scope: what the scanner no longer reports is archived, first-seen
//! times are kept, and `UpdatedAt` strictly increases per finding.
//!
//! A scope is a GeneratorId (the tool plus the repository and branch, or the image
//! repository). [`ScopeState`] remembers, per finding Id of the scope, when it was first seen,
//! when it was last sent and whether it is active, with the last finding sent for the active
//! ones (to archive it later with all its required members). [`reconcile`] takes the state and
//! a complete report's findings and says what to import:
//!
//! - every current finding, with `CreatedAt` and `FirstObservedAt` carried over from the state;
//! - every finding active in the state but absent from the report, again, with `RecordState`
//!   `ARCHIVED` and a newer `UpdatedAt`;
//!
//! and the state to store once all of it was imported. Findings of other scopes are never
//! touched; a finding that comes back is imported `ACTIVE` again and counted as reactivated.
//!
//! Which scopes a report speaks for is the parser's to say, not the findings': a clean report
//! has none, yet it covers its scope and everything active there is to be archived.
//! [`ParseOutput::scopes`](crate::ParseOutput::scopes) holds the GeneratorIds of every scope
//! the report covers (set by [`ParseOutput::cover`](crate::ParseOutput::cover), with or
//! without findings; every finding's GeneratorId is one of them), and callers reconcile
//! exactly those scopes: never a scope guessed from the context, which could be another tool
//! run's (an image scan's clean report must not archive the repository's directory scan).
//!
//! A report that may not cover its scopes whole (a scan that stopped early, a page of results
//! missing, fewer records than the report counts) says so in
//! [`ParseOutput::incomplete`](crate::ParseOutput::incomplete) (set by
//! [`ParseOutput::mark_incomplete`](crate::ParseOutput::mark_incomplete); each reason is also a
//! warning). Then callers archive nothing: the current findings are imported with their
//! first-seen times, and the absent ones stay active. Other warnings (a missing severity taken
//! as MEDIUM, …) do not hold archiving back.
//!
//! Callers must not store the next state, nor import the archived records, after a partial
//! failure: see the Lambda handler and `asff-convert --previous`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::context::format_timestamp;
use crate::model::{AwsSecurityFinding, RecordState};

/// The version of the state format.
pub const STATE_VERSION: u32 = 1;

/// What is remembered of one finding.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Entry {
    pub created_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_observed_at: Option<String>,
    /// The `UpdatedAt` last sent; the next one must be later.
    pub updated_at: String,
    pub active: bool,
    /// The last finding sent, kept while active so it can be archived whole.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finding: Option<Box<AwsSecurityFinding>>,
}

/// The remembered findings of one scope.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ScopeState {
    pub version: u32,
    pub generator_id: String,
    #[serde(default)]
    pub findings: BTreeMap<String, Entry>,
}

impl ScopeState {
    /// An empty state for a scope.
    pub fn new(generator_id: &str) -> Self {
        ScopeState {
            version: STATE_VERSION,
            generator_id: generator_id.to_string(),
            findings: BTreeMap::new(),
        }
    }

    /// The state implied by a previous run's findings (as `asff-convert` emitted them): the
    /// ACTIVE findings of `generator_id`.
    pub fn from_findings(generator_id: &str, previous: &[AwsSecurityFinding]) -> Self {
        let mut s = ScopeState::new(generator_id);
        for f in previous.iter().filter(|f| f.generator_id == generator_id) {
            let active = f.record_state != Some(RecordState::Archived);
            s.findings.insert(
                f.id.clone(),
                Entry {
                    created_at: f.created_at.clone(),
                    first_observed_at: f.first_observed_at.clone(),
                    updated_at: f.updated_at.clone(),
                    active,
                    finding: active.then(|| Box::new(f.clone())),
                },
            );
        }
        s
    }

    /// How many findings are active.
    pub fn active(&self) -> usize {
        self.findings.values().filter(|e| e.active).count()
    }
}

/// A lifecycle that cannot be applied.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LifecycleError {
    #[error("finding {id} belongs to scope {found:?}, not {expected:?}")]
    OtherScope {
        id: String,
        found: String,
        expected: String,
    },
    #[error("state of scope {0:?} has version {1}, expected {STATE_VERSION}")]
    Version(String, u32),
}

/// What to import, and the state to keep once it was imported in full.
#[derive(Debug, Clone)]
pub struct Reconciled {
    /// The current findings, first-seen times carried over.
    pub current: Vec<AwsSecurityFinding>,
    /// The findings no longer reported, as ARCHIVED records.
    pub archived: Vec<AwsSecurityFinding>,
    /// How many current findings were archived before and are active again.
    pub reactivated: usize,
    pub next: ScopeState,
}

/// Reconciles a complete report's findings of one scope with the scope's state. `now` is the
/// run's clock; an `UpdatedAt` that would not be later than the one last sent for a finding is
/// moved to a millisecond after it.
pub fn reconcile(
    state: &ScopeState,
    findings: Vec<AwsSecurityFinding>,
    now: OffsetDateTime,
) -> Result<Reconciled, LifecycleError> {
    if state.version != STATE_VERSION {
        return Err(LifecycleError::Version(
            state.generator_id.clone(),
            state.version,
        ));
    }
    if let Some(f) = findings
        .iter()
        .find(|f| f.generator_id != state.generator_id)
    {
        return Err(LifecycleError::OtherScope {
            id: f.id.clone(),
            found: f.generator_id.clone(),
            expected: state.generator_id.clone(),
        });
    }
    let mut next = ScopeState::new(&state.generator_id);
    let mut reactivated = 0;
    let mut current = Vec::with_capacity(findings.len());
    for mut f in findings {
        if let Some(prev) = state.findings.get(&f.id) {
            f.created_at = prev.created_at.clone();
            if prev.first_observed_at.is_some() {
                f.first_observed_at = prev.first_observed_at.clone();
            }
            f.updated_at = later_than(&f.updated_at, &prev.updated_at, now);
            if !prev.active {
                reactivated += 1;
            }
        }
        f.record_state = Some(RecordState::Active);
        next.findings.insert(
            f.id.clone(),
            Entry {
                created_at: f.created_at.clone(),
                first_observed_at: f.first_observed_at.clone(),
                updated_at: f.updated_at.clone(),
                active: true,
                finding: Some(Box::new(f.clone())),
            },
        );
        current.push(f);
    }
    let mut archived = Vec::new();
    for (id, prev) in &state.findings {
        if next.findings.contains_key(id) {
            continue;
        }
        if !prev.active {
            // stays archived; remember its first-seen times in case it comes back
            next.findings.insert(id.clone(), prev.clone());
            continue;
        }
        let updated_at = later_than(&format_timestamp(now), &prev.updated_at, now);
        let entry = Entry {
            created_at: prev.created_at.clone(),
            first_observed_at: prev.first_observed_at.clone(),
            updated_at: updated_at.clone(),
            active: false,
            finding: None,
        };
        if let Some(last) = &prev.finding {
            let mut a = (**last).clone();
            a.record_state = Some(RecordState::Archived);
            a.updated_at = updated_at;
            a.created_at = prev.created_at.clone();
            archived.push(a);
        }
        next.findings.insert(id.clone(), entry);
    }
    Ok(Reconciled {
        current,
        archived,
        reactivated,
        next,
    })
}

/// `candidate`, unless it is not later than `previous`: then a millisecond after `previous`
/// (or after `now`, whichever is later).
fn later_than(candidate: &str, previous: &str, now: OffsetDateTime) -> String {
    let parse = |s: &str| OffsetDateTime::parse(s, &Rfc3339).ok();
    match (parse(candidate), parse(previous)) {
        (Some(c), Some(p)) if c > p => format_timestamp(c),
        (_, Some(p)) => format_timestamp(std::cmp::max(p, now) + time::Duration::milliseconds(1)),
        (Some(c), None) => format_timestamp(c),
        (None, None) => format_timestamp(now),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{build, Context, Draft, Label, Scope, ToolInfo};

    const TOOL: ToolInfo = ToolInfo {
        name: "t",
        product_name: "T",
        company_name: "T",
    };

    fn findings(ctx: &Context, scope: &Scope, keys: &[&str]) -> Vec<AwsSecurityFinding> {
        keys.iter()
            .map(|k| {
                build(
                    ctx,
                    &TOOL,
                    scope,
                    Draft {
                        identity: vec![k.to_string()],
                        title: format!("finding {k}"),
                        label: Some(Label::Low),
                        types: vec!["Software and Configuration Checks/Vulnerabilities".into()],
                        ..Default::default()
                    },
                )
                .unwrap()
            })
            .collect()
    }

    fn ctx(now: &str) -> Context {
        Context::new("123456789012", "us-east-1")
            .unwrap()
            .with_now_rfc3339(now)
            .unwrap()
    }

    fn scope() -> Scope {
        Scope::Repository {
            name: "r".into(),
            branch: Some("main".into()),
        }
    }

    #[test]
    fn absent_findings_are_archived_and_first_seen_kept() {
        let gen = crate::id::generator_id("t", &scope());
        let c1 = ctx("2024-01-01T00:00:00Z");
        let a: Vec<&str> = vec!["1", "2", "3", "4", "5", "6", "7", "8", "9", "10"];
        let r1 = reconcile(
            &ScopeState::new(&gen),
            findings(&c1, &scope(), &a),
            c1.now(),
        )
        .unwrap();
        assert_eq!(
            (r1.current.len(), r1.archived.len(), r1.reactivated),
            (10, 0, 0)
        );

        let c2 = ctx("2024-01-02T00:00:00Z");
        let b = vec!["1", "2", "3", "4", "5", "6", "7", "11", "12"];
        let r2 = reconcile(&r1.next, findings(&c2, &scope(), &b), c2.now()).unwrap();
        assert_eq!(r2.current.len(), 9);
        assert_eq!(r2.archived.len(), 3);
        assert_eq!(r2.next.active(), 9);
        for f in &r2.archived {
            assert_eq!(f.record_state, Some(RecordState::Archived));
            assert_eq!(f.created_at, "2024-01-01T00:00:00.000Z");
            assert_eq!(f.updated_at, "2024-01-02T00:00:00.000Z");
        }
        let kept = r2.current.iter().find(|f| f.title == "finding 1").unwrap();
        assert_eq!(kept.created_at, "2024-01-01T00:00:00.000Z");
        assert_eq!(
            kept.first_observed_at.as_deref(),
            Some("2024-01-01T00:00:00.000Z")
        );
        assert_eq!(kept.updated_at, "2024-01-02T00:00:00.000Z");
        let new = r2.current.iter().find(|f| f.title == "finding 11").unwrap();
        assert_eq!(new.created_at, "2024-01-02T00:00:00.000Z");

        // A again: the three come back
        let c3 = ctx("2024-01-03T00:00:00Z");
        let r3 = reconcile(&r2.next, findings(&c3, &scope(), &a), c3.now()).unwrap();
        assert_eq!(r3.reactivated, 3);
        assert_eq!(r3.archived.len(), 2, "11 and 12 are gone now");
        let back = r3.current.iter().find(|f| f.title == "finding 8").unwrap();
        assert_eq!(
            back.created_at, "2024-01-01T00:00:00.000Z",
            "first seen survives archiving"
        );
        assert_eq!(back.record_state, Some(RecordState::Active));
    }

    #[test]
    fn updated_at_strictly_increases_even_with_a_stale_clock() {
        let gen = crate::id::generator_id("t", &scope());
        let c1 = ctx("2024-01-05T00:00:00Z");
        let r1 = reconcile(
            &ScopeState::new(&gen),
            findings(&c1, &scope(), &["1", "2"]),
            c1.now(),
        )
        .unwrap();
        // a second run whose clock is behind the first
        let c2 = ctx("2024-01-04T00:00:00Z");
        let r2 = reconcile(&r1.next, findings(&c2, &scope(), &["1"]), c2.now()).unwrap();
        assert_eq!(r2.current[0].updated_at, "2024-01-05T00:00:00.001Z");
        assert_eq!(r2.archived[0].updated_at, "2024-01-05T00:00:00.001Z");
        // and the same clock again
        let r3 = reconcile(&r2.next, findings(&c2, &scope(), &["1"]), c2.now()).unwrap();
        assert_eq!(r3.current[0].updated_at, "2024-01-05T00:00:00.002Z");
    }

    #[test]
    fn other_scopes_are_refused_and_ignored() {
        let gen = crate::id::generator_id("t", &scope());
        let other = Scope::Repository {
            name: "r".into(),
            branch: Some("dev".into()),
        };
        let c = ctx("2024-01-01T00:00:00Z");
        assert!(matches!(
            reconcile(
                &ScopeState::new(&gen),
                findings(&c, &other, &["1"]),
                c.now()
            ),
            Err(LifecycleError::OtherScope { .. })
        ));
        let mut prev = findings(&c, &scope(), &["1"]);
        prev.extend(findings(&c, &other, &["2"]));
        let s = ScopeState::from_findings(&gen, &prev);
        assert_eq!(s.findings.len(), 1);
        let r = reconcile(&s, Vec::new(), c.now()).unwrap();
        assert_eq!(r.archived.len(), 1);
        assert_eq!(r.archived[0].generator_id, gen);
    }

    #[test]
    fn state_round_trips_through_json() {
        let gen = crate::id::generator_id("t", &scope());
        let c = ctx("2024-01-01T00:00:00Z");
        let r = reconcile(
            &ScopeState::new(&gen),
            findings(&c, &scope(), &["1"]),
            c.now(),
        )
        .unwrap();
        let text = serde_json::to_string(&r.next).unwrap();
        let back: ScopeState = serde_json::from_str(&text).unwrap();
        assert_eq!(back, r.next);
    }
}
