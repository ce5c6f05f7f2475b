//! The longest wait across processes: this process is a widget and a second app instance on
//! one data directory and one device key file, while two other processes (this benchmark run
//! again with `--app-process`) add notes, list them and rotate the data key. Timed here: a
//! glance (the vault's state or the quick-access notes, on a handle never unlocked) and a
//! write (adding a note on an unlocked handle). Target: the longest of each far under
//! Android's 5 s ANR limit (under 1 s), and every outcome an answer or `Busy`.

use std::path::Path;
use std::process::{Child, Command};
use std::sync::Arc;
use std::time::{Duration, Instant};

use harbour_core::{Error, FileKeyStore, Harbour, Secret, UserText};

use crate::stats::{Summary, summarise};

const PIN: &str = "482915";

pub struct TwoProcesses {
    pub glance: Summary,
    pub glance_busy: usize,
    pub write: Summary,
    pub write_busy: usize,
    pub notes: usize,
    pub seconds: u64,
}

fn handle(data: &Path, key: &Path) -> Harbour {
    let config = harbour_tests::testing_config(data);
    Harbour::open(config, Arc::new(FileKeyStore::new(key))).expect("open")
}

fn unlocked(data: &Path, key: &Path) -> Harbour {
    let h = handle(data, key);
    while let Err(e) = h.unlock(Secret::from_text(PIN)) {
        assert_eq!(e, Error::Busy, "unlock");
    }
    h
}

/// Runs in each child (`--app-process DATA KEY SECONDS ROTATES`): adds, lists and (when
/// `ROTATES` is 1) rotates every tenth step, for `SECONDS`.
pub fn child(data: &Path, key: &Path, seconds: u64, rotates: bool) {
    let h = unlocked(data, key);
    let end = Instant::now() + Duration::from_secs(seconds);
    let mut i = 0u64;
    while Instant::now() < end {
        let r = match i % 10 {
            9 if rotates => h.rotate_data_key(Secret::from_text(PIN)),
            0..=4 => h
                .add_note(UserText::new(format!("app note {i}")), Vec::new())
                .map(|_| ()),
            _ => h.list_notes().map(|_| ()),
        };
        match r {
            Ok(()) | Err(Error::Busy) => {}
            Err(Error::Locked) => drop(h.unlock(Secret::from_text(PIN))),
            Err(e) => panic!("app process: {e:?}"),
        }
        i += 1;
    }
}

fn spawn_app(data: &Path, key: &Path, seconds: u64, rotates: bool) -> Child {
    Command::new(std::env::current_exe().expect("this benchmark"))
        .arg("--app-process")
        .args([data.as_os_str(), key.as_os_str()])
        .arg(seconds.to_string())
        .arg(if rotates { "1" } else { "0" })
        .spawn()
        .expect("spawn an app process")
}

pub fn run(notes: usize, seconds: u64) -> TwoProcesses {
    let dir = tempfile::tempdir().expect("tempdir");
    let (data, key) = (dir.path().join("data"), dir.path().join("device.key"));
    {
        let h = handle(&data, &key);
        h.create_vault(Secret::from_text(PIN)).expect("create");
        for i in 0..notes {
            let n = h
                .add_note(UserText::new(format!("note {i}")), Vec::new())
                .expect("add");
            if i % 50 == 0 {
                h.set_note_quick_access(&n.id, true).expect("quick");
            }
        }
    }
    let apps = [
        spawn_app(&data, &key, seconds, true),
        spawn_app(&data, &key, seconds, false),
    ];
    let widget = handle(&data, &key);
    let writer = unlocked(&data, &key);
    let (mut glances, mut writes) = (Vec::new(), Vec::new());
    let (mut glance_busy, mut write_busy) = (0, 0);
    let end = Instant::now() + Duration::from_secs(seconds);
    let mut i = 0u64;
    while Instant::now() < end {
        let t = Instant::now();
        let r = if i.is_multiple_of(2) {
            widget.vault_state().map(|_| ())
        } else {
            widget.quick_access_notes().map(|_| ())
        };
        glances.push(t.elapsed());
        match r {
            Ok(()) => {}
            Err(Error::Busy) => glance_busy += 1,
            Err(e) => panic!("glance: {e:?}"),
        }
        if i.is_multiple_of(10) {
            let t = Instant::now();
            let r = writer.add_note(UserText::new(format!("widget note {i}")), Vec::new());
            writes.push(t.elapsed());
            match r {
                Ok(_) => {}
                Err(Error::Busy) => write_busy += 1,
                // Another process rotated: this handle's keys are of an older epoch.
                Err(Error::Locked) => drop(writer.unlock(Secret::from_text(PIN))),
                Err(e) => panic!("write: {e:?}"),
            }
        }
        i += 1;
        std::thread::sleep(Duration::from_millis(5));
    }
    for mut app in apps {
        assert!(
            app.wait().expect("app process").success(),
            "an app process failed"
        );
    }
    TwoProcesses {
        glance: summarise(glances),
        glance_busy,
        write: summarise(writes),
        write_busy,
        notes,
        seconds,
    }
}
