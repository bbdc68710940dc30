"""``erasekit.Ledger``: every Vonage id a data subject produced, in SQLite, PostgreSQL or memory.

The ledger is your own database. erasekit's core owns its schema, its migrations and every
statement (parameterised, in the SQLite and PostgreSQL dialects); this module only opens the
connection, runs what the core returns inside transactions and hands the rows back to the core
to decode. No value is ever spliced into SQL text::

    ledger = erasekit.Ledger.sqlite("ledger.db")       # or .postgres(dsn), .memory()
    ledger.record("user-42", erasekit.capture.sms_send(body, at=now))
    ledger.link("user-42", ["+44 7700 900123", "USR-aaaaaaaa-bbbb-cccc-dddd-0123456789ab"])
    ledger.entries("user-42")                           # oldest first
    ledger.forget("user-42", receipt)                  # after the erasure: what the receipt settles
    ledger.receipt(job_id), ledger.receipts()          # receipts are stored in the ledger

The only SQL text written here is driver housekeeping: SQLite's ``PRAGMA journal_mode=WAL`` and
the ``BEGIN IMMEDIATE``/``COMMIT``/``ROLLBACK`` that bracket a transaction (psycopg brackets its
own). Driver errors (``sqlite3.Error``, ``psycopg.Error``) are raised as ``StorageError`` with
the driver's exception as ``__cause__``, so every error a ledger raises is an ``ErasekitError``.
"""

from __future__ import annotations

import importlib
import os
import re
import sqlite3
import threading
import time
from contextlib import contextmanager
from types import TracebackType
from typing import TYPE_CHECKING, Any, Iterator, Literal, Mapping, Sequence, Union

from ._native import (
    ErasureSql,
    LedgerSql,
    MemoryLedger,
    _ledger_not_found,
    _storage_error,
    receipt_public_key,
)
from .exceptions import ErasekitError
from .types import (
    Identifier,
    LeaseTimes,
    LedgerEntry,
    Receipt,
    SqlExchange,
    SqlStatement,
    StoredJob,
    Tombstone,
)

if TYPE_CHECKING:
    import psycopg

__all__ = ["IdentifierInput", "Ledger", "ReceiptInput"]

IdentifierInput = Union[str, Identifier]
"""A phone number in any common form or a Conversation user id (``USR-…``) as ``str``, or a
``{"kind", "value"}`` dict as ``Ledger.identifiers()`` returns it."""

ReceiptInput = Union[str, bytes, Mapping[str, Any]]
"""A signed erasure receipt (dict, JSON ``str`` or ``bytes``). ``forget`` accepts only a receipt
for that subject signed with the ledger's own receipt key."""

Lease = dict[str, Any]
"""A run's hold on its job row: ``{"job_id", "owner", "attempt"}`` (drivers only)."""

Backend = Literal["sqlite", "postgres", "memory"]

_Rows = list[Sequence[Any]]

# How often a first open is retried when another process creates the same schema at that moment
# (PostgreSQL reports a concurrent CREATE TABLE IF NOT EXISTS as a unique violation), and a write
# that PostgreSQL aborted as a deadlock with another writer.
_OPEN_ATTEMPTS = 5
_WRITE_ATTEMPTS = 5


def _now_ms() -> int:
    return time.time_ns() // 1_000_000


def _groups(statements: Sequence[SqlStatement]) -> Iterator[tuple[str, list[list[Any]]]]:
    """Consecutive statements with the same SQL text, to send with one ``executemany``."""
    sql: str | None = None
    params: list[list[Any]] = []
    for statement in statements:
        if statement["sql"] != sql:
            if sql is not None:
                yield sql, params
            sql, params = statement["sql"], []
        params.append(statement["params"])
    if sql is not None:
        yield sql, params


class _Transaction:
    """What a driver offers inside a transaction."""

    def run(self, statements: Sequence[SqlStatement]) -> int:
        """Executes the statements in order; returns the rows they changed."""
        raise NotImplementedError

    def query(self, statement: SqlStatement) -> _Rows:
        raise NotImplementedError


