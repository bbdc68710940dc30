//! Plain-data SQL: statements with parameters for the host to run, and values it hands back.

use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};

/// The SQL dialects the ledger speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Dialect {
    /// SQLite 3.24+ (`?` placeholders).
    Sqlite,
    /// PostgreSQL 11+ (`$1` placeholders).
    Postgres,
}

impl Dialect {
    /// Parses `sqlite` or `postgres`.
    pub fn parse(s: &str) -> Result<Dialect> {
        match s {
            "sqlite" => Ok(Dialect::Sqlite),
            "postgres" | "postgresql" => Ok(Dialect::Postgres),
            other => Err(Error::InvalidArgument {
                field: "dialect".into(),
                reason: format!("unknown dialect {other:?}; expected sqlite or postgres"),
            }),
        }
    }

    /// The placeholder for the `n`th parameter (1-based).
    pub(crate) fn placeholder(self, n: usize) -> String {
        match self {
            Dialect::Sqlite => "?".to_owned(),
            Dialect::Postgres => format!("${n}"),
        }
    }

    /// `n` placeholders starting at `first`, comma separated, in parentheses.
    pub(crate) fn tuple(self, first: usize, n: usize) -> String {
        let inner: Vec<String> = (first..first + n).map(|i| self.placeholder(i)).collect();
        format!("({})", inner.join(", "))
    }
}

/// A parameter or a column value: SQL NULL, a 64-bit integer or text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(untagged)]
pub enum SqlValue {
    /// NULL.
    Null,
    /// An integer (times, versions).
    Integer(i64),
    /// Text (ids, subjects, JSON).
    Text(String),
}

impl From<&str> for SqlValue {
    fn from(s: &str) -> Self {
        SqlValue::Text(s.to_owned())
    }
}

impl From<String> for SqlValue {
    fn from(s: String) -> Self {
        SqlValue::Text(s)
    }
}

impl From<Option<&str>> for SqlValue {
    fn from(s: Option<&str>) -> Self {
        s.map_or(SqlValue::Null, SqlValue::from)
    }
}

impl From<u64> for SqlValue {
    fn from(v: u64) -> Self {
        // Times are checked to stay below 2^53, far inside i64.
        SqlValue::Integer(i64::try_from(v).unwrap_or(i64::MAX))
    }
}

/// One statement to execute with its parameters. Values are never spliced into `sql`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Statement {
    /// The SQL text, with placeholders in the ledger's dialect.
    pub sql: String,
    /// The parameters, in placeholder order.
    pub params: Vec<SqlValue>,
}

impl Statement {
    /// A statement without parameters.
    pub fn plain(sql: impl Into<String>) -> Statement {
        Statement {
            sql: sql.into(),
            params: Vec::new(),
        }
    }
}

/// Reads column `i` of a row as text; `storage` error naming `what` otherwise.
pub(crate) fn column_text(row: &[serde_json::Value], i: usize, what: &str) -> Result<String> {
    match row.get(i) {
        Some(serde_json::Value::String(s)) => Ok(s.clone()),
        _ => Err(storage(what, "text")),
    }
}

/// Reads column `i` as optional text (NULL or empty → `None`).
pub(crate) fn column_opt_text(
    row: &[serde_json::Value],
    i: usize,
    what: &str,
) -> Result<Option<String>> {
    match row.get(i) {
        Some(serde_json::Value::Null) => Ok(None),
        Some(serde_json::Value::String(s)) if s.is_empty() => Ok(None),
        Some(serde_json::Value::String(s)) => Ok(Some(s.clone())),
        _ => Err(storage(what, "text or NULL")),
    }
}

/// Reads column `i` as a non-negative integer; drivers that return BIGINT as text are accepted.
pub(crate) fn column_u64(row: &[serde_json::Value], i: usize, what: &str) -> Result<u64> {
    match row.get(i) {
        Some(serde_json::Value::Number(n)) => n.as_u64().or_else(|| {
            n.as_f64()
                .filter(|f| f.fract() == 0.0 && *f >= 0.0)
                .map(|f| f as u64)
        }),
        Some(serde_json::Value::String(s)) => s.parse().ok(),
        _ => None,
    }
    .ok_or_else(|| storage(what, "a non-negative integer"))
}

fn storage(what: &str, expected: &str) -> Error {
    Error::Storage {
        reason: format!("column {what} is not {expected}"),
    }
}
