//! The bundle (access.md §15.4): one zip with **stored** entries (no compression code is
//! written or needed) holding the HTML, the JSON, the CSV files and a manifest of SHA-256s.
//! Entries carry a fixed date so the same report gives the same bytes.

use crate::access::render_csv::CsvOptions;
use crate::access::render_html::HtmlOptions;
use crate::access::report::AccessReport;
use crate::error::{Error, Result};
use crate::ledger::subject::hex;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::{Cursor, Write};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

fn storage(e: impl std::fmt::Display) -> Error {
    Error::Storage {
        reason: format!("bundle: {e}"),
    }
}

impl AccessReport {
    /// Every file of the bundle by name (what [`AccessReport::to_bundle`] zips), the person's
    /// CSV with the formula guard on.
    pub fn bundle_files(&self, html: &HtmlOptions) -> Result<BTreeMap<String, Vec<u8>>> {
        let mut files = self.to_csv_files(CsvOptions {
            csv_bom: false,
            csv_formula_guard: true,
        })?;
        files.insert("report.html".into(), self.to_html(html).into_bytes());
        files.insert("report.json".into(), self.to_canonical_json()?.into_bytes());
        let manifest: BTreeMap<&String, String> = files
            .iter()
            .map(|(name, bytes)| (name, hex(&Sha256::digest(bytes))))
            .collect();
        let manifest = serde_json::to_vec_pretty(&manifest).map_err(storage)?;
        files.insert("manifest.json".into(), manifest);
        Ok(files)
    }

    /// The bundle zip.
    pub fn to_bundle(&self, html: &HtmlOptions) -> Result<Vec<u8>> {
        let files = self.bundle_files(html)?;
        let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
        let options = SimpleFileOptions::default()
            .compression_method(CompressionMethod::Stored)
            .last_modified_time(DateTime::default())
            .unix_permissions(0o644);
        for (name, bytes) in &files {
            zip.start_file(name.as_str(), options).map_err(storage)?;
            zip.write_all(bytes).map_err(storage)?;
        }
        Ok(zip.finish().map_err(storage)?.into_inner())
    }
}
