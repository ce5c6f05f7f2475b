//! The vault's session state, and the only code that changes it.
//!
//! Who may read what right now — the open database, the unlocked keys, a running supported
//! session, when the secret was last entered — is security policy. It lives in one place,
//! behind one mutex, with private fields: every change goes through a method here (unlocked,
//! locked, reauthenticated, a supported session begun or ended), so "locking forgets the keys,
//! ends the session and the fresh-secret window" is written once, not at every call site.
//!
//! The rest of the crate gets access through guards that each check one rule when they are
//! made ([`Unlocked`]: keys held and still current; notes: and no supported session;
//! [`Quick`]: a vault to read with no secret) and wipe the stack the call used when they drop
//! (see `stack.rs`), so no caller has to remember to.
//!
//! Checking a secret (unlock, reauthenticate) does not hold the mutex: the key is derived
//! on a connection of its own, one derivation at a time ([`SessionState::kdf_turn`]), and the
//! keys are installed in a short hold after. Work that changes keys (a rotation, a new
//! secret) still holds it for most of a second, as a long list can.
//!
//! Two answers never wait for that mutex, because a UI asks them on its main thread:
//! "is it unlocked?" and "lock now". [`Status`] answers the first from atomics. A lock
//! bumps a counter first; keys installed before that number are dead from that instant —
//! `is_unlocked` is false, an unlock still running discards the keys it derives, and whoever
//! holds the mutex wipes them when it lets go (or the lock itself, if the mutex is free).
//! The state of the vault and the quick-access reads (what a lock screen or widget shows)
//! take the mutex only if it is free; otherwise they read through a connection of their own.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, TryLockError};

use jiff::Timestamp;
use rusqlite::Transaction;

use crate::crypto::keys::{QuickKeys, VaultKeys};
use crate::keystore::PlatformKeyStore;
use crate::store::{self, Database};
use crate::supported_session::Supported;
use crate::vault::{self, claim::Claim};
use crate::{Error, Result};

pub(crate) struct SessionState {
    data_dir: PathBuf,
    keystore: Arc<dyn PlatformKeyStore>,
    inner: Mutex<Inner>,
    status: Status,
    /// One key derivation at a time (each takes 64 MiB on a phone). Held instead of the state
    /// mutex while a secret is checked, so nothing else waits for Argon2id.
    kdf: Mutex<()>,
    /// Whether this phone holds the vault's keys, once found out.
    device_keys: vault::DeviceKeys,
}

/// What the main thread may ask without the state mutex.
struct Status {
    /// How many times `lock` has been called. Keys belong to the count they were installed at.
    locks: AtomicU64,
    /// The count the held keys were installed at, or [`NO_KEYS`].
    keys_at: AtomicU64,
    /// A lock found the mutex busy: the holder wipes the keys when it lets go.
    wipe_pending: AtomicBool,
    /// A supported session is running, for quick-access reads made beside a busy mutex.
    supported: AtomicBool,
    /// A lock happened since the WAL was last checkpointed: the next holder of the mutex
    /// checkpoints as it lets go, so `lock` itself never waits for disk.
    checkpoint_due: AtomicBool,
}

const NO_KEYS: u64 = u64::MAX;

/// Everything behind the lock. Dropping `keys` wipes them.
#[derive(Default)]
struct Inner {
    db: Option<Database>,
    keys: Option<VaultKeys>,
    /// The lock count `keys` were installed at; different from `Status::locks`: a lock came
    /// since, and they must go.
    keys_at: u64,
    /// A supported session is running: notes are refused.
    supported: Option<Supported>,
    /// When the secret was last entered (create, unlock, reauthenticate).
    authenticated_at: Option<Timestamp>,
}

impl Inner {
    /// What locking means, in one place: the keys, the supported session and the
    /// fresh-secret window all go together.
    fn forget(&mut self) {
        self.keys = None;
        self.supported = None;
        self.authenticated_at = None;
    }
}

impl SessionState {
    pub(crate) fn new(data_dir: PathBuf, keystore: Arc<dyn PlatformKeyStore>) -> Self {
        SessionState {
            data_dir,
            keystore,
            inner: Mutex::new(Inner::default()),
            status: Status {
                locks: AtomicU64::new(0),
                keys_at: AtomicU64::new(NO_KEYS),
                wipe_pending: AtomicBool::new(false),
                supported: AtomicBool::new(false),
                checkpoint_due: AtomicBool::new(false),
            },
            kdf: Mutex::new(()),
            device_keys: vault::DeviceKeys::default(),
        }
    }

