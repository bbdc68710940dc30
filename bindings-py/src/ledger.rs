//! Ledger values across the boundary, shared by [`crate::ledger_sql`] and
//! [`crate::memory_ledger`]: subjects, entries, identifiers, receipts, SQL statements and rows.
//!
//! Everything is read into the core's own types and checked by the core; the only choices made
//! here are about Python types (which ones are accepted, and the error naming the argument).

use crate::arguments::{binary, text, type_name};
use crate::errors::{invalid_argument, raise};
use erasekit_core::{Error, Identifier, LedgerEntry, SqlValue, Statement};
use pyo3::prelude::*;
use pyo3::types::{
    PyBool, PyByteArray, PyBytes, PyDict, PyFloat, PyInt, PyList, PyMapping, PySequence, PyString,
    PyTuple,
};
use serde::Serialize;
use serde_json::Value;

/// The subject argument: a `str` (length and content are checked by the core).
pub(crate) fn subject(value: &Bound<'_, PyAny>) -> PyResult<String> {
    text("subject", value)
}

/// Items of a list, tuple or other sequence. Anything else (a lone `str`, a dict, a generator) is
/// refused, so that `link("u", "+4477…")` cannot silently iterate characters.
fn sequence_items<'py>(field: &str, value: &Bound<'py, PyAny>) -> PyResult<Vec<Bound<'py, PyAny>>> {
    if let Ok(list) = value.cast::<PyList>() {
        return Ok(list.iter().collect());
    }
    if let Ok(tuple) = value.cast::<PyTuple>() {
        return Ok(tuple.iter().collect());
    }
    let text_like = value.is_instance_of::<PyString>()
        || value.is_instance_of::<PyBytes>()
        || value.is_instance_of::<PyByteArray>();
    if let (false, Ok(sequence)) = (text_like, value.cast::<PySequence>()) {
        return sequence.try_iter()?.collect();
    }
    Err(invalid_argument(
        field,
        format!("expected a list, got {}", type_name(value)),
    ))
}

/// Any JSON-like Python value (dict, list, str, int, float, bool, None) as a JSON value.
pub(crate) fn json_value(field: &str, value: &Bound<'_, PyAny>) -> PyResult<Value> {
    crate::json_values::from_python(field, value)
}

/// Ledger entries as captured (a list of dicts with the core's field names), checked by the core;
/// a wrong shape is `invalid_argument` naming `entries[i]` (or the field within it).
pub(crate) fn entries(value: &Bound<'_, PyAny>) -> PyResult<Vec<LedgerEntry>> {
    let items = sequence_items("entries", value)?;
    let mut values = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        if !item.is_instance_of::<PyDict>() && item.cast::<PyMapping>().is_err() {
            return Err(invalid_argument(
                &format!("entries[{i}]"),
                format!("expected a ledger entry dict, got {}", type_name(item)),
            ));
        }
        values.push(crate::json_values::from_python(
            &format!("entries[{i}]"),
            item,
        )?);
    }
    LedgerEntry::list_from_value(&Value::Array(values)).map_err(raise)
}

/// Identifiers for `link`: a list of `str` (`USR-…` is a Conversation user, anything else a phone
/// number in any common form) or of `{"kind", "value"}` dicts as `identifiers()` returns them.
pub(crate) fn identifiers(value: &Bound<'_, PyAny>) -> PyResult<Vec<Identifier>> {
    let items = sequence_items("identifiers", value)?;
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let field = format!("identifiers[{i}]");
        if item.is_instance_of::<PyString>() {
            out.push(identifier_from_text(&text(&field, item)?).map_err(raise)?);
        } else if let Ok(dict) = item.cast::<PyDict>() {
            let part = |name: &str| -> PyResult<String> {
                let key = format!("{field}.{name}");
                match dict.get_item(name)? {
                    Some(v) => text(&key, &v),
                    None => Err(invalid_argument(&key, "is missing")),
                }
            };
            out.push(Identifier::from_parts(&part("kind")?, &part("value")?).map_err(raise)?);
        } else {
            return Err(invalid_argument(
                &field,
                format!(
                    "expected a phone number or USR- id (str) or a {{\"kind\", \"value\"}} dict, got {}",
                    type_name(item)
                ),
            ));
        }
    }
    Ok(out)
}

/// A plain identifier string: Conversation user ids start with `USR-`; the rest are phones.
pub(crate) fn identifier_from_text(raw: &str) -> erasekit_core::Result<Identifier> {
    if raw.starts_with("USR-") {
        Identifier::conversation_user(raw)
    } else {
        Identifier::phone(raw)
    }
}

