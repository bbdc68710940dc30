//! Replays `tests/vectors/*.json` through the public API; Node and Python replay the same files.

use base64::Engine;
use erasekit_core::{
    ApiBase, Credentials, CredentialsInput, Error, HttpResponse, RedactInput, RedactRequest,
};
use serde_json::{json, Value};
use std::path::PathBuf;

fn vectors_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors")
}

fn load(name: &str) -> Value {
    let text = std::fs::read_to_string(vectors_dir().join(name)).expect("vector file");
    serde_json::from_str(&text).expect("vector JSON")
}

fn credentials(spec: &Value) -> Result<Credentials, Error> {
    let text = |k: &str| spec.get(k).and_then(Value::as_str).map(str::to_owned);
    let private_key = match text("private_key_file") {
        Some(file) => Some(std::fs::read_to_string(vectors_dir().join(file)).expect("key file")),
        None => text("private_key"),
    };
    Credentials::new(CredentialsInput {
        api_key: text("api_key"),
        api_secret: text("api_secret"),
        application_id: text("application_id"),
        private_key,
    })
}

fn response(spec: &Value) -> HttpResponse {
    let body = if let Some(b) = spec.get("body").and_then(Value::as_str) {
        b.as_bytes().to_vec()
    } else if let Some(b) = spec.get("body_base64").and_then(Value::as_str) {
        base64::engine::general_purpose::STANDARD
            .decode(b)
            .expect("base64")
    } else {
        let rep = &spec["body_repeat"];
        let times = rep["times"].as_u64().expect("times") as usize;
        rep["chunk"]
            .as_str()
            .expect("chunk")
            .repeat(times)
            .into_bytes()
    };
    HttpResponse {
        status: spec["status"].as_u64().expect("status") as u16,
        headers: serde_json::from_value(spec["headers"].clone()).expect("headers"),
        body,
    }
}

fn run_case(case: &Value, defaults: &Value) -> Value {
    let creds_spec = case.get("credentials").unwrap_or(&defaults["credentials"]);
    let redact_input = || -> Result<RedactRequest, Error> {
        RedactRequest::new(
            serde_json::from_value::<RedactInput>(case["input"].clone()).expect("input"),
        )
    };
    let outcome: Result<Value, Error> = match case["kind"].as_str().expect("kind") {
        "build" => (|| {
            let base = match case.get("base_url").and_then(Value::as_str) {
                Some(url) => ApiBase::new(url)?,
                None => ApiBase::default(),
            };
            let req = redact_input()?.to_http(&base, &credentials(creds_spec)?)?;
            let body: Value = serde_json::from_slice(&req.body).expect("JSON body");
            Ok(json!({ "request": {
                "method": req.method, "url": req.url, "headers": req.headers, "body_json": body,
            }}))
        })(),
        "interpret" => (|| {
            let now = case["now"].as_u64().expect("now");
            let outcome = redact_input()?.interpret(&response(&case["response"]), now);
            Ok(json!({ "outcome": outcome }))
        })(),
        "jwt" => (|| {
            let entropy = hex(case["entropy_hex"].as_str().expect("entropy"));
            let token =
                credentials(creds_spec)?.jwt(case["now"].as_u64().expect("now"), &entropy)?;
            let part = |i: usize| -> Value {
                let seg = token.split('.').nth(i).expect("segment");
                let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
                    .decode(seg)
                    .expect("b64");
                serde_json::from_slice(&raw).expect("json")
            };
            Ok(json!({ "header": part(0), "claims": part(1), "token": token }))
        })(),
        "credentials" => credentials(creds_spec).map(|c| json!({ "credentials": c.to_string() })),
        other => panic!("unknown kind {other}"),
    };
    outcome.unwrap_or_else(|e| json!({ "error": e.code() }))
}

fn hex(s: &str) -> Vec<u8> {
    (0..s.len() / 2)
        .map(|i| u8::from_str_radix(&s[2 * i..2 * i + 2], 16).expect("hex"))
        .collect()
}

#[test]
fn redact_vectors() {
    let doc = load("redact.json");
    let cases = doc["cases"].as_array().expect("cases");
    assert!(cases.len() >= 30);
    let mut failures = Vec::new();
    for case in cases {
        let got = run_case(case, &doc["defaults"]);
        if got != case["expect"] {
            failures.push(format!(
                "{}:\n  expected {}\n  got      {}",
                case["name"], case["expect"], got
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} failing:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn error_codes_match_the_catalogue() {
    let doc = load("error_codes.json");
    let listed: Vec<(String, String)> = doc["codes"]
        .as_array()
        .expect("codes")
        .iter()
        .map(|c| {
            (
                c["code"].as_str().unwrap().to_owned(),
                c["family"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let actual: Vec<(String, String)> = Error::catalogue()
        .into_iter()
        .map(|(code, family)| {
            (
                code.to_owned(),
                serde_json::to_value(family)
                    .unwrap()
                    .as_str()
                    .unwrap()
                    .to_owned(),
            )
        })
        .collect();
    assert_eq!(listed, actual);
}

#[test]
fn secrets_never_show() {
    let key = std::fs::read_to_string(vectors_dir().join("keys/app_private.pem")).unwrap();
    let creds = Credentials::new(CredentialsInput {
        api_key: Some("abcd1234".into()),
        api_secret: Some("s3cr3t-value".into()),
        application_id: Some("app".into()),
        private_key: Some(key.clone()),
    })
    .unwrap();
    let req = RedactRequest::new(RedactInput {
        id: "x".into(),
        product: "sms".into(),
        ..Default::default()
    })
    .unwrap()
    .to_http(&ApiBase::default(), &creds)
    .unwrap();
    let basic = req.headers["authorization"].clone();
    for shown in [
        format!("{creds:?}"),
        creds.to_string(),
        format!("{req:?}"),
        format!("{:?}", req.redacted()),
    ] {
        assert!(!shown.contains("s3cr3t-value"), "{shown}");
        assert!(!shown.contains(basic.as_ref()), "{shown}");
        assert!(!shown.contains("PRIVATE KEY"), "{shown}");
    }
    let err = Credentials::new(CredentialsInput {
        application_id: Some("app".into()),
        private_key: Some(
            "-----BEGIN PRIVATE KEY-----\nc2VjcmV0LWtleS1ieXRlcw==\n-----END PRIVATE KEY-----"
                .into(),
        ),
        ..Default::default()
    })
    .unwrap_err();
    assert!(!format!("{err:?}{err}{}", err.details()).contains("c2VjcmV0"));
}

#[test]
fn deadline_vectors() {
    let doc = load("deadline.json");
    let mut failures = Vec::new();
    for case in doc["cases"].as_array().expect("cases") {
        let received = case["received_at"].as_u64().expect("received_at");
        let result =
            erasekit_core::Deadline::new(received).and_then(|d| match case.get("extend") {
                Some(ext) => d.extend(
                    ext["months"].as_u64().unwrap() as u8,
                    ext["reason"].as_str().unwrap(),
                ),
                None => Ok(d),
            });
        let got = match result {
            Ok(d) => {
                let mut v = json!({ "due_at": d.due_at });
                if d.extension_months > 0 {
                    v["extension_months"] = json!(d.extension_months);
                    v["extension_reason"] = json!(d.extension_reason);
                }
                v
            }
            Err(e) => json!({ "error": e.code() }),
        };
        if got != case["expect"] {
            failures.push(format!(
                "{}: expected {} got {}",
                case["name"], case["expect"], got
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
