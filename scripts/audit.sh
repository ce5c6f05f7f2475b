#!/usr/bin/env bash
# The RustSec advisory check, which needs the network to fetch the advisory database (the
# machines this project is built on reach only package registries, so scripts/test.sh runs
# the offline checks and deny.toml also bans, by version, what RustSec lists for crates in
# this graph). Run it wherever GitHub is reachable, and before every release.
set -euo pipefail
source "$(dirname "$0")/common.sh"
cd "$ROOT"
ensure_cargo_deny
cargo deny check advisories bans licenses sources
