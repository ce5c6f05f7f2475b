//! [`Harbour`]: the one object an app holds.
//!
//! Opening never touches the vault, so that help-now and the first-aid library work even if
//! the vault's database is damaged, locked out or missing: the crisis surface does not depend
//! on anything that can fail in the encrypted store. The database is opened on first use.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use jiff::Timestamp;

use crate::clock::{Clock, SystemClock};
use crate::crypto::kdf::{KdfParams, KdfProfile};
use crate::crypto::keys::VaultKeys;
use crate::directory::Directory;
use crate::keystore::PlatformKeyStore;
use crate::library::Library;
use crate::pack::{PackKind, PackSlot, PackStore};
use crate::secret::Secret;
use crate::store::records::{self, Compartment, Record, Table};
use crate::store::{self, Database};
use crate::vault::{self, VaultState};
use crate::{Error, Result};

#[derive(Debug, Clone)]
pub struct Config {
    /// Where the encrypted database lives. Apps pass their private files directory.
    pub data_dir: PathBuf,
    /// BCP 47 language tag for shown text, e.g. `en-GB`.
    pub locale: String,
    /// How new key slots choose their Argon2id parameters.
    pub kdf: KdfProfile,
}

impl Config {
    pub fn new(data_dir: impl Into<PathBuf>) -> Self {
        Config {
            data_dir: data_dir.into(),
            locale: "en-GB".to_owned(),
            kdf: KdfProfile::default(),
        }
    }
}

pub struct Harbour {
    config: Config,
    keystore: Arc<dyn PlatformKeyStore>,
    clock: Arc<dyn Clock>,
    state: Mutex<State>,
    packs: Packs,
}

/// The signed packs in use, each loaded on first use. Kept apart from the vault's lock so
/// help-now never waits behind an unlock.
pub(crate) struct Packs {
    pub(crate) directory: PackSlot<Directory>,
    pub(crate) library: PackSlot<Library>,
}

impl Default for Packs {
    fn default() -> Self {
        Packs {
            directory: PackSlot::new(
                PackKind::Directory,
                (
                    crate::directory::BASELINE_PACK,
                    crate::directory::BASELINE_SIGNATURE,
                ),
            ),
            library: PackSlot::new(
                PackKind::Library,
                (
                    crate::library::BASELINE_PACK,
                    crate::library::BASELINE_SIGNATURE,
                ),
            ),
        }
    }
}

/// Everything behind the lock. Dropping `keys` wipes them.
#[derive(Default)]
pub(crate) struct State {
    pub(crate) db: Option<Database>,
    pub(crate) keys: Option<VaultKeys>,
    /// A supported session is running: notes are refused.
    pub(crate) session: Option<crate::walkthrough::Session>,
    /// When the secret was last entered (create, unlock, reauthenticate).
    pub(crate) authenticated_at: Option<Timestamp>,
}

impl Harbour {
    pub fn open(config: Config, keystore: Arc<dyn PlatformKeyStore>) -> Result<Self> {
        Self::open_with_clock(config, keystore, Arc::new(SystemClock))
    }