    fn locks(&self) -> u64 {
        self.status.locks.load(Ordering::SeqCst)
    }

    /// The state mutex if it is free right now (a poisoned one is still sound: see `inner`).
    fn try_inner(&self) -> Option<MutexGuard<'_, Inner>> {
        match self.inner.try_lock() {
            Ok(inner) => Some(inner),
            Err(TryLockError::Poisoned(e)) => Some(e.into_inner()),
            Err(TryLockError::WouldBlock) => None,
        }
    }

    /// Forgets the keys (and all that goes with them) and says so to `is_unlocked`.
    fn wipe(&self, inner: &mut Inner) {
        inner.forget();
        self.status.keys_at.store(NO_KEYS, Ordering::SeqCst);
        self.status.supported.store(false, Ordering::SeqCst);
    }

    /// Carries out a lock that came while someone else held the mutex.
    fn apply_pending_lock(&self, inner: &mut Inner) {
        if inner.keys.is_some() && inner.keys_at != self.locks() {
            self.wipe(inner);
        }
    }

    /// Wraps the mutex, taken by a call that began at lock count `began_at`.
    fn held<'s>(&'s self, began_at: u64, mut inner: MutexGuard<'s, Inner>) -> Held<'s> {
        self.apply_pending_lock(&mut inner);
        Held {
            owner: self,
            began_at,
            inner,
            _after: AfterRelease { owner: self },
        }
    }

    /// A panic in another thread must not make the vault unusable: the state holds no
    /// half-made changes (the database is transactional), so a poisoned lock is still sound.
    fn inner(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn db_path(&self) -> PathBuf {
        self.data_dir.join(store::DB_FILE)
    }

    /// Takes the state lock, for the vault lifecycle (create, unlock, rotate, erase).
    pub(crate) fn hold(&self) -> Held<'_> {
        // Read before waiting: a lock that comes while this call waits for the mutex was
        // asked for after the call began, and wins over it.
        self.hold_from(self.began())
    }

    /// The lock count now: a call that checks a secret outside the state lock reads it before
    /// it starts, and hands it to [`SessionState::hold_from`], so a lock meanwhile wins.
    pub(crate) fn began(&self) -> u64 {
        self.locks()
    }

    /// Takes the state lock for a call that began at `began_at` (see [`SessionState::began`]).
    pub(crate) fn hold_from(&self, began_at: u64) -> Held<'_> {
        self.held(began_at, self.inner())
    }

    /// A turn at the key derivation, with a connection of its own, for checking a secret
    /// without the state lock: everything else goes on meanwhile. Wipes the stack as it ends.
    pub(crate) fn kdf_turn(&self) -> Result<KdfTurn<'_>> {
        let gate = self.kdf.lock().unwrap_or_else(|e| e.into_inner());
        if !self.db_path().exists() {
            return Err(Error::NoVault);
        }
        Ok(KdfTurn {
            db: Database::open(&self.db_path())?,
            _gate: gate,
        })
    }

    /// The state lock if it is free right now.
    pub(crate) fn try_hold(&self) -> Option<Held<'_>> {
        let began_at = self.locks();
        Some(self.held(began_at, self.try_inner()?))
    }

    /// The vault's state read through a connection of its own, for when the state lock is
    /// busy: a main thread asking must not wait out another thread's key derivation.
    pub(crate) fn vault_state_aside(&self, now: Timestamp) -> Result<vault::VaultState> {
        if !self.db_path().exists() {
            return Ok(vault::VaultState::NoVault);
        }
        let mut db = Database::open_for_glance(&self.db_path())?;
        vault::state(Some(&mut db), self.is_unlocked(), self.device_keys(), now)
    }

    pub(crate) fn forget_device_keys(&self) {
        self.device_keys.forget();
    }

    /// What the vault's state needs to tell a vault this phone has no keys for.
    pub(crate) fn device_keys(&self) -> (&vault::DeviceKeys, &dyn PlatformKeyStore) {
        (&self.device_keys, self.keystore.as_ref())
    }

    /// Never waits for the state mutex.
    pub(crate) fn is_unlocked(&self) -> bool {
        let at = self.status.keys_at.load(Ordering::SeqCst);
        at != NO_KEYS && at == self.locks()
    }

    /// Never waits for the state mutex (a coping moment asks it beside a rotation).
    pub(crate) fn supported_active(&self) -> bool {
        self.status.supported.load(Ordering::SeqCst)
    }

    pub(crate) fn authenticated_at(&self) -> Option<Timestamp> {
        self.inner().authenticated_at
    }

    /// Forgets every key. Never waits for the state mutex or the disk: from the moment it
    /// returns no call can use the keys; if another call holds the mutex (a rotation, a long
    /// list), that call wipes them as it lets go. The WAL checkpoint that
    /// goes with a lock (so old pages leave the side file) is left to the next call that
    /// holds the mutex, or to closing: the pages are ciphertext either way, and a quick exit
    /// on the main thread must not wait on a disk flush.
    pub(crate) fn lock(&self) -> Result<()> {
        self.status.locks.fetch_add(1, Ordering::SeqCst);
        self.status.wipe_pending.store(true, Ordering::SeqCst);
        self.status.checkpoint_due.store(true, Ordering::SeqCst);
        let Some(mut inner) = self.try_inner() else {
            return Ok(());
        };
        self.status.wipe_pending.store(false, Ordering::SeqCst);
        self.wipe(&mut inner);
        Ok(())
    }

    /// The database and the unlocked keys, or why there are none.
    pub(crate) fn unlocked(&self) -> Result<Unlocked<'_>> {
        let mut held = self.hold();
        held.require_unlocked()?;
        if let (Some(db), Some(keys)) = (held.inner.db.as_ref(), held.inner.keys.as_ref()) {
            // Another handle or process rotated the data key: the keys held here open nothing
            // any more. That is "locked" (unlock again), never tampering, and nothing is
            // written with them.
            if vault::current_epoch(db.conn())? == keys.epoch {
                return Ok(Unlocked { held });
            }
        }
        held.lock();
        Err(Error::Locked)
    }

    /// As [`SessionState::unlocked`], but only if the state lock is free right now, for a
    /// crisis call (a coping moment) that must never wait out another call's key derivation
    /// or rotation: `None` and the caller falls back to what quick access can read.
    pub(crate) fn try_unlocked(&self) -> Option<Unlocked<'_>> {
        let held = self.try_hold()?;
        held.require_unlocked().ok()?;
        let (Some(db), Some(keys)) = (held.inner.db.as_ref(), held.inner.keys.as_ref()) else {
            return None;
        };
        (vault::current_epoch(db.conn()).ok()? == keys.epoch).then_some(Unlocked { held })
    }

    /// As [`SessionState::unlocked`], for private notes: refused during a supported session.
    pub(crate) fn notes(&self) -> Result<Unlocked<'_>> {
        let unlocked = self.unlocked()?;
        unlocked.held.refuse_during_session()?;
        Ok(unlocked)
    }

    /// The vault, for reading quick-access records with no secret. `None`: no vault yet.
    ///
    /// Never waits for the state mutex: quick access is what a lock screen or widget shows,
    /// often on a main thread, so while another call holds the mutex (a rotation deriving its
    /// key) the read goes through a short-lived connection of its own.
    pub(crate) fn quick(&self) -> Result<Option<Quick<'_>>> {
        let supported = self.status.supported.load(Ordering::SeqCst);
        let source = match self.try_hold() {
            Some(mut held) => match held.database_for_glance()? {
                Some(_) => QuickSource::Held(held),
                None => return Ok(None),
            },
            None if !self.db_path().exists() => return Ok(None),
            None => QuickSource::Aside(Database::open_for_glance(&self.db_path())?),
        };
        Ok(Some(Quick {
            owner: self,
            source,
            supported,
        }))
    }

    /// Runs `f` on the running supported session.
    pub(crate) fn supported<T>(&self, f: impl FnOnce(&mut Supported) -> T) -> Result<T> {
        self.inner()
            .supported
            .as_mut()
            .map(f)
            .ok_or(Error::NotFound("supported session"))
    }
}

