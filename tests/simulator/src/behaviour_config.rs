//! How the simulated Reports and Message Search APIs behave: the `reports` and `search`
//! sections of the configuration, settable at run time through `/_sim/settings`,
//! `/_sim/reports/modes` and `/_sim/search/modes`. Defaults are Vonage's documented behaviour;
//! the other values play readings the documentation leaves open, or failures seen in the field.

use serde::{Deserialize, Serialize};

/// Reports API behaviour.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ReportsConfig {
    /// Records per page of `GET /v2/reports/records` (Vonage: 1000).
    pub page_size: usize,
    /// Simulator-clock ms an asynchronous report stays `PENDING`.
    pub pending_ms: i64,
    /// Simulator-clock ms it then stays `PROCESSING` before `SUCCESS`.
    pub processing_ms: i64,
    /// Above this many records a report ends `TRUNCATED` (Vonage recommends at most 7 M).
    pub max_records: usize,
    /// How long a finished report file can be downloaded (Vonage: 72 h).
    pub file_ttl_ms: i64,
    /// How long a report's metadata answers after it was requested (Vonage: 4 days); later
    /// its status, cancel and file answer 404.
    pub metadata_ttl_ms: i64,
    /// Widest `date_start`..`date_end` of one synchronous query (Vonage: 24 h; N1 says today's
    /// limit may be wider, so tests can widen it).
    pub max_window_ms: i64,
    /// How `to`, `from` and `number` filters match rows.
    pub filter_match: FilterMatch,
    /// With `filter_match: prefix`, how many leading characters must agree.
    pub prefix_len: usize,
    /// How `TRUNCATED` pages link to the next one.
    pub next_link: NextLink,
    /// Simulator ms a page cursor stays valid (none: for ever; Vonage's is not documented).
    pub cursor_ttl_ms: Option<i64>,
    /// The base URL of `next_link: foreign_host` links (default: the simulator's port on
    /// `127.0.0.2`, a host no client may send credentials to and nothing listens on).
    pub foreign_base: Option<String>,
    /// Simulator ms before a new record reaches Reports and Message Search (Vonage: records
    /// "need time to reach long-term storage"; the length is not documented, so 0 by default).
    pub propagation_ms: i64,
    /// Whether `GET /v3/media/{file_id}` downloads count against the asynchronous limit.
    pub limit_downloads: bool,
    /// How report zips store their CSV.
    pub archive: ArchiveMethod,
    /// Products this deployment does not know: 422 "Could not resolve product name", as an
    /// older deployment answers a newer name (`VOICE-FAILED`, `CONVERSATION-EVENT`).
    pub refused_products: Vec<String>,
    /// Reports is not provisioned for the account: every Reports route answers 403.
    pub unprovisioned: bool,
}

impl ReportsConfig {
    /// The product names this deployment accepts.
    pub fn known_products(&self) -> Vec<&'static str> {
        crate::report_rows::REPORT_PRODUCTS
            .into_iter()
            .filter(|p| !self.refused_products.iter().any(|r| r == p))
            .collect()
    }
}

/// How the `to` / `from` / `number` filters of a Reports query match rows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FilterMatch {
    /// The field equals the value (what erasekit assumes).
    #[default]
    Exact,
    /// The first `prefix_len` characters agree: other people's rows come back, so a client's
    /// own row filter has work to do.
    Prefix,
    /// The filters are ignored: every row of the product and window comes back.
    Ignore,
}

/// How a `TRUNCATED` page links to the next page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NextLink {
    /// `_links.next.href` on this host, with a fresh cursor per page.
    Normal,
    /// `_links.next.href` on `foreign_base`; `cursor` and `iv` in the body still work here.
    ForeignHost,
    /// Every page hands out the same cursor, so a client's loop guard must stop.
    RepeatCursor,
    /// The last page says `SUCCESS` but still carries `_links.next` (seen in a .NET mock).
    SuccessWithNext,
}

/// How a report zip stores its CSV.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ArchiveMethod {
    /// Compressed (method 8), as zip tools write it.
    Deflate,
    /// Uncompressed (method 0).
    Stored,
}

/// Legacy Message Search behaviour.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SearchConfig {
    /// Whether the API still answers, and how it refuses once retired.
    pub availability: SearchAvailability,
    /// No result answers `{}` instead of `{"count": 0, "items": []}`.
    pub empty_as_object: bool,
    /// Exactly one result answers the item itself instead of `{"count": 1, "items": [..]}`.
    pub single_as_object: bool,
    /// `price` is a decimal string (`"0.03330000"`) instead of a number.
    pub price_as_string: bool,
    /// `status` is the carrier's upper-case word (`ACCEPTD`, `DELIVRD`) outside the enum.
    pub carrier_status: bool,
}

impl Default for SearchConfig {
    fn default() -> Self {
        SearchConfig {
            availability: SearchAvailability::Live,
            empty_as_object: false,
            single_as_object: false,
            price_as_string: false,
            carrier_status: false,
        }
    }
}

/// Whether Message Search answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SearchAvailability {
    /// It answers.
    Live,
    /// Retired: every route answers 404 with no body.
    #[serde(rename = "retired_404")]
    Retired404,
    /// Retired: every route answers 410 with no body.
    #[serde(rename = "retired_410")]
    Retired410,
    /// Retired or not provisioned: every route answers its 401 body.
    #[serde(rename = "retired_401")]
    Retired401,
}

impl Default for ReportsConfig {
    fn default() -> Self {
        ReportsConfig {
            page_size: 1000,
            pending_ms: 2_000,
            processing_ms: 5_000,
            max_records: 7_000_000,
            file_ttl_ms: 72 * 3_600_000,
            metadata_ttl_ms: 4 * 24 * 3_600_000,
            max_window_ms: 24 * 3_600_000,
            filter_match: FilterMatch::Exact,
            prefix_len: 8,
            next_link: NextLink::Normal,
            cursor_ttl_ms: None,
            foreign_base: None,
            propagation_ms: 0,
            limit_downloads: false,
            archive: ArchiveMethod::Deflate,
            refused_products: Vec::new(),
            unprovisioned: false,
        }
    }
}

impl ReportsConfig {
    /// The newest creation time Reports and Message Search show at `now_ms`, if a propagation
    /// delay is set (without one, every record shows, even one seeded in the future).
    pub fn visible_until(&self, now_ms: i64) -> Option<i64> {
        (self.propagation_ms > 0).then(|| now_ms.saturating_sub(self.propagation_ms))
    }

    /// Checks values that serde cannot.
    pub fn validate(&self) -> Result<(), String> {
        if self.page_size == 0 {
            return Err("reports.page_size must be at least 1".into());
        }
        if self.max_window_ms <= 0 {
            return Err("reports.max_window_ms must be positive".into());
        }
        if self.propagation_ms < 0 {
            return Err("reports.propagation_ms must not be negative".into());
        }
        if self.prefix_len == 0 {
            return Err("reports.prefix_len must be at least 1".into());
        }
        if let Some(base) = &self.foreign_base {
            let rest = base
                .strip_prefix("http://")
                .or_else(|| base.strip_prefix("https://"));
            if rest.map_or(true, |r| r.is_empty() || r.contains('/')) {
                return Err(
                    "reports.foreign_base must be a scheme and host, such as http://127.0.0.2:9"
                        .into(),
                );
            }
        }
        Ok(())
    }
}
