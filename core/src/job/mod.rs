//! What every job shares: the job protocol hosts drive, the rate limiter and the table of
//! calls in flight.

pub(crate) mod call_table;
pub(crate) mod protocol;
pub(crate) mod rate_limiter;
