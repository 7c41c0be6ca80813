//! The finding lifecycle against Security Hub: what a complete report no longer has is
//! archived, first-seen times are kept, and two runs of one scope at once neither lose nor
//! resurrect findings.
//!
//! The pure part (what to import, the next state) is [`asff_core::lifecycle::reconcile`]; this
//! module runs it against a [`FindingSink`] and a [`StateStore`].
//!
//! # One run ([`run`])
//!
//! The scopes (GeneratorIds) are the ones the report covers ([`Request::scopes`]: the parser's
//! `ParseOutput::scopes`, also those without findings, so a clean report archives its scope)
//! and those of its findings; the findings are grouped by them. Then, in this order, each step
//! only when the one before succeeded completely:
//!
//! 1. **load** each scope's state (and its ETag); a failed call stops the run before anything
//!    is imported;
//! 2. **reconcile** it with the scope's findings: the current findings get `CreatedAt` and
//!    `FirstObservedAt` from the state and an `UpdatedAt` later than the one last sent; the
//!    findings active in the state and absent from the report become ARCHIVED records;
//! 3. **import the current findings** (all scopes); if any failed, stop: nothing is archived,
//!    no state is written;
//! 4. **import the ARCHIVED records**; if any failed, stop: no state is written;
//! 5. **write each scope's next state** conditionally: `If-Match` its ETag, or
//!    `If-None-Match: *` for a new scope.
//!
//! A state that is there but cannot be used (not JSON, another scope's, another version) leaves
//! its scope out of the lifecycle for this run: its findings are imported as they are, nothing
//! of it is archived, the state object is left alone for inspection, and a note says so.
//!
//! # A conflicting write (another run of the scope saved first)
//!
//! On a conflict (`412`/`409`), for that scope, up to [`Settings::max_attempts`] times (with
//! backoff):
//!
//! 1. reload the state: the *fresh* state, which includes what the other runs imported;
//! 2. for each finding whose entry in the fresh state differs from the one this run
//!    reconciled against (another run imported it since), raise the entry's `UpdatedAt` to
//!    the one this run last sent for it, if later: so what this run sends next is newer than
//!    what *either* run sent, and Security Hub (which ignores an update whose `UpdatedAt` is
//!    not newer) takes it;
//! 3. reconcile the same report against that state;
//! 4. import again only the records that differ from what this run already sent for that Id,
//!    current ones first, then the ARCHIVED ones, each only when the step before was complete;
//!    a finding whose entry nobody else changed reconciles to exactly the record already sent,
//!    and nobody else sent anything for it, so it need not go again;
//! 5. write the new state with `If-Match` on the fresh ETag.
//!
//! So the stored state is always `reconcile(stored state, report)` of some order of the runs
//! (the order of their successful writes), and the last writer has made Security Hub agree
//! with it for every finding that any writer touched: no finding the last report has is left
//! archived (lost), no finding that is archived in the state is left active by this run
//! (resurrected), and first-seen times come from the first writer that saw the finding.
//!
//! Known limit: a run that fails *after* importing (and so writes no state) may have sent
//! records that no state remembers; a later run fixes every finding its report has or its
//! state knows, but a finding only that failed run reported stays as it sent it (ACTIVE: a
//! ghost, never a wrong archive). Lambda retries failed asynchronous invocations, which usually
//! records it.
//!
//! # Holding back and dry runs
//!
//! With [`Request::hold`] (the report may not cover its whole scope: the parser marked it
//! incomplete, `ParseOutput::incomplete`), nothing is archived: the state keeps the absent findings active, and the findings
//! that would have been archived are listed. With [`Request::dry_run`], the current findings are
//! imported (first-seen times from the state) but nothing is archived and no state is written;
//! the answer lists what would have been archived.

use std::collections::{BTreeMap, HashMap};

use asff_core::lifecycle::{reconcile, Reconciled, ScopeState};
use asff_core::AwsSecurityFinding;
use time::OffsetDateTime;

use crate::error::{is_transient_finding_code, within, AwsError, Retry};
use crate::import::{import, ImportOptions, ImportReport};
use crate::rate::{Backoff, TokenBucket};
use crate::sink::{FailedFinding, FindingSink};
use crate::state::{Loaded, Precondition, Saved, StateError, StateStore};

