//! The ledger's native side: the core's `SqlLedger` (each request one transaction for
//! `erasekit/ledger.py` to run with sqlite3 or psycopg) and `MemoryLedger`, both answering the
//! core's `LedgerRequest`s. Requests cross as plain Python data (times as `int` milliseconds or
//! aware `datetime`s), answers as the core's JSON text (`json.loads` on the Python side keeps
//! the core's field order). Every rule is the core's.

use crate::arguments::{binary, text};
use crate::errors::raise;
use erasekit_core::{Dialect, Error, LedgerRequest};
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyDict, PySequence, PyString};
use serde_json::Value;

/// Any JSON-like Python value (dict, list, str, int, float, bool, None) as a JSON value.
pub(crate) fn json_value(field: &str, value: &Bound<'_, PyAny>) -> PyResult<Value> {
    crate::json_values::from_python(field, value)
}

/// A request: a dict with `op` and its arguments (an argument that is not plain data is
/// `invalid_argument` naming it).
fn request(value: &Bound<'_, PyAny>) -> PyResult<LedgerRequest> {
    let dict = value
        .cast::<PyDict>()
        .map_err(|_| crate::errors::invalid_argument("request", "expected a dict"))?;
    let mut fields = serde_json::Map::new();
    for (name, arg) in dict.iter() {
        let name = text("request", &name)?;
        let value = match name.as_str() {
            "entries" | "identifiers" => list_value(&name, &arg)?,
            _ => json_value(&name, &arg)?,
        };
        fields.insert(name, value);
    }
    LedgerRequest::from_value(Value::Object(fields)).map_err(raise)
}

/// A list argument: any sequence but text and bytes (a lone `str` must not be read as its
/// characters), each item named `name[i]` when it is not plain data; anything else is left
/// for the core to refuse.
fn list_value(name: &str, value: &Bound<'_, PyAny>) -> PyResult<Value> {
    let text_like = value.is_instance_of::<PyString>()
        || value.is_instance_of::<PyBytes>()
        || value.is_instance_of::<PyByteArray>();
    match value.cast::<PySequence>() {
        Ok(sequence) if !text_like => sequence
            .try_iter()?
            .enumerate()
            .map(|(i, item)| json_value(&format!("{name}[{i}]"), &item?))
            .collect(),
        _ => json_value(name, value),
    }
}

/// Rows as the driver returned them (sequences of column values).
fn rows(value: &Bound<'_, PyAny>) -> PyResult<Vec<Vec<Value>>> {
    serde_json::from_value(json_value("rows", value)?)
        .map_err(|_| crate::errors::invalid_argument("rows", "expected rows of column values"))
}

fn now_arg(value: &Bound<'_, PyAny>) -> PyResult<u64> {
    crate::time::unix_millis("now", value)
}

/// A ledger in SQL (`"sqlite"` or `"postgres"`): every request becomes one transaction.
#[pyclass(module = "erasekit._native")]
pub struct SqlLedger(erasekit_core::SqlLedger);

/// One request in flight on a `SqlLedger`.
#[pyclass(module = "erasekit._native")]
pub struct SqlCall(erasekit_core::SqlCall);

#[pymethods]
impl SqlLedger {
    #[new]
    fn new(dialect: &Bound<'_, PyAny>) -> PyResult<Self> {
        let dialect = Dialect::parse(&text("dialect", dialect)?).map_err(raise)?;
        Ok(SqlLedger(erasekit_core::SqlLedger::new(dialect)))
    }

    /// The call answering `request` at `now`.
    fn begin(&self, request_: &Bound<'_, PyAny>, now: &Bound<'_, PyAny>) -> PyResult<SqlCall> {
        let call = self
            .0
            .begin(request(request_)?, now_arg(now)?)
            .map_err(raise)?;
        Ok(SqlCall(call))
    }

    /// The answer (JSON text), from the rows changed and the rows of the call's `results`.
    fn end(
        &mut self,
        call: &SqlCall,
        changed: u64,
        results: &Bound<'_, PyAny>,
    ) -> PyResult<String> {
        let results: Vec<Vec<Vec<Value>>> = serde_json::from_value(json_value("results", results)?)
            .map_err(|_| crate::errors::invalid_argument("results", "expected result sets"))?;
        self.0.end(&call.0, changed, &results).map_err(raise)
    }

