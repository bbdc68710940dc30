//! Limits on what an async report archive and its CSV may be (access.md §11.1, §11.2): a
//! subject-filtered report is small, so anything near these limits is hostile or broken.

use serde::{Deserialize, Serialize};

/// Limits for the zip of an async report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ArchiveLimits {
    /// The archive's own size.
    pub max_archive_bytes: u64,
    /// Entries in the central directory.
    pub max_entries: u32,
    /// Uncompressed bytes of one entry.
    pub max_entry_bytes: u64,
    /// Uncompressed ÷ compressed bytes, checked as the entry inflates.
    pub max_ratio: u64,
}

impl Default for ArchiveLimits {
    fn default() -> Self {
        ArchiveLimits {
            max_archive_bytes: 256 * MIB,
            max_entries: 16,
            max_entry_bytes: 4 * 1024 * MIB,
            max_ratio: 250,
        }
    }
}

/// Limits for one report CSV.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CsvLimits {
    /// Bytes of one field.
    pub max_field_bytes: u64,
    /// Bytes of one row.
    pub max_row_bytes: u64,
    /// Columns.
    pub max_columns: u32,
    /// Rows kept; more make the query `partial{too_many_rows}`.
    pub max_rows: u64,
}

impl Default for CsvLimits {
    fn default() -> Self {
        CsvLimits {
            max_field_bytes: MIB,
            max_row_bytes: 4 * MIB,
            max_columns: 512,
            max_rows: 1_000_000,
        }
    }
}

const MIB: u64 = 1024 * 1024;
