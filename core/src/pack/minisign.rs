//! The minisign signature format (jedisct1/minisign), so that anyone can check a Harbour pack
//! with the standard `minisign -V` tool.
//!
//! ```text
//! public key file   untrusted comment: …
//!                   base64( "Ed" | key id (8, LE) | Ed25519 public key (32) )
//! signature file    untrusted comment: …
//!                   base64( "ED" | key id (8) | Ed25519( BLAKE2b-512(file) ) (64) )
//!                   trusted comment: …
//!                   base64( Ed25519( signature (64) | trusted comment ) (64) )
//! ```
//!
//! "Ed" signatures (over the raw file, minisign's legacy mode) are also accepted. Both the file
//! signature and the global signature over the trusted comment must verify.
//!
//! Why by hand, and not the `minisign-verify` crate: that crate carries its own
//! implementations of Ed25519, Curve25519, SHA-512 and BLAKE2b. Here the format is ~150 lines
//! of parsing over ed25519-dalek and RustCrypto's blake2, the widely reviewed implementations
//! the rest of the workspace already uses, so a phone carries one Ed25519, not two. The
//! signing half is in harbour-publish, beside the tool that needs it; the corpus and the
//! `minisign` tool itself check both halves (tests/tests/malformed.rs, cli/tests/help.rs).

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use blake2::{Blake2b512, Digest};
use ed25519_dalek::{Signature, VerifyingKey};

use crate::{Error, Result};

/// The algorithm tag of keys and of signatures over the raw file.
pub const ALG_LEGACY: [u8; 2] = *b"Ed";
/// The algorithm tag of signatures over the file's BLAKE2b-512 hash.
pub const ALG_PREHASHED: [u8; 2] = *b"ED";
/// How every key and signature file begins.
pub const UNTRUSTED: &str = "untrusted comment: ";
const TRUSTED: &str = "trusted comment: ";
/// A signature file is four short lines; anything much longer is not one.
const MAX_SIGNATURE_FILE: usize = 4096;

/// A public key a pack may be signed with.
#[derive(Clone, PartialEq, Eq)]
pub struct PublicKey {
    pub key_id: [u8; 8],
    key: VerifyingKey,
}

impl std::fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PublicKey({})", self.key_id_hex())
    }
}

impl PublicKey {
    /// A key from its id and its 32 Ed25519 bytes (for the publisher's signer).
    pub fn from_raw(key_id: [u8; 8], key: &[u8; 32]) -> Result<Self> {
        Ok(PublicKey {
            key_id,
            key: VerifyingKey::from_bytes(key).map_err(|_| Error::Tampered)?,
        })
    }

    /// Parses a minisign public key file, or just its base64 line.
    pub fn parse(text: &str) -> Result<Self> {
        let line = text
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty() && !l.starts_with(UNTRUSTED))
            .ok_or(Error::InvalidInput("not a minisign public key"))?;
        let bytes = STANDARD
            .decode(line)
            .map_err(|_| Error::InvalidInput("not a minisign public key"))?;
        if bytes.len() != 42 || bytes[..2] != ALG_LEGACY {
            return Err(Error::InvalidInput("not a minisign Ed25519 public key"));
        }
        let key_id: [u8; 8] = bytes[2..10].try_into().map_err(|_| Error::Tampered)?;
        let raw: [u8; 32] = bytes[10..].try_into().map_err(|_| Error::Tampered)?;
        let key = VerifyingKey::from_bytes(&raw)
            .map_err(|_| Error::InvalidInput("not a valid Ed25519 public key"))?;
        Ok(PublicKey { key_id, key })
    }

    /// The key id as minisign prints it (the little-endian u64, in upper-case hex).
    pub fn key_id_hex(&self) -> String {
        format!("{:016X}", u64::from_le_bytes(self.key_id))
    }

    /// The public key file, as `minisign -G` writes it.
    pub fn to_file(&self) -> String {
        let mut raw = Vec::with_capacity(42);
        raw.extend_from_slice(&ALG_LEGACY);
        raw.extend_from_slice(&self.key_id);
        raw.extend_from_slice(self.key.as_bytes());
        format!(
            "untrusted comment: minisign public key {}\n{}\n",
            self.key_id_hex(),
            STANDARD.encode(raw)
        )
    }
}

/// A parsed signature file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureFile {
    prehashed: bool,
    pub key_id: [u8; 8],
    signature: Signature,
    pub trusted_comment: String,
    global: Signature,
}

fn sig64(bytes: &[u8]) -> Result<Signature> {
    let arr: [u8; 64] = bytes.try_into().map_err(|_| Error::Tampered)?;
    Ok(Signature::from_bytes(&arr))
}

impl SignatureFile {
    pub fn parse(bytes: &[u8]) -> Result<Self> {
        if bytes.len() > MAX_SIGNATURE_FILE {
            return Err(Error::Tampered);
        }
        let text = std::str::from_utf8(bytes).map_err(|_| Error::Tampered)?;
        let mut lines = text.lines();
        let (Some(untrusted), Some(sig_line), Some(trusted), Some(global_line)) =
            (lines.next(), lines.next(), lines.next(), lines.next())
        else {
            return Err(Error::Tampered);
        };
        if !untrusted.starts_with(UNTRUSTED) {
            return Err(Error::Tampered);
        }
        let trusted_comment = trusted
            .strip_prefix(TRUSTED)
            .ok_or(Error::Tampered)?
            .to_owned();
        // No trimming: every byte after the untrusted comment is either signed or checked.
        let raw = STANDARD.decode(sig_line).map_err(|_| Error::Tampered)?;
        if raw.len() != 74 {
            return Err(Error::Tampered);
        }
        let prehashed = match [raw[0], raw[1]] {
            ALG_PREHASHED => true,
            ALG_LEGACY => false,
            _ => return Err(Error::Tampered),
        };
        let global = STANDARD.decode(global_line).map_err(|_| Error::Tampered)?;
        if lines.any(|l| !l.is_empty()) {
            return Err(Error::Tampered);
        }
        Ok(SignatureFile {
            prehashed,
            key_id: raw[2..10].try_into().map_err(|_| Error::Tampered)?,
            signature: sig64(&raw[10..])?,
            trusted_comment,
            global: sig64(&global)?,
        })
    }

    /// Verifies `message` against whichever of `keys` this signature names. Fails with
    /// `Tampered` for an unknown key, a bad signature or a changed trusted comment.
    pub fn verify<'k>(&self, message: &[u8], keys: &'k [PublicKey]) -> Result<&'k PublicKey> {
        let key = keys
            .iter()
            .find(|k| k.key_id == self.key_id)
            .ok_or(Error::Tampered)?;
        let ok = if self.prehashed {
            key.key
                .verify_strict(&Blake2b512::digest(message), &self.signature)
        } else {
            key.key.verify_strict(message, &self.signature)
        };
        ok.map_err(|_| Error::Tampered)?;
        let mut global_msg = self.signature.to_bytes().to_vec();
        global_msg.extend_from_slice(self.trusted_comment.as_bytes());
        key.key
            .verify_strict(&global_msg, &self.global)
            .map_err(|_| Error::Tampered)?;
        Ok(key)
    }
}
