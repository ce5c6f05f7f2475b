//! The fuzz targets without libFuzzer: every file of every seed corpus (`fuzz/corpus/`) and of
//! every saved regression (`fuzz/regressions/`) is replayed, and property tests throw random
//! and mutated bytes at the same decoders. A panic anywhere fails the test.
//!
//! `scripts/fuzz.sh` runs the real fuzzers; `cargo test -p harbour-tests --test fuzz_corpora
//! -- --ignored write_fuzz_seeds` remakes the seeds (commit them).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::sync::Arc;

use harbour_core::Section;
use harbour_core::fuzzing::{self, Target};
use harbour_core::{Harbour, MemoryKeyStore, Secret};
use proptest::prelude::*;

/// The core's targets and the publisher's, as the fuzz crate runs them.
fn targets() -> Vec<(&'static str, Target)> {
    fuzzing::TARGETS
        .iter()
        .chain(harbour_publish::fuzzing::TARGETS)
        .copied()
        .collect()
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn files_in(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.flatten()
                .map(|e| e.path())
                .filter(|p| p.is_file())
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

fn seeds(target: &str) -> Vec<Vec<u8>> {
    files_in(&root().join("fuzz/corpus").join(target))
        .iter()
        .map(|p| std::fs::read(p).unwrap())
        .collect()
}

#[test]
fn every_corpus_and_regression_file_replays_without_panicking() {
    let mut total = 0;
    for (name, target) in targets() {
        let corpus = files_in(&root().join("fuzz/corpus").join(name));
        assert!(!corpus.is_empty(), "no seed corpus for {name}");
        let regressions = files_in(&root().join("fuzz/regressions").join(name));
        for file in corpus.iter().chain(&regressions) {
            target(&std::fs::read(file).unwrap());
            total += 1;
        }
    }
    eprintln!(
        "replayed {total} corpus files over {} targets",
        targets().len()
    );
}

fn cases() -> u32 {
    // PROPTEST_CASES raises it for the documented full run.
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(48)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    /// Arbitrary bytes, at every target.
    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        for (_, target) in targets() {
            target(&bytes);
        }
    }

    /// Real inputs with a few bytes changed, some inserted, and an end cut off: the inputs
    /// most likely to get deep into a decoder.
    #[test]
    fn mutated_seeds_never_panic(
        which in any::<prop::sample::Index>(),
        seed in any::<prop::sample::Index>(),
        flips in prop::collection::vec((any::<prop::sample::Index>(), 1u8..=255), 0..8),
        insert in prop::option::of((any::<prop::sample::Index>(), any::<u8>())),
        keep in any::<prop::sample::Index>(),
    ) {
        let (name, target) = targets()[which.index(targets().len())];
        let all = seeds(name);
        prop_assume!(!all.is_empty());
        let mut bytes = all[seed.index(all.len())].clone();
        if !bytes.is_empty() {
            for (at, x) in &flips {
                let i = at.index(bytes.len());
                bytes[i] ^= x;
            }
            if let Some((at, b)) = insert {
                bytes.insert(at.index(bytes.len()), b);
            }
            let len = bytes.len();
            bytes.truncate(len - keep.index(len.min(64)));
        }
        target(&bytes);
    }
}

/// Remakes the seed corpora from the fixtures and from freshly generated valid inputs.
#[test]
#[ignore]
fn write_fuzz_seeds() {
    let corpus = root().join("fuzz/corpus");
    let write = |target: &str, name: &str, bytes: &[u8]| {
        let dir = corpus.join(target);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(format!("seed-{name}")), bytes).unwrap();
    };
    for (target, name, bytes) in fuzzing::generated_seeds() {
        write(target, name, &bytes);
    }
    let fixture = |p: &str| std::fs::read(root().join("fixtures").join(p)).unwrap();
    write(
        "directory_pack",
        "bundled",
        &fixture("packs/directory.json"),
    );
    write("library_pack", "bundled", &fixture("packs/library.json"));
    write(
        "pack_signature",
        "directory",
        &fixture("packs/directory.json.minisig"),
    );
    write(
        "pack_signature",
        "library",
        &fixture("packs/library.json.minisig"),
    );
    write("hsds", "service-full", &fixture("hsds/service_full.json"));
    write(
        "hsds",
        "service-simple",
        &fixture("hsds/service_simple.json"),
    );
    let library: serde_json::Value =
        serde_json::from_slice(&fixture("library/source.json")).unwrap();
    for card in library["cards"].as_array().unwrap().iter().take(4) {
        let id = card["id"].as_str().unwrap();
        write("markdown", id, card["body"].as_str().unwrap().as_bytes());
    }

    // A real backup made with the seed passphrase, and its payload.
    let dir = tempfile::tempdir().unwrap();
    let config = harbour_tests::testing_config(dir.path());
    let h = Harbour::open(config, Arc::new(MemoryKeyStore::new())).unwrap();
    h.create_vault(Secret::from_text("482915")).unwrap();
    h.add_note("Walk by the sea".into(), vec!["outside".into()])
        .unwrap();
    h.add_plan_item(
        Section::PeopleToAsk,
        "Sam".into(),
        Some("by text".into()),
        None,
    )
    .unwrap();
    let passphrase = std::str::from_utf8(fuzzing::BACKUP_PASSPHRASE).unwrap();
    let backup = h.export_backup(&Secret::from_text(passphrase)).unwrap();
    write("backup", "valid", &backup);
    let json = harbour_core::authoring::age::decrypt(&backup, fuzzing::BACKUP_PASSPHRASE).unwrap();
    write("backup_payload", "valid", &json);
}
