//! `erasekit._native.ErasureSql`: the core's statements for an erasure's life in a SQL ledger
//! (lease claims, renewals, the end of a run, forgetting, stored receipts).
//!
//! A newtype over the core's `LedgerSql`. Lease-checked steps come as an "exchange" dict
//! `{"before", "query", "after", "on_empty"}` that `python/erasekit/ledger.py` runs in one
//! transaction, handing the rows of `query` to `lease_answer` (which raises `subject_busy` /
//! `lease_lost` when there are none, rolling the transaction back).

use crate::arguments::{binary, text};
use crate::errors::{invalid_argument, raise};
use crate::ledger::{
    lease, lease_times, receipt_text, rows, statement, statements, subject, to_python,
};
use crate::time::unix_millis;
use erasekit_core::{Dialect, Exchange, OnEmpty, Settled};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyTuple};

/// Statements of an erasure's life in one dialect (`"sqlite"` or `"postgres"`).
#[pyclass(module = "erasekit._native", name = "ErasureSql", frozen)]
pub struct ErasureSql {
    sql: erasekit_core::LedgerSql,
}

fn exchange<'py>(py: Python<'py>, e: &Exchange) -> PyResult<Bound<'py, PyDict>> {
    let dict = PyDict::new(py);
    dict.set_item("before", statements(py, &e.before)?)?;
    dict.set_item("query", statement(py, &e.query)?)?;
    dict.set_item("after", statements(py, &e.after)?)?;
    dict.set_item("on_empty", to_python(py, &e.on_empty)?)?;
    Ok(dict)
}

fn lease_ms(value: &Bound<'_, PyAny>) -> PyResult<u64> {
    value
        .extract::<u64>()
        .map_err(|_| invalid_argument("lease_ms", "expected a whole number of milliseconds"))
}

/// The verified receipt for `subject` under this ledger's keys, or the core's refusal.
fn settled(
    subject: &str,
    key: &Bound<'_, PyAny>,
    receipt_key: &Bound<'_, PyAny>,
    receipt: &Bound<'_, PyAny>,
) -> PyResult<Settled> {
    Settled::check(
        &receipt_text(receipt)?,
        subject,
        &binary("key", key)?,
        &binary("receipt_key", receipt_key)?,
    )
    .map_err(raise)
}

#[pymethods]
impl ErasureSql {
    #[new]
    fn new(dialect: &Bound<'_, PyAny>) -> PyResult<Self> {
        let dialect = Dialect::parse(&text("dialect", dialect)?).map_err(raise)?;
        Ok(ErasureSql {
            sql: erasekit_core::LedgerSql::new(dialect),
        })
    }

