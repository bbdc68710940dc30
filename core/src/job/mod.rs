//! What every job shares: the rate limiter and the table of calls in flight.

pub(crate) mod call_table;
pub(crate) mod rate_limiter;
