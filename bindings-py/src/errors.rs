//! The exception tree: `ErasekitError` at the root and one subclass per core [`ErrorFamily`].
//!
//! Every instance raised from here carries `.code` (the core's stable snake_case code) and
//! `.details` (the core's `details()` as a dict). The class is chosen by one exhaustive
//! `match` on the family, so a new family in the core fails to compile until it is mapped.

use erasekit_core::{Error, ErrorFamily};
use pyo3::create_exception;
use pyo3::exceptions::{PyException, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyList, PyTuple, PyType};
use serde::Serialize;

/// The module the exception classes name as theirs: they are documented as `erasekit.X`.
const PUBLIC_MODULE: &str = "erasekit";

create_exception!(
    erasekit,
    ErasekitError,
    PyException,
    "Root of every error erasekit raises. `.code` is a stable snake_case code and `.details` a dict with the code and the fields of the error."
);

create_exception!(
    erasekit,
    CredentialsError,
    ErasekitError,
    "Credentials are missing, incomplete or unusable (codes `invalid_credentials`, `missing_credentials`, `invalid_private_key`)."
);

create_exception!(
    erasekit,
    StorageError,
    ErasekitError,
    "The ledger's stored data or a database answer is not what erasekit expects (code `storage`)."
);

create_exception!(
    erasekit,
    JobError,
    ErasekitError,
    "An operation asked of an erasure or access job in the wrong state (codes `job_not_finished`, `job_waiting`)."
);

create_exception!(
    erasekit,
    ReceiptError,
    ErasekitError,
    "A receipt that cannot be read or whose signature does not hold (codes `invalid_receipt`, `bad_signature`)."
);

create_exception!(
    erasekit,
    TransportError,
    ErasekitError,
    "An HTTP exchange could not be completed: refused, reset, timed out, DNS, a body over the limit (code `transport_failed`; the httpx error is `__cause__`)."
);

/// A class with two bases, `ErasekitError` and `ValueError`. `create_exception!` takes one
/// base only, so these are made once, on first use, by calling `type(name, bases, namespace)`.
struct ValueErrorClass {
    name: &'static str,
    doc: &'static str,
    cell: PyOnceLock<Py<PyType>>,
}

static INPUT_ERROR: ValueErrorClass = ValueErrorClass {
    name: "InputError",
    doc: "A value erasekit cannot accept: a product, type, id, time, base URL or any other \
argument (codes `invalid_product`, `invalid_direction`, `invalid_id`, `invalid_time`, \
`invalid_base_url`, `invalid_argument`, `invalid_subject`, `invalid_phone`). Also a `ValueError`.",
    cell: PyOnceLock::new(),
};

static PAYLOAD_ERROR: ValueErrorClass = ValueErrorClass {
    name: "PayloadError",
    doc: "A Vonage payload given to a capture function lacks a field or has a malformed one \
(code `invalid_payload`), or is larger than its stated limit (code `payload_too_large`). Also a `ValueError`.",
    cell: PyOnceLock::new(),
};

impl ValueErrorClass {
    fn get<'py>(&self, py: Python<'py>) -> PyResult<&Bound<'py, PyType>> {
        let class = self.cell.get_or_try_init(py, || -> PyResult<Py<PyType>> {
            let bases = PyTuple::new(
                py,
                [
                    py.get_type::<ErasekitError>(),
                    py.get_type::<PyValueError>(),
                ],
            )?;
            let namespace = PyDict::new(py);
            namespace.set_item("__module__", PUBLIC_MODULE)?;
            namespace.set_item("__doc__", self.doc)?;
            let class = py
                .get_type::<PyType>()
                .call1((self.name, bases, namespace))?;
            Ok(class.cast_into::<PyType>()?.unbind())
        })?;
        Ok(class.bind(py))
    }
}

