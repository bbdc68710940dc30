//! The erasure job's hot path across the wasm boundary: numbers in, numbers out.
//!
//! `js/job_calls.mjs` builds the public `pollRequest`, `handleResponse`, `pollEvent` and
//! `pollEvents` on these methods. What costs at the boundary is strings, objects and crossings:
//! a call's method, URL and headers repeat from one call to the next (every Redact call of a
//! job has the same ones), so they cross once per change as a numbered "head" that JS keeps
//! parsed; each call then crosses as its id (the return value), and its operation, head
//! number and body address, which JS reads from registers in wasm memory and copies the
//! body bytes from, with no further call.
//! Events that are only numbers (`operation_finished`, one per operation) are packed as numbers
//! that JS reads in place; the rest cross as JSON text. Inputs the fast path does not cover (a BigInt time,
//! an unusual response object) go through the general methods of `job.rs`, which name what is
//! wrong. These methods are not part of the typed API (`skip_typescript`).

use crate::error::{invalid_argument, to_js_error};
use crate::job::{call_id_from_number, json_to_js, ErasureJob};
use crate::wire::time_from_number;
use erasekit_core::{Auth, HttpResponse, JobEvent, RequestText, Terminal};
use serde::Serialize;
use std::collections::BTreeMap;
use wasm_bindgen::prelude::*;

/// Registers: op, head number, body address, body length (set by `__wirePoll`); packed events'
/// address and the number of unpacked events (set by `__wireEvents`).
const REGISTERS: usize = 6;

/// The last call handed out, minus its head, and the head JS holds.
#[derive(Default)]
pub(crate) struct CallWire {
    /// The last call's operation, head number, body address and body length, for JS to read
    /// in place (boxed: its address stays put for the life of the job).
    registers: Box<[f64; REGISTERS]>,
    /// The packed events of the last `__wireEvents`, read by JS in place.
    packed: Vec<f64>,
    /// The last call's body; JS copies it out before the next call into the job.
    body: Vec<u8>,
    /// Bumped whenever a call's method, URL or headers differ from the previous call's.
    head_version: u32,
    head: Option<Head>,
    /// Events that are not packed, in order; each stands for a `0` tag in the packed array.
    other_events: Vec<JobEvent>,
}

/// Method, URL and headers of a call: the part repeated from call to call.
#[derive(Serialize)]
struct Head {
    method: RequestText,
    url: String,
    headers: BTreeMap<RequestText, RequestText>,
}

/// Equal texts; the fixed ones (borrowed from the same static) without comparing bytes.
fn same_text(a: &RequestText, b: &RequestText) -> bool {
    std::ptr::eq(a.as_ptr(), b.as_ptr()) && a.len() == b.len() || a == b
}

/// The position of a terminal state in `job_calls.mjs`'s `STATES`.
fn state_index(state: Terminal) -> f64 {
    match state {
        Terminal::Done => 0.0,
        Terminal::NotFound => 1.0,
        Terminal::Expired => 2.0,
        Terminal::Failed => 3.0,
        Terminal::Skipped => 4.0,
    }
}

#[wasm_bindgen]
impl ErasureJob {
    /// Reads `{ credentials, baseUrl? }` for the calls that follow (JS checks identity first).
    #[wasm_bindgen(js_name = __wireAuth, skip_typescript)]
    pub fn wire_auth(&mut self, options: JsValue) -> Result<(), JsValue> {
        self.load_auth(options)
    }

    /// The next call at `now`: its `call_id`, or 0 for none; the rest in the registers (see
    /// `__wireRegisters`) and, when the head number changed, `__wireHeadJson`.
    #[wasm_bindgen(js_name = __wirePoll, skip_typescript)]
    pub fn wire_poll(&mut self, now: f64) -> Result<f64, JsValue> {
        let now = time_from_number(now, "now")?;
        let Some(read) = self.auth.as_ref().map(|cache| &cache.read) else {
            return Err(invalid_argument(
                "options",
                "expected { credentials, baseUrl? }",
            ));
        };
        let auth = Auth {
            credentials: &read.credentials,
            base: &read.base,
        };
        let Some(call) = self.inner.poll_request(now, auth) else {
            return Ok(0.0);
        };
        let request = call.request;
        let wire = &mut self.wire;
        let same = wire.head.as_ref().is_some_and(|h| {
            same_text(&h.method, &request.method)
                && h.url == request.url
                && h.headers.len() == request.headers.len()
                && h.headers
                    .iter()
                    .zip(&request.headers)
                    .all(|((a, x), (b, y))| same_text(a, b) && same_text(x, y))
        });
        if !same {
            wire.head = Some(Head {
                method: request.method,
                url: request.url,
                headers: request.headers,
            });
            wire.head_version = wire.head_version.wrapping_add(1);
        }
        wire.body = request.body;
        // wasm32 addresses and lengths are below 2^32: exact as f64.
        let registers = &mut wire.registers;
        registers[0] = f64::from(call.op);
        registers[1] = f64::from(wire.head_version);
        registers[2] = wire.body.as_ptr() as usize as f64;
        registers[3] = wire.body.len() as f64;
        // Call ids count up from 1; a job would need 2^53 calls to pass what a number holds.
        Ok(call.call_id as f64)
    }

