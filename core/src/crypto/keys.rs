//! Key material. Keys are wiped on drop, cannot be cloned by accident, and print as
//! `<redacted>`.

use std::fmt;

use hkdf::Hkdf;
use sha2::Sha256;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use crate::{Error, Result};

pub(crate) const KEY_LEN: usize = 32;

/// Fills `buf` from the operating system's CSPRNG.
pub(crate) fn fill_random(buf: &mut [u8]) -> Result<()> {
    getrandom::fill(buf).map_err(|_| Error::Random)
}

pub(crate) fn random_array<const N: usize>() -> Result<[u8; N]> {
    let mut out = [0u8; N];
    fill_random(&mut out)?;
    Ok(out)
}

/// A 256-bit symmetric key.
#[derive(Zeroize, ZeroizeOnDrop)]
pub(crate) struct Key32([u8; KEY_LEN]);

impl Key32 {
    pub(crate) fn random() -> Result<Self> {
        let mut k = Key32([0u8; KEY_LEN]);
        fill_random(&mut k.0)?;
        Ok(k)
    }

    /// Copies a key out of a buffer that the caller wipes (typically a `Zeroizing<Vec<u8>>`).
    pub(crate) fn from_slice(bytes: &[u8]) -> Result<Self> {
        let arr: [u8; KEY_LEN] = bytes.try_into().map_err(|_| Error::Tampered)?;
        Ok(Key32(arr))
    }

    pub(crate) fn expose(&self) -> &[u8; KEY_LEN] {
        &self.0
    }

    /// An independent subkey for one purpose, by HKDF-SHA256 with the vault id as salt.
    pub(crate) fn derive(&self, salt: &[u8], purpose: &str) -> Key32 {
        let hk = Hkdf::<Sha256>::new(Some(salt), &self.0);
        let mut okm = Zeroizing::new([0u8; KEY_LEN]);
        let mut info = Vec::with_capacity(16 + purpose.len());
        info.extend_from_slice(b"harbour/v1/");
        info.extend_from_slice(purpose.as_bytes());
        // A 32-byte output is always within HKDF-SHA256's limit of 255 * 32 bytes.
        if hk.expand(&info, okm.as_mut()).is_err() {
            unreachable!("32 bytes is a valid HKDF-SHA256 output length");
        }
        Key32(*okm)
    }
}

impl fmt::Debug for Key32 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Key32(<redacted>)")
    }
}

/// Length of a vault id.
pub(crate) const VAULT_ID_LEN: usize = 16;

/// The keys of an unlocked vault, derived from the data key (DEK) and the quick-access key.
/// Dropped — and so wiped — all at once when the vault locks.
#[derive(Debug)]
pub(crate) struct VaultKeys {
    pub(crate) vault_id: [u8; VAULT_ID_LEN],
    pub(crate) epoch: u32,
    records: Key32,
    canary: Key32,
    integrity: Key32,
    quick: QuickKeys,
}

impl VaultKeys {
    pub(crate) fn new(vault_id: [u8; VAULT_ID_LEN], epoch: u32, dek: &Key32, qak: &Key32) -> Self {
        VaultKeys {
            vault_id,
            epoch,
            records: dek.derive(&vault_id, "records"),
            canary: dek.derive(&vault_id, "canary"),
            integrity: dek.derive(&vault_id, "integrity"),
            quick: QuickKeys::new(vault_id, epoch, qak),
        }
    }

    pub(crate) fn records(&self) -> &Key32 {
        &self.records
    }

    pub(crate) fn canary(&self) -> &Key32 {
        &self.canary
    }

    pub(crate) fn integrity(&self) -> &Key32 {
        &self.integrity
    }

    pub(crate) fn quick(&self) -> &QuickKeys {
        &self.quick
    }
}

/// The keys readable without the user's secret, through the device-only slot.
#[derive(Debug)]
pub(crate) struct QuickKeys {
    pub(crate) epoch: u32,
    records: Key32,
}

impl QuickKeys {
    pub(crate) fn new(vault_id: [u8; VAULT_ID_LEN], epoch: u32, qak: &Key32) -> Self {
        QuickKeys {
            epoch,
            records: qak.derive(&vault_id, "quick-records"),
        }
    }

    pub(crate) fn records(&self) -> &Key32 {
        &self.records
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derive_is_deterministic_and_separated_by_purpose() {
        let k = Key32::from_slice(&[7u8; 32]).unwrap();
        let a = k.derive(b"vault-1", "records");
        let b = k.derive(b"vault-1", "records");
        let c = k.derive(b"vault-1", "canary");
        let d = k.derive(b"vault-2", "records");
        assert_eq!(a.expose(), b.expose());
        assert_ne!(a.expose(), c.expose());
        assert_ne!(a.expose(), d.expose());
    }

    #[test]
    fn debug_is_redacted() {
        let k = Key32::from_slice(&[0xAB; 32]).unwrap();
        let s = format!("{k:?}");
        assert_eq!(s, "Key32(<redacted>)");
        assert!(!s.contains("171") && !s.to_lowercase().contains("ab"));
    }

    #[test]
    fn zeroize_wipes_the_bytes() {
        let mut k = Key32::from_slice(&[0x5A; 32]).unwrap();
        k.zeroize();
        assert_eq!(k.expose(), &[0u8; 32]);
    }
}
