//! Things that help right now: the coping library and its lint, the guided moment, the
//! toolbox and private check-ins, through the public API.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use harbour_core::authoring::library::{self, LibraryContent};
use harbour_core::{
    AfterMoment, CardKind, Error, Feeling, HelpQuery, Helped, HowNow, OpenState, Route, Secret,
    Section, Tried,
};
use harbour_tests::fixture::*;

const SOURCE: &[u8] = include_bytes!("../../fixtures/library/source.json");

fn content() -> LibraryContent {
    serde_json::from_slice(SOURCE).unwrap()
}

fn problems_after(edit: impl FnOnce(&mut LibraryContent)) -> Vec<String> {
    let mut c = content();
    edit(&mut c);
    library::lint(&c).problems
}

#[test]
fn the_shipped_coping_content_passes_and_every_feeling_has_ideas() {
    let c = content();
    assert!(library::lint(&c).problems.is_empty());
    for f in Feeling::ALL {
        let n = c
            .coping
            .activities
            .iter()
            .filter(|a| a.feelings.contains(&f))
            .count();
        assert!(n >= 3, "{f:?} has {n} ideas");
    }
    assert!(
        c.coping
            .activities
            .iter()
            .all(|a| matches!(a.clinical_review, harbour_core::ClinicalReview::Pending))
    );
}

#[test]
fn the_lint_refuses_a_pain_substitute_a_day_count_and_cessation_framing() {
    let cases: [(&str, &str); 3] = [
        ("Snap a hair band", "causes pain"),
        (
            "Keep a chain with a link for each of the days",
            "counting days",
        ),
        (
            "Do this instead of self-harming",
            "replacement for self-harm",
        ),
    ];
    for (text, why) in cases {
        let p = problems_after(|c| c.coping.activities[0].text = text.into());
        assert!(p.iter().any(|p| p.contains(why)), "{text}: {p:?}");
    }
    // In the moment's words too, not only in activities.
    let p =
        problems_after(|c| c.coping.moment.after_better = "That is three days in a row!".into());
    assert!(p.iter().any(|p| p.contains("counting days")), "{p:?}");
    // And the shape: lengths, sources, a way to talk to someone.
    let p = problems_after(|c| c.coping.activities[0].minutes = Some(7));
    assert!(p.iter().any(|p| p.contains("1, 5 or 15")), "{p:?}");
    let p = problems_after(|c| c.coping.activities[0].sources.clear());
    assert!(p.iter().any(|p| p.contains("sources")), "{p:?}");
    let p = problems_after(|c| {
        for a in &mut c.coping.activities {
            if a.leads_to == Some(Route::HelpNow) {
                a.leads_to = None;
            }
        }
    });
    assert!(p.iter().any(|p| p.contains("help now")), "{p:?}");
    let p = problems_after(|c| c.coping.breathing.breathe_out_seconds = 3);
    assert!(p.iter().any(|p| p.contains("out-breath")), "{p:?}");
}

#[test]
fn a_pack_with_bad_coping_content_is_never_loaded() {
    let f = Fixture::new();
    let pack = harbour_tests::packs::library_pack(9, |v| {
        v["coping"]["activities"][0]["text"] = "Flick an elastic band".into();
    });
    let sig = harbour_tests::packs::sign(&pack, "bad coping");
    assert!(f.harbour.install_library_pack(&pack, &sig).is_err());
    assert_eq!(f.harbour.library_info().unwrap().data_version, 2);
}

#[test]
fn a_moment_on_a_locked_phone_still_offers_ideas_breathing_and_the_three_answers() {
    let f = Fixture::new();
    let m = f.harbour.coping_moment(Some(Feeling::Numb)).unwrap();
    assert!(!m.ideas.is_empty() && m.ideas.len() <= harbour_core::IDEAS_PER_MOMENT);
    assert!(m.ideas.iter().all(|i| i.feelings.contains(&Feeling::Numb)));
    assert!(m.breathing.breathe_out_seconds > m.breathing.breathe_in_seconds);
    assert_eq!(
        m.answers.iter().map(|(a, _)| *a).collect::<Vec<_>>(),
        [HowNow::Better, HowNow::Same, HowNow::WorseOrNotSafe]
    );
    assert!(m.delay.contains("up to you"));
    let unsure = f.harbour.coping_moment(None).unwrap();
    let feelings: std::collections::HashSet<_> = unsure
        .ideas
        .iter()
        .flat_map(|i| i.feelings.clone())
        .collect();
    assert!(feelings.len() >= 3, "not sure gets a mix: {feelings:?}");
}

