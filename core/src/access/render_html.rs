//! The report as one self-contained HTML page for the person (access.md §15.3): no script, no
//! external resource, a strict CSP in the page, every value escaped, text isolated for
//! direction (`<bdi>`), controls shown as U+FFFD, print CSS; the nine sections in their order.

// One `write!` per line of markup, each ending in its own `\n`: easier to read than `writeln!`
// with the newline implied.
#![allow(clippy::write_with_newline)]

use crate::access::html_text::{esc, esc_text, HTML_CSP, STYLE};
use crate::access::report::AccessReport;
use serde::{Deserialize, Serialize};
use std::fmt::Write;

/// HTML options.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HtmlOptions {
    /// `<html lang>`; only `en` text ships.
    pub lang: String,
    /// A fixed offset the host shows beside UTC (`60` → "UTC+1").
    pub time_zone_offset_minutes: Option<i32>,
    /// Above this many records in a table, monthly counts replace the rows.
    pub html_max_records_inline: usize,
}

impl Default for HtmlOptions {
    fn default() -> Self {
        HtmlOptions {
            lang: "en".into(),
            time_zone_offset_minutes: None,
            html_max_records_inline: 20_000,
        }
    }
}

/// The section headings, in the order §15.3 fixes.
pub const HTML_SECTIONS: [&str; 9] = [
    "Summary",
    "What this covers and what it does not",
    "About this processing",
    "Your records",
    "Records we noted but Vonage no longer has",
    "Information we withheld",
    "Your rights",
    "How to read this report",
    "Technical appendix",
];

impl AccessReport {
    /// The HTML page.
    pub fn to_html(&self, options: &HtmlOptions) -> String {
        let mut h = String::with_capacity(16 * 1024 + self.records.len() * 400);
        let lang = if options
            .lang
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-')
            && !options.lang.is_empty()
        {
            options.lang.as_str()
        } else {
            "en"
        };
        let _ = write!(
            h,
            "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n<meta http-equiv=\"Content-Security-Policy\" content=\"{HTML_CSP}\">\n<meta name=\"referrer\" content=\"no-referrer\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>Your data held by Vonage — {}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<h1>Your data held by our communications provider, Vonage</h1>\n",
            esc(&self.controller.name)
        );
        self.summary_section(&mut h);
        self.coverage_section(&mut h);
        self.processing_section(&mut h);
        self.records_section(&mut h, options);
        self.not_found_section(&mut h);
        self.withheld_section(&mut h);
        self.rights_section(&mut h);
        self.glossary_section(&mut h);
        self.appendix_section(&mut h);
        h.push_str("</body>\n</html>\n");
        h
    }

    fn summary_section(&self, h: &mut String) {
        let c = &self.confirmation;
        let sentence = if c.vonage_holds_data {
            format!(
                "Our communications provider Vonage holds {} record{} about you, from {} to {}.",
                c.record_count,
                if c.record_count == 1 { "" } else { "s" },
                esc(self
                    .summary
                    .first_record_at
                    .as_deref()
                    .and_then(|t| t.get(..10))
                    .unwrap_or("?")),
                esc(self
                    .summary
                    .last_record_at
                    .as_deref()
                    .and_then(|t| t.get(..10))
                    .unwrap_or("?")),
            )
        } else {
            "Our communications provider Vonage holds no records about you.".into()
        };
        let r = &self.request;
        let method = serde_json::to_value(r.verification.method).ok();
        let method = method.as_ref().and_then(|v| v.as_str()).unwrap_or("");
        let _ = write!(
            h,
            "<section id=\"summary\">\n<h2>{}</h2>\n<p>{sentence}</p>\n<dl>\n<dt>Request</dt><dd>{}</dd>\n<dt>Received</dt><dd>{}</dd>\n<dt>Due</dt><dd>{}</dd>\n<dt>Identity checked by</dt><dd>{} at {}</dd>\n",
            HTML_SECTIONS[0],
            esc(&r.request_id),
            r.received_on,
            r.extended_due_on.unwrap_or(r.due_on),
            esc(method),
            esc(&r.verification.verified_at),
        );
        if let Some(reason) = &r.verification.reason {
            let _ = write!(
                h,
                "<dt>Identity not verified because</dt><dd>{}</dd>\n",
                esc(reason)
            );
        }
        h.push_str("</dl>\n</section>\n");
    }

