//! The ledger statements of an erasure's life: claiming a job's lease, renewing and releasing
//! it, and the end of the run (store the receipt, forget what it settles), plus reading the
//! stored receipts back.
//!
//! Every lease-checked step is an [`Exchange`], run by the host in ONE transaction: the
//! `before` statements, then `query` (a write with `RETURNING attempt`), whose rows go to
//! [`LedgerSql::lease_answer`] (an error there rolls the transaction back), then `after`.
//! The database decides who holds a job: a partial unique index allows one `running` job per
//! subject, and every write names the (owner, attempt) it expects to still hold.

use crate::error::{Error, Result};
use crate::ledger::settle::{
    check_lease_ms, check_owner, renewed_lease_expiry, LeaseTimes, Settled,
};
use crate::ledger::sql::{column_text, column_u64, SqlValue, Statement};
use crate::ledger::statements::{check_receipt_id, LedgerSql};
use crate::ledger::subject::check_subject;
use crate::time::timestamp::{check_time, UnixMillis};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Entry keys per DELETE: 3 parameters each, under SQLite's oldest limit of 999.
const KEY_BATCH: usize = 100;

/// What an empty answer to an exchange's `query` means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum OnEmpty {
    /// A claim found the subject's erasure held by another run: `subject_busy`.
    SubjectBusy,
    /// A write under a lease found it taken over or the job gone: `lease_lost`.
    LeaseLost,
}

/// Statements for one lease-checked transaction (see the module docs).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Exchange {
    /// Run first.
    pub before: Vec<Statement>,
    /// A write returning the attempt the run holds; no row means `on_empty`.
    pub query: Statement,
    /// Run last, only when `query` returned a row.
    pub after: Vec<Statement>,
    /// What no row from `query` means.
    pub on_empty: OnEmpty,
}

/// A run's hold on a job row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lease {
    /// The job.
    pub job_id: String,
    /// Who holds it (random, one per run).
    pub owner: String,
    /// The attempt number the database gave the claim.
    pub attempt: u64,
}

impl LedgerSql {
    /// Claims a NEW job for `subject` under `owner` for `lease_ms` from `now`: one atomic
    /// insert that the partial unique index refuses while another run of the subject holds a
    /// live lease (`subject_busy`). A `running` job whose lease expired (a crashed run) is
    /// marked `stopped` first, so it can be resumed later.
    pub fn claim_new(
        &self,
        job_id: &str,
        subject: &str,
        snapshot: &str,
        owner: &str,
        now: UnixMillis,
        lease_ms: u64,
    ) -> Result<Exchange> {
        check_subject(subject)?;
        check_receipt_id(job_id)?;
        check_owner(owner)?;
        check_time("now", now)?;
        let expires = now + check_lease_ms(lease_ms)?;
        let p = |n| self.dialect.placeholder(n);
        Ok(Exchange {
            before: vec![Statement {
                sql: format!(
                    "UPDATE erasekit_jobs SET state = 'stopped' WHERE subject = {} AND state = 'running' AND lease_expires_at <= {}",
                    p(1), p(2)
                ),
                params: vec![subject.into(), now.into()],
            }],
            query: Statement {
                sql: format!(
                    "INSERT INTO erasekit_jobs (job_id, subject, state, snapshot, updated_at, owner, attempt, lease_expires_at) VALUES ({}, {}, 'running', {}, {}, {}, 1, {}) ON CONFLICT DO NOTHING RETURNING attempt",
                    p(1), p(2), p(3), p(4), p(5), p(6)
                ),
                params: vec![
                    job_id.into(),
                    subject.into(),
                    snapshot.into(),
                    now.into(),
                    owner.into(),
                    expires.into(),
                ],
            },
            after: Vec::new(),
            on_empty: OnEmpty::SubjectBusy,
        })
    }

