//! `ErasureJob`: the JS class around the core's sans-IO erasure job.
//!
//! The raw protocol (`pollRequest`, `handleResponse`, `handleFailure`, `pollEvent`,
//! `pollTimeout`) is exposed as is: the host sends the calls with any HTTP client and sleeps
//! until `pollTimeout`. `js/job.mjs` adds `run(...)`, a driver over these methods with the
//! host's `fetch`; it moves bytes and sleeps, the core decides everything else.

use crate::error::{invalid_argument, to_js_error};
use crate::job_wire::CallWire;
use crate::options::{get, options_object, RequestOptions};
use crate::plan::ErasurePlan;
use crate::wire::{bytes_arg, from_js_bytes, from_js_plain, time_arg, to_js};
use erasekit_core::{Auth, Call, HttpResponse, JobConfig, RequestText, TransportFailure};
use js_sys::{Function, Object, Reflect, Uint8Array};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// An erasure job: drives a plan at Vonage's limits, resumable, ending in a signed receipt.
#[wasm_bindgen]
pub struct ErasureJob {
    pub(crate) inner: erasekit_core::ErasureJob,
    /// The last `pollRequest` options read, reused while the host passes the very same object
    /// with the very same `credentials` and `baseUrl` values (the driver does): reading them
    /// again costs more than building the request. Held in memory only, never in a snapshot.
    pub(crate) auth: Option<AuthCache>,
    /// The hot path's state at the boundary (`job_wire.rs`).
    pub(crate) wire: CallWire,
}

/// `pollRequest` options already read, keyed by the identity of the JS values they came from.
pub(crate) struct AuthCache {
    options: JsValue,
    credentials: JsValue,
    base_url: JsValue,
    pub(crate) read: RequestOptions,
}

thread_local! {
    /// Property names read on every call, made into JS strings once: crossing a string is
    /// what costs most on the hot path.
    static KEYS: [JsValue; 5] = ["credentials", "baseUrl", "status", "headers", "body"].map(JsValue::from_str);
}

/// `object[KEYS[index]]`, or `undefined`.
fn get_key(object: &JsValue, index: usize) -> JsValue {
    KEYS.with(|keys| Reflect::get(object, &keys[index]).unwrap_or(JsValue::UNDEFINED))
}

/// A call as the hot path sends it: everything but the body, as one JSON text.
#[derive(Serialize)]
struct CallHead<'a> {
    call_id: u64,
    op: u32,
    request: RequestHead<'a>,
}

#[derive(Serialize)]
struct RequestHead<'a> {
    method: &'a str,
    url: &'a str,
    headers: &'a BTreeMap<RequestText, RequestText>,
}

/// Plain data as JSON text parsed by `JSON.parse`: one string crossing instead of one per
/// field name and value (serde-wasm-bindgen's way), several times faster for small objects.
pub(crate) fn json_to_js<T: Serialize>(value: &T) -> Result<JsValue, JsValue> {
    let text = serde_json::to_string(value)
        .map_err(|e| invalid_argument("result", &format!("cannot be written as JSON: {e}")))?;
    js_sys::JSON::parse(&text)
}

/// `{ call_id, op, request: { method, url, headers, body } }` with `body` a `Uint8Array`.
fn call_to_js(call: &Call) -> Result<JsValue, JsValue> {
    let head = json_to_js(&CallHead {
        call_id: call.call_id,
        op: call.op,
        request: RequestHead {
            method: &call.request.method,
            url: &call.request.url,
            headers: &call.request.headers,
        },
    })?;
    let request = get(&head, "request");
    let body = Uint8Array::from(&call.request.body[..]);
    KEYS.with(|keys| Reflect::set(&request, &keys[4], &body))?;
    Ok(head)
}

