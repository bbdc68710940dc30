//! End-to-end tests of the simulator over real loopback HTTP: every route, every status, the
//! control plane, fault reproducibility, the rate limiter, and hostile input.

mod auth;
mod cli;
mod common;

mod control;
mod faults;
mod media_conversation;
mod rate_limits;
mod redact;
mod reports;
mod reports_modes;
mod reports_script;
mod reports_visibility;
mod robustness;
mod search;
mod search_modes;
mod subaccounts;
