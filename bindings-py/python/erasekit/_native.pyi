"""Native core of erasekit (Vonage redaction without I/O). Import from ``erasekit`` instead."""

from datetime import datetime
from typing import Any, ClassVar, Final, Iterable, Mapping, Sequence, Union, final

from erasekit.types import ApiBaseUrls, ErrorCode, HttpRequest, HttpResponse, RedactOutcome
from erasekit.types import Identifier, LedgerEntry, SqlStatement, StoredJob, Tombstone

__all__ = [
    "Credentials",
    "_exception_class",
    "error_codes",
    "CredentialsError",
    "ErasekitError",
    "StorageError",
    "JobError",
    "ReceiptError",
    "RedactRequest",
    "USER_AGENT",
    "__version__",
    "InputError",
    "PayloadError",
    "LedgerSql",
    "MemoryLedger",
    "_storage_error",
    "capture",
    "capture_sources",
    "phone",
]

_Time = Union[int, datetime]
"""Milliseconds since the Unix epoch, or a timezone-aware datetime."""

__version__: Final[str]
"""The version of erasekit."""

USER_AGENT: Final[str]
"""The ``User-Agent`` every request carries: ``erasekit/<version>``."""

class ErasekitError(Exception):
    """Root of every error erasekit raises."""

    code: str
    """The stable snake_case code, e.g. ``"invalid_product"``."""
    details: dict[str, Any]
    """The code plus the fields of the error, e.g. ``{"code": "invalid_id", "reason": ...}``."""

class InputError(ErasekitError, ValueError):
    """A value erasekit cannot accept (product, type, id, time, base URL, any argument)."""

class CredentialsError(ErasekitError):
    """Credentials are missing, incomplete or unusable."""

class PayloadError(ErasekitError, ValueError):
    """A Vonage payload lacks a field or has a malformed one."""

class StorageError(ErasekitError):
    """Stored ledger data or a database answer is not what erasekit expects."""

class JobError(ErasekitError):
    """An operation asked of an erasure or access job in the wrong state."""

class ReceiptError(ErasekitError):
    """A receipt that cannot be read or whose signature does not hold."""

@final
class Credentials:
    """Vonage credentials: an API key and secret (Basic auth), an application id and RSA
    private key in PEM (JWTs), or both.

    ``repr()`` and ``str()`` name the API key and application id, never the secret, the key
    or a token. Raises ``CredentialsError`` for a half pair, no pair, or an unusable key, and
    ``InputError`` (``invalid_argument``) for a value of the wrong type.
    """

    def __new__(
        cls,
        *,
        api_key: str | None = None,
        api_secret: str | None = None,
        application_id: str | None = None,
        private_key: str | bytes | None = None,
    ) -> Credentials: ...
    @property
    def api_key(self) -> str | None:
        """The API key, if any (not a secret: Vonage shows it as ``account_id``)."""

    @property
    def application_id(self) -> str | None:
        """The application id, if any."""

    def jwt(self, now: _Time, entropy: bytes) -> str:
        """A signed RS256 application JWT (``iat`` from ``now``, valid 15 minutes; ``jti``
        from ``entropy``, exactly 16 random bytes such as ``os.urandom(16)``).

        Raises ``CredentialsError`` (``missing_credentials``) without an application.
        """

