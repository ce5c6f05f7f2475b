//! The safety plan, the supported session, and sharing.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use harbour_core::SessionProgress;
use harbour_core::{Change, Section};
use harbour_core::{Error, Secret};
use harbour_core::{ShareFormat, ShareOptions};
use harbour_tests::fixture::*;

fn add(f: &Fixture, s: Section, text: &str) {
    f.harbour.add_plan_item(s, text.into(), None, None).unwrap();
}

#[test]
fn sections_items_order_and_validation() {
    let f = Fixture::with_vault();
    let h = &f.harbour;
    let empty = h.plan().unwrap();
    assert_eq!(empty.sections.len(), 8);
    assert_eq!(empty.version, 0);
    add(&f, Section::WarningSigns, "Not sleeping");
    add(&f, Section::WarningSigns, "Skipping meals");
    h.add_plan_item(
        Section::PeopleToAsk,
        "Sam".into(),
        Some("text Sam, number saved in my phone".into()),
        None,
    )
    .unwrap();
    h.add_plan_item(
        Section::Professionals,
        "Samaritans".into(),
        None,
        Some("samaritans".into()),
    )
    .unwrap();
    assert_eq!(
        h.add_plan_item(
            Section::Professionals,
            "x".into(),
            None,
            Some("no-such-service".into())
        )
        .unwrap_err(),
        Error::NotFound("service")
    );
    assert!(matches!(
        h.add_plan_item(Section::OnMyOwn, "  ".into(), None, None),
        Err(Error::InvalidInput(_))
    ));
    let p = h.move_plan_item(Section::WarningSigns, 1, 0).unwrap();
    let warning: Vec<&str> = p
        .section(Section::WarningSigns)
        .items
        .iter()
        .map(|i| i.text.as_str())
        .collect();
    assert_eq!(warning, ["Skipping meals", "Not sleeping"]);
    let p = h
        .edit_plan_item(Section::WarningSigns, 0, "Skipping meals a lot".into())
        .unwrap();
    assert_eq!(
        p.section(Section::WarningSigns).items[0].text.as_str(),
        "Skipping meals a lot"
    );
    assert_eq!(
        h.remove_plan_item(Section::WarningSigns, 5).unwrap_err(),
        Error::NotFound("plan item")
    );
    assert_eq!(
        p.section(Section::PeopleToAsk).items[0]
            .contact
            .as_ref()
            .unwrap()
            .as_str(),
        "text Sam, number saved in my phone"
    );
    // Locked: nothing.
    h.lock().unwrap();
    assert_eq!(h.plan().unwrap_err(), Error::Locked);
}

