//! The library: triage properties, the content lint, clinical-review honesty, packs.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::HashSet;
use std::sync::Arc;

use harbour_core::authoring::library::{
    self, LibraryContent, MIN_CARD_EASE, MIN_MEAN_EASE, Next, triage,
};
use harbour_core::{
    Answer, CardFilter, CardKind, ClinicalReview, Error, Harbour, HelpNow, MemoryKeyStore,
    OpenState, Outcome, TriageStep, Urgency,
};
use proptest::prelude::*;

const SOURCE: &[u8] = include_bytes!("../../fixtures/library/source.json");
const BAD_CARD: &[u8] = include_bytes!("../../fixtures/library/bad-card.json");

fn content() -> LibraryContent {
    serde_json::from_slice(SOURCE).unwrap()
}

fn harbour() -> (tempfile::TempDir, Harbour) {
    let dir = tempfile::tempdir().unwrap();
    let h = Harbour::open(
        harbour_tests::testing_config(dir.path()),
        Arc::new(MemoryKeyStore::new()),
    )
    .unwrap();
    (dir, h)
}

// ---- Triage: properties over the whole tree ----

/// Answers by their letters: y, n, ? (not sure).
fn answers(letters: &str) -> Vec<Answer> {
    letters
        .chars()
        .map(|c| match c {
            'y' => Answer::Yes,
            'n' => Answer::No,
            '?' => Answer::NotSure,
            _ => panic!("answer {c}"),
        })
        .collect()
}

/// Answers "no" until the question `id`, then `at` to it; the outcome reached.
fn outcome_when(h: &Harbour, id: &str, at: Answer, age: Option<u8>) -> (Outcome, HelpNow) {
    let mut given = Vec::new();
    loop {
        match h.triage(&given, age).unwrap() {
            TriageStep::Question { question, .. } => {
                // The injury door opens with "is someone hurt?": yes, to reach the injury.
                let a = if question.id == id {
                    at
                } else if question.gate {
                    Answer::Yes
                } else {
                    Answer::No
                };
                given.push(a);
            }
            TriageStep::Outcome { outcome, help, .. } => return (outcome, help),
        }
    }
}

fn is_emergency(u: Urgency) -> bool {
    matches!(u, Urgency::Call999 | Urgency::GoToAE)
}

#[test]
fn the_shipped_tree_passes_every_check() {
    let c = content();
    let cards: HashSet<&str> = c.cards.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(triage::problems(&c.triage, &cards), Vec::<String>::new());
    // The tree carries the criteria first-aid.md gives.
    assert!(c.triage.criteria.len() >= 19, "{}", c.triage.criteria.len());
}

#[test]
fn every_criterion_is_asked_and_every_node_is_reachable() {
    let c = content();
    let paths = triage::all_paths(&c.triage).unwrap();
    let asked: HashSet<&str> = paths
        .iter()
        .flat_map(|p| p.answers.iter().map(|(q, _)| q.as_str()))
        .collect();
    for q in &c.triage.questions {
        assert!(
            asked.contains(q.id.as_str()),
            "question {} unreachable",
            q.id
        );
    }
    let reached: HashSet<&str> = paths
        .iter()
        .flat_map(|p| p.outcomes.iter().map(String::as_str))
        .collect();
    for o in &c.triage.outcomes {
        assert!(
            reached.contains(o.id.as_str()),
            "outcome {} unreachable",
            o.id
        );
    }
    let criteria_asked: HashSet<&str> = c
        .triage
        .questions
        .iter()
        .flat_map(|q| q.criteria.iter().map(String::as_str))
        .collect();
    for cr in &c.triage.criteria {
        assert!(
            criteria_asked.contains(cr.id.as_str()),
            "{} never asked",
            cr.id
        );
    }
    assert!(paths.iter().all(|p| p.answers.len() <= triage::MAX_DEPTH));
}

