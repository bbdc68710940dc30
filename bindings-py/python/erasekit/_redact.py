"""``redact()`` and ``redact_async()``: build with the core, send with httpx, interpret with the core.

The only I/O erasekit does in Python lives here. The request, its headers and body, and the
meaning of the response all come from the core; this module moves bytes and reads the clock.
"""

from __future__ import annotations

import time
from datetime import datetime
from typing import Union

import httpx

from ._native import Credentials, InputError, RedactRequest
from ._transport import aexchange, deadline_client, describe, exchange
from .exceptions import TransportError
from .types import ApiBaseUrls, HttpRequest, HttpResponse, RedactOutcome

__all__ = ["redact", "redact_async"]

Time = Union[int, datetime]
BaseUrl = Union[str, ApiBaseUrls, None]


def redact(
    id: str,
    product: str,
    type: str | None = None,
    *,
    credentials: Credentials,
    client: httpx.Client | None = None,
    base_url: BaseUrl = None,
    created_at: Time | None = None,
    now: Time | None = None,
    timeout: float = 30.0,
) -> RedactOutcome:
    """Redacts one Vonage transaction and returns what the response means.

    ``client`` is an ``httpx.Client`` to send with (a new one when ``None``); redirects are
    never followed, whatever the client says (a 3xx is ``malformed``). ``timeout`` bounds the
    call in seconds, in all (connect to last body byte, not per read); a body is read up to
    ``MAX_RESPONSE_BODY`` bytes. ``now`` is the time the response counts as received (ms since
    the epoch or an aware datetime; the clock when ``None``). Every HTTP status becomes an
    outcome dict (``outcome["outcome"]`` is ``"redacted"``, ``"not_found"``, ``"premature"``,
    ...); only bad input (``InputError``), unusable credentials (``CredentialsError``) and a
    request that could not be completed (``TransportError``, naming the host and the cause)
    raise.
    """
    request, http = _prepare(id, product, type, credentials, base_url, created_at)
    try:
        if client is None:
            with deadline_client(httpx.Limits(), timeout) as own:
                response, body = _send(own, http, timeout)
        else:
            response, body = _send(client, http, timeout)
    except httpx.HTTPError as exc:
        raise TransportError(exc, describe(exc, http["url"], timeout)) from exc
    return request.interpret(_received(response, body), _clock() if now is None else now)


async def redact_async(
    id: str,
    product: str,
    type: str | None = None,
    *,
    credentials: Credentials,
    client: httpx.AsyncClient | None = None,
    base_url: BaseUrl = None,
    created_at: Time | None = None,
    now: Time | None = None,
    timeout: float = 30.0,
) -> RedactOutcome:
    """``redact()`` for asyncio (or trio): the same arguments, with an ``httpx.AsyncClient``."""
    request, http = _prepare(id, product, type, credentials, base_url, created_at)
    try:
        if client is None:
            async with httpx.AsyncClient(follow_redirects=False) as own:
                response, body = await _send_async(own, http, timeout)
        else:
            response, body = await _send_async(client, http, timeout)
    except httpx.HTTPError as exc:
        raise TransportError(exc, describe(exc, http["url"], timeout)) from exc
    return request.interpret(_received(response, body), _clock() if now is None else now)


def _prepare(
    id: str,
    product: str,
    type: str | None,
    credentials: Credentials,
    base_url: BaseUrl,
    created_at: Time | None,
) -> tuple[RedactRequest, HttpRequest]:
    request = RedactRequest(id, product, type, created_at)
    return request, request.to_http(credentials, base_url)


def _send(client: httpx.Client, http: HttpRequest, timeout: float) -> tuple[httpx.Response, bytes]:
    if not (isinstance(timeout, (int, float)) and 0 < timeout < float("inf")):
        raise _bad_timeout()
    return exchange(client, http["method"], http["url"], http["headers"], http["body"], timeout)


async def _send_async(
    client: httpx.AsyncClient, http: HttpRequest, timeout: float
) -> tuple[httpx.Response, bytes]:
    if not (isinstance(timeout, (int, float)) and 0 < timeout < float("inf")):
        raise _bad_timeout()
    return await aexchange(client, http["method"], http["url"], http["headers"], http["body"], timeout)


def _bad_timeout() -> InputError:
    err = InputError("invalid argument timeout: expected a positive, finite number of seconds")
    err.code = "invalid_argument"
    err.details = {"code": "invalid_argument", "field": "timeout", "reason": "expected a positive, finite number of seconds"}
    return err


def _received(response: httpx.Response, body: bytes) -> HttpResponse:
    return {
        "status": response.status_code,
        "headers": dict(response.headers),
        "body": body,
    }


def _clock() -> int:
    return time.time_ns() // 1_000_000
