//! The finding lifecycle against real APIs: each test starts its own moto server (S3, Security
//! Hub, STS) and drives the handler; the results are read back through GetFindings (RecordState,
//! CreatedAt, UpdatedAt of each finding) and GetObject/HeadObject of the state objects.
//!
//! The reports are a real PHPStan report (`testdata/phpstan/phpstan-2.1.42-maphapay-backoffice.json`,
//! 83 messages) cut down with `serde_json::Value` edits: report A keeps 10 of its messages,
//! report B 7 of those plus 2 others; the per-file and total counts are set to match, so the
//! reports carry no parser warning.

#![cfg(test)]

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicUsize, Ordering};

use asff_core::lifecycle::ScopeState;
use asff_core::AwsSecurityFinding;
use asff_hub::{
    AwsError, BatchOutcome, FindingSink, Loaded, Precondition, S3StateStore, Saved,
    SecurityHubSink, StateError, StateStore,
};
use aws_sdk_s3::types::ServerSideEncryption;
use aws_sdk_securityhub::types::RecordState;
use common::*;
use import_findings::{Answer, Invocation};
use time::macros::datetime;
use time::OffsetDateTime;

const REAL: &str = "phpstan/phpstan-2.1.42-maphapay-backoffice.json";

/// The real report with only the messages at `picks` (positions in the report's order of
/// files and messages); counts set to match.
fn phpstan_subset(picks: &[usize]) -> Vec<u8> {
    let mut v: serde_json::Value =
        serde_json::from_slice(&asff_testkit::testdata(REAL)).expect("the real report");
    let files = v["files"].as_object().expect("files").clone();
    let mut all: Vec<(String, serde_json::Value)> = Vec::new();
    for (path, entry) in &files {
        for m in entry["messages"].as_array().expect("messages") {
            all.push((path.clone(), m.clone()));
        }
    }
    let mut kept: serde_json::Map<String, serde_json::Value> = serde_json::Map::new();
    for &i in picks {
        let (path, m) = &all[i];
        let e = kept
            .entry(path.clone())
            .or_insert_with(|| serde_json::json!({"errors": 0, "messages": []}));
        e["messages"].as_array_mut().unwrap().push(m.clone());
        e["errors"] = e["messages"].as_array().unwrap().len().into();
    }
    v["files"] = serde_json::Value::Object(kept);
    v["totals"]["file_errors"] = picks.len().into();
    serde_json::to_vec(&v).unwrap()
}

/// Report A: the first 10 messages.
fn report_a() -> Vec<u8> {
    phpstan_subset(&(0..10).collect::<Vec<_>>())
}

/// Report B: 7 of A's (the 3 at positions 2, 5, 8 are gone) and 2 new ones.
fn report_b() -> Vec<u8> {
    phpstan_subset(&[0, 1, 3, 4, 6, 7, 9, 40, 41])
}

fn ids(report: &[u8]) -> BTreeSet<String> {
    expected_ids(tool("phpstan"), report).into_iter().collect()
}

fn at(t: OffsetDateTime, id: &str) -> Invocation {
    Invocation {
        request_id: id.into(),
        deadline: None,
        now: t,
    }
}

fn stamp(t: OffsetDateTime) -> String {
    asff_core::context::format_timestamp(t)
}

const T1: OffsetDateTime = datetime!(2024-03-01 10:00:00 UTC);
const T2: OffsetDateTime = datetime!(2024-03-02 10:00:00 UTC);
const T3: OffsetDateTime = datetime!(2024-03-03 10:00:00 UTC);

/// The PHPStan scope of the test repository on a branch.
fn scope(branch: &str) -> String {
    asff_core::id::generator_id(
        "phpstan",
        &asff_core::Scope::Repository {
            name: "github.com/example/app".into(),
            branch: Some(branch.into()),
        },
    )
}

/// Every finding in Security Hub by Id: (RecordState, CreatedAt, UpdatedAt).
async fn hub(env: &Env) -> BTreeMap<String, (RecordState, String, String)> {
    env.findings()
        .await
        .into_iter()
        .map(|f| {
            (
                f.id().unwrap().to_string(),
                (
                    f.record_state().cloned().expect("a RecordState"),
                    f.created_at().unwrap().to_string(),
                    f.updated_at().unwrap().to_string(),
                ),
            )
        })
        .collect()
}

