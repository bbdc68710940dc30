#!/usr/bin/env bash
# Simulator load benchmark: a release build of erasekit-sim with faults off and the Redact rate
# limit lifted, hammered on loopback by the loadgen example for REQUESTS requests (default
# 1,000,000) over CONNECTIONS keep-alive connections (default 64). Prints one JSON line per run
# with req/s, latency percentiles and the server's resident memory over the run.
#
#   bench/simulator/run.sh                  # redact mode, 1M requests
#   MODE=health REQUESTS=200000 bench/simulator/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."

REQUESTS="${REQUESTS:-1000000}"
CONNECTIONS="${CONNECTIONS:-64}"
MODE="${MODE:-redact}"

cargo build --release -q -p erasekit-sim --bin erasekit-sim --example loadgen

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cat > "$work/sim.json" <<'JSON'
{
  "rate_limits": {"redact": 0, "reports_records": 0, "reports_async": 0},
  "log_capacity": 10000,
  "seed": {"records": [{"product": "sms", "id": "BENCH1", "to": "447700900001", "age_ms": 7200000}]}
}
JSON

target/release/erasekit-sim --listen 127.0.0.1:0 --config "$work/sim.json" > "$work/out" &
sim_pid=$!
trap 'kill -TERM "$sim_pid" 2>/dev/null || true; wait "$sim_pid" 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do
  grep -q "listening on" "$work/out" && break
  sleep 0.05
done
url="$(sed -n 's/.*listening on \(http:[^ ]*\).*/\1/p' "$work/out")"
[ -n "$url" ] || { echo "simulator did not start" >&2; exit 1; }

target/release/examples/loadgen --url "$url" --requests "$REQUESTS" --connections "$CONNECTIONS" \
  --mode "$MODE" --pid "$sim_pid"
