//! The one set-up every Rust test and benchmark opens Harbour with: a temporary data
//! directory, an in-memory key store, a clock the test moves, and the fast testing KDF.

// A fixture that cannot be set up should fail the test that asked for it, loudly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::sync::Arc;

use harbour_core::{Clock, Harbour, ManualClock, MemoryKeyStore, PlatformKeyStore, Secret};

use crate::{files_containing, testing_config};

pub const PIN: &str = "482915";

pub struct Fixture {
    pub dir: tempfile::TempDir,
    pub keystore: Arc<MemoryKeyStore>,
    pub clock: Arc<ManualClock>,
    pub harbour: Harbour,
}

/// The moment every fixture's clock starts at: 3 a.m., when this is most often used.
pub fn start() -> jiff::Timestamp {
    "2026-11-21T03:00:00Z".parse().unwrap()
}

impl Default for Fixture {
    fn default() -> Self {
        Self::new()
    }
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
    Harbour::open_with_clock(testing_config(dir), ks, clock).unwrap()
}

/// Fails if `marker` appears in any file under `dir`, as UTF-8 or UTF-16.
pub fn assert_absent(dir: &Path, marker: &str) {
    let found = files_containing(dir, marker);
    assert!(found.is_empty(), "marker found in {found:?}");
}
