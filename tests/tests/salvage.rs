//! A damaged vault still gives a young person their words back: with one page of the
//! database zeroed, the vault opens, lists and searches what is intact, says how many notes
//! could not be read, and backs up what can be read. Nothing is deleted to "repair" it.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;

use harbour_core::{Harbour, MemoryKeyStore, Secret};
use sha2::{Digest, Sha256};

const PIN: &str = "482915";
const NOTES: usize = 400;

fn open(dir: &std::path::Path, ks: &Arc<MemoryKeyStore>) -> Harbour {
    let c = harbour_tests::testing_config(dir);
    Harbour::open(c, ks.clone()).unwrap()
}

fn hash(path: &std::path::Path) -> Vec<u8> {
    Sha256::digest(std::fs::read(path).unwrap()).to_vec()
}

#[test]
fn a_zeroed_page_hides_only_the_notes_on_it() {
    let dir = tempfile::tempdir().unwrap();
    let ks = Arc::new(MemoryKeyStore::new());
    let h = open(dir.path(), &ks);
    h.create_vault(Secret::from_text(PIN)).unwrap();
    let ids: Vec<String> = (0..NOTES)
        .map(|i| {
            h.add_note(format!("note {i} about what helped today").into(), vec![])
                .unwrap()
                .id
        })
        .collect();
    h.lock().unwrap();
    drop(h);

    // Zero the page holding a note from the middle of the table.
    let db = dir.path().join("harbour.sqlite3");
    let (page_size, body): (usize, Vec<u8>) = {
        let conn = rusqlite::Connection::open(&db).unwrap();
        let page: i64 = conn
            .query_row("PRAGMA page_size", [], |r| r.get(0))
            .unwrap();
        let body = conn
            .query_row(
                "SELECT body FROM note WHERE id = ?1",
                [&ids[NOTES / 2]],
                |r| r.get(0),
            )
            .unwrap();
        (page as usize, body)
    };
    let mut bytes = std::fs::read(&db).unwrap();
    let at = bytes
        .windows(body.len())
        .position(|w| w == body.as_slice())
        .expect("the note's ciphertext is in the file");
    let start = at / page_size * page_size;
    bytes[start..start + page_size].fill(0);
    std::fs::write(&db, &bytes).unwrap();

    let h = open(dir.path(), &ks);
    h.unlock(Secret::from_text(PIN)).unwrap();
    let before = hash(&db);
    let list = h.list_notes().unwrap();
    assert!(list.unreadable >= 1, "the damaged notes are counted");
    assert_eq!(
        list.notes.len() + list.unreadable,
        NOTES,
        "every note is listed or counted"
    );
    assert!(
        list.notes.len() >= NOTES * 3 / 4,
        "only {} listed",
        list.notes.len()
    );
    let found = h.search_notes("helped").unwrap();
    assert_eq!(found.notes.len(), list.notes.len());
    // One that survived opens on its own.
    let survivor = &list.notes[0];
    assert_eq!(h.note(&survivor.id).unwrap().text, survivor.text);

    // A backup of what can be read, restored on another phone, holds exactly those notes.
    h.reauthenticate(Secret::from_text(PIN)).unwrap();
    let passphrase = Secret::from_text("quiet harbour light at dawn");
    let backup = h.export_backup(&passphrase).unwrap();
    assert_eq!(
        hash(&db),
        before,
        "reading a damaged vault changed its file"
    );
    let other = tempfile::tempdir().unwrap();
    let phone = open(other.path(), &Arc::new(MemoryKeyStore::new()));
    phone.create_vault(Secret::from_text(PIN)).unwrap();
    let restored = phone.restore_backup(&backup, &passphrase).unwrap();
    assert_eq!(restored.notes, list.notes.len());
    let mut a: Vec<String> = phone
        .list_notes()
        .unwrap()
        .into_iter()
        .map(|n| n.id)
        .collect();
    let mut b: Vec<String> = list.notes.iter().map(|n| n.id.clone()).collect();
    a.sort();
    b.sort();
    assert_eq!(a, b);
}

#[test]
fn one_changed_record_is_counted_not_fatal() {
    let dir = tempfile::tempdir().unwrap();
    let ks = Arc::new(MemoryKeyStore::new());
    let h = open(dir.path(), &ks);
    h.create_vault(Secret::from_text(PIN)).unwrap();
    let ids: Vec<String> = (0..5)
        .map(|i| h.add_note(format!("n{i}").into(), vec![]).unwrap().id)
        .collect();
    {
        let conn = rusqlite::Connection::open(dir.path().join("harbour.sqlite3")).unwrap();
        let mut body: Vec<u8> = conn
            .query_row("SELECT body FROM note WHERE id = ?1", [&ids[2]], |r| {
                r.get(0)
            })
            .unwrap();
        body[40] ^= 0x01;
        conn.execute(
            "UPDATE note SET body = ?1 WHERE id = ?2",
            rusqlite::params![body, &ids[2]],
        )
        .unwrap();
    }
    let list = h.list_notes().unwrap();
    assert_eq!((list.notes.len(), list.unreadable), (4, 1));
    assert!(
        !list.notes.iter().any(|n| n.id == ids[2]),
        "changed text is never shown"
    );
    // Asked for by itself, the changed record is still refused as tampered.
    assert_eq!(h.note(&ids[2]).unwrap_err(), harbour_core::Error::Tampered);
}

#[test]
fn a_damaged_plan_section_hides_only_itself_and_blocks_no_backup() {
    use harbour_core::Section;
    let dir = tempfile::tempdir().unwrap();
    let ks = Arc::new(MemoryKeyStore::new());
    let h = open(dir.path(), &ks);
    h.create_vault(Secret::from_text(PIN)).unwrap();
    h.add_plan_item(Section::WarningSigns, "not sleeping".into(), None, None)
        .unwrap();
    h.add_plan_item(Section::OnMyOwn, "music".into(), None, None)
        .unwrap();
    {
        let conn = rusqlite::Connection::open(dir.path().join("harbour.sqlite3")).unwrap();
        let mut body: Vec<u8> = conn
            .query_row(
                "SELECT body FROM plan_section WHERE id = 'warning_signs'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        body[40] ^= 0x01;
        conn.execute(
            "UPDATE plan_section SET body = ?1 WHERE id = 'warning_signs'",
            [body],
        )
        .unwrap();
    }
    let plan = h.plan().unwrap();
    assert_eq!(plan.unreadable, 1);
    assert!(plan.section(Section::WarningSigns).items.is_empty());
    assert_eq!(
        plan.section(Section::OnMyOwn).items[0].text.as_str(),
        "music"
    );
    // Changing the plan is refused, so the damaged section is never overwritten.
    assert!(
        h.add_plan_item(Section::OnMyOwn, "walks".into(), None, None)
            .is_err()
    );
    // The backup carries what can be read.
    h.reauthenticate(Secret::from_text(PIN)).unwrap();
    let passphrase = Secret::from_text("quiet harbour light at dawn");
    let backup = h.export_backup(&passphrase).unwrap();
    let other = tempfile::tempdir().unwrap();
    let phone = open(other.path(), &Arc::new(MemoryKeyStore::new()));
    phone.create_vault(Secret::from_text(PIN)).unwrap();
    phone.restore_backup(&backup, &passphrase).unwrap();
    let restored = phone.plan().unwrap();
    assert_eq!(
        restored.section(Section::OnMyOwn).items[0].text.as_str(),
        "music"
    );
    assert_eq!(restored.unreadable, 0);
}