    /// The address of the registers (`f64`s): `[op, head number, body address, body length]`
    /// as `__wirePoll` leaves them, then `[packed events address, unpacked events]` as
    /// `__wireEvents` leaves them.
    #[wasm_bindgen(js_name = __wireRegisters, skip_typescript)]
    pub fn wire_registers(&self) -> f64 {
        self.wire.registers.as_ptr() as usize as f64
    }

    /// The wasm memory, for reading the registers and copying bodies.
    #[wasm_bindgen(js_name = __wireMemory, skip_typescript)]
    pub fn wire_memory(&self) -> JsValue {
        wasm_bindgen::memory()
    }

    /// That head as JSON text: `{ method, url, headers }`.
    #[wasm_bindgen(js_name = __wireHeadJson, skip_typescript)]
    pub fn wire_head_json(&self) -> Result<String, JsValue> {
        serde_json::to_string(&self.wire.head)
            .map_err(|e| invalid_argument("request", &format!("cannot be written as JSON: {e}")))
    }

    /// Feeds an answer: `headers` is `""` for none or a JSON object of strings.
    #[wasm_bindgen(js_name = __wireHandle, skip_typescript)]
    pub fn wire_handle(
        &mut self,
        call_id: f64,
        status: f64,
        headers: &str,
        body: &[u8],
        now: f64,
    ) -> Result<(), JsValue> {
        let call_id = call_id_from_number(call_id)?;
        if status.fract() != 0.0 || !(0.0..=65535.0).contains(&status) {
            return Err(invalid_argument(
                "response.status",
                "expected a whole number from 0 to 65535",
            ));
        }
        let headers = if headers.is_empty() {
            BTreeMap::new()
        } else {
            serde_json::from_str(headers).map_err(|e| {
                invalid_argument("response.headers", &format!("expected strings: {e}"))
            })?
        };
        let response = HttpResponse {
            status: status as u16,
            headers,
            body: body.to_vec(),
        };
        let now = time_from_number(now, "now")?;
        self.inner
            .handle_response(call_id, &response, now)
            .map_err(|e| to_js_error(&e))
    }

    /// Takes every pending event and returns how many numbers they packed into: an
    /// `operation_finished` as 12 (tag 1, op, state index, the nine counts), any other as a
    /// tag 0 standing for the next of `__wireEventsJson`. Their address and the number of
    /// unpacked events go into the registers.
    #[wasm_bindgen(js_name = __wireEvents, skip_typescript)]
    pub fn wire_events(&mut self) -> f64 {
        let wire = &mut self.wire;
        wire.packed.clear();
        wire.other_events.clear();
        while let Some(event) = self.inner.poll_event() {
            match event {
                JobEvent::OperationFinished { op, state, counts } => {
                    let c = counts;
                    // Counts are bounded by the operations a plan holds: far below 2^53.
                    wire.packed.extend_from_slice(&[
                        1.0,
                        f64::from(op),
                        state_index(state),
                        c.total as f64,
                        c.done as f64,
                        c.not_found as f64,
                        c.expired as f64,
                        c.failed as f64,
                        c.skipped as f64,
                        c.in_flight as f64,
                        c.retries as f64,
                        c.rate_limited as f64,
                    ]);
                }
                other => {
                    wire.packed.push(0.0);
                    wire.other_events.push(other);
                }
            }
        }
        wire.registers[4] = wire.packed.as_ptr() as usize as f64;
        wire.registers[5] = wire.other_events.len() as f64;
        wire.packed.len() as f64
    }

    /// The unpacked events of the last `__wireEvents`, in order, as one array.
    #[wasm_bindgen(js_name = __wireEventsJson, skip_typescript)]
    pub fn wire_events_json(&mut self) -> Result<JsValue, JsValue> {
        let events = std::mem::take(&mut self.wire.other_events);
        json_to_js(&events)
    }
}