/// A turn at the key derivation (see [`SessionState::kdf_turn`]).
pub(crate) struct KdfTurn<'s> {
    pub(crate) db: Database,
    _gate: MutexGuard<'s, ()>,
}

impl Drop for KdfTurn<'_> {
    fn drop(&mut self) {
        // The derivation ran on this stack.
        crate::stack::scrub();
    }
}

/// The state lock, held. Wipes the stack on drop: what is done under it handles keys.
pub(crate) struct Held<'s> {
    owner: &'s SessionState,
    /// The lock count when this call began: keys it installs must belong to it.
    began_at: u64,
    // Field order matters: `inner` (the mutex) is released before `_after` runs.
    inner: MutexGuard<'s, Inner>,
    _after: AfterRelease<'s>,
}

/// Runs once the mutex is released: a lock that came meanwhile, and found the mutex busy,
/// is carried out now rather than at the next call.
struct AfterRelease<'s> {
    owner: &'s SessionState,
}

impl Drop for AfterRelease<'_> {
    fn drop(&mut self) {
        let owner = self.owner;
        if owner.status.wipe_pending.swap(false, Ordering::SeqCst) {
            match owner.try_inner() {
                Some(mut inner) => owner.apply_pending_lock(&mut inner),
                // Busy again: its holder gets here too when it lets go.
                None => owner.status.wipe_pending.store(true, Ordering::SeqCst),
            }
        }
    }
}

