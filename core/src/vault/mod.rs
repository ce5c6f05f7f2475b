//! The vault lifecycle: create, unlock, lock, change secret, state.
//!
//! Key hierarchy (see `docs/DESIGN.md`, "Keys and encryption"):
//!
//! ```text
//! secret ──Argon2id──▶ KEK ─┐
//!                           ├─ seals DEK ──▶ platform key (alias …secret.<epoch>) ──▶ key_slot 'secret'
//! DEK (random 256-bit) ─────┘    └─HKDF─▶ records, canary, integrity subkeys
//! QAK (random 256-bit) ──▶ platform key (alias …device.<epoch>) ──▶ key_slot 'device'
//!                                └─HKDF─▶ quick-access records subkey
//! ```

pub(crate) mod claim;
mod device_keys;
pub mod rotate;
pub use rotate::EraseReport;
pub(crate) mod set_aside;
pub use set_aside::SetAside;
pub(crate) mod slot;
pub mod throttle;

use std::time::Duration;

use jiff::Timestamp;
use rusqlite::Connection;

use crate::crypto::envelope::{self, Binding, Header};
pub use crate::crypto::kdf::{KdfParams, KdfProfile};
use crate::crypto::keys::{Key32, QuickKeys, VAULT_ID_LEN, VaultKeys, random_array};
use crate::keystore::PlatformKeyStore;
use crate::secret::Secret;
pub use crate::secret::SecretKind;
pub(crate) use crate::store::current_epoch;
use crate::store::vault_tables as tables;
use crate::store::{Database, integrity};
use crate::{Error, Result};
use claim::Claim;
pub(crate) use device_keys::DeviceKeys;
use slot::{SlotKind, SlotOutcome};
use throttle::Attempts;

/// What the app should show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VaultState {
    /// No vault yet: offer to create one. Help now and the library work regardless.
    NoVault,
    Locked {
        secret_kind: SecretKind,
        /// Wrong tries since the last success.
        failed_attempts: u32,
        /// Set while a delay is running: the next try is refused until then.
        retry_after: Option<Duration>,
    },
    Unlocked {
        secret_kind: SecretKind,
    },
    /// There is a vault here, but this phone's key store does not hold its keys: it was copied
    /// from another phone (an OS backup or transfer), or the OS deleted the keys. No PIN can
    /// open it. Offer to set it aside and restore a backup file, or to start again.
    KeysMissing,
}

const CANARY: &[u8] = b"harbour canary v1";
const CANARY_SCHEMA: u16 = 1;

fn canary_binding(epoch: u32) -> Binding<'static> {
    Binding {
        table: "vault",
        field: "canary",
        id: "1",
        revision: u64::from(epoch),
        compartment: 0,
    }
}

pub(crate) struct VaultRow {
    pub vault_id: [u8; VAULT_ID_LEN],
    pub epoch: u32,
    pub secret_kind: SecretKind,
    canary: Vec<u8>,
}

pub(crate) fn load_row(conn: &Connection) -> Result<Option<VaultRow>> {
    tables::vault_row(conn)?
        .map(|row| {
            Ok(VaultRow {
                vault_id: row.vault_id.try_into().map_err(|_| Error::Tampered)?,
                epoch: u32::try_from(row.epoch).map_err(|_| Error::Tampered)?,
                secret_kind: SecretKind::parse(&row.secret_kind)?,
                canary: row.canary,
            })
        })
        .transpose()
}

/// The vault row, or `None` when there is truly no vault. A database with key slots or
/// records but no vault row is damaged, never "no vault": answering "no vault" would invite
/// the app to create one over the survivors, or a restore to erase them.
pub(crate) fn vault_row(conn: &Connection) -> Result<Option<VaultRow>> {
    if let Some(row) = load_row(conn)? {
        return Ok(Some(row));
    }
    if tables::any_key_slot(conn)? || crate::store::records::any_records(conn)? {
        return Err(Error::Corrupt);
    }
    Ok(None)
}