fn send(report: &[u8], build: &str) -> String {
    payload(Some("PHPStan"), report, build)
}

#[tokio::test]
async fn absent_findings_are_archived_first_seen_kept_and_they_come_back() {
    let env = Env::start().await;
    let h = env.handler(env.config(&[]));
    let (a, b) = (report_a(), report_b());
    let (ids_a, ids_b) = (ids(&a), ids(&b));
    assert_eq!((ids_a.len(), ids_b.len()), (10, 9));
    let gone: BTreeSet<String> = ids_a.difference(&ids_b).cloned().collect();
    let new: BTreeSet<String> = ids_b.difference(&ids_a).cloned().collect();
    assert_eq!((gone.len(), new.len()), (3, 2));

    // A: 10 new findings, a new state
    let first = h.handle(&send(&a, "b:1"), &at(T1, "r1")).await.unwrap();
    assert_eq!(
        (first.imported, first.archived, first.reactivated),
        (10, 0, 0)
    );
    assert_eq!(first.lifecycle, Some("on"));
    let (state, _, head) = env.state(&scope("main")).await.expect("a state object");
    assert_eq!(state.active(), 10);
    assert_eq!(
        head.server_side_encryption(),
        Some(&ServerSideEncryption::Aes256),
        "the state is encrypted like the archive"
    );

    // B: 9 active, the 3 gone are archived, first-seen kept for the 7
    let second = h.handle(&send(&b, "b:2"), &at(T2, "r2")).await.unwrap();
    assert_eq!(second.imported, 9);
    assert_eq!(second.archived, 3);
    let archived_ids: BTreeSet<String> = second.archived_ids.iter().cloned().collect();
    assert_eq!(archived_ids, gone);
    let in_hub = hub(&env).await;
    assert_eq!(in_hub.len(), 12);
    let active: BTreeSet<String> = in_hub
        .iter()
        .filter(|(_, (s, _, _))| *s == RecordState::Active)
        .map(|(id, _)| id.clone())
        .collect();
    assert_eq!(active, ids_b, "9 active");
    for id in &gone {
        let (s, created, updated) = &in_hub[id];
        assert_eq!(s, &RecordState::Archived, "{id}");
        assert_eq!(created, &stamp(T1), "archived records keep first seen");
        assert_eq!(updated, &stamp(T2), "a newer UpdatedAt");
    }
    for id in ids_a.intersection(&ids_b) {
        let (_, created, updated) = &in_hub[id];
        assert_eq!(created, &stamp(T1), "{id}: CreatedAt is first seen");
        assert_eq!(updated, &stamp(T2));
    }
    for id in &new {
        assert_eq!(in_hub[id].1, stamp(T2));
    }
    let (state, _, _) = env.state(&scope("main")).await.unwrap();
    assert_eq!(state.active(), 9);
    assert_eq!(state.findings.len(), 12, "archived ones remembered");

    // A again: the 3 come back ACTIVE with their first-seen time; the 2 new ones go
    let third = h.handle(&send(&a, "b:3"), &at(T3, "r3")).await.unwrap();
    assert_eq!(third.reactivated, 3);
    assert_eq!(third.archived, 2);
    let in_hub = hub(&env).await;
    for id in &gone {
        let (s, created, updated) = &in_hub[id];
        assert_eq!(s, &RecordState::Active, "{id} reactivated");
        assert_eq!(created, &stamp(T1));
        assert_eq!(updated, &stamp(T3));
    }
    for id in &new {
        assert_eq!(in_hub[id].0, RecordState::Archived);
    }
}

/// A state store around the real one for two runs at once: the first two loads wait for each
/// other (both runs reconcile against the same state), and writes go one at a time (moto checks
/// a condition and writes in two steps; S3 does both at once), recording which run's state was
/// written in which order.
struct Rendezvous {
    inner: S3StateStore,
    loads: AtomicUsize,
    barrier: tokio::sync::Barrier,
    writes: tokio::sync::Mutex<Vec<ScopeState>>,
}

