//! Helpers shared by every Rust test of the workspace and by the benchmarks, so that there is
//! one way to open Harbour for a test (`testing_config`, `fixture::Fixture`), not one per file.

use std::path::{Path, PathBuf};

pub mod fixture;

/// The configuration every test and benchmark opens Harbour with: the given data directory and the
/// fast, weak testing KDF (never for real data), so a test spends its time on what it tests.
pub fn testing_config(dir: impl Into<PathBuf>) -> harbour_core::Config {
    let mut config = harbour_core::Config::new(dir);
    config.kdf = harbour_core::KdfProfile::Testing;
    config
}

/// Every file under `dir`, recursively.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in entries.flatten() {
            let p = entry.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// Files under `dir` containing `marker` as UTF-8 or UTF-16LE.
pub fn files_containing(dir: &Path, marker: &str) -> Vec<PathBuf> {
    let utf8 = marker.as_bytes().to_vec();
    let utf16: Vec<u8> = marker
        .encode_utf16()
        .flat_map(|u| u.to_le_bytes())
        .collect();
    files_under(dir)
        .into_iter()
        .filter(|p| {
            let bytes = std::fs::read(p).unwrap_or_default();
            [&utf8, &utf16]
                .iter()
                .any(|needle| bytes.windows(needle.len()).any(|w| w == needle.as_slice()))
        })
        .collect()
}

/// The plan section the workload edits.
pub const WORKLOAD_SECTION: harbour_core::Section = harbour_core::Section::OnMyOwn;

/// The text the workload writes for operation `i`.
pub fn workload_text(marker: &str, i: u64) -> String {
    format!("{marker} note {i}")
}

/// Parses the operation number back out of a workload note.
pub fn workload_index(marker: &str, text: &str) -> Option<u64> {
    text.strip_prefix(&format!("{marker} note "))?.parse().ok()
}

/// Signed packs made from the fixtures, for tests that offer packs to Harbour.
// Test support: a fixture that does not build should stop the test loudly.
#[allow(clippy::panic)]
pub mod packs {
    use harbour_core::PackKind;
    use harbour_publish::SecretKey;
    use harbour_publish::directory_pack as build_pack;
    use serde_json::{Value, json};

    pub const DEV_KEY: &str = include_str!("../../fixtures/keys/dev-pack-key.sec");
    pub const DIRECTORY_SOURCE: &[u8] = include_bytes!("../../fixtures/directory/source.json");
    pub const LIBRARY_SOURCE: &[u8] = include_bytes!("../../fixtures/library/source.json");

    /// A minisign signature of `bytes` by the development key.
    pub fn sign(bytes: &[u8], comment: &str) -> Vec<u8> {
        SecretKey::parse(DEV_KEY)
            .and_then(|k| k.sign(bytes, comment))
            .map(String::into_bytes)
            .unwrap_or_else(|e| panic!("signing failed: {e}"))
    }

    /// A directory pack built from the fixture source with `edit` applied, built at `built`
    /// (RFC 3339) and valid for `days`.
    pub fn directory_pack(
        version: u64,
        built: &str,
        days: i64,
        edit: impl FnOnce(&mut Value),
    ) -> Vec<u8> {
        let mut source: Value = serde_json::from_slice(DIRECTORY_SOURCE).unwrap_or_default();
        edit(&mut source);
        let built: jiff::Timestamp = built.parse().unwrap_or_else(|_| panic!("bad time {built}"));
        let expires = built
            .checked_add(jiff::SignedDuration::from_hours(24 * days))
            .unwrap_or_else(|_| panic!("bad duration"));
        build_pack(
            &serde_json::to_vec(&source).unwrap_or_default(),
            version,
            built,
            expires,
        )
        .unwrap_or_else(|e| panic!("the fixture source does not build: {e:?}"))
    }

    /// A library pack of the fixture content with `edit` applied, valid for a year from
    /// 2026-11-21. Built by hand, so content the builder would refuse can be made too.
    pub fn library_pack(version: u64, edit: impl FnOnce(&mut Value)) -> Vec<u8> {
        let mut content: Value = serde_json::from_slice(LIBRARY_SOURCE).unwrap_or_default();
        edit(&mut content);
        serde_json::to_vec(&json!({
            "kind": PackKind::Library.name(),
            "format": 1,
            "data_version": version,
            "built_at": "2026-11-21T00:00:00Z",
            "expires_at": "2027-11-21T00:00:00Z",
            "content": content,
        }))
        .unwrap_or_default()
    }
}
