//! Signed, versioned, expiring data packs: the help-now directory and the first-aid library
//! share this.
//!
//! A pack is canonical JSON (`{"kind", "format", "data_version", "built_at", "expires_at",
//! "content"}`) with a detached minisign signature. A baseline pack of each kind is compiled
//! into the library; a newer pack, validly signed by a pinned key, may replace it. An older,
//! expired or badly signed one is refused and the last good pack stays.

pub mod minisign;
mod store;

use std::sync::Arc;

use jiff::Timestamp;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::{Error, Result};
pub use minisign::{PublicKey, SignatureFile};
pub(crate) use store::PackStore;

/// The pack format this code reads and writes.
pub const PACK_FORMAT: u32 = 1;
/// Packs larger than this are refused before parsing.
pub const MAX_PACK_BYTES: usize = 64 * 1024 * 1024;

/// Packs at least this large are parsed while their signature is checked.
const PARALLEL_PARSE_FROM: usize = 1024 * 1024;

/// The development signing key. Its secret half is in `fixtures/keys/` for anyone to use, so
/// a release build must pin its own keys instead (see [`pinned_keys`]).
pub const DEV_PUBLIC_KEY: &str = include_str!("../../../fixtures/keys/dev-pack-key.pub");

/// Why a pack was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PackError {
    #[error("the pack is larger than any real pack")]
    TooLarge,
    #[error("the pack is not signed by a trusted key, or was changed after signing")]
    BadSignature,
    #[error("the pack is not valid")]
    Malformed,
    #[error("the pack is of another kind")]
    WrongKind,
    #[error("the pack is not newer than the one in use (offered {offered}, in use {current})")]
    NotNewer { offered: u64, current: u64 },
    #[error("the pack has expired")]
    Expired,
    #[error("the pack content is not acceptable: {0}")]
    Invalid(&'static str),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PackKind {
    Directory,
    Library,
}

impl PackKind {
    pub fn name(self) -> &'static str {
        match self {
            PackKind::Directory => "harbour.directory",
            PackKind::Library => "harbour.library",
        }
    }

    pub(crate) fn file_name(self) -> &'static str {
        match self {
            PackKind::Directory => "directory.pack",
            PackKind::Library => "library.pack",
        }
    }
}

/// A pack as serialised. `content` is the kind-specific payload.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Pack<T> {
    pub kind: String,
    pub format: u32,
    pub data_version: u64,
    pub built_at: Timestamp,
    pub expires_at: Timestamp,
    pub content: T,
}

/// Where the pack in use came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PackSource {
    /// Compiled into the library.
    Baseline,
    /// Installed later with `install_*_pack`.
    Installed,
}

/// What an app can show about the pack in use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackInfo {
    pub kind: PackKind,
    pub data_version: u64,
    pub built_at: Timestamp,
    pub expires_at: Timestamp,
    /// Past `expires_at`: still used (never hidden), but shown with a warning.
    pub expired: bool,
    pub source: PackSource,
    /// Key id (minisign's hex) of the key that signed it.
    pub signed_by: String,
    /// Signed with the public development key: fine for development, never for release.
    pub development_key: bool,
    pub size_bytes: usize,
}

/// The keys packs must be signed with: those given at build time in `HARBOUR_PACK_PUBKEYS`
/// (one or two minisign public keys' base64 lines, comma-separated: the current release key
/// and the next one, for rotation), or else the development key.
pub fn pinned_keys() -> Result<Vec<PublicKey>> {
    match option_env!("HARBOUR_PACK_PUBKEYS") {
        Some(list) if !list.trim().is_empty() => list
            .split(',')
            .take(2)
            .map(|k| PublicKey::parse(k.trim()))
            .collect(),
        _ => Ok(vec![PublicKey::parse(DEV_PUBLIC_KEY)?]),
    }
}

fn is_dev_key(key: &PublicKey) -> bool {
    PublicKey::parse(DEV_PUBLIC_KEY).is_ok_and(|dev| &dev == key)
}

/// A verified, parsed pack and what is known about it.
#[derive(Debug)]
pub(crate) struct Verified<T> {
    pub pack: Pack<T>,
    pub info: PackInfo,
}

