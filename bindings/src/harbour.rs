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

impl Harbour {
    pub(crate) fn core(&self) -> &harbour_core::Harbour {
        &self.core
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
    /// Opens Harbour. Never touches the vault: help now and the library work even when the
    /// vault is damaged or missing.
    #[uniffi::constructor]
    pub fn open(config: HarbourConfig, keystore: Arc<dyn PlatformKeyStore>) -> Result<Arc<Self>> {
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
