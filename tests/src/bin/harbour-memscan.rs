//! A child process for the leak tests (tests/tests/leaks.rs). It does something with a secret
//! or with notes, drops or locks, then prints `scan <check> <masked words in hex>` and waits
//! for a line on stdin while the parent reads this process's memory from outside
//! (`/proc/<pid>/mem`), so that scanning allocates nothing here that could overwrite the
//! freed memory being examined.
//!
//! The words are built at run time from masked bytes, so the only unmasked copies in memory
//! are the ones the code under test made.

use std::io::{BufRead, Write};
use std::sync::Arc;

use harbour_core::Section;
use harbour_core::{Harbour, MemoryKeyStore, Secret, UserText};

pub const MASK: u8 = 0xA5;

fn masked(word: &str) -> Vec<u8> {
    word.bytes().map(|b| b ^ MASK).collect()
}

/// The real word, built byte by byte into a buffer of exactly its size.
fn unmask(m: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(m.len());
    for b in m {
        out.push(b ^ MASK);
    }
    out
}

fn text(m: &[u8]) -> String {
    String::from_utf8(unmask(m)).unwrap_or_default()
}

/// Asks the parent to scan for `m`, and waits until it has.
fn scan(check: &str, m: &[u8]) {
    let hex: String = m.iter().map(|b| format!("{b:02x}")).collect();
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "scan {check} {hex}");
    let _ = out.flush();
    let mut line = String::new();
    let _ = std::io::stdin().lock().read_line(&mut line);
}

fn main() {
    // 32-character words, one per check.
    let control = masked("CONTROL-plain-vec-never-wiped-01");
    let secret = masked("SECRET-pin-or-passphrase-wiped-2");
    let note = masked("NOTE-private-words-after-lock-03");
    let plan = masked("PLAN-private-section-after-lock4");

    // Control: an ordinary Vec, dropped without wiping; a later allocation keeps it from
    // merging into the top of the heap, which the allocator could hand back to the system.
    let pin;
    {
        let mut v = vec![0u8; 4096];
        v[1000..1000 + control.len()].copy_from_slice(&unmask(&control));
        pin = vec![1u8; 8192];
        drop(std::hint::black_box(v));
    }
    std::hint::black_box(&pin);
    scan("control", &control);

    // A secret, used and dropped.
    {
        let s = Secret::new(unmask(&secret));
        std::hint::black_box(&s);
    }
    scan("secret", &secret);

    // A vault: the words written, read back, searched, edited, put in the plan; then locked.
    let dir = std::env::temp_dir().join(format!("harbour-memscan-{}", std::process::id()));
    {
        let config = harbour_tests::testing_config(&dir);
        let Ok(h) = Harbour::open(config, Arc::new(MemoryKeyStore::new())) else {
            std::process::exit(2);
        };
        if h.create_vault(Secret::from_text("482915")).is_err() {
            std::process::exit(2);
        }
        // Only the id is kept: the returned note (with the words) is dropped at once.
        let Ok(id) = h
            .add_note(
                UserText::new(text(&note)),
                vec![UserText::new("tag".into())],
            )
            .map(|n| n.id.clone())
        else {
            std::process::exit(2);
        };
        let listed = h.list_notes().unwrap_or_default();
        let found = h.search_notes("private words").unwrap_or_default();
        std::hint::black_box((&listed, &found));
        drop((listed, found));
        // Sized up front: growing a String would leave its old buffer unwiped (in this
        // program, not in Harbour).
        let mut edited = String::with_capacity(note.len() + 7);
        for b in &note {
            edited.push(char::from(b ^ MASK));
        }
        edited.push_str(" edited");
        let _ = h.edit_note(&id, UserText::new(edited));
        let _ = h.add_plan_item(
            Section::WarningSigns,
            UserText::new(text(&plan)),
            None,
            None,
        );
        let _ = h.plan();
        let _ = h.lock();
        scan("note-after-lock", &note);
        scan("plan-after-lock", &plan);
    }
    let _ = std::fs::remove_dir_all(&dir);
}
