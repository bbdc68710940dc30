//! The shared simulator state every handler sees.

use crate::auth::Account;
use crate::clock::SimClock;
use crate::config::{RateLimits, ReportsConfig, SearchConfig, SimConfig, SubaccountConfig};
use crate::faults::{FaultEngine, FaultPlan};
use crate::generate::generate;
use crate::jwt::{parse_public_key, JwtVerifier};
use crate::rate_limit::RateLimiter;
use crate::records::Product;
use crate::request_log::RequestLog;
use crate::store::Store;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::{Duration, Instant};

/// Settings that can change while the simulator runs (`POST /_sim/settings`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Settings {
    /// Rate limits.
    pub rate_limits: RateLimits,
    /// Products the account may not redact.
    pub unprovisioned_products: BTreeSet<Product>,
    /// `gateway` or `problem`.
    pub redact_unauthorized_shape: String,
    /// The Redact "too recent" window.
    pub premature_window_ms: i64,
    /// Body limit on Vonage routes.
    pub max_body_bytes: usize,
    /// Body limit on control routes.
    pub max_control_body_bytes: usize,
    /// Reports behaviour.
    pub reports: ReportsConfig,
    /// Message Search behaviour.
    pub search: SearchConfig,
    /// Subaccounts of the account.
    pub subaccounts: Vec<SubaccountConfig>,
    /// Request log capacity.
    pub log_capacity: usize,
}

/// A partial update of [`Settings`]; absent fields keep their value.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SettingsPatch {
    /// See [`Settings`].
    pub rate_limits: Option<RateLimits>,
    /// See [`Settings`].
    pub unprovisioned_products: Option<Vec<Product>>,
    /// See [`Settings`].
    pub redact_unauthorized_shape: Option<String>,
    /// See [`Settings`].
    pub premature_window_ms: Option<i64>,
    /// See [`Settings`].
    pub max_body_bytes: Option<usize>,
    /// See [`Settings`].
    pub max_control_body_bytes: Option<usize>,
    /// See [`Settings`].
    pub reports: Option<ReportsConfig>,
    /// See [`Settings`].
    pub search: Option<SearchConfig>,
    /// See [`Settings`].
    pub subaccounts: Option<Vec<SubaccountConfig>>,
    /// See [`Settings`].
    pub log_capacity: Option<usize>,
}

/// Everything the handlers share.
#[derive(Debug)]
pub struct Sim {
    /// Monotonic origin of log and limiter times.
    pub started: Instant,
    /// The simulator clock.
    pub clock: SimClock,
    /// The account.
    pub account: Account,
    /// The first configured application id.
    pub default_app_id: String,
    /// JWT verification.
    pub jwt: JwtVerifier,
    store: RwLock<Store>,
    settings: RwLock<Settings>,
    /// Redact limiter.
    pub redact_limiter: RateLimiter,
    /// `GET /v2/reports/records` limiter.
    pub records_limiter: RateLimiter,
    /// Asynchronous Reports limiter.
    pub reports_limiter: RateLimiter,
    /// Message Search limiter.
    pub search_limiter: RateLimiter,
    /// The request log.
    pub log: RequestLog,
    /// Fault injection.
    pub faults: FaultEngine,
    faults_active: AtomicBool,
    /// The URL the simulator listens on.
    pub base_url: String,
}

