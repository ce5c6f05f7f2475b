//! The vault's lifecycle: create, unlock, lock, change the secret, rotate, erase.

use crate::crypto::kdf::KdfParams;
use crate::secret::Secret;
use crate::vault::{self, EraseReport, SetAside, VaultState};
use crate::{Error, Harbour, Result};

impl Harbour {
    /// Never waits behind another call: while one holds the vault (a rotation, a long
    /// list), the state is read through a short-lived connection of its own.
    pub fn vault_state(&self) -> Result<VaultState> {
        let now = self.now();
        let Some(mut held) = self.session.try_hold() else {
            return self.session.vault_state_aside(now);
        };
        let unlocked = held.is_unlocked();
        let keys = self.session.device_keys();
        match held.database_for_glance()? {
            Some(db) => db.glance(|db| vault::state(Some(db), unlocked, keys, now)),
            None => vault::state(None, unlocked, keys, now),
        }
    }

    /// Creates the vault and leaves it unlocked.
    pub fn create_vault(&self, secret: Secret) -> Result<()> {
        let out = self.create_vault_held(secret);
        self.tell_after(&out);
        out
    }

    fn create_vault_held(&self, secret: Secret) -> Result<()> {
        let mut held = self.session.hold();
        let claim = held.claim()?;
        let db = held.database(true)?.ok_or(Error::NoVault)?;
        let keys = vault::create(
            db,
            self.keystore.as_ref(),
            &claim,
            &secret,
            &self.config.kdf,
        )?;
        // Locked while it was being made: the vault exists, and stays locked.
        let _ = held.unlocked(keys, self.now());
        Ok(())
    }

    pub fn unlock(&self, secret: Secret) -> Result<()> {
        self.unlock_if_wanted(secret, &|| true)
    }

    /// As [`Harbour::unlock`], asking `wanted` just before the keys go in: a caller that has
    /// stopped waiting (a cancelled coroutine) gets `Locked` and the vault stays locked.
    pub fn unlock_if_wanted(&self, secret: Secret, wanted: &dyn Fn() -> bool) -> Result<()> {
        let out = self.unlock_held(secret, wanted);
        self.tell_after(&out);
        out
    }

    /// The key is derived on a connection of its own, without the state lock, so no other
    /// call waits behind Argon2id; the keys are installed in a short hold after.
    fn unlock_held(&self, secret: Secret, wanted: &dyn Fn() -> bool) -> Result<()> {
        let began_at = self.session.began();
        let now = self.now();
        let keys = {
            let mut turn = self.session.kdf_turn()?;
            vault::unlock(&mut turn.db, self.keystore.as_ref(), &secret, now)?
        };
        let mut held = self.session.hold_from(began_at);
        held.existing()?;
        if wanted() && held.unlocked(keys, now) {
            Ok(())
        } else {
            // `lock` came while the key was being derived (the quick exit), or nobody waits
            // for this unlock any more: the keys are dropped, wiped.
            Err(Error::Locked)
        }
    }

    /// Drops and wipes every key at once, without waiting for another call or the disk (the
    /// WAL checkpoint follows with the next call). Ends a supported session too: unlocking
    /// again needs the secret.
    pub fn lock(&self) -> Result<()> {
        let out = self.session.lock();
        self.tell_after(&out);
        out
    }

    pub fn is_unlocked(&self) -> bool {
        self.session.is_unlocked()
    }

    /// Enters the secret again, for actions that need a fresh unlock (export).
    pub fn reauthenticate(&self, secret: Secret) -> Result<()> {
        let out = self.reauthenticate_held(secret);
        self.tell_after(&out);
        out
    }

    /// Like unlock, the secret is checked without the state lock.
    fn reauthenticate_held(&self, secret: Secret) -> Result<()> {
        let began_at = self.session.began();
        self.session.hold().require_unlocked()?;
        let now = self.now();
        {
            let mut turn = self.session.kdf_turn()?;
            vault::check_secret(&mut turn.db, self.keystore.as_ref(), &secret, now)?;
        }
        self.session.hold_from(began_at).reauthenticated(now)
    }

    /// When the secret was last entered (for apps showing "enter your PIN again").
    pub fn authenticated_at(&self) -> Option<jiff::Timestamp> {
        self.session.authenticated_at()
    }