/// What to run the lifecycle on.
#[derive(Debug, Clone)]
pub struct Request {
    /// The complete report's findings (any scopes).
    pub findings: Vec<AwsSecurityFinding>,
    /// The scopes the report covers (`ParseOutput::scopes`), also those none of its findings
    /// names (the scope of a clean report): what is active in them and absent from the report
    /// is archived. The findings' own scopes are added.
    pub scopes: Vec<String>,
    /// Archive nothing (the absent findings stay active in the state), for this reason.
    pub hold: Option<String>,
    /// Import the current findings, but archive nothing and write no state.
    pub dry_run: bool,
    /// The run's clock.
    pub now: OffsetDateTime,
}

/// How the lifecycle runs.
#[derive(Debug, Clone)]
pub struct Settings {
    pub import: ImportOptions,
    /// Conditional writes per scope (the first plus the retries after conflicts).
    pub max_attempts: u32,
    /// Wait between a conflict and the reload.
    pub backoff: Backoff,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            import: ImportOptions::default(),
            max_attempts: 8,
            backoff: Backoff {
                base: std::time::Duration::from_millis(100),
                cap: std::time::Duration::from_secs(3),
            },
        }
    }
}

/// What a run did (also when it failed: as far as it got).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outcome {
    /// Current findings Security Hub accepted (first import; repeats after a conflict are not
    /// counted again).
    pub imported: usize,
    /// Every finding or record not imported, with the error.
    pub failed: Vec<FailedFinding>,
    /// Ids imported as ARCHIVED (as finally reconciled).
    pub archived: Vec<String>,
    /// Ids that would have been archived (dry run, or held back).
    pub would_archive: Vec<String>,
    /// Current findings that were archived before and are active again.
    pub reactivated: usize,
    /// Conditional writes refused because another run wrote first.
    pub conflicts: usize,
    /// Scopes whose state was written.
    pub states_written: usize,
    /// What the caller should know (a scope left out, archiving held back, …).
    pub notes: Vec<String>,
}

/// Why a run stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub retry: Retry,
    /// `ImportIncomplete`, `AwsCall`, `StateConflict` or `StateUnreadable`.
    pub error_type: &'static str,
    pub message: String,
}

impl Failure {
    fn aws(e: &AwsError, context: &str) -> Self {
        Failure {
            retry: e.retry,
            error_type: if e.is_deadline() {
                "DeadlineExceeded"
            } else {
                "AwsCall"
            },
            message: format!("{context}{e}"),
        }
    }
}

/// The failure for an import that was not complete: transient when a call failed transiently
/// or a finding failed with a transient code.
pub fn incomplete(report: &ImportReport, total: usize, what: &str) -> Failure {
    let transient = report.errors.iter().any(AwsError::is_transient)
        || report
            .failed
            .iter()
            .any(|f| is_transient_finding_code(&f.error_code));
    let message = match report.errors.first() {
        Some(e) => format!(
            "{} of {total} {what} were not imported; {} call(s) failed for good, first: {e}",
            report.failed.len(),
            report.errors.len()
        ),
        None => format!(
            "{} of {total} {what} were not imported (see failed)",
            report.failed.len()
        ),
    };
    Failure {
        retry: if transient {
            Retry::Transient
        } else {
            Retry::Permanent
        },
        error_type: if report.errors.iter().any(AwsError::is_deadline) {
            "DeadlineExceeded"
        } else {
            "ImportIncomplete"
        },
        message,
    }
}

/// Loads a scope's state under the invocation's deadline.
async fn load<T: StateStore>(
    store: &T,
    generator_id: &str,
    deadline: Option<tokio::time::Instant>,
) -> Result<Option<Loaded>, StateError> {
    within(deadline, "S3.GetObject", async {
        Ok(Box::pin(store.load(generator_id)).await)
    })
    .await
    .unwrap_or_else(|e| Err(StateError::Aws(e)))
}

/// One scope of the run.
struct ScopeRun {
    generator_id: String,
    /// The report's findings of the scope, as parsed (reconciled again after a conflict).
    findings: Vec<AwsSecurityFinding>,
    /// `None`: left out of the lifecycle (its state cannot be used).
    managed: Option<Managed>,
}

struct Managed {
    loaded: Option<Loaded>,
    /// The state `r` was reconciled against.
    base: ScopeState,
    r: Reconciled,
    /// Held back or dry run: the records not archived.
    would: Vec<AwsSecurityFinding>,
    /// The last record this run sent per Id.
    sent: HashMap<String, AwsSecurityFinding>,
}

