//! Points in time as milliseconds since the Unix epoch, passed in by the host.

use crate::error::{Error, Result};

/// Milliseconds since 1970-01-01T00:00:00Z. The core never reads a clock; hosts pass `now`.
pub type UnixMillis = u64;

/// The largest time accepted: 2^53 − 1, so every time survives a JavaScript `number` exactly.
pub const MAX_UNIX_MILLIS: UnixMillis = (1 << 53) - 1;

/// Checks that `value` is a time every binding can carry without loss.
pub fn check_time(field: &'static str, value: UnixMillis) -> Result<UnixMillis> {
    if value > MAX_UNIX_MILLIS {
        return Err(Error::InvalidTime {
            field,
            reason: format!("{value} is above 2^53-1 milliseconds"),
        });
    }
    Ok(value)
}
