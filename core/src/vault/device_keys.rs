//! Whether this phone's key store still holds a vault's keys.
//!
//! A phone's backup or transfer (Android Auto Backup and device-to-device transfer, an iCloud
//! or Finder backup restored to a new iPhone) can copy the database without its platform keys,
//! which never leave the phone that made them. So can the OS deleting keys, for instance when
//! the lock screen is removed. The data is then unreadable here, and saying "locked" would
//! leave the person typing a PIN that can never work. The vault's state says `KeysMissing`
//! instead, and offers ways on (docs/INTEGRATING.md, "A new phone, or keys the OS deleted").
//!
//! Finding out costs one unwrap of the device slot, so the answer is kept for the vault and key
//! epoch it was found for: asked once per handle, and again after a rotation or a new vault.

use std::sync::Mutex;

use rusqlite::Connection;

use super::{VAULT_ID_LEN, VaultRow, open_qak};
use crate::Error;
use crate::keystore::PlatformKeyStore;

#[derive(Default)]
pub(crate) struct DeviceKeys {
    /// The vault and epoch last asked about, and whether their key was there.
    seen: Mutex<Option<([u8; VAULT_ID_LEN], u32, bool)>>,
}

impl DeviceKeys {
    /// Whether the keys of `row` are in `store`; `None` if the key store cannot say right now
    /// (the phone is locked), which is not remembered.
    pub(crate) fn present(
        &self,
        conn: &Connection,
        store: &dyn PlatformKeyStore,
        row: &VaultRow,
    ) -> Option<bool> {
        if let Some((id, epoch, present)) = *self.seen()
            && id == row.vault_id
            && epoch == row.epoch
        {
            return Some(present);
        }
        let present = match open_qak(conn, store, row) {
            Ok(_) => true,
            Err(Error::DeviceKeyMissing) => false,
            // Unavailable for now, or a problem unlock will report in its own words.
            Err(_) => return None,
        };
        *self.seen() = Some((row.vault_id, row.epoch, present));
        Some(present)
    }

    /// Asks again next time: a call found a key missing, or the vault was replaced.
    pub(crate) fn forget(&self) {
        *self.seen() = None;
    }

    fn seen(&self) -> std::sync::MutexGuard<'_, Option<([u8; VAULT_ID_LEN], u32, bool)>> {
        // Held for a copy in or out, never across a key store call; a poisoned guard still
        // holds a whole value.
        self.seen.lock().unwrap_or_else(|e| e.into_inner())
    }
}
