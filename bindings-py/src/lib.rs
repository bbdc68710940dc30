//! `erasekit._native`: the PyO3 extension behind the pip package `erasekit`.
//!
//! Thin by design: each class is a newtype over a core type, arguments are read into the
//! core's plain inputs, results are handed back as dicts with the core's field names, and
//! core errors become the exception tree of [`errors`]. No domain decision is made here.

mod arguments;
mod capture;
mod credentials;
mod errors;
mod http;
mod job;
mod json_values;
mod ledger;
mod plan;
mod receipt;
mod redact;
mod time;

use pyo3::prelude::*;

/// Native core of erasekit (Vonage redaction without I/O). Import from `erasekit` instead.
#[pymodule]
mod _native {
    use pyo3::prelude::*;

    #[pymodule_export]
    use super::capture::{capture, capture_sources, phone};
    #[pymodule_export]
    use super::credentials::Credentials;
    #[pymodule_export]
    use super::errors::_exception_class;
    #[pymodule_export]
    use super::errors::error_codes;
    #[pymodule_export]
    use super::errors::CredentialsError;
    #[pymodule_export]
    use super::errors::ErasekitError;
    #[pymodule_export]
    use super::errors::JobError;
    #[pymodule_export]
    use super::errors::ReceiptError;
    #[pymodule_export]
    use super::errors::StorageError;
    #[pymodule_export]
    use super::errors::TransportError;
    #[pymodule_export]
    use super::errors::{_invalid_argument, _transport_failed};
    #[pymodule_export]
    use super::job::ErasureJob;
    #[pymodule_export]
    use super::ledger::_ledger_not_found;
    #[pymodule_export]
    use super::ledger::_storage_error;
    #[pymodule_export]
    use super::ledger::{MemoryLedger, SqlCall, SqlLedger};
    #[pymodule_export]
    use super::plan::{Deadline, ErasurePlan};
    #[pymodule_export]
    use super::receipt::{receipt_public_key, verify_receipt};
    #[pymodule_export]
    use super::redact::RedactRequest;

    /// The `User-Agent` every request carries.
    #[pymodule_export]
    const USER_AGENT: &str = erasekit_core::USER_AGENT;

    /// The most of a response body the drivers read (the core's `MAX_PROBLEM_BODY`).
    #[pymodule_export]
    const MAX_RESPONSE_BODY: usize = erasekit_core::MAX_PROBLEM_BODY;

    /// The longest capture body read unless `max_bytes` says otherwise (1 MiB).
    #[pymodule_export]
    const DEFAULT_CAPTURE_MAX_BYTES: usize = erasekit_core::DEFAULT_CAPTURE_MAX_BYTES;

    #[pymodule_init]
    fn init(m: &Bound<'_, PyModule>) -> PyResult<()> {
        m.add("__version__", env!("CARGO_PKG_VERSION"))?;
        super::errors::add_value_error_classes(m)
    }
}