/// Restores the entries of the findings `reconcile` would archive: they stay active.
fn hold_back(base: &ScopeState, r: &mut Reconciled) -> Vec<AwsSecurityFinding> {
    let held = std::mem::take(&mut r.archived);
    for f in &held {
        if let Some(prev) = base.findings.get(&f.id) {
            r.next.findings.insert(f.id.clone(), prev.clone());
        }
    }
    held
}

/// The fresh state, with the `UpdatedAt` of every entry that changed since `base` raised to
/// what this run last sent for it.
fn raise_changed(
    fresh: &ScopeState,
    base: &ScopeState,
    sent: &HashMap<String, AwsSecurityFinding>,
) -> ScopeState {
    let mut adjusted = fresh.clone();
    for (id, entry) in adjusted.findings.iter_mut() {
        if base.findings.get(id) == Some(&*entry) {
            continue;
        }
        if let Some(s) = sent.get(id) {
            if is_later(&s.updated_at, &entry.updated_at) {
                entry.updated_at = s.updated_at.clone();
            }
        }
    }
    adjusted
}

fn is_later(a: &str, b: &str) -> bool {
    use time::format_description::well_known::Rfc3339;
    match (
        OffsetDateTime::parse(a, &Rfc3339),
        OffsetDateTime::parse(b, &Rfc3339),
    ) {
        (Ok(a), Ok(b)) => a > b,
        (Ok(_), Err(_)) => true,
        _ => false,
    }
}

/// Counts what the scopes' (latest) reconciliations archive, would archive and reactivate.
fn tally(scopes: &[ScopeRun], archived_imported: bool, out: &mut Outcome) {
    let managed = || scopes.iter().filter_map(|s| s.managed.as_ref());
    out.reactivated = managed().map(|m| m.r.reactivated).sum();
    out.would_archive = managed()
        .flat_map(|m| m.would.iter().map(|f| f.id.clone()))
        .collect();
    out.archived = if archived_imported {
        managed()
            .flat_map(|m| m.r.archived.iter().map(|f| f.id.clone()))
            .collect()
    } else {
        Vec::new()
    };
}

