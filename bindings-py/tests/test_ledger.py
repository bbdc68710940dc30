"""The ledger suite, run on every backend: an SQLite file, SQLite ``:memory:``, the core's memory
ledger and PostgreSQL (``ERASEKIT_PG_DSN``, else ``scripts/pg.sh start``; never skipped).

Each PostgreSQL test gets a schema of its own (through the DSN's ``search_path``), so the suite
can share a server with the Node suite and with itself."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
import types
import uuid
from pathlib import Path
from typing import Any, Callable

import psycopg
import pytest
from psycopg import sql as pgsql
from psycopg.conninfo import make_conninfo

import erasekit
from conftest import REPO
from ledger_receipts import erased
from test_ledger_ed25519 import signed_receipt

BACKENDS = ["sqlite-file", "sqlite-memory", "memory", "postgres"]
SQL_BACKENDS = ["sqlite-file", "sqlite-memory", "postgres"]
SHARED_BACKENDS = ["sqlite-file", "postgres"]  # those two processes can open at once

AT = 1_700_000_000_000
ODD_SUBJECTS = [
    "user-42",
    "o'brien \"quoted\"",
    "x'); DROP TABLE erasekit_entries; --",
    "Robert'); DELETE FROM erasekit_tombstones WHERE ('1'='1",
    "%s $1 ? :name",
    "Zoë 👩‍💻 ユーザー",
    "é" * 128,  # 256 bytes: the longest subject
    " leading and trailing spaces ",
]


@pytest.fixture(scope="session")
def pg_dsn() -> str:
    """The server's DSN: from ``ERASEKIT_PG_DSN``, else started here with ``scripts/pg.sh``."""
    dsn = os.environ.get("ERASEKIT_PG_DSN")
    if not dsn:
        started = subprocess.run(
            [str(REPO / "scripts" / "pg.sh"), "start"],
            check=True,
            capture_output=True,
            text=True,
        )
        dsn = started.stdout.strip().splitlines()[-1]
    return dsn


class Backend:
    """One place a ledger lives, opened as many times as a test needs."""

    def __init__(self, name: str, tmp_path: Path, pg_dsn: str | None) -> None:
        self.name = name
        self.path = tmp_path / "ledger.db"
        self.schema = f"erasekit_py_{uuid.uuid4().hex[:12]}"
        self.admin_dsn = pg_dsn
        self.dsn = ""
        self.opened: list[erasekit.Ledger] = []
        if name == "postgres":
            assert pg_dsn
            with psycopg.connect(pg_dsn, autocommit=True) as conn:
                conn.execute(pgsql.SQL("CREATE SCHEMA {}").format(pgsql.Identifier(self.schema)))
            self.dsn = make_conninfo(pg_dsn, options=f"-c search_path={self.schema}")

    @property
    def shared(self) -> bool:
        """Whether a second open sees the same data."""
        return self.name in SHARED_BACKENDS

    def open(self) -> erasekit.Ledger:
        if self.name == "sqlite-file":
            ledger = erasekit.Ledger.sqlite(self.path)
        elif self.name == "sqlite-memory":
            ledger = erasekit.Ledger.sqlite(":memory:")
        elif self.name == "memory":
            ledger = erasekit.Ledger.memory()
        else:
            ledger = erasekit.Ledger.postgres(self.dsn)
        self.opened.append(ledger)
        return ledger

    def _sqlite(self, ledger: erasekit.Ledger) -> Any:
        if self.name == "sqlite-memory":
            # The only connection to a private in-memory database is the ledger's own.
            return getattr(getattr(ledger, "_store"), "driver")._conn
        import sqlite3

        return sqlite3.connect(self.path)

    def execute(self, ledger: erasekit.Ledger, statement: str) -> None:
        """Runs raw SQL next to the ledger (to damage it on purpose)."""
        if self.name == "postgres":
            with psycopg.connect(self.dsn, autocommit=True) as conn:
                conn.execute(statement.encode())
        else:
            conn = self._sqlite(ledger)
            conn.execute(statement)
            if self.name == "sqlite-file":
                conn.commit()
                conn.close()

    def tables(self, ledger: erasekit.Ledger) -> dict[str, list[tuple[Any, ...]]]:
        """Every row of every table the ledger's database holds."""
        if self.name == "memory":
            return {"export": [(ledger.export(),)]}
        out: dict[str, list[tuple[Any, ...]]] = {}
        if self.name == "postgres":
            with psycopg.connect(self.dsn, autocommit=True) as conn:
                names = [
                    r[0]
                    for r in conn.execute(
                        "SELECT table_name FROM information_schema.tables WHERE table_schema = %s",
                        [self.schema],
                    )
                ]
                for name in names:
                    query = pgsql.SQL("SELECT * FROM {}").format(pgsql.Identifier(name))
                    out[name] = list(conn.execute(query).fetchall())
            return out
        conn = self._sqlite(ledger)
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        for name in names:
            out[name] = conn.execute(f'SELECT * FROM "{name}"').fetchall()
        if self.name == "sqlite-file":
            conn.close()
        return out

    def cleanup(self) -> None:
        for ledger in self.opened:
            ledger.close()
        if self.name == "postgres" and self.admin_dsn:
            with psycopg.connect(self.admin_dsn, autocommit=True) as conn:
                conn.execute(
                    pgsql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(
                        pgsql.Identifier(self.schema)
                    )
                )


