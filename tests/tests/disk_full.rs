//! A full disk, for real: the data directory is a small tmpfs (mounted by the test, which needs
//! root, as scripts/test.sh and CI run) filled to the last byte. Writes, a key rotation, a
//! backup export and a schema upgrade each fail with a typed error; everything acknowledged
//! before stays readable, the vault opens again after a restart, and once space is freed it all
//! works again.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use harbour_core::Section;
use harbour_core::{Error, Harbour, MemoryKeyStore, Secret};

const PIN: &str = "482915";

/// A tmpfs of `kib` KiB, unmounted when dropped.
struct SmallDisk {
    _dir: tempfile::TempDir,
    path: PathBuf,
}

impl SmallDisk {
    fn new(kib: u32) -> SmallDisk {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("disk");
        std::fs::create_dir(&path).unwrap();
        let status = Command::new("mount")
            .args([
                "-t",
                "tmpfs",
                "-o",
                &format!("size={kib}k,mode=0700"),
                "tmpfs",
            ])
            .arg(&path)
            .status()
            .expect("the mount command");
        assert!(
            status.success(),
            "could not mount a small tmpfs: this test needs root (scripts/test.sh and CI run as root)"
        );
        SmallDisk { _dir: dir, path }
    }

    /// Fills every byte left with a file that `free` removes again.
    fn fill(&self) {
        let mut f = std::fs::File::create(self.path.join("filler")).unwrap();
        let chunk = vec![0u8; 4096];
        while f.write_all(&chunk).is_ok() {}
        // Down to the last few bytes, too.
        while f.write_all(&[0u8]).is_ok() {}
        let _ = f.sync_all();
    }

    /// Fills the disk but for `bytes`.
    fn fill_leaving(&self, bytes: u64) {
        self.fill();
        let f = std::fs::OpenOptions::new()
            .write(true)
            .open(self.path.join("filler"))
            .unwrap();
        let len = f.metadata().unwrap().len();
        f.set_len(len.saturating_sub(bytes)).unwrap();
    }

    fn free(&self) {
        std::fs::remove_file(self.path.join("filler")).unwrap();
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.path).status();
    }
}

fn open(dir: &Path, keys: &Arc<MemoryKeyStore>) -> Harbour {
    let config = harbour_tests::testing_config(dir);
    Harbour::open(config, keys.clone()).unwrap()
}

fn texts(h: &Harbour) -> Vec<String> {
    let mut t: Vec<String> = h
        .list_notes()
        .unwrap()
        .into_iter()
        .map(|n| n.text.as_str().to_owned())
        .collect();
    t.sort();
    t
}

#[test]
fn a_full_disk_refuses_writes_cleanly_and_loses_nothing() {
    let disk = SmallDisk::new(4096);
    let data = disk.path.join("data");
    let keys = Arc::new(MemoryKeyStore::new());
    let h = open(&data, &keys);
    h.create_vault(Secret::from_text(PIN)).unwrap();
    for i in 0..40 {
        h.add_note(format!("note {i}: {}", "words ".repeat(60)).into(), vec![])
            .unwrap();
    }
    h.add_plan_item(Section::OnMyOwn, "music".into(), None, None)
        .unwrap();
    let before = texts(&h);
    let plan_before = h.plan().unwrap();

    disk.fill();
    // Writes: a typed error, and nothing changes.
    let mut refused = 0;
    for i in 0..20 {
        match h.add_note(
            format!("late note {i}: {}", "x".repeat(2000)).into(),
            vec![],
        ) {
            Err(Error::StorageFull) => refused += 1,
            Ok(_) => panic!("a note was written to a full disk"),
            Err(e) => panic!("a full disk gave {e:?}"),
        }
    }
    assert!(matches!(
        h.add_plan_item(Section::OnMyOwn, "x".repeat(1500).into(), None, None),
        Err(Error::StorageFull)
    ));
    // Key rotation rewrites every record: it cannot fit, and it must leave the old key working.
    let aliases_before = keys.aliases();
    assert_eq!(
        h.rotate_data_key(Secret::from_text(PIN)).unwrap_err(),
        Error::StorageFull
    );
    assert_eq!(
        keys.aliases(),
        aliases_before,
        "the failed rotation left keys behind"
    );
    // A backup file cannot be written either, and leaves nothing half-written.
    let file = disk.path.join("backup.age");
    assert!(matches!(
        h.export_backup_to_file(&file, &Secret::from_text("quiet harbour light at dawn")),
        Err(Error::StorageFull | Error::Io(_))
    ));
    assert!(!file.exists());
    assert!(
        std::fs::read_dir(&disk.path)
            .unwrap()
            .flatten()
            .all(|e| !e.file_name().to_string_lossy().contains(".tmp")),
        "a temporary backup file was left behind"
    );

    // Everything acknowledged is intact, now and after a restart.
    assert_eq!(texts(&h), before);
    assert_eq!(h.plan().unwrap().sections, plan_before.sections);
    drop(h);
    let h = open(&data, &keys);
    h.unlock(Secret::from_text(PIN)).unwrap();
    assert_eq!(texts(&h), before);
    assert!(refused > 0);

    // Space comes back: everything works again.
    disk.free();
    h.add_note("after the disk had room again".into(), vec![])
        .unwrap();
    h.rotate_data_key(Secret::from_text(PIN)).unwrap();
    h.lock().unwrap();
    h.unlock(Secret::from_text(PIN)).unwrap();
    assert_eq!(texts(&h).len(), before.len() + 1);
}

