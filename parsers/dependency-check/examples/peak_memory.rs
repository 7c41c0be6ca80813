//! Peak memory and speed of converting a ≥ 50 MB Dependency-Check report, next to a plain
//! `serde_json::Value` parse of the same bytes.
//!
//! `cargo run --release -p asff-dependency-check --example peak_memory`
//!
//! Two measures: the heap, counted by a global allocator (exact, what the conversion allocates
//! on top of the report bytes), and the resident set (VmHWM from /proc/self/status, reset
//! before each run through /proc/self/clear_refs).

// Benchmarks may unwrap, panic and index (the workspace denies it in library code).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice
)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

#[path = "../benches/support/generate.rs"]
mod generate;

struct Counting;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(by: usize) {
    let now = CURRENT.fetch_add(by, Ordering::Relaxed) + by;
    PEAK.fetch_max(now, Ordering::Relaxed);
}

// SAFETY: every call is forwarded to the system allocator unchanged; only sizes are counted.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        CURRENT.fetch_sub(layout.size(), Ordering::Relaxed);
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            CURRENT.fetch_sub(layout.size(), Ordering::Relaxed);
            grew(new_size);
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// A `kB` value of /proc/self/status, in bytes.
fn status(key: &str) -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with(key))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

struct Measure {
    seconds: f64,
    heap_extra: usize,
    rss_before: Option<u64>,
    hwm: Option<u64>,
}

fn measure<T>(f: impl FnOnce() -> T) -> (T, Measure) {
    // reset the peak resident set (Linux ≥ 4.0) and the heap peak
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let base = CURRENT.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    let rss_before = status("VmRSS:");
    let t = Instant::now();
    let out = f();
    let seconds = t.elapsed().as_secs_f64();
    let m = Measure {
        seconds,
        heap_extra: PEAK.load(Ordering::Relaxed) - base,
        rss_before,
        hwm: status("VmHWM:"),
    };
    (out, m)
}

fn report(what: &str, size: usize, m: &Measure) {
    let mb = size as f64 / 1e6;
    println!("{what}:");
    println!("  time {:.3} s, {:.0} MB/s", m.seconds, mb / m.seconds);
    println!(
        "  heap allocated on top of the report: peak {:.1} MB = {:.2}x the report; with the report bytes {:.2}x",
        m.heap_extra as f64 / 1e6,
        m.heap_extra as f64 / size as f64,
        (m.heap_extra + size) as f64 / size as f64
    );
    if let (Some(before), Some(hwm)) = (m.rss_before, m.hwm) {
        println!(
            "  resident set: before {:.1} MB, peak (VmHWM) {:.1} MB = {:.2}x the report; growth {:.2}x",
            before as f64 / 1e6,
            hwm as f64 / 1e6,
            hwm as f64 / size as f64,
            hwm.saturating_sub(before) as f64 / size as f64
        );
    }
}

fn main() {
    let (bytes, records) = generate::large_report(50 * 1024 * 1024);
    let size = bytes.len();
    println!(
        "report: {size} bytes ({:.1} MB), {records} vulnerabilities",
        size as f64 / 1e6
    );
    let ctx = asff_testkit::context();

    let (out, m) = measure(|| asff_dependency_check::parse(&bytes, &ctx));
    let out = out.expect("the generated report converts");
    assert_eq!(out.findings.len(), records);
    report(
        &format!(
            "asff-dependency-check parse+convert ({} findings)",
            out.findings.len()
        ),
        size,
        &m,
    );
    drop(out);

    let (v, m) = measure(|| serde_json::from_slice::<serde_json::Value>(&bytes));
    v.expect("the generated report is JSON");
    report("serde_json::Value parse", size, &m);
}
