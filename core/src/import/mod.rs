//! Backfill: the Vonage ids a company saved before erasekit, read from a CSV file with a header
//! or a JSON lines file into ledger entries, one row at a time.
//!
//! Each row is validated on its own: a bad row is an `invalid_row` error naming the row and the
//! field, and the rows after it are still read (a host reports them all, or stops at the first).
//! A header that lacks a column or has an unknown one is an error of row 0, after which nothing
//! is read. The host records each row's entry for its subject and links its identifiers;
//! recording is idempotent (the ledger keeps one entry per kind, product and id), and a host
//! resumes by skipping the rows up to the last one it stored.

mod row;

pub use row::{ImportRow, IMPORT_COLUMNS, IMPORT_SOURCE};

use crate::error::Result;
use row::{bad, unknown_column};
use std::io::{BufRead, BufReader, Read};

/// The longest line of a JSON lines file, in bytes: a row is a few hundred bytes.
pub const MAX_IMPORT_LINE_BYTES: usize = 64 * 1024;

/// How an import file is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportFormat {
    /// Comma-separated values with a header row naming the columns.
    Csv,
    /// One JSON object per line (blank lines are skipped).
    JsonLines,
}

impl ImportFormat {
    /// Reads a format name: `csv`, or `jsonl` (also `ndjson`, `json-lines`).
    pub fn parse(name: &str) -> Result<ImportFormat> {
        match name {
            "csv" => Ok(ImportFormat::Csv),
            "jsonl" | "ndjson" | "json-lines" => Ok(ImportFormat::JsonLines),
            other => Err(crate::error::Error::InvalidArgument {
                field: "format".into(),
                reason: format!("unknown import format {other:?}; expected csv or jsonl"),
            }),
        }
    }

    /// The format of a file from its first bytes: JSON lines when the first byte after white
    /// space (and a byte order mark) is `{`, else CSV.
    pub fn sniff(start: &[u8]) -> ImportFormat {
        let start = start.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(start);
        match start.iter().find(|b| !b.is_ascii_whitespace()) {
            Some(b'{') => ImportFormat::JsonLines,
            _ => ImportFormat::Csv,
        }
    }
}

/// The rows of an import file, validated one at a time (an iterator of `Result<ImportRow>`).
pub struct ImportRows<R: Read> {
    inner: Inner<R>,
}

enum Inner<R: Read> {
    Csv {
        reader: csv::Reader<R>,
        header: Option<Vec<String>>,
        row: u64,
        failed: bool,
    },
    Lines {
        reader: BufReader<R>,
        line: u64,
        done: bool,
    },
}

impl<R: Read> ImportRows<R> {
    /// Reads rows of `format` from `reader` (a file, or bytes in memory).
    pub fn new(reader: R, format: ImportFormat) -> ImportRows<R> {
        let inner = match format {
            ImportFormat::Csv => Inner::Csv {
                reader: csv::ReaderBuilder::new()
                    .has_headers(false)
                    .flexible(true)
                    .from_reader(reader),
                header: None,
                row: 0,
                failed: false,
            },
            ImportFormat::JsonLines => Inner::Lines {
                reader: BufReader::new(reader),
                line: 0,
                done: false,
            },
        };
        ImportRows { inner }
    }
}

/// The rows of an import file held in memory.
pub fn import_rows(body: &[u8], format: ImportFormat) -> ImportRows<&[u8]> {
    ImportRows::new(body, format)
}

impl<R: Read> Iterator for ImportRows<R> {
    type Item = Result<ImportRow>;

    fn next(&mut self) -> Option<Self::Item> {
        match &mut self.inner {
            Inner::Csv {
                reader,
                header,
                row,
                failed,
            } => {
                if *failed {
                    return None;
                }
                let mut record = csv::StringRecord::new();
                if header.is_none() {
                    let names = match reader.read_record(&mut record) {
                        Ok(true) => check_header(&record),
                        Ok(false) => Err(bad(0, "$", "is missing: the file is empty")),
                        Err(e) => Err(bad(0, "$", &format!("cannot be read as CSV ({e})"))),
                    };
                    match names {
                        Ok(names) => *header = Some(names),
                        Err(e) => {
                            *failed = true;
                            return Some(Err(e));
                        }
                    }
                }
                let names = header.as_ref()?;
                *row += 1;
                match reader.read_record(&mut record) {
                    Ok(false) => None,
                    Err(e) => Some(Err(bad(*row, "$", &format!("cannot be read as CSV ({e})")))),
                    Ok(true) if record.len() != names.len() => Some(Err(bad(
                        *row,
                        "$",
                        &format!("has {} cells; the header has {}", record.len(), names.len()),
                    ))),
                    Ok(true) => {
                        let cells: Vec<(&str, &str)> = names
                            .iter()
                            .map(String::as_str)
                            .zip(record.iter())
                            .collect();
                        Some(ImportRow::from_cells(*row, &cells))
                    }
                }
            }
            Inner::Lines { reader, line, done } => loop {
                if *done {
                    return None;
                }
                let mut buf = Vec::new();
                let limit = MAX_IMPORT_LINE_BYTES as u64 + 1;
                let read = reader.by_ref().take(limit).read_until(b'\n', &mut buf);
                *line += 1;
                match read {
                    Err(e) => {
                        *done = true;
                        return Some(Err(bad(*line, "$", &format!("cannot be read ({e})"))));
                    }
                    Ok(0) => return None,
                    Ok(_) if buf.len() > MAX_IMPORT_LINE_BYTES => {
                        // Skip the rest of the line so the next row starts where it should.
                        let mut rest = Vec::new();
                        if reader.read_until(b'\n', &mut rest).is_err() {
                            *done = true;
                        }
                        let reason = format!("is longer than {MAX_IMPORT_LINE_BYTES} bytes");
                        return Some(Err(bad(*line, "$", &reason)));
                    }
                    Ok(_) => {}
                }
                let text = if *line == 1 {
                    buf.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&buf)
                } else {
                    &buf
                };
                if text.iter().all(u8::is_ascii_whitespace) {
                    continue;
                }
                return Some(match serde_json::from_slice(text) {
                    Ok(value) => ImportRow::from_value(*line, &value),
                    Err(e) => Err(bad(*line, "$", &format!("is not JSON ({e})"))),
                });
            },
        }
    }
}

/// The header's column names (row 0): each an import column, once; the required ones present.
fn check_header(record: &csv::StringRecord) -> Result<Vec<String>> {
    let names: Vec<String> = record
        .iter()
        .enumerate()
        .map(|(i, n)| {
            // The csv crate keeps a byte order mark in the first cell when headers are off.
            let n = if i == 0 {
                n.trim_start_matches('\u{feff}')
            } else {
                n
            };
            n.trim().to_owned()
        })
        .collect();
    for (i, name) in names.iter().enumerate() {
        if !IMPORT_COLUMNS.contains(&name.as_str()) {
            return Err(unknown_column(0, name));
        }
        if names[..i].contains(name) {
            return Err(bad(0, name, "appears twice in the CSV header"));
        }
    }
    match IMPORT_COLUMNS[..5]
        .iter()
        .find(|c| !names.iter().any(|n| n == *c))
    {
        Some(missing) => Err(bad(0, missing, "is missing from the CSV header")),
        None => Ok(names),
    }
}