impl StateStore for Rendezvous {
    async fn load(&self, g: &str) -> Result<Option<Loaded>, StateError> {
        let r = self.inner.load(g).await;
        if self.loads.fetch_add(1, Ordering::SeqCst) < 2 {
            self.barrier.wait().await;
        }
        r
    }

    async fn save(&self, s: &ScopeState, p: &Precondition) -> Result<Saved, AwsError> {
        let mut written = self.writes.lock().await;
        let r = self.inner.save(s, p).await;
        if matches!(r, Ok(Saved::Written(_))) {
            written.push(s.clone());
        }
        r
    }

    fn location(&self, g: &str) -> String {
        self.inner.location(g)
    }
}

/// Two builds of one scope at once, with different reports, after report A. Both load the
/// same state; one writes first, the other's conditional write is refused (412), so it
/// reloads, reconciles its report against the state the first wrote, imports what changed and
/// writes. "Consistent" means the outcome is that of the two runs one after the other, in the
/// order of their writes:
///
/// - the state's active findings are exactly the last writer's report; every other finding
///   seen (A's, the first writer's) is remembered as archived: none lost, none resurrected;
/// - in Security Hub, every finding of the scope is ACTIVE if and only if the state says so,
///   with the state's CreatedAt (first seen: A's time for A's findings, the first writer's for
///   a finding new in both reports).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_runs_of_one_scope_at_once_stay_consistent() {
    let env = Env::start().await;
    let config = env.config(&[]);
    let a = report_a();
    env.handler(config.clone())
        .handle(&send(&a, "b:1"), &at(T1, "r1"))
        .await
        .unwrap();

    // B drops 2, 5, 8 and adds 40, 41; C drops 0, 1 and adds 40, 42
    let b = report_b();
    let c = phpstan_subset(&[2, 3, 4, 5, 6, 7, 8, 9, 40, 42]);
    let store = Rendezvous {
        inner: env.real_state(&config),
        loads: AtomicUsize::new(0),
        barrier: tokio::sync::Barrier::new(2),
        writes: tokio::sync::Mutex::new(Vec::new()),
    };
    let h = env.handler_full(env.real_sink(), store, config);
    let pb = send(&b, "b:2");
    let pc = send(&c, "c:2");
    let (ib, ic) = (at(T2, "rb"), at(T2 + time::Duration::minutes(1), "rc"));
    let (rb, rc) = tokio::join!(h.handle(&pb, &ib), h.handle(&pc, &ic));
    let (rb, rc): (Answer, Answer) = (rb.unwrap(), rc.unwrap());
    assert_eq!(
        rb.state_conflicts + rc.state_conflicts,
        1,
        "exactly one run found the state changed"
    );
    let (last, last_report, first_time) = if rb.state_conflicts == 1 {
        (&rb, &b, ic.now)
    } else {
        (&rc, &c, ib.now)
    };
    let writes = h.state.writes.lock().await;
    assert_eq!(writes.len(), 2);

    let (state, _, _) = env.state(&scope("main")).await.unwrap();
    assert_eq!(
        &state,
        writes.last().unwrap(),
        "the last write is what is stored"
    );
    let everything: BTreeSet<String> = [&a, &b, &c].iter().flat_map(|r| ids(r)).collect();
    let remembered: BTreeSet<String> = state.findings.keys().cloned().collect();
    assert_eq!(remembered, everything, "no finding lost from the state");
    let active: BTreeSet<String> = state
        .findings
        .iter()
        .filter(|(_, e)| e.active)
        .map(|(id, _)| id.clone())
        .collect();
    assert_eq!(
        active,
        ids(last_report),
        "the last writer's report is active"
    );

    let in_hub = hub(&env).await;
    assert_eq!(in_hub.len(), everything.len());
    for (id, e) in &state.findings {
        let (s, created, _) = &in_hub[id];
        let want = if e.active {
            RecordState::Active
        } else {
            RecordState::Archived
        };
        assert_eq!(s, &want, "{id}: Security Hub agrees with the state");
        assert_eq!(created, &e.created_at, "{id}: CreatedAt");
    }
    for id in &ids(&a) {
        assert_eq!(state.findings[id].created_at, stamp(T1), "first seen in A");
    }
    // 40 is new in both B and C: first seen by the first writer
    let both_new: Vec<String> = ids(&b)
        .intersection(&ids(&c))
        .filter(|id| !ids(&a).contains(*id))
        .cloned()
        .collect();
    assert_eq!(both_new.len(), 1);
    assert_eq!(state.findings[&both_new[0]].created_at, stamp(first_time));
    assert_eq!(last.imported, ids(last_report).len());
    assert!(last.failed.is_empty());
}

