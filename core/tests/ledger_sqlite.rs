//! Runs the core's SQLite statements against a real SQLite, as a host would.

use erasekit_core::{
    capture, Dialect, Identifier, LedgerEntry, LedgerSchema, LedgerSql, SqlValue, Statement,
};
use rusqlite::{params_from_iter, types::Value as Sql, Connection};
use serde_json::{json, Value};

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

fn open(conn: &Connection) -> Vec<u8> {
    let schema = LedgerSchema::new(Dialect::Sqlite);
    exec(conn, &schema.bootstrap());
    let meta = query(conn, &schema.read_meta());
    exec(conn, &schema.open(&meta, &[7u8; 64]).unwrap());
    schema
        .key_from_meta(&query(conn, &schema.read_meta()))
        .unwrap()
}

fn sample_entries() -> Vec<LedgerEntry> {
    let mut out = capture(
        "sms_send",
        &json!({"messages": [{"message-id": "A1", "status": "0"}, {"message-id": "A2", "status": "0"}]}),
        Some(1_700_000_000_000),
    )
    .unwrap();
    out.extend(
        capture(
            "conversation_event",
            &json!({"id": 5, "conversation_id": "CON-1"}),
            Some(1_700_000_000_500),
        )
        .unwrap(),
    );
    out
}

#[test]
fn open_is_idempotent_and_keeps_the_first_key() {
    let conn = Connection::open_in_memory().unwrap();
    let first = open(&conn);
    let schema = LedgerSchema::new(Dialect::Sqlite);
    let meta = query(&conn, &schema.read_meta());
    assert!(schema.open(&meta, &[9u8; 64]).unwrap().is_empty());
    assert_eq!(open(&conn), first);
    exec(
        &conn,
        &[Statement {
            sql: "UPDATE erasekit_meta SET value = '99' WHERE name = 'schema_version'".into(),
            params: vec![],
        }],
    );
    let err = schema
        .open(&query(&conn, &schema.read_meta()), &[0; 64])
        .unwrap_err();
    assert_eq!(err.code(), "storage");
}

#[test]
fn record_dedups_and_reads_back_exactly() {
    let conn = Connection::open_in_memory().unwrap();
    open(&conn);
    let sql = LedgerSql::new(Dialect::Sqlite);
    let entries = sample_entries();
    let odd = [
        "user-42",
        "o'brien \"quoted\"",
        "x'); DROP TABLE erasekit_entries; --",
        "Zoë 👩‍💻 ユーザー",
    ];
    for subject in odd {
        exec(&conn, &sql.record(subject, &entries, 1).unwrap());
        exec(&conn, &sql.record(subject, &entries, 2).unwrap()); // the same webhook twice
        let back = sql
            .decode_entries(&query(&conn, &sql.select_entries(subject).unwrap()))
            .unwrap();
        assert_eq!(back, entries, "{subject}");
    }
    let subjects = sql
        .decode_subjects(&query(&conn, &sql.select_subjects()))
        .unwrap();
    let mut expected: Vec<String> = odd.iter().map(|s| s.to_string()).collect();
    expected.sort();
    assert_eq!(subjects, expected);
}

#[test]
fn record_batches_many_entries() {
    let conn = Connection::open_in_memory().unwrap();
    open(&conn);
    let sql = LedgerSql::new(Dialect::Sqlite);
    let parts: Vec<Value> = (0..1234)
        .map(|i| json!({"message-id": format!("M{i:05}"), "status": "0"}))
        .collect();
    let entries = capture("sms_send", &json!({ "messages": parts }), Some(5)).unwrap();
    let statements = sql.record("s", &entries, 1).unwrap();
    assert_eq!(statements.len(), 13);
    assert!(statements.iter().all(|s| s.params.len() <= 999));
    exec(&conn, &statements);
    assert_eq!(query(&conn, &sql.select_entries("s").unwrap()).len(), 1234);
}

#[test]
fn bad_subjects_are_refused() {
    let sql = LedgerSql::new(Dialect::Sqlite);
    assert_eq!(
        sql.record("", &[], 1).unwrap_err().code(),
        "invalid_subject"
    );
    assert_eq!(
        sql.record(&"x".repeat(257), &[], 1).unwrap_err().code(),
        "invalid_subject"
    );
    assert!(sql.record(&"é".repeat(128), &[], 1).is_ok());
}

#[test]
fn postgres_statements_number_their_placeholders() {
    let sql = LedgerSql::new(Dialect::Postgres);
    let s = &sql.record("s", &sample_entries(), 1).unwrap()[0];
    assert!(s
        .sql
        .contains("($1, $2, $3, $4, $5, $6, $7, $8, $9), ($10,"));
    assert_eq!(s.params.len(), 27);
    assert!(!s.sql.contains('?'));
}

#[test]
fn memory_and_sqlite_ledgers_agree() {
    use erasekit_core::MemoryLedger;
    let conn = Connection::open_in_memory().unwrap();
    let key = open(&conn);
    let sql = LedgerSql::new(Dialect::Sqlite);
    let mut memory = MemoryLedger::new(&key, &[1u8; 32]).unwrap();
    // Same created_at for all: the order falls to kind, product and id as text.
    let mut entries = sample_entries();
    entries.extend(
        capture(
            "conversation_user",
            &json!({"id": "USR-b"}),
            Some(1_700_000_000_000),
        )
        .unwrap(),
    );
    entries.extend(
        capture(
            "voice_recording",
            &json!({"recording_url": "https://x/v1/files/F1"}),
            Some(1_700_000_000_000),
        )
        .unwrap(),
    );
    entries.iter_mut().for_each(|e| e.created_at = 1);
    let idents = [
        Identifier::conversation_user("USR-z").unwrap(),
        Identifier::phone("+447700900123").unwrap(),
    ];
    exec(&conn, &sql.record("s", &entries, 1).unwrap());
    exec(&conn, &sql.link("s", &idents).unwrap());
    assert_eq!(memory.record("s", &entries).unwrap(), entries.len());
    assert_eq!(memory.record("s", &entries).unwrap(), 0);
    memory.link("s", &idents).unwrap();
    let sql_entries = sql
        .decode_entries(&query(&conn, &sql.select_entries("s").unwrap()))
        .unwrap();
    assert_eq!(memory.entries("s").unwrap(), sql_entries);
    let sql_idents = sql
        .decode_identifiers(&query(&conn, &sql.select_identifiers("s").unwrap()))
        .unwrap();
    assert_eq!(memory.identifiers("s").unwrap(), sql_idents);
    assert_eq!(
        sql.record("a\0b", &[], 1).unwrap_err().code(),
        "invalid_subject"
    );
}
