"""``erasekit.Ledger``: every Vonage id a data subject produced, in SQLite, PostgreSQL or memory.

The ledger is your own database. Every method is one request of the core's (``{"op", ...}``):
the memory ledger answers it at once; in SQL the core writes one transaction (its schema,
migrations and parameterised statements), this module runs it and hands the rows back, and the
core makes the answer and decides whether a failed transaction is run again. No value is ever
spliced into SQL text::

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
import json
import os
import re
import sqlite3
import threading
import time
from contextlib import contextmanager
from types import TracebackType
from typing import TYPE_CHECKING, Any, Callable, Iterator, Literal, Mapping, Sequence, Union

from ._native import (
    MemoryLedger,
    SqlLedger,
    _ledger_not_found,
    _storage_error,
    receipt_public_key,
)
from .exceptions import ErasekitError
from .types import (
    Identifier,
    LeaseTimes,
    LedgerEntry,
    LedgerEntryInput,
    Receipt,
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
"""A signed erasure receipt (dict, JSON ``str`` or ``bytes``). ``forget`` accepts only a receipt for that
subject signed with the ledger's own receipt key."""

Lease = dict[str, Any]
"""A run's hold on its job row: ``{"job_id", "owner", "attempt"}`` (drivers only)."""

Backend = Literal["sqlite", "postgres", "memory"]

_Rows = list[Sequence[Any]]
_Then = Callable[[_Rows], list[SqlStatement]]


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


class _Driver:
    """A database connection that runs the core's transactions: ``before``, then ``query``
    whose rows ``then`` turns into more statements (raising rolls it all back), then reads
    ``results``; returns the rows changed and the result sets."""

    dialect: Literal["sqlite", "postgres"]
    errors: tuple[type[BaseException], ...]

    def transact(self, tx: dict[str, Any], then: _Then) -> tuple[int, list[_Rows]]:
        raise NotImplementedError

    def error_code(self, exc: BaseException) -> str | None:
        """What the core reads to decide on a retry (SQLite error name, SQLSTATE)."""
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError


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

    def _run(self, statements: Sequence[SqlStatement]) -> int:
        changed = 0
        for sql, params in _groups(statements):
            changed += max(self._conn.executemany(sql, params).rowcount, 0)
        return changed

    def _query(self, statement: SqlStatement) -> _Rows:
        return self._conn.execute(statement["sql"], statement["params"]).fetchall()

    def transact(self, tx: dict[str, Any], then: _Then) -> tuple[int, list[_Rows]]:
        # IMMEDIATE takes the write lock up front (waiting up to the busy timeout), so a write
        # never fails half way for want of upgrading a read lock.
        self._conn.execute("BEGIN IMMEDIATE" if tx["write"] else "BEGIN")
        try:
            changed = self._run(tx["before"])
            if tx["query"] is not None:
                changed += self._run(then(self._query(tx["query"])))
            results = [self._query(statement) for statement in tx["results"]]
        except BaseException:
            if self._conn.in_transaction:
                self._conn.execute("ROLLBACK")
            raise
        self._conn.execute("COMMIT")
        return changed, results

    def error_code(self, exc: BaseException) -> str | None:
        return getattr(exc, "sqlite_errorname", None)

    def close(self) -> None:
        self._conn.close()


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
        # RawCursor: the core's statements use PostgreSQL's own $1 placeholders. Autocommit,
        # with an explicit transaction around every request.
        try:
            self._conn: psycopg.Connection[Any] = psycopg.Connection.connect(
                dsn, autocommit=True, cursor_factory=psycopg.RawCursor
            )
        except psycopg.Error as exc:
            raise _driver_error(exc) from exc

    def transact(self, tx: dict[str, Any], then: _Then) -> tuple[int, list[_Rows]]:
        with self._conn.transaction(), self._conn.cursor() as cursor:

            def run(statements: Sequence[SqlStatement]) -> int:
                changed = 0
                for sql, params in _groups(statements):
                    if len(params) == 1:
                        cursor.execute(sql, params[0])
                    else:
                        # Pipelined by psycopg: one round trip for the whole batch.
                        cursor.executemany(sql, params)
                    changed += max(cursor.rowcount, 0)
                return changed

            def query(statement: SqlStatement) -> _Rows:
                cursor.execute(statement["sql"], statement["params"])
                return list(cursor.fetchall())

            changed = run(tx["before"])
            if tx["query"] is not None:
                changed += run(then(query(tx["query"])))
            return changed, [query(statement) for statement in tx["results"]]

    def error_code(self, exc: BaseException) -> str | None:
        return getattr(exc, "sqlstate", None)

    def close(self) -> None:
        self._conn.close()


class _SqlStore:
    """A ledger in SQL: each request is one transaction the core writes and the driver runs;
    the core reads the rows back, and says whether a failed transaction is run again."""

    def __init__(self, driver: _Driver) -> None:
        self.driver = driver
        self.backend: Backend = driver.dialect
        self.errors = driver.errors
        self.core = SqlLedger(driver.dialect)
        self.call({"op": "open", "entropy": list(os.urandom(64))})
        self.key: bytes = self.core.key
        self.receipt_key: bytes = self.core.receipt_key

    def call(self, request: Mapping[str, Any]) -> str:
        attempt = 0
        while True:
            attempt += 1
            call = self.core.begin(request, _now_ms())
            try:
                changed, results = self.driver.transact(
                    json.loads(call.transaction), lambda rows: json.loads(call.then(rows))
                )
                return self.core.end(call, changed, results)
            except self.driver.errors as exc:
                wait = call.retry_after(self.driver.error_code(exc), attempt)
                if wait is None:
                    raise
                time.sleep(wait / 1000)

    def close(self) -> None:
        self.driver.close()


