//! Core errors as instances of the package's `ErasekitError` class (`js/error.mjs`, an
//! `Error`): `.name === "ErasekitError"`, `.code`, `.family` and `.details`.
//!
//! Every exported function returns `Result<_, JsValue>` whose error comes from [`to_js_error`],
//! so a string is never thrown. Bad JS input is reported as the core's `invalid_argument`.

use erasekit_core::Error;
use js_sys::{Object, Reflect};
use std::cell::RefCell;
use wasm_bindgen::prelude::*;

thread_local! {
    /// `ErasekitError.prototype`, given by the package entry on load (`__setErrorClass`).
    static PROTOTYPE: RefCell<Option<Object>> = const { RefCell::new(None) };
}

/// Makes every error of this module an instance of `class` (the package's `ErasekitError`).
#[wasm_bindgen(js_name = __setErrorClass, skip_typescript)]
pub fn set_error_class(class: &JsValue) {
    let prototype = Reflect::get(class, &"prototype".into()).ok();
    PROTOTYPE.with(|p| *p.borrow_mut() = prototype.and_then(|v| v.dyn_into().ok()));
}

/// The core's `invalid_argument` for the JS layers (`js/run.mjs`, `js/transport.mjs`).
#[wasm_bindgen(js_name = __invalidArgument, skip_typescript)]
pub fn invalid_argument_error(field: &str, reason: &str) -> JsValue {
    invalid_argument(field, reason)
}

/// The `name` of every error erasekit throws for a core error.
pub(crate) const ERROR_NAME: &str = "ErasekitError";

/// Converts a core error into a JS `Error` with `name`, `code`, `family` and `details`.
///
/// `details` is the core's `details()` JSON (the code plus the variant's fields) as a plain
/// object; it never holds a secret because the core's error variants never carry one.
pub(crate) fn to_js_error(error: &Error) -> JsValue {
    let js = js_sys::Error::new(&error.to_string());
    PROTOTYPE.with(|p| {
        if let Some(prototype) = p.borrow().as_ref() {
            Object::set_prototype_of(&js, prototype);
        }
    });
    js.set_name(ERROR_NAME);
    let family = serde_json::to_value(error.family())
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default();
    let details = crate::convert::serialize(&error.details())
        .unwrap_or_else(|_| js_sys::Object::new().into());
    set(&js, "code", &error.code().into());
    set(&js, "family", &family.into());
    set(&js, "details", &details);
    js.into()
}

/// The core's `invalid_argument` error for a JS value of the wrong type or shape.
pub(crate) fn invalid_argument(field: &str, reason: &str) -> JsValue {
    to_js_error(&Error::InvalidArgument {
        field: field.to_owned(),
        reason: reason.to_owned(),
    })
}

/// The core's `transport_failed` (`fetch` rejected or the body could not be read), with the
/// original as `.cause`. A `TransportFailure` of `js/transport.mjs` already names the host and
/// the cause: its message is the reason and its own cause (what `fetch` threw) the `.cause`.
pub(crate) fn transport_error(cause: JsValue) -> JsValue {
    let marked = cause.is_object()
        && Reflect::get(&cause, &"erasekitTransport".into())
            .map(|v| v.is_truthy())
            .unwrap_or(false);
    let reason = cause
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| cause.as_string())
        .unwrap_or_else(|| "the transport rejected".to_owned());
    let cause = if marked {
        Reflect::get(&cause, &"cause".into()).unwrap_or(cause)
    } else {
        cause
    };
    let js = to_js_error(&Error::TransportFailed { reason });
    let _ = Reflect::set(&js, &"cause".into(), &cause);
    js
}

/// Sets a property on an `Error` we just created; that cannot fail (it is a plain,
/// extensible object), so a failure is ignored rather than turned into a panic.
fn set(target: &js_sys::Error, key: &str, value: &JsValue) {
    let _ = Reflect::set(target, &key.into(), value);
}

/// One entry of [`error_codes`]: a stable code and its family.
#[derive(serde::Serialize)]
struct CodeEntry {
    code: &'static str,
    family: erasekit_core::ErrorFamily,
}

/// Every error code erasekit can throw, with its family, in the core's order.
#[wasm_bindgen(js_name = errorCodes, unchecked_return_type = "ErrorCodeInfo[]")]
pub fn error_codes() -> Result<JsValue, JsValue> {
    let entries: Vec<CodeEntry> = Error::catalogue()
        .into_iter()
        .map(|(code, family)| CodeEntry { code, family })
        .collect();
    crate::convert::to_js(&entries, "errorCodes")
}