def make_backend(name: str, tmp_path: Path, request: pytest.FixtureRequest) -> Backend:
    dsn = request.getfixturevalue("pg_dsn") if name == "postgres" else None
    backend = Backend(name, tmp_path, dsn)
    request.addfinalizer(backend.cleanup)
    return backend


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Backend:
    return make_backend(request.param, tmp_path, request)


@pytest.fixture(params=SQL_BACKENDS)
def sql_backend(request: pytest.FixtureRequest, tmp_path: Path) -> Backend:
    return make_backend(request.param, tmp_path, request)


@pytest.fixture(params=SHARED_BACKENDS)
def shared_backend(request: pytest.FixtureRequest, tmp_path: Path) -> Backend:
    return make_backend(request.param, tmp_path, request)


@pytest.fixture
def ledger(backend: Backend) -> erasekit.Ledger:
    return backend.open()


def every_source() -> list[erasekit.LedgerEntry]:
    """One capture per kind of entry, all at distinct times."""
    c = erasekit.capture
    return [
        *c.sms_send(
            {"messages": [{"message-id": "0A01", "status": "0"}, {"message-id": "0A02", "status": "0"}]},
            at=AT,
        ),
        *c.sms_inbound({"messageId": "0B01", "message-timestamp": "2023-11-14 22:13:21"}),
        *c.voice_call({"uuid": "63f61863-4a51-4f6b-86e1-46edebcf9356"}, at=AT + 2000),
        *c.voice_recording(
            {
                "recording_url": "https://api.nexmo.com/v1/files/aaaaaaaa-bbbb-cccc-dddd-0123456789ab",
                "start_time": "2023-11-14T22:13:23Z",
            }
        ),
        *c.verify({"request_id": "abcdef0123456789abcdef0123456789", "status": "0"}, at=AT + 4000),
        *c.messages_inbound(
            {"message_uuid": "aaaaaaaa-bbbb-cccc-dddd-0123456789ac", "timestamp": "2023-11-14T22:13:25Z"}
        ),
        *c.conversation_user({"id": "USR-aaaaaaaa-bbbb-cccc-dddd-0123456789ab"}, at=AT + 6000),
        *c.conversation_event({"id": 5, "conversation_id": "CON-1"}, at=AT + 7000),
    ]


def key(entry: erasekit.LedgerEntry) -> tuple[Any, ...]:
    return (entry["created_at"], entry["kind"], entry["product"] or "", entry["id"])


def sms(n: int, prefix: str = "M", at: int = AT) -> list[erasekit.LedgerEntry]:
    parts = [{"message-id": f"{prefix}{i:06d}", "status": "0"} for i in range(n)]
    return erasekit.capture.sms_send({"messages": parts}, at=at)


# --- record and read back ---------------------------------------------------------------------


def test_many_entries_are_batched_and_read_back(ledger: erasekit.Ledger) -> None:
    entries = sms(2345)
    assert ledger.record("big", entries) == 2345
    assert ledger.entries("big") == sorted(entries, key=key)


