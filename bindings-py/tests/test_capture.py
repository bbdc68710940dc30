"""Replays the whole of ``tests/vectors/capture.json`` as ``core/tests/capture.rs`` does, with
each payload given as a dict, as JSON text and as bytes; plus the Python surface of capture:
one function per core source, ``at`` as a datetime, ``phone()``, and wrong argument types."""

from __future__ import annotations

import inspect
import json
from datetime import datetime, timedelta, timezone
from typing import Any, Callable

import pytest

import erasekit
import erasekit.capture
from conftest import load_vectors

CAPTURE = load_vectors("capture.json")
CASES: list[dict[str, Any]] = CAPTURE["cases"]
FORMS: dict[str, Callable[[Any], Any]] = {
    "dict": lambda payload: payload,
    "str": lambda payload: json.dumps(payload),
    "bytes": lambda payload: json.dumps(payload).encode("utf-8"),
}


def run_case(case: dict[str, Any], form: str) -> dict[str, Any]:
    """Mirrors ``capture_vectors`` in capture.rs: entries, or the error code and field."""
    payload = FORMS[form](case["payload"])
    at = case.get("at")
    source = case["source"]
    try:
        if source in erasekit.capture.SOURCES:
            entries = getattr(erasekit.capture, source)(payload, at=at)
        else:  # an unknown source reaches the native entry point only
            entries = erasekit._native.capture(source, payload, at)
    except erasekit.ErasekitError as err:
        return {"error": err.code, "field": err.details.get("field")}
    return {"entries": entries}


def test_the_file_covers_every_source() -> None:
    assert len(CASES) >= 40
    names = [c["name"] for c in CASES]
    assert len(names) == len(set(names)), "case names must be unique"
    assert set(erasekit.capture.SOURCES) <= {c["source"] for c in CASES}


@pytest.mark.parametrize("form", sorted(FORMS))
@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_capture_vector(case: dict[str, Any], form: str) -> None:
    assert run_case(case, form) == case["expect"]


@pytest.mark.parametrize("case", CAPTURE["limits"], ids=lambda c: c["name"])
@pytest.mark.parametrize("form", ["str", "bytes"])
def test_capture_limit_vector(case: dict[str, Any], form: str) -> None:
    body = case["body"] if form == "str" else case["body"].encode()
    fn = getattr(erasekit.capture, case["source"])
    try:
        got: dict[str, Any] = {"entries": fn(body, max_bytes=case["max_bytes"])}
    except erasekit.ErasekitError as err:
        got = {"error": err.code, "limit": err.details["limit"], "size": err.details["size"]}
    assert got == case["expect"]


def test_one_function_per_core_source_in_the_core_order() -> None:
    assert list(erasekit.capture.SOURCES) == erasekit._native.capture_sources()
    public = [n for n in erasekit.capture.__all__ if n not in ("SOURCES", "Payload")]
    assert sorted(public) == sorted(erasekit.capture.SOURCES)
    for name in erasekit.capture.SOURCES:
        fn = getattr(erasekit.capture, name)
        params = inspect.signature(fn).parameters
        assert list(params) == ["payload", "at", "max_bytes"], name
        for option in ("at", "max_bytes"):
            assert params[option].kind is inspect.Parameter.KEYWORD_ONLY, name
            assert params[option].default is None, name
        assert fn.__doc__ and len(fn.__doc__) > 40, name


def test_every_source_reaches_the_core_under_its_own_name() -> None:
    for name in erasekit.capture.SOURCES:
        with pytest.raises(erasekit.PayloadError) as info:
            getattr(erasekit.capture, name)([1])
        assert info.value.details["source"] == name
        assert info.value.details["field"] == "$"


SMS_SEND = {"messages": [{"message-id": "0A0000000123ABCD1", "status": "0"}]}


def test_at_accepts_an_aware_datetime() -> None:
    at = datetime(2023, 11, 14, 22, 13, 20, 123000, tzinfo=timezone.utc)
    [entry] = erasekit.capture.sms_send(SMS_SEND, at=at)
    assert entry["created_at"] == 1_700_000_000_123
    east = at.astimezone(timezone(timedelta(hours=5)))
    assert erasekit.capture.sms_send(SMS_SEND, at=east)[0]["created_at"] == 1_700_000_000_123


