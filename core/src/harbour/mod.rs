//! [`Harbour`]: the one object an app holds, and the only code that sees every domain.
//!
//! Opening never touches the vault, so that help-now and the first-aid library work even if
//! the vault's database is damaged, locked out or missing: the crisis surface does not depend
//! on anything that can fail in the encrypted store. The database is opened on first use.
//!
//! One file per capability (`vault`, `notes`, `plan`, `session`, `help`, `library`, `backup`,
//! `watch`);
//! each call takes a guard from [`state`] and makes domain calls, so work that crosses domains
//! (the plan naming a directory service, the triage handing over to help now) is written here,
//! where it can be seen. The domain modules never import this one (the import rule in
//! `tests/tests/layers.rs`).

mod backup;
mod coping;
mod help;
mod library;
mod notes;
mod plan;
mod session;
mod state;
mod vault;
mod watch;

use std::path::PathBuf;
use std::sync::Arc;

use jiff::Timestamp;

use crate::clock::{Clock, SystemClock};
use crate::crypto::kdf::KdfProfile;
use crate::directory::Directory;
use crate::keystore::PlatformKeyStore;
use crate::library::Library;
use crate::pack::{Loaded, PackKind, PackSlot, PackStore};
use crate::{Error, Result};
pub use coping::{AfterMoment, HowNow, Moment};
pub use library::TriageStep;
pub use plan::QuickAccess;
use state::SessionState;
use watch::Watch;
pub use watch::{LockObserver, LockState};

#[derive(Debug, Clone)]
pub struct Config {
    /// Where the encrypted database lives. Apps pass their private files directory.
    pub data_dir: PathBuf,
    /// BCP 47 language tag for shown text, e.g. `en-GB`.
    pub locale: String,
    /// How new key slots choose their Argon2id parameters.
    pub kdf: KdfProfile,
}

impl Config {
    pub fn new(data_dir: impl Into<PathBuf>) -> Self {
        Config {
            data_dir: data_dir.into(),
            locale: "en-GB".to_owned(),
            kdf: KdfProfile::default(),
        }
    }
}

pub struct Harbour {
    config: Config,
    keystore: Arc<dyn PlatformKeyStore>,
    clock: Arc<dyn Clock>,
    session: SessionState,
    packs: Packs,
    watch: Watch,
}

/// The signed packs in use, each loaded on first use. Kept apart from the session state so
/// help-now never waits behind an unlock.
struct Packs {
    directory: PackSlot<Directory>,
    library: PackSlot<Library>,
}

impl Default for Packs {
    fn default() -> Self {
        Packs {
            directory: PackSlot::new(PackKind::Directory, crate::directory::BASELINE),
            library: PackSlot::new(PackKind::Library, crate::library::BASELINE),
        }
    }
}

impl Harbour {
    pub fn open(config: Config, keystore: Arc<dyn PlatformKeyStore>) -> Result<Self> {
        Self::open_with_clock(config, keystore, Arc::new(SystemClock))
    }

    pub fn open_with_clock(
        config: Config,
        keystore: Arc<dyn PlatformKeyStore>,
        clock: Arc<dyn Clock>,
    ) -> Result<Self> {
        if config.data_dir.as_os_str().is_empty() {
            return Err(Error::InvalidInput("the data directory is empty"));
        }
        Ok(Harbour {
            session: SessionState::new(config.data_dir.clone(), keystore.clone()),
            config,
            keystore,
            clock,
            packs: Packs::default(),
            watch: Watch::default(),
        })
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Now, to the millisecond: records store their times in milliseconds, so a note as
    /// returned when written equals the same note read back.
    fn now(&self) -> Timestamp {
        let now = self.clock.now();
        Timestamp::from_millisecond(now.as_millisecond()).unwrap_or(now)
    }

    fn pack_store(&self) -> PackStore {
        PackStore::new(self.config.data_dir.join("packs"))
    }

    /// The directory in use, loaded on first use (baseline, or a newer installed pack).
    fn directory(&self) -> Result<Loaded<Directory>> {
        self.packs.directory.get(&self.pack_store(), self.now())
    }

    fn library(&self) -> Result<Loaded<Library>> {
        self.packs.library.get(&self.pack_store(), self.now())
    }
}
