//! Every ledger statement, parameterised, and decoding of the rows hosts hand back.

use crate::error::{Error, Result};
use crate::ledger::entry::{EntryKind, LedgerEntry};
use crate::ledger::identifier::Identifier;
use crate::ledger::sql::{column_opt_text, column_text, column_u64, Dialect, SqlValue, Statement};
use crate::ledger::subject::{check_subject, subject_hash};
use crate::time::timestamp::{check_time, UnixMillis};
use serde_json::Value;

/// Entry rows per INSERT: 9 columns × 100 rows stays under SQLite's oldest parameter limit (999).
const ENTRY_BATCH: usize = 100;
const ENTRY_COLUMNS: &str =
    "subject, kind, product, direction, id, created_at, source, extra, recorded_at";

/// Builds ledger statements in one dialect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LedgerSql {
    pub(crate) dialect: Dialect,
}

/// A saved erasure job as read back from the ledger.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct StoredJob {
    /// The job id.
    pub job_id: String,
    /// The subject being erased.
    pub subject: String,
    /// Where its run stands.
    pub state: crate::job::protocol::JobState,
    /// The job snapshot (JSON, no secrets).
    pub snapshot: String,
    /// When it was last saved.
    pub updated_at: UnixMillis,
}

impl LedgerSql {
    /// Statements in `dialect`.
    pub fn new(dialect: Dialect) -> Self {
        LedgerSql { dialect }
    }

    /// Inserts entries for `subject`, skipping any already recorded (same kind, product, id).
    pub fn record(
        &self,
        subject: &str,
        entries: &[LedgerEntry],
        recorded_at: UnixMillis,
    ) -> Result<Vec<Statement>> {
        check_subject(subject)?;
        check_time("recorded_at", recorded_at)?;
        let mut out = Vec::with_capacity(entries.len().div_ceil(ENTRY_BATCH));
        for batch in entries.chunks(ENTRY_BATCH) {
            let mut params = Vec::with_capacity(batch.len() * 9);
            let mut tuples = Vec::with_capacity(batch.len());
            for entry in batch {
                check_time("created_at", entry.created_at)?;
                tuples.push(self.dialect.tuple(params.len() + 1, 9));
                params.extend([
                    SqlValue::from(subject),
                    SqlValue::from(entry.kind.as_str()),
                    SqlValue::from(entry.key().1),
                    SqlValue::from(entry.direction.map(|d| d.as_str())),
                    SqlValue::from(entry.id.as_str()),
                    SqlValue::from(entry.created_at),
                    SqlValue::from(entry.source.as_str()),
                    SqlValue::from(Value::Object(entry.extra.clone()).to_string()),
                    SqlValue::from(recorded_at),
                ]);
            }
            out.push(Statement {
                sql: format!(
                    "INSERT INTO erasekit_entries ({ENTRY_COLUMNS}) VALUES {} ON CONFLICT (subject, kind, product, id) DO NOTHING",
                    tuples.join(", ")
                ),
                params,
            });
        }
        Ok(out)
    }

    /// Links identifiers to `subject` (idempotent).
    pub fn link(&self, subject: &str, identifiers: &[Identifier]) -> Result<Vec<Statement>> {
        check_subject(subject)?;
        let d = self.dialect;
        Ok(identifiers
            .iter()
            .map(|ident| Statement {
                sql: format!(
                    "INSERT INTO erasekit_identifiers (subject, kind, value) VALUES {} ON CONFLICT (subject, kind, value) DO NOTHING",
                    d.tuple(1, 3)
                ),
                params: vec![subject.into(), ident.kind().into(), ident.value().into()],
            })
            .collect())
    }

    /// Selects a subject's entries, oldest first; decode with [`LedgerSql::decode_entries`].
    pub fn select_entries(&self, subject: &str) -> Result<Statement> {
        check_subject(subject)?;
        Ok(Statement {
            sql: format!(
                "SELECT kind, product, direction, id, created_at, source, extra FROM erasekit_entries WHERE subject = {} ORDER BY created_at, kind{c}, product{c}, id{c}",
                self.dialect.placeholder(1),
                c = self.byte_order()
            ),
            params: vec![subject.into()],
        })
    }

    /// Decodes rows of [`LedgerSql::select_entries`].
    pub fn decode_entries(&self, rows: &[Vec<Value>]) -> Result<Vec<LedgerEntry>> {
        rows.iter().map(|row| decode_entry(row)).collect()
    }

    /// Selects a subject's identifiers; decode with [`LedgerSql::decode_identifiers`].
    pub fn select_identifiers(&self, subject: &str) -> Result<Statement> {
        check_subject(subject)?;
        Ok(Statement {
            sql: format!(
                "SELECT kind, value FROM erasekit_identifiers WHERE subject = {} ORDER BY kind{c}, value{c}",
                self.dialect.placeholder(1),
                c = self.byte_order()
            ),
            params: vec![subject.into()],
        })
    }

    /// Decodes rows of [`LedgerSql::select_identifiers`].
    pub fn decode_identifiers(&self, rows: &[Vec<Value>]) -> Result<Vec<Identifier>> {
        rows.iter()
            .map(|row| {
                let kind = column_text(row, 0, "erasekit_identifiers.kind")?;
                let value = column_text(row, 1, "erasekit_identifiers.value")?;
                Identifier::from_parts(&kind, &value).map_err(|e| Error::Storage {
                    reason: format!("stored identifier is invalid: {e}"),
                })
            })
            .collect()
    }

