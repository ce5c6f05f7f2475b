//! The contract id: which interface a build of this crate exports, as a short string.
//!
//! uniffi's own per-function checksums are off (they fail spuriously on some 32-bit ARM
//! phones, uniffi issue 2740), so nothing else stops a Kotlin or Swift file generated from
//! one build being shipped with a library from another: a mismatch that is undefined
//! behaviour at the first call. Instead the id is baked into the library as a constant and
//! into the generated bindings as the default value of `Harbour.open`'s `contract` argument
//! (uniffi reads defaults from the library it generates from), and `open` compares the two.
//!
//! Shared, through `#[path]`, by `build.rs` (which computes it) and the crate's tests.

use sha2::{Digest, Sha256};

/// `VERSION[+testing]+HASH`: the crate version, whether the test-only calls are exported, and
/// 12 hex digits of a SHA-256 over the interface's source files, each `(path, text)` in path
/// order. Comments and blank lines are left out, so a change to the wording of a comment keeps
/// the id, and any change to code changes it.
pub fn contract_id(version: &str, testing: bool, files: &[(String, String)]) -> String {
    let mut sorted: Vec<&(String, String)> = files.iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    let mut hash = Sha256::new();
    for (path, text) in sorted {
        hash.update(path.as_bytes());
        hash.update([0]);
        for line in text.lines().map(str::trim) {
            if line.is_empty() || line.starts_with("//") {
                continue;
            }
            hash.update(line.as_bytes());
            hash.update([b'\n']);
        }
        hash.update([0]);
    }
    let digest = hash.finalize();
    let hex: String = digest[..6].iter().map(|b| format!("{b:02x}")).collect();
    match testing {
        true => format!("{version}+testing+{hex}"),
        false => format!("{version}+{hex}"),
    }
}