    /// Re-wraps the data key under a new secret. No record is re-encrypted.
    pub fn change_secret(&self, current: Secret, new: Secret) -> Result<()> {
        let mut held = self.session.hold();
        let now = self.now();
        let claim = held.claim()?;
        vault::change_secret(
            held.existing()?,
            self.keystore.as_ref(),
            &claim,
            &current,
            &new,
            &self.config.kdf,
            now,
        )
    }

    /// The Argon2id parameters the current secret slot uses.
    pub fn kdf_params(&self) -> Result<KdfParams> {
        let mut held = self.session.hold();
        held.existing()?
            .read(|tx| vault::kdf_params(tx, self.keystore.as_ref()))
    }

    /// Makes a new data key, re-encrypts everything under it in one transaction, and deletes
    /// the old platform keys. Use after deleting notes so their text cannot be recovered from
    /// free pages, the WAL or flash. Needs the secret (the new key slot is sealed with it).
    pub fn rotate_data_key(&self, secret: Secret) -> Result<()> {
        let mut held = self.session.hold();
        held.require_unlocked()?;
        held.refuse_during_session()?;
        let now = self.now();
        let claim = held.claim()?;
        let keys = vault::rotate::rotate(
            held.existing()?,
            self.keystore.as_ref(),
            &claim,
            &secret,
            &self.config.kdf,
            now,
        )?;
        // Locked while rotating: the new key is in place, and the vault stays locked.
        let _ = held.unlocked(keys, now);
        Ok(())
    }

    /// Moves a vault this phone has no keys for (`VaultState::KeysMissing`) into a folder of
    /// its own inside the data directory, so a backup file can be restored into a new vault,
    /// or a new one started, without deleting the old data. Needs no secret: no secret can
    /// open it here. Refused while this phone holds the vault's keys, and while the key store
    /// cannot say (`KeyStore(Unavailable)`). Erasing everything removes set-aside vaults too.
    pub fn set_aside_vault(&self) -> Result<SetAside> {
        let out = self.set_aside_held();
        self.tell_after(&out);
        out
    }

    fn set_aside_held(&self) -> Result<SetAside> {
        let mut held = self.session.hold();
        crate::store::refuse_symlinks(&self.config.data_dir)?;
        // Nothing may create, rotate or restore while the files move.
        let _claim = held.claim()?;
        let db = held.database(false)?.ok_or(Error::NoVault)?;
        let vault_id = db.read(|tx| vault::set_aside::check(tx, self.keystore.as_ref()))?;
        // Closing the last connection folds the log into the database file.
        held.close();
        let moved = vault::set_aside::move_aside(&self.config.data_dir, &vault_id);
        self.session.forget_device_keys();
        moved
    }

    /// Deletes every platform key, overwrites the key slots, and deletes the database files
    /// and any vaults set aside. Help now and the library keep working; the app is back to
    /// "no vault".
    pub fn erase_everything(&self) -> Result<EraseReport> {
        let out = self.erase_held(vault::rotate::Erase::Everything);
        self.tell_after(&out);
        out
    }

    /// As [`Harbour::erase_everything`], but keeps vaults set aside earlier: for undoing a
    /// vault made moments ago for a restore that then failed.
    pub fn erase_vault_in_use(&self) -> Result<EraseReport> {
        let out = self.erase_held(vault::rotate::Erase::InUse);
        self.tell_after(&out);
        out
    }

    fn erase_held(&self, what: vault::rotate::Erase) -> Result<EraseReport> {
        let mut held = self.session.hold();
        // Nothing is deleted through a link: the data would stay where the link points.
        crate::store::refuse_symlinks(&self.config.data_dir)?;
        // No rotation may be making keys while they are being deleted.
        let _claim = held.claim()?;
        held.lock();
        // Open even a damaged database if possible, to find the aliases to delete.
        let aliases = match held.database(false) {
            Ok(Some(db)) => vault::rotate::retire_everything(db),
            _ => Vec::new(),
        };
        held.close(); // closes the connection before the files go
        vault::rotate::erase(
            &self.config.data_dir,
            self.keystore.as_ref(),
            &aliases,
            what,
        )
    }
}

#[cfg(test)]
impl Harbour {
    /// The open database, for tests that look at what is on disk.
    pub(crate) fn with_database<T>(
        &self,
        f: impl FnOnce(&mut crate::store::Database) -> T,
    ) -> Option<T> {
        self.session.with_database(f)
    }

    pub(crate) fn keystore_for_test(&self) -> &dyn crate::keystore::PlatformKeyStore {
        self.keystore.as_ref()
    }
}
