//! Converting a ≥ 50 MB Dependency-Check JSON report next to a plain `serde_json::Value` parse
//! of the same bytes, in MB/s (criterion reports the throughput).
//!
//! `cargo bench -p asff-dependency-check`; the peak memory is measured by
//! `cargo run --release -p asff-dependency-check --example peak_memory`.

// Benchmarks may unwrap, panic and index (the workspace denies it in library code).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice
)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};

#[path = "support/generate.rs"]
mod generate;

const MIN_BYTES: usize = 50 * 1024 * 1024;

fn convert(c: &mut Criterion) {
    let (report, records) = generate::large_report(MIN_BYTES);
    let ctx = asff_testkit::context();
    // sanity: the report converts, every record is accounted for, Ids are unique
    let out = asff_dependency_check::parse(&report, &ctx).expect("the generated report converts");
    assert_eq!(out.records, records);
    assert_eq!(out.findings.len(), records);
    let ids: std::collections::HashSet<_> = out.findings.iter().map(|f| &f.id).collect();
    assert_eq!(ids.len(), records, "Ids are unique");
    eprintln!(
        "generated report: {} bytes ({:.1} MB), {} findings",
        report.len(),
        report.len() as f64 / 1e6,
        out.findings.len()
    );
    drop(out);

    let mut g = c.benchmark_group("dependency-check-50MB");
    g.throughput(Throughput::Bytes(report.len() as u64));
    g.sample_size(10);
    g.warm_up_time(Duration::from_secs(2));
    g.measurement_time(Duration::from_secs(15));
    g.bench_function("parse+convert (asff-dependency-check)", |b| {
        b.iter(|| {
            black_box(asff_dependency_check::parse(black_box(&report), &ctx).expect("converts"))
        })
    });
    g.bench_function("serde_json::Value parse", |b| {
        b.iter(|| {
            black_box(
                serde_json::from_slice::<serde_json::Value>(black_box(&report)).expect("parses"),
            )
        })
    });
    g.finish();
}

criterion_group!(benches, convert);
criterion_main!(benches);