#[test]
fn worse_or_not_safe_reaches_999_always_open_help_and_the_first_door_in_one_step() {
    let f = Fixture::new();
    let query = HelpQuery {
        age: Some(15),
        ..Default::default()
    };
    let after = f
        .harbour
        .after_moment(
            Some(Feeling::Overwhelmed),
            HowNow::WorseOrNotSafe,
            &[],
            &query,
        )
        .unwrap();
    let AfterMoment::GetHelp {
        help,
        first_door,
        first_aid,
        text,
    } = after
    else {
        panic!("worse must lead to help");
    };
    assert!(
        help.emergency.iter().any(|o| o.how.contains("999")),
        "{:?}",
        help.emergency
    );
    assert!(help.options.iter().any(|o| o.open == OpenState::AlwaysOpen));
    let start = f.harbour.triage(&[], Some(15)).unwrap();
    assert!(
        matches!(start, harbour_core::TriageStep::Question { question, .. } if question == first_door)
    );
    assert!(!first_aid.is_empty() && first_aid.iter().all(|c| c.kind == CardKind::FirstAid));
    assert!(text.contains("alone"), "{text}");
}

#[test]
fn the_toolbox_hides_favourites_orders_and_adds_and_the_moment_follows_it() {
    let f = Fixture::with_vault();
    let h = &f.harbour;
    h.set_idea_favourite("strong-taste", true).unwrap();
    h.set_idea_hidden("cold-water", true).unwrap();
    let t = h
        .add_own_idea(
            "Hold my cat Biscuit".into(),
            vec![Feeling::Numb],
            Some(5),
            false,
        )
        .unwrap();
    let mine = t.items.iter().find(|i| i.own).unwrap().clone();
    assert_eq!(mine.title.as_str(), "Hold my cat Biscuit");

    let m = h.coping_moment(Some(Feeling::Numb)).unwrap();
    let ids: Vec<&str> = m.ideas.iter().map(|i| i.id.as_str()).collect();
    assert_eq!(ids[0], "strong-taste", "favourites first: {ids:?}");
    assert!(!ids.contains(&"cold-water"), "hidden never: {ids:?}");

    // Same: not what was tried.
    let after = h
        .after_moment(
            Some(Feeling::Numb),
            HowNow::Same,
            &["strong-taste".into()],
            &HelpQuery::default(),
        )
        .unwrap();
    let AfterMoment::TryAnother { ideas, .. } = after else {
        panic!()
    };
    assert!(
        ideas
            .iter()
            .all(|i| i.id != "strong-taste" && i.id != "cold-water")
    );

    // Ordering moves an idea; bad positions and unknown ids change nothing.
    let t = h.move_idea(&mine.id, 0).unwrap();
    assert_eq!(t.items[0].id, mine.id);
    assert!(matches!(
        h.move_idea(&mine.id, 999),
        Err(Error::InvalidInput(_))
    ));
    assert_eq!(
        h.set_idea_hidden("no-such-idea", true).unwrap_err(),
        Error::NotFound("idea")
    );
    assert!(matches!(
        h.add_own_idea("  ".into(), vec![], None, false),
        Err(Error::InvalidInput(_))
    ));
    assert_eq!(h.toolbox().unwrap(), t);

    // Locked: their own ideas stay private unless the toolbox is quick access.
    h.lock().unwrap();
    let locked = h.coping_moment(Some(Feeling::Numb)).unwrap();
    assert!(locked.ideas.iter().all(|i| !i.own));
    assert!(
        locked.ideas.iter().any(|i| i.id == "cold-water"),
        "marks are private too"
    );
    h.unlock(Secret::from_text(PIN)).unwrap();
    h.set_toolbox_quick_access(true).unwrap();
    h.lock().unwrap();
    let quick = h.coping_moment(Some(Feeling::Numb)).unwrap();
    assert_eq!(quick.ideas[0].id, "strong-taste");
    assert!(quick.ideas.iter().any(|i| i.id == mine.id));
    assert!(!quick.ideas.iter().any(|i| i.id == "cold-water"));
}

