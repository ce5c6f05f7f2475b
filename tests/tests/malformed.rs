//! Hostile and broken input, across every format Harbour reads from outside: backups
//! (`fixtures/corpus/backup/`), directory and library packs with their signatures
//! (`fixtures/corpus/packs/`) and HSDS exports (`fixtures/corpus/hsds/`). Each file is refused
//! with the typed error its manifest names, no error text carries content from the file, and
//! the data directory is byte-for-byte unchanged afterwards.
//!
//! The corpora are made once by the ignored `write_*_corpus` tests and committed.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use harbour_core::{Error, Harbour, ManualClock, MemoryKeyStore, Secret};
use harbour_tests::files_under;
use harbour_tests::packs::{directory_pack, library_pack, sign};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

const PIN: &str = "482915";
const BACKUP_PASS: &str = "corpus passphrase 1234";
const NOW: &str = "2026-11-21T12:00:00Z";

fn corpus(kind: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../fixtures/corpus")
        .join(kind)
}

fn ts(s: &str) -> jiff::Timestamp {
    s.parse().unwrap()
}

/// SHA-256 of every file under `dir`: "unchanged" means byte for byte.
fn hashes(dir: &Path) -> BTreeMap<PathBuf, String> {
    files_under(dir)
        .into_iter()
        .map(|p| {
            let digest = Sha256::digest(std::fs::read(&p).unwrap());
            let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
            (p, hex)
        })
        .collect()
}

/// Harbour on `dir`, unlocked, at a fixed time. Each input is tried by a fresh handle that is
/// dropped before the files are compared, so SQLite's shared-memory index and WAL (which only
/// exist while a connection is open) are not mistaken for changes.
struct Setup {
    dir: tempfile::TempDir,
    keys: Arc<MemoryKeyStore>,
}

impl Setup {
    fn new() -> Setup {
        let s = Setup {
            dir: tempfile::tempdir().unwrap(),
            keys: Arc::new(MemoryKeyStore::new()),
        };
        let h = s.open();
        h.create_vault(Secret::from_text(PIN)).unwrap();
        s
    }

    fn open(&self) -> Harbour {
        let config = harbour_tests::testing_config(self.dir.path());
        let clock = Arc::new(ManualClock::new(ts(NOW)));
        Harbour::open_with_clock(config, self.keys.clone(), clock).unwrap()
    }

    /// Runs `f` on an unlocked handle, closes it, and returns what `f` returned.
    fn with<T>(&self, f: impl FnOnce(&Harbour) -> T) -> T {
        let h = self.open();
        h.unlock(Secret::from_text(PIN)).unwrap();
        f(&h)
    }
}

fn manifest(kind: &str) -> BTreeMap<String, Value> {
    serde_json::from_slice(&std::fs::read(corpus(kind).join("manifest.json")).unwrap()).unwrap()
}

/// Every file in the folder is named by the manifest, so none is silently skipped.
fn check_manifest_covers_folder(kind: &str, named: &[String]) {
    for entry in std::fs::read_dir(corpus(kind)).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        assert!(
            name == "manifest.json" || named.contains(&name),
            "{kind}/{name} is not in the manifest"
        );
    }
}

fn expect(err: &Error, expected: &str, what: &str) {
    let shown = format!("{err:?}");
    assert!(
        shown.starts_with(expected),
        "{what}: expected {expected}, got {shown}"
    );
    // The corpora's notes say "Café" and "Walk by the sea": no message may repeat them.
    let text = format!("{err} {shown}");
    assert!(
        !text.contains("Café") && !text.contains("Walk"),
        "{what}: {text}"
    );
}

