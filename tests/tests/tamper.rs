//! Tamper sweeps: every single-bit flip of one stored record of each kind, of each key slot, of
//! the canary and the integrity seal, of a directory pack, a library pack and a backup file is
//! refused with a typed error — never a panic, never other plaintext. Then whole-record
//! attacks: rows swapped, fields moved between rows and tables, revisions rolled back.
//!
//! Records, slots and signatures are swept bit by bit in every run. Packs and backups are
//! large, so the normal run takes every 13th bit of them; `HARBOUR_FULL=1` takes every bit
//! (the documented full run, figures in docs/SECURITY.md).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::sync::Arc;

use harbour_core::Section;
use harbour_core::{Error, Harbour, ManualClock, MemoryKeyStore, Secret};
use harbour_tests::packs;

const PIN: &str = "482915";

fn full() -> bool {
    std::env::var_os("HARBOUR_FULL").is_some()
}

/// The stride for sweeping large files.
fn stride() -> usize {
    if full() { 1 } else { 13 }
}

fn open(dir: &Path, keys: &Arc<MemoryKeyStore>) -> Harbour {
    let config = harbour_tests::testing_config(dir);
    let clock = Arc::new(ManualClock::new("2026-11-21T12:00:00Z".parse().unwrap()));
    Harbour::open_with_clock(config, keys.clone(), clock).unwrap()
}

/// A second connection to the database file, as someone editing it would use.
fn db(dir: &Path) -> rusqlite::Connection {
    let c = rusqlite::Connection::open(dir.join("harbour.sqlite3")).unwrap();
    c.execute_batch("PRAGMA synchronous=OFF; PRAGMA busy_timeout=5000;")
        .unwrap();
    c
}

fn is_refusal(e: &Error) -> bool {
    matches!(e, Error::Tampered | Error::NewerFormat { .. })
}

/// Flips every bit of one blob column in turn; `check` must refuse each time.
fn sweep_column(
    dir: &Path,
    select: &str,
    update: &str,
    mut check: impl FnMut() -> Result<(), Error>,
) -> usize {
    let conn = db(dir);
    let original: Vec<u8> = conn.query_row(select, [], |r| r.get(0)).unwrap();
    let mut flips = 0;
    for bit in 0..original.len() * 8 {
        let mut bad = original.clone();
        bad[bit / 8] ^= 1 << (bit % 8);
        conn.execute(update, [&bad]).unwrap();
        match check() {
            Err(e) if is_refusal(&e) => {}
            other => panic!("{select}: bit {bit} gave {other:?}"),
        }
        flips += 1;
    }
    conn.execute(update, [&original]).unwrap();
    flips
}

/// A changed "warning signs" section is never shown: the plan lists it as unreadable and
/// empty (as `Err(Tampered)`, so it reads like every other refusal here).
fn section_refused(h: &Harbour) -> Result<(), Error> {
    let p = h.plan()?;
    let warning_signs = &p.section(harbour_core::Section::WarningSigns).items;
    if p.unreadable == 1 && warning_signs.is_empty() {
        Err(Error::Tampered)
    } else {
        Ok(())
    }
}

struct Vault {
    dir: tempfile::TempDir,
    keys: Arc<MemoryKeyStore>,
    h: Harbour,
    note: String,
    quick: String,
}

fn vault() -> Vault {
    let dir = tempfile::tempdir().unwrap();
    let keys = Arc::new(MemoryKeyStore::new());
    let h = open(dir.path(), &keys);
    h.create_vault(Secret::from_text(PIN)).unwrap();
    let note = h
        .add_note("a private note".into(), vec!["tag".into()])
        .unwrap()
        .id;
    let quick = h.add_note("a reason to stay".into(), vec![]).unwrap().id;
    h.set_note_quick_access(&quick, true).unwrap();
    h.add_plan_item(Section::WarningSigns, "not sleeping".into(), None, None)
        .unwrap();
    h.add_plan_item(
        Section::PeopleToAsk,
        "Sam".into(),
        Some("by text".into()),
        None,
    )
    .unwrap();
    h.set_plan_quick_access(Section::PeopleToAsk, true).unwrap();
    h.set_plan_review_interval(30).unwrap();
    Vault {
        dir,
        keys,
        h,
        note,
        quick,
    }
}