/// Adds the classes that `create_exception!` cannot make to the module.
pub(crate) fn add_value_error_classes(module: &Bound<'_, PyModule>) -> PyResult<()> {
    for class in [&INPUT_ERROR, &PAYLOAD_ERROR] {
        module.add(class.name, class.get(module.py())?)?;
    }
    Ok(())
}

/// The exception class for a family: the one place families meet classes.
fn class_for(py: Python<'_>, family: ErrorFamily) -> PyResult<Bound<'_, PyType>> {
    match family {
        ErrorFamily::Input => Ok(INPUT_ERROR.get(py)?.clone()),
        ErrorFamily::Credentials => Ok(py.get_type::<CredentialsError>()),
        ErrorFamily::Payload => Ok(PAYLOAD_ERROR.get(py)?.clone()),
        ErrorFamily::Storage => Ok(py.get_type::<StorageError>()),
        ErrorFamily::Job => Ok(py.get_type::<JobError>()),
        ErrorFamily::Receipt => Ok(py.get_type::<ReceiptError>()),
        ErrorFamily::Transport => Ok(py.get_type::<TransportError>()),
    }
}

/// Converts a core error into the Python exception to raise, with `.code` and `.details`.
pub(crate) fn raise(err: Error) -> PyErr {
    Python::attach(|py| {
        let build = || -> PyResult<PyErr> {
            let instance = class_for(py, err.family())?.call1((err.to_string(),))?;
            instance.setattr("code", err.code())?;
            instance.setattr("details", pythonize::pythonize(py, &err.details())?)?;
            Ok(PyErr::from_value(instance))
        };
        // Building the exception can only fail if the interpreter is out of memory; raise that.
        build().unwrap_or_else(|failure| failure)
    })
}

/// An `InputError` with code `invalid_argument` naming the argument.
pub(crate) fn invalid_argument(field: &str, reason: impl Into<String>) -> PyErr {
    raise(Error::InvalidArgument {
        field: field.to_owned(),
        reason: reason.into(),
    })
}

/// The core's `transport_failed` error with `reason` (what happened, to which host), for the
/// Python layer that does the I/O to raise.
#[pyfunction]
pub(crate) fn _transport_failed(py: Python<'_>, reason: String) -> Bound<'_, PyAny> {
    raise(Error::TransportFailed { reason })
        .into_value(py)
        .into_bound(py)
        .into_any()
}

/// The core's `invalid_argument` error naming `field`, for the few arguments only the Python
/// layer reads (a timeout, a signing key, a ledger).
#[pyfunction]
pub(crate) fn _invalid_argument<'py>(
    py: Python<'py>,
    field: &str,
    reason: &str,
) -> Bound<'py, PyAny> {
    invalid_argument(field, reason)
        .into_value(py)
        .into_bound(py)
        .into_any()
}

/// One row of [`error_codes`].
#[derive(Serialize)]
struct CodeRow {
    code: &'static str,
    family: ErrorFamily,
}

/// Every error code erasekit can raise, with its family, in the core's fixed order.
///
/// Each entry is `{"code": ..., "family": ...}`, the shape of `tests/vectors/error_codes.json`.
#[pyfunction]
pub(crate) fn error_codes(py: Python<'_>) -> PyResult<Bound<'_, PyList>> {
    let rows: Vec<CodeRow> = Error::catalogue()
        .into_iter()
        .map(|(code, family)| CodeRow { code, family })
        .collect();
    Ok(pythonize::pythonize(py, &rows)?.cast_into::<PyList>()?)
}

/// The class raised for `code` (`None` for an unknown code). Private: lets the tests check
/// the mapping for codes no Python API can raise yet.
#[pyfunction]
pub(crate) fn _exception_class<'py>(
    py: Python<'py>,
    code: &str,
) -> PyResult<Option<Bound<'py, PyType>>> {
    Error::catalogue()
        .into_iter()
        .find(|(c, _)| *c == code)
        .map(|(_, family)| class_for(py, family))
        .transpose()
}
