//! RS256 application JWT verification (`Authorization: Bearer <JWT>`).
//!
//! Vonage application JWTs carry `application_id`, `iat` and `jti` (required) and optionally
//! `nbf` and `exp`; the header says `alg: RS256` (and `typ: JWT`). The simulator checks the
//! signature against the public key configured for the token's `application_id`, and checks
//! the times against the host's real clock (not the simulator clock, so jumping the simulator
//! clock forward does not expire a freshly made token). Verified tokens are cached (bounded)
//! so that a client reusing a token does not pay for an RSA verification every time.

use base64::alphabet::URL_SAFE;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::{DecodePaddingMode, Engine};
use rsa::pkcs1::DecodeRsaPublicKey;
use rsa::pkcs1v15::{Signature, VerifyingKey};
use rsa::pkcs8::DecodePublicKey;
use rsa::signature::Verifier;
use rsa::RsaPublicKey;
use serde_json::{Map, Value};
use sha2::Sha256;
use std::collections::HashMap;
use std::sync::Mutex;

/// Clock skew tolerated on `exp` and `nbf`, in seconds.
pub const LEEWAY_S: i64 = 5;
/// Longest token accepted, in bytes.
pub const MAX_TOKEN_LEN: usize = 16 * 1024;
const CACHE_CAP: usize = 4096;

const B64: GeneralPurpose = GeneralPurpose::new(
    &URL_SAFE,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Why a token was refused. The message is sent back in the 401 `detail`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JwtError(pub String);

fn err(msg: impl Into<String>) -> JwtError {
    JwtError(msg.into())
}

/// The claims the simulator cares about, from an accepted token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedToken {
    /// The `application_id` claim.
    pub application_id: String,
    /// The `sub` claim (a user token), if any.
    pub sub: Option<String>,
    /// The `exp` claim, if any.
    pub exp: Option<i64>,
}

/// Parses an RSA public key in SPKI (`BEGIN PUBLIC KEY`) or PKCS#1 (`BEGIN RSA PUBLIC KEY`) PEM.
pub fn parse_public_key(pem: &str) -> Result<RsaPublicKey, String> {
    RsaPublicKey::from_public_key_pem(pem.trim())
        .or_else(|_| RsaPublicKey::from_pkcs1_pem(pem.trim()))
        .map_err(|e| format!("not an RSA public key in PEM form: {e}"))
}

/// Verifies tokens for a set of applications.
#[derive(Debug)]
pub struct JwtVerifier {
    keys: HashMap<String, VerifyingKey<Sha256>>,
    cache: Mutex<HashMap<String, VerifiedToken>>,
}

impl JwtVerifier {
    /// A verifier for `(application_id, public key)` pairs.
    pub fn new(apps: impl IntoIterator<Item = (String, RsaPublicKey)>) -> Self {
        JwtVerifier {
            keys: apps
                .into_iter()
                .map(|(id, key)| (id, VerifyingKey::<Sha256>::new(key)))
                .collect(),
            cache: Mutex::new(HashMap::new()),
        }
    }

    /// Verifies `token` at real time `now_s` (Unix seconds).
    pub fn verify(&self, token: &str, now_s: i64) -> Result<VerifiedToken, JwtError> {
        if token.len() > MAX_TOKEN_LEN {
            return Err(err("token too long"));
        }
        let cached = self
            .cache
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(token)
            .cloned();
        let verified = match cached {
            Some(v) => v,
            None => {
                let v = self.verify_uncached(token, now_s)?;
                let mut cache = self.cache.lock().unwrap_or_else(|p| p.into_inner());
                if cache.len() >= CACHE_CAP {
                    cache.clear();
                }
                cache.insert(token.to_owned(), v.clone());
                v
            }
        };
        if verified.exp.is_some_and(|exp| exp + LEEWAY_S <= now_s) {
            return Err(err("token expired (exp is in the past)"));
        }
        Ok(verified)
    }

