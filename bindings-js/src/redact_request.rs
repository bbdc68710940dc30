//! `RedactRequest`: one validated redaction; builds the HTTP request and interprets the answer.

use crate::convert::{from_js_plain, response_arg, time_arg, to_js};
use crate::error::to_js_error;
use crate::options::RequestOptions;
use erasekit_core::{HttpResponse, RedactInput, UnixMillis};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// One redaction of one Vonage transaction: `POST /v1/redact/transaction`.
#[wasm_bindgen]
#[repr(transparent)]
pub struct RedactRequest(erasekit_core::RedactRequest);

#[wasm_bindgen]
impl RedactRequest {
    /// Validates `{ id, product, type?, createdAt? }`: `product` in the spec's exact spelling
    /// (`sms`, `voice`, `number-insight`, `verify`, `verify-sdk`, `messages`), `type`
    /// `inbound` or `outbound` (default), `createdAt` a `Date` or milliseconds since the epoch.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "RedactInput")] input: JsValue,
    ) -> Result<RedactRequest, JsValue> {
        parse(input).map(RedactRequest)
    }

    /// The transaction id.
    #[wasm_bindgen(getter)]
    pub fn id(&self) -> String {
        self.0.id.as_str().to_owned()
    }

    /// The product, spec spelling.
    #[wasm_bindgen(getter, unchecked_return_type = "Product")]
    pub fn product(&self) -> String {
        self.0.product.as_str().to_owned()
    }

    /// The direction: `inbound` or `outbound`.
    #[wasm_bindgen(getter = type, unchecked_return_type = "Direction")]
    pub fn direction(&self) -> String {
        self.0.direction.as_str().to_owned()
    }

    /// When the transaction happened (milliseconds since the epoch), if known.
    #[wasm_bindgen(getter = createdAt, unchecked_return_type = "number | null")]
    pub fn created_at(&self) -> Result<JsValue, JsValue> {
        to_js(&self.0.created_at, "createdAt")
    }

    /// The earliest time Vonage will accept this redaction (`createdAt` + 60 minutes), or
    /// `null` when `createdAt` is unknown.
    #[wasm_bindgen(getter = notBefore, unchecked_return_type = "number | null")]
    pub fn not_before(&self) -> Result<JsValue, JsValue> {
        to_js(&self.0.not_before(), "createdAt")
    }

    /// The HTTP request to send: `{ method, url, headers, body }`, with Basic authorization.
    #[wasm_bindgen(
        js_name = toHttp,
        unchecked_return_type = "HttpRequest"
    )]
    pub fn to_http(
        &self,
        #[wasm_bindgen(unchecked_param_type = "RequestOptions")] options: JsValue,
    ) -> Result<JsValue, JsValue> {
        let options = RequestOptions::from_js(&options)?;
        let request = self
            .0
            .to_http(&options.base, &options.credentials)
            .map_err(|e| to_js_error(&e))?;
        to_js(&request, "request")
    }

    /// What a response means, at time `now` (milliseconds since the epoch, used for
    /// `Retry-After`). Never throws for any response; throws only for a malformed argument.
    #[wasm_bindgen(unchecked_return_type = "RedactOutcome")]
    pub fn interpret(
        &self,
        #[wasm_bindgen(unchecked_param_type = "HttpResponse")] response: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number | Date")] now: JsValue,
    ) -> Result<JsValue, JsValue> {
        let response = response_arg(&response)?;
        let now = time_arg(&now, "now")?;
        self.interpret_at(&response, now)
    }

    /// The request as plain data: `{ id, product, type, created_at }`.
    #[wasm_bindgen(js_name = toJSON, unchecked_return_type = "RedactRequestData")]
    pub fn to_json(&self) -> Result<JsValue, JsValue> {
        to_js(&self.0, "createdAt")
    }
}

impl RedactRequest {
    /// Interprets a response already read from JS.
    pub(crate) fn interpret_at(
        &self,
        response: &HttpResponse,
        now: UnixMillis,
    ) -> Result<JsValue, JsValue> {
        to_js(&self.0.interpret(response, now), "now")
    }
}

/// Validates redaction input (`new RedactRequest(...)` and `redact(...)` share it).
pub(crate) fn parse(input: JsValue) -> Result<erasekit_core::RedactRequest, JsValue> {
    // `createdAt` may be a `Date`: read as every time is (the rest is plain data).
    let created_at = crate::options::get(&input, "createdAt");
    let input = if created_at.is_instance_of::<js_sys::Date>() {
        let copy = js_sys::Object::assign(&js_sys::Object::new(), input.unchecked_ref());
        let millis = time_arg(&created_at, "input.createdAt")?;
        js_sys::Reflect::set(
            &copy,
            &"createdAt".into(),
            &JsValue::from_f64(millis as f64),
        )?;
        copy.into()
    } else {
        input
    };
    let input: RedactInput = from_js_plain(input, "input")?;
    erasekit_core::RedactRequest::new(input).map_err(|e| to_js_error(&e))
}
