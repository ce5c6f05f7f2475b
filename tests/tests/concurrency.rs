//! One `Harbour` shared by eight threads doing 2,000 mixed operations each (600 in the normal
//! debug run, to keep it quick; `HARBOUR_FULL=1` for all 2,000) — notes added,
//! edited, read, searched and deleted, plan items added and removed, help-now queries — while
//! a ninth thread locks and unlocks under them. No operation fails except with `Locked` while
//! the vault is locked, nothing deadlocks, and the final state is exactly what every thread
//! was told succeeded.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, mpsc};
use std::time::Duration;

use harbour_core::Section;
use harbour_core::{Error, Harbour, MemoryKeyStore, Secret};

const PIN: &str = "482915";
const THREADS: usize = 8;

fn ops() -> usize {
    if std::env::var_os("HARBOUR_FULL").is_some() {
        2_000
    } else {
        600
    }
}

/// What one thread was told succeeded.
#[derive(Default)]
struct Seen {
    notes: BTreeMap<String, String>,
    plan: Vec<String>,
    locked_refusals: usize,
}

fn worker(h: &Harbour, t: usize) -> Seen {
    let section = Section::ALL[t];
    let mut seen = Seen::default();
    let mut x = 0x9E37_79B9_7F4A_7C15u64 ^ (t as u64 + 1);
    for op in 0..ops() {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let roll = x % 100;
        // While the locker has the vault locked, an operation is refused with `Locked` and
        // changes nothing; it is tried again until the vault is open.
        let mut attempt = || -> Result<(), Error> {
            match roll {
                0..=29 => {
                    if seen.notes.len() >= 20 {
                        let id = seen.notes.keys().next().cloned().unwrap();
                        h.delete_note(&id)?;
                        seen.notes.remove(&id);
                    } else {
                        let text = format!("thread {t} note {op}");
                        let n = h.add_note(text.clone().into(), vec![format!("t{t}").into()])?;
                        seen.notes.insert(n.id, text);
                    }
                }
                30..=44 => {
                    if let Some(id) = seen.notes.keys().nth(op % seen.notes.len().max(1)).cloned() {
                        let text = format!("thread {t} note {op} edited");
                        h.edit_note(&id, text.clone().into())?;
                        seen.notes.insert(id, text);
                    }
                }
                45..=61 => {
                    if let Some((id, text)) = seen.notes.iter().next() {
                        assert_eq!(h.note(id)?.text.as_str(), text.as_str());
                    }
                }
                62..=63 => {
                    let all = h.list_notes()?;
                    let mine = all
                        .iter()
                        .filter(|n| n.tags.iter().any(|tag| tag.as_str() == format!("t{t}")))
                        .count();
                    assert_eq!(mine, seen.notes.len(), "thread {t} sees its own notes");
                }
                64 => {
                    h.search_notes(&format!("thread {t}"))?;
                }
                65..=84 => {
                    if seen.plan.len() >= 30 {
                        h.remove_plan_item(section, 0)?;
                        seen.plan.remove(0);
                    } else {
                        let text = format!("thread {t} step {op}");
                        h.add_plan_item(section, text.clone().into(), None, None)?;
                        seen.plan.push(text);
                    }
                }
                85..=92 => {
                    let a = h.help_now(&Default::default())?;
                    assert!(!a.options.is_empty());
                }
                _ => {
                    h.quick_access()?;
                }
            }
            Ok(())
        };
        loop {
            match attempt() {
                Ok(()) => break,
                Err(Error::Locked) => {
                    seen.locked_refusals += 1;
                    std::thread::sleep(Duration::from_micros(200));
                }
                Err(e) => panic!("thread {t} op {op}: {e:?}"),
            }
        }
    }
    seen
}

#[test]
fn eight_threads_and_a_locker_share_one_handle() {
    let dir = tempfile::tempdir().unwrap();
    let keys = Arc::new(MemoryKeyStore::new());
    let config = harbour_tests::testing_config(dir.path());
    let h = Arc::new(Harbour::open(config.clone(), keys.clone()).unwrap());
    h.create_vault(Secret::from_text(PIN)).unwrap();

    let done = Arc::new(AtomicBool::new(false));
    let (tx, rx) = mpsc::channel();
    let mut handles = Vec::new();
    for t in 0..THREADS {
        let (h, tx) = (h.clone(), tx.clone());
        handles.push(std::thread::spawn(move || {
            let seen = worker(&h, t);
            tx.send(()).unwrap();
            seen
        }));
    }
    // The locker: lock, let the others run into it briefly, unlock; again and again.
    let locker = {
        let (h, done) = (h.clone(), done.clone());
        std::thread::spawn(move || {
            let mut cycles = 0;
            while !done.load(Ordering::Relaxed) {
                std::thread::sleep(Duration::from_millis(50));
                h.lock().unwrap();
                std::thread::sleep(Duration::from_millis(1));
                h.unlock(Secret::from_text(PIN)).unwrap();
                cycles += 1;
            }
            cycles
        })
    };
    // A deadlock shows as workers that never finish.
    for _ in 0..THREADS {
        rx.recv_timeout(Duration::from_secs(300))
            .expect("a worker did not finish: deadlock or livelock");
    }
    done.store(true, Ordering::Relaxed);
    let cycles = locker.join().unwrap();
    let seen: Vec<Seen> = handles.into_iter().map(|j| j.join().unwrap()).collect();

    // The final state is exactly what each thread was told, also after a restart.
    h.unlock(Secret::from_text(PIN)).ok();
    let expected_notes: BTreeMap<String, String> =
        seen.iter().flat_map(|s| s.notes.clone()).collect();
    for handle in [h.clone(), Arc::new(Harbour::open(config, keys).unwrap())] {
        handle.unlock(Secret::from_text(PIN)).ok();
        let notes: BTreeMap<String, String> = handle
            .list_notes()
            .unwrap()
            .into_iter()
            .map(|n| (n.id, n.text.as_str().to_owned()))
            .collect();
        assert_eq!(notes, expected_notes);
        let plan = handle.plan().unwrap();
        for (t, s) in seen.iter().enumerate() {
            let items: Vec<String> = plan
                .section(Section::ALL[t])
                .items
                .iter()
                .map(|i| i.text.as_str().to_owned())
                .collect();
            assert_eq!(items, s.plan, "thread {t}'s plan section");
        }
    }
    let refusals: usize = seen.iter().map(|s| s.locked_refusals).sum();
    let distinct: BTreeSet<&String> = expected_notes.keys().collect();
    eprintln!(
        "{} operations on {THREADS} threads; {cycles} lock/unlock cycles; {refusals} refused while locked; {} notes at the end",
        THREADS * ops(),
        distinct.len()
    );
    assert!(cycles > 0, "the locker never ran");
}
