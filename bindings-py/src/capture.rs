//! Capture: Vonage responses and webhook bodies into ledger entries, and phone numbers into E.164.
//!
//! One native entry point, `capture(source, payload, at)`, behind the per-source functions of
//! `python/erasekit/capture.py`. Which fields are read, and every error, come from the core.

use crate::arguments::{binary, text, type_name};
use crate::errors::{invalid_argument, raise};
use crate::json_values::entries_to_python;
use crate::ledger::json_value;
use crate::time::optional_unix_millis;
use erasekit_core::Identifier;
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyDict, PyList, PyMapping, PyString};

/// Reads `payload` as the body of `source` and returns its ledger entries.
///
/// `payload` is the body as received (`str`, `bytes`) or parsed (`dict`); `at` is when the host
/// received it (milliseconds or an aware `datetime`), used when the payload carries no time.
#[pyfunction]
#[pyo3(signature = (source, payload, at=None))]
pub(crate) fn capture<'py>(
    py: Python<'py>,
    source: &Bound<'py, PyAny>,
    payload: &Bound<'py, PyAny>,
    at: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    const FIELD: &str = "payload";
    let source = text("source", source)?;
    let at = optional_unix_millis("at", at)?;
    let entries = if payload.is_instance_of::<PyString>() {
        erasekit_core::capture_json(&source, text(FIELD, payload)?.as_bytes(), at)
    } else if payload.is_instance_of::<PyBytes>() || payload.is_instance_of::<PyByteArray>() {
        erasekit_core::capture_json(&source, &binary(FIELD, payload)?, at)
    } else if payload.is_instance_of::<PyDict>()
        || payload.is_instance_of::<PyList>()
        || payload.cast::<PyMapping>().is_ok()
    {
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
