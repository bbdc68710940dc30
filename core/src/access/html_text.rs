//! Escaping for the HTML report: every value from Vonage or the host goes through here.

/// The page's Content-Security-Policy: nothing loads, nothing runs; inline CSS only.
pub const HTML_CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

/// Inline CSS: readable, contrast ≥ 4.5:1, tables break by row when printed.
pub(crate) const STYLE: &str = "body{font-family:system-ui,sans-serif;color:#1a1a1a;background:#fff;max-width:72rem;margin:2rem auto;padding:0 1rem;line-height:1.5}table{border-collapse:collapse;width:100%;margin:1rem 0}caption{text-align:left;font-weight:600}th,td{border:1px solid #767676;padding:.25rem .5rem;text-align:left;vertical-align:top}bdi{unicode-bidi:isolate;white-space:pre-wrap}.badge{border:1px solid #1a1a1a;border-radius:.25rem;padding:0 .25rem;font-size:.85em}code{word-break:break-all}@media print{body{margin:0;max-width:none}tr{break-inside:avoid}details{display:block}}";

/// Escapes `& < > " '` and replaces C0/C1 controls (tab and newline too) with U+FFFD.
pub(crate) fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        push(&mut out, c, false);
    }
    out
}

/// As [`esc`], but newlines become `<br>` and tabs stay (message bodies).
pub(crate) fn esc_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let text = text.replace("\r\n", "\n");
    for c in text.chars() {
        push(&mut out, c, true);
    }
    out
}

fn push(out: &mut String, c: char, body: bool) {
    match c {
        '&' => out.push_str("&amp;"),
        '<' => out.push_str("&lt;"),
        '>' => out.push_str("&gt;"),
        '"' => out.push_str("&quot;"),
        '\'' => out.push_str("&#39;"),
        '\n' if body => out.push_str("<br>"),
        '\t' if body => out.push('\t'),
        c if c.is_control() => out.push('\u{FFFD}'),
        c => out.push(c),
    }
}
