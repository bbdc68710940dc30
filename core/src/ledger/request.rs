//! One request shape for every ledger operation, on every backend.
//!
//! Hosts pass `{ "op": "record", "subject": …, "entries": … }` as plain data; the in-memory
//! ledger answers it at once ([`crate::MemoryLedger::handle`]) and the SQL ledger turns it into
//! one transaction for the host to run ([`crate::SqlLedger::begin`]). Both answer with the same
//! JSON, so a host's `Ledger` is one small loop whatever the backend.

use crate::error::{Error, Result};
use crate::ledger::entry::LedgerEntry;
use crate::ledger::erasure_statements::Lease;
use crate::ledger::identifier::Identifier;
use serde::Deserialize;
use serde_json::Value;

/// A ledger operation and its arguments, as hosts pass them.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case", deny_unknown_fields)]
pub enum LedgerRequest {
    /// Migrates the schema and creates the keys (SQL only); `entropy`: 64 random bytes.
    Open {
        /// Random bytes from the host: the first 32 for the subject key, the last 32 for the
        /// receipt key, used only if the ledger has none yet.
        entropy: Vec<u8>,
    },
    /// Records entries (captured, or minimal ones); answers how many were new.
    Record {
        /// The data subject.
        subject: String,
        /// The entries (see [`LedgerEntry::list_from_value`]).
        entries: Value,
    },
    /// Links identifiers (see [`Identifier::list_from_value`]).
    Link {
        /// The data subject.
        subject: String,
        /// The identifiers.
        identifiers: Value,
    },
    /// The subject's entries, oldest first.
    Entries {
        /// The data subject.
        subject: String,
    },
    /// The subject's identifiers, sorted.
    Identifiers {
        /// The data subject.
        subject: String,
    },
    /// Every subject with entries or identifiers, sorted.
    Subjects,
    /// The subject's tombstones, oldest first.
    Tombstones {
        /// The data subject.
        subject: String,
    },
    /// Stores the receipt and forgets what it settles; answers the tombstone or `null`.
    Forget {
        /// The data subject.
        subject: String,
        /// The signed receipt, as an object or JSON text.
        receipt: Value,
    },
    /// A stored receipt or `null`.
    Receipt {
        /// The receipt (job) id.
        job_id: String,
    },
    /// Every stored receipt, oldest first.
    Receipts,
    /// Saves a job checkpoint.
    SaveJob {
        /// The job id.
        job_id: String,
        /// The data subject.
        subject: String,
        /// `running`, `stopped` or `finished`.
        state: crate::JobState,
        /// The job snapshot (JSON text).
        snapshot: String,
    },
    /// A saved job or `null`.
    LoadJob {
        /// The job id.
        job_id: String,
    },
    /// Every saved job, least recently saved first.
    Jobs,
    /// Claims a new job (`existing` false) or takes over a saved one; answers the lease times.
    Claim {
        /// The job id.
        job_id: String,
        /// The data subject.
        subject: String,
        /// The job snapshot (JSON text).
        snapshot: String,
        /// Who claims (random, one per run).
        owner: String,
        /// Whether the job is already saved (a resume).
        existing: bool,
        /// How long the lease lasts.
        lease_ms: u64,
    },
    /// Renews (`running`) or releases (`stopped`) a lease, saving the snapshot.
    Renew {
        /// The lease held.
        lease: Lease,
        /// `running` or `stopped`.
        state: String,
        /// The job snapshot (JSON text).
        snapshot: String,
        /// How long the renewed lease lasts.
        lease_ms: u64,
    },
    /// The end of a run under a lease: forget what its receipt settles; answers
    /// `{ tombstone, remaining }`.
    Finish {
        /// The lease held.
        lease: Lease,
        /// The data subject.
        subject: String,
        /// The run's signed receipt.
        receipt: Value,
    },
}

impl LedgerRequest {
    /// Reads a request; a wrong shape is `invalid_argument` naming the argument at fault.
    pub fn from_value(value: Value) -> Result<LedgerRequest> {
        if let Value::Object(fields) = &value {
            for name in ["subject", "job_id", "state", "snapshot", "owner"] {
                if fields.get(name).is_some_and(|v| !v.is_string()) {
                    return Err(Error::InvalidArgument {
                        field: name.into(),
                        reason: "expected a string".into(),
                    });
                }
            }
        }
        serde_json::from_value(value).map_err(|e| {
            let reason = e.to_string();
            let missing = reason
                .strip_prefix("missing field `")
                .and_then(|rest| rest.split('`').next());
            Error::InvalidArgument {
                field: missing.unwrap_or("request").into(),
                reason,
            }
        })
    }

    /// Whether it changes the ledger.
    pub(crate) fn writes(&self) -> bool {
        !matches!(
            self,
            LedgerRequest::Entries { .. }
                | LedgerRequest::Identifiers { .. }
                | LedgerRequest::Subjects
                | LedgerRequest::Tombstones { .. }
                | LedgerRequest::Receipt { .. }
                | LedgerRequest::Receipts
                | LedgerRequest::LoadJob { .. }
                | LedgerRequest::Jobs
        )
    }
}

/// The entries argument, checked.
pub(crate) fn entries(value: &Value) -> Result<Vec<LedgerEntry>> {
    LedgerEntry::list_from_value(value)
}

/// The identifiers argument, checked.
pub(crate) fn identifiers(value: &Value) -> Result<Vec<Identifier>> {
    Identifier::list_from_value(value)
}

/// The receipt argument (an object or its JSON text) as JSON text.
pub(crate) fn receipt_text(value: &Value) -> Result<String> {
    match value {
        Value::String(text) => Ok(text.clone()),
        Value::Object(_) => Ok(value.to_string()),
        _ => Err(Error::InvalidArgument {
            field: "receipt".into(),
            reason: "expected the signed receipt (object or JSON)".into(),
        }),
    }
}

/// A core result as the JSON text of the answer (fields in the core's order).
pub(crate) fn answer<T: serde::Serialize>(value: T) -> Result<String> {
    serde_json::to_string(&value).map_err(|e| Error::Storage {
        reason: format!("cannot write the answer as JSON: {e}"),
    })
}

/// The answer to the end of a run: the tombstone (or `null` while entries remain) and how
/// many entries of the subject remain.
#[derive(serde::Serialize)]
pub(crate) struct Finished<T: serde::Serialize> {
    pub(crate) tombstone: T,
    pub(crate) remaining: u64,
}
