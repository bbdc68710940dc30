//! The ledger's versioned schema, its migrations, and opening a ledger.
//!
//! Opening is a short conversation with the host: run [`LedgerSchema::bootstrap`], read the
//! meta table with [`LedgerSchema::read_meta`], run what [`LedgerSchema::open`] returns in one
//! transaction, read the meta table again and take the keys with [`LedgerSchema::key_from_meta`]
//! and [`LedgerSchema::receipt_key_from_meta`].

use crate::error::{Error, Result};
use crate::ledger::sql::{column_text, Dialect, SqlValue, Statement};
use crate::ledger::subject::{hex, unhex};

/// The schema version this core writes and reads.
pub const SCHEMA_VERSION: u32 = 2;

/// Migrations: `MIGRATIONS[n]` takes the schema from version `n` to `n + 1`.
/// `{blob}` and `{bigint}` are replaced per dialect.
const MIGRATIONS: [&[&str]; 2] = [&[
    "CREATE TABLE IF NOT EXISTS erasekit_entries (
        subject TEXT NOT NULL,
        kind TEXT NOT NULL,
        product TEXT NOT NULL,
        direction TEXT,
        id TEXT NOT NULL,
        created_at {bigint} NOT NULL,
        source TEXT NOT NULL,
        extra TEXT NOT NULL,
        recorded_at {bigint} NOT NULL,
        PRIMARY KEY (subject, kind, product, id)
    )",
    "CREATE TABLE IF NOT EXISTS erasekit_identifiers (
        subject TEXT NOT NULL,
        kind TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (subject, kind, value)
    )",
    "CREATE INDEX IF NOT EXISTS erasekit_identifiers_value ON erasekit_identifiers (kind, value)",
    "CREATE TABLE IF NOT EXISTS erasekit_tombstones (
        subject_hash TEXT NOT NULL,
        receipt_id TEXT NOT NULL,
        forgotten_at {bigint} NOT NULL,
        PRIMARY KEY (subject_hash, receipt_id)
    )",
    "CREATE TABLE IF NOT EXISTS erasekit_jobs (
        job_id TEXT PRIMARY KEY,
        subject TEXT NOT NULL,
        state TEXT NOT NULL,
        snapshot TEXT NOT NULL,
        updated_at {bigint} NOT NULL
    )",
],
// Version 2: stored receipts (they hold no personal data: the subject is a keyed hash) and a
// lease on each job row, so that one erasure per subject runs at a time.
&[
    "CREATE TABLE IF NOT EXISTS erasekit_receipts (
        receipt_id TEXT PRIMARY KEY,
        subject_hash TEXT NOT NULL,
        receipt TEXT NOT NULL,
        stored_at {bigint} NOT NULL
    )",
    "ALTER TABLE erasekit_jobs ADD COLUMN {if_not_exists}owner TEXT NOT NULL DEFAULT ''",
    "ALTER TABLE erasekit_jobs ADD COLUMN {if_not_exists}attempt {bigint} NOT NULL DEFAULT 0",
    "ALTER TABLE erasekit_jobs ADD COLUMN {if_not_exists}lease_expires_at {bigint} NOT NULL DEFAULT 0",
    // Version 1 had no leases: a job left `running` then is a crashed run. It becomes
    // `stopped` (resumable) so that the index below can hold.
    "UPDATE erasekit_jobs SET state = 'stopped' WHERE state = 'running'",
    "CREATE UNIQUE INDEX IF NOT EXISTS erasekit_jobs_one_running ON erasekit_jobs (subject) WHERE state = 'running'",
]];

/// Builds the schema statements for one dialect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LedgerSchema {
    dialect: Dialect,
}

impl LedgerSchema {
    /// The schema in `dialect`.
    pub fn new(dialect: Dialect) -> Self {
        LedgerSchema { dialect }
    }

    /// Creates the meta table if it does not exist; safe to run on every open.
    pub fn bootstrap(&self) -> Vec<Statement> {
        vec![Statement::plain(
            "CREATE TABLE IF NOT EXISTS erasekit_meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
        )]
    }

    /// Reads the meta table as rows of `(name, value)`.
    pub fn read_meta(&self) -> Statement {
        Statement::plain("SELECT name, value FROM erasekit_meta ORDER BY name")
    }