/// A sink around the real one that fails the findings whose Id is in `fail` (as Security Hub
/// does for an invalid finding: InvalidInput in FailedFindings) and sends the rest.
struct FailSome {
    inner: SecurityHubSink,
    fail: Vec<String>,
}

impl FindingSink for FailSome {
    async fn import(&self, fs: &[&AwsSecurityFinding]) -> Result<BatchOutcome, AwsError> {
        let (bad, good): (Vec<&AwsSecurityFinding>, Vec<&AwsSecurityFinding>) =
            fs.iter().partition(|f| self.fail.contains(&f.id));
        let mut out = if good.is_empty() {
            BatchOutcome::default()
        } else {
            self.inner.import(&good).await?
        };
        out.failed
            .extend(bad.iter().map(|f| asff_hub::FailedFinding {
                id: f.id.clone(),
                error_code: "InvalidInput".into(),
                error_message: "failed by the test".into(),
            }));
        Ok(out)
    }
}

#[tokio::test]
async fn a_partial_failure_archives_nothing_and_leaves_the_state() {
    let env = Env::start().await;
    let config = env.config(&[]);
    let (a, b) = (report_a(), report_b());
    env.handler(config.clone())
        .handle(&send(&a, "b:1"), &at(T1, "r1"))
        .await
        .unwrap();
    let (before, etag, _) = env.state(&scope("main")).await.unwrap();

    let new: Vec<String> = ids(&b).difference(&ids(&a)).cloned().collect();
    let h = env.handler_with(
        FailSome {
            inner: env.real_sink(),
            fail: vec![new[0].clone()],
        },
        config,
    );
    let f = h.handle(&send(&b, "b:2"), &at(T2, "r2")).await.unwrap_err();
    assert_eq!(f.error_type(), "Permanent.ImportIncomplete");
    assert!(
        f.info().unwrap().message.contains("nothing archived"),
        "{f}"
    );
    assert_eq!(f.answer.archived, 0);
    assert_eq!(f.answer.imported, 8);
    assert_eq!(f.answer.failed.len(), 1);

    let in_hub = hub(&env).await;
    for id in ids(&a) {
        assert_eq!(
            in_hub[&id].0,
            RecordState::Active,
            "{id}: nothing archived after a partial failure"
        );
    }
    let (after, etag_after, _) = env.state(&scope("main")).await.unwrap();
    assert_eq!(etag_after, etag, "the state object was not written");
    assert_eq!(after, before);
}

#[tokio::test]
async fn another_scope_is_untouched() {
    let env = Env::start().await;
    let kms = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555";
    let h = env.handler(env.config(&[("REPORT_KMS_KEY_ID", kms)]));
    let (a, b) = (report_a(), report_b());
    h.handle(&send(&a, "b:1"), &at(T1, "r1")).await.unwrap();
    // the same report on another branch: another scope, other Ids
    let dev = payload_on(Some("PHPStan"), &a, "d:1", "refs/heads/dev", &[]);
    let d = h.handle(&dev, &at(T1, "rd")).await.unwrap();
    assert_eq!(d.archived, 0);
    let (dev_state, dev_etag, head) = env.state(&scope("dev")).await.unwrap();
    assert_eq!(
        head.server_side_encryption(),
        Some(&ServerSideEncryption::AwsKms)
    );
    assert_eq!(head.ssekms_key_id(), Some(kms));

    // B on main archives 3 findings of main, none of dev
    let r = h.handle(&send(&b, "b:2"), &at(T2, "r2")).await.unwrap();
    assert_eq!(r.archived, 3);
    let in_hub = hub(&env).await;
    let dev_ids = expected_ids_on(tool("phpstan"), &a, "dev");
    assert_eq!(dev_ids.len(), 10);
    for id in &dev_ids {
        assert!(!ids(&a).contains(id), "another scope, other Ids");
        assert_eq!(
            in_hub[id].0,
            RecordState::Active,
            "{id} of dev stays ACTIVE"
        );
        assert_eq!(in_hub[id].2, stamp(T1), "and is not updated");
    }
    let (after, etag, _) = env.state(&scope("dev")).await.unwrap();
    assert_eq!(
        (after, etag),
        (dev_state, dev_etag),
        "dev's state untouched"
    );
}

