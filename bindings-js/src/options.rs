//! The options objects of `toHttp(...)` and `redact(...)`: camelCase names, checked keys.

use crate::convert::{from_js_plain, time_arg};
use crate::credentials::credentials_arg;
use crate::error::{invalid_argument, to_js_error};
use erasekit_core::{ApiBase, ApiBaseInput, Credentials, UnixMillis};
use js_sys::{Function, Object, Reflect};
use std::rc::Rc;
use wasm_bindgen::{JsCast, JsValue};

/// Options every call that builds a request takes: `{ credentials, baseUrl? }`.
pub(crate) struct RequestOptions {
    /// The credentials to authorise with.
    pub(crate) credentials: Rc<Credentials>,
    /// Where requests go.
    pub(crate) base: ApiBase,
}

/// The options of `redact(...)`: `{ credentials, baseUrl?, fetch?, now?, signal? }`.
pub(crate) struct SendOptions {
    /// Credentials and base URL.
    pub(crate) request: RequestOptions,
    /// The `fetch` to send with: `options.fetch`, else `globalThis.fetch`.
    pub(crate) fetch: Function,
    /// The time to interpret the response at; `None` means the host clock when it arrives.
    pub(crate) now: Option<UnixMillis>,
    /// An `AbortSignal` passed on to `fetch`, if given.
    pub(crate) signal: Option<JsValue>,
}

const REQUEST_KEYS: &[&str] = &["credentials", "baseUrl"];
const SEND_KEYS: &[&str] = &["credentials", "baseUrl", "fetch", "now", "signal"];

impl RequestOptions {
    /// Reads `{ credentials, baseUrl? }`.
    pub(crate) fn from_js(options: &JsValue) -> Result<Self, JsValue> {
        let options = options_object(options, REQUEST_KEYS)?;
        Self::read(&options)
    }

    fn read(options: &Object) -> Result<Self, JsValue> {
        let credentials = credentials_arg(get(options, "credentials"), "credentials")?;
        let base = base_url_arg(get(options, "baseUrl"))?;
        Ok(RequestOptions { credentials, base })
    }
}

impl SendOptions {
    /// Reads `{ credentials, baseUrl?, fetch?, now?, signal? }`.
    pub(crate) fn from_js(options: &JsValue) -> Result<Self, JsValue> {
        let options = options_object(options, SEND_KEYS)?;
        let request = RequestOptions::read(&options)?;
        let fetch = match get(&options, "fetch") {
            f if f.is_undefined() || f.is_null() => get(&js_sys::global().into(), "fetch"),
            f => f,
        };
        let fetch = fetch.dyn_into::<Function>().map_err(|_| {
            invalid_argument(
                "fetch",
                "expected a function (and globalThis.fetch is not one either)",
            )
        })?;
        let now = match get(&options, "now") {
            n if n.is_undefined() || n.is_null() => None,
            n => Some(time_arg(&n, "now")?),
        };
        let signal = Some(get(&options, "signal")).filter(|s| !s.is_undefined() && !s.is_null());
        Ok(SendOptions {
            request,
            fetch,
            now,
            signal,
        })
    }
}

/// `baseUrl`: absent for Vonage's hosts, a string for every family, or per-family
/// `{ default?, redact?, media?, conversation?, reports?, search? }`.
pub(crate) fn base_url_arg(value: JsValue) -> Result<ApiBase, JsValue> {
    if value.is_undefined() || value.is_null() {
        return Ok(ApiBase::default());
    }
    if let Some(url) = crate::convert::string_arg(&value, "baseUrl")? {
        return ApiBase::new(&url).map_err(|e| to_js_error(&e));
    }
    if !value.is_object() {
        return Err(invalid_argument(
            "baseUrl",
            "expected a URL string or { default?, redact?, media?, conversation?, reports?, search? }",
        ));
    }
    let input: ApiBaseInput = from_js_plain(value, "baseUrl")?;
    ApiBase::from_input(&input).map_err(|e| to_js_error(&e))
}

/// The options argument as an object whose keys are all known.
pub(crate) fn options_object(options: &JsValue, known: &[&str]) -> Result<Object, JsValue> {
    let object = options
        .dyn_ref::<Object>()
        .filter(|_| options.is_object())
        .ok_or_else(|| invalid_argument("options", "expected an object"))?;
    for key in Object::keys(object).iter() {
        let key = key.as_string().unwrap_or_default();
        if !known.contains(&key.as_str()) {
            return Err(invalid_argument(
                &key,
                &format!("unknown option; expected one of {}", known.join(", ")),
            ));
        }
    }
    Ok(object.clone())
}

/// A property, or `undefined` when reading it fails (a throwing getter or proxy).
pub(crate) fn get(object: &JsValue, key: &str) -> JsValue {
    Reflect::get(object, &key.into()).unwrap_or(JsValue::UNDEFINED)
}