class _Driver:
    """A database connection that runs the core's statements."""

    dialect: Literal["sqlite", "postgres"]
    errors: tuple[type[BaseException], ...]
    retry_open: tuple[type[BaseException], ...] = ()
    retry_write: tuple[type[BaseException], ...] = ()
    retry_exchange: tuple[type[BaseException], ...] = ()

    @contextmanager
    def transaction(self) -> Iterator[_Transaction]:
        raise NotImplementedError
        yield  # pragma: no cover

    def query(self, statement: SqlStatement) -> _Rows:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError


class _SqliteTransaction(_Transaction):
    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def run(self, statements: Sequence[SqlStatement]) -> int:
        changed = 0
        for sql, params in _groups(statements):
            cursor = self._conn.executemany(sql, params)
            changed += max(cursor.rowcount, 0)
        return changed

    def query(self, statement: SqlStatement) -> _Rows:
        return self._conn.execute(statement["sql"], statement["params"]).fetchall()


class _Sqlite(_Driver):
    dialect = "sqlite"
    errors = (sqlite3.Error,)

    def __init__(self, path: str, timeout: float, create: bool) -> None:
        if not create and path != ":memory:" and not os.path.exists(path):
            raise _ledger_not_found(
                f"no SQLite ledger at {path!r} (open it with create=True to make a new one)"
            )
        # isolation_level=None: no implicit transactions, ours are explicit. `timeout` is SQLite's
        # busy timeout: a writer waits that long for another process's transaction to end.
        try:
            self._conn = sqlite3.connect(
                path, timeout=timeout, isolation_level=None, check_same_thread=False
            )
        except sqlite3.Error as exc:
            # sqlite3 does not say which file ("unable to open database file"): the message does.
            raise _storage_error(f"cannot open the SQLite ledger {path!r}: {type(exc).__name__}: {exc}") from exc
        try:
            self._wal(timeout)
        except sqlite3.Error as exc:
            self._conn.close()
            raise _driver_error(exc) from exc

    def _wal(self, timeout: float) -> None:
        """WAL mode: readers never block the writer, and processes share the file. Switching
        needs the file to itself and SQLite may answer "locked" at once instead of waiting
        while another process is opening it: retry until the busy timeout."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                self._conn.execute("PRAGMA journal_mode=WAL").fetchall()
                return
            except sqlite3.OperationalError as exc:
                busy = "locked" in str(exc) or "busy" in str(exc)
                if not busy or time.monotonic() >= deadline:
                    raise
                time.sleep(0.01)

    @contextmanager
    def transaction(self) -> Iterator[_Transaction]:
        # IMMEDIATE takes the write lock up front (waiting up to the busy timeout), so a
        # transaction never fails half way for want of upgrading a read lock.
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            yield _SqliteTransaction(self._conn)
        except BaseException:
            if self._conn.in_transaction:
                self._conn.execute("ROLLBACK")
            raise
        self._conn.execute("COMMIT")

    def query(self, statement: SqlStatement) -> _Rows:
        return self._conn.execute(statement["sql"], statement["params"]).fetchall()

    def close(self) -> None:
        self._conn.close()


class _PostgresTransaction(_Transaction):
    def __init__(self, conn: psycopg.Connection[Any]) -> None:
        self._conn = conn

    def run(self, statements: Sequence[SqlStatement]) -> int:
        changed = 0
        with self._conn.cursor() as cursor:
            for sql, params in _groups(statements):
                if len(params) == 1:
                    cursor.execute(sql, params[0])
                else:
                    # Pipelined by psycopg: one round trip for the whole batch.
                    cursor.executemany(sql, params)
                changed += max(cursor.rowcount, 0)
        return changed

    def query(self, statement: SqlStatement) -> _Rows:
        with self._conn.cursor() as cursor:
            cursor.execute(statement["sql"], statement["params"])
            return list(cursor.fetchall())


class _Postgres(_Driver):
    dialect = "postgres"

    def __init__(self, dsn: str) -> None:
        try:
            import psycopg
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise ImportError(
                "Ledger.postgres() needs psycopg 3.2 or later: pip install 'psycopg[binary]'"
            ) from exc
        self.errors = (psycopg.Error,)
        self.retry_open = (
            psycopg.errors.UniqueViolation,
            psycopg.errors.DuplicateTable,
            psycopg.errors.DuplicateObject,
        )
        # Two writers inserting overlapping entries in different orders can deadlock; PostgreSQL
        # then aborts one transaction, which is run again (every ledger write is idempotent).
        self.retry_write = (psycopg.errors.DeadlockDetected, psycopg.errors.SerializationFailure)
        # Two runs resuming jobs of one subject at once can both pass the claim's check and one
        # then hits the index allowing one running job per subject: run again, the claim then
        # sees the other's job and answers subject_busy.
        self.retry_exchange = self.retry_write + (psycopg.errors.UniqueViolation,)
        # RawCursor: the core's statements use PostgreSQL's own $1 placeholders. Autocommit,
        # with explicit transactions around every write.
        try:
            self._conn: psycopg.Connection[Any] = psycopg.Connection.connect(
                dsn, autocommit=True, cursor_factory=psycopg.RawCursor
            )
        except psycopg.Error as exc:
            raise _driver_error(exc) from exc

    @contextmanager
    def transaction(self) -> Iterator[_Transaction]:
        with self._conn.transaction():
            yield _PostgresTransaction(self._conn)

    def query(self, statement: SqlStatement) -> _Rows:
        return _PostgresTransaction(self._conn).query(statement)

    def close(self) -> None:
        self._conn.close()


class _Store:
    """One ledger's operations, on SQL or in memory."""

    backend: Backend
    errors: tuple[type[BaseException], ...] = ()
    key: bytes
    receipt_key: bytes

    def record(self, subject: str, entries: Sequence[LedgerEntry]) -> int:
        raise NotImplementedError

    def link(self, subject: str, identifiers: Sequence[IdentifierInput]) -> None:
        raise NotImplementedError

    def entries(self, subject: str) -> list[LedgerEntry]:
        raise NotImplementedError

    def identifiers(self, subject: str) -> list[Identifier]:
        raise NotImplementedError

    def subjects(self) -> list[str]:
        raise NotImplementedError

    def forget(self, subject: str, receipt: ReceiptInput) -> Tombstone | None:
        raise NotImplementedError

    def tombstones(self, subject: str) -> list[Tombstone]:
        raise NotImplementedError

    def save_job(self, job_id: str, subject: str, state: str, snapshot: str) -> None:
        raise NotImplementedError

    def load_job(self, job_id: str) -> StoredJob | None:
        raise NotImplementedError

    def jobs(self) -> list[StoredJob]:
        raise NotImplementedError

    def receipt(self, job_id: str) -> Receipt | None:
        raise NotImplementedError

    def receipts(self) -> list[Receipt]:
        raise NotImplementedError

    def claim(
        self, job_id: str, subject: str, snapshot: str, owner: str, existing: bool, lease_ms: int
    ) -> LeaseTimes:
        raise NotImplementedError

    def renew(self, lease: Lease, state: str, snapshot: str, lease_ms: int) -> LeaseTimes:
        raise NotImplementedError

    def finish(self, lease: Lease, subject: str, receipt: ReceiptInput) -> Tombstone | None:
        raise NotImplementedError

    def count(self, subject: str) -> int:
        raise NotImplementedError

    def close(self) -> None:
        pass


