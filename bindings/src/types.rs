//! Records and enums that cross the FFI, with their conversions from the core's types.

use std::time::Duration;

use harbour_core::Note as CoreNote;
use harbour_core::{KdfParams, KdfProfile};
use harbour_core::{SecretKind as CoreSecretKind, VaultState as CoreVaultState};

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
    /// Measure the phone and aim for `target_millis` per unlock (750 is the recommended
    /// value), using at most `max_memory_mib` (64 recommended; 32 on low-RAM devices).
    Calibrated {
        target_millis: u32,
        max_memory_mib: u32,
    },
    /// Fast and weak. For automated tests only, never for real data.
    TestingOnly,
}

impl KdfSetting {
    pub(crate) fn to_core(&self) -> KdfProfile {
        match *self {
            KdfSetting::Calibrated {
                target_millis,
                max_memory_mib,
            } => KdfProfile::Calibrated {
                target: Duration::from_millis(u64::from(target_millis)),
                max_memory_kib: max_memory_mib.saturating_mul(1024),
            },
            KdfSetting::TestingOnly => KdfProfile::Testing,
        }
    }
}

/// Argon2id parameters stored in the key slot.
#[derive(Debug, Clone, uniffi::Record)]
pub struct KdfInfo {
    pub memory_kib: u32,
    pub iterations: u32,
    pub parallelism: u32,
}

impl From<KdfParams> for KdfInfo {
    fn from(p: KdfParams) -> Self {
        KdfInfo {
            memory_kib: p.memory_kib,
            iterations: p.iterations,
            parallelism: p.parallelism,
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
        failed_attempts: u32,
        /// Seconds until the next try is accepted, while a delay runs.
        retry_after_seconds: Option<u64>,
    },
    Unlocked {
        secret_kind: SecretKind,
    },
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
                failed_attempts,
                retry_after_seconds: retry_after.map(|d| d.as_millis().div_ceil(1000) as u64),
            },
            CoreVaultState::Unlocked { secret_kind } => VaultState::Unlocked { secret_kind },
        }
    }
}

/// A coping note. Times are milliseconds since the Unix epoch.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Note {
    pub id: String,
    pub text: String,
    pub tags: Vec<String>,
    pub pinned: bool,
    /// Readable without the PIN, from `quick_access_notes`.
    pub quick_access: bool,
    pub created_at_ms: i64,
    pub updated_at_ms: i64,
}

impl From<CoreNote> for Note {
    fn from(n: CoreNote) -> Self {
        Note {
            id: n.id,
            text: n.text.as_str().to_owned(),
            tags: n.tags.iter().map(|t| t.as_str().to_owned()).collect(),
            pinned: n.pinned,
            quick_access: n.quick_access,
            created_at_ms: n.created_at.as_millisecond(),
            updated_at_ms: n.updated_at.as_millisecond(),
        }
    }
}

/// Notes as listed, and how many are in the vault but could not be read (a damaged part of
/// the file or a changed record): show that number, and offer a backup of what can be read.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct NoteList {
    pub notes: Vec<Note>,
    pub unreadable: u32,
}

impl From<harbour_core::NoteList> for NoteList {
    fn from(l: harbour_core::NoteList) -> Self {
        NoteList {
            unreadable: u32::try_from(l.unreadable).unwrap_or(u32::MAX),
            notes: l.notes.into_iter().map(Note::from).collect(),
        }
    }
}
