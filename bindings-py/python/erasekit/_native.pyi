"""Native core of erasekit (Vonage redaction without I/O). Import from ``erasekit`` instead."""

from datetime import datetime
from typing import Any, ClassVar, Final, Union, final

from erasekit.types import ApiBaseUrls, ErrorCode, HttpRequest, HttpResponse, RedactOutcome

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