# --- bad input --------------------------------------------------------------------------------

SUBJECT_CALLS: dict[str, Callable[[erasekit.Ledger, Any], object]] = {
    "record": lambda l, s: l.record(s, sms(1)),
    "link": lambda l, s: l.link(s, ["+447700900123"]),
    "entries": lambda l, s: l.entries(s),
    "identifiers": lambda l, s: l.identifiers(s),
    "forget": lambda l, s: l.forget(s, erased(l, "user-42", "receipt-1", allow_empty=True)),
    "tombstones": lambda l, s: l.tombstones(s),
    "save_job": lambda l, s: l.save_job("job-1", s, "running", "{}"),
}


@pytest.mark.parametrize("call", sorted(SUBJECT_CALLS))
@pytest.mark.parametrize("subject", [None, 42, b"user-42", ["user-42"], "\ud800"])
def test_subjects_that_are_not_text(ledger: erasekit.Ledger, call: str, subject: Any) -> None:
    with pytest.raises(erasekit.InputError) as info:
        SUBJECT_CALLS[call](ledger, subject)
    assert info.value.code == "invalid_argument"
    assert info.value.details["field"] == "subject"


GOOD = sms(1)[0]
BAD_ENTRIES: list[tuple[str, Any]] = [
    ("entries", "0A01"),
    ("entries", GOOD),
    ("entries", None),
    ("entries", iter([GOOD])),
    ("entries[0]", [42]),
    ("entries[1]", [GOOD, "0A01"]),
    ("entries[1]", [GOOD, {**GOOD, "kind": "sms"}]),
    ("entries[0]", [{**GOOD, "product": "SMS"}]),
    ("entries[0]", [{**GOOD, "created_at": "yesterday"}]),
    ("entries[0]", [{**GOOD, "created_at": -1}]),
    ("entries[0]", [{**GOOD, "extra": {"when": object()}}]),
    ("entries[2].id", [GOOD, GOOD, {**GOOD, "id": "a\nb"}]),
    ("entries[0].id", [{**GOOD, "id": ""}]),
    ("entries[0].product", [{**GOOD, "product": None}]),
    ("entries[0].product", [{**GOOD, "kind": "recording"}]),
]


@pytest.mark.parametrize(("field", "entries"), BAD_ENTRIES, ids=[f for f, _ in BAD_ENTRIES])
def test_entries_of_the_wrong_shape(ledger: erasekit.Ledger, field: str, entries: Any) -> None:
    with pytest.raises(erasekit.InputError) as info:
        ledger.record("user-42", entries)
    assert info.value.code == "invalid_argument"
    assert info.value.details["field"] == field
    assert field in str(info.value)
    assert ledger.entries("user-42") == []  # nothing of a refused batch is kept


def test_entries_and_identifiers_in_any_sequence(ledger: erasekit.Ledger) -> None:
    from collections import UserList

    entries = json.loads(json.dumps(every_source()))
    assert ledger.record("user-42", tuple(entries)) == len(entries)
    assert ledger.record("user-43", UserList(entries)) == len(entries)
    ledger.link("user-42", ("+447700900123",))
    ledger.link("user-43", UserList([USER]))
    assert len(ledger.identifiers("user-42")) == len(ledger.identifiers("user-43")) == 1


# --- identifiers ------------------------------------------------------------------------------

USER = "USR-aaaaaaaa-bbbb-cccc-dddd-0123456789ab"


BAD_IDENTIFIERS: list[tuple[str, Any]] = [
    ("identifiers", "+447700900123"),
    ("identifiers", {"kind": "phone", "value": "+447700900123"}),
    ("identifiers[0]", [447700900123]),
    ("identifiers[1]", ["+447700900123", None]),
    ("identifiers[0].value", [{"kind": "phone"}]),
    ("identifiers[0].kind", [{"kind": 1, "value": "+447700900123"}]),
    ("kind", [{"kind": "email", "value": "a@example.com"}]),
]