/// Checks size, signature, kind and format. A small pack is parsed only once its signature
/// verifies; a large one is parsed alongside the check, and the result is used only if the
/// signature verifies.
pub(crate) fn verify<T: DeserializeOwned + Send>(
    kind: PackKind,
    bytes: &[u8],
    signature: &[u8],
    keys: &[PublicKey],
    source: PackSource,
    now: Timestamp,
) -> Result<Verified<T>> {
    if bytes.len() > MAX_PACK_BYTES {
        return Err(Error::Pack(PackError::TooLarge));
    }
    let sig = SignatureFile::parse(signature).map_err(|_| Error::Pack(PackError::BadSignature))?;
    let check = || {
        sig.verify(bytes, keys)
            .map_err(|_| Error::Pack(PackError::BadSignature))
    };
    let parse =
        || serde_json::from_slice::<Pack<T>>(bytes).map_err(|_| Error::Pack(PackError::Malformed));
    // A large pack is parsed on a second thread while its signature is checked: hashing and
    // parsing each take tens of milliseconds for a national-scale directory. The parsed result
    // is dropped unless the signature verifies, and parsing untrusted JSON is memory-safe and
    // depth-limited, so the only cost of a bad pack is wasted work.
    let (key, pack) = if bytes.len() >= PARALLEL_PARSE_FROM {
        std::thread::scope(|s| {
            let parsed = s.spawn(parse);
            let key = check();
            let pack = parsed
                .join()
                .unwrap_or(Err(Error::Pack(PackError::Malformed)));
            (key, pack)
        })
    } else {
        let key = check();
        if key.is_err() {
            (key, Err(Error::Pack(PackError::BadSignature)))
        } else {
            (key, parse())
        }
    };
    let key = key?;
    let pack = pack.map_err(|e| {
        // Say "wrong kind" rather than "malformed" when the pack is another kind's (whose
        // content naturally does not parse as this kind's). Only on this failure path, so a
        // good pack is parsed once.
        match serde_json::from_slice::<Pack<serde::de::IgnoredAny>>(bytes) {
            Ok(other) if other.kind != kind.name() => Error::Pack(PackError::WrongKind),
            _ => e,
        }
    })?;
    if pack.kind != kind.name() {
        return Err(Error::Pack(PackError::WrongKind));
    }
    if pack.format > PACK_FORMAT {
        return Err(Error::NewerFormat {
            found: pack.format,
            supported: PACK_FORMAT,
        });
    }
    if pack.format != PACK_FORMAT || pack.expires_at <= pack.built_at {
        return Err(Error::Pack(PackError::Malformed));
    }
    let info = PackInfo {
        kind,
        data_version: pack.data_version,
        built_at: pack.built_at,
        expires_at: pack.expires_at,
        expired: now >= pack.expires_at,
        source,
        signed_by: key.key_id_hex(),
        development_key: is_dev_key(key),
        size_bytes: bytes.len(),
    };
    Ok(Verified { pack, info })
}

/// Content that can check itself after parsing (references resolve, required entries exist).
pub(crate) trait Validate {
    fn validate(&self) -> std::result::Result<(), &'static str>;
}

/// The pack of one kind in use, and how to replace it.
pub(crate) struct Loaded<T> {
    pub content: Arc<T>,
    pub info: PackInfo,
}

impl<T> Clone for Loaded<T> {
    fn clone(&self) -> Self {
        Loaded {
            content: self.content.clone(),
            info: self.info.clone(),
        }
    }
}

/// Loads the best pack of `kind`: the installed one if it verifies and is newer than the
/// baseline, else the baseline.
pub(crate) fn load<T: DeserializeOwned + Validate + Send>(
    kind: PackKind,
    baseline: (&[u8], &[u8]),
    store: Option<&PackStore>,
    now: Timestamp,
) -> Result<Loaded<T>> {
    let keys = pinned_keys()?;
    let base: Verified<T> = verify(
        kind,
        baseline.0,
        baseline.1,
        &keys,
        PackSource::Baseline,
        now,
    )?;
    base.pack
        .content
        .validate()
        .map_err(|e| Error::Pack(PackError::Invalid(e)))?;
    let mut best = Loaded {
        content: Arc::new(base.pack.content),
        info: base.info,
    };
    if let Some(Ok(Some((bytes, sig)))) = store.map(|s| s.read(kind)) {
        // A damaged or untrusted installed pack is ignored, never trusted: the baseline stays.
        if let Ok(installed) = verify::<T>(kind, &bytes, &sig, &keys, PackSource::Installed, now)
            && installed.info.data_version > best.info.data_version
            && installed.pack.content.validate().is_ok()
        {
            best = Loaded {
                content: Arc::new(installed.pack.content),
                info: installed.info,
            };
        }
    }
    Ok(best)
}

