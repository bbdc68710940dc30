//! `erasekit.ErasurePlan` and `erasekit.Deadline`: newtypes over the core's plan and deadline.
//!
//! The plan is built by the core from a subject's ledger entries (dicts in the core's
//! `LedgerEntry` shape, as the ledger hands them out); operations, the dry run and the
//! deadline come back as dicts with the core's field names. Nothing is decided here.

use crate::arguments::{api_base, binary, keywords, text, type_name};
use crate::errors::{invalid_argument, raise};
use crate::time::{optional_unix_millis, unix_millis};
use erasekit_core::{LedgerEntry, PlanOptions};
use pyo3::conversion::FromPyObjectOwned;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyInt, PyList, PyString};

/// Every call needed to erase one subject from Vonage, with the GDPR deadline.
#[pyclass(module = "erasekit._native", name = "ErasurePlan")]
#[repr(transparent)]
pub struct ErasurePlan(pub(crate) erasekit_core::ErasurePlan);

/// An `int` argument (not a `bool`) that fits `T`.
pub(crate) fn integer<'py, T>(field: &str, value: &Bound<'py, PyAny>) -> PyResult<T>
where
    T: FromPyObjectOwned<'py>,
{
    if value.is_instance_of::<PyBool>() || !value.is_instance_of::<PyInt>() {
        return Err(invalid_argument(
            field,
            format!("expected int, got {}", type_name(value)),
        ));
    }
    value
        .extract::<T>()
        .map_err(|_| invalid_argument(field, "is out of range"))
}

/// An optional `int` (`None` stays `None`).
pub(crate) fn optional_integer<'py, T>(
    field: &str,
    value: Option<&Bound<'py, PyAny>>,
) -> PyResult<Option<T>>
where
    T: FromPyObjectOwned<'py>,
{
    match value {
        Some(v) if !v.is_none() => integer(field, v).map(Some),
        _ => Ok(None),
    }
}

/// Reads `entries`: a list of ledger entry dicts.
fn entries(value: &Bound<'_, PyAny>) -> PyResult<Vec<LedgerEntry>> {
    let expected = || {
        invalid_argument(
            "entries",
            format!(
                "expected a list of ledger entry dicts, got {}",
                type_name(value)
            ),
        )
    };
    if value.is_instance_of::<PyString>() || value.is_instance_of::<PyDict>() {
        return Err(expected());
    }
    let list = PyList::empty(value.py());
    for item in value.try_iter().map_err(|_| expected())? {
        list.append(item?)?;
    }
    let json: serde_json::Value = pythonize::depythonize(list.as_any())
        .map_err(|e| invalid_argument("entries", e.to_string()))?;
    LedgerEntry::list_from_value(&json).map_err(raise)
}

#[pymethods]
impl ErasurePlan {
    /// Plans the erasure of one subject's ledger `entries` at `now`; `options` are the core's
    /// `PlanOptions` (`user_action`, `delete_legs`, `delete_conversations`, `conversation_api`,
    /// `retention_months`, `allow_empty`).
    #[new]
    #[pyo3(signature = (subject, subject_key, entries, now, received_at=None, **options))]
    fn new(
        subject: &Bound<'_, PyAny>,
        subject_key: &Bound<'_, PyAny>,
        entries: &Bound<'_, PyAny>,
        now: &Bound<'_, PyAny>,
        received_at: Option<&Bound<'_, PyAny>>,
        options: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Self> {
        let subject = text("subject", subject)?;
        let key = binary("subject_key", subject_key)?;
        let entries = self::entries(entries)?;
        let now = unix_millis("now", now)?;
        let received_at = optional_unix_millis("received_at", received_at)?;
        let options: PlanOptions = keywords(options)?;
        erasekit_core::ErasurePlan::new(&subject, &key, &entries, now, received_at, options)
            .map(ErasurePlan)
            .map_err(raise)
    }

    /// The subject (personal data: the receipt names it only by `subject_hash`).
    #[getter]
    fn subject(&self) -> &str {
        &self.0.subject
    }

    /// HMAC-SHA256 of the subject under the ledger key, hex.
    #[getter]
    fn subject_hash(&self) -> &str {
        &self.0.subject_hash
    }

    /// When the plan was made (ms since the epoch).
    #[getter]
    fn planned_at(&self) -> u64 {
        self.0.planned_at
    }

    /// The GDPR deadline.
    #[getter]
    fn deadline(&self) -> Deadline {
        Deadline(self.0.deadline.clone())
    }

    /// The options the plan was made with, as a dict.
    #[getter]
    fn options<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(pythonize::pythonize(py, &self.0.options)?)
    }

