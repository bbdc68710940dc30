"""Native core of erasekit (Vonage redaction without I/O). Import from ``erasekit`` instead."""

from datetime import datetime
from collections.abc import Iterable
from typing import Any, ClassVar, Final, Iterable, Mapping, Sequence, Union, final

from typing_extensions import Self, disjoint_base

from erasekit.types import ApiBaseInput, ErrorCodeInfo, HttpRequest, HttpResponse, RedactOutcome, RedactRequestData
from erasekit.types import Identifier, LedgerEntry, StoredJob, Tombstone
from erasekit.types import LeaseTimes, TransportFailure
from erasekit.types import (
    Call,
    Counts,
    DeadlineData,
    JobConfig,
    JobEvent,
    LedgerEntry,
    PlannedCall,
    Operation,
    ErasurePlanData,
    PlanOptions,
    PlanSummary,
    Receipt,
    ReceiptBody,
)

__all__ = [
    "Credentials",
    "_exception_class",
    "error_codes",
    "CredentialsError",
    "ErasekitError",
    "StorageError",
    "JobError",
    "ReceiptError",
    "TransportError",
    "_transport_failed",
    "_invalid_argument",
    "RedactRequest",
    "Deadline",
    "ErasureJob",
    "ErasurePlan",
    "receipt_public_key",
    "verify_receipt",
    "USER_AGENT",
    "MAX_RESPONSE_BODY",
    "DEFAULT_CAPTURE_MAX_BYTES",
    "__version__",
    "InputError",
    "PayloadError",
    "SqlLedger",
    "SqlCall",
    "MemoryLedger",
    "_storage_error",
    "_ledger_not_found",
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

MAX_RESPONSE_BODY: Final[int]
"""The most of a response body the drivers read (65536 bytes, the core's problem-body limit):
a longer body is not read, and the call fails as a transport failure that says so."""

DEFAULT_CAPTURE_MAX_BYTES: Final[int]
"""The longest body ``capture`` reads unless ``max_bytes`` says otherwise: 1 MiB."""


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

class TransportError(ErasekitError):
    """An HTTP exchange could not be completed (code ``transport_failed``)."""

def _transport_failed(reason: str) -> TransportError:
    """The core's ``transport_failed`` with ``reason``, to raise. Private."""

def _invalid_argument(field: str, reason: str) -> InputError:
    """The core's ``invalid_argument`` naming ``field``, to raise. Private."""

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

    def to_dict(self) -> RedactRequestData:
        """The redaction as plain data: ``{"id", "product", "type", "created_at"}``."""

    def to_http(
        self,
        credentials: Credentials,
        base_url: str | ApiBaseInput | None = None,
    ) -> HttpRequest:
        """The HTTP request to send, with Basic auth, JSON body and erasekit's User-Agent.

        ``base_url`` is Vonage's host by default, one URL for every API (a regional host, a
        local simulator), or a dict of URLs per API family. Raises ``CredentialsError``
        (``missing_credentials``) without an API key and secret.
        """

    def interpret(self, response: HttpResponse, now: _Time) -> RedactOutcome:
        """What a response means. Never raises for an odd response: anything unexpected is
        the ``malformed`` outcome. ``now`` is when the response arrived."""

def error_codes() -> list[ErrorCodeInfo]:
    """Every error code erasekit can raise, with its family, in a fixed order."""

def _exception_class(code: str) -> type[ErasekitError] | None:
    """The class raised for ``code`` (``None`` if unknown). Private: for erasekit's tests."""

@final
class Deadline:
    """When an erasure request must be answered (GDPR Art. 12(3)): one calendar month after
    receipt (the same day number, clamped to the month's last day, same UTC time of day),
    extendable by one or two further months with a reason."""

    __hash__: ClassVar[None]  # type: ignore[assignment]
    def __new__(cls, received_at: _Time) -> Deadline: ...
    def __eq__(self, other: object, /) -> bool: ...
    @property
    def received_at(self) -> int:
        """When the request was received (ms since the epoch)."""

    @property
    def due_at(self) -> int:
        """When the answer is due (ms since the epoch)."""

    @property
    def extension_months(self) -> int:
        """Months of extension granted: 0, 1 or 2."""

    @property
    def extension_reason(self) -> str | None:
        """Why the deadline was extended, if it was."""

    def extend(self, months: int, reason: str) -> Deadline:
        """This deadline extended to 1 + ``months`` months after receipt (``months`` 1 or 2);
        the reason is required. Raises ``InputError`` otherwise."""

    def is_overdue(self, now: _Time) -> bool:
        """Whether ``now`` is past the deadline."""

    def to_dict(self) -> DeadlineData:
        """``{"received_at", "due_at", "extension_months", "extension_reason"}``."""

@final
class ErasurePlan:
    """Every call needed to erase one subject from Vonage, and when.

    Built from the subject's ledger entries (``Ledger.entries(subject)``) and the ledger's
    subject key (at least 16 bytes; the receipt names the subject only by its keyed hash).
    One ``redact`` per transaction, ``delete_recording`` per recording, ``delete_event`` per
    Conversation event, ``delete_user`` (or ``scrub_user`` with ``user_action="scrub"``) per
    user; conversations and legs only with ``delete_conversations``/``delete_legs`` (else
    ``skipped``). Each operation waits until ``created_at`` + 60 minutes; anything older than
    ``retention_months`` (13) is ``expired`` up front. ``received_at`` (default ``now``) sets
    the deadline. Raises ``InputError`` for bad entries or options, and ``unknown_subject``
    when there are no entries unless ``allow_empty=True`` (an empty erasure on purpose).
    """

    def __new__(
        cls,
        subject: str,
        subject_key: bytes,
        entries: Iterable[LedgerEntry],
        now: _Time,
        received_at: _Time | None = None,
        *,
        user_action: str | None = None,
        delete_legs: bool | None = None,
        delete_conversations: bool | None = None,
        conversation_api: str | None = None,
        retention_months: int | None = None,
        allow_empty: bool | None = None,
    ) -> ErasurePlan: ...
    @property
    def subject(self) -> str:
        """The subject (personal data; the receipt never contains it)."""

    @property
    def subject_hash(self) -> str:
        """HMAC-SHA256 of the subject under the ledger key, hex."""

    @property
    def planned_at(self) -> int:
        """When the plan was made (ms since the epoch)."""

    @property
    def deadline(self) -> Deadline:
        """The GDPR deadline."""

    @property
    def options(self) -> PlanOptions:
        """The options the plan was made with."""

    @property
    def operations(self) -> list[Operation]:
        """Every operation, in plan order."""

    @property
    def earliest_finish(self) -> int | None:
        """The latest ``not_before`` of the pending operations (at least the plan time): the
        earliest the job can finish. ``None`` when nothing is pending."""

    def extend_deadline(self, months: int, reason: str) -> Deadline:
        """Extends this plan's deadline by ``months`` (1 or 2) with the reason; returns it."""

    def describe(self, base_url: str | ApiBaseInput | None = None) -> list[PlannedCall]:
        """The dry run: each operation with the method and URL it would call, ``not_before``
        and ``initial``. Needs no credentials and sends nothing."""

    def summary(self, rate_per_second: int | None = None) -> PlanSummary:
        """The plan in figures at ``rate_per_second`` (default 170, the job's default): counts
        per action and product, how long sending takes at that rate, the earliest finish and
        the deadline. Raises ``InputError`` for a rate outside 1 to 1000000."""

    def to_dict(self) -> ErasurePlanData:
        """The plan as plain data (the core's fields)."""

    def __len__(self) -> int: ...

@disjoint_base
class ErasureJob:
    """A sans-IO erasure job: drives a plan at Vonage's limits, resumable from a snapshot.

    Drive it yourself (``poll_request`` → send → ``handle_response``/``handle_failure`` →
    ``poll_events`` → sleep until ``poll_timeout``) or let ``erasekit.ErasureJob.run()`` do it.
    Settings left at ``None`` take the core's defaults: ``rate_per_second`` 170 (Redact's
    limit), ``max_in_flight`` 32, ``max_attempts`` 8, ``max_premature`` 10,
    ``max_rate_limited`` 100, ``backoff_base_ms`` 500, ``backoff_max_ms`` 60000,
    ``check_target`` ``True`` (one probe per group, a Redact product, ``media`` or
    ``conversation``, must get the documented not-found answer before any of its operations
    is sent; any other answer fails the group unsent), ``wait_for_premature`` ``True``
    (``False``: ``run()`` stops with ``JobError`` ``job_waiting`` when it would wait for
    records younger than an hour, leaving a resumable checkpoint), ``checkpoint_every`` 100
    (answers between checkpoints to a ledger). ``seed``
    (jitter and JWT ids) defaults to 8 bytes of ``os.urandom``; ``job_id`` to one derived
    from the seed.
    """

    def __new__(
        cls,
        plan: ErasurePlan | ErasureJob,
        *,
        rate_per_second: int | None = None,
        max_in_flight: int | None = None,
        max_attempts: int | None = None,
        max_premature: int | None = None,
        max_rate_limited: int | None = None,
        backoff_base_ms: int | None = None,
        backoff_max_ms: int | None = None,
        seed: int | None = None,
        job_id: str | None = None,
        check_target: bool | None = None,
        wait_for_premature: bool | None = None,
        checkpoint_every: int | None = None,
    ) -> Self: ...
    @staticmethod
    def restore(snapshot: str) -> ErasureJob:
        """A job from ``snapshot()`` output. Calls in flight at snapshot time are sent again.
        Raises ``StorageError`` for anything that is not a snapshot."""

    @property
    def job_id(self) -> str:
        """The job id, also the receipt id."""

    @property
    def subject(self) -> str:
        """The subject the job erases (personal data)."""

    @property
    def plan(self) -> ErasurePlan:
        """A copy of the plan this job runs."""

    @property
    def config(self) -> JobConfig:
        """The job's settings."""

    def poll_request(
        self,
        now: _Time,
        credentials: Credentials,
        base_url: str | ApiBaseInput | None = None,
    ) -> Call | None:
        """The next call to send at ``now``, or ``None`` when the schedule, the rate limit or
        ``max_in_flight`` says wait. Poll until ``None`` after construction, after every
        ``handle_*`` and when ``poll_timeout`` is reached. The request carries credentials:
        never log its ``authorization`` header."""

    def handle_response(self, call_id: int, response: HttpResponse, now: _Time) -> None:
        """Feeds the answer to call ``call_id``. Raises ``InputError`` for a call id that is
        not in flight."""

    def handle_failure(self, call_id: int, failure: TransportFailure, now: _Time) -> None:
        """Reports that call ``call_id`` got no answer, in the core's ``TransportFailure``
        shape; anything else is ``InputError`` ``invalid_argument``."""

    def poll_event(self) -> JobEvent | None:
        """The next event, or ``None``. Poll after every ``poll_request`` and ``handle_*``."""

    def poll_events(self) -> list[JobEvent]:
        """Every pending event, oldest first."""

    def poll_timeout(self, now: _Time) -> int | None:
        """When to call ``poll_request`` next (ms since the epoch); ``None`` while the job
        waits only on answers, or is finished."""

    def check_idle(self, now: _Time, calls_out: int) -> None:
        """Before sleeping with ``calls_out`` calls unanswered: raises ``JobError``
        ``job_waiting`` (``wait_for_premature=False`` at a wait for the one-hour rule) or
        ``job_stalled`` (nothing to send ever again and nothing out)."""

    def checkpoint_due(self) -> bool:
        """Whether enough answers came since the last ``checkpoint()`` to save one."""

    def checkpoint(self) -> str:
        """The snapshot to save now; starts counting answers towards the next checkpoint."""

    @staticmethod
    def _resume(job_id: str, snapshot: str | None) -> ErasureJob:
        """Job ``job_id`` from the snapshot a ledger holds for it; ``None`` (no such job) is
        ``InputError`` ``job_not_found``."""

    def _aborted(self) -> JobError:
        """The core's ``aborted`` error for this job. Private: for the driver."""

    def is_finished(self) -> bool:
        """True when every operation has reached its terminal state."""

    def counts(self) -> Counts:
        """Operations by state, plus ``in_flight``, ``retries``, ``rate_limited`` and
        ``finished``."""

    @property
    def calls_sent(self) -> int:
        """Calls sent over the job's life (retries included; kept by snapshots). Operations
        that end without a call (stopped groups, expired, skipped) are not in it."""

    def snapshot(self) -> str:
        """The job as JSON text (plan, progress, limiter). Never credentials or tokens."""

    def receipt(self, signing_key: bytes) -> Receipt:
        """The Ed25519-signed receipt of a finished job (``signing_key``: a 32-byte seed).
        Raises ``JobError`` (``job_not_finished``) before the job finished."""

    def hold_until(self, until: _Time | None) -> None:
        """Starts no call at or after ``until`` (``None``: no limit): the local deadline of the
        run's lease on its job in a ledger, set by the drivers."""

def verify_receipt(receipt: str | Receipt | dict[str, Any], public_key: str | None = None) -> ReceiptBody:
    """Checks a receipt's Ed25519 signature and returns its content. With ``public_key``
    (hex), it must also be signed by that key. Raises ``ReceiptError``: ``invalid_receipt``
    (not a receipt) or ``bad_signature`` (any edit, unsigned fields, another key)."""

def receipt_public_key(signing_key: bytes) -> str:
    """The hex public key of a 32-byte Ed25519 signing key: publish it for verifiers."""


# --- capture and ledger -------------------------------------------------------------------

_Payload = Union[str, bytes, bytearray, Mapping[str, Any]]
"""A body as received (JSON text or bytes) or parsed (a dict)."""

def capture(
    source: str, payload: _Payload, at: _Time | None = None, max_bytes: int | None = None
) -> list[LedgerEntry]:
    """Reads ``payload`` as the body of capture source ``source`` (see ``capture_sources()``)
    and returns its ledger entries; ``at`` is used when the payload carries no time.

    Raises ``PayloadError`` (``invalid_payload``) naming the source and field, or
    (``payload_too_large``) for a body longer than ``max_bytes`` (default 1 MiB) or a payload
    of more than 10,000 entries; ``InputError`` for an unknown source, a bad ``at`` or
    ``max_bytes``, or a payload of the wrong type.
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

def _ledger_not_found(reason: str) -> StorageError:
    """A ``StorageError`` with code ``ledger_not_found``, to raise. Private: for
    ``erasekit.ledger``."""

@final
class SqlLedger:
    """A ledger in SQL (``"sqlite"`` or ``"postgres"``): every request one transaction, which
    ``erasekit.ledger`` runs with its driver. Private."""

    def __new__(cls, dialect: str) -> SqlLedger: ...
    def begin(self, request_: Mapping[str, Any], now: _Time) -> SqlCall: ...
    def end(self, call: SqlCall, changed: int, results: Sequence[Any]) -> str: ...
    @property
    def key(self) -> bytes: ...
    @property
    def receipt_key(self) -> bytes: ...

@final
class SqlCall:
    """One request in flight on a ``SqlLedger``. Private."""

    @property
    def transaction(self) -> str: ...
    def then(self, rows_: Sequence[Any]) -> str: ...
    def retry_after(self, code: str | None, attempt: int) -> int | None: ...

@final
class MemoryLedger:
    """The core's in-memory ledger; ``erasekit.Ledger.memory()`` wraps it. Private."""

    def __new__(cls, key: bytes, receipt_key: bytes) -> MemoryLedger: ...
    @staticmethod
    def from_export(data: Union[str, bytes], receipt_key: bytes) -> MemoryLedger: ...
    def handle(self, request_: Mapping[str, Any], now: _Time) -> str: ...
    def export(self) -> str: ...
    @property
    def key(self) -> bytes: ...
    @property
    def receipt_key(self) -> bytes: ...
