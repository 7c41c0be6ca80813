//! The lifecycle against fakes: a Security Hub that, like the real one, ignores an update whose
//! `UpdatedAt` is not newer than the stored one, and a state store in memory with ETags.
//! (The moto tests of `import-findings` run it against real APIs; moto keeps the last update
//! whatever its `UpdatedAt`, so the ordering rules are checked here.)

use std::collections::{BTreeMap, HashMap};
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Mutex;

use asff_core::lifecycle::ScopeState;
use asff_core::model::RecordState;
use asff_core::{build, AwsSecurityFinding, Context, Draft, Label, Scope, ToolInfo};

use super::*;
use crate::sink::BatchOutcome;

const TOOL: ToolInfo = ToolInfo {
    name: "t",
    product_name: "T",
    company_name: "T",
};

fn ctx(now: &str) -> Context {
    Context::new("123456789012", "us-east-1")
        .unwrap()
        .with_now_rfc3339(now)
        .unwrap()
}

fn scope(branch: &str) -> Scope {
    Scope::Repository {
        name: "github.com/example/app".into(),
        branch: Some(branch.into()),
    }
}

fn gen(branch: &str) -> String {
    asff_core::id::generator_id("t", &scope(branch))
}

/// Hand-built findings `finding {k}` of a branch, at a time.
fn findings(now: &str, branch: &str, keys: &[u32]) -> Vec<AwsSecurityFinding> {
    let c = ctx(now);
    keys.iter()
        .map(|k| {
            build(
                &c,
                &TOOL,
                &scope(branch),
                Draft {
                    identity: vec![k.to_string()],
                    title: format!("finding {k}"),
                    label: Some(Label::Medium),
                    types: vec!["Software and Configuration Checks/Vulnerabilities".into()],
                    ..Default::default()
                },
            )
            .unwrap()
        })
        .collect()
}

fn id_of(branch: &str, k: u32) -> String {
    findings("2024-01-01T00:00:00Z", branch, &[k]).remove(0).id
}

fn request(now: &str, branch: &str, keys: &[u32]) -> Request {
    Request {
        findings: findings(now, branch, keys),
        scopes: Vec::new(),
        hold: None,
        dry_run: false,
        now: ctx(now).now(),
    }
}

/// Security Hub: keeps a finding's latest record by `UpdatedAt` (an update that is not newer
/// is ignored, as Security Hub does); rejects the Ids in `reject` with InvalidInput.
#[derive(Default)]
struct Hub {
    findings: Mutex<BTreeMap<String, AwsSecurityFinding>>,
    reject: Mutex<Vec<String>>,
    records: AtomicUsize,
}

impl FindingSink for Hub {
    async fn import(&self, fs: &[&AwsSecurityFinding]) -> Result<BatchOutcome, AwsError> {
        let reject = self.reject.lock().unwrap().clone();
        let mut stored = self.findings.lock().unwrap();
        let mut out = BatchOutcome::default();
        for f in fs {
            self.records.fetch_add(1, Ordering::SeqCst);
            if reject.contains(&f.id) {
                out.failed.push(FailedFinding {
                    id: f.id.clone(),
                    error_code: "InvalidInput".into(),
                    error_message: "rejected by the test".into(),
                });
                continue;
            }
            // the timestamps have one fixed format: text order is time order
            let newer = stored
                .get(&f.id)
                .is_none_or(|old| f.updated_at > old.updated_at);
            if newer {
                stored.insert(f.id.clone(), (*f).clone());
            }
            out.success += 1;
        }
        Ok(out)
    }
}

impl Hub {
    fn get(&self, id: &str) -> AwsSecurityFinding {
        self.findings
            .lock()
            .unwrap()
            .get(id)
            .cloned()
            .unwrap_or_else(|| panic!("{id} is not in Security Hub"))
    }

    fn state_of(&self, id: &str) -> Option<RecordState> {
        self.get(id).record_state
    }
}

/// States in memory; ETags count writes.
#[derive(Default)]
struct MemStore {
    states: Mutex<HashMap<String, (ScopeState, u64)>>,
    writes: AtomicU64,
}

impl StateStore for MemStore {
    async fn load(&self, generator_id: &str) -> Result<Option<Loaded>, StateError> {
        Ok(self
            .states
            .lock()
            .unwrap()
            .get(generator_id)
            .map(|(s, e)| Loaded {
                state: s.clone(),
                etag: e.to_string(),
            }))
    }

