"""Writes tests/vectors/import_rows.json: backfill files (CSV with a header, JSON lines) and, per
row, the ledger entry it becomes or the invalid_row error naming the row and the field. Expected
values are written out by hand, not computed by the code under test."""
import json, pathlib

HERE = pathlib.Path(__file__).resolve().parent.parent
T_2020 = 1_577_880_000_000  # 2020-01-01T12:00:00Z
SECONDS_2020 = 1_577_880_000
UUID = "63f61863-4a51-4f6b-86e1-46edebcf9356"
REQ = "aaaaaaaa-bbbb-cccc-dddd-0123456789ab"
USR = "USR-aaaaaaaa-bbbb-cccc-dddd-0123456789ab"
cases = []


def entry(product, direction, id_, created_at=T_2020):
    return {"kind": "transaction", "product": product, "direction": direction, "id": id_,
            "created_at": created_at, "source": "import", "extra": {}}


def ok(row, subject, e, identifiers=()):
    return {"row": row, "subject": subject, "entry": e,
            "identifiers": [{"kind": k, "value": v} for k, v in identifiers]}


def err(row, field):
    return {"error": "invalid_row", "row": row, "field": field}


def case(name, fmt, lines, rows):
    cases.append({"name": name, "format": fmt, "body": "\n".join(lines) + "\n", "expect": {"rows": rows}})


H = "subject,product,id,direction,created_at,identifiers"
case("csv: every column, quoted cells, identifiers separated by ;", "csv", [
    H,
    "user-42,sms,0A0000000123ABCD1,outbound,2020-01-01 12:00:00,+44 7700 900123",
    f"user-42,voice,{UUID},,2020-01-01T12:00:00Z,",
    f'"Doe, Jane",verify,{REQ},,{SECONDS_2020},"+447700900124; {USR}"',
    " user-7 , messages , abc-1 , inbound , 2020-01-01T13:00:00+01:00 , ",
], [
    ok(1, "user-42", entry("sms", "outbound", "0A0000000123ABCD1"), [("phone", "+447700900123")]),
    ok(2, "user-42", entry("voice", None, UUID)),
    ok(3, "Doe, Jane", entry("verify", None, REQ), [("phone", "+447700900124"), ("conversation_user", USR)]),
    ok(4, "user-7", entry("messages", "inbound", "abc-1")),
])
case("csv: columns in any order, identifiers column optional, byte order mark", "csv", [
    "\ufeffcreated_at,id,subject,direction,product",
    "2020-01-01 12:00:00,0A0000000123ABCD1,user-42,inbound,sms",
], [ok(1, "user-42", entry("sms", "inbound", "0A0000000123ABCD1"))])
case("csv: each bad row names its row and field; good rows around it are read", "csv", [
    H,
    "user-42,SMS,0A01,outbound,2020-01-01 12:00:00,",
    "user-42,sms,,outbound,2020-01-01 12:00:00,",
    "user-42,sms,0A03,,2020-01-01 12:00:00,",
    "user-42,sms,0A04,MT,2020-01-01 12:00:00,",
    "user-42,sms,0A05,outbound,1577880000000,",
    "user-42,sms,0A06,outbound,01/01/2020,",
    "user-42,sms,0A07,outbound,2020-01-01 12:00:00,07700 900123",
    ",sms,0A08,outbound,2020-01-01 12:00:00,",
    'user-42,sms,"0A\n09",outbound,2020-01-01 12:00:00,',
    "user-42,sms,0A10,outbound",
    "user-42,sms,..,outbound,2020-01-01 12:00:00,",
    "user-42,sms,0A12,outbound,2020-01-01 12:00:00,",
], [
    err(1, "product"), err(2, "id"), err(3, "direction"), err(4, "direction"), err(5, "created_at"),
    err(6, "created_at"), err(7, "identifiers"), err(8, "subject"), err(9, "id"), err(10, "$"), err(11, "id"),
    ok(12, "user-42", entry("sms", "outbound", "0A12")),
])
case("csv: an unknown column stops the import at row 0", "csv",
     ["subject,product,id,direction,created,identifiers", "user-42,sms,0A01,outbound,2020-01-01 12:00:00,"],
     [err(0, "created")])