class _SqlStore(_Store):
    def __init__(self, driver: _Driver) -> None:
        self.driver = driver
        self.backend = driver.dialect
        self.errors = driver.errors
        self.sql = LedgerSql(driver.dialect)
        self.erasure = ErasureSql(driver.dialect)
        self.key, self.receipt_key = self._open()

    def _open(self) -> tuple[bytes, bytes]:
        """The core's open conversation: bootstrap, read the meta table, migrate and create the
        subject key in one transaction, then read the key back (another process may have won)."""
        sql = self.sql
        for attempt in range(_OPEN_ATTEMPTS):
            try:
                with self.driver.transaction() as tx:
                    tx.run(sql.bootstrap())
                    meta = tx.query(sql.read_meta())
                    tx.run(sql.open(meta, os.urandom(64)))
                break
            except self.driver.retry_open:
                if attempt + 1 == _OPEN_ATTEMPTS:
                    raise
                time.sleep(0.02 * (attempt + 1))
        meta = self.driver.query(sql.read_meta())
        return sql.key_from_meta(meta), sql.receipt_key_from_meta(meta)

    def _write(self, statements: Sequence[SqlStatement]) -> int:
        if not statements:
            return 0
        for attempt in range(_WRITE_ATTEMPTS):
            try:
                with self.driver.transaction() as tx:
                    return tx.run(statements)
            except self.driver.retry_write:
                if attempt + 1 == _WRITE_ATTEMPTS:
                    raise
                time.sleep(0.01 * (attempt + 1))
        raise AssertionError("unreachable")  # pragma: no cover

    def record(self, subject: str, entries: Sequence[LedgerEntry]) -> int:
        return self._write(self.sql.record(subject, entries, _now_ms()))

    def link(self, subject: str, identifiers: Sequence[IdentifierInput]) -> None:
        self._write(self.sql.link(subject, identifiers))

    def entries(self, subject: str) -> list[LedgerEntry]:
        return self.sql.decode_entries(self.driver.query(self.sql.select_entries(subject)))

    def identifiers(self, subject: str) -> list[Identifier]:
        rows = self.driver.query(self.sql.select_identifiers(subject))
        return self.sql.decode_identifiers(rows)

    def subjects(self) -> list[str]:
        return self.sql.decode_subjects(self.driver.query(self.sql.select_subjects()))

    def forget(self, subject: str, receipt: ReceiptInput) -> Tombstone | None:
        statements, receipt_id = self.erasure.forget(
            subject, self.key, self.receipt_key, receipt, _now_ms()
        )
        self._write(statements)
        return self._tombstone(subject, receipt_id)

    def _tombstone(self, subject: str, receipt_id: str) -> Tombstone | None:
        """The tombstone the receipt left, or ``None`` when entries remain (the database
        decided inside the transaction)."""
        rows = self.driver.query(self.sql.select_tombstones(subject, self.key))
        stored = self.sql.decode_tombstones(subject, self.key, rows)
        return next((t for t in stored if t["receipt_id"] == receipt_id), None)

    def _exchange(self, exchange: SqlExchange, sent_at: int, lease_ms: int) -> LeaseTimes:
        """One lease-checked transaction: the core reads the rows of its query and refuses
        (rolling back) when the database returned none."""
        for attempt in range(_WRITE_ATTEMPTS):
            try:
                with self.driver.transaction() as tx:
                    tx.run(exchange["before"])
                    rows = tx.query(exchange["query"])
                    times = self.erasure.lease_answer(exchange["on_empty"], rows, sent_at, lease_ms)
                    tx.run(exchange["after"])
                    return times
            except self.driver.retry_exchange:
                if attempt + 1 == _WRITE_ATTEMPTS:
                    raise
                time.sleep(0.01 * (attempt + 1))
        raise AssertionError("unreachable")  # pragma: no cover

    def claim(
        self, job_id: str, subject: str, snapshot: str, owner: str, existing: bool, lease_ms: int
    ) -> LeaseTimes:
        now = _now_ms()
        if existing:
            exchange = self.erasure.claim_existing(job_id, owner, now, lease_ms)
        else:
            exchange = self.erasure.claim_new(job_id, subject, snapshot, owner, now, lease_ms)
        return self._exchange(exchange, now, lease_ms)

    def renew(self, lease: Lease, state: str, snapshot: str, lease_ms: int) -> LeaseTimes:
        now = _now_ms()
        return self._exchange(self.erasure.renew(lease, state, snapshot, now, lease_ms), now, lease_ms)

    def finish(self, lease: Lease, subject: str, receipt: ReceiptInput) -> Tombstone | None:
        now = _now_ms()
        exchange = self.erasure.finish(lease, subject, self.key, self.receipt_key, receipt, now)
        self._exchange(exchange, now, 60_000)
        return self._tombstone(subject, lease["job_id"])

    def count(self, subject: str) -> int:
        return self.erasure.decode_count(self.driver.query(self.erasure.count_entries(subject)))

    def receipt(self, job_id: str) -> Receipt | None:
        rows = self.driver.query(self.erasure.select_receipt(job_id))
        found = self.erasure.decode_receipts(rows)
        return found[0] if found else None

    def receipts(self) -> list[Receipt]:
        return self.erasure.decode_receipts(self.driver.query(self.erasure.select_receipts()))

    def tombstones(self, subject: str) -> list[Tombstone]:
        rows = self.driver.query(self.sql.select_tombstones(subject, self.key))
        return self.sql.decode_tombstones(subject, self.key, rows)

    def save_job(self, job_id: str, subject: str, state: str, snapshot: str) -> None:
        self._write([self.sql.save_job(job_id, subject, state, snapshot, _now_ms())])

    def load_job(self, job_id: str) -> StoredJob | None:
        jobs = self.sql.decode_jobs(self.driver.query(self.sql.select_job(job_id)))
        return jobs[0] if jobs else None

    def jobs(self) -> list[StoredJob]:
        return self.sql.decode_jobs(self.driver.query(self.sql.select_jobs()))

    def close(self) -> None:
        self.driver.close()