/// Runs the lifecycle: see the [module documentation](self). Returns what was done, and why it
/// stopped when it did not finish.
pub async fn run<S: FindingSink, T: StateStore>(
    sink: &S,
    store: &T,
    limiter: &TokenBucket,
    settings: &Settings,
    req: Request,
) -> (Outcome, Option<Failure>) {
    let mut out = Outcome::default();
    let Request {
        findings,
        scopes: covered,
        hold,
        dry_run,
        now,
    } = req;

    // 1. load, 2. reconcile
    let mut groups: BTreeMap<String, Vec<AwsSecurityFinding>> = BTreeMap::new();
    for s in covered {
        groups.entry(s).or_default();
    }
    for f in findings {
        groups.entry(f.generator_id.clone()).or_default().push(f);
    }
    let mut scopes = Vec::with_capacity(groups.len());
    for (generator_id, findings) in groups {
        let loaded = match load(store, &generator_id, settings.import.deadline).await {
            Ok(l) => l,
            Err(e @ StateError::Denied { .. }) => {
                tracing::error!(error = %e, "a scope's state may exist but cannot be read; nothing imported");
                return (
                    out,
                    Some(Failure {
                        retry: Retry::Permanent,
                        error_type: "StateUnreadable",
                        message: format!(
                            "{e}; nothing imported, so that first-seen times are kept"
                        ),
                    }),
                );
            }
            Err(StateError::Aws(e)) => {
                tracing::error!(error = %e, "cannot load a scope's state; nothing imported");
                return (
                    out,
                    Some(Failure::aws(
                        &e,
                        "loading the lifecycle state (nothing imported): ",
                    )),
                );
            }
            Err(e @ StateError::Unreadable { .. }) => {
                tracing::error!(error = %e, "a scope's state cannot be used; its findings are imported without the lifecycle");
                out.notes.push(format!(
                    "{e}: the findings of {generator_id} were imported as they are, nothing of it archived; fix or delete the object"
                ));
                scopes.push(ScopeRun {
                    generator_id,
                    findings,
                    managed: None,
                });
                continue;
            }
        };
        let base = loaded
            .as_ref()
            .map(|l| l.state.clone())
            .unwrap_or_else(|| ScopeState::new(&generator_id));
        let mut r = match reconcile(&base, findings.clone(), now) {
            Ok(r) => r,
            Err(e) => {
                out.notes.push(format!(
                    "{e}: the findings of {generator_id} were imported as they are, nothing of it archived"
                ));
                scopes.push(ScopeRun {
                    generator_id,
                    findings,
                    managed: None,
                });
                continue;
            }
        };
        let would = if dry_run || hold.is_some() {
            hold_back(&base, &mut r)
        } else {
            Vec::new()
        };
        tracing::info!(
            state = %store.location(&generator_id),
            new_scope = loaded.is_none(),
            active_before = base.active(),
            current = r.current.len(),
            archive = r.archived.len(),
            would_archive = would.len(),
            reactivated = r.reactivated,
            "lifecycle reconciled"
        );
        scopes.push(ScopeRun {
            generator_id,
            findings,
            managed: Some(Managed {
                loaded,
                base,
                r,
                would,
                sent: HashMap::new(),
            }),
        });
    }

    // 3. the current findings
    let mut current: Vec<AwsSecurityFinding> = Vec::new();
    for s in &scopes {
        match &s.managed {
            Some(m) => current.extend(m.r.current.iter().cloned()),
            None => current.extend(s.findings.iter().cloned()),
        }
    }
    let report = Box::pin(import(sink, &current, limiter, &settings.import)).await;
    out.imported = report.imported;
    out.failed.extend(report.failed.iter().cloned());
    for s in scopes.iter_mut() {
        if let Some(m) = &mut s.managed {
            m.sent
                .extend(m.r.current.iter().map(|f| (f.id.clone(), f.clone())));
        }
    }
    tally(&scopes, false, &mut out);
    if !report.is_complete() {
        let mut f = incomplete(&report, current.len(), "findings");
        f.message
            .push_str("; nothing archived, the lifecycle state is unchanged");
        return (out, Some(f));
    }
    if let Some(reason) = &hold {
        out.notes.push(format!(
            "nothing archived: {reason} ({} finding(s) would have been)",
            out.would_archive.len()
        ));
    }
    if dry_run {
        out.notes.push(format!(
            "dry run: nothing archived, no state written ({} finding(s) would have been archived)",
            out.would_archive.len()
        ));
        return (out, None);
    }

    // 4. the ARCHIVED records
    let archived: Vec<AwsSecurityFinding> = scopes
        .iter()
        .filter_map(|s| s.managed.as_ref())
        .flat_map(|m| m.r.archived.iter().cloned())
        .collect();
    if !archived.is_empty() {
        let report = Box::pin(import(sink, &archived, limiter, &settings.import)).await;
        out.failed.extend(report.failed.iter().cloned());
        if !report.is_complete() {
            let mut f = incomplete(&report, archived.len(), "ARCHIVED records");
            f.message.push_str(
                "; the current findings were all imported; the lifecycle state is unchanged",
            );
            return (out, Some(f));
        }
    }
    for s in scopes.iter_mut() {
        if let Some(m) = &mut s.managed {
            m.sent
                .extend(m.r.archived.iter().map(|f| (f.id.clone(), f.clone())));
        }
    }
    tally(&scopes, true, &mut out);

    // 5. the states, conditionally
    for i in 0..scopes.len() {
        let Some(s) = scopes.get_mut(i) else { break };
        let ScopeRun {
            generator_id,
            findings,
            managed,
        } = s;
        let Some(m) = managed else { continue };
        let result = Box::pin(save_scope(
            sink,
            store,
            limiter,
            settings,
            generator_id,
            findings,
            m,
            hold.is_some(),
            now,
            &mut out,
        ))
        .await;
        // the counts follow the final reconciliation
        tally(&scopes, true, &mut out);
        if let Err(f) = result {
            return (out, Some(f));
        }
        out.states_written += 1;
    }
    (out, None)
}

