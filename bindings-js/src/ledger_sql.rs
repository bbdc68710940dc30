//! `LedgerSql`: the core's ledger schema and statements for one SQL dialect.
//!
//! A newtype over the core's `LedgerSchema` and `LedgerSql`. The JS `Ledger` (`js/ledger.mjs`)
//! runs what these methods return with better-sqlite3 or pg and hands the rows back to the
//! `decode*` methods; it never writes SQL of its own. Not exported by the package entries.

use crate::convert::{bytes_arg, time_arg, to_js};
use crate::error::to_js_error;
use crate::ledger::{bulk_to_js, entries_arg, identifiers_arg, rows_arg, subject_arg, text_arg};
use erasekit_core::{subject_hash, Dialect, Error, LedgerSchema, StoredJob, Tombstone};
use js_sys::Uint8Array;
use serde_json::Value;
use wasm_bindgen::prelude::*;

/// The ledger's schema and every statement in one dialect (`"sqlite"` or `"postgres"`).
#[wasm_bindgen]
pub struct LedgerSql {
    dialect: Dialect,
    schema: LedgerSchema,
    sql: erasekit_core::LedgerSql,
}

#[wasm_bindgen]
impl LedgerSql {
    /// Statements in `dialect`: `"sqlite"` or `"postgres"`.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "\"sqlite\" | \"postgres\"")] dialect: JsValue,
    ) -> Result<LedgerSql, JsValue> {
        let dialect =
            Dialect::parse(&text_arg(&dialect, "dialect")?).map_err(|e| to_js_error(&e))?;
        Ok(LedgerSql {
            dialect,
            schema: LedgerSchema::new(dialect),
            sql: erasekit_core::LedgerSql::new(dialect),
        })
    }

    /// `"sqlite"` or `"postgres"`.
    #[wasm_bindgen(getter, unchecked_return_type = "\"sqlite\" | \"postgres\"")]
    pub fn dialect(&self) -> String {
        match self.dialect {
            Dialect::Sqlite => "sqlite",
            Dialect::Postgres => "postgres",
        }
        .to_owned()
    }

    /// The schema version this erasekit writes and reads.
    #[wasm_bindgen(getter = schemaVersion)]
    pub fn schema_version(&self) -> u32 {
        erasekit_core::SCHEMA_VERSION
    }

    /// Creates the meta table if missing; safe on every open.
    #[wasm_bindgen(unchecked_return_type = "SqlStatement[]")]
    pub fn bootstrap(&self) -> Result<JsValue, JsValue> {
        bulk_to_js(&self.schema.bootstrap())
    }

    /// Reads the meta table.
    #[wasm_bindgen(js_name = readMeta, unchecked_return_type = "SqlStatement")]
    pub fn read_meta(&self) -> Result<JsValue, JsValue> {
        bulk_to_js(&self.schema.read_meta())
    }

    /// Migrations and the new subject and receipt keys (from 64 bytes of `entropy`), to run in
    /// one transaction.
    #[wasm_bindgen(unchecked_return_type = "SqlStatement[]")]
    pub fn open(
        &self,
        #[wasm_bindgen(js_name = metaRows, unchecked_param_type = "SqlRow[]")] meta_rows: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Uint8Array")] entropy: JsValue,
    ) -> Result<JsValue, JsValue> {
        let meta = rows_arg(&meta_rows)?;
        let entropy = bytes_arg(&entropy, "entropy")?;
        let statements = self
            .schema
            .open(&meta, &entropy)
            .map_err(|e| to_js_error(&e))?;
        bulk_to_js(&statements)
    }

    /// The subject key from the meta rows read after `open`.
    #[wasm_bindgen(js_name = keyFromMeta)]
    pub fn key_from_meta(
        &self,
        #[wasm_bindgen(js_name = metaRows, unchecked_param_type = "SqlRow[]")] meta_rows: JsValue,
    ) -> Result<Uint8Array, JsValue> {
        let key = self
            .schema
            .key_from_meta(&rows_arg(&meta_rows)?)
            .map_err(|e| to_js_error(&e))?;
        Ok(Uint8Array::from(&key[..]))
    }

    /// The receipt signing key (32-byte Ed25519 seed) from the meta rows read after `open`.
    #[wasm_bindgen(js_name = receiptKeyFromMeta)]
    pub fn receipt_key_from_meta(
        &self,
        #[wasm_bindgen(js_name = metaRows, unchecked_param_type = "SqlRow[]")] meta_rows: JsValue,
    ) -> Result<Uint8Array, JsValue> {
        let key = self
            .schema
            .receipt_key_from_meta(&rows_arg(&meta_rows)?)
            .map_err(|e| to_js_error(&e))?;
        Ok(Uint8Array::from(&key[..]))
    }

    /// Inserts `entries` for `subject`, skipping those already there; batched statements.
    #[wasm_bindgen(unchecked_return_type = "SqlStatement[]")]
    pub fn record(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] subject: JsValue,
        #[wasm_bindgen(unchecked_param_type = "LedgerEntry[]")] entries: JsValue,
        #[wasm_bindgen(js_name = recordedAt, unchecked_param_type = "number")] recorded_at: JsValue,
    ) -> Result<JsValue, JsValue> {
        let subject = subject_arg(&subject)?;
        let entries = entries_arg(&entries)?;
        let recorded_at = time_arg(&recorded_at, "recordedAt")?;
        let statements = self
            .sql
            .record(&subject, &entries, recorded_at)
            .map_err(|e| to_js_error(&e))?;
        bulk_to_js(&statements)
    }

    /// Links identifiers to `subject` (idempotent).
    #[wasm_bindgen(unchecked_return_type = "SqlStatement[]")]
    pub fn link(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] subject: JsValue,
        #[wasm_bindgen(unchecked_param_type = "IdentifierInput[]")] identifiers: JsValue,
    ) -> Result<JsValue, JsValue> {
        let subject = subject_arg(&subject)?;
        let identifiers = identifiers_arg(&identifiers)?;
        let statements = self
            .sql
            .link(&subject, &identifiers)
            .map_err(|e| to_js_error(&e))?;
        bulk_to_js(&statements)
    }

    /// Selects a subject's entries, oldest first.
    #[wasm_bindgen(js_name = selectEntries, unchecked_return_type = "SqlStatement")]
    pub fn select_entries(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] subject: JsValue,
    ) -> Result<JsValue, JsValue> {
        let statement = self
            .sql
            .select_entries(&subject_arg(&subject)?)
            .map_err(|e| to_js_error(&e))?;
        bulk_to_js(&statement)
    }

    /// Decodes the rows of `selectEntries`.
    #[wasm_bindgen(js_name = decodeEntries, unchecked_return_type = "LedgerEntry[]")]
    pub fn decode_entries(
        &self,
        #[wasm_bindgen(unchecked_param_type = "SqlRow[]")] rows: JsValue,
    ) -> Result<JsValue, JsValue> {
        let entries = self
            .sql
            .decode_entries(&rows_arg(&rows)?)
            .map_err(|e| to_js_error(&e))?;
        bulk_to_js(&entries)
    }

    /// Selects a subject's identifiers.
    #[wasm_bindgen(js_name = selectIdentifiers, unchecked_return_type = "SqlStatement")]
    pub fn select_identifiers(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] subject: JsValue,
    ) -> Result<JsValue, JsValue> {
        let statement = self
            .sql
            .select_identifiers(&subject_arg(&subject)?)
            .map_err(|e| to_js_error(&e))?;
        bulk_to_js(&statement)
    }

    /// Decodes the rows of `selectIdentifiers`.
    #[wasm_bindgen(js_name = decodeIdentifiers, unchecked_return_type = "Identifier[]")]
    pub fn decode_identifiers(
        &self,
        #[wasm_bindgen(unchecked_param_type = "SqlRow[]")] rows: JsValue,
    ) -> Result<JsValue, JsValue> {
        let identifiers = self
            .sql
            .decode_identifiers(&rows_arg(&rows)?)
            .map_err(|e| to_js_error(&e))?;
        to_js(&identifiers, "identifiers")
    }

    /// Selects every subject with entries or identifiers.
    #[wasm_bindgen(js_name = selectSubjects, unchecked_return_type = "SqlStatement")]
    pub fn select_subjects(&self) -> Result<JsValue, JsValue> {
        bulk_to_js(&self.sql.select_subjects())
    }

    /// Decodes the rows of `selectSubjects`.
    #[wasm_bindgen(js_name = decodeSubjects, unchecked_return_type = "string[]")]
    pub fn decode_subjects(
        &self,
        #[wasm_bindgen(unchecked_param_type = "SqlRow[]")] rows: JsValue,
    ) -> Result<JsValue, JsValue> {
        let subjects = self
            .sql
            .decode_subjects(&rows_arg(&rows)?)
            .map_err(|e| to_js_error(&e))?;
        to_js(&subjects, "subjects")
    }

    /// Selects the tombstones of `subject` (found by its keyed hash).
    #[wasm_bindgen(js_name = selectTombstones, unchecked_return_type = "SqlStatement")]
    pub fn select_tombstones(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] subject: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Uint8Array")] key: JsValue,
    ) -> Result<JsValue, JsValue> {
        let statement = self
            .sql
            .select_tombstones(&subject_arg(&subject)?, &bytes_arg(&key, "key")?)
            .map_err(|e| to_js_error(&e))?;
        bulk_to_js(&statement)
    }

    /// Decodes the rows of `selectTombstones` (`receipt_id`, `forgotten_at`; drivers that
    /// return BIGINT as text are accepted) into tombstones of `subject`.
    #[wasm_bindgen(js_name = decodeTombstones, unchecked_return_type = "Tombstone[]")]
    pub fn decode_tombstones(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] subject: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Uint8Array")] key: JsValue,
        #[wasm_bindgen(unchecked_param_type = "SqlRow[]")] rows: JsValue,
    ) -> Result<JsValue, JsValue> {
        let hash = subject_hash(&bytes_arg(&key, "key")?, &subject_arg(&subject)?)
            .map_err(|e| to_js_error(&e))?;
        let tombstones = rows_arg(&rows)?
            .into_iter()
            .map(|row| {
                let at = match row.get(1) {
                    Some(Value::Number(n)) => n.as_u64(),
                    Some(Value::String(s)) => s.parse().ok(),
                    _ => None,
                };
                match (row.first(), at) {
                    (Some(Value::String(receipt_id)), Some(at)) => Ok(Tombstone {
                        subject_hash: hash.clone(),
                        receipt_id: receipt_id.clone(),
                        forgotten_at: at,
                    }),
                    _ => Err(to_js_error(&Error::Storage {
                        reason: "a tombstone row is not (receipt_id text, forgotten_at integer)"
                            .into(),
                    })),
                }
            })
            .collect::<Result<Vec<_>, JsValue>>()?;
        to_js(&tombstones, "forgotten_at")
    }

    /// Saves (inserts or replaces) a job checkpoint.
    #[wasm_bindgen(js_name = saveJob, unchecked_return_type = "SqlStatement")]
    pub fn save_job(
        &self,
        #[wasm_bindgen(js_name = jobId, unchecked_param_type = "string")] job_id: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] subject: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] state: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] snapshot: JsValue,
        #[wasm_bindgen(js_name = updatedAt, unchecked_param_type = "number")] updated_at: JsValue,
    ) -> Result<JsValue, JsValue> {
        let job = stored_job(&job_id, &subject, &state, &snapshot, &updated_at)?;
        bulk_to_js(&self.sql.save_job(&job).map_err(|e| to_js_error(&e))?)
    }

    /// Selects one job.
    #[wasm_bindgen(js_name = selectJob, unchecked_return_type = "SqlStatement")]
    pub fn select_job(
        &self,
        #[wasm_bindgen(js_name = jobId, unchecked_param_type = "string")] job_id: JsValue,
    ) -> Result<JsValue, JsValue> {
        bulk_to_js(&self.sql.select_job(&text_arg(&job_id, "jobId")?))
    }

    /// Selects every job, oldest first.
    #[wasm_bindgen(js_name = selectJobs, unchecked_return_type = "SqlStatement")]
    pub fn select_jobs(&self) -> Result<JsValue, JsValue> {
        bulk_to_js(&self.sql.select_jobs())
    }

    /// Decodes the rows of `selectJob` / `selectJobs`.
    #[wasm_bindgen(js_name = decodeJobs, unchecked_return_type = "StoredJob[]")]
    pub fn decode_jobs(
        &self,
        #[wasm_bindgen(unchecked_param_type = "SqlRow[]")] rows: JsValue,
    ) -> Result<JsValue, JsValue> {
        let jobs = self
            .sql
            .decode_jobs(&rows_arg(&rows)?)
            .map_err(|e| to_js_error(&e))?;
        to_js(&jobs, "updated_at")
    }
}

/// A job checkpoint from its parts; `jobId`, `state` and `snapshot` must be strings.
pub(crate) fn stored_job(
    job_id: &JsValue,
    subject: &JsValue,
    state: &JsValue,
    snapshot: &JsValue,
    updated_at: &JsValue,
) -> Result<StoredJob, JsValue> {
    Ok(StoredJob {
        job_id: text_arg(job_id, "jobId")?,
        subject: subject_arg(subject)?,
        state: text_arg(state, "state")?
            .parse()
            .map_err(|e| crate::error::to_js_error(&e))?,
        snapshot: text_arg(snapshot, "snapshot")?,
        updated_at: time_arg(updated_at, "updatedAt")?,
    })
}
