#!/usr/bin/env bash
# `make test`: lint, then every suite in every language; prints the counts at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
logs=target/test-logs
mkdir -p "$logs"
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "format and lint"
cargo fmt --all --check
cargo clippy --workspace --all-targets --quiet -- -D warnings
# The host type check derives JSON Schemas behind the core's `schema` feature (off in every build).
cargo clippy -p erasekit-core --features schema --all-targets --quiet -- -D warnings

step "postgresql on 127.0.0.1 (ledger suites run on SQLite and PostgreSQL)"
ERASEKIT_PG_DSN="$(scripts/pg.sh start)"
export ERASEKIT_PG_DSN
trap 'scripts/pg.sh stop' EXIT

step "rust tests"
cargo build -p erasekit-sim --quiet
cargo test --workspace 2>&1 | tee "$logs/rust.log"

step "the core's data types as JSON Schemas (tests/types/core_types.json, checked by the node and python suites)"
cargo test -p erasekit-core --features schema --test core_types 2>&1 | tee -a "$logs/rust.log"

step "simulator client helpers and the simulator against the OpenAPI files"
node --test tests/simulator/clients/sim.test.mjs 2>&1 | tee "$logs/sim-clients.log"
.venv/bin/python -m pytest -q -p no:cacheprovider tests/simulator/clients/test_sim.py tests/simulator/clients/test_openapi.py 2>&1 | tee -a "$logs/sim-clients.log"

step "javascript: wasm build, node tests, chromium test, types"
bindings-js/scripts/build.sh
bindings-js/scripts/test.sh 2>&1 | tee "$logs/js.log"

step "python: wheel build, pytest, stubtest, mypy"
bindings-py/scripts/build.sh
bindings-py/scripts/test.sh 2>&1 | tee "$logs/py.log"

step "the README's Python examples, against the simulator"
.venv/bin/python -m pytest -q -p no:cacheprovider tests/readme/test_readme.py 2>&1 | tee "$logs/readme.log"

step "examples: Node, Python and the browser admin page, run for real against the simulator"
examples/test.sh 2>&1 | tee "$logs/examples.log"
MYPYPATH=tests/simulator/clients .venv/bin/mypy --strict --follow-imports=silent examples/demo/demo.py

sum() { grep -oE "$1" "$2" | grep -oE '[0-9]+' | awk '{s+=$1} END {print s+0}'; }
step "summary"
printf 'rust:       %s passed\n' "$(sum 'test result: ok\. [0-9]+ passed' "$logs/rust.log")"
printf 'javascript: %s passed\n' "$(sum '^# pass [0-9]+' "$logs/js.log")"
printf 'simulator clients: %s passed (node), %s passed (python)\n' "$(sum '^# pass [0-9]+' "$logs/sim-clients.log")" "$(grep -oE '[0-9]+ passed' "$logs/sim-clients.log" | tail -1 | grep -oE '[0-9]+')"
printf "examples:   %s checks passed\n" "$(grep -oE '[0-9]+ checks passed' "$logs/examples.log" | tail -1 | grep -oE '^[0-9]+')"
printf "readme:     %s passed\n" "$(grep -oE '[0-9]+ passed' "$logs/readme.log" | tail -1 | grep -oE '[0-9]+')"
printf "python:     %s passed\n" "$(grep -oE "[0-9]+ passed" "$logs/py.log" | tail -1 | grep -oE "[0-9]+")"
