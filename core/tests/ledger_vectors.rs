//! `tests/vectors/ledger.json` replayed through the core's request shape, as every host runs
//! it: on the memory ledger (`MemoryLedger::handle`) and on SQLite through rusqlite (each
//! request one transaction of `SqlLedger::begin`, `SqlCall::then`, `SqlLedger::end`).
//! Node and Python replay the same cases through their public APIs, PostgreSQL included.

use erasekit_core::{
    capture, ApiBase, Auth, Credentials, CredentialsInput, Dialect, ErasureJob, ErasurePlan,
    HttpResponse, JobConfig, LedgerEntry, LedgerRequest, MemoryLedger, PlanOptions, SqlLedger,
    SqlValue, Statement,
};
use rusqlite::{params_from_iter, types::Value as Sql, Connection};
use serde_json::{json, Value};

const T0: u64 = 1_700_000_000_000;
const DAY: u64 = 86_400_000;

fn to_sql(v: &SqlValue) -> Sql {
    match v {
        SqlValue::Null => Sql::Null,
        SqlValue::Integer(i) => Sql::Integer(*i),
        SqlValue::Text(s) => Sql::Text(s.clone()),
    }
}

fn run(conn: &Connection, statements: &[Statement]) -> u64 {
    statements
        .iter()
        .map(|s| {
            conn.execute(&s.sql, params_from_iter(s.params.iter().map(to_sql)))
                .unwrap() as u64
        })
        .sum()
}

fn query(conn: &Connection, s: &Statement) -> Vec<Vec<Value>> {
    let mut stmt = conn.prepare(&s.sql).unwrap();
    let n = stmt.column_count();
    let rows = stmt
        .query_map(params_from_iter(s.params.iter().map(to_sql)), |row| {
            Ok((0..n)
                .map(|i| match row.get::<_, Sql>(i).unwrap() {
                    Sql::Null => Value::Null,
                    Sql::Integer(v) => json!(v),
                    Sql::Text(t) => json!(t),
                    other => panic!("unexpected {other:?}"),
                })
                .collect())
        })
        .unwrap();
    rows.map(Result::unwrap).collect()
}

/// A ledger as a host holds it: the core's answers to requests, on SQLite or in memory.
enum Host {
    Sqlite(Connection, SqlLedger),
    Memory(MemoryLedger),
}

impl Host {
    fn sqlite(conn: Connection) -> Host {
        let mut host = Host::Sqlite(conn, SqlLedger::new(Dialect::Sqlite));
        let entropy: Vec<u8> = (0..64).collect();
        host.call(json!({ "op": "open", "entropy": entropy }), T0)
            .unwrap();
        host
    }

    /// One request, as `js/ledger.mjs` and `erasekit/ledger.py` run it.
    fn call(&mut self, request: Value, now: u64) -> erasekit_core::Result<Value> {
        let request = LedgerRequest::from_value(request)?;
        let text = match self {
            Host::Memory(m) => m.handle(request, now)?,
            Host::Sqlite(conn, ledger) => {
                let mut call = ledger.begin(request, now)?;
                let tx = call.transaction().clone();
                conn.execute_batch(if tx.write { "BEGIN IMMEDIATE" } else { "BEGIN" })
                    .unwrap();
                let mut changed = run(conn, &tx.before);
                if let Some(q) = &tx.query {
                    match call.then(&query(conn, q)) {
                        Ok(after) => changed += run(conn, &after),
                        Err(e) => {
                            conn.execute_batch("ROLLBACK").unwrap();
                            return Err(e);
                        }
                    }
                }
                let results: Vec<_> = tx.results.iter().map(|s| query(conn, s)).collect();
                conn.execute_batch("COMMIT").unwrap();
                ledger.end(&call, changed, &results)?
            }
        };
        Ok(serde_json::from_str(&text).unwrap())
    }

    fn keys(&self) -> (Vec<u8>, Vec<u8>) {
        match self {
            Host::Sqlite(_, l) => (l.key().unwrap(), l.receipt_key().unwrap()),
            Host::Memory(m) => (m.key().unwrap(), m.receipt_key().unwrap()),
        }
    }

