//! `redact(...)`: build the request in the core, send it with the host's `fetch`, and resolve
//! to the core's reading of the answer.
//!
//! The binding only moves bytes: it never decides what a status means. A `fetch` that rejects
//! (DNS, reset, abort) or a body that cannot be read is a transport failure, not a core
//! error: the promise rejects with an `Error` whose `.code` is `"transport_failed"` and whose
//! `.cause` is what `fetch` threw.

use crate::convert::{time_arg, to_js};
use crate::error::{to_js_error, transport_error};
use crate::options::{get, SendOptions};
use crate::redact_request::parse;
use erasekit_core::{HttpRequest, HttpResponse};
use js_sys::{Array, Function, Object, Promise, Reflect, Uint8Array};
use std::collections::BTreeMap;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

/// Redacts one transaction: `input` as for `new RedactRequest(input)`, `options`
/// `{ credentials, baseUrl?, fetch?, now?, signal? }`. Resolves to the `RedactOutcome`. The
/// package's `redact` (js/transport.mjs) calls this with a `fetch` that adds the total
/// deadline (`timeoutMs`) and the body limit.
#[wasm_bindgen(unchecked_return_type = "RedactOutcome")]
pub async fn redact(
    #[wasm_bindgen(unchecked_param_type = "RedactInput")] input: JsValue,
    #[wasm_bindgen(unchecked_param_type = "RedactOptions")] options: JsValue,
) -> Result<JsValue, JsValue> {
    let redaction = parse(input)?;
    let options = SendOptions::from_js(&options)?;
    let request = redaction
        .to_http(&options.request.base, &options.request.credentials)
        .map_err(|e| to_js_error(&e))?;
    let response = send(&options, &request).await?;
    let now = match options.now {
        Some(now) => now,
        None => time_arg(&js_sys::Date::now().into(), "now")?,
    };
    to_js(&redaction.interpret(&response, now), "now")
}

/// Calls `fetch(url, { method, headers, body, signal })` and reads status, headers and body.
async fn send(options: &SendOptions, request: &HttpRequest) -> Result<HttpResponse, JsValue> {
    let init = fetch_init(request, options.signal.as_ref())?;
    let called = options
        .fetch
        .call2(&js_sys::global(), &request.url.as_str().into(), &init)
        .map_err(transport_error)?;
    let response = JsFuture::from(Promise::resolve(&called))
        .await
        .map_err(transport_error)?;
    if !response.is_object() {
        return Err(transport_error(
            js_sys::TypeError::new("fetch did not resolve to a Response").into(),
        ));
    }
    // The core's one status rule, as for jobs (0: a browser's opaque redirect, malformed).
    let status = get(&response, "status").as_f64().unwrap_or(f64::NAN);
    let status = erasekit_core::check_status(status).map_err(|e| to_js_error(&e))?;
    let headers = read_headers(&get(&response, "headers")).map_err(transport_error)?;
    let body = read_body(&response).await.map_err(transport_error)?;
    Ok(HttpResponse {
        status,
        headers,
        body,
    })
}

/// The `RequestInit`: method, headers as a plain object, the body bytes (none when empty).
fn fetch_init(request: &HttpRequest, signal: Option<&JsValue>) -> Result<JsValue, JsValue> {
    let init = Object::new();
    let headers = Object::new();
    for (name, value) in &request.headers {
        Reflect::set(&headers, &(**name).into(), &(**value).into())?;
    }
    Reflect::set(&init, &"method".into(), &(*request.method).into())?;
    // Never followed: another origin's page must not pass for Vonage's answer.
    Reflect::set(&init, &"redirect".into(), &"manual".into())?;
    Reflect::set(&init, &"headers".into(), &headers)?;
    if !request.body.is_empty() {
        Reflect::set(&init, &"body".into(), &Uint8Array::from(&request.body[..]))?;
    }
    if let Some(signal) = signal {
        Reflect::set(&init, &"signal".into(), signal)?;
    }
    Ok(init.into())
}

/// Headers from a `Headers` (or any iterable of `[name, value]`) or a plain object.
fn read_headers(headers: &JsValue) -> Result<BTreeMap<String, String>, JsValue> {
    let mut out = BTreeMap::new();
    if headers.is_undefined() || headers.is_null() {
        return Ok(out);
    }
    if !headers.is_object() {
        return Err(js_sys::TypeError::new("the Response headers are not an object").into());
    }
    let entries: Vec<JsValue> = match js_sys::try_iter(headers)? {
        Some(iter) => iter.collect::<Result<_, _>>()?,
        None => Object::entries(headers.unchecked_ref()).iter().collect(),
    };
    for entry in entries {
        let pair = Array::from(&entry);
        if let (Some(name), Some(value)) = (pair.get(0).as_string(), pair.get(1).as_string()) {
            // The first value of a name wins, as in the core's `HttpResponse::header`.
            out.entry(name).or_insert(value);
        }
    }
    Ok(out)
}

/// The body bytes, from `response.arrayBuffer()`.
async fn read_body(response: &JsValue) -> Result<Vec<u8>, JsValue> {
    let array_buffer = get(response, "arrayBuffer")
        .dyn_into::<Function>()
        .map_err(|_| js_sys::TypeError::new("the Response has no arrayBuffer()"))?;
    let buffer = JsFuture::from(Promise::resolve(&array_buffer.call0(response)?)).await?;
    Ok(Uint8Array::new(&buffer).to_vec())
}
