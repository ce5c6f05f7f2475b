//! XChaCha20-Poly1305, the one AEAD Harbour uses, with a fresh random 192-bit nonce on every
//! seal (random nonces of this size never realistically repeat).

use chacha20poly1305::aead::{AeadInOut, KeyInit};
use chacha20poly1305::{Tag, XChaCha20Poly1305, XNonce};
use zeroize::Zeroizing;

use super::keys::{Key32, random_array};
use crate::{Error, Result};

pub(crate) const NONCE_LEN: usize = 24;
pub(crate) const TAG_LEN: usize = 16;

fn cipher(key: &Key32) -> XChaCha20Poly1305 {
    XChaCha20Poly1305::new(key.expose().into())
}

pub(crate) fn random_nonce() -> Result<[u8; NONCE_LEN]> {
    random_array()
}

/// Encrypts `buf` in place and returns the tag.
pub(crate) fn seal_in_place(
    key: &Key32,
    nonce: &[u8; NONCE_LEN],
    ad: &[u8],
    buf: &mut [u8],
) -> Result<[u8; TAG_LEN]> {
    let tag = cipher(key)
        .encrypt_inout_detached(&XNonce::from(*nonce), ad, buf.into())
        // Only fails for messages longer than 256 GiB.
        .map_err(|_| Error::InvalidInput("message too long to encrypt"))?;
    Ok(tag.into())
}

/// Decrypts `buf` in place, or fails without revealing anything if the tag does not verify.
pub(crate) fn open_in_place(
    key: &Key32,
    nonce: &[u8; NONCE_LEN],
    ad: &[u8],
    buf: &mut [u8],
    tag: &[u8; TAG_LEN],
) -> Result<()> {
    cipher(key)
        .decrypt_inout_detached(&XNonce::from(*nonce), ad, buf.into(), &Tag::from(*tag))
        .map_err(|_| Error::Tampered)
}

/// `nonce || ciphertext || tag`.
pub(crate) fn seal(key: &Key32, ad: &[u8], plaintext: &[u8]) -> Result<Vec<u8>> {
    let nonce = random_nonce()?;
    let mut out = Vec::with_capacity(NONCE_LEN + plaintext.len() + TAG_LEN);
    out.extend_from_slice(&nonce);
    out.extend_from_slice(plaintext);
    let tag = seal_in_place(key, &nonce, ad, &mut out[NONCE_LEN..])?;
    out.extend_from_slice(&tag);
    Ok(out)
}

/// Opens the output of [`seal`].
pub(crate) fn open(key: &Key32, ad: &[u8], sealed: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
    if sealed.len() < NONCE_LEN + TAG_LEN {
        return Err(Error::Tampered);
    }
    let (nonce, rest) = sealed.split_at(NONCE_LEN);
    let (ct, tag) = rest.split_at(rest.len() - TAG_LEN);
    let nonce: &[u8; NONCE_LEN] = nonce.try_into().map_err(|_| Error::Tampered)?;
    let tag: &[u8; TAG_LEN] = tag.try_into().map_err(|_| Error::Tampered)?;
    let mut buf = Zeroizing::new(ct.to_vec());
    open_in_place(key, nonce, ad, &mut buf, tag)?;
    Ok(buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(s: &str) -> Vec<u8> {
        let s: String = s.split_whitespace().collect();
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    /// draft-irtf-cfrg-xchacha-03, appendix A.3.1 (AEAD_XChaCha20_Poly1305 test vector).
    #[test]
    fn xchacha20poly1305_known_answer() {
        let plaintext = b"Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.";
        let aad = hex("50515253c0c1c2c3c4c5c6c7");
        let key = Key32::from_slice(&hex(
            "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f",
        ))
        .unwrap();
        let nonce: [u8; 24] = hex("404142434445464748494a4b4c4d4e4f5051525354555657")
            .try_into()
            .unwrap();
        let expected_ct = hex(
            "bd6d179d3e83d43b9576579493c0e939572a1700252bfaccbed2902c21396cbb
             731c7f1b0b4aa6440bf3a82f4eda7e39ae64c6708c54c216cb96b72e1213b452
             2f8c9ba40db5d945b11b69b982c1bb9e3f3fac2bc369488f76b2383565d3fff9
             21f9664c97637da9768812f615c68b13b52e",
        );
        let expected_tag = hex("c0875924c1c7987947deafd8780acf49");

        let mut buf = plaintext.to_vec();
        let tag = seal_in_place(&key, &nonce, &aad, &mut buf).unwrap();
        assert_eq!(buf, expected_ct);
        assert_eq!(tag.to_vec(), expected_tag);

        let tag: [u8; 16] = expected_tag.try_into().unwrap();
        open_in_place(&key, &nonce, &aad, &mut buf, &tag).unwrap();
        assert_eq!(buf, plaintext);
    }

    #[test]
    fn every_flipped_bit_is_rejected() {
        let key = Key32::random().unwrap();
        let sealed = seal(&key, b"ad", b"quick brown fox").unwrap();
        for i in 0..sealed.len() * 8 {
            let mut bad = sealed.clone();
            bad[i / 8] ^= 1 << (i % 8);
            assert_eq!(open(&key, b"ad", &bad).unwrap_err(), Error::Tampered);
        }
        assert_eq!(open(&key, b"other", &sealed).unwrap_err(), Error::Tampered);
        assert_eq!(&open(&key, b"ad", &sealed).unwrap()[..], b"quick brown fox");
    }

    #[test]
    fn nonces_are_fresh() {
        let key = Key32::random().unwrap();
        let a = seal(&key, b"", b"same").unwrap();
        let b = seal(&key, b"", b"same").unwrap();
        assert_ne!(a[..NONCE_LEN], b[..NONCE_LEN]);
        assert_ne!(a, b);
    }
}
