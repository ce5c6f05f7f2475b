//! The age file format (c2sp.org/age, version 1) with a passphrase (scrypt) recipient: enough
//! of it to write a file the standard `age` tool decrypts, and to read one it wrote.
//!
//! ```text
//! age-encryption.org/v1
//! -> scrypt <salt, 16 bytes, base64> <log2 N>
//! <file key, wrapped: ChaCha20-Poly1305 under scrypt(passphrase), base64>
//! --- <HMAC-SHA256 of the header, key = HKDF(file key, "header"), base64>
//! <16-byte nonce><payload in 64 KiB ChaCha20-Poly1305 STREAM chunks>
//! ```
//!
//! Written here from the specification rather than with the `age` crate, whose dependency
//! tree (i18n, async runtimes, post-quantum and plugin support) would more than double the
//! size of the phone library; every primitive is RustCrypto's, and interoperability is tested
//! both ways against Debian's `age` tool. Reading is strict: one scrypt stanza only, canonical
//! base64, the work factor capped *before* any scrypt memory is allocated, the MAC checked
//! before any payload is decrypted, and a truncated or extended payload refused.

use base64::Engine;
use base64::engine::general_purpose::STANDARD_NO_PAD;
use chacha20poly1305::aead::{AeadInOut, KeyInit};
use chacha20poly1305::{ChaCha20Poly1305, Nonce, Tag};
use hkdf::Hkdf;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use crate::crypto::keys::random_array;
use crate::{Error, Result};

const INTRO: &str = "age-encryption.org/v1\n";
const SCRYPT_LABEL: &[u8] = b"age-encryption.org/v1/scrypt";
const CHUNK: usize = 64 * 1024;
const TAG_LEN: usize = 16;
/// The highest scrypt work factor accepted from a file: 2^18 needs 256 MiB, which is what the
/// `age` tool itself uses for passphrases. Higher values are refused before any work, so a
/// hostile file cannot make a phone allocate gigabytes.
pub const MAX_LOG_N: u8 = 18;
/// Work factor for files Harbour writes (age's own default).
pub const DEFAULT_LOG_N: u8 = 18;

/// Why an age file was refused. Each says what to tell the user; none carries file content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AgeError {
    #[error("this is not an age-encrypted file")]
    NotAge,
    #[error("this age file is not protected by a passphrase")]
    NotPassphrase,
    #[error("the file asks for more work than Harbour allows")]
    WorkFactorTooHigh,
    #[error("the passphrase is not right")]
    WrongPassphrase,
    #[error("the file was changed or damaged")]
    Damaged,
    #[error("the file is cut short")]
    Truncated,
}

fn hkdf(ikm: &[u8], salt: &[u8], info: &[u8]) -> Zeroizing<[u8; 32]> {
    let mut out = Zeroizing::new([0u8; 32]);
    // 32 bytes is always a valid HKDF-SHA256 output length.
    let _ = Hkdf::<Sha256>::new(Some(salt), ikm).expand(info, out.as_mut());
    out
}

fn scrypt_key(passphrase: &[u8], salt: &[u8; 16], log_n: u8) -> Result<Zeroizing<[u8; 32]>> {
    let mut full_salt = SCRYPT_LABEL.to_vec();
    full_salt.extend_from_slice(salt);
    let params =
        scrypt::Params::new(log_n, 8, 1).map_err(|_| Error::Backup(AgeError::WorkFactorTooHigh))?;
    let mut key = Zeroizing::new([0u8; 32]);
    scrypt::scrypt(passphrase, &full_salt, &params, key.as_mut())
        .map_err(|_| Error::Backup(AgeError::WorkFactorTooHigh))?;
    Ok(key)
}

fn cipher(key: &[u8; 32]) -> ChaCha20Poly1305 {
    ChaCha20Poly1305::new(key.into())
}

fn header_mac(file_key: &[u8; 16], header: &[u8]) -> [u8; 32] {
    let mac_key = hkdf(file_key, b"", b"header");
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(mac_key.as_ref())
        .unwrap_or_else(|_| unreachable!("HMAC takes any key length"));
    mac.update(header);
    mac.finalize().into_bytes().into()
}

fn stream_nonce(counter: u64, last: bool) -> Nonce {
    let mut n = [0u8; 12];
    n[3..11].copy_from_slice(&counter.to_be_bytes());
    n[11] = u8::from(last);
    Nonce::from(n)
}