    /// What to run (in one transaction) to bring the ledger to [`SCHEMA_VERSION`] and give it a
    /// subject key and a receipt key. `entropy` (64 random bytes from the host): the first 32
    /// become the subject key of a new ledger, the last 32 the Ed25519 seed of its receipt key
    /// (a version 1 ledger gets its receipt key on upgrade).
    pub fn open(
        &self,
        meta_rows: &[Vec<serde_json::Value>],
        entropy: &[u8],
    ) -> Result<Vec<Statement>> {
        let meta = Meta::read(meta_rows)?;
        if meta.version > SCHEMA_VERSION {
            return Err(Error::Storage {
                reason: format!(
                    "the ledger has schema version {} but this erasekit knows only up to {SCHEMA_VERSION}; upgrade erasekit",
                    meta.version
                ),
            });
        }
        let mut out = Vec::new();
        for version in meta.version..SCHEMA_VERSION {
            for sql in MIGRATIONS[version as usize] {
                out.push(Statement::plain(self.render(sql)));
            }
        }
        if meta.version < SCHEMA_VERSION {
            out.push(self.set_meta("schema_version", &SCHEMA_VERSION.to_string(), true));
        }
        if (meta.key.is_none() || meta.receipt_key.is_none()) && entropy.len() < 64 {
            return Err(Error::InvalidArgument {
                field: "entropy".into(),
                reason: format!(
                    "new ledger keys need 64 random bytes, got {}",
                    entropy.len()
                ),
            });
        }
        // Never overwrite: a concurrent opener may have won; both then read the same key back.
        if meta.key.is_none() {
            out.push(self.set_meta("subject_key", &hex(&entropy[..32]), false));
        }
        if meta.receipt_key.is_none() {
            out.push(self.set_meta("receipt_key", &hex(&entropy[32..64]), false));
        }
        Ok(out)
    }

    /// The subject key stored in the meta table, as bytes.
    pub fn key_from_meta(&self, meta_rows: &[Vec<serde_json::Value>]) -> Result<Vec<u8>> {
        let meta = Meta::read(meta_rows)?;
        if meta.version != SCHEMA_VERSION {
            return Err(Error::Storage {
                reason: format!(
                    "schema version is {} after opening, expected {SCHEMA_VERSION}",
                    meta.version
                ),
            });
        }
        let key = meta.key.ok_or_else(|| Error::Storage {
            reason: "the ledger has no subject key".into(),
        })?;
        unhex(&key).ok_or_else(|| Error::Storage {
            reason: "the stored subject key is not hex".into(),
        })
    }

    /// The ledger's receipt signing key (a 32-byte Ed25519 seed) from the meta rows read after
    /// `open`. Receipts of runs with this ledger are signed with it, and `forget` accepts only
    /// receipts it signed.
    pub fn receipt_key_from_meta(&self, meta_rows: &[Vec<serde_json::Value>]) -> Result<Vec<u8>> {
        let meta = Meta::read(meta_rows)?;
        let key = meta.receipt_key.ok_or_else(|| Error::Storage {
            reason: "the ledger has no receipt key".into(),
        })?;
        unhex(&key)
            .filter(|k| k.len() == 32)
            .ok_or_else(|| Error::Storage {
                reason: "the stored receipt key is not 32 bytes of hex".into(),
            })
    }

    fn render(&self, sql: &str) -> String {
        // PostgreSQL: a concurrent opener may add the same column first (it waits on the table
        // lock, then must not fail); SQLite serialises openers, and has no such clause.
        let (bigint, blob, if_not_exists) = match self.dialect {
            Dialect::Sqlite => ("INTEGER", "BLOB", ""),
            Dialect::Postgres => ("BIGINT", "BYTEA", "IF NOT EXISTS "),
        };
        sql.replace("{bigint}", bigint)
            .replace("{blob}", blob)
            .replace("{if_not_exists}", if_not_exists)
    }

    fn set_meta(&self, name: &str, value: &str, overwrite: bool) -> Statement {
        let d = self.dialect;
        let action = if overwrite {
            "DO UPDATE SET value = excluded.value"
        } else {
            "DO NOTHING"
        };
        Statement {
            sql: format!(
                "INSERT INTO erasekit_meta (name, value) VALUES ({}, {}) ON CONFLICT (name) {action}",
                d.placeholder(1),
                d.placeholder(2)
            ),
            params: vec![SqlValue::from(name), SqlValue::from(value)],
        }
    }
}

struct Meta {
    version: u32,
    key: Option<String>,
    receipt_key: Option<String>,
}

impl Meta {
    fn read(rows: &[Vec<serde_json::Value>]) -> Result<Meta> {
        let mut meta = Meta {
            version: 0,
            key: None,
            receipt_key: None,
        };
        for row in rows {
            let name = column_text(row, 0, "erasekit_meta.name")?;
            let value = column_text(row, 1, "erasekit_meta.value")?;
            match name.as_str() {
                "schema_version" => {
                    meta.version = value.parse().map_err(|_| Error::Storage {
                        reason: format!("schema_version {value:?} is not a number"),
                    })?
                }
                "subject_key" => meta.key = Some(value),
                "receipt_key" => meta.receipt_key = Some(value),
                _ => {}
            }
        }
        Ok(meta)
    }
}
