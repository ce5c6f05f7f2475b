//! A child process for the two-callers tests: one of several processes on one data directory
//! and one device key file, as an app, its widget and a background job would be.
//!
//! Usage: harbour-race DATA_DIR KEY_FILE MODE COUNT [SEED]
//!
//! - `rotate`: rotate the data key COUNT times (unlocking again whenever another process's
//!   rotation has locked this handle).
//! - `change-secret`: change the secret from the PIN to the second PIN, once.
//! - `guess`: one unlock with a wrong PIN.
//! - `mixed`: COUNT operations — add a note, list, search, quick access, and (for odd seeds) a
//!   rotation every 25 operations. Every list must hold every note this process has had
//!   acknowledged so far (reads are consistent with the process's own writes); one that does
//!   not counts as `inconsistent`.
//! - `widget`: COUNT glances on a handle that is never unlocked, as a lock-screen widget makes:
//!   the vault's state and the quick-access notes, each an answer or `Busy`.
//! - `set-aside`: sets aside the vault (this key file being another phone's), once.
//! - `hold`: takes the database file's lock exclusively (as a maintenance tool or a commit
//!   can), prints `held`, and keeps it until its standard input closes.
//!
//! Prints one line per outcome: `ack NOTE_ID` for a note whose add was acknowledged, and at the
//! end `done ok=N busy=N locked=N tampered=N wrong=N lockedout=N inconsistent=N`. Any other
//! error ends the process with its name on stderr.

use std::collections::BTreeSet;
use std::io::{Read, Write};
use std::sync::Arc;

use harbour_core::{Error, FileKeyStore, Harbour, Secret};

const PIN: &str = "482915";
const NEW_PIN: &str = "730184";

#[derive(Default)]
struct Tally {
    ok: u64,
    busy: u64,
    locked: u64,
    tampered: u64,
    wrong: u64,
    locked_out: u64,
    inconsistent: u64,
}

impl Tally {
    /// Counts an outcome; `Err` for one the tests do not expect.
    fn count(&mut self, r: Result<(), Error>) -> Result<(), Error> {
        match r {
            Ok(()) => self.ok += 1,
            Err(Error::Busy) => self.busy += 1,
            Err(Error::Locked) => self.locked += 1,
            Err(Error::Tampered) => self.tampered += 1,
            Err(Error::WrongSecret { .. }) => self.wrong += 1,
            Err(Error::LockedOut { .. }) => self.locked_out += 1,
            Err(e) => return Err(e),
        }
        Ok(())
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 5 {
        eprintln!("usage: harbour-race DATA_DIR KEY_FILE MODE COUNT [SEED]");
        std::process::exit(2);
    }
    let count: u64 = args[4].parse().unwrap_or(1);
    let seed: u64 = args.get(5).and_then(|s| s.parse().ok()).unwrap_or(0);
    if let Err(e) = run(&args[1], &args[2], &args[3], count, seed) {
        eprintln!("harbour-race: {e:?}");
        std::process::exit(1);
    }
}

fn run(data: &str, key: &str, mode: &str, count: u64, seed: u64) -> Result<(), Error> {
    if mode == "hold" {
        return hold(data);
    }
    let config = harbour_tests::testing_config(data);
    let h = Harbour::open(config, Arc::new(FileKeyStore::new(key)))?;
    let pin = || Secret::from_text(PIN);
    let mut t = Tally::default();
    let mut out = std::io::stdout().lock();
    // Unlocks, waiting out another process's claim; gives up on a changed secret.
    let unlock = |h: &Harbour, t: &mut Tally| -> Result<bool, Error> {
        loop {
            match h.unlock(pin()) {
                Ok(()) => return Ok(true),
                Err(Error::Busy) => t.busy += 1,
                Err(Error::WrongSecret { .. }) => return Ok(false),
                Err(e) => return Err(e),
            }
        }
    };
    match mode {
        "rotate" => {
            unlock(&h, &mut t)?;
            let mut done = 0;
            while done < count {
                match h.rotate_data_key(pin()) {
                    Ok(()) => done += 1,
                    Err(Error::Locked) => {
                        t.locked += 1;
                        if !unlock(&h, &mut t)? {
                            break;
                        }
                    }
                    // The secret was changed by another process: stop, as an app would ask.
                    Err(Error::WrongSecret { .. }) => {
                        t.wrong += 1;
                        break;
                    }
                    other => t.count(other)?,
                }
            }
            t.ok = done;
        }
        "change-secret" => {
            unlock(&h, &mut t)?;
            loop {
                match h.change_secret(pin(), Secret::from_text(NEW_PIN)) {
                    Err(Error::Busy) => t.busy += 1,
                    other => {
                        t.count(other)?;
                        break;
                    }
                }
            }
        }
        "guess" => t.count(h.unlock(Secret::from_text("000173")))?,
        "mixed" => {
            unlock(&h, &mut t)?;
            let mut mine = BTreeSet::new();
            for i in 0..count {
                let r = match i % 5 {
                    0 | 1 => h
                        .add_note(format!("race {seed} note {i}").into(), vec![])
                        .map(|n| {
                            let _ = writeln!(out, "ack {}", n.id);
                            mine.insert(n.id);
                        }),
                    2 => h.list_notes().map(|listed| {
                        let seen: BTreeSet<&str> = listed.iter().map(|n| n.id.as_str()).collect();
                        if mine.iter().any(|id| !seen.contains(id.as_str())) {
                            t.inconsistent += 1;
                        }
                    }),
                    3 => h.search_notes("race note").map(|_| ()),
                    _ => h.quick_access().map(|_| ()),
                };
                match r {
                    Err(Error::Locked) => {
                        t.locked += 1;
                        unlock(&h, &mut t)?;
                    }
                    other => t.count(other)?,
                }
                if seed % 2 == 1 && i % 25 == 24 {
                    match h.rotate_data_key(pin()) {
                        Err(Error::Locked) => {
                            t.locked += 1;
                            unlock(&h, &mut t)?;
                        }
                        other => t.count(other)?,
                    }
                }
            }
        }
        "set-aside" => t.count(h.set_aside_vault().map(drop))?,
        "widget" => {
            for i in 0..count {
                let r = if i % 2 == 0 {
                    h.vault_state().map(|_| ())
                } else {
                    h.quick_access_notes().map(|_| ())
                };
                t.count(r)?;
            }
        }
        _ => return Err(Error::InvalidInput("unknown mode")),
    }
    let _ = writeln!(
        out,
        "done ok={} busy={} locked={} tampered={} wrong={} lockedout={} inconsistent={}",
        t.ok, t.busy, t.locked, t.tampered, t.wrong, t.locked_out, t.inconsistent
    );
    Ok(())
}

/// Holds the database file's lock exclusively, with a write pending, until standard input
/// closes: the longest another process can be kept from reading.
fn hold(data: &str) -> Result<(), Error> {
    let db = rusqlite::Connection::open(std::path::Path::new(data).join("harbour.sqlite3"))
        .map_err(|_| Error::Io(std::io::ErrorKind::Other))?;
    db.execute_batch("PRAGMA locking_mode=EXCLUSIVE; BEGIN EXCLUSIVE; DELETE FROM retired_key;")
        .map_err(|_| Error::Busy)?;
    println!("held");
    let _ = std::io::stdin().read_to_end(&mut Vec::new());
    db.execute_batch("COMMIT;").map_err(|_| Error::Busy)?;
    Ok(())
}
