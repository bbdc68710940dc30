//! Data subjects (the customer's own users) and their keyed hashes.

use crate::error::{Error, Result};
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The longest subject accepted, in bytes.
pub const MAX_SUBJECT_LEN: usize = 256;

/// Checks a subject: non-empty, at most [`MAX_SUBJECT_LEN`] bytes, no NUL. Anything else (quotes, SQL,
/// unicode) is stored exactly as given; statements are parameterised.
pub fn check_subject(subject: &str) -> Result<&str> {
    if subject.is_empty() {
        return Err(Error::InvalidSubject {
            reason: "must not be empty".into(),
        });
    }
    if subject.len() > MAX_SUBJECT_LEN {
        return Err(Error::InvalidSubject {
            reason: format!(
                "longer than {MAX_SUBJECT_LEN} bytes ({} bytes)",
                subject.len()
            ),
        });
    }
    if subject.contains('\0') {
        // PostgreSQL cannot store NUL in text; refuse it everywhere so every backend agrees.
        return Err(Error::InvalidSubject {
            reason: "must not contain a NUL character".into(),
        });
    }
    Ok(subject)
}

/// HMAC-SHA256 of the subject under `key`, lower-case hex: names a subject without revealing it.
pub fn subject_hash(key: &[u8], subject: &str) -> Result<String> {
    if key.len() < 16 {
        return Err(Error::InvalidArgument {
            field: "key".into(),
            reason: format!("a subject key needs at least 16 bytes, got {}", key.len()),
        });
    }
    let mut mac = Hmac::<Sha256>::new_from_slice(key).map_err(|_| Error::InvalidArgument {
        field: "key".into(),
        reason: "cannot key HMAC-SHA256".into(),
    })?;
    mac.update(check_subject(subject)?.as_bytes());
    Ok(hex(&mac.finalize().into_bytes()))
}

/// Lower-case hex of `bytes`.
pub(crate) fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(DIGITS[usize::from(b >> 4)] as char);
        out.push(DIGITS[usize::from(b & 15)] as char);
    }
    out
}

/// Bytes from lower- or upper-case hex; `None` for anything else. Hex digits only:
/// `from_str_radix` alone also takes a sign ("+a"), which would give one key many spellings.
pub(crate) fn unhex(s: &str) -> Option<Vec<u8>> {
    if s.len() % 2 != 0 || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    (0..s.len() / 2)
        .map(|i| u8::from_str_radix(s.get(2 * i..2 * i + 2)?, 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_is_keyed_and_stable() {
        // printf 'user-42' | openssl dgst -sha256 -hmac 0123456789abcdef
        let h = subject_hash(b"0123456789abcdef", "user-42").unwrap();
        assert_eq!(
            h,
            "101b5ab6a741733cad42f34ec38bf81f4f51532af00c42be9f2ca5b34ba30411"
        );
        assert_ne!(h, subject_hash(b"0123456789abcdeX", "user-42").unwrap());
        assert!(subject_hash(b"short", "user-42").is_err());
        assert!(check_subject("").is_err());
        assert!(check_subject(&"x".repeat(257)).is_err());
    }
}