    /// Takes over a saved job (resume): only when it is not `running` or its lease expired,
    /// and no other job of its subject is running with a live lease; `subject_busy` otherwise.
    pub fn claim_existing(
        &self,
        job_id: &str,
        owner: &str,
        now: UnixMillis,
        lease_ms: u64,
    ) -> Result<Exchange> {
        check_receipt_id(job_id)?;
        check_owner(owner)?;
        check_time("now", now)?;
        let expires = now + check_lease_ms(lease_ms)?;
        let p = |n| self.dialect.placeholder(n);
        Ok(Exchange {
            before: vec![Statement {
                sql: format!(
                    "UPDATE erasekit_jobs SET state = 'stopped' WHERE subject IN (SELECT subject FROM erasekit_jobs WHERE job_id = {}) AND job_id <> {} AND state = 'running' AND lease_expires_at <= {}",
                    p(1), p(2), p(3)
                ),
                params: vec![job_id.into(), job_id.into(), now.into()],
            }],
            query: Statement {
                sql: format!(
                    "UPDATE erasekit_jobs SET state = 'running', owner = {}, attempt = attempt + 1, lease_expires_at = {}, updated_at = {} WHERE job_id = {} AND (state <> 'running' OR lease_expires_at <= {}) AND NOT EXISTS (SELECT 1 FROM erasekit_jobs AS other WHERE other.subject = erasekit_jobs.subject AND other.job_id <> erasekit_jobs.job_id AND other.state = 'running') RETURNING attempt",
                    p(1), p(2), p(3), p(4), p(5)
                ),
                params: vec![
                    owner.into(),
                    expires.into(),
                    now.into(),
                    job_id.into(),
                    now.into(),
                ],
            },
            after: Vec::new(),
            on_empty: OnEmpty::SubjectBusy,
        })
    }

    /// Renews `lease` for `lease_ms` from `now` and saves `snapshot` (a checkpoint);
    /// `lease_lost` when another run took the job over. With `state` other than `running`
    /// (`stopped`) it releases the job instead: the lease ends and another run may resume it.
    pub fn renew(
        &self,
        lease: &Lease,
        state: &str,
        snapshot: &str,
        now: UnixMillis,
        lease_ms: u64,
    ) -> Result<Exchange> {
        let expires = renewed_lease_expiry(state, now, lease_ms)?;
        let p = |n| self.dialect.placeholder(n);
        Ok(Exchange {
            before: Vec::new(),
            query: Statement {
                sql: format!(
                    "UPDATE erasekit_jobs SET state = {}, snapshot = {}, updated_at = {}, lease_expires_at = {} WHERE job_id = {} AND owner = {} AND attempt = {} RETURNING attempt",
                    p(1), p(2), p(3), p(4), p(5), p(6), p(7)
                ),
                params: vec![
                    state.into(),
                    snapshot.into(),
                    now.into(),
                    expires.into(),
                    lease.job_id.as_str().into(),
                    lease.owner.as_str().into(),
                    attempt_value(lease.attempt),
                ],
            },
            after: Vec::new(),
            on_empty: OnEmpty::LeaseLost,
        })
    }

    /// The end of a run under `lease`: deletes the job's own row (only while the lease is
    /// still this run's), then what [`LedgerSql::forget`] does with the run's receipt.
    pub fn finish(
        &self,
        lease: &Lease,
        settled: &Settled,
        subject: &str,
        at: UnixMillis,
    ) -> Result<Exchange> {
        let p = |n| self.dialect.placeholder(n);
        Ok(Exchange {
            before: Vec::new(),
            query: Statement {
                sql: format!(
                    "DELETE FROM erasekit_jobs WHERE job_id = {} AND owner = {} AND attempt = {} RETURNING attempt",
                    p(1), p(2), p(3)
                ),
                params: vec![
                    lease.job_id.as_str().into(),
                    lease.owner.as_str().into(),
                    attempt_value(lease.attempt),
                ],
            },
            after: self.forget(settled, subject, at)?,
            on_empty: OnEmpty::LeaseLost,
        })
    }