#[test]
fn quick_access_sections_need_no_secret_and_private_ones_never_show() {
    let f = Fixture::with_vault();
    let h = &f.harbour;
    add(&f, Section::PeopleToAsk, "QUICK-Sam");
    add(&f, Section::WhatMatters, "QUICK-my cat");
    add(&f, Section::WarningSigns, "PRIVATE-signs");
    add(&f, Section::HelpsAndDoesnt, "PRIVATE-helps");
    h.add_note("PRIVATE-note".into(), vec![]).unwrap();
    h.set_plan_quick_access(Section::PeopleToAsk, true).unwrap();
    h.set_plan_quick_access(Section::WhatMatters, true).unwrap();
    h.lock().unwrap();

    let again = f.reopen();
    let quick = again.quick_access().unwrap();
    let shown: Vec<Section> = quick.sections.iter().map(|s| s.section).collect();
    assert_eq!(shown, [Section::PeopleToAsk, Section::WhatMatters]);
    let all_text: String = quick
        .sections
        .iter()
        .flat_map(|s| s.items.iter().map(|i| i.text.as_str().to_owned()))
        .chain(quick.notes.iter().map(|n| n.text.as_str().to_owned()))
        .collect::<Vec<_>>()
        .join(" ");
    assert!(all_text.contains("QUICK-Sam") && all_text.contains("QUICK-my cat"));
    assert!(!all_text.contains("PRIVATE"), "{all_text}");

    // Turning quick access off takes the section out at once.
    again.unlock(Secret::from_text(PIN)).unwrap();
    again
        .set_plan_quick_access(Section::WhatMatters, false)
        .unwrap();
    again.lock().unwrap();
    let quick = again.quick_access().unwrap();
    assert_eq!(quick.sections.len(), 1);
    assert_eq!(quick.sections[0].section, Section::PeopleToAsk);
    // And private sections are not even decryptable with the quick-access key.
    let db = f.db();
    let compartments: Vec<(String, i64)> = db
        .prepare("SELECT id, compartment FROM plan_section ORDER BY id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(compartments.contains(&("warning_signs".into(), 0)));
    assert!(compartments.contains(&("people_to_ask".into(), 1)));
}

#[test]
fn history_keeps_every_change_and_restores() {
    let f = Fixture::with_vault();
    let h = &f.harbour;
    add(&f, Section::OnMyOwn, "Music");
    f.clock.advance(Duration::from_secs(60));
    add(&f, Section::OnMyOwn, "A walk");
    f.clock.advance(Duration::from_secs(60));
    h.remove_plan_item(Section::OnMyOwn, 0).unwrap();
    let history = h.plan_history().unwrap();
    assert_eq!(
        history.iter().map(|v| v.version).collect::<Vec<_>>(),
        [3, 2, 1]
    );
    assert_eq!(history[0].change, Change::Removed(Section::OnMyOwn));
    assert_eq!(
        history[2].change.describe(),
        "added to Things I can do on my own"
    );

    let v2 = h.plan_version(2).unwrap();
    assert_eq!(v2.section(Section::OnMyOwn).items.len(), 2);
    let restored = h.restore_plan_version(2).unwrap();
    assert_eq!(restored.version, 4);
    let texts: Vec<&str> = restored
        .section(Section::OnMyOwn)
        .items
        .iter()
        .map(|i| i.text.as_str())
        .collect();
    assert_eq!(texts, ["Music", "A walk"]);
    assert_eq!(
        h.plan_history().unwrap()[0].change,
        Change::Restored { from: 2 }
    );
    assert_eq!(
        h.restore_plan_version(99).unwrap_err(),
        Error::NotFound("plan version")
    );
    // Survives lock and unlock (and the integrity check at unlock).
    h.lock().unwrap();
    h.unlock(Secret::from_text(PIN)).unwrap();
    assert_eq!(h.plan().unwrap().version, 4);
}

#[test]
fn review_dates() {
    let f = Fixture::with_vault();
    let h = &f.harbour;
    assert_eq!(h.plan().unwrap().next_review, None);
    let p = h.mark_plan_reviewed().unwrap();
    assert_eq!(p.last_reviewed, Some(start()));
    assert_eq!(p.review_interval_days, 90);
    assert_eq!(
        p.next_review.unwrap().duration_since(start()).as_hours(),
        90 * 24
    );
    let p = h.set_plan_review_interval(30).unwrap();
    assert_eq!(
        p.next_review.unwrap().duration_since(start()).as_hours(),
        30 * 24
    );
    assert!(matches!(
        h.set_plan_review_interval(1),
        Err(Error::InvalidInput(_))
    ));
}

#[test]
fn notes_are_hidden_during_a_supported_session_and_need_the_secret_to_come_back() {
    let f = Fixture::with_vault();
    let h = &f.harbour;
    let note = h.add_note("private note".into(), vec![]).unwrap();
    h.set_note_quick_access(&note.id, true).unwrap();

    let first = h.begin_supported_session().unwrap();
    assert_eq!(first.section, Section::WarningSigns);
    assert_eq!(first.total, 8);
    assert!(!first.prompt.is_empty() && !first.why.is_empty() && !first.examples.is_empty());
    assert!(h.supported_session_active());
    for err in [
        h.list_notes().unwrap_err(),
        h.note(&note.id).unwrap_err(),
        h.search_notes("private").unwrap_err(),
        h.add_note("x".into(), vec![]).unwrap_err(),
        h.delete_note(&note.id).unwrap_err(),
        h.quick_access_notes().unwrap_err(),
    ] {
        assert_eq!(err, Error::SessionActive);
    }
    assert!(
        h.quick_access().unwrap().notes.is_empty(),
        "quick-access notes hidden too"
    );
    // The plan works, saved as they go; the worker can look up services for professionals.
    add(&f, Section::WarningSigns, "Not sleeping");
    assert!(
        h.help_now(&harbour_core::HelpQuery {
            for_professionals: true,
            ..Default::default()
        })
        .is_ok()
    );

    // Ending needs the young person's secret.
    assert!(matches!(
        h.end_supported_session(Secret::from_text("000001")),
        Err(Error::WrongSecret { .. })
    ));
    assert_eq!(h.list_notes().unwrap_err(), Error::SessionActive);
    h.end_supported_session(Secret::from_text(PIN)).unwrap();
    assert_eq!(h.list_notes().unwrap().len(), 1);

    // Locking also ends a session; notes then need the secret to unlock.
    h.begin_supported_session().unwrap();
    h.lock().unwrap();
    assert!(!h.supported_session_active());
    assert_eq!(h.list_notes().unwrap_err(), Error::Locked);
}

#[test]
fn walkthrough_moves_back_skips_and_finishes() {
    let f = Fixture::with_vault();
    let h = &f.harbour;
    assert_eq!(
        h.supported_session_current().unwrap_err(),
        Error::NotFound("supported session")
    );
    h.begin_supported_session().unwrap();
    add(&f, Section::WarningSigns, "Not sleeping");
    let SessionProgress::At(second) = h.supported_session_next().unwrap() else {
        panic!()
    };
    assert_eq!(second.index, 1);
    assert_eq!(second.section, Section::OnMyOwn);
    let SessionProgress::At(back) = h.supported_session_back().unwrap() else {
        panic!()
    };
    assert_eq!(back.items.len(), 1, "saved as they went");
    let mut skipped_one = false;
    loop {
        match h.supported_session_skip().unwrap() {
            SessionProgress::At(_) => skipped_one = true,
            SessionProgress::Finished { skipped } => {
                assert_eq!(skipped.len(), 8);
                break;
            }
        }
    }
    assert!(skipped_one);
    h.end_supported_session(Secret::from_text(PIN)).unwrap();
}

fn sample_plan(f: &Fixture) {
    let h = &f.harbour;
    add(f, Section::WarningSigns, "SECRET-WARNING not sleeping");
    add(
        f,
        Section::OnMyOwn,
        "Music <script>alert(1)</script> & \"loud\"",
    );
    h.add_plan_item(
        Section::PeopleToAsk,
        "Sam".into(),
        Some("by text".into()),
        None,
    )
    .unwrap();
    h.add_plan_item(
        Section::Professionals,
        "Samaritans".into(),
        None,
        Some("samaritans".into()),
    )
    .unwrap();
    add(f, Section::HelpsAndDoesnt, "A calm voice helps");
}

#[test]
fn share_includes_exactly_the_chosen_sections() {
    let f = Fixture::with_vault();
    sample_plan(&f);
    let chosen = vec![
        Section::OnMyOwn,
        Section::PeopleToAsk,
        Section::Professionals,
        Section::HelpsAndDoesnt,
    ];
    let text = f
        .harbour
        .share_plan(&ShareOptions {
            sections: chosen.clone(),
            format: ShareFormat::Text,
            title: None,
            include_app_name: false,
        })
        .unwrap();
    assert!(text.starts_with("My plan\n"));
    assert!(text.contains("Music <script>"), "text is plain");
    assert!(text.contains("How to reach: by text"));
    assert!(text.contains("Call 116 123"));
    assert!(!text.contains("SECRET-WARNING"));
    assert!(!text.contains("My warning signs"));
    assert!(
        !text.to_lowercase().contains("harbour"),
        "no branding unless chosen"
    );
    for s in &chosen {
        assert!(text.contains(s.title()));
    }
    let branded = f
        .harbour
        .share_plan(&ShareOptions {
            sections: chosen,
            format: ShareFormat::Text,
            title: Some("For the nurse".into()),
            include_app_name: true,
        })
        .unwrap();
    assert!(branded.starts_with("For the nurse\n") && branded.contains("Made with Harbour"));
    assert!(matches!(
        f.harbour.share_plan(&ShareOptions {
            sections: vec![],
            format: ShareFormat::Text,
            title: None,
            include_app_name: false
        }),
        Err(Error::InvalidInput(_))
    ));
}

/// Checks that every tag opened in the page is closed in order (void tags aside).
fn tags_balanced(html: &str) -> bool {
    let mut stack: Vec<String> = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        let end = match rest[start..].find('>') {
            Some(e) => start + e,
            None => return false,
        };
        let tag = &rest[start + 1..end];
        rest = &rest[end + 1..];
        if tag.starts_with('!') {
            continue;
        }
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        if ["meta", "br", "link"].contains(&name.as_str()) {
            continue;
        }
        if tag.starts_with('/') {
            if stack.pop().as_deref() != Some(name.as_str()) {
                return false;
            }
        } else {
            stack.push(name);
        }
    }
    stack.is_empty()
}

