#!/usr/bin/env bash
# `make fuzz`: every fuzz target in fuzz/ for FUZZ_SECONDS (default 60) each, one at a time, in
# one libFuzzer process (`--jobs 1`: the machine is shared). Not part of `make test`.
#   FUZZ_SECONDS=120 make fuzz                     longer runs
#   FUZZ_TARGETS="capture_json job_restore" make fuzz   some targets only
# Each run starts from the seeds in the repo (fuzz/seeds/TARGET) plus what earlier runs found
# (fuzz/corpus/TARGET, not committed); a crash leaves its input in fuzz/artifacts/TARGET.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
export PATH="$HOME/.cargo/bin:$PATH"
seconds="${FUZZ_SECONDS:-60}"

rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal
command -v cargo-fuzz >/dev/null || cargo +nightly install cargo-fuzz

cargo +nightly fuzz build
targets="${FUZZ_TARGETS:-$(cargo +nightly fuzz list)}"
mkdir -p logs
summary=()
failed=0
for target in $targets; do
    mkdir -p "corpus/$target" "seeds/$target"
    printf '\n\033[1m== fuzz %s for %s s\033[0m\n' "$target" "$seconds"
    status=0
    cargo +nightly fuzz run --jobs 1 "$target" "corpus/$target" "seeds/$target" -- \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 -dict=dict/json.dict >"logs/$target.log" 2>&1 || status=$?
    tail -n 25 "logs/$target.log"
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "logs/$target.log" | grep -o '[0-9]*$' || true)
    time=$(grep -o 'Done [0-9]* runs in [0-9]* second' "logs/$target.log" | grep -o 'in [0-9]*' | grep -o '[0-9]*' || true)
    if [ "$status" -ne 0 ]; then
        failed=1
        summary+=("$(printf '%-16s %12s runs %5s s  FAILED (exit %s): see fuzz/logs/%s.log, fuzz/artifacts/%s' \
            "$target" "${runs:-?}" "${time:-?}" "$status" "$target" "$target")")
    else
        summary+=("$(printf '%-16s %12s runs %5s s  ok' "$target" "${runs:-?}" "${time:-$seconds}")")
    fi
done
printf '\n\033[1m== fuzz summary\033[0m\n'
printf '%s\n' "${summary[@]}"
exit "$failed"
