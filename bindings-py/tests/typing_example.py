"""A small typed program checked with `mypy --strict` (not a pytest module).

It uses the public API the way an application would, so the stubs and TypedDicts are held to
what users will write: narrowing the outcome union, reading error codes, passing datetimes.
"""

from __future__ import annotations

import os
from datetime import datetime, timezone

import httpx

import erasekit
from erasekit.types import ApiBaseInput, ErrorCode, ErrorCodeInfo, Premature


def describe(outcome: erasekit.RedactOutcome) -> str:
    if outcome["outcome"] == "redacted":
        return f"redacted ({outcome['status']})"
    if outcome["outcome"] == "premature":
        premature: Premature = outcome
        retry: int | None = premature["earliest_retry_at"]
        return f"too early; retry at {retry}"
    if outcome["outcome"] == "rate_limited":
        return f"slow down until {outcome['retry_at']}"
    if outcome["outcome"] == "malformed":
        return f"not understood: {outcome['reason']}"
    if outcome["outcome"] == "invalid":
        return f"refused input {outcome['input']}"
    problem = outcome["problem"]
    title = problem["title"] if problem is not None else None
    return f"{outcome['outcome']}: {title}"


def sans_io(credentials: erasekit.Credentials, client: httpx.Client) -> erasekit.RedactOutcome:
    request = erasekit.RedactRequest(
        "0A000000B0C9A1234", "sms", "outbound", created_at=datetime.now(timezone.utc)
    )
    bases: ApiBaseInput = {"default": "https://api-eu.vonage.com"}
    http: erasekit.HttpRequest = request.to_http(credentials, bases)
    body: bytes = http["body"]
    response = client.request(http["method"], http["url"], headers=http["headers"], content=body)
    not_before: int | None = request.not_before
    print(not_before, request.id, request.product, request.type, request.created_at)
    return request.interpret(
        {"status": response.status_code, "headers": response.headers, "body": response.content},
        now=datetime.now(timezone.utc),
    )


def errors() -> list[str]:
    codes: list[ErrorCodeInfo] = erasekit.error_codes()
    seen: list[str] = [row["code"] for row in codes]
    first: ErrorCode = codes[0]["code"]  # the row is typed by the code union
    assert first in seen
    try:
        erasekit.RedactRequest("abc", "SMS")
    except erasekit.InputError as err:
        field: object = err.details.get("field")
        seen.append(f"{err.code} {field}")
    except erasekit.ErasekitError as err:
        seen.append(err.code)
    return seen


async def run_async(credentials: erasekit.Credentials) -> str:
    async with httpx.AsyncClient() as client:
        outcome = await erasekit.redact_async(
            "abc", "voice", credentials=credentials, client=client, base_url="http://127.0.0.1:1"
        )
    return describe(outcome)


def main() -> None:
    credentials = erasekit.Credentials(
        api_key=os.environ.get("VONAGE_API_KEY", "k"),
        api_secret=os.environ.get("VONAGE_API_SECRET", "s"),
    )
    token: str = erasekit.Credentials(
        application_id="app", private_key=b"-----BEGIN PRIVATE KEY-----"
    ).jwt(0, os.urandom(16))
    try:
        outcome = erasekit.redact("abc", "sms", credentials=credentials, now=1_700_000_000_000)
    except erasekit.TransportError as err:
        print(err.code, err.__cause__)
    else:
        print(describe(outcome))
    print(token, erasekit.USER_AGENT, erasekit.__version__, errors())
