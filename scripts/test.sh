#!/usr/bin/env bash
# Runs every test Harbour has, on a fresh Debian machine, installing what the tests need.
# This is the README's test command and what CI runs (.ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s\n' "$*"; }

need_debs() {
    local missing=()
    for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
    if [ ${#missing[@]} -gt 0 ]; then
        step "installing Debian packages: ${missing[*]}"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    fi
}

# Standard tools the tests check Harbour against: minisign verifies our pack signatures;
# age opens our backups (and makes files we must open); headless Chromium and poppler's
# pdftotext render and read the shared plan page. python3 drives age's passphrase prompt.
need_debs minisign age python3 chromium poppler-utils

step "format and lints"
cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings

step "Rust tests (core, CLI, end to end)"
cargo test --workspace --locked

step "generated Kotlin (JVM), Swift (Linux, Debian trixie root) and Python against the library"
scripts/foreign-tests.sh kotlin swift python

echo
echo "all tests passed"
