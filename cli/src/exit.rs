//! Exit codes, one per kind of outcome a script may want to tell apart. Documented in
//! `harbour --help` and the README.

use harbour_core::AgeError;
use harbour_core::Error;

pub const OK: u8 = 0;
/// Anything not listed below: a file could not be written, the key store failed.
pub const FAILURE: u8 = 1;
/// Bad input or usage (also what the argument parser uses).
pub const BAD_INPUT: u8 = 2;
pub const WRONG_SECRET: u8 = 3;
/// Too many wrong tries: try again later.
pub const LOCKED_OUT: u8 = 4;
/// Stored data was changed, damaged, or is from a newer version.
pub const TAMPERED: u8 = 5;
pub const NOT_FOUND: u8 = 6;
/// No vault yet, or one already exists.
pub const VAULT_STATE: u8 = 7;

pub const HELP: &str = "\
EXIT CODES:
  0  success
  1  other failure (file system, key store)
  2  bad input or usage
  3  wrong secret, or wrong backup passphrase
  4  locked out after too many wrong tries: try again later
  5  stored data, a pack or a backup tampered with, damaged, refused, or from a newer version
  6  not found
  7  no vault yet, a vault already exists, or (restore) the vault is not empty";

pub fn for_error(e: &Error) -> u8 {
    match e {
        Error::WrongSecret { .. } | Error::Backup(AgeError::WrongPassphrase) => WRONG_SECRET,
        Error::LockedOut { .. } => LOCKED_OUT,
        Error::Tampered
        | Error::Corrupt
        | Error::NewerFormat { .. }
        | Error::DeviceKeyMissing
        | Error::Pack(_)
        | Error::Backup(_)
        | Error::InvalidBackup(_) => TAMPERED,
        Error::InvalidInput(_)
        | Error::NotAPostcode
        | Error::WeakSecret(_)
        | Error::KdfParamsOutOfRange => BAD_INPUT,
        Error::NotFound(_) => NOT_FOUND,
        Error::NoVault | Error::VaultExists | Error::Locked | Error::VaultNotEmpty => VAULT_STATE,
        // Listed, not `_`: a new core error must be given its code on purpose.
        Error::KeyStore(_)
        | Error::OutOfMemory
        | Error::SessionActive
        | Error::StorageFull
        | Error::Busy
        | Error::Storage(_)
        | Error::Io(_)
        | Error::Random
        | Error::ReauthenticationNeeded => FAILURE,
    }
}