fn require_row(conn: &Connection) -> Result<VaultRow> {
    vault_row(conn)?.ok_or(Error::NoVault)
}

fn slot_blob(conn: &Connection, kind: SlotKind, epoch: u32) -> Result<Vec<u8>> {
    let (blob, slot_epoch) = tables::key_slot(conn, kind.as_str())?.ok_or(Error::Tampered)?;
    if slot_epoch != i64::from(epoch) {
        return Err(Error::Tampered);
    }
    Ok(blob)
}

pub(crate) fn state(
    db: Option<&mut Database>,
    unlocked: bool,
    keys: (&DeviceKeys, &dyn PlatformKeyStore),
    now: Timestamp,
) -> Result<VaultState> {
    let Some(db) = db else {
        return Ok(VaultState::NoVault);
    };
    db.read(|tx| {
        let Some(row) = vault_row(tx)? else {
            return Ok(VaultState::NoVault);
        };
        if unlocked {
            return Ok(VaultState::Unlocked {
                secret_kind: row.secret_kind,
            });
        }
        if keys.0.present(tx, keys.1, &row) == Some(false) {
            return Ok(VaultState::KeysMissing);
        }
        let attempts = Attempts::load(tx)?;
        Ok(VaultState::Locked {
            secret_kind: row.secret_kind,
            failed_attempts: attempts.failures,
            retry_after: attempts.retry_after(now),
        })
    })
}

/// The fresh keys and the sealed rows of a new key epoch.
pub(crate) struct NewEpoch {
    pub keys: VaultKeys,
    pub secret_slot: Vec<u8>,
    pub device_slot: Vec<u8>,
    pub canary: Vec<u8>,
}

/// Makes a DEK and quick-access key for `epoch` and seals them into slots. Slow: runs the KDF.
pub(crate) fn new_epoch(
    store: &dyn PlatformKeyStore,
    vault_id: [u8; VAULT_ID_LEN],
    epoch: u32,
    secret: &Secret,
    params: KdfParams,
) -> Result<NewEpoch> {
    let dek = Key32::random()?;
    let qak = Key32::random()?;
    let secret_slot = slot::seal_secret(store, &vault_id, epoch, secret, params, &dek)?;
    let device_slot = slot::seal_device(store, &vault_id, epoch, &qak)?;
    let keys = VaultKeys::new(vault_id, epoch, &dek, &qak);
    let canary = envelope::seal(
        keys.canary(),
        Header {
            epoch,
            schema: CANARY_SCHEMA,
        },
        &canary_binding(epoch),
        CANARY,
    )?;
    Ok(NewEpoch {
        keys,
        secret_slot,
        device_slot,
        canary,
    })
}

/// Platform aliases of one epoch's slots.
pub(crate) fn aliases(vault_id: &[u8; VAULT_ID_LEN], epoch: u32) -> [String; 2] {
    [
        slot::alias(vault_id, SlotKind::Secret, epoch),
        slot::alias(vault_id, SlotKind::Device, epoch),
    ]
}

pub(crate) fn create(
    db: &mut Database,
    store: &dyn PlatformKeyStore,
    _claim: &Claim,
    secret: &Secret,
    profile: &KdfProfile,
) -> Result<VaultKeys> {
    let kind = secret.check_new()?;
    if vault_row(db.conn())?.is_some() {
        return Err(Error::VaultExists);
    }
    let vault_id: [u8; VAULT_ID_LEN] = random_array()?;
    let epoch = 1;
    let params = profile.params()?;
    let fresh = new_epoch(store, vault_id, epoch, secret, params)?;
    let written = db.write(|tx| {
        if vault_row(tx)?.is_some() {
            return Err(Error::VaultExists);
        }
        tables::insert_vault(
            tx,
            &vault_id,
            epoch,
            kind.as_str(),
            &fresh.canary,
            &integrity::seal(&fresh.keys, &[0u8; 32])?,
        )?;
        write_slots(tx, epoch, &fresh)?;
        Attempts::reset(tx)
    });
    if let Err(e) = written {
        // Nothing refers to the new platform keys; do not leave them behind.
        for alias in aliases(&vault_id, epoch) {
            let _ = store.delete(&alias);
        }
        return Err(e);
    }
    Ok(fresh.keys)
}

