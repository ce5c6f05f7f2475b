//! Backup benchmarks: export and restore of a vault with a realistic amount of writing, at the
//! work factor real backups use (scrypt 2^18, age's default), and key rotation.
//!
//! The vault's own password KDF is set to fixed, cheap parameters so that only the backup's
//! cost is measured; the backup's scrypt work factor is the production one.

use std::sync::Arc;
use std::time::Duration;

use harbour_core::Section;
use harbour_core::{Harbour, MemoryKeyStore, Secret, UserText};

use crate::stats::{Summary, summarise, time};

const PIN: &str = "482915";
const PASSPHRASE: &str = "quiet harbour light at dawn";

fn harbour(dir: &std::path::Path) -> Harbour {
    let h = Harbour::open(
        harbour_tests::testing_config(dir),
        Arc::new(MemoryKeyStore::new()),
    )
    .expect("open");
    h.create_vault(Secret::from_text(PIN)).expect("create");
    h
}

/// A note of 80–720 characters: most coping notes are a few sentences, some are long.
fn note_text(i: usize) -> String {
    let sentence = "When it gets loud in my head I go outside and count five things I can see. ";
    let n = 1 + (i * 7919) % 9;
    format!("{i}: {}", sentence.repeat(n))
}

pub struct BackupFigures {
    pub notes: usize,
    pub plan_items: usize,
    pub plan_versions: usize,
    pub file_bytes: usize,
    pub text_bytes: usize,
    pub export: Summary,
    pub restore: Summary,
    pub rotate: Summary,
}

pub fn run(notes: usize, runs: usize) -> BackupFigures {
    let dir = tempfile::tempdir().expect("tempdir");
    let h = harbour(dir.path());
    let mut text_bytes = 0;
    for i in 0..notes {
        let text = note_text(i);
        text_bytes += text.len();
        h.add_note(UserText::new(text), vec![UserText::from("calm")])
            .expect("add note");
    }
    for (i, section) in Section::ALL.into_iter().enumerate() {
        for j in 0..3 {
            h.add_plan_item(
                section,
                UserText::new(format!("Something that helps, number {i}.{j}")),
                None,
                None,
            )
            .expect("plan item");
        }
    }
    let plan_versions = h.plan().expect("plan").version as usize;
    let passphrase = || Secret::from_text(PASSPHRASE);

    let mut export = Vec::with_capacity(runs);
    let mut file = Vec::new();
    for _ in 0..runs {
        h.reauthenticate(Secret::from_text(PIN)).expect("reauth");
        let (bytes, d) = time(|| h.export_backup(&passphrase()).expect("export"));
        export.push(d);
        file = bytes;
    }

    let mut restore = Vec::with_capacity(runs);
    for _ in 0..runs {
        let target = tempfile::tempdir().expect("tempdir");
        let fresh = harbour(target.path());
        let (summary, d) = time(|| fresh.restore_backup(&file, &passphrase()).expect("restore"));
        assert_eq!(summary.notes, notes);
        restore.push(d);
    }

    let mut rotate: Vec<Duration> = Vec::with_capacity(runs);
    for _ in 0..runs {
        let ((), d) = time(|| {
            h.rotate_data_key(Secret::from_text(PIN)).expect("rotate");
        });
        rotate.push(d);
    }

    BackupFigures {
        notes,
        plan_items: Section::ALL.len() * 3,
        plan_versions,
        file_bytes: file.len(),
        text_bytes,
        export: summarise(export),
        restore: summarise(restore),
        rotate: summarise(rotate),
    }
}
