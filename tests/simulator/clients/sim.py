"""Python helper: spawn the erasekit-sim binary, wait for its URL, drive its control plane.

    from sim import Simulator   # tests/simulator/clients on sys.path
    with Simulator({"rate_limits": {"redact": 5}}) as sim:
        sim.seed({"records": [{"product": "sms", "id": "ABC", "age_ms": 7200000}]})
        ... requests against sim.base_url ...

Standard library only. The binary is $ERASEKIT_SIM_BIN, else the newer of
target/debug/erasekit-sim and target/release/erasekit-sim under the repository root; when
neither exists it is built with `cargo build -p erasekit-sim` (pass build=False to fail instead).
"""

from __future__ import annotations

import json
import os
import queue
import re
import shutil
import subprocess
import tempfile
import threading
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any, Optional

REPO_ROOT = Path(__file__).resolve().parents[3]
DEFAULT_API_KEY = "sim-key"
DEFAULT_API_SECRET = "sim-secret"
DEFAULT_APPLICATION_ID = "aaaaaaaa-bbbb-4ccc-8ddd-0123456789ab"
_EXE = "erasekit-sim.exe" if os.name == "nt" else "erasekit-sim"
_URL = re.compile(r"listening on (http://\S+)")


def find_simulator_binary() -> Optional[str]:
    """The binary to run, or None when none is built."""
    env = os.environ.get("ERASEKIT_SIM_BIN")
    if env:
        return env
    found = [REPO_ROOT / "target" / p / _EXE for p in ("debug", "release")]
    found = [p for p in found if p.exists()]
    found.sort(key=lambda p: p.stat().st_mtime, reverse=True)
    return str(found[0]) if found else None


class SimulatorError(RuntimeError):
    """The simulator could not start, or a control call failed."""


