//! Writes the core's data types as JSON Schemas plus a flat summary of their fields to
//! `tests/types/core_types.json`, which the Node and Python suites check the hand-written host
//! types against (`bindings-js/test/core_types.test.mjs`, `bindings-py/tests/test_core_types.py`).
//!
//! Fails when the committed file is stale (a field was added, renamed or made optional in the
//! core): `UPDATE_CORE_TYPES=1 cargo test -p erasekit-core --features schema --test core_types`
//! rewrites it, and the host checks then name what each host still lacks. Also fails when a
//! public serde type of the core is neither listed here nor in `NOT_MIRRORED` with its reason.
#![cfg(feature = "schema")]

use erasekit_core::*;
use schemars::generate::{Contract, SchemaSettings};
use schemars::{JsonSchema, SchemaGenerator};
use serde_json::{json, Map, Value};
use std::path::{Path, PathBuf};

/// Which side of serde a host type mirrors: what the core emits (`Serialize`: every field a
/// host reads) or what it accepts (`Deserialize`: fields with defaults are optional).
#[derive(Clone, Copy)]
enum Side {
    Emits,
    Accepts,
}

/// Makes the schema of one type.
type SchemaOf = fn(&mut SchemaGenerator) -> schemars::Schema;

/// Every core type a host mirrors by hand, with the side its host types describe.
fn mirrored() -> Vec<(&'static str, Side, SchemaOf)> {
    fn s<T: JsonSchema>(g: &mut SchemaGenerator) -> schemars::Schema {
        g.root_schema_for::<T>()
    }
    use Side::*;
    vec![
        // The Vonage contract.
        ("Product", Emits, s::<Product>),
        ("Direction", Emits, s::<Direction>),
        ("HttpRequest", Emits, s::<HttpRequest>),
        ("HttpResponse", Accepts, s::<HttpResponse>),
        ("Problem", Emits, s::<Problem>),
        ("RedactInput", Accepts, s::<RedactInput>),
        ("RedactRequest", Emits, s::<RedactRequest>),
        ("InvalidInput", Emits, s::<InvalidInput>),
        ("RedactOutcome", Emits, s::<RedactOutcome>),
        ("ApiBaseInput", Accepts, s::<ApiBaseInput>),
        ("CredentialsInput", Accepts, s::<CredentialsInput>),
        // Erasure: plans, jobs, events.
        ("UserAction", Emits, s::<UserAction>),
        ("ConversationApi", Emits, s::<ConversationApi>),
        ("PlanOptions", Emits, s::<PlanOptions>),
        ("Action", Emits, s::<Action>),
        ("Initial", Emits, s::<Initial>),
        ("Operation", Emits, s::<Operation>),
        ("ErasurePlan", Emits, s::<ErasurePlan>),
        ("PlannedCall", Emits, s::<PlannedCall>),
        ("PlanGroup", Emits, s::<PlanGroup>),
        ("PlanSummary", Emits, s::<PlanSummary>),
        ("Deadline", Emits, s::<Deadline>),
        ("JobConfig", Emits, s::<JobConfig>),
        ("Call", Emits, s::<Call>),
        ("Terminal", Emits, s::<Terminal>),
        ("Counts", Emits, s::<Counts>),
        ("JobEvent", Emits, s::<JobEvent>),
        // Receipts (`complete` and `target_checks` are absent from erasekit 0.1's).
        ("CheckResult", Emits, s::<CheckResult>),
        ("TargetCheckRecord", Emits, s::<TargetCheckRecord>),
        ("ReceiptOperation", Emits, s::<ReceiptOperation>),
        ("ReceiptBody", Emits, s::<ReceiptBody>),
        ("ReceiptSignature", Emits, s::<ReceiptSignature>),
        ("Receipt", Emits, s::<Receipt>),
        // The ledger.
        ("EntryKind", Emits, s::<EntryKind>),
        ("LedgerEntry", Emits, s::<LedgerEntry>),
        ("Identifier", Emits, s::<Identifier>),
        ("Tombstone", Emits, s::<Tombstone>),
        ("StoredJob", Emits, s::<StoredJob>),
        ("LeaseTimes", Emits, s::<LeaseTimes>),
        ("Statement", Emits, s::<Statement>),
        ("Exchange", Emits, s::<Exchange>),
        ("OnEmpty", Emits, s::<OnEmpty>),
        ("ErrorFamily", Emits, s::<ErrorFamily>),
    ]
}

