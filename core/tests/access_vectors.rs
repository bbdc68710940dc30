//! Replays `tests/vectors/access_*.json` through the public API (Node and Python will replay
//! the same files once the hosts wire subject access). Each case is `{name, op, input, expect,
//! check?}`: `check` is `exact` (default: the whole result equals `expect`), `pointers`
//! (`expect` maps JSON pointers into the result to values) or `html` (structural checks).

use base64::Engine;
use erasekit_core::{
    download_file_id, filter_rows, interpret_access_response, link_ledger, merge_records,
    normalise_record, normalise_wire_time, parse_report_csv, read_report_archive,
    report_status_request, AccessEndpoint, AccessPlan, AccessPlanInput, AccessQuery, AccessReport,
    ApiBase, ArchiveLimits, CivilDate, ControllerInfo, Credentials, CredentialsInput, CsvLimits,
    CsvOptions, DueDates, Gap, HtmlOptions, HttpRequest, HttpResponse, LedgerEntry, NextPage,
    ProcessingInfo, RecordSource, ReportParts, SourceRecord, SubjectFilter, SubjectMatch, HTML_CSP,
    HTML_SECTIONS,
};
use serde_json::{json, Value};
use std::path::PathBuf;

fn vectors_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors")
}

fn from<T: serde::de::DeserializeOwned>(v: &Value) -> T {
    serde_json::from_value(v.clone()).unwrap_or_else(|e| panic!("vector input {v}: {e}"))
}

fn err(e: erasekit_core::Error) -> Value {
    json!({ "error": e.code() })
}

fn request_json(r: &HttpRequest) -> Value {
    json!({
        "method": r.method,
        "url": r.url,
        "headers": r.headers,
        "body": String::from_utf8_lossy(&r.body),
    })
}

fn credentials(v: &Value) -> Credentials {
    Credentials::new(CredentialsInput {
        api_key: v["api_key"].as_str().map(str::to_owned),
        api_secret: v["api_secret"].as_str().map(str::to_owned),
        ..Default::default()
    })
    .expect("credentials")
}

fn base(v: &Value) -> ApiBase {
    match v.as_str() {
        Some(url) => ApiBase::new(url).expect("base"),
        None => ApiBase::default(),
    }
}

fn response(v: &Value) -> HttpResponse {
    let body = match (v.get("body"), v.get("body_json")) {
        (Some(Value::String(s)), _) => s.clone().into_bytes(),
        (_, Some(j)) => j.to_string().into_bytes(),
        _ => Vec::new(),
    };
    HttpResponse {
        status: v["status"].as_u64().expect("status") as u16,
        headers: from(v.get("headers").unwrap_or(&json!({}))),
        body,
    }
}

fn bytes(v: &Value) -> Vec<u8> {
    match (v.get("base64"), v.get("text")) {
        (Some(Value::String(b)), _) => base64::engine::general_purpose::STANDARD
            .decode(b)
            .expect("base64"),
        (_, Some(Value::String(t))) => t.clone().into_bytes(),
        _ => {
            let r = &v["repeat"];
            let head = r["head"].as_str().unwrap_or_default();
            let chunk = r["chunk"].as_str().expect("chunk");
            let times = r["times"].as_u64().expect("times") as usize;
            format!("{head}{}", chunk.repeat(times)).into_bytes()
        }
    }
}

/// Builds a report from a `render` case's input.
fn report(input: &Value) -> AccessReport {
    let plan_input: AccessPlanInput = from(&input["plan"]);
    let plan = AccessPlan::new(&plan_input).expect("plan");
    let subject: SubjectMatch = from(&input["subject"]);
    let mut records = Vec::new();
    for found in input["found"].as_array().expect("found") {
        let source: RecordSource = from(&found["source"]);
        for raw in found["raw"].as_array().expect("raw") {
            records.push(normalise_record(from(raw), &source, &subject));
        }
    }
    let mut records = merge_records(records);
    link_ledger(&mut records, &plan_input.entries);
    let sources: Vec<SourceRecord> = from(&input["sources"]);
    let gaps: Vec<Gap> = from(input.get("gaps").unwrap_or(&json!([])));
    let mut report = AccessReport::build(ReportParts {
        plan: &plan,
        request: &plan_input.request,
        report_id: input["report_id"].as_str().expect("report_id").to_owned(),
        generated_at: input["generated_at"].as_u64().expect("generated_at"),
        subject_hash: input["subject_hash"].as_str().expect("hash").to_owned(),
        controller: from::<ControllerInfo>(&input["controller"]),
        processing: from::<ProcessingInfo>(&input["processing"]),
        records,
        not_found: from(input.get("not_found").unwrap_or(&json!([]))),
        sources,
        gaps,
    });
    let key = hex32(input["signing_key_hex"].as_str().expect("key"));
    report.sign(&key).expect("sign");
    report
}