def test_a_naive_datetime_is_refused() -> None:
    with pytest.raises(erasekit.InputError) as info:
        erasekit.capture.sms_send(SMS_SEND, at=datetime(2023, 1, 1))
    assert info.value.code == "invalid_time"


def test_payload_errors_are_value_errors_naming_source_and_field() -> None:
    with pytest.raises(ValueError) as info:
        erasekit.capture.sms_receipt({"message-timestamp": "2020-01-01 12:00:00"})
    err = info.value
    assert isinstance(err, erasekit.PayloadError)
    assert err.code == "invalid_payload"
    assert err.details["source"] == "sms_receipt"
    assert err.details["field"] == "messageId"
    assert "messageId" in str(err)


def test_a_body_that_is_not_json() -> None:
    for body in ("{not json", b"\xff\xfe", ""):
        with pytest.raises(erasekit.PayloadError) as info:
            erasekit.capture.messages_inbound(body)
        assert info.value.details["field"] == "$"


def test_the_result_is_a_fresh_list_of_plain_dicts() -> None:
    entries = erasekit.capture.voice_call(
        {"uuid": "63f61863-4a51-4f6b-86e1-46edebcf9356", "conversation_uuid": "CON-1"},
        at=1_700_000_000_000,
    )
    assert [e["kind"] for e in entries] == ["transaction", "leg"]
    assert all(type(e) is dict for e in entries)
    assert entries[0]["extra"] == {"conversation_uuid": "CON-1"}
    assert json.loads(json.dumps(entries)) == entries


WRONG_TYPES: list[tuple[str, Callable[[], object]]] = [
    ("payload", lambda: erasekit.capture.sms_send(42)),  # type: ignore[arg-type]
    ("payload", lambda: erasekit.capture.sms_send(None)),  # type: ignore[arg-type]
    ("payload", lambda: erasekit.capture.sms_send({"messages": [object()]})),
    ("payload", lambda: erasekit.capture.sms_send({"n": 2**70}, at=0)),
    ("payload", lambda: erasekit.capture.sms_send("\ud800")),
    ("at", lambda: erasekit.capture.sms_send(SMS_SEND, at="now")),  # type: ignore[arg-type]
    ("at", lambda: erasekit.capture.sms_send(SMS_SEND, at=1.5)),  # type: ignore[arg-type]
    ("source", lambda: erasekit._native.capture(5, SMS_SEND)),  # type: ignore[arg-type]
    ("source", lambda: erasekit._native.capture("sms", SMS_SEND)),
    ("raw", lambda: erasekit.phone(447700900123)),  # type: ignore[arg-type]
]


@pytest.mark.parametrize(("field", "call"), WRONG_TYPES, ids=[f for f, _ in WRONG_TYPES])
def test_wrong_types_are_input_errors_naming_the_field(
    field: str, call: Callable[[], object]
) -> None:
    with pytest.raises(erasekit.InputError) as info:
        call()
    assert info.value.code == "invalid_argument"
    assert info.value.details["field"] == field


def test_at_out_of_range() -> None:
    for at in (-1, 2**53, 2**64):
        with pytest.raises(erasekit.InputError) as info:
            erasekit.capture.sms_send(SMS_SEND, at=at)
        assert info.value.code == "invalid_time"


@pytest.mark.parametrize(
    "raw",
    ["+44 7700 900123", "0044-7700-900123", "(+44) 7700.900.123", "447700900123", " +447700900123 "],
)
def test_phone_normalises_common_forms(raw: str) -> None:
    assert erasekit.phone(raw) == "+447700900123"


@pytest.mark.parametrize(
    "raw", ["07700 900123", "abc", "+44 7700 900123 ext 5", "+1234", "++447700900123", ""]
)
def test_phone_refuses_garbage(raw: str) -> None:
    with pytest.raises(erasekit.InputError) as info:
        erasekit.phone(raw)
    assert info.value.code == "invalid_phone"
    assert info.value.details["given"] == raw
