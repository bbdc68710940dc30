//! Capture: Vonage responses and webhook bodies into ledger entries, and phone numbers into E.164.
//!
//! One native entry point, `captureSource(source, payload, options?)`, behind the per-source
//! functions of the `capture` object (`js/capture.mjs`). Which fields are read, and every
//! error, come from the core; this file only reads the JS arguments.

use crate::convert::{string_arg, time_arg, to_js};
use crate::error::{invalid_argument, to_js_error};
use crate::ledger::bulk_to_js;
use crate::options::get;
use erasekit_core::{Identifier, UnixMillis};
use js_sys::{Object, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// Reads `payload` as the body of `source` (e.g. `sms_send`) and returns its ledger entries.
///
/// `payload` is the body as received (a JSON string or its UTF-8 bytes) or parsed (a plain
/// object, read as its JSON text; the core refuses anything but a JSON object); `options.at` is
/// when the host received it (milliseconds since the epoch or a `Date`), used when the payload
/// carries no time of its own; `options.maxBytes` the longest body read (default 1 MiB, the
/// core's `DEFAULT_CAPTURE_MAX_BYTES`): a longer one is `payload_too_large`, refused before it
/// is copied into wasm or parsed.
#[wasm_bindgen(js_name = captureSource, unchecked_return_type = "LedgerEntry[]")]
pub fn capture_source(
    #[wasm_bindgen(unchecked_param_type = "CaptureSource")] source: JsValue,
    #[wasm_bindgen(unchecked_param_type = "CapturePayload")] payload: JsValue,
    #[wasm_bindgen(unchecked_param_type = "CaptureOptions")] options: JsValue,
) -> Result<JsValue, JsValue> {
    let source = source
        .as_string()
        .ok_or_else(|| invalid_argument("source", "expected a capture source name (string)"))?;
    let CaptureOptions { at, max_bytes } = capture_options(&options)?;
    let capture = |body: &[u8]| erasekit_core::capture_json_limited(&source, body, at, max_bytes);
    // Checked on the length before the body is copied into wasm: a string longer than the
    // limit in UTF-16 units is at least as long in UTF-8 bytes.
    let check = |size: u32| {
        erasekit_core::check_capture_size(&source, size as usize, max_bytes)
            .map_err(|e| to_js_error(&e))
    };
    let entries = if let Some(text) = payload.dyn_ref::<js_sys::JsString>() {
        check(text.length())?;
        capture(
            string_arg(&payload, "payload")?
                .unwrap_or_default()
                .as_bytes(),
        )
    } else if let Some(bytes) = payload.dyn_ref::<Uint8Array>() {
        check(bytes.length())?;
        capture(&bytes.to_vec())
    } else if payload.is_object() {
        // Through JSON text: much faster than walking a 10,000-part response property by property.
        let text = js_sys::JSON::stringify(&payload)
            .map_err(|_| invalid_argument("payload", "cannot be written as JSON"))?;
        check(text.length())?;
        let text = String::from(text);
        if text.contains("\\ud") {
            crate::convert::refuse_ill_formed(&payload, "payload")?;
        }
        capture(text.as_bytes())
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
    let raw = string_arg(&raw, "raw")?
        .ok_or_else(|| invalid_argument("raw", "expected a phone number (string)"))?;
    Identifier::phone(&raw)
        .map(|p| p.value().to_owned())
        .map_err(|e| to_js_error(&e))
}

/// The options of a capture call.
struct CaptureOptions {
    /// When the host received the payload.
    at: Option<UnixMillis>,
    /// The longest body read, in bytes.
    max_bytes: usize,
}

/// `options`: absent, `null`, or `{ at?, maxBytes? }`; `at` a number (or BigInt) of
/// milliseconds or a `Date`, `maxBytes` a whole number of bytes, at least 1.
fn capture_options(options: &JsValue) -> Result<CaptureOptions, JsValue> {
    let mut read = CaptureOptions {
        at: None,
        max_bytes: erasekit_core::DEFAULT_CAPTURE_MAX_BYTES,
    };
    if options.is_undefined() || options.is_null() {
        return Ok(read);
    }
    let object = options
        .dyn_ref::<Object>()
        .filter(|_| options.is_object())
        .ok_or_else(|| invalid_argument("options", "expected { at?, maxBytes? }"))?;
    for key in Object::keys(object).iter() {
        let key = key.as_string().unwrap_or_default();
        if key != "at" && key != "maxBytes" {
            return Err(invalid_argument(
                &key,
                "unknown option; expected at, maxBytes",
            ));
        }
    }
    read.at = time_or_date(&get(options, "at"), "at")?;
    let max = get(options, "maxBytes");
    if !max.is_undefined() && !max.is_null() {
        read.max_bytes = max
            .as_f64()
            .filter(|n| n.fract() == 0.0 && *n >= 1.0 && *n <= 9_007_199_254_740_991.0)
            .ok_or_else(|| {
                invalid_argument("maxBytes", "expected a whole number of bytes, at least 1")
            })? as usize;
    }
    Ok(read)
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