    fn coverage_section(&self, h: &mut String) {
        let _ = write!(
            h,
            "<section id=\"coverage\">\n<h2>{}</h2>\n<p>Vonage processes these communications for {} as its processor. We searched Vonage's records from {} to {} for:</p>\n<ul>\n",
            HTML_SECTIONS[1],
            esc(&self.controller.name),
            esc(&self.request.scope.from),
            esc(&self.request.scope.to)
        );
        for i in &self.subject.identifiers {
            let _ = writeln!(h, "<li>{} <bdi>{}</bdi></li>", esc(&i.kind), esc(&i.value));
        }
        h.push_str("<li>the message, call and request ids we noted about you</li>\n</ul>\n<h3>What we could not search</h3>\n<ul>\n");
        for g in &self.gaps {
            let _ = writeln!(h, "<li>{}</li>", esc(&g.detail));
        }
        h.push_str("</ul>\n</section>\n");
    }

    fn processing_section(&self, h: &mut String) {
        let p = &self.processing;
        let _ = write!(
            h,
            "<section id=\"processing\">\n<h2>{}</h2>\n<dl>\n",
            HTML_SECTIONS[2]
        );
        let lists: [(&str, &Vec<String>); 6] = [
            ("Purposes", &p.purposes),
            ("Legal bases", &p.legal_bases),
            ("Categories of data", &p.categories),
            ("Recipients", &p.recipients),
            ("How long it is kept", &p.retention),
            ("Where it comes from", &p.sources),
        ];
        let categories: Vec<String> = p.categories.iter().map(|c| category_words(c)).collect();
        let lists: [(&str, &Vec<String>); 6] = [
            lists[0],
            lists[1],
            ("Categories of data", &categories),
            lists[3],
            lists[4],
            lists[5],
        ];
        for (label, items) in lists {
            let _ = write!(
                h,
                "<dt>{label}</dt><dd>{}</dd>\n",
                items.iter().map(|i| esc(i)).collect::<Vec<_>>().join("; ")
            );
        }
        let _ = write!(
            h,
            "<dt>Automated decisions</dt><dd>{}</dd>\n<dt>Transfers outside the EEA</dt><dd>{}</dd>\n</dl>\n</section>\n",
            esc(&p.automated_decisions),
            esc(&p.transfers)
        );
    }

    fn not_found_section(&self, h: &mut String) {
        let _ = write!(
            h,
            "<section id=\"not-found\">\n<h2>{}</h2>\n",
            HTML_SECTIONS[4]
        );
        if self.not_found.is_empty() {
            h.push_str("<p>None.</p>\n");
        } else {
            h.push_str("<table>\n<caption>Records we noted</caption>\n<tr><th scope=\"col\">Kind</th><th scope=\"col\">Noted on</th><th scope=\"col\">What happened</th></tr>\n");
            for n in &self.not_found {
                let why = match n.reason {
                    crate::access::plan::NotFoundReason::BeyondRetention => {
                        "deleted after Vonage's 13-month retention"
                    }
                    crate::access::plan::NotFoundReason::NotInVonage => "not found",
                    crate::access::plan::NotFoundReason::DeferredTooYoung => {
                        "too recent to search yet"
                    }
                    crate::access::plan::NotFoundReason::UnavailableSource => {
                        "could not be searched"
                    }
                    crate::access::plan::NotFoundReason::OutOfScope => {
                        "outside the period you asked about"
                    }
                    crate::access::plan::NotFoundReason::NotQueried => {
                        "not searched by this release"
                    }
                };
                let day = crate::access::wire_time::format_rfc3339(n.created_at, false);
                let _ = write!(
                    h,
                    "<tr><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                    esc(&n.product),
                    esc(day.get(..10).unwrap_or("")),
                    esc(why)
                );
            }
            h.push_str("</table>\n");
        }
        h.push_str("</section>\n");
    }

