//! The CSV of an async report (access.md §11.2): RFC 4180, header row first, UTF-8 (a BOM is
//! dropped), with limits on fields, rows and columns. The exact encoding Vonage writes is NOT
//! CONFIRMED (N7): quoting and embedded newlines are read as RFC 4180 allows.

use crate::access::limits::CsvLimits;
use crate::error::{Error, Result};
use serde_json::{Map, Value};

/// The rows of one report CSV, each a map from the header's names (as written) to the text.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CsvTable {
    /// The header, as written.
    pub header: Vec<String>,
    /// The rows.
    pub rows: Vec<Map<String, Value>>,
    /// More rows than `max_rows`: the rest were not read (`partial{too_many_rows}`).
    pub truncated: bool,
}

fn bad(reason: String) -> Error {
    Error::CsvInvalid { reason }
}

/// Parses a report CSV within `limits`.
pub fn parse_report_csv(bytes: &[u8], limits: &CsvLimits) -> Result<CsvTable> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut table = CsvTable::default();
    let mut record = csv::ByteRecord::new();
    let mut row = 0u64;
    loop {
        let more = reader
            .read_byte_record(&mut record)
            .map_err(|e| bad(format!("row {}: {e}", row + 1)))?;
        if !more {
            break;
        }
        row += 1;
        check_record(&record, row, limits)?;
        let fields: Vec<String> = record
            .iter()
            .map(|f| {
                std::str::from_utf8(f)
                    .map(str::to_owned)
                    .map_err(|_| bad(format!("row {row}: a field is not UTF-8")))
            })
            .collect::<Result<_>>()?;
        if row == 1 {
            if fields.iter().all(String::is_empty) {
                return Err(bad("the header row is empty".into()));
            }
            table.header = fields;
            continue;
        }
        if fields.len() != table.header.len() {
            return Err(bad(format!(
                "row {row} has {} fields, the header {}",
                fields.len(),
                table.header.len()
            )));
        }
        if table.rows.len() as u64 >= limits.max_rows {
            table.truncated = true;
            break;
        }
        let map = table
            .header
            .iter()
            .cloned()
            .zip(fields.into_iter().map(Value::String))
            .collect();
        table.rows.push(map);
    }
    Ok(table)
}

fn check_record(record: &csv::ByteRecord, row: u64, limits: &CsvLimits) -> Result<()> {
    if record.len() as u64 > u64::from(limits.max_columns) {
        return Err(bad(format!(
            "row {row} has {} columns, over the limit of {}",
            record.len(),
            limits.max_columns
        )));
    }
    if record.as_slice().len() as u64 > limits.max_row_bytes {
        return Err(bad(format!(
            "row {row} is over the limit of {} bytes",
            limits.max_row_bytes
        )));
    }
    if let Some(i) = record
        .iter()
        .position(|f| f.len() as u64 > limits.max_field_bytes)
    {
        return Err(bad(format!(
            "row {row}, field {} is over the limit of {} bytes",
            i + 1,
            limits.max_field_bytes
        )));
    }
    Ok(())
}
