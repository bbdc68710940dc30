//! RS256 application JWTs as Vonage expects them (`application_id`, `iat`, `jti`, `exp`).

/// Token lifetime: 15 minutes, the default of both official SDKs (Vonage allows 30 s to 24 h).
pub const JWT_TTL_SECONDS: u64 = 900;

#[cfg(feature = "signing")]
pub(crate) use signing::sign;

/// The signing itself, only in builds with the `signing` feature (RSA is most of its size).
#[cfg(feature = "signing")]
mod signing {
    use super::JWT_TTL_SECONDS;
    use crate::error::{Error, Result};
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine;
    use rsa::pkcs1v15::SigningKey;
    use rsa::signature::{SignatureEncoding, Signer};
    use rsa::RsaPrivateKey;
    use serde::Serialize;
    use sha2::Sha256;

    /// The JOSE header; a constant so its bytes never depend on map ordering.
    const HEADER: &str = r#"{"alg":"RS256","typ":"JWT"}"#;

    /// The claims, in a fixed field order.
    #[derive(Serialize)]
    struct Claims<'a> {
        application_id: &'a str,
        exp: u64,
        iat: u64,
        jti: String,
    }

    /// Signs a JWT for `application_id`; `jti` is a version-4 UUID built from `entropy`.
    pub(crate) fn sign(
        application_id: &str,
        key: &RsaPrivateKey,
        iat: u64,
        entropy: [u8; 16],
    ) -> Result<String> {
        let jti = uuid::Builder::from_random_bytes(entropy).into_uuid();
        let claims = Claims {
            application_id,
            exp: iat + JWT_TTL_SECONDS,
            iat,
            jti: jti.hyphenated().to_string(),
        };
        let claims = serde_json::to_string(&claims).map_err(|_| Error::InvalidPrivateKey)?;
        let signing_input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(HEADER),
            URL_SAFE_NO_PAD.encode(claims)
        );
        let signer = SigningKey::<Sha256>::new(key.clone());
        let signature = signer
            .try_sign(signing_input.as_bytes())
            .map_err(|_| Error::InvalidPrivateKey)?;
        Ok(format!(
            "{signing_input}.{}",
            URL_SAFE_NO_PAD.encode(signature.to_bytes())
        ))
    }
}
