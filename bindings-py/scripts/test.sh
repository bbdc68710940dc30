#!/usr/bin/env bash
# Tests the installed erasekit wheel (run bindings-py/scripts/build.sh first):
#   1. pytest (bindings-py/tests: shared vectors, exceptions, MockTransport, simulator end to end)
#   2. python -m mypy.stubtest erasekit._native (the .pyi stubs against the built module)
#   3. mypy --strict on the package sources, the tests and tests/typing_example.py
# Runs every step, prints the pytest count last, and exits non-zero if any step failed.
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
root="$(cd "$here/.." && pwd)"
python="${VENV:-$root/.venv}/bin/python"
cd "$here"

failed=()
log="$(mktemp)"
trap 'rm -f "$log"' EXIT

echo "== pytest"
"$python" -m pytest -p no:cacheprovider "$@" 2>&1 | tee "$log"
[[ ${PIPESTATUS[0]} -eq 0 ]] || failed+=(pytest)

echo "== stubtest erasekit._native"
# Every entry of the allowlist, if one is ever needed, must say why on the line above it.
allowlist=()
[[ -f "$here/.stubtest-allowlist" ]] && allowlist=(--allowlist "$here/.stubtest-allowlist")
"$python" -m mypy.stubtest erasekit._native "${allowlist[@]}" || failed+=(stubtest)

echo "== mypy --strict"
"$python" -m mypy --strict python/erasekit tests || failed+=(mypy)

summary="$(grep -E '[0-9]+ (passed|failed|errors?)( |,|$)' "$log" | tail -n 1)"
passed="$(grep -oE '[0-9]+ passed' <<<"$summary" | grep -oE '[0-9]+' || echo 0)"
fails="$(grep -oE '[0-9]+ (failed|errors?)' <<<"$summary" | grep -oE '[0-9]+' | awk '{s+=$1} END {print s+0}')"
echo
echo "python: ${passed:-0} passed, ${fails:-0} failed"
if [[ ${#failed[@]} -gt 0 ]]; then
    echo "bindings-py/scripts/test.sh: FAILED: ${failed[*]}" >&2
    exit 1
fi
