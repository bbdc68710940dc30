//! An in-memory ledger with the same meaning as the SQL ledger: for browsers, tests and demos.

use crate::error::{Error, Result};
use crate::ledger::entry::LedgerEntry;
use crate::ledger::erasure_statements::Lease;
use crate::ledger::identifier::Identifier;
use crate::ledger::settle::{
    check_lease_ms, check_owner, renewed_lease_expiry, LeaseTimes, Settled,
};
use crate::ledger::statements::{check_receipt_id, StoredJob};
use crate::ledger::subject::{check_subject, subject_hash, unhex};
use crate::time::timestamp::{check_time, UnixMillis};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};

/// A ledger held in memory; `export`/`import` move it as JSON.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MemoryLedger {
    /// The export format version.
    format: u32,
    /// Hex of the subject key (keyed hashes in tombstones).
    key: String,
    /// Hex of the receipt key (Ed25519 seed); empty in exports of erasekit 0.1.
    #[serde(default)]
    receipt_key: String,
    subjects: BTreeMap<String, SubjectRecord>,
    tombstones: Vec<Tombstone>,
    jobs: BTreeMap<String, StoredJobRecord>,
    /// Stored receipts, oldest first.
    #[serde(default)]
    receipts: Vec<StoredReceipt>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct StoredReceipt {
    receipt_id: String,
    subject_hash: String,
    receipt: String,
    stored_at: UnixMillis,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
struct SubjectRecord {
    entries: Vec<LedgerEntry>,
    identifiers: Vec<Identifier>,
}

/// What remains of a forgotten subject.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
    #[serde(default)]
    owner: String,
    #[serde(default)]
    attempt: u64,
    #[serde(default)]
    lease_expires_at: UnixMillis,
}

