//! An in-memory ledger with the same meaning as the SQL ledger: for browsers, tests and demos.

use crate::error::{Error, Result};
use crate::identifier::Identifier;
use crate::ledger_entry::LedgerEntry;
use crate::ledger_sql::{check_receipt_id, StoredJob};
use crate::subject::{check_subject, subject_hash};
use crate::timestamp::{check_time, UnixMillis};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};

/// A ledger held in memory; `export`/`import` move it as JSON.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MemoryLedger {
    /// The export format version.
    format: u32,
    /// Hex of the subject key (keyed hashes in tombstones).
    key: String,
    subjects: BTreeMap<String, SubjectRecord>,
    tombstones: Vec<Tombstone>,
    jobs: BTreeMap<String, StoredJobRecord>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
struct SubjectRecord {
    entries: Vec<LedgerEntry>,
    identifiers: Vec<Identifier>,
}

/// What remains of a forgotten subject.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tombstone {
    /// HMAC-SHA256 of the subject under the ledger key, hex.
    pub subject_hash: String,
    /// The erasure receipt's id.
    pub receipt_id: String,
    /// When the subject was forgotten.
    pub forgotten_at: UnixMillis,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct StoredJobRecord {
    subject: String,
    state: String,
    snapshot: String,
    updated_at: UnixMillis,
}

impl MemoryLedger {
    /// An empty ledger; `key` (≥ 16 random bytes from the host) keys the tombstone hashes.
    pub fn new(key: &[u8]) -> Result<Self> {
        subject_hash(key, "probe")?;
        Ok(MemoryLedger {
            format: 1,
            key: crate::subject::hex(key),
            ..Default::default()
        })
    }

    /// Records entries; an entry already present (same kind, product, id) is kept once.
    /// Returns how many were new.
    pub fn record(&mut self, subject: &str, entries: &[LedgerEntry]) -> Result<usize> {
        check_subject(subject)?;
        for entry in entries {
            check_time("created_at", entry.created_at)?;
        }
        let record = self.subjects.entry(subject.to_owned()).or_default();
        let mut seen: HashSet<(String, String, String)> =
            record.entries.iter().map(stored_key).collect();
        let before = record.entries.len();
        for entry in entries {
            if seen.insert(stored_key(entry)) {
                record.entries.push(entry.clone());
            }
        }
        // The SQL ledger's order: created_at, then kind, product and id as text.
        record
            .entries
            .sort_by_cached_key(|e| (e.created_at, stored_key(e)));
        Ok(record.entries.len() - before)
    }

    /// Links identifiers (idempotent).
    pub fn link(&mut self, subject: &str, identifiers: &[Identifier]) -> Result<()> {
        check_subject(subject)?;
        let record = self.subjects.entry(subject.to_owned()).or_default();
        for ident in identifiers {
            if !record.identifiers.contains(ident) {
                record.identifiers.push(ident.clone());
            }
        }
        // The SQL ledger's order: kind, then value, as text.
        record
            .identifiers
            .sort_by(|a, b| (a.kind(), a.value()).cmp(&(b.kind(), b.value())));
        Ok(())
    }

    /// A subject's entries, oldest first.
    pub fn entries(&self, subject: &str) -> Result<Vec<LedgerEntry>> {
        check_subject(subject)?;
        Ok(self
            .subjects
            .get(subject)
            .map(|r| r.entries.clone())
            .unwrap_or_default())
    }

    /// A subject's identifiers, sorted.
    pub fn identifiers(&self, subject: &str) -> Result<Vec<Identifier>> {
        check_subject(subject)?;
        Ok(self
            .subjects
            .get(subject)
            .map(|r| r.identifiers.clone())
            .unwrap_or_default())
    }

    /// Every subject with entries or identifiers, sorted.
    pub fn subjects(&self) -> Vec<String> {
        self.subjects.keys().cloned().collect()
    }

