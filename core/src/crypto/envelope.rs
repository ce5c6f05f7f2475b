//! The record envelope: how one encrypted field is laid out in the database.
//!
//! ```text
//! header (8 bytes)   format u8 = 1 | algorithm u8 = 1 (XChaCha20-Poly1305) | key epoch u32 | payload schema u16
//! nonce  (24 bytes)  fresh from the OS CSPRNG on every write
//! ciphertext         of: plaintext length u32 | plaintext | zero padding (Padmé)
//! tag    (16 bytes)
//! ```
//!
//! The associated data binds the whole header and the record's place — table, field, record
//! id, revision and compartment — with length prefixes, so a ciphertext cannot be moved to
//! another row or field, replayed at another revision, or read under another schema version.

use zeroize::Zeroizing;

use super::aead::{self, NONCE_LEN, TAG_LEN};
use super::keys::Key32;
use crate::{Error, Result};

pub(crate) const FORMAT_V1: u8 = 1;
pub(crate) const ALG_XCHACHA20_POLY1305: u8 = 1;
pub(crate) const HEADER_LEN: usize = 8;
const LEN_PREFIX: usize = 4;
/// Every envelope's padded plaintext is at least this long, so short items ("call Sam") all
/// look alike.
pub(crate) const MIN_PADDED: usize = 256;
/// Largest plaintext a record may hold. Notes are far smaller; this refuses runaway input.
pub(crate) const MAX_PLAINTEXT: usize = 4 * 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Header {
    pub epoch: u32,
    pub schema: u16,
}

impl Header {
    fn to_bytes(self) -> [u8; HEADER_LEN] {
        let mut h = [0u8; HEADER_LEN];
        h[0] = FORMAT_V1;
        h[1] = ALG_XCHACHA20_POLY1305;
        h[2..6].copy_from_slice(&self.epoch.to_be_bytes());
        h[6..8].copy_from_slice(&self.schema.to_be_bytes());
        h
    }

    fn parse(bytes: &[u8]) -> Result<Self> {
        if bytes.len() < HEADER_LEN {
            return Err(Error::Tampered);
        }
        if bytes[0] != FORMAT_V1 {
            return Err(if bytes[0] > FORMAT_V1 {
                Error::NewerFormat {
                    found: u32::from(bytes[0]),
                    supported: u32::from(FORMAT_V1),
                }
            } else {
                Error::Tampered
            });
        }
        if bytes[1] != ALG_XCHACHA20_POLY1305 {
            return Err(Error::Tampered);
        }
        Ok(Header {
            epoch: u32::from_be_bytes([bytes[2], bytes[3], bytes[4], bytes[5]]),
            schema: u16::from_be_bytes([bytes[6], bytes[7]]),
        })
    }
}

/// Where a ciphertext belongs. Every field ends up in the associated data.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Binding<'a> {
    pub table: &'a str,
    pub field: &'a str,
    pub id: &'a str,
    pub revision: u64,
    pub compartment: u8,
}

fn associated_data(header: &[u8; HEADER_LEN], b: &Binding<'_>) -> Vec<u8> {
    let mut ad = Vec::with_capacity(64 + b.table.len() + b.field.len() + b.id.len());
    for part in [
        b"harbour-record".as_slice(),
        header,
        b.table.as_bytes(),
        b.field.as_bytes(),
        b.id.as_bytes(),
        &b.revision.to_be_bytes(),
        &[b.compartment],
    ] {
        ad.extend_from_slice(&(part.len() as u32).to_be_bytes());
        ad.extend_from_slice(part);
    }
    ad
}

/// Padmé (Nikitin et al., PETS 2019): rounds a length up so that at most O(log log n) bits of
/// it show, costing at most 12% extra space.
pub(crate) fn padded_len(n: usize) -> usize {
    let n = n.max(MIN_PADDED);
    let e = usize::BITS - 1 - n.leading_zeros(); // floor(log2 n)
    let s = u32::BITS - e.leading_zeros(); // floor(log2 e) + 1
    let mask = (1usize << (e - s)) - 1;
    (n + mask) & !mask
}

pub(crate) fn seal(
    key: &Key32,
    header: Header,
    binding: &Binding<'_>,
    plaintext: &[u8],
) -> Result<Vec<u8>> {
    if plaintext.len() > MAX_PLAINTEXT {
        return Err(Error::InvalidInput("the text is too long"));
    }
    let header_bytes = header.to_bytes();
    let body_len = padded_len(LEN_PREFIX + plaintext.len());
    let start = HEADER_LEN + NONCE_LEN;
    let nonce = aead::random_nonce()?;

    // The plaintext is copied once, into the output buffer, and encrypted there in place.
    let mut out = Vec::with_capacity(start + body_len + TAG_LEN);
    out.extend_from_slice(&header_bytes);
    out.extend_from_slice(&nonce);
    out.extend_from_slice(&(plaintext.len() as u32).to_be_bytes());
    out.extend_from_slice(plaintext);
    out.resize(start + body_len, 0);
    let ad = associated_data(&header_bytes, binding);
    let tag = aead::seal_in_place(key, &nonce, &ad, &mut out[start..])?;
    out.extend_from_slice(&tag);
    Ok(out)
}