@final
class RedactRequest:
    """One transaction to redact: ``POST /v1/redact/transaction``.

    ``product`` is one of ``sms``, ``voice``, ``number-insight``, ``verify``, ``verify-sdk``,
    ``messages`` (exact spellings: ``"SMS"`` is refused); ``type`` is ``"inbound"`` or
    ``"outbound"`` (the default). ``created_at``, when the transaction happened, lets a
    premature outcome say when to retry. Raises ``InputError`` for any bad value.
    """

    __hash__: ClassVar[None]  # type: ignore[assignment]
    def __new__(
        cls,
        id: str,
        product: str,
        type: str | None = None,
        created_at: _Time | None = None,
    ) -> RedactRequest: ...
    def __eq__(self, other: object, /) -> bool: ...
    @property
    def id(self) -> str:
        """The transaction id."""

    @property
    def product(self) -> str:
        """The product, in the Redact API's spelling."""

    @property
    def type(self) -> str:
        """``"inbound"`` or ``"outbound"``."""

    @property
    def created_at(self) -> int | None:
        """When the transaction happened (ms since the epoch), if known."""

    @property
    def not_before(self) -> int | None:
        """The earliest time Vonage accepts this redaction: ``created_at`` + 60 minutes."""

    def to_http(
        self,
        credentials: Credentials,
        base_url: str | ApiBaseUrls | None = None,
    ) -> HttpRequest:
        """The HTTP request to send, with Basic auth, JSON body and erasekit's User-Agent.

        ``base_url`` is Vonage's host by default, one URL for every API (a regional host, a
        local simulator), or a dict of URLs per API family. Raises ``CredentialsError``
        (``missing_credentials``) without an API key and secret.
        """

    def interpret(self, response: HttpResponse, now: _Time) -> RedactOutcome:
        """What a response means. Never raises for an odd response: anything unexpected is
        the ``malformed`` outcome. ``now`` is when the response arrived."""

def error_codes() -> list[ErrorCode]:
    """Every error code erasekit can raise, with its family, in a fixed order."""

def _exception_class(code: str) -> type[ErasekitError] | None:
    """The class raised for ``code`` (``None`` if unknown). Private: for erasekit's tests."""


# --- capture and ledger -------------------------------------------------------------------

_Payload = Union[str, bytes, bytearray, Mapping[str, Any]]
"""A body as received (JSON text or bytes) or parsed (a dict)."""
_Rows = Iterable[Sequence[Any]]
"""Rows as a database driver returns them: sequences of ``None``, ``int``, ``str`` values."""
_IdentifierInput = Union[str, Identifier]
_ReceiptInput = Union[str, bytes, Mapping[str, Any]]

def capture(source: str, payload: _Payload, at: _Time | None = None) -> list[LedgerEntry]:
    """Reads ``payload`` as the body of capture source ``source`` (see ``capture_sources()``)
    and returns its ledger entries; ``at`` is used when the payload carries no time.

    Raises ``PayloadError`` (``invalid_payload``) naming the source and field, ``InputError``
    for an unknown source, a bad ``at`` or a payload of the wrong type.
    """

def capture_sources() -> list[str]:
    """The name of every capture source, in the core's order."""

def phone(raw: str) -> str:
    """A phone number in E.164 form (``+447700900123``) from common forms (``+44 7700 900123``,
    ``0044-7700-900123``, ``(+44) 7700.900.123``, Vonage's bare ``447700900123``).

    Raises ``InputError`` (``invalid_phone``) for anything else, e.g. a national number.
    """

def _storage_error(reason: str) -> StorageError:
    """A ``StorageError`` with code ``storage``, to raise. Private: for ``erasekit.ledger``."""