/// Every path, with every answer in {yes, no, not sure}, through the public API: a yes or
/// "not sure" to a red flag ends at 999 or A&E, and every outcome carries help that is open
/// now, an always-open line among it.
#[test]
fn every_path_with_every_answer_is_safe_and_carries_help() {
    let (_d, h) = harbour();
    let mut stack: Vec<Vec<Answer>> = vec![vec![]];
    let mut walked = 0;
    while let Some(given) = stack.pop() {
        match h.triage(&given, Some(15)).unwrap() {
            TriageStep::Question { number, .. } => {
                assert_eq!(number, given.len() + 1);
                for a in [Answer::Yes, Answer::No, Answer::NotSure] {
                    let mut next = given.clone();
                    next.push(a);
                    stack.push(next);
                }
            }
            TriageStep::Outcome {
                outcome,
                help,
                then,
            } => {
                walked += 1;
                assert!(!help.options.is_empty(), "{} has no help", outcome.id);
                assert!(!help.emergency.is_empty(), "{} has no 999", outcome.id);
                assert!(
                    help.options.iter().all(|o| o.open.is_open()),
                    "{}: help that is not open now",
                    outcome.id
                );
                assert!(
                    help.options.iter().any(|o| o.open == OpenState::AlwaysOpen),
                    "{}: no always-open line",
                    outcome.id
                );
                // Continue past an outcome that has a follow-up question.
                if then.is_some() {
                    for a in [Answer::Yes, Answer::No, Answer::NotSure] {
                        let mut next = given.clone();
                        next.push(a);
                        stack.push(next);
                    }
                }
                // Red flags answered yes or not sure were seen on the way: check by replay.
                let mut red_yes = false;
                for i in 0..given.len() {
                    if let TriageStep::Question { question, .. } =
                        h.triage(&given[..i], Some(15)).unwrap()
                    {
                        red_yes |= question.red_flag && given[i].counts_as_yes();
                    }
                }
                if red_yes {
                    // The emergency outcome may have been shown earlier on the path (the
                    // safety door's help, then its follow-up), or be this one.
                    let shown = (0..=given.len()).any(|i| {
                        matches!(h.triage(&given[..i], Some(15)).unwrap(),
                            TriageStep::Outcome { outcome, .. } if is_emergency(outcome.urgency))
                    });
                    assert!(
                        shown,
                        "a red flag answered yes on {given:?} ends in {}",
                        outcome.id
                    );
                }
            }
        }
    }
    assert!(walked >= 40, "only {walked} paths");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]
    /// Random answers always reach an outcome within the depth limit.
    #[test]
    fn random_walks_reach_an_outcome(picks in proptest::collection::vec(0u8..3, 0..16)) {
        static SHARED: std::sync::OnceLock<(tempfile::TempDir, Harbour)> = std::sync::OnceLock::new();
        let (_, h) = SHARED.get_or_init(harbour);
        let mut given = Vec::new();
        while let TriageStep::Question { .. } = h.triage(&given, None).unwrap() {
            let pick = picks.get(given.len()).copied().unwrap_or(1);
            given.push([Answer::Yes, Answer::No, Answer::NotSure][usize::from(pick)]);
            prop_assert!(given.len() <= triage::MAX_DEPTH);
        }
    }
}

// The cases the clinical review found, each failing on the tree before the criteria.

#[test]
fn a_blistered_arm_burn_goes_to_a_and_e() {
    let (_d, h) = harbour();
    let (o, _) = outcome_when(&h, "burn-skin", Answer::Yes, None);
    assert_eq!(o.urgency, Urgency::GoToAE);
    let c = content();
    let q = c
        .triage
        .questions
        .iter()
        .find(|q| q.id == "burn-skin")
        .unwrap();
    for part in ["arms", "legs", "genitals", "face", "hands", "feet"] {
        assert!(q.text.contains(part), "the burn question leaves out {part}");
    }
}

#[test]
fn smoke_or_fumes_go_to_a_and_e() {
    let (_d, h) = harbour();
    for a in [Answer::Yes, Answer::NotSure] {
        let (o, _) = outcome_when(&h, "smoke", a, None);
        assert!(is_emergency(o.urgency), "{a:?}: {}", o.id);
    }
}

#[test]
fn a_lot_of_blood_lost_is_999() {
    let (_d, h) = harbour();
    let (o, help) = outcome_when(&h, "spurting", Answer::Yes, None);
    assert_eq!(o.urgency, Urgency::Call999);
    assert!(
        help.emergency
            .iter()
            .any(|e| e.contact.as_deref() == Some("999"))
    );
}

#[test]
fn soaking_through_is_not_sent_to_999_and_the_card_agrees() {
    let c = content();
    assert!(
        !c.triage.questions.iter().any(|q| q.text.contains("soak")),
        "soaking through means: leave the pad, add another, keep pressing"
    );
    let bleeding = c
        .triage
        .questions
        .iter()
        .find(|q| q.id == "still-bleeding")
        .unwrap();
    assert!(
        bleeding
            .help
            .as_deref()
            .unwrap_or("")
            .contains("keep pressing")
    );
}

