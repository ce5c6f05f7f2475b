//! The library: triage properties, the content lint, clinical-review honesty, packs.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::HashSet;
use std::sync::Arc;

use harbour_core::library::lint::{self, MIN_CARD_EASE, MIN_MEAN_EASE};
use harbour_core::library::model::{LibraryContent, Next, Urgency};
use harbour_core::library::triage::{self, TriageStep};
use harbour_core::library::{CardFilter, CardKind, ClinicalReview};
use harbour_core::{Config, Error, Harbour, MemoryKeyStore};
use proptest::prelude::*;

const SOURCE: &[u8] = include_bytes!("../../fixtures/library/source.json");
const BAD_CARD: &[u8] = include_bytes!("../../fixtures/library/bad-card.json");

fn content() -> LibraryContent {
    serde_json::from_slice(SOURCE).unwrap()
}

fn harbour() -> (tempfile::TempDir, Harbour) {
    let dir = tempfile::tempdir().unwrap();
    let h = Harbour::open(Config::new(dir.path()), Arc::new(MemoryKeyStore::new())).unwrap();
    (dir, h)
}

// ---- Triage: properties over the whole tree ----

#[test]
fn every_path_ends_in_an_outcome_and_every_node_is_reachable() {
    let c = content();
    let paths = triage::all_paths(&c.triage).unwrap();
    assert!(!paths.is_empty());
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
    let reached: HashSet<&str> = paths.iter().map(|p| p.outcome.as_str()).collect();
    for o in &c.triage.outcomes {
        assert!(
            reached.contains(o.id.as_str()),
            "outcome {} unreachable",
            o.id
        );
    }
    assert!(paths.iter().all(|p| p.answers.len() <= triage::MAX_DEPTH));
}

#[test]
fn no_yes_to_a_red_flag_ends_in_looking_after_it_at_home() {
    let c = content();
    let red: HashSet<&str> = c
        .triage
        .questions
        .iter()
        .filter(|q| q.red_flag)
        .map(|q| q.id.as_str())
        .collect();
    assert!(
        red.len() >= 5,
        "the tree should carry the red flags from first-aid.md"
    );
    for p in triage::all_paths(&c.triage).unwrap() {
        let urgency = c
            .triage
            .outcomes
            .iter()
            .find(|o| o.id == p.outcome)
            .unwrap()
            .urgency;
        if p.answers
            .iter()
            .any(|(q, yes)| *yes && red.contains(q.as_str()))
        {
            assert!(
                matches!(urgency, Urgency::Call999 | Urgency::GoToAE),
                "{p:?}"
            );
        }
    }
    // And every red flag's "yes" goes straight to 999 or A&E.
    for q in c.triage.questions.iter().filter(|q| q.red_flag) {
        let Next::Outcome(o) = &q.yes else {
            panic!("red flag {} asks more before sending for help", q.id)
        };
        let u = c
            .triage
            .outcomes
            .iter()
            .find(|x| &x.id == o)
            .unwrap()
            .urgency;
        assert!(matches!(u, Urgency::Call999 | Urgency::GoToAE));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]
    /// Random answers through the public API always reach an outcome, and any "yes" to a red
    /// flag on the way ends in 999 or A&E.
    #[test]
    fn random_walks_reach_a_safe_outcome(answers in proptest::collection::vec(any::<bool>(), 0..12)) {
        static SHARED: std::sync::OnceLock<(tempfile::TempDir, Harbour)> = std::sync::OnceLock::new();
        let (_, h) = SHARED.get_or_init(harbour);
        let mut given = Vec::new();
        let mut red_yes = false;
        loop {
            match h.triage(&given).unwrap() {
                TriageStep::Question { question, number } => {
                    prop_assert_eq!(number, given.len() + 1);
                    let a = answers.get(given.len()).copied().unwrap_or(false);
                    red_yes |= a && question.red_flag;
                    given.push(a);
                    prop_assert!(given.len() <= triage::MAX_DEPTH);
                }
                TriageStep::Outcome(o) => {
                    if red_yes {
                        prop_assert!(matches!(o.urgency, Urgency::Call999 | Urgency::GoToAE));
                    }
                    break;
                }
            }
        }
    }
}

#[test]
fn broken_trees_are_caught() {
    let mut c = content();
    // A loop.
    c.triage.questions[1].no = Next::Question(c.triage.start.clone());
    assert!(
        triage::problems(&c.triage, &HashSet::new())
            .iter()
            .any(|p| p.contains("loop"))
    );
    // A red flag whose yes leads to self-care.
    let mut c = content();
    let q = c.triage.questions.iter_mut().find(|q| q.red_flag).unwrap();
    q.yes = Next::Outcome("self-care".into());
    assert!(
        triage::problems(&c.triage, &HashSet::new())
            .iter()
            .any(|p| p.contains("red flag"))
    );
    // An unreachable question.
    let mut c = content();
    let mut extra = c.triage.questions[0].clone();
    extra.id = "orphan".into();
    c.triage.questions.push(extra);
    assert!(
        triage::problems(&c.triage, &HashSet::new())
            .iter()
            .any(|p| p.contains("orphan"))
    );
    // Too many answers.
    let (_d, h) = harbour();
    assert!(matches!(
        h.triage(&[false; 20]),
        Err(Error::InvalidInput(_))
    ));
}

// ---- The content lint ----

#[test]
fn the_lint_passes_the_shipped_pack() {
    let report = lint::lint(&content());
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
    let problems = lint::lint(&c).problems;
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
        harbour_core::library::build_pack(
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
    let problems = lint::lint(&c).problems;
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
            audience: Some(harbour_core::library::Audience::ParentOrCarer),
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
    let TriageStep::Outcome(o) = h.triage(&[false, true]).unwrap() else {
        panic!()
    };
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
    let rebuilt = harbour_core::library::build_pack(
        SOURCE,
        info.data_version,
        info.built_at,
        info.expires_at,
    )
    .unwrap();
    assert_eq!(
        rebuilt,
        harbour_core::library::BASELINE_PACK,
        "rebuild fixtures/packs/library.json from its source"
    );
}
