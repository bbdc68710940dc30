//! An erasure's life in the ledger, run against a real SQLite as a host would and against the
//! memory ledger: leases (one run per subject), the end of a run (store the receipt, forget
//! exactly what it settles), `forget` refusing foreign receipts, planning unknown subjects.

use erasekit_core::{
    capture, receipt_public_key, ApiBase, Auth, Credentials, CredentialsInput, Dialect, ErasureJob,
    ErasurePlan, Exchange, HttpResponse, JobConfig, Lease, LedgerEntry, LedgerSchema, LedgerSql,
    MemoryLedger, PlanOptions, Settled, SqlValue, Statement,
};
use rusqlite::{params_from_iter, types::Value as Sql, Connection};
use serde_json::{json, Value};

const T0: u64 = 1_700_000_000_000;
const DAY: u64 = 86_400_000;
const LEASE: u64 = 60_000;

fn to_sql(v: &SqlValue) -> Sql {
    match v {
        SqlValue::Null => Sql::Null,
        SqlValue::Integer(i) => Sql::Integer(*i),
        SqlValue::Text(s) => Sql::Text(s.clone()),
    }
}

fn exec(conn: &Connection, statements: &[Statement]) {
    for s in statements {
        conn.execute(&s.sql, params_from_iter(s.params.iter().map(to_sql)))
            .unwrap();
    }
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

/// Runs an exchange in one transaction, as hosts do; rolls back on the core's refusal.
fn exchange(
    conn: &Connection,
    sql: &LedgerSql,
    e: &Exchange,
    now: u64,
) -> erasekit_core::Result<u64> {
    conn.execute_batch("BEGIN IMMEDIATE").unwrap();
    exec(conn, &e.before);
    let rows = query(conn, &e.query);
    match sql.lease_answer(e.on_empty, &rows, now, LEASE) {
        Ok(times) => {
            exec(conn, &e.after);
            conn.execute_batch("COMMIT").unwrap();
            Ok(times.attempt)
        }
        Err(err) => {
            conn.execute_batch("ROLLBACK").unwrap();
            Err(err)
        }
    }
}

struct Db {
    conn: Connection,
    sql: LedgerSql,
    key: Vec<u8>,
    receipt_key: Vec<u8>,
}

fn open(conn: Connection) -> Db {
    let schema = LedgerSchema::new(Dialect::Sqlite);
    exec(&conn, &schema.bootstrap());
    let meta = query(&conn, &schema.read_meta());
    let mut entropy = [7u8; 64];
    entropy[32..].fill(9);
    exec(&conn, &schema.open(&meta, &entropy).unwrap());
    let meta = query(&conn, &schema.read_meta());
    Db {
        key: schema.key_from_meta(&meta).unwrap(),
        receipt_key: schema.receipt_key_from_meta(&meta).unwrap(),
        conn,
        sql: LedgerSql::new(Dialect::Sqlite),
    }
}

fn sms(ids: &[&str], at: u64) -> Vec<LedgerEntry> {
    let parts: Vec<Value> = ids
        .iter()
        .map(|id| json!({"message-id": id, "status": "0"}))
        .collect();
    capture("sms_send", &json!({ "messages": parts }), Some(at)).unwrap()
}

/// Runs the plan against a fake Vonage: 204 for every target, 422 for those in `refuse`.
fn erase(plan: ErasurePlan, refuse: &[&str], receipt_key: &[u8]) -> String {
    erase_as(plan, "job-1", refuse, receipt_key)
}

fn erase_as(plan: ErasurePlan, job_id: &str, refuse: &[&str], receipt_key: &[u8]) -> String {
    let creds = Credentials::new(CredentialsInput {
        api_key: Some("k".into()),
        api_secret: Some("s".into()),
        ..Default::default()
    })
    .unwrap();
    let base = ApiBase::default();
    let targets: Vec<String> = plan.operations.iter().map(|o| o.target.clone()).collect();
    let mut job = ErasureJob::new(
        plan,
        JobConfig {
            job_id: job_id.into(),
            // The stand-in below answers 204 or 422; the target check wants a not-found.
            check_target: false,
            ..Default::default()
        },
    )
    .unwrap();
    let mut now = plan_now(&job);
    while !job.is_finished() {
        let auth = Auth {
            credentials: &creds,
            base: &base,
        };
        while let Some(call) = job.poll_request(now, auth) {
            let target = &targets[call.op as usize];
            let status = if refuse.contains(&target.as_str()) {
                422
            } else {
                204
            };
            let response = HttpResponse {
                status,
                headers: Default::default(),
                body: Vec::new(),
            };
            job.handle_response(call.call_id, &response, now).unwrap();
        }
        now += 1_000;
    }
    job.receipt_json(receipt_key).unwrap()
}

fn plan_now(job: &ErasureJob) -> u64 {
    job.plan().planned_at
}

fn count(db: &Db, subject: &str) -> u64 {
    db.sql
        .decode_count(&query(&db.conn, &db.sql.count_entries(subject).unwrap()))
        .unwrap()
}

fn plan(db: &Db, subject: &str) -> ErasurePlan {
    let entries = db
        .sql
        .decode_entries(&query(&db.conn, &db.sql.select_entries(subject).unwrap()))
        .unwrap();
    ErasurePlan::new(
        subject,
        &db.key,
        &entries,
        T0 + DAY,
        None,
        PlanOptions::default(),
    )
    .unwrap()
}

#[test]
fn a_run_forgets_what_its_receipt_settles_and_keeps_what_arrived_meanwhile() {
    let db = open(Connection::open_in_memory().unwrap());
    exec(
        &db.conn,
        &db.sql
            .record("victim", &sms(&["A1", "A2", "A3"], T0), 1)
            .unwrap(),
    );
    exec(
        &db.conn,
        &db.sql.record("other", &sms(&["A1"], T0), 1).unwrap(),
    );
    let plan = plan(&db, "victim");
    let claim = db
        .sql
        .claim_new("job-1", "victim", "{}", "me", T0 + DAY, LEASE)
        .unwrap();
    let attempt = exchange(&db.conn, &db.sql, &claim, T0 + DAY).unwrap();
    assert_eq!(attempt, 1);
    // A webhook records a new id while the job runs.
    exec(
        &db.conn,
        &db.sql
            .record("victim", &sms(&["LATE"], T0 + DAY), 2)
            .unwrap(),
    );
    let receipt = erase(plan, &["A2"], &db.receipt_key);
    let settled = Settled::check(&receipt, "victim", &db.key, &db.receipt_key).unwrap();
    let lease = Lease {
        job_id: "job-1".into(),
        owner: "me".into(),
        attempt,
    };
    let finish = db
        .sql
        .finish(&lease, &settled, "victim", T0 + 2 * DAY)
        .unwrap();
    exchange(&db.conn, &db.sql, &finish, T0 + 2 * DAY).unwrap();
    // A2 failed and LATE was never in the plan: both stay, so the subject stays.
    let left: Vec<String> = db
        .sql
        .decode_entries(&query(&db.conn, &db.sql.select_entries("victim").unwrap()))
        .unwrap()
        .into_iter()
        .map(|e| e.id)
        .collect();
    assert_eq!(left, ["A2", "LATE"]);
    assert!(query(
        &db.conn,
        &db.sql.select_tombstones("victim", &db.key).unwrap()
    )
    .is_empty());
    assert_eq!(
        count(&db, "other"),
        1,
        "another subject's same id is untouched"
    );
    assert!(query(&db.conn, &db.sql.select_job("job-1")).is_empty());
    // The receipt is stored, and a second finish under the same lease is `lease_lost`.
    let stored = db
        .sql
        .decode_receipts(&query(&db.conn, &db.sql.select_receipt("job-1")))
        .unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0]["receipt"]["receipt_id"], "job-1");
    let again = db
        .sql
        .finish(&lease, &settled, "victim", T0 + 2 * DAY)
        .unwrap();
    assert_eq!(
        exchange(&db.conn, &db.sql, &again, T0).unwrap_err().code(),
        "lease_lost"
    );
}