/// Public serde types of the core that no host declares as a data type, and why.
const NOT_MIRRORED: &[(&str, &str)] = &[
    ("LedgerRequest", "the ledger adapters' request, written by the bindings' own ledger classes, never by a user"),
    ("Transaction", "statements a ledger adapter runs; opaque to users"),
    ("TransportFailure", "a string or `{other: {message}}` (externally tagged): this check reads tagged objects only; the handle_failure tests of both hosts cover it"),
    ("JobState", "hosts spell it inline as the string union of `StoredJob.state`"),
    (
        "GuardKind",
        "issue 12: not exposed by a host yet (the host step mirrors it)",
    ),
    (
        "GuardExpects",
        "issue 12: not exposed by a host yet (the host step mirrors it)",
    ),
    (
        "GuardRule",
        "issue 12: not exposed by a host yet (the host step mirrors it)",
    ),
    (
        "PersonalData",
        "issue 12: not exposed by a host yet (the host step mirrors it)",
    ),
    (
        "GuardFinding",
        "issue 12: not exposed by a host yet (the host step mirrors it)",
    ),
    (
        "KnownIdentifiers",
        "issue 12: not exposed by a host yet (the host step mirrors it)",
    ),
    (
        "ImportRow",
        "issue 12: not exposed by a host yet (the host step mirrors it)",
    ),
    (
        "ApiBase",
        "hosts pass base URLs in (ApiBaseInput); the resolved form stays in the core",
    ),
    ("ApiFamily", "a core-internal routing key"),
    (
        "CallResult",
        "inside job snapshots only, which hosts treat as opaque text",
    ),
    (
        "Dialect",
        "a host names its dialect as a plain string argument",
    ),
    (
        "Lease",
        "a ledger adapter's internal token, never in a public signature",
    ),
    (
        "MemoryLedger",
        "opaque: hosts hold it as `export()` JSON text",
    ),
    (
        "SqlValue",
        "a scalar union (null, integer, text): no fields to compare",
    ),
    (
        "Error",
        "its codes become `ErrorCode`, its catalogue rows `ErrorCodeInfo`",
    ),
    // The console proxy (issue 13): not bound yet; mirrored when the console server binds them.
    (
        "JobKind",
        "console proxy input, not bound to a host yet (issue 13)",
    ),
    (
        "ProxyCall",
        "console proxy input, not bound to a host yet (issue 13)",
    ),
    (
        "AuditLine",
        "console proxy output, not bound to a host yet (issue 13)",
    ),
];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The object schemas a schema stands for: one per variant of a union, else itself.
fn variants<'a>(schema: &'a Value, defs: &'a Map<String, Value>) -> Vec<&'a Value> {
    let schema = resolve(schema, defs);
    for key in ["oneOf", "anyOf"] {
        if let Some(list) = schema.get(key).and_then(Value::as_array) {
            return list.iter().flat_map(|v| variants(v, defs)).collect();
        }
    }
    vec![schema]
}

fn resolve<'a>(schema: &'a Value, defs: &'a Map<String, Value>) -> &'a Value {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(r) => resolve(&defs[r.trim_start_matches("#/$defs/")], defs),
        None => schema,
    }
}

/// Field name -> "required" | "optional" of one object schema (`allOf` parts merged, as a
/// flattened field gives).
fn fields(schema: &Value, defs: &Map<String, Value>, out: &mut Map<String, Value>) {
    let schema = resolve(schema, defs);
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    if let Some(props) = schema.get("properties").and_then(Value::as_object) {
        for name in props.keys() {
            let how = if required.contains(&name.as_str()) {
                "required"
            } else {
                "optional"
            };
            out.insert(name.clone(), json!(how));
        }
    }
    for part in schema
        .get("allOf")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        fields(part, defs, out);
    }
}

