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

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use blake2::{Blake2b512, Digest};
use ed25519_dalek::{Signature, VerifyingKey};

use crate::{Error, Result};

const ALG_LEGACY: [u8; 2] = *b"Ed";
const ALG_PREHASHED: [u8; 2] = *b"ED";
const UNTRUSTED: &str = "untrusted comment: ";
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
#[derive(Debug, Clone)]
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

/// Signing, for the publisher's tools only: phones never hold a signing key.
#[cfg(feature = "publisher")]
pub mod signer {
    use ed25519_dalek::{Signer, SigningKey};
    use zeroize::Zeroizing;

    use super::*;

    const KDF_NONE: [u8; 2] = [0, 0];
    const CHK_ALG: [u8; 2] = *b"B2";

    /// A minisign secret key. Only unencrypted key files (`minisign -G -W`) are read: the
    /// publisher keeps the file itself protected.
    pub struct SecretKey {
        key_id: [u8; 8],
        signing: SigningKey,
    }

    impl std::fmt::Debug for SecretKey {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("SecretKey(<redacted>)")
        }
    }

    impl SecretKey {
        pub fn parse(text: &str) -> Result<Self> {
            let line = text
                .lines()
                .map(str::trim)
                .find(|l| !l.is_empty() && !l.starts_with(UNTRUSTED))
                .ok_or(Error::InvalidInput("not a minisign secret key"))?;
            let bytes = Zeroizing::new(
                STANDARD
                    .decode(line)
                    .map_err(|_| Error::InvalidInput("not a minisign secret key"))?,
            );
            if bytes.len() != 158 || bytes[..2] != ALG_LEGACY || bytes[4..6] != CHK_ALG {
                return Err(Error::InvalidInput("not a minisign Ed25519 secret key"));
            }
            if bytes[2..4] != KDF_NONE {
                return Err(Error::InvalidInput(
                    "the secret key is password-protected; give an unencrypted key (minisign -G -W)",
                ));
            }
            // sig_alg | kdf_alg | chk_alg | salt (32) | opslimit (8) | memlimit (8) | key id (8)
            // | secret key (64) | checksum (32)
            let key_id: [u8; 8] = bytes[54..62].try_into().map_err(|_| Error::Tampered)?;
            let keypair: Zeroizing<[u8; 64]> =
                Zeroizing::new(bytes[62..126].try_into().map_err(|_| Error::Tampered)?);
            // minisign writes an all-zero checksum for unencrypted keys; otherwise it is
            // BLAKE2b-256(algorithm | key id | secret key). Either way, from_keypair_bytes below
            // checks that the public half matches the seed.
            let checksum = &bytes[126..158];
            if checksum.iter().any(|b| *b != 0) {
                let mut h = blake2::Blake2b::<blake2::digest::consts::U32>::new();
                h.update(ALG_LEGACY);
                h.update(key_id);
                h.update(keypair.as_slice());
                if h.finalize().as_slice() != checksum {
                    return Err(Error::InvalidInput("the secret key file is damaged"));
                }
            }
            let signing = SigningKey::from_keypair_bytes(&keypair)
                .map_err(|_| Error::InvalidInput("the secret key file is damaged"))?;
            Ok(SecretKey { key_id, signing })
        }

        pub fn public_key(&self) -> PublicKey {
            PublicKey {
                key_id: self.key_id,
                key: self.signing.verifying_key(),
            }
        }

        /// A prehashed ("ED") signature file for `message`, as `minisign -S` writes it.
        pub fn sign(&self, message: &[u8], trusted_comment: &str) -> Result<String> {
            if trusted_comment.contains(['\n', '\r']) {
                return Err(Error::InvalidInput("the trusted comment must be one line"));
            }
            let signature = self.signing.sign(&Blake2b512::digest(message));
            let mut raw = Vec::with_capacity(74);
            raw.extend_from_slice(&ALG_PREHASHED);
            raw.extend_from_slice(&self.key_id);
            raw.extend_from_slice(&signature.to_bytes());
            let mut global_msg = signature.to_bytes().to_vec();
            global_msg.extend_from_slice(trusted_comment.as_bytes());
            let global = self.signing.sign(&global_msg);
            Ok(format!(
                "untrusted comment: signature from harbour pack tool\n{}\ntrusted comment: {}\n{}\n",
                STANDARD.encode(raw),
                trusted_comment,
                STANDARD.encode(global.to_bytes())
            ))
        }
    }
}

