//! Two callers at once, as real processes on one data directory and one device key file (an
//! app and its widget, two app instances, an app and a background job): nothing that changes
//! keys may lose the vault, and ordinary reads and writes never see false tampering.
//!
//! Round counts are the minimums; `HARBOUR_FULL=1` runs more.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::sync::Arc;

use harbour_core::{Error, FileKeyStore, Harbour, MemoryKeyStore, Secret};

const PIN: &str = "482915";
const NEW_PIN: &str = "730184";

fn full() -> bool {
    std::env::var_os("HARBOUR_FULL").is_some()
}

fn open(dir: &Path, key: &Path) -> Harbour {
    let c = harbour_tests::testing_config(dir);
    Harbour::open(c, Arc::new(FileKeyStore::new(key))).unwrap()
}

fn race(dir: &Path, key: &Path, mode: &str, count: u64, seed: u64) -> Child {
    Command::new(env!("CARGO_BIN_EXE_harbour-race"))
        .args([dir.to_str().unwrap(), key.to_str().unwrap(), mode])
        .arg(count.to_string())
        .arg(seed.to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// The child's final tally, after checking it exited cleanly.
fn tally(out: &Output, what: &str) -> std::collections::BTreeMap<String, u64> {
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{what} failed: {}{}",
        stdout,
        String::from_utf8_lossy(&out.stderr)
    );
    let done = stdout.lines().find(|l| l.starts_with("done ")).unwrap();
    done[5..]
        .split(' ')
        .map(|kv| {
            let (k, v) = kv.split_once('=').unwrap();
            (k.to_owned(), v.parse().unwrap())
        })
        .collect()
}

fn vault_with_notes(n: usize) -> (tempfile::TempDir, std::path::PathBuf, Vec<String>) {
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("keys").join("device.key");
    let data = dir.path().join("data");
    let h = open(&data, &key);
    h.create_vault(Secret::from_text(PIN)).unwrap();
    let ids = (0..n)
        .map(|i| h.add_note(format!("kept {i}").into(), vec![]).unwrap().id)
        .collect();
    (dir, key, ids)
}

fn notes_after(dir: &Path, key: &Path, pin: &str) -> BTreeSet<String> {
    let h = open(&dir.join("data"), key);
    h.unlock(Secret::from_text(pin)).unwrap();
    h.list_notes().unwrap().into_iter().map(|n| n.id).collect()
}

#[test]
fn two_processes_rotating_at_once_never_lose_the_vault() {
    let rounds = if full() { 1_000 } else { 200 };
    let (dir, key, ids) = vault_with_notes(10);
    let data = dir.path().join("data");
    let a = race(&data, &key, "rotate", rounds / 2, 1);
    let b = race(&data, &key, "rotate", rounds / 2, 2);
    let (a, b) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
    let (ta, tb) = (tally(&a, "first rotator"), tally(&b, "second rotator"));
    assert_eq!(ta["ok"] + tb["ok"], rounds, "{ta:?} {tb:?}");
    assert_eq!(ta["tampered"] + tb["tampered"], 0);
    // Every note is still there, under the final key, and the old keys are gone.
    let kept = notes_after(dir.path(), &key, PIN);
    assert_eq!(kept, ids.into_iter().collect());
    let keys = std::fs::read_to_string(&key).unwrap();
    assert_eq!(
        keys.lines().count(),
        2,
        "only the current epoch's two keys remain"
    );
}

#[test]
fn two_handles_on_one_memory_key_store_rotating_at_once_never_lose_the_vault() {
    let dir = tempfile::tempdir().unwrap();
    let ks = Arc::new(MemoryKeyStore::new());
    let open = || {
        let c = harbour_tests::testing_config(dir.path());
        Harbour::open(c, ks.clone()).unwrap()
    };
    let (h1, h2) = (open(), open());
    h1.create_vault(Secret::from_text(PIN)).unwrap();
    let note = h1.add_note("still here".into(), vec![]).unwrap();
    h2.unlock(Secret::from_text(PIN)).unwrap();
    std::thread::scope(|s| {
        for h in [&h1, &h2] {
            s.spawn(move || {
                let mut done = 0;
                while done < 50 {
                    match h.rotate_data_key(Secret::from_text(PIN)) {
                        Ok(()) => done += 1,
                        Err(Error::Locked) => h.unlock(Secret::from_text(PIN)).unwrap(),
                        Err(e) => panic!("{e:?}"),
                    }
                }
            });
        }
    });
    let h = open();
    h.unlock(Secret::from_text(PIN)).unwrap();
    assert_eq!(h.note(&note.id).unwrap().text.as_str(), "still here");
    assert_eq!(ks.aliases().len(), 2);
}

#[test]
fn changing_the_secret_while_another_process_rotates_takes_effect() {
    let (dir, key, ids) = vault_with_notes(5);
    let data = dir.path().join("data");
    let rotator = race(&data, &key, "rotate", 1_000, 1);
    // Change the secret only once a rotation has committed, so the two really overlap.
    let db = rusqlite::Connection::open(data.join("harbour.sqlite3")).unwrap();
    let started = std::time::Instant::now();
    while db
        .query_row("SELECT epoch FROM vault", [], |r| r.get::<_, i64>(0))
        .unwrap_or(1)
        < 2
    {
        assert!(
            started.elapsed().as_secs() < 60,
            "the rotator never rotated"
        );
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    drop(db);
    let change = race(&data, &key, "change-secret", 1, 2)
        .wait_with_output()
        .unwrap();
    let tc = tally(&change, "secret change");
    assert_eq!(tc["ok"], 1, "{tc:?}");
    let tr = tally(&rotator.wait_with_output().unwrap(), "rotator");
    assert!(tr["ok"] >= 1, "the rotation ran alongside: {tr:?}");
    // The new secret opens the vault and the old one does not.
    let h = open(&data, &key);
    assert!(matches!(
        h.unlock(Secret::from_text(PIN)),
        Err(Error::WrongSecret { .. })
    ));
    h.unlock(Secret::from_text(NEW_PIN)).unwrap();
    drop(h);
    assert_eq!(
        notes_after(dir.path(), &key, NEW_PIN),
        ids.into_iter().collect()
    );
}

#[test]
fn thirty_wrong_guesses_at_once_evaluate_at_most_five() {
    let (dir, key, _) = vault_with_notes(0);
    let data = dir.path().join("data");
    let guesses: Vec<Child> = (0..30).map(|i| race(&data, &key, "guess", 1, i)).collect();
    let (mut wrong, mut locked_out) = (0, 0);
    for g in guesses {
        let t = tally(&g.wait_with_output().unwrap(), "guess");
        wrong += t["wrong"];
        locked_out += t["lockedout"];
    }
    assert_eq!(wrong + locked_out, 30);
    assert!(wrong <= 5, "{wrong} guesses were evaluated");
    // The right secret is refused too while the delay runs: nothing guessed its way past it.
    let h = open(&data, &key);
    assert!(matches!(
        h.unlock(Secret::from_text(PIN)),
        Err(Error::LockedOut { .. })
    ));
}

#[test]
fn eight_processes_of_reads_writes_and_rotations_see_no_false_tampering_and_lose_nothing() {
    let ops = if full() { 1_000 } else { 150 };
    let (dir, key, ids) = vault_with_notes(20);
    let data = dir.path().join("data");
    let children: Vec<Child> = (0..8).map(|i| race(&data, &key, "mixed", ops, i)).collect();
    let mut acked: BTreeSet<String> = ids.into_iter().collect();
    let mut tampered = 0;
    let mut rotations_or_ops = 0;
    for c in children {
        let out = c.wait_with_output().unwrap();
        let t = tally(&out, "worker");
        assert_eq!(
            t["inconsistent"], 0,
            "a list missed this process's own note"
        );
        tampered += t["tampered"];
        rotations_or_ops += t["ok"];
        acked.extend(
            String::from_utf8_lossy(&out.stdout)
                .lines()
                .filter_map(|l| l.strip_prefix("ack "))
                .map(str::to_owned),
        );
    }
    assert_eq!(tampered, 0, "false tampering under ordinary concurrency");
    assert!(rotations_or_ops > 8 * ops / 2);
    let kept = notes_after(dir.path(), &key, PIN);
    let lost: Vec<&String> = acked.difference(&kept).collect();
    assert!(lost.is_empty(), "{} acknowledged notes lost", lost.len());
}

/// A widget glancing (a handle never unlocked: the vault's state and the quick-access notes)
/// while two app processes write and rotate: every glance is an answer or a short `Busy`,
/// nothing reads as tampered, and every acknowledged write is kept.
#[test]
fn a_widget_glancing_while_two_app_processes_write_and_rotate_gets_answers_or_busy() {
    let ops = if full() { 1_000 } else { 150 };
    let (dir, key, ids) = vault_with_notes(10);
    let data = dir.path().join("data");
    {
        let h = open(&data, &key);
        h.unlock(Secret::from_text(PIN)).unwrap();
        for id in &ids[..3] {
            h.set_note_quick_access(id, true).unwrap();
        }
    }
    let apps: Vec<Child> = (0..2).map(|i| race(&data, &key, "mixed", ops, i)).collect();
    let widget = race(&data, &key, "widget", ops * 4, 0);
    let mut acked: BTreeSet<String> = ids.into_iter().collect();
    for c in apps {
        let out = c.wait_with_output().unwrap();
        let t = tally(&out, "app");
        assert_eq!((t["tampered"], t["inconsistent"]), (0, 0));
        acked.extend(
            String::from_utf8_lossy(&out.stdout)
                .lines()
                .filter_map(|l| l.strip_prefix("ack "))
                .map(str::to_owned),
        );
    }
    // Any outcome but an answer, Busy, Locked or one the tally names ends the widget with an
    // error, which `tally` reports.
    let t = tally(&widget.wait_with_output().unwrap(), "widget");
    assert_eq!(t["tampered"], 0, "a glance read tampering");
    assert_eq!(t["locked"], 0, "quick access needs no unlock");
    assert!(t["ok"] > 0, "no glance answered: {t:?}");
    let kept = notes_after(dir.path(), &key, PIN);
    assert!(acked.is_subset(&kept), "acknowledged notes lost");
    let h = open(&data, &key);
    assert_eq!(h.quick_access_notes().unwrap().len(), 3);
}

/// Another process holding the database file exclusively (a maintenance tool, or SQLite
/// recovering a crashed writer's log): a widget's first glance on a new handle says `Busy`
/// after a short wait instead of waiting out the write timeout (5 s, Android's ANR limit),
/// and answers once the file is let go. SQLite grants that lock only while no other
/// connection is open, so the handles here are new ones.
#[test]
fn a_glance_beside_a_process_holding_the_file_is_busy_then_answers() {
    use std::io::{BufRead, BufReader};
    let (dir, key, ids) = vault_with_notes(2);
    let data = dir.path().join("data");
    {
        let h = open(&data, &key);
        h.unlock(Secret::from_text(PIN)).unwrap();
        h.set_note_quick_access(&ids[0], true).unwrap();
    }
    let mut holder = Command::new(env!("CARGO_BIN_EXE_harbour-race"))
        .args([data.to_str().unwrap(), key.to_str().unwrap(), "hold", "1"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(holder.stdout.as_mut().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert_eq!(line.trim(), "held");

    let (state_first, notes_first) = (open(&data, &key), open(&data, &key));
    // Not a speed target: which wait applied. The glance wait is 250 ms, the write wait 5 s.
    let asked = std::time::Instant::now();
    assert_eq!(state_first.vault_state(), Err(Error::Busy));
    assert_eq!(
        notes_first.quick_access_notes().map(|n| n.len()),
        Err(Error::Busy)
    );
    assert!(
        asked.elapsed() < std::time::Duration::from_secs(4),
        "a glance waited out the write timeout"
    );
    drop(holder.stdin.take());
    assert!(holder.wait().unwrap().success());
    for h in [&state_first, &notes_first] {
        assert!(matches!(
            h.vault_state(),
            Ok(harbour_core::VaultState::Locked { .. })
        ));
        assert_eq!(h.quick_access_notes().unwrap().len(), 1);
    }
}

#[test]
fn two_inits_at_once_make_one_usable_vault() {
    for _ in 0..10 {
        let dir = tempfile::tempdir().unwrap();
        let key = dir.path().join("device.key");
        let data = dir.path().join("data");
        let (d1, d2, k1, k2) = (data.clone(), data.clone(), key.clone(), key.clone());
        let t1 = std::thread::spawn(move || open(&d1, &k1).create_vault(Secret::from_text(PIN)));
        let t2 = std::thread::spawn(move || open(&d2, &k2).create_vault(Secret::from_text(PIN)));
        let results = [t1.join().unwrap(), t2.join().unwrap()];
        assert_eq!(
            results.iter().filter(|r| r.is_ok()).count(),
            1,
            "{results:?}"
        );
        assert!(results.contains(&Err(Error::VaultExists)));
        open(&data, &key).unlock(Secret::from_text(PIN)).unwrap();
    }
}

#[test]
fn a_missing_vault_row_is_corruption_and_nothing_is_changed() {
    let (dir, key, _) = vault_with_notes(3);
    let data = dir.path().join("data");
    let db = data.join("harbour.sqlite3");
    {
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.execute("DELETE FROM vault", []).unwrap();
        conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
            .unwrap();
    }
    let before = std::fs::read(&db).unwrap();
    let h = open(&data, &key);
    assert_eq!(h.vault_state(), Err(Error::Corrupt));
    assert_eq!(h.create_vault(Secret::from_text(PIN)), Err(Error::Corrupt));
    assert_eq!(h.unlock(Secret::from_text(PIN)), Err(Error::Corrupt));
    assert_eq!(h.quick_access_notes().map(|n| n.len()), Err(Error::Corrupt));
    drop(h);
    assert_eq!(std::fs::read(&db).unwrap(), before, "the file was changed");
    // Help now still works with the vault damaged.
    let h = open(&data, &key);
    assert!(!h.help_now(&Default::default()).unwrap().options.is_empty());
}