    async fn save(&self, state: &ScopeState, pre: &Precondition) -> Result<Saved, AwsError> {
        let mut m = self.states.lock().unwrap();
        let ok = match (pre, m.get(&state.generator_id)) {
            (Precondition::IfNoneMatch, None) => true,
            (Precondition::IfMatch(e), Some((_, cur))) => *e == cur.to_string(),
            _ => false,
        };
        if !ok {
            return Ok(Saved::Conflict);
        }
        let etag = self.writes.fetch_add(1, Ordering::SeqCst) + 1;
        m.insert(state.generator_id.clone(), (state.clone(), etag));
        Ok(Saved::Written(etag.to_string()))
    }

    fn location(&self, generator_id: &str) -> String {
        format!("mem://{generator_id}")
    }
}

impl MemStore {
    fn state(&self, generator_id: &str) -> (ScopeState, u64) {
        self.states
            .lock()
            .unwrap()
            .get(generator_id)
            .cloned()
            .expect("a state")
    }
}

type Hook<'a> = Pin<Box<dyn Future<Output = ()> + Send + 'a>>;

/// A store that runs `hook` (another run of the scope) just before its first save: between
/// this run's load and its write.
struct Interleave<'a> {
    inner: &'a MemStore,
    hook: Mutex<Option<Hook<'a>>>,
}

impl StateStore for Interleave<'_> {
    async fn load(&self, generator_id: &str) -> Result<Option<Loaded>, StateError> {
        self.inner.load(generator_id).await
    }

    async fn save(&self, state: &ScopeState, pre: &Precondition) -> Result<Saved, AwsError> {
        let hook = self.hook.lock().unwrap().take();
        if let Some(h) = hook {
            h.await;
        }
        self.inner.save(state, pre).await
    }

    fn location(&self, generator_id: &str) -> String {
        self.inner.location(generator_id)
    }
}

fn settings() -> Settings {
    Settings::default()
}

async fn run_ok(hub: &Hub, store: &impl StateStore, req: Request) -> Outcome {
    let (out, failure) = run(hub, store, &TokenBucket::security_hub(), &settings(), req).await;
    assert_eq!(failure, None, "{out:?}");
    out
}

/// Security Hub agrees with the stored state for every finding of the scope: ACTIVE exactly
/// for the active entries, and the same CreatedAt, FirstObservedAt and UpdatedAt.
fn assert_consistent(hub: &Hub, store: &MemStore, generator_id: &str) {
    let (state, _) = store.state(generator_id);
    for (id, e) in &state.findings {
        let f = hub.get(id);
        let want = if e.active {
            RecordState::Active
        } else {
            RecordState::Archived
        };
        assert_eq!(f.record_state, Some(want), "{id}");
        assert_eq!(f.created_at, e.created_at, "{id}: CreatedAt");
        assert_eq!(f.first_observed_at, e.first_observed_at, "{id}");
        assert_eq!(f.updated_at, e.updated_at, "{id}: UpdatedAt");
    }
    let in_hub = hub
        .findings
        .lock()
        .unwrap()
        .values()
        .filter(|f| f.generator_id == generator_id)
        .count();
    assert_eq!(
        in_hub,
        state.findings.len(),
        "every finding of the scope is in the state"
    );
}

const A: [u32; 10] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
const B: [u32; 9] = [1, 2, 3, 4, 5, 6, 7, 11, 12];

#[tokio::test(start_paused = true)]
async fn absent_findings_are_archived_and_come_back() {
    let (hub, store) = (Hub::default(), MemStore::default());
    let g = gen("main");
    let out = run_ok(&hub, &store, request("2024-01-01T00:00:00Z", "main", &A)).await;
    assert_eq!((out.imported, out.archived.len()), (10, 0));
    assert_eq!(out.states_written, 1);

    let out = run_ok(&hub, &store, request("2024-01-02T00:00:00Z", "main", &B)).await;
    assert_eq!(out.imported, 9);
    let mut archived = out.archived.clone();
    archived.sort();
    let mut want: Vec<String> = [8, 9, 10].iter().map(|k| id_of("main", *k)).collect();
    want.sort();
    assert_eq!(archived, want);
    for k in [8, 9, 10] {
        assert_eq!(hub.state_of(&id_of("main", k)), Some(RecordState::Archived));
    }
    let kept = hub.get(&id_of("main", 1));
    assert_eq!(kept.created_at, "2024-01-01T00:00:00.000Z", "first seen");
    assert_eq!(kept.updated_at, "2024-01-02T00:00:00.000Z");
    assert_consistent(&hub, &store, &g);
    assert_eq!(store.state(&g).0.active(), 9);

    let out = run_ok(&hub, &store, request("2024-01-03T00:00:00Z", "main", &A)).await;
    assert_eq!(out.reactivated, 3);
    assert_eq!(out.archived.len(), 2, "11 and 12");
    let back = hub.get(&id_of("main", 8));
    assert_eq!(back.record_state, Some(RecordState::Active));
    assert_eq!(back.created_at, "2024-01-01T00:00:00.000Z");
    assert_consistent(&hub, &store, &g);
}

