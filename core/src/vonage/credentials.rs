//! Vonage credentials: API key + secret (Basic auth) and application id + private key (JWT).

use crate::error::{Error, Result};
use crate::time::timestamp::{check_time, UnixMillis};
#[cfg(feature = "signing")]
use crate::vonage::jwt;
use base64::Engine;
#[cfg(feature = "signing")]
use rsa::pkcs1::DecodeRsaPrivateKey;
#[cfg(feature = "signing")]
use rsa::pkcs8::DecodePrivateKey;
#[cfg(feature = "signing")]
use rsa::RsaPrivateKey;
use serde::Deserialize;
use std::fmt;

/// Plain input for [`Credentials::new`]; every field optional, but pairs must be complete.
#[derive(Default, Clone, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct CredentialsInput {
    /// The account API key.
    #[serde(default, alias = "apiKey")]
    pub api_key: Option<String>,
    /// The account API secret.
    #[serde(default, alias = "apiSecret")]
    pub api_secret: Option<String>,
    /// The Vonage application id, for JWTs.
    #[serde(default, alias = "applicationId")]
    pub application_id: Option<String>,
    /// The application's RSA private key in PEM, for JWTs.
    #[serde(default, alias = "privateKey")]
    pub private_key: Option<String>,
}

impl fmt::Debug for CredentialsInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CredentialsInput")
            .field("api_key", &self.api_key)
            .field("api_secret", &self.api_secret.as_ref().map(|_| "***"))
            .field("application_id", &self.application_id)
            .field("private_key", &self.private_key.as_ref().map(|_| "***"))
            .finish()
    }
}

/// Validated credentials. `Debug` and `Display` never show the secret, the key or a token.
#[derive(Clone)]
pub struct Credentials {
    /// The API key and the whole `Basic ...` header value made from it and the secret (every
    /// Redact call sends it: encoded once, not per call).
    basic: Option<(String, String)>,
    application: Option<(String, AppKey)>,
}

/// The application's signing key.
#[cfg(feature = "signing")]
type AppKey = RsaPrivateKey;
/// Without the `signing` feature no key can be held (`parse_private_key` refuses every one).
#[cfg(not(feature = "signing"))]
type AppKey = std::convert::Infallible;

impl Credentials {
    /// Validates the input: at least one complete pair, no half pairs, a parseable RSA key.
    pub fn new(input: CredentialsInput) -> Result<Self> {
        let nonempty = |v: Option<String>| v.filter(|s| !s.is_empty());
        let basic = match (nonempty(input.api_key), nonempty(input.api_secret)) {
            (Some(k), Some(s)) => Some((k, s)),
            (None, None) => None,
            (Some(_), None) => return Err(half("api_key is set but api_secret is missing")),
            (None, Some(_)) => return Err(half("api_secret is set but api_key is missing")),
        };
        let application = match (nonempty(input.application_id), nonempty(input.private_key)) {
            (Some(id), Some(pem)) => Some((id, parse_private_key(&pem)?)),
            (None, None) => None,
            (Some(_), None) => {
                return Err(half("application_id is set but private_key is missing"))
            }
            (None, Some(_)) => {
                return Err(half("private_key is set but application_id is missing"))
            }
        };
        if basic.is_none() && application.is_none() {
            return Err(half(
                "give api_key+api_secret, application_id+private_key, or both",
            ));
        }
        if let Some((key, _)) = &basic {
            if key.contains(':') || key.chars().any(char::is_control) {
                return Err(half("api_key must not contain ':' or control characters"));
            }
        }
        let basic = basic.map(|(key, secret)| {
            let raw = format!("{key}:{secret}");
            let header = format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(raw)
            );
            (key, header)
        });
        Ok(Credentials { basic, application })
    }

    /// The API key, if any (not a secret: it appears in Vonage records as `account_id`).
    pub fn api_key(&self) -> Option<&str> {
        self.basic.as_ref().map(|(k, _)| k.as_str())
    }

    /// The application id, if any.
    pub fn application_id(&self) -> Option<&str> {
        self.application.as_ref().map(|(id, _)| id.as_str())
    }

    /// The `Authorization: Basic ...` header value.
    pub fn basic_authorization(&self) -> Result<String> {
        let (_, header) = self.basic.as_ref().ok_or(Error::MissingCredentials {
            needed: "api_key+api_secret",
        })?;
        Ok(header.clone())
    }

    /// A signed RS256 application JWT (`iat` from `now`, `jti` from 16 bytes of caller entropy).
    pub fn jwt(&self, now: UnixMillis, entropy: &[u8]) -> Result<String> {
        let (app_id, key) = self.application.as_ref().ok_or(Error::MissingCredentials {
            needed: "application_id+private_key",
        })?;
        let entropy: [u8; 16] = entropy.try_into().map_err(|_| Error::InvalidArgument {
            field: "entropy".into(),
            reason: format!("expected 16 bytes, got {}", entropy.len()),
        })?;
        let iat = check_time("now", now)? / 1000;
        #[cfg(feature = "signing")]
        return jwt::sign(app_id, key, iat, entropy);
        #[cfg(not(feature = "signing"))]
        {
            // No key exists in such a build: `application` is always `None`.
            let _ = (app_id, iat, entropy);
            match *key {}
        }
    }

    /// The `Authorization: Bearer ...` header value.
    pub fn bearer_authorization(&self, now: UnixMillis, entropy: &[u8]) -> Result<String> {
        Ok(format!("Bearer {}", self.jwt(now, entropy)?))
    }
}

fn half(reason: &str) -> Error {
    Error::InvalidCredentials {
        reason: reason.to_owned(),
    }
}

#[cfg(not(feature = "signing"))]
fn parse_private_key(_pem: &str) -> Result<AppKey> {
    Err(half(
        "this build cannot sign JWTs (built without the `signing` feature): give api_key+api_secret",
    ))
}

#[cfg(feature = "signing")]
fn parse_private_key(pem: &str) -> Result<AppKey> {
    // Keys often arrive from environment variables with literal `\n` escapes.
    let pem = pem.trim().replace("\\n", "\n");
    RsaPrivateKey::from_pkcs8_pem(&pem)
        .or_else(|_| RsaPrivateKey::from_pkcs1_pem(&pem))
        .map_err(|_| Error::InvalidPrivateKey)
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("api_key", &self.api_key())
            .field("api_secret", &self.basic.as_ref().map(|_| "***"))
            .field("application_id", &self.application_id())
            .field("private_key", &self.application.as_ref().map(|_| "***"))
            .finish()
    }
}

impl fmt::Display for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.api_key(), self.application_id()) {
            (Some(k), Some(a)) => write!(f, "Credentials(api_key={k}, application_id={a})"),
            (Some(k), None) => write!(f, "Credentials(api_key={k})"),
            (None, Some(a)) => write!(f, "Credentials(application_id={a})"),
            (None, None) => f.write_str("Credentials()"),
        }
    }
}
