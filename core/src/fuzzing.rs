//! Entry points for the fuzzers (`fuzz/`) and for replaying their corpora in the normal test
//! run (`tests/tests/fuzz_corpora.rs`).
//!
//! Each feeds bytes to one decoder exactly as they would arrive from outside — a record read
//! from a database file, a key slot, a pack and its signature, an HSDS export, a backup — and
//! goes on as far as the bytes allow (a pack that parses is validated, indexed and queried).
//! Every one must return for any input: none may panic, hang or allocate without bound.
//! Work factors that would make a fuzzer crawl (Argon2id, scrypt) are capped lower here than
//! in the product; the caps' own checks are what runs first either way.

use std::sync::OnceLock;

use zeroize::Zeroizing;

use crate::crypto::envelope::{self, Binding};
use crate::crypto::keys::Key32;
use crate::directory::{ChannelKind, Directory, HelpQuery, Topic};
use crate::keystore::{KeyStoreError, PlatformKeyStore};
use crate::library::Library;
use crate::pack::minisign::{PublicKey, SignatureFile};
use crate::pack::{Pack, Validate};
use crate::secret::Secret;
use crate::vault::slot;

const VAULT_ID: [u8; 16] = [0x5a; 16];

fn fixed_key() -> &'static Key32 {
    static KEY: OnceLock<Key32> = OnceLock::new();
    KEY.get_or_init(|| Key32::from_slice(&[7u8; 32]).unwrap_or_else(|_| unreachable!()))
}

const BINDING: Binding<'static> = Binding {
    table: "note",
    field: "body",
    id: "00112233445566778899aabbccddeeff",
    revision: 1,
    compartment: 0,
};

/// A record body (envelope) read from the database.
pub fn record_envelope(data: &[u8]) {
    let _ = envelope::open(fixed_key(), data, &BINDING);
}

/// Hands stored bytes through unchanged, so the slot parsers see exactly the fuzzer's bytes
/// (a real platform key store would authenticate them first).
struct PassThrough;

impl PlatformKeyStore for PassThrough {
    fn wrap(&self, _alias: &str, plaintext: &[u8]) -> Result<Vec<u8>, KeyStoreError> {
        Ok(plaintext.to_vec())
    }
    fn unwrap(&self, _alias: &str, wrapped: &[u8]) -> Result<Zeroizing<Vec<u8>>, KeyStoreError> {
        Ok(Zeroizing::new(wrapped.to_vec()))
    }
    fn delete(&self, _alias: &str) -> Result<(), KeyStoreError> {
        Ok(())
    }
}

/// A key slot's contents, as the platform key store would return them.
pub fn key_slot(data: &[u8]) {
    let _ = slot::open_device(&PassThrough, &VAULT_ID, 1, data);
    if let Ok(parsed) = slot::SecretSlot::parse(data) {
        // Only cheap parameters are run through Argon2id here; the caps were checked above.
        let p = parsed.params;
        if p.memory_kib <= 256 && p.iterations <= 2 && p.parallelism == 1 {
            let _ = slot::open_parsed(&parsed, &VAULT_ID, 1, &Secret::from_text("482915"));
        }
    }
}

fn dev_key() -> &'static [PublicKey] {
    static KEYS: OnceLock<Vec<PublicKey>> = OnceLock::new();
    KEYS.get_or_init(|| crate::pack::pinned_keys().unwrap_or_default())
}

/// A minisign signature file, checked against a fixed message.
pub fn pack_signature(data: &[u8]) {
    if let Ok(sig) = SignatureFile::parse(data) {
        let _ = sig.verify(b"harbour fuzzing message", dev_key());
    }
}

fn queries() -> Vec<HelpQuery> {
    let at = jiff::Timestamp::from_second(1_795_230_000).ok();
    vec![
        HelpQuery::default(),
        HelpQuery {
            at,
            age: Some(15),
            area: Some("Torbay".into()),
            postcode: None,
            channels: vec![ChannelKind::Text],
            topics: vec![Topic::SelfHarm],
            for_professionals: false,
            for_parents: false,
        },
        HelpQuery {
            at,
            age: Some(40),
            area: None,
            postcode: Some("TQ3 1AA".into()),
            channels: vec![ChannelKind::Call, ChannelKind::InPerson],
            topics: vec![Topic::SuicidalThoughts],
            for_professionals: true,
            for_parents: true,
        },
    ]
}