@pytest.mark.parametrize(("field", "identifiers"), BAD_IDENTIFIERS, ids=[f for f, _ in BAD_IDENTIFIERS])
def test_identifiers_of_the_wrong_shape(
    ledger: erasekit.Ledger, field: str, identifiers: Any
) -> None:
    with pytest.raises(erasekit.InputError) as info:
        ledger.link("user-42", identifiers)
    assert info.value.code == "invalid_argument"
    assert info.value.details["field"] == field


# --- forget -----------------------------------------------------------------------------------


def fill(ledger: erasekit.Ledger, subject: str) -> None:
    ledger.record(subject, every_source())
    ledger.link(subject, ["+447700900123", USER])
    ledger.save_job(f"job-{subject}", subject, "finished", json.dumps({"subject": subject}))


def test_forget_leaves_only_a_tombstone(backend: Backend) -> None:
    ledger = backend.open()
    subject = "Zoë O'Brien <zoe@example.com>"
    fill(ledger, subject)
    fill(ledger, "user-43")
    before = json.dumps(backend.tables(ledger), default=str, ensure_ascii=False)
    assert subject in before or json.dumps(subject)[1:-1] in before

    receipt = erased(ledger, subject, "job-zoe")
    tombstone = ledger.forget(subject, receipt)
    assert tombstone is not None
    assert tombstone["receipt_id"] == "job-zoe"
    assert len(tombstone["subject_hash"]) == 64
    assert abs(tombstone["forgotten_at"] - time.time() * 1000) < 60_000
    assert ledger.entries(subject) == []
    assert ledger.identifiers(subject) == []
    assert ledger.load_job(f"job-{subject}") is None
    assert ledger.subjects() == ["user-43"]
    assert ledger.tombstones(subject) == [tombstone]
    assert ledger.tombstones("user-43") == []
    # The receipt is stored (it names the subject only by its keyed hash).
    assert ledger.receipt("job-zoe") == receipt
    assert ledger.receipts() == [receipt]

    # Scan every table: nothing names the subject, or any part of it, any more.
    after = json.dumps(backend.tables(ledger), default=str, ensure_ascii=False)
    for part in ["Zoë", "O'Brien", "zoe@example.com", json.dumps(subject)[1:-1]]:
        assert part not in after, part
    assert tombstone["subject_hash"] in after
    # The other subject is untouched.
    assert len(ledger.entries("user-43")) == len(every_source())
    assert ledger.load_job("job-user-43") is not None


def test_forget_in_every_form_of_receipt(ledger: erasekit.Ledger) -> None:
    forms: dict[str, Callable[[dict[str, Any]], Any]] = {
        "dict": lambda r: r,
        "json": lambda r: json.dumps(r),
        "bytes": lambda r: json.dumps(r, indent=2).encode(),
    }
    for name, form in forms.items():
        fill(ledger, f"user-{name}")
        receipt = erased(ledger, f"user-{name}", f"job-{name}")
        stone = ledger.forget(f"user-{name}", form(receipt))
        assert stone is not None and stone["receipt_id"] == f"job-{name}"
        assert ledger.tombstones(f"user-{name}") == [stone]
        assert ledger.entries(f"user-{name}") == []


def test_forget_refuses_a_receipt_of_the_wrong_type(ledger: erasekit.Ledger) -> None:
    for receipt in (None, 42, ["receipt-1"]):
        with pytest.raises(erasekit.InputError) as info:
            ledger.forget("user-42", receipt)  # type: ignore[arg-type]
        assert info.value.details["field"] == "receipt"


def test_the_receipt_key_is_the_ledgers_own(shared_backend: Backend) -> None:
    ledger = shared_backend.open()
    public = ledger.receipt_public_key()
    assert len(public) == 64 and public == erasekit.receipt_public_key(ledger._receipt_key)
    ledger.close()
    again = shared_backend.open()
    assert again.receipt_public_key() == public
    receipt = erased(again, "user-1", "job-1", allow_empty=True)
    assert receipt["signature"]["public_key"] == public
    again.close()


# --- jobs -------------------------------------------------------------------------------------


