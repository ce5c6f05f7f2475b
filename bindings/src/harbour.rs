//! The root object.

use std::sync::Arc;

use harbour_core::{Config, Secret, UserText};

use crate::background::{self, Cancelled};
use crate::error::Result;
use crate::keystore::{ForeignKeyStore, PlatformKeyStore};
use crate::types::{CopingNote, CopingNoteList, HarbourConfig, KdfInfo, VaultState};

/// One per app process, shared by every thread (and by a widget in the same process).
///
/// Threading: calls marked `suspend` in Kotlin and `async` in Swift do slow work (a key
/// derivation, a backup, a long list) on a thread of their own; await them from anywhere.
/// `isUnlocked()`, `lock()`, `vaultState()` and the quick-access reads never wait for
/// another call and are safe on the main thread. Every other call is short but touches the
/// disk: make it from a background dispatcher or a detached task.
#[derive(uniffi::Object)]
pub struct Harbour {
    core: harbour_core::Harbour,
}

fn texts(v: Vec<String>) -> Vec<UserText> {
    v.into_iter().map(UserText::new).collect()
}

fn notes(v: Vec<harbour_core::Note>) -> Vec<CopingNote> {
    v.into_iter().map(CopingNote::from).collect()
}

// `Harbour.open`, with this build's contract id as its default (written by build.rs).
include!(concat!(env!("OUT_DIR"), "/contract.rs"));

/// This library's contract id: its version and a hash of its interface. For an about screen
/// or a bug report; `Harbour.open` already checks it against the bindings.
#[uniffi::export]
pub fn library_contract() -> String {
    CONTRACT.to_owned()
}

impl Harbour {
    pub(crate) fn core(&self) -> &harbour_core::Harbour {
        &self.core
    }

    fn open_checked(
        config: HarbourConfig,
        keystore: Arc<dyn PlatformKeyStore>,
        contract: &str,
    ) -> Result<Arc<Self>> {
        if contract != CONTRACT {
            return Err(crate::HarbourError::ContractMismatch {
                library: CONTRACT.to_owned(),
                bindings: contract.to_owned(),
            });
        }
        let mut core_config = Config::new(config.data_dir);
        core_config.locale = config.locale;
        core_config.kdf = config.kdf.to_core()?;
        // The fast, weak test profile only exists in builds made for the test suites.
        if cfg!(not(feature = "testing")) && core_config.kdf == harbour_core::KdfProfile::Testing {
            return Err(crate::HarbourError::InvalidInput {
                reason: "the testing key derivation exists only in test builds".to_owned(),
            });
        }
        let core = harbour_core::Harbour::open(core_config, Arc::new(ForeignKeyStore(keystore)))?;
        Ok(Arc::new(Harbour { core }))
    }

    /// Runs `work` on this object from a thread of its own (see [`background`]).
    pub(crate) async fn off_thread<T: Send + 'static>(
        self: Arc<Self>,
        work: impl FnOnce(&harbour_core::Harbour, Cancelled) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        background::run(move |cancelled| work(&self.core, cancelled)).await
    }
}

#[uniffi::export]
impl Harbour {
    // --- Vault ---

    /// Safe on the main thread: never waits for another call.
    pub fn vault_state(&self) -> Result<VaultState> {
        Ok(self.core.vault_state()?.into())
    }

    /// Creates the vault with a PIN (6+ digits) or passphrase (8+ characters), and leaves it
    /// unlocked. The secret bytes are wiped once used. Runs the key derivation.
    pub async fn create_vault(self: Arc<Self>, secret: Vec<u8>) -> Result<()> {
        let secret = Secret::new(secret);
        self.off_thread(move |core, _| Ok(core.create_vault(secret)?))
            .await
    }