#[test]
fn every_bit_of_every_kind_of_record_is_refused() {
    let v = vault();
    let d = v.dir.path();
    let h = &v.h;
    let mut total = 0;

    let sel = |t: &str, id: &str| format!("SELECT body FROM {t} WHERE id = '{id}'");
    let upd = |t: &str, id: &str| format!("UPDATE {t} SET body = ?1 WHERE id = '{id}'");

    total += sweep_column(d, &sel("note", &v.note), &upd("note", &v.note), || {
        h.note(&v.note).map(|_| ())?;
        h.list_notes().map(|_| ())
    });
    total += sweep_column(d, &sel("note", &v.quick), &upd("note", &v.quick), || {
        h.note(&v.quick).map(|_| ())
    });
    total += sweep_column(
        d,
        &sel("plan_section", "warning_signs"),
        &upd("plan_section", "warning_signs"),
        || section_refused(h),
    );
    let version: String = db(d)
        .query_row("SELECT id FROM plan_version ORDER BY id LIMIT 1", [], |r| {
            r.get(0)
        })
        .unwrap();
    total += sweep_column(
        d,
        &sel("plan_version", &version),
        &upd("plan_version", &version),
        || h.plan_history().map(|_| ()),
    );
    let setting: String = db(d)
        .query_row("SELECT id FROM setting LIMIT 1", [], |r| r.get(0))
        .unwrap();
    total += sweep_column(
        d,
        &sel("setting", &setting),
        &upd("setting", &setting),
        || h.plan().map(|_| ()),
    );
    // Quick-access records read without the secret, through the device key.
    h.lock().unwrap();
    total += sweep_column(d, &sel("note", &v.quick), &upd("note", &v.quick), || {
        h.quick_access_notes().map(|_| ())
    });
    total += sweep_column(
        d,
        &sel("plan_section", "people_to_ask"),
        &upd("plan_section", "people_to_ask"),
        || h.quick_access().map(|_| ()),
    );
    // Untouched, everything reads again.
    h.unlock(Secret::from_text(PIN)).unwrap();
    assert_eq!(h.note(&v.note).unwrap().text.as_str(), "a private note");
    eprintln!("record bit flips refused: {total}");
}

#[test]
fn every_bit_of_the_key_slots_canary_and_integrity_seal_is_refused() {
    let v = vault();
    let d = v.dir.path();
    v.h.lock().unwrap();
    let mut total = 0;
    for (select, update) in [
        (
            "SELECT blob FROM key_slot WHERE kind='secret'",
            "UPDATE key_slot SET blob = ?1 WHERE kind='secret'",
        ),
        (
            "SELECT blob FROM key_slot WHERE kind='device'",
            "UPDATE key_slot SET blob = ?1 WHERE kind='device'",
        ),
        ("SELECT canary FROM vault", "UPDATE vault SET canary = ?1"),
        (
            "SELECT integrity FROM vault",
            "UPDATE vault SET integrity = ?1",
        ),
    ] {
        total += sweep_column(d, select, update, || {
            // A fresh handle each time, as after a restart: nothing cached.
            let h = open(d, &v.keys);
            h.unlock(Secret::from_text(PIN))?;
            h.quick_access_notes().map(|_| ())
        });
    }
    // None of it counted as a wrong secret: the vault opens at once.
    let h = open(d, &v.keys);
    h.unlock(Secret::from_text(PIN)).unwrap();
    eprintln!("key slot, canary and seal bit flips refused: {total}");
}

