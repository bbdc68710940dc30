#!/usr/bin/env bash
# Builds the erasekit wheel (abi3, CPython >= 3.9) into bindings-py/dist/ and installs it into
# the repository's .venv, replacing any earlier install. Idempotent; runs from any directory.
#
#   bindings-py/scripts/build.sh            release wheel
#   PROFILE=dev bindings-py/scripts/build.sh  faster unoptimised build for local iteration
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
root="$(cd "$here/.." && pwd)"
venv="${VENV:-$root/.venv}"
python="$venv/bin/python"

if [[ ! -x "$python" ]]; then
    echo "build.sh: no virtualenv at $venv; creating it" >&2
    python3 -m venv "$venv"
fi
if ! "$python" -m maturin --version >/dev/null 2>&1; then
    "$python" -m pip install --quiet "maturin>=1.16,<2" pytest httpx mypy pytest-asyncio
fi

profile_args=(--release)
if [[ "${PROFILE:-release}" == "dev" ]]; then
    profile_args=()
fi

# Old wheels of other versions would make the install below ambiguous.
rm -rf "$here/dist"
mkdir -p "$here/dist"

# maturin picks the interpreter for the wheel tag; abi3 makes the wheel valid for 3.9+.
"$python" -m maturin build \
    --manifest-path "$here/Cargo.toml" \
    --interpreter "$python" \
    --out "$here/dist" \
    "${profile_args[@]}"

wheel="$(ls "$here"/dist/erasekit-*.whl | head -n 1)"
"$python" -m pip install --quiet --force-reinstall --no-deps "$wheel"
echo "build.sh: installed $(basename "$wheel") into $venv"
