//! A vault on a phone that does not hold its keys: copied by an OS backup or transfer, or its
//! keys deleted by the OS. The state says so (`KeysMissing`) instead of asking for a PIN that
//! can never work; the vault can be set aside whole, and the person's backup file restored
//! into a new one. Setting aside is killed at each of its steps, in real processes, and the
//! old vault is never lost.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;

use harbour_core::{
    Error, FileKeyStore, Harbour, KeyStoreError, MemoryKeyStore, PlatformKeyStore, Secret,
    VaultState,
};

const PIN: &str = "482915";
const PASS: &str = "quiet harbour light at dawn";
const DB: &str = "harbour.sqlite3";

fn open(data: &Path, store: Arc<dyn PlatformKeyStore>) -> Harbour {
    Harbour::open(harbour_tests::testing_config(data), store).unwrap()
}

fn file_store(key: &Path) -> Arc<dyn PlatformKeyStore> {
    Arc::new(FileKeyStore::new(key))
}

/// The old phone: a vault of `n` notes under key file `keys/a`, and a backup file of it.
struct OldPhone {
    dir: tempfile::TempDir,
    ids: BTreeSet<String>,
    backup: Vec<u8>,
}

impl OldPhone {
    fn new(n: usize) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let h = open(
            &dir.path().join("a"),
            file_store(&dir.path().join("keys/a")),
        );
        h.create_vault(Secret::from_text(PIN)).unwrap();
        let ids = (0..n)
            .map(|i| h.add_note(format!("kept {i}").into(), vec![]).unwrap().id)
            .collect();
        let backup = h.export_backup(&Secret::from_text(PASS)).unwrap();
        OldPhone { dir, ids, backup }
    }

    fn add_note(&mut self, text: &str) {
        let h = open(&self.dir.path().join("a"), file_store(&self.key()));
        h.unlock(Secret::from_text(PIN)).unwrap();
        self.ids.insert(h.add_note(text.into(), vec![]).unwrap().id);
    }

    fn key(&self) -> PathBuf {
        self.dir.path().join("keys/a")
    }

    /// The data directory as an OS backup brings it to a new phone (its database files, no
    /// keys), at `name`; the new phone's key file is `keys/<name>`.
    fn copied_to(&self, name: &str) -> (PathBuf, PathBuf) {
        let to = self.dir.path().join(name);
        std::fs::create_dir_all(&to).unwrap();
        for entry in std::fs::read_dir(self.dir.path().join("a")).unwrap() {
            let entry = entry.unwrap();
            if entry.file_name().to_string_lossy().starts_with(DB) {
                std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
            }
        }
        (to, self.dir.path().join("keys").join(name))
    }

    /// The notes a vault folder holds when opened with the old phone's key, read from a copy
    /// so that looking changes nothing.
    fn notes_in(&self, folder: &Path) -> Option<BTreeSet<String>> {
        let scratch = tempfile::tempdir().unwrap();
        for entry in std::fs::read_dir(folder).ok()? {
            let entry = entry.unwrap();
            if entry.path().is_file() {
                std::fs::copy(entry.path(), scratch.path().join(entry.file_name())).unwrap();
            }
        }
        let h = open(scratch.path(), file_store(&self.key()));
        h.unlock(Secret::from_text(PIN)).ok()?;
        Some(
            h.list_notes()
                .unwrap()
                .notes
                .into_iter()
                .map(|n| n.id)
                .collect(),
        )
    }
}

fn set_aside_folders(data: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(data.join("set-aside"))
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    found.sort();
    found
}

