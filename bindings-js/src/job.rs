//! `ErasureJob`: the JS class around the core's sans-IO erasure job, the job protocol of
//! `core/src/job/protocol.rs` method for method. `js/job.mjs` adds `run(...)`, the one driver
//! of `js/run.mjs`; it moves bytes and sleeps, the core decides everything else.

use crate::convert::{bytes_arg, from_js_plain, json_to_js, response_arg, time_arg};
use crate::error::{invalid_argument, to_js_error};
use crate::options::{get, options_object, RequestOptions};
use crate::plan::ErasurePlan;
use erasekit_core::{Auth, Call, HttpRequest, JobConfig, TransportFailure};
use js_sys::{Function, Object, Reflect, Uint8Array};
use serde::Deserialize;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// An erasure job: drives a plan at Vonage's limits, resumable, ending in a signed receipt.
#[wasm_bindgen]
pub struct ErasureJob {
    inner: erasekit_core::ErasureJob,
    /// The last `pollRequest` options read, reused while the host passes the very same object
    /// with the very same `credentials` and `baseUrl` (the driver does): reading them costs
    /// more than building a request. In memory only, never in a snapshot.
    auth: Option<AuthCache>,
    /// The method, URL and headers of the last call handed out, and the JS object made of
    /// them: every Redact call of a job has the same ones, and making JS strings is what costs
    /// most at the boundary. Each call still gets its own copy of the headers.
    head: Option<(HttpRequest, JsValue)>,
}

/// Property names read or written for every call, made into JS strings once.
#[derive(Clone, Copy)]
pub(crate) enum Key {
    Credentials,
    BaseUrl,
    Status,
    Headers,
    Body,
    CallId,
    Op,
    Request,
    Method,
    Url,
}

thread_local! {
    static KEYS: [JsValue; 10] = [
        "credentials", "baseUrl", "status", "headers", "body", "call_id", "op", "request",
        "method", "url",
    ]
    .map(JsValue::from_str);
}

/// `object[key]`, or `undefined`.
pub(crate) fn get_key(object: &JsValue, key: Key) -> JsValue {
    KEYS.with(|keys| Reflect::get(object, &keys[key as usize]).unwrap_or(JsValue::UNDEFINED))
}

/// `object[key] = value` on an object this module made.
fn set_key(object: &JsValue, key: Key, value: &JsValue) -> Result<(), JsValue> {
    KEYS.with(|keys| Reflect::set(object, &keys[key as usize], value).map(|_| ()))
}

/// `pollRequest` options already read, keyed by the identity of the JS values they came from.
struct AuthCache {
    options: JsValue,
    credentials: JsValue,
    base_url: JsValue,
    read: RequestOptions,
}

/// 2^53 − 1: the largest whole number a JS number holds exactly.
const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

/// The options of `new ErasureJob(plan, options)` other than `seed`: camelCase names of the
/// core's `JobConfig`.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct JobConfigInput {
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
    checkpoint_every: Option<u32>,
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
    "checkpointEvery",
    "seed",
];

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
    let input: JobConfigInput = from_js_plain(rest.into(), "options")?;
    let d = JobConfig::default();
    Ok(JobConfig {
        job_id: input.job_id.unwrap_or(d.job_id),
        rate_per_second: input.rate_per_second.unwrap_or(d.rate_per_second),
        max_in_flight: input.max_in_flight.unwrap_or(d.max_in_flight),
        max_attempts: input.max_attempts.unwrap_or(d.max_attempts),
        max_premature: input.max_premature.unwrap_or(d.max_premature),
        max_rate_limited: input.max_rate_limited.unwrap_or(d.max_rate_limited),
        backoff_base_ms: input.backoff_base_ms.unwrap_or(d.backoff_base_ms),
        backoff_max_ms: input.backoff_max_ms.unwrap_or(d.backoff_max_ms),
        check_target: input.check_target.unwrap_or(d.check_target),
        wait_for_premature: input.wait_for_premature.unwrap_or(d.wait_for_premature),
        checkpoint_every: input.checkpoint_every.unwrap_or(d.checkpoint_every),
        seed: config.seed,
    })
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