#[test]
fn an_upgrade_on_a_full_disk_fails_cleanly_and_succeeds_later() {
    let disk = SmallDisk::new(2048);
    let data = disk.path.join("data");
    let keys = Arc::new(MemoryKeyStore::new());
    {
        let h = open(&data, &keys);
        h.create_vault(Secret::from_text(PIN)).unwrap();
        for i in 0..20 {
            h.add_note(format!("old note {i}").into(), vec![]).unwrap();
        }
        h.lock().unwrap();
    }
    {
        // Back to a version-1 database.
        let conn = rusqlite::Connection::open(data.join("harbour.sqlite3")).unwrap();
        conn.execute_batch(
            "DROP TABLE plan_section; DROP TABLE plan_version; DROP TABLE setting; DROP TABLE checkin;
             DROP INDEX note_integrity; PRAGMA user_version = 1; VACUUM;",
        )
        .unwrap();
    }
    let v1 = std::fs::read(data.join("harbour.sqlite3")).unwrap();
    // Room to open the database (its 32 KiB shared-memory index) but not to upgrade it; then
    // no room at all.
    const ROOM: u64 = 48 * 1024;
    for room in [ROOM, 0] {
        disk.fill_leaving(room);
        let h = open(&data, &keys);
        assert_eq!(
            h.unlock(Secret::from_text(PIN)).unwrap_err(),
            Error::StorageFull,
            "the upgrade should not fit in {room} bytes"
        );
        drop(h);
        disk.free();
    }
    disk.fill();
    assert_eq!(
        std::fs::read(data.join("harbour.sqlite3")).unwrap(),
        v1,
        "a failed upgrade changed the database"
    );
    disk.free();
    let h = open(&data, &keys);
    h.unlock(Secret::from_text(PIN)).unwrap();
    assert_eq!(h.list_notes().unwrap().len(), 20);
    h.add_plan_item(
        Section::OnMyOwn,
        "works after the upgrade".into(),
        None,
        None,
    )
    .unwrap();
    h.lock().unwrap();
    drop(h);
    // With the same room, an already upgraded vault opens: the failure above was the upgrade.
    disk.fill_leaving(ROOM);
    let h = open(&data, &keys);
    h.unlock(Secret::from_text(PIN)).unwrap();
    assert_eq!(h.list_notes().unwrap().len(), 20);
}

/// A data directory that cannot be written (a read-only file system): what needs no secret
/// still shows, and everything that would write is refused with a typed error.
#[test]
fn a_read_only_data_directory_still_shows_quick_access() {
    let disk = SmallDisk::new(8 * 1024);
    let data = disk.path.join("data");
    let key = Arc::new(MemoryKeyStore::new());
    let quick_id = {
        let h = open(&data, &key);
        h.create_vault(Secret::from_text(PIN)).unwrap();
        let n = h.add_note("for a hard night".into(), vec![]).unwrap();
        h.set_note_quick_access(&n.id, true).unwrap();
        h.add_note("private".into(), vec![]).unwrap();
        h.lock().unwrap();
        n.id
    };
    let remount = Command::new("mount")
        .args(["-o", "remount,ro"])
        .arg(&disk.path)
        .status()
        .unwrap();
    assert!(remount.success());
    let h = open(&data, &key);
    let quick = h.quick_access_notes().unwrap();
    assert_eq!(quick.len(), 1);
    assert_eq!(quick[0].id, quick_id);
    assert!(matches!(
        h.vault_state().unwrap(),
        harbour_core::VaultState::Locked { .. }
    ));
    // Unlocking needs its try written down first: refused, typed, not a panic or a hang.
    assert!(matches!(
        h.unlock(Secret::from_text(PIN)),
        Err(Error::Storage(_) | Error::Io(_))
    ));
    assert!(!h.help_now(&Default::default()).unwrap().options.is_empty());
}
