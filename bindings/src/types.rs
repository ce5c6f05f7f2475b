//! Records and enums that cross the FFI, with their conversions from the core's types.

use std::time::{Duration, SystemTime};

use harbour_core::Note as CoreNote;
use harbour_core::{KdfParams, KdfProfile};
use harbour_core::{SecretKind as CoreSecretKind, VaultState as CoreVaultState};

use crate::error::{HarbourError, Result};

// Conventions for every type that crosses: times are uniffi timestamps and durations (Kotlin
// `Instant` / `Duration`, Swift `Date` / `TimeInterval`); counts, indexes and versions are
// signed (Kotlin's unsigned types are awkward in app code), and a negative one is refused.

/// A count for the FFI, saturating rather than wrapping.
pub(crate) fn count(n: usize) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

pub(crate) fn time(t: jiff::Timestamp) -> SystemTime {
    SystemTime::from(t)
}

/// A time from the app, e.g. "what is open at this moment".
pub(crate) fn timestamp(t: SystemTime) -> Result<jiff::Timestamp> {
    jiff::Timestamp::try_from(t).map_err(|_| invalid("the time is out of range"))
}

/// A number from the app that must not be negative (an index, a version, a count of days).
pub(crate) fn natural<T: TryFrom<i64>>(n: impl Into<i64>, what: &'static str) -> Result<T> {
    T::try_from(n.into()).map_err(|_| invalid(what))
}

pub(crate) fn invalid(reason: &str) -> HarbourError {
    HarbourError::InvalidInput {
        reason: reason.to_owned(),
    }
}

// The core's own enums, declared again below for uniffi with #[uniffi::remote(Enum)],
// variant for variant: if the core's enum changes, this file stops compiling rather than
// drifting.
pub type SecretKind = CoreSecretKind;

/// How Harbour is opened.
#[derive(Debug, Clone, uniffi::Record)]
pub struct HarbourConfig {
    /// An app-private directory (Android `Context.filesDir`, iOS Application Support). Harbour
    /// creates its database here, and nothing else.
    pub data_dir: String,
    /// BCP 47 language tag for text Harbour shows, e.g. "en-GB".
    pub locale: String,
    pub kdf: KdfSetting,
}

/// How new PINs and passphrases are stretched.
#[derive(Debug, Clone, uniffi::Enum)]
pub enum KdfSetting {
    /// Measure the phone and aim for `target` per unlock (0.75 s is the recommended value),
    /// using at most `maxMemoryMib` (64 recommended; 32 on low-RAM devices).
    Calibrated {
        target: Duration,
        max_memory_mib: i32,
    },
    /// Fast and weak. For automated tests only, never for real data.
    TestingOnly,
}

impl KdfSetting {
    pub(crate) fn to_core(&self) -> Result<KdfProfile> {
        Ok(match *self {
            KdfSetting::Calibrated {
                target,
                max_memory_mib,
            } => KdfProfile::Calibrated {
                target,
                max_memory_kib: natural::<u32>(max_memory_mib, "the memory limit is negative")?
                    .saturating_mul(1024),
            },
            KdfSetting::TestingOnly => KdfProfile::Testing,
        })
    }
}

/// Argon2id parameters stored in the key slot.
#[derive(Debug, Clone, uniffi::Record)]
pub struct KdfInfo {
    pub memory_kib: i64,
    pub iterations: i64,
    pub parallelism: i64,
}

impl From<KdfParams> for KdfInfo {
    fn from(p: KdfParams) -> Self {
        KdfInfo {
            memory_kib: p.memory_kib.into(),
            iterations: p.iterations.into(),
            parallelism: p.parallelism.into(),
        }
    }
}

/// Whether the app should show a number pad or a keyboard.
#[uniffi::remote(Enum)]
pub enum SecretKind {
    Pin,
    Passphrase,
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum VaultState {
    NoVault,
    Locked {
        secret_kind: SecretKind,
        failed_attempts: i32,
        /// How long until the next try is accepted, while a delay runs.
        retry_after: Option<Duration>,
    },
    Unlocked {
        secret_kind: SecretKind,
    },
    /// A vault is here, but this phone's key store does not hold its keys (copied from
    /// another phone by an OS backup or transfer, or keys the OS deleted). No PIN can open
    /// it: offer `setAsideVault()` then restore a backup file, or `eraseEverything()`.
    KeysMissing,
}

impl From<CoreVaultState> for VaultState {
    fn from(s: CoreVaultState) -> Self {
        match s {
            CoreVaultState::NoVault => VaultState::NoVault,
            CoreVaultState::Locked {
                secret_kind,
                failed_attempts,
                retry_after,
            } => VaultState::Locked {
                secret_kind,
                failed_attempts: i32::try_from(failed_attempts).unwrap_or(i32::MAX),
                retry_after,
            },
            CoreVaultState::Unlocked { secret_kind } => VaultState::Unlocked { secret_kind },
            CoreVaultState::KeysMissing => VaultState::KeysMissing,
        }
    }
}

/// A coping note, in the young person's own words.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CopingNote {
    pub id: String,
    pub text: String,
    pub tags: Vec<String>,
    pub pinned: bool,
    /// Readable without the PIN, from `quickAccessNotes()`.
    pub quick_access: bool,
    pub created_at: SystemTime,
    pub updated_at: SystemTime,
}

impl From<CoreNote> for CopingNote {
    fn from(n: CoreNote) -> Self {
        CopingNote {
            id: n.id,
            text: n.text.as_str().to_owned(),
            tags: n.tags.iter().map(|t| t.as_str().to_owned()).collect(),
            pinned: n.pinned,
            quick_access: n.quick_access,
            created_at: time(n.created_at),
            updated_at: time(n.updated_at),
        }
    }
}

/// Notes as listed, and how many are in the vault but could not be read (a damaged part of
/// the file or a changed record): show that number, and offer a backup of what can be read.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CopingNoteList {
    pub notes: Vec<CopingNote>,
    pub unreadable: i32,
}

impl From<harbour_core::NoteList> for CopingNoteList {
    fn from(l: harbour_core::NoteList) -> Self {
        CopingNoteList {
            unreadable: count(l.unreadable),
            notes: l.notes.into_iter().map(CopingNote::from).collect(),
        }
    }
}
