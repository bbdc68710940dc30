//! `erasekit._native.LedgerSql`: the core's ledger schema and statements for one SQL dialect.
//!
//! A newtype over the core's `LedgerSchema` and `LedgerSql`. The Python `Ledger`
//! (`python/erasekit/ledger.py`) runs what these methods return with `sqlite3` or psycopg and
//! hands the rows back to the `decode_*` methods; it never writes SQL of its own.

use crate::arguments::{binary, text};
use crate::errors::raise;
use crate::json_values::entries_to_python;
use crate::ledger::{entries, identifiers, rows, statement, statements, subject, to_python};
use crate::time::unix_millis;
use erasekit_core::{subject_hash, Dialect, LedgerSchema, StoredJob, Tombstone};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList};
use serde_json::Value;

/// The ledger's schema and every statement in one dialect (`"sqlite"` or `"postgres"`).
#[pyclass(module = "erasekit._native", name = "LedgerSql", frozen)]
pub struct LedgerSql {
    dialect: Dialect,
    schema: LedgerSchema,
    sql: erasekit_core::LedgerSql,
}

#[pymethods]
impl LedgerSql {
    #[new]
    fn new(dialect: &Bound<'_, PyAny>) -> PyResult<Self> {
        let dialect = Dialect::parse(&text("dialect", dialect)?).map_err(raise)?;
        Ok(LedgerSql {
            dialect,
            schema: LedgerSchema::new(dialect),
            sql: erasekit_core::LedgerSql::new(dialect),
        })
    }