/// A directory pack's bytes (after its signature has been checked): parsed, validated, and if
/// valid, indexed and queried.
pub fn directory_pack(data: &[u8]) {
    let Ok(pack) = serde_json::from_slice::<Pack<Directory>>(data) else {
        return;
    };
    if pack.content.validate().is_err() {
        return;
    }
    let now = jiff::Timestamp::from_second(1_795_230_000).unwrap_or(jiff::Timestamp::UNIX_EPOCH);
    for q in queries() {
        let _ = pack.content.help_now(&q, now);
    }
}

/// A library pack's bytes (after its signature has been checked): parsed, linted, and if
/// valid, every card's text read and the triage walked.
pub fn library_pack(data: &[u8]) {
    let Ok(pack) = serde_json::from_slice::<Pack<Library>>(data) else {
        return;
    };
    if pack.content.validate().is_err() {
        return;
    }
    let content = pack.content.content();
    use crate::library::Answer::{No, NotSure, Yes};
    for answers in [&[][..], &[Yes], &[No, Yes, No], &[NotSure; 3], &[No; 16]] {
        let _ = crate::library::triage::walk(&content.triage, answers);
    }
}

/// Card body text in the library's small Markdown subset.
pub fn markdown(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data)
        && let Ok(blocks) = crate::library::markdown::parse(text)
    {
        let _ = crate::library::markdown::plain_text(&blocks);
    }
}

/// The passphrase the backup seeds were made with (fixtures/corpus/backup).
pub const BACKUP_PASSPHRASE: &[u8] = b"corpus passphrase 1234";

/// A backup file: the age layer (scrypt capped at 2^10 here), then, if it opens, the payload.
pub fn backup(data: &[u8]) {
    if let Ok(json) = crate::backup::age::decrypt_up_to(data, BACKUP_PASSPHRASE, 10) {
        let _ = crate::backup::payload::parse(&json);
    }
}

/// A backup's JSON payload, on its own (what the age layer hands on).
pub fn backup_payload(data: &[u8]) {
    let _ = crate::backup::payload::parse(data);
}

/// A fuzz target: takes any bytes, returns, never panics.
pub type Target = fn(&[u8]);

/// Valid inputs for the targets whose inputs are made with the fixed keys above, so a fuzzer
/// starts from bytes that get past the first checks: `(target, name, bytes)`. The other
/// targets' seeds are real files from `fixtures/`.
pub fn generated_seeds() -> Vec<(&'static str, &'static str, Vec<u8>)> {
    let mut out = Vec::new();
    let header = envelope::Header {
        epoch: 1,
        schema: 1,
    };
    for (name, text) in [
        ("envelope-short", &b"Walk by the sea"[..]),
        ("envelope-empty", b""),
        ("envelope-long", &[b'x'; 3000]),
    ] {
        if let Ok(sealed) = envelope::seal(fixed_key(), header, &BINDING, text) {
            out.push(("record_envelope", name, sealed));
        }
    }
    if let Ok(device) = slot::seal_device(&PassThrough, &VAULT_ID, 1, fixed_key()) {
        out.push(("key_slot", "device-slot", device));
    }
    let cheap = crate::crypto::KdfParams::TESTING;
    if let Ok(secret) = slot::seal_secret(
        &PassThrough,
        &VAULT_ID,
        1,
        &Secret::from_text("482915"),
        cheap,
        fixed_key(),
    ) {
        out.push(("key_slot", "secret-slot", secret));
    }
    out
}

/// Every target of the core, by name, for the corpus replay and the fuzz crate (the HSDS
/// importer's is in harbour-publish, which owns it).
pub const TARGETS: &[(&str, Target)] = &[
    ("record_envelope", record_envelope),
    ("key_slot", key_slot),
    ("pack_signature", pack_signature),
    ("directory_pack", directory_pack),
    ("library_pack", library_pack),
    ("markdown", markdown),
    ("backup", backup),
    ("backup_payload", backup_payload),
];
