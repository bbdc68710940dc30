//! The in-memory ledger answering [`LedgerRequest`]s, with the SQL ledger's answers.

use crate::error::{Error, Result};
use crate::ledger::memory::MemoryLedger;
use crate::ledger::request::{answer, entries, identifiers, receipt_text, Finished, LedgerRequest};
use crate::ledger::statements::StoredJob;
use crate::time::timestamp::UnixMillis;

impl MemoryLedger {
    /// Answers `request` at `now` with the JSON text of the answer (see [`LedgerRequest`]).
    pub fn handle(&mut self, request: LedgerRequest, now: UnixMillis) -> Result<String> {
        match request {
            LedgerRequest::Open { .. } => Err(Error::InvalidArgument {
                field: "op".into(),
                reason: "open is for SQL ledgers".into(),
            }),
            LedgerRequest::Record {
                subject,
                entries: e,
            } => answer(self.record(&subject, &entries(&e)?)?),
            LedgerRequest::Link {
                subject,
                identifiers: i,
            } => {
                self.link(&subject, &identifiers(&i)?)?;
                answer(())
            }
            LedgerRequest::Entries { subject } => answer(self.entries(&subject)?),
            LedgerRequest::Identifiers { subject } => answer(self.identifiers(&subject)?),
            LedgerRequest::Subjects => answer(self.subjects()),
            LedgerRequest::Tombstones { subject } => answer(self.tombstones(&subject)?),
            LedgerRequest::Forget { subject, receipt } => {
                answer(self.forget(&subject, &receipt_text(&receipt)?, now)?)
            }
            LedgerRequest::Receipt { job_id } => answer(self.receipt(&job_id)),
            LedgerRequest::Receipts => answer(self.receipts()),
            LedgerRequest::SaveJob {
                job_id,
                subject,
                state,
                snapshot,
            } => {
                self.save_job(&StoredJob {
                    job_id,
                    subject,
                    state,
                    snapshot,
                    updated_at: now,
                })?;
                answer(())
            }
            LedgerRequest::LoadJob { job_id } => answer(self.job(&job_id)),
            LedgerRequest::Jobs => answer(self.jobs()),
            LedgerRequest::Claim {
                job_id,
                subject,
                snapshot,
                owner,
                existing,
                lease_ms,
            } => answer(self.claim(
                &job_id, &subject, &snapshot, &owner, existing, now, lease_ms,
            )?),
            LedgerRequest::Renew {
                lease,
                state,
                snapshot,
                lease_ms,
            } => answer(self.renew(&lease, &state, &snapshot, now, lease_ms)?),
            LedgerRequest::Finish {
                lease,
                subject,
                receipt,
            } => {
                let tombstone = self.finish(&lease, &subject, &receipt_text(&receipt)?, now)?;
                let remaining = self.entries(&subject)?.len() as u64;
                answer(Finished {
                    tombstone,
                    remaining,
                })
            }
        }
    }
}
