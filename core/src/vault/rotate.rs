//! Key rotation and erasing everything: making deleted words unrecoverable.
//!
//! Deleting a row with `secure_delete` zeroes it in the database file, but copies can survive
//! elsewhere — in the WAL before a checkpoint, in flash blocks the storage layer remapped.
//! Those copies are ciphertext under the current data key, so the real erasure is
//! cryptographic: **rotation** makes a new data key (a new epoch), re-encrypts every record in
//! one transaction, and then deletes the old epoch's platform keys, without which the old key
//! slots — wherever their bytes linger — can never be opened again. **Erase everything**
//! deletes every platform key, overwrites the key slots, and deletes the files.

use super::claim::Claim;
use super::{
    NewEpoch, VaultRow, aliases, current_epoch, delete_retired_keys, load_row, new_epoch, open_dek,
    open_qak, require_row, write_slots,
};
use crate::crypto::KdfProfile;
use crate::crypto::keys::VaultKeys;
use crate::keystore::PlatformKeyStore;
use crate::secret::Secret;
use crate::store::records::{self, Table};
use crate::store::vault_tables as tables;
use crate::store::{Database, integrity};
use crate::{Error, Result};

/// The ordering rule for platform keys (docs/DESIGN.md, "Two callers at once"): under the
/// claim, read epoch E; make the keys of E+1; in one transaction re-check that the epoch is
/// still E, re-encrypt, switch to E+1 and list E's aliases as retired; after the commit
/// delete the retired keys, then their listing. A failure before the commit deletes E+1's
/// keys only while the database still says E, so no step ever deletes a key that committed
/// data needs.
pub(crate) fn rotate(
    db: &mut Database,
    store: &dyn PlatformKeyStore,
    _claim: &Claim,
    secret: &Secret,
    profile: &KdfProfile,
    now: jiff::Timestamp,
) -> Result<VaultKeys> {
    let (row, dek) = open_dek(db, store, secret, now)?;
    let qak = db.read(|tx| {
        if require_row(tx)?.epoch != row.epoch {
            return Err(Error::Busy);
        }
        open_qak(tx, store, &row)
    })?;
    let old = VaultKeys::new(row.vault_id, row.epoch, &dek, &qak);
    let epoch = row.epoch.checked_add(1).ok_or(Error::Tampered)?;
    let fresh: NewEpoch = new_epoch(store, row.vault_id, epoch, secret, profile.params()?)?;
    let written = db.write(|tx| {
        if current_epoch(tx)? != row.epoch {
            return Err(Error::Busy);
        }
        for &table in Table::ALL {
            records::reseal(tx, &old, &fresh.keys, table)?;
        }
        let acc = integrity::compute(tx, &fresh.keys)?;
        tables::switch_epoch(
            tx,
            epoch,
            &fresh.canary,
            &integrity::seal(&fresh.keys, &acc)?,
        )?;
        write_slots(tx, epoch, &fresh)?;
        for alias in aliases(&row.vault_id, row.epoch) {
            tables::retire(tx, &alias)?;
        }
        Ok(())
    });
    if let Err(e) = written {
        // Only while nothing committed refers to them; if the epoch cannot be read, keep them
        // (a stray key costs nothing, a missing one costs the vault).
        if current_epoch(db.conn()).is_ok_and(|now_at| now_at == row.epoch) {
            for alias in aliases(&row.vault_id, epoch) {
                let _ = store.delete(&alias);
            }
        }
        return Err(e);
    }
    db.checkpoint()?;
    // If the key store is unavailable now, the aliases stay listed and are deleted on the next
    // open; the rotation itself has committed.
    let _ = delete_retired_keys(db, store);
    Ok(fresh.keys)
}

/// What erasing did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EraseReport {
    pub platform_keys_deleted: usize,
    /// Keys the platform refused to delete (they protect nothing now that the files are gone,
    /// but the app may want to say so).
    pub platform_keys_failed: usize,
    pub files_deleted: usize,
}

fn aliases_in_use(conn: &rusqlite::Connection) -> Vec<String> {
    let mut out = Vec::new();
    if let Ok(Some(VaultRow {
        vault_id, epoch, ..
    })) = load_row(conn)
    {
        out.extend(aliases(&vault_id, epoch));
    }
    if let Ok(retired) = tables::retired_aliases(conn) {
        out.extend(retired);
    }
    out
}

/// Collects every alias the vault refers to, then overwrites the key slots, the canary and the
/// accumulator and checkpoints, so the slots' bytes do not survive in the files even if
/// deleting them fails. Best effort on a damaged database: what can be found is returned.
pub(crate) fn retire_everything(db: &mut Database) -> Vec<String> {
    let aliases = aliases_in_use(db.conn());
    let _ = db.write(|tx| {
        tables::wipe_key_material(tx)?;
        Ok(())
    });
    let _ = db.checkpoint();
    aliases
}