    fn verify_uncached(&self, token: &str, now_s: i64) -> Result<VerifiedToken, JwtError> {
        let mut parts = token.split('.');
        let (Some(h), Some(p), Some(s), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(err("malformed token: expected three dot-separated parts"));
        };
        let header = decode_object(h, "header")?;
        match header.get("alg").and_then(Value::as_str) {
            Some("RS256") => {}
            Some(other) => return Err(err(format!("unsupported alg {other:?}; expected RS256"))),
            None => return Err(err("header has no alg")),
        }
        if let Some(typ) = header.get("typ") {
            if !typ.as_str().is_some_and(|t| t.eq_ignore_ascii_case("JWT")) {
                return Err(err("header typ must be JWT"));
            }
        }
        let claims = decode_object(p, "payload")?;
        let application_id = match claims.get("application_id") {
            Some(Value::String(id)) => id.clone(),
            Some(_) => return Err(err("claim application_id must be a string")),
            None => return Err(err("missing required claim application_id")),
        };
        let key = self
            .keys
            .get(&application_id)
            .ok_or_else(|| err(format!("unknown application_id {application_id:?}")))?;
        let sig_bytes = B64
            .decode(s)
            .map_err(|_| err("malformed token: signature is not base64url"))?;
        let signature =
            Signature::try_from(sig_bytes.as_slice()).map_err(|_| err("malformed signature"))?;
        let signing_input = &token[..h.len() + 1 + p.len()];
        key.verify(signing_input.as_bytes(), &signature)
            .map_err(|_| err("invalid signature"))?;
        if !claims.get("iat").is_some_and(Value::is_number) {
            return Err(err("missing or non-numeric required claim iat"));
        }
        if !claims.get("jti").is_some_and(Value::is_string) {
            return Err(err("missing or non-string required claim jti"));
        }
        let time_claim = |name: &str| -> Result<Option<i64>, JwtError> {
            match claims.get(name) {
                None => Ok(None),
                Some(v) => v
                    .as_f64()
                    .map(|f| Some(f as i64))
                    .ok_or_else(|| err(format!("claim {name} must be a number"))),
            }
        };
        if let Some(nbf) = time_claim("nbf")? {
            if nbf > now_s + LEEWAY_S {
                return Err(err("token not yet valid (nbf is in the future)"));
            }
        }
        let exp = time_claim("exp")?;
        Ok(VerifiedToken {
            application_id,
            sub: claims.get("sub").and_then(Value::as_str).map(str::to_owned),
            exp,
        })
    }
}

fn decode_object(part: &str, what: &str) -> Result<Map<String, Value>, JwtError> {
    let bytes = B64
        .decode(part)
        .map_err(|_| err(format!("malformed token: {what} is not base64url")))?;
    match serde_json::from_slice::<Value>(&bytes) {
        Ok(Value::Object(map)) => Ok(map),
        _ => Err(err(format!("malformed token: {what} is not a JSON object"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PUBLIC: &str = include_str!("../../vectors/keys/app_public.pem");

    fn verifier() -> JwtVerifier {
        let key = parse_public_key(PUBLIC).expect("test key parses");
        JwtVerifier::new([("app".to_owned(), key)])
    }

    #[test]
    fn rejects_malformed_tokens() {
        let v = verifier();
        for bad in ["", "a.b", "a.b.c.d", "!!.??.**", "e30.e30.AAAA"] {
            assert!(v.verify(bad, 0).is_err(), "{bad}");
        }
        let none_alg = format!("{}.{}.", B64.encode(r#"{"alg":"none"}"#), B64.encode("{}"));
        assert!(v.verify(&none_alg, 0).unwrap_err().0.contains("alg"));
        let long = "a".repeat(MAX_TOKEN_LEN + 1);
        assert!(v.verify(&long, 0).is_err());
    }

    #[test]
    fn rejects_unknown_application_before_crypto() {
        let v = verifier();
        let token = format!(
            "{}.{}.AAAA",
            B64.encode(r#"{"alg":"RS256","typ":"JWT"}"#),
            B64.encode(r#"{"application_id":"other","iat":1,"jti":"x"}"#)
        );
        assert!(v
            .verify(&token, 0)
            .unwrap_err()
            .0
            .contains("unknown application_id"));
        assert!(parse_public_key("not a key").is_err());
    }
}
