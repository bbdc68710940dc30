//! `Credentials`: the JS class around the core's validated credentials.

use crate::convert::{bytes_arg, string_arg, time_arg};
use crate::error::{invalid_argument, to_js_error};
use crate::options::get;
use erasekit_core::CredentialsInput;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// The name of the hidden method through which another export borrows a `Credentials`
/// found inside an options object.
const HANDOFF_METHOD: &str = "__erasekitHandoff";

thread_local! {
    /// Where [`Credentials::handoff`] leaves a shared handle for [`credentials_arg`] to take.
    static HANDOFF: RefCell<Option<Rc<erasekit_core::Credentials>>> = const { RefCell::new(None) };
}

/// Vonage credentials: API key + secret (Basic auth) and/or application id + RSA private key
/// (JWTs). `toString()`, `toJSON()` and Node's `inspect` never show the secret, the key or a token.
#[wasm_bindgen]
pub struct Credentials {
    inner: Rc<erasekit_core::Credentials>,
}

#[wasm_bindgen]
impl Credentials {
    /// Validates `{ apiKey, apiSecret, applicationId, privateKey }` (snake_case names are
    /// accepted too). At least one complete pair is needed; a half pair, an unknown field or
    /// a key that is not an RSA private key in PEM throws an `ErasekitError`.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "CredentialsInput")] input: JsValue,
    ) -> Result<Credentials, JsValue> {
        let input = credentials_input(&input, "credentials")?;
        let inner = erasekit_core::Credentials::new(input).map_err(|e| to_js_error(&e))?;
        Ok(Credentials {
            inner: Rc::new(inner),
        })
    }

    /// The API key, if any (not a secret: Vonage records show it as `account_id`).
    #[wasm_bindgen(getter = apiKey, unchecked_return_type = "string | null")]
    pub fn api_key(&self) -> JsValue {
        self.inner.api_key().map_or(JsValue::NULL, JsValue::from)
    }

    /// The application id, if any.
    #[wasm_bindgen(getter = applicationId, unchecked_return_type = "string | null")]
    pub fn application_id(&self) -> JsValue {
        self.inner
            .application_id()
            .map_or(JsValue::NULL, JsValue::from)
    }

    /// A signed RS256 application JWT: `iat` from `now` (milliseconds since the epoch),
    /// `jti` from 16 bytes of `entropy` (e.g. `crypto.getRandomValues(new Uint8Array(16))`).
    pub fn jwt(
        &self,
        #[wasm_bindgen(unchecked_param_type = "number | Date")] now: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Uint8Array")] entropy: JsValue,
    ) -> Result<String, JsValue> {
        let now = time_arg(&now, "now")?;
        let entropy = bytes_arg(&entropy, "entropy")?;
        self.inner.jwt(now, &entropy).map_err(|e| to_js_error(&e))
    }

    /// `Credentials(api_key=..., application_id=...)`: never a secret.
    #[wasm_bindgen(js_name = toString)]
    #[allow(clippy::inherent_to_string)]
    pub fn to_string(&self) -> String {
        self.inner.to_string()
    }

    /// What `JSON.stringify` shows: the same text as `toString()`.
    #[wasm_bindgen(js_name = toJSON)]
    pub fn to_json(&self) -> String {
        self.inner.to_string()
    }

    /// Leaves a shared handle to these credentials for [`credentials_arg`]; not public API.
    #[wasm_bindgen(js_name = __erasekitHandoff, skip_typescript)]
    pub fn handoff(&self) {
        HANDOFF.with(|slot| *slot.borrow_mut() = Some(Rc::clone(&self.inner)));
    }
}

/// The credentials an options object names under `field`: a `Credentials` instance, or a
/// plain `CredentialsInput` object validated on the spot.
///
/// wasm-bindgen can only borrow an exported class through a positional parameter, so an
/// instance found inside an object is asked to hand itself off through its hidden method; an
/// object that only pretends to have it hands nothing off and is refused.
pub(crate) fn credentials_arg(
    value: JsValue,
    field: &str,
) -> Result<Rc<erasekit_core::Credentials>, JsValue> {
    if !value.is_object() {
        return Err(invalid_argument(
            field,
            "expected a Credentials instance or { apiKey, apiSecret, applicationId, privateKey }",
        ));
    }
    let method = js_sys::Reflect::get(&value, &HANDOFF_METHOD.into()).unwrap_or_default();
    let Some(method) = method.dyn_ref::<js_sys::Function>() else {
        let input = credentials_input(&value, field)?;
        let credentials = erasekit_core::Credentials::new(input).map_err(|e| to_js_error(&e))?;
        return Ok(Rc::new(credentials));
    };
    HANDOFF.with(|slot| slot.borrow_mut().take());
    let called = method.call0(&value);
    let handed = HANDOFF.with(|slot| slot.borrow_mut().take());
    match (called, handed) {
        (Ok(_), Some(credentials)) => Ok(credentials),
        _ => Err(invalid_argument(
            field,
            "is not a live Credentials of this erasekit module (was it freed?)",
        )),
    }
}

/// The fields of a `CredentialsInput`: the JS name and the core's (both accepted).
const FIELDS: [(&str, &str); 4] = [
    ("apiKey", "api_key"),
    ("apiSecret", "api_secret"),
    ("applicationId", "application_id"),
    ("privateKey", "private_key"),
];

/// Reads `{ apiKey, apiSecret, applicationId, privateKey }` field by field. Not through serde:
/// its messages quote the value they refused (``invalid type: integer `12345678901` ``), and
/// these values are secrets. An error here names the field and the value's type, never the
/// value.
fn credentials_input(value: &JsValue, field: &str) -> Result<CredentialsInput, JsValue> {
    const EXPECTED: &str = "expected { apiKey, apiSecret, applicationId, privateKey }";
    let object = value
        .dyn_ref::<js_sys::Object>()
        .filter(|_| value.is_object() && !js_sys::Array::is_array(value))
        .ok_or_else(|| invalid_argument(field, EXPECTED))?;
    for key in js_sys::Object::keys(object).iter() {
        let key = key.as_string().unwrap_or_default();
        if !FIELDS.iter().any(|(js, core)| key == *js || key == *core) {
            return Err(invalid_argument(
                &format!("{field}.{key}"),
                &format!("unknown field; {EXPECTED}"),
            ));
        }
    }
    let read = |(js, core): (&str, &str)| -> Result<Option<String>, JsValue> {
        let (name, v) = match (get(value, js), get(value, core)) {
            (a, b) if !is_absent(&a) && !is_absent(&b) => {
                return Err(invalid_argument(
                    &format!("{field}.{js}"),
                    &format!("given twice (as {js} and {core})"),
                ))
            }
            (a, _) if !is_absent(&a) => (js, a),
            (_, b) => (core, b),
        };
        if is_absent(&v) {
            return Ok(None);
        }
        let path = format!("{field}.{name}");
        string_arg(&v, &path)?.map(Some).ok_or_else(|| {
            let kind = v.js_typeof().as_string().unwrap_or_default();
            invalid_argument(&path, &format!("expected a string, got a {kind}"))
        })
    };
    Ok(CredentialsInput {
        api_key: read(FIELDS[0])?,
        api_secret: read(FIELDS[1])?,
        application_id: read(FIELDS[2])?,
        private_key: read(FIELDS[3])?,
    })
}

fn is_absent(value: &JsValue) -> bool {
    value.is_undefined() || value.is_null()
}