/// Writes a scope's next state; on a conflict reloads, reconciles again, imports what changed
/// and tries again.
#[allow(clippy::too_many_arguments)]
async fn save_scope<S: FindingSink, T: StateStore>(
    sink: &S,
    store: &T,
    limiter: &TokenBucket,
    settings: &Settings,
    generator_id: &str,
    findings: &[AwsSecurityFinding],
    m: &mut Managed,
    hold: bool,
    now: OffsetDateTime,
    out: &mut Outcome,
) -> Result<(), Failure> {
    let location = store.location(generator_id);
    let mut precondition = Precondition::after(m.loaded.as_ref());
    let mut attempt: u32 = 0;
    loop {
        match within(
            settings.import.deadline,
            "S3.PutObject",
            Box::pin(store.save(&m.r.next, &precondition)),
        )
        .await
        {
            Ok(Saved::Written(_)) => {
                tracing::info!(state = %location, active = m.r.next.active(), conflicts = attempt, "lifecycle state written");
                return Ok(());
            }
            Ok(Saved::Conflict) => {}
            Err(e) => {
                tracing::error!(error = %e, state = %location, "cannot write the lifecycle state");
                return Err(Failure::aws(
                    &e,
                    "the findings were imported, but the lifecycle state was not written: ",
                ));
            }
        }
        out.conflicts += 1;
        attempt += 1;
        if attempt >= settings.max_attempts.max(1) {
            return Err(Failure {
                retry: Retry::Transient,
                error_type: "StateConflict",
                message: format!(
                    "{location} changed under {attempt} conditional writes in a row (other runs of the scope); the findings were imported, the state not written"
                ),
            });
        }
        let delay = settings.backoff.delay(attempt - 1);
        if settings
            .import
            .deadline
            .is_some_and(|d| tokio::time::Instant::now() + delay >= d)
        {
            return Err(Failure {
                retry: Retry::Transient,
                error_type: "StateConflict",
                message: format!(
                    "{location} changed meanwhile and the invocation is about to time out; the findings were imported, the state not written"
                ),
            });
        }
        tokio::time::sleep(delay).await;
        tracing::info!(state = %location, attempt, "the lifecycle state changed meanwhile; reconciling again");

        // 1. reload
        let fresh = match load(store, generator_id, settings.import.deadline).await {
            Ok(f) => f,
            Err(StateError::Aws(e)) => {
                return Err(Failure::aws(
                    &e,
                    "reloading the lifecycle state after a conflict: ",
                ))
            }
            Err(e @ (StateError::Unreadable { .. } | StateError::Denied { .. })) => {
                return Err(Failure {
                    retry: Retry::Permanent,
                    error_type: "StateUnreadable",
                    message: format!("{e} (written by another run meanwhile)"),
                })
            }
        };
        if fresh.is_none() && precondition == Precondition::IfNoneMatch {
            return Err(Failure {
                retry: Retry::Permanent,
                error_type: "StateUnreadable",
                message: format!(
                    "{location} exists (If-None-Match failed) but cannot be read: check s3:GetObject on state/* (and kms:Decrypt on the key); the findings were imported, nothing archived, the state not written"
                ),
            });
        }
        let fresh_state = fresh
            .as_ref()
            .map(|l| l.state.clone())
            .unwrap_or_else(|| ScopeState::new(generator_id));
        // 2. newer than what either run sent, 3. reconcile again
        let adjusted = raise_changed(&fresh_state, &m.base, &m.sent);
        let mut r = reconcile(&adjusted, findings.to_vec(), now).map_err(|e| Failure {
            retry: Retry::Permanent,
            error_type: "StateUnreadable",
            message: e.to_string(),
        })?;
        if hold {
            m.would = hold_back(&adjusted, &mut r);
        }
        // 4. import what differs from what was sent
        let changed = |fs: &[AwsSecurityFinding]| -> Vec<AwsSecurityFinding> {
            fs.iter()
                .filter(|f| m.sent.get(&f.id) != Some(*f))
                .cloned()
                .collect()
        };
        let current = changed(&r.current);
        let archived = changed(&r.archived);
        tracing::info!(
            state = %location,
            current = current.len(),
            archive = archived.len(),
            "importing what changed after the conflict"
        );
        for (records, what) in [(current, "findings"), (archived, "ARCHIVED records")] {
            if records.is_empty() {
                continue;
            }
            let report = Box::pin(import(sink, &records, limiter, &settings.import)).await;
            out.failed.extend(report.failed.iter().cloned());
            if !report.is_complete() {
                let mut f = incomplete(&report, records.len(), what);
                f.message.push_str(
                    " after a conflicting write of the lifecycle state; the state was not written",
                );
                return Err(f);
            }
            m.sent
                .extend(records.into_iter().map(|f| (f.id.clone(), f)));
        }
        // 5. write over the fresh state
        precondition = Precondition::after(fresh.as_ref());
        m.base = fresh_state;
        m.loaded = fresh;
        m.r = r;
    }
}

#[cfg(test)]
mod tests;