#[test]
fn a_complete_run_forgets_the_subject_jobs_and_identifiers() {
    let db = open(Connection::open_in_memory().unwrap());
    exec(
        &db.conn,
        &db.sql.record("victim", &sms(&["A1", "A2"], T0), 1).unwrap(),
    );
    exec(
        &db.conn,
        &db.sql
            .link(
                "victim",
                &[erasekit_core::Identifier::phone("+447700900123").unwrap()],
            )
            .unwrap(),
    );
    let stale = erasekit_core::StoredJob {
        job_id: "old".into(),
        subject: "victim".into(),
        state: erasekit_core::JobState::Stopped,
        snapshot: "{\"a big\": \"snapshot naming victim\"}".into(),
        updated_at: 1,
    };
    exec(&db.conn, &[db.sql.save_job(&stale).unwrap()]);
    let plan = plan(&db, "victim");
    let claim = db
        .sql
        .claim_new("job-1", "victim", "{}", "me", T0, LEASE)
        .unwrap();
    let attempt = exchange(&db.conn, &db.sql, &claim, T0).unwrap();
    let receipt = erase(plan, &[], &db.receipt_key);
    let settled = Settled::check(&receipt, "victim", &db.key, &db.receipt_key).unwrap();
    let lease = Lease {
        job_id: "job-1".into(),
        owner: "me".into(),
        attempt,
    };
    exchange(
        &db.conn,
        &db.sql,
        &db.sql.finish(&lease, &settled, "victim", 5).unwrap(),
        T0,
    )
    .unwrap();
    let dump = query(
        &db.conn,
        &Statement::plain(
            "SELECT subject FROM erasekit_entries UNION ALL SELECT subject FROM erasekit_identifiers UNION ALL SELECT subject FROM erasekit_jobs",
        ),
    );
    assert!(dump.is_empty(), "{dump:?}");
    let stones = query(
        &db.conn,
        &db.sql.select_tombstones("victim", &db.key).unwrap(),
    );
    assert_eq!(stones, vec![vec![json!("job-1"), json!(5)]]);
}

