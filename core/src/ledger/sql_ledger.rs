//! The SQL ledger as a conversation with its host: each [`LedgerRequest`] becomes ONE
//! transaction ([`Transaction`]) that the host runs with its driver, and the rows it read
//! become the answer. The core decides every statement, what a missing row means, what the
//! answer is, and whether a failed transaction is run again; the host only executes.
//!
//! The host's loop, per request:
//! 1. `call = ledger.begin(request, now)`; `tx = call.transaction()`.
//! 2. In one transaction: run `tx.before`; if `tx.query`, read its rows and run the statements
//!    `call.then(rows)` returns (an error there rolls back); then read each of `tx.results`.
//! 3. `ledger.end(&call, changed, results)` is the answer (`changed`: rows the writes changed).
//! 4. If the transaction failed, `call.retry_after(code, attempt)` says whether to run it again
//!    and after how many milliseconds (`code`: the driver's SQLSTATE or SQLite error name).

use crate::error::{Error, Result};
use crate::ledger::erasure_statements::Exchange;
use crate::ledger::request::{answer, entries, identifiers, receipt_text, Finished, LedgerRequest};
use crate::ledger::schema::LedgerSchema;
use crate::ledger::settle::{LeaseTimes, Settled};
use crate::ledger::sql::{Dialect, Statement};
use crate::ledger::statements::{LedgerSql, StoredJob};
use crate::ledger::subject::subject_hash;
use crate::time::timestamp::UnixMillis;
use serde::Serialize;
use serde_json::Value;

/// How many times a transaction is tried in all when the database asks for it again.
const ATTEMPTS: u32 = 5;

/// A ledger in SQL, once opened: its dialect and keys.
#[derive(Debug, Clone)]
pub struct SqlLedger {
    sql: LedgerSql,
    keys: Option<(Vec<u8>, Vec<u8>)>,
}

/// What a host runs in one transaction (see the module docs).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Transaction {
    /// Whether it writes (SQLite: `BEGIN IMMEDIATE`); reads may run in a deferred one.
    pub write: bool,
    /// Run first.
    pub before: Vec<Statement>,
    /// Read next; its rows go to [`SqlCall::then`].
    pub query: Option<Statement>,
    /// Read last; their rows go to [`SqlLedger::end`].
    pub results: Vec<Statement>,
}

/// One request in flight on a SQL ledger.
#[derive(Debug, Clone)]
pub struct SqlCall {
    request: LedgerRequest,
    now: UnixMillis,
    tx: Transaction,
    exchange: Option<Exchange>,
    receipt_id: Option<String>,
    hash: Option<String>,
    dialect: Dialect,
    times: Option<LeaseTimes>,
}

impl SqlLedger {
    /// A ledger in `dialect`, to be opened with an `open` request first.
    pub fn new(dialect: Dialect) -> SqlLedger {
        SqlLedger {
            sql: LedgerSql::new(dialect),
            keys: None,
        }
    }

    /// The subject key (after `open`).
    pub fn key(&self) -> Result<Vec<u8>> {
        self.keys().map(|k| k.0.clone())
    }

    /// The receipt key, an Ed25519 seed (after `open`).
    pub fn receipt_key(&self) -> Result<Vec<u8>> {
        self.keys().map(|k| k.1.clone())
    }

    fn keys(&self) -> Result<&(Vec<u8>, Vec<u8>)> {
        self.keys.as_ref().ok_or_else(|| Error::Storage {
            reason: "the ledger is not open".into(),
        })
    }

