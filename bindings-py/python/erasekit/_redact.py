"""``redact()`` and ``redact_async()``: build with the core, send with httpx, interpret with the core.

The request, its headers and body, and the meaning of the response all come from the core;
this module moves bytes and reads the clock.
"""

from __future__ import annotations

import math
import time
from datetime import datetime
from typing import Any, Mapping, Optional, Union

import httpx

from ._native import Credentials, RedactRequest
from ._transport import aexchange, deadline_client, describe, exchange
from ._native import _invalid_argument as invalid_argument
from ._native import _transport_failed as transport_failed
from .types import ApiBaseInput, HttpRequest, HttpResponse, RedactOutcome

Time = Union[int, datetime]
BaseUrl = Union[str, ApiBaseInput, None]
CredentialsInput = Union[Credentials, Mapping[str, Any]]


def credentials_of(value: CredentialsInput) -> Credentials:
    """A ``Credentials``, or a dict of its keywords made into one (checked by the core)."""
    if isinstance(value, Credentials):
        return value
    if isinstance(value, Mapping):
        return Credentials(**value)
    raise invalid_argument("credentials", f"expected erasekit.Credentials or a dict, got {type(value).__name__}")


def redact(
    id: str,
    product: str,
    type: Optional[str] = None,
    *,
    credentials: CredentialsInput,
    client: Optional[httpx.Client] = None,
    base_url: BaseUrl = None,
    created_at: Optional[Time] = None,
    now: Optional[Time] = None,
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
    request, http = _prepare(id, product, type, credentials, base_url, created_at, timeout)
    args = (http["method"], http["url"], http["headers"], http["body"], timeout)
    try:
        if client is None:
            with deadline_client(httpx.Limits(), timeout) as own:
                response, body = exchange(own, *args)
        else:
            response, body = exchange(client, *args)
    except httpx.HTTPError as exc:
        raise transport_failed(describe(exc, http["url"], timeout)) from exc
    return _interpret(request, response, body, now)


async def redact_async(
    id: str,
    product: str,
    type: Optional[str] = None,
    *,
    credentials: CredentialsInput,
    client: Optional[httpx.AsyncClient] = None,
    base_url: BaseUrl = None,
    created_at: Optional[Time] = None,
    now: Optional[Time] = None,
    timeout: float = 30.0,
) -> RedactOutcome:
    """``redact()`` for asyncio (or trio): the same arguments, with an ``httpx.AsyncClient``."""
    request, http = _prepare(id, product, type, credentials, base_url, created_at, timeout)
    args = (http["method"], http["url"], http["headers"], http["body"], timeout)
    try:
        if client is None:
            async with httpx.AsyncClient(follow_redirects=False) as own:
                response, body = await aexchange(own, *args)
        else:
            response, body = await aexchange(client, *args)
    except httpx.HTTPError as exc:
        raise transport_failed(describe(exc, http["url"], timeout)) from exc
    return _interpret(request, response, body, now)


def _prepare(
    id: str,
    product: str,
    type: Optional[str],
    credentials: CredentialsInput,
    base_url: BaseUrl,
    created_at: Optional[Time],
    timeout: float,
) -> tuple[RedactRequest, HttpRequest]:
    request = RedactRequest(id, product, type, created_at)
    http = request.to_http(credentials_of(credentials), base_url)
    if not (isinstance(timeout, (int, float)) and 0 < timeout and math.isfinite(timeout)):
        raise invalid_argument("timeout", "expected a positive, finite number of seconds")
    return request, http


def _interpret(
    request: RedactRequest, response: httpx.Response, body: bytes, now: Optional[Time]
) -> RedactOutcome:
    received: HttpResponse = {"status": response.status_code, "headers": dict(response.headers), "body": body}
    return request.interpret(received, time.time_ns() // 1_000_000 if now is None else now)
