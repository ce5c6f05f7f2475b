//! The vault-wide claim: one operation that changes keys or the vault's shape at a time,
//! across every process and every handle on one data directory.
//!
//! An app, its widget or extension, and a background job may all open the same directory.
//! Creating the vault, rotating the data key, changing the secret, restoring and erasing each
//! read the key epoch, make platform keys for what comes next, and commit. Two of them
//! interleaved used to destroy the vault: the loser of two rotations deleted the platform keys
//! the winner had just committed. Each now holds this claim from before it reads the epoch
//! until after its platform-key clean-up, and re-checks the epoch inside its final
//! transaction as well.
//!
//! The claim is an exclusive advisory lock (`flock`) on a file beside the database. The
//! operating system releases it when its holder exits or is killed, so a crash never leaves
//! the vault claimed. The file holds nothing and is never deleted: deleting it while another
//! process waits on it would let a third lock a new file while the second holds the old one.

use std::fs::{File, OpenOptions, TryLockError};
use std::path::Path;
use std::time::{Duration, Instant};

use crate::{Error, Result};

/// The lock file's name in the data directory.
pub(crate) const CLAIM_FILE: &str = "harbour.claim";

/// How long to wait for another holder before answering `Busy`. A claim is held for one
/// rotation or secret change: the KDF twice (about 1.5 s on a phone) and one transaction.
pub(crate) const WAIT: Duration = Duration::from_secs(20);

/// Held while it lives; released on drop (or by the OS if the process dies).
pub(crate) struct Claim {
    _file: File,
}

impl Claim {
    /// Waits up to [`WAIT`] for the claim on `dir` (which must exist).
    pub(crate) fn acquire(dir: &Path) -> Result<Claim> {
        let mut opts = OpenOptions::new();
        opts.read(true).write(true).create(true).truncate(false);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        let file = opts.open(dir.join(CLAIM_FILE))?;
        let start = Instant::now();
        loop {
            match file.try_lock() {
                Ok(()) => return Ok(Claim { _file: file }),
                Err(TryLockError::WouldBlock) if start.elapsed() < WAIT => {
                    std::thread::sleep(Duration::from_millis(10));
                }
                Err(TryLockError::WouldBlock) => return Err(Error::Busy),
                Err(TryLockError::Error(e)) => return Err(e.into()),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_holder_at_a_time_even_within_one_process() {
        let dir = tempfile::tempdir().unwrap();
        let first = Claim::acquire(dir.path()).unwrap();
        // A second open of the file is a second holder, as another handle or process is.
        let other = OpenOptions::new()
            .read(true)
            .write(true)
            .open(dir.path().join(CLAIM_FILE))
            .unwrap();
        assert!(matches!(other.try_lock(), Err(TryLockError::WouldBlock)));
        drop(first);
        assert!(other.try_lock().is_ok());
    }

    #[test]
    fn a_waiter_gets_the_claim_when_the_holder_lets_go() {
        let dir = tempfile::tempdir().unwrap();
        let held = Claim::acquire(dir.path()).unwrap();
        let path = dir.path().to_path_buf();
        let waiter = std::thread::spawn(move || Claim::acquire(&path).map(|_| Instant::now()));
        std::thread::sleep(Duration::from_millis(100));
        let released = Instant::now();
        drop(held);
        let got = waiter.join().unwrap().unwrap();
        assert!(got >= released);
    }
}
