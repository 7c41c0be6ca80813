//! Test helpers shared by the workspace's tests: a fixed [`Context`], validation of findings
//! against `schemas/asff-finding.schema.json`, and access to `testdata/`.
//!
//! ```
//! let ctx = asff_testkit::context();
//! assert_eq!(ctx.now_rfc3339(), "2024-01-01T00:00:00.000Z");
//! ```

// Test support: failing loudly on bad test data is its job.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

pub mod moto;
pub mod proxy;

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::OnceLock;

use asff_core::{AwsSecurityFinding, Context, Location, ParseOutput, Pipeline, ReportError};

/// The workspace root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(PathBuf::from)
        .unwrap_or_default()
}

/// The bytes of `testdata/{path}`.
pub fn testdata(path: &str) -> Vec<u8> {
    let p = root().join("testdata").join(path);
    std::fs::read(&p).unwrap_or_else(|e| panic!("reading {}: {e}", p.display()))
}

/// Every file under `testdata/{dir}` with one of `extensions`, sorted, as paths relative to
/// `testdata/`.
pub fn testdata_files(dir: &str, extensions: &[&str]) -> Vec<String> {
    let base = root().join("testdata");
    let mut out = Vec::new();
    let mut stack = vec![base.join(dir)];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p
                .extension()
                .and_then(|x| x.to_str())
                .is_some_and(|x| extensions.contains(&x))
            {
                if let Ok(rel) = p.strip_prefix(&base) {
                    out.push(rel.to_string_lossy().replace('\\', "/"));
                }
            }
        }
    }
    out.sort();
    out
}

/// Every file of the shared corpus of real reports beside the repository
/// (`../shared/corpus/<tool>/…`), sorted, with the name of its top directory (the tool). Fails
/// when the corpus is missing or empty: the tests that read it must not pass without it.
pub fn corpus_files() -> Vec<(String, PathBuf)> {
    let corpus = root().join("../shared/corpus");
    let mut out = Vec::new();
    let mut stack = vec![corpus.clone()];
    while let Some(d) = stack.pop() {
        let entries = std::fs::read_dir(&d)
            .unwrap_or_else(|e| panic!("the shared corpus {}: {e}", d.display()));
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if let Ok(rel) = p.strip_prefix(&corpus) {
                let tool = rel
                    .components()
                    .next()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .unwrap_or_default();
                if rel.components().count() > 1 {
                    out.push((tool, p.clone()));
                }
            }
        }
    }
    out.sort();
    assert!(
        out.len() > 20,
        "only {} files in the shared corpus {}",
        out.len(),
        corpus.display()
    );
    out
}

/// The fixed pipeline of [`context`].
pub fn pipeline() -> Pipeline {
    Pipeline {
        repository: Some("https://github.com/example/app.git".into()),
        branch: Some("main".into()),
        commit: Some("0123456789abcdef0123456789abcdef01234567".into()),
        build_id: Some("app-build:0f1e2d3c".into()),
        ..Default::default()
    }
}

/// A context with a fixed clock and pipeline, for golden tests.
pub fn context() -> Context {
    Context::new("123456789012", "us-east-1")
        .and_then(|c| c.with_now_rfc3339("2024-01-01T00:00:00Z"))
        .map(|c| c.with_pipeline(pipeline()))
        .unwrap_or_else(|e| panic!("fixed context: {e}"))
}

/// The same context with another build id, commit and clock: Ids must not change.
pub fn context_later() -> Context {
    let p = Pipeline {
        build_id: Some("app-build:99999999".into()),
        commit: Some("fedcba9876543210fedcba9876543210fedcba98".into()),
        ..pipeline()
    };
    context()
        .with_pipeline(p)
        .with_now_rfc3339("2025-06-30T12:34:56Z")
        .unwrap_or_else(|e| panic!("{e}"))
}

fn validator() -> &'static jsonschema::Validator {
    static V: OnceLock<jsonschema::Validator> = OnceLock::new();
    V.get_or_init(|| {
        let p = root().join("schemas/asff-finding.schema.json");
        let text = std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
        let schema: serde_json::Value = serde_json::from_slice(&text).expect("schema is JSON");
        jsonschema::validator_for(&schema).expect("schema compiles")
    })
}

/// The schema errors of one JSON finding, empty when valid.
pub fn schema_errors(finding: &serde_json::Value) -> Vec<String> {
    validator()
        .iter_errors(finding)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect()
}

/// Panics unless every finding validates against the ASFF schema and Ids are unique.
pub fn assert_valid(findings: &[AwsSecurityFinding]) {
    let mut ids = HashSet::new();
    for f in findings {
        let v = serde_json::to_value(f).expect("finding serializes");
        let errors = schema_errors(&v);
        assert!(
            errors.is_empty(),
            "finding {} is not valid ASFF: {errors:#?}",
            f.id
        );
        assert!(ids.insert(f.id.clone()), "duplicate Id {}", f.id);
    }
}

/// Panics unless the output keeps its invariants ([`ParseOutput::check`]): every record emitted
/// or skipped, every finding in a scope the report covers.
pub fn assert_accounted(out: &ParseOutput) {
    if let Err(m) = out.check() {
        panic!("{m}");
    }
}

/// Panics unless the report speaks for at least one scope and every finding's GeneratorId is
/// one of the scopes it speaks for ([`ParseOutput::scopes`]).
pub fn assert_covered(out: &ParseOutput) {
    assert!(!out.scopes.is_empty(), "the report speaks for no scope");
    let uncovered: Vec<&str> = out.uncovered().map(|f| f.generator_id.as_str()).collect();
    assert!(
        uncovered.is_empty(),
        "findings of scopes the report does not cover: {uncovered:?} (covered: {:?})",
        out.scopes
    );
}

/// The one scope (GeneratorId) the report speaks for; panics unless there is exactly one.
pub fn only_scope(out: &ParseOutput) -> &str {
    assert_eq!(out.scopes.len(), 1, "scopes: {:?}", out.scopes);
    out.scopes
        .iter()
        .next()
        .map(String::as_str)
        .unwrap_or_default()
}

/// The JSON path of a report error; panics when the error is not located by a JSON path.
pub fn json_path(e: &ReportError) -> &str {
    match &e.location {
        Location::Json { path, .. } => path,
        other => panic!("expected a JSON location, got {other:?} ({e})"),
    }
}
