//! JSON-like values and ledger entries between Python and the core, on the hot path of
//! `record()`, `entries()` and capture: dicts are walked directly (no intermediate key and value
//! lists) and entry dicts are built with interned keys. The shape is exactly what `pythonize`
//! gives for the same values; only the cost differs.

use crate::arguments::type_name;
use crate::errors::invalid_argument;
use erasekit_core::LedgerEntry;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyMapping, PyString, PyTuple};
use pyo3::{intern, IntoPyObjectExt};
use serde_json::{Map, Number, Value};

static DATETIME: pyo3::sync::PyOnceLock<Py<pyo3::types::PyType>> = pyo3::sync::PyOnceLock::new();

/// The deepest nesting accepted, as serde_json's own parser limits it.
const MAX_DEPTH: usize = 128;

/// Any JSON-like Python value (dict, list, tuple, str, int, float, bool, None) as a JSON value;
/// anything else is `invalid_argument` naming `field`.
pub(crate) fn from_python(field: &str, value: &Bound<'_, PyAny>) -> PyResult<Value> {
    convert(value, 0).map_err(|why| {
        invalid_argument(
            field,
            format!(
                "is not JSON-like data ({why}); use dict, list, str, int, float, bool and None"
            ),
        )
    })
}

fn convert(value: &Bound<'_, PyAny>, depth: usize) -> Result<Value, String> {
    if depth > MAX_DEPTH {
        return Err(format!("nested deeper than {MAX_DEPTH} levels"));
    }
    if value.is_none() {
        return Ok(Value::Null);
    }
    if let Ok(s) = value.cast::<PyString>() {
        return s
            .to_cow()
            .map(|s| Value::String(s.into_owned()))
            .map_err(|_| "a str that is not valid Unicode (lone surrogate)".to_owned());
    }
    if let Ok(b) = value.cast::<PyBool>() {
        return Ok(Value::Bool(b.is_true()));
    }
    if value.is_instance_of::<PyInt>() {
        if let Ok(i) = value.extract::<i64>() {
            return Ok(Value::from(i));
        }
        return value
            .extract::<u64>()
            .map(Value::from)
            .map_err(|_| "an int outside 64 bits".to_owned());
    }
    if value
        .is_instance(
            DATETIME
                .import(value.py(), "datetime", "datetime")
                .map_err(|e| e.to_string())?,
        )
        .unwrap_or(false)
    {
        // A time a user gives (`created_at`, ...): the one conversion of `crate::time`.
        return crate::time::unix_millis("time", value)
            .map(Value::from)
            .map_err(|e| e.to_string());
    }
    if let Ok(f) = value.cast::<PyFloat>() {
        return Number::from_f64(f.value())
            .map(Value::Number)
            .ok_or_else(|| "a float that is NaN or infinite".to_owned());
    }
    if let Ok(dict) = value.cast::<PyDict>() {
        let mut map = Map::new();
        for (k, v) in dict.iter() {
            let key = k
                .cast::<PyString>()
                .map_err(|_| format!("a dict key of type {}", type_name(&k)))?
                .to_cow()
                .map_err(|_| "a key that is not valid Unicode".to_owned())?
                .into_owned();
            map.insert(key, convert(&v, depth + 1)?);
        }
        return Ok(Value::Object(map));
    }
    if let Ok(list) = value.cast::<PyList>() {
        return list.iter().map(|v| convert(&v, depth + 1)).collect();
    }
    if let Ok(tuple) = value.cast::<PyTuple>() {
        return tuple.iter().map(|v| convert(&v, depth + 1)).collect();
    }
    if value.cast::<PyMapping>().is_ok() {
        // Other mappings (MappingProxyType, ...) are rare: the general path.
        return pythonize::depythonize::<Value>(value).map_err(|e| e.to_string());
    }
    Err(format!("a value of type {}", type_name(value)))
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

/// A JSON value as plain Python data.
pub(crate) fn to_python<'py>(py: Python<'py>, value: &Value) -> PyResult<Bound<'py, PyAny>> {
    match value {
        Value::Null => Ok(py.None().into_bound(py)),
        Value::Bool(b) => b.into_bound_py_any(py),
        Value::Number(n) => match (n.as_i64(), n.as_u64()) {
            (Some(i), _) => i.into_bound_py_any(py),
            (None, Some(u)) => u.into_bound_py_any(py),
            _ => n.as_f64().unwrap_or(f64::NAN).into_bound_py_any(py),
        },
        Value::String(s) => s.as_str().into_bound_py_any(py),
        Value::Array(items) => {
            let list = PyList::empty(py);
            for item in items {
                list.append(to_python(py, item)?)?;
            }
            Ok(list.into_any())
        }
        Value::Object(map) => Ok(object_to_python(py, map)?.into_any()),
    }
}

fn object_to_python<'py>(
    py: Python<'py>,
    map: &Map<String, Value>,
) -> PyResult<Bound<'py, PyDict>> {
    let dict = PyDict::new(py);
    for (k, v) in map {
        dict.set_item(k.as_str(), to_python(py, v)?)?;
    }
    Ok(dict)
}

/// One ledger entry as the dict `pythonize` would make of it, with interned keys.
pub(crate) fn entry_to_python<'py>(
    py: Python<'py>,
    entry: &LedgerEntry,
) -> PyResult<Bound<'py, PyDict>> {
    let dict = PyDict::new(py);
    dict.set_item(intern!(py, "kind"), entry.kind.as_str())?;
    dict.set_item(intern!(py, "product"), entry.product.map(|p| p.as_str()))?;
    dict.set_item(
        intern!(py, "direction"),
        entry.direction.map(|d| d.as_str()),
    )?;
    dict.set_item(intern!(py, "id"), entry.id.as_str())?;
    dict.set_item(intern!(py, "created_at"), entry.created_at)?;
    dict.set_item(intern!(py, "source"), entry.source.as_str())?;
    dict.set_item(intern!(py, "extra"), object_to_python(py, &entry.extra)?)?;
    Ok(dict)
}

/// Ledger entries as a list of dicts.
pub(crate) fn entries_to_python<'py>(
    py: Python<'py>,
    entries: &[LedgerEntry],
) -> PyResult<Bound<'py, PyList>> {
    let list = PyList::empty(py);
    for entry in entries {
        list.append(entry_to_python(py, entry)?)?;
    }
    Ok(list)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The fast paths give exactly what pythonize gives, both ways.
    #[test]
    fn same_shapes_as_pythonize() {
        Python::initialize();
        Python::attach(|py| {
            let value = json!({
                "a": [1, -2, 18446744073709551615u64, 1.5, true, null, "é"],
                "b": {"c": {}}, "d": []
            });
            let ours = to_python(py, &value).unwrap();
            let theirs = pythonize::pythonize(py, &value).unwrap();
            assert!(ours.eq(&theirs).unwrap());
            assert_eq!(from_python("v", &theirs).unwrap(), value);

            let entry = erasekit_core::capture(
                "voice_call",
                &json!({"uuid": "63f61863", "conversation_uuid": "CON-1", "direction": "inbound"}),
                Some(5),
            )
            .unwrap();
            let ours = entries_to_python(py, &entry).unwrap();
            let theirs = pythonize::pythonize(py, &entry).unwrap();
            assert!(ours.eq(&theirs).unwrap());
        });
    }
}