def test_job_arguments_are_checked(ledger: erasekit.Ledger) -> None:
    with pytest.raises(erasekit.InputError) as info:
        ledger.save_job("job-1", "user-42", "running", {"ops": []})  # type: ignore[arg-type]
    assert info.value.details["field"] == "snapshot"
    with pytest.raises(erasekit.InputError) as info:
        ledger.load_job(1)  # type: ignore[arg-type]
    assert info.value.details["field"] == "job_id"


# --- opening, reopening, schema ---------------------------------------------------------------


def test_reopening_keeps_the_data_and_the_key(shared_backend: Backend) -> None:
    first = shared_backend.open()
    fill(first, "user-42")
    second = shared_backend.open()
    assert second.subject_key == first.subject_key
    assert second.entries("user-42") == first.entries("user-42")
    assert second.identifiers("user-42") == first.identifiers("user-42")
    assert second.jobs() == first.jobs()


def test_every_ledger_gets_its_own_key(tmp_path: Path) -> None:
    keys = {
        erasekit.Ledger.memory().subject_key,
        erasekit.Ledger.memory().subject_key,
        erasekit.Ledger.sqlite(":memory:").subject_key,
        erasekit.Ledger.sqlite(tmp_path / "a.db").subject_key,
        erasekit.Ledger.sqlite(tmp_path / "b.db").subject_key,
    }
    assert len(keys) == 5


