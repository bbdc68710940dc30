"""The exceptions erasekit raises, all under ``ErasekitError``, one class per family of the
core's error codes (``erasekit.error_codes()``): ``InputError`` and ``PayloadError`` (also
``ValueError``s), ``CredentialsError``, ``StorageError``, ``JobError``, ``ReceiptError``,
``TransportError``. Every instance has ``.code``, a stable snake_case string, and ``.details``,
a dict with the code and the fields of the error; none holds a secret, a private key or a token.
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
