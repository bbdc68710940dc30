"""The shapes of the plain data that crosses between Python and erasekit's core.

Every dict here uses the core's snake_case field names, exactly as the JavaScript package
does, so a logged outcome or request reads the same in both languages. Times are ``int``
milliseconds since the Unix epoch.

``RedactOutcome`` is a union keyed on ``"outcome"``; check that key and a type checker
narrows to the matching variant::

    outcome = erasekit.redact(...)
    if outcome["outcome"] == "premature":
        retry_at = outcome["earliest_retry_at"]   # Optional[int]
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal, Mapping, Optional, TypedDict, Union



Product = Literal["sms", "voice", "number-insight", "verify", "verify-sdk", "messages"]
"""A Redact API product, spelled as the API documents it."""
Direction = Literal["inbound", "outbound"]
ErrorFamily = Literal["input", "credentials", "payload", "storage", "job", "receipt", "transport"]
"""An error code's family, which names the class raised (``"input"`` → ``InputError``, ...)."""
Initial = Literal["pending", "expired", "skipped"]
"""An operation's state when planned: ``expired`` is older than the retention window,
``skipped`` left out by an option."""


class RedactRequestData(TypedDict):
    """``RedactRequest.to_dict()``: the validated redaction."""

    id: str
    product: Product
    type: Direction
    created_at: Optional[int]


class HttpRequest(TypedDict):
    """An HTTP request to send, as built by ``RedactRequest.to_http``."""

    method: str
    """``"POST"`` for a redaction."""
    url: str
    """The full URL."""
    headers: dict[str, str]
    """Lower-case names, including ``authorization`` (a secret: never log it)."""
    body: bytes
    """The body bytes (JSON for a redaction)."""


class _HttpResponseStatus(TypedDict):
    status: int
    """The HTTP status code."""


class HttpResponse(_HttpResponseStatus, total=False):
    """An HTTP response as received, for ``RedactRequest.interpret``.

    ``headers`` may be any mapping (a dict, ``httpx.Headers``); names are matched ignoring
    case. ``body`` may be ``bytes``, ``bytearray``, ``str`` or ``None``.
    """

    headers: Mapping[str, str]
    body: Union[bytes, bytearray, str, None]


class ApiBaseInput(TypedDict, total=False):
    """Base URLs per call family for ``base_url=``: ``default`` sets every family."""

    default: str
    redact: str
    media: str
    conversation: str
    reports: str
    search: str


class Problem(TypedDict):
    """An error body in RFC 7807 form (the older ``error_title`` shape is read as ``title``)."""

    type: Optional[str]
    title: Optional[str]
    detail: Optional[str]
    instance: Optional[str]
    """Vonage's trace id for the request."""


class Redacted(TypedDict):
    """2xx: the record is redacted."""

    outcome: Literal["redacted"]
    status: int


class NotFound(TypedDict):
    """404 invalid-id: no such record (already gone, never existed, or past retention)."""

    outcome: Literal["not_found"]
    status: int
    problem: Problem


class Premature(TypedDict):
    """403 premature-redaction: the record is younger than 60 minutes."""

    outcome: Literal["premature"]
    status: int
    problem: Problem
    earliest_retry_at: Optional[int]
    """``created_at`` + 60 minutes, when ``created_at`` was given."""


class Unprovisioned(TypedDict):
    """403 (other than premature): the account may not redact this product."""

    outcome: Literal["unprovisioned"]
    status: int
    problem: Problem


class Unauthorized(TypedDict):
    """401: missing or wrong credentials."""

    outcome: Literal["unauthorized"]
    status: int
    problem: Optional[Problem]


class Invalid(TypedDict):
    """422 (or 400): Vonage refused the request body."""

    outcome: Literal["invalid"]
    status: int
    problem: Optional[Problem]
    input: Literal["json", "product", "request"]


class RateLimited(TypedDict):
    """429: too many requests."""

    outcome: Literal["rate_limited"]
    status: int
    problem: Optional[Problem]
    retry_at: Optional[int]
    """From ``Retry-After`` (seconds or an HTTP date), when given."""


