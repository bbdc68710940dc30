//! Capture: Vonage responses and webhook bodies into ledger entries, and phone numbers into E.164.
//!
//! One native entry point, `captureSource(source, payload, options?)`, behind the per-source
//! functions of the `capture` object (`js/capture.mjs`). Which fields are read, and every
//! error, come from the core; this file only reads the JS arguments.

use crate::error::{invalid_argument, to_js_error};
use crate::ledger::{bulk_to_js, stringify};
use crate::options::get;
use crate::wire::{time_arg, to_js};
use erasekit_core::{Identifier, UnixMillis};
use js_sys::{Object, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// Reads `payload` as the body of `source` (e.g. `sms_send`) and returns its ledger entries.
///
/// `payload` is the body as received (a JSON string or its UTF-8 bytes) or parsed (a plain
/// object; the core refuses anything but a JSON object); `options.at` is when the host received it (milliseconds since the epoch or a
/// `Date`), used when the payload carries no time of its own.
#[wasm_bindgen(js_name = captureSource, unchecked_return_type = "LedgerEntry[]")]
pub fn capture_source(
    #[wasm_bindgen(unchecked_param_type = "CaptureSource")] source: JsValue,
    #[wasm_bindgen(unchecked_param_type = "CapturePayload")] payload: JsValue,
    #[wasm_bindgen(unchecked_param_type = "CaptureOptions")] options: JsValue,
) -> Result<JsValue, JsValue> {
    let source = source
        .as_string()
        .ok_or_else(|| invalid_argument("source", "expected a capture source name (string)"))?;
    let at = at_option(&options)?;
    let entries = if let Some(text) = payload.as_string() {
        erasekit_core::capture_json(&source, text.as_bytes(), at)
    } else if let Some(bytes) = payload.dyn_ref::<Uint8Array>() {
        erasekit_core::capture_json(&source, &bytes.to_vec(), at)
    } else if payload.is_object() {
        // Through JSON text: much faster than walking a 10,000-part response property by property.
        erasekit_core::capture_json(&source, stringify(&payload, "payload")?.as_bytes(), at)
    } else {
        return Err(invalid_argument(
            "payload",
            "expected the body as a string or Uint8Array, or parsed as an object",
        ));
    };
    bulk_to_js(&entries.map_err(|e| to_js_error(&e))?)
}

/// The names of every capture source, in the core's order (`sms_send`, `sms_receipt`, ...).
#[wasm_bindgen(js_name = captureSources, unchecked_return_type = "CaptureSource[]")]
pub fn capture_sources() -> Result<JsValue, JsValue> {
    to_js(&erasekit_core::capture_sources(), "sources")
}

/// A phone number in E.164 form (`+447700900123`) from common input forms (`+44 7700 900123`,
/// `0044-7700-900123`, Vonage's bare `447700900123`); garbage throws `invalid_phone`.
#[wasm_bindgen]
pub fn phone(
    #[wasm_bindgen(unchecked_param_type = "string")] raw: JsValue,
) -> Result<String, JsValue> {
    let raw = raw
        .as_string()
        .ok_or_else(|| invalid_argument("raw", "expected a phone number (string)"))?;
    Identifier::phone(&raw)
        .map(|p| p.value().to_owned())
        .map_err(|e| to_js_error(&e))
}

/// `options.at`: absent, `null`, a number (or BigInt) of milliseconds, or a `Date`.
fn at_option(options: &JsValue) -> Result<Option<UnixMillis>, JsValue> {
    if options.is_undefined() || options.is_null() {
        return Ok(None);
    }
    let object = options
        .dyn_ref::<Object>()
        .filter(|_| options.is_object())
        .ok_or_else(|| invalid_argument("options", "expected { at? }"))?;
    for key in Object::keys(object).iter() {
        let key = key.as_string().unwrap_or_default();
        if key != "at" {
            return Err(invalid_argument(&key, "unknown option; expected at"));
        }
    }
    time_or_date(&get(options, "at"), "at")
}

/// An optional time argument: absent/`null`, milliseconds, or a `Date`.
pub(crate) fn time_or_date(
    value: &JsValue,
    field: &'static str,
) -> Result<Option<UnixMillis>, JsValue> {
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    if let Some(date) = value.dyn_ref::<js_sys::Date>() {
        return time_arg(&date.get_time().into(), field).map(Some);
    }
    time_arg(value, field).map(Some)
}
