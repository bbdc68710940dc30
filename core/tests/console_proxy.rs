//! Replays `tests/vectors/console_proxy.json` (the console proxy's allow-list) through the
//! public API, checks that no credential is ever echoed, and that no admitted call goes to a
//! host outside the configured bases (a property test).

use erasekit_core::{
    AdmittedCall, ApiBase, ApiBaseInput, ApiFamily, ConsoleProxy, Credentials, CredentialsInput,
    Error, HttpRequest, JobKind, ProxyCall,
};
use proptest::prelude::*;
use serde_json::{json, Value};
use std::path::PathBuf;

fn vectors_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors")
}

fn load() -> Value {
    let text = std::fs::read_to_string(vectors_dir().join("console_proxy.json")).expect("vectors");
    serde_json::from_str(&text).expect("vector JSON")
}

fn proxy(defaults: &Value) -> ConsoleProxy {
    let input: ApiBaseInput = serde_json::from_value(defaults["base"].clone()).expect("base");
    ConsoleProxy::new(ApiBase::from_input(&input).expect("base"))
}

fn credentials(defaults: &Value) -> Credentials {
    let spec = &defaults["credentials"];
    let text = |k: &str| spec[k].as_str().map(str::to_owned);
    let file = text("private_key_file").expect("key file");
    Credentials::new(CredentialsInput {
        api_key: text("api_key"),
        api_secret: text("api_secret"),
        application_id: text("application_id"),
        private_key: Some(std::fs::read_to_string(vectors_dir().join(file)).expect("key")),
    })
    .expect("credentials")
}

/// Everything of a request as text, to search for values that must not be there.
fn all_text(request: &HttpRequest) -> String {
    format!(
        "{} {} {:?} {}",
        request.method,
        request.url,
        request.headers,
        String::from_utf8_lossy(&request.body)
    )
}

fn check_admitted(name: &str, admitted: &AdmittedCall, expect: &Value, defaults: &Value) {
    let entropy: Vec<u8> = serde_json::from_value(defaults["entropy"].clone()).expect("entropy");
    let now = defaults["now"].as_u64().expect("now");
    let request = admitted
        .to_http(&credentials(defaults), now, &entropy)
        .unwrap_or_else(|e| panic!("{name}: to_http: {e}"));
    let want = &expect["request"];
    assert_eq!(request.method, want["method"].as_str().unwrap(), "{name}");
    assert_eq!(request.url, want["url"].as_str().unwrap(), "{name}");
    assert_eq!(
        request.headers.get("accept").map(|v| v.as_ref()),
        want["accept"].as_str(),
        "{name}"
    );
    let auth = request.headers.get("authorization").map(|v| v.as_ref());
    match want["authorization"].as_str() {
        Some("Bearer") => assert!(auth.is_some_and(|a| a.starts_with("Bearer ey")), "{name}"),
        Some(exact) => assert_eq!(auth, Some(exact), "{name}"),
        None => assert_eq!(auth, None, "{name}"),
    }
    // Only the core's own headers: nothing the page set survives.
    for key in request.headers.keys() {
        assert!(
            ["accept", "authorization", "content-type", "user-agent"].contains(&key.as_ref()),
            "{name}: header {key}"
        );
    }
    match want.get("body_json") {
        Some(body) => {
            let sent: Value = serde_json::from_slice(&request.body).expect("JSON body");
            assert_eq!(&sent, body, "{name}");
            if let Some(text) = want["body_text"].as_str() {
                assert_eq!(String::from_utf8_lossy(&request.body), text, "{name}");
            }
        }
        None => assert!(request.body.is_empty(), "{name}"),
    }
    let page_auth = defaults["page_authorization"].as_str().unwrap();
    assert!(
        !all_text(&request).contains(page_auth),
        "{name}: page auth forwarded"
    );
    let status = defaults["status"].as_u64().map(|s| s as u16);
    let operator = defaults["operator"].as_str().unwrap();
    let line = admitted.audit(operator, now, status).expect("audit");
    let mut want_audit = expect["audit"].clone();
    want_audit["base"] = json!(admitted_base(admitted, defaults));
    assert_eq!(serde_json::to_value(&line).unwrap(), want_audit, "{name}");
    let secret = defaults["secret"].as_str().unwrap();
    let text = line.text();
    assert!(
        !text.contains(secret) && !text.contains(page_auth),
        "{name}: {text}"
    );
    assert!(
        !text.contains('\n') && text.contains(line.path.as_str()),
        "{name}: {text}"
    );
}