impl Sim {
    /// Builds the state from a validated config.
    pub fn new(config: SimConfig, base_url: String) -> Result<Sim, String> {
        config.validate()?;
        let keys = config
            .application_keys()?
            .into_iter()
            .map(|(id, pem)| {
                parse_public_key(&pem)
                    .map(|k| (id.clone(), k))
                    .map_err(|e| format!("application {id}: {e}"))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let started = Instant::now();
        let window = Duration::from_millis(config.rate_limits.window_ms);
        let limits = &config.rate_limits;
        let unprovisioned = config
            .unprovisioned_products
            .iter()
            .filter_map(|p| Product::from_redact(p))
            .collect();
        let sim = Sim {
            started,
            clock: SimClock::new(config.clock_start_ms),
            account: Account {
                api_key: config.api_key.clone(),
                api_secret: config.api_secret.clone(),
            },
            default_app_id: keys.first().map(|(id, _)| id.clone()).unwrap_or_default(),
            jwt: JwtVerifier::new(keys),
            store: RwLock::new(Store::default()),
            redact_limiter: RateLimiter::new(started, limits.redact, window),
            records_limiter: RateLimiter::new(started, limits.reports_records, window),
            reports_limiter: RateLimiter::new(started, limits.reports_async, window),
            search_limiter: RateLimiter::new(started, limits.message_search, window),
            log: RequestLog::new(config.log_capacity),
            faults: FaultEngine::default(),
            faults_active: AtomicBool::new(false),
            settings: RwLock::new(Settings {
                rate_limits: config.rate_limits.clone(),
                unprovisioned_products: unprovisioned,
                redact_unauthorized_shape: config.redact_unauthorized_shape.clone(),
                premature_window_ms: config.premature_window_ms,
                max_body_bytes: config.max_body_bytes,
                max_control_body_bytes: config.max_control_body_bytes,
                reports: config.reports.clone(),
                search: config.search.clone(),
                subaccounts: config.subaccounts.clone(),
                log_capacity: config.log_capacity,
            }),
            base_url,
        };
        let now = sim.clock.now_ms();
        if let Some(doc) = config.seed {
            sim.store_mut().load(doc, &config.api_key, now)?;
        }
        if let Some(params) = &config.generate {
            let mut store = sim.store_mut();
            for r in generate(params, now) {
                store.records.insert(r.key(), r);
            }
        }
        if let Some(plan) = config.faults {
            sim.set_faults(plan);
        }
        Ok(sim)
    }

    /// Shared access to the data.
    pub fn store(&self) -> RwLockReadGuard<'_, Store> {
        self.store.read().unwrap_or_else(|p| p.into_inner())
    }

    /// Exclusive access to the data.
    pub fn store_mut(&self) -> RwLockWriteGuard<'_, Store> {
        self.store.write().unwrap_or_else(|p| p.into_inner())
    }

    /// A copy of the current settings.
    pub fn settings(&self) -> Settings {
        self.settings
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Reads settings without copying them.
    pub fn with_settings<T>(&self, f: impl FnOnce(&Settings) -> T) -> T {
        f(&self.settings.read().unwrap_or_else(|p| p.into_inner()))
    }

    /// Applies a settings patch (validated first) and reconfigures limiters and the log.
    pub fn apply_settings(&self, patch: SettingsPatch) -> Result<Settings, String> {
        let mut next = self.settings();
        if let Some(l) = patch.rate_limits {
            if l.window_ms == 0 {
                return Err("rate_limits.window_ms must be at least 1".into());
            }
            next.rate_limits = l;
        }
        if let Some(p) = patch.unprovisioned_products {
            next.unprovisioned_products = p.into_iter().collect();
        }
        if let Some(s) = patch.redact_unauthorized_shape {
            if !matches!(s.as_str(), "gateway" | "problem") {
                return Err("redact_unauthorized_shape must be \"gateway\" or \"problem\"".into());
            }
            next.redact_unauthorized_shape = s;
        }
        if let Some(w) = patch.premature_window_ms {
            next.premature_window_ms = w;
        }
        if let Some(b) = patch.max_body_bytes {
            next.max_body_bytes = b;
        }
        if let Some(b) = patch.max_control_body_bytes {
            next.max_control_body_bytes = b;
        }
        if let Some(r) = patch.reports {
            r.validate()?;
            next.reports = r;
        }
        if let Some(s) = patch.search {
            next.search = s;
        }
        if let Some(s) = patch.subaccounts {
            next.subaccounts = s;
        }
        if let Some(c) = patch.log_capacity {
            next.log_capacity = c.max(1);
        }
        *self.settings.write().unwrap_or_else(|p| p.into_inner()) = next.clone();
        self.reset_limiters();
        self.log.set_capacity(next.log_capacity);
        Ok(next)
    }

    /// Installs a fault plan (an empty one switches faults off).
    pub fn set_faults(&self, plan: FaultPlan) {
        self.faults_active
            .store(!plan.rules.is_empty(), Ordering::Relaxed);
        self.faults.set_plan(plan);
    }

    /// Whether any fault rule is installed.
    pub fn faults_active(&self) -> bool {
        self.faults_active.load(Ordering::Relaxed)
    }

    /// Microseconds since the simulator started (monotonic).
    pub fn elapsed_us(&self) -> u64 {
        self.started.elapsed().as_micros() as u64
    }

    /// Restarts every rate limiter with the current settings.
    pub fn reset_limiters(&self) {
        let limits = self.with_settings(|s| s.rate_limits.clone());
        let window = Duration::from_millis(limits.window_ms);
        self.redact_limiter.reconfigure(limits.redact, window);
        self.records_limiter
            .reconfigure(limits.reports_records, window);
        self.reports_limiter
            .reconfigure(limits.reports_async, window);
        self.search_limiter
            .reconfigure(limits.message_search, window);
    }
}