def test_sqlite_uses_wal(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "wal.db"
    erasekit.Ledger.sqlite(str(path)).close()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()


def test_a_newer_schema_is_a_storage_error(sql_backend: Backend) -> None:
    ledger = sql_backend.open()
    fill(ledger, "user-42")
    sql_backend.execute(
        ledger, "UPDATE erasekit_meta SET value = '99' WHERE name = 'schema_version'"
    )
    if sql_backend.shared:
        with pytest.raises(erasekit.StorageError) as info:
            sql_backend.open()
    else:  # the private database: run the open conversation again on the same connection
        call = erasekit._native.SqlLedger("sqlite").begin({"op": "open", "entropy": [7] * 64}, AT)
        conn = sql_backend._sqlite(ledger)
        meta = conn.execute(json.loads(call.transaction)["query"]["sql"]).fetchall()
        with pytest.raises(erasekit.StorageError) as info:
            call.then(meta)
    assert info.value.code == "storage"
    assert "99" in str(info.value)


def test_a_damaged_row_is_a_storage_error(sql_backend: Backend) -> None:
    ledger = sql_backend.open()
    ledger.record("user-42", sms(1))
    sql_backend.execute(ledger, "UPDATE erasekit_entries SET kind = 'bogus'")
    with pytest.raises(erasekit.StorageError) as info:
        ledger.entries("user-42")
    assert info.value.code == "storage"


def test_a_newer_export_format_is_a_storage_error() -> None:
    exported = json.loads(erasekit.Ledger.memory().export())
    exported["format"] = 2
    with pytest.raises(erasekit.StorageError):
        erasekit.Ledger.from_export(json.dumps(exported))
    for junk in ("", "{}", "[]", b"\xff", "not json"):
        with pytest.raises(erasekit.StorageError):
            erasekit.Ledger.from_export(junk)
    with pytest.raises(erasekit.InputError):
        erasekit.Ledger.from_export(42)  # type: ignore[arg-type]


def test_export_is_for_memory_ledgers(sql_backend: Backend) -> None:
    with pytest.raises(TypeError):
        sql_backend.open().export()


def test_backend_names(backend: Backend) -> None:
    expected = {"sqlite-file": "sqlite", "sqlite-memory": "sqlite"}.get(backend.name, backend.name)
    assert backend.open().backend == expected


# --- lifecycle and errors of the driver -------------------------------------------------------


def test_close_and_context_manager(backend: Backend) -> None:
    with backend.open() as ledger:
        ledger.record("user-42", sms(1))
        assert not ledger.closed
    assert ledger.closed
    assert "closed" in repr(ledger)
    ledger.close()  # idempotent
    for call in (lambda: ledger.entries("user-42"), lambda: ledger.subject_key):
        with pytest.raises(erasekit.StorageError) as info:
            call()
        assert info.value.code == "storage"


def test_the_constructor_is_not_public() -> None:
    with pytest.raises(TypeError):
        erasekit.Ledger()


def test_repr_never_shows_the_dsn(tmp_path: Path, request: pytest.FixtureRequest) -> None:
    backend = make_backend("postgres", tmp_path, request)
    # trust authentication ignores the password; it must still never show.
    dsn = make_conninfo(backend.dsn, application_name="erasekit-test", password="s3cr3t")
    with erasekit.Ledger.postgres(dsn) as ledger:
        assert repr(ledger) == "<erasekit.Ledger postgres>"
        assert ledger.backend == "postgres"


def test_driver_errors_are_storage_errors(tmp_path: Path) -> None:
    with pytest.raises(erasekit.StorageError) as info:
        erasekit.Ledger.sqlite(tmp_path / "missing" / "dir" / "ledger.db")
    assert info.value.code == "storage"
    assert isinstance(info.value.__cause__, __import__("sqlite3").Error)
    with pytest.raises(erasekit.StorageError) as info:
        erasekit.Ledger.postgres("postgresql://nobody@127.0.0.1:1/none?connect_timeout=2")
    assert isinstance(info.value.__cause__, psycopg.Error)


def test_a_lost_connection_is_a_storage_error(shared_backend: Backend) -> None:
    ledger = shared_backend.open()
    getattr(getattr(ledger, "_store"), "driver")._conn.close()  # the database goes away
    with pytest.raises(erasekit.StorageError):
        ledger.record("user-42", sms(1))


def test_threads_share_one_ledger(backend: Backend) -> None:
    ledger = backend.open()
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            for r in range(20):
                ledger.record(f"t{n}", sms(10, prefix=f"T{n}R{r:02d}"))
                ledger.entries(f"t{n}")
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert [len(ledger.entries(f"t{n}")) for n in range(4)] == [200] * 4


# --- two processes at once --------------------------------------------------------------------

WORKER = """
import sys
import erasekit

backend, where, worker, rounds, per = sys.argv[1:6]
open_ledger = erasekit.Ledger.sqlite if backend == "sqlite-file" else erasekit.Ledger.postgres
with open_ledger(where) as ledger:
    print(ledger.subject_key.hex(), flush=True)
    for r in range(int(rounds)):
        parts = [{"message-id": f"W{worker}R{r:04d}P{i:03d}", "status": "0"} for i in range(int(per))]
        entries = erasekit.capture.sms_send({"messages": parts}, at=1_700_000_000_000 + r)
        ledger.record("shared", entries)
        ledger.record(f"worker-{worker}", entries)
        ledger.link("shared", [f"+4477009{int(worker):02d}{r:03d}"])
"""


def test_two_processes_recording_at_once_lose_nothing(shared_backend: Backend) -> None:
    rounds, per = 120, 25
    where = str(shared_backend.path) if shared_backend.name == "sqlite-file" else shared_backend.dsn
    # Both open a ledger that does not exist yet, so the first open races too.
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, shared_backend.name, where, str(w), str(rounds), str(per)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for w in (1, 2)
    ]
    outputs = [p.communicate(timeout=300) for p in procs]
    for p, (out, err) in zip(procs, outputs):
        assert p.returncode == 0, err
    keys = {out.strip() for out, _ in outputs}
    assert len(keys) == 1, "both processes must read back the same subject key"

    ledger = shared_backend.open()
    assert ledger.subject_key.hex() in keys
    assert len(ledger.entries("shared")) == 2 * rounds * per
    assert len(ledger.entries("worker-1")) == rounds * per
    assert len(ledger.entries("worker-2")) == rounds * per
    assert len(ledger.identifiers("shared")) == 2 * rounds
    assert ledger.subjects() == ["shared", "worker-1", "worker-2"]


OVERLAP_WORKER = """
import sys
import erasekit

backend, where, worker = sys.argv[1:4]
open_ledger = erasekit.Ledger.sqlite if backend == "sqlite-file" else erasekit.Ledger.postgres
with open_ledger(where) as ledger:
    new = 0
    rounds = list(range(40))
    if worker == "2":
        rounds.reverse()  # the same entries in the opposite order: the two meet half way
    for r in rounds:
        ids = [f"R{r:03d}P{i:03d}" for i in range(50)]
        if worker == "2":
            ids.reverse()
        parts = [{"message-id": i, "status": "0"} for i in ids]
        new += ledger.record("shared", erasekit.capture.sms_send({"messages": parts}, at=1))
    print(new)
"""


