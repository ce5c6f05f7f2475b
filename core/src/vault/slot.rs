//! Key slots: how the data key (DEK) and the quick-access key are stored.
//!
//! The **secret slot** seals the DEK under Argon2id(secret), then hands the result to the
//! platform key store to be sealed again under a non-exportable hardware key. The KDF
//! parameters travel inside, bound into the associated data, and are checked against caps
//! before any memory is allocated. The **device slot** holds the quick-access key sealed by the
//! platform key alone.
//!
//! ```text
//! secret slot (inside the platform wrap):
//!   version u8 = 1 | kind u8 = 1 | kdf u8 = 1 (Argon2id v1.3) | m KiB u32 | t u32 | p u32
//!   | salt [16] | nonce [24] | sealed DEK [32 + 16]
//! device slot (inside the platform wrap):
//!   version u8 = 1 | kind u8 = 2 | quick-access key [32]
//! ```

use zeroize::Zeroizing;

use crate::crypto::aead::{self, NONCE_LEN, TAG_LEN};
use crate::crypto::codec::{Reader, Writer};
use crate::crypto::kdf::{self, KdfParams};
use crate::crypto::keys::{KEY_LEN, Key32, VAULT_ID_LEN, random_array};
use crate::keystore::PlatformKeyStore;
use crate::secret::Secret;
use crate::{Error, Result};

const VERSION: u8 = 1;
const KIND_SECRET: u8 = 1;
const KIND_DEVICE: u8 = 2;
const KDF_ARGON2ID_13: u8 = 1;
const SALT_LEN: usize = 16;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SlotKind {
    Secret,
    Device,
}

impl SlotKind {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            SlotKind::Secret => "secret",
            SlotKind::Device => "device",
        }
    }
}

/// The platform key alias for a slot: one key per vault, slot kind and epoch, so rotating the
/// epoch and deleting the old alias makes the old slot unreadable for good.
pub(crate) fn alias(vault_id: &[u8; VAULT_ID_LEN], kind: SlotKind, epoch: u32) -> String {
    let id: String = vault_id.iter().map(|b| format!("{b:02x}")).collect();
    format!("harbour.{id}.{}.{epoch}", kind.as_str())
}

fn slot_ad(vault_id: &[u8; VAULT_ID_LEN], epoch: u32, head: &[u8]) -> Vec<u8> {
    let mut ad = Vec::with_capacity(64);
    ad.extend_from_slice(b"harbour-slot");
    ad.extend_from_slice(vault_id);
    ad.extend_from_slice(&epoch.to_be_bytes());
    ad.extend_from_slice(head);
    ad
}

/// Seals the DEK for the secret slot.
pub(crate) fn seal_secret(
    store: &dyn PlatformKeyStore,
    vault_id: &[u8; VAULT_ID_LEN],
    epoch: u32,
    secret: &Secret,
    params: KdfParams,
    dek: &Key32,
) -> Result<Vec<u8>> {
    let salt: [u8; SALT_LEN] = random_array()?;
    let kek = kdf::derive(&params, &secret.kdf_input()?, &salt)?;

    let mut head = Writer::with_capacity(3 + 12 + SALT_LEN);
    head.u8(VERSION)
        .u8(KIND_SECRET)
        .u8(KDF_ARGON2ID_13)
        .u32(params.memory_kib)
        .u32(params.iterations)
        .u32(params.parallelism)
        .put(&salt);
    let head = head.finish();
    let sealed = aead::seal(&kek, &slot_ad(vault_id, epoch, &head), dek.expose())?;

    let mut inner = Zeroizing::new(Vec::with_capacity(head.len() + sealed.len()));
    inner.extend_from_slice(&head);
    inner.extend_from_slice(&sealed);
    Ok(store.wrap(&alias(vault_id, SlotKind::Secret, epoch), &inner)?)
}

