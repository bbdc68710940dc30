//! `ErasureSql`: the core's statements for an erasure's life in a SQL ledger (lease claims,
//! renewals, the end of a run, forgetting, stored receipts).
//!
//! A newtype over the core's `LedgerSql`. Lease-checked steps come as an exchange
//! `{ before, query, after, on_empty }` that `js/ledger.mjs` runs in one transaction, handing
//! the rows of `query` to `leaseAnswer` (which throws `subject_busy` / `lease_lost` when there
//! are none, rolling the transaction back). Not exported by the package entries.

use crate::convert::{bytes_arg, time_arg, to_js};
use crate::error::{invalid_argument, to_js_error};
use crate::ledger::{
    bulk_to_js, lease_arg, lease_ms_arg, receipt_arg, rows_arg, subject_arg, text_arg,
};
use erasekit_core::{Dialect, OnEmpty, Settled};
use wasm_bindgen::prelude::*;

/// Statements of an erasure's life in one dialect (`"sqlite"` or `"postgres"`).
#[wasm_bindgen]
pub struct ErasureSql {
    sql: erasekit_core::LedgerSql,
}

/// What `forget` returns: the statements for one transaction and the receipt id.
#[derive(serde::Serialize)]
struct Forget {
    statements: Vec<erasekit_core::Statement>,
    receipt_id: String,
}

fn settled(
    subject: &str,
    key: &JsValue,
    receipt_key: &JsValue,
    receipt: &JsValue,
) -> Result<Settled, JsValue> {
    Settled::check(
        &receipt_arg(receipt)?,
        subject,
        &bytes_arg(key, "key")?,
        &bytes_arg(receipt_key, "receiptKey")?,
    )
    .map_err(|e| to_js_error(&e))
}