class _MemoryStore:
    """A ledger in memory: the core's ``MemoryLedger``, answering the same requests at once."""

    backend: Backend = "memory"
    errors: tuple[type[BaseException], ...] = ()

    def __init__(self, native: MemoryLedger) -> None:
        self.native = native
        self.key = native.key
        self.receipt_key = native.receipt_key

    def call(self, request: Mapping[str, Any]) -> str:
        return self.native.handle(request, _now_ms())

    def close(self) -> None:
        pass


_Store = Union[_SqlStore, _MemoryStore]


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


def _receipt(receipt: ReceiptInput) -> Any:
    """A receipt given as UTF-8 bytes, as text; the core reads the rest."""
    return receipt.decode("utf-8", "replace") if isinstance(receipt, (bytes, bytearray)) else receipt


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
    def from_export(cls, data: str | bytes) -> Ledger:
        """A memory ledger from the JSON of ``export()``. Raises ``StorageError`` for anything
        else (including a newer export format)."""
        return cls._with(_MemoryStore(MemoryLedger.from_export(data, os.urandom(32))), "memory")

    def export(self) -> str:
        """A memory ledger as JSON text, for ``Ledger.from_export``. It holds personal data and the
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

    def _call(self, op: str, **args: Any) -> Any:
        """The core's answer to one request, on whichever backend."""
        with self._using() as store:
            return json.loads(store.call({"op": op, **args}))

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

    def record(self, subject: str, entries: Sequence[LedgerEntryInput]) -> int:
        """Records the entries (as ``erasekit.capture`` returns them) for ``subject`` in one
        transaction; returns how many were new. An entry already recorded for the subject (same
        kind, product and id) is kept once, so recording the same webhook twice is harmless.
        A malformed entry raises ``InputError`` (``invalid_argument``) naming ``entries[i]``."""
        return int(self._call("record", subject=subject, entries=entries))

    def link(self, subject: str, identifiers: Sequence[IdentifierInput]) -> None:
        """Links phone numbers (any common form, stored as E.164; garbage raises ``InputError``
        ``invalid_phone``) and Conversation user ids (``USR-…``) to ``subject``, for access
        requests. Idempotent."""
        self._call("link", subject=subject, identifiers=identifiers)

    def entries(self, subject: str) -> list[LedgerEntry]:
        """The subject's entries, oldest first (empty for an unknown subject)."""
        return list(self._call("entries", subject=subject))

    def identifiers(self, subject: str) -> list[Identifier]:
        """The subject's identifiers as ``{"kind", "value"}`` dicts, sorted."""
        return list(self._call("identifiers", subject=subject))

    def subjects(self) -> list[str]:
        """Every subject with entries or identifiers, sorted."""
        return list(self._call("subjects"))

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
        tombstone: Tombstone | None = self._call("forget", subject=subject, receipt=_receipt(receipt))
        return tombstone

    def receipt(self, job_id: str) -> Receipt | None:
        """The signed receipt of job ``job_id`` as stored at the end of its run, or ``None``."""
        receipt: Receipt | None = self._call("receipt", job_id=job_id)
        return receipt

    def receipts(self) -> list[Receipt]:
        """Every stored receipt, oldest first. Receipts hold no personal data."""
        return list(self._call("receipts"))

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
        times: LeaseTimes = self._call(
            "claim",
            job_id=job_id,
            subject=subject,
            snapshot=snapshot,
            owner=owner,
            existing=existing,
            lease_ms=lease_ms,
        )
        return times

    def _renew(self, lease: Lease, state: str, snapshot: str, lease_ms: int) -> LeaseTimes:
        times: LeaseTimes = self._call(
            "renew", lease=lease, state=state, snapshot=snapshot, lease_ms=lease_ms
        )
        return times

    def _finish(
        self, lease: Lease, subject: str, receipt: ReceiptInput
    ) -> tuple[Tombstone | None, int]:
        """Stores the receipt and forgets what it settles; the tombstone (or ``None``) and how
        many entries of the subject remain."""
        done = self._call("finish", lease=lease, subject=subject, receipt=_receipt(receipt))
        return done["tombstone"], int(done["remaining"])

    @property
    def _receipt_key(self) -> bytes:
        with self._using() as store:
            return store.receipt_key

    def tombstones(self, subject: str) -> list[Tombstone]:
        """The tombstones left by forgetting ``subject`` (found by recomputing its keyed hash)."""
        return list(self._call("tombstones", subject=subject))

    def save_job(self, job_id: str, subject: str, state: str, snapshot: str) -> None:
        """Saves (or replaces) an erasure job checkpoint: its ``state`` and ``snapshot`` JSON."""
        self._call("save_job", job_id=job_id, subject=subject, state=state, snapshot=snapshot)

    def load_job(self, job_id: str) -> StoredJob | None:
        """A saved job checkpoint, or ``None``."""
        job: StoredJob | None = self._call("load_job", job_id=job_id)
        return job

    def jobs(self) -> list[StoredJob]:
        """Every saved job checkpoint, least recently saved first."""
        return list(self._call("jobs"))

    def plan_erasure(self, subject: str, **kwargs: Any) -> Any:
        """Plans the erasure of everything recorded for ``subject``: see
        ``erasekit.job.plan_erasure``."""
        return _job_module().plan_erasure(self, subject, **kwargs)

    def resume(self, job_id: str, **kwargs: Any) -> Any:
        """The saved erasure job ``job_id`` restored from its last checkpoint, bound to this
        ledger (``erasekit.job.resume_job``): a later ``job.run(...)`` checkpoints and finishes
        here."""
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
