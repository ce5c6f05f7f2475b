//! The vault's promises, end to end through the public API.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use harbour_core::{Error, FileKeyStore, KeyStoreError, Secret};
use harbour_core::{SecretKind, VaultState};
use harbour_tests::files_under;
use harbour_tests::fixture::*;
use std::sync::Arc;

#[test]
fn lifecycle() {
    let f = Fixture::new();
    let h = &f.harbour;
    assert_eq!(h.vault_state().unwrap(), VaultState::NoVault);
    assert_eq!(h.list_notes().unwrap_err(), Error::NoVault);
    // No file is created until the vault is.
    assert!(std::fs::read_dir(f.dir.path()).unwrap().next().is_none());

    assert!(matches!(
        h.create_vault(Secret::from_text("123")),
        Err(Error::WeakSecret(_))
    ));
    h.create_vault(Secret::from_text(PIN)).unwrap();
    assert_eq!(
        h.vault_state().unwrap(),
        VaultState::Unlocked {
            secret_kind: SecretKind::Pin
        }
    );
    assert_eq!(
        h.create_vault(Secret::from_text(PIN)).unwrap_err(),
        Error::VaultExists
    );

    h.add_note("first".into(), vec![]).unwrap();
    h.lock().unwrap();
    assert!(matches!(
        h.vault_state().unwrap(),
        VaultState::Locked {
            failed_attempts: 0,
            retry_after: None,
            ..
        }
    ));
    assert_eq!(h.list_notes().unwrap_err(), Error::Locked);
    assert_eq!(h.add_note("x".into(), vec![]).unwrap_err(), Error::Locked);

    h.unlock(Secret::from_text(PIN)).unwrap();
    assert_eq!(h.list_notes().unwrap().len(), 1);
}

#[test]
fn change_secret_rewraps_without_touching_records() {
    let f = Fixture::with_vault();
    let h = &f.harbour;
    h.add_note("kept".into(), vec![]).unwrap();
    let body_before: Vec<u8> = f
        .db()
        .query_row("SELECT body FROM note", [], |r| r.get(0))
        .unwrap();

    assert!(matches!(
        h.change_secret(Secret::from_text(PIN), Secret::from_text("abc")),
        Err(Error::WeakSecret(_))
    ));
    assert!(matches!(
        h.change_secret(
            Secret::from_text("000001"),
            Secret::from_text("a long passphrase")
        ),
        Err(Error::WrongSecret { .. })
    ));
    h.change_secret(
        Secret::from_text(PIN),
        Secret::from_text("a long passphrase"),
    )
    .unwrap();
    let body_after: Vec<u8> = f
        .db()
        .query_row("SELECT body FROM note", [], |r| r.get(0))
        .unwrap();
    assert_eq!(body_before, body_after, "records must not be re-encrypted");

    h.lock().unwrap();
    assert!(matches!(
        h.unlock(Secret::from_text(PIN)),
        Err(Error::WrongSecret { .. })
    ));
    h.unlock(Secret::from_text("a long passphrase")).unwrap();
    assert_eq!(
        h.vault_state().unwrap(),
        VaultState::Unlocked {
            secret_kind: SecretKind::Passphrase
        }
    );
    assert_eq!(h.list_notes().unwrap()[0].text.as_str(), "kept");
}

#[test]
fn wrong_secret_delays_grow_persist_and_never_wipe() {
    let f = Fixture::with_vault();
    f.harbour.add_note("still here".into(), vec![]).unwrap();
    f.harbour.lock().unwrap();
    let wrong = || Secret::from_text("000001");

    for i in 0..5 {
        match f.harbour.unlock(wrong()) {
            Err(Error::WrongSecret { retry_after }) => {
                assert_eq!(
                    retry_after,
                    if i < 4 {
                        None
                    } else {
                        Some(Duration::from_secs(30))
                    }
                )
            }
            other => panic!("unexpected {other:?}"),
        }
    }
    // A delay is running: even the right secret is refused, without running the KDF.
    assert_eq!(
        f.harbour.unlock(Secret::from_text(PIN)).unwrap_err(),
        Error::LockedOut {
            retry_after: Duration::from_secs(30)
        }
    );

    // Restarting the app does not reset the count.
    let again = f.reopen();
    assert!(matches!(
        again.vault_state().unwrap(),
        VaultState::Locked {
            failed_attempts: 5,
            retry_after: Some(_),
            ..
        }
    ));
    f.clock.advance(Duration::from_secs(31));
    assert_eq!(
        again.unlock(wrong()).unwrap_err(),
        Error::WrongSecret {
            retry_after: Some(Duration::from_secs(60))
        }
    );
    f.clock.advance(Duration::from_secs(30));
    assert!(matches!(
        again.unlock(Secret::from_text(PIN)),
        Err(Error::LockedOut { .. })
    ));
    f.clock.advance(Duration::from_secs(31));
    assert_eq!(
        again.unlock(wrong()).unwrap_err(),
        Error::WrongSecret {
            retry_after: Some(Duration::from_secs(120))
        }
    );

    // After the wait, the right secret works, the data is intact and the count resets.
    f.clock.advance(Duration::from_secs(121));
    again.unlock(Secret::from_text(PIN)).unwrap();
    assert_eq!(again.list_notes().unwrap()[0].text.as_str(), "still here");
    again.lock().unwrap();
    assert!(matches!(
        again.vault_state().unwrap(),
        VaultState::Locked {
            failed_attempts: 0,
            ..
        }
    ));
}