#[test]
fn thinking_about_ending_my_life_gets_suicide_help_first() {
    let (_d, h) = harbour();
    // The first question is the safety door.
    let TriageStep::Question { number, question } = h.triage(&[], None).unwrap() else {
        panic!("triage starts with a question")
    };
    assert_eq!(number, 1);
    assert!(
        question.text.contains("ending your life"),
        "{}",
        question.text
    );
    for a in [Answer::Yes, Answer::NotSure] {
        let TriageStep::Outcome {
            outcome,
            then,
            help,
        } = h.triage(&[a], Some(16)).unwrap()
        else {
            panic!("a yes to the safety door is answered at once")
        };
        assert!(is_emergency(outcome.urgency));
        assert!(
            outcome.plan,
            "the plan's quick-access sections come with it"
        );
        assert!(outcome.text.contains("999"));
        let ids: Vec<&str> = help.options.iter().map(|o| o.service_id.as_str()).collect();
        assert_eq!(&ids[..2], ["samaritans", "shout"], "{ids:?}");
        assert!(
            ids.contains(&"childline"),
            "a 16-year-old gets Childline: {ids:?}"
        );
        // The injury questions can follow, for someone who is also hurt.
        assert!(then.is_some_and(|q| q.gate));
    }
    // Childline is for under-19s: a 30-year-old is not offered it.
    let TriageStep::Outcome { help, .. } = h.triage(&[Answer::Yes], Some(30)).unwrap() else {
        panic!()
    };
    assert!(!help.options.iter().any(|o| o.service_id == "childline"));
}

#[test]
fn no_injury_and_no_suicidal_thoughts_still_gets_help() {
    let (_d, h) = harbour();
    let TriageStep::Outcome { outcome, help, .. } = h.triage(&answers("nn"), None).unwrap() else {
        panic!()
    };
    assert_eq!(outcome.urgency, Urgency::Support);
    assert!(!outcome.text.contains("wound") && !outcome.text.contains("clean"));
    assert!(help.options.iter().any(|o| o.service_id == "samaritans"));
}

#[test]
fn wounds_go_to_nhs_111_not_its_mental_health_option_and_not_a_pharmacist_for_stitches() {
    let (_d, h) = harbour();
    let (stitches, help) = outcome_when(&h, "needs-stitches", Answer::Yes, None);
    assert_eq!(stitches.urgency, Urgency::UrgentAdvice);
    assert!(!stitches.text.contains("pharmacist"), "{}", stitches.text);
    for place in ["GP", "minor injuries unit", "urgent treatment centre"] {
        assert!(stitches.text.contains(place), "{}", stitches.text);
    }
    assert_eq!(help.options[0].service_id, "nhs-111");
    let (infection, _) = outcome_when(&h, "infection", Answer::Yes, None);
    for place in ["NHS 111", "GP", "pharmacist", "urgent treatment centre"] {
        assert!(infection.text.contains(place), "{}", infection.text);
    }
    let c = content();
    for o in &c.triage.outcomes {
        assert!(
            !o.help
                .services
                .iter()
                .any(|s| s == "nhs-111-mental-health" && !o.plan),
            "{}",
            o.id
        );
    }
}