/// Two runs of one scope at once: `late` loads the state, imports, and before it writes, `early`
/// runs completely. `late`'s write conflicts; it reloads, reconciles again and imports what
/// changed. Whatever the two clocks, the result is that of `early` then `late`, in the state and
/// in Security Hub.
async fn interleaved(early_now: &str, late_now: &str) {
    let (hub, store) = (Hub::default(), MemStore::default());
    let g = gen("main");
    run_ok(&hub, &store, request("2024-01-01T00:00:00Z", "main", &A)).await;
    // early drops 1 and 2, keeps 3..10, adds 11 and 13; late is B: drops 8..10, adds 11, 12
    let early = request(early_now, "main", &[3, 4, 5, 6, 7, 8, 9, 10, 11, 13]);
    let limiter = TokenBucket::security_hub();
    let st = settings();
    let inner = &store;
    let hub_ref = &hub;
    let hook: Hook<'_> = Box::pin(async move {
        let (_, f) = run(hub_ref, inner, &limiter, &st, early).await;
        assert_eq!(f, None);
    });
    let interleave = Interleave {
        inner: &store,
        hook: Mutex::new(Some(hook)),
    };
    let out = run_ok(&hub, &interleave, request(late_now, "main", &B)).await;
    assert_eq!(out.conflicts, 1);

    let (state, _) = store.state(&g);
    let active: Vec<u32> = (1..=13)
        .filter(|k| {
            state
                .findings
                .get(&id_of("main", *k))
                .is_some_and(|e| e.active)
        })
        .collect();
    assert_eq!(
        active,
        B.to_vec(),
        "the last writer's report is what is active"
    );
    for k in [8, 9, 10, 13] {
        assert!(
            !state.findings[&id_of("main", k)].active,
            "{k} archived, not lost from the state"
        );
    }
    // 1 and 2: archived by `early`, reported again by `late`: active (not lost)
    assert_eq!(hub.state_of(&id_of("main", 1)), Some(RecordState::Active));
    // 13: only `early` saw it, `late` archives it (not resurrected or left active)
    assert_eq!(
        hub.state_of(&id_of("main", 13)),
        Some(RecordState::Archived)
    );
    // 11: first seen by the first writer
    let eleven = &state.findings[&id_of("main", 11)];
    assert_eq!(
        eleven.created_at,
        asff_core::context::format_timestamp(ctx(early_now).now())
    );
    // 3: first seen in the first run, whoever came later
    assert_eq!(
        state.findings[&id_of("main", 3)].created_at,
        "2024-01-01T00:00:00.000Z"
    );
    assert_consistent(&hub, &store, &g);
    // and the accounting of the late run follows its final reconciliation
    let mut archived = out.archived.clone();
    archived.sort();
    let mut want: Vec<String> = [8, 9, 10, 13].iter().map(|k| id_of("main", *k)).collect();
    want.sort();
    assert_eq!(archived, want);
    assert_eq!(out.reactivated, 2, "1 and 2, archived by the early run");
}

#[tokio::test(start_paused = true)]
async fn concurrent_runs_early_clock_behind() {
    interleaved("2024-01-02T00:00:00Z", "2024-01-02T00:05:00Z").await;
}

#[tokio::test(start_paused = true)]
async fn concurrent_runs_early_clock_ahead() {
    interleaved("2024-01-02T00:05:00Z", "2024-01-02T00:00:00Z").await;
}

#[tokio::test(start_paused = true)]
async fn concurrent_runs_same_clock() {
    interleaved("2024-01-02T00:00:00Z", "2024-01-02T00:00:00Z").await;
}

