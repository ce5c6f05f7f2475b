//! Backup, restore, key rotation and erase, across the FFI.
//!
//! Backups cross as bytes so the app can write them wherever the user chooses (Android's
//! Storage Access Framework, iOS's document picker); the `_file` variants are for apps that
//! already have a path.

use harbour_core as core;
use harbour_core::EraseReport as CoreEraseReport;
use harbour_core::Secret;

use crate::error::Result;
use crate::harbour::Harbour;

/// What a restore brought back, for a "your plan and 12 notes are back" message.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct RestoreSummary {
    pub notes: u32,
    pub plan_items: u32,
    pub plan_versions: u32,
}

impl From<core::RestoreSummary> for RestoreSummary {
    fn from(s: core::RestoreSummary) -> Self {
        let n = |v: usize| u32::try_from(v).unwrap_or(u32::MAX);
        RestoreSummary {
            notes: n(s.notes),
            plan_items: n(s.plan_items),
            plan_versions: n(s.plan_versions),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct EraseReport {
    pub platform_keys_deleted: u32,
    /// Keys the platform refused to delete. They protect nothing once the files are gone.
    pub platform_keys_failed: u32,
    pub files_deleted: u32,
}

impl From<CoreEraseReport> for EraseReport {
    fn from(r: CoreEraseReport) -> Self {
        let n = |v: usize| u32::try_from(v).unwrap_or(u32::MAX);
        EraseReport {
            platform_keys_deleted: n(r.platform_keys_deleted),
            platform_keys_failed: n(r.platform_keys_failed),
            files_deleted: n(r.files_deleted),
        }
    }
}

/// A new backup passphrase: five groups of five letters and digits (about 124 bits), with no
/// characters that are easy to misread. Show it once; Harbour keeps no copy.
#[uniffi::export]
pub fn generate_backup_passphrase() -> Result<String> {
    // The String handed to the foreign side cannot be wiped from here; the core's copy is.
    Ok(core::generate_passphrase()?.as_str().to_owned())
}

/// Checks a passphrase the user typed for a backup, without doing anything with it. Throws
/// `WeakSecret` with a reason to show.
#[uniffi::export]
pub fn check_backup_passphrase(passphrase: Vec<u8>) -> Result<()> {
    Ok(core::check_passphrase(&Secret::new(passphrase))?)
}

#[uniffi::export]
impl Harbour {
    /// Enter the secret again before an export (needed in the five minutes before it).
    pub fn reauthenticate(&self, secret: Vec<u8>) -> Result<()> {
        Ok(self.core().reauthenticate(Secret::new(secret))?)
    }

    /// The whole vault (notes, plan with history) as an age file protected by `passphrase`.
    /// Opens with the standard `age` tool. Slow by design (about a second: scrypt).
    pub fn export_backup(&self, passphrase: Vec<u8>) -> Result<Vec<u8>> {
        Ok(self.core().export_backup(&Secret::new(passphrase))?)
    }

    /// As `export_backup`, written to `path` readable by the owner only, whole or not at all.
    pub fn export_backup_to_file(&self, path: String, passphrase: Vec<u8>) -> Result<()> {
        Ok(self
            .core()
            .export_backup_to_file(path.as_ref(), &Secret::new(passphrase))?)
    }

    /// Restores into an unlocked vault with nothing in it yet (e.g. just created on a new
    /// phone). All or nothing: any failure leaves the vault exactly as it was.
    pub fn restore_backup(&self, backup: Vec<u8>, passphrase: Vec<u8>) -> Result<RestoreSummary> {
        Ok(self
            .core()
            .restore_backup(&backup, &Secret::new(passphrase))?
            .into())
    }

    /// As `restore_backup`, from a file whose size is checked before it is read.
    pub fn restore_backup_file(&self, path: String, passphrase: Vec<u8>) -> Result<RestoreSummary> {
        Ok(self
            .core()
            .restore_backup_file(path.as_ref(), &Secret::new(passphrase))?
            .into())
    }

    /// A new data key, everything re-encrypted under it, the old platform keys deleted. Call
    /// after deleting notes so their words cannot be recovered. Needs the secret again.
    pub fn rotate_data_key(&self, secret: Vec<u8>) -> Result<()> {
        Ok(self.core().rotate_data_key(Secret::new(secret))?)
    }

    /// Deletes every platform key and every file of the vault. Help now and the library keep
    /// working. Needs no secret (a forgotten PIN must not trap anyone), so confirm in the UI.
    pub fn erase_everything(&self) -> Result<EraseReport> {
        Ok(self.core().erase_everything()?.into())
    }
}