#[wasm_bindgen]
impl ErasureSql {
    /// Statements in `dialect`: `"sqlite"` or `"postgres"`.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "\"sqlite\" | \"postgres\"")] dialect: JsValue,
    ) -> Result<ErasureSql, JsValue> {
        let dialect =
            Dialect::parse(&text_arg(&dialect, "dialect")?).map_err(|e| to_js_error(&e))?;
        Ok(ErasureSql {
            sql: erasekit_core::LedgerSql::new(dialect),
        })
    }

    /// Claims a new job for `subject` (`subject_busy` when another run holds it).
    #[wasm_bindgen(js_name = claimNew, unchecked_return_type = "SqlExchange")]
    pub fn claim_new(
        &self,
        #[wasm_bindgen(js_name = jobId)] job_id: JsValue,
        subject: JsValue,
        snapshot: JsValue,
        owner: JsValue,
        now: JsValue,
        #[wasm_bindgen(js_name = leaseMs)] lease_ms: JsValue,
    ) -> Result<JsValue, JsValue> {
        let e = self
            .sql
            .claim_new(
                &text_arg(&job_id, "jobId")?,
                &subject_arg(&subject)?,
                &text_arg(&snapshot, "snapshot")?,
                &text_arg(&owner, "owner")?,
                time_arg(&now, "now")?,
                lease_ms_arg(&lease_ms)?,
            )
            .map_err(|e| to_js_error(&e))?;
        bulk_to_js(&e)
    }

    /// Takes over a saved job (resume; `subject_busy` while another run holds it).
    #[wasm_bindgen(js_name = claimExisting, unchecked_return_type = "SqlExchange")]
    pub fn claim_existing(
        &self,
        #[wasm_bindgen(js_name = jobId)] job_id: JsValue,
        owner: JsValue,
        now: JsValue,
        #[wasm_bindgen(js_name = leaseMs)] lease_ms: JsValue,
    ) -> Result<JsValue, JsValue> {
        let e = self
            .sql
            .claim_existing(
                &text_arg(&job_id, "jobId")?,
                &text_arg(&owner, "owner")?,
                time_arg(&now, "now")?,
                lease_ms_arg(&lease_ms)?,
            )
            .map_err(|e| to_js_error(&e))?;
        bulk_to_js(&e)
    }

    /// Renews (`"running"`) or releases (`"stopped"`) a lease, saving the snapshot.
    #[wasm_bindgen(unchecked_return_type = "SqlExchange")]
    pub fn renew(
        &self,
        lease: JsValue,
        state: JsValue,
        snapshot: JsValue,
        now: JsValue,
        #[wasm_bindgen(js_name = leaseMs)] lease_ms: JsValue,
    ) -> Result<JsValue, JsValue> {
        let e = self
            .sql
            .renew(
                &lease_arg(&lease)?,
                &text_arg(&state, "state")?,
                &text_arg(&snapshot, "snapshot")?,
                time_arg(&now, "now")?,
                lease_ms_arg(&lease_ms)?,
            )
            .map_err(|e| to_js_error(&e))?;
        bulk_to_js(&e)
    }

    /// The end of a run under `lease`: the receipt checked against the ledger's keys, stored,
    /// and what it settles forgotten.
    #[wasm_bindgen(unchecked_return_type = "SqlExchange")]
    pub fn finish(
        &self,
        lease: JsValue,
        subject: JsValue,
        key: JsValue,
        #[wasm_bindgen(js_name = receiptKey)] receipt_key: JsValue,
        receipt: JsValue,
        at: JsValue,
    ) -> Result<JsValue, JsValue> {
        let subject = subject_arg(&subject)?;
        let settled = settled(&subject, &key, &receipt_key, &receipt)?;
        let e = self
            .sql
            .finish(
                &lease_arg(&lease)?,
                &settled,
                &subject,
                time_arg(&at, "at")?,
            )
            .map_err(|e| to_js_error(&e))?;
        bulk_to_js(&e)
    }

    /// `forget(subject, receipt)`: `{ statements, receipt_id }`; `receipt_mismatch` for a
    /// receipt of another subject or another signer.
    #[wasm_bindgen(unchecked_return_type = "{ statements: SqlStatement[]; receipt_id: string }")]
    pub fn forget(
        &self,
        subject: JsValue,
        key: JsValue,
        #[wasm_bindgen(js_name = receiptKey)] receipt_key: JsValue,
        receipt: JsValue,
        at: JsValue,
    ) -> Result<JsValue, JsValue> {
        let subject = subject_arg(&subject)?;
        let settled = settled(&subject, &key, &receipt_key, &receipt)?;
        let statements = self
            .sql
            .forget(&settled, &subject, time_arg(&at, "at")?)
            .map_err(|e| to_js_error(&e))?;
        bulk_to_js(&Forget {
            statements,
            receipt_id: settled.receipt_id,
        })
    }

    /// The lease held after an exchange, from the rows of its `query`:
    /// `{ attempt, expires_at, renew_at, hold_until }`.
    #[wasm_bindgen(js_name = leaseAnswer, unchecked_return_type = "LeaseTimes")]
    pub fn lease_answer(
        &self,
        #[wasm_bindgen(js_name = onEmpty)] on_empty: JsValue,
        rows: JsValue,
        #[wasm_bindgen(js_name = sentAt)] sent_at: JsValue,
        #[wasm_bindgen(js_name = leaseMs)] lease_ms: JsValue,
    ) -> Result<JsValue, JsValue> {
        let on_empty = match text_arg(&on_empty, "onEmpty")?.as_str() {
            "subject_busy" => OnEmpty::SubjectBusy,
            "lease_lost" => OnEmpty::LeaseLost,
            other => return Err(invalid_argument("onEmpty", &format!("unknown {other:?}"))),
        };
        let times = self
            .sql
            .lease_answer(
                on_empty,
                &rows_arg(&rows)?,
                time_arg(&sent_at, "sentAt")?,
                lease_ms_arg(&lease_ms)?,
            )
            .map_err(|e| to_js_error(&e))?;
        to_js(&times, "sentAt")
    }

    /// Counts a subject's entries.
    #[wasm_bindgen(js_name = countEntries, unchecked_return_type = "SqlStatement")]
    pub fn count_entries(&self, subject: JsValue) -> Result<JsValue, JsValue> {
        let s = self
            .sql
            .count_entries(&subject_arg(&subject)?)
            .map_err(|e| to_js_error(&e))?;
        bulk_to_js(&s)
    }

    /// Decodes the row of `countEntries`.
    #[wasm_bindgen(js_name = decodeCount)]
    pub fn decode_count(&self, rows: JsValue) -> Result<f64, JsValue> {
        let n = self
            .sql
            .decode_count(&rows_arg(&rows)?)
            .map_err(|e| to_js_error(&e))?;
        Ok(n as f64)
    }

    /// Selects one stored receipt.
    #[wasm_bindgen(js_name = selectReceipt, unchecked_return_type = "SqlStatement")]
    pub fn select_receipt(
        &self,
        #[wasm_bindgen(js_name = receiptId)] receipt_id: JsValue,
    ) -> Result<JsValue, JsValue> {
        bulk_to_js(
            &self
                .sql
                .select_receipt(&text_arg(&receipt_id, "receiptId")?),
        )
    }

    /// Selects every stored receipt, oldest first.
    #[wasm_bindgen(js_name = selectReceipts, unchecked_return_type = "SqlStatement")]
    pub fn select_receipts(&self) -> Result<JsValue, JsValue> {
        bulk_to_js(&self.sql.select_receipts())
    }

    /// Decodes stored receipts.
    #[wasm_bindgen(js_name = decodeReceipts, unchecked_return_type = "Receipt[]")]
    pub fn decode_receipts(&self, rows: JsValue) -> Result<JsValue, JsValue> {
        let receipts = self
            .sql
            .decode_receipts(&rows_arg(&rows)?)
            .map_err(|e| to_js_error(&e))?;
        bulk_to_js(&receipts)
    }
}
