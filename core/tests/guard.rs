//! Replays `tests/vectors/guard.json` through `guard_check` / `guard_check_body`: every rule of
//! the field usage guidance both ways.

use erasekit_core::{guard_check, guard_check_body, guard_rules, GuardKind, KnownIdentifiers};
use serde_json::{json, Value};
use std::collections::BTreeSet;

fn vectors() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/vectors/guard.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn run(case: &Value) -> Value {
    let kind = GuardKind::parse(case["kind"].as_str().unwrap()).unwrap();
    let known: KnownIdentifiers = serde_json::from_value(case["known"].clone()).unwrap();
    let result = match case.get("body") {
        Some(body) => guard_check_body(
            kind,
            body.as_str().unwrap().as_bytes(),
            case["content_type"].as_str(),
            &known,
        ),
        None => guard_check(kind, &case["payload"], &known),
    };
    match result {
        Ok(findings) => {
            let rules = guard_rules();
            for finding in &findings {
                let rule = rules.iter().find(|r| r.id == finding.rule).unwrap();
                assert_eq!(finding.source, rule.source, "{}", case["name"]);
                assert_eq!(finding.confirmed, rule.confirmed, "{}", case["name"]);
            }
            let findings: Vec<Value> = findings
                .iter()
                .map(|f| {
                    json!({ "path": f.path, "rule": f.rule, "found": f.found, "masked": f.masked })
                })
                .collect();
            json!({ "findings": findings })
        }
        Err(e) => json!({ "error": e.code(), "field": e.details()["field"] }),
    }
}

#[test]
fn guard_vectors() {
    let doc = vectors();
    let mut failures = Vec::new();
    for case in doc["cases"].as_array().unwrap() {
        let got = run(case);
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
fn every_rule_is_listed_and_covered_both_ways() {
    let doc = vectors();
    let listed: Vec<Value> = doc["rules"].as_array().unwrap().clone();
    let actual: Vec<Value> = guard_rules()
        .iter()
        .map(|r| json!({ "id": r.id, "kind": r.kind, "confirmed": r.confirmed }))
        .collect();
    assert_eq!(listed, actual);
    let (mut found, mut clean) = (BTreeSet::new(), BTreeSet::new());
    for case in doc["cases"].as_array().unwrap() {
        let Some(rule) = case["rule"].as_str() else {
            continue;
        };
        let findings = case["expect"]["findings"].as_array().unwrap();
        if findings.iter().any(|f| f["rule"] == rule) {
            found.insert(rule.to_owned());
        } else {
            clean.insert(rule.to_owned());
        }
    }
    for rule in guard_rules() {
        assert!(found.contains(rule.id), "no vector finds {}", rule.id);
        assert!(clean.contains(rule.id), "no vector passes {}", rule.id);
        assert!(!rule.source.is_empty() && rule.source.contains("vonage-facts §8"));
    }
}

#[test]
fn kinds_have_stable_names() {
    for kind in GuardKind::ALL {
        assert_eq!(GuardKind::parse(kind.as_str()).unwrap(), kind);
    }
    let e = GuardKind::parse("NCCO").unwrap_err();
    assert_eq!(e.code(), "invalid_argument");
    assert!(e.to_string().contains("voice-call"), "{e}");
}
