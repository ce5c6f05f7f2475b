//! Backup, restore, key rotation and erase, across the FFI.
//!
//! Backups cross as bytes so the app can write them wherever the user chooses (Android's
//! Storage Access Framework, iOS's document picker); the `_file` variants are for apps that
//! already have a path.

use harbour_core as core;
use harbour_core::EraseReport as CoreEraseReport;
use harbour_core::Secret;

use std::sync::Arc;

use crate::error::Result;
use crate::harbour::Harbour;
use crate::types::count;

/// What a restore brought back, for a "your plan and 12 notes are back" message.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct RestoreSummary {
    pub notes: i32,
    pub plan_items: i32,
    pub plan_versions: i32,
    #[uniffi(default = 0)]
    pub checkins: i32,
    /// Ideas of their own in the coping toolbox.
    #[uniffi(default = 0)]
    pub own_ideas: i32,
}

impl From<core::RestoreSummary> for RestoreSummary {
    fn from(s: core::RestoreSummary) -> Self {
        RestoreSummary {
            notes: count(s.notes),
            plan_items: count(s.plan_items),
            plan_versions: count(s.plan_versions),
            checkins: count(s.checkins),
            own_ideas: count(s.own_ideas),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct EraseReport {
    pub platform_keys_deleted: i32,
    /// Keys the platform refused to delete. They protect nothing once the files are gone.
    pub platform_keys_failed: i32,
    pub files_deleted: i32,
}

impl From<CoreEraseReport> for EraseReport {
    fn from(r: CoreEraseReport) -> Self {
        EraseReport {
            platform_keys_deleted: count(r.platform_keys_deleted),
            platform_keys_failed: count(r.platform_keys_failed),
            files_deleted: count(r.files_deleted),
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
    /// Enter the secret again before an export (needed in the five minutes before it). Runs
    /// the key derivation.
    pub async fn reauthenticate(self: Arc<Self>, secret: Vec<u8>) -> Result<()> {
        let secret = Secret::new(secret);
        self.off_thread(move |core, _| Ok(core.reauthenticate(secret)?))
            .await
    }

    /// The whole vault (notes, plan with history) as an age file protected by `passphrase`.
    /// Opens with the standard `age` tool. Slow by design (about a second: scrypt).
    pub async fn export_backup(self: Arc<Self>, passphrase: Vec<u8>) -> Result<Vec<u8>> {
        let passphrase = Secret::new(passphrase);
        self.off_thread(move |core, _| Ok(core.export_backup(&passphrase)?))
            .await
    }

    /// As `exportBackup`, written to `path` readable by the owner only, whole or not at all.
    pub async fn export_backup_to_file(
        self: Arc<Self>,
        path: String,
        passphrase: Vec<u8>,
    ) -> Result<()> {
        let passphrase = Secret::new(passphrase);
        self.off_thread(move |core, _| Ok(core.export_backup_to_file(path.as_ref(), &passphrase)?))
            .await
    }

    /// Restores into an unlocked vault with nothing in it yet (e.g. just created on a new
    /// phone). All or nothing: any failure, or cancelling, leaves the vault as it was or
    /// wholly restored.
    pub async fn restore_backup(
        self: Arc<Self>,
        backup: Vec<u8>,
        passphrase: Vec<u8>,
    ) -> Result<RestoreSummary> {
        let passphrase = Secret::new(passphrase);
        self.off_thread(move |core, _| Ok(core.restore_backup(&backup, &passphrase)?.into()))
            .await
    }

    /// As `restoreBackup`, from a file whose size is checked before it is read.
    pub async fn restore_backup_file(
        self: Arc<Self>,
        path: String,
        passphrase: Vec<u8>,
    ) -> Result<RestoreSummary> {
        let passphrase = Secret::new(passphrase);
        self.off_thread(move |core, _| {
            Ok(core.restore_backup_file(path.as_ref(), &passphrase)?.into())
        })
        .await
    }

    /// A new data key, everything re-encrypted under it, the old platform keys deleted. Call
    /// after deleting notes so their words cannot be recovered. Needs the secret again.
    pub async fn rotate_data_key(self: Arc<Self>, secret: Vec<u8>) -> Result<()> {
        let secret = Secret::new(secret);
        self.off_thread(move |core, _| Ok(core.rotate_data_key(secret)?))
            .await
    }

    /// Deletes every platform key and every file of the vault. Help now and the library keep
    /// working. Needs no secret (a forgotten PIN must not trap anyone), so confirm in the UI.
    pub async fn erase_everything(self: Arc<Self>) -> Result<EraseReport> {
        self.off_thread(|core, _| Ok(core.erase_everything()?.into()))
            .await
    }

    /// For `VaultState.KeysMissing`: moves the vault this phone has no keys for into a folder
    /// of its own (nothing is deleted), so that a backup file can be restored into a new
    /// vault, or a new one started. Needs no secret. Throws `InvalidInput` if this phone holds
    /// the keys, and `KeyStoreUnavailable` if the key store cannot say right now.
    /// `eraseEverything` removes set-aside vaults too.
    pub async fn set_aside_vault(self: Arc<Self>) -> Result<SetAsideVault> {
        self.off_thread(|core, _| {
            let done = core.set_aside_vault()?;
            Ok(SetAsideVault {
                folder: done.folder.to_string_lossy().into_owned(),
            })
        })
        .await
    }
}

/// Where a vault this phone had no keys for was moved.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SetAsideVault {
    /// A folder inside the data directory.
    pub folder: String,
}