#[test]
fn every_malformed_input_is_refused_and_changes_nothing() {
    let setup = Setup::new();
    let dir = setup.dir.path();
    let before = hashes(dir);
    setup.with(|_| ());
    assert_eq!(hashes(dir), before, "an open and close changed the data");
    let directory_version = setup.with(|h| h.directory_info().unwrap().data_version);
    let mut counts = BTreeMap::new();

    // Backups: restored into the empty vault.
    let mut named = Vec::new();
    for (file, expected) in manifest("backup") {
        let bytes = std::fs::read(corpus("backup").join(&file)).unwrap();
        let err = setup.with(|h| {
            h.restore_backup(&bytes, &Secret::from_text(BACKUP_PASS))
                .unwrap_err()
        });
        expect(&err, expected.as_str().unwrap(), &file);
        assert_eq!(hashes(dir), before, "backup {file} changed the data");
        named.push(file);
    }
    check_manifest_covers_folder("backup", &named);
    counts.insert("backup", named.len());

    // Packs: offered for installation, as a pack and its signature.
    let mut named = Vec::new();
    for (case, spec) in manifest("packs") {
        let pack = std::fs::read(corpus("packs").join(spec["pack"].as_str().unwrap())).unwrap();
        let sig = std::fs::read(corpus("packs").join(spec["sig"].as_str().unwrap())).unwrap();
        let err = setup.with(|h| match spec["install_as"].as_str().unwrap() {
            "directory" => h.install_directory_pack(&pack, &sig).expect_err(&case),
            "library" => h.install_library_pack(&pack, &sig).expect_err(&case),
            other => panic!("unknown pack kind {other}"),
        });
        expect(&err, spec["expected"].as_str().unwrap(), &case);
        assert_eq!(hashes(dir), before, "pack {case} changed the data");
        named.push(spec["pack"].as_str().unwrap().to_owned());
        named.push(spec["sig"].as_str().unwrap().to_owned());
    }
    check_manifest_covers_folder("packs", &named);
    counts.insert("packs", manifest("packs").len());
    assert_eq!(
        setup.with(|h| h.directory_info().unwrap().data_version),
        directory_version
    );

    // HSDS exports: the publisher's import refuses each with its reasons.
    let mut named = Vec::new();
    for (file, expected) in manifest("hsds") {
        let bytes = std::fs::read(corpus("hsds").join(&file)).unwrap();
        let errors =
            harbour_publish::hsds::import(&bytes, jiff::civil::date(2026, 11, 1)).expect_err(&file);
        let expected = expected.as_str().unwrap();
        assert!(
            errors.iter().any(|e| e.contains(expected)),
            "hsds {file}: expected a reason containing {expected:?}, got {errors:?}"
        );
        named.push(file);
    }
    check_manifest_covers_folder("hsds", &named);
    counts.insert("hsds", named.len());

    // Help still works, and the vault is still the empty one it was.
    setup.with(|h| {
        assert!(!h.help_now(&Default::default()).unwrap().options.is_empty());
        assert!(h.list_notes().unwrap().is_empty());
    });
    let total: usize = counts.values().sum();
    eprintln!("malformed inputs refused: {total} {counts:?}");
    assert!(
        total >= 100,
        "the corpus needs at least 100 files, has {total}"
    );
}

// ---- Making the corpora ----

/// A pack's JSON with its envelope or content edited after building (bypassing the builder's
/// own checks, as a hostile publisher could).
fn edited_pack(pack: &[u8], edit: impl FnOnce(&mut Value)) -> Vec<u8> {
    let mut v: Value = serde_json::from_slice(pack).unwrap();
    edit(&mut v);
    serde_json::to_vec(&v).unwrap()
}

