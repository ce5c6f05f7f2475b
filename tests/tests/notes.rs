//! Coping notes through the public API.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use harbour_core::{Error, Secret};
use harbour_tests::fixture::*;

#[test]
fn add_edit_show_list_delete() {
    let f = Fixture::with_vault();
    let h = &f.harbour;
    let a = h
        .add_note("Breathing out slowly helped".into(), vec!["calm".into()])
        .unwrap();
    f.clock.advance(Duration::from_secs(60));
    let b = h.add_note("Texted Sam".into(), vec![]).unwrap();
    assert_eq!(a.id.len(), 32);
    assert_ne!(a.id, b.id);

    let list = h.list_notes().unwrap();
    assert_eq!(
        list.iter().map(|n| n.id.as_str()).collect::<Vec<_>>(),
        [b.id.as_str(), a.id.as_str()]
    );

    f.clock.advance(Duration::from_secs(60));
    let edited = h
        .edit_note(&a.id, "Breathing out slowly helped a lot".into())
        .unwrap();
    assert_eq!(edited.created_at, a.created_at);
    assert!(edited.updated_at > a.updated_at);
    assert_eq!(h.note(&a.id).unwrap(), edited);

    h.delete_note(&b.id).unwrap();
    assert_eq!(h.note(&b.id).unwrap_err(), Error::NotFound("note"));
    assert_eq!(h.delete_note(&b.id).unwrap_err(), Error::NotFound("note"));
    assert_eq!(h.list_notes().unwrap().len(), 1);
}

#[test]
fn bad_input_is_refused_and_changes_nothing() {
    let f = Fixture::with_vault();
    let h = &f.harbour;
    let n = h.add_note("ok".into(), vec![]).unwrap();
    assert!(matches!(
        h.add_note("   ".into(), vec![]),
        Err(Error::InvalidInput(_))
    ));
    assert!(matches!(
        h.add_note("x".repeat(300_000).into(), vec![]),
        Err(Error::InvalidInput(_))
    ));
    assert!(matches!(
        h.edit_note(&n.id, "".into()),
        Err(Error::InvalidInput(_))
    ));
    let many: Vec<_> = (0..21).map(|i| format!("t{i}").into()).collect();
    assert!(matches!(
        h.set_note_tags(&n.id, many),
        Err(Error::InvalidInput(_))
    ));
    assert!(matches!(
        h.set_note_tags(&n.id, vec!["a\u{7}".into()]),
        Err(Error::InvalidInput(_))
    ));
    assert_eq!(h.list_notes().unwrap().notes, vec![n]);
}

#[test]
fn tags_and_pins() {
    let f = Fixture::with_vault();
    let h = &f.harbour;
    let a = h.add_note("older".into(), vec![]).unwrap();
    f.clock.advance(Duration::from_secs(1));
    let b = h.add_note("newer".into(), vec![]).unwrap();
    h.set_note_pinned(&a.id, true).unwrap();
    let order: Vec<_> = h.list_notes().unwrap().into_iter().map(|n| n.id).collect();
    assert_eq!(order, [a.id.clone(), b.id.clone()], "pinned first");

    let tagged = h
        .set_note_tags(
            &b.id,
            vec![" music ".into(), "Music".into(), "".into(), "walks".into()],
        )
        .unwrap();
    assert_eq!(
        tagged.tags.iter().map(|t| t.as_str()).collect::<Vec<_>>(),
        ["music", "walks"]
    );
}

#[test]
fn search_ignores_case_and_accents_and_needs_every_word() {
    let f = Fixture::with_vault();
    let h = &f.harbour;
    let cafe = h
        .add_note("Went to the CAFÉ with Zoë".into(), vec![])
        .unwrap();
    let walk = h
        .add_note("A long walk by the sea".into(), vec!["outside".into()])
        .unwrap();
    h.add_note("Music in my room".into(), vec![]).unwrap();

    let ids = |q: &str| -> Vec<String> {
        h.search_notes(q)
            .unwrap()
            .into_iter()
            .map(|n| n.id)
            .collect()
    };
    assert_eq!(ids("cafe zoe"), vec![cafe.id.clone()]);
    assert_eq!(ids("Café"), vec![cafe.id.clone()]);
    assert_eq!(ids("OUTSIDE sea"), vec![walk.id.clone()]);
    assert!(ids("cafe sea").is_empty());
    assert!(matches!(h.search_notes(" "), Err(Error::InvalidInput(_))));
}

#[test]
fn id_prefixes_resolve_only_when_unique() {
    let f = Fixture::with_vault();
    let n = f.harbour.add_note("x".into(), vec![]).unwrap();
    assert_eq!(f.harbour.resolve_note_id(&n.id[..8]).unwrap(), n.id);
    assert_eq!(
        f.harbour
            .resolve_note_id(&n.id[..8].to_uppercase())
            .unwrap(),
        n.id
    );
    assert!(matches!(
        f.harbour.resolve_note_id("ab"),
        Err(Error::InvalidInput(_))
    ));
    assert_eq!(
        f.harbour.resolve_note_id("zzzz").unwrap_err(),
        Error::NotFound("note")
    );
}

