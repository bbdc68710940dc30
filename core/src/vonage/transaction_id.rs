//! Validated Vonage transaction and resource ids.

use crate::error::{Error, Result};
use serde::{Serialize, Serializer};
use std::fmt;

/// The longest id accepted, in bytes. Vonage ids are at most a few dozen characters
/// (Number Insight `request_id` ≤ 40); the bound keeps hostile input out of requests and logs.
pub const MAX_ID_LEN: usize = 256;

/// A Vonage id: non-empty, at most [`MAX_ID_LEN`] bytes, no control characters, and not a
/// dot segment (`.`, `..` or their percent-encoded forms).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TransactionId(String);

impl TransactionId {
    /// Validates `raw` as an id.
    pub fn new(raw: &str) -> Result<Self> {
        Self::check(raw)?;
        Ok(TransactionId(raw.to_owned()))
    }

    /// Checks `raw` as [`TransactionId::new`] does, without keeping a copy.
    pub(crate) fn check(raw: &str) -> Result<()> {
        let reason = if raw.is_empty() {
            Some("must not be empty".to_owned())
        } else if raw.len() > MAX_ID_LEN {
            Some(format!(
                "longer than {MAX_ID_LEN} bytes ({} bytes)",
                raw.len()
            ))
        } else if raw.trim() != raw {
            Some("has leading or trailing whitespace".to_owned())
        } else if is_dot_segment(raw) {
            // Percent-encoding does not help: a WHATWG URL parser (Node, browsers) treats `%2e`
            // as `.` in a path, so `DELETE /v1/users/%2E%2E` would go to `DELETE /v1/`.
            Some(format!("{raw:?} is a URL dot segment"))
        } else {
            raw.char_indices()
                .find(|(_, c)| c.is_control())
                .map(|(i, c)| format!("control character U+{:04X} at byte {i}", c as u32))
        };
        match reason {
            Some(reason) => Err(Error::InvalidId { reason }),
            None => Ok(()),
        }
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The id percent-encoded as one URL path segment: `/`, `?`, `#`, `%` and `..` cannot escape it.
    pub fn path_segment(&self) -> String {
        path_segment(&self.0)
    }
}

/// True for `.`, `..` and the forms a WHATWG URL parser reads as them: `%2e` for either dot,
/// in any case (`%2E`, `.%2e`, `%2e.`, `%2E%2e`, ...).
fn is_dot_segment(raw: &str) -> bool {
    if raw.len() > 6 {
        return false;
    }
    let decoded = raw.to_ascii_lowercase().replace("%2e", ".");
    decoded == "." || decoded == ".."
}

/// `raw` (a checked id) percent-encoded as one URL path segment.
pub(crate) fn path_segment(raw: &str) -> String {
    const SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'_')
        .remove(b'~');
    // `.` is encoded too, so an id of `..` cannot become a dot-segment.
    percent_encoding::utf8_percent_encode(raw, SEGMENT).to_string()
}

impl fmt::Display for TransactionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for TransactionId {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> serde::Deserialize<'de> for TransactionId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        TransactionId::new(&raw).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_bad_ids() {
        for bad in ["", "a\nb", " a", "x\u{7f}"] {
            assert_eq!(
                TransactionId::new(bad).unwrap_err().code(),
                "invalid_id",
                "{bad:?}"
            );
        }
        assert!(TransactionId::new(&"a".repeat(MAX_ID_LEN + 1)).is_err());
        assert!(TransactionId::new(&"a".repeat(MAX_ID_LEN)).is_ok());
    }

    #[test]
    fn refuses_dot_segments() {
        for bad in [
            ".", "..", "%2e", "%2E", "%2e%2e", ".%2e", "%2E.", "%2e%2E", ".%2E",
        ] {
            assert_eq!(
                TransactionId::new(bad).unwrap_err().code(),
                "invalid_id",
                "{bad:?}"
            );
        }
        for good in ["...", ".a", "a.", "%2e%2e%2e", "%2f", "..a"] {
            assert!(TransactionId::new(good).is_ok(), "{good:?}");
        }
    }

    #[test]
    fn path_segment_cannot_escape() {
        let id = TransactionId::new("../v1/users?x=1#f%2F").unwrap();
        assert_eq!(id.path_segment(), "%2E%2E%2Fv1%2Fusers%3Fx%3D1%23f%252F");
        let plain = TransactionId::new("aaaaaaaa-bbbb-cccc-dddd-0123456789ab").unwrap();
        assert_eq!(plain.path_segment(), plain.as_str());
    }
}
