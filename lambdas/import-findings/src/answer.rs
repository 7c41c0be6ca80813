//! The function's answer, and the function error that carries it when something failed.

use std::collections::BTreeMap;

use asff_core::{AwsSecurityFinding, Label};
use asff_hub::{FailedFinding, Retry};
use serde::Serialize;

/// Whether the build should fail: a finding at or above `FAIL_ON` was reported (`fail`), or
/// the report says the scan did not complete (`incomplete`, unless `ALLOW_INCOMPLETE`); `fail`
/// wins over `incomplete`. The verdicts of `asff-convert`'s exit codes 1 and 3.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Gate {
    Pass,
    Incomplete,
    Fail,
}

/// What went wrong, in a function error's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ErrorInfo {
    /// `transient` (retrying may help) or `permanent` (the same input fails again).
    pub kind: Retry,
    /// The error type, e.g. `MalformedReport`, also in the function error's `errorType`.
    #[serde(rename = "type")]
    pub error_type: &'static str,
    pub message: String,
    /// The report it is about (`s3://…` of the input object), in an answer for several.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub report: Option<String>,
}

/// The answer:
/// `{"imported":N,"failed":[{"Id","ErrorCode","ErrorMessage"}],"skipped":{reason:N},
/// "bySeverity":{…},"rawReport":"s3://…","gate":"pass"|"incomplete"|"fail", …}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Answer {
    /// Findings Security Hub accepted.
    pub imported: usize,
    /// Findings not imported, with Security Hub's error code and message (or the failed
    /// call's): the first [`MAX_FAILED`]; `failedCount` counts them all and `failedReport`
    /// names the S3 object with the full list.
    pub failed: Vec<FailedFinding>,
    /// How many findings were not imported.
    pub failed_count: usize,
    /// The full list of the findings not imported (`s3://…/….failed.json`, beside the raw
    /// report), when there were any and it could be written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failed_report: Option<String>,
    /// Records of the report that produced no finding, counted by reason.
    pub skipped: BTreeMap<String, usize>,
    /// Findings of the report by severity label (all five labels, zeros included).
    pub by_severity: BTreeMap<&'static str, usize>,
    /// Where the raw report was archived.
    pub raw_report: Option<String>,
    /// `fail` when a finding is at or above `FAIL_ON` (or nothing could be told), else
    /// `incomplete` when the report says the scan did not complete (unless `ALLOW_INCOMPLETE`).
    pub gate: Gate,
    /// The tool, when known.
    pub tool: Option<&'static str>,
    /// Findings the report produced.
    pub findings: usize,
    /// Where the scope of a code scanner's findings came from (`repository github.com/o/r (from
    /// source_repository), branch main (from source_branch)`, or the CodePipeline pipeline or
    /// CodeBuild project when no repository was sent); absent for reports of other scopes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    /// The parser's warnings (e.g. a report that cannot be complete), after those about the
    /// scope (context values passed over, a scope that is not a repository).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
    /// Findings imported as ARCHIVED: active in their scope before, absent from this complete
    /// report (the finding lifecycle).
    pub archived: usize,
    /// Findings archived before and reported again: imported ACTIVE again.
    pub reactivated: usize,
    /// The Ids archived (the first [`MAX_IDS`]).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub archived_ids: Vec<String>,
    /// How many findings would have been archived, when nothing was archived on purpose (a dry
    /// run, or a report with warnings).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub would_archive: Option<usize>,
    /// Their Ids (the first [`MAX_IDS`]).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub would_archive_ids: Vec<String>,
    /// A dry run of the lifecycle: nothing archived, no state written.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub dry_run: bool,
    /// The lifecycle's mode for this report: `on`, `off` or `dry-run` (absent when the report
    /// did not get that far).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lifecycle: Option<&'static str>,
    /// Why the lifecycle archived nothing or left a scope out, when it did.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub lifecycle_notes: Vec<String>,
    /// Conditional writes of the state refused because another run of the scope wrote first
    /// (each followed by a reload and a new reconciliation).
    #[serde(skip_serializing_if = "is_zero")]
    pub state_conflicts: usize,
    /// The archived raw reports, when an S3 notification held more than one.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub raw_reports: Vec<String>,
    /// Present when the invocation failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<ErrorInfo>,
    /// Each failed report's error, when an S3 notification held more than one report (the
    /// first [`MAX_FAILED`]).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<ErrorInfo>,
    /// Lists were shortened to keep the answer within [`MAX_ANSWER_BYTES`] (the counts are
    /// complete).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub truncated: bool,
}