fn admitted_base(admitted: &AdmittedCall, defaults: &Value) -> String {
    let input: ApiBaseInput = serde_json::from_value(defaults["base"].clone()).expect("base");
    let base = ApiBase::from_input(&input).expect("base");
    base.url(admitted.family()).to_owned()
}

#[test]
fn console_proxy_vectors() {
    let doc = load();
    let defaults = &doc["defaults"];
    let proxy = proxy(defaults);
    let cases = doc["cases"].as_array().expect("cases");
    assert!(cases.len() >= 60);
    for case in cases {
        let name = case["name"].as_str().expect("name");
        let call: ProxyCall = serde_json::from_value(case["call"].clone()).expect("call");
        let result = proxy.admit(&call);
        if let Some(expect) = case.get("admitted") {
            let admitted = result.unwrap_or_else(|e| panic!("{name}: refused: {e}"));
            check_admitted(name, &admitted, expect, defaults);
        } else {
            let err = match result {
                Ok(a) => panic!("{name}: admitted {} {}", a.method(), a.path()),
                Err(e) => e,
            };
            let want = &case["refused"];
            assert_eq!(err.code(), want["code"].as_str().unwrap(), "{name}: {err}");
            assert_eq!(err.details()["rule"], want["rule"], "{name}: {err}");
            let shown = format!("{err} {err:?} {}", err.details());
            let page_auth = defaults["page_authorization"].as_str().unwrap();
            assert!(!shown.contains(page_auth), "{name}: {shown}");
            assert!(!shown.contains("page-secret"), "{name}: {shown}");
        }
    }
}

fn erasure(call_url: &str, method: &str, body: &str) -> ProxyCall {
    serde_json::from_value(json!({
        "kind": "erasure", "job_id": "j",
        "request": { "method": method, "url": call_url, "headers": {}, "body": body }
    }))
    .expect("call")
}

#[test]
fn a_planned_call_passes_and_another_is_refused() {
    use erasekit_core::{ErasurePlan, LedgerEntry, PlanOptions};
    let now = 1_700_000_000_000;
    let entries = LedgerEntry::list_from_value(&json!([{"kind": "recording", "product": null,
        "direction": null, "id": "m-1", "created_at": now - 7_200_000, "source": "test",
        "extra": {}}]))
    .expect("entries");
    let plan = ErasurePlan::new(
        "user-1",
        b"0123456789abcdef",
        &entries,
        now,
        None,
        PlanOptions::default(),
    )
    .expect("plan");
    let proxy = ConsoleProxy::new(ApiBase::default());
    let admit = |id: &str| {
        proxy
            .admit(&erasure(
                &format!("https://api.nexmo.com/v3/media/{id}"),
                "DELETE",
                "",
            ))
            .expect("shape")
    };
    assert_eq!(admit("m-1").check_planned(&plan), Ok(()));
    let probe = erasekit_core::PROBE_MEDIA_ID;
    assert_eq!(admit(probe).check_planned(&plan), Ok(()));
    let other = admit("m-2").check_planned(&plan).unwrap_err();
    assert_eq!(other.details()["rule"], "job");
    assert_eq!(admit("m-1").kind(), JobKind::Erasure);
}

/// The origin (`scheme://host[:port]`, lower case) of a URL.
fn origin(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").expect("scheme");
    let host = rest.split(['/', '?']).next().unwrap_or_default();
    format!("{scheme}://{host}").to_ascii_lowercase()
}

const HOSTS: &[&str] = &[
    "https://api.nexmo.com",
    "HTTPS://API.NEXMO.COM:443",
    "https://rest.nexmo.com",
    "http://127.0.0.1:8750/vonage",
    "http://127.0.0.1:8750",
    "https://api.nexmo.com.evil.example",
    "https://api.nexmo.com@evil.example",
    "https://evil.example/https://api.nexmo.com",
    "https://evil.example?https://api.nexmo.com",
    "http://api.nexmo.com",
    "https://api.nexmo.com:8443",
    "https://api.nexmo.com\\@evil.example",
    "https://evil.example#https://api.nexmo.com",
];

/// (kind, method, path, body): calls each job kind makes, to be put under every host.
const SHAPES: &[(&str, &str, &str, &str)] = &[
    (
        "erasure",
        "POST",
        "/v1/redact/transaction",
        r#"{"id":"a","product":"sms","type":"outbound"}"#,
    ),
    ("erasure", "DELETE", "/v3/media/m-1", ""),
    ("erasure", "DELETE", "/v1/users/USR-1", ""),
    ("erasure", "DELETE", "/v0.1/legs/l-1", ""),
    ("erasure", "DELETE", "/v1/conversations/CON-1/events/2", ""),
    (
        "access",
        "GET",
        "/v2/reports/records?account_id=abcd1234&product=SMS&id=a1",
        "",
    ),
    (
        "access",
        "POST",
        "/v2/reports",
        r#"{"product":"SMS","account_id":"abcd1234","to":"44","date_start":"2026-01-01T00:00:00Z","date_end":"2026-01-02T00:00:00Z"}"#,
    ),
    ("access", "GET", "/v2/reports/r-1", ""),
    ("access", "GET", "/v3/media/r-1", ""),
    ("access", "GET", "/search/messages?ids=m1", ""),
];

