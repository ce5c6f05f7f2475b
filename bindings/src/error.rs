//! The one public error type, and the one place core errors are converted.
//!
//! Messages never contain user content, keys or secrets: the core's errors carry none, and
//! nothing is added here.

use std::time::Duration;

use harbour_core::Error as CoreError;

#[derive(Debug, thiserror::Error, uniffi::Error)]
pub enum HarbourError {
    #[error("no vault has been created yet")]
    NoVault,
    #[error("a vault already exists")]
    VaultExists,
    #[error("the vault is locked")]
    Locked,
    #[error("the secret is not right")]
    WrongSecret {
        /// How long until the next try is accepted, when a delay has started.
        retry_after: Option<Duration>,
    },
    #[error("too many tries; the next one is accepted after a pause")]
    LockedOut { retry_after: Duration },
    #[error("the secret does not meet the rules: {reason}")]
    WeakSecret { reason: String },
    #[error("stored data was changed or damaged and cannot be trusted")]
    Tampered,
    #[error("the database file is damaged")]
    Corrupt,
    #[error("the data was written by a newer version of Harbour")]
    NewerFormat { found: i32, supported: i32 },
    #[error("the device key for this data is missing")]
    DeviceKeyMissing,
    #[error("the platform key store is unavailable right now")]
    KeyStoreUnavailable,
    #[error("the platform key store failed")]
    KeyStoreFailed,
    #[error("key derivation parameters are outside the allowed range")]
    KdfParamsOutOfRange,
    #[error("not enough memory")]
    OutOfMemory,
    #[error("{what} was not found")]
    NotFound { what: String },
    #[error("invalid input: {reason}")]
    InvalidInput { reason: String },
    /// `HelpQuery.postcode` is not shaped like a postcode: ask for it again ("TQ1 1AA" or
    /// its first half, "TQ1"). Nothing is looked up.
    #[error("that does not look like a postcode")]
    NotAPostcode,
    #[error("private notes are hidden during a supported session")]
    SessionActive,
    #[error("the storage is full")]
    StorageFull,
    #[error("the database is busy")]
    Busy,
    #[error("storage error (SQLite code {code})")]
    Storage { code: i32 },
    #[error("file error")]
    Io { kind: String },
    #[error("the system random number generator failed")]
    Random,
    /// A data pack was refused (bad signature, older, expired, invalid); the one in use stays.
    #[error("pack refused: {reason}")]
    PackRejected { reason: String },
    /// The backup file could not be opened: which of these says what to tell the user.
    #[error("backup: {problem:?}")]
    BackupRefused { problem: BackupProblem },
    /// The backup opened but its content cannot be restored (invalid or unknown).
    #[error("the backup cannot be restored: {reason}")]
    InvalidBackup { reason: String },
    /// Restoring never mixes a backup with what is already in the vault.
    #[error("this needs an empty vault")]
    VaultNotEmpty,
    /// Ask for the secret again (`reauthenticate`), then retry.
    #[error("enter the secret again first")]
    ReauthenticationNeeded,
    /// The generated Kotlin or Swift and the native library come from different builds:
    /// rebuild both with `scripts/build-release.sh`. Thrown by `Harbour.open` only.
    #[error("the bindings ({bindings}) do not match the library ({library})")]
    ContractMismatch { library: String, bindings: String },
}

/// Why a backup file was refused before its content was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum BackupProblem {
    NotABackup,
    NotPassphraseProtected,
    WorkFactorTooHigh,
    WrongPassphrase,
    Damaged,
    Truncated,
}

impl From<harbour_core::AgeError> for BackupProblem {
    fn from(e: harbour_core::AgeError) -> Self {
        use harbour_core::AgeError as A;
        match e {
            A::NotAge => Self::NotABackup,
            A::NotPassphrase => Self::NotPassphraseProtected,
            A::WorkFactorTooHigh => Self::WorkFactorTooHigh,
            A::WrongPassphrase => Self::WrongPassphrase,
            A::Damaged => Self::Damaged,
            A::Truncated => Self::Truncated,
        }
    }
}

impl From<CoreError> for HarbourError {
    fn from(e: CoreError) -> Self {
        use harbour_core::KeyStoreError as K;
        match e {
            CoreError::NoVault => Self::NoVault,
            CoreError::VaultExists => Self::VaultExists,
            CoreError::Locked => Self::Locked,
            CoreError::WrongSecret { retry_after } => Self::WrongSecret { retry_after },
            CoreError::LockedOut { retry_after } => Self::LockedOut { retry_after },
            CoreError::WeakSecret(reason) => Self::WeakSecret {
                reason: reason.to_owned(),
            },
            CoreError::Tampered => Self::Tampered,
            CoreError::Corrupt => Self::Corrupt,
            CoreError::NewerFormat { found, supported } => Self::NewerFormat {
                found: i32::try_from(found).unwrap_or(i32::MAX),
                supported: i32::try_from(supported).unwrap_or(i32::MAX),
            },
            CoreError::DeviceKeyMissing => Self::DeviceKeyMissing,
            CoreError::KeyStore(K::Unavailable) => Self::KeyStoreUnavailable,
            CoreError::KeyStore(K::NotFound | K::Rejected | K::Failed) => Self::KeyStoreFailed,
            CoreError::KdfParamsOutOfRange => Self::KdfParamsOutOfRange,
            CoreError::OutOfMemory => Self::OutOfMemory,
            CoreError::NotFound(what) => Self::NotFound {
                what: what.to_owned(),
            },
            CoreError::InvalidInput(reason) => Self::InvalidInput {
                reason: reason.to_owned(),
            },
            CoreError::NotAPostcode => Self::NotAPostcode,
            CoreError::SessionActive => Self::SessionActive,
            CoreError::StorageFull => Self::StorageFull,
            CoreError::Busy => Self::Busy,
            CoreError::Storage(code) => Self::Storage { code },
            CoreError::Io(kind) => Self::Io {
                kind: format!("{kind:?}"),
            },
            CoreError::Random => Self::Random,
            CoreError::Pack(p) => Self::PackRejected {
                reason: p.to_string(),
            },
            CoreError::Backup(e) => Self::BackupRefused { problem: e.into() },
            CoreError::InvalidBackup(reason) => Self::InvalidBackup {
                reason: reason.to_owned(),
            },
            CoreError::VaultNotEmpty => Self::VaultNotEmpty,
            CoreError::ReauthenticationNeeded => Self::ReauthenticationNeeded,
            // No catch-all: a new core error is a compile error here until it has a case of
            // its own, so it can never reach an app as an unexplained storage failure.
        }
    }
}

pub(crate) type Result<T, E = HarbourError> = std::result::Result<T, E>;
