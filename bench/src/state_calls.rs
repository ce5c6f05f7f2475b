//! What a UI's main thread waits for: `is_unlocked` and `lock` (the quick exit) timed from
//! one thread while others unlock with the phone's real Argon2id, rotate the data key and
//! list every note. Target: p99 under 1 ms for both, because neither may wait for that work.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use harbour_core::{Harbour, MemoryKeyStore, Secret, UserText};

use crate::stats::{Summary, summarise};

const PIN: &str = "482915";

pub struct StateCalls {
    pub is_unlocked: Summary,
    pub lock: Summary,
    pub unlocks: usize,
    pub rotations: usize,
    pub lists: usize,
    pub notes: usize,
    pub seconds: u64,
}

pub fn run(notes: usize, seconds: u64) -> StateCalls {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut config = harbour_tests::testing_config(dir.path());
    config.kdf = crate::rss::production_kdf();
    let h = Arc::new(Harbour::open(config, Arc::new(MemoryKeyStore::new())).expect("open"));
    h.create_vault(Secret::from_text(PIN)).expect("create");
    for i in 0..notes {
        h.add_note(UserText::new(format!("note {i} about the sea")), Vec::new())
            .expect("add");
    }
    let stop = Arc::new(AtomicBool::new(false));
    // Each worker counts the calls that did their work; some are refused as locked, because
    // the main thread locks about once a second and a lock wins over an unlock in flight.
    let worker = |work: fn(&Harbour) -> bool| {
        let (h, stop) = (h.clone(), stop.clone());
        std::thread::spawn(move || {
            let mut n = 0;
            while !stop.load(Ordering::Relaxed) {
                n += usize::from(work(&h));
            }
            n
        })
    };
    let unlocker = worker(|h| h.unlock(Secret::from_text(PIN)).is_ok());
    let rotator = worker(|h| {
        h.unlock(Secret::from_text(PIN)).is_ok()
            && h.rotate_data_key(Secret::from_text(PIN)).is_ok()
    });
    let lister = worker(|h| h.list_notes().is_ok());

    let (mut asked, mut locked) = (Vec::new(), Vec::new());
    let end = Instant::now() + Duration::from_secs(seconds);
    let mut i = 0u64;
    while Instant::now() < end {
        let t = Instant::now();
        std::hint::black_box(h.is_unlocked());
        asked.push(t.elapsed());
        if i.is_multiple_of(1000) {
            let t = Instant::now();
            h.lock().expect("lock");
            locked.push(t.elapsed());
        }
        i += 1;
        std::thread::sleep(Duration::from_millis(1));
    }
    stop.store(true, Ordering::Relaxed);
    StateCalls {
        unlocks: unlocker.join().expect("unlocker"),
        rotations: rotator.join().expect("rotator"),
        lists: lister.join().expect("lister"),
        is_unlocked: summarise(asked),
        lock: summarise(locked),
        notes,
        seconds,
    }
}
