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

from typing import Any, Literal, Mapping, Optional, TypedDict, Union

__all__ = [
    "ApiBaseUrls",
    "ErrorCode",
    "HttpRequest",
    "HttpResponse",
    "Identifier",
    "Invalid",
    "LedgerEntry",
    "Malformed",
    "NotFound",
    "Premature",
    "Problem",
    "RateLimited",
    "RedactOutcome",
    "Redacted",
    "ServerError",
    "Unauthorized",
    "SqlStatement",
    "StoredJob",
    "Tombstone",
    "Unprovisioned",
]


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


class ApiBaseUrls(TypedDict, total=False):
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


class ErrorCode(TypedDict):
    """One row of ``erasekit.error_codes()``."""

    code: str
    """The stable snake_case code, as in ``ErasekitError.code``."""
    family: str
    """The family, which names the class raised: ``"input"`` → ``InputError``,
    ``"credentials"``, ``"payload"``, ``"storage"``, ``"job"``, ``"receipt"``."""


class LedgerEntry(TypedDict):
    """One Vonage resource a data subject produced, as ``erasekit.capture`` returns it and
    ``Ledger.entries()`` gives it back."""

    kind: Literal["transaction", "recording", "user", "conversation", "event", "leg"]
    """What it is, which decides how it is erased: ``transaction`` (Redact API), ``recording``
    (Media API), ``user``, ``conversation``, ``event``, ``leg`` (Conversation API)."""
    product: Optional[Literal["sms", "voice", "number-insight", "verify", "verify-sdk", "messages"]]
    """The Redact API product, for transactions; ``None`` for every other kind."""
    direction: Optional[Literal["inbound", "outbound"]]
    """The direction, when the source says."""
    id: str
    """The Vonage id (for events ``CON-…:<event id>``)."""
    created_at: int
    """When Vonage created it (ms since the epoch): the payload's own time, else ``at``."""
    source: str
    """The capture source that produced it, e.g. ``"sms_send"``."""
    extra: dict[str, Any]
    """Source-specific facts needed later (``recording_url``, ``conversation_uuid``, ...)."""


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
    state: str
    """``running``, ``stopped`` or ``finished``."""
    snapshot: str
    """The job snapshot (JSON, no secrets)."""
    updated_at: int
    """When it was last saved (ms since the epoch)."""


class SqlStatement(TypedDict):
    """One statement of the core for a host to execute (placeholders in the ledger's dialect)."""

    sql: str
    params: list[Union[int, str, None]]
