//! erasekit-sim: a local, Vonage-compatible HTTP simulator.
//!
//! It serves the parts of Vonage that erasekit talks to — Redact, Media, Conversation,
//! Reports (sync and async) and the legacy Message Search — on loopback, with a control plane
//! under `/_sim/` to seed records, move the clock, read state and the request log, and inject
//! seeded, reproducible faults. Start it in-process with [`start`]:
//!
//! ```no_run
//! let server = erasekit_sim::start(erasekit_sim::SimConfig::default()).expect("starts");
//! println!("{}", server.base_url()); // http://127.0.0.1:PORT
//! server.shutdown();
//! ```
//!
//! or as a program: `erasekit-sim --listen 127.0.0.1:0 [--config sim.json]`.

// Validation helpers return ready-made error responses (`Result<_, Response>`); the error path
// is cold and boxing every response would only add noise.
#![allow(clippy::result_large_err)]
#![warn(missing_docs)]

pub mod api;
pub mod app;
pub mod auth;
pub mod behaviour_config;
pub mod clock;
pub mod config;
pub mod control;
pub mod faults;
pub mod generate;
pub mod jwt;
pub mod pipeline;
pub mod prng;
pub mod problem;
pub mod query;
pub mod rate_limit;
pub mod record_filter;
pub mod record_seed;
pub mod records;
pub mod reply;
pub mod report_jobs;
pub mod report_rows;
pub mod report_script;
pub mod request_log;
pub mod resources;
pub mod server;
pub mod store;
pub mod timestamp;
pub mod zip_archive;

pub use config::{
    SimConfig, DEFAULT_API_KEY, DEFAULT_API_SECRET, DEFAULT_APPLICATION_ID, DEFAULT_PUBLIC_KEY_PEM,
};
pub use faults::{FaultPlan, FaultRule, Storm};
pub use record_seed::SeedDocument;
pub use server::{start, SimError, SimServer};
