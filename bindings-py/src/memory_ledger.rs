//! `erasekit._native.MemoryLedger`: a newtype over the core's in-memory ledger, which the Python
//! `Ledger.memory()` wraps. Every rule (dedup, ordering, tombstones, the export format) is the
//! core's; this file only converts arguments and results.

use crate::arguments::{binary, text, type_name};
use crate::errors::{invalid_argument, raise};
use crate::json_values::entries_to_python;
use crate::ledger::{entries, identifiers, lease, lease_times, receipt_text, subject, to_python};
use crate::ledger_sql::stored_job;
use crate::time::unix_millis;
use erasekit_core::Error;
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyString};
use serde::Deserialize;
use std::collections::BTreeMap;

/// A ledger held in memory; `export()`/`import_()` move it as JSON.
#[pyclass(module = "erasekit._native", name = "MemoryLedger")]
pub struct MemoryLedger {
    ledger: erasekit_core::MemoryLedger,
    key: Vec<u8>,
}

/// The parts of the core's export format the core has no accessor for: the subject key (hex)
/// and the job ids. Read from the core's own `export()`, nothing else is assumed of it.
#[derive(Deserialize)]
struct ExportIndex {
    key: String,
    #[serde(default)]
    jobs: BTreeMap<String, serde::de::IgnoredAny>,
}

impl ExportIndex {
    fn of(ledger: &erasekit_core::MemoryLedger) -> PyResult<ExportIndex> {
        serde_json::from_str(&ledger.export()).map_err(|e| {
            raise(Error::Storage {
                reason: format!("cannot read the memory ledger's export: {e}"),
            })
        })
    }

    fn key(&self) -> PyResult<Vec<u8>> {
        let s = &self.key;
        (0..s.len() / 2)
            .map(|i| {
                s.get(2 * i..2 * i + 2)
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
            })
            .collect::<Option<Vec<u8>>>()
            .filter(|k| k.len() * 2 == s.len())
            .ok_or_else(|| {
                raise(Error::Storage {
                    reason: "the ledger key is not hex".into(),
                })
            })
    }
}

#[pymethods]
impl MemoryLedger {
    /// An empty ledger keyed by `key` (at least 16 random bytes; `os.urandom(32)`), signing
    /// receipts with `receipt_key` (a 32-byte Ed25519 seed; `os.urandom(32)`).
    #[new]
    fn new(key: &Bound<'_, PyAny>, receipt_key: &Bound<'_, PyAny>) -> PyResult<Self> {
        let key = binary("key", key)?;
        let receipt_key = binary("receipt_key", receipt_key)?;
        let ledger = erasekit_core::MemoryLedger::new(&key, &receipt_key).map_err(raise)?;
        Ok(MemoryLedger { ledger, key })
    }

    /// Reads a ledger written by `export()` (`str` or UTF-8 `bytes`); an export without a
    /// receipt key (erasekit 0.1) gets `receipt_key` (32 random bytes).
    #[staticmethod]
    #[pyo3(name = "import_")]
    fn import(data: &Bound<'_, PyAny>, receipt_key: &Bound<'_, PyAny>) -> PyResult<Self> {
        const FIELD: &str = "data";
        let json = if data.is_instance_of::<PyString>() {
            text(FIELD, data)?
        } else if data.is_instance_of::<PyBytes>() || data.is_instance_of::<PyByteArray>() {
            String::from_utf8(binary(FIELD, data)?).map_err(|_| {
                raise(Error::Storage {
                    reason: "not an exported erasekit ledger: the bytes are not UTF-8".into(),
                })
            })?
        } else {
            return Err(invalid_argument(
                FIELD,
                format!("expected str or bytes, got {}", type_name(data)),
            ));
        };
        let mut ledger = erasekit_core::MemoryLedger::import(&json).map_err(raise)?;
        ledger
            .ensure_receipt_key(&binary("receipt_key", receipt_key)?)
            .map_err(raise)?;
        let key = ExportIndex::of(&ledger)?.key()?;
        Ok(MemoryLedger { ledger, key })
    }

    /// The whole ledger as JSON text (personal data and the subject key: keep it safe).
    fn export(&self) -> String {
        self.ledger.export()
    }