/// The plan of an `ErasurePlan` object, which stays usable: read through its `toJSON()` (a
/// wasm-bindgen class argument would throw a plain `Error` for anything else, not an
/// `ErasekitError`).
fn plan_arg(value: &JsValue) -> Result<erasekit_core::ErasurePlan, JsValue> {
    let not_a_plan = || invalid_argument("plan", "expected an ErasurePlan");
    let class = get(&get(value, "constructor"), "name").as_string();
    let to_json = get(value, "toJSON").dyn_into::<Function>();
    let (Some("ErasurePlan"), Ok(to_json)) = (class.as_deref(), to_json) else {
        return Err(not_a_plan());
    };
    let text: String = js_sys::JSON::stringify(&to_json.call0(value)?)?.into();
    serde_json::from_str(&text).map_err(|_| not_a_plan())
}

/// A call id as handed out by `pollRequest`: a whole number from 0 to 2^53 − 1.
fn call_id_arg(value: &JsValue) -> Result<u64, JsValue> {
    value
        .as_f64()
        .filter(|n| n.fract() == 0.0 && (0.0..=MAX_SAFE_INTEGER).contains(n))
        .map(|n| n as u64)
        .ok_or_else(|| invalid_argument("callId", "expected the call_id pollRequest returned"))
}

/// The method, URL and headers of `request`, without its body.
fn head_of(request: &HttpRequest) -> HttpRequest {
    HttpRequest {
        method: request.method.clone(),
        url: request.url.clone(),
        headers: request.headers.clone(),
        body: Vec::new(),
    }
}

/// `{ method, url, headers }` as a JS object.
fn head_to_js(head: &HttpRequest) -> Result<JsValue, JsValue> {
    let object: JsValue = Object::new().into();
    set_key(&object, Key::Method, &JsValue::from_str(&head.method))?;
    set_key(&object, Key::Url, &JsValue::from_str(&head.url))?;
    let headers: JsValue = Object::new().into();
    for (name, value) in &head.headers {
        Reflect::set(
            &headers,
            &JsValue::from_str(name),
            &JsValue::from_str(value),
        )?;
    }
    set_key(&object, Key::Headers, &headers)?;
    Ok(object)
}

/// Same method, URL and headers.
fn same_head(a: &HttpRequest, b: &HttpRequest) -> bool {
    a.method == b.method && a.url == b.url && a.headers == b.headers
}

impl ErasureJob {
    /// `{ call_id, op, request: { method, url, headers, body } }`, `body` a `Uint8Array`.
    fn call_to_js(&mut self, call: &Call) -> Result<JsValue, JsValue> {
        let cached = match &self.head {
            Some((head, object)) if same_head(head, &call.request) => object.clone(),
            _ => {
                let object = head_to_js(&call.request)?;
                self.head = Some((head_of(&call.request), object.clone()));
                object
            }
        };
        let request: JsValue = Object::new().into();
        set_key(&request, Key::Method, &get_key(&cached, Key::Method))?;
        set_key(&request, Key::Url, &get_key(&cached, Key::Url))?;
        let headers = Object::assign(
            &Object::new(),
            get_key(&cached, Key::Headers).unchecked_ref(),
        );
        set_key(&request, Key::Headers, &headers)?;
        set_key(
            &request,
            Key::Body,
            &Uint8Array::from(&call.request.body[..]),
        )?;
        let out: JsValue = Object::new().into();
        // Call ids count up from 1: a job would need 2^53 calls to pass what a number holds.
        set_key(&out, Key::CallId, &JsValue::from_f64(call.call_id as f64))?;
        set_key(&out, Key::Op, &JsValue::from_f64(f64::from(call.op)))?;
        set_key(&out, Key::Request, &request)?;
        Ok(out)
    }

    fn wrap(inner: erasekit_core::ErasureJob) -> Self {
        ErasureJob {
            inner,
            auth: None,
            head: None,
        }
    }

    /// Reads the credentials and base URL of `options`, again only when they changed.
    fn read_auth(&mut self, options: JsValue) -> Result<(), JsValue> {
        let credentials = get_key(&options, Key::Credentials);
        let base_url = get_key(&options, Key::BaseUrl);
        let same = self.auth.as_ref().is_some_and(|cache| {
            Object::is(&cache.options, &options)
                && Object::is(&cache.credentials, &credentials)
                && Object::is(&cache.base_url, &base_url)
        });
        if !same {
            self.auth = None;
            let read = RequestOptions::from_js(&options)?;
            self.auth = Some(AuthCache {
                options,
                credentials,
                base_url,
                read,
            });
        }
        Ok(())
    }
}