#[test]
fn a_vault_without_its_keys_is_keys_missing_then_set_aside_whole_and_the_backup_restored() {
    let old = OldPhone::new(5);
    let (data, key) = old.copied_to("new");
    let h = open(&data, file_store(&key));
    assert_eq!(h.vault_state().unwrap(), VaultState::KeysMissing);
    // What the app would try first: all refused as the missing key, never as tampering.
    assert_eq!(
        h.unlock(Secret::from_text(PIN)),
        Err(Error::DeviceKeyMissing)
    );
    assert_eq!(
        h.quick_access_notes().map(|n| n.len()),
        Err(Error::DeviceKeyMissing)
    );
    assert_eq!(
        h.create_vault(Secret::from_text(PIN)),
        Err(Error::VaultExists)
    );
    assert_eq!(h.vault_state().unwrap(), VaultState::KeysMissing);

    let done = h.set_aside_vault().unwrap();
    assert_eq!(done.folder.parent().unwrap(), data.join("set-aside"));
    assert_eq!(h.vault_state().unwrap(), VaultState::NoVault);
    assert!(!data.join(DB).exists());
    // The old vault is whole where it went: the old phone's key still opens every note.
    assert_eq!(old.notes_in(&done.folder), Some(old.ids.clone()));

    h.create_vault(Secret::from_text("730184")).unwrap();
    let restored = h
        .restore_backup(&old.backup, &Secret::from_text(PASS))
        .unwrap();
    assert_eq!(restored.notes, 5);
    assert!(matches!(
        h.vault_state().unwrap(),
        VaultState::Unlocked { .. }
    ));

    // Erasing everything means the set-aside vault too.
    let report = h.erase_everything().unwrap();
    assert!(report.files_deleted >= 2, "{report:?}");
    assert!(!data.join("set-aside").exists());
    assert_eq!(h.vault_state().unwrap(), VaultState::NoVault);
}

#[test]
fn a_vault_whose_keys_are_here_is_not_set_aside_and_nothing_moves() {
    let old = OldPhone::new(2);
    let data = old.dir.path().join("a");
    let h = open(&data, file_store(&old.key()));
    h.lock().unwrap();
    assert!(matches!(
        h.vault_state().unwrap(),
        VaultState::Locked { .. }
    ));
    let before = std::fs::read(data.join(DB)).unwrap();
    assert!(matches!(h.set_aside_vault(), Err(Error::InvalidInput(_))));
    assert!(!data.join("set-aside").exists());
    drop(h);
    assert_eq!(std::fs::read(data.join(DB)).unwrap(), before);
    assert_eq!(old.notes_in(&data), Some(old.ids.clone()));
}

#[test]
fn a_key_store_that_cannot_answer_now_is_locked_not_missing_and_nothing_is_set_aside() {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(MemoryKeyStore::new());
    let h = open(dir.path(), store.clone());
    h.create_vault(Secret::from_text(PIN)).unwrap();
    h.lock().unwrap();
    let h = open(dir.path(), store.clone());
    store.fail_with(KeyStoreError::Unavailable);
    assert!(matches!(
        h.vault_state().unwrap(),
        VaultState::Locked { .. }
    ));
    assert_eq!(
        h.set_aside_vault(),
        Err(Error::KeyStore(KeyStoreError::Unavailable))
    );
    store.recover();
    // Not remembered as missing: asked again, the keys are there.
    assert!(matches!(
        h.vault_state().unwrap(),
        VaultState::Locked { .. }
    ));
    h.unlock(Secret::from_text(PIN)).unwrap();
    // The same files with another phone's (empty) key store: missing.
    let other = open(dir.path(), Arc::new(MemoryKeyStore::new()));
    assert_eq!(other.vault_state().unwrap(), VaultState::KeysMissing);
}

#[test]
fn a_later_copy_of_the_same_vault_is_set_aside_beside_the_first_and_an_identical_one_once() {
    let mut old = OldPhone::new(3);
    let (data, key) = old.copied_to("new");
    let first = open(&data, file_store(&key)).set_aside_vault().unwrap();
    let first_ids = old.ids.clone();
    // The same OS backup restored again: the very same files, kept once.
    old.copied_to("new");
    let same = open(&data, file_store(&key)).set_aside_vault().unwrap();
    assert_eq!(same.folder, first.folder);
    assert_eq!(set_aside_folders(&data), vec![first.folder.clone()]);
    // A later backup of the old phone, with one more note: kept beside the first.
    old.add_note("written later");
    old.copied_to("new");
    let later = open(&data, file_store(&key)).set_aside_vault().unwrap();
    assert_ne!(later.folder, first.folder);
    assert_eq!(
        set_aside_folders(&data),
        vec![first.folder.clone(), later.folder.clone()]
    );
    assert_eq!(old.notes_in(&first.folder), Some(first_ids));
    assert_eq!(old.notes_in(&later.folder), Some(old.ids.clone()));
}

