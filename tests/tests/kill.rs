//! SIGKILL the workload at random points: every acknowledged write survives, nothing is torn,
//! and no plaintext reaches any file — not even from a process that never got to clean up.
//!
//! `HARBOUR_KILLS` sets the number of kills (default 12; the documented full run uses 500).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use harbour_core::crypto::KdfProfile;
use harbour_core::{Config, FileKeyStore, Harbour, Secret};
use harbour_tests::{files_containing, workload_index};

const MARKER: &str = "KILLMARK-5e1d";

#[derive(Debug, Clone, PartialEq)]
enum Pending {
    None,
    Add(u64),
    Edit(String, u64),
    Delete(String),
}

/// Runs the workload once, kills it after `acks` acknowledgements (or when it ends), and
/// updates the model of what must be on disk.
fn run_and_kill(
    data: &Path,
    key: &Path,
    seed: u64,
    acks: usize,
    model: &mut HashMap<String, u64>,
) -> Pending {
    let mut child = Command::new(env!("CARGO_BIN_EXE_harbour-workload"))
        .args([
            data.to_str().unwrap(),
            key.to_str().unwrap(),
            MARKER,
            &seed.to_string(),
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut pending = Pending::None;
    let mut seen = 0;
    while let Some(Ok(line)) = lines.next() {
        let parts: Vec<&str> = line.split_whitespace().collect();
        match parts.as_slice() {
            ["ready"] => {}
            ["will", "add", i] => pending = Pending::Add(i.parse().unwrap()),
            ["will", "edit", id, i] => pending = Pending::Edit(id.to_string(), i.parse().unwrap()),
            ["will", "delete", id] => pending = Pending::Delete(id.to_string()),
            ["ack", "add", i, id] => {
                model.insert(id.to_string(), i.parse().unwrap());
                pending = Pending::None;
                seen += 1;
            }
            ["ack", "edit", id, i] => {
                model.insert(id.to_string(), i.parse().unwrap());
                pending = Pending::None;
                seen += 1;
            }
            ["ack", "delete", id] => {
                model.remove(*id);
                pending = Pending::None;
                seen += 1;
            }
            other => panic!("unexpected workload line {other:?}"),
        }
        if seen >= acks && pending != Pending::None {
            // Kill while an operation is in flight.
            child.kill().unwrap();
            break;
        }
    }
    let status = child.wait().unwrap();
    if status.success() {
        return Pending::None;
    }
    pending
}

fn reopen(data: &Path, key: &Path) -> HashMap<String, u64> {
    let mut config = Config::new(data);
    config.kdf = KdfProfile::Testing;
    let h = Harbour::open(config, Arc::new(FileKeyStore::new(key))).unwrap();
    h.unlock(Secret::from_text("482915"))
        .expect("vault must open after a kill");
    let notes = h.list_notes().expect("notes must read after a kill");
    h.lock().unwrap();
    notes
        .into_iter()
        .map(|n| {
            (
                n.id.clone(),
                workload_index(MARKER, &n.text).expect("text intact"),
            )
        })
        .collect()
}

#[test]
fn kills_lose_no_acknowledged_write_and_leak_no_plaintext() {
    let kills: u64 = std::env::var("HARBOUR_KILLS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(12);
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let key = dir.path().join("conf").join("device.key");
    let mut model: HashMap<String, u64> = HashMap::new();
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    for round in 0..kills {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let acks = 1 + (state >> 33) as usize % 40;
        let pending = run_and_kill(&data, &key, round + 1, acks, &mut model);
        let actual = reopen(&data, &key);

        // Settle the in-flight operation: it either happened entirely or not at all.
        let mut expected = model.clone();
        match &pending {
            Pending::None => {}
            Pending::Add(i) => {
                let extra: Vec<_> = actual
                    .iter()
                    .filter(|(id, v)| **v == *i && !model.contains_key(*id))
                    .collect();
                assert!(extra.len() <= 1, "round {round}: torn add");
                if let Some((id, v)) = extra.first() {
                    expected.insert((*id).clone(), **v);
                }
            }
            Pending::Edit(id, i) => {
                if actual.get(id) == Some(i) {
                    expected.insert(id.clone(), *i);
                }
            }
            Pending::Delete(id) => {
                if !actual.contains_key(id) {
                    expected.remove(id);
                }
            }
        }
        assert_eq!(
            actual, expected,
            "round {round}: acknowledged state differs (pending {pending:?})"
        );
        model = expected;

        let leaks = files_containing(dir.path(), MARKER);
        assert!(leaks.is_empty(), "round {round}: plaintext in {leaks:?}");
    }
    eprintln!("kills survived: {kills}, notes at the end: {}", model.len());
}

#[test]
fn workload_runs_to_completion() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let key = dir.path().join("device.key");
    let status = Command::new(env!("CARGO_BIN_EXE_harbour-workload"))
        .args([
            data.to_str().unwrap(),
            key.to_str().unwrap(),
            MARKER,
            "7",
            "60",
        ])
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    assert!(files_containing(dir.path(), MARKER).is_empty());
    let _ = Duration::ZERO;
}