/// What opening the secret slot can say besides "here is the DEK".
pub(crate) enum SlotOutcome {
    Opened(Key32),
    WrongSecret,
}

/// Opens the secret slot. A wrong secret is an outcome, not an error, so the caller can count
/// it; everything else that fails is an error.
pub(crate) fn open_secret(
    store: &dyn PlatformKeyStore,
    vault_id: &[u8; VAULT_ID_LEN],
    epoch: u32,
    blob: &[u8],
    secret: &Secret,
) -> Result<SlotOutcome> {
    let inner = store.unwrap(&alias(vault_id, SlotKind::Secret, epoch), blob)?;
    let slot = SecretSlot::parse(&inner)?;
    open_parsed(&slot, vault_id, epoch, secret)
}

/// The parts of a secret slot, as unwrapped from the platform key store.
pub(crate) struct SecretSlot<'a> {
    pub params: KdfParams,
    salt: [u8; SALT_LEN],
    /// Everything before the sealed DEK: bound as associated data.
    head: &'a [u8],
    sealed: &'a [u8],
}

impl<'a> SecretSlot<'a> {
    /// Parses and checks the layout and the KDF caps, before any memory is allocated for the
    /// KDF: the parameters came from storage.
    pub(crate) fn parse(inner: &'a [u8]) -> Result<Self> {
        let mut r = Reader::new(inner);
        if r.u8()? != VERSION || r.u8()? != KIND_SECRET || r.u8()? != KDF_ARGON2ID_13 {
            return Err(Error::Tampered);
        }
        let params = KdfParams {
            memory_kib: r.u32()?,
            iterations: r.u32()?,
            parallelism: r.u32()?,
        };
        params.check()?;
        let salt: [u8; SALT_LEN] = r.array()?;
        let sealed = r.take(NONCE_LEN + KEY_LEN + TAG_LEN)?;
        r.finish()?;
        Ok(SecretSlot {
            params,
            salt,
            head: &inner[..inner.len() - sealed.len()],
            sealed,
        })
    }
}

pub(crate) fn open_parsed(
    slot: &SecretSlot<'_>,
    vault_id: &[u8; VAULT_ID_LEN],
    epoch: u32,
    secret: &Secret,
) -> Result<SlotOutcome> {
    let kek = kdf::derive(&slot.params, &secret.kdf_input()?, &slot.salt)?;
    match aead::open(&kek, &slot_ad(vault_id, epoch, slot.head), slot.sealed) {
        Ok(dek) => Ok(SlotOutcome::Opened(Key32::from_slice(&dek)?)),
        // The platform wrap already authenticated these bytes, so a failure here means the
        // secret was wrong, not that the slot was damaged.
        Err(_) => Ok(SlotOutcome::WrongSecret),
    }
}

/// The KDF parameters stored in a secret slot (for the closing report and tests).
pub(crate) fn secret_params(
    store: &dyn PlatformKeyStore,
    vault_id: &[u8; VAULT_ID_LEN],
    epoch: u32,
    blob: &[u8],
) -> Result<KdfParams> {
    let inner = store.unwrap(&alias(vault_id, SlotKind::Secret, epoch), blob)?;
    Ok(SecretSlot::parse(&inner)?.params)
}

pub(crate) fn seal_device(
    store: &dyn PlatformKeyStore,
    vault_id: &[u8; VAULT_ID_LEN],
    epoch: u32,
    qak: &Key32,
) -> Result<Vec<u8>> {
    let mut inner = Writer::with_capacity(2 + KEY_LEN);
    inner.u8(VERSION).u8(KIND_DEVICE).put(qak.expose());
    Ok(store.wrap(&alias(vault_id, SlotKind::Device, epoch), &inner.finish())?)
}

