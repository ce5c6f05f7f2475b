//! The hope box's file format (issue 19, first step): one attachment's bytes encrypted in
//! fixed-size chunks, in the style of age's STREAM, so that a 100 MB video is never held in
//! memory or in the SQLite WAL and a player can seek without decrypting what comes before.
//!
//! Layout: an 8-byte [`MAGIC`], then chunks of at most [`CHUNK_LEN`] plaintext bytes, each
//! stored as ciphertext followed by its 16-byte tag. Every chunk but the last is full, so chunk
//! `i` starts at `MAGIC.len() + i * (CHUNK_LEN + TAG_LEN)`. An empty attachment is one empty
//! final chunk.
//!
//! Each attachment has its own random key (wrapped by the vault's keys in its record, so key
//! rotation re-wraps it without touching the file). The nonce is the chunk's counter with a
//! flag on the last chunk: reordering chunks, or cutting the file at a chunk boundary, makes a
//! tag fail. The associated data names the attachment, so a chunk or file moved from another
//! attachment fails too, even if it were under the same key. Every failure is
//! [`Error::Tampered`]; nothing decrypted from a chunk that fails is ever returned.

// Not called yet: the hope box's records and files (issue 19) are the next step.
#![cfg_attr(not(test), allow(dead_code))]

use std::io::{Read, Seek, SeekFrom, Write};

use zeroize::Zeroizing;

use super::aead::{self, NONCE_LEN, TAG_LEN};
use super::keys::Key32;
use crate::{Error, Result};

pub(crate) const MAGIC: &[u8; 8] = b"HBXv1\0\r\n";
pub(crate) const CHUNK_LEN: usize = 64 * 1024;
const SEALED_CHUNK_LEN: usize = CHUNK_LEN + TAG_LEN;
const HEADER_LEN: u64 = MAGIC.len() as u64;

/// What a sealed stream holds, for its record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Sealed {
    pub(crate) plaintext_len: u64,
    pub(crate) chunks: u64,
}

fn nonce(index: u64, last: bool) -> [u8; NONCE_LEN] {
    let mut n = [0u8; NONCE_LEN];
    n[NONCE_LEN - 9..NONCE_LEN - 1].copy_from_slice(&index.to_be_bytes());
    n[NONCE_LEN - 1] = u8::from(last);
    n
}

fn associated_data(attachment: &[u8; 16]) -> [u8; 24] {
    let mut ad = [0u8; 24];
    ad[..8].copy_from_slice(MAGIC);
    ad[8..].copy_from_slice(attachment);
    ad
}