fn configured() -> ApiBase {
    ApiBase::default()
        .with(ApiFamily::Reports, "http://127.0.0.1:8750/vonage")
        .expect("base")
}

/// Admits the call (if it is) and checks that its rebuilt request goes under a configured
/// base and carries none of the page's authorization. Returns whether it was admitted.
fn admitted_stays_inside(kind: &str, method: &str, url: &str, body: &str) -> bool {
    let base = configured();
    let call: ProxyCall = serde_json::from_value(json!({
        "kind": kind, "job_id": "j",
        "request": { "method": method, "url": url,
            "headers": { "authorization": "Bearer page" }, "body": body }
    }))
    .expect("call");
    let Ok(admitted) = ConsoleProxy::new(base.clone()).admit(&call) else {
        return false;
    };
    let creds = Credentials::new(CredentialsInput {
        api_key: Some("k".into()),
        api_secret: Some("s".into()),
        ..Default::default()
    })
    .expect("creds");
    match admitted.to_http(&creds, 1_700_000_000_000, &[1; 16]) {
        Ok(request) => {
            let families = [
                ApiFamily::Redact,
                ApiFamily::Media,
                ApiFamily::Conversation,
                ApiFamily::Reports,
                ApiFamily::Search,
            ];
            let inside = families.iter().any(|f| {
                let b = base.url(*f);
                origin(&request.url) == origin(b)
                    && request.url.starts_with(b)
                    && request.url[b.len()..].starts_with('/')
            });
            assert!(inside, "{url} became {} outside the bases", request.url);
            let auth = request.headers.get("authorization");
            assert!(auth.map_or(true, |a| a != "Bearer page"));
        }
        // Only JWT calls fail here (these credentials have no application).
        Err(e) => assert_eq!(e.code(), "missing_credentials", "{url}"),
    }
    true
}

#[test]
fn every_shape_under_every_host_stays_inside() {
    let mut admitted = 0;
    for host in HOSTS {
        for (kind, method, path, body) in SHAPES {
            let url = format!("{host}{path}");
            if admitted_stays_inside(kind, method, &url, body) {
                admitted += 1;
                assert!(
                    host.to_ascii_lowercase()
                        .starts_with("https://api.nexmo.com")
                        || host.starts_with("https://rest.nexmo.com")
                        || host.starts_with("http://127.0.0.1:8750/vonage"),
                    "{url}"
                );
            }
        }
    }
    // Each shape under its one configured base (and the upper-case :443 spelling of the API host).
    assert_eq!(admitted, 5 * 2 + 1 + 4);
}

fn hosts() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(HOSTS.to_vec()).prop_map(str::to_owned),
        "https?://[a-zA-Z0-9.:@%/\\\\?#-]{0,30}",
    ]
}

fn paths() -> impl Strategy<Value = String> {
    let fixed = prop::sample::select(SHAPES.iter().map(|s| s.2).collect::<Vec<_>>())
        .prop_map(str::to_owned);
    prop_oneof![fixed, "(/[a-zA-Z0-9%.@:?=&#-]{0,12}){1,5}"]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1024, ..ProptestConfig::default() })]

    /// Whatever the page sends, an admitted call goes to a configured base, under its prefix.
    #[test]
    fn no_admitted_call_leaves_the_configured_bases(
        host in hosts(),
        path in paths(),
        method in prop::sample::select(vec!["GET", "POST", "DELETE", "PATCH", "PUT"]),
        kind in prop::sample::select(vec!["erasure", "access"]),
        body in prop::sample::select(SHAPES.iter().map(|s| s.3).collect::<Vec<_>>()),
    ) {
        admitted_stays_inside(kind, method, &format!("{host}{path}"), body);
    }
}

#[test]
fn errors_are_input_family() {
    let err = ConsoleProxy::new(ApiBase::default())
        .admit(&erasure("https://evil.example/v3/media/x", "DELETE", ""))
        .unwrap_err();
    assert!(matches!(err, Error::ProxyRefused { rule: "host", .. }));
    assert_eq!(err.family(), erasekit_core::ErrorFamily::Input);
}