#[test]
fn one_run_per_subject_and_a_crashed_run_is_taken_over_after_its_lease() {
    let db = open(Connection::open_in_memory().unwrap());
    let first = db
        .sql
        .claim_new("job-1", "s", "{}", "a", T0, LEASE)
        .unwrap();
    assert_eq!(exchange(&db.conn, &db.sql, &first, T0).unwrap(), 1);
    // A second run of the same subject, new job or resume, is refused while the lease lives.
    let second = db
        .sql
        .claim_new("job-2", "s", "{}", "b", T0 + 1, LEASE)
        .unwrap();
    assert_eq!(
        exchange(&db.conn, &db.sql, &second, T0 + 1)
            .unwrap_err()
            .code(),
        "subject_busy"
    );
    let resume = db.sql.claim_existing("job-1", "b", T0 + 1, LEASE).unwrap();
    assert_eq!(
        exchange(&db.conn, &db.sql, &resume, T0 + 1)
            .unwrap_err()
            .code(),
        "subject_busy"
    );
    // Another subject is free.
    let other = db
        .sql
        .claim_new("job-3", "t", "{}", "b", T0 + 1, LEASE)
        .unwrap();
    assert_eq!(exchange(&db.conn, &db.sql, &other, T0 + 1).unwrap(), 1);
    // After the lease expired (the run crashed), resuming takes the job over as attempt 2.
    let later = T0 + LEASE + 1;
    let resume = db.sql.claim_existing("job-1", "b", later, LEASE).unwrap();
    assert_eq!(exchange(&db.conn, &db.sql, &resume, later).unwrap(), 2);
    // The crashed run's writes now fail: lease_lost.
    let lost = Lease {
        job_id: "job-1".into(),
        owner: "a".into(),
        attempt: 1,
    };
    let renew = db.sql.renew(&lost, "running", "{}", later, LEASE).unwrap();
    assert_eq!(
        exchange(&db.conn, &db.sql, &renew, later)
            .unwrap_err()
            .code(),
        "lease_lost"
    );
    let held = Lease {
        job_id: "job-1".into(),
        owner: "b".into(),
        attempt: 2,
    };
    let renew = db.sql.renew(&held, "stopped", "{}", later, LEASE).unwrap();
    assert_eq!(exchange(&db.conn, &db.sql, &renew, later).unwrap(), 2);
    // Stopped: a new job of the subject may start.
    let fresh = db
        .sql
        .claim_new("job-4", "s", "{}", "c", later, LEASE)
        .unwrap();
    assert_eq!(exchange(&db.conn, &db.sql, &fresh, later).unwrap(), 1);
}

#[test]
fn forget_refuses_a_receipt_of_another_subject_or_signer() {
    let db = open(Connection::open_in_memory().unwrap());
    exec(
        &db.conn,
        &db.sql.record("victim", &sms(&["A1"], T0), 1).unwrap(),
    );
    exec(
        &db.conn,
        &db.sql.record("attacker", &sms(&["B1"], T0), 1).unwrap(),
    );
    let theirs = erase(plan(&db, "attacker"), &[], &db.receipt_key);
    let err = Settled::check(&theirs, "victim", &db.key, &db.receipt_key).unwrap_err();
    assert_eq!(err.code(), "receipt_mismatch");
    let forged = erase(plan(&db, "victim"), &[], &[1u8; 32]);
    let err = Settled::check(&forged, "victim", &db.key, &db.receipt_key).unwrap_err();
    assert_eq!(err.code(), "receipt_mismatch");
    assert_eq!(count(&db, "victim"), 1);
    let good = erase(plan(&db, "victim"), &[], &db.receipt_key);
    let settled = Settled::check(&good, "victim", &db.key, &db.receipt_key).unwrap();
    exec(&db.conn, &db.sql.forget(&settled, "victim", 9).unwrap());
    assert_eq!(count(&db, "victim"), 0);
    assert_eq!(count(&db, "attacker"), 1);
}