#[test]
#[ignore]
fn write_pack_corpus() {
    let mut c = PackCorpus::new();
    let mut add = |case: &str, kind: &str, pack: &[u8], sig: &[u8], expected: &str| {
        c.add(case, kind, pack, sig, expected);
    };

    let good = directory_pack(5, "2026-11-21T00:00:00Z", 180, |_| {});
    let good_sig = sign(&good, "corpus");
    let sig_text = String::from_utf8(good_sig.clone()).unwrap();
    let lines: Vec<&str> = sig_text.lines().collect();

    // The signature layer.
    add(
        "empty-signature",
        "directory",
        &good,
        b"",
        "Pack(BadSignature)",
    );
    add(
        "signature-not-text",
        "directory",
        &good,
        &[0xff, 0xfe, 0x00, 0x01],
        "Pack(BadSignature)",
    );
    for (i, at) in [0usize, good.len() / 3, good.len() / 2, good.len() - 2]
        .into_iter()
        .enumerate()
    {
        let mut bad = good.clone();
        bad[at] ^= 0x04;
        add(
            &format!("pack-byte-flipped-{i}"),
            "directory",
            &bad,
            &good_sig,
            "Pack(BadSignature)",
        );
    }
    add(
        "pack-truncated",
        "directory",
        &good[..good.len() / 2],
        &good_sig,
        "Pack(BadSignature)",
    );
    add(
        "pack-extended",
        "directory",
        &[&good[..], b" "].concat(),
        &good_sig,
        "Pack(BadSignature)",
    );
    add(
        "signature-truncated",
        "directory",
        &good,
        &good_sig[..good_sig.len() / 2],
        "Pack(BadSignature)",
    );
    for (i, line) in [1usize, 2, 3].into_iter().enumerate() {
        // Line 1: the signature; 2: the trusted comment; 3: the global signature over both.
        let mut edited: Vec<String> = lines.iter().map(|l| (*l).to_owned()).collect();
        let mut chars: Vec<char> = edited[line].chars().collect();
        let at = chars.len() - 3;
        chars[at] = if chars[at] == 'A' { 'B' } else { 'A' };
        edited[line] = chars.into_iter().collect();
        add(
            &format!("signature-line-{}-changed", ["sig", "comment", "global"][i]),
            "directory",
            &good,
            (edited.join("\n") + "\n").as_bytes(),
            "Pack(BadSignature)",
        );
    }
    let legacy = sig_text.replacen("\nRUQ", "\nRWQ", 1);
    add(
        "signature-legacy-algorithm",
        "directory",
        &good,
        legacy.as_bytes(),
        "Pack(BadSignature)",
    );
    add(
        "signature-of-another-pack",
        "directory",
        &good,
        &sign(b"something else", "x"),
        "Pack(BadSignature)",
    );
    let lib = library_pack(5, |_| {});
    let lib_sig = sign(&lib, "corpus");
    add(
        "library-signature-on-directory",
        "directory",
        &good,
        &lib_sig,
        "Pack(BadSignature)",
    );
    // Signed with a key Harbour does not pin: Debian's minisign, with a fresh key.
    let tmp = tempfile::tempdir().unwrap();
    let (pk, sk, msg) = (
        tmp.path().join("k.pub"),
        tmp.path().join("k.sec"),
        tmp.path().join("m"),
    );
    std::fs::write(&msg, &good).unwrap();
    let keygen = Command::new("minisign")
        .args(["-G", "-W", "-p"])
        .arg(&pk)
        .arg("-s")
        .arg(&sk)
        .output()
        .expect("Debian's minisign");
    assert!(keygen.status.success());
    let signed = Command::new("minisign")
        .arg("-S")
        .arg("-s")
        .arg(&sk)
        .arg("-m")
        .arg(&msg)
        .output()
        .unwrap();
    assert!(signed.status.success());
    let other_sig = std::fs::read(tmp.path().join("m.minisig")).unwrap();
    add(
        "signed-by-another-key",
        "directory",
        &good,
        &other_sig,
        "Pack(BadSignature)",
    );

    // Validly signed, but not acceptable.
    let mut signed_as = |case: &str, kind: &str, pack: Vec<u8>, expected: &str| {
        add(case, kind, &pack, &sign(&pack, case), expected);
    };
    signed_as("empty-pack", "directory", Vec::new(), "Pack(Malformed)");
    signed_as(
        "not-json",
        "directory",
        b"hello".to_vec(),
        "Pack(Malformed)",
    );
    signed_as("json-array", "directory", b"[]".to_vec(), "Pack(Malformed)");
    signed_as(
        "json-nested-deeply",
        "directory",
        "[".repeat(100_000).into_bytes(),
        "Pack(Malformed)",
    );
    signed_as(
        "json-trailing-garbage",
        "directory",
        [&good[..], b"}"].concat(),
        "Pack(Malformed)",
    );
    signed_as(
        "library-offered-as-directory",
        "directory",
        lib.clone(),
        "Pack(WrongKind)",
    );
    signed_as(
        "directory-offered-as-library",
        "library",
        good.clone(),
        "Pack(WrongKind)",
    );
    signed_as(
        "newer-format",
        "directory",
        edited_pack(&good, |v| v["format"] = 2.into()),
        "NewerFormat",
    );
    signed_as(
        "format-zero",
        "directory",
        edited_pack(&good, |v| v["format"] = 0.into()),
        "Pack(Malformed)",
    );
    signed_as(
        "expires-before-built",
        "directory",
        edited_pack(&good, |v| v["expires_at"] = "2026-01-01T00:00:00Z".into()),
        "Pack(Malformed)",
    );
    signed_as(
        "negative-version",
        "directory",
        edited_pack(&good, |v| v["data_version"] = (-1).into()),
        "Pack(Malformed)",
    );
    signed_as(
        "version-as-text",
        "directory",
        edited_pack(&good, |v| v["data_version"] = "9".into()),
        "Pack(Malformed)",
    );
    signed_as(
        "same-version-as-baseline",
        "directory",
        directory_pack(2, "2026-11-21T00:00:00Z", 180, |_| {}),
        "Pack(NotNewer",
    );
    signed_as(
        "older-version",
        "directory",
        directory_pack(0, "2026-11-21T00:00:00Z", 180, |_| {}),
        "Pack(NotNewer",
    );
    signed_as(
        "expired",
        "directory",
        directory_pack(9, "2025-01-01T00:00:00Z", 30, |_| {}),
        "Pack(Expired)",
    );
    signed_as(
        "missing-an-essential-service",
        "directory",
        edited_pack(&good, |v| {
            v["content"]["services"]
                .as_array_mut()
                .unwrap()
                .retain(|s| s["id"] != "childline");
        }),
        "Pack(Invalid",
    );
    signed_as(
        "duplicate-service-id",
        "directory",
        edited_pack(&good, |v| {
            let s = v["content"]["services"][3].clone();
            v["content"]["services"].as_array_mut().unwrap().push(s);
        }),
        "Pack(Invalid",
    );
    signed_as(
        "service-of-unknown-organisation",
        "directory",
        edited_pack(&good, |v| {
            v["content"]["services"][3]["organisation"] = "nobody".into()
        }),
        "Pack(Invalid",
    );
    signed_as(
        "hours-not-a-time",
        "directory",
        edited_pack(&good, |v| {
            v["content"]["services"][5]["hours"] = json!({"weekly": {"windows": [{"days": ["mon"], "opens": "25:00", "closes": "26:00", "last_new_contact": null}]}});
        }),
        "Pack(Malformed)",
    );
    signed_as(
        "unknown-field",
        "directory",
        edited_pack(&good, |v| {
            v["content"]["services"][2]["surprise"] = true.into()
        }),
        "Pack(Malformed)",
    );
    signed_as(
        "unknown-channel-kind",
        "directory",
        edited_pack(&good, |v| {
            v["content"]["services"][2]["channels"][0]["kind"] = "carrier_pigeon".into()
        }),
        "Pack(Malformed)",
    );
    signed_as(
        "no-services",
        "directory",
        edited_pack(&good, |v| v["content"]["services"] = json!([])),
        "Pack(Invalid",
    );
    signed_as(
        "library-not-newer",
        "library",
        library_pack(1, |_| {}),
        "Pack(NotNewer",
    );
    signed_as(
        "library-without-triage",
        "library",
        library_pack(6, |c| {
            c.as_object_mut().unwrap().remove("triage");
        }),
        "Pack(Malformed)",
    );
    signed_as(
        "library-card-fails-lint",
        "library",
        library_pack(7, |c| {
            c["cards"][0]["body"] = "Some people call this attention seeking.".into();
        }),
        "Pack(Invalid",
    );
    signed_as(
        "library-no-cards",
        "library",
        library_pack(8, |c| c["cards"] = json!([])),
        "Pack(Invalid",
    );
    let mut flipped_lib = lib.clone();
    let mid = flipped_lib.len() / 2;
    flipped_lib[mid] ^= 0x01;
    c.add(
        "library-byte-flipped",
        "library",
        &flipped_lib,
        &lib_sig,
        "Pack(BadSignature)",
    );
    c.finish();
}

