//! Credential checks: Basic header, `api_key`/`api_secret` query parameters, and JWT bearer.

use crate::jwt::{JwtError, JwtVerifier, VerifiedToken};
use axum::http::{header, HeaderMap};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;

/// Longest `Authorization` header value examined.
const MAX_AUTH_LEN: usize = 16 * 1024;

/// The account's key and secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    /// API key.
    pub api_key: String,
    /// API secret.
    pub api_secret: String,
}

/// Why credentials were refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthError {
    /// No usable credentials were sent.
    Missing,
    /// Credentials were sent but are wrong; the reason is safe to show.
    Invalid(String),
}

impl AuthError {
    /// A human-readable reason for a 401 `detail`.
    pub fn detail(&self) -> String {
        match self {
            AuthError::Missing => "You did not provide correct credentials.".into(),
            AuthError::Invalid(why) => format!("You did not provide correct credentials: {why}."),
        }
    }
}

fn eq_ct(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn authorization(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .filter(|v| v.len() <= MAX_AUTH_LEN)
        .map(str::trim)
}

fn scheme<'a>(value: &'a str, name: &str) -> Option<&'a str> {
    let (s, rest) = value.split_once(' ')?;
    s.eq_ignore_ascii_case(name).then(|| rest.trim())
}

/// Checks `Authorization: Basic base64(key:secret)`.
pub fn check_basic(headers: &HeaderMap, account: &Account) -> Result<(), AuthError> {
    let Some(value) = authorization(headers) else {
        return Err(AuthError::Missing);
    };
    let Some(encoded) = scheme(value, "Basic") else {
        return Err(AuthError::Invalid("expected Basic authentication".into()));
    };
    let decoded = STANDARD
        .decode(encoded)
        .map_err(|_| AuthError::Invalid("Basic credentials are not base64".into()))?;
    let Some(colon) = decoded.iter().position(|&b| b == b':') else {
        return Err(AuthError::Invalid("Basic credentials lack a colon".into()));
    };
    let (key, secret) = (&decoded[..colon], &decoded[colon + 1..]);
    if eq_ct(key, account.api_key.as_bytes()) && eq_ct(secret, account.api_secret.as_bytes()) {
        Ok(())
    } else {
        Err(AuthError::Invalid("unknown API key or wrong secret".into()))
    }
}

/// Whether the request carries any `Authorization: Basic` header.
pub fn has_basic(headers: &HeaderMap) -> bool {
    authorization(headers).is_some_and(|v| scheme(v, "Basic").is_some())
}

/// Checks `api_key` / `api_secret` query parameters (Message Search), falling back to Basic.
pub fn check_key_secret(
    query: &crate::query::Query,
    headers: &HeaderMap,
    account: &Account,
) -> Result<(), AuthError> {
    match (query.first("api_key"), query.first("api_secret")) {
        (Some(k), Some(s)) => {
            if eq_ct(k.as_bytes(), account.api_key.as_bytes())
                && eq_ct(s.as_bytes(), account.api_secret.as_bytes())
            {
                Ok(())
            } else {
                Err(AuthError::Invalid("unknown API key or wrong secret".into()))
            }
        }
        (None, None) if has_basic(headers) => check_basic(headers, account),
        (None, None) => Err(AuthError::Missing),
        _ => Err(AuthError::Invalid(
            "api_key and api_secret must both be given".into(),
        )),
    }
}

/// Checks `Authorization: Bearer <JWT>` at real time `now_s`.
pub fn check_bearer(
    headers: &HeaderMap,
    verifier: &JwtVerifier,
    now_s: i64,
) -> Result<VerifiedToken, AuthError> {
    let Some(value) = authorization(headers) else {
        return Err(AuthError::Missing);
    };
    let Some(token) = scheme(value, "Bearer") else {
        return Err(AuthError::Invalid("expected a Bearer JWT".into()));
    };
    verifier
        .verify(token, now_s)
        .map_err(|JwtError(why)| AuthError::Invalid(why))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn account() -> Account {
        Account {
            api_key: "sim-key".into(),
            api_secret: "sim-secret".into(),
        }
    }

    fn headers(auth: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(
            header::AUTHORIZATION,
            HeaderValue::from_str(auth).expect("ascii"),
        );
        h
    }

    #[test]
    fn basic() {
        let good = format!("Basic {}", STANDARD.encode("sim-key:sim-secret"));
        assert_eq!(check_basic(&headers(&good), &account()), Ok(()));
        assert_eq!(
            check_basic(&HeaderMap::new(), &account()),
            Err(AuthError::Missing)
        );
        for bad in [
            format!("Basic {}", STANDARD.encode("sim-key:nope")),
            format!("Basic {}", STANDARD.encode("sim-key")),
            "Basic !!!".to_owned(),
            "Bearer x".to_owned(),
            "Basic".to_owned(),
        ] {
            assert!(matches!(
                check_basic(&headers(&bad), &account()),
                Err(AuthError::Invalid(_))
            ));
        }
    }

    #[test]
    fn query_credentials() {
        let q = crate::query::Query::parse(Some("api_key=sim-key&api_secret=sim-secret"));
        assert_eq!(check_key_secret(&q, &HeaderMap::new(), &account()), Ok(()));
        let q = crate::query::Query::parse(Some("api_key=sim-key"));
        assert!(check_key_secret(&q, &HeaderMap::new(), &account()).is_err());
        let q = crate::query::Query::parse(None);
        assert_eq!(
            check_key_secret(&q, &HeaderMap::new(), &account()),
            Err(AuthError::Missing)
        );
    }
}
