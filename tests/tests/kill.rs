//! SIGKILL the workload at random points: every acknowledged write survives — notes, plan items
//! and key rotations — nothing is torn, no migration is left half done, and no plaintext
//! reaches any file, not even from a process that never got to clean up.
//!
//! `HARBOUR_KILLS` sets the number of kills (default 50; the documented full run uses 500), and
//! `HARBOUR_MIGRATION_KILLS` the kills while an older database is being upgraded (default 30).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::{BTreeSet, HashMap};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use harbour_core::{FileKeyStore, Harbour, Secret};
use harbour_tests::{WORKLOAD_SECTION, files_containing, workload_index};

const MARKER: &str = "KILLMARK-5e1d";
const PIN: &str = "482915";

/// What must be on disk: notes (id to operation number) and the workload's plan items.
#[derive(Debug, Clone, Default, PartialEq)]
struct Model {
    notes: HashMap<String, u64>,
    plan: BTreeSet<u64>,
}

#[derive(Debug, Clone, PartialEq)]
enum Pending {
    None,
    Add(u64),
    Edit(String, u64),
    Delete(String),
    PlanAdd(u64),
    PlanRemove(u64),
    Rotate,
}

fn env_count(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}

fn spawn(data: &Path, key: &Path, seed: u64) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_harbour-workload"))
        .args([
            data.to_str().unwrap(),
            key.to_str().unwrap(),
            MARKER,
            &seed.to_string(),
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Runs the workload once, kills it after `acks` acknowledgements (while an operation is in
/// flight), and updates the model with everything acknowledged.
fn run_and_kill(data: &Path, key: &Path, seed: u64, acks: usize, model: &mut Model) -> Pending {
    let mut child = spawn(data, key, seed);
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut pending = Pending::None;
    let mut seen = 0;
    let mut killed = false;
    let num = |s: &str| -> u64 { s.parse().unwrap() };
    while let Some(Ok(line)) = lines.next() {
        let parts: Vec<&str> = line.split_whitespace().collect();
        let mut acked = true;
        match parts.as_slice() {
            ["ready"] => acked = false,
            ["will", "add", i] => (pending, acked) = (Pending::Add(num(i)), false),
            ["will", "edit", id, i] => {
                (pending, acked) = (Pending::Edit(id.to_string(), num(i)), false)
            }
            ["will", "delete", id] => (pending, acked) = (Pending::Delete(id.to_string()), false),
            ["will", "plan-add", i] => (pending, acked) = (Pending::PlanAdd(num(i)), false),
            ["will", "plan-remove", i] => (pending, acked) = (Pending::PlanRemove(num(i)), false),
            ["will", "rotate"] => (pending, acked) = (Pending::Rotate, false),
            ["ack", "add", i, id] | ["ack", "edit", id, i] => {
                model.notes.insert(id.to_string(), num(i));
            }
            ["ack", "delete", id] => {
                model.notes.remove(*id);
            }
            ["ack", "plan-add", i] => {
                model.plan.insert(num(i));
            }
            ["ack", "plan-remove", i] => {
                model.plan.remove(&num(i));
            }
            ["ack", "rotate"] => {}
            other => panic!("unexpected workload line {other:?}"),
        }
        if acked {
            pending = Pending::None;
            seen += 1;
        }
        // Kill while an operation is in flight. The child may have run further than the line
        // just read, so the loop goes on reading what it wrote before it died.
        if seen >= acks && pending != Pending::None && !killed {
            child.kill().unwrap();
            killed = true;
        }
    }
    let status = child.wait().unwrap();
    if status.success() {
        return Pending::None;
    }
    pending
}

fn open(data: &Path, key: &Path) -> Harbour {
    let config = harbour_tests::testing_config(data);
    Harbour::open(config, Arc::new(FileKeyStore::new(key))).unwrap()
}

fn reopen(data: &Path, key: &Path) -> Model {
    let h = open(data, key);
    h.unlock(Secret::from_text(PIN))
        .expect("vault must open after a kill");
    let notes = h.list_notes().expect("notes must read after a kill");
    let plan = h.plan().expect("the plan must read after a kill");
    h.lock().unwrap();
    Model {
        notes: notes
            .into_iter()
            .map(|n| {
                let i = workload_index(MARKER, &n.text).expect("note text intact");
                (n.id, i)
            })
            .collect(),
        plan: plan
            .section(WORKLOAD_SECTION)
            .items
            .iter()
            .map(|item| workload_index(MARKER, &item.text).expect("plan text intact"))
            .collect(),
    }
}

/// The in-flight operation either happened entirely or not at all: returns the model that
/// matches `actual`, or `None` if neither does.
fn settle(model: &Model, pending: &Pending, actual: &Model) -> Option<Model> {
    let mut done = model.clone();
    match pending {
        Pending::None | Pending::Rotate => {}
        Pending::Add(i) => {
            let extra: Vec<_> = actual
                .notes
                .iter()
                .filter(|(id, v)| **v == *i && !model.notes.contains_key(*id))
                .collect();
            if let [(id, v)] = extra.as_slice() {
                done.notes.insert((*id).clone(), **v);
            }
        }
        Pending::Edit(id, i) => {
            done.notes.insert(id.clone(), *i);
        }
        Pending::Delete(id) => {
            done.notes.remove(id);
        }
        Pending::PlanAdd(i) => {
            done.plan.insert(*i);
        }
        Pending::PlanRemove(i) => {
            done.plan.remove(i);
        }
    }
    [model, &done].into_iter().find(|m| *m == actual).cloned()
}

/// What differs between the model and the disk, briefly.
fn differences(model: &Model, actual: &Model) -> String {
    let mut out = Vec::new();
    for (id, i) in &model.notes {
        match actual.notes.get(id) {
            None => out.push(format!("note {id} ({i}) missing")),
            Some(j) if j != i => out.push(format!("note {id} is {j}, expected {i}")),
            _ => {}
        }
    }
    for (id, j) in &actual.notes {
        if !model.notes.contains_key(id) {
            out.push(format!("note {id} ({j}) unexpected"));
        }
    }
    for i in model.plan.symmetric_difference(&actual.plan) {
        out.push(format!(
            "plan item {i} {}",
            if model.plan.contains(i) {
                "missing"
            } else {
                "unexpected"
            }
        ));
    }
    out.join("; ")
}

#[test]
fn kills_lose_no_acknowledged_write_and_leak_no_plaintext() {
    let kills = env_count("HARBOUR_KILLS", 50);
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let key = dir.path().join("conf").join("device.key");
    let mut model = Model::default();
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let mut in_flight: HashMap<&'static str, u64> = HashMap::new();
    for round in 0..kills {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let acks = 1 + (state >> 33) as usize % 40;
        let pending = run_and_kill(&data, &key, round + 1, acks, &mut model);
        let actual = reopen(&data, &key);
        model = settle(&model, &pending, &actual).unwrap_or_else(|| {
            panic!(
                "round {round}: acknowledged state differs (pending {pending:?}): {}",
                differences(&model, &actual)
            )
        });
        let kind = match pending {
            Pending::None => "none (finished)",
            Pending::Add(_) => "note add",
            Pending::Edit(..) => "note edit",
            Pending::Delete(_) => "note delete",
            Pending::PlanAdd(_) => "plan add",
            Pending::PlanRemove(_) => "plan remove",
            Pending::Rotate => "key rotation",
        };
        *in_flight.entry(kind).or_default() += 1;

        let leaks = files_containing(dir.path(), MARKER);
        assert!(leaks.is_empty(), "round {round}: plaintext in {leaks:?}");
    }
    eprintln!(
        "kills survived: {kills}; in flight when killed: {in_flight:?}; at the end {} notes, {} plan items",
        model.notes.len(),
        model.plan.len()
    );
}

/// The tables and indexes a schema has, by name.
fn schema_objects(conn: &rusqlite::Connection) -> Vec<String> {
    let mut stmt = conn
        .prepare("SELECT type || ' ' || name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY 1")
        .unwrap();
    stmt.query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

#[test]
fn kills_during_an_upgrade_leave_the_old_schema_or_the_new_one() {
    let kills = env_count("HARBOUR_MIGRATION_KILLS", 30);
    let template = tempfile::tempdir().unwrap();
    let (t_data, t_key) = (
        template.path().join("data"),
        template.path().join("device.key"),
    );
    let (v1_objects, latest_objects);
    {
        let h = open(&t_data, &t_key);
        h.create_vault(Secret::from_text(PIN)).unwrap();
        for i in 0..40 {
            h.add_note(harbour_tests::workload_text(MARKER, i).into(), vec![])
                .unwrap();
        }
        h.lock().unwrap();
    }
    {
        // Back to a version-1 database: notes only, none of the later tables or indexes.
        let conn = rusqlite::Connection::open(t_data.join("harbour.sqlite3")).unwrap();
        latest_objects = schema_objects(&conn);
        conn.execute_batch(
            "DROP TABLE plan_section; DROP TABLE plan_version; DROP TABLE setting; DROP TABLE checkin;
             DROP INDEX note_integrity; PRAGMA user_version = 1;",
        )
        .unwrap();
        v1_objects = schema_objects(&conn);
    }
    let mut outcomes: HashMap<u32, u64> = HashMap::new();
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    for round in 0..kills {
        let dir = tempfile::tempdir().unwrap();
        let (data, key) = (dir.path().join("data"), dir.path().join("device.key"));
        std::fs::create_dir_all(&data).unwrap();
        std::fs::copy(t_data.join("harbour.sqlite3"), data.join("harbour.sqlite3")).unwrap();
        std::fs::copy(&t_key, &key).unwrap();
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        // Opening (and so upgrading) starts at once; kill somewhere in the first 8 ms.
        let mut child = spawn(&data, &key, 1000 + round);
        std::thread::sleep(Duration::from_micros(state % 8_000));
        let _ = child.kill();
        let _ = child.wait();

        let conn = rusqlite::Connection::open(data.join("harbour.sqlite3")).unwrap();
        let version: u32 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        let objects = schema_objects(&conn);
        drop(conn);
        match version {
            1 => assert_eq!(objects, v1_objects, "round {round}: half-upgraded v1"),
            4 => assert_eq!(objects, latest_objects, "round {round}: half-upgraded v4"),
            other => panic!("round {round}: user_version {other}"),
        }
        *outcomes.entry(version).or_default() += 1;
        // Whatever state it was left in, the vault opens (upgrading if needed) and every note
        // reads. Left at version 1, the workload never got to write, so all 40 are there.
        let after = reopen(&data, &key);
        if version == 1 {
            assert_eq!(after.notes.len(), 40, "round {round}: notes lost");
        }
    }
    eprintln!("upgrade kills: {kills}; left at schema version: {outcomes:?}");
}