    /// The transaction answering `request` at `now`.
    pub fn begin(&self, request: LedgerRequest, now: UnixMillis) -> Result<SqlCall> {
        let sql = &self.sql;
        let schema = LedgerSchema::new(sql.dialect);
        let mut before = Vec::new();
        let mut query = None;
        let mut results = Vec::new();
        let mut exchange = None;
        let mut receipt_id = None;
        let mut hash = None;
        let mut request = request;
        match &mut request {
            LedgerRequest::Open { .. } => {
                before = schema.bootstrap();
                query = Some(schema.read_meta());
                results.push(schema.read_meta());
            }
            LedgerRequest::Record {
                subject,
                entries: e,
            } => {
                before = sql.record(subject, &entries(e)?, now)?;
                // The statements hold the entries now; the answer needs only the count.
                *e = Value::Null;
            }
            LedgerRequest::Link {
                subject,
                identifiers: i,
            } => before = sql.link(subject, &identifiers(i)?)?,
            LedgerRequest::Entries { subject } => results.push(sql.select_entries(subject)?),
            LedgerRequest::Identifiers { subject } => {
                results.push(sql.select_identifiers(subject)?)
            }
            LedgerRequest::Subjects => results.push(sql.select_subjects()),
            LedgerRequest::Tombstones { subject } => {
                let (key, _) = self.keys()?;
                hash = Some(subject_hash(key, subject)?);
                results.push(sql.select_tombstones(subject, key)?);
            }
            LedgerRequest::Forget { subject, receipt } => {
                let settled = self.settled(subject, receipt)?;
                before = sql.forget(&settled, subject, now)?;
                results.push(sql.select_tombstones(subject, &self.keys()?.0)?);
                receipt_id = Some(settled.receipt_id);
                hash = Some(settled.subject_hash);
            }
            LedgerRequest::Receipt { job_id } => results.push(sql.select_receipt(job_id)),
            LedgerRequest::Receipts => results.push(sql.select_receipts()),
            LedgerRequest::SaveJob {
                job_id,
                subject,
                state,
                snapshot,
            } => before.push(sql.save_job(&StoredJob {
                job_id: job_id.clone(),
                subject: subject.clone(),
                state: *state,
                snapshot: snapshot.clone(),
                updated_at: now,
            })?),
            LedgerRequest::LoadJob { job_id } => results.push(sql.select_job(job_id)),
            LedgerRequest::Jobs => results.push(sql.select_jobs()),
            LedgerRequest::Claim {
                job_id,
                subject,
                snapshot,
                owner,
                existing,
                lease_ms,
            } => {
                exchange = Some(if *existing {
                    sql.claim_existing(job_id, owner, now, *lease_ms)?
                } else {
                    sql.claim_new(job_id, subject, snapshot, owner, now, *lease_ms)?
                })
            }
            LedgerRequest::Renew {
                lease,
                state,
                snapshot,
                lease_ms,
            } => exchange = Some(sql.renew(lease, state, snapshot, now, *lease_ms)?),
            LedgerRequest::Finish {
                lease,
                subject,
                receipt,
            } => {
                let settled = self.settled(subject, receipt)?;
                exchange = Some(sql.finish(lease, &settled, subject, now)?);
                results.push(sql.select_tombstones(subject, &self.keys()?.0)?);
                results.push(sql.count_entries(subject)?);
                receipt_id = Some(settled.receipt_id);
                hash = Some(settled.subject_hash);
            }
        }
        if let Some(ex) = &exchange {
            before = ex.before.clone();
            query = Some(ex.query.clone());
        }
        Ok(SqlCall {
            tx: Transaction {
                write: request.writes(),
                before,
                query,
                results,
            },
            request,
            now,
            exchange,
            receipt_id,
            hash,
            dialect: sql.dialect,
            times: None,
        })
    }

    fn settled(&self, subject: &str, receipt: &Value) -> Result<Settled> {
        let (key, receipt_key) = self.keys()?;
        Settled::check(&receipt_text(receipt)?, subject, key, receipt_key)
    }

    /// The answer to `call`, from the rows changed and the rows of its `results` statements.
    /// An `open` keeps the keys it read.
    pub fn end(
        &mut self,
        call: &SqlCall,
        changed: u64,
        results: &[Vec<Vec<Value>>],
    ) -> Result<String> {
        let rows = |i: usize| -> Result<&[Vec<Value>]> {
            results
                .get(i)
                .map(Vec::as_slice)
                .ok_or_else(|| Error::Storage {
                    reason: format!(
                        "the host returned {} result sets, expected more",
                        results.len()
                    ),
                })
        };
        let sql = &self.sql;
        match &call.request {
            LedgerRequest::Open { .. } => {
                let schema = LedgerSchema::new(sql.dialect);
                let meta = rows(0)?;
                self.keys = Some((
                    schema.key_from_meta(meta)?,
                    schema.receipt_key_from_meta(meta)?,
                ));
                answer(())
            }
            LedgerRequest::Record { .. } => answer(changed),
            LedgerRequest::Entries { .. } => answer(sql.decode_entries(rows(0)?)?),
            LedgerRequest::Identifiers { .. } => answer(sql.decode_identifiers(rows(0)?)?),
            LedgerRequest::Subjects => answer(sql.decode_subjects(rows(0)?)?),
            LedgerRequest::Tombstones { .. } => answer(self.tombstones(call, rows(0)?)?),
            LedgerRequest::Forget { .. } => answer(self.tombstone(call, rows(0)?)?),
            LedgerRequest::Receipt { .. } => answer(sql.decode_receipts(rows(0)?)?.first()),
            LedgerRequest::Receipts => answer(sql.decode_receipts(rows(0)?)?),
            LedgerRequest::LoadJob { .. } => answer(sql.decode_jobs(rows(0)?)?.first()),
            LedgerRequest::Jobs => answer(sql.decode_jobs(rows(0)?)?),
            LedgerRequest::Claim { .. } | LedgerRequest::Renew { .. } => {
                answer(call.times.ok_or_else(|| Error::Storage {
                    reason: "the host did not hand the lease rows to then()".into(),
                })?)
            }
            LedgerRequest::Finish { .. } => {
                let tombstone = self.tombstone(call, rows(0)?)?;
                let remaining = sql.decode_count(rows(1)?)?;
                answer(Finished {
                    tombstone,
                    remaining,
                })
            }
            LedgerRequest::Link { .. } | LedgerRequest::SaveJob { .. } => answer(()),
        }
    }

