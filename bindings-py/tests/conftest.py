"""Shared paths and fixtures for the erasekit pytest suite.

The suite tests the installed wheel (``bindings-py/scripts/build.sh`` builds and installs it),
never the source tree: ``import erasekit`` must resolve to site-packages.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
VECTORS = REPO / "tests" / "vectors"
KEYS = VECTORS / "keys"

sys.path.insert(0, str(REPO / "tests" / "simulator" / "clients"))
from sim import Simulator  # noqa: E402


def load_vectors(name: str) -> Any:
    """A vector file from ``tests/vectors/``, parsed."""
    return json.loads((VECTORS / name).read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def private_key_pem() -> str:
    """The test application's RSA private key (PKCS#8 PEM)."""
    return (KEYS / "app_private.pem").read_text(encoding="utf-8")


def now_ms() -> int:
    """The wall clock in milliseconds, as the drivers read it."""
    return time.time_ns() // 1_000_000


@pytest.fixture(scope="module")
def simulator() -> Iterator[Simulator]:
    """One local simulator per test module."""
    with Simulator() as running:
        yield running


@pytest.fixture
def sim(simulator: Simulator) -> Simulator:
    """The module's simulator, reset, faults off, its clock at the wall clock (the job reads
    the wall clock; so does the simulator here)."""
    simulator.reset()
    simulator.clear_faults()
    simulator.set_clock(now_ms())
    return simulator


def pytest_report_header() -> str:
    import erasekit

    return f"erasekit {erasekit.__version__} from {Path(erasekit.__file__).parent}"
