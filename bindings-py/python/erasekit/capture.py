"""Capture: every Vonage response or webhook body into ledger entries, one function per source.

Pass the body as received (``str`` or ``bytes``) or parsed (a ``dict``), and ``at``, when you
received it (``int`` milliseconds since the epoch or an aware ``datetime``). ``created_at`` is
the payload's own time when it has one, else ``at``; a source whose payload carries no time
needs ``at``. Record the result in a ledger::

    entries = erasekit.capture.sms_send(response.text, at=now_ms)
    ledger.record("user-42", entries)

``max_bytes`` is the longest body read (default 1 MiB, ``DEFAULT_CAPTURE_MAX_BYTES``; a parsed
payload is measured as its JSON text): a longer one raises ``PayloadError`` with code
``payload_too_large`` stating the limit, before it is copied or parsed, and one payload yields
at most 10,000 entries (an SMS has at most 255 parts).

A missing or malformed required field raises ``PayloadError`` (code ``invalid_payload``) with
``details["source"]`` and ``details["field"]`` naming it; a payload of the wrong Python type or
a bad ``at`` raises ``InputError``. Which field each source reads is decided by erasekit's core,
the same in Python, Node and the browser (``tests/vectors/capture.json``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Mapping, Union

from ._native import capture as _capture
from .types import LedgerEntry

__all__ = [
    "SOURCES",
    "Payload",
    "conversation",
    "conversation_event",
    "conversation_leg",
    "conversation_user",
    "messages_inbound",
    "messages_send",
    "messages_status",
    "number_insight",
    "sms_inbound",
    "sms_receipt",
    "sms_send",
    "verify",
    "verify_v2",
    "voice_call",
    "voice_recording",
    "voice_webhook",
]

Payload = Union[str, bytes, bytearray, Mapping[str, Any]]
"""A body as received (JSON text or bytes) or parsed (a dict)."""

Time = Union[int, datetime]

SOURCES: tuple[str, ...] = (
    "sms_send",
    "sms_receipt",
    "sms_inbound",
    "voice_call",
    "voice_webhook",
    "voice_recording",
    "verify",
    "verify_v2",
    "number_insight",
    "messages_send",
    "messages_inbound",
    "messages_status",
    "conversation_user",
    "conversation",
    "conversation_event",
    "conversation_leg",
)
"""Every capture source, in the core's order: each is a function of this module."""


def sms_send(
    payload: Payload, *, at: Time | None = None, max_bytes: int | None = None
) -> list[LedgerEntry]:
    """SMS API send response (``POST /sms/json``): one ``sms``/``outbound`` transaction per
    accepted part of ``messages[]`` (``message-id``); rejected parts (``status`` not ``"0"``)
    are skipped. The response has no time: ``at`` is required."""
    return _capture("sms_send", payload, at, max_bytes)


def sms_receipt(
    payload: Payload, *, at: Time | None = None, max_bytes: int | None = None
) -> list[LedgerEntry]:
    """SMS delivery receipt webhook: the outbound message's ``messageId``, time
    ``message-timestamp``."""
    return _capture("sms_receipt", payload, at, max_bytes)


def sms_inbound(
    payload: Payload, *, at: Time | None = None, max_bytes: int | None = None
) -> list[LedgerEntry]:
    """Inbound SMS webhook (JSON or query parameters): ``messageId`` as ``sms``/``inbound``,
    time ``message-timestamp`` (else the signed ``timestamp``). Each part of a concatenated
    message arrives with its own id and is recorded on its own."""
    return _capture("sms_inbound", payload, at, max_bytes)


def voice_call(
    payload: Payload, *, at: Time | None = None, max_bytes: int | None = None
) -> list[LedgerEntry]:
    """Voice API create-call response: the leg ``uuid`` as a ``voice`` transaction and as a
    ``leg``, with ``conversation_uuid`` kept in ``extra``. No time of its own: pass ``at``."""
    return _capture("voice_call", payload, at, max_bytes)


