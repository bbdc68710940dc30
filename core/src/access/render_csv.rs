//! CSV renderings (access.md §15.2): `records.csv`, `raw/<product>[_<direction>].csv`,
//! `not_found.csv`, `sources.csv`, `gaps.csv`. RFC 4180, UTF-8, CRLF; an optional BOM for
//! spreadsheets, and a formula guard for the person's copy (bodies are written by others and
//! must not run in a spreadsheet).

use crate::access::record::AccessRecord;
use crate::access::report::AccessReport;
use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

/// CSV options.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CsvOptions {
    /// Start each file with a UTF-8 BOM.
    pub csv_bom: bool,
    /// Prefix `'` to cells starting with `=`, `+`, `-`, `@`, TAB or CR.
    pub csv_formula_guard: bool,
}

/// The columns of `records.csv`.
pub const RECORD_COLUMNS: [&str; 32] = [
    "record_key",
    "family",
    "source_product",
    "channel",
    "direction",
    "vonage_id",
    "account_id",
    "occurred_at",
    "finalized_at",
    "from",
    "from_role",
    "to",
    "to_role",
    "subject_role",
    "content_state",
    "content_text",
    "status",
    "status_code",
    "status_description",
    "duration_s",
    "network_code",
    "network_name",
    "country",
    "country_name",
    "price_amount",
    "price_currency",
    "client_ref",
    "conversation_id",
    "redaction_state",
    "redacted_fields",
    "found_via",
    "ledger_source",
];

fn name<T: Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(Value::String(s)) => s,
        _ => String::new(),
    }
}

fn cell(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn guard(text: String, on: bool) -> String {
    if on && text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text
    }
}

fn write(header: &[String], rows: Vec<Vec<String>>, o: CsvOptions) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    if o.csv_bom {
        out.extend_from_slice(b"\xEF\xBB\xBF");
    }
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(out);
    let fail = |e: csv::Error| Error::Storage {
        reason: e.to_string(),
    };
    w.write_record(header).map_err(fail)?;
    for row in rows {
        let row: Vec<String> = row
            .into_iter()
            .map(|c| guard(c, o.csv_formula_guard))
            .collect();
        w.write_record(&row).map_err(fail)?;
    }
    w.into_inner().map_err(|e| Error::Storage {
        reason: e.to_string(),
    })
}

fn record_row(r: &AccessRecord) -> Vec<String> {
    let o = |v: &Option<String>| v.clone().unwrap_or_default();
    let join = |items: Vec<String>| items.join("|");
    vec![
        r.record_key.clone(),
        r.family.as_str().into(),
        r.source_product.clone(),
        o(&r.channel),
        r.direction
            .map(|d| d.as_str().to_owned())
            .unwrap_or_default(),
        r.vonage_id.clone(),
        o(&r.account_id),
        o(&r.occurred_at),
        o(&r.finalized_at),
        o(&r.from.value),
        name(&r.from.role),
        o(&r.to.value),
        name(&r.to.role),
        name(&r.subject_role),
        name(&r.content.state),
        o(&r.content.text),
        o(&r.status.value),
        o(&r.status.code),
        o(&r.status.description),
        r.duration_s.map(|d| d.to_string()).unwrap_or_default(),
        o(&r.network.code),
        o(&r.network.name),
        o(&r.network.country),
        o(&r.network.country_name),
        o(&r.price.amount),
        o(&r.price.currency),
        r.related.get("client_ref").cloned().unwrap_or_default(),
        r.related
            .get("conversation_id")
            .cloned()
            .unwrap_or_default(),
        name(&r.redaction.state),
        join(r.redaction.fields.clone()),
        join(r.found_via.iter().map(name).collect()),
        r.ledger
            .as_ref()
            .map(|l| l.source.clone())
            .unwrap_or_default(),
    ]
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

impl AccessReport {
    /// Every CSV file, by name (`records.csv`, `raw/SMS_outbound.csv`, …).
    pub fn to_csv_files(&self, options: CsvOptions) -> Result<BTreeMap<String, Vec<u8>>> {
        let mut files = BTreeMap::new();
        let rows = self.records.iter().map(record_row).collect();
        files.insert(
            "records.csv".into(),
            write(&strings(&RECORD_COLUMNS), rows, options)?,
        );
        // raw/: one file per product and direction, the union of the columns seen, sorted.
        let mut groups: BTreeMap<String, Vec<&AccessRecord>> = BTreeMap::new();
        for r in &self.records {
            let file = match r.direction {
                Some(d) => format!("raw/{}_{}.csv", r.source_product, d.as_str()),
                None => format!("raw/{}.csv", r.source_product),
            };
            groups.entry(file).or_default().push(r);
        }
        for (file, records) in groups {
            let mut columns: Vec<String> =
                records.iter().flat_map(|r| r.raw.keys().cloned()).collect();
            columns.sort();
            columns.dedup();
            let rows = records
                .iter()
                .map(|r| {
                    columns
                        .iter()
                        .map(|c| r.raw.get(c).map(cell).unwrap_or_default())
                        .collect()
                })
                .collect();
            files.insert(file, write(&columns, rows, options)?);
        }
        let nf = self
            .not_found
            .iter()
            .map(|n| {
                vec![
                    n.ledger_id.clone(),
                    n.product.clone(),
                    n.direction.clone().unwrap_or_default(),
                    crate::access::wire_time::format_rfc3339(n.created_at, false),
                    name(&n.reason),
                    n.tried.join("|"),
                ]
            })
            .collect();
        let nf_header = strings(&[
            "ledger_id",
            "product",
            "direction",
            "created_at",
            "reason",
            "tried",
        ]);
        files.insert("not_found.csv".into(), write(&nf_header, nf, options)?);
        let sources = self
            .sources
            .iter()
            .map(|s| {
                vec![
                    s.system.clone(),
                    s.account_id.clone(),
                    s.product.clone(),
                    s.direction.clone().unwrap_or_default(),
                    s.strategy.clone(),
                    s.range.as_ref().map(|r| r.from.clone()).unwrap_or_default(),
                    s.range.as_ref().map(|r| r.to.clone()).unwrap_or_default(),
                    s.requests.to_string(),
                    s.records_kept.to_string(),
                    s.rows_discarded.to_string(),
                    s.state.clone(),
                ]
            })
            .collect();
        let s_header = strings(&[
            "system",
            "account_id",
            "product",
            "direction",
            "strategy",
            "range_from",
            "range_to",
            "requests",
            "records_kept",
            "rows_discarded",
            "state",
        ]);
        files.insert("sources.csv".into(), write(&s_header, sources, options)?);
        let gaps = self
            .gaps
            .iter()
            .map(|g| {
                vec![
                    g.code.clone(),
                    g.detail.clone(),
                    g.system.clone().unwrap_or_default(),
                    g.account.clone().unwrap_or_default(),
                    g.product.clone().unwrap_or_default(),
                ]
            })
            .collect();
        let g_header = strings(&["code", "detail", "system", "account", "product"]);
        files.insert("gaps.csv".into(), write(&g_header, gaps, options)?);
        Ok(files)
    }
}
