//! How values cross the wasm boundary: one serde-wasm-bindgen configuration and the
//! 64-bit policy.
//!
//! - Objects, not `Map`s, and `null`, not `undefined`, for values going out.
//! - Times are integer milliseconds since the epoch. Going in, a `Date`, or a JS number (or
//!   BigInt) that is a whole, non-negative number, is read as `u64`; values above 2^53 − 1 reach the core,
//!   which refuses them with `invalid_time`. Going out, `u64` values are plain numbers; one
//!   above 2^53 − 1 cannot be represented exactly and is refused instead of rounded.
//! - Byte fields (`serde_bytes`-style) go out as `Uint8Array`.
//!
//! Deserialisation errors name the field (`createdAt`, `response.status`, ...) and become
//! `invalid_argument` errors; nothing here panics or throws a string.

use crate::error::{invalid_argument, to_js_error};
use erasekit_core::{check_status, check_time, Error, HttpResponse, UnixMillis};
use js_sys::{Object, Uint8Array};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;
use wasm_bindgen::{JsCast, JsValue};

/// The one serialiser configuration every value leaving the core goes through.
const SERIALIZER: serde_wasm_bindgen::Serializer = serde_wasm_bindgen::Serializer::new()
    .serialize_maps_as_objects(true)
    .serialize_missing_as_null(true)
    .serialize_large_number_types_as_bigints(false);

/// 2^64 as an `f64`: whole numbers at or above it saturate to `u64::MAX`.
const TWO_POW_64: f64 = 18_446_744_073_709_551_616.0;

/// Serialises a value with the one configuration.
pub(crate) fn serialize<T: Serialize + ?Sized>(
    value: &T,
) -> Result<JsValue, serde_wasm_bindgen::Error> {
    value.serialize(&SERIALIZER)
}

/// Serialises a core value for JS. A `u64` above 2^53 − 1 is refused with `invalid_time`
/// naming `time_field`, the input that produced it.
pub(crate) fn to_js<T: Serialize + ?Sized>(
    value: &T,
    time_field: &'static str,
) -> Result<JsValue, JsValue> {
    serialize(value).map_err(|e| {
        to_js_error(&Error::InvalidTime {
            field: time_field,
            reason: format!("result cannot be represented as a JavaScript number: {e}"),
        })
    })
}

/// Reads a small plain-data input (strings, numbers, nested objects) into a core input type.
///
/// The value goes through JSON data first so that whole JS numbers above 2^53 − 1 stay
/// integers (serde-wasm-bindgen would refuse them as `u64`), letting the core decide.
/// `field` names the argument; a path inside it is appended (`baseUrl.redact`).
pub(crate) fn from_js_plain<T: DeserializeOwned>(
    value: JsValue,
    field: &str,
) -> Result<T, JsValue> {
    let to_json = |value: JsValue| -> Result<Value, String> {
        serde_wasm_bindgen::from_value(value).map_err(|e| format!("expected plain data: {e}"))
    };
    let attempt = |value: JsValue| -> Result<T, String> {
        let mut json = to_json(value)?;
        integral_numbers_as_integers(&mut json);
        serde_json::from_value(json).map_err(|e| e.to_string())
    };
    // Not plain data at all: the argument itself is named.
    let mut json = to_json(value.clone()).map_err(|reason| invalid_argument(field, &reason))?;
    if holds_replacement(&json) {
        if let Some(path) = ill_formed_path(&value, 0) {
            return Err(ill_formed(&join(field, &path)));
        }
    }
    integral_numbers_as_integers(&mut json);
    serde_json::from_value(json).map_err(|e| {
        // serde_json reads an object's keys in sorted order: the first bad one in that
        // order is the one reported.
        let reason = e.to_string();
        let path = locate(&value, &|v| attempt(v).err(), &reason, true);
        invalid_argument(&join(field, &path), &reason)
    })
}

/// Where in `value` reading it failed with `reason`, as `a.b[2]` (`.` for the value itself).
///
/// Instead of tracking the path while reading (serde_path_to_error: a second copy of every
/// input type's reader in the wasm), this runs only after a failure and re-reads reduced
/// copies: an object cut down to one entry (the entry that alone fails with the same reason
/// is the culprit), an array cut after each element (the first prefix failing with that
/// reason ends at the culprit), then descends into the culprit unless an empty object or
/// array in its place fails the same way (then the culprit itself has the wrong type). Missing fields and short
/// arrays that the cutting causes fail with other reasons and are passed over; when they are
/// the reason, it is the value itself that lacks them (these inputs nest no structs). `sorted`:
/// object keys are read in sorted order (serde_json's maps), else in JS order.
fn locate(
    value: &JsValue,
    attempt: &dyn Fn(JsValue) -> Option<String>,
    reason: &str,
    sorted: bool,
) -> String {
    let mut path = String::new();
    if !reason.starts_with("missing field `") && !reason.starts_with("invalid length ") {
        descend(value, &|v| v, attempt, reason, sorted, &mut path);
    }
    if path.is_empty() {
        path.push('.');
    }
    path
}