#[tokio::test(start_paused = true)]
async fn a_conflict_reimports_only_what_changed() {
    let (hub, store) = (Hub::default(), MemStore::default());
    let g = gen("main");
    run_ok(&hub, &store, request("2024-01-01T00:00:00Z", "main", &A)).await;
    // another writer changes only finding 1's entry (written into the state directly)
    let inner = &store;
    let g2 = g.clone();
    let hook: Hook<'_> = Box::pin(async move {
        let (mut s, etag) = inner.state(&g2);
        let e = s.findings.get_mut(&id_of("main", 1)).unwrap();
        e.updated_at = "2024-01-02T00:00:00.000Z".into();
        let r = inner
            .save(&s, &Precondition::IfMatch(etag.to_string()))
            .await
            .unwrap();
        assert!(matches!(r, Saved::Written(_)));
    });
    let interleave = Interleave {
        inner: &store,
        hook: Mutex::new(Some(hook)),
    };
    let before = hub.records.load(Ordering::SeqCst);
    let out = run_ok(
        &hub,
        &interleave,
        request("2024-01-02T00:00:00Z", "main", &A),
    )
    .await;
    assert_eq!(out.conflicts, 1);
    assert_eq!(
        hub.records.load(Ordering::SeqCst) - before,
        11,
        "10 findings, and finding 1 once more"
    );
    let one = hub.get(&id_of("main", 1));
    assert_eq!(one.updated_at, "2024-01-02T00:00:00.001Z");
    assert_eq!(
        store.state(&g).0.findings[&id_of("main", 1)].updated_at,
        one.updated_at
    );
}

#[tokio::test(start_paused = true)]
async fn a_partial_failure_archives_nothing_and_keeps_the_state() {
    let (hub, store) = (Hub::default(), MemStore::default());
    let g = gen("main");
    run_ok(&hub, &store, request("2024-01-01T00:00:00Z", "main", &A)).await;
    let before = store.state(&g);
    hub.reject.lock().unwrap().push(id_of("main", 11));
    let (out, f) = run(
        &hub,
        &store,
        &TokenBucket::security_hub(),
        &settings(),
        request("2024-01-02T00:00:00Z", "main", &B),
    )
    .await;
    let f = f.expect("a failure");
    assert_eq!(f.error_type, "ImportIncomplete");
    assert_eq!(f.retry, Retry::Permanent);
    assert!(f.message.contains("nothing archived"), "{}", f.message);
    assert!(out.archived.is_empty());
    assert_eq!(out.failed.len(), 1);
    assert_eq!(store.state(&g), before, "the state did not advance");
    for k in [8, 9, 10] {
        assert_eq!(hub.state_of(&id_of("main", k)), Some(RecordState::Active));
    }
}

#[tokio::test(start_paused = true)]
async fn a_failed_archive_import_keeps_the_state() {
    let (hub, store) = (Hub::default(), MemStore::default());
    let g = gen("main");
    run_ok(&hub, &store, request("2024-01-01T00:00:00Z", "main", &A)).await;
    let before = store.state(&g);
    hub.reject.lock().unwrap().push(id_of("main", 9));
    let (out, f) = run(
        &hub,
        &store,
        &TokenBucket::security_hub(),
        &settings(),
        request("2024-01-02T00:00:00Z", "main", &B),
    )
    .await;
    let f = f.expect("a failure");
    assert_eq!(f.error_type, "ImportIncomplete");
    assert!(f.message.contains("ARCHIVED records"), "{}", f.message);
    assert_eq!(out.imported, 9);
    assert_eq!(out.failed[0].id, id_of("main", 9));
    assert_eq!(store.state(&g), before, "the state did not advance");
}

#[tokio::test(start_paused = true)]
async fn other_scopes_are_untouched() {
    let (hub, store) = (Hub::default(), MemStore::default());
    run_ok(&hub, &store, request("2024-01-01T00:00:00Z", "main", &A)).await;
    run_ok(
        &hub,
        &store,
        request("2024-01-01T00:00:00Z", "dev", &[1, 2]),
    )
    .await;
    let out = run_ok(&hub, &store, request("2024-01-02T00:00:00Z", "main", &[1])).await;
    assert_eq!(out.archived.len(), 9);
    assert_eq!(hub.state_of(&id_of("dev", 2)), Some(RecordState::Active));
    assert_eq!(store.state(&gen("dev")).0.active(), 2);
}

#[tokio::test(start_paused = true)]
async fn a_clean_report_archives_its_scope() {
    let (hub, store) = (Hub::default(), MemStore::default());
    let g = gen("main");
    run_ok(&hub, &store, request("2024-01-01T00:00:00Z", "main", &A)).await;
    let mut req = request("2024-01-02T00:00:00Z", "main", &[]);
    req.scopes = vec![g.clone()];
    let out = run_ok(&hub, &store, req).await;
    assert_eq!(out.archived.len(), 10);
    assert_eq!(store.state(&g).0.active(), 0);
    assert_consistent(&hub, &store, &g);
}