    /// Claims a new job for `subject` (exchange; `subject_busy` when another run holds it).
    #[allow(clippy::too_many_arguments)]
    fn claim_new<'py>(
        &self,
        py: Python<'py>,
        job_id: &Bound<'py, PyAny>,
        subject: &Bound<'py, PyAny>,
        snapshot: &Bound<'py, PyAny>,
        owner: &Bound<'py, PyAny>,
        now: &Bound<'py, PyAny>,
        lease_ms: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let e = self
            .sql
            .claim_new(
                &text("job_id", job_id)?,
                &self::subject(subject)?,
                &text("snapshot", snapshot)?,
                &text("owner", owner)?,
                unix_millis("now", now)?,
                self::lease_ms(lease_ms)?,
            )
            .map_err(raise)?;
        exchange(py, &e)
    }

    /// Takes over a saved job (exchange; `subject_busy` while another run holds it).
    fn claim_existing<'py>(
        &self,
        py: Python<'py>,
        job_id: &Bound<'py, PyAny>,
        owner: &Bound<'py, PyAny>,
        now: &Bound<'py, PyAny>,
        lease_ms: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let e = self
            .sql
            .claim_existing(
                &text("job_id", job_id)?,
                &text("owner", owner)?,
                unix_millis("now", now)?,
                self::lease_ms(lease_ms)?,
            )
            .map_err(raise)?;
        exchange(py, &e)
    }

    /// Renews (`state="running"`) or releases (`"stopped"`) a lease, saving the snapshot.
    fn renew<'py>(
        &self,
        py: Python<'py>,
        lease: &Bound<'py, PyAny>,
        state: &Bound<'py, PyAny>,
        snapshot: &Bound<'py, PyAny>,
        now: &Bound<'py, PyAny>,
        lease_ms: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let e = self
            .sql
            .renew(
                &self::lease(lease)?,
                &text("state", state)?,
                &text("snapshot", snapshot)?,
                unix_millis("now", now)?,
                self::lease_ms(lease_ms)?,
            )
            .map_err(raise)?;
        exchange(py, &e)
    }

    /// The end of a run under `lease` (exchange): the receipt is checked against the
    /// ledger's keys, then stored, and what it settles forgotten.
    #[allow(clippy::too_many_arguments)]
    fn finish<'py>(
        &self,
        py: Python<'py>,
        lease: &Bound<'py, PyAny>,
        subject: &Bound<'py, PyAny>,
        key: &Bound<'py, PyAny>,
        receipt_key: &Bound<'py, PyAny>,
        receipt: &Bound<'py, PyAny>,
        at: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let subject = self::subject(subject)?;
        let settled = settled(&subject, key, receipt_key, receipt)?;
        let e = self
            .sql
            .finish(
                &self::lease(lease)?,
                &settled,
                &subject,
                unix_millis("at", at)?,
            )
            .map_err(raise)?;
        exchange(py, &e)
    }

    /// `forget(subject, receipt)`: `(statements for one transaction, receipt id)`; refuses
    /// (`receipt_mismatch`) a receipt of another subject or another signer.
    fn forget<'py>(
        &self,
        py: Python<'py>,
        subject: &Bound<'py, PyAny>,
        key: &Bound<'py, PyAny>,
        receipt_key: &Bound<'py, PyAny>,
        receipt: &Bound<'py, PyAny>,
        at: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyTuple>> {
        let subject = self::subject(subject)?;
        let settled = settled(&subject, key, receipt_key, receipt)?;
        let list = self
            .sql
            .forget(&settled, &subject, unix_millis("at", at)?)
            .map_err(raise)?;
        PyTuple::new(
            py,
            [
                statements(py, &list)?.into_any(),
                settled.receipt_id.into_pyobject(py)?.into_any(),
            ],
        )
    }

    /// The lease held after an exchange, from the rows of its `query`:
    /// `{"attempt", "expires_at", "renew_at", "hold_until"}`.
    fn lease_answer<'py>(
        &self,
        py: Python<'py>,
        on_empty: &Bound<'py, PyAny>,
        rows: &Bound<'py, PyAny>,
        sent_at: &Bound<'py, PyAny>,
        lease_ms: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let on_empty: OnEmpty = match text("on_empty", on_empty)?.as_str() {
            "subject_busy" => OnEmpty::SubjectBusy,
            "lease_lost" => OnEmpty::LeaseLost,
            other => return Err(invalid_argument("on_empty", format!("unknown {other:?}"))),
        };
        let times = self
            .sql
            .lease_answer(
                on_empty,
                &self::rows(rows)?,
                unix_millis("sent_at", sent_at)?,
                self::lease_ms(lease_ms)?,
            )
            .map_err(raise)?;
        lease_times(py, &times)
    }

    /// Counts a subject's entries.
    fn count_entries<'py>(
        &self,
        py: Python<'py>,
        subject: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyDict>> {
        statement(
            py,
            &self
                .sql
                .count_entries(&self::subject(subject)?)
                .map_err(raise)?,
        )
    }

    /// Decodes the row of `count_entries`.
    fn decode_count(&self, rows: &Bound<'_, PyAny>) -> PyResult<u64> {
        self.sql.decode_count(&self::rows(rows)?).map_err(raise)
    }

    /// Selects one stored receipt.
    fn select_receipt<'py>(
        &self,
        py: Python<'py>,
        receipt_id: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyDict>> {
        statement(
            py,
            &self.sql.select_receipt(&text("receipt_id", receipt_id)?),
        )
    }

    /// Selects every stored receipt, oldest first.
    fn select_receipts<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        statement(py, &self.sql.select_receipts())
    }

    /// Decodes stored receipts (as dicts).
    fn decode_receipts<'py>(
        &self,
        py: Python<'py>,
        rows: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyList>> {
        let out = PyList::empty(py);
        for r in self
            .sql
            .decode_receipts(&self::rows(rows)?)
            .map_err(raise)?
        {
            out.append(to_python(py, &r)?)?;
        }
        Ok(out)
    }
}