    /// The subject key (after `open`).
    #[getter]
    fn key<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        Ok(PyBytes::new(py, &self.0.key().map_err(raise)?))
    }

    /// The receipt key (after `open`).
    #[getter]
    fn receipt_key<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        Ok(PyBytes::new(py, &self.0.receipt_key().map_err(raise)?))
    }
}

#[pymethods]
impl SqlCall {
    /// `{"write", "before", "query", "results"}` (JSON text): what to run in one transaction.
    #[getter]
    fn transaction(&self) -> PyResult<String> {
        serde_json::to_string(self.0.transaction()).map_err(|e| {
            raise(Error::Storage {
                reason: e.to_string(),
            })
        })
    }

    /// The statements to run after `query` (JSON text), given its rows; raises to roll back.
    fn then(&mut self, rows_: &Bound<'_, PyAny>) -> PyResult<String> {
        let statements = self.0.then(&rows(rows_)?).map_err(raise)?;
        serde_json::to_string(&statements).map_err(|e| {
            raise(Error::Storage {
                reason: e.to_string(),
            })
        })
    }

    /// Milliseconds to wait before running the failed transaction again, or `None`.
    #[pyo3(signature = (code, attempt))]
    fn retry_after(&self, code: Option<String>, attempt: u32) -> Option<u64> {
        self.0.retry_after(code.as_deref(), attempt)
    }
}

/// A ledger held in memory: the core's `MemoryLedger`.
#[pyclass(module = "erasekit._native")]
pub struct MemoryLedger(erasekit_core::MemoryLedger);

#[pymethods]
impl MemoryLedger {
    #[new]
    fn new(key: &Bound<'_, PyAny>, receipt_key: &Bound<'_, PyAny>) -> PyResult<Self> {
        let (key, receipt_key) = (binary("key", key)?, binary("receipt_key", receipt_key)?);
        erasekit_core::MemoryLedger::new(&key, &receipt_key)
            .map(MemoryLedger)
            .map_err(raise)
    }

    /// Reads the JSON of `export()` (`str` or UTF-8 `bytes`); one of erasekit 0.1 gets
    /// `receipt_key` (32 random bytes).
    #[staticmethod]
    fn from_export(data: &Bound<'_, PyAny>, receipt_key: &Bound<'_, PyAny>) -> PyResult<Self> {
        let json = if data.is_instance_of::<PyString>() {
            text("data", data)?
        } else {
            String::from_utf8(binary("data", data)?).map_err(|_| {
                raise(Error::Storage {
                    reason: "not an exported erasekit ledger: the bytes are not UTF-8".into(),
                })
            })?
        };
        let mut ledger = erasekit_core::MemoryLedger::import(&json).map_err(raise)?;
        ledger
            .ensure_receipt_key(&binary("receipt_key", receipt_key)?)
            .map_err(raise)?;
        Ok(MemoryLedger(ledger))
    }

    /// The answer (JSON text) to `request` at `now`.
    fn handle(&mut self, request_: &Bound<'_, PyAny>, now: &Bound<'_, PyAny>) -> PyResult<String> {
        let request = request(request_)?;
        self.0.handle(request, now_arg(now)?).map_err(raise)
    }

    /// The whole ledger as JSON text (personal data and the keys: keep it safe).
    fn export(&self) -> String {
        self.0.export()
    }

    /// The subject key.
    #[getter]
    fn key<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        Ok(PyBytes::new(py, &self.0.key().map_err(raise)?))
    }

    /// The receipt key.
    #[getter]
    fn receipt_key<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        Ok(PyBytes::new(py, &self.0.receipt_key().map_err(raise)?))
    }
}

/// A `StorageError` for a host-side failure (a driver error, a closed ledger), so that every
/// error a ledger raises is an `ErasekitError`. Private: for the Python layer.
#[pyfunction]
pub(crate) fn _storage_error(py: Python<'_>, reason: String) -> Bound<'_, PyAny> {
    raise(Error::Storage { reason })
        .into_value(py)
        .into_bound(py)
        .into_any()
}

/// A `StorageError` with code `ledger_not_found`: a ledger opened without `create` does not
/// exist. Private: for the Python layer, which checks the file.
#[pyfunction]
pub(crate) fn _ledger_not_found(py: Python<'_>, reason: String) -> Bound<'_, PyAny> {
    raise(Error::LedgerNotFound { reason })
        .into_value(py)
        .into_bound(py)
        .into_any()
}
