//! Building packs from the publisher's source files: parse, check everything the phone would
//! refuse and more (the text lint), and serialise in a fixed order so the same source always
//! gives the same bytes.

use harbour_core::authoring::directory::{self, DirectoryContent};
use harbour_core::authoring::library::{self, LibraryContent};
use harbour_core::authoring::pack::{PACK_FORMAT, Pack};
use harbour_core::{Error, Result};
use harbour_core::{PackError, PackKind};
use jiff::Timestamp;
use serde::Serialize;

/// Serialises a pack (compact JSON, fields in a fixed order, so the same input always gives
/// the same bytes). Signing is separate ([`crate::sign`]).
pub fn build<T: Serialize>(
    kind: PackKind,
    data_version: u64,
    built_at: Timestamp,
    expires_at: Timestamp,
    content: T,
) -> Result<Vec<u8>> {
    if expires_at <= built_at {
        return Err(Error::InvalidInput("a pack must expire after it is built"));
    }
    let pack = Pack {
        kind: kind.name().to_owned(),
        format: PACK_FORMAT,
        data_version,
        built_at,
        expires_at,
        content,
    };
    serde_json::to_vec(&pack).map_err(|_| Error::InvalidInput("the pack could not be serialised"))
}

/// Builds an unsigned pack from a publisher's source file: parses it, runs the kind's own
/// checks (`problems` lists each one with where it is) and serialises it with [`build`].
pub fn build_from_source<T: Serialize + serde::de::DeserializeOwned>(
    kind: PackKind,
    source: &[u8],
    problems: impl FnOnce(&T) -> Vec<String>,
    data_version: u64,
    built_at: Timestamp,
    expires_at: Timestamp,
) -> std::result::Result<Vec<u8>, Vec<String>> {
    let content: T = serde_json::from_slice(source).map_err(|e| vec![format!("source: {e}")])?;
    let found = problems(&content);
    if !found.is_empty() {
        return Err(found);
    }
    build(kind, data_version, built_at, expires_at, &content).map_err(|e| vec![e.to_string()])
}

/// Reads only the header of a pack (no signature check): for publisher tools and info.
pub fn peek(bytes: &[u8]) -> Result<Pack<serde::de::IgnoredAny>> {
    serde_json::from_slice(bytes).map_err(|_| Error::Pack(PackError::Malformed))
}

/// Builds an unsigned directory pack from the fixtures' source format, or lists every problem
/// (with where it is) so the publisher can fix the source.
pub fn directory_pack(
    source: &[u8],
    data_version: u64,
    built_at: Timestamp,
    expires_at: Timestamp,
) -> std::result::Result<Vec<u8>, Vec<String>> {
    build_from_source(
        PackKind::Directory,
        source,
        |content: &DirectoryContent| {
            let mut p = directory::problems(content);
            p.extend(directory::text_problems(content));
            p
        },
        data_version,
        built_at,
        expires_at,
    )
}

/// Builds an unsigned library pack from the fixtures' source format, or lists every problem
/// the content lint finds.
pub fn library_pack(
    source: &[u8],
    data_version: u64,
    built_at: Timestamp,
    expires_at: Timestamp,
) -> std::result::Result<Vec<u8>, Vec<String>> {
    build_from_source(
        PackKind::Library,
        source,
        |content: &LibraryContent| library::lint(content).problems,
        data_version,
        built_at,
        expires_at,
    )
}