/// The summary the host checks read: `{"values": [...]}` for a string enum; `{"fields": {...}}`
/// for an object; for a tagged union `{"tag", "variants": {value: fields}, "collapsed"}` where
/// `collapsed` is the one-object form a host may use instead (fields in every variant keep
/// their requiredness, the others are optional).
fn shape(schema: &Value) -> Value {
    let empty = Map::new();
    let defs = schema
        .get("$defs")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let top = resolve(schema, defs);
    if let Some(values) = string_values(top, defs) {
        return json!({ "values": values });
    }
    // A struct with a flattened enum: its own fields go into every variant.
    let mut own = Map::new();
    if top.get("properties").is_some() {
        fields(top, defs, &mut own);
    }
    let parts: Vec<&Value> = match top.get("oneOf").or_else(|| top.get("anyOf")) {
        Some(_) => variants(top, defs),
        None => match top.get("allOf").and_then(Value::as_array) {
            Some(all) => all.iter().flat_map(|p| variants(p, defs)).collect(),
            None => vec![],
        },
    };
    if parts.len() <= 1 {
        if let Some(part) = parts.first() {
            fields(part, defs, &mut own);
        }
        return json!({ "fields": own });
    }
    let tag = tag_of(&parts, defs).expect("a union of objects is tagged");
    let mut by_value = Map::new();
    for part in &parts {
        let mut f = own.clone();
        fields(part, defs, &mut f);
        let value = const_of(&resolve(part, defs)["properties"][&tag], defs).expect("tag value");
        by_value.insert(value, Value::Object(f));
    }
    let mut collapsed = Map::new();
    for f in by_value.values() {
        for (name, how) in f.as_object().into_iter().flatten() {
            let everywhere = by_value.values().all(|g| g.get(name) == Some(how));
            let how = if everywhere {
                how.clone()
            } else {
                json!("optional")
            };
            collapsed.insert(name.clone(), how);
        }
    }
    json!({ "tag": tag, "variants": by_value, "collapsed": collapsed })
}

fn const_of(schema: &Value, defs: &Map<String, Value>) -> Option<String> {
    let schema = resolve(schema, defs);
    if let Some(c) = schema.get("const").and_then(Value::as_str) {
        return Some(c.to_owned());
    }
    let list = schema.get("enum").and_then(Value::as_array)?;
    match list.as_slice() {
        [one] => one.as_str().map(str::to_owned),
        _ => None,
    }
}

/// The tag field: the one property every variant fixes to a constant.
fn tag_of(parts: &[&Value], defs: &Map<String, Value>) -> Option<String> {
    let first = resolve(parts[0], defs).get("properties")?.as_object()?;
    first
        .keys()
        .find(|k| {
            parts.iter().all(|p| {
                resolve(p, defs)
                    .get("properties")
                    .and_then(|props| props.get(k.as_str()))
                    .and_then(|s| const_of(s, defs))
                    .is_some()
            })
        })
        .cloned()
}

/// The strings of a string enum (`enum`, or `oneOf` of constants), else `None`.
fn string_values(schema: &Value, defs: &Map<String, Value>) -> Option<Vec<String>> {
    if let Some(list) = schema.get("enum").and_then(Value::as_array) {
        return list.iter().map(|v| v.as_str().map(str::to_owned)).collect();
    }
    let list = schema.get("oneOf").and_then(Value::as_array)?;
    let mut out = Vec::new();
    for v in list {
        let v = resolve(v, defs);
        if v.get("type").and_then(Value::as_str) != Some("string") {
            return None;
        }
        match (const_of(v, defs), v.get("enum").and_then(Value::as_array)) {
            (Some(c), _) => out.push(c),
            (None, Some(l)) => out.extend(l.iter().filter_map(Value::as_str).map(str::to_owned)),
            _ => return None,
        }
    }
    Some(out)
}