class ServerError(TypedDict):
    """5xx: Vonage failed; worth retrying."""

    outcome: Literal["server_error"]
    status: int
    problem: Optional[Problem]


class Malformed(TypedDict):
    """Anything else, e.g. a 404 without Vonage's problem body (a wrong base URL)."""

    outcome: Literal["malformed"]
    status: int
    reason: str


RedactOutcome = Union[
    Redacted,
    NotFound,
    Premature,
    Unprovisioned,
    Unauthorized,
    Invalid,
    RateLimited,
    ServerError,
    Malformed,
]
"""What a Redact API response means; see each variant."""


ErrorCode = Literal[
    "invalid_product",
    "invalid_direction",
    "invalid_id",
    "invalid_time",
    "invalid_base_url",
    "invalid_argument",
    "invalid_credentials",
    "missing_credentials",
    "invalid_private_key",
    "invalid_payload",
    "payload_too_large",
    "invalid_subject",
    "invalid_phone",
    "storage",
    "job_not_finished",
    "job_waiting",
    "invalid_receipt",
    "bad_signature",
    "unknown_subject",
    "ledger_not_found",
    "subject_busy",
    "lease_lost",
    "receipt_mismatch",
    "aborted",
    "job_stalled",
    "job_not_found",
    "transport_failed",
]
"""Every code an ``ErasekitError`` can carry (``error_codes()`` lists them with their family)."""


class ErrorCodeInfo(TypedDict):
    """One row of ``erasekit.error_codes()``."""

    code: ErrorCode
    """The stable snake_case code, as in ``ErasekitError.code``."""
    family: ErrorFamily


class LedgerEntry(TypedDict):
    """One Vonage resource a data subject produced, as ``erasekit.capture`` returns it and
    ``Ledger.entries()`` gives it back."""

    kind: Literal["transaction", "recording", "user", "conversation", "event", "leg"]
    """What it is, which decides how it is erased: ``transaction`` (Redact API), ``recording``
    (Media API), ``user``, ``conversation``, ``event``, ``leg`` (Conversation API)."""
    product: Optional[Product]
    """The Redact API product, for transactions; ``None`` for every other kind."""
    direction: Optional[Direction]
    """The direction, when the source says."""
    id: str
    """The Vonage id (for events ``CON-…:<event id>``)."""
    created_at: int
    """When Vonage created it (ms since the epoch): the payload's own time, else ``at``."""
    source: str
    """The capture source that produced it, e.g. ``"sms_send"``."""
    extra: dict[str, Any]
    """Source-specific facts needed later (``recording_url``, ``conversation_uuid``, ...)."""


class _MinimalEntryBase(TypedDict):
    id: str
    """The Vonage id."""
    created_at: Union[int, datetime]
    """When Vonage created it: ms since the epoch or an aware ``datetime``."""


class MinimalEntry(_MinimalEntryBase, total=False):
    """The entry a user has in hand: ``{"product", "id", "direction"?, "created_at"}`` for a
    transaction, ``{"kind", "id", "created_at"}`` for the other kinds. The core fills ``kind``
    (``transaction`` when a product is given), ``source`` (``"manual"``) and ``extra``."""

    kind: Literal["transaction", "recording", "user", "conversation", "event", "leg"]
    product: Optional[Literal["sms", "voice", "number-insight", "verify", "verify-sdk", "messages"]]
    direction: Optional[Literal["inbound", "outbound"]]
    source: str
    extra: dict[str, Any]


LedgerEntryInput = Union[LedgerEntry, MinimalEntry]
"""What ``Ledger.record`` takes: entries as captured, or minimal ones."""


class Identifier(TypedDict):
    """An identifier linked to a subject, as ``Ledger.identifiers()`` returns it."""

    kind: Literal["phone", "conversation_user"]
    value: str
    """An E.164 number (``+447700900123``) or a Conversation user id (``USR-…``)."""


