#!/usr/bin/env bash
# Runs every test Harbour has, on a fresh Debian machine, installing what the tests need.
# This is the README's test command and what CI runs (.ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s\n' "$*"; }

step "format and lints"
cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings

step "Rust tests (core, CLI, end to end)"
cargo test --workspace --locked

step "generated Kotlin (JVM), Swift (Linux, Debian trixie root) and Python against the library"
scripts/foreign-tests.sh kotlin swift python

echo
echo "all tests passed"
