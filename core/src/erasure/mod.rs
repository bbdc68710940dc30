//! Erasure: the plan of every call a subject needs, the job that drives it at Vonage's
//! limits, its events, snapshots and target check.

pub(crate) mod config;
pub(crate) mod event;
pub(crate) mod job;
pub(crate) mod operation_call;
pub(crate) mod operation_state;
pub(crate) mod plan;
pub(crate) mod plan_summary;
pub(crate) mod schedule;
pub(crate) mod snapshot;
pub(crate) mod target_check;
