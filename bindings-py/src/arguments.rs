//! Python arguments into plain core values, refusing wrong types with an `InputError`.
//!
//! Exported methods take `&Bound<PyAny>` and read it here rather than letting PyO3 extract
//! typed parameters: a wrong type then raises `InputError` with code `invalid_argument`
//! naming the argument, like every other bad input, instead of a bare `TypeError`.

use crate::errors::{invalid_argument, raise};
use erasekit_core::{ApiBase, ApiBaseInput};
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyDict, PyString};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

/// Keyword arguments read into one of the core's serde structs with defaults (`PlanOptions`,
/// `JobConfig`): `None` leaves a field at its default, and a bad or unknown keyword is
/// `invalid_argument` naming it (each is read alone first, so the error can say which).
pub(crate) fn keywords<T: DeserializeOwned>(kwargs: Option<&Bound<'_, PyDict>>) -> PyResult<T> {
    let mut all = Map::new();
    for (name, value) in kwargs.into_iter().flat_map(|k| k.iter()) {
        let name: String = name.extract()?;
        if value.is_none() {
            continue;
        }
        let value: Value =
            pythonize::depythonize(&value).map_err(|e| invalid_argument(&name, e.to_string()))?;
        let one = Map::from_iter([(name.clone(), value.clone())]);
        serde_json::from_value::<T>(Value::Object(one))
            .map_err(|e| invalid_argument(&name, e.to_string()))?;
        all.insert(name, value);
    }
    serde_json::from_value(Value::Object(all))
        .map_err(|e| invalid_argument("options", e.to_string()))
}

/// The Python type name of `value`, for messages.
pub(crate) fn type_name(value: &Bound<'_, PyAny>) -> String {
    value
        .get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "an unknown type".into())
}

/// A required `str`.
pub(crate) fn text(field: &str, value: &Bound<'_, PyAny>) -> PyResult<String> {
    if !value.is_instance_of::<PyString>() {
        return Err(invalid_argument(
            field,
            format!("expected str, got {}", type_name(value)),
        ));
    }
    value
        .extract::<String>()
        .map_err(|_| invalid_argument(field, "is not valid Unicode (lone surrogate)"))
}

/// An optional `str` (`None` stays `None`).
pub(crate) fn optional_text(
    field: &str,
    value: Option<&Bound<'_, PyAny>>,
) -> PyResult<Option<String>> {
    match value {
        Some(v) if !v.is_none() => text(field, v).map(Some),
        _ => Ok(None),
    }
}

/// An optional `str`, or `bytes` holding UTF-8 text (a PEM file read in binary mode).
pub(crate) fn optional_text_or_utf8(
    field: &str,
    value: Option<&Bound<'_, PyAny>>,
) -> PyResult<Option<String>> {
    match value {
        None => Ok(None),
        Some(v) if v.is_none() => Ok(None),
        Some(v) if v.is_instance_of::<PyString>() => text(field, v).map(Some),
        Some(v) if v.is_instance_of::<PyBytes>() || v.is_instance_of::<PyByteArray>() => {
            String::from_utf8(binary(field, v)?)
                .map(Some)
                .map_err(|_| invalid_argument(field, "bytes that are not UTF-8 text"))
        }
        Some(v) => Err(invalid_argument(
            field,
            format!("expected str or bytes, got {}", type_name(v)),
        )),
    }
}

/// `bytes` or `bytearray`.
pub(crate) fn binary(field: &str, value: &Bound<'_, PyAny>) -> PyResult<Vec<u8>> {
    if let Ok(bytes) = value.cast::<PyBytes>() {
        return Ok(bytes.as_bytes().to_vec());
    }
    if let Ok(array) = value.cast::<PyByteArray>() {
        return Ok(array.to_vec());
    }
    Err(invalid_argument(
        field,
        format!("expected bytes, got {}", type_name(value)),
    ))
}

/// `base_url`: `None` (Vonage's hosts), one URL for every family, or a dict with keys
/// `default`, `redact`, `media`, `conversation`, `reports`, `search` (core `ApiBaseInput`).
pub(crate) fn api_base(value: Option<&Bound<'_, PyAny>>) -> PyResult<ApiBase> {
    const FIELD: &str = "base_url";
    let Some(value) = value.filter(|v| !v.is_none()) else {
        return Ok(ApiBase::default());
    };
    if value.is_instance_of::<PyString>() {
        return ApiBase::new(&text(FIELD, value)?).map_err(raise);
    }
    if value.is_instance_of::<PyDict>() {
        let input: ApiBaseInput =
            pythonize::depythonize(value).map_err(|e| invalid_argument(FIELD, format!("{e}")))?;
        return ApiBase::from_input(&input).map_err(raise);
    }
    Err(invalid_argument(
        FIELD,
        format!("expected str, dict or None, got {}", type_name(value)),
    ))
}