/// What erasing removes.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Erase {
    /// The vault in use and every vault set aside.
    Everything,
    /// The vault in use only.
    InUse,
}

/// Deletes `aliases` from the key store and the database files from `data_dir` (closed by
/// the caller first), and with [`Erase::Everything`] the set-aside vaults.
pub(crate) fn erase(
    data_dir: &std::path::Path,
    store: &dyn PlatformKeyStore,
    aliases: &[String],
    what: Erase,
) -> Result<EraseReport> {
    let (mut deleted, mut failed) = (0, 0);
    for alias in aliases {
        match store.delete(alias) {
            Ok(()) => deleted += 1,
            Err(_) => failed += 1,
        }
    }
    let mut files = 0;
    for path in crate::store::db_files(data_dir) {
        match std::fs::remove_file(&path) {
            Ok(()) => files += 1,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e.into()),
        }
    }
    // Vaults set aside because this phone had no keys for them: everything means them too.
    let aside = data_dir.join(super::set_aside::SET_ASIDE_DIR);
    if let (Erase::Everything, Ok(found)) = (what, std::fs::read_dir(&aside)) {
        files += found
            .flatten()
            .filter_map(|folder| std::fs::read_dir(folder.path()).ok())
            .map(|inside| inside.count())
            .sum::<usize>();
        match std::fs::remove_dir_all(&aside) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(EraseReport {
        platform_keys_deleted: deleted,
        platform_keys_failed: failed,
        files_deleted: files,
    })
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::crypto::envelope::{self, Binding, HEADER_LEN};
    use crate::crypto::keys::Key32;
    use crate::keystore::MemoryKeyStore;
    use crate::store::records::Compartment;
    use crate::{Config, Harbour, ManualClock};

    const PIN: &str = "482915";

    /// A record as it sat in the database before rotation: where it belongs and its bytes.
    struct OldRecord {
        table: &'static str,
        id: String,
        revision: u64,
        compartment: u8,
        envelope: Vec<u8>,
    }

    fn snapshot(conn: &rusqlite::Connection) -> Vec<OldRecord> {
        let mut out = Vec::new();
        for &t in Table::ALL {
            let mut stmt = conn
                .prepare(&format!(
                    "SELECT id, revision, compartment, body FROM {}",
                    t.name()
                ))
                .unwrap();
            let rows = stmt
                .query_map([], |r| {
                    Ok(OldRecord {
                        table: t.name(),
                        id: r.get(0)?,
                        revision: r.get::<_, i64>(1)? as u64,
                        compartment: r.get::<_, i64>(2)? as u8,
                        envelope: r.get(3)?,
                    })
                })
                .unwrap();
            out.extend(rows.map(Result::unwrap));
        }
        out
    }

    fn all_files(dir: &std::path::Path) -> Vec<(std::path::PathBuf, Vec<u8>)> {
        let mut out = Vec::new();
        let mut stack = vec![dir.to_path_buf()];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    stack.push(p);
                } else {
                    out.push((p.clone(), std::fs::read(&p).unwrap()));
                }
            }
        }
        out
    }

    /// Every place in the files where an old record's nonce appears, and whether the old keys
    /// can open the envelope found there.
    fn old_ciphertext_openable(
        dir: &std::path::Path,
        old: &[OldRecord],
        keys: &(Key32, Key32),
    ) -> (usize, usize) {
        let (mut found, mut opened) = (0, 0);
        for (_, bytes) in all_files(dir) {
            for rec in old {
                let nonce = &rec.envelope[HEADER_LEN..HEADER_LEN + 24];
                let mut from = 0;
                while let Some(pos) = bytes[from..].windows(nonce.len()).position(|w| w == nonce) {
                    let at = from + pos;
                    from = at + 1;
                    found += 1;
                    let Some(start) = at.checked_sub(HEADER_LEN) else {
                        continue;
                    };
                    let Some(candidate) = bytes.get(start..start + rec.envelope.len()) else {
                        continue;
                    };
                    let key = if rec.compartment == Compartment::QuickAccess.code() {
                        &keys.1
                    } else {
                        &keys.0
                    };
                    let binding = Binding {
                        table: rec.table,
                        field: "body",
                        id: &rec.id,
                        revision: rec.revision,
                        compartment: rec.compartment,
                    };
                    if envelope::open(key, candidate, &binding).is_ok() {
                        opened += 1;
                    }
                }
            }
        }
        (found, opened)
    }

    fn old_record_keys(h: &Harbour) -> (Key32, Key32, Vec<String>) {
        let store = h.keystore_for_test();
        h.with_database(|db| {
            let row = load_row(db.conn()).unwrap().unwrap();
            let (_, dek) =
                open_dek(db, store, &Secret::from_text(PIN), jiff::Timestamp::now()).unwrap();
            let qak = open_qak(db.conn(), store, &row).unwrap();
            let keys = VaultKeys::new(row.vault_id, row.epoch, &dek, &qak);
            let copy = |k: &Key32| Key32::from_slice(k.expose()).unwrap();
            (
                copy(keys.records()),
                copy(keys.quick().records()),
                aliases(&row.vault_id, row.epoch).to_vec(),
            )
        })
        .unwrap()
    }

    fn setup() -> (tempfile::TempDir, Arc<MemoryKeyStore>, Harbour) {
        let dir = tempfile::tempdir().unwrap();
        let ks = Arc::new(MemoryKeyStore::new());
        let mut config = Config::new(dir.path());
        config.kdf = KdfProfile::Testing;
        let clock = Arc::new(ManualClock::new("2026-11-21T03:00:00Z".parse().unwrap()));
        let h = Harbour::open_with_clock(config, ks.clone(), clock).unwrap();
        h.create_vault(Secret::from_text(PIN)).unwrap();
        for i in 0..5 {
            h.add_note(format!("note number {i}").into(), vec![])
                .unwrap();
        }
        let gone = h
            .add_note("deleted before rotation".into(), vec![])
            .unwrap();
        h.delete_note(&gone.id).unwrap();
        let quick = h.add_note("quick one".into(), vec![]).unwrap();
        h.set_note_quick_access(&quick.id, true).unwrap();
        h.add_plan_item(crate::plan::Section::OnMyOwn, "music".into(), None, None)
            .unwrap();
        (dir, ks, h)
    }

    #[test]
    fn after_rotation_no_file_holds_ciphertext_the_old_key_opens() {
        let (dir, ks, h) = setup();
        let (old_records, old_quick, old_aliases) = old_record_keys(&h);
        // A note written and then deleted under the old key is part of what must not open.
        let doomed = h.add_note("deleted just now".into(), vec![]).unwrap();
        let old = h.with_database(|db| snapshot(db.conn())).unwrap();
        h.delete_note(&doomed.id).unwrap();
        let live = old.len() - 1;
        let keys = (old_records, old_quick);
        // The scanner works: before rotation it finds and opens every live old record.
        let (found, opened) = old_ciphertext_openable(dir.path(), &old, &keys);
        assert!(
            found >= live && opened >= live,
            "scanner found {found}, opened {opened}"
        );

        h.rotate_data_key(Secret::from_text(PIN)).unwrap();
        h.lock().unwrap();
        let (found, opened) = old_ciphertext_openable(dir.path(), &old, &keys);
        assert_eq!(opened, 0, "old ciphertext still opens after rotation");
        assert_eq!(found, 0, "old nonces still present after rotation");
        // The old platform keys are gone, so old key slots can never be opened again.
        let live = ks.aliases();
        assert!(old_aliases.iter().all(|a| !live.contains(a)), "{live:?}");

        // Everything is readable under the new key, integrity included.
        h.unlock(Secret::from_text(PIN)).unwrap();
        assert_eq!(h.list_notes().unwrap().len(), 6);
        assert_eq!(
            h.plan()
                .unwrap()
                .section(crate::plan::Section::OnMyOwn)
                .items
                .len(),
            1
        );
        h.lock().unwrap();
        assert_eq!(h.quick_access_notes().unwrap().len(), 1);
    }

    #[test]
    fn after_erase_nothing_is_left_and_help_still_works() {
        let (dir, ks, h) = setup();
        let (old_records, old_quick, _) = old_record_keys(&h);
        let old = h.with_database(|db| snapshot(db.conn())).unwrap();
        let report = h.erase_everything().unwrap();
        assert_eq!(report.platform_keys_failed, 0);
        assert!(report.platform_keys_deleted >= 2);
        assert!(ks.aliases().is_empty(), "every platform key deleted");
        let (found, opened) = old_ciphertext_openable(dir.path(), &old, &(old_records, old_quick));
        assert_eq!((found, opened), (0, 0));
        assert!(!dir.path().join("harbour.sqlite3").exists());
        assert_eq!(h.vault_state().unwrap(), crate::vault::VaultState::NoVault);
        assert!(!h.help_now(&Default::default()).unwrap().options.is_empty());
        assert!(!h.cards(&Default::default()).unwrap().is_empty());
        // A new vault can be made afterwards.
        h.create_vault(Secret::from_text(PIN)).unwrap();
        assert!(h.list_notes().unwrap().is_empty());
    }

    #[test]
    fn rotation_needs_the_right_secret() {
        let (_dir, _ks, h) = setup();
        assert!(matches!(
            h.rotate_data_key(Secret::from_text("000001")),
            Err(Error::WrongSecret { .. })
        ));
        h.lock().unwrap();
        assert_eq!(
            h.rotate_data_key(Secret::from_text(PIN)).unwrap_err(),
            Error::Locked
        );
        h.unlock(Secret::from_text(PIN)).unwrap();
        assert_eq!(h.list_notes().unwrap().len(), 6);
    }
}