/// A signed receipt (dict, JSON `str` or `bytes`) as JSON text, for the core to verify against
/// the ledger's receipt key and subject before anything is forgotten.
pub(crate) fn receipt_text(value: &Bound<'_, PyAny>) -> PyResult<String> {
    const FIELD: &str = "receipt";
    if value.is_instance_of::<PyString>() {
        text(FIELD, value)
    } else if value.is_instance_of::<PyBytes>() || value.is_instance_of::<PyByteArray>() {
        String::from_utf8(binary(FIELD, value)?)
            .map_err(|_| invalid_argument(FIELD, "bytes that are not UTF-8 JSON"))
    } else if value.is_instance_of::<PyDict>() || value.cast::<PyMapping>().is_ok() {
        Ok(json_value(FIELD, value)?.to_string())
    } else {
        Err(invalid_argument(
            FIELD,
            format!(
                "expected the signed receipt (dict or JSON), got {}",
                type_name(value)
            ),
        ))
    }
}

/// A lease as the hosts hold it: `{"job_id", "owner", "attempt"}`.
pub(crate) fn lease(value: &Bound<'_, PyAny>) -> PyResult<erasekit_core::Lease> {
    let value = json_value("lease", value)?;
    serde_json::from_value(value).map_err(|e| invalid_argument("lease", e.to_string()))
}

/// A `{"attempt", "expires_at", "renew_at", "hold_until"}` dict.
pub(crate) fn lease_times<'py>(
    py: Python<'py>,
    times: &erasekit_core::LeaseTimes,
) -> PyResult<Bound<'py, PyAny>> {
    to_python(py, times)
}

/// Rows as the host's driver returns them (a sequence of sequences of `None`, `int`, `str`,
/// `float` or `bool`), as the JSON-like values the core decodes.
pub(crate) fn rows(value: &Bound<'_, PyAny>) -> PyResult<Vec<Vec<Value>>> {
    let mut out = Vec::new();
    for row in value.try_iter().map_err(|_| not_rows(value))? {
        let row = row?;
        if row.is_instance_of::<PyString>() {
            return Err(not_rows(&row));
        }
        let mut cells = Vec::new();
        for cell in row.try_iter().map_err(|_| not_rows(&row))? {
            cells.push(cell_value(&cell?)?);
        }
        out.push(cells);
    }
    Ok(out)
}

fn not_rows(value: &Bound<'_, PyAny>) -> PyErr {
    invalid_argument(
        "rows",
        format!(
            "expected a sequence of rows (sequences of column values), got {}",
            type_name(value)
        ),
    )
}

fn cell_value(cell: &Bound<'_, PyAny>) -> PyResult<Value> {
    if cell.is_none() {
        return Ok(Value::Null);
    }
    if let Ok(s) = cell.cast::<PyString>() {
        return Ok(Value::String(s.to_cow()?.into_owned()));
    }
    if let Ok(b) = cell.cast::<PyBool>() {
        return Ok(Value::Bool(b.is_true()));
    }
    if cell.is_instance_of::<PyInt>() {
        if let Ok(i) = cell.extract::<i64>() {
            return Ok(Value::from(i));
        }
        if let Ok(u) = cell.extract::<u64>() {
            return Ok(Value::from(u));
        }
    }
    if cell.is_instance_of::<PyFloat>() {
        return Ok(Value::from(cell.extract::<f64>()?));
    }
    Err(raise(Error::Storage {
        reason: format!(
            "the database returned a {} where erasekit expects text, an integer or NULL",
            type_name(cell)
        ),
    }))
}

/// A statement as `{"sql": str, "params": list[None | int | str]}`.
pub(crate) fn statement<'py>(py: Python<'py>, s: &Statement) -> PyResult<Bound<'py, PyDict>> {
    let params = PyList::empty(py);
    for p in &s.params {
        match p {
            SqlValue::Null => params.append(py.None())?,
            SqlValue::Integer(i) => params.append(*i)?,
            SqlValue::Text(t) => params.append(t.as_str())?,
        }
    }
    let dict = PyDict::new(py);
    dict.set_item("sql", s.sql.as_str())?;
    dict.set_item("params", params)?;
    Ok(dict)
}

/// Statements as a list of [`statement`] dicts.
pub(crate) fn statements<'py>(py: Python<'py>, list: &[Statement]) -> PyResult<Bound<'py, PyList>> {
    let out = PyList::empty(py);
    for s in list {
        out.append(statement(py, s)?)?;
    }
    Ok(out)
}

/// Any core value as plain Python data, with the core's field names.
pub(crate) fn to_python<'py, T: Serialize + ?Sized>(
    py: Python<'py>,
    value: &T,
) -> PyResult<Bound<'py, PyAny>> {
    Ok(pythonize::pythonize(py, value)?)
}

/// A `StorageError` (code `storage`) for a host-side failure (a driver error, a closed ledger),
/// so that every error a ledger raises is an `ErasekitError`. Private: for the Python layer.
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