def test_two_processes_recording_the_same_entries_in_opposite_orders(
    shared_backend: Backend,
) -> None:
    shared_backend.open()  # the schema exists: this test is about the writes
    where = str(shared_backend.path) if shared_backend.name == "sqlite-file" else shared_backend.dsn
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", OVERLAP_WORKER, shared_backend.name, where, str(w)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for w in (1, 2)
    ]
    outputs = [p.communicate(timeout=300) for p in procs]
    for p, (_, err) in zip(procs, outputs):
        assert p.returncode == 0, err
    # Every entry was recorded exactly once, by one process or the other.
    assert sum(int(out) for out, _ in outputs) == 40 * 50
    assert len(shared_backend.open().entries("shared")) == 40 * 50


# --- delegation to erasekit.job ---------------------------------------------------------------


def test_plan_erasure_and_resume_delegate_to_the_job_module(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[tuple[str, Any, str, dict[str, Any]]] = []

    def plan_erasure(ledger: Any, subject: str, **kwargs: Any) -> str:
        calls.append(("plan", ledger, subject, kwargs))
        return "plan"

    def resume_job(ledger: Any, job_id: str, **kwargs: Any) -> str:
        calls.append(("resume", ledger, job_id, kwargs))
        return "job"

    fake = types.ModuleType("erasekit.job")
    setattr(fake, "plan_erasure", plan_erasure)
    setattr(fake, "resume_job", resume_job)
    monkeypatch.setitem(sys.modules, "erasekit.job", fake)
    ledger = erasekit.Ledger.memory()
    assert ledger.plan_erasure("user-42", now=5) == "plan"
    assert ledger.resume("job-1", credentials=None) == "job"
    assert calls == [
        ("plan", ledger, "user-42", {"now": 5}),
        ("resume", ledger, "job-1", {"credentials": None}),
    ]


def test_plan_erasure_without_the_job_module(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "erasekit.job", None)
    with pytest.raises(NotImplementedError, match="erasekit.job"):
        erasekit.Ledger.memory().plan_erasure("user-42")


# --- the statements themselves ----------------------------------------------------------------


def test_unknown_dialect() -> None:
    with pytest.raises(erasekit.InputError) as info:
        erasekit._native.SqlLedger("mysql")
    assert info.value.details["field"] == "dialect"


# --- the codes capture and the ledger raise ---------------------------------------------------

REACHABLE: dict[str, Callable[[], object]] = {
    "invalid_payload": lambda: erasekit.capture.sms_send({}),
    "invalid_subject": lambda: erasekit.Ledger.memory().entries(""),
    "invalid_phone": lambda: erasekit.phone("07700 900123"),
    "storage": lambda: erasekit.Ledger.from_export("{}"),
    "invalid_receipt": lambda: erasekit.Ledger.memory().forget("user-42", "{}"),
}


@pytest.mark.parametrize("code", sorted(REACHABLE))
def test_capture_and_ledger_codes_raise_their_class(code: str) -> None:
    with pytest.raises(erasekit.ErasekitError) as info:
        REACHABLE[code]()
    assert type(info.value) is erasekit._native._exception_class(code)
    assert info.value.code == code
    assert info.value.details["code"] == code


def test_record_takes_aware_datetimes_and_refuses_naive_ones(ledger: erasekit.Ledger) -> None:
    from datetime import datetime, timezone

    at = datetime(2023, 11, 14, 22, 13, 20, tzinfo=timezone.utc)
    assert ledger.record("user-42", [{"product": "sms", "id": "M1", "created_at": at}]) == 1
    assert ledger.entries("user-42")[0]["created_at"] == 1_700_000_000_000
    with pytest.raises(erasekit.InputError) as info:
        ledger.record("user-42", [{"product": "sms", "id": "M2", "created_at": at.replace(tzinfo=None)}])
    assert info.value.code == "invalid_argument"
    assert info.value.details["field"] == "entries[0]"
    assert "naive" in str(info.value)