#[test]
fn broken_trees_are_caught() {
    let problems = |c: &LibraryContent| triage::problems(&c.triage, &HashSet::new());
    // A loop.
    let mut c = content();
    c.triage.questions[2].no = Next::Question(c.triage.start.clone());
    assert!(problems(&c).iter().any(|p| p.contains("loop")));
    // A red flag whose yes leads to self-care.
    let mut c = content();
    let q = c.triage.questions.iter_mut().find(|q| q.red_flag).unwrap();
    q.yes = Next::Outcome("self-care".into());
    assert!(
        problems(&c).iter().any(|p| p.contains("needs")),
        "{:?}",
        problems(&c)
    );
    // An unreachable question.
    let mut c = content();
    let mut extra = c.triage.questions[3].clone();
    extra.id = "orphan".into();
    c.triage.questions.push(extra);
    assert!(problems(&c).iter().any(|p| p.contains("orphan")));
    // A criterion the tree forgets to ask: the old burn question, face, hands and feet only.
    let mut c = content();
    let q = c
        .triage
        .questions
        .iter_mut()
        .find(|q| q.id == "burn-skin")
        .unwrap();
    q.criteria.retain(|c| c != "burn-blisters");
    assert!(
        problems(&c)
            .iter()
            .any(|p| p.contains("burn-blisters is never asked")),
        "{:?}",
        problems(&c)
    );
    // A criterion asked too late: a path reaches A&E before a 999 criterion is asked.
    let mut c = content();
    let qs = &mut c.triage.questions;
    let spurting = qs.iter().position(|q| q.id == "spurting").unwrap();
    let q = qs.remove(spurting);
    qs.push(q);
    for q in qs.iter_mut() {
        if q.no == Next::Question("spurting".into()) {
            q.no = Next::Question("swallowed".into());
        }
        if q.no == Next::Outcome("self-care".into()) && q.id == "infection" {
            q.no = Next::Question("spurting".into());
        }
    }
    c.triage
        .questions
        .iter_mut()
        .find(|q| q.id == "spurting")
        .unwrap()
        .no = Next::Outcome("self-care".into());
    assert!(
        problems(&c)
            .iter()
            .any(|p| p.contains("never asks criterion spurting")),
        "{:?}",
        problems(&c)
    );
    // The safety door moved after an injury question.
    let mut c = content();
    c.triage.start = "hurt".into();
    assert!(problems(&c).iter().any(|p| p.contains("safety door")));
    // A red_flag marking that disagrees with the criteria.
    let mut c = content();
    c.triage
        .questions
        .iter_mut()
        .find(|q| q.id == "smoke")
        .unwrap()
        .red_flag = false;
    assert!(
        problems(&c)
            .iter()
            .any(|p| p.contains("red_flag must be true"))
    );
    // An outcome with no help.
    let mut c = content();
    c.triage
        .outcomes
        .iter_mut()
        .find(|o| o.id == "self-care")
        .unwrap()
        .help = Default::default();
    assert!(problems(&c).iter().any(|p| p.contains("offers no help")));
    // Too many answers.
    let (_d, h) = harbour();
    assert!(matches!(
        h.triage(&answers("nnnnnnnnnnnnnnnnnnnn"), None),
        Err(Error::InvalidInput(_))
    ));
}

#[test]
fn a_card_red_flag_that_contradicts_the_triage_fails_the_lint() {
    let mut c = content();
    let card = c
        .cards
        .iter_mut()
        .find(|c| c.id == "cuts-stop-bleeding")
        .unwrap();
    let flag = card
        .red_flags
        .iter_mut()
        .find(|r| r.criterion == "spurting")
        .unwrap();
    flag.action = harbour_core::Emergency::GoToAE;
    assert!(
        library::lint(&c)
            .problems
            .iter()
            .any(|p| p.contains("the triage criterion says")),
        "{:?}",
        library::lint(&c).problems
    );
}

#[test]
fn the_injury_door_never_speaks_of_suicide() {
    let mut c = content();
    c.triage
        .outcomes
        .iter_mut()
        .find(|o| o.id == "a-and-e")
        .unwrap()
        .text = "Go to A&E now. Suicide is never the answer.".into();
    assert!(
        library::lint(&c)
            .problems
            .iter()
            .any(|p| p.contains("injury door"))
    );
    let mut c = content();
    c.triage
        .outcomes
        .iter_mut()
        .find(|o| o.id == "safety-help")
        .unwrap()
        .text = "Look after the wound and call 999.".into();
    assert!(
        library::lint(&c)
            .problems
            .iter()
            .any(|p| p.contains("safety door"))
    );
}

// ---- The content lint ----

#[test]
fn the_lint_passes_the_shipped_pack() {
    let report = library::lint(&content());
    assert!(report.problems.is_empty(), "{:#?}", report.problems);
    assert!(report.mean_ease >= MIN_MEAN_EASE);
    for (id, r) in &report.reading {
        if id != "scars" {
            assert!(r.ease >= MIN_CARD_EASE, "{id}: {}", r.ease);
        }
    }
}

#[test]
fn the_lint_fails_a_deliberately_bad_card() {
    let mut c = content();
    c.cards.push(serde_json::from_slice(BAD_CARD).unwrap());
    let problems = library::lint(&c).problems;
    let bad: Vec<&String> = problems
        .iter()
        .filter(|p| p.contains("deliberately-bad"))
        .collect();
    for expected in [
        "images are not allowed",
        "\"attention seeking\"",
        "\"think how others feel\"",
        "\"razor\"",
        "\"20 mg\"",
        "\"stay clean\"",
        "\"streak\"",
        "needs its sources",
        "a sentence of",
    ] {
        assert!(
            bad.iter().any(|p| p.contains(expected)),
            "lint missed {expected}: {bad:#?}"
        );
    }
    // And the pack builder refuses it.
    let source = serde_json::to_vec(&c).unwrap();
    let now = jiff::Timestamp::now();
    assert!(
        harbour_publish::library_pack(
            &source,
            2,
            now,
            now.checked_add(jiff::SignedDuration::from_hours(24))
                .unwrap()
        )
        .is_err()
    );
}

