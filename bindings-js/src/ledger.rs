//! The ledger's native side: the core's `SqlLedger` (each request one transaction for
//! `js/ledger.mjs` to run with better-sqlite3 or pg) and `MemoryLedger`, both answering the
//! core's `LedgerRequest`s. Requests cross as the JSON text `js/ledger.mjs` writes (through
//! `JSON.stringify`, several times faster than walking a million entries property by
//! property); answers come back through `JSON.parse`. Every rule is the core's.

use crate::convert::{bytes_arg, string_arg, time_arg};
use crate::error::{invalid_argument, to_js_error};
use erasekit_core::{Dialect, Error, LedgerRequest};
use js_sys::Uint8Array;
use serde::Serialize;
use serde_json::Value;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// A required string argument, well-formed Unicode (see [`string_arg`]).
pub(crate) fn text_arg(value: &JsValue, field: &str) -> Result<String, JsValue> {
    string_arg(value, field)?.ok_or_else(|| invalid_argument(field, "expected a string"))
}

/// A large core result (entries, statements) for JS: JSON text read back with `JSON.parse`.
/// Times are below 2^53 (the core checks them), so every number is exact.
pub(crate) fn bulk_to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsValue> {
    let text = serde_json::to_string(value)
        .map_err(|e| invalid_argument("result", &format!("cannot be written as JSON: {e}")))?;
    js_sys::JSON::parse(&text)
}

/// JSON text from `js/ledger.mjs` as a JSON value.
fn json_arg(text: &str, field: &str) -> Result<Value, JsValue> {
    serde_json::from_str(text)
        .map_err(|e| invalid_argument(field, &format!("is not JSON data: {e}")))
}

/// A request: its JSON text, written by `js/ledger.mjs` from the `request` object. A string
/// with a lone surrogate (which `JSON.stringify` writes as an escape JSON readers refuse) is
/// `invalid_argument` naming the argument that holds it.
fn request_arg(request: &JsValue, text: &str) -> Result<LedgerRequest, JsValue> {
    if text.contains("\\ud") {
        let object: &js_sys::Object = request.unchecked_ref();
        for key in js_sys::Object::keys(object).iter() {
            let field = key.as_string().unwrap_or_default();
            let value = js_sys::Reflect::get(request, &key).unwrap_or(JsValue::UNDEFINED);
            crate::convert::refuse_ill_formed(&value, &field)?;
        }
    }
    LedgerRequest::from_value(json_arg(text, "request")?).map_err(|e| to_js_error(&e))
}

/// Rows as the driver returned them (JSON text of arrays of column values).
fn rows_arg(text: &str) -> Result<Vec<Vec<Value>>, JsValue> {
    serde_json::from_str(text)
        .map_err(|_| invalid_argument("rows", "expected arrays of column values"))
}

fn core<T>(result: erasekit_core::Result<T>) -> Result<T, JsValue> {
    result.map_err(|e| to_js_error(&e))
}

/// A ledger in SQL (`"sqlite"` or `"postgres"`): every request becomes one transaction.
#[wasm_bindgen(skip_typescript)]
pub struct SqlLedger(erasekit_core::SqlLedger);

/// One request in flight on a [`SqlLedger`].
#[wasm_bindgen(skip_typescript)]
pub struct SqlCall(erasekit_core::SqlCall);

#[wasm_bindgen]
impl SqlLedger {
    /// A ledger in `dialect`, to be opened with an `open` request.
    #[wasm_bindgen(constructor)]
    pub fn new(dialect: JsValue) -> Result<SqlLedger, JsValue> {
        let dialect = core(Dialect::parse(&text_arg(&dialect, "dialect")?))?;
        Ok(SqlLedger(erasekit_core::SqlLedger::new(dialect)))
    }

    /// The call answering `request` (and `text`, its JSON) at `now`.
    pub fn begin(&self, request: JsValue, text: String, now: JsValue) -> Result<SqlCall, JsValue> {
        let now = time_arg(&now, "now")?;
        Ok(SqlCall(core(
            self.0.begin(request_arg(&request, &text)?, now),
        )?))
    }

    /// The answer, from the rows changed and the rows of the call's `results` (JSON text).
    pub fn end(
        &mut self,
        call: &SqlCall,
        changed: f64,
        results: String,
    ) -> Result<JsValue, JsValue> {
        let results: Vec<Vec<Vec<Value>>> = serde_json::from_str(&results)
            .map_err(|_| invalid_argument("results", "expected result sets of rows"))?;
        js_sys::JSON::parse(&core(self.0.end(
            &call.0,
            changed.max(0.0) as u64,
            &results,
        ))?)
    }