@final
class LedgerSql:
    """The ledger's schema and every statement in one dialect, ``"sqlite"`` or ``"postgres"``.

    The host runs the statements with its driver and gives the rows back to ``decode_*``.
    Used by ``erasekit.Ledger``; exposed for hosts with other drivers.
    """

    def __new__(cls, dialect: str) -> LedgerSql: ...
    @property
    def dialect(self) -> str:
        """``"sqlite"`` or ``"postgres"``."""

    @property
    def schema_version(self) -> int:
        """The schema version this erasekit writes and reads."""

    def bootstrap(self) -> list[SqlStatement]:
        """Creates the meta table if missing; safe on every open."""

    def read_meta(self) -> SqlStatement:
        """Reads the meta table."""

    def open(self, meta_rows: _Rows, entropy: bytes) -> list[SqlStatement]:
        """Migrations and a new subject key from 32 bytes of ``entropy``, to run in one
        transaction. ``StorageError`` if the ledger's schema is newer than this erasekit."""

    def key_from_meta(self, meta_rows: _Rows) -> bytes:
        """The subject key, from the meta rows read after ``open``."""

    def record(
        self, subject: str, entries: Sequence[LedgerEntry], recorded_at: _Time
    ) -> list[SqlStatement]:
        """Inserts the entries, skipping those already recorded; batches of 100 rows."""

    def link(self, subject: str, identifiers: Sequence[_IdentifierInput]) -> list[SqlStatement]:
        """Links identifiers to the subject (idempotent)."""

    def select_entries(self, subject: str) -> SqlStatement:
        """Selects the subject's entries, oldest first."""

    def decode_entries(self, rows: _Rows) -> list[LedgerEntry]:
        """Decodes the rows of ``select_entries``."""

    def select_identifiers(self, subject: str) -> SqlStatement:
        """Selects the subject's identifiers."""

    def decode_identifiers(self, rows: _Rows) -> list[Identifier]:
        """Decodes the rows of ``select_identifiers``."""

    def select_subjects(self) -> SqlStatement:
        """Selects every subject with entries or identifiers."""

    def decode_subjects(self, rows: _Rows) -> list[str]:
        """Decodes the rows of ``select_subjects``."""

    def forget(
        self, subject: str, key: bytes, receipt: _ReceiptInput, at: _Time
    ) -> tuple[list[SqlStatement], Tombstone]:
        """The statements that forget the subject (run them in one transaction) and the
        tombstone they leave."""

    def select_tombstones(self, subject: str, key: bytes) -> SqlStatement:
        """Selects the subject's tombstones by its keyed hash."""

    def decode_tombstones(self, subject: str, key: bytes, rows: _Rows) -> list[Tombstone]:
        """Decodes the rows of ``select_tombstones``."""

    def save_job(
        self, job_id: str, subject: str, state: str, snapshot: str, updated_at: _Time
    ) -> SqlStatement:
        """Saves (inserts or replaces) a job checkpoint."""

    def select_job(self, job_id: str) -> SqlStatement:
        """Selects one job."""

    def select_jobs(self) -> SqlStatement:
        """Selects every job, least recently saved first."""

    def decode_jobs(self, rows: _Rows) -> list[StoredJob]:
        """Decodes the rows of ``select_job`` and ``select_jobs``."""

@final
class MemoryLedger:
    """The core's in-memory ledger; ``erasekit.Ledger.memory()`` wraps it."""

    def __new__(cls, key: bytes) -> MemoryLedger: ...
    @staticmethod
    def import_(data: str | bytes) -> MemoryLedger:
        """Reads a ledger written by ``export()``; ``StorageError`` for anything else."""

    def export(self) -> str:
        """The whole ledger as JSON (personal data and the subject key)."""

    @property
    def key(self) -> bytes:
        """The subject key."""

    def record(self, subject: str, entries: Sequence[LedgerEntry]) -> int:
        """Records entries; returns how many were new."""

    def link(self, subject: str, identifiers: Sequence[_IdentifierInput]) -> None:
        """Links identifiers (idempotent)."""

    def entries(self, subject: str) -> list[LedgerEntry]:
        """The subject's entries, oldest first."""

    def identifiers(self, subject: str) -> list[Identifier]:
        """The subject's identifiers, sorted."""

    def subjects(self) -> list[str]:
        """Every subject with entries or identifiers, sorted."""

    def forget(self, subject: str, receipt: _ReceiptInput, at: _Time) -> Tombstone:
        """Deletes everything about the subject and keeps a tombstone; returns it."""

    def tombstones(self, subject: str) -> list[Tombstone]:
        """The subject's tombstones."""

    def save_job(
        self, job_id: str, subject: str, state: str, snapshot: str, updated_at: _Time
    ) -> None:
        """Saves a job checkpoint."""

    def job(self, job_id: str) -> StoredJob | None:
        """A saved job, or ``None``."""

    def jobs(self) -> list[StoredJob]:
        """Every saved job, least recently saved first."""