fn document() -> Value {
    let mut types = Map::new();
    for (name, side, schema_of) in mirrored() {
        let settings = SchemaSettings::draft2020_12().with(|s| {
            s.contract = match side {
                Side::Emits => Contract::Serialize,
                Side::Accepts => Contract::Deserialize,
            }
        });
        let schema = schema_of(&mut settings.into_generator()).to_value();
        let side = match side {
            Side::Emits => "emits",
            Side::Accepts => "accepts",
        };
        let mut entry = json!({ "side": side });
        let summary = shape(&schema);
        for (k, v) in summary.as_object().expect("object") {
            entry[k] = v.clone();
        }
        entry["schema"] = schema;
        types.insert(name.to_owned(), entry);
    }
    // The error catalogue: `ErrorCode` is the union of its codes, `ErrorCodeInfo` one row.
    let codes: Vec<&str> = Error::catalogue()
        .into_iter()
        .map(|(code, _)| code)
        .collect();
    types.insert(
        "ErrorCode".into(),
        json!({ "side": "emits", "values": codes }),
    );
    let row = json!({ "code": "required", "family": "required" });
    types.insert(
        "ErrorCodeInfo".into(),
        json!({ "side": "emits", "fields": row }),
    );
    json!({
        "about": "Generated by core/tests/core_types.rs from the core's serde types (schemars): do not edit. The host suites check their TypeScript and Python types against `fields`/`variants`/`values`.",
        "types": types,
    })
}

#[test]
fn the_committed_summary_is_current() {
    let path = root().join("tests/types/core_types.json");
    let text = serde_json::to_string_pretty(&document()).expect("json") + "\n";
    if std::env::var_os("UPDATE_CORE_TYPES").is_some() {
        std::fs::write(&path, &text).expect("write tests/types/core_types.json");
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == text,
        "tests/types/core_types.json is stale: run UPDATE_CORE_TYPES=1 cargo test -p erasekit-core \
         --features schema --test core_types, then make the host types match"
    );
}

/// Folders of `core/src` whose serde types no host declares yet, and why.
const NOT_MIRRORED_FOLDERS: &[(&str, &str)] = &[(
    "access",
    "issue 11: subject access is core-only until the access job and the host wiring land",
)];

/// Every `pub struct`/`pub enum` right under a serde derive in `core/src` is mirrored or
/// listed in `NOT_MIRRORED`: a new data type cannot slip past the host checks.
#[test]
fn every_public_serde_type_is_accounted_for() {
    let listed: Vec<&str> = mirrored().iter().map(|(n, _, _)| *n).collect();
    let mut missing = Vec::new();
    let mut stack = vec![root().join("core/src")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("core/src") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                if !NOT_MIRRORED_FOLDERS.iter().any(|(f, _)| path.ends_with(f)) {
                    stack.push(path);
                }
                continue;
            }
            let text = std::fs::read_to_string(&path).expect("source");
            let mut serde_derive = false;
            for line in text.lines() {
                let line = line.trim();
                if line.starts_with("#[derive") || line.starts_with("Debug,") {
                    serde_derive |= line.contains("Serialize") || line.contains("Deserialize");
                }
                let name = line
                    .strip_prefix("pub struct ")
                    .or_else(|| line.strip_prefix("pub enum "))
                    .and_then(|rest| rest.split(|c: char| !c.is_alphanumeric()).next());
                if let Some(name) = name {
                    let known =
                        listed.contains(&name) || NOT_MIRRORED.iter().any(|(n, _)| *n == name);
                    if serde_derive && !known {
                        missing.push(format!("{name} ({})", path.display()));
                    }
                }
                // Still in the attributes (or a derive list spanning lines) above the item.
                let attributes = ["#[", ")]", "Debug", "//"];
                if !attributes.iter().any(|p| line.starts_with(p)) {
                    serde_derive = false;
                }
            }
        }
    }
    assert!(
        missing.is_empty(),
        "serde types neither mirrored nor excused: {missing:?}"
    );
}
