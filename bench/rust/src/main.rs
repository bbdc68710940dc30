//! `cargo run --release -p erasekit-bench -- [N]`: core overhead per redaction (poll + handle,
//! no network) and heap bytes per operation of a large job. Prints one JSON line.

use erasekit_core::{
    ApiBase, Auth, Credentials, CredentialsInput, EntryKind, ErasureJob, ErasurePlan, HttpResponse,
    JobConfig, LedgerEntry, PlanOptions, Product,
};
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, Ordering};
use std::time::Instant;

/// Counts live heap bytes so memory per operation is measured, not guessed.
struct Counting;
static LIVE: AtomicIsize = AtomicIsize::new(0);
static ALLOCATIONS: AtomicIsize = AtomicIsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size() as isize, Ordering::Relaxed);
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        System.alloc(layout)
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size() as isize, Ordering::Relaxed);
        System.dealloc(ptr, layout)
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

const T0: u64 = 1_700_000_000_000;

fn entries(n: usize) -> Vec<LedgerEntry> {
    (0..n)
        .map(|i| LedgerEntry {
            kind: EntryKind::Transaction,
            product: Some(Product::Sms),
            direction: None,
            id: format!("0A00000{i:010X}"),
            created_at: T0 - 7_200_000,
            source: "sms_send".into(),
            extra: Default::default(),
        })
        .collect()
}

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let creds = Credentials::new(CredentialsInput {
        api_key: Some("key".into()),
        api_secret: Some("secret".into()),
        ..Default::default()
    })
    .expect("credentials");
    let base = ApiBase::default();
    let auth = Auth {
        credentials: &creds,
        base: &base,
    };

    // Memory: the live heap of a job of n operations, entries dropped.
    let plan = ErasurePlan::new(
        "bench",
        b"0123456789abcdef",
        &entries(n),
        T0,
        None,
        PlanOptions::default(),
    )
    .expect("plan");
    let before = LIVE.load(Ordering::Relaxed);
    let config = JobConfig {
        rate_per_second: 10_000,
        max_in_flight: 1024,
        seed: 1,
        // Stub 204s measure the per-operation cost; the target check is one more call.
        check_target: false,
        ..JobConfig::default()
    };
    let mut job = ErasureJob::new(plan, config).expect("job");
    let job_bytes = LIVE.load(Ordering::Relaxed) - before;
    // The plan moved into the job; count plan + job state together per operation.
    let per_op = (job_bytes as f64 + before as f64) / n as f64;

    // Overhead: poll + handle per operation with virtual time, no I/O.
    let ok = HttpResponse {
        status: 204,
        ..Default::default()
    };
    let allocations_before = ALLOCATIONS.load(Ordering::Relaxed);
    let start = Instant::now();
    let mut now = T0;
    let mut done = 0usize;
    while !job.is_finished() {
        while let Some(call) = job.poll_request(now, auth) {
            job.handle_response(call.call_id, &ok, now).expect("handle");
            done += 1;
        }
        while job.poll_event().is_some() {}
        now = job.poll_timeout(now).unwrap_or(now + 1).max(now + 1);
    }
    let elapsed = start.elapsed();
    let allocations = ALLOCATIONS.load(Ordering::Relaxed) - allocations_before;
    println!(
        "{{\"operations\": {done}, \"ns_per_operation\": {:.0}, \"allocations_per_operation\": {:.1}, \"heap_bytes_per_operation\": {per_op:.0}}}",
        elapsed.as_nanos() as f64 / done as f64,
        allocations as f64 / done as f64
    );
}