impl Default for Answer {
    fn default() -> Self {
        Answer {
            imported: 0,
            failed: Vec::new(),
            failed_count: 0,
            failed_report: None,
            skipped: BTreeMap::new(),
            by_severity: Label::ALL.iter().rev().map(|l| (l.as_str(), 0)).collect(),
            raw_report: None,
            gate: Gate::Fail,
            tool: None,
            findings: 0,
            scope: None,
            warnings: Vec::new(),
            archived: 0,
            reactivated: 0,
            archived_ids: Vec::new(),
            would_archive: None,
            would_archive_ids: Vec::new(),
            dry_run: false,
            lifecycle: None,
            lifecycle_notes: Vec::new(),
            state_conflicts: 0,
            raw_reports: Vec::new(),
            error: None,
            errors: Vec::new(),
            truncated: false,
        }
    }
}

/// At most this many Ids in `archivedIds` and `wouldArchiveIds` (the counts are complete).
pub const MAX_IDS: usize = 1000;
/// At most this many entries in `failed` and `errors` (`failedCount` is complete).
pub const MAX_FAILED: usize = 100;
/// The largest answer, in bytes of JSON: Lambda's response limit is 6 MB, and callers (a
/// CodeBuild step's log, a Step Functions state) need far less.
pub const MAX_ANSWER_BYTES: usize = 256 * 1024;
/// The longest error message of a failed finding kept in the answer, in characters.
const FAILED_MESSAGE_MAX: usize = 512;

fn is_zero(n: &usize) -> bool {
    *n == 0
}

fn json(a: &Answer) -> String {
    serde_json::to_string(a)
        .unwrap_or_else(|e| format!("{{\"error\":\"answer not serializable: {e}\"}}"))
}

fn half<T>(v: &mut Vec<T>) {
    v.truncate(v.len() / 2);
}

/// A failed finding with its message bounded (Security Hub's messages may quote the finding).
fn short_failed(f: &FailedFinding) -> FailedFinding {
    FailedFinding {
        id: f.id.clone(),
        error_code: f.error_code.clone(),
        error_message: asff_core::fit::truncate_chars(&f.error_message, FAILED_MESSAGE_MAX)
            .unwrap_or_else(|| f.error_message.clone()),
    }
}

fn extend_capped(to: &mut Vec<String>, from: impl IntoIterator<Item = String>) {
    let room = MAX_IDS.saturating_sub(to.len());
    to.extend(from.into_iter().take(room));
}

impl Answer {
    /// Counts findings by severity and computes the gate against `fail_on` (`None`: never
    /// fail); `incomplete`: the report says the scan did not complete (and that is not
    /// allowed).
    pub fn count(
        &mut self,
        findings: &[AwsSecurityFinding],
        fail_on: Option<Label>,
        incomplete: bool,
    ) {
        let mut by: BTreeMap<Label, usize> = BTreeMap::new();
        for f in findings {
            *by.entry(f.label().unwrap_or(Label::Informational))
                .or_insert(0) += 1;
        }
        self.count_labels(&by, fail_on, incomplete);
    }

    /// [`Answer::count`] from the number of findings of each label (a report converted without
    /// keeping its findings).
    pub fn count_labels(
        &mut self,
        by: &BTreeMap<Label, usize>,
        fail_on: Option<Label>,
        incomplete: bool,
    ) {
        self.findings = by.values().sum();
        for (l, n) in by {
            *self.by_severity.entry(l.as_str()).or_insert(0) += n;
        }
        let worst = by.iter().filter(|(_, n)| **n > 0).map(|(l, _)| *l).max();
        self.gate = match (fail_on, worst) {
            (Some(t), Some(w)) if w >= t => Gate::Fail,
            _ if incomplete => Gate::Incomplete,
            _ => Gate::Pass,
        };
    }

