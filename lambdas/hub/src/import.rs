//! The import loop: findings split into requests, several in flight within the rate limit,
//! throttled and failed calls retried with backoff, every failure accounted for.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use asff_core::AwsSecurityFinding;
use tokio::time::Instant;

use crate::error::{is_transient_finding_code, within, AwsError, Retry};
use crate::rate::{Backoff, TokenBucket};
use crate::sink::{FailedFinding, FindingSink};

/// The call the import makes.
const OPERATION: &str = "SecurityHub.BatchImportFindings";

/// The `ErrorCode` of a finding that was sent but that Security Hub's answer neither counted
/// for certain nor listed as failed (a `SuccessCount` short of the batch).
pub const UNCONFIRMED: &str = "Unconfirmed";

/// How an import runs.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// Requests in flight at once.
    pub concurrency: usize,
    /// Tries per request (the first call plus retries).
    pub max_attempts: u32,
    pub backoff: Backoff,
    /// No new call or retry starts after this instant (the invocation's deadline less a
    /// margin); what is left fails with `DeadlineExceeded`.
    pub deadline: Option<Instant>,
}

impl Default for ImportOptions {
    fn default() -> Self {
        ImportOptions {
            concurrency: 4,
            max_attempts: 6,
            backoff: Backoff::default(),
            deadline: None,
        }
    }
}

/// What an import did. Every finding given is counted in `imported` or listed in `failed`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    pub imported: usize,
    pub failed: Vec<FailedFinding>,
    /// BatchImportFindings calls made, retries included.
    pub requests: usize,
    /// Calls that failed for good (after retries), and answers that did not add up.
    pub errors: Vec<AwsError>,
}

impl ImportReport {
    /// Whether everything was imported and no call failed.
    pub fn is_complete(&self) -> bool {
        self.failed.is_empty() && self.errors.is_empty()
    }
}

/// Imports `findings` through `sink`: requests of at most 100 findings and 6 MB
/// ([`asff_core::batch`]), at most `opts.concurrency` in flight, each taking a token of
/// `limiter` first. A throttled call, a 5xx answer or an unreachable endpoint is retried with
/// backoff and jitter, and so are findings that came back in `FailedFindings` with a transient
/// code; findings rejected for good, and the findings of a call that failed for good, are listed
/// in [`ImportReport::failed`] with the error code and message.
pub async fn import<S: FindingSink>(
    sink: &S,
    findings: &[AwsSecurityFinding],
    limiter: &TokenBucket,
    opts: &ImportOptions,
) -> ImportReport {
    let batches = match asff_core::batch::batches(findings) {
        Ok(b) => b,
        Err(e) => {
            // Cannot happen to fitted findings; refuse the whole import rather than drop one.
            let err = AwsError::new(
                Retry::Permanent,
                "SecurityHub.BatchImportFindings",
                "RequestTooLarge",
                e.to_string(),
            );
            return ImportReport {
                imported: 0,
                failed: findings.iter().map(|f| failed(&f.id, &err)).collect(),
                requests: 0,
                errors: vec![err],
            };
        }
    };
    tracing::info!(
        findings = findings.len(),
        requests = batches.len(),
        "importing into Security Hub"
    );
    let next = AtomicUsize::new(0);
    let report = Mutex::new(ImportReport::default());
    let workers = opts.concurrency.clamp(1, batches.len().max(1));
    let worker = || async {
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(batch) = batches.get(i) else { break };
            let r = Box::pin(import_batch(sink, batch, limiter, opts)).await;
            let mut total = match report.lock() {
                Ok(g) => g,
                Err(p) => p.into_inner(),
            };
            total.imported += r.imported;
            total.requests += r.requests;
            total.failed.extend(r.failed);
            total.errors.extend(r.errors);
        }
    };
    futures_util::future::join_all((0..workers).map(|_| worker())).await;
    let report = match report.into_inner() {
        Ok(r) => r,
        Err(p) => p.into_inner(),
    };
    if report.is_complete() {
        tracing::info!(
            imported = report.imported,
            requests = report.requests,
            "imported"
        );
    } else {
        tracing::warn!(
            imported = report.imported,
            failed = report.failed.len(),
            errors = report.errors.len(),
            requests = report.requests,
            "import incomplete"
        );
    }
    report
}