pub(crate) fn open_device(
    store: &dyn PlatformKeyStore,
    vault_id: &[u8; VAULT_ID_LEN],
    epoch: u32,
    blob: &[u8],
) -> Result<Key32> {
    let inner = store.unwrap(&alias(vault_id, SlotKind::Device, epoch), blob)?;
    let mut r = Reader::new(&inner);
    if r.u8()? != VERSION || r.u8()? != KIND_DEVICE {
        return Err(Error::Tampered);
    }
    let key = Key32::from_slice(r.take(KEY_LEN)?)?;
    r.finish()?;
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keystore::MemoryKeyStore;

    const VID: [u8; 16] = [9; 16];

    #[test]
    fn secret_slot_round_trip_and_wrong_secret() {
        let ks = MemoryKeyStore::new();
        let dek = Key32::random().unwrap();
        let blob = seal_secret(
            &ks,
            &VID,
            1,
            &Secret::from_text("482915"),
            KdfParams::TESTING,
            &dek,
        )
        .unwrap();
        match open_secret(&ks, &VID, 1, &blob, &Secret::from_text("482915")).unwrap() {
            SlotOutcome::Opened(k) => assert_eq!(k.expose(), dek.expose()),
            SlotOutcome::WrongSecret => panic!("right secret refused"),
        }
        assert!(matches!(
            open_secret(&ks, &VID, 1, &blob, &Secret::from_text("482916")).unwrap(),
            SlotOutcome::WrongSecret
        ));
        assert_eq!(
            secret_params(&ks, &VID, 1, &blob).unwrap(),
            KdfParams::TESTING
        );
    }

    #[test]
    fn every_flipped_byte_of_a_slot_is_a_typed_error() {
        let ks = MemoryKeyStore::new();
        let dek = Key32::random().unwrap();
        let secret = Secret::from_text("482915");
        let blob = seal_secret(&ks, &VID, 1, &secret, KdfParams::TESTING, &dek).unwrap();
        for i in 0..blob.len() {
            let mut bad = blob.clone();
            bad[i] ^= 0x01;
            assert!(matches!(
                open_secret(&ks, &VID, 1, &bad, &secret),
                Err(Error::Tampered)
            ));
        }
        let qak = Key32::random().unwrap();
        let dev = seal_device(&ks, &VID, 1, &qak).unwrap();
        for i in 0..dev.len() {
            let mut bad = dev.clone();
            bad[i] ^= 0x80;
            assert_eq!(
                open_device(&ks, &VID, 1, &bad).unwrap_err(),
                Error::Tampered
            );
        }
    }

    #[test]
    fn slot_of_another_epoch_or_vault_does_not_open() {
        let ks = MemoryKeyStore::new();
        let qak = Key32::random().unwrap();
        let dev = seal_device(&ks, &VID, 1, &qak).unwrap();
        seal_device(&ks, &VID, 2, &qak).unwrap();
        assert_eq!(
            open_device(&ks, &VID, 2, &dev).unwrap_err(),
            Error::Tampered
        );
        assert_eq!(
            open_device(&ks, &[1; 16], 1, &dev).unwrap_err(),
            Error::DeviceKeyMissing
        );
    }

    #[test]
    fn oversized_parameters_in_a_slot_are_refused_before_derivation() {
        // Build a slot by hand whose parameters ask for 4 TiB; the platform wrap is valid, so
        // only the cap check stands between this and an abort.
        let ks = MemoryKeyStore::new();
        let mut inner = Writer::with_capacity(128);
        inner
            .u8(VERSION)
            .u8(KIND_SECRET)
            .u8(KDF_ARGON2ID_13)
            .u32(u32::MAX)
            .u32(3)
            .u32(1)
            .put(&[0u8; SALT_LEN])
            .put(&[0u8; NONCE_LEN + KEY_LEN + TAG_LEN]);
        let blob = ks
            .wrap(&alias(&VID, SlotKind::Secret, 1), &inner.finish())
            .unwrap();
        assert!(matches!(
            open_secret(&ks, &VID, 1, &blob, &Secret::from_text("482915")),
            Err(Error::KdfParamsOutOfRange)
        ));
    }
}