/// Verifies a pack offered for installation against the one in use, then saves it.
pub(crate) fn install<T: DeserializeOwned + Validate + Send>(
    kind: PackKind,
    bytes: &[u8],
    signature: &[u8],
    current: &PackInfo,
    store: &PackStore,
    now: Timestamp,
) -> Result<Loaded<T>> {
    let keys = pinned_keys()?;
    let offered: Verified<T> = verify(kind, bytes, signature, &keys, PackSource::Installed, now)?;
    if offered.info.data_version <= current.data_version {
        return Err(Error::Pack(PackError::NotNewer {
            offered: offered.info.data_version,
            current: current.data_version,
        }));
    }
    if offered.info.expired {
        return Err(Error::Pack(PackError::Expired));
    }
    offered
        .pack
        .content
        .validate()
        .map_err(|e| Error::Pack(PackError::Invalid(e)))?;
    store.write(kind, bytes, signature)?;
    Ok(Loaded {
        content: Arc::new(offered.pack.content),
        info: offered.info,
    })
}

/// A pack compiled into the library. Its JSON is deflated at build time (`core/build.rs`): the
/// two packs are 137 KB as JSON, 36 KB deflated, and the library has a 4 MiB budget. The
/// signature covers the JSON, so it is checked after inflating.
#[derive(Debug, Clone, Copy)]
pub struct Baseline {
    pub deflated: &'static [u8],
    pub signature: &'static [u8],
}

impl Baseline {
    /// The pack's JSON, exactly as signed.
    pub fn json(&self) -> Result<Vec<u8>> {
        miniz_oxide::inflate::decompress_to_vec_with_limit(self.deflated, MAX_PACK_BYTES)
            .map_err(|_| Error::Pack(PackError::Malformed))
    }
}

/// One kind of pack in use: loaded on first use, replaced by a successful install.
pub(crate) struct PackSlot<T> {
    kind: PackKind,
    baseline: Baseline,
    current: std::sync::RwLock<Option<Loaded<T>>>,
}

impl<T: DeserializeOwned + Validate + Send> PackSlot<T> {
    pub(crate) fn new(kind: PackKind, baseline: Baseline) -> Self {
        PackSlot {
            kind,
            baseline,
            current: std::sync::RwLock::new(None),
        }
    }

    pub(crate) fn get(&self, store: &PackStore, now: Timestamp) -> Result<Loaded<T>> {
        if let Some(l) = self
            .current
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .as_ref()
        {
            return Ok(l.clone());
        }
        let mut slot = self.current.write().unwrap_or_else(|e| e.into_inner());
        if let Some(l) = slot.as_ref() {
            return Ok(l.clone());
        }
        let json = self.baseline.json()?;
        let loaded = load(
            self.kind,
            (&json, self.baseline.signature),
            Some(store),
            now,
        )?;
        *slot = Some(loaded.clone());
        Ok(loaded)
    }

    pub(crate) fn install(
        &self,
        bytes: &[u8],
        signature: &[u8],
        store: &PackStore,
        now: Timestamp,
    ) -> Result<PackInfo> {
        let current = self.get(store, now)?;
        let mut slot = self.current.write().unwrap_or_else(|e| e.into_inner());
        let installed: Loaded<T> = install(self.kind, bytes, signature, &current.info, store, now)?;
        let info = installed.info.clone();
        *slot = Some(installed);
        Ok(info)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_baselines_inflate_and_damaged_bytes_are_refused() {
        for baseline in [crate::directory::BASELINE, crate::library::BASELINE] {
            let json = baseline.json().unwrap();
            assert!(json.starts_with(b"{\"kind\":\"harbour."));
            let mut cut = baseline.deflated.to_vec();
            cut.truncate(cut.len() / 2);
            let cut: &'static [u8] = Vec::leak(cut);
            let damaged = Baseline {
                deflated: cut,
                ..baseline
            };
            assert_eq!(damaged.json(), Err(Error::Pack(PackError::Malformed)));
        }
    }
}