pub(crate) fn write_slots(conn: &Connection, epoch: u32, fresh: &NewEpoch) -> Result<()> {
    for (kind, blob) in [
        (SlotKind::Secret, &fresh.secret_slot),
        (SlotKind::Device, &fresh.device_slot),
    ] {
        tables::put_key_slot(conn, kind.as_str(), epoch, blob)?;
    }
    Ok(())
}

/// Checks the secret, counting wrong tries, and returns the vault row and its DEK.
///
/// The try is counted **before** the slow KDF, in the same transaction that checks whether a
/// delay is running: thirty guesses started at once, in threads or processes, are each counted
/// in turn, and only the free ones reach the KDF. A right secret clears the count; a try that
/// fails for another reason (the key store unavailable) is taken back.
pub(crate) fn open_dek(
    db: &mut Database,
    store: &dyn PlatformKeyStore,
    secret: &Secret,
    now: Timestamp,
) -> Result<(VaultRow, Key32)> {
    let counted = db.write(|tx| {
        let row = require_row(tx)?;
        if let Some(wait) = Attempts::load(tx)?.retry_after(now) {
            return Err(Error::LockedOut { retry_after: wait });
        }
        let blob = slot_blob(tx, SlotKind::Secret, row.epoch)?;
        Attempts::record_failure(tx, now)?;
        Ok((row, blob))
    });
    // On a full disk the try cannot be written down first. A young person must still reach
    // their plan, so the delay in force is checked and the try counted afterwards if there is
    // room: guesses raced in parallel on a full disk are the one case this does not cover.
    let (counted, (row, blob)) = match counted {
        Ok(found) => (true, found),
        Err(Error::StorageFull) => (
            false,
            db.read(|tx| {
                let row = require_row(tx)?;
                if let Some(wait) = Attempts::load(tx)?.retry_after(now) {
                    return Err(Error::LockedOut { retry_after: wait });
                }
                let blob = slot_blob(tx, SlotKind::Secret, row.epoch)?;
                Ok((row, blob))
            })?,
        ),
        Err(e) => return Err(e),
    };
    match slot::open_secret(store, &row.vault_id, row.epoch, &blob, secret) {
        Ok(SlotOutcome::Opened(dek)) => {
            match db.write(|tx| Attempts::reset(tx)) {
                Ok(()) | Err(Error::StorageFull) => {}
                Err(e) => return Err(e),
            }
            Ok((row, dek))
        }
        Ok(SlotOutcome::WrongSecret) => {
            let attempts = if counted {
                Attempts::load(db.conn())?
            } else {
                db.write(|tx| Attempts::record_failure(tx, now))?
            };
            Err(Error::WrongSecret {
                retry_after: attempts.retry_after(now),
            })
        }
        Err(e) => {
            if counted {
                let _ = db.write(|tx| Attempts::take_back(tx));
            }
            Err(e)
        }
    }
}

pub(crate) fn open_qak(
    conn: &Connection,
    store: &dyn PlatformKeyStore,
    row: &VaultRow,
) -> Result<Key32> {
    let blob = slot_blob(conn, SlotKind::Device, row.epoch)?;
    slot::open_device(store, &row.vault_id, row.epoch, &blob)
}

fn check_canary(keys: &VaultKeys, row: &VaultRow) -> Result<()> {
    let (header, value) = envelope::open(keys.canary(), &row.canary, &canary_binding(row.epoch))?;
    if header.epoch != row.epoch || value.as_slice() != CANARY {
        return Err(Error::Tampered);
    }
    Ok(())
}