impl Held<'_> {
    /// The vault-wide claim, for operations that change keys or the vault's shape. Only a
    /// holder of the state lock can take it, so the order (lock, then claim) cannot be broken
    /// and nothing can deadlock.
    pub(crate) fn claim(&self) -> Result<Claim> {
        create_private_dir(&self.owner.data_dir)?;
        Claim::acquire(&self.owner.data_dir)
    }

    /// Opens the database if it exists (or `create` is set).
    pub(crate) fn database(&mut self, create: bool) -> Result<Option<&mut Database>> {
        self.open_database(create, false)
    }

    /// The database if it exists, for a glance: opening it (and the clean-up that follows)
    /// waits at most the glance time for another process. Reads on it go through
    /// [`Database::glance`].
    pub(crate) fn database_for_glance(&mut self) -> Result<Option<&mut Database>> {
        self.open_database(false, true)
    }

    fn open_database(&mut self, create: bool, glance: bool) -> Result<Option<&mut Database>> {
        if self.inner.db.is_none() {
            let path = self.owner.db_path();
            if !create && !path.exists() {
                return Ok(None);
            }
            if create {
                create_private_dir(&self.owner.data_dir)?;
            }
            let store = self.owner.keystore.as_ref();
            // Finish any key deletion a crash interrupted. A key store that is unavailable now
            // (or, for a glance, a database busy now) is asked again next time.
            let db = if glance {
                let mut db = Database::open_in_glance(&path)?;
                let _ = db.glance(|db| vault::delete_retired_keys(db, store));
                db
            } else {
                let mut db = Database::open(&path)?;
                let _ = vault::delete_retired_keys(&mut db, store);
                db
            };
            self.inner.db = Some(db);
        }
        Ok(self.inner.db.as_mut())
    }

    /// The database, which must exist.
    pub(crate) fn existing(&mut self) -> Result<&mut Database> {
        self.database(false)?.ok_or(Error::NoVault)
    }

    pub(crate) fn is_unlocked(&self) -> bool {
        self.inner.keys.is_some()
    }

    pub(crate) fn supported_active(&self) -> bool {
        self.inner.supported.is_some()
    }

    /// Refuses unless the vault is unlocked: `Locked`, or `NoVault` when there is none.
    pub(crate) fn require_unlocked(&self) -> Result<()> {
        match self.inner.keys {
            Some(_) => Ok(()),
            None if self.owner.db_path().exists() => Err(Error::Locked),
            None => Err(Error::NoVault),
        }
    }

    /// Refuses while a supported session runs: private notes stay hidden.
    pub(crate) fn refuse_during_session(&self) -> Result<()> {
        match self.inner.supported {
            Some(_) => Err(Error::SessionActive),
            None => Ok(()),
        }
    }

    /// The secret was just entered and opened `keys`. `false`: the vault was locked while
    /// this call ran, so the keys are dropped (wiped) instead — the lock wins.
    #[must_use]
    pub(crate) fn unlocked(&mut self, keys: VaultKeys, now: Timestamp) -> bool {
        if self.owner.locks() != self.began_at {
            return false;
        }
        self.inner.keys = Some(keys);
        self.inner.keys_at = self.began_at;
        self.inner.authenticated_at = Some(now);
        self.owner
            .status
            .keys_at
            .store(self.began_at, Ordering::SeqCst);
        // A lock between the check and the store: `is_unlocked` already answers false (the
        // counts differ), and `_after` wipes the keys as this call lets go.
        true
    }

    /// The secret was entered again while unlocked. `Locked` if a lock came since this call
    /// began: the keys it vouched for are gone.
    pub(crate) fn reauthenticated(&mut self, now: Timestamp) -> Result<()> {
        if self.owner.locks() != self.began_at {
            return Err(Error::Locked);
        }
        self.require_unlocked()?;
        self.inner.authenticated_at = Some(now);
        Ok(())
    }

    pub(crate) fn lock(&mut self) {
        self.owner.wipe(&mut self.inner);
    }

    /// Locks and closes the database, so its files can be deleted.
    pub(crate) fn close(&mut self) {
        self.lock();
        self.inner.db = None;
    }

    /// Starts a supported session (kept if one is running). Needs the vault unlocked.
    pub(crate) fn begin_supported(&mut self) -> Result<()> {
        self.require_unlocked()?;
        self.inner.supported.get_or_insert_with(Supported::default);
        self.owner.status.supported.store(true, Ordering::SeqCst);
        Ok(())
    }

    /// Ends the supported session (the caller has checked the young person's secret).
    pub(crate) fn end_supported(&mut self) {
        self.inner.supported = None;
        self.owner.status.supported.store(false, Ordering::SeqCst);
    }
}

