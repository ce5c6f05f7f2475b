//! Installed packs on disk: one file per kind, replaced atomically, so a crash mid-install
//! leaves either the old pack or the new one, never half of one.
//!
//! File layout: signature length (u32, big-endian) | minisign signature | pack bytes.

use std::fs;
use std::path::PathBuf;

use super::{MAX_PACK_BYTES, PackKind};
use crate::Result;
use crate::atomic_file::{self, Access};

pub(crate) struct PackStore {
    dir: PathBuf,
}

impl PackStore {
    pub(crate) fn new(dir: PathBuf) -> Self {
        PackStore { dir }
    }

    /// The installed pack and signature, if there is one. A file that cannot be split is
    /// reported as absent: the baseline will be used.
    pub(crate) fn read(&self, kind: PackKind) -> Result<Option<(Vec<u8>, Vec<u8>)>> {
        let path = self.dir.join(kind.file_name());
        let meta = match fs::metadata(&path) {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        if meta.len() > (MAX_PACK_BYTES + 8192) as u64 {
            return Ok(None);
        }
        let bytes = fs::read(&path)?;
        if bytes.len() < 4 {
            return Ok(None);
        }
        let sig_len = u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]) as usize;
        if sig_len > 8192 || bytes.len() < 4 + sig_len {
            return Ok(None);
        }
        let sig = bytes[4..4 + sig_len].to_vec();
        let pack = bytes[4 + sig_len..].to_vec();
        Ok(Some((pack, sig)))
    }

    pub(crate) fn write(&self, kind: PackKind, pack: &[u8], signature: &[u8]) -> Result<()> {
        crate::atomic_file::create_private_dir(&self.dir)?;
        let path = self.dir.join(kind.file_name());
        let len = (signature.len() as u32).to_be_bytes();
        Ok(atomic_file::replace(
            &path,
            &[&len, signature, pack],
            Access::Default,
        )?)
    }
}
