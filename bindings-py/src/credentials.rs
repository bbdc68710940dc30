//! `erasekit.Credentials`: a newtype over the core's validated credentials.
//!
//! `repr()` and `str()` use the core's `Display`, which names the API key and the application
//! id but never the secret, the private key or a token.

use crate::arguments::{binary, optional_text, optional_text_or_utf8};
use crate::errors::raise;
use crate::time::unix_millis;
use erasekit_core::CredentialsInput;
use pyo3::prelude::*;

/// Vonage credentials: an API key and secret (Basic auth), an application id and RSA
/// private key (JWTs), or both.
#[pyclass(module = "erasekit._native", name = "Credentials", frozen)]
#[repr(transparent)]
pub struct Credentials(pub(crate) erasekit_core::Credentials);

#[pymethods]
impl Credentials {
    /// Validates the credentials: at least one complete pair, no half pair, a parseable key.
    #[new]
    #[pyo3(signature = (*, api_key=None, api_secret=None, application_id=None, private_key=None))]
    fn new(
        api_key: Option<&Bound<'_, PyAny>>,
        api_secret: Option<&Bound<'_, PyAny>>,
        application_id: Option<&Bound<'_, PyAny>>,
        private_key: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let input = CredentialsInput {
            api_key: optional_text("api_key", api_key)?,
            api_secret: optional_text("api_secret", api_secret)?,
            application_id: optional_text("application_id", application_id)?,
            private_key: optional_text_or_utf8("private_key", private_key)?,
        };
        erasekit_core::Credentials::new(input)
            .map(Credentials)
            .map_err(raise)
    }

    /// The API key, if any (not a secret: Vonage shows it as `account_id`).
    #[getter]
    fn api_key(&self) -> Option<&str> {
        self.0.api_key()
    }

    /// The application id, if any.
    #[getter]
    fn application_id(&self) -> Option<&str> {
        self.0.application_id()
    }

    /// A signed RS256 application JWT; `now` in milliseconds (or an aware datetime),
    /// `entropy` 16 random bytes for the `jti` claim.
    fn jwt(
        &self,
        py: Python<'_>,
        now: &Bound<'_, PyAny>,
        entropy: &Bound<'_, PyAny>,
    ) -> PyResult<String> {
        let now = unix_millis("now", now)?;
        let entropy = binary("entropy", entropy)?;
        // RSA signing takes a millisecond or so: let other Python threads run meanwhile.
        py.detach(|| self.0.jwt(now, &entropy)).map_err(raise)
    }

    fn __repr__(&self) -> String {
        self.0.to_string()
    }

    fn __str__(&self) -> String {
        self.0.to_string()
    }
}
