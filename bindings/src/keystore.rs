//! The platform key store, implemented by the app in Kotlin or Swift.

use std::sync::Arc;

use harbour_core as core;
use zeroize::Zeroizing;

/// Errors a key store implementation throws. Anything else it throws becomes `Failed`.
#[derive(Debug, thiserror::Error, uniffi::Error)]
pub enum PlatformKeyError {
    /// No key under this alias: deleted, or this is another device.
    #[error("no key under that alias")]
    NotFound,
    /// The key refused the bytes (authentication failed).
    #[error("the key refused the data")]
    Rejected,
    /// Not usable right now (device locked, user not authenticated); may work later.
    #[error("the key store is unavailable")]
    Unavailable,
    #[error("the key store failed")]
    Failed,
}

impl From<uniffi::UnexpectedUniFFICallbackError> for PlatformKeyError {
    fn from(_: uniffi::UnexpectedUniFFICallbackError) -> Self {
        // The foreign exception's message is dropped on purpose: it is not ours to vouch for.
        PlatformKeyError::Failed
    }
}

/// The app's non-exportable platform keys (Android Keystore, iOS Keychain / Secure Enclave).
///
/// Contract: `wrap` creates the key for `alias` if missing and returns authenticated
/// ciphertext; `unwrap` of changed bytes throws `Rejected`; `unwrap` under an alias with no key
/// throws `NotFound`; `delete` of a missing alias succeeds. Must be thread-safe. See
/// docs/INTEGRATING.md.
#[uniffi::export(with_foreign)]
pub trait PlatformKeyStore: Send + Sync {
    fn wrap(&self, alias: String, plaintext: Vec<u8>) -> Result<Vec<u8>, PlatformKeyError>;
    fn unwrap(&self, alias: String, wrapped: Vec<u8>) -> Result<Vec<u8>, PlatformKeyError>;
    fn delete(&self, alias: String) -> Result<(), PlatformKeyError>;
}

/// Adapts the foreign trait to the core's.
pub(crate) struct ForeignKeyStore(pub Arc<dyn PlatformKeyStore>);

fn to_core(e: PlatformKeyError) -> core::KeyStoreError {
    match e {
        PlatformKeyError::NotFound => core::KeyStoreError::NotFound,
        PlatformKeyError::Rejected => core::KeyStoreError::Rejected,
        PlatformKeyError::Unavailable => core::KeyStoreError::Unavailable,
        PlatformKeyError::Failed => core::KeyStoreError::Failed,
    }
}

impl core::PlatformKeyStore for ForeignKeyStore {
    fn wrap(&self, alias: &str, plaintext: &[u8]) -> Result<Vec<u8>, core::KeyStoreError> {
        self.0
            .wrap(alias.to_owned(), plaintext.to_vec())
            .map_err(to_core)
    }

    fn unwrap(
        &self,
        alias: &str,
        wrapped: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>, core::KeyStoreError> {
        self.0
            .unwrap(alias.to_owned(), wrapped.to_vec())
            .map(Zeroizing::new)
            .map_err(to_core)
    }

    fn delete(&self, alias: &str) -> Result<(), core::KeyStoreError> {
        self.0.delete(alias.to_owned()).map_err(to_core)
    }
}