    fn tombstones(
        &self,
        call: &SqlCall,
        rows: &[Vec<Value>],
    ) -> Result<Vec<crate::ledger::memory::Tombstone>> {
        self.sql
            .decode_tombstones(call.hash.as_deref().unwrap_or_default(), rows)
    }

    /// The tombstone the receipt left, or `None` while entries remain (the database decided
    /// inside the transaction).
    fn tombstone(
        &self,
        call: &SqlCall,
        rows: &[Vec<Value>],
    ) -> Result<Option<crate::ledger::memory::Tombstone>> {
        Ok(self
            .tombstones(call, rows)?
            .into_iter()
            .find(|t| Some(&t.receipt_id) == call.receipt_id.as_ref()))
    }
}

impl SqlCall {
    /// The transaction to run.
    pub fn transaction(&self) -> &Transaction {
        &self.tx
    }

    /// The statements to run after `query`, given its rows: the migrations and keys of an
    /// `open`; after a lease claim or write, the rest of the step, or `subject_busy` /
    /// `lease_lost` when the database returned no row (the host then rolls back). Claims and
    /// renewals answer their lease times here, so [`SqlCall::lease_times`] has them after.
    pub fn then(&mut self, rows: &[Vec<Value>]) -> Result<Vec<Statement>> {
        if let LedgerRequest::Open { entropy } = &self.request {
            return LedgerSchema::new(self.dialect).open(rows, entropy);
        }
        let exchange = self.exchange.as_ref().ok_or_else(|| Error::Storage {
            reason: "this request has no query to answer".into(),
        })?;
        let lease_ms = match &self.request {
            LedgerRequest::Claim { lease_ms, .. } | LedgerRequest::Renew { lease_ms, .. } => {
                *lease_ms
            }
            _ => crate::ledger::settle::DEFAULT_LEASE_MS,
        };
        let times = LedgerSql::new(self.dialect).lease_answer(
            exchange.on_empty,
            rows,
            self.now,
            lease_ms,
        )?;
        let after = exchange.after.clone();
        self.exchange = Some(Exchange {
            after: Vec::new(),
            ..exchange.clone()
        });
        self.times = Some(times);
        Ok(after)
    }

    /// Whether to run the failed transaction again after attempt `attempt` (1-based) failed
    /// with the driver's error `code`, and after how many milliseconds; `None`: give up.
    ///
    /// PostgreSQL only (SQLite serialises writers with its busy timeout): two processes
    /// creating the same schema at once see a unique violation or a duplicate table/object;
    /// two writers inserting overlapping entries in different orders can deadlock (every
    /// ledger write is idempotent); two runs resuming jobs of one subject at once can both pass
    /// the claim's check and the index allowing one running job stops the second, whose claim
    /// run again answers `subject_busy`.
    pub fn retry_after(&self, code: Option<&str>, attempt: u32) -> Option<u64> {
        if self.dialect != Dialect::Postgres || attempt >= ATTEMPTS {
            return None;
        }
        let code = code?;
        let conflict = matches!(code, "40P01" | "40001");
        let retry = match &self.request {
            LedgerRequest::Open { .. } => conflict || matches!(code, "23505" | "42P07" | "42710"),
            LedgerRequest::Claim { .. }
            | LedgerRequest::Renew { .. }
            | LedgerRequest::Finish { .. } => conflict || code == "23505",
            _ => conflict,
        };
        let step = if matches!(self.request, LedgerRequest::Open { .. }) {
            20
        } else {
            10
        };
        retry.then_some(step * u64::from(attempt))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn call(dialect: Dialect, request: Value) -> SqlCall {
        let request = LedgerRequest::from_value(request).unwrap();
        SqlLedger::new(dialect).begin(request, 1_000).unwrap()
    }

    #[test]
    fn retries_are_decided_from_the_drivers_code_and_the_request() {
        let open = json!({"op": "open", "entropy": vec![0u8; 64]});
        let record = json!({"op": "record", "subject": "u", "entries": []});
        let claim = json!({"op": "claim", "job_id": "j", "subject": "u", "snapshot": "{}",
                           "owner": "o", "existing": false, "lease_ms": 60_000});
        let pg = |r: &Value, code: &str, attempt| {
            call(Dialect::Postgres, r.clone()).retry_after(Some(code), attempt)
        };
        assert_eq!(pg(&open, "42P07", 1), Some(20));
        assert_eq!(pg(&open, "23505", 2), Some(40));
        assert_eq!(pg(&record, "40P01", 1), Some(10));
        assert_eq!(
            pg(&record, "23505", 1),
            None,
            "a write's unique violation is a bug"
        );
        assert_eq!(
            pg(&claim, "23505", 3),
            Some(30),
            "the claim then answers subject_busy"
        );
        assert_eq!(pg(&record, "40001", 5), None, "five attempts in all");
        assert_eq!(pg(&record, "42601", 1), None);
        let sqlite = call(Dialect::Sqlite, record);
        assert_eq!(
            sqlite.retry_after(Some("SQLITE_BUSY"), 1),
            None,
            "the busy timeout waits"
        );
        assert_eq!(call(Dialect::Postgres, claim).retry_after(None, 1), None);
    }
}
