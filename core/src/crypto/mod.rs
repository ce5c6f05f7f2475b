//! Cryptographic building blocks. Every primitive comes from a reviewed RustCrypto crate; this
//! module only fixes how Harbour uses them: key types that wipe themselves, the record envelope
//! and its associated data, padding, and the password KDF with its caps.

pub(crate) mod aead;
pub(crate) mod codec;
pub(crate) mod envelope;
pub mod kdf;
pub(crate) mod keys;
pub(crate) mod stream;

pub use kdf::{KdfParams, KdfProfile};