    /// The subject key (after `open`).
    #[wasm_bindgen(getter)]
    pub fn key(&self) -> Result<Uint8Array, JsValue> {
        Ok(Uint8Array::from(&core(self.0.key())?[..]))
    }

    /// The receipt key (after `open`).
    #[wasm_bindgen(getter = receiptKey)]
    pub fn receipt_key(&self) -> Result<Uint8Array, JsValue> {
        Ok(Uint8Array::from(&core(self.0.receipt_key())?[..]))
    }
}

#[wasm_bindgen]
impl SqlCall {
    /// `{ write, before, query, results }`: what to run in one transaction.
    #[wasm_bindgen(getter)]
    pub fn transaction(&self) -> Result<JsValue, JsValue> {
        bulk_to_js(self.0.transaction())
    }

    /// The statements to run after `query`, given its rows (JSON text); throws to roll back.
    pub fn then(&mut self, rows: String) -> Result<JsValue, JsValue> {
        bulk_to_js(&core(self.0.then(&rows_arg(&rows)?))?)
    }

    /// Milliseconds to wait before running the failed transaction again, or `undefined`.
    #[wasm_bindgen(js_name = retryAfter)]
    pub fn retry_after(&self, code: Option<String>, attempt: u32) -> Option<f64> {
        self.0
            .retry_after(code.as_deref(), attempt)
            .map(|ms| ms as f64)
    }
}

/// A ledger held in memory: the core's `MemoryLedger`.
#[wasm_bindgen(skip_typescript)]
pub struct MemoryLedger(erasekit_core::MemoryLedger);

#[wasm_bindgen]
impl MemoryLedger {
    /// An empty ledger keyed by `key` (32 random bytes) signing with `receiptKey` (32 more).
    #[wasm_bindgen(constructor)]
    pub fn new(key: JsValue, receipt_key: JsValue) -> Result<MemoryLedger, JsValue> {
        let (key, receipt_key) = (
            bytes_arg(&key, "key")?,
            bytes_arg(&receipt_key, "receiptKey")?,
        );
        Ok(MemoryLedger(core(erasekit_core::MemoryLedger::new(
            &key,
            &receipt_key,
        ))?))
    }

    /// Reads the JSON of `export()`; one of erasekit 0.1 gets `receiptKey` (32 random bytes).
    #[wasm_bindgen(js_name = fromExport)]
    pub fn from_export(json: JsValue, receipt_key: JsValue) -> Result<MemoryLedger, JsValue> {
        let json = string_arg(&json, "json")?
            .ok_or_else(|| invalid_argument("json", "expected the JSON text of export()"))?;
        let mut ledger = core(erasekit_core::MemoryLedger::import(&json))?;
        core(ledger.ensure_receipt_key(&bytes_arg(&receipt_key, "receiptKey")?))?;
        Ok(MemoryLedger(ledger))
    }

    /// The answer to `request` (and `text`, its JSON) at `now`.
    pub fn handle(
        &mut self,
        request: JsValue,
        text: String,
        now: JsValue,
    ) -> Result<JsValue, JsValue> {
        let now = time_arg(&now, "now")?;
        js_sys::JSON::parse(&core(self.0.handle(request_arg(&request, &text)?, now))?)
    }

    /// The whole ledger as JSON text (personal data and the keys: keep it safe).
    pub fn export(&self) -> String {
        self.0.export()
    }

    /// The subject key.
    #[wasm_bindgen(getter)]
    pub fn key(&self) -> Result<Uint8Array, JsValue> {
        Ok(Uint8Array::from(&core(self.0.key())?[..]))
    }

    /// The receipt key.
    #[wasm_bindgen(getter = receiptKey)]
    pub fn receipt_key(&self) -> Result<Uint8Array, JsValue> {
        Ok(Uint8Array::from(&core(self.0.receipt_key())?[..]))
    }
}

/// A `storage` ErasekitError for a host-side failure (a driver error, a closed ledger), so that
/// every error a ledger throws is an ErasekitError. Not public API: for `js/ledger.mjs`.
#[wasm_bindgen(js_name = __storageError, skip_typescript)]
pub fn storage_error(reason: String) -> JsValue {
    to_js_error(&Error::Storage { reason })
}

/// A `ledger_not_found` ErasekitError: a ledger opened without `create` does not exist.
#[wasm_bindgen(js_name = __ledgerNotFound, skip_typescript)]
pub fn ledger_not_found(reason: String) -> JsValue {
    to_js_error(&Error::LedgerNotFound { reason })
}