    /// Runs the key derivation (about 0.75 s). Throws `Locked` if `lock()` was called while
    /// it ran: the lock wins, and the vault stays locked. Cancelling the call leaves the vault
    /// locked too, even if the secret was right.
    pub async fn unlock(self: Arc<Self>, secret: Vec<u8>) -> Result<()> {
        let secret = Secret::new(secret);
        self.off_thread(move |core, cancelled| {
            core.unlock_if_wanted(secret, &|| !cancelled.is_set())?;
            if cancelled.is_set() {
                // Cancelled in the instant after the keys went in: do not leave it open.
                core.lock()?;
            }
            Ok(())
        })
        .await
    }

    /// Wipes every key at once. Call when the app goes to the background. Safe on the main
    /// thread: it never waits for another call, even one that is mid-unlock.
    pub fn lock(&self) -> Result<()> {
        Ok(self.core.lock()?)
    }

    /// Safe on the main thread: answered without waiting for any other call.
    pub fn is_unlocked(&self) -> bool {
        self.core.is_unlocked()
    }

    /// Checks `current`, then seals the vault's key under `newSecret`. Runs the key
    /// derivation twice.
    pub async fn change_secret(
        self: Arc<Self>,
        current: Vec<u8>,
        new_secret: Vec<u8>,
    ) -> Result<()> {
        let (current, new_secret) = (Secret::new(current), Secret::new(new_secret));
        self.off_thread(move |core, _| Ok(core.change_secret(current, new_secret)?))
            .await
    }

    pub fn kdf_info(&self) -> Result<KdfInfo> {
        Ok(self.core.kdf_params()?.into())
    }

    // --- Coping notes (need the vault unlocked) ---

    pub fn add_note(&self, text: String, tags: Vec<String>) -> Result<CopingNote> {
        Ok(self.core.add_note(UserText::new(text), texts(tags))?.into())
    }

    pub fn edit_note(&self, id: String, text: String) -> Result<CopingNote> {
        Ok(self.core.edit_note(&id, UserText::new(text))?.into())
    }

    pub fn set_note_tags(&self, id: String, tags: Vec<String>) -> Result<CopingNote> {
        Ok(self.core.set_note_tags(&id, texts(tags))?.into())
    }

    pub fn set_note_pinned(&self, id: String, pinned: bool) -> Result<CopingNote> {
        Ok(self.core.set_note_pinned(&id, pinned)?.into())
    }

    /// Quick-access notes are readable without the PIN (e.g. reasons for living).
    pub fn set_note_quick_access(&self, id: String, quick_access: bool) -> Result<CopingNote> {
        Ok(self.core.set_note_quick_access(&id, quick_access)?.into())
    }

    pub fn note(&self, id: String) -> Result<CopingNote> {
        Ok(self.core.note(&id)?.into())
    }

    /// Pinned first, then newest first, with a count of notes that could not be read.
    pub async fn list_notes(self: Arc<Self>) -> Result<CopingNoteList> {
        self.off_thread(|core, _| Ok(core.list_notes()?.into()))
            .await
    }

    /// Notes containing every word, ignoring case and accents.
    pub async fn search_notes(self: Arc<Self>, query: String) -> Result<CopingNoteList> {
        self.off_thread(move |core, _| Ok(core.search_notes(&query)?.into()))
            .await
    }

    pub fn delete_note(&self, id: String) -> Result<()> {
        Ok(self.core.delete_note(&id)?)
    }

    /// Notes marked quick access. Needs no secret; safe on the main thread (a lock screen or
    /// widget): never waits for another call.
    pub fn quick_access_notes(&self) -> Result<Vec<CopingNote>> {
        Ok(notes(self.core.quick_access_notes()?))
    }
}