/// `{ status, headers?, body? }` read field by field when it has the usual shape (a whole
/// status, headers as a plain object of strings, body a `Uint8Array`, a string or absent);
/// anything else goes through the general reader, which names what is wrong.
fn response_arg(response: JsValue) -> Result<HttpResponse, JsValue> {
    let fast = || -> Option<HttpResponse> {
        if !response.is_object() {
            return None;
        }
        let status = get_key(&response, 2).as_f64()?;
        if status.fract() != 0.0 || !(0.0..=65535.0).contains(&status) {
            return None;
        }
        let mut headers = BTreeMap::new();
        let given = get_key(&response, 3);
        if !(given.is_undefined() || given.is_null()) {
            if !given.is_object() || js_sys::Array::is_array(&given) {
                return None;
            }
            for pair in Object::entries(given.unchecked_ref()).iter() {
                let pair: js_sys::Array = pair.unchecked_into();
                let name = pair.get(0).as_string()?;
                let value = pair.get(1).as_string()?;
                headers.entry(name).or_insert(value);
            }
        }
        let body = get_key(&response, 4);
        let body = if body.is_undefined() || body.is_null() {
            Vec::new()
        } else if let Some(bytes) = body.dyn_ref::<Uint8Array>() {
            bytes.to_vec()
        } else {
            body.as_string()?.into_bytes()
        };
        Some(HttpResponse {
            status: status as u16,
            headers,
            body,
        })
    };
    match fast() {
        Some(response) => Ok(response),
        None => from_js_bytes(response, "response"),
    }
}

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
    check_target: Option<bool>,
    wait_for_premature: Option<bool>,
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
    "checkTarget",
    "waitForPremature",
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
    if let Some(v) = input.check_target {
        config.check_target = v;
    }
    if let Some(v) = input.wait_for_premature {
        config.wait_for_premature = v;
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
        return call_id_from_number(n);
    }
    if value.is_bigint() {
        if let Ok(n) = u64::try_from(value.clone()) {
            return Ok(n);
        }
    }
    Err(call_id_error())
}

/// A call id given as a JS number: whole, from 0 to 2^53 − 1.
pub(crate) fn call_id_from_number(n: f64) -> Result<u64, JsValue> {
    if n.fract() == 0.0 && (0.0..=MAX_SAFE_INTEGER).contains(&n) {
        Ok(n as u64)
    } else {
        Err(call_id_error())
    }
}

