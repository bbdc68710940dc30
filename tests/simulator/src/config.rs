//! Simulator configuration: the `--config` JSON file and the in-process [`start`](crate::start) argument.
//!
//! Every field is optional; `{}` gives the defaults: credentials `sim-key` / `sim-secret`, the
//! test application `aaaaaaaa-bbbb-4ccc-8ddd-0123456789ab` with the public key from
//! `tests/vectors/keys/app_public.pem`, Vonage's documented rate limits, and no faults.

use crate::faults::FaultPlan;
use crate::generate::GenerateParams;
use crate::record_seed::SeedDocument;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// The default API key.
pub const DEFAULT_API_KEY: &str = "sim-key";
/// The default API secret.
pub const DEFAULT_API_SECRET: &str = "sim-secret";
/// The default Vonage application id.
pub const DEFAULT_APPLICATION_ID: &str = "aaaaaaaa-bbbb-4ccc-8ddd-0123456789ab";
/// The default application's RS256 public key.
pub const DEFAULT_PUBLIC_KEY_PEM: &str = include_str!("../../vectors/keys/app_public.pem");

/// A Vonage application whose JWTs the simulator accepts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AppConfig {
    /// The application id (the `application_id` claim).
    pub id: String,
    /// The public key, PEM text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_key_pem: Option<String>,
    /// A file holding the public key PEM (relative paths are relative to the config file).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_key_path: Option<String>,
}

/// Requests per window for each rate-limited API (0 = unlimited).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RateLimits {
    /// `POST /v1/redact/transaction` (Vonage: 170/s).
    pub redact: u32,
    /// `GET /v2/reports/records` (Vonage: 10/s).
    pub reports_records: u32,
    /// `POST /v2/reports`, `GET /v2/reports`, `GET`/`DELETE /v2/reports/{id}` (Vonage: 5/s).
    pub reports_async: u32,
    /// `/search/*` (Vonage documents none: 0, unlimited, by default).
    pub message_search: u32,
    /// The window length in ms (Vonage: 1000). Tests may lengthen it to make 429s certain.
    pub window_ms: u64,
}

impl Default for RateLimits {
    fn default() -> Self {
        RateLimits {
            redact: 170,
            reports_records: 10,
            reports_async: 5,
            message_search: 0,
            window_ms: 1000,
        }
    }
}

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

/// A subaccount of the simulator's account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubaccountConfig {
    /// Its API key (the `account_id` of its records and of Reports queries about them).
    pub api_key: String,
    /// Its name in the subaccounts list (default: the key).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Reports answers 403 for it (not provisioned, or not reachable with these credentials).
    #[serde(default)]
    pub reports_forbidden: bool,
}

/// The whole configuration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SimConfig {
    /// Loopback address to listen on (`127.0.0.1:0` picks a free port).
    pub listen: String,
    /// The account's API key (Basic auth user, `api_key` query parameter, `account_id`).
    pub api_key: String,
    /// The account's API secret.
    pub api_secret: String,
    /// Applications whose JWTs are accepted (default: the test application).
    pub applications: Vec<AppConfig>,
    /// Simulator clock start, epoch ms (default: real wall time).
    pub clock_start_ms: Option<i64>,
    /// Rate limits.
    pub rate_limits: RateLimits,
    /// Redact products (spec spelling) this account is not provisioned for (403 unprovisioned).
    pub unprovisioned_products: Vec<String>,
    /// Redact 401 body: `"gateway"` (`{type: "UNAUTHORIZED", error_title}`) or `"problem"` (RFC 7807).
    pub redact_unauthorized_shape: String,
    /// Records younger than this (simulator clock) cannot be redacted (Vonage: 60 minutes).
    pub premature_window_ms: i64,
    /// Request log ring-buffer capacity.
    pub log_capacity: usize,
    /// Largest request body accepted on Vonage routes.
    pub max_body_bytes: usize,
    /// Largest request body accepted on control routes (seeding).
    pub max_control_body_bytes: usize,
    /// Reports API behaviour.
    pub reports: ReportsConfig,
    /// Message Search behaviour.
    pub search: SearchConfig,
    /// Subaccounts of the account.
    pub subaccounts: Vec<SubaccountConfig>,
    /// Records to load at start.
    pub seed: Option<SeedDocument>,
    /// Records to generate at start.
    pub generate: Option<GenerateParams>,
    /// Faults active from the start.
    pub faults: Option<FaultPlan>,
    /// Tokio worker threads (default 2).
    pub worker_threads: Option<usize>,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            listen: "127.0.0.1:0".into(),
            api_key: DEFAULT_API_KEY.into(),
            api_secret: DEFAULT_API_SECRET.into(),
            applications: vec![AppConfig {
                id: DEFAULT_APPLICATION_ID.into(),
                public_key_pem: None,
                public_key_path: None,
            }],
            clock_start_ms: None,
            rate_limits: RateLimits::default(),
            unprovisioned_products: Vec::new(),
            redact_unauthorized_shape: "gateway".into(),
            premature_window_ms: 3_600_000,
            log_capacity: 10_000,
            max_body_bytes: 1024 * 1024,
            max_control_body_bytes: 256 * 1024 * 1024,
            reports: ReportsConfig::default(),
            search: SearchConfig::default(),
            subaccounts: Vec::new(),
            seed: None,
            generate: None,
            faults: None,
            worker_threads: None,
        }
    }
}

