#!/usr/bin/env bash
# Runs the generated Kotlin, Swift and Python bindings for real against the Rust library.
#
#   scripts/foreign-tests.sh [kotlin] [swift] [python]     (default: all three)
#
# Installs what it needs on a fresh Debian machine: Debian's JNA and JUnit, the npm
# kotlin-compiler (into build/tools), and a Debian trixie root with Swift 6 (into
# build/swift-root, about 3 GB, made once with debootstrap). See reference/toolchains.md.
set -euo pipefail
source "$(dirname "$0")/common.sh"
cd "$ROOT"
GEN="$BUILD/generated"
# The deliberate-panic test would otherwise print a long backtrace.
export RUST_BACKTRACE=0
DEBIAN_MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"

elapsed() { local s=$1; echo "$(( $(date +%s) - s )) s"; }

build_library() {
    say "building libharbour_ffi.so (with the testing hooks) and generating bindings"
    cargo build -q -p harbour-ffi --features bindgen,testing --locked
    LIB_DIR="$ROOT/target/debug"
    generate_bindings "$LIB_DIR/libharbour_ffi.so" "$GEN"
    ls -l "$LIB_DIR/libharbour_ffi.so" | awk '{print "   debug .so: " $5 " bytes"}'
    say "public API: the generated Kotlin and Swift against bindings/api (and the check's own tests)"
    if ! HARBOUR_GENERATED="$GEN" python3 -m unittest scripts/test_api_snapshot.py; then
        python3 scripts/api_snapshot.py check "$GEN" || true  # the diff, to read
        exit 1
    fi
}

