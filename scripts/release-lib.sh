# The parts of a release build that do not depend on the machine running it: what cargo calls
# the library on each OS, which Rust target builds each Android ABI, where the XCFramework's
# headers go, and whether a shared library is aligned for 16 KB pages. Sourced by
# build-release.sh, and run on every machine by scripts/test_release.sh, so a mistake such as
# reading a `.so` on macOS fails in the test command instead of on the first Mac.

# The deployment targets, matching ios/Package.swift and android/build.gradle.kts (minSdk).
IOS_DEPLOYMENT_TARGET=15.0
ANDROID_MIN_SDK=24
# The ABIs the Android module ships. 32-bit x86 is left out: no current phone uses it, and the
# emulator images are x86_64.
ANDROID_ABIS=(arm64-v8a armeabi-v7a x86_64)
IOS_TARGETS=(aarch64-apple-ios aarch64-apple-ios-sim x86_64-apple-ios)
# Android 15+ phones may use 16 KB pages; Play requires native libraries aligned for them.
ANDROID_PAGE_SIZE=16384

# The dynamic library cargo writes for harbour-ffi on an OS, as `uname -s` names it.
cdylib_file() {
    case "$1" in
    Darwin) echo libharbour_ffi.dylib ;;
    Linux | FreeBSD | OpenBSD | NetBSD) echo libharbour_ffi.so ;;
    MINGW* | MSYS* | CYGWIN* | Windows_NT) echo harbour_ffi.dll ;;
    *) echo "unknown OS: $1" >&2; return 1 ;;
    esac
}

# The static library cargo writes (the same name on every Unix; what an XCFramework holds).
staticlib_file() {
    case "$1" in
    MINGW* | MSYS* | CYGWIN* | Windows_NT) echo harbour_ffi.lib ;;
    *) echo libharbour_ffi.a ;;
    esac
}

# The Rust target for an Android ABI.
android_rust_target() {
    case "$1" in
    arm64-v8a) echo aarch64-linux-android ;;
    armeabi-v7a) echo armv7-linux-androideabi ;;
    x86_64) echo x86_64-linux-android ;;
    x86) echo i686-linux-android ;;
    *) echo "unknown Android ABI: $1" >&2; return 1 ;;
    esac
}

# Lays out the C header and module map uniffi generated (in $1) for an XCFramework (into $2):
# in a subdirectory named for the module, not at the headers' root. Every uniffi framework
# writes a `module.modulemap`; two of them at the root of an app's header search paths
# collide, and Xcode refuses to build.
layout_headers() {
    local gen=$1 out=$2 module=harbourFFI
    [ -f "$gen/$module.h" ] || { echo "no $module.h in $gen" >&2; return 1; }
    [ -f "$gen/$module.modulemap" ] || { echo "no $module.modulemap in $gen" >&2; return 1; }
    rm -rf "$out"
    mkdir -p "$out/$module"
    cp "$gen/$module.h" "$out/$module/"
    cp "$gen/$module.modulemap" "$out/$module/module.modulemap"
}

# Succeeds when every loadable segment of the ELF shared library $1 is aligned to at least
# ANDROID_PAGE_SIZE. Uses llvm-readelf or readelf (both read any ELF target).
check_page_alignment() {
    local lib=$1 readelf
    readelf=$(command -v llvm-readelf || command -v readelf) \
        || { echo "readelf is needed to check $lib" >&2; return 1; }
    local aligns
    aligns=$("$readelf" -lW "$lib" | awk '$1 == "LOAD" { print $NF }')
    [ -n "$aligns" ] || { echo "$lib: no loadable segments" >&2; return 1; }
    local a
    for a in $aligns; do
        if (( a < ANDROID_PAGE_SIZE )); then
            echo "$lib: a loadable segment is aligned to $a bytes, under $ANDROID_PAGE_SIZE" >&2
            return 1
        fi
    done
}
