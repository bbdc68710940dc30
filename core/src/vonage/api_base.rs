//! Where requests go: Vonage's hosts by default, overridable per call family.

use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};

/// Vonage's default API host.
pub const DEFAULT_API_HOST: &str = "https://api.nexmo.com";
/// Vonage's legacy REST host (Message Search).
pub const DEFAULT_REST_HOST: &str = "https://rest.nexmo.com";

/// A family of calls that share a host.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApiFamily {
    /// Redact API (`/v1/redact/...`).
    Redact,
    /// Media API (`/v3/media/...`).
    Media,
    /// Conversation API (`/v1/users`, `/v1/conversations`, ...).
    Conversation,
    /// Reports API (`/v2/reports/...`).
    Reports,
    /// Legacy Message Search (`/search/...` on the REST host).
    Search,
}

/// Base URLs per call family, each an absolute http(s) URL without a trailing slash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApiBase {
    redact: String,
    media: String,
    conversation: String,
    reports: String,
    search: String,
}

/// Plain input for [`ApiBase::from_input`]: `default` sets every family, the others override one.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ApiBaseInput {
    /// Base URL for every family not named below.
    #[serde(default)]
    pub default: Option<String>,
    /// Redact API base URL.
    #[serde(default)]
    pub redact: Option<String>,
    /// Media API base URL.
    #[serde(default)]
    pub media: Option<String>,
    /// Conversation API base URL.
    #[serde(default)]
    pub conversation: Option<String>,
    /// Reports API base URL.
    #[serde(default)]
    pub reports: Option<String>,
    /// Message Search base URL.
    #[serde(default)]
    pub search: Option<String>,
}

impl Default for ApiBase {
    fn default() -> Self {
        ApiBase {
            redact: DEFAULT_API_HOST.into(),
            media: DEFAULT_API_HOST.into(),
            conversation: DEFAULT_API_HOST.into(),
            reports: DEFAULT_API_HOST.into(),
            search: DEFAULT_REST_HOST.into(),
        }
    }
}

impl ApiBase {
    /// Every family at one base URL (a regional host, or a local simulator).
    pub fn new(url: &str) -> Result<Self> {
        let url = normalise(url)?;
        Ok(ApiBase {
            redact: url.clone(),
            media: url.clone(),
            conversation: url.clone(),
            reports: url.clone(),
            search: url,
        })
    }

    /// Builds from per-family input; families not named keep `default` or Vonage's host.
    pub fn from_input(input: &ApiBaseInput) -> Result<Self> {
        let mut base = match &input.default {
            Some(url) => ApiBase::new(url)?,
            None => ApiBase::default(),
        };
        let overrides = [
            (ApiFamily::Redact, &input.redact),
            (ApiFamily::Media, &input.media),
            (ApiFamily::Conversation, &input.conversation),
            (ApiFamily::Reports, &input.reports),
            (ApiFamily::Search, &input.search),
        ];
        for (family, url) in overrides {
            if let Some(url) = url {
                base = base.with(family, url)?;
            }
        }
        Ok(base)
    }

    /// This base with one family moved to `url`.
    pub fn with(mut self, family: ApiFamily, url: &str) -> Result<Self> {
        *self.slot(family) = normalise(url)?;
        Ok(self)
    }

    /// The base URL for `family`, without a trailing slash.
    pub fn url(&self, family: ApiFamily) -> &str {
        match family {
            ApiFamily::Redact => &self.redact,
            ApiFamily::Media => &self.media,
            ApiFamily::Conversation => &self.conversation,
            ApiFamily::Reports => &self.reports,
            ApiFamily::Search => &self.search,
        }
    }

    fn slot(&mut self, family: ApiFamily) -> &mut String {
        match family {
            ApiFamily::Redact => &mut self.redact,
            ApiFamily::Media => &mut self.media,
            ApiFamily::Conversation => &mut self.conversation,
            ApiFamily::Reports => &mut self.reports,
            ApiFamily::Search => &mut self.search,
        }
    }
}

fn normalise(url: &str) -> Result<String> {
    let bad = |reason| Error::InvalidBaseUrl {
        given: shown(url),
        reason,
    };
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or_else(|| bad("must start with http:// or https://"))?;
    if rest.contains(['?', '#']) {
        return Err(bad("must not have a query or fragment"));
    }
    if rest.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(bad("must not contain whitespace or control characters"));
    }
    let host = rest.split('/').next().unwrap_or_default();
    if host.is_empty() || host.contains('@') {
        return Err(bad("must name a host (and no user info)"));
    }
    Ok(url.trim_end_matches('/').to_owned())
}

/// The URL as an error may show it: user info (`user:password@`) is replaced by `***@`, so a
/// password put in a base URL never reaches a message, `details` or a log.
fn shown(url: &str) -> String {
    let (scheme, rest) = match url.find("://") {
        Some(i) => url.split_at(i + 3),
        None => ("", url),
    };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..end].rfind('@') {
        Some(at) => format!("{scheme}***{}", &rest[at..]),
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overrides_one_family() {
        let base = ApiBase::default()
            .with(ApiFamily::Redact, "http://127.0.0.1:8080/")
            .unwrap();
        assert_eq!(base.url(ApiFamily::Redact), "http://127.0.0.1:8080");
        assert_eq!(base.url(ApiFamily::Media), DEFAULT_API_HOST);
        assert_eq!(base.url(ApiFamily::Search), DEFAULT_REST_HOST);
    }

    #[test]
    fn refuses_bad_urls() {
        for bad in [
            "ftp://x",
            "api.nexmo.com",
            "https://",
            "https://a?b",
            "https://u@h",
            "https://a b",
        ] {
            assert_eq!(
                ApiBase::new(bad).unwrap_err().code(),
                "invalid_base_url",
                "{bad}"
            );
        }
    }
}
