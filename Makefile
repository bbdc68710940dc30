# The README's two commands: `make demo` and `make test`. Both run `make setup` first.
SHELL := /bin/bash
export PATH := $(HOME)/.cargo/bin:$(PATH)

.PHONY: setup build test demo sim bench clean fuzz

setup:
	@scripts/setup.sh

build: setup
	cargo build --release -p erasekit-sim
	bindings-js/scripts/build.sh
	bindings-py/scripts/build.sh

test: setup
	@scripts/test.sh

demo: build
	@.venv/bin/python examples/demo/demo.py

# Every fuzz target for FUZZ_SECONDS (default 60) each, on nightly (installed if missing).
# Not part of `test`; see fuzz/README.md.
fuzz:
	@scripts/fuzz.sh

sim: setup
	cargo run --release -p erasekit-sim -- --listen 127.0.0.1:8765

clean:
	cargo clean
	rm -rf bindings-js/pkg bindings-py/dist demo-ledger.db*