#[test]
fn copied_data_with_another_device_key_cannot_be_unlocked() {
    let conf = tempfile::tempdir().unwrap();
    let data = tempfile::tempdir().unwrap();
    let clock = Arc::new(harbour_core::ManualClock::new(start()));
    let ks = Arc::new(FileKeyStore::new(conf.path().join("device.key")));
    let h = open(data.path(), ks, clock.clone());
    h.create_vault(Secret::from_text(PIN)).unwrap();
    h.add_note("private".into(), vec![]).unwrap();
    h.lock().unwrap();
    drop(h);

    let copy = tempfile::tempdir().unwrap();
    for path in files_under(data.path()) {
        std::fs::copy(&path, copy.path().join(path.file_name().unwrap())).unwrap();
    }
    let other_conf = tempfile::tempdir().unwrap();
    let other_ks = Arc::new(FileKeyStore::new(other_conf.path().join("device.key")));
    let stolen = open(copy.path(), other_ks, clock.clone());
    assert_eq!(
        stolen.unlock(Secret::from_text(PIN)).unwrap_err(),
        Error::DeviceKeyMissing
    );
    assert_eq!(
        stolen.quick_access_notes().unwrap_err(),
        Error::DeviceKeyMissing
    );

    // A key file with the same alias but a different key also fails, as tampering.
    std::fs::copy(
        conf.path().join("device.key"),
        other_conf.path().join("device.key"),
    )
    .unwrap();
    let text = std::fs::read_to_string(other_conf.path().join("device.key")).unwrap();
    let changed: String = text
        .lines()
        .map(|l| {
            let (alias, hex) = l.split_once(' ').unwrap();
            let flipped: String = hex.chars().rev().collect();
            format!("{alias} {flipped}\n")
        })
        .collect();
    std::fs::write(other_conf.path().join("device.key"), changed).unwrap();
    let other_ks = Arc::new(FileKeyStore::new(other_conf.path().join("device.key")));
    let stolen = open(copy.path(), other_ks, clock);
    assert_eq!(
        stolen.unlock(Secret::from_text(PIN)).unwrap_err(),
        Error::Tampered
    );
}

fn flip_column(f: &Fixture, sql_select: &str, sql_update: &str, index: usize) {
    let conn = f.db();
    let mut blob: Vec<u8> = conn.query_row(sql_select, [], |r| r.get(0)).unwrap();
    blob[index] ^= 0x01;
    conn.execute(sql_update, [blob]).unwrap();
}

fn column_len(f: &Fixture, sql_select: &str) -> usize {
    f.db()
        .query_row(sql_select, [], |r| r.get::<_, Vec<u8>>(0))
        .unwrap()
        .len()
}

#[test]
fn every_flipped_byte_of_a_record_is_a_typed_error() {
    let f = Fixture::with_vault();
    let note = f
        .harbour
        .add_note("a note to damage".into(), vec!["tag".into()])
        .unwrap();
    let select = "SELECT body FROM note";
    let update = "UPDATE note SET body = ?1";
    for i in 0..column_len(&f, select) {
        flip_column(&f, select, update, i);
        assert!(
            matches!(
                f.harbour.note(&note.id),
                Err(Error::Tampered | Error::NewerFormat { .. })
            ),
            "byte {i}"
        );
        // In a listing it is counted as unreadable, never shown as wrong text.
        let list = f.harbour.list_notes().unwrap();
        assert_eq!((list.len(), list.unreadable), (0, 1), "byte {i}");
        flip_column(&f, select, update, i); // restore
    }
    assert_eq!(
        f.harbour.note(&note.id).unwrap().text.as_str(),
        "a note to damage"
    );
}

#[test]
fn every_flipped_byte_of_a_key_slot_or_canary_is_a_typed_error() {
    let f = Fixture::with_vault();
    f.harbour.add_note("n".into(), vec![]).unwrap();
    f.harbour.lock().unwrap();
    let cases = [
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
    ];
    for (select, update) in cases {
        for i in 0..column_len(&f, select) {
            flip_column(&f, select, update, i);
            let err = f.harbour.unlock(Secret::from_text(PIN)).unwrap_err();
            assert!(
                matches!(err, Error::Tampered | Error::NewerFormat { .. }),
                "{select} byte {i}: {err:?}"
            );
            assert!(!f.harbour.is_unlocked());
            flip_column(&f, select, update, i);
        }
    }
    // None of that counted as a wrong secret, and the vault still opens.
    f.harbour.unlock(Secret::from_text(PIN)).unwrap();
}