/// Encrypts `plaintext` to an age file protected by `passphrase`.
pub fn encrypt(plaintext: &[u8], passphrase: &[u8], log_n: u8) -> Result<Vec<u8>> {
    let file_key: Zeroizing<[u8; 16]> = Zeroizing::new(random_array()?);
    let salt: [u8; 16] = random_array()?;
    let wrap_key = scrypt_key(passphrase, &salt, log_n)?;
    let mut wrapped = file_key.to_vec();
    let tag = cipher(&wrap_key)
        .encrypt_inout_detached(&Nonce::default(), b"", wrapped.as_mut_slice().into())
        .map_err(|_| Error::Backup(AgeError::Damaged))?;
    wrapped.extend_from_slice(&tag);

    let mut out = Vec::with_capacity(plaintext.len() + plaintext.len() / CHUNK * TAG_LEN + 256);
    out.extend_from_slice(INTRO.as_bytes());
    out.extend_from_slice(
        format!(
            "-> scrypt {} {log_n}\n{}\n---",
            STANDARD_NO_PAD.encode(salt),
            STANDARD_NO_PAD.encode(&wrapped)
        )
        .as_bytes(),
    );
    let mac = header_mac(&file_key, &out);
    out.extend_from_slice(format!(" {}\n", STANDARD_NO_PAD.encode(mac)).as_bytes());

    let nonce: [u8; 16] = random_array()?;
    out.extend_from_slice(&nonce);
    let payload_key = hkdf(file_key.as_ref(), &nonce, b"payload");
    let c = cipher(&payload_key);
    let chunks: Vec<&[u8]> = if plaintext.is_empty() {
        vec![&[][..]]
    } else {
        plaintext.chunks(CHUNK).collect()
    };
    let mut buf = Zeroizing::new(Vec::with_capacity(CHUNK));
    for (i, chunk) in chunks.iter().enumerate() {
        buf.clear();
        buf.extend_from_slice(chunk);
        let tag = c
            .encrypt_inout_detached(
                &stream_nonce(i as u64, i + 1 == chunks.len()),
                b"",
                buf.as_mut_slice().into(),
            )
            .map_err(|_| Error::Backup(AgeError::Damaged))?;
        out.extend_from_slice(&buf);
        out.extend_from_slice(&tag);
    }
    Ok(out)
}

/// Reads the header line by line, strictly.
struct Header<'a> {
    salt: [u8; 16],
    log_n: u8,
    wrapped: Vec<u8>,
    mac: Vec<u8>,
    /// The header bytes the MAC covers (up to and including "---").
    mac_input: &'a [u8],
    payload: &'a [u8],
}

fn line<'a>(bytes: &'a [u8], at: &mut usize) -> Result<&'a str> {
    let rest = bytes.get(*at..).ok_or(Error::Backup(AgeError::Truncated))?;
    let end = rest
        .iter()
        .position(|b| *b == b'\n')
        .ok_or(Error::Backup(AgeError::Truncated))?;
    *at += end + 1;
    std::str::from_utf8(&rest[..end]).map_err(|_| Error::Backup(AgeError::Damaged))
}

fn b64(s: &str) -> Result<Vec<u8>> {
    // The spec requires canonical, unpadded base64.
    STANDARD_NO_PAD
        .decode(s)
        .map_err(|_| Error::Backup(AgeError::Damaged))
}

fn parse(bytes: &[u8]) -> Result<Header<'_>> {
    if !bytes.starts_with(INTRO.as_bytes()) {
        return Err(Error::Backup(AgeError::NotAge));
    }
    let mut at = INTRO.len();
    let stanza = line(bytes, &mut at)?;
    let args: Vec<&str> = stanza.split(' ').collect();
    match args.as_slice() {
        ["->", "scrypt", salt, log_n] => {
            let salt: [u8; 16] = b64(salt)?
                .try_into()
                .map_err(|_| Error::Backup(AgeError::Damaged))?;
            // Decimal without leading zeros, as the spec requires.
            if log_n.is_empty()
                || log_n.starts_with('0')
                || !log_n.bytes().all(|b| b.is_ascii_digit())
                || log_n.len() > 2
            {
                return Err(Error::Backup(AgeError::Damaged));
            }
            let log_n: u8 = log_n
                .parse()
                .map_err(|_| Error::Backup(AgeError::Damaged))?;
            if log_n > MAX_LOG_N {
                return Err(Error::Backup(AgeError::WorkFactorTooHigh));
            }
            let body = line(bytes, &mut at)?;
            if body.len() >= 64 {
                // A 32-byte body is one short line; anything longer is not a scrypt stanza.
                return Err(Error::Backup(AgeError::Damaged));
            }
            let wrapped = b64(body)?;
            let next = line(bytes, &mut at)?;
            let mac_b64 = next.strip_prefix("--- ").ok_or(if next.starts_with("->") {
                // age requires a scrypt stanza to be the only one.
                Error::Backup(AgeError::NotPassphrase)
            } else {
                Error::Backup(AgeError::Damaged)
            })?;
            let mac_end = at - next.len() - 1 + 3; // through "---"
            Ok(Header {
                salt,
                log_n,
                wrapped,
                mac: b64(mac_b64)?,
                mac_input: &bytes[..mac_end],
                payload: &bytes[at..],
            })
        }
        ["->", ..] => Err(Error::Backup(AgeError::NotPassphrase)),
        _ => Err(Error::Backup(AgeError::Damaged)),
    }
}

/// Decrypts an age file with a passphrase. Nothing is returned unless every chunk verifies
/// and the final chunk is marked last.
pub fn decrypt(bytes: &[u8], passphrase: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
    decrypt_up_to(bytes, passphrase, MAX_LOG_N)
}

