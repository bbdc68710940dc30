"""The root README's Python examples run as written, against the local Vonage simulator."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from typing import Iterator

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "simulator" / "clients"))
from sim import Simulator  # noqa: E402


def python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", (ROOT / "README.md").read_text(encoding="utf-8"), re.S)


@pytest.fixture()
def sim(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Simulator]:
    with Simulator() as s:
        monkeypatch.setenv("VONAGE_API_KEY", s.api_key)
        monkeypatch.setenv("VONAGE_API_SECRET", s.api_secret)
        monkeypatch.setenv("VONAGE_BASE_URL", s.base_url)
        monkeypatch.chdir(tmp_path)
        yield s


def test_there_are_examples() -> None:
    assert len(python_blocks()) >= 2


def test_redact_example(sim: Simulator, capsys: pytest.CaptureFixture[str]) -> None:
    sim.seed({"records": [{"product": "sms", "id": "0A000000B0C9A1234", "age_ms": 7_200_000, "to": "447700900001"}]})
    exec(compile(python_blocks()[0], "README.md", "exec"), {})
    assert capsys.readouterr().out.strip() == "redacted 204"
    assert sim.record("sms", "0A000000B0C9A1234")["to"] == "REDACTED"


def test_capture_then_erase_example(sim: Simulator, capsys: pytest.CaptureFixture[str]) -> None:
    sim.seed({"records": [{"product": "sms", "id": "0A00000012345678", "age_ms": 7_200_000, "to": "447700900123"}]})
    exec(compile(python_blocks()[1], "README.md", "exec"), {})
    assert capsys.readouterr().out.strip() == "1 done; []"
    assert sim.record("sms", "0A00000012345678")["redactions"] == 1
    assert Path("ledger.db").exists()
