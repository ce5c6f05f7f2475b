//! Backup to a file, move to a new phone, and erase everything.
//!
//! Platform keys are never restored from cloud backups (by design), so the only way a young
//! person keeps their plan and notes across phones is a file they control: the whole vault
//! (notes, plan with its history, coping toolbox and check-ins, settings) as versioned JSON, encrypted in the standard age
//! format with a passphrase, so they can open it with any age tool — it is theirs, not the
//! app's.

pub mod age;
mod passphrase;
pub(crate) mod payload;

use std::time::Duration;

use jiff::Timestamp;
use zeroize::Zeroizing;

pub use age::AgeError;
pub use passphrase::{check_passphrase, generate_passphrase};

use crate::crypto::keys::VaultKeys;
use crate::secret::Secret;
use crate::{Error, Result};

/// Backup files larger than this are refused before they are read.
pub const MAX_BACKUP_BYTES: u64 = 64 * 1024 * 1024;
/// How recently the secret must have been entered for an export.
pub const REAUTH_WINDOW: Duration = Duration::from_secs(5 * 60);

/// What a restore brought back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestoreSummary {
    pub notes: usize,
    pub plan_items: usize,
    pub plan_versions: usize,
    pub checkins: usize,
    /// Ideas of their own in the toolbox.
    pub own_ideas: usize,
}

/// A backup's content as it is encrypted: the whole vault as versioned JSON. Notes and plan
/// sections that cannot be read are left out, so a damaged vault can still be saved.
pub(crate) fn payload_json(
    conn: &rusqlite::Connection,
    keys: &VaultKeys,
    now: Timestamp,
) -> Result<Zeroizing<Vec<u8>>> {
    let notes = crate::notes::export(conn, keys)?;
    let plan = crate::plan::export(conn, keys)?;
    let coping = payload::CopingExport {
        toolbox: crate::coping::toolbox::read(conn, keys)?,
        checkins: crate::coping::checkins::list(conn, keys)?.checkins,
    };
    let p = payload::build(&notes, &plan, &coping, now);
    // Sized up front so the buffer holding every note rarely moves (a move would leave an
    // unwiped copy behind).
    let estimate = notes.iter().map(|n| n.text.len() + 256).sum::<usize>() + 64 * 1024;
    let mut out = Zeroizing::new(Vec::with_capacity(estimate * 2));
    serde_json::to_writer(&mut *out, &p)
        .map_err(|_| Error::InvalidInput("the backup could not be written"))?;
    Ok(out)
}

/// Whether the secret was entered recently enough for an export.
pub(crate) fn fresh_enough(authenticated_at: Option<Timestamp>, now: Timestamp) -> bool {
    authenticated_at.is_some_and(|t| {
        now.duration_since(t) <= jiff::SignedDuration::try_from(REAUTH_WINDOW).unwrap_or_default()
    })
}

/// Opens a backup file's bytes: size, then passphrase, then content, each refused with its
/// own error before anything is written.
pub(crate) fn open(bytes: &[u8], passphrase: &Secret) -> Result<Contents> {
    check_size(bytes.len() as u64)?;
    let json = age::decrypt(bytes, &passphrase.kdf_input()?)?;
    let (notes, plan, coping) = payload::parse(&json)?;
    Ok(Contents {
        notes,
        plan,
        coping,
    })
}

/// What a backup holds, decrypted and checked, ready to write.
pub(crate) struct Contents {
    notes: Vec<crate::notes::Note>,
    plan: crate::plan::PlanExport,
    coping: payload::CopingExport,
}

/// Writes a backup's contents into an empty vault, in one transaction: all or nothing.
pub(crate) fn restore(
    db: &mut crate::store::Database,
    keys: &VaultKeys,
    contents: &Contents,
) -> Result<RestoreSummary> {
    db.write(|tx| {
        ensure_empty(tx)?;
        for n in &contents.notes {
            crate::notes::import(tx, keys, n)?;
        }
        let coping = &contents.coping;
        if coping.toolbox != crate::coping::toolbox::Marks::default() {
            crate::coping::toolbox::import(tx, keys, &coping.toolbox)?;
        }
        for c in &coping.checkins {
            crate::coping::checkins::import(tx, keys, c)?;
        }
        crate::plan::import(tx, keys, &contents.plan)
    })?;
    Ok(RestoreSummary {
        notes: contents.notes.len(),
        plan_items: contents.plan.sections.iter().map(|s| s.items.len()).sum(),
        plan_versions: contents.plan.versions.len(),
        checkins: contents.coping.checkins.len(),
        own_ideas: contents.coping.toolbox.own.len(),
    })
}

/// Backups larger than any Harbour makes are refused before any work is done on them.
fn check_size(len: u64) -> Result<()> {
    if len > MAX_BACKUP_BYTES {
        return Err(Error::InvalidBackup(
            "the file is larger than any Harbour backup",
        ));
    }
    Ok(())
}

/// Reads a backup file, its size checked before it is read.
pub(crate) fn read_file(path: &std::path::Path) -> Result<Vec<u8>> {
    use std::io::Read;
    let file = std::fs::File::open(path)?;
    let len = file.metadata()?.len();
    check_size(len)?;
    // Read at most one byte past the limit, in case the file grew after the check.
    let mut bytes = Vec::with_capacity(len as usize);
    file.take(MAX_BACKUP_BYTES + 1).read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// The scrypt work factor for a new backup. The testing KDF profile makes backups fast too;
/// never for real data.
pub(crate) fn work_factor(profile: &crate::crypto::KdfProfile) -> u8 {
    if *profile == crate::crypto::KdfProfile::Testing {
        10
    } else {
        age::DEFAULT_LOG_N
    }
}

pub(crate) fn ensure_empty(conn: &rusqlite::Connection) -> Result<()> {
    if crate::store::records::any_records(conn)? {
        return Err(Error::VaultNotEmpty);
    }
    Ok(())
}
