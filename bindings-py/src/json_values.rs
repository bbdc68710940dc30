//! JSON-like values and ledger entries between Python and the core, through `pythonize` (the
//! one conversion of this binding), with errors that name the argument.

use crate::errors::invalid_argument;
use erasekit_core::LedgerEntry;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString, PyTuple};
use serde_json::Value;

/// The deepest nesting measured, as serde_json's own parser limits it.
const MAX_DEPTH: usize = 128;

/// Any JSON-like Python value (dict, list, tuple, str, int, float, bool, None) as a JSON value;
/// anything else is `invalid_argument` naming `field`.
pub(crate) fn from_python(field: &str, value: &Bound<'_, PyAny>) -> PyResult<Value> {
    let value = with_times_as_millis(value, 0).map_err(|e| {
        let py = value.py();
        invalid_argument(
            field,
            format!("holds a time that is not usable: {}", e.value(py)),
        )
    })?;
    pythonize::depythonize(&value).map_err(|why| {
        invalid_argument(
            field,
            format!(
                "is not JSON-like data ({why}); use dict, list, str, int, float, bool and None"
            ),
        )
    })
}

/// `value` with every aware `datetime` inside it (a time a user gives: `created_at`, ...) as
/// milliseconds, through the one conversion of `crate::time`; containers are copied only when
/// they hold one.
fn with_times_as_millis<'py>(
    value: &Bound<'py, PyAny>,
    depth: usize,
) -> PyResult<Bound<'py, PyAny>> {
    let py = value.py();
    if depth > MAX_DEPTH {
        return Ok(value.clone());
    }
    if value.is_instance(py.import("datetime")?.getattr("datetime")?.as_ref())? {
        return Ok(crate::time::unix_millis("time", value)?
            .into_pyobject(py)?
            .into_any());
    }
    if let Ok(dict) = value.cast::<PyDict>() {
        let copy = PyDict::new(py);
        for (k, v) in dict.iter() {
            copy.set_item(k, with_times_as_millis(&v, depth + 1)?)?;
        }
        return Ok(copy.into_any());
    }
    if let Ok(list) = value.cast::<PyList>() {
        let items = list
            .iter()
            .map(|v| with_times_as_millis(&v, depth + 1))
            .collect::<PyResult<Vec<_>>>()?;
        return Ok(PyList::new(py, items)?.into_any());
    }
    Ok(value.clone())
}

/// A lower bound of the length of `value` written as compact JSON, counted only until it
/// passes `limit` (so the walk is bounded by `limit`, whatever the size of `value`): capture
/// measures a parsed payload with it before converting it, as it measures a body's bytes.
/// Strings count their code points and quotes, keys likewise plus `:` and `,`, every other
/// value at least one character.
pub(crate) fn json_length_at_least(value: &Bound<'_, PyAny>, limit: usize) -> usize {
    fn walk(value: &Bound<'_, PyAny>, limit: usize, depth: usize, total: &mut usize) {
        if *total > limit || depth > MAX_DEPTH {
            return;
        }
        if let Ok(s) = value.cast::<PyString>() {
            *total += s.len().unwrap_or(0) + 2;
        } else if let Ok(dict) = value.cast::<PyDict>() {
            *total += 2;
            for (k, v) in dict.iter() {
                let key = k
                    .cast::<PyString>()
                    .map(|k| k.len().unwrap_or(0))
                    .unwrap_or(0);
                *total += key + 4;
                walk(&v, limit, depth + 1, total);
                if *total > limit {
                    return;
                }
            }
        } else if let Ok(list) = value.cast::<PyList>() {
            *total += 2;
            for v in list.iter() {
                *total += 1;
                walk(&v, limit, depth + 1, total);
                if *total > limit {
                    return;
                }
            }
        } else if let Ok(tuple) = value.cast::<PyTuple>() {
            *total += 2;
            for v in tuple.iter() {
                *total += 1;
                walk(&v, limit, depth + 1, total);
                if *total > limit {
                    return;
                }
            }
        } else {
            *total += 1;
        }
    }
    let mut total = 0;
    walk(value, limit, 0, &mut total);
    total
}

/// Ledger entries as a list of dicts.
pub(crate) fn entries_to_python<'py>(
    py: Python<'py>,
    entries: &[LedgerEntry],
) -> PyResult<Bound<'py, PyList>> {
    Ok(pythonize::pythonize(py, entries)?.cast_into::<PyList>()?)
}
