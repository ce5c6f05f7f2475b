//! Shared set-up for the core's integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::Arc;

use harbour_core::KdfProfile;
use harbour_core::{Clock, Config, Harbour, ManualClock, MemoryKeyStore, PlatformKeyStore, Secret};

pub const PIN: &str = "482915";

pub struct Fixture {
    pub dir: tempfile::TempDir,
    pub keystore: Arc<MemoryKeyStore>,
    pub clock: Arc<ManualClock>,
    pub harbour: Harbour,
}

pub fn config(dir: &Path) -> Config {
    let mut c = Config::new(dir);
    c.kdf = KdfProfile::Testing;
    c
}

pub fn start() -> jiff::Timestamp {
    "2026-11-21T03:00:00Z".parse().unwrap()
}

impl Fixture {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let keystore = Arc::new(MemoryKeyStore::new());
        let clock = Arc::new(ManualClock::new(start()));
        let harbour = open(dir.path(), keystore.clone(), clock.clone());
        Fixture {
            dir,
            keystore,
            clock,
            harbour,
        }
    }

    pub fn with_vault() -> Self {
        let f = Self::new();
        f.harbour.create_vault(Secret::from_text(PIN)).unwrap();
        f
    }

    pub fn data_dir(&self) -> PathBuf {
        self.dir.path().to_path_buf()
    }

    /// A second handle on the same data and keys, as after an app restart.
    pub fn reopen(&self) -> Harbour {
        open(self.dir.path(), self.keystore.clone(), self.clock.clone())
    }

    pub fn db(&self) -> rusqlite::Connection {
        rusqlite::Connection::open(self.dir.path().join("harbour.sqlite3")).unwrap()
    }
}

pub fn open(dir: &Path, ks: Arc<dyn PlatformKeyStore>, clock: Arc<dyn Clock>) -> Harbour {
    Harbour::open_with_clock(config(dir), ks, clock).unwrap()
}

/// Every byte of every file under `dir`.
pub fn all_file_bytes(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let p = entry.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push((p.clone(), std::fs::read(&p).unwrap_or_default()));
            }
        }
    }
    out
}

pub fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// Fails if `marker` appears in any file under `dir`, as UTF-8 or UTF-16.
pub fn assert_absent(dir: &Path, marker: &str) {
    let utf16: Vec<u8> = marker
        .encode_utf16()
        .flat_map(|u| u.to_le_bytes())
        .collect();
    for (path, bytes) in all_file_bytes(dir) {
        assert!(
            !contains(&bytes, marker.as_bytes()),
            "marker found in {}",
            path.display()
        );
        assert!(
            !contains(&bytes, &utf16),
            "UTF-16 marker found in {}",
            path.display()
        );
    }
}