class Tombstone(TypedDict):
    """What remains of a forgotten subject: no name, only a keyed hash."""

    subject_hash: str
    """HMAC-SHA256 of the subject under the ledger's subject key, lower-case hex."""
    receipt_id: str
    """The erasure receipt's id."""
    forgotten_at: int
    """When the subject was forgotten (ms since the epoch)."""


class StoredJob(TypedDict):
    """An erasure job checkpoint saved in a ledger."""

    job_id: str
    subject: str
    state: Literal["running", "stopped", "finished"]
    """The core's ``JobState``."""
    snapshot: str
    """The job snapshot (JSON, no secrets)."""
    updated_at: int
    """When it was last saved (ms since the epoch)."""


class SqlStatement(TypedDict):
    """One statement of the core for a host to execute (placeholders in the ledger's dialect)."""

    sql: str
    params: list[Union[int, str, None]]


class LeaseTimes(TypedDict):
    """A run's lease on its job after a claim or renewal (ms since the epoch)."""

    attempt: int
    """The attempt number the database gave this run."""
    expires_at: int
    """When the lease expires in the database."""
    renew_at: int
    """When the run renews it."""
    hold_until: int
    """The run starts no Vonage call at or after this time (the lease minus a margin)."""


# ---- erasure: plans, jobs, events, receipts -----------------------------------------------

Action = Literal[
    "redact",
    "delete_recording",
    "delete_user",
    "scrub_user",
    "delete_event",
    "delete_conversation",
    "delete_leg",
]
"""The call an operation makes: ``redact`` (``POST /v1/redact/transaction``),
``delete_recording`` (``DELETE /v3/media/{id}``), ``delete_user``/``scrub_user``
(``DELETE``/``PATCH /v1/users/{id}``), ``delete_event``, ``delete_conversation``, ``delete_leg``."""

Terminal = Literal["done", "not_found", "expired", "failed", "skipped"]
"""How an operation ended. ``not_found`` (404) is recorded as such, never as ``done``."""


class _OperationBase(TypedDict):
    op: int
    """Position in the plan; the job's operation id."""
    target: str
    """The resource id (transaction id, media id, user id, ``CON-…:<event id>``, ...)."""
    action: Action
    created_at: int
    """When the resource was created (ms since the epoch)."""
    not_before: int
    """``created_at`` + 60 minutes: Vonage refuses earlier redactions."""
    initial: Initial
    """``expired``: older than the retention window; ``skipped``: left out by an option."""


class Operation(_OperationBase, total=False):
    """One operation of ``ErasurePlan.operations``."""

    product: str
    """For ``redact``: the Redact API product."""
    direction: Direction
    """For ``redact``: the Redact API ``type``."""


class _PlannedCallBase(TypedDict):
    op: int
    target: str
    action: Action
    not_before: int
    initial: Initial


class PlannedCall(_PlannedCallBase, total=False):
    """One row of the dry run, ``ErasurePlan.describe()``: the operation (without its
    ``created_at``) and its call."""

    product: str
    direction: Direction
    method: str
    """``POST``, ``DELETE``, ``PATCH`` or ``PUT``."""
    url: str
    """The full URL that would be called."""


class PlanGroup(TypedDict):
    """One line of ``PlanSummary.groups``: the operations of one action (and Redact product)."""

    action: Literal[
        "redact", "delete_recording", "delete_user", "scrub_user", "delete_event",
        "delete_conversation", "delete_leg",
    ]
    product: Optional[str]
    """The Redact product (``sms``, ``voice``, ...); ``None`` for the other actions."""
    operations: int
    pending: int
    """Of which to be sent."""
    expired: int
    skipped: int
    send_ms: int
    """How long sending the pending ones takes at the rate alone (ms)."""


