#!/usr/bin/env bash
# Builds Harbour's native libraries for release, for app teams.
#
#   scripts/build-release.sh android   libharbour_ffi.so for arm64-v8a, armeabi-v7a and x86_64
#                                      into android/src/main/jniLibs/, 16 KB aligned, and the
#                                      Kotlin bindings into android/generated/kotlin
#   scripts/build-release.sh ios       ios/HarbourFFI.xcframework (device + simulator) and
#                                      ios/Sources/HarbourCore/HarbourCore.swift
#   scripts/build-release.sh host      the stripped release library for this machine (size check)
#
# With HARBOUR_RELEASE_DRY_RUN=1 it prints the commands instead of running them (and
# HARBOUR_RELEASE_OS pretends to be another OS): scripts/test_release.sh checks that output.
#
# Needs, for android: the Android NDK (ANDROID_NDK_HOME) and cargo-ndk; for ios: macOS with
# Xcode. Neither exists on the Linux machines this project is developed on, so those two have
# been run here only as dry runs; the host-independent parts are in scripts/release-lib.sh and
# tested by the test command.
#
# The bindings are generated from the very libraries being shipped (before stripping), so the
# Kotlin or Swift and the native code cannot come from different builds.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
source scripts/release-lib.sh

OS="${HARBOUR_RELEASE_OS:-$(uname -s)}"
DRY="${HARBOUR_RELEASE_DRY_RUN:-}"

run() {
    if [ -n "$DRY" ]; then
        printf '+ %s\n' "$*"
    else
        "$@"
    fi
}

bindgen() {  # library, language, out dir
    run cargo build -q -p harbour-ffi --features bindgen --bin uniffi-bindgen --locked
    # No output hidden: if generation fails, the reason is on stderr.
    run target/debug/uniffi-bindgen generate --library "$1" --language "$2" --out-dir "$3"
}

android() {
    : "${ANDROID_NDK_HOME:?set ANDROID_NDK_HOME to the Android NDK}"
    [ -n "$DRY" ] || command -v cargo-ndk >/dev/null \
        || { echo "install cargo-ndk: cargo install cargo-ndk" >&2; exit 1; }
    local abi targets=() ndk_args=()
    for abi in "${ANDROID_ABIS[@]}"; do
        targets+=("$(android_rust_target "$abi")")
        ndk_args+=(-t "$abi")
    done
    run rustup target add "${targets[@]}"
    local out=android/src/main/jniLibs
    # The `symbols` profile is the release build with its symbols kept, for generating the
    # bindings; the copies in jniLibs are stripped afterwards.
    run env "RUSTFLAGS=-C link-arg=-Wl,-z,max-page-size=$ANDROID_PAGE_SIZE" \
        cargo ndk "${ndk_args[@]}" --platform "$ANDROID_MIN_SDK" -o "$out" \
        build -p harbour-ffi --profile symbols --locked
    local lib
    lib=$(cdylib_file Linux)
    bindgen "$out/arm64-v8a/$lib" kotlin android/generated/kotlin
    local strip
    strip=$(echo "$ANDROID_NDK_HOME"/toolchains/llvm/prebuilt/*/bin/llvm-strip)
    for abi in "${ANDROID_ABIS[@]}"; do
        run "$strip" --strip-all "$out/$abi/$lib"
        [ -n "$DRY" ] || check_page_alignment "$out/$abi/$lib"
    done
    run ls -l "$out"/*/"$lib"
}

ios() {
    [ "$OS" = Darwin ] || { echo "the XCFramework needs macOS and Xcode" >&2; exit 1; }
    run rustup target add "${IOS_TARGETS[@]}"
    local t
    for t in "${IOS_TARGETS[@]}"; do
        run env "IPHONEOS_DEPLOYMENT_TARGET=$IOS_DEPLOYMENT_TARGET" \
            cargo build -p harbour-ffi --profile symbols --locked --target "$t"
    done
    local a gen=target/uniffi-swift headers=target/uniffi-swift-headers
    a=$(staticlib_file "$OS")
    run rm -rf "$gen"
    bindgen "target/aarch64-apple-ios/symbols/$a" swift "$gen"
    run layout_headers "$gen" "$headers"
    run mkdir -p target/ios-sim
    run lipo -create "target/aarch64-apple-ios-sim/symbols/$a" \
        "target/x86_64-apple-ios/symbols/$a" -output "target/ios-sim/$a"
    run rm -rf ios/HarbourFFI.xcframework
    run xcodebuild -create-xcframework \
        -library "target/aarch64-apple-ios/symbols/$a" -headers "$headers" \
        -library "target/ios-sim/$a" -headers "$headers" \
        -output ios/HarbourFFI.xcframework
    run cp "$gen/HarbourCore.swift" ios/Sources/HarbourCore/HarbourCore.swift
}

host() {
    run cargo build -q -p harbour-ffi --release --locked
    run ls -l "target/release/$(cdylib_file "$OS")"
}

case "${1:-host}" in
android) android ;;
ios) ios ;;
host) host ;;
*)
    echo "usage: $0 android|ios|host" >&2
    exit 2
    ;;
esac
