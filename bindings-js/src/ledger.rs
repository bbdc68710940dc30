//! Ledger values across the boundary, shared by [`crate::ledger_sql`] and
//! [`crate::memory_ledger`]: subjects, entries, identifiers, receipts, SQL rows and the
//! `storage` error of a failing driver.
//!
//! Everything is read into the core's own types and checked by the core. Lists of plain data
//! (entries, rows) cross as JSON text through `JSON.stringify`, which is several times faster
//! than walking them property by property for the million-entry batches the ledger records.

use crate::convert::string_arg;
use crate::error::{invalid_argument, to_js_error};
use erasekit_core::{Error, Identifier, LedgerEntry};
use js_sys::{Array, Reflect};
use serde::Serialize;
use serde_json::Value;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// The subject argument: a string (its length is checked by the core: 1 to 256 bytes).
pub(crate) fn subject_arg(value: &JsValue) -> Result<String, JsValue> {
    text_arg(value, "subject")
}

/// A required string argument, well-formed Unicode (see [`string_arg`]).
pub(crate) fn text_arg(value: &JsValue, field: &str) -> Result<String, JsValue> {
    string_arg(value, field)?.ok_or_else(|| invalid_argument(field, "expected a string"))
}

/// Plain JS data as JSON text, through `JSON.stringify` (`undefined` fields are left out).
pub(crate) fn stringify(value: &JsValue, field: &str) -> Result<String, JsValue> {
    js_sys::JSON::stringify(value)
        .ok()
        .and_then(|s| s.as_string())
        .ok_or_else(|| invalid_argument(field, "cannot be written as JSON"))
}

/// A large core result (entries, statements) for JS: JSON text read back with `JSON.parse`.
///
/// The same plain objects as [`crate::convert::to_js`] makes (objects, arrays, strings, numbers,
/// `null`), built by the engine's JSON parser instead of one property at a time: ten thousand
/// entries cross in milliseconds instead of hundreds. Times are below 2^53 (the core checks
/// them), so every number is exact.
pub(crate) fn bulk_to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsValue> {
    let text = serde_json::to_string(value)
        .map_err(|e| invalid_argument("result", &format!("cannot be written as JSON: {e}")))?;
    js_sys::JSON::parse(&text)
}

/// A JS array of plain data as JSON data, through `JSON.stringify`; `None` for a non-array.
fn array_json(value: &JsValue, field: &str) -> Result<Option<Value>, JsValue> {
    if !Array::is_array(value) {
        return Ok(None);
    }
    let text = stringify(value, field)?;
    if text.contains("\\ud") {
        crate::convert::refuse_ill_formed(value, field)?;
    }
    serde_json::from_str(&text)
        .map(Some)
        .map_err(|e| invalid_argument(field, &format!("is not JSON data: {e}")))
}

/// Ledger entries as captured (an array of `{ kind, product, direction, id, created_at, source,
/// extra }`), checked by the core; a wrong shape is `invalid_argument` naming `entries[i]`.
pub(crate) fn entries_arg(value: &JsValue) -> Result<Vec<LedgerEntry>, JsValue> {
    let json = array_json(value, "entries")?.unwrap_or(Value::Null);
    LedgerEntry::list_from_value(&json).map_err(|e| to_js_error(&e))
}

/// Identifiers for `link`: an array of strings (`USR-…` is a Conversation user, anything else
/// a phone number in any common form) or of `{ kind, value }` objects as `identifiers()` gives.
pub(crate) fn identifiers_arg(value: &JsValue) -> Result<Vec<Identifier>, JsValue> {
    let Some(array) = value.dyn_ref::<Array>().filter(|_| Array::is_array(value)) else {
        return Err(invalid_argument(
            "identifiers",
            "expected an array of phone numbers, USR- ids or { kind, value } objects",
        ));
    };
    array
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let field = format!("identifiers[{i}]");
            if let Some(raw) = string_arg(&item, &field)? {
                return identifier_from_text(&raw).map_err(|e| to_js_error(&e));
            }
            if item.is_object() && !Array::is_array(&item) {
                let part = |name: &str| {
                    let v = Reflect::get(&item, &name.into()).unwrap_or(JsValue::UNDEFINED);
                    text_arg(&v, &format!("{field}.{name}"))
                };
                return Identifier::from_parts(&part("kind")?, &part("value")?)
                    .map_err(|e| to_js_error(&e));
            }
            Err(invalid_argument(
                &field,
                "expected a phone number or USR- id (string) or a { kind, value } object",
            ))
        })
        .collect()
}

/// A plain identifier string: Conversation user ids start with `USR-`; the rest are phones.
fn identifier_from_text(raw: &str) -> erasekit_core::Result<Identifier> {
    if raw.starts_with("USR-") {
        Identifier::conversation_user(raw)
    } else {
        Identifier::phone(raw)
    }
}

/// A signed receipt (object or JSON text) as JSON text, for the core to verify against the
/// ledger's receipt key and subject before anything is forgotten.
pub(crate) fn receipt_arg(value: &JsValue) -> Result<String, JsValue> {
    const FIELD: &str = "receipt";
    if let Some(raw) = string_arg(value, FIELD)? {
        Ok(raw)
    } else if value.is_object() && !Array::is_array(value) {
        stringify(value, FIELD)
    } else {
        Err(invalid_argument(
            FIELD,
            "expected the signed receipt (object or JSON)",
        ))
    }
}

/// A lease as the drivers hold it: `{ job_id, owner, attempt }`.
pub(crate) fn lease_arg(value: &JsValue) -> Result<erasekit_core::Lease, JsValue> {
    let text = stringify(value, "lease")?;
    serde_json::from_str(&text).map_err(|e| invalid_argument("lease", &e.to_string()))
}

/// A lease length in milliseconds (checked by the core).
pub(crate) fn lease_ms_arg(value: &JsValue) -> Result<u64, JsValue> {
    value
        .as_f64()
        .filter(|n| n.fract() == 0.0 && *n >= 0.0 && *n < 9.0e15)
        .map(|n| n as u64)
        .ok_or_else(|| invalid_argument("leaseMs", "expected a whole number of milliseconds"))
}

/// Rows as the driver returned them: an array of arrays of `null`, numbers and strings.
pub(crate) fn rows_arg(value: &JsValue) -> Result<Vec<Vec<Value>>, JsValue> {
    let not_rows = || {
        invalid_argument(
            "rows",
            "expected an array of rows (arrays of column values)",
        )
    };
    match array_json(value, "rows")? {
        Some(Value::Array(rows)) => rows
            .into_iter()
            .map(|row| match row {
                Value::Array(cells) => Ok(cells),
                _ => Err(not_rows()),
            })
            .collect(),
        _ => Err(not_rows()),
    }
}

/// A `storage` ErasekitError for a host-side failure (a driver error, a closed ledger), so that
/// every error a ledger throws is an ErasekitError. Not public API: for `js/ledger.mjs`.
#[wasm_bindgen(js_name = __storageError, skip_typescript)]
pub fn storage_error(reason: String) -> JsValue {
    to_js_error(&Error::Storage { reason })
}

/// A `ledger_not_found` ErasekitError: a ledger opened without `create` does not exist. Not
/// public API: for `js/ledger.mjs`.
#[wasm_bindgen(js_name = __ledgerNotFound, skip_typescript)]
pub fn ledger_not_found(reason: String) -> JsValue {
    to_js_error(&Error::LedgerNotFound { reason })
}
