# netlab: the two commands a classroom needs are `make run` and `make test`;
# `make install` puts `netlab` on the PATH. All build what they need with cargo
# (Rust's toolchain, from rustup).

CARGO ?= cargo
HOST ?= 127.0.0.1
PORT ?= 60000

.PHONY: run test install bench lint fmt build toolchain

## run: the full chat server (stage 7) on $(HOST):$(PORT); type `quit` at its >> prompt.
## `PORT=0 make run` lets the kernel pick a free port. The recipe is not echoed, so that
## netlab's own lines (and its hint if the port is taken) come first.
run: toolchain
	@$(CARGO) run --quiet -- stage 7 --host $(HOST) --port $(PORT)

## install: `cargo install --path . --locked`: `netlab` in ~/.cargo/bin, on the PATH
install: toolchain
	$(CARGO) install --path . --locked

## test: every test: unit, doc (compile_fail included), stages, demos, CLI, client, and
## tests/throwaway.sh (a stage and a language added to a copy of the tree, nothing else)
test: toolchain
	$(CARGO) test --all-targets
	$(CARGO) test --doc
	./tests/throwaway.sh

## bench: `netlab bench`'s fixed comparison (stages 7, 2, 8 and 9 at 10, 50 and 200
## clients), one slow reader among 20, 10,000 idle clients, and the load generator
## against a batching server; checks docs/en/bench.md's ratio targets, prints the
## absolute numbers (a few minutes, release build)
bench: toolchain
	$(CARGO) bench --bench chat

## lint: formatting and clippy, as CI checks them
lint: toolchain
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --all-targets -- -D warnings

## fmt: format the code
fmt: toolchain
	$(CARGO) fmt --all

## build: just build the netlab binary (target/debug/netlab)
build: toolchain
	$(CARGO) build

# Checks for cargo, and adds rustfmt and clippy where rustup lacks them.
toolchain:
	@command -v $(CARGO) >/dev/null || { echo "cargo not found: install Rust from https://rustup.rs, then run make again" >&2; exit 1; }
	@if command -v rustup >/dev/null; then \
	  rustup component list --installed 2>/dev/null | grep -q '^rustfmt' || rustup component add rustfmt; \
	  rustup component list --installed 2>/dev/null | grep -q '^clippy' || rustup component add clippy; \
	fi