/// One step of [`locate`]: finds the culprit inside `value` (which `wrap` puts back into a
/// whole input), appends it to `path` and goes on inside it.
fn descend(
    value: &JsValue,
    wrap: &dyn Fn(JsValue) -> JsValue,
    attempt: &dyn Fn(JsValue) -> Option<String>,
    reason: &str,
    sorted: bool,
    path: &mut String,
) {
    use js_sys::{Array, Map, Object};
    use wasm_bindgen::JsCast;
    let fails = |candidate: JsValue| attempt(wrap(candidate)).as_deref() == Some(reason);
    // serde-wasm-bindgen names an object of the wrong type by its contents (`JsValue([1])`):
    // the culprit is then that object, never a number or string inside it.
    let may_be_culprit = |v: &JsValue| v.is_object() || !reason.contains("invalid type: JsValue(");
    if let Some(array) = value.dyn_ref::<Array>() {
        // Failing even when empty: the array itself is what is wrong.
        if fails(Array::new().into()) {
            return;
        }
        for i in 0..array.length() {
            if fails(array.slice(0, i + 1).into()) {
                let item = array.get(i);
                if !may_be_culprit(&item) {
                    return;
                }
                path.push_str(&format!("[{i}]"));
                let inner = |v: JsValue| {
                    let prefix = array.slice(0, i + 1);
                    prefix.set(i, v);
                    wrap(prefix.into())
                };
                return descend(&item, &inner, attempt, reason, sorted, path);
            }
        }
        return;
    }
    if !value.is_object() || value.is_function() || js_sys::ArrayBuffer::is_view(value) {
        return;
    }
    let is_map = value.is_instance_of::<Map>();
    let empty: JsValue = if is_map {
        Map::new().into()
    } else {
        Object::new().into()
    };
    if fails(empty) {
        return;
    }
    let mut entries: Vec<(JsValue, JsValue)> = Vec::new();
    if is_map {
        value
            .unchecked_ref::<Map>()
            .for_each(&mut |v, k| entries.push((k, v)));
    } else {
        for pair in Object::entries(value.unchecked_ref()).iter() {
            let pair: Array = pair.unchecked_into();
            entries.push((pair.get(0), pair.get(1)));
        }
    }
    if sorted {
        entries.sort_by_cached_key(|(k, _)| k.as_string().unwrap_or_default());
    }
    let single = |key: &JsValue, v: &JsValue| -> JsValue {
        if is_map {
            Map::new().set(key, v).into()
        } else {
            let object = Object::new();
            let _ = js_sys::Reflect::set(&object, key, v);
            object.into()
        }
    };
    for (key, v) in &entries {
        if fails(single(key, v)) {
            if !may_be_culprit(v) {
                return;
            }
            if !path.is_empty() {
                path.push('.');
            }
            path.push_str(&key.as_string().unwrap_or_else(|| "?".to_owned()));
            let inner = |x: JsValue| wrap(single(key, &x));
            return descend(v, &inner, attempt, reason, sorted, path);
        }
    }
}

/// A string argument as Rust text; `Ok(None)` when `value` is not a string. A string that is
/// not well-formed UTF-16 (a lone surrogate) is refused with `invalid_argument` naming
/// `field`: wasm-bindgen would turn each lone surrogate into U+FFFD, so `"victim\uD800"`,
/// `"victim\uDFFF"` and `"victim\uFFFD"` would become one subject (and one `forget` would
/// empty all three). Only a converted string holding U+FFFD is looked at again.
pub(crate) fn string_arg(value: &JsValue, field: &str) -> Result<Option<String>, JsValue> {
    let Some(text) = value.as_string() else {
        return Ok(None);
    };
    if text.contains('\u{FFFD}') && !is_well_formed(value) {
        return Err(ill_formed(field));
    }
    Ok(Some(text))
}

/// Whether a JS string has no lone surrogate (anything else counts as well formed).
fn is_well_formed(value: &JsValue) -> bool {
    use wasm_bindgen::JsCast;
    value
        .dyn_ref::<js_sys::JsString>()
        .map_or(true, js_sys::JsString::is_valid_utf16)
}

fn ill_formed(field: &str) -> JsValue {
    invalid_argument(
        field,
        "is not well-formed Unicode (it holds a lone surrogate, e.g. \\uD800); refused rather than altered",
    )
}

