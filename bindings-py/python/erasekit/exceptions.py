"""The exceptions erasekit raises, all under ``ErasekitError``.

Every instance has ``.code``, a stable snake_case string (see ``erasekit.error_codes()``),
and ``.details``, a dict with the code and the fields of the error. Messages, codes and
details never contain a secret, a private key or a token.

``ErasekitError(Exception)``
    The root; catch it to catch everything erasekit raises.
``InputError(ErasekitError, ValueError)``
    A value erasekit cannot accept: ``invalid_product``, ``invalid_direction``,
    ``invalid_id``, ``invalid_time``, ``invalid_base_url``, ``invalid_subject``,
    ``invalid_phone``, and ``invalid_argument`` (any argument of the wrong type or shape;
    ``details["field"]`` names it).
``CredentialsError(ErasekitError)``
    ``invalid_credentials`` (half a pair, nothing at all), ``missing_credentials`` (the call
    needs the other pair), ``invalid_private_key``.
``PayloadError(ErasekitError, ValueError)``
    ``invalid_payload``: a Vonage payload lacks a field or has a malformed one;
    ``payload_too_large``: a payload over its stated limit (``max_bytes``, 10,000 entries).
``StorageError(ErasekitError)``
    ``storage``: stored ledger data or a database answer is not what erasekit expects.
``JobError(ErasekitError)``
    ``job_not_finished``: an operation asked of a job in the wrong state; ``job_waiting``: a
    run with ``wait_for_premature=False`` stopped where it would wait for the one-hour rule.
``ReceiptError(ErasekitError)``
    ``invalid_receipt``, ``bad_signature``: a receipt that cannot be read or whose
    signature does not hold.
``TransportError(ErasekitError)``
    ``transport_failed``: the HTTP request could not be completed (refused, reset, timed
    out, DNS). Raised by ``redact()``/``redact_async()``; ``__cause__`` is the httpx error.

All but the last are defined by the native extension, mapped one-to-one from the core's error
families; ``TransportError`` is defined here, because only the Python layer does I/O.
"""

from __future__ import annotations

from typing import Any, Callable

from ._native import CredentialsError as CredentialsError
from ._native import ErasekitError as ErasekitError
from ._native import InputError as InputError
from ._native import JobError as JobError
from ._native import PayloadError as PayloadError
from ._native import ReceiptError as ReceiptError
from ._native import StorageError as StorageError

__all__ = [
    "CredentialsError",
    "ErasekitError",
    "InputError",
    "JobError",
    "PayloadError",
    "ReceiptError",
    "StorageError",
    "TransportError",
]

TRANSPORT_FAILED = "transport_failed"


def invalid_argument(field: str, reason: str) -> InputError:
    """``InputError`` ``invalid_argument`` naming ``field``, as the core makes it, for the few
    arguments only the Python layer reads (a timeout, a signing key, a ledger)."""
    err = InputError(f"invalid argument {field}: {reason}")
    err.code = "invalid_argument"
    err.details = {"code": "invalid_argument", "field": field, "reason": reason}
    return err


class TransportError(ErasekitError):
    """The HTTP request could not be completed: connection refused or reset, timeout, DNS, a
    body over the limit.

    ``code`` is ``"transport_failed"``; ``details`` is ``{"code", "error", "reason"}`` with the
    httpx exception's class name and what happened to which host (``connection failed:
    [Errno 111] Connection refused (127.0.0.1:9)``); ``__cause__`` is the httpx exception
    itself. Nothing was learned about the redaction: it is safe to retry (redaction is
    idempotent).
    """

    code: str
    details: dict[str, Any]

    def __init__(self, cause: BaseException, reason: str | None = None) -> None:
        reason = reason or str(cause) or type(cause).__name__
        super().__init__(f"transport failed: {reason}")
        self.code = TRANSPORT_FAILED
        self.details = {
            "code": TRANSPORT_FAILED,
            "error": type(cause).__name__,
            "reason": reason,
        }

    def __reduce__(self) -> tuple[Callable[..., TransportError], tuple[Any, ...]]:
        # Pickles (e.g. across multiprocessing) keep the message and details, not the cause.
        return (_rebuild_transport_error, (self.args, self.details))


def _rebuild_transport_error(args: tuple[Any, ...], details: dict[str, Any]) -> TransportError:
    err = TransportError.__new__(TransportError)
    err.args = args
    err.code = TRANSPORT_FAILED
    err.details = details
    return err


TransportError.__module__ = "erasekit"
