"""Shared paths and fixtures for the erasekit pytest suite.

The suite tests the installed wheel (``bindings-py/scripts/build.sh`` builds and installs it),
never the source tree: ``import erasekit`` must resolve to site-packages.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
VECTORS = REPO / "tests" / "vectors"
KEYS = VECTORS / "keys"


def load_vectors(name: str) -> Any:
    """A vector file from ``tests/vectors/``, parsed."""
    return json.loads((VECTORS / name).read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def private_key_pem() -> str:
    """The test application's RSA private key (PKCS#8 PEM)."""
    return (KEYS / "app_private.pem").read_text(encoding="utf-8")


def pytest_report_header() -> str:
    import erasekit

    return f"erasekit {erasekit.__version__} from {Path(erasekit.__file__).parent}"