#[test]
fn a_welsh_pack_needs_all_six_plural_forms() {
    let mut c = content();
    c.locale = "cy".into();
    for card in &mut c.cards {
        card.locale = "cy".into();
    }
    let problems = library::lint(&c).problems;
    assert!(
        problems
            .iter()
            .any(|p| p.contains("message minutes: missing the Zero form for cy")),
        "{problems:#?}"
    );
}

// ---- Through the API ----

#[test]
fn every_card_reports_clinical_review_pending() {
    let (_d, h) = harbour();
    let cards = h.cards(&CardFilter::default()).unwrap();
    assert_eq!(cards.len(), content().cards.len());
    assert!(
        cards
            .iter()
            .all(|c| c.clinical_review == ClinicalReview::Pending)
    );
    let scars = h.card("scars").unwrap();
    assert!(scars.needs_clinical_content);
}

#[test]
fn cards_filter_by_kind_topic_and_audience() {
    let (_d, h) = harbour();
    let first_aid = h
        .cards(&CardFilter {
            kind: Some(CardKind::FirstAid),
            ..Default::default()
        })
        .unwrap();
    assert!(first_aid.iter().any(|c| c.id == "burns"));
    assert!(first_aid.iter().all(|c| c.kind == CardKind::FirstAid));
    let parents = h
        .cards(&CardFilter {
            audience: Some(harbour_core::Audience::ParentOrCarer),
            kind: Some(CardKind::Information),
            ..Default::default()
        })
        .unwrap();
    assert!(parents.iter().any(|c| c.id == "for-parents-and-carers"));
    assert!(!parents.iter().any(|c| c.id == "for-workers-signposting"));
    assert_eq!(h.card("nope").unwrap_err(), Error::NotFound("card"));
}

#[test]
fn overdose_outcome_says_a_and_e_even_if_fine_and_take_the_packets() {
    let (_d, h) = harbour();
    let (o, _) = outcome_when(&h, "swallowed", Answer::Yes, None);
    assert_eq!(o.urgency, Urgency::GoToAE);
    assert!(o.text.contains("even if you feel fine"));
    assert!(o.text.contains("Take the packets with you"));
}

#[test]
fn messages_use_plural_rules() {
    let (_d, h) = harbour();
    assert_eq!(h.library_message("minutes", 1).unwrap(), "1 minute");
    assert_eq!(h.library_message("minutes", 20).unwrap(), "20 minutes");
    assert_eq!(
        h.library_message("nope", 1).unwrap_err(),
        Error::NotFound("message")
    );
}

#[test]
fn baseline_library_pack_verifies_and_matches_its_source() {
    let (_d, h) = harbour();
    let info = h.library_info().unwrap();
    let rebuilt =
        harbour_publish::library_pack(SOURCE, info.data_version, info.built_at, info.expires_at)
            .unwrap();
    let shipped = include_bytes!("../../fixtures/packs/library.json");
    assert_eq!(
        rebuilt, shipped,
        "rebuild fixtures/packs/library.json from its source"
    );
    assert_eq!(
        library::BASELINE.json().unwrap(),
        shipped,
        "the library carries fixtures/packs/library.json, deflated"
    );
}

/// The core parses each card once, at load; what callers get is that parse, for every card.
#[test]
fn every_card_arrives_with_its_body_parsed() {
    let (_d, h) = harbour();
    let cards = h.cards(&CardFilter::default()).unwrap();
    assert!(!cards.is_empty());
    for c in &cards {
        let parsed = library::markdown::parse(&c.body).unwrap();
        assert!(!c.blocks.is_empty(), "{}", c.id);
        assert_eq!(c.blocks, parsed, "{}", c.id);
        assert_eq!(c.plain_body(), library::markdown::plain_text(&parsed));
    }
    // A card taken from the source file (not loaded through a pack) has no blocks: the parse
    // belongs to loading, and a pack cannot supply its own.
    assert!(content().cards.iter().all(|c| c.blocks.is_empty()));
}
