//! The report as one self-contained HTML page for the person (access.md §15.3): no script, no
//! external resource, a strict CSP in the page, every value escaped, text isolated for
//! direction (`<bdi>`), controls shown as U+FFFD, print CSS; the nine sections in their order.

// One `write!` per line of markup, each ending in its own `\n`: easier to read than `writeln!`
// with the newline implied.
#![allow(clippy::write_with_newline)]

use crate::access::html_text::{esc, esc_text, HTML_CSP, STYLE};
use crate::access::record::{AccessRecord, ContentState, Party, RecordFamily};
use crate::access::report::AccessReport;
use crate::vonage::product::Direction;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
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

fn when(at: &Option<String>, offset: Option<i32>) -> String {
    let Some(t) = at else { return String::new() };
    let utc = format!(
        "{} {} UTC",
        t.get(..10).unwrap_or(t),
        t.get(11..16).unwrap_or("")
    );
    let local = offset.and_then(|m| {
        let ms = crate::access::wire_time::parse_wire_time(t)?.at as i64 + i64::from(m) * 60_000;
        let shifted = crate::access::wire_time::format_rfc3339(u64::try_from(ms).ok()?, false);
        let sign = if m < 0 { '-' } else { '+' };
        let (h, mm) = (m.unsigned_abs() / 60, m.unsigned_abs() % 60);
        let zone = if mm == 0 {
            format!("UTC{sign}{h}")
        } else {
            format!("UTC{sign}{h}:{mm:02}")
        };
        Some(format!(" ({} {zone})", shifted.get(11..16)?))
    });
    format!("{utc}{}", local.unwrap_or_default())
}

fn party(p: &Party) -> String {
    if p.withheld.is_some() {
        return "<span class=\"badge\">withheld (another person)</span>".into();
    }
    let mut out = format!("<bdi>{}</bdi>", esc(p.value.as_deref().unwrap_or("")));
    if p.redacted {
        out = "<span class=\"badge\">redacted</span>".into();
    }
    out
}

fn group_title(family: RecordFamily, direction: Option<Direction>) -> &'static str {
    match (family, direction) {
        (RecordFamily::Sms | RecordFamily::Message, Some(Direction::Inbound)) => {
            "Messages you sent us"
        }
        (RecordFamily::Sms | RecordFamily::Message, _) => "Messages we sent you",
        (RecordFamily::Call, _) => "Calls",
        (RecordFamily::Verification, _) => "Verification codes",
        (RecordFamily::NumberLookup, _) => "Number lookups",
        (RecordFamily::Conversation, _) => "Conversations",
        (RecordFamily::Recording, _) => "Recordings",
    }
}

fn text_cell(r: &AccessRecord) -> String {
    match r.content.state {
        ContentState::Present => {
            let t = r.content.text.as_deref().unwrap_or("");
            let body = format!("<bdi dir=\"auto\">{}</bdi>", esc_text(t));
            if t.chars().count() > 280 {
                format!("<details><summary>Show text</summary>{body}</details>")
            } else {
                body
            }
        }
        ContentState::Redacted => "<span class=\"badge\">redacted</span>".into(),
        ContentState::Withheld => "<span class=\"badge\">withheld</span>".into(),
        ContentState::NotRequested | ContentState::None => String::new(),
    }
}

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

    fn records_section(&self, h: &mut String, o: &HtmlOptions) {
        let _ = write!(
            h,
            "<section id=\"records\">\n<h2>{}</h2>\n",
            HTML_SECTIONS[3]
        );
        let mut groups: BTreeMap<(&str, usize), Vec<&AccessRecord>> = BTreeMap::new();
        let order = |r: &AccessRecord| {
            RecordFamily::ALL
                .iter()
                .position(|f| *f == r.family)
                .unwrap_or(0)
                * 2
                + usize::from(r.direction == Some(Direction::Outbound))
        };
        for r in &self.records {
            let title = group_title(r.family, r.direction);
            groups.entry((title, order(r))).or_default().push(r);
        }
        let mut sorted: Vec<_> = groups.into_iter().collect();
        sorted.sort_by_key(|((_, o), _)| *o);
        if sorted.is_empty() {
            h.push_str("<p>No records.</p>\n");
        }
        for (gi, ((title, _), records)) in sorted.into_iter().enumerate() {
            let _ = write!(h, "<h3>{title}</h3>\n");
            if records.len() > o.html_max_records_inline {
                let mut months: BTreeMap<String, u64> = BTreeMap::new();
                for r in &records {
                    let m = r
                        .occurred_at
                        .as_deref()
                        .and_then(|t| t.get(..7))
                        .unwrap_or("undated");
                    *months.entry(m.to_owned()).or_default() += 1;
                }
                let _ = write!(h, "<p>{} records: too many to list here; see the JSON and CSV files.</p>\n<table>\n<caption>{title}: records per month</caption>\n<tr><th scope=\"col\">Month</th><th scope=\"col\">Records</th></tr>\n", records.len());
                for (m, n) in months {
                    let _ = write!(h, "<tr><td>{}</td><td>{n}</td></tr>\n", esc(&m));
                }
                h.push_str("</table>\n");
                continue;
            }
            let _ = write!(h, "<table>\n<caption>{title}</caption>\n<tr><th scope=\"col\">Date and time</th><th scope=\"col\">From</th><th scope=\"col\">To</th><th scope=\"col\">Text</th><th scope=\"col\">Status</th><th scope=\"col\">Duration</th></tr>\n");
            let mut month = String::new();
            for r in records {
                let m = r
                    .occurred_at
                    .as_deref()
                    .and_then(|t| t.get(..7))
                    .unwrap_or("undated")
                    .to_owned();
                if m != month {
                    let _ = write!(
                        h,
                        "<tr><th scope=\"colgroup\" colspan=\"6\" id=\"g{gi}-{}\">{}</th></tr>\n",
                        esc(&m),
                        esc(&m)
                    );
                    month = m;
                }
                let _ = write!(
                    h,
                    "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                    esc(&when(&r.occurred_at, o.time_zone_offset_minutes)),
                    party(&r.from),
                    party(&r.to),
                    text_cell(r),
                    esc(r.status.value.as_deref().unwrap_or("")),
                    r.duration_s.map(|d| format!("{d} s")).unwrap_or_default(),
                );
            }
            h.push_str("</table>\n");
        }
        h.push_str("</section>\n");
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
