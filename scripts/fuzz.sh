#!/usr/bin/env bash
# Runs every cargo-fuzz target (fuzz/) with libFuzzer and AddressSanitizer.
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]     (default: 60 s, every target)
#
# cargo-fuzz needs nightly compiler flags; RUSTC_BOOTSTRAP=1 lets this stable toolchain take
# them. Each target starts from its seeds in fuzz/corpus/<target> and grows a scratch corpus
# in build/fuzz/<target>, so the repository keeps only the small seeds. A crash stops the run
# and leaves its input in fuzz/artifacts/<target>/: copy it to fuzz/regressions/<target>/ once
# fixed, and the normal test run replays it for ever (tests/tests/fuzz_corpora.rs).
set -euo pipefail
source "$(dirname "$0")/common.sh"
cd "$ROOT"

seconds="${1:-60}"
shift || true
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked -q
export RUSTC_BOOTSTRAP=1

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    mapfile -t targets < <(sed -n 's/^name = "\(.*\)"$/\1/p' fuzz/Cargo.toml | grep -v '^harbour-fuzz$')
fi

say "building ${#targets[@]} fuzz targets (release, AddressSanitizer)"
(cd fuzz && cargo fuzz build -O >/dev/null)

printf '\n| target | seconds | executions | corpus | crashes |\n|---|---|---|---|---|\n' > "$BUILD/fuzz-report.md"
for t in "${targets[@]}"; do
    scratch="$BUILD/fuzz/$t"
    mkdir -p "$scratch"
    say "fuzzing $t for ${seconds}s"
    log="$BUILD/fuzz/$t.log"
    rc=0
    (cd fuzz && cargo fuzz run -O "$t" "$scratch" "corpus/$t" -- \
        -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1) \
        >"$log" 2>&1 || rc=$?
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    size=$(find "$scratch" -type f | wc -l)
    crashes=$(find "fuzz/artifacts/$t" -type f 2>/dev/null | wc -l)
    printf '| %s | %s | %s | %s | %s |\n' "$t" "$seconds" "${runs:-?}" "$size" "$crashes" | tee -a "$BUILD/fuzz-report.md"
    if [ "$rc" -ne 0 ]; then
        tail -40 "$log"
        echo "fuzz target $t failed; input in fuzz/artifacts/$t/" >&2
        exit 1
    fi
done
echo
echo "report: $BUILD/fuzz-report.md"
