//! The ledger's versioned schema, its migrations, and opening a ledger.
//!
//! Opening is a short conversation with the host: run [`LedgerSchema::bootstrap`], read the
//! meta table with [`LedgerSchema::read_meta`], run what [`LedgerSchema::open`] returns in one
//! transaction, read the meta table again and take the key with [`LedgerSchema::key_from_meta`].

use crate::error::{Error, Result};
use crate::sql::{column_text, Dialect, SqlValue, Statement};
use crate::subject::hex;

/// The schema version this core writes and reads.
pub const SCHEMA_VERSION: u32 = 1;

/// Migrations: `MIGRATIONS[n]` takes the schema from version `n` to `n + 1`.
/// `{blob}` and `{bigint}` are replaced per dialect.
const MIGRATIONS: [&[&str]; 1] = [&[
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
    /// subject key. `entropy` (32 random bytes from the host) becomes the key of a new ledger.
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
        if meta.key.is_none() {
            if entropy.len() < 32 {
                return Err(Error::InvalidArgument {
                    field: "entropy".into(),
                    reason: format!(
                        "a new ledger key needs 32 random bytes, got {}",
                        entropy.len()
                    ),
                });
            }
            // Never overwrite: a concurrent opener may have won; both then read the same key back.
            out.push(self.set_meta("subject_key", &hex(&entropy[..32]), false));
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

    fn render(&self, sql: &str) -> String {
        let (bigint, blob) = match self.dialect {
            Dialect::Sqlite => ("INTEGER", "BLOB"),
            Dialect::Postgres => ("BIGINT", "BYTEA"),
        };
        sql.replace("{bigint}", bigint).replace("{blob}", blob)
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
}

impl Meta {
    fn read(rows: &[Vec<serde_json::Value>]) -> Result<Meta> {
        let mut meta = Meta {
            version: 0,
            key: None,
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
                _ => {}
            }
        }
        Ok(meta)
    }
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    if s.len() % 2 != 0 {
        return None;
    }
    (0..s.len() / 2)
        .map(|i| u8::from_str_radix(s.get(2 * i..2 * i + 2)?, 16).ok())
        .collect()
}
