//! Receipts: `verify_receipt()` and `receipt_public_key()` over the core's Ed25519 receipts.

use crate::arguments::{binary, optional_text, text, type_name};
use crate::errors::{invalid_argument, raise};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};

/// Verifies a receipt (its JSON text, or the dict `ErasureJob.receipt()` returned) and
/// returns its content. With `public_key` (hex) it must also be signed by that key.
#[pyfunction]
#[pyo3(signature = (receipt, public_key=None))]
pub(crate) fn verify_receipt<'py>(
    py: Python<'py>,
    receipt: &Bound<'py, PyAny>,
    public_key: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let json = if receipt.is_instance_of::<PyString>() {
        text("receipt", receipt)?
    } else if receipt.is_instance_of::<PyDict>() {
        let value: serde_json::Value = pythonize::depythonize(receipt)
            .map_err(|e| invalid_argument("receipt", e.to_string()))?;
        value.to_string()
    } else {
        return Err(invalid_argument(
            "receipt",
            format!("expected str or dict, got {}", type_name(receipt)),
        ));
    };
    let public_key = optional_text("public_key", public_key)?;
    let body = erasekit_core::verify_receipt(&json, public_key.as_deref()).map_err(raise)?;
    Ok(pythonize::pythonize(py, &body)?)
}

/// The public key (hex) of a 32-byte Ed25519 signing key: publish it so others can verify.
#[pyfunction]
pub(crate) fn receipt_public_key(signing_key: &Bound<'_, PyAny>) -> PyResult<String> {
    let key = binary("signing_key", signing_key)?;
    erasekit_core::receipt_public_key(&key).map_err(raise)
}