/// [`decrypt`] with a lower work-factor cap (the fuzzers use one, to stay fast).
pub(crate) fn decrypt_up_to(
    bytes: &[u8],
    passphrase: &[u8],
    max_log_n: u8,
) -> Result<Zeroizing<Vec<u8>>> {
    let h = parse(bytes)?;
    if h.log_n > max_log_n {
        return Err(Error::Backup(AgeError::WorkFactorTooHigh));
    }
    if h.wrapped.len() != 16 + TAG_LEN || h.mac.len() != 32 {
        return Err(Error::Backup(AgeError::Damaged));
    }
    let wrap_key = scrypt_key(passphrase, &h.salt, h.log_n)?;
    let mut file_key = Zeroizing::new([0u8; 16]);
    file_key.copy_from_slice(&h.wrapped[..16]);
    let tag = Tag::try_from(&h.wrapped[16..]).map_err(|_| Error::Backup(AgeError::Damaged))?;
    cipher(&wrap_key)
        .decrypt_inout_detached(&Nonce::default(), b"", file_key.as_mut_slice().into(), &tag)
        .map_err(|_| Error::Backup(AgeError::WrongPassphrase))?;
    if !bool::from(header_mac(&file_key, h.mac_input).ct_eq(&h.mac[..])) {
        return Err(Error::Backup(AgeError::Damaged));
    }
    if h.payload.len() < 16 + TAG_LEN {
        return Err(Error::Backup(AgeError::Truncated));
    }
    let (nonce, body) = h.payload.split_at(16);
    let payload_key = hkdf(file_key.as_ref(), nonce, b"payload");
    let c = cipher(&payload_key);
    let mut out = Zeroizing::new(Vec::with_capacity(body.len()));
    let chunks: Vec<&[u8]> = body.chunks(CHUNK + TAG_LEN).collect();
    for (i, chunk) in chunks.iter().enumerate() {
        if chunk.len() < TAG_LEN {
            return Err(Error::Backup(AgeError::Truncated));
        }
        let last = i + 1 == chunks.len();
        let (ct, tag) = chunk.split_at(chunk.len() - TAG_LEN);
        if last && ct.is_empty() && i > 0 {
            // Only an empty file may end with an empty chunk.
            return Err(Error::Backup(AgeError::Damaged));
        }
        let tag = Tag::try_from(tag).map_err(|_| Error::Backup(AgeError::Damaged))?;
        let start = out.len();
        out.extend_from_slice(ct);
        let ok = c
            .decrypt_inout_detached(
                &stream_nonce(i as u64, last),
                b"",
                out[start..].as_mut().into(),
                &tag,
            )
            .is_ok();
        if !ok {
            // A full-size final chunk that is not marked last means the file was cut short.
            let cut_short = last
                && ct.len() == CHUNK
                && c.decrypt_inout_detached(
                    &stream_nonce(i as u64, false),
                    b"",
                    // Wiped after: on success it holds a chunk of plaintext.
                    Zeroizing::new(ct.to_vec()).as_mut_slice().into(),
                    &tag,
                )
                .is_ok();
            return Err(Error::Backup(if cut_short {
                AgeError::Truncated
            } else {
                AgeError::Damaged
            }));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_sizes() {
        for len in [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK + 17] {
            let data: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
            let file = encrypt(&data, b"correct horse", 10).unwrap();
            assert_eq!(
                &*decrypt(&file, b"correct horse").unwrap(),
                &data[..],
                "len {len}"
            );
            assert_eq!(
                decrypt(&file, b"wrong").unwrap_err(),
                Error::Backup(AgeError::WrongPassphrase)
            );
        }
    }

    #[test]
    fn work_factor_is_capped_before_any_work() {
        let file = encrypt(b"x", b"p", 10).unwrap();
        let text = String::from_utf8_lossy(&file).replace(" 10\n", " 30\n");
        // With log N = 30 scrypt would need 128 GiB; refusing must be immediate.
        let started = std::time::Instant::now();
        assert_eq!(
            decrypt(text.as_bytes(), b"p").unwrap_err(),
            Error::Backup(AgeError::WorkFactorTooHigh)
        );
        assert!(started.elapsed() < std::time::Duration::from_secs(1));
    }

    #[test]
    fn truncation_and_flips_are_typed_errors() {
        let data = vec![7u8; CHUNK * 2 + 5];
        let file = encrypt(&data, b"pw", 10).unwrap();
        for cut in [file.len() - 1, file.len() - (5 + TAG_LEN), 20, 60] {
            assert!(decrypt(&file[..cut], b"pw").is_err(), "cut at {cut}");
        }
        // Dropping the whole last chunk leaves a full chunk not marked last.
        let cut = file.len() - (5 + TAG_LEN);
        assert_eq!(
            decrypt(&file[..cut], b"pw").unwrap_err(),
            Error::Backup(AgeError::Truncated)
        );
        for i in (0..file.len()).step_by(997) {
            let mut bad = file.clone();
            bad[i] ^= 0x40;
            assert!(decrypt(&bad, b"pw").is_err(), "flip at {i}");
        }
    }
}