fn call_id_error() -> JsValue {
    invalid_argument("callId", "expected the call_id pollRequest returned")
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

impl ErasureJob {
    fn wrap(inner: erasekit_core::ErasureJob) -> Self {
        ErasureJob {
            inner,
            auth: None,
            wire: CallWire::default(),
        }
    }

    /// Reads `{ credentials, baseUrl? }` for the calls that follow, keyed by the identity of
    /// the JS values it came from.
    pub(crate) fn load_auth(&mut self, options: JsValue) -> Result<(), JsValue> {
        self.auth = None;
        let read = RequestOptions::from_js(&options)?;
        let credentials = get_key(&options, 0);
        let base_url = get_key(&options, 1);
        self.auth = Some(AuthCache {
            options,
            credentials,
            base_url,
            read,
        });
        Ok(())
    }

    /// Reads `{ credentials, baseUrl? }` into the cache, unless it holds these very values.
    fn read_auth(&mut self, options: JsValue) -> Result<(), JsValue> {
        let credentials = get_key(&options, 0);
        let base_url = get_key(&options, 1);
        if let Some(cache) = &self.auth {
            if Object::is(&cache.options, &options)
                && Object::is(&cache.credentials, &credentials)
                && Object::is(&cache.base_url, &base_url)
            {
                return Ok(());
            }
        }
        self.load_auth(options)
    }
}

#[wasm_bindgen]
impl ErasureJob {
    /// A job for `plan` (which stays usable): `{ ratePerSecond = 170, maxInFlight = 32,
    /// maxAttempts = 8, maxPremature = 10, maxRateLimited = 100, backoffBaseMs = 500,
    /// backoffMaxMs = 60000, checkTarget = true, waitForPremature = true, seed?, jobId? }`. `seed` (a number up to 2^53 − 1 or a BigInt)
    /// drives jitter and JWT ids; random when absent. `jobId` defaults to one derived from it.
    #[wasm_bindgen(constructor)]
    pub fn new(
        plan: &ErasurePlan,
        #[wasm_bindgen(unchecked_optional_param_type = "JobOptions")] options: Option<Object>,
    ) -> Result<ErasureJob, JsValue> {
        let config = job_config(options)?;
        erasekit_core::ErasureJob::new(plan.0.clone(), config)
            .map(ErasureJob::wrap)
            .map_err(|e| to_js_error(&e))
    }

    /// A job from `snapshot()` output; a call that was in flight is sent again.
    pub fn restore(snapshot: &str) -> Result<ErasureJob, JsValue> {
        erasekit_core::ErasureJob::restore(snapshot)
            .map(ErasureJob::wrap)
            .map_err(|e| to_js_error(&e))
    }

    /// The job id (also the receipt id).
    #[wasm_bindgen(getter = jobId)]
    pub fn job_id(&self) -> String {
        self.inner.job_id().to_owned()
    }

    /// The subject the plan erases (personal data; the receipt names it only by its hash).
    #[wasm_bindgen(getter)]
    pub fn subject(&self) -> String {
        self.inner.plan().subject.clone()
    }

    /// A copy of the plan this job runs.
    #[wasm_bindgen(getter)]
    pub fn plan(&self) -> ErasurePlan {
        ErasurePlan(self.inner.plan().clone())
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
        self.read_auth(options)?;
        let Some(read) = self.auth.as_ref().map(|cache| &cache.read) else {
            return Ok(JsValue::NULL);
        };
        let auth = Auth {
            credentials: &read.credentials,
            base: &read.base,
        };
        match self.inner.poll_request(now, auth) {
            Some(call) => call_to_js(&call),
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
        let response = response_arg(response)?;
        let now = time_arg(&now, "now")?;
        self.inner
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
        self.inner
            .handle_failure(call_id, &failure, now)
            .map_err(|e| to_js_error(&e))
    }

    /// When the job next wants `pollRequest` called (milliseconds since the epoch), or `null`
    /// while it waits only on answers (or is finished).
    #[wasm_bindgen(js_name = pollTimeout, unchecked_return_type = "number | null")]
    pub fn poll_timeout(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "number")] now: JsValue,
    ) -> Result<JsValue, JsValue> {
        let now = time_arg(&now, "now")?;
        to_js(&self.inner.poll_timeout(now), "now")
    }

    /// True when every operation is terminal.
    #[wasm_bindgen(js_name = isFinished)]
    pub fn is_finished(&self) -> bool {
        self.inner.is_finished()
    }

    /// With `waitForPremature: false`, throws `job_waiting` (`details.until`) once the job has
    /// nothing in flight and must wait for Vonage's one-hour rule; `run` then stops as an
    /// aborted run does. Call after the `pollRequest` loop.
    #[wasm_bindgen(js_name = checkWait)]
    pub fn check_wait(&self) -> Result<(), JsValue> {
        self.inner.check_wait().map_err(|e| to_js_error(&e))
    }

    /// Operations by state, calls in flight, retries and 429s so far.
    #[wasm_bindgen(unchecked_return_type = "JobCounts")]
    pub fn counts(&self) -> Result<JsValue, JsValue> {
        json_to_js(&self.inner.counts())
    }

    /// Calls sent over the job's life (retries included; kept by snapshots). Operations that
    /// end without a call (stopped groups, expired, skipped) are not in it: a rate is
    /// `callsSent` over time.
    #[wasm_bindgen(getter = callsSent)]
    pub fn calls_sent(&self) -> f64 {
        self.inner.calls_sent() as f64
    }

    /// Starts no call at or after `until` (ms since the epoch; `null`: no limit): the local
    /// deadline of the run's lease on its job in a ledger, set by the driver.
    #[wasm_bindgen(js_name = holdUntil)]
    pub fn hold_until(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "number | null")] until: JsValue,
    ) -> Result<(), JsValue> {
        let until = if until.is_null() || until.is_undefined() {
            None
        } else {
            Some(time_arg(&until, "until")?)
        };
        self.inner.hold_until(until);
        Ok(())
    }

    /// The job as JSON text (plan, progress, limiter), with no credential or token in it.
    /// `ErasureJob.restore(text)` continues it.
    pub fn snapshot(&self) -> String {
        self.inner.snapshot()
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
        // As text written once by the core (for the signature and for JS): a receipt holds a
        // line per operation, and writing it twice was a third of finishing a large job.
        let text = self.inner.receipt_json(&key).map_err(|e| to_js_error(&e))?;
        js_sys::JSON::parse(&text)
    }
}