#[cfg(all(test, feature = "publisher"))]
mod tests {
    use super::signer::SecretKey;
    use super::*;

    const DEV_SEC: &str = include_str!("../../../fixtures/keys/dev-pack-key.sec");
    const DEV_PUB: &str = include_str!("../../../fixtures/keys/dev-pack-key.pub");

    #[test]
    fn secret_key_file_matches_its_public_key_file() {
        let sk = SecretKey::parse(DEV_SEC).unwrap();
        let pk = PublicKey::parse(DEV_PUB).unwrap();
        assert_eq!(sk.public_key(), pk);
        assert_eq!(pk.to_file().lines().nth(1), DEV_PUB.lines().nth(1));
        assert_eq!(format!("{sk:?}"), "SecretKey(<redacted>)");
    }

    #[test]
    fn sign_verify_and_every_flipped_bit_fails() {
        let sk = SecretKey::parse(DEV_SEC).unwrap();
        let keys = [sk.public_key()];
        let msg = b"{\"kind\":\"test\"}";
        let sig = sk.sign(msg, "timestamp:0\tfile:test.json").unwrap();
        let parsed = SignatureFile::parse(sig.as_bytes()).unwrap();
        parsed.verify(msg, &keys).unwrap();
        assert_eq!(parsed.trusted_comment, "timestamp:0\tfile:test.json");
        for i in 0..msg.len() * 8 {
            let mut bad = msg.to_vec();
            bad[i / 8] ^= 1 << (i % 8);
            assert_eq!(parsed.verify(&bad, &keys).unwrap_err(), Error::Tampered);
        }
        // A changed trusted comment breaks the global signature.
        let forged = sig.replace("timestamp:0", "timestamp:9");
        let forged = SignatureFile::parse(forged.as_bytes()).unwrap();
        assert_eq!(forged.verify(msg, &keys).unwrap_err(), Error::Tampered);
        // Every flipped bit in the signature file is refused.
        for i in 0..sig.len() * 8 {
            let mut bad = sig.as_bytes().to_vec();
            bad[i / 8] ^= 1 << (i % 8);
            if let Ok(p) = SignatureFile::parse(&bad) {
                // A flip inside a base64 padding bit can decode to the same bytes; anything
                // that parses must still verify only if it is the same signature.
                if p.verify(msg, &keys).is_ok() {
                    let reparsed = SignatureFile::parse(sig.as_bytes()).unwrap();
                    assert_eq!(p.signature, reparsed.signature);
                    assert_eq!(p.global, reparsed.global);
                    assert_eq!(p.trusted_comment, reparsed.trusted_comment);
                }
            }
        }
    }

    #[test]
    fn unknown_key_is_refused() {
        let sk = SecretKey::parse(DEV_SEC).unwrap();
        let sig = sk.sign(b"x", "c").unwrap();
        let other = PublicKey::parse(
            "RWQAAAAAAAAAAAD8CPqRpD1yqYRu3hV7vqC6hEv6rJh0dQyCdhbIbb7OFzW5AZr+XGhs",
        )
        .ok();
        let keys: Vec<PublicKey> = other.into_iter().collect();
        assert_eq!(
            SignatureFile::parse(sig.as_bytes())
                .unwrap()
                .verify(b"x", &keys)
                .unwrap_err(),
            Error::Tampered
        );
    }
}