class _MemoryStore(_Store):
    backend: Backend = "memory"

    def __init__(self, native: MemoryLedger) -> None:
        self.native = native
        self.key = native.key
        self.receipt_key = native.receipt_key

    def record(self, subject: str, entries: Sequence[LedgerEntry]) -> int:
        return self.native.record(subject, entries)

    def link(self, subject: str, identifiers: Sequence[IdentifierInput]) -> None:
        self.native.link(subject, identifiers)

    def entries(self, subject: str) -> list[LedgerEntry]:
        return self.native.entries(subject)

    def identifiers(self, subject: str) -> list[Identifier]:
        return self.native.identifiers(subject)

    def subjects(self) -> list[str]:
        return self.native.subjects()

    def forget(self, subject: str, receipt: ReceiptInput) -> Tombstone | None:
        return self.native.forget(subject, receipt, _now_ms())

    def count(self, subject: str) -> int:
        return len(self.native.entries(subject))

    def receipt(self, job_id: str) -> Receipt | None:
        return self.native.receipt(job_id)

    def receipts(self) -> list[Receipt]:
        return self.native.receipts()

    def claim(
        self, job_id: str, subject: str, snapshot: str, owner: str, existing: bool, lease_ms: int
    ) -> LeaseTimes:
        return self.native.claim(job_id, subject, snapshot, owner, existing, _now_ms(), lease_ms)

    def renew(self, lease: Lease, state: str, snapshot: str, lease_ms: int) -> LeaseTimes:
        return self.native.renew(lease, state, snapshot, _now_ms(), lease_ms)

    def finish(self, lease: Lease, subject: str, receipt: ReceiptInput) -> Tombstone | None:
        return self.native.finish(lease, subject, receipt, _now_ms())

    def tombstones(self, subject: str) -> list[Tombstone]:
        return self.native.tombstones(subject)

    def save_job(self, job_id: str, subject: str, state: str, snapshot: str) -> None:
        self.native.save_job(job_id, subject, state, snapshot, _now_ms())

    def load_job(self, job_id: str) -> StoredJob | None:
        return self.native.job(job_id)

    def jobs(self) -> list[StoredJob]:
        return self.native.jobs()