#[wasm_bindgen]
impl ErasureJob {
    /// A job for `plan` (which stays usable): `{ ratePerSecond = 170, maxInFlight = 32,
    /// maxAttempts = 8, maxPremature = 10, maxRateLimited = 100, backoffBaseMs = 500,
    /// backoffMaxMs = 60000, checkTarget = true, waitForPremature = true, checkpointEvery =
    /// 100, seed?, jobId? }`. `seed` (a number up to 2^53 − 1 or a BigInt) drives jitter and
    /// JWT ids; random when absent. `jobId` defaults to one derived from it.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "ErasurePlan")] plan: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "JobConfigInput")] options: Option<Object>,
    ) -> Result<ErasureJob, JsValue> {
        let plan = plan_arg(&plan)?;
        let config = job_config(options)?;
        erasekit_core::ErasureJob::new(plan, config)
            .map(ErasureJob::wrap)
            .map_err(|e| to_js_error(&e))
    }

    /// A job from `snapshot()` output; a call that was in flight is sent again.
    pub fn restore(snapshot: &str) -> Result<ErasureJob, JsValue> {
        erasekit_core::ErasureJob::restore(snapshot)
            .map(ErasureJob::wrap)
            .map_err(|e| to_js_error(&e))
    }

    /// Job `jobId` from the snapshot a ledger holds (`null`: `job_not_found`).
    #[wasm_bindgen(js_name = __resume, skip_typescript)]
    pub fn resume(job_id: &str, snapshot: Option<String>) -> Result<ErasureJob, JsValue> {
        erasekit_core::ErasureJob::resume(job_id, snapshot.as_deref())
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

    /// The job's settings as the core holds them (snake_case; `seed` a BigInt above 2^53 − 1).
    #[wasm_bindgen(getter, unchecked_return_type = "JobConfig")]
    pub fn config(&self) -> Result<JsValue, JsValue> {
        let config = self.inner.config();
        let out = json_to_js(config)?;
        if config.seed as f64 > MAX_SAFE_INTEGER {
            Reflect::set(
                &out,
                &"seed".into(),
                &js_sys::BigInt::from(config.seed).into(),
            )?;
        }
        Ok(out)
    }

    /// The next call to send at `now`, or `null` when the schedule, the rate limit or
    /// `maxInFlight` allow none. Poll until `null` after construction, after every
    /// `handle*` call and when `pollTimeout` is reached. `options`: `{ credentials, baseUrl? }`
    /// (never stored).
    #[wasm_bindgen(js_name = pollRequest, unchecked_return_type = "Call | null")]
    pub fn poll_request(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "number | Date")] now: JsValue,
        #[wasm_bindgen(unchecked_param_type = "RequestOptions")] options: JsValue,
    ) -> Result<JsValue, JsValue> {
        let now = time_arg(&now, "now")?;
        self.read_auth(options)?;
        let Some(cache) = &self.auth else {
            return Ok(JsValue::NULL);
        };
        let auth = Auth {
            credentials: &cache.read.credentials,
            base: &cache.read.base,
        };
        let Some(call) = self.inner.poll_request(now, auth) else {
            return Ok(JsValue::NULL);
        };
        self.call_to_js(&call)
    }

    /// Feeds the answer to call `callId`: `{ status, headers?, body? }`, read at `now`.
    #[wasm_bindgen(js_name = handleResponse)]
    pub fn handle_response(
        &mut self,
        #[wasm_bindgen(js_name = callId, unchecked_param_type = "number")] call_id: JsValue,
        #[wasm_bindgen(unchecked_param_type = "HttpResponse")] response: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number | Date")] now: JsValue,
    ) -> Result<(), JsValue> {
        let call_id = call_id_arg(&call_id)?;
        let response = response_arg(&response)?;
        let now = time_arg(&now, "now")?;
        self.inner
            .handle_response(call_id, &response, now)
            .map_err(|e| to_js_error(&e))
    }

    /// Reports that call `callId` got no answer: `"timeout"`, `"connection"` (refused, reset,
    /// closed) or `{ other: { message } }` for anything else.
    #[wasm_bindgen(js_name = handleFailure)]
    pub fn handle_failure(
        &mut self,
        #[wasm_bindgen(js_name = callId, unchecked_param_type = "number")] call_id: JsValue,
        #[wasm_bindgen(unchecked_param_type = "TransportFailure")] failure: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number | Date")] now: JsValue,
    ) -> Result<(), JsValue> {
        let call_id = call_id_arg(&call_id)?;
        let failure: TransportFailure = from_js_plain(failure, "failure")?;
        let now = time_arg(&now, "now")?;
        self.inner
            .handle_failure(call_id, &failure, now)
            .map_err(|e| to_js_error(&e))
    }

    /// The next progress event, or `null`. Poll after every `pollRequest` and `handle*` call.
    #[wasm_bindgen(js_name = pollEvent, unchecked_return_type = "JobEvent | null")]
    pub fn poll_event(&mut self) -> Result<JsValue, JsValue> {
        json_to_js(&self.inner.poll_event())
    }

    /// Every pending progress event at once, oldest first (empty when none).
    #[wasm_bindgen(js_name = pollEvents, unchecked_return_type = "JobEvent[]")]
    pub fn poll_events(&mut self) -> Result<JsValue, JsValue> {
        let events: Vec<_> = std::iter::from_fn(|| self.inner.poll_event()).collect();
        json_to_js(&events)
    }

    /// When the job next wants `pollRequest` called (milliseconds since the epoch), or `null`
    /// while it waits only on answers (or is finished).
    #[wasm_bindgen(js_name = pollTimeout, unchecked_return_type = "number | null")]
    pub fn poll_timeout(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "number | Date")] now: JsValue,
    ) -> Result<JsValue, JsValue> {
        let now = time_arg(&now, "now")?;
        Ok(match self.inner.poll_timeout(now) {
            Some(at) => JsValue::from_f64(at as f64),
            None => JsValue::NULL,
        })
    }

    /// True when every operation is terminal.
    #[wasm_bindgen(js_name = isFinished)]
    pub fn is_finished(&self) -> bool {
        self.inner.is_finished()
    }

    /// True when `checkpointEvery` answers came since the last `checkpoint()`.
    #[wasm_bindgen(js_name = checkpointDue)]
    pub fn checkpoint_due(&self) -> bool {
        self.inner.checkpoint_due()
    }

    /// The snapshot to save now; answers count towards the next checkpoint from here.
    pub fn checkpoint(&mut self) -> String {
        self.inner.checkpoint()
    }

    /// Before a driver sleeps with `callsOut` calls sent and not reported yet: throws
    /// `job_waiting` (`waitForPremature: false` and a wait for the one-hour rule) or
    /// `job_stalled` (nothing to send ever again and nothing out); the run then stops.
    #[wasm_bindgen(js_name = checkIdle)]
    pub fn check_idle(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "number | Date")] now: JsValue,
        #[wasm_bindgen(js_name = callsOut)] calls_out: u32,
    ) -> Result<(), JsValue> {
        let now = time_arg(&now, "now")?;
        self.inner
            .check_idle(now, u64::from(calls_out))
            .map_err(|e| to_js_error(&e))
    }

    /// Operations by state, calls in flight, retries and 429s so far.
    #[wasm_bindgen(unchecked_return_type = "Counts")]
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
        #[wasm_bindgen(unchecked_param_type = "number | Date | null")] until: JsValue,
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

    /// The signed receipt of a finished job (the end of a run); `signingKey` is a 32-byte
    /// Ed25519 seed. Throws `job_not_finished` while operations are pending.
    #[wasm_bindgen(unchecked_return_type = "Receipt")]
    pub fn receipt(
        &self,
        #[wasm_bindgen(js_name = signingKey, unchecked_param_type = "Uint8Array")]
        signing_key: JsValue,
    ) -> Result<JsValue, JsValue> {
        let key = bytes_arg(&signing_key, "signingKey")?;
        let end = self.inner.finish(&key).map_err(|e| to_js_error(&e))?;
        js_sys::JSON::parse(&end.receipt)
    }

    /// The core's `aborted` error for this job (the driver adds `snapshot`).
    #[wasm_bindgen(js_name = __aborted, skip_typescript)]
    pub fn aborted(&self) -> JsValue {
        to_js_error(&erasekit_core::Error::Aborted {
            job_id: self.inner.job_id().to_owned(),
        })
    }
}