#[test]
fn shared_html_is_self_contained_accessible_and_escaped() {
    let f = Fixture::with_vault();
    sample_plan(&f);
    let html = f
        .harbour
        .share_plan(&ShareOptions {
            sections: vec![Section::OnMyOwn, Section::Professionals],
            format: ShareFormat::Html,
            title: None,
            include_app_name: false,
        })
        .unwrap();
    let lower = html.to_lowercase();
    assert!(lower.starts_with("<!doctype html>"));
    assert!(lower.contains("<html lang=\"en-gb\">"));
    assert!(
        !lower.contains("<script"),
        "no scripts, even from the user's own text"
    );
    for external in ["http://", "https://", "src=", "href=", "url(", "@import"] {
        assert!(!lower.contains(external), "external resource: {external}");
    }
    assert!(html.contains("Music &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;loud&quot;"));
    assert_eq!(html.matches("<h1>").count(), 1);
    assert_eq!(html.matches("<h2 ").count(), 2);
    assert!(html.contains("<main>") && html.contains("<section aria-labelledby="));
    assert!(tags_balanced(&html), "{html}");
    assert!(!html.contains("SECRET-WARNING"));
}

#[test]
fn an_older_database_with_notes_upgrades_and_keeps_them() {
    let f = Fixture::with_vault();
    f.harbour
        .add_note("written before the plan existed".into(), vec![])
        .unwrap();
    f.harbour.lock().unwrap();
    {
        // Make it look like a version-1 database: no plan tables, no integrity index,
        // user_version 1.
        let db = f.db();
        db.execute_batch(
            "DROP TABLE plan_section; DROP TABLE plan_version; DROP TABLE setting; DROP TABLE checkin;
             DROP INDEX note_integrity; PRAGMA user_version = 1;",
        )
        .unwrap();
    }
    let h = f.reopen();
    h.unlock(Secret::from_text(PIN)).unwrap();
    assert_eq!(
        h.list_notes().unwrap()[0].text.as_str(),
        "written before the plan existed"
    );
    h.add_plan_item(
        Section::OnMyOwn,
        "works after the upgrade".into(),
        None,
        None,
    )
    .unwrap();
}