    /// Deletes everything about `subject` and keeps a tombstone; returns it.
    /// Forgetting again with the same receipt keeps the first tombstone, as the SQL ledger does.
    pub fn forget(&mut self, subject: &str, receipt_id: &str, at: UnixMillis) -> Result<Tombstone> {
        let tombstone = Tombstone {
            subject_hash: subject_hash(&self.key_bytes()?, subject)?,
            receipt_id: check_receipt_id(receipt_id)?.to_owned(),
            forgotten_at: check_time("at", at)?,
        };
        self.subjects.remove(subject);
        self.jobs.retain(|_, job| job.subject != subject);
        let same = |t: &&Tombstone| {
            t.subject_hash == tombstone.subject_hash && t.receipt_id == tombstone.receipt_id
        };
        if let Some(existing) = self.tombstones.iter().find(same) {
            return Ok(existing.clone());
        }
        self.tombstones.push(tombstone.clone());
        Ok(tombstone)
    }

    /// The subject key bytes, e.g. to plan an erasure from this ledger.
    pub fn key(&self) -> Result<Vec<u8>> {
        self.key_bytes()
    }

    /// Every saved job, oldest first.
    pub fn jobs(&self) -> Vec<StoredJob> {
        let mut jobs: Vec<StoredJob> = self.jobs.keys().filter_map(|id| self.job(id)).collect();
        jobs.sort_by(|a, b| (a.updated_at, &a.job_id).cmp(&(b.updated_at, &b.job_id)));
        jobs
    }

    /// The tombstones of `subject` (found by recomputing its keyed hash).
    pub fn tombstones(&self, subject: &str) -> Result<Vec<Tombstone>> {
        let hash = subject_hash(&self.key_bytes()?, subject)?;
        Ok(self
            .tombstones
            .iter()
            .filter(|t| t.subject_hash == hash)
            .cloned()
            .collect())
    }

    /// Saves a job checkpoint.
    pub fn save_job(&mut self, job: &StoredJob) -> Result<()> {
        check_subject(&job.subject)?;
        self.jobs.insert(
            job.job_id.clone(),
            StoredJobRecord {
                subject: job.subject.clone(),
                state: job.state.clone(),
                snapshot: job.snapshot.clone(),
                updated_at: check_time("updated_at", job.updated_at)?,
            },
        );
        Ok(())
    }

    /// A saved job, if present.
    pub fn job(&self, job_id: &str) -> Option<StoredJob> {
        self.jobs.get(job_id).map(|r| StoredJob {
            job_id: job_id.to_owned(),
            subject: r.subject.clone(),
            state: r.state.clone(),
            snapshot: r.snapshot.clone(),
            updated_at: r.updated_at,
        })
    }

    /// The whole ledger as JSON text (contains personal data and the subject key: keep it safe).
    pub fn export(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Reads a ledger written by [`MemoryLedger::export`].
    pub fn import(json: &str) -> Result<Self> {
        let ledger: MemoryLedger = serde_json::from_str(json).map_err(|e| Error::Storage {
            reason: format!("not an exported erasekit ledger: {e}"),
        })?;
        if ledger.format != 1 {
            return Err(Error::Storage {
                reason: format!("unknown ledger export format {}", ledger.format),
            });
        }
        ledger.key_bytes()?;
        Ok(ledger)
    }

    fn key_bytes(&self) -> Result<Vec<u8>> {
        let s = &self.key;
        (0..s.len() / 2)
            .map(|i| u8::from_str_radix(s.get(2 * i..2 * i + 2).unwrap_or("zz"), 16))
            .collect::<std::result::Result<Vec<u8>, _>>()
            .ok()
            .filter(|k| k.len() >= 16)
            .ok_or_else(|| Error::Storage {
                reason: "the ledger key is not hex of at least 16 bytes".into(),
            })
    }
}

/// An entry's de-duplication key as the SQL ledger stores it: kind, product, id as text.
fn stored_key(entry: &LedgerEntry) -> (String, String, String) {
    let (kind, product, id) = entry.key();
    (kind.as_str().to_owned(), product.to_owned(), id.to_owned())
}
