//! One backfill row: the ids a company saved before it used erasekit, validated into the ledger
//! entry `record` takes, with an error that names the row and the field.

use crate::error::{Error, Result};
use crate::ledger::entry::{EntryKind, LedgerEntry};
use crate::ledger::identifier::Identifier;
use crate::ledger::subject::check_subject;
use crate::time::timestamp::check_time;
use crate::vonage::payload_time::parse_payload_time;
use crate::vonage::product::{Direction, Product};
use crate::vonage::transaction_id::TransactionId;
use serde::Serialize;
use serde_json::{Map, Value};

/// The `source` of every imported entry (capture sources name the payload; this names the file).
pub const IMPORT_SOURCE: &str = "import";

/// The columns (CSV header) or keys (JSON lines) of a row; `identifiers` is optional.
pub const IMPORT_COLUMNS: [&str; 6] = [
    "subject",
    "product",
    "id",
    "direction",
    "created_at",
    "identifiers",
];

/// A row read and validated: whose it is, the entry to record and the identifiers to link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportRow {
    /// The row's number (the CSV record after the header, or the line of a JSON lines file),
    /// for progress and for resuming after the last row stored.
    pub row: u64,
    /// The subject the entry belongs to.
    pub subject: String,
    /// A transaction entry of source `import`.
    pub entry: LedgerEntry,
    /// Identifiers of the subject given on the row (may be empty).
    pub identifiers: Vec<Identifier>,
}

impl ImportRow {
    /// Validates a row given as a JSON object (a JSON line, or a host's dict/object): `subject`,
    /// `product` (a Redact product), `id`, `direction` (`inbound`/`outbound`; required for `sms`
    /// and `messages`, whose ids Redact or capture always pair with one), `created_at` (ISO 8601,
    /// `YYYY-MM-DD HH:MM:SS` UTC, or Unix seconds as text or a number) and, optionally,
    /// `identifiers` (a list, or one text separated by `;`, of phone numbers and `USR-…` ids).
    /// Any other key, or a missing or malformed field, is `invalid_row` naming `row` and the key.
    pub fn from_value(row: u64, value: &Value) -> Result<ImportRow> {
        let object = value
            .as_object()
            .ok_or_else(|| bad(row, "$", "must be an object with the import columns"))?;
        if let Some(key) = object
            .keys()
            .find(|k| !IMPORT_COLUMNS.contains(&k.as_str()))
        {
            return Err(unknown_column(row, key));
        }
        let text = |key: &str| -> Result<Option<String>> {
            match object.get(key) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(s)) => Ok(Some(s.clone())),
                Some(Value::Number(n)) if key == "created_at" => Ok(Some(n.to_string())),
                Some(_) => Err(bad(row, key, "must be a string")),
            }
        };
        let identifiers = match object.get("identifiers") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::String(s)) => split_identifiers(row, s)?,
            Some(Value::Array(items)) => items
                .iter()
                .map(|item| match item {
                    Value::String(s) => identifier(row, s),
                    Value::Object(_) => serde_json::from_value::<Identifier>(item.clone())
                        .map_err(|e| bad(row, "identifiers", &e.to_string()))
                        .and_then(|id| identifier_from_parts(row, &id)),
                    _ => Err(bad(
                        row,
                        "identifiers",
                        "must be texts or {kind, value} objects",
                    )),
                })
                .collect::<Result<_>>()?,
            Some(_) => return Err(bad(row, "identifiers", "must be a list or a text")),
        };
        let fields = RowFields {
            subject: text("subject")?,
            product: text("product")?,
            id: text("id")?,
            direction: text("direction")?,
            created_at: text("created_at")?,
        };
        fields.into_row(row, identifiers)
    }

    /// Validates a row given as texts by column name (a CSV record); `identifiers`, when
    /// present, is separated by `;`. Empty cells are absent values.
    pub(crate) fn from_cells(row: u64, cells: &[(&str, &str)]) -> Result<ImportRow> {
        let get = |name: &str| {
            cells
                .iter()
                .find(|(column, _)| *column == name)
                .map(|(_, cell)| cell.trim())
                .filter(|cell| !cell.is_empty())
                .map(str::to_owned)
        };
        let identifiers = match get("identifiers") {
            Some(text) => split_identifiers(row, &text)?,
            None => Vec::new(),
        };
        RowFields {
            subject: get("subject"),
            product: get("product"),
            id: get("id"),
            direction: get("direction"),
            created_at: get("created_at"),
        }
        .into_row(row, identifiers)
    }
}