/// Pack cases being written: each a pack file, its signature, and the manifest entry.
struct PackCorpus {
    out: PathBuf,
    manifest: BTreeMap<String, Value>,
}

impl PackCorpus {
    fn new() -> PackCorpus {
        let out = corpus("packs");
        let _ = std::fs::remove_dir_all(&out);
        std::fs::create_dir_all(&out).unwrap();
        PackCorpus {
            out,
            manifest: BTreeMap::new(),
        }
    }

    fn add(&mut self, case: &str, kind: &str, pack: &[u8], sig: &[u8], expected: &str) {
        let (p, s) = (format!("{case}.json"), format!("{case}.json.minisig"));
        std::fs::write(self.out.join(&p), pack).unwrap();
        std::fs::write(self.out.join(&s), sig).unwrap();
        self.manifest.insert(
            case.to_owned(),
            json!({"pack": p, "sig": s, "install_as": kind, "expected": expected}),
        );
    }

    fn finish(self) {
        std::fs::write(
            self.out.join("manifest.json"),
            serde_json::to_vec_pretty(&self.manifest).unwrap(),
        )
        .unwrap();
    }
}

#[test]
#[ignore]
fn write_hsds_corpus() {
    let out = corpus("hsds");
    let _ = std::fs::remove_dir_all(&out);
    std::fs::create_dir_all(&out).unwrap();
    let simple: Value = serde_json::from_slice(
        &std::fs::read(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/hsds/service_simple.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let mut manifest = BTreeMap::new();
    let mut raw = |name: &str, bytes: &[u8], expected: &str| {
        std::fs::write(out.join(format!("{name}.json")), bytes).unwrap();
        manifest.insert(format!("{name}.json"), expected.to_owned());
    };
    raw("empty", b"", "not JSON");
    raw("not-json", b"<html>service</html>", "not JSON");
    raw("a-number", b"42", "expected a service object");
    raw("a-string", b"\"service\"", "expected a service object");
    raw(
        "list-page-contents-not-array",
        br#"{"contents": {"id": 1}}"#,
        "contents: expected an array",
    );
    raw("deeply-nested", "[".repeat(50_000).as_bytes(), "not JSON");
    let mut edit = |name: &str, expected: &str, f: &dyn Fn(&mut Value)| {
        let mut v = simple.clone();
        f(&mut v);
        std::fs::write(
            out.join(format!("{name}.json")),
            serde_json::to_vec_pretty(&v).unwrap(),
        )
        .unwrap();
        manifest.insert(format!("{name}.json"), expected.to_owned());
    };
    edit("missing-id", ".id: missing", &|v| {
        v.as_object_mut().unwrap().remove("id");
    });
    edit("id-not-a-uuid", ".id: not a UUID", &|v| {
        v["id"] = "service-1".into()
    });
    edit("missing-name", ".name: missing", &|v| {
        v.as_object_mut().unwrap().remove("name");
    });
    edit("name-is-a-number", ".name: expected a string", &|v| {
        v["name"] = 7.into()
    });
    edit("unknown-status", ".status: not an HSDS status", &|v| {
        v["status"] = "sometimes".into()
    });
    edit(
        "age-not-a-number",
        ".minimum_age: expected a number",
        &|v| v["minimum_age"] = "twelve".into(),
    );
    edit("age-out-of-range", ".maximum_age: not an age", &|v| {
        v["maximum_age"] = 1000.into()
    });
    edit("phones-not-an-array", ".phones: expected an array", &|v| {
        v["phones"] = "0800".into()
    });
    edit(
        "schedules-not-an-array",
        ".schedules: expected an array",
        &|v| v["schedules"] = json!({}),
    );
    edit(
        "assured-date-not-a-date",
        ".assured_date: not a date",
        &|v| v["assured_date"] = "last year".into(),
    );
    edit(
        "array-with-one-bad-service",
        "service[1].id: missing",
        &|v| {
            let mut bad = v.clone();
            bad.as_object_mut().unwrap().remove("id");
            *v = json!([v.clone(), bad]);
        },
    );
    std::fs::write(
        out.join("manifest.json"),
        serde_json::to_vec_pretty(&manifest).unwrap(),
    )
    .unwrap();
}