/// Panics on purpose, so the foreign test suites can prove a Rust panic reaches them as an
/// exception rather than a crash. Only in builds with the `testing` feature.
///
/// It returns a `Result` like every call that can fail: uniffi's Swift turns a panic in a
/// throwing function into a thrown error, but in a non-throwing one into a crash.
#[cfg(feature = "testing")]
#[uniffi::export]
pub fn testing_trigger_panic() -> Result<()> {
    #[allow(clippy::panic)]
    {
        panic!("deliberate panic for the foreign test suites");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keystore::PlatformKeyError;
    use crate::types::KdfSetting;

    struct NoKeys;
    impl PlatformKeyStore for NoKeys {
        fn wrap(&self, _: String, _: Vec<u8>) -> Result<Vec<u8>, PlatformKeyError> {
            Err(PlatformKeyError::Unavailable)
        }
        fn unwrap(&self, _: String, _: Vec<u8>) -> Result<Vec<u8>, PlatformKeyError> {
            Err(PlatformKeyError::Unavailable)
        }
        fn delete(&self, _: String) -> Result<(), PlatformKeyError> {
            Ok(())
        }
    }

    fn config(dir: &std::path::Path) -> HarbourConfig {
        HarbourConfig {
            data_dir: dir.to_string_lossy().into_owned(),
            locale: "en-GB".to_owned(),
            kdf: KdfSetting::Calibrated {
                target: std::time::Duration::from_millis(10),
                max_memory_mib: 8,
            },
        }
    }

    #[test]
    fn bindings_from_another_build_are_refused_at_open_and_nothing_is_made() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        let stale = format!("{}+abcdefabcdef", env!("CARGO_PKG_VERSION"));
        let Err(e) = Harbour::open_checked(config(&data), Arc::new(NoKeys), &stale) else {
            panic!("opened with another build's contract");
        };
        assert_eq!(
            e.to_string(),
            format!("the bindings ({stale}) do not match the library ({CONTRACT})")
        );
        assert!(!data.exists(), "a refused open created the data directory");
        assert!(Harbour::open_checked(config(&data), Arc::new(NoKeys), CONTRACT).is_ok());
        assert_eq!(library_contract(), CONTRACT);
    }

    #[test]
    fn the_contract_names_the_version_and_a_testing_build() {
        let expected = match cfg!(feature = "testing") {
            true => format!("{}+testing+", env!("CARGO_PKG_VERSION")),
            false => format!("{}+", env!("CARGO_PKG_VERSION")),
        };
        let hash = CONTRACT.strip_prefix(&expected).unwrap();
        assert!(hash.len() == 12 && hash.bytes().all(|b| b.is_ascii_hexdigit()));
    }
}

#[cfg(test)]
#[path = "../contract_id.rs"]
mod contract_id;

#[cfg(test)]
mod contract_id_tests {
    use super::contract_id::contract_id;

    fn files(text: &str) -> Vec<(String, String)> {
        vec![("src/a.rs".to_owned(), text.to_owned())]
    }

    #[test]
    fn comments_and_blank_lines_keep_the_id_and_code_changes_it() {
        let base = contract_id("1.0.0", false, &files("pub fn open() {}\n"));
        let commented = contract_id(
            "1.0.0",
            false,
            &files("/// Opens it.\n\n   // why\npub fn open() {}\n"),
        );
        assert_eq!(base, commented);
        assert_ne!(
            base,
            contract_id("1.0.0", false, &files("pub fn open(x: u8) {}"))
        );
        assert_ne!(
            base,
            contract_id("1.0.1", false, &files("pub fn open() {}"))
        );
        assert_ne!(base, contract_id("1.0.0", true, &files("pub fn open() {}")));
    }

    #[test]
    fn the_order_files_are_found_in_does_not_matter_but_their_names_do() {
        let a = ("src/a.rs".to_owned(), "fn a() {}".to_owned());
        let b = ("src/b.rs".to_owned(), "fn b() {}".to_owned());
        let one = contract_id("1", false, &[a.clone(), b.clone()]);
        assert_eq!(one, contract_id("1", false, &[b.clone(), a.clone()]));
        let moved = ("src/c.rs".to_owned(), b.1.clone());
        assert_ne!(one, contract_id("1", false, &[a, moved]));
    }
}