pub(crate) fn open(
    key: &Key32,
    envelope: &[u8],
    binding: &Binding<'_>,
) -> Result<(Header, Zeroizing<Vec<u8>>)> {
    let header = Header::parse(envelope)?;
    let start = HEADER_LEN + NONCE_LEN;
    if envelope.len() < start + LEN_PREFIX + TAG_LEN {
        return Err(Error::Tampered);
    }
    let header_bytes: &[u8; HEADER_LEN] = envelope[..HEADER_LEN]
        .try_into()
        .map_err(|_| Error::Tampered)?;
    let nonce: &[u8; NONCE_LEN] = envelope[HEADER_LEN..start]
        .try_into()
        .map_err(|_| Error::Tampered)?;
    let (body, tag) = envelope[start..].split_at(envelope.len() - start - TAG_LEN);
    let tag: &[u8; TAG_LEN] = tag.try_into().map_err(|_| Error::Tampered)?;

    let mut buf = Zeroizing::new(body.to_vec());
    let ad = associated_data(header_bytes, binding);
    aead::open_in_place(key, nonce, &ad, &mut buf, tag)?;

    let len = u32::from_be_bytes([buf[0], buf[1], buf[2], buf[3]]) as usize;
    if len > buf.len() - LEN_PREFIX {
        return Err(Error::Tampered);
    }
    // Shift in place (no reallocation, so no unwiped copy), then drop the padding.
    buf.copy_within(LEN_PREFIX..LEN_PREFIX + len, 0);
    buf[len..].iter_mut().for_each(|b| *b = 0);
    buf.truncate(len);
    Ok((header, buf))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn binding(id: &str) -> Binding<'_> {
        Binding {
            table: "note",
            field: "body",
            id,
            revision: 3,
            compartment: 0,
        }
    }

    const H: Header = Header {
        epoch: 1,
        schema: 1,
    };

    #[test]
    fn round_trip() {
        let key = Key32::random().unwrap();
        let env = seal(&key, H, &binding("a"), b"hello").unwrap();
        let (h, pt) = open(&key, &env, &binding("a")).unwrap();
        assert_eq!(h, H);
        assert_eq!(&pt[..], b"hello");
    }

    #[test]
    fn moved_or_replayed_ciphertext_does_not_open() {
        let key = Key32::random().unwrap();
        let env = seal(&key, H, &binding("a"), b"hello").unwrap();
        let other_row = binding("b");
        let other_field = Binding {
            field: "title",
            ..binding("a")
        };
        let other_rev = Binding {
            revision: 2,
            ..binding("a")
        };
        let other_table = Binding {
            table: "plan",
            ..binding("a")
        };
        let other_compartment = Binding {
            compartment: 1,
            ..binding("a")
        };
        for b in [
            other_row,
            other_field,
            other_rev,
            other_table,
            other_compartment,
        ] {
            assert_eq!(open(&key, &env, &b).unwrap_err(), Error::Tampered);
        }
    }

    #[test]
    fn header_is_authenticated() {
        let key = Key32::random().unwrap();
        let mut env = seal(&key, H, &binding("a"), b"hello").unwrap();
        env[7] ^= 1; // schema
        assert_eq!(
            open(&key, &env, &binding("a")).unwrap_err(),
            Error::Tampered
        );
    }

    #[test]
    fn newer_format_is_reported_as_such() {
        let key = Key32::random().unwrap();
        let mut env = seal(&key, H, &binding("a"), b"hello").unwrap();
        env[0] = 2;
        assert!(matches!(
            open(&key, &env, &binding("a")),
            Err(Error::NewerFormat { found: 2, .. })
        ));
    }

    #[test]
    fn padding_hides_small_differences() {
        let key = Key32::random().unwrap();
        let a = seal(&key, H, &binding("a"), b"call Sam").unwrap();
        let b = seal(&key, H, &binding("a"), &[b'x'; 200]).unwrap();
        assert_eq!(a.len(), b.len());
    }

    #[test]
    fn padme_bounds() {
        for n in [
            1usize, 255, 256, 257, 1000, 1024, 1025, 5000, 100_000, 4_000_000,
        ] {
            let p = padded_len(n);
            assert!(p >= n && p >= MIN_PADDED);
            assert!(
                p as f64 <= (n.max(MIN_PADDED) as f64) * 1.12 + 1.0,
                "{n} -> {p}"
            );
        }
    }

    #[test]
    fn truncated_input_is_an_error() {
        let key = Key32::random().unwrap();
        let env = seal(&key, H, &binding("a"), b"hello").unwrap();
        for len in 0..env.len() {
            assert!(open(&key, &env[..len], &binding("a")).is_err());
        }
    }
}