#[test]
fn swapped_moved_and_rolled_back_records_are_refused() {
    let v = vault();
    let d = v.dir.path();
    let h = &v.h;
    let conn = db(d);
    let body = |t: &str, id: &str| -> Vec<u8> {
        conn.query_row(&format!("SELECT body FROM {t} WHERE id = ?1"), [id], |r| {
            r.get(0)
        })
        .unwrap()
    };
    let set = |t: &str, id: &str, b: &[u8]| {
        conn.execute(&format!("UPDATE {t} SET body = ?1 WHERE id = ?2"), (b, id))
            .unwrap();
    };

    // Two notes' bodies swapped.
    let (a, b) = (body("note", &v.note), body("note", &v.quick));
    set("note", &v.note, &b);
    set("note", &v.quick, &a);
    assert!(is_refusal(&h.note(&v.note).unwrap_err()));
    assert!(is_refusal(&h.note(&v.quick).unwrap_err()));
    set("note", &v.note, &a);
    set("note", &v.quick, &b);

    // A note's body moved into a plan section (another table, same shape).
    let section = body("plan_section", "warning_signs");
    set("plan_section", "warning_signs", &a);
    assert_eq!(section_refused(h), Err(Error::Tampered));
    set("plan_section", "warning_signs", &section);

    // One plan section's body moved to another section.
    let people = body("plan_section", "people_to_ask");
    set("plan_section", "warning_signs", &people);
    assert_eq!(section_refused(h), Err(Error::Tampered));
    set("plan_section", "warning_signs", &section);

    // Ids swapped (the plaintext columns): the binding catches it.
    conn.execute_batch(&format!(
        "UPDATE note SET id = 'x' WHERE id = '{n}';
         UPDATE note SET id = '{n}' WHERE id = '{q}';
         UPDATE note SET id = '{q}' WHERE id = 'x';",
        n = v.note,
        q = v.quick
    ))
    .unwrap();
    assert!(is_refusal(&h.note(&v.note).unwrap_err()));
    conn.execute_batch(&format!(
        "UPDATE note SET id = 'x' WHERE id = '{n}';
         UPDATE note SET id = '{n}' WHERE id = '{q}';
         UPDATE note SET id = '{q}' WHERE id = 'x';",
        n = v.note,
        q = v.quick
    ))
    .unwrap();

    // A record moved to the other compartment, or given another revision.
    conn.execute("UPDATE note SET compartment = 1 WHERE id = ?1", [&v.note])
        .unwrap();
    assert!(is_refusal(&h.note(&v.note).unwrap_err()));
    conn.execute("UPDATE note SET compartment = 0 WHERE id = ?1", [&v.note])
        .unwrap();
    conn.execute(
        "UPDATE note SET revision = revision + 1 WHERE id = ?1",
        [&v.note],
    )
    .unwrap();
    assert!(is_refusal(&h.note(&v.note).unwrap_err()));
    conn.execute(
        "UPDATE note SET revision = revision - 1 WHERE id = ?1",
        [&v.note],
    )
    .unwrap();
    assert_eq!(h.note(&v.note).unwrap().text.as_str(), "a private note");

    // A plan section rolled back to an older, authentic revision: each record still opens on
    // its own, so this is caught where the set of revisions is checked, at the next unlock.
    let (old_body, old_rev): (Vec<u8>, i64) = conn
        .query_row(
            "SELECT body, revision FROM plan_section WHERE id = 'warning_signs'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    h.add_plan_item(Section::WarningSigns, "skipping meals".into(), None, None)
        .unwrap();
    conn.execute(
        "UPDATE plan_section SET body = ?1, revision = ?2 WHERE id = 'warning_signs'",
        (&old_body, old_rev),
    )
    .unwrap();
    h.lock().unwrap();
    assert_eq!(
        h.unlock(Secret::from_text(PIN)).unwrap_err(),
        Error::Tampered
    );
}

#[test]
fn flipped_bits_of_packs_and_signatures_are_refused() {
    let keys = Arc::new(MemoryKeyStore::new());
    let directory = packs::directory_pack(5, "2026-11-21T00:00:00Z", 180, |_| {});
    let library = packs::library_pack(5, |_| {});
    let mut total = 0;
    for (kind, good) in [("directory", directory), ("library", library)] {
        let sig = packs::sign(&good, "tamper sweep");
        let dir = tempfile::tempdir().unwrap();
        let h = open(dir.path(), &keys);
        let install = |bytes: &[u8], s: &[u8]| match kind {
            "directory" => h.install_directory_pack(bytes, s).map(|_| ()),
            _ => h.install_library_pack(bytes, s).map(|_| ()),
        };
        for bit in (0..good.len() * 8).step_by(stride()) {
            let mut bad = good.clone();
            bad[bit / 8] ^= 1 << (bit % 8);
            let err = install(&bad, &sig).expect_err("a flipped pack installed");
            assert!(matches!(err, Error::Pack(_)), "{kind} bit {bit}: {err:?}");
            total += 1;
        }
        // The signature file: every bit after its untrusted comment line (which minisign, by
        // design, does not sign), except the final newline's.
        let first_line = sig.iter().position(|b| *b == b'\n').unwrap() + 1;
        for bit in first_line * 8..(sig.len() - 1) * 8 {
            let mut bad = sig.clone();
            bad[bit / 8] ^= 1 << (bit % 8);
            let err = install(&good, &bad).expect_err("a flipped signature verified");
            assert!(
                matches!(err, Error::Pack(_)),
                "{kind} signature bit {bit}: {err:?}"
            );
            total += 1;
        }
        // And the untouched pair installs: the sweep refused for the flips, not for the pack.
        install(&good, &sig).unwrap();
    }
    eprintln!(
        "pack and signature bit flips refused: {total} (stride {} over packs)",
        stride()
    );
}

#[test]
fn flipped_bits_of_a_backup_are_refused() {
    let v = vault();
    let pass = "quiet harbour light at dawn";
    let backup = v.h.export_backup(&Secret::from_text(pass)).unwrap();
    let target = tempfile::tempdir().unwrap();
    let h = open(target.path(), &v.keys);
    h.create_vault(Secret::from_text(PIN)).unwrap();
    let mut total = 0;
    for bit in (0..backup.len() * 8).step_by(stride()) {
        let mut bad = backup.clone();
        bad[bit / 8] ^= 1 << (bit % 8);
        let err = h
            .restore_backup(&bad, &Secret::from_text(pass))
            .expect_err("a flipped backup restored");
        assert!(
            matches!(err, Error::Backup(_) | Error::InvalidBackup(_)),
            "bit {bit}: {err:?}"
        );
        total += 1;
    }
    assert!(h.list_notes().unwrap().is_empty());
    h.restore_backup(&backup, &Secret::from_text(pass)).unwrap();
    eprintln!("backup bit flips refused: {total} (stride {})", stride());
}