/// Refuses `value` (plain data about to be read as its `JSON.stringify` text) when a string in
/// it has a lone surrogate, naming where (`payload.messageId`, `entries[0].id`).
/// `JSON.stringify` writes one as an escape (`\ud800`) that JSON readers refuse with a message
/// about hex escapes: this says what is wrong instead. Called only when the text holds `\ud`.
pub(crate) fn refuse_ill_formed(value: &JsValue, field: &str) -> Result<(), JsValue> {
    match ill_formed_path(value, 0) {
        Some(path) => Err(ill_formed(&join(field, &path))),
        None => Ok(()),
    }
}

/// Whether converted data holds U+FFFD anywhere: only then can a lone surrogate have been
/// replaced, and the JS value is walked again to find it.
fn holds_replacement(value: &Value) -> bool {
    match value {
        Value::String(s) => s.contains('\u{FFFD}'),
        Value::Array(items) => items.iter().any(holds_replacement),
        Value::Object(map) => map
            .iter()
            .any(|(k, v)| k.contains('\u{FFFD}') || holds_replacement(v)),
        _ => false,
    }
}

/// The path (`.` for the value itself) of the first string with a lone surrogate in `value`.
fn ill_formed_path(value: &JsValue, depth: usize) -> Option<String> {
    use js_sys::{Array, Object};
    use wasm_bindgen::JsCast;
    if depth > 128 {
        return None;
    }
    if value.is_string() {
        return (!is_well_formed(value)).then(|| ".".to_owned());
    }
    let inner = |path: String, rest: String| {
        if rest == "." {
            path
        } else if rest.starts_with('[') {
            format!("{path}{rest}")
        } else {
            format!("{path}.{rest}")
        }
    };
    if let Some(array) = value.dyn_ref::<Array>() {
        for (i, item) in array.iter().enumerate() {
            if let Some(rest) = ill_formed_path(&item, depth + 1) {
                return Some(inner(format!("[{i}]"), rest));
            }
        }
        return None;
    }
    if !value.is_object() || value.is_function() {
        return None;
    }
    for pair in Object::entries(value.unchecked_ref()).iter() {
        let pair: Array = pair.unchecked_into();
        let (key, item) = (pair.get(0), pair.get(1));
        let name = key.as_string().unwrap_or_default();
        if !is_well_formed(&key) {
            return Some(name);
        }
        if let Some(rest) = ill_formed_path(&item, depth + 1) {
            return Some(inner(name, rest));
        }
    }
    None
}

/// A time argument: a whole, non-negative number (or BigInt) of milliseconds, or a `Date`,
/// checked by the core. The one reading of a user's time in this package.
pub(crate) fn time_arg(value: &JsValue, field: &'static str) -> Result<UnixMillis, JsValue> {
    if let Some(n) = value.as_f64() {
        return time_from_number(n, field);
    }
    if let Some(date) = wasm_bindgen::JsCast::dyn_ref::<js_sys::Date>(value) {
        return time_from_number(date.get_time(), field);
    }
    let millis = if value.is_bigint() {
        u64::try_from(value.clone())
            .map_err(|_| invalid_argument(field, "must be a BigInt between 0 and 2^64 - 1"))?
    } else {
        return Err(invalid_argument(
            field,
            "expected a Date or a number of milliseconds since the epoch",
        ));
    };
    check_time(field, millis).map_err(|e| to_js_error(&e))
}

/// A time argument given as a JS number, checked as [`time_arg`] checks it.
pub(crate) fn time_from_number(n: f64, field: &'static str) -> Result<UnixMillis, JsValue> {
    let millis = millis_from_number(n).map_err(|reason| invalid_argument(field, reason))?;
    check_time(field, millis).map_err(|e| to_js_error(&e))
}

/// A byte argument: a `Uint8Array` and nothing else.
pub(crate) fn bytes_arg(value: &JsValue, field: &str) -> Result<Vec<u8>, JsValue> {
    use wasm_bindgen::JsCast;
    value
        .dyn_ref::<js_sys::Uint8Array>()
        .map(js_sys::Uint8Array::to_vec)
        .ok_or_else(|| invalid_argument(field, "expected a Uint8Array"))
}

/// The policy for JS numbers that carry milliseconds: whole and non-negative; at or above
/// 2^64 saturates to `u64::MAX` so the core refuses it like any other too-large time.
pub(crate) fn millis_from_number(n: f64) -> Result<UnixMillis, &'static str> {
    if !n.is_finite() {
        Err("must be a finite number")
    } else if n < 0.0 {
        Err("must not be negative")
    } else if n.fract() != 0.0 {
        Err("must be a whole number of milliseconds")
    } else if n >= TWO_POW_64 {
        Ok(u64::MAX)
    } else {
        Ok(n as u64)
    }
}

