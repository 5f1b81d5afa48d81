# netlab: the two commands a classroom needs are `make run` and `make test`;
# `make install` puts `netlab` on the PATH. All build what they need with cargo
# (Rust's toolchain, from rustup). `make dist` builds the wheel and the tarball that a
# class without Rust installs netlab from.

CARGO ?= cargo
HOST ?= 127.0.0.1
PORT ?= 60000

# Said before a build that takes minutes, so that nobody waits in silence.
FIRST_BUILD = building netlab: the first build takes a few minutes; later runs start at once

.PHONY: run test install bench lint fmt build dist dist-test toolchain

## run: the full chat server (stage 7) on $(HOST):$(PORT); type `quit` at its >> prompt.
## `PORT=0 make run` lets the kernel pick a free port. The build shows cargo's progress
## (and FIRST_BUILD before it, when there is no binary yet); the recipe is not echoed, so
## that netlab's own lines (and its hint if the port is taken) follow at once.
run: toolchain
	@[ -x "$${CARGO_TARGET_DIR:-target}/debug/netlab" ] || echo "$(FIRST_BUILD)"
	@$(CARGO) build
	@$(CARGO) run --quiet -- stage 7 --host $(HOST) --port $(PORT)

## install: `cargo install --path . --locked`: `netlab` in ~/.cargo/bin, on the PATH (a
## release build from scratch, with cargo's progress)
install: toolchain
	@echo "$(FIRST_BUILD)"
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
## absolute numbers (a few minutes, release build). Then the grader's targets of
## docs/en/check.md: check 7 on a correct Python server, check 4 on a silent one, and
## the same verdicts over 20 runs with both cores busy (benches/check.rs)
bench: toolchain
	$(CARGO) bench --bench chat
	$(CARGO) bench --bench check

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

## dist: into dist/, what a release publishes: the wheel (`pip install` it: `netlab` on the
## PATH, no Rust) and a tarball with the binary, README, LICENSE, CHANGELOG and checksums.
## maturin, zig and auditwheel come from PyPI into target/dist/tools (packaging/dist.sh).
dist: toolchain
	@packaging/dist.sh build

## dist-test: make dist, then the wheel installed into a fresh virtual environment with no
## cargo on the PATH, its netlab run there (packaging/dist_test.py); .ci/run runs it after
## make test. Skipped, with one line, where PyPI or python3's venv module is missing.
dist-test: toolchain
	@packaging/dist.sh test

# Checks for cargo, and adds rustfmt and clippy where rustup lacks them.
toolchain:
	@command -v $(CARGO) >/dev/null || { echo "cargo not found: install Rust from https://rustup.rs, then run make again" >&2; exit 1; }
	@if command -v rustup >/dev/null; then \
	  rustup component list --installed 2>/dev/null | grep -q '^rustfmt' || rustup component add rustfmt; \
	  rustup component list --installed 2>/dev/null | grep -q '^clippy' || rustup component add clippy; \
	fi
