//! `ErasureJob`: the JS class around the core's sans-IO erasure job.
//!
//! The raw protocol (`pollRequest`, `handleResponse`, `handleFailure`, `pollEvent`,
//! `pollTimeout`) is exposed as is: the host sends the calls with any HTTP client and sleeps
//! until `pollTimeout`. `js/job.mjs` adds `run(...)`, a driver over these methods with the
//! host's `fetch`; it moves bytes and sleeps, the core decides everything else.

use crate::error::{invalid_argument, to_js_error};
use crate::options::{get, options_object, RequestOptions};
use crate::plan::ErasurePlan;
use crate::wire::{bytes_arg, from_js_bytes, from_js_plain, time_arg, to_js};
use erasekit_core::{Auth, HttpResponse, JobConfig, TransportFailure};
use js_sys::{Function, Object, Reflect, Uint8Array};
use serde::Deserialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// An erasure job: drives a plan at Vonage's limits, resumable, ending in a signed receipt.
#[wasm_bindgen]
#[repr(transparent)]
pub struct ErasureJob(erasekit_core::ErasureJob);

/// The options of `new ErasureJob(plan, options)` other than `seed`: camelCase names of the
/// core's `JobConfig`.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct JobOptionsInput {
    job_id: Option<String>,
    rate_per_second: Option<u32>,
    max_in_flight: Option<u32>,
    max_attempts: Option<u32>,
    max_premature: Option<u32>,
    max_rate_limited: Option<u32>,
    backoff_base_ms: Option<u64>,
    backoff_max_ms: Option<u64>,
}

const JOB_KEYS: &[&str] = &[
    "jobId",
    "ratePerSecond",
    "maxInFlight",
    "maxAttempts",
    "maxPremature",
    "maxRateLimited",
    "backoffBaseMs",
    "backoffMaxMs",
    "seed",
];

/// 2^53 − 1: the largest whole number a JS number holds exactly.
const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

/// Reads the job options into the core's config; `seed` from `crypto.getRandomValues` when absent.
fn job_config(options: Option<Object>) -> Result<JobConfig, JsValue> {
    let mut config = JobConfig::default();
    let Some(options) = options.filter(|o| !o.is_undefined() && !o.is_null()) else {
        config.seed = random_seed()?;
        return Ok(config);
    };
    let object = options_object(&options, JOB_KEYS)?;
    let seed = get(&object, "seed");
    config.seed = if seed.is_undefined() || seed.is_null() {
        random_seed()?
    } else {
        seed_arg(&seed)?
    };
    // Everything but the seed is plain data; the seed may be a BigInt, which JSON cannot hold.
    let rest = Object::assign(&Object::new(), &object);
    Reflect::delete_property(&rest, &"seed".into())?;
    let input: JobOptionsInput = from_js_plain(rest.into(), "options")?;
    let set = |slot: &mut u32, value: Option<u32>| {
        if let Some(v) = value {
            *slot = v;
        }
    };
    set(&mut config.rate_per_second, input.rate_per_second);
    set(&mut config.max_in_flight, input.max_in_flight);
    set(&mut config.max_attempts, input.max_attempts);
    set(&mut config.max_premature, input.max_premature);
    set(&mut config.max_rate_limited, input.max_rate_limited);
    if let Some(v) = input.backoff_base_ms {
        config.backoff_base_ms = v;
    }
    if let Some(v) = input.backoff_max_ms {
        config.backoff_max_ms = v;
    }
    if let Some(id) = input.job_id {
        config.job_id = id;
    }
    Ok(config)
}

/// A seed: a whole number from 0 to 2^53 − 1, or a BigInt from 0 to 2^64 − 1.
fn seed_arg(value: &JsValue) -> Result<u64, JsValue> {
    if let Some(n) = value.as_f64() {
        if n.fract() == 0.0 && (0.0..=MAX_SAFE_INTEGER).contains(&n) {
            return Ok(n as u64);
        }
        return Err(invalid_argument(
            "seed",
            "a number seed must be a whole number from 0 to 2^53 - 1; pass a BigInt for 64 bits",
        ));
    }
    if value.is_bigint() {
        return u64::try_from(value.clone())
            .map_err(|_| invalid_argument("seed", "must be a BigInt from 0 to 2^64 - 1"));
    }
    Err(invalid_argument("seed", "expected a number or a BigInt"))
}