fn failed(id: &str, e: &AwsError) -> FailedFinding {
    FailedFinding {
        id: id.to_string(),
        error_code: e.code.clone(),
        error_message: format!("{}: {}", e.operation, e.message),
    }
}

async fn import_batch<S: FindingSink>(
    sink: &S,
    batch: &[AwsSecurityFinding],
    limiter: &TokenBucket,
    opts: &ImportOptions,
) -> ImportReport {
    let mut out = ImportReport::default();
    let by_id: HashMap<&str, &AwsSecurityFinding> =
        batch.iter().map(|f| (f.id.as_str(), f)).collect();
    let mut pending: Vec<&AwsSecurityFinding> = batch.iter().collect();
    let mut attempt: u32 = 0;
    let max_attempts = opts.max_attempts.max(1);
    loop {
        if opts.deadline.is_some_and(|d| Instant::now() >= d) {
            let e = AwsError::deadline(OPERATION);
            out.failed.extend(pending.iter().map(|f| failed(&f.id, &e)));
            out.errors.push(e);
            return out;
        }
        let acquired = match opts.deadline {
            Some(d) => tokio::time::timeout_at(d, limiter.acquire()).await.is_ok(),
            None => {
                limiter.acquire().await;
                true
            }
        };
        if !acquired {
            let e = AwsError::deadline(OPERATION);
            out.failed.extend(pending.iter().map(|f| failed(&f.id, &e)));
            out.errors.push(e);
            return out;
        }
        out.requests += 1;
        let result = within(opts.deadline, OPERATION, Box::pin(sink.import(&pending))).await;
        attempt += 1;
        let can_retry = attempt < max_attempts;
        match result {
            Err(e) if e.is_deadline() => {
                // the call may or may not have landed: none of these is confirmed
                out.failed.extend(pending.iter().map(|f| failed(&f.id, &e)));
                out.errors.push(e);
                return out;
            }
            Ok(outcome) => {
                let listed: HashSet<String> = outcome.failed.iter().map(|f| f.id.clone()).collect();
                let (mut transient, permanent): (Vec<FailedFinding>, Vec<FailedFinding>) = outcome
                    .failed
                    .into_iter()
                    .partition(|f| is_transient_finding_code(&f.error_code));
                if outcome.success + listed.len() == pending.len() {
                    out.imported += outcome.success;
                } else {
                    // Which findings the SuccessCount covers cannot be told: none of those not
                    // listed as failed is confirmed. They are sent again (an import of the same
                    // Id replaces it), and listed as failed if that never adds up.
                    let message = format!(
                        "sent {} findings, Security Hub's answer counts {} imported and lists {} failed: the others are not confirmed",
                        pending.len(),
                        outcome.success,
                        listed.len()
                    );
                    tracing::warn!(
                        sent = pending.len(),
                        success = outcome.success,
                        listed = listed.len(),
                        "BatchImportFindings answered counts that do not add up"
                    );
                    transient.extend(pending.iter().filter(|f| !listed.contains(&f.id)).map(|f| {
                        FailedFinding {
                            id: f.id.clone(),
                            error_code: UNCONFIRMED.to_string(),
                            error_message: message.clone(),
                        }
                    }));
                    if !can_retry {
                        out.errors.push(AwsError::new(
                            Retry::Transient,
                            "SecurityHub.BatchImportFindings",
                            "InconsistentResponse",
                            message,
                        ));
                    }
                }
                out.failed.extend(permanent);
                if transient.is_empty() {
                    return out;
                }
                let retry: Vec<&AwsSecurityFinding> = transient
                    .iter()
                    .filter_map(|f| by_id.get(f.id.as_str()).copied())
                    .collect();
                if !can_retry || retry.len() != transient.len() || !wait(opts, attempt).await {
                    tracing::warn!(
                        findings = transient.len(),
                        attempts = attempt,
                        "findings still failing with transient errors; giving up"
                    );
                    out.failed.extend(transient);
                    return out;
                }
                tracing::info!(
                    findings = retry.len(),
                    attempt,
                    "retrying findings that failed with transient errors"
                );
                pending = retry;
            }
            Err(e) if e.is_transient() && can_retry => {
                tracing::info!(error = %e, attempt, "retrying BatchImportFindings");
                if !wait(opts, attempt).await {
                    let d = AwsError::deadline(OPERATION);
                    out.failed.extend(pending.iter().map(|f| failed(&f.id, &e)));
                    out.errors.push(AwsError {
                        message: format!("{}; last error: {}", d.message, e),
                        ..d
                    });
                    return out;
                }
            }
            Err(e) => {
                tracing::error!(error = %e, attempts = attempt, findings = pending.len(), "BatchImportFindings failed");
                out.failed.extend(pending.iter().map(|f| failed(&f.id, &e)));
                out.errors.push(e);
                return out;
            }
        }
    }
}

