//! Signing packs in the minisign format, for the publisher only: phones never hold a signing
//! key, so this is not in harbour-core. The format itself (and verifying) lives in
//! `harbour_core::pack::minisign`; this is its other half, written by hand for the same
//! reason (the `minisign` crate pulls in password prompting and file handling a build step
//! does not need; this is about 80 lines over ed25519-dalek and blake2).

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use blake2::{Blake2b512, Digest};
use harbour_core::authoring::pack::{ALG_LEGACY, ALG_PREHASHED, PublicKey, UNTRUSTED};
use harbour_core::{Error, Result};

use ed25519_dalek::{Signer, SigningKey};
use zeroize::Zeroizing;

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
        PublicKey::from_raw(self.key_id, self.signing.verifying_key().as_bytes())
            .unwrap_or_else(|_| unreachable!("a signing key's public half is a valid key"))
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

#[cfg(test)]
mod tests {
    use harbour_core::authoring::pack::SignatureFile;

    use super::*;

    const DEV_SEC: &str = include_str!("../../fixtures/keys/dev-pack-key.sec");
    const DEV_PUB: &str = include_str!("../../fixtures/keys/dev-pack-key.pub");

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
                    assert_eq!(p, SignatureFile::parse(sig.as_bytes()).unwrap());
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
