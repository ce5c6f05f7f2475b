//! Backup to a file and restore from one.

use std::path::Path;

use crate::atomic_file::{self, Access};
use crate::backup::{self, RestoreSummary, age, check_passphrase};
use crate::secret::Secret;
use crate::{Error, Harbour, Result};

impl Harbour {
    /// The whole vault as an age file protected by `passphrase` (checked for strength). Needs
    /// the secret to have been entered in the last five minutes, and no supported session.
    pub fn export_backup(&self, passphrase: &Secret) -> Result<Vec<u8>> {
        check_passphrase(passphrase)?;
        let now = self.now();
        if !backup::fresh_enough(self.session.authenticated_at(), now) {
            return Err(Error::ReauthenticationNeeded);
        }
        let json = self
            .session
            .notes()?
            .run(|db, keys| backup::payload_json(db.conn(), keys, now))?;
        let bytes = age::encrypt(
            &json,
            &passphrase.kdf_input()?,
            backup::work_factor(&self.config.kdf),
        );
        drop(json);
        crate::stack::scrub();
        bytes
    }

    /// As [`Harbour::export_backup`], written to `path` (readable by the owner only). The file
    /// appears whole or not at all.
    pub fn export_backup_to_file(&self, path: &Path, passphrase: &Secret) -> Result<()> {
        let bytes = self.export_backup(passphrase)?;
        Ok(atomic_file::replace(path, &[&bytes], Access::Private)?)
    }

    /// Restores a backup into an unlocked vault that has nothing in it yet (typically just
    /// created on a new phone). All or nothing: a wrong passphrase, a damaged, truncated,
    /// oversized or unknown file changes nothing at all.
    pub fn restore_backup(&self, bytes: &[u8], passphrase: &Secret) -> Result<RestoreSummary> {
        // Refuse early, before the slow passphrase work, if the vault is not ready.
        self.session
            .notes()?
            .run(|db, _| backup::ensure_empty(db.conn()))?;
        let contents = backup::open(bytes, passphrase);
        crate::stack::scrub();
        let contents = contents?;
        self.session
            .notes()?
            .run(|db, keys| backup::restore(db, keys, &contents))
    }

    /// As [`Harbour::restore_backup`], from a file whose size is checked before it is read.
    pub fn restore_backup_file(&self, path: &Path, passphrase: &Secret) -> Result<RestoreSummary> {
        let bytes = backup::read_file(path)?;
        self.restore_backup(&bytes, passphrase)
    }
}