    fn entries(&mut self, subject: &str) -> Vec<LedgerEntry> {
        let answer = self
            .call(json!({"op": "entries", "subject": subject}), T0)
            .unwrap();
        serde_json::from_value(answer).unwrap()
    }

    fn reopen(self) -> Host {
        match self {
            Host::Memory(m) => Host::Memory(MemoryLedger::import(&m.export()).unwrap()),
            Host::Sqlite(conn, _) => Host::sqlite(conn),
        }
    }
}

fn sms(ids: &[Value]) -> Value {
    let parts: Vec<Value> = ids
        .iter()
        .map(|id| json!({"message-id": id, "status": "0"}))
        .collect();
    json!(capture("sms_send", &json!({ "messages": parts }), Some(T0)).unwrap())
}

/// Runs the plan against a stand-in Vonage: 204 for every target, 422 for those in `refuse`.
fn receipt(plan: ErasurePlan, job_id: &str, refuse: &[Value], key: &[u8]) -> String {
    let creds = Credentials::new(CredentialsInput {
        api_key: Some("k".into()),
        api_secret: Some("s".into()),
        ..Default::default()
    })
    .unwrap();
    let base = ApiBase::default();
    let targets: Vec<Value> = plan.operations.iter().map(|o| json!(o.target)).collect();
    let config = JobConfig {
        job_id: job_id.into(),
        check_target: false,
        ..Default::default()
    };
    let mut job = ErasureJob::new(plan, config).unwrap();
    let mut now = job.plan().planned_at;
    while !job.is_finished() {
        let auth = Auth {
            credentials: &creds,
            base: &base,
        };
        while let Some(call) = job.poll_request(now, auth) {
            let refused = refuse.contains(&targets[call.op as usize]);
            let response = HttpResponse {
                status: if refused { 422 } else { 204 },
                headers: Default::default(),
                body: Vec::new(),
            };
            job.handle_response(call.call_id, &response, now).unwrap();
        }
        now += 1_000;
    }
    job.receipt_json(key).unwrap()
}

/// Times and subject hashes (random keys, the clock) as the vectors write them.
fn normal(value: Value) -> Value {
    const TIMES: [&str; 5] = [
        "updated_at",
        "forgotten_at",
        "expires_at",
        "renew_at",
        "hold_until",
    ];
    match value {
        Value::Array(items) => Value::Array(items.into_iter().map(normal).collect()),
        Value::Object(fields) => Value::Object(
            fields
                .into_iter()
                .map(|(k, v)| match k.as_str() {
                    "subject_hash" => (k, json!("<hash>")),
                    t if TIMES.contains(&t) => (k, json!("<time>")),
                    _ => (k, normal(v)),
                })
                .collect(),
        ),
        other => other,
    }
}

fn receipt_ids(answer: Value) -> Value {
    match answer {
        Value::Array(all) => all
            .iter()
            .map(|r| r["receipt"]["receipt_id"].clone())
            .collect(),
        Value::Null => Value::Null,
        one => one["receipt"]["receipt_id"].clone(),
    }
}