#[tokio::test]
async fn dry_runs_and_incomplete_reports_archive_nothing() {
    let env = Env::start().await;
    let (a, b) = (report_a(), report_b());
    let gone: BTreeSet<String> = ids(&a).difference(&ids(&b)).cloned().collect();
    env.handler(env.config(&[]))
        .handle(&send(&a, "b:1"), &at(T1, "r1"))
        .await
        .unwrap();
    let (before, etag, _) = env.state(&scope("main")).await.unwrap();
    let unchanged = |label: &'static str| {
        let env = &env;
        let (before, etag) = (before.clone(), etag.clone());
        async move {
            let (s, e, _) = env.state(&scope("main")).await.unwrap();
            assert_eq!((s, e), (before, etag), "{label}: no state written");
        }
    };
    let still_active = |label: &'static str| {
        let env = &env;
        let gone = gone.clone();
        async move {
            let in_hub = hub(env).await;
            for id in &gone {
                assert_eq!(in_hub[id].0, RecordState::Active, "{label}: {id}");
            }
        }
    };

    // asked for by the payload
    let p = payload_on(
        Some("PHPStan"),
        &b,
        "b:2",
        "main",
        &[("lifecycleDryRun", true.into())],
    );
    let r = env
        .handler(env.config(&[]))
        .handle(&p, &at(T2, "r2"))
        .await
        .unwrap();
    assert!(r.dry_run);
    assert_eq!(r.lifecycle, Some("dry-run"));
    assert_eq!((r.imported, r.archived), (9, 0));
    assert_eq!(r.would_archive, Some(3));
    let would: BTreeSet<String> = r.would_archive_ids.iter().cloned().collect();
    assert_eq!(would, gone, "the answer says what would be archived");
    let v: serde_json::Value = serde_json::from_str(&r.to_json()).unwrap();
    assert_eq!(v["dryRun"], true);
    assert_eq!(v["wouldArchive"], 3);
    still_active("payload dry run").await;
    unchanged("payload dry run").await;

    // set for the function
    let r = env
        .handler(env.config(&[("LIFECYCLE_DRY_RUN", "true")]))
        .handle(&send(&b, "b:3"), &at(T3, "r3"))
        .await
        .unwrap();
    assert_eq!((r.dry_run, r.archived, r.would_archive), (true, 0, Some(3)));
    still_active("LIFECYCLE_DRY_RUN").await;
    unchanged("LIFECYCLE_DRY_RUN").await;

    // a report counting more messages than it lists: the parser marks it incomplete
    let mut odd: serde_json::Value = serde_json::from_slice(&b).unwrap();
    odd["totals"]["file_errors"] = 50.into();
    let odd = serde_json::to_vec(&odd).unwrap();
    let r = env
        .handler(env.config(&[]))
        .handle(&send(&odd, "b:4"), &at(T3, "r4"))
        .await
        .unwrap();
    assert!(
        r.warnings.iter().any(|w| w.contains("totals.file_errors")),
        "{:?}",
        r.warnings
    );
    assert_eq!((r.archived, r.would_archive), (0, Some(3)));
    assert!(
        r.lifecycle_notes
            .iter()
            .any(|n| n.contains("nothing archived") && n.contains("incomplete")),
        "{:?}",
        r.lifecycle_notes
    );
    still_active("incomplete").await;
    let (s, _, _) = env.state(&scope("main")).await.unwrap();
    assert_eq!(
        s.active(),
        12,
        "the absent ones stay active, B's new ones added"
    );

    // and with the lifecycle off, no state is read or written
    let r = env
        .handler(env.config(&[("LIFECYCLE", "off")]))
        .handle(&send(&a, "b:5"), &at(T3, "r5"))
        .await
        .unwrap();
    assert_eq!(
        (r.lifecycle, r.archived, r.reactivated),
        (Some("off"), 0, 0)
    );
    let (s2, _, _) = env.state(&scope("main")).await.unwrap();
    assert_eq!(s2, s);
}