#[test]
fn an_idea_of_their_own_can_join_the_plan_and_both_or_neither_are_saved() {
    let f = Fixture::with_vault();
    let h = &f.harbour;
    h.add_own_idea("Draw in my sketchbook".into(), vec![], None, true)
        .unwrap();
    let plan = h.plan().unwrap();
    assert_eq!(
        plan.section(Section::OnMyOwn).items[0].text.as_str(),
        "Draw in my sketchbook"
    );

    for i in 0..49 {
        h.add_plan_item(Section::OnMyOwn, format!("thing {i}").into(), None, None)
            .unwrap();
    }
    let before = h.toolbox().unwrap();
    assert!(matches!(
        h.add_own_idea("One too many".into(), vec![], None, true),
        Err(Error::InvalidInput(_))
    ));
    assert_eq!(
        h.toolbox().unwrap(),
        before,
        "the toolbox kept nothing of a refused add"
    );
}

#[test]
fn the_same_answer_offers_people_from_a_quick_access_plan_on_a_locked_phone() {
    let f = Fixture::with_vault();
    let h = &f.harbour;
    h.add_plan_item(Section::PeopleToAsk, "Auntie Jo".into(), None, None)
        .unwrap();
    h.lock().unwrap();
    let people = |h: &harbour_core::Harbour| match h
        .after_moment(None, HowNow::Same, &[], &HelpQuery::default())
        .unwrap()
    {
        AfterMoment::TryAnother { people, .. } => people,
        _ => panic!(),
    };
    assert!(people(h).is_empty(), "a private plan stays private");
    h.unlock(Secret::from_text(PIN)).unwrap();
    h.set_plan_quick_access(Section::PeopleToAsk, true).unwrap();
    h.lock().unwrap();
    assert_eq!(people(h)[0].text.as_str(), "Auntie Jo");
}

#[test]
fn check_ins_are_kept_listed_ranked_and_deleted() {
    let f = Fixture::with_vault();
    let h = &f.harbour;
    let tried = |what: &str, idea: Option<&str>, helped| Tried {
        what: what.into(),
        idea: idea.map(str::to_owned),
        helped,
    };
    let a = h
        .add_checkin(
            Some(Feeling::AngryOrRestless),
            4,
            Some("after the group chat".into()),
            vec![
                tried("Ripped paper", Some("rip-paper"), Helped::Yes),
                tried("TV", None, Helped::No),
            ],
        )
        .unwrap();
    f.clock.advance(std::time::Duration::from_secs(3600));
    let b = h
        .add_checkin(
            None,
            2,
            None,
            vec![tried("Walked the dog", None, Helped::ALittle)],
        )
        .unwrap();
    f.clock.advance(std::time::Duration::from_secs(3600));
    h.add_checkin(
        None,
        3,
        None,
        vec![tried("Rip up paper", Some("rip-paper"), Helped::Yes)],
    )
    .unwrap();
    let list = h.list_checkins().unwrap();
    assert_eq!(list.checkins.len(), 3);
    assert_eq!(list.checkins[1], b, "newest first");
    let helped: Vec<String> = h
        .what_has_helped()
        .unwrap()
        .into_iter()
        .map(|w| w.what.as_str().to_owned())
        .collect();
    assert_eq!(helped, ["Rip up paper", "Walked the dog"]);

    for (strength, before) in [(0u8, None), (6, None), (3, Some("x".repeat(2001)))] {
        assert!(matches!(
            h.add_checkin(None, strength, before.map(Into::into), vec![]),
            Err(Error::InvalidInput(_))
        ));
    }
    assert_eq!(h.list_checkins().unwrap().checkins.len(), 3);
    h.delete_checkin(&a.id).unwrap();
    assert_eq!(
        h.delete_checkin(&a.id).unwrap_err(),
        Error::NotFound("check-in")
    );
    assert_eq!(h.list_checkins().unwrap().checkins.len(), 2);
}

