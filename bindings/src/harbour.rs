//! The root object.

use std::sync::Arc;

use harbour_core::{Config, Secret, UserText};

use crate::error::Result;
use crate::keystore::{ForeignKeyStore, PlatformKeyStore};
use crate::types::{HarbourConfig, KdfInfo, Note, NoteList, VaultState};

/// One per app process. Thread-safe; every call is synchronous, so call from a background
/// thread (calls that unlock run the password KDF, about 0.75 s by design).
#[derive(uniffi::Object)]
pub struct Harbour {
    core: harbour_core::Harbour,
}

fn texts(v: Vec<String>) -> Vec<UserText> {
    v.into_iter().map(UserText::new).collect()
}

fn notes(v: Vec<harbour_core::Note>) -> Vec<Note> {
    v.into_iter().map(Note::from).collect()
}

impl Harbour {
    pub(crate) fn core(&self) -> &harbour_core::Harbour {
        &self.core
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
        core_config.kdf = config.kdf.to_core();
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

    pub fn vault_state(&self) -> Result<VaultState> {
        Ok(self.core.vault_state()?.into())
    }

    /// Creates the vault with a PIN (6+ digits) or passphrase (8+ characters), and leaves it
    /// unlocked. The secret bytes are wiped once used.
    pub fn create_vault(&self, secret: Vec<u8>) -> Result<()> {
        Ok(self.core.create_vault(Secret::new(secret))?)
    }

    /// Runs the key derivation (about 0.75 s): call from a background thread. Throws `Locked`
    /// if `lock()` was called while it ran: the lock wins, and the vault stays locked.
    pub fn unlock(&self, secret: Vec<u8>) -> Result<()> {
        Ok(self.core.unlock(Secret::new(secret))?)
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

    pub fn change_secret(&self, current: Vec<u8>, new_secret: Vec<u8>) -> Result<()> {
        Ok(self
            .core
            .change_secret(Secret::new(current), Secret::new(new_secret))?)
    }

    pub fn kdf_info(&self) -> Result<KdfInfo> {
        Ok(self.core.kdf_params()?.into())
    }

    // --- Coping notes (need the vault unlocked) ---

    pub fn add_note(&self, text: String, tags: Vec<String>) -> Result<Note> {
        Ok(self.core.add_note(UserText::new(text), texts(tags))?.into())
    }

    pub fn edit_note(&self, id: String, text: String) -> Result<Note> {
        Ok(self.core.edit_note(&id, UserText::new(text))?.into())
    }

    pub fn set_note_tags(&self, id: String, tags: Vec<String>) -> Result<Note> {
        Ok(self.core.set_note_tags(&id, texts(tags))?.into())
    }

    pub fn set_note_pinned(&self, id: String, pinned: bool) -> Result<Note> {
        Ok(self.core.set_note_pinned(&id, pinned)?.into())
    }

    /// Quick-access notes are readable without the PIN (e.g. reasons for living).
    pub fn set_note_quick_access(&self, id: String, quick_access: bool) -> Result<Note> {
        Ok(self.core.set_note_quick_access(&id, quick_access)?.into())
    }

    pub fn note(&self, id: String) -> Result<Note> {
        Ok(self.core.note(&id)?.into())
    }

    /// Pinned first, then newest first, with a count of notes that could not be read.
    pub fn list_notes(&self) -> Result<NoteList> {
        Ok(self.core.list_notes()?.into())
    }

    /// Notes containing every word, ignoring case and accents.
    pub fn search_notes(&self, query: String) -> Result<NoteList> {
        Ok(self.core.search_notes(&query)?.into())
    }

    pub fn delete_note(&self, id: String) -> Result<()> {
        Ok(self.core.delete_note(&id)?)
    }

    /// Notes marked quick access. Needs no secret.
    pub fn quick_access_notes(&self) -> Result<Vec<Note>> {
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