def voice_webhook(
    payload: Payload, *, at: Time | None = None, max_bytes: int | None = None
) -> list[LedgerEntry]:
    """Voice answer or event webhook: like ``voice_call``, time ``timestamp`` and the
    ``direction`` when present. erasekit redacts the leg ``uuid`` and keeps
    ``conversation_uuid`` in ``extra`` (Vonage has not confirmed which one Redact wants)."""
    return _capture("voice_webhook", payload, at, max_bytes)


def voice_recording(
    payload: Payload, *, at: Time | None = None, max_bytes: int | None = None
) -> list[LedgerEntry]:
    """Voice record webhook: a ``recording`` whose id is the Media API file id (the last path
    segment of ``recording_url``, which is kept in ``extra``); time ``start_time``."""
    return _capture("voice_recording", payload, at, max_bytes)


def verify(
    payload: Payload, *, at: Time | None = None, max_bytes: int | None = None
) -> list[LedgerEntry]:
    """Verify v1 start response: ``request_id`` as a ``verify`` transaction (a failed request,
    ``status`` not ``"0"``, has none and raises). No time: pass ``at``."""
    return _capture("verify", payload, at, max_bytes)


def verify_v2(
    payload: Payload, *, at: Time | None = None, max_bytes: int | None = None
) -> list[LedgerEntry]:
    """Verify v2 start response: ``request_id`` as a ``verify`` transaction. No time: pass
    ``at``."""
    return _capture("verify_v2", payload, at, max_bytes)


def number_insight(
    payload: Payload, *, at: Time | None = None, max_bytes: int | None = None
) -> list[LedgerEntry]:
    """Number Insight response or async callback: ``request_id`` as a ``number-insight``
    transaction (``status`` must be 0). No time: pass ``at``."""
    return _capture("number_insight", payload, at, max_bytes)


def messages_send(
    payload: Payload, *, at: Time | None = None, max_bytes: int | None = None
) -> list[LedgerEntry]:
    """Messages API send response ``{"message_uuid"}``: a ``messages``/``outbound``
    transaction. No time: pass ``at``."""
    return _capture("messages_send", payload, at, max_bytes)


def messages_inbound(
    payload: Payload, *, at: Time | None = None, max_bytes: int | None = None
) -> list[LedgerEntry]:
    """Messages API inbound webhook: ``message_uuid`` as ``messages``/``inbound``, time
    ``timestamp``, ``channel`` kept in ``extra``."""
    return _capture("messages_inbound", payload, at, max_bytes)


def messages_status(
    payload: Payload, *, at: Time | None = None, max_bytes: int | None = None
) -> list[LedgerEntry]:
    """Messages API status webhook for a message you sent: ``message_uuid`` as
    ``messages``/``outbound``, time ``timestamp``."""
    return _capture("messages_status", payload, at, max_bytes)


def conversation_user(
    payload: Payload, *, at: Time | None = None, max_bytes: int | None = None
) -> list[LedgerEntry]:
    """Conversation API user ``{"id": "USR-…"}``: a ``user`` (time ``timestamp.created`` when
    present)."""
    return _capture("conversation_user", payload, at, max_bytes)


def conversation(
    payload: Payload, *, at: Time | None = None, max_bytes: int | None = None
) -> list[LedgerEntry]:
    """Conversation API conversation ``{"id": "CON-…"}``: a ``conversation``."""
    return _capture("conversation", payload, at, max_bytes)


def conversation_event(
    payload: Payload, *, at: Time | None = None, max_bytes: int | None = None
) -> list[LedgerEntry]:
    """Conversation API event ``{"id": 5, "conversation_id": "CON-…"}``: an ``event`` with id
    ``CON-…:5``, time ``timestamp``."""
    return _capture("conversation_event", payload, at, max_bytes)


def conversation_leg(
    payload: Payload, *, at: Time | None = None, max_bytes: int | None = None
) -> list[LedgerEntry]:
    """Conversation API leg ``{"uuid"}`` (or ``{"id"}``): a ``leg``."""
    return _capture("conversation_leg", payload, at, max_bytes)