/// The steps of setting aside, each a point where the process is stopped dead
/// (core/src/crash_point.rs).
const CRASH_POINTS: [&str; 5] = [
    "set-aside: staging",
    "set-aside: a file staged",
    "set-aside: committed",
    "set-aside: side files deleted",
    "",
];

fn set_aside_in_a_process(data: &Path, key: &Path, crash_at: &str) -> std::process::ExitStatus {
    Command::new(env!("CARGO_BIN_EXE_harbour-race"))
        .args([
            data.to_str().unwrap(),
            key.to_str().unwrap(),
            "set-aside",
            "1",
        ])
        .env("HARBOUR_CRASH_AT", crash_at)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .unwrap()
}

#[test]
fn setting_aside_killed_at_any_step_never_loses_the_vault_and_a_second_try_finishes() {
    for point in CRASH_POINTS {
        // With another process reading (a widget), the log and shared-memory files are open
        // and stay beside the database; without, closing folds them in.
        for reader in [false, true] {
            let old = OldPhone::new(4);
            let (data, key) = old.copied_to("new");
            let widget = reader.then(|| {
                let c = rusqlite::Connection::open(data.join(DB)).unwrap();
                c.query_row("SELECT count(*) FROM vault", [], |r| r.get::<_, i64>(0))
                    .unwrap();
                c
            });
            let status = set_aside_in_a_process(&data, &key, point);
            if point.is_empty() {
                assert!(status.success(), "{status:?}");
            } else {
                // Stopped dead at that point (SIGABRT), not failed some other way.
                use std::os::unix::process::ExitStatusExt;
                assert_eq!(status.signal(), Some(6), "{point:?}: {status:?}");
            }

            // Wherever it is, the whole vault is somewhere.
            let in_place = old.notes_in(&data).is_some_and(|n| n == old.ids);
            let aside = set_aside_folders(&data)
                .iter()
                .filter(|f| !f.file_name().unwrap().to_string_lossy().starts_with('.'))
                .any(|f| old.notes_in(f).is_some_and(|n| n == old.ids));
            assert!(
                in_place || aside,
                "{point:?} (reader {reader}): the vault is lost"
            );
            // Never a log left without its database: a new database would replay it.
            if !data.join(DB).exists() {
                assert!(
                    !data.join(format!("{DB}-wal")).exists(),
                    "{point:?}: a stray log"
                );
            }

            drop(widget);
            if data.join(DB).exists() {
                assert_eq!(set_aside_in_a_process(&data, &key, "").code(), Some(0));
            }
            let folders = set_aside_folders(&data);
            assert_eq!(folders.len(), 1, "{point:?} (reader {reader}): {folders:?}");
            assert_eq!(old.notes_in(&folders[0]), Some(old.ids.clone()));
            assert_eq!(
                open(&data, file_store(&key)).vault_state().unwrap(),
                VaultState::NoVault
            );
        }
    }
}

/// Two processes (an app and its widget, say) both set the vault aside at once: the claim
/// keeps them apart, the vault ends up whole in one folder, and the later one either finds
/// the work done or finds no vault left; neither fails another way.
#[test]
fn two_processes_setting_aside_at_once_leave_one_whole_copy() {
    for _ in 0..5 {
        let old = OldPhone::new(4);
        let (data, key) = old.copied_to("new");
        let spawn = || {
            Command::new(env!("CARGO_BIN_EXE_harbour-race"))
                .args([
                    data.to_str().unwrap(),
                    key.to_str().unwrap(),
                    "set-aside",
                    "1",
                ])
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        };
        let (a, b) = (spawn(), spawn());
        for child in [a, b] {
            let out = child.wait_with_output().unwrap();
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(
                out.status.success() || stderr.contains("NoVault"),
                "{:?}: {stderr}",
                out.status
            );
        }
        let folders = set_aside_folders(&data);
        assert_eq!(folders.len(), 1, "{folders:?}");
        assert_eq!(old.notes_in(&folders[0]), Some(old.ids.clone()));
        assert_eq!(
            open(&data, file_store(&key)).vault_state().unwrap(),
            VaultState::NoVault
        );
    }
}