    pub fn open_with_clock(
        config: Config,
        keystore: Arc<dyn PlatformKeyStore>,
        clock: Arc<dyn Clock>,
    ) -> Result<Self> {
        if config.data_dir.as_os_str().is_empty() {
            return Err(Error::InvalidInput("the data directory is empty"));
        }
        Ok(Harbour {
            config,
            keystore,
            clock,
            state: Mutex::new(State::default()),
            packs: Packs::default(),
        })
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    pub(crate) fn now(&self) -> Timestamp {
        self.clock.now()
    }

    pub(crate) fn keystore(&self) -> &dyn PlatformKeyStore {
        self.keystore.as_ref()
    }

    pub(crate) fn packs(&self) -> &Packs {
        &self.packs
    }

    pub(crate) fn pack_store(&self) -> PackStore {
        PackStore::new(self.config.data_dir.join("packs"))
    }

    pub(crate) fn db_path(&self) -> PathBuf {
        self.config.data_dir.join(store::DB_FILE)
    }

    /// The vault-wide claim, for operations that change keys or the vault's shape. Taken
    /// while the state lock is held (always in that order, so nothing can deadlock).
    pub(crate) fn claim(&self) -> Result<vault::claim::Claim> {
        create_private_dir(&self.config.data_dir)?;
        vault::claim::Claim::acquire(&self.config.data_dir)
    }

    /// A panic in another thread must not make the vault unusable: the state holds no
    /// half-made changes (the database is transactional), so a poisoned lock is still sound.
    pub(crate) fn lock_state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Opens the database if it exists (or `create` is set).
    pub(crate) fn database<'s>(
        &self,
        state: &'s mut State,
        create: bool,
    ) -> Result<Option<&'s mut Database>> {
        if state.db.is_none() {
            let path = self.db_path();
            if !create && !path.exists() {
                return Ok(None);
            }
            if create {
                create_private_dir(&self.config.data_dir)?;
            }
            let mut db = Database::open(&path)?;
            // Finish any key deletion a crash interrupted. A key store that is unavailable now
            // will be asked again next time.
            let _ = vault::delete_retired_keys(&mut db, self.keystore());
            state.db = Some(db);
        }
        Ok(state.db.as_mut())
    }

    /// As [`Harbour::with_unlocked`], for private notes: refused during a supported session.
    pub(crate) fn with_notes<T>(
        &self,
        f: impl FnOnce(&mut Database, &VaultKeys) -> Result<T>,
    ) -> Result<T> {
        if self.session_active() {
            return Err(Error::SessionActive);
        }
        self.with_unlocked(f)
    }

    /// Runs `f` with the database and the unlocked keys, or says why it cannot.
    pub(crate) fn with_unlocked<T>(
        &self,
        f: impl FnOnce(&mut Database, &VaultKeys) -> Result<T>,
    ) -> Result<T> {
        let mut guard = self.lock_state();
        let state = &mut *guard;
        match (state.db.as_mut(), state.keys.as_ref()) {
            (Some(db), Some(keys)) => {
                // Another handle or process rotated the data key: the keys held here open
                // nothing any more. That is "locked" (unlock again), never tampering, and
                // nothing is written with them.
                if vault::current_epoch(db.conn())? == keys.epoch {
                    let out = f(db, keys);
                    crate::stack::scrub();
                    // The same, when the rotation committed while `f` ran.
                    let moved = matches!(out, Err(Error::Tampered))
                        && vault::current_epoch(db.conn()).is_ok_and(|e| e != keys.epoch);
                    if !moved {
                        return out;
                    }
                }
            }
            _ if self.db_path().exists() => return Err(Error::Locked),
            _ => return Err(Error::NoVault),
        }
        state.keys = None;
        state.session = None;
        state.authenticated_at = None;
        Err(Error::Locked)
    }

    /// Decodes every quick-access record of `table`, read through the device-only key with no
    /// secret. No vault yet means nothing to show, not an error.
    pub(crate) fn quick_access_records<T>(
        &self,
        table: Table,
        decode: impl Fn(&Record) -> Result<T>,
    ) -> Result<Vec<T>> {
        let mut guard = self.lock_state();
        let Some(db) = self.database(&mut guard, false)? else {
            return Ok(Vec::new());
        };
        // One snapshot: the epoch, the device slot and the records all of one moment.
        db.read(|tx| {
            if vault::vault_row(tx)?.is_none() {
                return Ok(Vec::new());
            }
            let quick = vault::quick_keys(tx, self.keystore())?;
            records::list(
                tx,
                records::Reader::Quick(&quick),
                table,
                Some(Compartment::QuickAccess),
            )?
            .iter()
            .map(decode)
            .collect()
        })
    }

    pub fn vault_state(&self) -> Result<VaultState> {
        let mut guard = self.lock_state();
        let unlocked = guard.keys.is_some();
        let now = self.now();
        let db = self.database(&mut guard, false)?;
        vault::state(db, unlocked, now)
    }

    /// Creates the vault and leaves it unlocked.
    pub fn create_vault(&self, secret: Secret) -> Result<()> {
        crate::stack::scrubbed(|| {
            let mut guard = self.lock_state();
            let claim = self.claim()?;
            let db = self.database(&mut guard, true)?.ok_or(Error::NoVault)?;
            let keys = vault::create(db, self.keystore(), &claim, &secret, &self.config.kdf)?;
            guard.keys = Some(keys);
            guard.authenticated_at = Some(self.now());
            Ok(())
        })
    }

    pub fn unlock(&self, secret: Secret) -> Result<()> {
        crate::stack::scrubbed(|| {
            let mut guard = self.lock_state();
            let now = self.now();
            let db = self.database(&mut guard, false)?.ok_or(Error::NoVault)?;
            let keys = vault::unlock(db, self.keystore(), &secret, now)?;
            guard.keys = Some(keys);
            guard.authenticated_at = Some(now);
            Ok(())
        })
    }

    /// Drops and wipes every key at once, and checkpoints the WAL. Ends a supported session
    /// too: unlocking again needs the secret.
    pub fn lock(&self) -> Result<()> {
        let mut guard = self.lock_state();
        guard.keys = None;
        guard.session = None;
        guard.authenticated_at = None;
        if let Some(db) = guard.db.as_ref() {
            db.checkpoint()?;
        }
        Ok(())
    }

    pub fn is_unlocked(&self) -> bool {
        self.lock_state().keys.is_some()
    }

    /// Re-wraps the data key under a new secret. No record is re-encrypted.
    pub fn change_secret(&self, current: Secret, new: Secret) -> Result<()> {
        crate::stack::scrubbed(|| {
            let mut guard = self.lock_state();
            let now = self.now();
            let claim = self.claim()?;
            let db = self.database(&mut guard, false)?.ok_or(Error::NoVault)?;
            vault::change_secret(
                db,
                self.keystore(),
                &claim,
                &current,
                &new,
                &self.config.kdf,
                now,
            )
        })
    }

    /// The Argon2id parameters the current secret slot uses.
    pub fn kdf_params(&self) -> Result<KdfParams> {
        let mut guard = self.lock_state();
        let db = self.database(&mut guard, false)?.ok_or(Error::NoVault)?;
        db.read(|tx| vault::kdf_params(tx, self.keystore()))
    }
}

fn create_private_dir(dir: &Path) -> Result<()> {
    Ok(crate::atomic_file::create_private_dir(dir)?)
}
