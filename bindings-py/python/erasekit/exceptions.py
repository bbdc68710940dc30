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
    run with ``wait_for_premature=False`` stopped where it would wait for the one-hour rule;
    ``aborted`` (a cancelled run, with ``.snapshot`` and ``.job_id``), ``job_stalled``,
    ``subject_busy``, ``lease_lost``.
``ReceiptError(ErasekitError)``
    ``invalid_receipt``, ``bad_signature``: a receipt that cannot be read or whose
    signature does not hold.
``TransportError(ErasekitError)``
    ``transport_failed``: the HTTP request could not be completed (refused, reset, timed
    out, DNS). Raised by ``redact()``/``redact_async()``; ``__cause__`` is the httpx error.

All are defined by the native extension, mapped one-to-one from the core's error families.
"""

from __future__ import annotations

from ._native import CredentialsError as CredentialsError
from ._native import ErasekitError as ErasekitError
from ._native import InputError as InputError
from ._native import JobError as JobError
from ._native import PayloadError as PayloadError
from ._native import ReceiptError as ReceiptError
from ._native import StorageError as StorageError
from ._native import TransportError as TransportError
from ._native import _invalid_argument, _transport_failed

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


def invalid_argument(field: str, reason: str) -> InputError:
    """The core's ``invalid_argument`` naming ``field``, for the few arguments only the Python
    layer reads (a timeout, a signing key, a ledger, credentials)."""
    return _invalid_argument(field, reason)


def transport_failed(reason: str) -> TransportError:
    """The core's ``transport_failed``: ``reason`` says what happened to which host."""
    return _transport_failed(reason)