    fn withheld_section(&self, h: &mut String) {
        let _ = write!(
            h,
            "<section id=\"withheld\">\n<h2>{}</h2>\n",
            HTML_SECTIONS[5]
        );
        if self.summary.withheld.is_empty() {
            h.push_str("<p>Nothing was withheld.</p>\n");
        } else {
            h.push_str("<ul>\n");
            for (reason, n) in &self.summary.withheld {
                let words = match reason.as_str() {
                    "third_party" => "details of other people (their phone numbers)",
                    "policy" => "details withheld under our policy",
                    _ => "details withheld after review",
                };
                let _ = writeln!(h, "<li>{n} × {words}</li>");
            }
            h.push_str("</ul>\n");
        }
        h.push_str("</section>\n");
    }

    fn rights_section(&self, h: &mut String) {
        let c = &self.processing.complaint;
        let _ = write!(
            h,
            "<section id=\"rights\">\n<h2>{}</h2>\n<p>{}</p>\n<p>You can complain to {} (<bdi>{}</bdi>).</p>\n</section>\n",
            HTML_SECTIONS[6],
            esc_text(&self.processing.rights),
            esc(&c.authority),
            esc(&c.url)
        );
    }

    fn glossary_section(&self, h: &mut String) {
        let _ = write!(
            h,
            "<section id=\"glossary\">\n<h2>{}</h2>\n<dl>\n",
            HTML_SECTIONS[7]
        );
        for (name, d) in &self.field_dictionary {
            let _ = write!(
                h,
                "<dt>{} <code>{}</code></dt><dd>{}{}</dd>\n",
                esc(&d.label),
                esc(name),
                esc(&d.description),
                if d.derived {
                    " (computed by Vonage)"
                } else {
                    ""
                }
            );
        }
        h.push_str("</dl>\n</section>\n");
    }

    fn appendix_section(&self, h: &mut String) {
        let _ = write!(h, "<section id=\"appendix\">\n<h2>{}</h2>\n<table>\n<caption>Sources searched</caption>\n<tr><th scope=\"col\">System</th><th scope=\"col\">Account</th><th scope=\"col\">Product</th><th scope=\"col\">Direction</th><th scope=\"col\">Search</th><th scope=\"col\">Requests</th><th scope=\"col\">Records kept</th><th scope=\"col\">Rows discarded</th><th scope=\"col\">State</th></tr>\n", HTML_SECTIONS[8]);
        for s in &self.sources {
            let _ = write!(
                h,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                esc(&s.system), esc(&s.account_id), esc(&s.product), esc(s.direction.as_deref().unwrap_or("")), esc(&s.strategy), s.requests, s.records_kept, s.rows_discarded, esc(&s.state)
            );
        }
        let sig = self.integrity.signature.as_ref();
        let _ = write!(
            h,
            "</table>\n<dl>\n<dt>Report id</dt><dd>{}</dd>\n<dt>records_sha256</dt><dd><code>{}</code></dd>\n<dt>Signature ({})</dt><dd><code>{}</code></dd>\n<dt>Signed by (public key)</dt><dd><code>{}</code></dd>\n<dt>Made by</dt><dd>{}</dd>\n</dl>\n</section>\n",
            esc(&self.report_id),
            esc(&self.integrity.records_sha256),
            esc(sig.map_or("unsigned", |s| s.algorithm.as_str())),
            esc(sig.map_or("", |s| s.value.as_str())),
            esc(sig.map_or("", |s| s.public_key.as_str())),
            crate::vonage::http::USER_AGENT,
        );
    }
}

/// Plain words for the category codes of §12.6; a controller's own categories pass as written.
fn category_words(code: &str) -> String {
    match code {
        "phone_number" => "your phone number",
        "message_content" => "the text of messages",
        "communication_metadata" => {
            "when and how you were contacted (times, status, network, country)"
        }
        "call_data" => "call details (duration, status)",
        "verification_data" => "verification requests",
        "number_lookup_data" => "number lookups about your number",
        "carrier_registered_name" => "the name your mobile operator has on record for your number",
        other => other,
    }
    .to_owned()
}
