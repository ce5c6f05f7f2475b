#!/usr/bin/env bash
# Builds Harbour's native libraries for release, for app teams.
#
#   scripts/build-release.sh android   per-ABI libharbour_ffi.so into android/src/main/jniLibs/
#   scripts/build-release.sh ios       ios/HarbourFFI.xcframework + ios/Sources/HarbourCore/HarbourCore.swift
#   scripts/build-release.sh host      the stripped release .so for this machine (size check)
#
# Needs, for android: the Android NDK (ANDROID_NDK_HOME) and cargo-ndk; for ios: macOS with
# Xcode. Neither exists on the Linux CI machines this project is developed on, so the android
# and ios targets have NOT been run here; only `host` has. The commands are the standard ones
# (cargo-ndk, xcodebuild -create-xcframework) and are written to be run as they are.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"

ANDROID_TARGETS=(aarch64-linux-android armv7-linux-androideabi x86_64-linux-android i686-linux-android)
IOS_TARGETS=(aarch64-apple-ios aarch64-apple-ios-sim x86_64-apple-ios)

generate() {  # language, out dir
    # uniffi reads the API from the library's symbols, which the shipped (stripped) library no
    # longer has: generate from this machine's build with symbols kept. The API is the same on
    # every target. bindings/uniffi.toml is found next to the crate's Cargo.toml.
    cargo build -q -p harbour-ffi --features bindgen --bin uniffi-bindgen --locked
    cargo build -q -p harbour-ffi --profile symbols --locked
    target/debug/uniffi-bindgen generate --library target/symbols/libharbour_ffi.so \
        --language "$1" --out-dir "$2" 2>/dev/null
}

case "${1:-host}" in
android)
    : "${ANDROID_NDK_HOME:?set ANDROID_NDK_HOME to the Android NDK}"
    command -v cargo-ndk >/dev/null || { echo "install cargo-ndk: cargo install cargo-ndk" >&2; exit 1; }
    rustup target add "${ANDROID_TARGETS[@]}"
    # 16 KB page alignment is required for Android 15+ devices.
    RUSTFLAGS="-C link-arg=-Wl,-z,max-page-size=16384" \
    cargo ndk -t arm64-v8a -t armeabi-v7a -t x86_64 -t x86 --platform 24 \
        -o android/src/main/jniLibs build -p harbour-ffi --release --locked
    ls -l android/src/main/jniLibs/*/libharbour_ffi.so
    ;;
ios)
    [ "$(uname)" = Darwin ] || { echo "the XCFramework needs macOS and Xcode" >&2; exit 1; }
    rustup target add "${IOS_TARGETS[@]}"
    for t in "${IOS_TARGETS[@]}"; do
        cargo build -p harbour-ffi --release --locked --target "$t"
    done
    gen="target/uniffi-swift"
    rm -rf "$gen"
    generate swift "$gen"
    mkdir -p "$gen/headers"
    cp "$gen/harbourFFI.h" "$gen/headers/"
    cp "$gen/harbourFFI.modulemap" "$gen/headers/module.modulemap"
    mkdir -p target/ios-sim
    lipo -create target/aarch64-apple-ios-sim/release/libharbour_ffi.a \
        target/x86_64-apple-ios/release/libharbour_ffi.a -output target/ios-sim/libharbour_ffi.a
    rm -rf ios/HarbourFFI.xcframework
    xcodebuild -create-xcframework \
        -library target/aarch64-apple-ios/release/libharbour_ffi.a -headers "$gen/headers" \
        -library target/ios-sim/libharbour_ffi.a -headers "$gen/headers" \
        -output ios/HarbourFFI.xcframework
    mkdir -p ios/Sources/HarbourCore
    cp "$gen/HarbourCore.swift" ios/Sources/HarbourCore/HarbourCore.swift
    ;;
host)
    cargo build -q -p harbour-ffi --release --locked
    ls -l target/release/libharbour_ffi.so
    ;;
*)
    echo "usage: $0 android|ios|host" >&2
    exit 2
    ;;
esac
