//! Harbour against SQLCipher 4 and plain SQLite on the same workloads ([`crate::workload`]),
//! interleaved run by run so that drift in the machine touches every engine alike.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use harbour_core::{Harbour, MemoryKeyStore, Secret, UserText};

use crate::sql_store::SqlStore;
use crate::workload::{self, NoteStore, Times};

const PIN: &str = "482915";

/// Harbour through its public API, as an app would call it. The vault's Argon2id is set to
/// its smallest so that opening measures the store, not the KDF (timed on its own).
struct HarbourStore {
    h: Harbour,
}

impl HarbourStore {
    fn open(dir: &Path, keys: &Arc<MemoryKeyStore>) -> HarbourStore {
        let h = Harbour::open(harbour_tests::testing_config(dir), keys.clone()).expect("open");
        match h.unlock(Secret::from_text(PIN)) {
            Err(harbour_core::Error::NoVault) => {
                h.create_vault(Secret::from_text(PIN)).expect("create")
            }
            other => other.expect("unlock"),
        }
        HarbourStore { h }
    }
}

impl NoteStore for HarbourStore {
    fn insert(&mut self, text: &str) -> String {
        self.h
            .add_note(UserText::new(text.to_owned()), Vec::new())
            .expect("add")
            .id
    }
    fn list(&mut self) -> usize {
        self.h.list_notes().expect("list").len()
    }
    fn search(&mut self, word: &str) -> usize {
        self.h.search_notes(word).expect("search").len()
    }
    fn update(&mut self, id: &str, text: &str) {
        self.h
            .edit_note(id, UserText::new(text.to_owned()))
            .expect("edit");
    }
    fn delete(&mut self, id: &str) {
        self.h.delete_note(id).expect("delete");
    }
}

pub fn harbour(notes: usize) -> Times {
    let dir = tempfile::tempdir().expect("tempdir");
    let keys = Arc::new(MemoryKeyStore::new());
    workload::run(notes, || HarbourStore::open(dir.path(), &keys))
}

pub fn sqlite(notes: usize) -> Times {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("notes.sqlite3");
    workload::run(notes, || SqlStore::open(&path, None))
}

/// The SQLCipher runner, built outside the workspace (scripts/bench.sh). Returns its version
/// string and times.
pub fn sqlcipher(runner: &PathBuf, notes: usize) -> (String, Times) {
    let out = Command::new(runner)
        .arg(notes.to_string())
        .output()
        .expect("run the SQLCipher runner");
    assert!(
        out.status.success(),
        "SQLCipher runner failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("runner output");
    let t = &v["times"];
    let d = |f: &str| std::time::Duration::from_nanos(t[f].as_u64().expect("time"));
    (
        v["engine"].as_str().unwrap_or("SQLCipher").to_owned(),
        Times {
            insert: d("insert"),
            open_list: d("open_list"),
            search: d("search"),
            update: d("update"),
            delete: d("delete"),
        },
    )
}

pub fn sqlite_version() -> String {
    rusqlite::version().to_owned()
}

/// Phases of opening and reading, for finding where time goes:
/// `--store-phases N DIR` fills DIR once (a file key store keeps the keys), then each call
/// times opening, unlocking, listing and searching, so a profiler sees only those.
pub fn phases(notes: usize, dir: &Path) {
    use std::time::Instant;
    let keys: Arc<dyn harbour_core::PlatformKeyStore> =
        Arc::new(harbour_core::FileKeyStore::new(dir.join("device.key")));
    let open = || {
        Harbour::open(
            harbour_tests::testing_config(dir.join("data")),
            keys.clone(),
        )
        .expect("open")
    };
    if !dir.join("data").exists() {
        let h = open();
        h.create_vault(Secret::from_text(PIN)).expect("create");
        for i in 0..notes {
            h.add_note(UserText::new(workload::note_text(i)), Vec::new())
                .expect("add");
        }
    }
    for _ in 0..10 {
        let t = Instant::now();
        let h = open();
        h.unlock(Secret::from_text(PIN)).expect("unlock");
        let unlocked = t.elapsed();
        let n = h.list_notes().expect("list").len();
        let listed = t.elapsed();
        let f = h.search_notes(workload::WORD).expect("search").len();
        let searched = t.elapsed();
        println!(
            "open+unlock {unlocked:?} list {:?} ({n}) search {:?} ({f})",
            listed - unlocked,
            searched - listed
        );
    }
}
