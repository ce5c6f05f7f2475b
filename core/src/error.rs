//! The core's one error type.
//!
//! Messages are written for the app developer, never contain user content, keys or secrets,
//! and never include text taken from a file or the database: every payload is a number, a
//! fixed string or a small enum.

use std::time::Duration;

use crate::keystore::KeyStoreError;
use crate::pack::PackError;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum Error {
    #[error("no vault has been created yet")]
    NoVault,

    #[error("a vault already exists")]
    VaultExists,

    #[error("the vault is locked")]
    Locked,

    #[error("the secret is not right")]
    WrongSecret {
        /// How long before the next try is accepted, if a delay has started.
        retry_after: Option<Duration>,
    },

    #[error("too many tries; the next try is accepted in {} s", retry_after.as_secs())]
    LockedOut { retry_after: Duration },

    #[error("the secret does not meet the rules: {0}")]
    WeakSecret(&'static str),

    /// Authentication failed on stored or imported bytes: they were changed, damaged, moved
    /// between places, or belong to another vault.
    #[error("stored data was changed or damaged and cannot be trusted")]
    Tampered,

    /// SQLite reports its file as damaged. Nothing is deleted; the file is left for recovery.
    #[error("the database file is damaged")]
    Corrupt,

    #[error(
        "the data was written by a newer version of Harbour (format {found}, this version knows up to {supported})"
    )]
    NewerFormat { found: u32, supported: u32 },

    #[error(
        "the device key for this data is missing: it was made on another device or its key was deleted"
    )]
    DeviceKeyMissing,

    #[error("the platform key store failed: {0}")]
    KeyStore(KeyStoreError),

    #[error("key derivation parameters are outside the allowed range")]
    KdfParamsOutOfRange,

    #[error("not enough memory for key derivation")]
    OutOfMemory,

    #[error("{0} was not found")]
    NotFound(&'static str),

    #[error("invalid input: {0}")]
    InvalidInput(&'static str),

    /// Typed where a postcode was asked for, and not shaped like one ("TQ1 1AA", "TQ1").
    #[error(
        "that does not look like a postcode: try the whole postcode (TQ1 1AA) or its first half (TQ1)"
    )]
    NotAPostcode,

    #[error("private notes are hidden during a supported session")]
    SessionActive,

    #[error("the storage is full")]
    StorageFull,

    #[error("the database is busy")]
    Busy,

    /// Any other SQLite failure, identified by its extended result code only.
    #[error("storage error (SQLite code {0})")]
    Storage(i32),

    #[error("file error ({0:?})")]
    Io(std::io::ErrorKind),

    #[error("the system random number generator failed")]
    Random,

    #[error("pack refused: {0}")]
    Pack(PackError),

    #[error("backup: {0}")]
    Backup(crate::backup::AgeError),

    #[error("the backup cannot be restored: {0}")]
    InvalidBackup(&'static str),

    #[error("this needs an empty vault: restoring never mixes a backup with what is already there")]
    VaultNotEmpty,

    #[error("enter the secret again first")]
    ReauthenticationNeeded,
}

impl From<rusqlite::Error> for Error {
    fn from(err: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode;
        match err.sqlite_error() {
            Some(e) => match e.code {
                ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase => Error::Corrupt,
                ErrorCode::DiskFull => Error::StorageFull,
                // The shared-memory index could not grow: on a phone, a full disk.
                _ if e.extended_code == rusqlite::ffi::SQLITE_IOERR_SHMSIZE => Error::StorageFull,
                ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked => Error::Busy,
                _ => Error::Storage(e.extended_code),
            },
            // Errors raised by rusqlite itself (type conversions, wrong column counts) mean the
            // rows are not what this code wrote.
            None => Error::Tampered,
        }
    }
}

impl From<std::io::Error> for Error {
    fn from(err: std::io::Error) -> Self {
        if err.kind() == std::io::ErrorKind::StorageFull {
            Error::StorageFull
        } else {
            Error::Io(err.kind())
        }
    }
}

impl From<KeyStoreError> for Error {
    fn from(err: KeyStoreError) -> Self {
        match err {
            KeyStoreError::NotFound => Error::DeviceKeyMissing,
            // The platform key refused the bytes: they were changed, or belong to another key.
            KeyStoreError::Rejected => Error::Tampered,
            other => Error::KeyStore(other),
        }
    }
}