/// 64 random bits from `globalThis.crypto.getRandomValues` (Node 20 and every browser).
fn random_seed() -> Result<u64, JsValue> {
    let missing = || {
        invalid_argument(
            "seed",
            "absent, and globalThis.crypto.getRandomValues is not available; pass one",
        )
    };
    let crypto = get(&js_sys::global().into(), "crypto");
    let fill = get(&crypto, "getRandomValues")
        .dyn_into::<Function>()
        .map_err(|_| missing())?;
    let bytes = Uint8Array::new_with_length(8);
    fill.call1(&crypto, &bytes).map_err(|_| missing())?;
    let mut buf = [0u8; 8];
    bytes.copy_to(&mut buf);
    Ok(u64::from_le_bytes(buf))
}

/// A call id as handed out by `pollRequest`: a whole, non-negative number.
fn call_id_arg(value: &JsValue) -> Result<u64, JsValue> {
    if let Some(n) = value.as_f64() {
        if n.fract() == 0.0 && (0.0..=MAX_SAFE_INTEGER).contains(&n) {
            return Ok(n as u64);
        }
    } else if value.is_bigint() {
        if let Ok(n) = u64::try_from(value.clone()) {
            return Ok(n);
        }
    }
    Err(invalid_argument(
        "callId",
        "expected the call_id pollRequest returned",
    ))
}

/// `"timeout"`, `"connection"` or `{ message }`.
fn failure_arg(value: &JsValue) -> Result<TransportFailure, JsValue> {
    match value.as_string().as_deref() {
        Some("timeout") => return Ok(TransportFailure::Timeout),
        Some("connection") => return Ok(TransportFailure::Connection),
        Some(_) => {}
        None => {
            if let Some(message) = get(value, "message")
                .as_string()
                .filter(|_| value.is_object())
            {
                return Ok(TransportFailure::Other { message });
            }
        }
    }
    Err(invalid_argument(
        "failure",
        "expected \"timeout\", \"connection\" or { message: string }",
    ))
}

#[wasm_bindgen]
impl ErasureJob {
    /// A job for `plan` (which stays usable): `{ ratePerSecond = 170, maxInFlight = 32,
    /// maxAttempts = 8, maxPremature = 10, maxRateLimited = 100, backoffBaseMs = 500,
    /// backoffMaxMs = 60000, seed?, jobId? }`. `seed` (a number up to 2^53 − 1 or a BigInt)
    /// drives jitter and JWT ids; random when absent. `jobId` defaults to one derived from it.
    #[wasm_bindgen(constructor)]
    pub fn new(
        plan: &ErasurePlan,
        #[wasm_bindgen(unchecked_optional_param_type = "JobOptions")] options: Option<Object>,
    ) -> Result<ErasureJob, JsValue> {
        let config = job_config(options)?;
        erasekit_core::ErasureJob::new(plan.0.clone(), config)
            .map(ErasureJob)
            .map_err(|e| to_js_error(&e))
    }

    /// A job from `snapshot()` output; a call that was in flight is sent again.
    pub fn restore(snapshot: &str) -> Result<ErasureJob, JsValue> {
        erasekit_core::ErasureJob::restore(snapshot)
            .map(ErasureJob)
            .map_err(|e| to_js_error(&e))
    }

    /// The job id (also the receipt id).
    #[wasm_bindgen(getter = jobId)]
    pub fn job_id(&self) -> String {
        self.0.job_id().to_owned()
    }

    /// The subject the plan erases (personal data; the receipt names it only by its hash).
    #[wasm_bindgen(getter)]
    pub fn subject(&self) -> String {
        self.0.plan().subject.clone()
    }

    /// A copy of the plan this job runs.
    #[wasm_bindgen(getter)]
    pub fn plan(&self) -> ErasurePlan {
        ErasurePlan(self.0.plan().clone())
    }