class PlanSummary(TypedDict):
    """``ErasurePlan.summary(rate_per_second)``: the plan in figures."""

    rate_per_second: int
    operations: int
    pending: int
    groups: list[PlanGroup]
    """One per action and product, in plan order."""
    send_ms: int
    """How long sending every pending call takes at the rate alone (ms)."""
    estimated_finish: Optional[int]
    """The earliest the last call can go out (the rate and the 60-minute rule); ``None`` when
    nothing is pending."""
    due_at: int
    """The plan's deadline."""
    late: bool
    """``estimated_finish`` is after ``due_at``."""


class PlanOptions(TypedDict):
    """``ErasurePlan.options``."""

    user_action: Literal["delete", "scrub"]
    delete_legs: bool
    delete_conversations: bool
    conversation_api: Literal["v1", "v0.1"]
    retention_months: int
    allow_empty: bool
    """Plan an erasure of nothing on purpose for a subject without entries (else
    ``unknown_subject``)."""


class DeadlineData(TypedDict):
    """``Deadline.to_dict()`` and the receipt's ``deadline``."""

    received_at: int
    due_at: int
    extension_months: int
    extension_reason: Optional[str]


class ErasurePlanData(TypedDict):
    """``ErasurePlan.to_dict()``: the plan as the core serialises it."""

    subject: str
    subject_hash: str
    planned_at: int
    deadline: DeadlineData
    options: PlanOptions
    operations: list[Operation]


class JobConfig(TypedDict):
    """``ErasureJob.config``: the job's settings."""

    job_id: str
    rate_per_second: int
    max_in_flight: int
    max_attempts: int
    max_premature: int
    max_rate_limited: int
    backoff_base_ms: int
    backoff_max_ms: int
    seed: int
    check_target: bool
    """Probe each group's target (base URL, credentials, product) before its operations."""
    wait_for_premature: bool
    """Wait out the one-hour rule; ``False``: ``run()`` stops with ``job_waiting`` instead."""
    checkpoint_every: int
    """A checkpoint to the ledger every this many answers (default 100)."""


class Counts(TypedDict):
    """Operations by state, as ``ErasureJob.counts()`` and events report them."""

    total: int
    done: int
    not_found: int
    expired: int
    failed: int
    skipped: int
    in_flight: int
    """Sent and not yet answered."""
    retries: int
    """Calls sent again after a failure, a 429 or a premature answer."""
    rate_limited: int
    """429 answers received."""
    finished: int
    """Operations that reached a terminal state (the core's ``Counts::finished``); only in
    ``ErasureJob.counts()``."""


class Call(TypedDict):
    """A call to send, from ``ErasureJob.poll_request()``."""

    call_id: int
    """Pass it back to ``handle_response`` or ``handle_failure``."""
    op: int
    """The operation it belongs to, or ``2**32 - 1`` for a target check."""
    request: HttpRequest


class Started(TypedDict):
    """The job's first poll of this run, even when nothing can be sent yet."""

    event: Literal["started"]
    at: int
    counts: Counts


class Waiting(TypedDict):
    """Nothing can go before ``until`` (ms) because of Vonage's one-hour rule, and nothing is
    in flight: the run waits (or, with ``wait_for_premature=False``, stops to be resumed)."""

    event: Literal["waiting"]
    until: int
    counts: Counts


class TargetChecked(TypedDict):
    """A group's target check settled; ``ok`` when Vonage gave the documented not-found."""

    event: Literal["target_checked"]
    group: str
    ok: bool
    status: Optional[int]
    reason: Optional[str]


class Retrying(TypedDict):
    """An operation will be sent again at ``at``."""

    event: Literal["retrying"]
    op: int
    attempt: int
    at: int
    reason: str
    """E.g. ``server error 503``, ``timeout``, ``premature``, ``rate limited``."""


class Throttled(TypedDict):
    """Vonage answered 429: nothing is sent before ``until`` and the pace drops."""

    event: Literal["throttled"]
    until: int
    pace: float
    """The new pace in requests per second."""


class GroupStopped(TypedDict):
    """A 401 or 403 stopped every remaining operation of a group (a product, ``media``,
    ``conversation``)."""

    event: Literal["group_stopped"]
    group: str
    reason: str
    stopped: int