    /// `"sqlite"` or `"postgres"`.
    #[getter]
    fn dialect(&self) -> &'static str {
        match self.dialect {
            Dialect::Sqlite => "sqlite",
            Dialect::Postgres => "postgres",
        }
    }

    /// The schema version this erasekit writes and reads.
    #[getter]
    fn schema_version(&self) -> u32 {
        erasekit_core::SCHEMA_VERSION
    }

    /// Creates the meta table if missing; safe on every open.
    fn bootstrap<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        statements(py, &self.schema.bootstrap())
    }

    /// Reads the meta table.
    fn read_meta<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        statement(py, &self.schema.read_meta())
    }

    /// Migrations and the new subject and receipt keys (from 64 bytes of `entropy`), to run in
    /// one transaction.
    fn open<'py>(
        &self,
        py: Python<'py>,
        meta_rows: &Bound<'py, PyAny>,
        entropy: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyList>> {
        let meta = rows(meta_rows)?;
        let entropy = binary("entropy", entropy)?;
        statements(py, &self.schema.open(&meta, &entropy).map_err(raise)?)
    }

    /// The subject key from the meta rows read after `open`.
    fn key_from_meta<'py>(
        &self,
        py: Python<'py>,
        meta_rows: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyBytes>> {
        let key = self
            .schema
            .key_from_meta(&rows(meta_rows)?)
            .map_err(raise)?;
        Ok(PyBytes::new(py, &key))
    }

    /// The receipt signing key (32-byte Ed25519 seed) from the meta rows read after `open`.
    fn receipt_key_from_meta<'py>(
        &self,
        py: Python<'py>,
        meta_rows: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyBytes>> {
        let key = self
            .schema
            .receipt_key_from_meta(&rows(meta_rows)?)
            .map_err(raise)?;
        Ok(PyBytes::new(py, &key))
    }

    /// Inserts `entries` for `subject`, skipping those already there; batched statements.
    fn record<'py>(
        &self,
        py: Python<'py>,
        subject: &Bound<'py, PyAny>,
        entries: &Bound<'py, PyAny>,
        recorded_at: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyList>> {
        let subject = self::subject(subject)?;
        let entries = self::entries(entries)?;
        let recorded_at = unix_millis("recorded_at", recorded_at)?;
        statements(
            py,
            &self
                .sql
                .record(&subject, &entries, recorded_at)
                .map_err(raise)?,
        )
    }

    /// Links identifiers to `subject` (idempotent).
    fn link<'py>(
        &self,
        py: Python<'py>,
        subject: &Bound<'py, PyAny>,
        identifiers: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyList>> {
        let subject = self::subject(subject)?;
        let identifiers = self::identifiers(identifiers)?;
        statements(py, &self.sql.link(&subject, &identifiers).map_err(raise)?)
    }

    /// Selects a subject's entries, oldest first.
    fn select_entries<'py>(
        &self,
        py: Python<'py>,
        subject: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let s = self
            .sql
            .select_entries(&self::subject(subject)?)
            .map_err(raise)?;
        statement(py, &s)
    }

    /// Decodes the rows of `select_entries`.
    fn decode_entries<'py>(
        &self,
        py: Python<'py>,
        rows: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let entries = self.sql.decode_entries(&self::rows(rows)?).map_err(raise)?;
        Ok(entries_to_python(py, &entries)?.into_any())
    }

    /// Selects a subject's identifiers.
    fn select_identifiers<'py>(
        &self,
        py: Python<'py>,
        subject: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let s = self
            .sql
            .select_identifiers(&self::subject(subject)?)
            .map_err(raise)?;
        statement(py, &s)
    }

    /// Decodes the rows of `select_identifiers`.
    fn decode_identifiers<'py>(
        &self,
        py: Python<'py>,
        rows: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        to_python(
            py,
            &self
                .sql
                .decode_identifiers(&self::rows(rows)?)
                .map_err(raise)?,
        )
    }

    /// Selects every subject with entries or identifiers.
    fn select_subjects<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        statement(py, &self.sql.select_subjects())
    }

    /// Decodes the rows of `select_subjects`.
    fn decode_subjects<'py>(
        &self,
        py: Python<'py>,
        rows: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        to_python(
            py,
            &self
                .sql
                .decode_subjects(&self::rows(rows)?)
                .map_err(raise)?,
        )
    }

    /// Selects the tombstones of `subject` (found by its keyed hash).
    fn select_tombstones<'py>(
        &self,
        py: Python<'py>,
        subject: &Bound<'py, PyAny>,
        key: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let s = self
            .sql
            .select_tombstones(&self::subject(subject)?, &binary("key", key)?)
            .map_err(raise)?;
        statement(py, &s)
    }

    /// Decodes the rows of `select_tombstones` (`receipt_id`, `forgotten_at`) into tombstones.
    fn decode_tombstones<'py>(
        &self,
        py: Python<'py>,
        subject: &Bound<'py, PyAny>,
        key: &Bound<'py, PyAny>,
        rows: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let hash = subject_hash(&binary("key", key)?, &self::subject(subject)?).map_err(raise)?;
        let tombstones = self::rows(rows)?
            .into_iter()
            .map(|row| match row.as_slice() {
                [Value::String(receipt_id), Value::Number(at)] if at.is_u64() => Ok(Tombstone {
                    subject_hash: hash.clone(),
                    receipt_id: receipt_id.clone(),
                    forgotten_at: at.as_u64().unwrap_or_default(),
                }),
                _ => Err(raise(erasekit_core::Error::Storage {
                    reason: "a tombstone row is not (receipt_id text, forgotten_at integer)".into(),
                })),
            })
            .collect::<PyResult<Vec<_>>>()?;
        to_python(py, &tombstones)
    }

    /// Saves (inserts or replaces) a job checkpoint.
    fn save_job<'py>(
        &self,
        py: Python<'py>,
        job_id: &Bound<'py, PyAny>,
        subject: &Bound<'py, PyAny>,
        state: &Bound<'py, PyAny>,
        snapshot: &Bound<'py, PyAny>,
        updated_at: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let job = stored_job(job_id, subject, state, snapshot, updated_at)?;
        statement(py, &self.sql.save_job(&job).map_err(raise)?)
    }

    /// Selects one job.
    fn select_job<'py>(
        &self,
        py: Python<'py>,
        job_id: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyDict>> {
        statement(py, &self.sql.select_job(&text("job_id", job_id)?))
    }

    /// Selects every job, oldest first.
    fn select_jobs<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        statement(py, &self.sql.select_jobs())
    }

    /// Decodes the rows of `select_job` / `select_jobs`.
    fn decode_jobs<'py>(
        &self,
        py: Python<'py>,
        rows: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        to_python(
            py,
            &self.sql.decode_jobs(&self::rows(rows)?).map_err(raise)?,
        )
    }

    fn __repr__(&self) -> String {
        format!("LedgerSql({:?})", self.dialect())
    }
}

/// A job checkpoint from its parts.
pub(crate) fn stored_job(
    job_id: &Bound<'_, PyAny>,
    subject: &Bound<'_, PyAny>,
    state: &Bound<'_, PyAny>,
    snapshot: &Bound<'_, PyAny>,
    updated_at: &Bound<'_, PyAny>,
) -> PyResult<StoredJob> {
    Ok(StoredJob {
        job_id: text("job_id", job_id)?,
        subject: crate::ledger::subject(subject)?,
        state: text("state", state)?
            .parse()
            .map_err(crate::errors::raise)?,
        snapshot: text("snapshot", snapshot)?,
        updated_at: unix_millis("updated_at", updated_at)?,
    })
}
