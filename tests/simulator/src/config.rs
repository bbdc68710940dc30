//! Simulator configuration: the `--config` JSON file and the in-process [`start`](crate::start) argument.
//!
//! Every field is optional; `{}` gives the defaults: credentials `sim-key` / `sim-secret`, the
//! test application `aaaaaaaa-bbbb-4ccc-8ddd-0123456789ab` with the public key from
//! `tests/vectors/keys/app_public.pem`, Vonage's documented rate limits, and no faults.

use crate::faults::FaultPlan;
use crate::generate::GenerateParams;
use crate::record_seed::SeedDocument;
use serde::{Deserialize, Serialize};

pub use crate::behaviour_config::{
    ArchiveMethod, FilterMatch, NextLink, ReportsConfig, SearchAvailability, SearchConfig,
};
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