#[test]
fn moved_copied_or_rolled_back_records_are_refused() {
    let f = Fixture::with_vault();
    let a = f.harbour.add_note("note A".into(), vec![]).unwrap();
    let b = f.harbour.add_note("note B".into(), vec![]).unwrap();
    let conn = f.db();
    let body_of = |id: &str| -> Vec<u8> {
        conn.query_row("SELECT body FROM note WHERE id = ?1", [id], |r| r.get(0))
            .unwrap()
    };

    // Copy A's ciphertext into B's row.
    let (a_body, b_body) = (body_of(&a.id), body_of(&b.id));
    conn.execute("UPDATE note SET body = ?1 WHERE id = ?2", (&a_body, &b.id))
        .unwrap();
    assert_eq!(f.harbour.note(&b.id).unwrap_err(), Error::Tampered);
    conn.execute("UPDATE note SET body = ?1 WHERE id = ?2", (&b_body, &b.id))
        .unwrap();

    // Roll A back to an older revision with its older (authentic) ciphertext.
    let old = (a_body.clone(), 1i64);
    f.harbour.edit_note(&a.id, "note A, edited".into()).unwrap();
    conn.execute(
        "UPDATE note SET body = ?1, revision = ?2 WHERE id = ?3",
        (&old.0, old.1, &a.id),
    )
    .unwrap();
    // The old ciphertext opens on its own (it is authentic), so the record looks fine...
    assert_eq!(f.harbour.note(&a.id).unwrap().text.as_str(), "note A");
    // ...but the integrity check at unlock sees the rollback.
    f.harbour.lock().unwrap();
    assert_eq!(
        f.harbour.unlock(Secret::from_text(PIN)).unwrap_err(),
        Error::Tampered
    );

    // A row deleted behind Harbour's back is caught the same way.
    let g = Fixture::with_vault();
    let n = g.harbour.add_note("gone".into(), vec![]).unwrap();
    g.harbour.add_note("stays".into(), vec![]).unwrap();
    g.db()
        .execute("DELETE FROM note WHERE id = ?1", [&n.id])
        .unwrap();
    g.harbour.lock().unwrap();
    assert_eq!(
        g.harbour.unlock(Secret::from_text(PIN)).unwrap_err(),
        Error::Tampered
    );
}

#[test]
fn a_failing_key_store_gives_a_clean_error() {
    let f = Fixture::with_vault();
    f.harbour.lock().unwrap();
    f.keystore.fail_with(KeyStoreError::Unavailable);
    assert_eq!(
        f.harbour.unlock(Secret::from_text(PIN)).unwrap_err(),
        Error::KeyStore(KeyStoreError::Unavailable)
    );
    f.keystore.recover();
    // A key store failure is not a wrong secret.
    assert!(matches!(
        f.harbour.vault_state().unwrap(),
        VaultState::Locked {
            failed_attempts: 0,
            ..
        }
    ));
    f.harbour.unlock(Secret::from_text(PIN)).unwrap();
}

#[test]
fn newer_database_is_refused_but_help_surface_stays() {
    let f = Fixture::with_vault();
    f.harbour.lock().unwrap();
    f.db().pragma_update(None, "user_version", 999).unwrap();
    let h = f.reopen();
    assert!(matches!(
        h.vault_state(),
        Err(Error::NewerFormat { found: 999, .. })
    ));
}

#[test]
fn kdf_parameters_are_stored_in_the_slot() {
    let f = Fixture::with_vault();
    assert_eq!(
        f.harbour.kdf_params().unwrap(),
        harbour_core::KdfParams::TESTING
    );
}

#[test]
fn errors_never_carry_user_text() {
    let f = Fixture::with_vault();
    let marker = "MARKER-9f2c-private-words";
    let note = f
        .harbour
        .add_note(marker.into(), vec![marker.into()])
        .unwrap();
    let mut errors = vec![
        f.harbour
            .add_note(format!("{marker}{}", "x".repeat(300_000)).into(), vec![])
            .unwrap_err(),
        f.harbour
            .set_note_tags(&note.id, vec![marker.repeat(3).into()])
            .unwrap_err(),
        f.harbour.note(marker).unwrap_err(),
        f.harbour.resolve_note_id(marker).unwrap_err(),
        f.harbour.search_notes("   ").unwrap_err(),
    ];
    f.harbour.lock().unwrap();
    errors.push(f.harbour.unlock(Secret::from_text(marker)).unwrap_err());
    errors.push(f.harbour.note(&note.id).unwrap_err());
    for e in errors {
        let shown = format!("{e} {e:?}");
        assert!(!shown.contains("MARKER"), "{shown}");
    }
}