fn step(host: &mut Host, s: &Value) -> erasekit_core::Result<Value> {
    let subject = s["subject"].as_str().unwrap_or_default();
    let now = T0 + 2 * DAY;
    match s["op"].as_str().unwrap() {
        "check" => Ok(Value::Null),
        "record" => {
            let entries = match s.get("ids") {
                Some(ids) => sms(ids.as_array().unwrap()),
                None => s["entries"].clone(),
            };
            host.call(
                json!({"op": "record", "subject": subject, "entries": entries}),
                now,
            )
        }
        "plan" | "erase" => {
            let (key, receipt_key) = host.keys();
            let entries = host.entries(subject);
            let newest = entries.iter().map(|e| e.created_at).max().unwrap_or(T0);
            let options = PlanOptions {
                allow_empty: s["allow_empty"].as_bool().unwrap_or(false),
                ..Default::default()
            };
            let plan = ErasurePlan::new(subject, &key, &entries, newest.max(T0) + DAY, None, options)?;
            if s["op"] == "plan" {
                return Ok(json!(plan.operations.len()));
            }
            let signer = match s["foreign_key"].as_u64() {
                Some(b) => vec![b as u8; 32],
                None => receipt_key,
            };
            let refuse = s["refuse"].as_array().cloned().unwrap_or_default();
            let receipt = receipt(plan, s["job"].as_str().unwrap(), &refuse, &signer);
            if let Some(ids) = s["record_during"].as_array() {
                let late = json!({"op": "record", "subject": subject, "entries": sms(ids)});
                host.call(late, now)?;
            }
            let forgotten = s["subject_forgotten"].as_str().unwrap_or(subject);
            let forget = json!({"op": "forget", "subject": forgotten, "receipt": receipt});
            if s["forget_twice"] == true {
                host.call(forget.clone(), now)?;
            }
            host.call(forget, now)
        }
        "claim" => host.call(
            json!({"op": "claim", "job_id": s["job"], "subject": subject, "snapshot": "{}",
                   "owner": s["owner"], "existing": false, "lease_ms": 60_000}),
            now,
        ),
        "renew" => host.call(
            json!({"op": "renew", "lease": {"job_id": s["job"], "owner": s["owner"], "attempt": s["attempt"]},
                   "state": s.get("state").cloned().unwrap_or(json!("running")),
                   "snapshot": "{}", "lease_ms": 60_000}),
            now,
        ),
        op => {
            let mut request = s.clone();
            let fields = request.as_object_mut().unwrap();
            for test_only in ["answer", "answer_ids", "error", "expect"] {
                fields.remove(test_only);
            }
            let answer = host.call(request, now)?;
            Ok(if op.starts_with("receipt") {
                receipt_ids(answer)
            } else {
                answer
            })
        }
    }
}

fn check(host: &mut Host, subject: &str, expect: &Value, at: &str) {
    let mut remaining: Vec<String> = host.entries(subject).into_iter().map(|e| e.id).collect();
    remaining.sort();
    assert_eq!(json!(remaining), expect["remaining"], "{at}");
    let tombstones = host
        .call(json!({"op": "tombstones", "subject": subject}), T0)
        .unwrap();
    assert_eq!(
        json!(tombstones.as_array().unwrap().len()),
        expect["tombstones"],
        "{at}"
    );
    let receipts = receipt_ids(host.call(json!({"op": "receipts"}), T0).unwrap());
    assert_eq!(receipts, expect["receipts"], "{at}");
}

#[test]
fn ledger_vectors_on_sqlite_and_memory() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/vectors/ledger.json"
    ))
    .unwrap();
    let doc: Value = serde_json::from_str(&text).unwrap();
    let cases = doc["cases"].as_array().unwrap();
    assert!(cases.len() >= 20, "the issue asks for at least 20 cases");
    for case in cases {
        let name = case["name"].as_str().unwrap();
        for backend in ["sqlite", "memory"] {
            let mut host = match backend {
                "sqlite" => Host::sqlite(Connection::open_in_memory().unwrap()),
                _ => Host::Memory(MemoryLedger::new(&[5u8; 32], &[6u8; 32]).unwrap()),
            };
            for s in case["steps"].as_array().unwrap() {
                let at = format!("{name} on {backend}: {s}");
                if s["op"] == "reopen" {
                    host = host.reopen();
                    continue;
                }
                let result = step(&mut host, s);
                match s["error"].as_str() {
                    Some(code) => assert_eq!(result.unwrap_err().code(), code, "{at}"),
                    None => {
                        let value = result.unwrap_or_else(|e| panic!("{at}: {e}"));
                        if let Some(answer) = s.get("answer") {
                            assert_eq!(&normal(value.clone()), answer, "{at}");
                        }
                        if let Some(ids) = s.get("answer_ids") {
                            let mut got: Vec<String> = value
                                .as_array()
                                .unwrap()
                                .iter()
                                .map(|j| j["job_id"].as_str().unwrap().to_owned())
                                .collect();
                            got.sort();
                            assert_eq!(&json!(got), ids, "{at}");
                        }
                        if let Some(n) = s.get("operations") {
                            assert_eq!(&value, n, "{at}");
                        }
                        if s["op"] == "claim" && s.get("attempt").is_some() {
                            assert_eq!(value["attempt"], s["attempt"], "{at}");
                        }
                    }
                }
                if let Some(expect) = s.get("expect") {
                    check(&mut host, s["subject"].as_str().unwrap(), expect, &at);
                }
            }
        }
    }
}