/// Turns whole floats (JS numbers beyond 2^53 − 1 arrive as floats) back into integers.
fn integral_numbers_as_integers(value: &mut Value) {
    match value {
        Value::Number(n) if n.is_f64() => {
            let f = n.as_f64().unwrap_or(f64::NAN);
            if let Ok(millis) = millis_from_number(f) {
                *value = Value::from(millis);
            } else if f.is_finite() && f.fract() == 0.0 && f >= i64::MIN as f64 {
                *value = Value::from(f as i64);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(integral_numbers_as_integers),
        Value::Object(map) => map.values_mut().for_each(integral_numbers_as_integers),
        _ => {}
    }
}

/// `field` for the argument itself, `field.path` (or `field[i]...`) for something inside it.
fn join(field: &str, path: &str) -> String {
    if path == "." {
        field.to_owned()
    } else if path.starts_with('[') {
        format!("{field}{path}")
    } else {
        format!("{field}.{path}")
    }
}

/// Plain data as JSON text parsed by `JSON.parse`: one string crossing instead of one per
/// field name and value (serde-wasm-bindgen's way), several times faster for small objects.
pub(crate) fn json_to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsValue> {
    let text = serde_json::to_string(value)
        .map_err(|e| invalid_argument("result", &format!("cannot be written as JSON: {e}")))?;
    js_sys::JSON::parse(&text)
}

/// `{ status, headers?, body? }`, for jobs and `RedactRequest.interpret` alike: the status as
/// the core's one rule reads it, headers a plain object of strings (the first of a name wins),
/// body a `Uint8Array`, a string, an array of bytes or absent.
pub(crate) fn response_arg(response: &JsValue) -> Result<HttpResponse, JsValue> {
    if !response.is_object() {
        return Err(invalid_argument(
            "response",
            "expected { status, headers?, body? }",
        ));
    }
    let status = crate::job::get_key(response, crate::job::Key::Status)
        .as_f64()
        .unwrap_or(f64::NAN);
    let status = check_status(status).map_err(|e| to_js_error(&e))?;
    let mut headers = BTreeMap::new();
    let given = crate::job::get_key(response, crate::job::Key::Headers);
    if !(given.is_undefined() || given.is_null()) {
        let bad = || invalid_argument("response.headers", "expected an object of strings");
        if !given.is_object() || js_sys::Array::is_array(&given) {
            return Err(bad());
        }
        for pair in Object::entries(given.unchecked_ref()).iter() {
            let pair: js_sys::Array = pair.unchecked_into();
            let name = pair.get(0).as_string().unwrap_or_default();
            let Some(value) = pair.get(1).as_string() else {
                return Err(invalid_argument(
                    &format!("response.headers.{name}"),
                    "expected a string",
                ));
            };
            headers.entry(name).or_insert(value);
        }
    }
    let body = crate::job::get_key(response, crate::job::Key::Body);
    let body = if body.is_undefined() || body.is_null() {
        Vec::new()
    } else if let Some(bytes) = body.dyn_ref::<Uint8Array>() {
        bytes.to_vec()
    } else if let Some(text) = body.as_string() {
        text.into_bytes()
    } else if js_sys::Array::is_array(&body) {
        from_js_plain(body, "response.body")?
    } else {
        return Err(invalid_argument(
            "response.body",
            "expected a Uint8Array, a string or an array of bytes",
        ));
    };
    Ok(HttpResponse {
        status,
        headers,
        body,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn millis_policy() {
        assert_eq!(millis_from_number(0.0), Ok(0));
        assert_eq!(
            millis_from_number(1_700_000_000_000.0),
            Ok(1_700_000_000_000)
        );
        assert_eq!(millis_from_number(9_007_199_254_740_992.0), Ok(1 << 53));
        assert_eq!(millis_from_number(1e30), Ok(u64::MAX));
        assert!(millis_from_number(-1.0).is_err());
        assert!(millis_from_number(1.5).is_err());
        assert!(millis_from_number(f64::NAN).is_err());
        assert!(millis_from_number(f64::INFINITY).is_err());
    }

    #[test]
    fn whole_floats_become_integers() {
        let mut v = serde_json::json!({ "a": 9007199254740992.0, "b": [1.5, -2.0], "c": "x" });
        integral_numbers_as_integers(&mut v);
        assert_eq!(v["a"].as_u64(), Some(1 << 53));
        assert_eq!(v["b"][0].as_f64(), Some(1.5));
        assert_eq!(v["b"][1].as_i64(), Some(-2));
    }

    #[test]
    fn field_paths() {
        assert_eq!(join("input", "."), "input");
        assert_eq!(join("input", "createdAt"), "input.createdAt");
        assert_eq!(join("baseUrl", "redact"), "baseUrl.redact");
        assert_eq!(join("entries", "[0].id"), "entries[0].id");
    }
}