    /// Records the findings not imported: all counted, the first [`MAX_FAILED`] listed.
    pub fn set_failed(&mut self, failed: &[FailedFinding]) {
        self.failed_count = failed.len();
        self.failed = failed.iter().take(MAX_FAILED).map(short_failed).collect();
    }

    /// Adds another report's answer (S3 notifications with several records).
    pub fn merge(&mut self, other: Answer) {
        self.imported += other.imported;
        let room = MAX_FAILED.saturating_sub(self.failed.len());
        self.failed.extend(other.failed.into_iter().take(room));
        self.failed_count += other.failed_count;
        if self.failed_report.is_none() {
            self.failed_report = other.failed_report;
        }
        for (k, v) in other.skipped {
            *self.skipped.entry(k).or_insert(0) += v;
        }
        for (k, v) in other.by_severity {
            *self.by_severity.entry(k).or_insert(0) += v;
        }
        if let Some(r) = other.raw_report {
            if self.raw_report.is_none() {
                self.raw_report = Some(r.clone());
            }
            self.raw_reports.push(r);
        }
        self.gate = self.gate.max(other.gate);
        if self.tool != other.tool {
            self.tool = self.tool.or(other.tool);
        }
        self.findings += other.findings;
        self.warnings.extend(other.warnings);
        self.archived += other.archived;
        self.reactivated += other.reactivated;
        extend_capped(&mut self.archived_ids, other.archived_ids);
        self.would_archive = match (self.would_archive, other.would_archive) {
            (None, None) => None,
            (a, b) => Some(a.unwrap_or(0) + b.unwrap_or(0)),
        };
        extend_capped(&mut self.would_archive_ids, other.would_archive_ids);
        self.dry_run |= other.dry_run;
        self.lifecycle = self.lifecycle.or(other.lifecycle);
        self.lifecycle_notes.extend(other.lifecycle_notes);
        self.state_conflicts += other.state_conflicts;
        if let Some(e) = other.error {
            if self.errors.len() < MAX_FAILED {
                self.errors.push(e.clone());
            }
            // a transient error wins: retrying the notification may help
            let worse = match &self.error {
                None => true,
                Some(mine) => mine.kind == Retry::Permanent && e.kind == Retry::Transient,
            };
            if worse {
                self.error = Some(e);
            }
        }
        self.truncated |= other.truncated;
    }

    /// Records what the finding lifecycle did.
    pub fn lifecycle(&mut self, mode: &'static str, out: &asff_hub::lifecycle::Outcome) {
        self.lifecycle = Some(mode);
        self.dry_run = mode == "dry-run";
        self.archived = out.archived.len();
        self.archived_ids.clear();
        extend_capped(&mut self.archived_ids, out.archived.iter().cloned());
        self.reactivated = out.reactivated;
        self.would_archive =
            (self.dry_run || !out.would_archive.is_empty()).then_some(out.would_archive.len());
        self.would_archive_ids.clear();
        extend_capped(
            &mut self.would_archive_ids,
            out.would_archive.iter().cloned(),
        );
        self.lifecycle_notes.extend(out.notes.iter().cloned());
        self.state_conflicts = out.conflicts;
    }