fn hex32(s: &str) -> Vec<u8> {
    (0..s.len() / 2)
        .map(|i| u8::from_str_radix(&s[2 * i..2 * i + 2], 16).expect("hex"))
        .collect()
}

fn run(op: &str, input: &Value) -> Value {
    match op {
        "plan" => {
            let plan_input: AccessPlanInput = from(input);
            match AccessPlan::new(&plan_input) {
                Ok(plan) => json!({ "plan": plan, "estimate": plan.estimate() }),
                Err(e) => err(e),
            }
        }
        "due" => {
            let received = CivilDate::parse(input["received_on"].as_str().expect("received_on"));
            let started = input["clock_started_on"]
                .as_str()
                .map(|s| CivilDate::parse(s).expect("date"));
            match received {
                Ok(r) => json!(DueDates::compute(
                    r,
                    started,
                    input["extended"].as_bool().unwrap_or(false)
                )),
                Err(e) => err(e),
            }
        }
        "second_try" => {
            let q: AccessQuery = from(&input["query"]);
            let ids: Vec<String> = from(&input["ids_not_found"]);
            json!(q.second_try(&ids, input["next_query"].as_u64().unwrap_or(0) as u32))
        }
        "fallback" => {
            let q: AccessQuery = from(&input["query"]);
            let pair = |p: Option<(AccessQuery, AccessQuery)>| json!(p.map(|(a, b)| vec![a, b]));
            let result = match input["action"].as_str().expect("action") {
                "split_halves" => pair(q.split_halves()),
                "halve_window" => pair(q.halve_window()),
                "as_sync_windows" => json!(q.as_sync_windows(
                    input["width"].as_u64().expect("width"),
                    &from::<Vec<String>>(&input["accounts"]),
                    input["next_query"].as_u64().unwrap_or(0) as u32
                )),
                "conversations_retry" => json!(q.conversations_retry()),
                other => panic!("unknown fallback {other}"),
            };
            json!({ "result": result })
        }
        "request" => {
            let q: AccessQuery = from(&input["query"]);
            let b = base(&input["base"]);
            let c = credentials(&input["credentials"]);
            let result = match input.get("next") {
                Some(n) => {
                    let next = NextPage::choose(
                        n["href"].as_str(),
                        n["cursor"].as_str(),
                        n["iv"].as_str(),
                        &b,
                    );
                    match next {
                        Some(next) => q.next_page_request(&next, &b, &c),
                        None => return json!({ "next": null }),
                    }
                }
                None => q.to_http(&b, &c),
            };
            match result {
                Ok(r) => request_json(&r),
                Err(e) => err(e),
            }
        }
        "report_status_request" => {
            let b = base(&input["base"]);
            let c = credentials(&input["credentials"]);
            match report_status_request(&b, &c, input["request_id"].as_str().expect("id")) {
                Ok(r) => request_json(&r),
                Err(e) => err(e),
            }
        }
        "download_file_id" => {
            let b = base(&input["base"]);
            match download_file_id(
                input["href"].as_str().expect("href"),
                b.url(erasekit_core::ApiFamily::Reports),
            ) {
                Ok(id) => json!({ "file_id": id }),
                Err(e) => err(e),
            }
        }
        "interpret" => {
            let endpoint: AccessEndpoint = from(&input["endpoint"]);
            let now = input["now"].as_u64().unwrap_or(0);
            json!(interpret_access_response(
                endpoint,
                &response(&input["response"]),
                now
            ))
        }
        "time" => json!(normalise_wire_time(input.as_str().expect("text"))),
        "normalise" => {
            let source: RecordSource = from(&input["source"]);
            let subject: SubjectMatch = from(&input["subject"]);
            let mut records = vec![normalise_record(from(&input["raw"]), &source, &subject)];
            if let Some(entries) = input.get("ledger") {
                let entries: Vec<LedgerEntry> = from(entries);
                link_ledger(&mut records, &entries);
            }
            json!(records[0])
        }
        "row_filter" => {
            let filter: Option<SubjectFilter> = from(&input["filter"]);
            let subject: SubjectMatch = from(&input["subject"]);
            let rows = from(&input["rows"]);
            let (kept, discarded) = filter_rows(rows, filter.as_ref(), &subject);
            json!({ "kept": kept, "discarded": discarded })
        }
        "archive" => {
            let limits: ArchiveLimits = from(input.get("limits").unwrap_or(&json!({})));
            match read_report_archive(&bytes(&input["zip"]), &limits) {
                Ok(a) => json!({
                    "csv": a.csv.iter().map(|e| json!({
                        "name": e.name,
                        "text": String::from_utf8_lossy(&e.bytes),
                    })).collect::<Vec<_>>(),
                    "ignored_entries": a.ignored_entries,
                }),
                Err(e) => err(e),
            }
        }
        "csv" => {
            let limits: CsvLimits = from(input.get("limits").unwrap_or(&json!({})));
            match parse_report_csv(&bytes(&input["csv"]), &limits) {
                Ok(t) => json!({ "header": t.header, "rows": t.rows, "truncated": t.truncated }),
                Err(e) => err(e),
            }
        }
        "render" => {
            let r = report(input);
            let html: HtmlOptions = from(input.get("html").unwrap_or(&json!({})));
            let csv: CsvOptions = from(input.get("csv").unwrap_or(&json!({})));
            let files = r.to_csv_files(csv).expect("csv");
            json!({
                "json": r.to_canonical_json().expect("json"),
                "csv": files.iter().map(|(k, v)| (k.clone(), Value::String(String::from_utf8_lossy(v).into_owned()))).collect::<serde_json::Map<_, _>>(),
                "html": r.to_html(&html),
                "entries": r.discovered_entries(),
                "receipt": r.receipt(Some(1_773_400_000_000), &hex32(input["signing_key_hex"].as_str().expect("key"))).expect("receipt"),
            })
        }
        other => panic!("unknown op {other}"),
    }
}

