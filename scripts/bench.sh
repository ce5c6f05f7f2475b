#!/usr/bin/env bash
# Harbour's benchmarks, side by side with SQLCipher 4, plain SQLite and the reference Argon2,
# with the FFI measured from Kotlin and Python.
#
#   scripts/bench.sh           full run (about 15 minutes): prints the tables and writes them
#                              into docs/PERFORMANCE.md between the generated-section markers
#   scripts/bench.sh --quick   every benchmark, tiny and once, to check they all run (CI runs
#                              this from scripts/test.sh; its figures mean nothing)
#
# Installs what it needs on a fresh Debian machine: the reference argon2, OpenSSL's libcrypto
# for SQLCipher, binutils' nm, a JVM with JNA and the npm Kotlin compiler.
set -euo pipefail
source "$(dirname "$0")/common.sh"
cd "$ROOT"
export RUST_BACKTRACE=0

quick=""
[ "${1:-}" = "--quick" ] && quick=1

need_debs argon2 libssl-dev pkg-config binutils python3
ensure_kotlinc

out="$BUILD/bench"
mkdir -p "$out"
# The test library and the generator, exactly as scripts/foreign-tests.sh builds them.
cargo build -q -p harbour-ffi --features bindgen,testing --locked

if [ -n "$quick" ]; then
    say "quick mode: debug builds, tiny workloads"
    cargo build -q -p harbour-bench --locked
    bench="target/debug/harbour-bench"
    (cd bench/sqlcipher && CARGO_TARGET_DIR="$ROOT/target/sqlcipher" cargo build -q --locked)
    sqlcipher="$ROOT/target/sqlcipher/debug/harbour-bench-sqlcipher"
    lib="$ROOT/target/debug/libharbour_ffi.so"
    symbols="$lib"
else
    say "release builds: the benchmark, the shipped library, the same with symbols, SQLCipher"
    cargo build -q --release -p harbour-bench --locked
    bench="target/release/harbour-bench"
    cargo build -q --release -p harbour-ffi --locked
    cargo build -q --profile symbols -p harbour-ffi --locked
    (cd bench/sqlcipher && CARGO_TARGET_DIR="$ROOT/target/sqlcipher" cargo build -q --release --locked)
    sqlcipher="$ROOT/target/sqlcipher/release/harbour-bench-sqlcipher"
    lib="$ROOT/target/release/libharbour_ffi.so"
    symbols="$ROOT/target/symbols/libharbour_ffi.so"
fi

say "bindings and the Kotlin and Python callers"
gen="$out/generated"
generate_bindings "$symbols" "$gen"
"$KOTLIN_HOME/bin/kotlinc" -nowarn -cp "$JVM_CP" \
    "$gen"/org/harbour/core/*.kt "$JVM_SHIM"/*.kt bench/ffi/Bench.kt -d "$out/bench-kotlin.jar"
libdir="$(dirname "$lib")"
pydir="$out/python"
rm -rf "$pydir"; mkdir -p "$pydir"
cp "$gen/harbour.py" "$pydir/"
cp "$lib" "$pydir/libharbour_ffi.so"

export HARBOUR_BENCH_SQLCIPHER="$sqlcipher"
export HARBOUR_BENCH_KOTLIN="java -Djna.library.path=$libdir -cp $out/bench-kotlin.jar:$JVM_CP:$KOTLIN_HOME/lib/kotlin-stdlib.jar org.harbour.bench.BenchKt"
export HARBOUR_BENCH_PYTHON="env PYTHONPATH=$pydir python3 $ROOT/bench/ffi/bench.py"
export HARBOUR_BENCH_CDYLIB="$lib"
export HARBOUR_BENCH_CDYLIB_SYMBOLS="$symbols"

if [ -n "$quick" ]; then
    say "running every benchmark once (quick)"
    "$bench" --quick >"$out/quick-report.md"
    echo "   report: $out/quick-report.md ($(wc -l <"$out/quick-report.md") lines)"
else
    say "running the full benchmarks"
    "$bench" --write docs/PERFORMANCE.md | tee "$out/report.md"
fi
