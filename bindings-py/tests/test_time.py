"""Times: int milliseconds since the epoch, or aware datetimes converted exactly."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

import erasekit
from conftest import KEYS

T = 1_700_000_000_000  # 2023-11-14T22:13:20Z
AT_T = datetime(2023, 11, 14, 22, 13, 20, tzinfo=timezone.utc)


def test_int_and_aware_datetime_are_the_same_time() -> None:
    by_int = erasekit.RedactRequest("abc", "sms", created_at=T)
    by_datetime = erasekit.RedactRequest("abc", "sms", created_at=AT_T)
    assert by_datetime.created_at == T
    assert by_int == by_datetime
    assert by_datetime.not_before == T + 3_600_000


def test_other_timezones_and_milliseconds_convert_exactly() -> None:
    plus_two = timezone(timedelta(hours=2))
    local = datetime(2023, 11, 15, 0, 13, 20, 123_999, tzinfo=plus_two)
    assert erasekit.RedactRequest("a", "sms", created_at=local).created_at == T + 123


def test_naive_datetime_is_refused() -> None:
    with pytest.raises(erasekit.InputError) as info:
        erasekit.RedactRequest("a", "sms", created_at=datetime(2023, 11, 14))
    assert info.value.code == "invalid_time"
    assert info.value.details["field"] == "created_at"


@pytest.mark.parametrize(
    "value",
    [-1, 2**53, 2**64, datetime(1969, 12, 31, 23, 59, 59, tzinfo=timezone.utc)],
    ids=["negative", "2^53", "2^64", "before-epoch"],
)
def test_out_of_range_is_invalid_time(value: object) -> None:
    with pytest.raises(erasekit.InputError) as info:
        erasekit.RedactRequest("a", "sms", created_at=value)  # type: ignore[arg-type]
    assert info.value.code == "invalid_time"


def test_the_edges_are_accepted() -> None:
    assert erasekit.RedactRequest("a", "sms", created_at=0).created_at == 0
    assert erasekit.RedactRequest("a", "sms", created_at=2**53 - 1).created_at == 2**53 - 1


def test_now_takes_a_datetime_in_interpret_and_jwt() -> None:
    request = erasekit.RedactRequest("a", "sms")
    response: erasekit.HttpResponse = {"status": 429, "headers": {"Retry-After": "2"}}
    assert request.interpret(response, AT_T) == request.interpret(response, T)
    assert request.interpret(response, AT_T)["outcome"] == "rate_limited"
    creds = erasekit.Credentials(
        application_id="app", private_key=(KEYS / "app_private.pem").read_bytes()
    )
    assert creds.jwt(AT_T, bytes(16)) == creds.jwt(T, bytes(16))