run_kotlin() {
    local start; start=$(date +%s)
    ensure_kotlinc
    need_debs junit4
    local kc="$KOTLIN_HOME"
    say "Kotlin: compiling the generated bindings and android/src/test"
    local out="$BUILD/kotlin-tests"
    rm -rf "$out"; mkdir -p "$out"
    local cp=$JVM_CP:/usr/share/java/junit4.jar
    # The samples in docs/INTEGRATING.md, compiled with the tests (androidx stood in for).
    python3 scripts/doc-samples/extract.py kotlin "$out/DocSamples.kt"
    # The Android module's platform-independent code (the Keystore failure mapping) is tested
    # here too, with stand-ins for the Android exception classes (scripts/android-fakes).
    "$kc/bin/kotlinc" -nowarn -cp "$cp" "$GEN"/org/harbour/core/*.kt "$JVM_SHIM"/*.kt \
        scripts/doc-samples/androidx.kt "$out/DocSamples.kt" \
        scripts/android-fakes/*.kt android/src/main/kotlin/org/harbour/android/KeystoreFailures.kt \
        android/src/test/kotlin/org/harbour/*/*.kt -d "$out/tests.jar"
    say "Kotlin: running JUnit on the JVM"
    java -Djna.library.path="$LIB_DIR" \
        -cp "$out/tests.jar:$cp:/usr/share/java/hamcrest-core.jar:$kc/lib/kotlin-stdlib.jar" \
        org.junit.runner.JUnitCore $(cd android/src/test/kotlin && ls org/harbour/*/*Test.kt | sed 's/\.kt$//; s#/#.#g')
    echo "   Kotlin stage: $(elapsed "$start")"
}

SWIFT_ROOT="$BUILD/swift-root"
MOUNTED=()
unmount_all() {
    for m in "${MOUNTED[@]}"; do umount -l "$m" 2>/dev/null || true; done
    MOUNTED=()
}
trap unmount_all EXIT

run_swift() {
    local start; start=$(date +%s)
    # Marker written once the root is complete (its /usr/bin/swift is an absolute symlink,
    # which does not resolve from outside the root).
    if [ ! -e "$SWIFT_ROOT/.harbour-ready" ]; then
        need_debs debootstrap
        say "making a Debian trixie root with Swift (once; about a minute)"
        rm -rf "$SWIFT_ROOT"
        debootstrap --variant=minbase \
            --include=swiftlang,libswiftlang,libc6-dev,libstdc++-14-dev \
            trixie "$SWIFT_ROOT" "$DEBIAN_MIRROR" >"$BUILD/debootstrap.log" 2>&1 \
            || { tail -20 "$BUILD/debootstrap.log"; exit 1; }
        touch "$SWIFT_ROOT/.harbour-ready"
    fi
    say "Swift: preparing the package in the trixie root"
    local pkg="$SWIFT_ROOT/harbour/ios" lib="$SWIFT_ROOT/harbour/lib"
    mkdir -p "$pkg" "$lib"
    # Keep .build between runs on this machine; replace everything else.
    find "$pkg" -mindepth 1 -maxdepth 1 ! -name .build -exec rm -rf {} +
    cp -r ios/Package.swift ios/Sources ios/Tests "$pkg/"
    # Sources/HarbourCore holds the generated file beside the hand-written ones.
    cp "$GEN/HarbourCore.swift" "$pkg/Sources/HarbourCore/HarbourCore.swift"
    # The samples in docs/INTEGRATING.md, compiled with the tests.
    python3 scripts/doc-samples/extract.py swift "$pkg/Tests/HarbourTests/DocSamples.swift"
    mkdir -p "$pkg/Sources/harbourFFI/include"
    cp "$GEN/harbourFFI.h" "$pkg/Sources/harbourFFI/include/harbourFFI.h"
    # uniffi's own module map names Darwin modules; on Linux link the library directly.
    printf 'module harbourFFI {\n    header "harbourFFI.h"\n    link "harbour_ffi"\n    export *\n}\n' \
        > "$pkg/Sources/harbourFFI/include/module.modulemap"
    cp "$LIB_DIR/libharbour_ffi.so" "$lib/"

    for m in proc dev tmp; do mountpoint -q "$SWIFT_ROOT/$m" && umount -l "$SWIFT_ROOT/$m"; done
    mount -t proc proc "$SWIFT_ROOT/proc"; MOUNTED+=("$SWIFT_ROOT/proc")
    mount --bind /dev "$SWIFT_ROOT/dev"; MOUNTED+=("$SWIFT_ROOT/dev")
    mount -t tmpfs tmpfs "$SWIFT_ROOT/tmp"; MOUNTED+=("$SWIFT_ROOT/tmp")
    say "Swift: swift test (XCTest) in the trixie root"
    local log="$BUILD/swift-test.log" rc=0
    # A bound, so a test that hangs fails the run instead of holding CI to its limit.
    timeout 900 chroot "$SWIFT_ROOT" /usr/bin/env -i PATH=/usr/bin:/bin HOME=/root RUST_BACKTRACE=0 \
        HARBOUR_LIB_DIR=/harbour/lib LD_LIBRARY_PATH=/harbour/lib \
        bash -c 'cd /harbour/ios && swift test' >"$log" 2>&1 || rc=$?
    # Drop the compiler's progress lines; keep results and any error.
    sed -E '/^\[[0-9]+\/[0-9]+\] (Compiling|Write|Emitting|Linking|Planning|Wrapping)/d' "$log"
    unmount_all
    echo "   Swift stage: $(elapsed "$start")"
    return "$rc"
}

run_python() {
    local start; start=$(date +%s)
    say "Python: end-to-end tests through the generated module"
    local dir="$BUILD/python"
    rm -rf "$dir"; mkdir -p "$dir"
    cp "$GEN/harbour.py" "$LIB_DIR/libharbour_ffi.so" "$dir/"
    PYTHONPATH="$dir" python3 -m unittest discover -s tests/python -p 'test_*.py' -v 2>&1 | tail -n +1
    echo "   Python stage: $(elapsed "$start")"
}

stages=("$@")
[ ${#stages[@]} -eq 0 ] && stages=(kotlin swift python)
build_library
for s in "${stages[@]}"; do
    case "$s" in
        kotlin) run_kotlin ;;
        swift) run_swift ;;
        python) run_python ;;
        *) echo "unknown stage: $s" >&2; exit 2 ;;
    esac
done