pub(crate) fn unlock(
    db: &mut Database,
    store: &dyn PlatformKeyStore,
    secret: &Secret,
    now: Timestamp,
) -> Result<VaultKeys> {
    // A rotation elsewhere can commit during the KDF; its new slot opens with the same
    // secret, so try again with it (a rotation is rare, so two retries are plenty).
    for _ in 0..3 {
        let (row, dek) = open_dek(db, store, secret, now)?;
        let keys = db.read(|tx| {
            let current = require_row(tx)?;
            if current.epoch != row.epoch {
                return Ok(None);
            }
            let qak = open_qak(tx, store, &current)?;
            let keys = VaultKeys::new(current.vault_id, current.epoch, &dek, &qak);
            // The DEK is authentic (its slot verified), so a canary or accumulator that does
            // not match in this one snapshot means the database was changed, not that the
            // secret was wrong or another writer was half-way.
            check_canary(&keys, &current)?;
            integrity::verify(tx, &keys)?;
            Ok(Some(keys))
        })?;
        if let Some(keys) = keys {
            return Ok(keys);
        }
    }
    Err(Error::Busy)
}

/// Checks the secret without changing what is unlocked (counted like an unlock attempt).
pub(crate) fn check_secret(
    db: &mut Database,
    store: &dyn PlatformKeyStore,
    secret: &Secret,
    now: Timestamp,
) -> Result<()> {
    open_dek(db, store, secret, now).map(|_| ())
}

pub(crate) fn change_secret(
    db: &mut Database,
    store: &dyn PlatformKeyStore,
    _claim: &Claim,
    current: &Secret,
    new: &Secret,
    profile: &KdfProfile,
    now: Timestamp,
) -> Result<()> {
    let kind = new.check_new()?;
    let (row, dek) = open_dek(db, store, current, now)?;
    let params = profile.params()?;
    // Same epoch, same platform key: only the secret slot changes; no record is re-encrypted.
    let blob = slot::seal_secret(store, &row.vault_id, row.epoch, new, params, &dek)?;
    db.write(|tx| {
        // The claim keeps rotations out, so the epoch cannot have moved; checked anyway,
        // because a secret slot sealed for one epoch written beside another's would leave
        // the new secret refused and the old one still opening the vault.
        if current_epoch(tx)? != row.epoch {
            return Err(Error::Busy);
        }
        let changed = tables::replace_key_slot(tx, SlotKind::Secret.as_str(), row.epoch, &blob)?;
        if changed != 1 {
            return Err(Error::Tampered);
        }
        tables::set_secret_kind(tx, kind.as_str())?;
        Attempts::reset(tx)
    })
}

/// The quick-access keys, through the device-only slot: no secret needed.
pub(crate) fn quick_keys(conn: &Connection, store: &dyn PlatformKeyStore) -> Result<QuickKeys> {
    let row = require_row(conn)?;
    let qak = open_qak(conn, store, &row)?;
    Ok(QuickKeys::new(row.vault_id, row.epoch, &qak))
}

/// The KDF parameters of the current secret slot.
pub(crate) fn kdf_params(conn: &Connection, store: &dyn PlatformKeyStore) -> Result<KdfParams> {
    let row = require_row(conn)?;
    let blob = slot_blob(conn, SlotKind::Secret, row.epoch)?;
    slot::secret_params(store, &row.vault_id, row.epoch, &blob)
}

/// Deletes platform keys whose slots a committed transaction retired. Safe to repeat: aliases
/// stay listed until the key store confirms the deletion.
pub(crate) fn delete_retired_keys(db: &mut Database, store: &dyn PlatformKeyStore) -> Result<()> {
    let aliases = tables::retired_aliases(db.conn())?;

    for alias in aliases {
        store.delete(&alias)?;
        db.write(|tx| tables::forget_retired(tx, &alias))?;
    }
    Ok(())
}