    /// Every operation, as dicts in plan order.
    #[getter]
    fn operations<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(pythonize::pythonize(py, &self.0.operations)?)
    }

    /// The latest `not_before` of the pending operations (or the plan time, if later): the
    /// earliest the job can finish. `None` when nothing is pending.
    #[getter]
    fn earliest_finish(&self) -> Option<u64> {
        self.0.earliest_finish()
    }

    /// Extends the deadline to 1 + `months` months after receipt (`months` 1 or 2), recording
    /// why. Returns the new deadline.
    fn extend_deadline(
        &mut self,
        months: &Bound<'_, PyAny>,
        reason: &Bound<'_, PyAny>,
    ) -> PyResult<Deadline> {
        let months: u8 = integer("months", months)?;
        let reason = text("reason", reason)?;
        let extended = self.0.deadline.extend(months, &reason).map_err(raise)?;
        self.0.deadline = extended.clone();
        Ok(Deadline(extended))
    }

    /// The dry run: every operation with the method and URL it would call, `not_before` and
    /// `initial`. No credentials needed; nothing is sent.
    #[pyo3(signature = (base_url=None))]
    fn describe<'py>(
        &self,
        py: Python<'py>,
        base_url: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let base = api_base(base_url)?;
        let calls = self.0.describe(&base).map_err(raise)?;
        Ok(pythonize::pythonize(py, &calls)?)
    }

    /// The plan in figures at `rate_per_second` (default: the job's default, 170): counts per
    /// action and product, how long sending takes at that rate, the earliest finish and the
    /// deadline. What the CLI's dry run prints.
    #[pyo3(signature = (rate_per_second=None))]
    fn summary<'py>(
        &self,
        py: Python<'py>,
        rate_per_second: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let rate = optional_integer::<u32>("rate_per_second", rate_per_second)?
            .unwrap_or(erasekit_core::JobConfig::default().rate_per_second);
        let summary = self.0.summary(rate).map_err(raise)?;
        Ok(pythonize::pythonize(py, &summary)?)
    }

    /// The plan as a dict: `subject`, `subject_hash`, `planned_at`, `deadline`, `options`,
    /// `operations`.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(pythonize::pythonize(py, &self.0)?)
    }

    fn __len__(&self) -> usize {
        self.0.operations.len()
    }

    fn __repr__(&self) -> String {
        format!(
            "ErasurePlan(subject_hash={:?}, operations={}, due_at={})",
            self.0.subject_hash,
            self.0.operations.len(),
            self.0.deadline.due_at
        )
    }
}

/// When an erasure request must be answered (GDPR Art. 12(3)).
#[pyclass(module = "erasekit._native", name = "Deadline", frozen, eq)]
#[derive(PartialEq)]
#[repr(transparent)]
pub struct Deadline(pub(crate) erasekit_core::Deadline);

#[pymethods]
impl Deadline {
    /// The deadline for a request received at `received_at`: one calendar month later.
    #[new]
    fn new(received_at: &Bound<'_, PyAny>) -> PyResult<Self> {
        let received_at = unix_millis("received_at", received_at)?;
        erasekit_core::Deadline::new(received_at)
            .map(Deadline)
            .map_err(raise)
    }

    /// When the request was received (ms since the epoch).
    #[getter]
    fn received_at(&self) -> u64 {
        self.0.received_at
    }

    /// When the answer is due (ms since the epoch).
    #[getter]
    fn due_at(&self) -> u64 {
        self.0.due_at
    }

    /// Months of extension granted: 0, 1 or 2.
    #[getter]
    fn extension_months(&self) -> u8 {
        self.0.extension_months
    }

    /// Why the deadline was extended, if it was.
    #[getter]
    fn extension_reason(&self) -> Option<&str> {
        self.0.extension_reason.as_deref()
    }

    /// This deadline extended by `months` (1 or 2) further months, with the reason.
    fn extend(&self, months: &Bound<'_, PyAny>, reason: &Bound<'_, PyAny>) -> PyResult<Self> {
        let months: u8 = integer("months", months)?;
        let reason = text("reason", reason)?;
        self.0.extend(months, &reason).map(Deadline).map_err(raise)
    }

    /// Whether `now` is past the deadline.
    fn is_overdue(&self, now: &Bound<'_, PyAny>) -> PyResult<bool> {
        Ok(self.0.is_overdue(unix_millis("now", now)?))
    }

    /// The deadline as a dict: `received_at`, `due_at`, `extension_months`, `extension_reason`.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(pythonize::pythonize(py, &self.0)?)
    }

    fn __repr__(&self) -> String {
        format!(
            "Deadline(received_at={}, due_at={}, extension_months={})",
            self.0.received_at, self.0.due_at, self.0.extension_months
        )
    }
}
