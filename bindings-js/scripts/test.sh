#!/usr/bin/env bash
# Tests the npm package `erasekit`: builds it (scripts/build.sh, a no-op when up to date;
# SKIP_BUILD=1 skips it), type-checks test/types.test.ts with `tsc --noEmit`, then runs every
# test/*.test.mjs with `node --test`: the shared vectors, errors, credentials, redact(), the
# packed tarball in ESM and CommonJS projects, the README examples, and the web build in
# headless Chromium. Exits non-zero on any failure and prints "N passed, N failed".
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  scripts/build.sh
fi

echo "test.sh: tsc --noEmit -p test (types.test.ts)"
types_failed=0
node_modules/.bin/tsc --noEmit -p test || types_failed=1

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
set +e
node --test --test-reporter=spec --test-reporter-destination=stdout \
  --test-reporter=tap --test-reporter-destination="$log" test/*.test.mjs
node_status=$?
set -e

# The runner's own closing lines (TAP: "# tests N", "# pass N", ...), for logs that grep them.
grep -E '^# (tests|suites|pass|fail|cancelled|skipped|todo|duration_ms) ' "$log" | tail -n 8

count() { sed -n "s/^# $1 \([0-9]*\)$/\1/p" "$log" | tail -1; }
passed=$(( $(count pass || echo 0) + (1 - types_failed) ))
failed=$(( $(count fail || echo 0) + types_failed ))
skipped=$(count skipped || echo 0)

echo "bindings-js: ${passed} passed, ${failed} failed, ${skipped:-0} skipped"
if [ "$node_status" -ne 0 ] || [ "$failed" -ne 0 ]; then
  exit 1
fi
