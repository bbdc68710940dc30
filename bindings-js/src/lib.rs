//! wasm-bindgen bindings of `erasekit-core`, shipped as the npm package `erasekit`.
//!
//! The bindings translate and never decide: inputs are read into the core's plain input
//! types, core values are serialised back with one serde-wasm-bindgen configuration
//! ([`convert`]), and core errors become instances of the package's `ErasekitError` ([`error`]).
//! One file per exported class. Large results (calls, events, plans, receipts) leave as JSON
//! text parsed by `JSON.parse` (`convert::json_to_js`): one string crossing per value rather than
//! one per field. The hand-written JS entries in `bindings-js/js/` add `init()`, `USER_AGENT`
//! and the one job driver `job.run(...)` (`js/run.mjs`).

mod capture;
mod convert;
mod credentials;
mod erasure_types;
mod error;
mod job;
mod ledger;
mod ledger_types;
mod options;
mod plan;
mod receipt;
mod redact;
mod redact_request;
mod ts_types;

pub use capture::{capture_source, capture_sources, phone};
pub use credentials::Credentials;
pub use error::{error_codes, invalid_argument_error, set_error_class};
pub use job::ErasureJob;
pub use ledger::{ledger_not_found, storage_error};
pub use ledger::{MemoryLedger, SqlCall, SqlLedger};
pub use plan::{Deadline, ErasurePlan};
pub use receipt::{receipt_public_key, verify_receipt};
pub use redact::redact;
pub use redact_request::RedactRequest;

use wasm_bindgen::prelude::*;

/// Talc instead of dlmalloc: a job allocates a few strings per call, and Talc allocates and
/// frees them several times faster, in less code.
#[cfg(all(target_family = "wasm", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

/// The `User-Agent` every request carries, e.g. `erasekit/0.1.0`.
#[wasm_bindgen(js_name = userAgent)]
pub fn user_agent() -> String {
    erasekit_core::USER_AGENT.to_owned()
}

/// The response headers the core reads (`job.run` looks up only these).
#[wasm_bindgen(js_name = __responseHeaders, skip_typescript)]
pub fn response_headers() -> Vec<String> {
    erasekit_core::RESPONSE_HEADERS
        .iter()
        .map(|name| (*name).to_owned())
        .collect()
}

/// The most of a response body a host reads (the core's `MAX_PROBLEM_BODY`): `job.run` and
/// `redact` stop reading there and fail the call instead of holding an unbounded body.
#[wasm_bindgen(js_name = __maxResponseBody, skip_typescript)]
pub fn max_response_body() -> u32 {
    erasekit_core::MAX_PROBLEM_BODY as u32
}

/// How long a run's lease on its job lasts unless `leaseMs` says (the core's default).
#[wasm_bindgen(js_name = __defaultLeaseMs, skip_typescript)]
pub fn default_lease_ms() -> f64 {
    erasekit_core::DEFAULT_LEASE_MS as f64
}

/// The version of erasekit, e.g. `0.1.0`.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}