    /// The subject key (keys the tombstone hashes).
    #[getter]
    fn key<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.key)
    }

    /// Records entries; returns how many were new.
    fn record(
        &mut self,
        subject: &Bound<'_, PyAny>,
        entries: &Bound<'_, PyAny>,
    ) -> PyResult<usize> {
        let subject = self::subject(subject)?;
        let entries = self::entries(entries)?;
        self.ledger.record(&subject, &entries).map_err(raise)
    }

    /// Links identifiers (idempotent).
    fn link(&mut self, subject: &Bound<'_, PyAny>, identifiers: &Bound<'_, PyAny>) -> PyResult<()> {
        let subject = self::subject(subject)?;
        let identifiers = self::identifiers(identifiers)?;
        self.ledger.link(&subject, &identifiers).map_err(raise)
    }

    /// A subject's entries, oldest first.
    fn entries<'py>(
        &self,
        py: Python<'py>,
        subject: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let entries = self
            .ledger
            .entries(&self::subject(subject)?)
            .map_err(raise)?;
        Ok(entries_to_python(py, &entries)?.into_any())
    }

    /// A subject's identifiers, sorted.
    fn identifiers<'py>(
        &self,
        py: Python<'py>,
        subject: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        to_python(
            py,
            &self
                .ledger
                .identifiers(&self::subject(subject)?)
                .map_err(raise)?,
        )
    }

    /// Every subject with entries or identifiers, sorted.
    fn subjects(&self) -> Vec<String> {
        self.ledger.subjects()
    }

    /// Stores the receipt and forgets what it settles; the tombstone, or `None` while
    /// entries remain. `receipt_mismatch` for a receipt of another subject or signer.
    fn forget<'py>(
        &mut self,
        py: Python<'py>,
        subject: &Bound<'py, PyAny>,
        receipt: &Bound<'py, PyAny>,
        at: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let subject = self::subject(subject)?;
        let receipt = receipt_text(receipt)?;
        let at = unix_millis("at", at)?;
        let tombstone = self.ledger.forget(&subject, &receipt, at).map_err(raise)?;
        to_python(py, &tombstone)
    }

    /// The receipt signing key (32-byte Ed25519 seed).
    #[getter]
    fn receipt_key<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        Ok(PyBytes::new(py, &self.ledger.receipt_key().map_err(raise)?))
    }

    /// Claims a new job (`existing=False`) or takes over a saved one: the lease times.
    #[allow(clippy::too_many_arguments)]
    fn claim<'py>(
        &mut self,
        py: Python<'py>,
        job_id: &Bound<'py, PyAny>,
        subject: &Bound<'py, PyAny>,
        snapshot: &Bound<'py, PyAny>,
        owner: &Bound<'py, PyAny>,
        existing: bool,
        now: &Bound<'py, PyAny>,
        lease_ms: u64,
    ) -> PyResult<Bound<'py, PyAny>> {
        let times = self
            .ledger
            .claim(
                &text("job_id", job_id)?,
                &self::subject(subject)?,
                &text("snapshot", snapshot)?,
                &text("owner", owner)?,
                existing,
                unix_millis("now", now)?,
                lease_ms,
            )
            .map_err(raise)?;
        lease_times(py, &times)
    }

    /// Renews (`"running"`) or releases (`"stopped"`) a lease, saving the snapshot.
    fn renew<'py>(
        &mut self,
        py: Python<'py>,
        lease: &Bound<'py, PyAny>,
        state: &Bound<'py, PyAny>,
        snapshot: &Bound<'py, PyAny>,
        now: &Bound<'py, PyAny>,
        lease_ms: u64,
    ) -> PyResult<Bound<'py, PyAny>> {
        let times = self
            .ledger
            .renew(
                &self::lease(lease)?,
                &text("state", state)?,
                &text("snapshot", snapshot)?,
                unix_millis("now", now)?,
                lease_ms,
            )
            .map_err(raise)?;
        lease_times(py, &times)
    }

    /// The end of a run under `lease`: the tombstone, or `None` while entries remain.
    fn finish<'py>(
        &mut self,
        py: Python<'py>,
        lease: &Bound<'py, PyAny>,
        subject: &Bound<'py, PyAny>,
        receipt: &Bound<'py, PyAny>,
        at: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let tombstone = self
            .ledger
            .finish(
                &self::lease(lease)?,
                &self::subject(subject)?,
                &receipt_text(receipt)?,
                unix_millis("at", at)?,
            )
            .map_err(raise)?;
        to_python(py, &tombstone)
    }

    /// A stored receipt, or `None`.
    fn receipt<'py>(
        &self,
        py: Python<'py>,
        receipt_id: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        to_python(py, &self.ledger.receipt(&text("receipt_id", receipt_id)?))
    }

    /// Every stored receipt, oldest first.
    fn receipts<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_python(py, &self.ledger.receipts())
    }

    /// The tombstones of `subject`.
    fn tombstones<'py>(
        &self,
        py: Python<'py>,
        subject: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        to_python(
            py,
            &self
                .ledger
                .tombstones(&self::subject(subject)?)
                .map_err(raise)?,
        )
    }

    /// Saves a job checkpoint.
    fn save_job(
        &mut self,
        job_id: &Bound<'_, PyAny>,
        subject: &Bound<'_, PyAny>,
        state: &Bound<'_, PyAny>,
        snapshot: &Bound<'_, PyAny>,
        updated_at: &Bound<'_, PyAny>,
    ) -> PyResult<()> {
        let job = stored_job(job_id, subject, state, snapshot, updated_at)?;
        self.ledger.save_job(&job).map_err(raise)
    }

    /// A saved job, or `None`.
    fn job<'py>(&self, py: Python<'py>, job_id: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        to_python(py, &self.ledger.job(&text("job_id", job_id)?))
    }

    /// Every saved job, oldest first (as the SQL ledger orders them).
    fn jobs<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let mut jobs: Vec<_> = ExportIndex::of(&self.ledger)?
            .jobs
            .keys()
            .filter_map(|id| self.ledger.job(id))
            .collect();
        jobs.sort_by(|a, b| (a.updated_at, &a.job_id).cmp(&(b.updated_at, &b.job_id)));
        to_python(py, &jobs)
    }

    fn __repr__(&self) -> String {
        format!("MemoryLedger({} subjects)", self.ledger.subjects().len())
    }
}