    /// The answer as JSON, at most [`MAX_ANSWER_BYTES`]: when longer, the lists (Ids,
    /// warnings, notes, failed entries) are shortened until it fits, and `truncated` says so.
    pub fn to_json(&self) -> String {
        let text = json(self);
        if text.len() <= MAX_ANSWER_BYTES {
            return text;
        }
        let mut a = self.clone();
        a.truncated = true;
        for _ in 0..64 {
            let text = json(&a);
            if text.len() <= MAX_ANSWER_BYTES {
                return text;
            }
            // halve the longest list
            let lens = [
                a.archived_ids.len(),
                a.would_archive_ids.len(),
                a.warnings.len(),
                a.lifecycle_notes.len(),
                a.failed.len(),
                a.raw_reports.len(),
                a.errors.len(),
                a.skipped.len(),
            ];
            let longest = (0..lens.len()).max_by_key(|i| lens.get(*i).copied().unwrap_or(0));
            match longest {
                Some(0) if !a.archived_ids.is_empty() => half(&mut a.archived_ids),
                Some(1) if !a.would_archive_ids.is_empty() => half(&mut a.would_archive_ids),
                Some(2) if !a.warnings.is_empty() => half(&mut a.warnings),
                Some(3) if !a.lifecycle_notes.is_empty() => half(&mut a.lifecycle_notes),
                Some(4) if !a.failed.is_empty() => half(&mut a.failed),
                Some(5) if !a.raw_reports.is_empty() => half(&mut a.raw_reports),
                Some(6) if !a.errors.is_empty() => half(&mut a.errors),
                Some(7) if !a.skipped.is_empty() => {
                    let keep = a.skipped.len() / 2;
                    a.skipped = std::mem::take(&mut a.skipped)
                        .into_iter()
                        .take(keep)
                        .collect();
                }
                // nothing left to shorten but single values (each bounded): cut the texts
                _ => {
                    for w in a.warnings.iter_mut().chain(a.lifecycle_notes.iter_mut()) {
                        *w = asff_core::fit::truncate_chars(w, 256).unwrap_or(std::mem::take(w));
                    }
                    if let Some(e) = &mut a.error {
                        e.message = asff_core::fit::truncate_chars(&e.message, 1024)
                            .unwrap_or(std::mem::take(&mut e.message));
                    }
                    a.scope = None;
                }
            }
        }
        // cannot happen (every field is bounded); still never answer more than the limit
        format!(
            "{{\"truncated\":true,\"imported\":{},\"failedCount\":{},\"findings\":{},\"gate\":\"{}\"}}",
            self.imported,
            self.failed_count,
            self.findings,
            match self.gate {
                Gate::Pass => "pass",
                Gate::Incomplete => "incomplete",
                Gate::Fail => "fail",
            }
        )
    }
}

/// An invocation that failed: a function error whose `errorType` is
/// `Permanent.<type>` or `Transient.<type>` and whose `errorMessage` is the answer as JSON
/// (at most [`MAX_ANSWER_BYTES`]).
///
/// Its `Debug` form, which the Lambda runtime logs for every handler error, is short and typed
/// (`Failure(Permanent.MalformedReport, imported 0, failed 0)`): never the message, which
/// may say where a report was wrong.
#[derive(Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", answer.to_json())]
pub struct Failure {
    pub answer: Box<Answer>,
}

impl std::fmt::Debug for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Failure({}, imported {}, failed {})",
            self.error_type(),
            self.answer.imported,
            self.answer.failed_count
        )
    }
}

impl Failure {
    /// Fails with `answer`, recording the error in it.
    pub fn new(
        mut answer: Answer,
        kind: Retry,
        error_type: &'static str,
        message: impl Into<String>,
    ) -> Self {
        answer.error = Some(ErrorInfo {
            kind,
            error_type,
            message: message.into(),
            report: None,
        });
        Failure {
            answer: Box::new(answer),
        }
    }

    pub fn info(&self) -> Option<&ErrorInfo> {
        self.answer.error.as_ref()
    }

    /// `Permanent.MalformedReport`, `Transient.AwsCall`, …
    pub fn error_type(&self) -> String {
        match self.info() {
            Some(i) => format!(
                "{}.{}",
                match i.kind {
                    Retry::Transient => "Transient",
                    Retry::Permanent => "Permanent",
                },
                i.error_type
            ),
            None => "Permanent.Unknown".to_string(),
        }
    }
}