def _without_dsn(message: str, dsn: str) -> str:
    """``message`` with the DSN, its password and any quoted piece of the DSN that holds the
    password or user information masked (host names and ports stay: they help and are no secret)."""
    passwords = set(re.findall(r"(?:password|pass)\s*=\s*'?([^'\s]+)", dsn))
    passwords.update(re.findall(r"[^\s/@]*:([^@\s]+)@", dsn))
    secrets = {dsn} | {p for p in passwords if p}
    for quoted in re.findall(r'"([^"]*)"', message):
        if quoted and quoted in dsn and ("@" in quoted or any(p in quoted for p in passwords)):
            secrets.add(quoted)
    for secret in sorted(secrets, key=len, reverse=True):
        message = message.replace(secret, "***")
    return message


def _driver_error(exc: BaseException) -> BaseException:
    return _storage_error(f"{type(exc).__name__}: {exc}".strip())


class Ledger:
    """The ID ledger: per data subject (one of your users), every Vonage id they produced.

    Open one with ``Ledger.sqlite(path)``, ``Ledger.postgres(dsn)`` or ``Ledger.memory()``. Every
    opening runs the core's migrations and, on first open, creates the subject key (32 bytes
    from ``os.urandom``) that keys tombstone hashes and the receipt key (an Ed25519 seed, 32
    bytes from ``os.urandom``) that signs the receipts of runs with this ledger. A ledger may be shared between threads
    (calls are serialised); two processes may write to the same SQLite file or PostgreSQL
    database at once. Use it as a context manager or call ``close()``.

    Subjects are ``str`` of 1 to 256 bytes (else ``InputError`` ``invalid_subject``), stored and
    found exactly: quotes, SQL and unicode are only data.
    """

    _store: _Store | None
    _description: str
    _lock: threading.RLock

    def __init__(self) -> None:
        raise TypeError("open a ledger with Ledger.sqlite(path), Ledger.postgres(dsn) or Ledger.memory()")

    @classmethod
    def _with(cls, store: _Store, description: str) -> Ledger:
        ledger = cls.__new__(cls)
        ledger._store = store
        ledger._description = description
        ledger._lock = threading.RLock()
        return ledger

    @classmethod
    def sqlite(
        cls, path: str | os.PathLike[str], create: bool = True, *, timeout: float = 30.0
    ) -> Ledger:
        """A ledger in an SQLite file (``":memory:"`` for a private one), in WAL mode. A missing
        file is created by default; with ``create=False`` it raises ``StorageError``
        ``ledger_not_found`` instead (the ``erasekit`` command creates one only with
        ``--create``). ``timeout`` is how many seconds a write waits for another process's
        transaction (SQLite's busy timeout)."""
        where = os.fspath(path)
        return cls._open_sql(_Sqlite(where, timeout, create), f"sqlite {where!r}")

    @classmethod
    def postgres(cls, dsn: str) -> Ledger:
        """A ledger in a PostgreSQL database (11 or later), through psycopg 3.2+. ``dsn`` is a
        libpq connection string or URL (``postgresql://user@host:5432/db``); the tables are
        created in the connection's current schema."""
        try:
            return cls._open_sql(_Postgres(dsn), "postgres")
        except ErasekitError as err:
            details = err.details if isinstance(getattr(err, "details", None), dict) else {}
            reason = str(details.get("reason") or err)
            masked = _without_dsn(reason, dsn)
            if masked == reason and _without_dsn(repr(err.__cause__), dsn) == repr(err.__cause__):
                raise  # nothing secret in it: the driver's exception stays its cause
        # psycopg may quote the DSN (or a piece of it) in its messages, password included: the
        # error keeps the driver's words with the secret masked, raised outside the handler so
        # that neither its cause nor its context holds the driver's exception.
        raise _storage_error(masked)

    @classmethod
    def _open_sql(cls, driver: _Driver, description: str) -> Ledger:
        try:
            store = _SqlStore(driver)
        except BaseException as exc:
            driver.close()
            if isinstance(exc, driver.errors):
                raise _driver_error(exc) from exc
            raise
        return cls._with(store, description)

    @classmethod
    def memory(cls) -> Ledger:
        """A ledger held in memory (the core's ``MemoryLedger``); ``export()`` saves it as JSON."""
        return cls._with(_MemoryStore(MemoryLedger(os.urandom(32), os.urandom(32))), "memory")

    @classmethod
    def import_(cls, data: str | bytes) -> Ledger:
        """A memory ledger from the JSON of ``export()``. Raises ``StorageError`` for anything
        else (including a newer export format)."""
        return cls._with(_MemoryStore(MemoryLedger.import_(data, os.urandom(32))), "memory")

    @classmethod
    def from_export(cls, data: str | bytes) -> Ledger:
        """The same as ``Ledger.import_(data)``."""
        return cls.import_(data)

    def export(self) -> str:
        """A memory ledger as JSON text, for ``Ledger.import_``. It holds personal data and the
        subject key: keep it as safe as the ledger. ``TypeError`` for SQL ledgers."""
        with self._using() as store:
            if not isinstance(store, _MemoryStore):
                raise TypeError(f"export() is for memory ledgers; this one is {store.backend}")
            return store.native.export()

    @contextmanager
    def _using(self) -> Iterator[_Store]:
        with self._lock:
            store = self._store
            if store is None:
                raise _storage_error("the ledger is closed")
            try:
                yield store
            except store.errors as exc:
                raise _driver_error(exc) from exc

    @property
    def backend(self) -> Backend:
        """``"sqlite"``, ``"postgres"`` or ``"memory"``."""
        with self._using() as store:
            return store.backend

    @property
    def subject_key(self) -> bytes:
        """The ledger's subject key: HMAC key of the tombstones and of the receipts' subject
        hash. A secret: whoever holds it can test whether a name was forgotten."""
        with self._using() as store:
            return store.key

    def record(self, subject: str, entries: Sequence[LedgerEntry]) -> int:
        """Records the entries (as ``erasekit.capture`` returns them) for ``subject`` in one
        transaction; returns how many were new. An entry already recorded for the subject (same
        kind, product and id) is kept once, so recording the same webhook twice is harmless.
        A malformed entry raises ``InputError`` (``invalid_argument``) naming ``entries[i]``."""
        with self._using() as store:
            return store.record(subject, entries)

    def link(self, subject: str, identifiers: Sequence[IdentifierInput]) -> None:
        """Links phone numbers (any common form, stored as E.164; garbage raises ``InputError``
        ``invalid_phone``) and Conversation user ids (``USR-…``) to ``subject``, for access
        requests. Idempotent."""
        with self._using() as store:
            store.link(subject, identifiers)

    def entries(self, subject: str) -> list[LedgerEntry]:
        """The subject's entries, oldest first (empty for an unknown subject)."""
        with self._using() as store:
            return store.entries(subject)

    def identifiers(self, subject: str) -> list[Identifier]:
        """The subject's identifiers as ``{"kind", "value"}`` dicts, sorted."""
        with self._using() as store:
            return store.identifiers(subject)

    def subjects(self) -> list[str]:
        """Every subject with entries or identifiers, sorted."""
        with self._using() as store:
            return store.subjects()

    def forget(self, subject: str, receipt: ReceiptInput) -> Tombstone | None:
        """Forgets what ``receipt`` proves erased, in one transaction that also stores the
        receipt: the entries whose operation ended done, not found, expired or skipped, and the
        receipt's job. Entries it does not settle (failed, or recorded after the plan) stay;
        only when none remains are the subject's identifiers and jobs deleted, leaving a
        tombstone (keyed hash of the subject, receipt id, time), which it returns (``None``
        while entries remain). ``receipt`` is the signed receipt (dict or JSON): one of another
        subject or not signed with this ledger's receipt key raises ``ReceiptError``
        ``receipt_mismatch``; a bad signature ``bad_signature``. The drivers call this
        themselves at the end of a run."""
        with self._using() as store:
            return store.forget(subject, receipt)

    def receipt(self, job_id: str) -> Receipt | None:
        """The signed receipt of job ``job_id`` as stored at the end of its run, or ``None``."""
        with self._using() as store:
            return store.receipt(job_id)

    def receipts(self) -> list[Receipt]:
        """Every stored receipt, oldest first. Receipts hold no personal data."""
        with self._using() as store:
            return store.receipts()

    def receipt_public_key(self) -> str:
        """Hex of the public half of this ledger's receipt key: publish it so others can check
        receipts (``erasekit.verify_receipt(receipt, key)``)."""
        with self._using() as store:
            return receipt_public_key(store.receipt_key)

    # The drivers' side of a run (``erasekit.job``): a lease on the job row, renewed while the
    # run works, and the end of the run. Not for direct use.

    def _claim(
        self, job_id: str, subject: str, snapshot: str, owner: str, *, existing: bool, lease_ms: int
    ) -> LeaseTimes:
        with self._using() as store:
            return store.claim(job_id, subject, snapshot, owner, existing, lease_ms)

    def _renew(self, lease: Lease, state: str, snapshot: str, lease_ms: int) -> LeaseTimes:
        with self._using() as store:
            return store.renew(lease, state, snapshot, lease_ms)

    def _finish(
        self, lease: Lease, subject: str, receipt: ReceiptInput
    ) -> tuple[Tombstone | None, int]:
        """Stores the receipt and forgets what it settles; the tombstone (or ``None``) and how
        many entries of the subject remain."""
        with self._using() as store:
            return store.finish(lease, subject, receipt), store.count(subject)

    @property
    def _receipt_key(self) -> bytes:
        with self._using() as store:
            return store.receipt_key

    def tombstones(self, subject: str) -> list[Tombstone]:
        """The tombstones left by forgetting ``subject`` (found by recomputing its keyed hash)."""
        with self._using() as store:
            return store.tombstones(subject)

    def save_job(self, job_id: str, subject: str, state: str, snapshot: str) -> None:
        """Saves (or replaces) an erasure job checkpoint: its ``state`` and ``snapshot`` JSON."""
        with self._using() as store:
            store.save_job(job_id, subject, state, snapshot)

    def load_job(self, job_id: str) -> StoredJob | None:
        """A saved job checkpoint, or ``None``."""
        with self._using() as store:
            return store.load_job(job_id)

    def jobs(self) -> list[StoredJob]:
        """Every saved job checkpoint, least recently saved first."""
        with self._using() as store:
            return store.jobs()

    def plan_erasure(self, subject: str, **kwargs: Any) -> Any:
        """Plans the erasure of everything recorded for ``subject``: see
        ``erasekit.job.plan_erasure``."""
        return _job_module().plan_erasure(self, subject, **kwargs)

    def resume(self, job_id: str, **kwargs: Any) -> Any:
        """Resumes a saved erasure job: see ``erasekit.job.resume_job``."""
        return _job_module().resume_job(self, job_id, **kwargs)

    def close(self) -> None:
        """Closes the connection. Idempotent; any later call raises ``StorageError``."""
        with self._lock:
            store, self._store = self._store, None
            if store is not None:
                try:
                    store.close()
                except store.errors as exc:
                    raise _driver_error(exc) from exc

    @property
    def closed(self) -> bool:
        """Whether ``close()`` was called."""
        return self._store is None

    def __enter__(self) -> Ledger:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        state = " closed" if self._store is None else ""
        return f"<erasekit.Ledger {self._description}{state}>"


def _job_module() -> Any:
    try:
        return importlib.import_module("erasekit.job")
    except ModuleNotFoundError as exc:
        if exc.name != "erasekit.job":
            raise
        raise NotImplementedError(
            "erasure jobs are not part of this erasekit build (erasekit.job is missing)"
        ) from exc


Ledger.__module__ = "erasekit"