    /// Selects every subject that has entries or identifiers, sorted.
    pub fn select_subjects(&self) -> Statement {
        Statement::plain(format!(
            "SELECT subject FROM (SELECT subject FROM erasekit_entries UNION SELECT subject FROM erasekit_identifiers) AS s ORDER BY subject{}",
            self.byte_order()
        ))
    }

    /// Text ordering by bytes in every deployment (PostgreSQL's default follows the locale),
    /// so both backends and the memory ledger list things in the same order.
    pub(crate) fn byte_order(&self) -> &'static str {
        match self.dialect {
            Dialect::Sqlite => "",
            Dialect::Postgres => " COLLATE \"C\"",
        }
    }

    /// Decodes rows of [`LedgerSql::select_subjects`].
    pub fn decode_subjects(&self, rows: &[Vec<Value>]) -> Result<Vec<String>> {
        rows.iter()
            .map(|row| column_text(row, 0, "subject"))
            .collect()
    }

    /// Selects the tombstones of `subject` as rows of `(receipt_id, forgotten_at)`.
    pub fn select_tombstones(&self, subject: &str, key: &[u8]) -> Result<Statement> {
        Ok(Statement {
            sql: format!(
                "SELECT receipt_id, forgotten_at FROM erasekit_tombstones WHERE subject_hash = {} ORDER BY forgotten_at, receipt_id{}",
                self.dialect.placeholder(1),
                self.byte_order()
            ),
            params: vec![subject_hash(key, subject)?.into()],
        })
    }

    /// Decodes rows of [`LedgerSql::select_tombstones`] into tombstones of the subject whose
    /// keyed hash is `subject_hash`.
    pub fn decode_tombstones(
        &self,
        subject_hash: &str,
        rows: &[Vec<Value>],
    ) -> Result<Vec<crate::ledger::memory::Tombstone>> {
        rows.iter()
            .map(|row| {
                Ok(crate::ledger::memory::Tombstone {
                    subject_hash: subject_hash.to_owned(),
                    receipt_id: column_text(row, 0, "erasekit_tombstones.receipt_id")?,
                    forgotten_at: column_u64(row, 1, "erasekit_tombstones.forgotten_at")?,
                })
            })
            .collect()
    }

    /// Saves (inserts or replaces) a job checkpoint.
    pub fn save_job(&self, job: &StoredJob) -> Result<Statement> {
        check_subject(&job.subject)?;
        check_time("updated_at", job.updated_at)?;
        Ok(Statement {
            sql: format!(
                "INSERT INTO erasekit_jobs (job_id, subject, state, snapshot, updated_at) VALUES {} ON CONFLICT (job_id) DO UPDATE SET state = excluded.state, snapshot = excluded.snapshot, updated_at = excluded.updated_at",
                self.dialect.tuple(1, 5)
            ),
            params: vec![
                job.job_id.as_str().into(),
                job.subject.as_str().into(),
                job.state.as_str().into(),
                job.snapshot.as_str().into(),
                job.updated_at.into(),
            ],
        })
    }

    /// Selects one job; decode with [`LedgerSql::decode_jobs`].
    pub fn select_job(&self, job_id: &str) -> Statement {
        Statement {
            sql: format!(
                "SELECT job_id, subject, state, snapshot, updated_at FROM erasekit_jobs WHERE job_id = {}",
                self.dialect.placeholder(1)
            ),
            params: vec![job_id.into()],
        }
    }

    /// Selects every job, oldest first.
    pub fn select_jobs(&self) -> Statement {
        Statement::plain("SELECT job_id, subject, state, snapshot, updated_at FROM erasekit_jobs ORDER BY updated_at, job_id")
    }

    /// Decodes rows of [`LedgerSql::select_job`] / [`LedgerSql::select_jobs`].
    pub fn decode_jobs(&self, rows: &[Vec<Value>]) -> Result<Vec<StoredJob>> {
        rows.iter()
            .map(|row| {
                Ok(StoredJob {
                    job_id: column_text(row, 0, "erasekit_jobs.job_id")?,
                    subject: column_text(row, 1, "erasekit_jobs.subject")?,
                    state: column_text(row, 2, "erasekit_jobs.state")?.parse()?,
                    snapshot: column_text(row, 3, "erasekit_jobs.snapshot")?,
                    updated_at: column_u64(row, 4, "erasekit_jobs.updated_at")?,
                })
            })
            .collect()
    }
}

fn decode_entry(row: &[Value]) -> Result<LedgerEntry> {
    let bad = |what: &str| Error::Storage {
        reason: format!("stored entry has an invalid {what}"),
    };
    let kind = column_text(row, 0, "kind")?;
    let product = column_opt_text(row, 1, "product")?;
    let direction = column_opt_text(row, 2, "direction")?;
    let extra = column_text(row, 6, "extra")?;
    Ok(LedgerEntry {
        kind: EntryKind::parse(&kind).ok_or_else(|| bad("kind"))?,
        product: product
            .map(|p| p.parse())
            .transpose()
            .map_err(|_| bad("product"))?,
        direction: direction
            .map(|d| d.parse())
            .transpose()
            .map_err(|_| bad("direction"))?,
        id: column_text(row, 3, "id")?,
        created_at: column_u64(row, 4, "created_at")?,
        source: column_text(row, 5, "source")?,
        extra: serde_json::from_str(&extra).map_err(|_| bad("extra"))?,
    })
}

/// Checks a receipt id: 1 to 256 bytes.
pub(crate) fn check_receipt_id(receipt_id: &str) -> Result<&str> {
    if receipt_id.is_empty() || receipt_id.len() > 256 {
        return Err(Error::InvalidArgument {
            field: "receipt_id".into(),
            reason: "must be 1 to 256 bytes".into(),
        });
    }
    Ok(receipt_id)
}