    /// Stores the receipt and forgets what it settles, in one transaction: the entries it
    /// proves settled and the receipt's own job row; then, only if no entry of the subject
    /// remains (decided by the database inside the transaction), its identifiers and every
    /// other job row naming it, leaving a tombstone. Check the receipt with
    /// [`Settled::check`] first.
    pub fn forget(
        &self,
        settled: &Settled,
        subject: &str,
        at: UnixMillis,
    ) -> Result<Vec<Statement>> {
        check_subject(subject)?;
        check_time("at", at)?;
        let d = self.dialect;
        let p = |n| d.placeholder(n);
        let mut out = vec![Statement {
            sql: format!(
                "INSERT INTO erasekit_receipts (receipt_id, subject_hash, receipt, stored_at) VALUES {} ON CONFLICT (receipt_id) DO NOTHING",
                d.tuple(1, 4)
            ),
            params: vec![
                settled.receipt_id.as_str().into(),
                settled.subject_hash.as_str().into(),
                settled.receipt_json.as_str().into(),
                at.into(),
            ],
        }];
        for batch in settled.keys.chunks(KEY_BATCH) {
            let mut params: Vec<SqlValue> = vec![subject.into()];
            let mut tuples = Vec::with_capacity(batch.len());
            for (kind, product, id) in batch {
                tuples.push(d.tuple(params.len() + 1, 3));
                params.extend([(*kind).into(), (*product).into(), id.as_str().into()]);
            }
            out.push(Statement {
                sql: format!(
                    "DELETE FROM erasekit_entries WHERE subject = {} AND (kind, product, id) IN (VALUES {})",
                    p(1),
                    tuples.join(", ")
                ),
                params,
            });
        }
        out.push(Statement {
            sql: format!("DELETE FROM erasekit_jobs WHERE job_id = {}", p(1)),
            params: vec![settled.receipt_id.as_str().into()],
        });
        let none_left = |n: usize| {
            format!(
                "NOT EXISTS (SELECT 1 FROM erasekit_entries WHERE subject = {})",
                p(n)
            )
        };
        for table in ["erasekit_identifiers", "erasekit_jobs"] {
            out.push(Statement {
                sql: format!(
                    "DELETE FROM {table} WHERE subject = {} AND {}",
                    p(1),
                    none_left(2)
                ),
                params: vec![subject.into(), subject.into()],
            });
        }
        let bigint = match d {
            crate::ledger::sql::Dialect::Sqlite => "INTEGER",
            crate::ledger::sql::Dialect::Postgres => "BIGINT",
        };
        out.push(Statement {
            sql: format!(
                "INSERT INTO erasekit_tombstones (subject_hash, receipt_id, forgotten_at) SELECT CAST({} AS TEXT), CAST({} AS TEXT), CAST({} AS {bigint}) WHERE {} ON CONFLICT (subject_hash, receipt_id) DO NOTHING",
                p(1), p(2), p(3), none_left(4)
            ),
            params: vec![
                settled.subject_hash.as_str().into(),
                settled.receipt_id.as_str().into(),
                at.into(),
                subject.into(),
            ],
        });
        Ok(out)
    }

    /// Reads the rows of an exchange's `query`: the attempt held and its lease times, or
    /// `subject_busy` / `lease_lost` when the database returned no row.
    pub fn lease_answer(
        &self,
        on_empty: OnEmpty,
        rows: &[Vec<Value>],
        sent_at: UnixMillis,
        lease_ms: u64,
    ) -> Result<LeaseTimes> {
        let Some(row) = rows.first() else {
            return Err(match on_empty {
                OnEmpty::SubjectBusy => Error::SubjectBusy {
                    reason: "another run is erasing this subject (its lease has not expired)"
                        .into(),
                },
                OnEmpty::LeaseLost => Error::LeaseLost {
                    reason: "another run took this job over (or it is gone); this run stops".into(),
                },
            });
        };
        let attempt = column_u64(row, 0, "erasekit_jobs.attempt")?;
        Ok(LeaseTimes::new(attempt, sent_at, lease_ms))
    }

    /// Counts a subject's entries (after a run: the ids that arrived while it ran).
    pub fn count_entries(&self, subject: &str) -> Result<Statement> {
        check_subject(subject)?;
        Ok(Statement {
            sql: format!(
                "SELECT COUNT(*) FROM erasekit_entries WHERE subject = {}",
                self.dialect.placeholder(1)
            ),
            params: vec![subject.into()],
        })
    }

    /// Decodes the row of [`LedgerSql::count_entries`].
    pub fn decode_count(&self, rows: &[Vec<Value>]) -> Result<u64> {
        match rows.first() {
            Some(row) => column_u64(row, 0, "count"),
            None => Ok(0),
        }
    }

    /// Selects one stored receipt by its id; decode with [`LedgerSql::decode_receipts`].
    pub fn select_receipt(&self, receipt_id: &str) -> Statement {
        Statement {
            sql: format!(
                "SELECT receipt FROM erasekit_receipts WHERE receipt_id = {}",
                self.dialect.placeholder(1)
            ),
            params: vec![receipt_id.into()],
        }
    }

    /// Selects every stored receipt, oldest first.
    pub fn select_receipts(&self) -> Statement {
        Statement::plain(format!(
            "SELECT receipt FROM erasekit_receipts ORDER BY stored_at, receipt_id{}",
            self.byte_order()
        ))
    }

    /// Decodes stored receipts into their JSON values.
    pub fn decode_receipts(&self, rows: &[Vec<Value>]) -> Result<Vec<Value>> {
        rows.iter()
            .map(|row| {
                let text = column_text(row, 0, "erasekit_receipts.receipt")?;
                serde_json::from_str(&text).map_err(|_| Error::Storage {
                    reason: "a stored receipt is not JSON".into(),
                })
            })
            .collect()
    }
}

/// Attempts are small counters; the database holds them as BIGINT.
fn attempt_value(attempt: u64) -> SqlValue {
    SqlValue::Integer(i64::try_from(attempt).unwrap_or(i64::MAX))
}
