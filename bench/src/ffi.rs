//! The cost of crossing the FFI: a trivial call and listing 1,000 notes, from Rust (no FFI:
//! the baseline), from Kotlin on the JVM and from CPython, each against the same library.
//! The foreign callers (`bench/ffi/`) are compiled and started by scripts/bench.sh, which
//! passes their command lines here.

use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use harbour_core::{Harbour, MemoryKeyStore, Secret, UserText};

use crate::stats::{Summary, summarise};

const FILLER: &str = "walk breathe music sea friend tea quiet window ";

/// The same 1,000-character notes as the Kotlin and Python callers.
fn note_text(i: usize) -> String {
    let mut s = format!("Note {i}. ");
    s.push_str(&FILLER.repeat(25));
    s.truncate(1000);
    s
}

pub struct Caller {
    pub name: String,
    pub trivial_ns: f64,
    pub list: Summary,
}

pub fn rust(runs: usize) -> Caller {
    let dir = tempfile::tempdir().expect("tempdir");
    let h = Harbour::open(
        harbour_tests::testing_config(dir.path()),
        Arc::new(MemoryKeyStore::new()),
    )
    .expect("open");
    h.create_vault(Secret::from_text("482915")).expect("create");
    for i in 0..1000 {
        h.add_note(UserText::new(note_text(i)), Vec::new())
            .expect("add");
    }
    for _ in 0..3 {
        h.list_notes().expect("list");
    }
    let calls: u32 = 1_000_000;
    let start = Instant::now();
    for _ in 0..calls {
        std::hint::black_box(h.is_unlocked());
    }
    let trivial_ns = start.elapsed().as_nanos() as f64 / f64::from(calls);
    let list = (0..runs)
        .map(|_| {
            let t = Instant::now();
            assert_eq!(h.list_notes().expect("list").len(), 1000);
            t.elapsed()
        })
        .collect();
    Caller {
        name: "Rust (no FFI)".into(),
        trivial_ns,
        list: summarise(list),
    }
}

/// Runs a foreign caller (a whitespace-separated command line) and reads its JSON.
pub fn foreign(name: &str, command_line: &str, runs: usize) -> Caller {
    let mut parts = command_line.split_whitespace();
    let program = parts.next().expect("empty command line");
    let out = Command::new(program)
        .args(parts)
        .arg(runs.to_string())
        .output()
        .unwrap_or_else(|e| panic!("{name} caller did not start: {e}"));
    assert!(
        out.status.success(),
        "{name} caller failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text.lines().last().expect("output");
    let v: serde_json::Value = serde_json::from_str(line).expect("caller JSON");
    let list = v["list_ms"]
        .as_array()
        .expect("list_ms")
        .iter()
        .map(|x| Duration::from_secs_f64(x.as_f64().expect("ms") / 1000.0))
        .collect();
    Caller {
        name: name.to_owned(),
        trivial_ns: v["trivial_ns"].as_f64().expect("trivial_ns"),
        list: summarise(list),
    }
}