class Simulator:
    """A running simulator; also a context manager that stops it on exit."""

    def __init__(
        self,
        config: Optional[dict] = None,
        *,
        config_path: Optional[str] = None,
        bin: Optional[str] = None,
        build: bool = True,
        timeout: float = 30.0,
    ) -> None:
        self.api_key = DEFAULT_API_KEY
        self.api_secret = DEFAULT_API_SECRET
        self.application_id = DEFAULT_APPLICATION_ID
        binary = bin or find_simulator_binary()
        if binary is None and build:
            subprocess.run(["cargo", "build", "-p", "erasekit-sim"], cwd=REPO_ROOT, check=True)
            binary = find_simulator_binary()
        if binary is None:
            raise SimulatorError(
                "erasekit-sim is not built: run `cargo build -p erasekit-sim` or set ERASEKIT_SIM_BIN"
            )
        args = [binary, "--listen", "127.0.0.1:0"]
        self._tmp: Optional[str] = None
        if config is not None:
            self._tmp = tempfile.mkdtemp(prefix="erasekit-sim-")
            path = os.path.join(self._tmp, "sim.json")
            with open(path, "w", encoding="utf-8") as f:
                json.dump(config, f)
            args += ["--config", path]
        elif config_path is not None:
            args += ["--config", config_path]
        self._proc = subprocess.Popen(
            args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True
        )
        lines: "queue.Queue[Optional[str]]" = queue.Queue()

        def pump() -> None:
            assert self._proc.stdout is not None
            for line in self._proc.stdout:
                lines.put(line)
            lines.put(None)

        threading.Thread(target=pump, daemon=True).start()
        self._stderr_tail: list = []

        def drain_stderr() -> None:
            assert self._proc.stderr is not None
            for line in self._proc.stderr:
                self._stderr_tail = (self._stderr_tail + [line])[-50:]

        threading.Thread(target=drain_stderr, daemon=True).start()
        try:
            while True:
                line = lines.get(timeout=timeout)
                if line is None:
                    raise SimulatorError(
                        f"erasekit-sim exited before listening: {''.join(self._stderr_tail)}"
                    )
                match = _URL.search(line)
                if match:
                    self.base_url: str = match.group(1)
                    break
        except queue.Empty:
            self.stop()
            raise SimulatorError(f"erasekit-sim printed no URL within {timeout} s") from None
        except BaseException:
            self.stop()
            raise

    # ---- lifecycle ----------------------------------------------------------------------

    @property
    def pid(self) -> int:
        return self._proc.pid

    def stop(self) -> None:
        """Sends SIGTERM, waits up to 5 s, then kills."""
        if self._proc.poll() is None:
            self._proc.terminate()
            try:
                self._proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
        if self._tmp:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None

    def __enter__(self) -> "Simulator":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    # ---- control plane ------------------------------------------------------------------

    def _call(self, method: str, path: str, body: Any = None, params: Optional[dict] = None) -> Any:
        url = f"{self.base_url}/_sim{path}"
        if params:
            clean = {k: v for k, v in params.items() if v is not None}
            if clean:
                url += "?" + urllib.parse.urlencode(clean)
        data = None
        headers = {}
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        req = urllib.request.Request(url, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=30) as res:
                text = res.read().decode()
        except urllib.error.HTTPError as e:
            raise SimulatorError(f"{method} /_sim{path} -> {e.code}: {e.read().decode()}") from None
        return json.loads(text) if text else None

    def health(self) -> dict:
        return self._call("GET", "/health")

    def seed(self, doc: dict) -> dict:
        return self._call("POST", "/seed", doc)

    def generate(self, params: dict) -> dict:
        return self._call("POST", "/generate", params)

    def records(self, **params: Any) -> dict:
        return self._call("GET", "/records", params=params)

    def record(self, product: str, id: str, type: Optional[str] = None) -> dict:
        return self._call("GET", "/records", params={"product": product, "id": id, "type": type})["record"]

    def clock(self) -> int:
        return self._call("GET", "/clock")["now_ms"]

    def set_clock(self, now_ms: int) -> int:
        return self._call("POST", "/clock", {"now_ms": now_ms})["now_ms"]

    def advance_clock(self, ms: int) -> int:
        return self._call("POST", "/clock", {"advance_ms": ms})["now_ms"]

    def state(self) -> dict:
        return self._call("GET", "/state")

    def log(self, after: int = 0, route: Optional[str] = None, limit: int = 1000) -> dict:
        return self._call("GET", "/log", params={"after": after, "route": route, "limit": limit})

    def clear_log(self) -> None:
        self._call("DELETE", "/log")

    def faults(self) -> dict:
        return self._call("GET", "/faults")

    def set_faults(self, plan: dict) -> dict:
        return self._call("POST", "/faults", plan)

    def clear_faults(self) -> None:
        self._call("DELETE", "/faults")

    def settings(self, patch: Optional[dict] = None) -> dict:
        if patch is None:
            return self._call("GET", "/settings")
        return self._call("POST", "/settings", patch)

    def reset(self) -> None:
        self._call("POST", "/reset", {})

    # ---- Reports and Message Search behaviour --------------------------------------------

    def reports_modes(self, patch: Optional[dict] = None) -> dict:
        """Reads the `reports` settings, or merges `patch` over them (filter_match, prefix_len,
        next_link, foreign_base, max_window_ms, metadata_ttl_ms, archive, ...)."""
        if patch is None:
            return self._call("GET", "/reports/modes")
        return self._call("POST", "/reports/modes", patch)

    def script_reports(self, entries: list) -> list:
        """Queues endings for the next asynchronous reports: [{"outcome": "FAILED" | "ABORTED" |
        "TRUNCATED" | "SUCCESS", "product"?, "direction"?, "truncate_at"?, "pending_ms"?,
        "processing_ms"?}]; answers the whole queue."""
        return self._call("POST", "/reports/script", {"reports": entries})["reports"]

    def report_script(self) -> list:
        return self._call("GET", "/reports/script")["reports"]

    def clear_report_script(self) -> None:
        self._call("DELETE", "/reports/script")

    def search_modes(self, patch: Optional[dict] = None) -> dict:
        """Reads the `search` settings, or merges `patch` over them (availability,
        empty_as_object, single_as_object, price_as_string, carrier_status)."""
        if patch is None:
            return self._call("GET", "/search/modes")
        return self._call("POST", "/search/modes", patch)
