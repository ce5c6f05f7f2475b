# Shared by test.sh, foreign-tests.sh and bench.sh: sourced, not run.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="$ROOT/build"
KOTLIN_VERSION=2.4.20
KOTLIN_HOME="$BUILD/tools/kotlin/node_modules/kotlin-compiler"

say() { printf '\n-- %s\n' "$*"; }

# Installs Debian packages that are not there yet.
need_debs() {
    local missing=()
    for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
    if [ ${#missing[@]} -gt 0 ]; then
        say "installing Debian packages: ${missing[*]}"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    fi
}

# cargo-deny, at the version the checks were written for: a newer release may need a newer Rust
# than the machine's, or change what it reports. Installed into CARGO_HOME/bin, where cargo
# finds its subcommands.
CARGO_DENY_VERSION=0.20.2
ensure_cargo_deny() {
    if [ "$(cargo deny --version 2>/dev/null)" != "cargo-deny $CARGO_DENY_VERSION" ]; then
        say "installing cargo-deny $CARGO_DENY_VERSION from crates.io"
        cargo install cargo-deny --version "$CARGO_DENY_VERSION" --locked -q
    fi
}

# The Kotlin compiler from the npm registry (the JVM, JNA and kotlinx-coroutines from Debian),
# into build/tools. Sets JVM_CP, what the generated Kotlin compiles and runs against: Debian's
# coroutines are old (1.0.1) and lack one annotation the generated code imports, so a test-only
# shim (scripts/jvm-shim) is compiled alongside; apps use a current coroutines release.
ensure_kotlinc() {
    need_debs default-jre-headless libjna-java libkotlinx-coroutines-java libkotlinx-atomicfu-java
    local j=/usr/share/java
    JVM_CP=$j/jna.jar:$j/kotlinx-coroutines-core.jar:$j/kotlinx-coroutines-core-common.jar:$j/atomicfu.jar
    JVM_SHIM="$ROOT/scripts/jvm-shim"
    if [ ! -x "$KOTLIN_HOME/bin/kotlinc" ]; then
        say "installing kotlin-compiler $KOTLIN_VERSION from npm"
        mkdir -p "$BUILD/tools/kotlin"
        (cd "$BUILD/tools/kotlin" && npm install --no-audit --no-fund --silent "kotlin-compiler@$KOTLIN_VERSION")
    fi
}

# Generates Kotlin, Swift and Python from a library that still has its symbols, with the
# workspace's uniffi-bindgen, built by `cargo build -p harbour-ffi --features bindgen,testing`
# (the same features as the test library, so building it never swaps that library out).
generate_bindings() {  # library, out dir
    rm -rf "$2"
    # Quiet when it works; the whole output when it does not.
    local log
    log=$(mktemp)
    if ! "$ROOT/target/debug/uniffi-bindgen" generate --library "$1" \
        --language kotlin --language swift --language python --out-dir "$2" >"$log" 2>&1; then
        cat "$log" >&2
        rm -f "$log"
        return 1
    fi
    rm -f "$log"
}
