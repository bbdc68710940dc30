"""The key that signs a run's receipt (an Ed25519 seed of 32 bytes).

With a ledger it is always the ledger's own receipt key (made on its first open;
``ledger.receipt_public_key()``), so that ``ledger.forget`` accepts the receipt and anyone can
verify it later from the ledger alone. Without a ledger the caller gives it: 32 bytes or 64 hex
digits. There is no other source (no environment variable, no key file).
"""

from __future__ import annotations

from typing import Optional, Protocol, Union

from ._native import _invalid_argument as invalid_argument

SigningKey = Union[bytes, bytearray, str]


class KeyedLedger(Protocol):
    @property
    def _receipt_key(self) -> bytes: ...


def signing_key(key: object) -> bytes:
    """``key`` as 32 bytes: ``bytes`` of that length or 64 hex digits."""
    if isinstance(key, (bytes, bytearray)) and len(key) == 32:
        return bytes(key)
    if isinstance(key, str):
        try:
            decoded = bytes.fromhex(key.strip())
        except ValueError:
            decoded = b""
        if len(decoded) == 32:
            return decoded
    raise invalid_argument("signing_key", "expected 32 bytes or 64 hex digits")


def receipt_key(key: Optional[SigningKey], ledger: Optional[KeyedLedger]) -> bytes:
    """The key a run signs with, resolved before its first call (a bad key must not surface
    only after the erasure): the ledger's own, or the required ``signing_key``."""
    if ledger is None:
        if key is None:
            raise invalid_argument("signing_key", "required without a ledger (32 bytes or 64 hex digits)")
        return signing_key(key)
    own = ledger._receipt_key
    if key is not None and signing_key(key) != own:
        raise invalid_argument(
            "signing_key",
            "a run with a ledger signs with the ledger's own receipt key "
            "(ledger.receipt_public_key()); leave signing_key out",
        )
    return own
