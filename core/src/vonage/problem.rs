//! Vonage error bodies: RFC 7807 problem details and the older gateway shape.

use serde::{Deserialize, Serialize};

/// Bodies larger than this are not parsed; a huge error page carries no problem details.
pub const MAX_PROBLEM_BODY: usize = 64 * 1024;

/// An error body in RFC 7807 form. The older `{type: "UNAUTHORIZED", error_title}` shape is
/// read into the same fields (`error_title` becomes `title`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Problem {
    /// A URL naming the error type, e.g. `https://developer.nexmo.com/api-errors#invalid-id`.
    pub r#type: Option<String>,
    /// A short summary.
    pub title: Option<String>,
    /// What happened in this case.
    pub detail: Option<String>,
    /// Vonage's trace id for this request.
    pub instance: Option<String>,
}

impl Problem {
    /// Reads a problem from a response body; `None` for empty, non-JSON, non-object or huge bodies.
    pub fn parse(body: &[u8]) -> Option<Problem> {
        if body.is_empty() || body.len() > MAX_PROBLEM_BODY {
            return None;
        }
        let value: serde_json::Value = serde_json::from_slice(body).ok()?;
        let object = value.as_object()?;
        let text = |key: &str| object.get(key).and_then(|v| v.as_str()).map(str::to_owned);
        let problem = Problem {
            r#type: text("type"),
            title: text("title").or_else(|| text("error_title")),
            detail: text("detail"),
            instance: text("instance"),
        };
        (problem != Problem::default()).then_some(problem)
    }

    /// The error code of a type URL on Vonage's developer documentation (`http(s)://
    /// developer.nexmo.com` or `developer.vonage.com`, path under `/api-errors`), e.g.
    /// `invalid-id`; `None` for any other type. Only such a problem proves Vonage answered.
    pub fn vonage_code(&self) -> Option<&str> {
        let t = self.r#type.as_deref()?;
        let rest = t
            .strip_prefix("https://")
            .or_else(|| t.strip_prefix("http://"))?;
        let (host, path) = rest.split_once('/')?;
        if !matches!(
            host.to_ascii_lowercase().as_str(),
            "developer.nexmo.com" | "developer.vonage.com"
        ) {
            return None;
        }
        let (path, code) = path.split_once('#')?;
        // `api-errors`, `api-errors/redact`, or with a locale (`en/api-errors`).
        let under_errors = path
            .split('/')
            .take(2)
            .any(|segment| segment == "api-errors");
        (under_errors && !code.is_empty()).then_some(code)
    }

    /// The fragment of the type URL after `#` (e.g. `premature-redaction`), or the whole type.
    pub fn type_code(&self) -> Option<&str> {
        let t = self.r#type.as_deref()?;
        Some(t.rsplit_once('#').map_or(t, |(_, code)| code))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_both_shapes() {
        let old =
            Problem::parse(br#"{"type":"UNAUTHORIZED","error_title":"Unauthorized"}"#).unwrap();
        assert_eq!(old.title.as_deref(), Some("Unauthorized"));
        assert_eq!(old.type_code(), Some("UNAUTHORIZED"));
        let new = Problem::parse(
            br#"{"type":"https://developer.nexmo.com/api-errors#invalid-id","title":"Invalid ID","detail":"d","instance":"i"}"#,
        )
        .unwrap();
        assert_eq!(new.type_code(), Some("invalid-id"));
        assert_eq!(new.vonage_code(), Some("invalid-id"));
        assert_eq!(old.vonage_code(), None);
        for junk in [
            &b""[..],
            b"<html>",
            b"{\"type\":",
            b"[1]",
            b"{}",
            b"{\"type\":3}",
        ] {
            assert_eq!(Problem::parse(junk), None);
        }
    }

    #[test]
    fn vonage_code_only_from_vonage_docs() {
        let code = |t: &str| {
            Problem {
                r#type: Some(t.to_owned()),
                ..Problem::default()
            }
            .vonage_code()
            .map(str::to_owned)
        };
        for (t, want) in [
            (
                "https://developer.nexmo.com/api-errors#invalid-id",
                Some("invalid-id"),
            ),
            (
                "http://developer.vonage.com/api-errors/redact#premature-redaction",
                Some("premature-redaction"),
            ),
            (
                "https://developer.vonage.com/en/api-errors#not-found",
                Some("not-found"),
            ),
            ("about:blank", None),
            ("https://example.com/api-errors#invalid-id", None),
            (
                "https://developer.nexmo.com.evil.example/api-errors#invalid-id",
                None,
            ),
            ("https://developer.nexmo.com/other#invalid-id", None),
            ("https://developer.nexmo.com/api-errors#", None),
            ("invalid-id", None),
        ] {
            assert_eq!(code(t).as_deref(), want, "{t}");
        }
    }
}