    /// The next call to send at `now`, or `null` when the schedule, the rate limit or
    /// `maxInFlight` allow none. Poll until `null` after construction, after every
    /// `handle*` call and when `pollTimeout` is reached. `options`: `{ credentials, baseUrl? }`
    /// (never stored).
    #[wasm_bindgen(js_name = pollRequest, unchecked_return_type = "JobCall | null")]
    pub fn poll_request(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "number")] now: JsValue,
        #[wasm_bindgen(unchecked_param_type = "RequestOptions")] options: JsValue,
    ) -> Result<JsValue, JsValue> {
        let now = time_arg(&now, "now")?;
        let options = RequestOptions::from_js(&options)?;
        let auth = Auth {
            credentials: &options.credentials,
            base: &options.base,
        };
        match self.0.poll_request(now, auth) {
            Some(call) => to_js(&call, "now"),
            None => Ok(JsValue::NULL),
        }
    }

    /// Feeds the answer to call `callId`: `{ status, headers?, body? }`, read at `now`.
    #[wasm_bindgen(js_name = handleResponse)]
    pub fn handle_response(
        &mut self,
        #[wasm_bindgen(js_name = callId, unchecked_param_type = "number")] call_id: JsValue,
        #[wasm_bindgen(unchecked_param_type = "HttpResponse")] response: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number")] now: JsValue,
    ) -> Result<(), JsValue> {
        let call_id = call_id_arg(&call_id)?;
        let response: HttpResponse = from_js_bytes(response, "response")?;
        let now = time_arg(&now, "now")?;
        self.0
            .handle_response(call_id, &response, now)
            .map_err(|e| to_js_error(&e))
    }

    /// Reports that call `callId` got no answer: `"timeout"`, `"connection"` (refused, reset,
    /// closed) or `{ message }` for anything else.
    #[wasm_bindgen(js_name = handleFailure)]
    pub fn handle_failure(
        &mut self,
        #[wasm_bindgen(js_name = callId, unchecked_param_type = "number")] call_id: JsValue,
        #[wasm_bindgen(unchecked_param_type = "TransportFailureInput")] failure: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number")] now: JsValue,
    ) -> Result<(), JsValue> {
        let call_id = call_id_arg(&call_id)?;
        let failure = failure_arg(&failure)?;
        let now = time_arg(&now, "now")?;
        self.0
            .handle_failure(call_id, &failure, now)
            .map_err(|e| to_js_error(&e))
    }

    /// The next progress event, or `null`. Poll after every `pollRequest` and `handle*` call.
    #[wasm_bindgen(js_name = pollEvent, unchecked_return_type = "JobEvent | null")]
    pub fn poll_event(&mut self) -> Result<JsValue, JsValue> {
        match self.0.poll_event() {
            Some(event) => to_js(&event, "now"),
            None => Ok(JsValue::NULL),
        }
    }

    /// When the job next wants `pollRequest` called (milliseconds since the epoch), or `null`
    /// while it waits only on answers (or is finished).
    #[wasm_bindgen(js_name = pollTimeout, unchecked_return_type = "number | null")]
    pub fn poll_timeout(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "number")] now: JsValue,
    ) -> Result<JsValue, JsValue> {
        let now = time_arg(&now, "now")?;
        to_js(&self.0.poll_timeout(now), "now")
    }

    /// True when every operation is terminal.
    #[wasm_bindgen(js_name = isFinished)]
    pub fn is_finished(&self) -> bool {
        self.0.is_finished()
    }

    /// Operations by state, calls in flight, retries and 429s so far.
    #[wasm_bindgen(unchecked_return_type = "JobCounts")]
    pub fn counts(&self) -> Result<JsValue, JsValue> {
        to_js(&self.0.counts(), "counts")
    }

    /// The job as JSON text (plan, progress, limiter), with no credential or token in it.
    /// `ErasureJob.restore(text)` continues it.
    pub fn snapshot(&self) -> String {
        self.0.snapshot()
    }

    /// The signed receipt of a finished job; `signingKey` is a 32-byte Ed25519 seed.
    /// Throws `job_not_finished` while operations are pending.
    #[wasm_bindgen(unchecked_return_type = "Receipt")]
    pub fn receipt(
        &self,
        #[wasm_bindgen(js_name = signingKey, unchecked_param_type = "Uint8Array")]
        signing_key: JsValue,
    ) -> Result<JsValue, JsValue> {
        let key = bytes_arg(&signing_key, "signingKey")?;
        let receipt = self.0.receipt(&key).map_err(|e| to_js_error(&e))?;
        to_js(&receipt, "receipt")
    }
}
