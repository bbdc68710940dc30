//! HTTP messages across the boundary as plain dicts.
//!
//! A request goes out as `{"method": str, "url": str, "headers": dict[str, str], "body": bytes}`
//! (the core's `HttpRequest` field names, as in JavaScript). A response comes in as
//! `{"status": int, "headers": Mapping[str, str], "body": bytes | str | None}`; `headers` and
//! `body` may be left out. Any other key is ignored.

use crate::arguments::{binary, text, type_name};
use crate::errors::{invalid_argument, raise};
use erasekit_core::{HttpRequest, HttpResponse};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyByteArray, PyBytes, PyDict, PyInt, PyString};
use std::collections::BTreeMap;

/// The request as a dict; `body` is `bytes`.
pub(crate) fn request_to_dict<'py>(
    py: Python<'py>,
    request: &HttpRequest,
) -> PyResult<Bound<'py, PyDict>> {
    Ok(pythonize::pythonize(py, request)?.cast_into::<PyDict>()?)
}

/// Reads a response dict.
pub(crate) fn response_from_dict(value: &Bound<'_, PyAny>) -> PyResult<HttpResponse> {
    let Ok(dict) = value.cast::<PyDict>() else {
        return Err(invalid_argument(
            "response",
            format!(
                "expected a dict with status, headers and body, got {}",
                type_name(value)
            ),
        ));
    };
    let status = match dict.get_item("status")? {
        Some(s) => status(&s)?,
        None => return Err(invalid_argument("response.status", "is missing")),
    };
    let headers = match dict.get_item("headers")? {
        Some(h) if !h.is_none() => headers(&h)?,
        _ => BTreeMap::new(),
    };
    let body = match dict.get_item("body")? {
        Some(b) if !b.is_none() => body(&b)?,
        _ => Vec::new(),
    };
    Ok(HttpResponse {
        status,
        headers,
        body,
    })
}

/// An `int` (not a `bool`) checked by the core's one status rule.
fn status(value: &Bound<'_, PyAny>) -> PyResult<u16> {
    if value.is_instance_of::<PyBool>() || !value.is_instance_of::<PyInt>() {
        return Err(invalid_argument(
            "response.status",
            format!("expected int, got {}", type_name(value)),
        ));
    }
    let number = value.extract::<i64>().map_or(f64::INFINITY, |n| n as f64);
    erasekit_core::check_status(number).map_err(raise)
}

/// Any mapping of `str` to `str` (a dict, `httpx.Headers`, ...), read through `.items()`.
fn headers(value: &Bound<'_, PyAny>) -> PyResult<BTreeMap<String, String>> {
    const FIELD: &str = "response.headers";
    let items = value.call_method0("items").map_err(|_| {
        invalid_argument(
            FIELD,
            format!("expected a mapping of str to str, got {}", type_name(value)),
        )
    })?;
    let mut headers = BTreeMap::new();
    for item in items.try_iter()? {
        let (name, value): (Bound<'_, PyAny>, Bound<'_, PyAny>) = item?
            .extract()
            .map_err(|_| invalid_argument(FIELD, "items() must yield (name, value) pairs"))?;
        // Later duplicates of a name are ignored, as the core documents.
        headers
            .entry(text(FIELD, &name)?)
            .or_insert(text(FIELD, &value)?);
    }
    Ok(headers)
}

fn body(value: &Bound<'_, PyAny>) -> PyResult<Vec<u8>> {
    const FIELD: &str = "response.body";
    if value.is_instance_of::<PyString>() {
        return Ok(text(FIELD, value)?.into_bytes());
    }
    if value.is_instance_of::<PyBytes>() || value.is_instance_of::<PyByteArray>() {
        return binary(FIELD, value);
    }
    Err(invalid_argument(
        FIELD,
        format!("expected bytes, str or None, got {}", type_name(value)),
    ))
}