/// Reads until `buf` is full or the input ends; returns how much was read.
fn fill(input: &mut impl Read, buf: &mut [u8]) -> Result<usize> {
    let mut done = 0;
    while done < buf.len() {
        match input.read(&mut buf[done..]) {
            Ok(0) => break,
            Ok(n) => done += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(done)
}

/// Calls `each(index, last, chunk)` for every `size`-byte chunk of `input` (the last may be
/// shorter, and is empty only if the input is). Memory stays at two chunks whatever the size:
/// the next chunk is read before this one is handed over, to know whether this one is the last.
fn chunks(
    mut input: impl Read,
    size: usize,
    mut each: impl FnMut(u64, bool, &mut [u8]) -> Result<()>,
) -> Result<u64> {
    let mut this = Zeroizing::new(vec![0u8; size]);
    let mut next = Zeroizing::new(vec![0u8; size]);
    let mut len = fill(&mut input, &mut this)?;
    let mut index = 0u64;
    loop {
        let next_len = if len == size {
            fill(&mut input, &mut next)?
        } else {
            0
        };
        let last = next_len == 0;
        each(index, last, &mut this[..len])?;
        if last {
            return Ok(index + 1);
        }
        std::mem::swap(&mut this, &mut next);
        len = next_len;
        index = index.checked_add(1).ok_or(Error::Tampered)?;
    }
}

/// Encrypts all of `input` to `output`.
pub(crate) fn seal(
    key: &Key32,
    attachment: &[u8; 16],
    input: impl Read,
    mut output: impl Write,
) -> Result<Sealed> {
    let ad = associated_data(attachment);
    output.write_all(MAGIC)?;
    let mut plaintext_len = 0u64;
    let chunks = chunks(input, CHUNK_LEN, |index, last, chunk| {
        let tag = aead::seal_in_place(key, &nonce(index, last), &ad, chunk)?;
        output.write_all(chunk)?;
        output.write_all(&tag)?;
        plaintext_len += chunk.len() as u64;
        Ok(())
    })?;
    output.flush()?;
    Ok(Sealed {
        plaintext_len,
        chunks,
    })
}

fn check_magic(input: &mut impl Read) -> Result<()> {
    let mut magic = [0u8; MAGIC.len()];
    if fill(input, &mut magic)? != MAGIC.len() || &magic != MAGIC {
        return Err(Error::Tampered);
    }
    Ok(())
}

fn open_chunk(key: &Key32, ad: &[u8], index: u64, last: bool, sealed: &mut [u8]) -> Result<usize> {
    let Some(body) = sealed.len().checked_sub(TAG_LEN) else {
        return Err(Error::Tampered);
    };
    let (ct, tag) = sealed.split_at_mut(body);
    let tag: &[u8; TAG_LEN] = (&*tag).try_into().map_err(|_| Error::Tampered)?;
    aead::open_in_place(key, &nonce(index, last), ad, ct, tag)?;
    Ok(body)
}

/// Decrypts a whole stream to `output`, chunk by chunk. A chunk's plaintext is written only
/// once its tag verifies, but a stream cut short fails only at its end: the caller writes to
/// a place it discards on error (a temporary file, a buffer).
pub(crate) fn open(
    key: &Key32,
    attachment: &[u8; 16],
    mut input: impl Read,
    mut output: impl Write,
) -> Result<u64> {
    let ad = associated_data(attachment);
    check_magic(&mut input)?;
    let mut total = 0u64;
    chunks(input, SEALED_CHUNK_LEN, |index, last, sealed| {
        let body = open_chunk(key, &ad, index, last, sealed)?;
        output.write_all(&sealed[..body])?;
        total += body as u64;
        Ok(())
    })?;
    output.flush()?;
    Ok(total)
}

/// How many chunks a sealed file of `file_len` bytes holds, if that length is possible.
fn chunk_count(file_len: u64) -> Option<u64> {
    let body = file_len.checked_sub(HEADER_LEN)?;
    let sealed = SEALED_CHUNK_LEN as u64;
    let chunks = body.div_ceil(sealed).max(1);
    // The last chunk holds at least its tag.
    let last = body - (chunks - 1) * sealed;
    (last >= TAG_LEN as u64).then_some(chunks)
}

/// The plaintext length of a sealed file of `file_len` bytes, for seeking (byte `n` of the
/// attachment is in chunk `n / CHUNK_LEN`); `None` if no stream has that length.
pub(crate) fn plaintext_len(file_len: u64) -> Option<u64> {
    let chunks = chunk_count(file_len)?;
    Some(file_len - HEADER_LEN - chunks * TAG_LEN as u64)
}

/// Decrypts chunk `index` alone, for seeking in audio and video. The file's length says which
/// chunk is the last, so a file cut at a chunk boundary fails here too.
pub(crate) fn read_chunk(
    key: &Key32,
    attachment: &[u8; 16],
    mut file: impl Read + Seek,
    index: u64,
) -> Result<Zeroizing<Vec<u8>>> {
    let file_len = file.seek(SeekFrom::End(0))?;
    let chunks = chunk_count(file_len).ok_or(Error::Tampered)?;
    if index >= chunks {
        return Err(Error::InvalidInput(
            "that part of the attachment does not exist",
        ));
    }
    file.seek(SeekFrom::Start(0))?;
    check_magic(&mut file)?;
    let start = HEADER_LEN + index * SEALED_CHUNK_LEN as u64;
    let len = usize::try_from((file_len - start).min(SEALED_CHUNK_LEN as u64))
        .map_err(|_| Error::Tampered)?;
    file.seek(SeekFrom::Start(start))?;
    let mut buf = Zeroizing::new(vec![0u8; len]);
    if fill(&mut file, &mut buf)? != len {
        return Err(Error::Tampered);
    }
    let body = open_chunk(
        key,
        &associated_data(attachment),
        index,
        index + 1 == chunks,
        &mut buf,
    )?;
    buf.truncate(body);
    Ok(buf)
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use super::*;

    const ID: [u8; 16] = [0x11; 16];
    const OTHER: [u8; 16] = [0x22; 16];

    fn media(len: usize) -> Vec<u8> {
        (0..len).map(|i| (i * 7 + i / 251) as u8).collect()
    }

    fn sealed(key: &Key32, id: &[u8; 16], plain: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        seal(key, id, plain, &mut out).unwrap();
        out
    }

    fn opened(key: &Key32, id: &[u8; 16], file: &[u8]) -> Result<Vec<u8>> {
        let mut out = Vec::new();
        open(key, id, file, &mut out)?;
        Ok(out)
    }

    fn offset(i: usize) -> usize {
        MAGIC.len() + i * SEALED_CHUNK_LEN
    }

    #[test]
    fn round_trips_at_every_boundary() {
        let key = Key32::random().unwrap();
        for len in [
            0,
            1,
            CHUNK_LEN - 1,
            CHUNK_LEN,
            CHUNK_LEN + 1,
            3 * CHUNK_LEN,
            3 * CHUNK_LEN + 5,
        ] {
            let plain = media(len);
            let mut file = Vec::new();
            let s = seal(&key, &ID, &plain[..], &mut file).unwrap();
            assert_eq!(s.plaintext_len, len as u64);
            assert_eq!(s.chunks, len.div_ceil(CHUNK_LEN).max(1) as u64, "len {len}");
            assert_eq!(chunk_count(file.len() as u64), Some(s.chunks), "len {len}");
            assert_eq!(plaintext_len(file.len() as u64), Some(len as u64));
            assert_eq!(opened(&key, &ID, &file).unwrap(), plain, "len {len}");
            for i in 0..s.chunks {
                let chunk = read_chunk(&key, &ID, Cursor::new(&file), i).unwrap();
                let from = i as usize * CHUNK_LEN;
                assert_eq!(&chunk[..], &plain[from..(from + CHUNK_LEN).min(len)]);
            }
            assert!(matches!(
                read_chunk(&key, &ID, Cursor::new(&file), s.chunks),
                Err(Error::InvalidInput(_))
            ));
        }
    }

    #[test]
    fn no_plaintext_is_left_in_the_file() {
        let key = Key32::random().unwrap();
        let marker = b"HARBOUR-MARKER-7f3a";
        let plain: Vec<u8> = marker
            .iter()
            .copied()
            .cycle()
            .take(2 * CHUNK_LEN + 100)
            .collect();
        let file = sealed(&key, &ID, &plain);
        assert!(!file.windows(marker.len()).any(|w| w == marker));
    }

    #[test]
    fn every_kind_of_tampering_is_refused() {
        let key = Key32::random().unwrap();
        let plain = media(3 * CHUNK_LEN + 10);
        let file = sealed(&key, &ID, &plain);
        let other = sealed(&key, &OTHER, &media(3 * CHUNK_LEN + 10));

        let mut flipped_magic = file.clone();
        flipped_magic[0] ^= 1;
        let mut flipped_body = file.clone();
        flipped_body[offset(1) + 5] ^= 0x80;
        let mut flipped_tag = file.clone();
        flipped_tag[offset(2) - 1] ^= 1;
        let mut swapped_within = file.clone();
        swapped_within[offset(0)..offset(1)].copy_from_slice(&file[offset(1)..offset(2)]);
        swapped_within[offset(1)..offset(2)].copy_from_slice(&file[offset(0)..offset(1)]);
        let mut swapped_between = file.clone();
        swapped_between[offset(1)..offset(2)].copy_from_slice(&other[offset(1)..offset(2)]);
        let mut extended = file.clone();
        extended.extend_from_slice(&[0u8; 40]);

        let cases: [(&str, &[u8]); 10] = [
            ("flipped magic", &flipped_magic),
            ("flipped ciphertext", &flipped_body),
            ("flipped tag", &flipped_tag),
            ("chunks swapped within the file", &swapped_within),
            ("a chunk from another attachment", &swapped_between),
            ("cut at a chunk boundary", &file[..offset(2)]),
            ("cut inside a chunk", &file[..offset(3) + 3]),
            ("cut inside the header", &file[..5]),
            ("bytes appended", &extended),
            ("the other attachment's whole file", &other),
        ];
        for (what, bad) in cases {
            assert_eq!(
                opened(&key, &ID, bad).unwrap_err(),
                Error::Tampered,
                "{what}"
            );
            let last = chunk_count(bad.len() as u64).map_or(0, |n| n - 1);
            for i in [0, 1, 2, last] {
                match read_chunk(&key, &ID, Cursor::new(bad), i) {
                    Ok(chunk) => {
                        // Only untouched chunks may still be read on their own.
                        let from = i as usize * CHUNK_LEN;
                        assert_eq!(&chunk[..], &plain[from..from + chunk.len()], "{what}");
                    }
                    Err(e) => assert!(
                        matches!(e, Error::Tampered | Error::InvalidInput(_)),
                        "{what}: {e:?}"
                    ),
                }
            }
        }
        // The damaged chunk itself is never readable.
        assert_eq!(
            read_chunk(&key, &ID, Cursor::new(&flipped_body), 1).unwrap_err(),
            Error::Tampered
        );
        assert_eq!(
            read_chunk(&key, &ID, Cursor::new(&file[..offset(2)]), 1).unwrap_err(),
            Error::Tampered,
            "a cut file's new last chunk"
        );
        assert_eq!(
            opened(&Key32::random().unwrap(), &ID, &file).unwrap_err(),
            Error::Tampered,
            "another key"
        );
    }

    #[test]
    fn impossible_lengths_are_not_streams() {
        assert_eq!(chunk_count(0), None);
        assert_eq!(chunk_count(HEADER_LEN + TAG_LEN as u64 - 1), None);
        assert_eq!(chunk_count(HEADER_LEN + TAG_LEN as u64), Some(1));
        assert_eq!(
            chunk_count(HEADER_LEN + SEALED_CHUNK_LEN as u64 + 3),
            None,
            "a last chunk shorter than its tag"
        );
    }
}