#[tokio::test]
async fn a_clean_report_archives_what_its_scope_had() {
    let env = Env::start().await;
    let h = env.handler(env.config(&[]));
    let a = report_a();
    h.handle(&send(&a, "b:1"), &at(T1, "r1")).await.unwrap();
    // everything fixed: the real report with no message left
    let clean = phpstan_subset(&[]);
    let r = h.handle(&send(&clean, "b:2"), &at(T2, "r2")).await.unwrap();
    assert_eq!((r.findings, r.imported, r.archived), (0, 0, 10));
    let in_hub = hub(&env).await;
    assert!(in_hub
        .values()
        .all(|(s, _, u)| *s == RecordState::Archived && *u == stamp(T2)));
    assert_eq!(env.state(&scope("main")).await.unwrap().0.active(), 0);
}

#[tokio::test]
async fn a_harmless_warning_still_archives() {
    let env = Env::start().await;
    let h = env.handler(env.config(&[]));
    let (a, b) = (report_a(), report_b());
    let gone: BTreeSet<String> = ids(&a).difference(&ids(&b)).cloned().collect();
    h.handle(&send(&a, "b:1"), &at(T1, "r1")).await.unwrap();
    // B with an ignore pattern of the configuration that matched nothing: a warning that says
    // nothing about what was analysed
    let mut warned: serde_json::Value = serde_json::from_slice(&b).unwrap();
    warned["errors"] =
        serde_json::json!(["Ignored error pattern #^Unused$# was not matched in reported errors."]);
    warned["totals"]["errors"] = 1.into();
    let warned = serde_json::to_vec(&warned).unwrap();
    let r = h
        .handle(&send(&warned, "b:2"), &at(T2, "r2"))
        .await
        .unwrap();
    assert_eq!(r.warnings.len(), 1, "{:?}", r.warnings);
    assert_eq!((r.imported, r.archived), (9, 3));
    let in_hub = hub(&env).await;
    for id in &gone {
        assert_eq!(in_hub[id].0, RecordState::Archived, "{id}");
    }
    assert_eq!(env.state(&scope("main")).await.unwrap().0.active(), 9);
}

#[tokio::test]
async fn a_clean_image_scan_archives_its_image_and_leaves_the_repository_alone() {
    let env = Env::start().await;
    let h = env.handler(env.config(&[]));
    // the repository's PHPStan findings, and a Grype scan of an image with findings
    h.handle(&send(&report_a(), "b:1"), &at(T1, "r1"))
        .await
        .unwrap();
    let image_scan = asff_testkit::testdata("grype/defectdojo-check_all_fields.json");
    let image_ids: BTreeSet<String> = expected_ids(tool("grype"), &image_scan)
        .into_iter()
        .collect();
    assert!(!image_ids.is_empty());
    h.handle(&payload(Some("grype"), &image_scan, "b:2"), &at(T1, "r2"))
        .await
        .unwrap();
    // the image fixed: the same scan without matches, no "image" sent (the report names it)
    let mut clean: serde_json::Value = serde_json::from_slice(&image_scan).unwrap();
    clean["matches"] = serde_json::json!([]);
    let clean = serde_json::to_vec(&clean).unwrap();
    let r = h
        .handle(&payload(Some("grype"), &clean, "b:3"), &at(T2, "r3"))
        .await
        .unwrap();
    assert_eq!((r.findings, r.archived), (0, image_ids.len()));
    assert!(r.lifecycle_notes.is_empty(), "{:?}", r.lifecycle_notes);
    let in_hub = hub(&env).await;
    for (id, (state, _, _)) in &in_hub {
        let expected = if image_ids.contains(id) {
            RecordState::Archived
        } else {
            RecordState::Active
        };
        assert_eq!(*state, expected, "{id}");
    }
    assert_eq!(env.state(&scope("main")).await.unwrap().0.active(), 10);
}