#[test]
fn quick_access_notes_need_no_secret_and_private_ones_stay_private() {
    let f = Fixture::with_vault();
    let h = &f.harbour;
    let quick = h
        .add_note("Reasons: my cat, the sea".into(), vec![])
        .unwrap();
    let private = h.add_note("private thoughts".into(), vec![]).unwrap();
    h.set_note_quick_access(&quick.id, true).unwrap();
    h.lock().unwrap();

    let reopened = f.reopen();
    let shown = reopened.quick_access_notes().unwrap();
    assert_eq!(shown.len(), 1);
    assert_eq!(shown[0].id, quick.id);
    assert_eq!(shown[0].text.as_str(), "Reasons: my cat, the sea");
    assert!(shown.iter().all(|n| n.id != private.id));

    // Back to private: it disappears from quick access.
    reopened.unlock(Secret::from_text(PIN)).unwrap();
    reopened.set_note_quick_access(&quick.id, false).unwrap();
    reopened.lock().unwrap();
    assert!(reopened.quick_access_notes().unwrap().is_empty());
    // And with no vault at all, quick access is simply empty.
    assert!(
        Fixture::new()
            .harbour
            .quick_access_notes()
            .unwrap()
            .is_empty()
    );
}

#[test]
fn marker_text_never_reaches_disk() {
    let f = Fixture::with_vault();
    let h = &f.harbour;
    let marker = "ZQXJ-marker-7731";
    let a = h
        .add_note(
            format!("{marker} first").into(),
            vec![format!("{marker}tag").into()],
        )
        .unwrap();
    assert_absent(f.dir.path(), marker);
    h.edit_note(&a.id, format!("edited {marker}").into())
        .unwrap();
    assert_absent(f.dir.path(), marker);
    let b = h
        .add_note(format!("{marker} to delete").into(), vec![])
        .unwrap();
    h.delete_note(&b.id).unwrap();
    assert_absent(f.dir.path(), marker);
    h.lock().unwrap();
    assert_absent(f.dir.path(), marker);
}

/// Listing and searching decrypt in batches split across threads: with more notes than one
/// batch holds, every note comes back exactly once, search finds exactly the matches, and a
/// damaged record anywhere is still a typed error.
#[test]
fn many_notes_list_and_search_exactly_across_batches() {
    let f = Fixture::with_vault();
    let h = &f.harbour;
    let mut expected = std::collections::BTreeMap::new();
    for i in 0..1500 {
        let text = if i % 7 == 0 {
            format!("{i} the sea helped")
        } else {
            format!("{i} a walk")
        };
        let n = h.add_note(text.clone().into(), vec![]).unwrap();
        expected.insert(n.id, text);
    }
    let listed: std::collections::BTreeMap<_, _> = h
        .list_notes()
        .unwrap()
        .into_iter()
        .map(|n| (n.id, n.text.as_str().to_owned()))
        .collect();
    assert_eq!(listed, expected);
    let found = h.search_notes("SEA").unwrap();
    assert_eq!(
        found.len(),
        expected.values().filter(|t| t.contains("sea")).count()
    );
    assert!(found.iter().all(|n| n.text.contains("the sea helped")));

    // Damage one record in the middle of the table.
    let conn = f.db();
    let (id, mut body): (String, Vec<u8>) = conn
        .query_row(
            "SELECT id, body FROM note ORDER BY rowid LIMIT 1 OFFSET 1100",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    body[40] ^= 0x80;
    conn.execute("UPDATE note SET body = ?1 WHERE id = ?2", (&body, &id))
        .unwrap();
    // The damaged note is counted, never shown; the others are all listed (salvage).
    let list = h.list_notes().unwrap();
    assert_eq!(list.unreadable, 1);
    assert!(!list.iter().any(|n| n.id == id));
    assert_eq!(h.search_notes("sea").unwrap().unreadable, 1);
    // Asked for by itself, it is refused as tampered.
    assert_eq!(h.note(&id).unwrap_err(), Error::Tampered);
}

#[test]
fn a_note_as_written_equals_the_note_read_back() {
    // A clock finer than the stored milliseconds, as a phone's is.
    let f = Fixture::with_vault();
    f.clock.advance(Duration::from_nanos(123_456_789));
    let h = &f.harbour;
    let written = h.add_note("Walk to the sea".into(), vec![]).unwrap();
    assert_eq!(h.note(&written.id).unwrap(), written);
    f.clock.advance(Duration::from_nanos(987_654_321));
    let edited = h
        .edit_note(&written.id, "Walk to the sea at dusk".into())
        .unwrap();
    assert_eq!(h.note(&written.id).unwrap(), edited);
}
