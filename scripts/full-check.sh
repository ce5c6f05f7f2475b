#!/usr/bin/env bash
# The documented full run of the reliability and security checks (docs/SECURITY.md): the
# same tests as scripts/test.sh, in release builds, with every count at its full size, then
# every fuzz target. About 30 minutes with the default fuzzing time.
#
#   scripts/full-check.sh [FUZZ_SECONDS_PER_TARGET]     (default 120)
set -euo pipefail
source "$(dirname "$0")/common.sh"
cd "$ROOT"
log="$BUILD/full-check.log"
mkdir -p "$BUILD"
: >"$log"

say "reliability and security tests at full size (release)"
HARBOUR_FULL=1 HARBOUR_KILLS=500 HARBOUR_MIGRATION_KILLS=200 PROPTEST_CASES=20000 \
    cargo test --release --locked -p harbour-tests -- --nocapture 2>&1 \
    | tee -a "$log" | grep -E "^(kills|upgrade|record|key slot|pack|backup|malformed|replayed|in memory|[0-9]+ operations)|test result|FAILED|panicked"

say "fuzzing every target for ${1:-120}s"
scripts/fuzz.sh "${1:-120}" | tee -a "$log" | grep -E "^\|"
echo
echo "full log: $log"
