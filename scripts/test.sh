#!/usr/bin/env bash
# Runs every test Harbour has, on a fresh Debian machine, installing what the tests need.
# This is the README's test command and what CI runs (.ci/run).
set -euo pipefail
source "$(dirname "$0")/common.sh"
cd "$ROOT"

step() { printf '\n== %s\n' "$*"; }

# Standard tools the tests check Harbour against: minisign verifies our pack signatures;
# age opens our backups (and makes files we must open); headless Chromium and poppler's
# pdftotext render and read the shared plan page. python3 drives age's passphrase prompt.
need_debs minisign age python3 chromium poppler-utils

step "format and lints"
cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings

step "dependencies: no network crates, no known-vulnerable versions, allowed licences and sources"
# cargo deny reads the whole graph, every platform's crates included; builds only fetch this
# platform's, so on an empty cargo cache the Windows-only ones would be missing. Fetch them all.
cargo fetch --locked
ensure_cargo_deny
cargo deny --offline check bans licenses sources

step "postcode districts: the directory source against the pinned ONS data"
scripts/check_postcodes.sh

step "Rust tests (core, CLI, end to end)"
cargo test --workspace --locked

step "generated Kotlin (JVM), Swift (Linux, Debian trixie root) and Python against the library"
scripts/foreign-tests.sh kotlin swift python

step "release builds: the parts that run on any machine (library names, headers, alignment, dry runs)"
scripts/test_release.sh

step "benchmarks, quick mode: each one runs (figures are not checked; see docs/PERFORMANCE.md)"
scripts/bench.sh --quick

echo
echo "all tests passed"
