//! Setting aside a vault this phone has no keys for, so that the person can restore their
//! backup file or start again without the old data being deleted.
//!
//! The database files move into `set-aside/<vault id>/` inside the data directory. They stay
//! there, unreadable without the other phone's keys, until the person erases everything.
//!
//! A kill at any moment leaves the vault either where it was or whole in its new folder:
//! 1. link (or, where links are refused, copy and flush) every database file into a staging
//!    folder, `set-aside/.<vault id>.partial`;
//! 2. rename the staging folder to `set-aside/<vault id>`: the commit;
//! 3. delete the originals: the log and shared-memory files first and the database last, so a
//!    log never outlives its database (a new database would replay a stray log).
//!
//! A try interrupted after the commit finishes the deletion on the next try, after checking
//! that the committed copy holds these very files. A staging folder left by a kill before the
//! commit is thrown away.

use std::fs;
use std::path::{Path, PathBuf};

use rusqlite::Connection;

use super::slot::{self, SlotKind};
use super::{open_qak, require_row, slot_blob};
use crate::atomic_file::create_private_dir;
use crate::crash_point;
use crate::keystore::PlatformKeyStore;
use crate::store::{DB_FILE, db_files};
use crate::{Error, Result};

/// The folder, inside the data directory, that set-aside vaults go into.
pub(crate) const SET_ASIDE_DIR: &str = "set-aside";

/// What setting a vault aside did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetAside {
    /// Where the old vault's files are now.
    pub folder: PathBuf,
}

/// The name the vault's folder gets, if this phone is missing one of its keys. Refuses a vault
/// whose keys are here (nothing needs setting aside), and one the key store cannot answer
/// for right now.
pub(crate) fn check(conn: &Connection, store: &dyn PlatformKeyStore) -> Result<String> {
    let row = require_row(conn)?;
    let device = open_qak(conn, store, &row).map(drop);
    let blob = slot_blob(conn, SlotKind::Secret, row.epoch)?;
    let secret = store
        .unwrap(
            &slot::alias(&row.vault_id, SlotKind::Secret, row.epoch),
            &blob,
        )
        .map(drop)
        .map_err(Error::from);
    match (device, secret) {
        (Err(Error::DeviceKeyMissing), _) | (_, Err(Error::DeviceKeyMissing)) => {
            Ok(row.vault_id.iter().map(|b| format!("{b:02x}")).collect())
        }
        (Err(e), _) | (_, Err(e)) => Err(e),
        (Ok(()), Ok(())) => Err(Error::InvalidInput(
            "this phone holds the vault's keys: there is nothing to set aside",
        )),
    }
}

/// Moves the (closed) database's files in `data_dir` into the vault's set-aside folder, and
/// returns that folder.
pub(crate) fn move_aside(data_dir: &Path, vault_id: &str) -> Result<SetAside> {
    let root = data_dir.join(SET_ASIDE_DIR);
    create_private_dir(&root)?;
    let original = data_dir.join(DB_FILE);
    let folder = match committed_copy(&root, vault_id, &original)? {
        Some(done) => done,
        None => {
            let done = free_name(&root, vault_id);
            let staging = root.join(format!(".{vault_id}.partial"));
            match fs::remove_dir_all(&staging) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(e.into()),
            }
            crash_point::here("set-aside: staging");
            create_private_dir(&staging)?;
            for path in db_files(data_dir) {
                if path.exists() {
                    let name = path
                        .file_name()
                        .ok_or(Error::InvalidInput("a database path"))?;
                    link_or_copy(&path, &staging.join(name))?;
                    crash_point::here("set-aside: a file staged");
                }
            }
            sync_dir(&staging);
            fs::rename(&staging, &done)?;
            sync_dir(&root);
            crash_point::here("set-aside: committed");
            done
        }
    };
    let [db, side @ ..] = db_files(data_dir);
    for path in &side {
        remove_if_there(path)?;
    }
    crash_point::here("set-aside: side files deleted");
    remove_if_there(&db)?;
    sync_dir(data_dir);
    Ok(SetAside { folder })
}

/// A folder an earlier, interrupted try committed for these very files, if there is one.
fn committed_copy(root: &Path, vault_id: &str, original: &Path) -> Result<Option<PathBuf>> {
    for n in 1.. {
        let folder = candidate(root, vault_id, n);
        let copy = folder.join(DB_FILE);
        if !copy.exists() {
            return Ok(None);
        }
        if same_file(original, &copy)? {
            return Ok(Some(folder));
        }
    }
    Ok(None)
}

/// The first folder name for this vault not taken by an earlier set-aside (the same vault
/// can come back, from another backup of the old phone).
fn free_name(root: &Path, vault_id: &str) -> PathBuf {
    (1..)
        .map(|n| candidate(root, vault_id, n))
        .find(|f| !f.exists())
        .unwrap_or_else(|| root.join(vault_id))
}

fn candidate(root: &Path, vault_id: &str, n: u32) -> PathBuf {
    match n {
        1 => root.join(vault_id),
        n => root.join(format!("{vault_id}-{n}")),
    }
}

/// A second name for the same file where the file system allows it (no copying, no room
/// needed); otherwise a copy, flushed to storage.
fn link_or_copy(from: &Path, to: &Path) -> Result<()> {
    if fs::hard_link(from, to).is_ok() {
        return Ok(());
    }
    fs::copy(from, to)?;
    fs::File::open(to)?.sync_all()?;
    Ok(())
}

/// Whether two paths hold the same file: one file under two names, or equal bytes.
fn same_file(a: &Path, b: &Path) -> Result<bool> {
    let (ma, mb) = match (fs::metadata(a), fs::metadata(b)) {
        (Ok(ma), Ok(mb)) => (ma, mb),
        // The original is gone: nothing left to compare, and nothing left to lose.
        (Err(e), _) if e.kind() == std::io::ErrorKind::NotFound => return Ok(true),
        (Err(e), _) | (_, Err(e)) => return Err(e.into()),
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if ma.dev() == mb.dev() && ma.ino() == mb.ino() {
            return Ok(true);
        }
    }
    Ok(ma.len() == mb.len() && fs::read(a)? == fs::read(b)?)
}

fn remove_if_there(path: &Path) -> Result<()> {
    match fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e.into()),
    }
}

fn sync_dir(dir: &Path) {
    if let Ok(d) = fs::File::open(dir) {
        // Best effort: some file systems cannot sync a directory.
        let _ = d.sync_all();
    }
}