#[tokio::test(start_paused = true)]
async fn dry_run_and_hold_archive_nothing() {
    let (hub, store) = (Hub::default(), MemStore::default());
    let g = gen("main");
    run_ok(&hub, &store, request("2024-01-01T00:00:00Z", "main", &A)).await;
    let before = store.state(&g);

    let mut req = request("2024-01-02T00:00:00Z", "main", &B);
    req.dry_run = true;
    let out = run_ok(&hub, &store, req).await;
    assert!(out.archived.is_empty());
    assert_eq!(out.would_archive.len(), 3);
    assert_eq!(out.states_written, 0);
    assert_eq!(store.state(&g), before, "no state written");
    assert_eq!(hub.state_of(&id_of("main", 8)), Some(RecordState::Active));

    let mut req = request("2024-01-03T00:00:00Z", "main", &B);
    req.hold = Some("the report may be incomplete".into());
    let out = run_ok(&hub, &store, req).await;
    assert!(out.archived.is_empty());
    assert_eq!(out.would_archive.len(), 3);
    assert!(
        out.notes[0].contains("the report may be incomplete"),
        "{out:?}"
    );
    let (state, _) = store.state(&g);
    assert_eq!(
        state.active(),
        12,
        "the absent ones stay active, 11 and 12 added"
    );
    assert_eq!(hub.state_of(&id_of("main", 8)), Some(RecordState::Active));
    assert_consistent(&hub, &store, &g);
}

/// Refuses every conditional write.
struct AlwaysConflict(MemStore);

impl StateStore for AlwaysConflict {
    async fn load(&self, generator_id: &str) -> Result<Option<Loaded>, StateError> {
        self.0.load(generator_id).await
    }
    async fn save(&self, _: &ScopeState, _: &Precondition) -> Result<Saved, AwsError> {
        Ok(Saved::Conflict)
    }
    fn location(&self, g: &str) -> String {
        self.0.location(g)
    }
}

#[tokio::test(start_paused = true)]
async fn endless_conflicts_give_up() {
    let hub = Hub::default();
    let store = AlwaysConflict(MemStore::default());
    let (out, f) = run(
        &hub,
        &store,
        &TokenBucket::security_hub(),
        &settings(),
        request("2024-01-01T00:00:00Z", "main", &A),
    )
    .await;
    let f = f.expect("a failure");
    // a missing state that cannot be created: the object is there but unreadable
    assert_eq!(f.error_type, "StateUnreadable");
    assert_eq!(f.retry, Retry::Permanent);
    assert_eq!(out.imported, 10);

    // with a state there, conflicts go on until the attempts are used up
    let store = AlwaysConflict(MemStore::default());
    run_ok(&hub, &store.0, request("2024-01-01T00:00:00Z", "main", &A)).await;
    let (out, f) = run(
        &hub,
        &store,
        &TokenBucket::security_hub(),
        &settings(),
        request("2024-01-02T00:00:00Z", "main", &A),
    )
    .await;
    let f = f.expect("a failure");
    assert_eq!(f.error_type, "StateConflict");
    assert_eq!(f.retry, Retry::Transient);
    assert_eq!(out.conflicts, settings().max_attempts as usize);
}

/// A store whose object cannot be used, or cannot be reached.
struct Broken(StateError);

impl StateStore for Broken {
    async fn load(&self, _: &str) -> Result<Option<Loaded>, StateError> {
        Err(self.0.clone())
    }
    async fn save(&self, _: &ScopeState, _: &Precondition) -> Result<Saved, AwsError> {
        panic!("no write expected")
    }
    fn location(&self, g: &str) -> String {
        format!("broken://{g}")
    }
}

#[tokio::test(start_paused = true)]
async fn an_unusable_state_leaves_its_scope_out_and_a_failed_load_imports_nothing() {
    let hub = Hub::default();
    let store = Broken(StateError::Unreadable {
        key: "broken://x".into(),
        message: "not a scope state".into(),
    });
    let out = run_ok(&hub, &store, request("2024-01-01T00:00:00Z", "main", &A)).await;
    assert_eq!(out.imported, 10, "imported as they are");
    assert_eq!(out.states_written, 0);
    assert!(out.notes[0].contains("not a scope state"), "{out:?}");

    let hub = Hub::default();
    let store = Broken(StateError::Aws(AwsError::new(
        Retry::Transient,
        "S3.GetObject",
        "Unreachable",
        "connection refused",
    )));
    let (out, f) = run(
        &hub,
        &store,
        &TokenBucket::security_hub(),
        &settings(),
        request("2024-01-01T00:00:00Z", "main", &A),
    )
    .await;
    let f = f.expect("a failure");
    assert_eq!((f.error_type, f.retry), ("AwsCall", Retry::Transient));
    assert_eq!(out.imported, 0);
    assert_eq!(hub.records.load(Ordering::SeqCst), 0, "nothing imported");
}
