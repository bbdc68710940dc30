//! The audit line of a forwarded call: who asked, when, which operation, what came back.
//!
//! It names ids only: no query value (a Reports scan filters on the subject's phone number),
//! no body, no header, so no personal content and no secret. The base URL is the configured one,
//! which never holds user info (`ApiBase` refuses it).

use crate::console::admitted::AdmittedCall;
use crate::console::call::{check_label, JobKind};
use crate::error::Result;
use crate::time::timestamp::{check_time, UnixMillis};
use crate::vonage::transaction_id::path_segment;
use serde::{Deserialize, Serialize};
use std::fmt;
use time::format_description::well_known::Rfc3339;

/// One forwarded call as the console's audit log keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct AuditLine {
    /// When the call was forwarded (the caller's clock), ms since the epoch.
    pub at: UnixMillis,
    /// Who: the operator id the server's session names.
    pub operator: String,
    /// The kind of job that asked.
    pub kind: JobKind,
    /// The id of that job.
    pub job_id: String,
    /// The product (as [`AdmittedCall::product`]).
    pub product: String,
    /// The method sent.
    pub method: String,
    /// The configured base URL the call went to.
    pub base: String,
    /// The path under the base, ids percent-encoded; never the query.
    pub path: String,
    /// The ids the call named.
    pub ids: Vec<String>,
    /// The HTTP status of the answer; `None` when no answer came (timeout, reset).
    pub status: Option<u16>,
}

impl AdmittedCall {
    /// The audit line of this call, forwarded for `operator` at `at`, answered with `status`
    /// (`None`: no answer). `operator` is 1 to 128 bytes without control characters.
    pub fn audit(&self, operator: &str, at: UnixMillis, status: Option<u16>) -> Result<AuditLine> {
        check_label("operator", operator)?;
        Ok(AuditLine {
            at: check_time("at", at)?,
            operator: operator.to_owned(),
            kind: self.kind(),
            job_id: self.job_id().to_owned(),
            product: self.product().to_owned(),
            method: self.method().to_owned(),
            base: self.base_url().to_owned(),
            path: self.path().to_owned(),
            ids: self.ids(),
            status,
        })
    }
}

impl AuditLine {
    /// One line of text: `<RFC 3339 time> operator="…" kind=… job="…" product=… <METHOD>
    /// <base><path> ids=<id,…> status=<code|->`. Labels are JSON-quoted and ids
    /// percent-encoded, so a value cannot forge a field or a second line.
    pub fn text(&self) -> String {
        let millis = i128::from(self.at) * 1_000_000;
        let when = time::OffsetDateTime::from_unix_timestamp_nanos(millis)
            .ok()
            .and_then(|t| t.format(&Rfc3339).ok())
            .unwrap_or_else(|| self.at.to_string());
        let quoted = |s: &str| serde_json::Value::from(s).to_string();
        let ids: Vec<String> = self.ids.iter().map(|id| path_segment(id)).collect();
        let status = self
            .status
            .map_or_else(|| "-".to_owned(), |s| s.to_string());
        format!(
            "{when} operator={} kind={} job={} product={} {} {}{} ids={} status={status}",
            quoted(&self.operator),
            self.kind.as_str(),
            quoted(&self.job_id),
            path_segment(&self.product),
            self.method,
            self.base,
            self.path,
            if ids.is_empty() {
                "-".to_owned()
            } else {
                ids.join(",")
            },
        )
    }
}

impl fmt::Display for AuditLine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text())
    }
}

#[cfg(test)]
mod tests {
    use crate::console::admitted::ConsoleProxy;
    use crate::console::call::ProxyCall;
    use crate::vonage::api_base::ApiBase;

    fn admitted(job_id: &str) -> crate::console::admitted::AdmittedCall {
        let call: ProxyCall = serde_json::from_value(serde_json::json!({
            "kind": "erasure", "job_id": job_id,
            "request": { "method": "DELETE", "url": "https://api.nexmo.com/v3/media/a%20b",
                "headers": {}, "body": "" }
        }))
        .unwrap();
        ConsoleProxy::new(ApiBase::default()).admit(&call).unwrap()
    }

    #[test]
    fn labels_cannot_forge_a_field_and_ids_are_encoded() {
        let call = admitted(r#"j" status=204 x=""#);
        let line = call.audit(r#"eve" kind=access"#, 0, None).unwrap();
        assert_eq!(
            line.text(),
            r#"1970-01-01T00:00:00Z operator="eve\" kind=access" kind=erasure job="j\" status=204 x=\"" product=media DELETE https://api.nexmo.com/v3/media/a%20b ids=a%20b status=-"#
        );
        assert_eq!(line.ids, ["a b"]);
    }

    #[test]
    fn refuses_empty_or_control_labels_and_bad_times() {
        let call = admitted("j");
        for bad in ["", "a\nb", &"x".repeat(129)] {
            assert_eq!(
                call.audit(bad, 0, Some(200)).unwrap_err().code(),
                "invalid_argument"
            );
        }
        assert_eq!(
            call.audit("op", u64::MAX, None).unwrap_err().code(),
            "invalid_time"
        );
    }
}
