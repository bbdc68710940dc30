//! `erasekit.RedactRequest`: one validated redaction, built into an HTTP request and used to
//! interpret the response. A newtype over the core's `RedactRequest`; all decisions are there.

use crate::arguments::{api_base, optional_text, text, type_name};
use crate::credentials::Credentials;
use crate::errors::{invalid_argument, raise};
use crate::http::{request_to_dict, response_from_dict};
use crate::time::{optional_unix_millis, unix_millis};
use erasekit_core::{RedactInput, UnixMillis};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};

/// One transaction to redact: its id, product, direction (`type`) and, if known, when it
/// happened (`created_at`, milliseconds since the epoch).
#[pyclass(module = "erasekit._native", name = "RedactRequest", frozen, eq)]
#[derive(PartialEq)]
#[repr(transparent)]
pub struct RedactRequest(erasekit_core::RedactRequest);

#[pymethods]
impl RedactRequest {
    /// Validates the input; `type` defaults to `"outbound"`.
    #[new]
    #[pyo3(signature = (id, product, r#type=None, created_at=None))]
    fn new(
        id: &Bound<'_, PyAny>,
        product: &Bound<'_, PyAny>,
        r#type: Option<&Bound<'_, PyAny>>,
        created_at: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let input = RedactInput {
            id: text("id", id)?,
            product: text("product", product)?,
            direction: optional_text("type", r#type)?,
            created_at: optional_unix_millis("created_at", created_at)?,
        };
        erasekit_core::RedactRequest::new(input)
            .map(RedactRequest)
            .map_err(raise)
    }

    /// The transaction id.
    #[getter]
    fn id(&self) -> &str {
        self.0.id.as_str()
    }

    /// The product, in the Redact API's spelling.
    #[getter]
    fn product(&self) -> &'static str {
        self.0.product.as_str()
    }

    /// `"inbound"` or `"outbound"`.
    #[getter]
    fn r#type(&self) -> &'static str {
        self.0.direction.as_str()
    }

    /// When the transaction happened, in milliseconds since the epoch, if known.
    #[getter]
    fn created_at(&self) -> Option<UnixMillis> {
        self.0.created_at
    }

    /// The earliest time Vonage will accept this redaction (`created_at` + 60 minutes).
    #[getter]
    fn not_before(&self) -> Option<UnixMillis> {
        self.0.not_before()
    }

    /// The HTTP request to send: `{"method", "url", "headers", "body"}`.
    #[pyo3(signature = (credentials, base_url=None))]
    fn to_http<'py>(
        &self,
        py: Python<'py>,
        credentials: &Bound<'py, PyAny>,
        base_url: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let credentials = credentials.cast::<Credentials>().map_err(|_| {
            invalid_argument(
                "credentials",
                format!(
                    "expected erasekit.Credentials, got {}",
                    type_name(credentials)
                ),
            )
        })?;
        let base = api_base(base_url)?;
        let request = self.0.to_http(&base, &credentials.get().0).map_err(raise)?;
        request_to_dict(py, &request)
    }

    /// What a response means: a dict with an `outcome` key (`redacted`, `not_found`,
    /// `premature`, `unprovisioned`, `unauthorized`, `invalid`, `rate_limited`,
    /// `server_error`, `malformed`). `now` is when the response arrived.
    fn interpret<'py>(
        &self,
        py: Python<'py>,
        response: &Bound<'py, PyAny>,
        now: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let response = response_from_dict(response)?;
        let now = unix_millis("now", now)?;
        let outcome = self.0.interpret(&response, now);
        Ok(pythonize::pythonize(py, &outcome)?)
    }

    /// The redaction as a dict: `id`, `product`, `type`, `created_at`.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(pythonize::pythonize(py, &self.0)?)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let quoted = |s: &str| -> PyResult<String> { Ok(PyString::new(py, s).repr()?.to_string()) };
        let created_at = self
            .0
            .created_at
            .map_or_else(|| "None".to_owned(), |t| t.to_string());
        Ok(format!(
            "RedactRequest(id={}, product={}, type={}, created_at={created_at})",
            quoted(self.0.id.as_str())?,
            quoted(self.0.product.as_str())?,
            quoted(self.0.direction.as_str())?,
        ))
    }
}