case("csv: a missing column stops the import at row 0", "csv",
     ["subject,product,id,direction", "user-42,sms,0A01,outbound"], [err(0, "created_at")])
case("csv: a repeated column stops the import at row 0", "csv",
     ["subject,product,id,id,direction,created_at", "user-42,sms,0A01,0A02,outbound,2020-01-01 12:00:00"],
     [err(0, "id")])
cases.append({"name": "csv: an empty file has no header", "format": "csv", "body": "",
              "expect": {"rows": [err(0, "$")]}})
case("csv: a header alone is no rows", "csv", [H], [])

J = lambda o: json.dumps(o, ensure_ascii=False)
case("jsonl: rows are lines; blank lines are skipped but counted; numbers and identifier objects", "jsonl", [
    J({"subject": "user-42", "product": "sms", "id": "0A0000000123ABCD1", "direction": "outbound",
       "created_at": "2020-01-01 12:00:00", "identifiers": ["+44 7700 900123"]}),
    "",
    J({"subject": "user-42", "product": "number-insight", "id": REQ, "created_at": SECONDS_2020,
       "identifiers": [{"kind": "conversation_user", "value": USR}]}),
    J({"subject": "user-43", "product": "voice", "id": UUID, "direction": None, "created_at": "2020-01-01T12:00:00.000Z",
       "identifiers": "+447700900124;+447700900125"}),
], [
    ok(1, "user-42", entry("sms", "outbound", "0A0000000123ABCD1"), [("phone", "+447700900123")]),
    ok(3, "user-42", entry("number-insight", None, REQ), [("conversation_user", USR)]),
    ok(4, "user-43", entry("voice", None, UUID), [("phone", "+447700900124"), ("phone", "+447700900125")]),
])
case("jsonl: each bad line names its line and key", "jsonl", [
    "{not json",
    J(["user-42", "sms"]),
    J({"subject": "user-42", "product": "sms", "id": "0A01", "direction": "outbound", "created_at": SECONDS_2020, "note": "x"}),
    J({"subject": "user-42", "product": "sms", "id": 123, "direction": "outbound", "created_at": SECONDS_2020}),
    J({"subject": "user-42", "product": "sms", "id": "0A05", "direction": "outbound", "created_at": SECONDS_2020,
       "identifiers": 447700900123}),
    J({"subject": "user-42", "product": "sms", "id": "0A06", "direction": "outbound", "created_at": SECONDS_2020,
       "identifiers": [{"kind": "email", "value": "a@b.c"}]}),
    J({"subject": "x" * 257, "product": "sms", "id": "0A07", "direction": "outbound", "created_at": SECONDS_2020}),
    J({"subject": "user-42", "product": "sms", "id": "0A08", "direction": "outbound", "created_at": 1.5}),
    J({"subject": "user-42", "product": "sms", "id": "0A09", "direction": "outbound", "created_at": SECONDS_2020}),
], [
    err(1, "$"), err(2, "$"), err(3, "note"), err(4, "id"), err(5, "identifiers"), err(6, "identifiers"),
    err(7, "subject"), err(8, "created_at"), ok(9, "user-42", entry("sms", "outbound", "0A09")),
])

doc = {"about": "Backfill import rows (import_rows / ImportRow::from_value), replayed by Rust (core/tests/import_rows.rs). "
                "Each case: format (csv or jsonl) and body; expect one item per row read: the row (row, subject, entry, "
                "identifiers) or the error (code, details.row, details.field). Row 0 is the CSV header; a JSON lines row "
                "is its line number. Generated by gen/import_vectors.py.",
       "cases": cases}
(HERE / "import_rows.json").write_text(json.dumps(doc, indent=1, ensure_ascii=False) + "\n")
print(len(cases), "cases")
