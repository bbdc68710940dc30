//! The zip of an async report (access.md §11.1), read in memory with the defences a hostile or
//! broken archive needs: a size cap, an entry cap, no encryption, stored or deflate only, the
//! uncompressed bytes counted while inflating with a running ratio cap (a zip bomb stops at
//! the first chunk past the ratio, not after it has filled the memory). Entry names are labels,
//! never paths.

use crate::access::limits::ArchiveLimits;
use crate::error::{Error, Result};
use std::io::{Cursor, Read};
use zip::CompressionMethod;

/// One CSV entry of a report archive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArchiveEntry {
    /// The entry's name, as a label only.
    pub name: String,
    /// The uncompressed bytes.
    pub bytes: Vec<u8>,
}

/// What an archive held.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ReportArchive {
    /// The `.csv` entries, in archive order.
    pub csv: Vec<ArchiveEntry>,
    /// Entries skipped (directories, names not ending `.csv`): counted, not read.
    pub ignored_entries: u32,
}

const CHUNK: usize = 64 * 1024;

fn suspicious(reason: String) -> Error {
    Error::ArchiveSuspicious { reason }
}

fn invalid(reason: String) -> Error {
    Error::ArchiveInvalid { reason }
}

/// Reads the CSV entries of a report zip within `limits`.
pub fn read_report_archive(bytes: &[u8], limits: &ArchiveLimits) -> Result<ReportArchive> {
    let size = bytes.len() as u64;
    if size > limits.max_archive_bytes {
        return Err(Error::ArchiveTooLarge {
            unit: "bytes",
            limit: limits.max_archive_bytes,
            size,
        });
    }
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| invalid(format!("not a readable zip: {e}")))?;
    let entries = zip.len() as u64;
    if entries > u64::from(limits.max_entries) {
        return Err(Error::ArchiveTooLarge {
            unit: "entries",
            limit: u64::from(limits.max_entries),
            size: entries,
        });
    }
    let mut out = ReportArchive::default();
    for i in 0..zip.len() {
        let (name, wanted, compressed) = {
            let raw = zip
                .by_index_raw(i)
                .map_err(|e| invalid(format!("entry {i}: {e}")))?;
            if raw.encrypted() {
                return Err(suspicious(format!("entry {i} is encrypted")));
            }
            let name = raw.name().to_owned();
            let wanted = !raw.is_dir() && name.to_ascii_lowercase().ends_with(".csv");
            if wanted
                && !matches!(
                    raw.compression(),
                    CompressionMethod::Stored | CompressionMethod::Deflated
                )
            {
                return Err(suspicious(format!(
                    "entry {i} uses a compression method other than stored or deflate"
                )));
            }
            (name, wanted, raw.compressed_size().max(1))
        };
        if !wanted {
            out.ignored_entries += 1;
            continue;
        }
        let entry = zip
            .by_index(i)
            .map_err(|e| invalid(format!("entry {i}: {e}")))?;
        let bytes = inflate(entry, i, compressed, limits)?;
        out.csv.push(ArchiveEntry { name, bytes });
    }
    Ok(out)
}

fn inflate(
    mut entry: impl Read,
    i: usize,
    compressed: u64,
    limits: &ArchiveLimits,
) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    let mut chunk = vec![0u8; CHUNK];
    loop {
        let n = entry
            .read(&mut chunk)
            .map_err(|e| invalid(format!("entry {i} cannot be read: {e}")))?;
        if n == 0 {
            return Ok(out);
        }
        let total = out.len() as u64 + n as u64;
        if total > limits.max_entry_bytes {
            return Err(Error::ArchiveTooLarge {
                unit: "uncompressed bytes",
                limit: limits.max_entry_bytes,
                size: total,
            });
        }
        if total / compressed > limits.max_ratio {
            return Err(suspicious(format!(
                "entry {i} expands more than {}× (a zip bomb?)",
                limits.max_ratio
            )));
        }
        out.extend_from_slice(chunk.get(..n).unwrap_or_default());
    }
}