struct RowFields {
    subject: Option<String>,
    product: Option<String>,
    id: Option<String>,
    direction: Option<String>,
    created_at: Option<String>,
}

impl RowFields {
    fn into_row(self, row: u64, identifiers: Vec<Identifier>) -> Result<ImportRow> {
        let need = |field: &str, v: Option<String>| v.ok_or_else(|| bad(row, field, "is missing"));
        let subject = need("subject", self.subject)?;
        check_subject(&subject).map_err(|e| bad(row, "subject", &e.to_string()))?;
        let product: Product = need("product", self.product)?
            .parse()
            .map_err(|e: Error| bad(row, "product", &e.to_string()))?;
        let id = TransactionId::new(&need("id", self.id)?)
            .map_err(|e| bad(row, "id", &e.to_string()))?;
        let direction = match self.direction {
            Some(d) => Some(
                d.parse::<Direction>()
                    .map_err(|e| bad(row, "direction", &e.to_string()))?,
            ),
            None if matches!(product, Product::Sms | Product::Messages) => {
                return Err(bad(
                    row,
                    "direction",
                    &format!(
                        "is missing: {} ids need inbound or outbound",
                        product.as_str()
                    ),
                ))
            }
            None => None,
        };
        let raw_time = need("created_at", self.created_at)?;
        // Unix seconds have 10 digits until 2286; more is a time in milliseconds (or micro-),
        // which read as seconds would be a date thousands of years away.
        let digits_only = raw_time.bytes().all(|b| b.is_ascii_digit());
        let created_at = Some(&raw_time)
            .filter(|t| !digits_only || t.len() <= 10)
            .and_then(|t| parse_payload_time(t))
            .and_then(|t| check_time("created_at", t).ok())
            .ok_or_else(|| {
                bad(
                    row,
                    "created_at",
                    "is not a time: ISO 8601, YYYY-MM-DD HH:MM:SS (UTC) or Unix seconds \
                     (not milliseconds)",
                )
            })?;
        let entry = LedgerEntry {
            kind: EntryKind::Transaction,
            product: Some(product),
            direction,
            id: id.as_str().to_owned(),
            created_at,
            source: IMPORT_SOURCE.to_owned(),
            extra: Map::new(),
        };
        entry
            .check_id()
            .map_err(|e| bad(row, "id", &e.to_string()))?;
        Ok(ImportRow {
            row,
            subject,
            entry,
            identifiers,
        })
    }
}

fn split_identifiers(row: u64, text: &str) -> Result<Vec<Identifier>> {
    text.split(';')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| identifier(row, s))
        .collect()
}

/// `USR-…` is a Conversation user; anything else must be a phone number.
fn identifier(row: u64, text: &str) -> Result<Identifier> {
    let text = text.trim();
    let id = if text.starts_with("USR-") {
        Identifier::conversation_user(text)
    } else {
        Identifier::phone(text)
    };
    id.map_err(|e| bad(row, "identifiers", &e.to_string()))
}

fn identifier_from_parts(row: u64, id: &Identifier) -> Result<Identifier> {
    Identifier::from_parts(id.kind(), id.value())
        .map_err(|e| bad(row, "identifiers", &e.to_string()))
}

pub(crate) fn unknown_column(row: u64, name: &str) -> Error {
    bad(
        row,
        name,
        &format!(
            "is not an import column; expected {}",
            IMPORT_COLUMNS.join(", ")
        ),
    )
}

pub(crate) fn bad(row: u64, field: &str, reason: &str) -> Error {
    Error::InvalidRow {
        row,
        field: field.to_owned(),
        reason: reason.to_owned(),
    }
}
