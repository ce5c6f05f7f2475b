//! Peak memory (resident set) of an app-like session, measured in a child process of its own
//! so nothing else the benchmark did counts: create the vault and unlock with the production
//! Argon2id (64 MiB), write 10,000 notes, lock, unlock, list, search, edit and delete a tenth,
//! lock. Backup export, which needs scrypt's 256 MiB, is measured on its own.

use std::process::Command;
use std::sync::Arc;

use harbour_core::{Harbour, MemoryKeyStore, Secret, UserText};
use harbour_core::{KdfParams, KdfProfile};

use crate::workload::{WORD, note_text};

const PIN: &str = "482915";

/// The process's peak resident set so far, from /proc (Linux), in KiB.
pub fn peak_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

pub fn production_kdf() -> KdfProfile {
    KdfProfile::Fixed(KdfParams {
        memory_kib: 64 * 1024,
        iterations: 3,
        parallelism: 1,
    })
}

/// Runs in the child (`--rss-session N` / `--rss-backup N`); prints the peak in KiB.
pub fn child(kind: &str, notes: usize) {
    let dir = tempfile::tempdir().expect("tempdir");
    // The shared test configuration, but with the phone's real KDF: the peak measured here
    // is mostly Argon2id's memory.
    let mut config = harbour_tests::testing_config(dir.path());
    config.kdf = production_kdf();
    let h = Harbour::open(config, Arc::new(MemoryKeyStore::new())).expect("open");
    h.create_vault(Secret::from_text(PIN)).expect("create");
    let mut ids = Vec::with_capacity(notes);
    for i in 0..notes {
        ids.push(
            h.add_note(UserText::new(note_text(i)), Vec::new())
                .expect("add")
                .id,
        );
    }
    if kind == "session" {
        h.lock().expect("lock");
        h.unlock(Secret::from_text(PIN)).expect("unlock");
        assert_eq!(h.list_notes().expect("list").len(), notes);
        assert!(!h.search_notes(WORD).expect("search").is_empty());
        for (i, id) in ids.iter().take(notes / 10).enumerate() {
            h.edit_note(id, UserText::new(note_text(notes + i)))
                .expect("edit");
        }
        for id in ids.iter().rev().take(notes / 10) {
            h.delete_note(id).expect("delete");
        }
        h.lock().expect("lock");
    } else {
        let backup = h
            .export_backup(&Secret::from_text("quiet harbour light at dawn"))
            .expect("export");
        assert!(!backup.is_empty());
    }
    println!("{}", peak_kib());
}

/// What a widget or app extension does (`--rss-glance DIR KEY`): open Harbour on a vault
/// made beforehand and read the quick-access items, with no secret and no key derivation.
/// Prints the peak in KiB. `--rss-baseline` prints the peak of doing nothing, to subtract.
pub fn glance_child(data: &std::path::Path, key: &std::path::Path) {
    let config = harbour_tests::testing_config(data);
    let h = Harbour::open(config, Arc::new(harbour_core::FileKeyStore::new(key))).expect("open");
    assert!(!h.quick_access_notes().expect("quick notes").is_empty());
    h.quick_access().expect("quick access");
    println!("{}", peak_kib());
}

/// Peak KiB of the glance child and of the baseline child, over a vault of `notes` notes, a
/// tenth of them quick-access.
pub fn measure_glance(notes: usize) -> (u64, u64) {
    let dir = tempfile::tempdir().expect("tempdir");
    let (data, key) = (dir.path().join("data"), dir.path().join("device.key"));
    {
        let h = Harbour::open(
            harbour_tests::testing_config(&data),
            Arc::new(harbour_core::FileKeyStore::new(&key)),
        )
        .expect("open");
        h.create_vault(Secret::from_text(PIN)).expect("create");
        for i in 0..notes {
            let n = h
                .add_note(UserText::new(note_text(i)), Vec::new())
                .expect("add");
            if i % 10 == 0 {
                h.set_note_quick_access(&n.id, true).expect("quick");
            }
        }
    }
    let glance = run_child(&["--rss-glance".as_ref(), data.as_os_str(), key.as_os_str()]);
    (glance, run_child(&["--rss-baseline".as_ref()]))
}

/// Runs a child and returns its peak in KiB.
pub fn measure(kind: &str, notes: usize) -> u64 {
    run_child(&[format!("--rss-{kind}").as_ref(), notes.to_string().as_ref()])
}

fn run_child(args: &[&std::ffi::OsStr]) -> u64 {
    let exe = std::env::current_exe().expect("current exe");
    let out = Command::new(exe)
        .args(args)
        .output()
        .expect("run the memory child");
    assert!(
        out.status.success(),
        "memory child failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .trim()
        .parse()
        .expect("peak")
}