fn pointer_checks(got: &Value, expect: &Value) -> Vec<String> {
    let mut out = Vec::new();
    for (pointer, want) in expect.as_object().expect("pointers") {
        let have = got.pointer(pointer).unwrap_or(&Value::Null);
        if have != want {
            out.push(format!("{pointer}: expected {want} got {have}"));
        }
    }
    out
}

/// Structural checks on the HTML of a render case.
fn html_checks(got: &Value, expect: &Value) -> Vec<String> {
    let html = got["html"].as_str().unwrap_or_default();
    let mut out = Vec::new();
    let csp = format!("<meta http-equiv=\"Content-Security-Policy\" content=\"{HTML_CSP}\">");
    if !html.contains(&csp) {
        out.push("no CSP meta".into());
    }
    let lower = html.to_ascii_lowercase();
    for banned in [
        "<script", "<img", "<iframe", "<link", "<object", "<embed", "<a ", "@import", "url(",
    ] {
        if lower.contains(banned) {
            out.push(format!("contains {banned}"));
        }
    }
    // Inside every real tag (data is escaped, so every `<` starts markup erasekit wrote): no
    // attribute that loads or runs anything.
    for tag in lower.split('<').skip(1).filter_map(|t| t.split('>').next()) {
        for attr in [" src=", " href=", " on", "javascript:", " style="] {
            if tag.contains(attr) {
                out.push(format!("a tag has {attr}: <{tag}>"));
            }
        }
    }
    let mut at = 0;
    for section in HTML_SECTIONS {
        match html[at..].find(&format!("<h2>{section}</h2>")) {
            Some(i) => at += i,
            None => out.push(format!("section {section:?} missing or out of order")),
        }
    }
    if html.matches("<h1>").count() != 1 {
        out.push("not exactly one <h1>".into());
    }
    for s in expect["contains"].as_array().into_iter().flatten() {
        if !html.contains(s.as_str().unwrap_or_default()) {
            out.push(format!("missing {s}"));
        }
    }
    for s in expect["absent"].as_array().into_iter().flatten() {
        if html.contains(s.as_str().unwrap_or_default()) {
            out.push(format!("contains {s}"));
        }
    }
    out.extend(pointer_checks(got, &expect["pointers"]));
    out
}

fn replay(file: &str) -> usize {
    let path = vectors_dir().join(file);
    let text = std::fs::read_to_string(&path).expect("vector file");
    let mut doc: Value = serde_json::from_str(&text).expect("vector JSON");
    let bless = std::env::var("ACCESS_BLESS").is_ok();
    let mut failures = Vec::new();
    let mut blessed = false;
    let cases = doc["cases"].as_array_mut().expect("cases");
    for case in cases.iter_mut() {
        let got = run(case["op"].as_str().expect("op"), &case["input"]);
        let name = case["name"].clone();
        if bless && case.get("expect").map_or(true, Value::is_null) {
            case["expect"] = got;
            blessed = true;
            continue;
        }
        let problems = match case.get("check").and_then(Value::as_str) {
            Some("pointers") => pointer_checks(&got, &case["expect"]),
            Some("html") => html_checks(&got, &case["expect"]),
            _ if got == case["expect"] => Vec::new(),
            _ => vec![format!("expected {} got {}", case["expect"], got)],
        };
        failures.extend(problems.into_iter().map(|p| format!("{name}: {p}")));
    }
    let n = cases.len();
    if blessed {
        let text = serde_json::to_string_pretty(&doc).expect("json") + "\n";
        std::fs::write(&path, text).expect("write");
    }
    assert!(failures.is_empty(), "{file}:\n{}", failures.join("\n"));
    n
}

#[test]
fn access_vectors() {
    let files = [
        "access_plan.json",
        "access_requests.json",
        "access_interpret.json",
        "access_normalise.json",
        "access_archive.json",
        "access_render.json",
    ];
    let total: usize = files.iter().map(|f| replay(f)).sum();
    assert!(total >= 60, "only {total} access vector cases");
}