#[test]
fn planning_a_subject_without_entries_needs_allow_empty() {
    let key = [3u8; 32];
    let err = ErasurePlan::new("nobody", &key, &[], T0, None, PlanOptions::default()).unwrap_err();
    assert_eq!(err.code(), "unknown_subject");
    assert!(!err.to_string().contains("nobody"));
    let options = PlanOptions {
        allow_empty: true,
        ..Default::default()
    };
    assert!(ErasurePlan::new("nobody", &key, &[], T0, None, options)
        .unwrap()
        .operations
        .is_empty());
}

#[test]
fn a_version_1_ledger_is_upgraded_with_a_receipt_key_and_its_running_jobs_stopped() {
    let conn = Connection::open_in_memory().unwrap();
    let schema = LedgerSchema::new(Dialect::Sqlite);
    exec(&conn, &schema.bootstrap());
    // Version 1 as erasekit 0.1 wrote it, with two "running" jobs of one subject.
    exec(
        &conn,
        &[
            Statement::plain("CREATE TABLE erasekit_jobs (job_id TEXT PRIMARY KEY, subject TEXT NOT NULL, state TEXT NOT NULL, snapshot TEXT NOT NULL, updated_at INTEGER NOT NULL)"),
            Statement::plain("INSERT INTO erasekit_jobs VALUES ('j1', 's', 'running', '{}', 1), ('j2', 's', 'running', '{}', 2)"),
            Statement::plain("INSERT INTO erasekit_meta VALUES ('schema_version', '1'), ('subject_key', '0707070707070707070707070707070707070707070707070707070707070707')"),
        ],
    );
    let db = open(conn);
    assert_eq!(db.key, vec![7u8; 32], "the subject key is kept");
    assert_eq!(
        db.receipt_key,
        vec![9u8; 32],
        "a receipt key is made on upgrade"
    );
    assert_eq!(receipt_public_key(&db.receipt_key).unwrap().len(), 64);
    let states = query(
        &db.conn,
        &Statement::plain("SELECT state FROM erasekit_jobs ORDER BY job_id"),
    );
    assert_eq!(states, vec![vec![json!("stopped")], vec![json!("stopped")]]);
    let resume = db.sql.claim_existing("j1", "me", T0, LEASE).unwrap();
    assert_eq!(exchange(&db.conn, &db.sql, &resume, T0).unwrap(), 1);
}

#[test]
fn the_memory_ledger_keeps_the_same_rules() {
    let mut m = MemoryLedger::new(&[5u8; 32], &[6u8; 32]).unwrap();
    m.record("victim", &sms(&["A1", "A2"], T0)).unwrap();
    let entries = m.entries("victim").unwrap();
    let plan = ErasurePlan::new(
        "victim",
        &[5u8; 32],
        &entries,
        T0 + DAY,
        None,
        PlanOptions::default(),
    )
    .unwrap();
    let lease = m
        .claim("job-1", "victim", "{}", "a", false, T0, LEASE)
        .unwrap();
    assert_eq!(
        m.claim("job-2", "victim", "{}", "b", false, T0 + 1, LEASE)
            .unwrap_err()
            .code(),
        "subject_busy"
    );
    m.record("victim", &sms(&["LATE"], T0)).unwrap();
    let receipt = erase(plan, &[], &m.receipt_key().unwrap());
    let foreign = erase(
        ErasurePlan::new(
            "victim",
            &[5u8; 32],
            &entries,
            T0 + DAY,
            None,
            PlanOptions::default(),
        )
        .unwrap(),
        &[],
        &[1u8; 32],
    );
    assert_eq!(
        m.forget("victim", &foreign, 1).unwrap_err().code(),
        "receipt_mismatch"
    );
    let held = Lease {
        job_id: "job-1".into(),
        owner: "a".into(),
        attempt: lease.attempt,
    };
    assert_eq!(m.finish(&held, "victim", &receipt, 7).unwrap(), None);
    let left: Vec<String> = m
        .entries("victim")
        .unwrap()
        .into_iter()
        .map(|e| e.id)
        .collect();
    assert_eq!(left, ["LATE"]);
    assert_eq!(
        m.receipt("job-1").unwrap()["receipt"]["receipt_id"],
        "job-1"
    );
    assert_eq!(m.receipts().len(), 1);
    assert_eq!(
        m.finish(&held, "victim", &receipt, 7).unwrap_err().code(),
        "lease_lost"
    );
    // Export and import keep receipts and keys.
    let back = MemoryLedger::import(&m.export()).unwrap();
    assert_eq!(back.receipts().len(), 1);
    assert_eq!(back.receipt_key().unwrap(), vec![6u8; 32]);
}
