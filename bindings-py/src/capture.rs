//! Capture: Vonage responses and webhook bodies into ledger entries, and phone numbers into E.164.
//!
//! One native entry point, `capture(source, payload, at)`, behind the per-source functions of
//! `python/erasekit/capture.py`. Which fields are read, and every error, come from the core.

use crate::arguments::{binary, text, type_name};
use crate::errors::{invalid_argument, raise};
use crate::json_values::{entries_to_python, json_length_at_least};
use crate::ledger::json_value;
use crate::time::optional_unix_millis;
use erasekit_core::Identifier;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyByteArray, PyBytes, PyDict, PyInt, PyList, PyMapping, PyString};

/// Reads `payload` as the body of `source` and returns its ledger entries.
///
/// `payload` is the body as received (`str`, `bytes`) or parsed (`dict`); `at` is when the host
/// received it (milliseconds or an aware `datetime`), used when the payload carries no time;
/// `max_bytes` the longest body read (default 1 MiB): a longer one is `payload_too_large`,
/// refused before it is copied or parsed (a parsed payload is measured as its JSON text).
#[pyfunction]
#[pyo3(signature = (source, payload, at=None, max_bytes=None))]
pub(crate) fn capture<'py>(
    py: Python<'py>,
    source: &Bound<'py, PyAny>,
    payload: &Bound<'py, PyAny>,
    at: Option<&Bound<'py, PyAny>>,
    max_bytes: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    const FIELD: &str = "payload";
    let source = text("source", source)?;
    let at = optional_unix_millis("at", at)?;
    let max_bytes = max_bytes_arg(max_bytes)?;
    // Checked on the length before anything is copied: a str longer than the limit in code
    // points is at least as long in UTF-8 bytes.
    let check =
        |size: usize| erasekit_core::check_capture_size(&source, size, max_bytes).map_err(raise);
    let capture = |body: &[u8]| erasekit_core::capture_json_limited(&source, body, at, max_bytes);
    let entries = if let Ok(s) = payload.cast::<PyString>() {
        check(s.len()?)?;
        capture(text(FIELD, payload)?.as_bytes())
    } else if let Ok(b) = payload.cast::<PyBytes>() {
        check(b.as_bytes().len())?;
        capture(b.as_bytes())
    } else if let Ok(b) = payload.cast::<PyByteArray>() {
        check(b.len())?;
        capture(&binary(FIELD, payload)?)
    } else if payload.is_instance_of::<PyDict>()
        || payload.is_instance_of::<PyList>()
        || payload.cast::<PyMapping>().is_ok()
    {
        check(json_length_at_least(payload, max_bytes))?;
        erasekit_core::capture(&source, &json_value(FIELD, payload)?, at)
    } else {
        return Err(invalid_argument(
            FIELD,
            format!(
                "expected the body as str or bytes, or parsed as a dict, got {}",
                type_name(payload)
            ),
        ));
    };
    Ok(entries_to_python(py, &entries.map_err(raise)?)?.into_any())
}

/// `max_bytes`: `None` for the core's default, else an `int` of at least 1.
fn max_bytes_arg(value: Option<&Bound<'_, PyAny>>) -> PyResult<usize> {
    const FIELD: &str = "max_bytes";
    match value {
        None => Ok(erasekit_core::DEFAULT_CAPTURE_MAX_BYTES),
        Some(v) if v.is_none() => Ok(erasekit_core::DEFAULT_CAPTURE_MAX_BYTES),
        Some(v) if v.is_instance_of::<PyBool>() || !v.is_instance_of::<PyInt>() => Err(
            invalid_argument(FIELD, format!("expected int, got {}", type_name(v))),
        ),
        Some(v) => v
            .extract::<usize>()
            .ok()
            .filter(|n| *n >= 1)
            .ok_or_else(|| invalid_argument(FIELD, "expected a whole number of bytes, at least 1")),
    }
}

/// The names of every capture source, in the core's order.
#[pyfunction]
pub(crate) fn capture_sources() -> Vec<&'static str> {
    erasekit_core::capture_sources()
}

/// A phone number in E.164 form (`+447700900123`) from common input forms.
#[pyfunction]
pub(crate) fn phone(raw: &Bound<'_, PyAny>) -> PyResult<String> {
    let raw = text("raw", raw)?;
    Ok(Identifier::phone(&raw).map_err(raise)?.value().to_owned())
}