#[test]
fn check_ins_are_private_by_default_and_hidden_in_a_supported_session() {
    let f = Fixture::with_vault();
    let h = &f.harbour;
    let c = h
        .add_checkin(
            Some(Feeling::Shame),
            5,
            Some("private words".into()),
            vec![],
        )
        .unwrap();
    h.add_checkin(None, 1, None, vec![]).unwrap();
    h.lock().unwrap();
    assert!(h.quick_access().unwrap().checkins.is_empty());
    assert_eq!(h.list_checkins().unwrap_err(), Error::Locked);
    h.unlock(Secret::from_text(PIN)).unwrap();
    h.set_checkin_quick_access(&c.id, true).unwrap();
    h.lock().unwrap();
    let quick = h.quick_access().unwrap().checkins;
    assert_eq!(quick.len(), 1);
    assert_eq!(quick[0].before.as_ref().unwrap().as_str(), "private words");

    h.unlock(Secret::from_text(PIN)).unwrap();
    h.begin_supported_session().unwrap();
    assert!(h.quick_access().unwrap().checkins.is_empty());
    assert_eq!(h.list_checkins().unwrap_err(), Error::SessionActive);
    assert_eq!(h.toolbox().unwrap_err(), Error::SessionActive);
    assert_eq!(
        h.add_checkin(None, 2, None, vec![]).unwrap_err(),
        Error::SessionActive
    );
}

const MARKER: &str = "CHECKIN-MARKER-7Q";

#[test]
fn check_ins_and_own_ideas_are_encrypted_at_rest_survive_rotation_and_go_with_erase() {
    let f = Fixture::with_vault();
    let h = &f.harbour;
    h.add_checkin(
        Some(Feeling::Numb),
        3,
        Some(format!("{MARKER} before").into()),
        vec![Tried {
            what: format!("{MARKER} tried").into(),
            idea: None,
            helped: Helped::Yes,
        }],
    )
    .unwrap();
    h.add_own_idea(format!("{MARKER} idea").into(), vec![], None, false)
        .unwrap();
    let c = h.add_checkin(None, 2, None, vec![]).unwrap();
    h.set_checkin_quick_access(&c.id, true).unwrap();
    // The data directory holds everything Harbour writes (its atomic files' temporaries too);
    // the temp directory is scanned, with TMPDIR set, by the leaks workload.
    assert_absent(f.dir.path(), MARKER);

    h.rotate_data_key(Secret::from_text(PIN)).unwrap();
    h.change_secret(Secret::from_text(PIN), Secret::from_text("902716"))
        .unwrap();
    h.lock().unwrap();
    let h = f.reopen();
    assert_eq!(h.quick_access().unwrap().checkins.len(), 1);
    h.unlock(Secret::from_text("902716")).unwrap();
    assert_eq!(h.list_checkins().unwrap().checkins.len(), 2);
    assert!(h.toolbox().unwrap().items.iter().any(|i| i.own));
    assert_absent(f.dir.path(), MARKER);

    h.erase_everything().unwrap();
    h.create_vault(Secret::from_text(PIN)).unwrap();
    assert!(h.list_checkins().unwrap().checkins.is_empty());
    assert!(h.toolbox().unwrap().items.iter().all(|i| !i.own));
}

/// Principle 3, on the API app teams see: no name in the generated Kotlin or Swift speaks of
/// streaks, days without, scores or tallies, and the check-in types carry no number but the
/// strength the person chose.
#[test]
fn no_call_returns_a_count_of_days_a_streak_or_a_score() {
    let api = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../bindings/api");
    const FORBIDDEN: &[&str] = &[
        "streak",
        "dayssince",
        "dayswithout",
        "daysclean",
        "daysfree",
        "harmfree",
        "consecutive",
        "inarow",
        "score",
        "tally",
        "timeshelped",
    ];
    let mut seen_checkin = 0;
    for file in ["harbour.kt.api", "HarbourCore.swift.api"] {
        let text = std::fs::read_to_string(api.join(file)).unwrap();
        let folded = text.to_lowercase().replace('_', "");
        for word in FORBIDDEN {
            assert!(!folded.contains(word), "{file} names \"{word}\"");
        }
        // The check-in and "what helped" types: their number fields, by name.
        for line in text.lines() {
            let l = line.trim();
            let is_type = [
                "data class CheckIn ",
                "data class WhatHelped ",
                "data class TriedThing ",
            ]
            .iter()
            .any(|t| l.starts_with(t));
            if is_type {
                seen_checkin += 1;
                let ints: Vec<&str> = l
                    .split(", ")
                    .filter(|f| f.contains("kotlin.Int") || f.contains("kotlin.Long"))
                    .collect();
                let allowed = ints.iter().all(|f| f.contains("val strength:"));
                assert!(allowed, "{l}");
            }
        }
    }
    assert_eq!(
        seen_checkin, 3,
        "the check-in types were not found in the Kotlin API"
    );
}
