#!/usr/bin/env bash
# Builds the wasm of the npm package `erasekit` into bindings-js/pkg/ (gitignored):
#   pkg/node  wasm-bindgen --target nodejs (CommonJS; js/node.cjs and js/node.mjs load it)
#   pkg/web   wasm-bindgen --target web    (ES module; needs `await init()`)
# then shrinks each .wasm with wasm-opt -Oz from the npm `binaryen` package (never Debian's:
# its wasm-opt corrupts wasm-bindgen output). Idempotent, runs from any directory; skips the
# bindgen/opt steps when pkg/ is newer than the cargo output. FORCE=1 rebuilds anyway.
set -euo pipefail

WASM_BINDGEN_VERSION=0.2.130 # must equal the `=` pin of wasm-bindgen in bindings-js/Cargo.toml

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
root="$(cd "$here/.." && pwd)"
target_dir="${CARGO_TARGET_DIR:-$root/target}"
# Two builds of one crate: Node gets the release profile (opt-level 3, wasm-opt -O3: a
# backend drives jobs of a million calls), browsers the `web` profile (opt-level "z",
# wasm-opt -Oz: every kilobyte is downloaded). See [profile.*] in the root Cargo.toml.
node_wasm="$target_dir/wasm32-unknown-unknown/release/erasekit_js.wasm"
web_wasm="$target_dir/wasm32-unknown-unknown/web/erasekit_js.wasm"
pkg="$here/pkg"

if ! wasm-bindgen --version 2>/dev/null | grep -qx "wasm-bindgen $WASM_BINDGEN_VERSION"; then
  echo "build.sh: wasm-bindgen $WASM_BINDGEN_VERSION is needed on PATH" >&2
  echo "  cargo install wasm-bindgen-cli --version $WASM_BINDGEN_VERSION   (without --locked)" >&2
  exit 1
fi

if [ ! -x "$here/node_modules/.bin/wasm-opt" ]; then
  (cd "$here" && npm ci --no-audit --no-fund)
fi
wasm_opt="$here/node_modules/.bin/wasm-opt"

(cd "$root" && cargo build -p erasekit-js --target wasm32-unknown-unknown --release \
  && cargo build -p erasekit-js --target wasm32-unknown-unknown --profile web)

stamp="$pkg/.built"
if [ "${FORCE:-0}" != 1 ] && [ -f "$stamp" ] && [ "$stamp" -nt "$node_wasm" ] && [ "$stamp" -nt "$web_wasm" ] \
  && [ -f "$pkg/node/erasekit_js_bg.wasm" ] && [ -f "$pkg/web/erasekit_js_bg.wasm" ]; then
  echo "build.sh: pkg/ is up to date"
else
  # Built beside pkg/ and swapped in at the end: a running test or demo never sees half a pkg/.
  next="$pkg.next"
  rm -rf "$next"
  mkdir -p "$next"
  emit() { # bindgen target, output dir, input wasm, wasm-opt flags...
    local target="$1" out="$2" wasm="$3"
    shift 3
    wasm-bindgen --target "$target" --out-dir "$next/$out" "$wasm"
    "$wasm_opt" "$@" \
      --enable-reference-types --enable-multivalue --enable-bulk-memory \
      --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals \
      "$next/$out/erasekit_js_bg.wasm" -o "$next/$out/erasekit_js_bg.wasm"
  }
  emit nodejs node "$node_wasm" -O3
  # Web: -Oz until nothing shrinks any more (--converge); --low-memory-unused lets binaryen
  # fold constant offsets into loads and stores (the first 1 KiB of a Rust wasm's memory is
  # the far end of its 1 MiB stack, reached only by a stack about to overflow anyway).
  emit web web "$web_wasm" --low-memory-unused -Oz --converge
  # The nearest package.json decides how Node reads a .js file.
  echo '{ "type": "commonjs" }' > "$next/node/package.json"
  echo '{ "type": "module" }' > "$next/web/package.json"
  touch "$next/.built"
  rm -rf "$pkg.old"
  if [ -d "$pkg" ]; then mv "$pkg" "$pkg.old"; fi
  mv "$next" "$pkg"
  rm -rf "$pkg.old"
fi

# What a browser downloads: the wasm, the wasm-bindgen glue and the entry, each gzipped.
web_files=("$pkg/web/erasekit_js_bg.wasm" "$pkg/web/erasekit_js.js" "$here/js/web.mjs")
web_bytes=0
web_gzip=0
for f in "${web_files[@]}"; do
  web_bytes=$((web_bytes + $(wc -c < "$f")))
  web_gzip=$((web_gzip + $(gzip -9 -c "$f" | wc -c)))
done
echo "build.sh: web build (wasm + glue + entry): ${web_bytes} bytes, ${web_gzip} bytes gzip -9"