impl From<Failure> for lambda_runtime::Diagnostic {
    fn from(f: Failure) -> Self {
        lambda_runtime::Diagnostic {
            error_type: f.error_type(),
            error_message: f.answer.to_json(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use asff_core::model::Severity;

    fn finding(l: Label) -> AwsSecurityFinding {
        AwsSecurityFinding {
            severity: Some(Severity {
                label: Some(l),
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    #[test]
    fn gate_and_counts() {
        let fs = vec![
            finding(Label::Medium),
            finding(Label::High),
            finding(Label::Low),
        ];
        let mut a = Answer::default();
        a.count(&fs, Some(Label::High), false);
        assert_eq!(a.gate, Gate::Fail);
        assert_eq!(a.by_severity["HIGH"], 1);
        assert_eq!(a.by_severity["CRITICAL"], 0);
        a.count(&fs, Some(Label::Critical), false);
        assert_eq!(a.gate, Gate::Pass);
        a.count(&fs, None, false);
        assert_eq!(a.gate, Gate::Pass);
        let mut empty = Answer::default();
        empty.count(&[], Some(Label::Informational), false);
        assert_eq!(empty.gate, Gate::Pass);
        // an incomplete scan: `incomplete`, unless the gate fails anyway (1 wins over 3)
        let mut a = Answer::default();
        a.count(&fs, Some(Label::Critical), true);
        assert_eq!(a.gate, Gate::Incomplete);
        let mut failed = Answer::default();
        failed.count(&fs, Some(Label::High), true);
        assert_eq!(failed.gate, Gate::Fail);
        // merged answers keep the worst verdict
        let mut pass = Answer::default();
        pass.count(&fs, None, false);
        pass.merge(a.clone());
        assert_eq!(pass.gate, Gate::Incomplete);
        pass.merge(failed);
        assert_eq!(pass.gate, Gate::Fail);
        assert_eq!(
            serde_json::to_value(Gate::Incomplete).unwrap(),
            serde_json::json!("incomplete")
        );
    }

    #[test]
    fn wire_format() {
        let mut a = Answer::default();
        a.count(&[finding(Label::Critical)], Some(Label::High), false);
        a.imported = 1;
        a.raw_report = Some("s3://b/raw/x.json".into());
        a.skipped.insert("suppressed".into(), 2);
        let v: serde_json::Value = serde_json::from_str(&a.to_json()).unwrap();
        assert_eq!(v["imported"], 1);
        assert_eq!(v["failed"], serde_json::json!([]));
        assert_eq!(v["skipped"]["suppressed"], 2);
        assert_eq!(v["bySeverity"]["CRITICAL"], 1);
        assert_eq!(v["rawReport"], "s3://b/raw/x.json");
        assert_eq!(v["gate"], "fail");
        assert!(v.get("error").is_none());
        assert_eq!(v["archived"], 0);
        assert_eq!(v["reactivated"], 0);
        for absent in [
            "archivedIds",
            "wouldArchive",
            "dryRun",
            "lifecycle",
            "stateConflicts",
        ] {
            assert!(v.get(absent).is_none(), "{absent}");
        }

        let f = Failure::new(a, Retry::Permanent, "MalformedReport", "bad");
        let d = lambda_runtime::Diagnostic::from(f);
        assert_eq!(d.error_type, "Permanent.MalformedReport");
        let v: serde_json::Value = serde_json::from_str(&d.error_message).unwrap();
        assert_eq!(v["error"]["kind"], "permanent");
        assert_eq!(v["error"]["type"], "MalformedReport");
        assert_eq!(v["imported"], 1);
    }

    #[test]
    fn lifecycle_fields() {
        let mut a = Answer::default();
        let out = asff_hub::lifecycle::Outcome {
            archived: (0..1500).map(|i| format!("id-{i}")).collect(),
            reactivated: 2,
            conflicts: 1,
            ..Default::default()
        };
        a.lifecycle("on", &out);
        let v: serde_json::Value = serde_json::from_str(&a.to_json()).unwrap();
        assert_eq!(v["archived"], 1500);
        assert_eq!(v["archivedIds"].as_array().unwrap().len(), MAX_IDS);
        assert_eq!(v["reactivated"], 2);
        assert_eq!(v["lifecycle"], "on");
        assert_eq!(v["stateConflicts"], 1);
        assert!(v.get("dryRun").is_none() && v.get("wouldArchive").is_none());

        let mut d = Answer::default();
        let out = asff_hub::lifecycle::Outcome {
            would_archive: vec!["x".into()],
            notes: vec!["dry run".into()],
            ..Default::default()
        };
        d.lifecycle("dry-run", &out);
        let v: serde_json::Value = serde_json::from_str(&d.to_json()).unwrap();
        assert_eq!(v["dryRun"], true);
        assert_eq!(v["archived"], 0);
        assert_eq!(v["wouldArchive"], 1);
        assert_eq!(v["wouldArchiveIds"], serde_json::json!(["x"]));
        assert_eq!(v["lifecycleNotes"], serde_json::json!(["dry run"]));

        a.merge(d);
        assert_eq!(
            (a.archived, a.would_archive, a.dry_run),
            (1500, Some(1), true)
        );
    }

    #[test]
    fn answers_stay_within_the_limit() {
        let failed: Vec<FailedFinding> = (0..20_000)
            .map(|i| FailedFinding {
                id: format!("{}-{i}", "i".repeat(400)),
                error_code: "InvalidInput".into(),
                error_message: "m".repeat(5000),
            })
            .collect();
        let mut a = Answer::default();
        a.set_failed(&failed);
        assert_eq!((a.failed.len(), a.failed_count), (MAX_FAILED, 20_000));
        assert!(a
            .failed
            .iter()
            .all(|f| f.error_message.chars().count() <= 512));
        let out = asff_hub::lifecycle::Outcome {
            archived: (0..5000)
                .map(|i| format!("{}-{i}", "a".repeat(500)))
                .collect(),
            notes: (0..3000)
                .map(|i| format!("note {i} {}", "n".repeat(300)))
                .collect(),
            ..Default::default()
        };
        a.lifecycle("on", &out);
        a.warnings = (0..3000)
            .map(|i| format!("w {i} {}", "w".repeat(500)))
            .collect();
        for i in 0..5 {
            let mut other = Answer::default();
            other.set_failed(&failed);
            other.raw_report = Some(format!("s3://b/raw/{i}.json"));
            a.merge(other);
        }
        assert_eq!(a.failed_count, 6 * 20_000);
        assert_eq!(a.failed.len(), MAX_FAILED, "merged answers stay capped");
        let json = a.to_json();
        assert!(json.len() <= MAX_ANSWER_BYTES, "{}", json.len());
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(v["truncated"], true);
        assert_eq!(v["failedCount"], 120_000);
        assert_eq!(v["archived"], 5000, "counts stay complete");
        // a small answer is not touched
        let small = Answer::default().to_json();
        assert!(!small.contains("truncated"));
    }

    #[test]
    fn the_debug_form_is_short_and_typed() {
        let f = Failure::new(
            Answer::default(),
            Retry::Permanent,
            "MalformedReport",
            "phpstan report at $.errors: invalid type: string \"SECRET\"",
        );
        let d = format!("{f:?}");
        assert_eq!(
            d,
            "Failure(Permanent.MalformedReport, imported 0, failed 0)"
        );
    }

    #[test]
    fn a_transient_error_wins_in_merged_answers() {
        let err = |kind, t: &'static str| Answer {
            error: Some(ErrorInfo {
                kind,
                error_type: t,
                message: String::new(),
                report: Some(format!("s3://b/{t}")),
            }),
            ..Default::default()
        };
        let mut a = err(Retry::Permanent, "OutsideInputPrefix");
        a.errors.extend(a.error.clone());
        a.merge(err(Retry::Transient, "AwsCall"));
        a.merge(err(Retry::Permanent, "MalformedReport"));
        assert_eq!(a.error.as_ref().unwrap().error_type, "AwsCall");
        assert_eq!(a.errors.len(), 3);
    }
}