/// Sleeps the backoff before retry `attempt`; false when that would pass the deadline.
async fn wait(opts: &ImportOptions, attempt: u32) -> bool {
    let d: Duration = opts.backoff.delay(attempt.saturating_sub(1));
    if opts.deadline.is_some_and(|dl| Instant::now() + d >= dl) {
        return false;
    }
    tokio::time::sleep(d).await;
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sink::BatchOutcome;
    use std::sync::atomic::AtomicU32;

    fn findings(n: usize) -> Vec<AwsSecurityFinding> {
        (0..n)
            .map(|i| AwsSecurityFinding {
                id: format!("f-{i}"),
                ..Default::default()
            })
            .collect()
    }

    /// Accepts everything, except: the first `throttle` calls fail with ThrottlingException,
    /// ids in `reject` come back as InvalidInput, ids in `flaky` fail transiently once.
    #[derive(Default)]
    struct Fake {
        calls: AtomicU32,
        in_flight: AtomicU32,
        max_in_flight: AtomicU32,
        throttle: u32,
        reject: Vec<String>,
        flaky: Mutex<Vec<String>>,
        sizes: Mutex<Vec<usize>>,
    }

    impl FindingSink for Fake {
        async fn import(&self, fs: &[&AwsSecurityFinding]) -> Result<BatchOutcome, AwsError> {
            let n = self.calls.fetch_add(1, Ordering::SeqCst);
            let now = self.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
            self.max_in_flight.fetch_max(now, Ordering::SeqCst);
            tokio::time::sleep(Duration::from_millis(50)).await;
            self.in_flight.fetch_sub(1, Ordering::SeqCst);
            if n < self.throttle {
                return Err(AwsError::new(
                    Retry::Transient,
                    "SecurityHub.BatchImportFindings",
                    "ThrottlingException",
                    "Rate exceeded",
                ));
            }
            self.sizes.lock().unwrap().push(fs.len());
            let mut out = BatchOutcome::default();
            let mut flaky = self.flaky.lock().unwrap();
            for f in fs {
                if self.reject.contains(&f.id) {
                    out.failed.push(FailedFinding {
                        id: f.id.clone(),
                        error_code: "InvalidInput".into(),
                        error_message: "bad".into(),
                    });
                } else if let Some(p) = flaky.iter().position(|x| x == &f.id) {
                    flaky.remove(p);
                    out.failed.push(FailedFinding {
                        id: f.id.clone(),
                        error_code: "InternalException".into(),
                        error_message: "try again".into(),
                    });
                } else {
                    out.success += 1;
                }
            }
            Ok(out)
        }
    }

    fn fast() -> ImportOptions {
        ImportOptions {
            backoff: Backoff {
                base: Duration::from_millis(10),
                cap: Duration::from_millis(100),
            },
            ..Default::default()
        }
    }

    #[tokio::test(start_paused = true)]
    async fn splits_into_requests_of_100_concurrently() {
        let sink = Fake::default();
        let r = import(&sink, &findings(250), &TokenBucket::security_hub(), &fast()).await;
        assert_eq!(r.imported, 250);
        assert!(r.is_complete());
        assert_eq!(r.requests, 3);
        let mut sizes = sink.sizes.lock().unwrap().clone();
        sizes.sort();
        assert_eq!(sizes, vec![50, 100, 100]);
        assert_eq!(sink.max_in_flight.load(Ordering::SeqCst), 3);
    }

    #[tokio::test(start_paused = true)]
    async fn the_rate_limit_holds_across_concurrent_requests() {
        let sink = Fake::default();
        let start = Instant::now();
        let opts = ImportOptions {
            concurrency: 8,
            ..fast()
        };
        let r = import(&sink, &findings(5000), &TokenBucket::new(10.0, 30.0), &opts).await;
        assert_eq!(r.imported, 5000);
        assert_eq!(r.requests, 50);
        // 50 requests: 30 from the burst, 20 at 10/s
        let e = start.elapsed();
        assert!(e >= Duration::from_secs(2), "{e:?}");
        assert!(sink.max_in_flight.load(Ordering::SeqCst) <= 8);
    }

    #[tokio::test(start_paused = true)]
    async fn throttled_calls_are_retried() {
        let sink = Fake {
            throttle: 3,
            ..Default::default()
        };
        let opts = ImportOptions {
            concurrency: 1,
            ..fast()
        };
        let r = import(&sink, &findings(10), &TokenBucket::security_hub(), &opts).await;
        assert_eq!(r.imported, 10);
        assert!(r.is_complete(), "{r:?}");
        assert_eq!(r.requests, 4);
    }

    #[tokio::test(start_paused = true)]
    async fn giving_up_lists_every_finding_of_the_request() {
        let sink = Fake {
            throttle: 100,
            ..Default::default()
        };
        let opts = ImportOptions {
            concurrency: 1,
            max_attempts: 3,
            ..fast()
        };
        let r = import(&sink, &findings(120), &TokenBucket::security_hub(), &opts).await;
        assert_eq!(r.imported, 0);
        assert_eq!(r.failed.len(), 120, "none lost");
        assert!(r
            .failed
            .iter()
            .all(|f| f.error_code == "ThrottlingException"));
        assert_eq!(r.errors.len(), 2, "one per request");
        assert_eq!(r.requests, 6);
    }

    #[tokio::test(start_paused = true)]
    async fn rejected_findings_are_reported_and_transient_ones_retried() {
        let sink = Fake {
            reject: vec!["f-3".into(), "f-150".into()],
            flaky: Mutex::new(vec!["f-7".into(), "f-8".into()]),
            ..Default::default()
        };
        let r = import(&sink, &findings(200), &TokenBucket::security_hub(), &fast()).await;
        assert_eq!(r.imported, 198);
        let mut ids: Vec<_> = r.failed.iter().map(|f| f.id.as_str()).collect();
        ids.sort();
        assert_eq!(ids, vec!["f-150", "f-3"]);
        assert!(r.errors.is_empty());
        assert_eq!(
            r.requests, 3,
            "two requests and one retry of the two flaky findings"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn permanent_errors_are_not_retried() {
        struct Denied;
        impl FindingSink for Denied {
            async fn import(&self, _: &[&AwsSecurityFinding]) -> Result<BatchOutcome, AwsError> {
                Err(AwsError::new(
                    Retry::Permanent,
                    "SecurityHub.BatchImportFindings",
                    "AccessDeniedException",
                    "no",
                ))
            }
        }
        let r = import(&Denied, &findings(5), &TokenBucket::security_hub(), &fast()).await;
        assert_eq!(r.requests, 1);
        assert_eq!(r.failed.len(), 5);
        assert_eq!(r.failed[0].error_code, "AccessDeniedException");
    }

    #[tokio::test(start_paused = true)]
    async fn the_deadline_stops_retries() {
        let sink = Fake {
            throttle: 1000,
            ..Default::default()
        };
        let opts = ImportOptions {
            max_attempts: 100,
            deadline: Some(Instant::now() + Duration::from_secs(1)),
            ..fast()
        };
        let r = import(&sink, &findings(3), &TokenBucket::security_hub(), &opts).await;
        assert_eq!(r.failed.len(), 3);
        assert!(
            r.errors.iter().any(|e| e.code == "DeadlineExceeded"),
            "{r:?}"
        );
        assert!(r.requests < 100);
    }

    #[tokio::test(start_paused = true)]
    async fn nothing_to_import() {
        let r = import(&Fake::default(), &[], &TokenBucket::security_hub(), &fast()).await;
        assert_eq!(r, ImportReport::default());
    }
}