impl MemoryLedger {
    /// An empty ledger; `key` (≥ 16 random bytes from the host) keys the tombstone hashes and
    /// `receipt_key` (a 32-byte Ed25519 seed from the host) signs its runs' receipts.
    pub fn new(key: &[u8], receipt_key: &[u8]) -> Result<Self> {
        subject_hash(key, "probe")?;
        crate::receipt::receipt_public_key(receipt_key)?;
        Ok(MemoryLedger {
            format: 1,
            key: crate::ledger::subject::hex(key),
            receipt_key: crate::ledger::subject::hex(receipt_key),
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

    /// Stores the receipt and forgets what it settles (see `LedgerSql::forget`): the settled
    /// entries and the receipt's job; the subject's identifiers and jobs, with a tombstone,
    /// only when none of its entries remains. Returns the tombstone, or `None` when entries
    /// remain. The receipt must name `subject` and be signed by this ledger's receipt key.
    pub fn forget(
        &mut self,
        subject: &str,
        receipt_json: &str,
        at: UnixMillis,
    ) -> Result<Option<Tombstone>> {
        let settled = Settled::check(
            receipt_json,
            subject,
            &self.key_bytes()?,
            &self.receipt_key()?,
        )?;
        check_time("at", at)?;
        self.settle(subject, &settled, at)
    }

    fn settle(
        &mut self,
        subject: &str,
        settled: &Settled,
        at: UnixMillis,
    ) -> Result<Option<Tombstone>> {
        if !self
            .receipts
            .iter()
            .any(|r| r.receipt_id == settled.receipt_id)
        {
            self.receipts.push(StoredReceipt {
                receipt_id: settled.receipt_id.clone(),
                subject_hash: settled.subject_hash.clone(),
                receipt: settled.receipt_json.clone(),
                stored_at: at,
            });
        }
        let gone: HashSet<(String, String, String)> = settled
            .keys
            .iter()
            .map(|(k, p, id)| ((*k).to_owned(), (*p).to_owned(), id.clone()))
            .collect();
        self.jobs.remove(&settled.receipt_id);
        let left = match self.subjects.get_mut(subject) {
            Some(record) => {
                record.entries.retain(|e| !gone.contains(&stored_key(e)));
                record.entries.len()
            }
            None => 0,
        };
        if left > 0 {
            return Ok(None);
        }
        let tombstone = Tombstone {
            subject_hash: settled.subject_hash.clone(),
            receipt_id: check_receipt_id(&settled.receipt_id)?.to_owned(),
            forgotten_at: at,
        };
        self.subjects.remove(subject);
        self.jobs.retain(|_, job| job.subject != subject);
        let same = |t: &&Tombstone| {
            t.subject_hash == tombstone.subject_hash && t.receipt_id == tombstone.receipt_id
        };
        if let Some(existing) = self.tombstones.iter().find(same) {
            return Ok(Some(existing.clone()));
        }
        self.tombstones.push(tombstone.clone());
        Ok(Some(tombstone))
    }

    /// Claims a new job (`existing` false) or takes over a saved one (`existing` true) for
    /// `owner`, with the SQL ledger's rules: one `running` job per subject; a running job is
    /// taken over only once its lease expired. `subject_busy` otherwise.
    #[allow(clippy::too_many_arguments)]
    pub fn claim(
        &mut self,
        job_id: &str,
        subject: &str,
        snapshot: &str,
        owner: &str,
        existing: bool,
        now: UnixMillis,
        lease_ms: u64,
    ) -> Result<LeaseTimes> {
        check_subject(subject)?;
        check_receipt_id(job_id)?;
        check_owner(owner)?;
        check_time("now", now)?;
        let expires = now + check_lease_ms(lease_ms)?;
        let busy = || Error::SubjectBusy {
            reason: "another run is erasing this subject (its lease has not expired)".into(),
        };
        let subject = if existing {
            self.jobs
                .get(job_id)
                .map(|j| j.subject.clone())
                .ok_or_else(busy)?
        } else {
            subject.to_owned()
        };
        for (id, job) in self.jobs.iter_mut() {
            if job.subject == subject && id != job_id && job.state == "running" {
                if job.lease_expires_at > now {
                    return Err(busy());
                }
                job.state = "stopped".into();
            }
        }
        let attempt = match self.jobs.get_mut(job_id) {
            Some(job) if existing => {
                if job.state == "running" && job.lease_expires_at > now {
                    return Err(busy());
                }
                job.attempt += 1;
                job.state = "running".into();
                job.owner = owner.to_owned();
                job.lease_expires_at = expires;
                job.updated_at = now;
                job.attempt
            }
            Some(_) => return Err(busy()),
            None if existing => return Err(busy()),
            None => {
                self.jobs.insert(
                    job_id.to_owned(),
                    StoredJobRecord {
                        subject,
                        state: "running".into(),
                        snapshot: snapshot.to_owned(),
                        updated_at: now,
                        owner: owner.to_owned(),
                        attempt: 1,
                        lease_expires_at: expires,
                    },
                );
                1
            }
        };
        Ok(LeaseTimes::new(attempt, now, lease_ms))
    }

    /// Renews `lease` and saves `snapshot` (`state` `running`), or releases it (`stopped`);
    /// `lease_lost` when another run took the job over.
    pub fn renew(
        &mut self,
        lease: &Lease,
        state: &str,
        snapshot: &str,
        now: UnixMillis,
        lease_ms: u64,
    ) -> Result<LeaseTimes> {
        let expires = renewed_lease_expiry(state, now, lease_ms)?;
        let job = self.held(lease)?;
        job.state = state.to_owned();
        job.snapshot = snapshot.to_owned();
        job.updated_at = now;
        job.lease_expires_at = expires;
        Ok(LeaseTimes::new(lease.attempt, now, lease_ms))
    }

    /// The end of a run under `lease`: drops the job's row, stores the receipt and forgets
    /// what it settles (see [`MemoryLedger::forget`]).
    pub fn finish(
        &mut self,
        lease: &Lease,
        subject: &str,
        receipt_json: &str,
        at: UnixMillis,
    ) -> Result<Option<Tombstone>> {
        let settled = Settled::check(
            receipt_json,
            subject,
            &self.key_bytes()?,
            &self.receipt_key()?,
        )?;
        check_time("at", at)?;
        self.held(lease)?;
        self.jobs.remove(&lease.job_id);
        self.settle(subject, &settled, at)
    }

    fn held(&mut self, lease: &Lease) -> Result<&mut StoredJobRecord> {
        self.jobs
            .get_mut(&lease.job_id)
            .filter(|j| j.owner == lease.owner && j.attempt == lease.attempt)
            .ok_or_else(|| Error::LeaseLost {
                reason: "another run took this job over (or it is gone); this run stops".into(),
            })
    }

    /// A stored receipt by id.
    pub fn receipt(&self, receipt_id: &str) -> Option<serde_json::Value> {
        self.receipts
            .iter()
            .find(|r| r.receipt_id == receipt_id)
            .and_then(|r| serde_json::from_str(&r.receipt).ok())
    }

    /// Every stored receipt, oldest first.
    pub fn receipts(&self) -> Vec<serde_json::Value> {
        let mut stored: Vec<&StoredReceipt> = self.receipts.iter().collect();
        // The SQL ledger's order: oldest first, then by receipt id.
        stored.sort_by(|a, b| (a.stored_at, &a.receipt_id).cmp(&(b.stored_at, &b.receipt_id)));
        stored
            .into_iter()
            .filter_map(|r| serde_json::from_str(&r.receipt).ok())
            .collect()
    }

    /// The receipt key (Ed25519 seed) that signs this ledger's receipts.
    pub fn receipt_key(&self) -> Result<Vec<u8>> {
        unhex(&self.receipt_key)
            .filter(|k| k.len() == 32)
            .ok_or_else(|| Error::Storage {
                reason: "the ledger has no receipt key".into(),
            })
    }

    /// Gives a ledger imported from an export of erasekit 0.1 its receipt key (a 32-byte
    /// seed from the host); keeps an existing one.
    pub fn ensure_receipt_key(&mut self, receipt_key: &[u8]) -> Result<()> {
        if self.receipt_key().is_err() {
            crate::receipt::receipt_public_key(receipt_key)?;
            self.receipt_key = crate::ledger::subject::hex(receipt_key);
        }
        Ok(())
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
        let mut found: Vec<Tombstone> = self
            .tombstones
            .iter()
            .filter(|t| t.subject_hash == hash)
            .cloned()
            .collect();
        // The SQL ledger's order: oldest first, then by receipt id.
        found.sort_by(|a, b| (a.forgotten_at, &a.receipt_id).cmp(&(b.forgotten_at, &b.receipt_id)));
        Ok(found)
    }

    /// Saves a job checkpoint (a job's lease, if any, is kept, as the SQL ledger keeps it).
    pub fn save_job(&mut self, job: &StoredJob) -> Result<()> {
        check_subject(&job.subject)?;
        let updated_at = check_time("updated_at", job.updated_at)?;
        let record = self
            .jobs
            .entry(job.job_id.clone())
            .or_insert_with(|| StoredJobRecord {
                subject: job.subject.clone(),
                state: String::new(),
                snapshot: String::new(),
                updated_at,
                owner: String::new(),
                attempt: 0,
                lease_expires_at: 0,
            });
        record.state = job.state.as_str().to_owned();
        record.snapshot = job.snapshot.clone();
        record.updated_at = updated_at;
        Ok(())
    }

    /// A saved job, if present.
    pub fn job(&self, job_id: &str) -> Option<StoredJob> {
        self.jobs.get(job_id).map(|r| StoredJob {
            job_id: job_id.to_owned(),
            subject: r.subject.clone(),
            state: r
                .state
                .parse()
                .unwrap_or(crate::job::protocol::JobState::Stopped),
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
        // An export is outside input: its subjects and ids pass the checks `record` applies, so
        // an id that would become a URL dot segment cannot enter this way either.
        for (subject, record) in &ledger.subjects {
            check_subject(subject).map_err(|e| Error::Storage {
                reason: format!("not an exported erasekit ledger: {e}"),
            })?;
            for entry in &record.entries {
                entry.check_id().map_err(|e| Error::Storage {
                    reason: format!("not an exported erasekit ledger: {e}"),
                })?;
            }
        }
        Ok(ledger)
    }

    fn key_bytes(&self) -> Result<Vec<u8>> {
        unhex(&self.key)
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
