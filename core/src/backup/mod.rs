//! Backup to a file, move to a new phone, and erase everything.
//!
//! Platform keys are never restored from cloud backups (by design), so the only way a young
//! person keeps their plan and notes across phones is a file they control: the whole vault
//! (notes, plan with its history, settings) as versioned JSON, encrypted in the standard age
//! format with a passphrase, so they can open it with any age tool — it is theirs, not the
//! app's.

pub mod age;
mod passphrase;
pub(crate) mod payload;

use std::time::Duration;

use jiff::Timestamp;
use zeroize::Zeroizing;

pub use age::AgeError;
pub use passphrase::{check_passphrase, generate_passphrase};

use crate::atomic_file::{self, Access};
use crate::harbour::Harbour;
use crate::secret::Secret;
use crate::{Error, Result};

/// Backup files larger than this are refused before they are read.
pub const MAX_BACKUP_BYTES: u64 = 64 * 1024 * 1024;
/// How recently the secret must have been entered for an export.
pub const REAUTH_WINDOW: Duration = Duration::from_secs(5 * 60);

/// What a restore brought back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestoreSummary {
    pub notes: usize,
    pub plan_items: usize,
    pub plan_versions: usize,
}

impl Harbour {
    /// Enters the secret again, for actions that need a fresh unlock (export).
    pub fn reauthenticate(&self, secret: Secret) -> Result<()> {
        crate::stack::scrubbed(|| {
            let mut guard = self.lock_state();
            if guard.keys.is_none() {
                return Err(Error::Locked);
            }
            let now = self.now();
            let db = self.database(&mut guard, false)?.ok_or(Error::NoVault)?;
            crate::vault::check_secret(db, self.keystore(), &secret, now)?;
            guard.authenticated_at = Some(now);
            Ok(())
        })
    }

    fn scrypt_work_factor(&self) -> u8 {
        // The testing KDF profile makes backups fast too; never for real data.
        if self.config().kdf == crate::crypto::KdfProfile::Testing {
            10
        } else {
            age::DEFAULT_LOG_N
        }
    }

    /// The whole vault as an age file protected by `passphrase` (checked for strength). Needs
    /// the secret to have been entered in the last five minutes, and no supported session.
    pub fn export_backup(&self, passphrase: &Secret) -> Result<Vec<u8>> {
        crate::stack::scrubbed(|| {
            check_passphrase(passphrase)?;
            let now = self.now();
            let fresh = self.lock_state().authenticated_at.is_some_and(|t| {
                now.duration_since(t)
                    <= jiff::SignedDuration::try_from(REAUTH_WINDOW).unwrap_or_default()
            });
            if !fresh {
                return Err(Error::ReauthenticationNeeded);
            }
            let json = self.with_notes(|db, keys| {
                let notes = crate::notes::export(db.conn(), keys)?;
                let plan = crate::plan::export(db.conn(), keys)?;
                let p = payload::build(&notes, &plan, now);
                // Sized up front so the buffer holding every note rarely moves (a move would leave
                // an unwiped copy behind).
                let estimate = notes.iter().map(|n| n.text.len() + 256).sum::<usize>() + 64 * 1024;
                let mut out = Zeroizing::new(Vec::with_capacity(estimate * 2));
                serde_json::to_writer(&mut *out, &p)
                    .map_err(|_| Error::InvalidInput("the backup could not be written"))?;
                Ok(out)
            })?;
            age::encrypt(&json, &passphrase.kdf_input()?, self.scrypt_work_factor())
        })
    }

    /// As [`Harbour::export_backup`], written to `path` (readable by the owner only). The file
    /// appears whole or not at all.
    pub fn export_backup_to_file(&self, path: &std::path::Path, passphrase: &Secret) -> Result<()> {
        let bytes = self.export_backup(passphrase)?;
        Ok(atomic_file::replace(path, &[&bytes], Access::Private)?)
    }

    /// Restores a backup into an unlocked vault that has nothing in it yet (typically just
    /// created on a new phone). All or nothing: a wrong passphrase, a damaged, truncated,
    /// oversized or unknown file changes nothing at all.
    pub fn restore_backup(&self, bytes: &[u8], passphrase: &Secret) -> Result<RestoreSummary> {
        crate::stack::scrubbed(|| {
            if bytes.len() as u64 > MAX_BACKUP_BYTES {
                return Err(Error::InvalidBackup(
                    "the file is larger than any Harbour backup",
                ));
            }
            // Refuse early, before the slow passphrase work, if the vault is not ready.
            self.with_notes(|db, _| ensure_empty(db.conn()))?;
            let json = age::decrypt(bytes, &passphrase.kdf_input()?)?;
            let (notes, plan) = payload::parse(&json)?;
            self.with_notes(|db, keys| {
                db.write(|tx| {
                    ensure_empty(tx)?;
                    for n in &notes {
                        crate::notes::import(tx, keys, n)?;
                    }
                    crate::plan::import(tx, keys, &plan)
                })
            })?;
            Ok(RestoreSummary {
                notes: notes.len(),
                plan_items: plan.sections.iter().map(|s| s.items.len()).sum(),
                plan_versions: plan.versions.len(),
            })
        })
    }

    /// As [`Harbour::restore_backup`], from a file whose size is checked before it is read.
    pub fn restore_backup_file(
        &self,
        path: &std::path::Path,
        passphrase: &Secret,
    ) -> Result<RestoreSummary> {
        use std::io::Read;
        let file = std::fs::File::open(path)?;
        let len = file.metadata()?.len();
        if len > MAX_BACKUP_BYTES {
            return Err(Error::InvalidBackup(
                "the file is larger than any Harbour backup",
            ));
        }
        // Read at most one byte past the limit, in case the file grew after the check.
        let mut bytes = Vec::with_capacity(len as usize);
        file.take(MAX_BACKUP_BYTES + 1).read_to_end(&mut bytes)?;
        self.restore_backup(&bytes, passphrase)
    }

    /// When the secret was last entered (for apps showing "enter your PIN again").
    pub fn authenticated_at(&self) -> Option<Timestamp> {
        self.lock_state().authenticated_at
    }
}

fn ensure_empty(conn: &rusqlite::Connection) -> Result<()> {
    if crate::store::records::any_records(conn)? {
        return Err(Error::VaultNotEmpty);
    }
    Ok(())
}
