#!/usr/bin/env bash
# Tests the parts of the release build that can run on any machine (scripts/release-lib.sh,
# and scripts/build-release.sh as a dry run pretending to be a Mac), so that a mistake like
# reading a `.so` on macOS fails here rather than on an app team's first build. What still
# needs a real Mac or Android NDK is listed in docs/INTEGRATING.md ("Release builds").
set -euo pipefail
source "$(dirname "$0")/common.sh"
cd "$ROOT"
source scripts/release-lib.sh

failures=0
pass() { printf '   ok   %s\n' "$1"; }
fail() { printf '   FAIL %s\n' "$1"; failures=$((failures + 1)); }
expect() {  # description, then a command that must succeed
    local what=$1; shift
    if "$@" >/dev/null 2>&1; then pass "$what"; else fail "$what"; fi
}
expect_not() {
    local what=$1; shift
    if "$@" >/dev/null 2>&1; then fail "$what"; else pass "$what"; fi
}
equals() { [ "$1" = "$2" ]; }
contains() { grep -qF -- "$2" <<<"$1"; }

say "release scripts: library names, Android targets, header layout, page alignment, dry runs"

expect "macOS builds a .dylib" equals "$(cdylib_file Darwin)" libharbour_ffi.dylib
expect "Linux builds a .so" equals "$(cdylib_file Linux)" libharbour_ffi.so
expect "Windows builds a .dll" equals "$(cdylib_file MINGW64_NT-10.0)" harbour_ffi.dll
expect_not "an unknown OS is an error, not a guess" cdylib_file Plan9
expect "the XCFramework holds static libraries" equals "$(staticlib_file Darwin)" libharbour_ffi.a

expect "three Android ABIs ship" equals "${ANDROID_ABIS[*]}" "arm64-v8a armeabi-v7a x86_64"
expect "arm64-v8a is aarch64" equals "$(android_rust_target arm64-v8a)" aarch64-linux-android
expect "armeabi-v7a is armv7" equals "$(android_rust_target armeabi-v7a)" armv7-linux-androideabi
expect "x86_64 is x86_64" equals "$(android_rust_target x86_64)" x86_64-linux-android
expect_not "an unknown ABI is an error" android_rust_target mips

# The minimums agree with the modules that declare them.
expect "minSdk matches the Gradle module" \
    grep -qE "minSdk = $ANDROID_MIN_SDK\$" android/build.gradle.kts
expect "the iOS deployment target matches Package.swift" \
    grep -qF ".iOS(.v${IOS_DEPLOYMENT_TARGET%%.*})" ios/Package.swift

# Header layout, from bindings generated from this machine's build.
cargo build -q -p harbour-ffi --features bindgen,testing --locked
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
lib="target/debug/$(cdylib_file "$(uname -s)")"
target/debug/uniffi-bindgen generate --library "$lib" --language swift --out-dir "$tmp/gen" >/dev/null
layout_headers "$tmp/gen" "$tmp/headers"
expect "headers sit in a subdirectory named for the module" \
    test -f "$tmp/headers/harbourFFI/module.modulemap" -a -f "$tmp/headers/harbourFFI/harbourFFI.h"
expect "no module map at the headers' root (it would collide with other uniffi frameworks)" \
    test ! -e "$tmp/headers/module.modulemap"
expect "the module map names the module" \
    grep -q 'module harbourFFI' "$tmp/headers/harbourFFI/module.modulemap"
expect "the module map's header is beside it" \
    grep -q 'header "harbourFFI.h"' "$tmp/headers/harbourFFI/module.modulemap"
expect_not "laying out a directory without the header fails" layout_headers "$tmp" "$tmp/none"

# The XCFramework's bindings come from the static library: generating from it gives the same
# Swift as from the dynamic library of the same build.
a="target/debug/$(staticlib_file "$(uname -s)")"
target/debug/uniffi-bindgen generate --library "$a" --language swift --out-dir "$tmp/from-a" >/dev/null
expect "Swift from the static library equals Swift from the dynamic one" \
    cmp "$tmp/gen/HarbourCore.swift" "$tmp/from-a/HarbourCore.swift"

# 16 KB alignment: the check passes a library linked for 16 KB pages and refuses 4 KB.
printf 'int harbour_probe(void) { return 1; }\n' >"$tmp/probe.c"
gcc -shared -fPIC -Wl,-z,max-page-size=16384 -o "$tmp/aligned.so" "$tmp/probe.c"
gcc -shared -fPIC -Wl,-z,max-page-size=4096 -o "$tmp/small.so" "$tmp/probe.c"
expect "a 16 KB-aligned library passes" check_page_alignment "$tmp/aligned.so"
expect_not "a 4 KB-aligned library is refused" check_page_alignment "$tmp/small.so"

# Dry runs: what each build would run, on a pretend Mac.
ios_plan=$(HARBOUR_RELEASE_DRY_RUN=1 HARBOUR_RELEASE_OS=Darwin scripts/build-release.sh ios)
expect "the iOS build never reads a .so" bash -c '! grep -q "\.so\b" <<<"$1"' _ "$ios_plan"
expect "the iOS build generates Swift from the device library it ships" \
    contains "$ios_plan" "--library target/aarch64-apple-ios/symbols/libharbour_ffi.a --language swift"
expect "the iOS build sets the deployment target" \
    contains "$ios_plan" "IPHONEOS_DEPLOYMENT_TARGET=$IOS_DEPLOYMENT_TARGET cargo build"
expect "the XCFramework gets both slices with the laid-out headers" \
    contains "$ios_plan" "-library target/ios-sim/libharbour_ffi.a -headers target/uniffi-swift-headers"
expect_not "the iOS build refuses to run off a Mac" \
    env HARBOUR_RELEASE_DRY_RUN=1 HARBOUR_RELEASE_OS=Linux scripts/build-release.sh ios
android_plan=$(ANDROID_NDK_HOME=/ndk HARBOUR_RELEASE_DRY_RUN=1 scripts/build-release.sh android)
expect "the Android build links for 16 KB pages" \
    contains "$android_plan" "max-page-size=16384 cargo ndk -t arm64-v8a -t armeabi-v7a -t x86_64 --platform 24"
expect "the Android build generates Kotlin from the library it ships" \
    contains "$android_plan" "--library android/src/main/jniLibs/arm64-v8a/libharbour_ffi.so --language kotlin"
expect "nothing in the build scripts hides errors" \
    bash -c '! grep -n "2>/dev/null" scripts/build-release.sh scripts/release-lib.sh'
expect "the Gradle module hides no errors either" \
    bash -c '! grep -n "2>/dev/null\|sh -c" android/build.gradle.kts'

# The Android module's backup rules keep the data directory out of backups and transfers, in
# every section, and a broken copy of them is caught.
expect "the Android backup rules exclude Harbour's data everywhere" python3 scripts/check_backup_rules.py
mkdir -p "$tmp/rules/android/src/main/res/xml" "$tmp/rules/docs" "$tmp/rules/scripts"
cp android/src/main/res/xml/*.xml "$tmp/rules/android/src/main/res/xml/"
cp docs/INTEGRATING.md "$tmp/rules/docs/"
cp scripts/check_backup_rules.py "$tmp/rules/scripts/"
sed -i '/<device-transfer>/,/<\/device-transfer>/d' \
    "$tmp/rules/android/src/main/res/xml/harbour_data_extraction_rules.xml"
expect_not "rules without the transfer section are refused" python3 "$tmp/rules/scripts/check_backup_rules.py"

if [ "$failures" -gt 0 ]; then
    echo "   $failures release-script checks failed"
    exit 1
fi