impl Drop for Held<'_> {
    fn drop(&mut self) {
        // A lock that came while this call ran: its keys go before the mutex is let go.
        self.owner.apply_pending_lock(&mut self.inner);
        if self
            .owner
            .status
            .checkpoint_due
            .swap(false, Ordering::SeqCst)
            && let Some(db) = self.inner.db.as_ref()
        {
            // Best effort: the keys are gone whatever the WAL does (PASSIVE never waits).
            let _ = db.checkpoint();
        }
        crate::stack::scrub();
    }
}

/// The vault unlocked, with keys of the current epoch.
pub(crate) struct Unlocked<'s> {
    held: Held<'s>,
}

impl Unlocked<'_> {
    /// Runs `f` with the database and keys.
    pub(crate) fn run<T>(
        mut self,
        f: impl FnOnce(&mut Database, &VaultKeys) -> Result<T>,
    ) -> Result<T> {
        let inner = &mut *self.held.inner;
        let (Some(db), Some(keys)) = (inner.db.as_mut(), inner.keys.as_ref()) else {
            return Err(Error::Locked);
        };
        let out = f(db, keys);
        // A rotation elsewhere committed while `f` ran: the record it could not open is not
        // tampering, the keys are simply old.
        let moved = matches!(out, Err(Error::Tampered))
            && vault::current_epoch(db.conn()).is_ok_and(|e| e != keys.epoch);
        if moved {
            self.held.lock();
            return Err(Error::Locked);
        }
        out
    }
}

/// A vault to read through the device-only key, with no secret.
pub(crate) struct Quick<'s> {
    owner: &'s SessionState,
    source: QuickSource<'s>,
    /// Whether a supported session ran when the read began.
    supported: bool,
}

enum QuickSource<'s> {
    /// The session's own connection, with the state lock held.
    Held(Held<'s>),
    /// A connection of its own, because the state lock was busy.
    Aside(Database),
}

impl Quick<'_> {
    pub(crate) fn supported_active(&self) -> bool {
        self.supported
    }

    pub(crate) fn refuse_during_session(&self) -> Result<()> {
        match self.supported {
            true => Err(Error::SessionActive),
            false => Ok(()),
        }
    }

    /// Runs `f` in one read snapshot with the quick-access keys: the epoch, the device slot
    /// and the records all of one moment. A database with no vault row reads as empty.
    pub(crate) fn read<T: Default>(
        mut self,
        f: impl FnOnce(&Transaction<'_>, &QuickKeys) -> Result<T>,
    ) -> Result<T> {
        let keystore = self.owner.keystore.as_ref();
        let db = match &mut self.source {
            QuickSource::Held(held) => held.database_for_glance()?.ok_or(Error::NoVault)?,
            QuickSource::Aside(db) => db,
        };
        db.glance(|db| {
            db.read(|tx| {
                if vault::vault_row(tx)?.is_none() {
                    return Ok(T::default());
                }
                let quick = vault::quick_keys(tx, keystore)?;
                f(tx, &quick)
            })
        })
    }
}

fn create_private_dir(dir: &Path) -> Result<()> {
    Ok(crate::atomic_file::create_private_dir(dir)?)
}

#[cfg(test)]
impl SessionState {
    /// The open database, for tests that look at what is on disk.
    pub(crate) fn with_database<T>(&self, f: impl FnOnce(&mut Database) -> T) -> Option<T> {
        self.inner().db.as_mut().map(f)
    }
}
