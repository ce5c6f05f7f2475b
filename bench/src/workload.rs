//! The store workloads, one definition for every engine.
//!
//! Harbour, SQLCipher and plain SQLite run exactly this code (the SQLCipher runner includes
//! this file by path, as it must be built outside the workspace), so a difference in the
//! figures is a difference in the engines, not in the harness. Every write is its own
//! transaction, as an app saving a note would do.

use std::time::{Duration, Instant};

/// The word searched for; it is in one note in every hundred.
pub const WORD: &str = "lighthouse";

/// About 1 KB of text, different for every note, deterministic.
pub fn note_text(i: usize) -> String {
    const WORDS: [&str; 16] = [
        "walk", "breathe", "music", "sea", "friend", "tea", "quiet", "window", "blanket",
        "drawing", "rain", "morning", "dog", "bus", "garden", "letter",
    ];
    let mut s = format!("Note {i}. ");
    let mut x = (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    while s.len() < 1000 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        s.push_str(WORDS[(x % 16) as usize]);
        s.push(' ');
    }
    if i.is_multiple_of(100) {
        s.push_str(WORD);
    }
    s
}

/// What each engine provides. Ids are whatever the engine uses.
pub trait NoteStore {
    fn insert(&mut self, text: &str) -> String;
    /// Every note with its text; returns how many.
    fn list(&mut self) -> usize;
    /// How many notes contain `word`.
    fn search(&mut self, word: &str) -> usize;
    fn update(&mut self, id: &str, text: &str);
    fn delete(&mut self, id: &str);
}

/// One run's times, for `notes` notes.
#[derive(Debug, Clone, Copy, Default)]
pub struct Times {
    /// All the inserts, one transaction each.
    pub insert: Duration,
    /// Open (no KDF) and list every note with its text.
    pub open_list: Duration,
    pub search: Duration,
    /// A tenth of the notes updated, one transaction each.
    pub update: Duration,
    /// A tenth of the notes deleted, one transaction each.
    pub delete: Duration,
}

impl Times {
    pub const FIELDS: [&'static str; 5] = ["insert", "open_list", "search", "update", "delete"];

    pub fn get(&self, field: &str) -> Duration {
        match field {
            "insert" => self.insert,
            "open_list" => self.open_list,
            "search" => self.search,
            "update" => self.update,
            _ => self.delete,
        }
    }

    /// One line of JSON: field names to nanoseconds. (Only the SQLCipher runner, which
    /// includes this file, prints it.)
    #[allow(dead_code)]
    pub fn to_json(self) -> String {
        let parts: Vec<String> = Self::FIELDS
            .iter()
            .map(|f| format!("\"{f}\":{}", self.get(f).as_nanos()))
            .collect();
        format!("{{{}}}", parts.join(","))
    }
}

fn timed<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let start = Instant::now();
    let out = f();
    (out, start.elapsed())
}

/// Runs every workload on a fresh store. `open` opens the same store each time it is called.
pub fn run<S: NoteStore>(notes: usize, mut open: impl FnMut() -> S) -> Times {
    let tenth = notes / 10;
    let mut store = open();
    let (ids, insert) = timed(|| {
        (0..notes)
            .map(|i| store.insert(&note_text(i)))
            .collect::<Vec<_>>()
    });
    drop(store);

    let ((mut store, listed), open_list) = timed(|| {
        let mut s = open();
        let n = s.list();
        (s, n)
    });
    assert_eq!(listed, notes, "list");
    let (found, search) = timed(|| store.search(WORD));
    assert_eq!(found, notes.div_ceil(100), "search");
    let ((), update) = timed(|| {
        for (i, id) in ids.iter().take(tenth).enumerate() {
            store.update(id, &note_text(notes + i));
        }
    });
    let ((), delete) = timed(|| {
        for id in ids.iter().rev().take(tenth) {
            store.delete(id);
        }
    });
    assert_eq!(store.list(), notes - tenth, "after delete");
    Times {
        insert,
        open_list,
        search,
        update,
        delete,
    }
}