impl SimConfig {
    /// Reads a JSON config file; relative key paths become relative to the file's folder.
    pub fn from_file(path: &Path) -> Result<SimConfig, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read config {}: {e}", path.display()))?;
        let mut config: SimConfig = serde_json::from_str(&text)
            .map_err(|e| format!("invalid config {}: {e}", path.display()))?;
        let dir = path.parent().unwrap_or(Path::new("."));
        for app in &mut config.applications {
            if let Some(p) = &app.public_key_path {
                if Path::new(p).is_relative() {
                    app.public_key_path = Some(dir.join(p).to_string_lossy().into_owned());
                }
            }
        }
        Ok(config)
    }

    /// The `(application id, PEM)` pairs, reading key files; the default key when none is given.
    pub fn application_keys(&self) -> Result<Vec<(String, String)>, String> {
        self.applications
            .iter()
            .map(|app| {
                let pem = match (&app.public_key_pem, &app.public_key_path) {
                    (Some(pem), _) => pem.clone(),
                    (None, Some(path)) => std::fs::read_to_string(path)
                        .map_err(|e| format!("cannot read public key {path}: {e}"))?,
                    (None, None) => DEFAULT_PUBLIC_KEY_PEM.to_owned(),
                };
                Ok((app.id.clone(), pem))
            })
            .collect()
    }

    /// Checks values that serde cannot.
    pub fn validate(&self) -> Result<(), String> {
        if !matches!(
            self.redact_unauthorized_shape.as_str(),
            "gateway" | "problem"
        ) {
            return Err("redact_unauthorized_shape must be \"gateway\" or \"problem\"".into());
        }
        for p in &self.unprovisioned_products {
            if crate::records::Product::from_redact(p).is_none() {
                return Err(format!("unprovisioned_products: unknown product {p:?}"));
            }
        }
        self.reports.validate()?;
        if self.rate_limits.window_ms == 0 {
            return Err("rate_limits.window_ms must be at least 1".into());
        }
        if self.applications.is_empty() {
            return Err("applications must not be empty".into());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_object_gives_defaults() {
        let c: SimConfig = serde_json::from_str("{}").expect("parses");
        assert_eq!(c, SimConfig::default());
        assert!(c.validate().is_ok());
        let keys = c.application_keys().expect("keys");
        assert_eq!(keys[0].0, DEFAULT_APPLICATION_ID);
        assert!(keys[0].1.contains("BEGIN PUBLIC KEY"));
    }

    #[test]
    fn rejects_typos_and_bad_values() {
        assert!(serde_json::from_str::<SimConfig>(r#"{"api_keyy":"x"}"#).is_err());
        let c = SimConfig {
            unprovisioned_products: vec!["sms2".into()],
            ..SimConfig::default()
        };
        assert!(c.validate().is_err());
        let c = SimConfig {
            redact_unauthorized_shape: "html".into(),
            ..SimConfig::default()
        };
        assert!(c.validate().is_err());
    }
}