class OperationFinished(TypedDict):
    """An operation reached its terminal state."""

    event: Literal["operation_finished"]
    op: int
    state: Terminal
    counts: Counts


class Finished(TypedDict):
    """Every operation is terminal; the receipt can be made."""

    event: Literal["finished"]
    at: int
    counts: Counts




class LedgerFinished(TypedDict):
    """The drivers' last event with a ledger: the receipt is stored and what it settles
    forgotten, in one transaction."""

    event: Literal["ledger_finished"]
    receipt_id: str
    remaining: int
    """Entries of the subject still in the ledger: failed operations and ids recorded while the
    job ran. Erase again to settle them."""
    forgotten: bool
    """Whether the subject was forgotten (no entry left; a tombstone was written)."""


JobEvent = Union[
    Started,
    Waiting,
    TargetChecked,
    Retrying,
    Throttled,
    GroupStopped,
    OperationFinished,
    Finished,
    LedgerFinished,
]
"""An event from ``ErasureJob.poll_event()``, keyed by ``"event"``; a driver's ``on_progress``
also gets ``ledger_finished`` (never from ``poll_event``) at the end of a run with a ledger."""

class OtherFailureMessage(TypedDict):
    message: str


class OtherFailure(TypedDict):
    """Any other transport failure (DNS, TLS, a body over the limit, ...), described."""

    other: OtherFailureMessage


TransportFailure = Union[Literal["timeout", "connection"], OtherFailure]
"""A call that got no answer, as ``ErasureJob.handle_failure`` takes it: the core's
``TransportFailure`` as it serialises it."""


class _ReceiptOperationBase(TypedDict):
    op: int
    target: str
    action: Action
    state: Terminal
    attempts: int
    first_attempt_at: Optional[int]
    last_attempt_at: Optional[int]
    status: Optional[int]
    """The last HTTP status."""
    instance: Optional[str]
    """Vonage's trace id from the last problem body."""
    problem: Optional[str]
    """The last problem, for anything not ``done``."""


class ReceiptOperation(_ReceiptOperationBase, total=False):
    """One operation as the receipt reports it (its plan fields but the times and
    ``initial``)."""

    product: str
    direction: Direction


class TargetCheckRecord(TypedDict):
    """One group's target check in a receipt."""

    group: str
    """A Redact product, ``media`` or ``conversation``."""
    url: Optional[str]
    """The URL probed; ``None`` when skipped."""
    status: Optional[int]
    result: Literal["ok", "failed", "skipped"]
    reason: Optional[str]


class _ReceiptBodySince02(TypedDict, total=False):
    """Fields absent only from receipts of erasekit 0.1."""

    complete: bool
    """Every operation ended ``done``, ``not_found``, ``expired`` or ``skipped``."""
    target_checks: list[TargetCheckRecord]
    """Each group's target check."""


class ReceiptBody(_ReceiptBodySince02):
    """The signed content of a receipt (what ``verify_receipt`` returns)."""

    format: str
    """``erasekit-receipt/1``."""
    receipt_id: str
    """The job id."""
    subject_hash: str
    """HMAC-SHA256 of the subject under the ledger key: the subject is never named."""
    deadline: DeadlineData
    planned_at: int
    started_at: Optional[int]
    finished_at: int
    on_time: bool
    """Finished by the deadline, and complete."""
    counts: Counts
    operations: list[ReceiptOperation]


class ReceiptSignature(TypedDict):
    """The receipt's signature block."""

    algorithm: str
    """``ed25519-sha512`` (``ed25519`` in receipts of erasekit 0.1.0, which still verify)."""
    public_key: str
    """The signer's public key, hex."""
    value: str
    """The Ed25519 signature over the SHA-512 digest of the canonical JSON of ``receipt``
    (for ``ed25519``: over that JSON itself), hex."""


class Receipt(TypedDict):
    """A signed erasure receipt, as ``ErasureJob.receipt()`` and ``run()`` return it."""

    receipt: ReceiptBody
    signature: ReceiptSignature
