//! Help now: the directory's promises, through the public API.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;

use harbour_core::authoring::directory;
use harbour_core::{
    AreaMatch, ChannelKind, Error, Harbour, HelpNow, HelpQuery, ManualClock, MemoryKeyStore,
    NotFoundWhy, OpenState, PackError, ServiceKind, Topic,
};
use harbour_publish::directory_pack as build_pack;
use harbour_tests::packs;
use jiff::Timestamp;
use proptest::prelude::*;

use packs::DIRECTORY_SOURCE as SOURCE;

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

struct Env {
    _dir: tempfile::TempDir,
    clock: Arc<ManualClock>,
    harbour: Harbour,
}

fn env() -> Env {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(ManualClock::new(ts("2026-11-21T03:00:00Z")));
    let harbour = Harbour::open_with_clock(
        harbour_tests::testing_config(dir.path()),
        Arc::new(MemoryKeyStore::new()),
        clock.clone(),
    )
    .unwrap();
    Env {
        _dir: dir,
        clock,
        harbour,
    }
}

fn ask(h: &Harbour, at: &str, f: impl FnOnce(&mut HelpQuery)) -> HelpNow {
    let mut q = HelpQuery {
        at: Some(ts(at)),
        ..HelpQuery::default()
    };
    f(&mut q);
    h.help_now(&q).unwrap()
}

fn ids(h: &HelpNow) -> Vec<&str> {
    h.options.iter().map(|o| o.service_id.as_str()).collect()
}

/// A signed pack built from the source with `edit` applied to its JSON.
fn signed_pack(
    version: u64,
    built: &str,
    days: i64,
    edit: impl FnOnce(&mut serde_json::Value),
) -> (Vec<u8>, Vec<u8>) {
    let bytes = packs::directory_pack(version, built, days, edit);
    let sig = packs::sign(&bytes, "test pack");
    (bytes, sig)
}

// ---- The baseline pack ----

#[test]
fn baseline_pack_verifies_and_matches_its_source() {
    let e = env();
    let info = e.harbour.directory_info().unwrap();
    assert_eq!(info.data_version, 3);
    assert!(!info.expired);
    assert!(
        info.development_key,
        "this repository signs with the development key"
    );
    let rebuilt = build_pack(SOURCE, info.data_version, info.built_at, info.expires_at).unwrap();
    let shipped = include_bytes!("../../fixtures/packs/directory.json");
    assert_eq!(
        rebuilt, shipped,
        "fixtures/packs/directory.json is out of date: rebuild it from fixtures/directory/source.json"
    );
    assert_eq!(
        directory::BASELINE.json().unwrap(),
        shipped,
        "the library carries fixtures/packs/directory.json, deflated"
    );
}

// ---- Opening hours ----

#[test]
fn bst_and_gmt_changeover_days() {
    let e = env();
    let calm_call = |at: &str| {
        ask(&e.harbour, at, |q| q.channels = vec![ChannelKind::Call])
            .options
            .into_iter()
            .find(|o| o.service_id == "calm")
            .unwrap()
    };
    // CALM is 17:00 to midnight. The same UTC time either side of the spring change:
    assert!(
        !calm_call("2026-03-28T16:30:00Z").open.is_open(),
        "16:30 GMT"
    );
    let sunday = calm_call("2026-03-29T16:30:00Z");
    assert!(sunday.open.is_open(), "17:30 BST");
    assert_eq!(sunday.open_text, "open now until midnight");
    // And the autumn change.
    assert!(
        calm_call("2026-10-24T16:30:00Z").open.is_open(),
        "17:30 BST"
    );
    assert!(
        !calm_call("2026-10-25T16:30:00Z").open.is_open(),
        "16:30 GMT"
    );
}

#[test]
fn last_new_contact_rule_in_results() {
    let e = env();
    // TIC+: Sunday to Thursday 17:00 to 21:00, no new contacts after 20:30. Monday, GMT.
    let tic = |at: &str| {
        ask(&e.harbour, at, |q| {
            q.age = Some(15);
            q.area = Some("Gloucestershire".into());
        })
        .options
        .into_iter()
        .find(|o| o.service_id == "tic-plus")
        .unwrap()
    };
    assert!(tic("2026-11-23T20:00:00Z").open.is_open());
    let late = tic("2026-11-23T20:45:00Z");
    assert!(matches!(late.open, OpenState::NoNewContacts { .. }));
    assert!(
        late.open_text.contains("opens 17:00 tomorrow"),
        "{}",
        late.open_text
    );
}

// ---- Eligibility ----

#[test]
fn age_eligibility() {
    let e = env();
    let at = "2026-11-23T12:00:00Z";
    let fifteen = ask(&e.harbour, at, |q| q.age = Some(15));
    assert!(ids(&fifteen).contains(&"childline"));
    assert!(
        !ids(&fifteen).contains(&"youngminds-parents-helpline"),
        "18+ only"
    );
    let twenty = ask(&e.harbour, at, |q| q.age = Some(20));
    assert!(!ids(&twenty).contains(&"childline"), "under 19 only");
    assert!(ids(&twenty).contains(&"papyrus-hopeline247"));
    let forty = ask(&e.harbour, at, |q| q.age = Some(40));
    assert!(
        !ids(&forty).contains(&"papyrus-hopeline247"),
        "under 35 only"
    );
    // Ages that differ by area: Kooth was 10–16 in Kent, 11–25 in Medway.
    let kent = ask(&e.harbour, at, |q| {
        q.age = Some(17);
        q.area = Some("Kent".into());
    });
    assert!(!ids(&kent).contains(&"kooth"));
    let medway = ask(&e.harbour, at, |q| {
        q.age = Some(17);
        q.area = Some("Medway".into());
    });
    let kooth = medway
        .options
        .iter()
        .find(|o| o.service_id == "kooth")
        .unwrap();
    assert!(kooth.why.contains("11–25"), "{}", kooth.why);
}

#[test]
fn area_eligibility_and_explanations() {
    let e = env();
    let at = "2026-11-21T03:00:00Z";
    let torbay = ask(&e.harbour, at, |q| q.area = Some("torbay council".into()));
    assert!(ids(&torbay).contains(&"dpt-first-response"));
    assert!(!ids(&torbay).contains(&"ghc-crisis-line"));
    let by_code = ask(&e.harbour, at, |q| q.area = Some("E10000013".into()));
    let ghc = by_code
        .options
        .iter()
        .find(|o| o.service_id == "ghc-crisis-line")
        .unwrap();
    assert_eq!(ghc.why, "for people aged 11 and over in Gloucestershire");
    assert!(ghc.local);
    // A name covering two authorities returns both and says so.
    let km = ask(&e.harbour, at, |q| q.area = Some("Kent and Medway".into()));
    assert!(matches!(&km.area, AreaMatch::Found { codes, .. } if codes.len() == 2));
    assert!(km.notes.iter().any(|n| n.contains("Kent and Medway")));
    // No area: national only, and a nudge to add one.
    let none = ask(&e.harbour, at, |_| {});
    assert!(none.options.iter().all(|o| !o.local));
    assert!(none.notes.iter().any(|n| n.contains("Add your area")));
    // An unknown area falls back to national services and says so, suggesting the postcode.
    let unknown = ask(&e.harbour, at, |q| q.area = Some("Atlantis".into()));
    assert!(matches!(
        unknown.area,
        AreaMatch::NotFound {
            why: NotFoundWhy::UnknownName,
            ..
        }
    ));
    assert!(unknown.options.iter().all(|o| !o.local));
    assert!(
        unknown
            .notes
            .iter()
            .any(|n| n.contains("Try your postcode"))
    );
    // A postcode outside every listed area names where it is, rather than guessing.
    let district = ask(&e.harbour, at, |q| q.area = Some("LS1 4AP".into()));
    match &district.area {
        AreaMatch::NotFound { note, why } => {
            assert_eq!(
                why,
                &NotFoundWhy::NoLocalServices {
                    name: Some("Leeds".into())
                }
            );
            assert!(
                note.contains("Leeds, where Harbour has no local services yet"),
                "{note}"
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(district.options.iter().all(|o| !o.local));
    // So does the council's name.
    let leeds = ask(&e.harbour, at, |q| q.area = Some("leeds".into()));
    assert!(
        leeds
            .notes
            .iter()
            .any(|n| n.starts_with("Leeds: no local services"))
    );
}

/// Towns and places people type find their council through the reviewed list (each with its
/// source, its districts checked against the ONS data by scripts/check_postcodes.sh), and the
/// districts of a covered county find the county (from the ONS lookup).
#[test]
fn towns_and_district_names_find_the_council() {
    let e = env();
    let at = "2026-11-21T03:00:00Z";
    for (typed, code) in [
        ("Torquay", "E06000027"),
        ("paignton", "E06000027"),
        ("BRIXHAM", "E06000027"),
        ("Cheltenham", "E10000013"),
        ("Gloucester", "E10000013"),
        ("Maidstone", "E10000016"),
        ("Exeter", "E10000008"),
        ("Chatham", "E06000035"),
        ("Twickenham", "E09000027"),
    ] {
        match ask(&e.harbour, at, |q| q.area = Some(typed.into())).area {
            AreaMatch::Found { codes, by, .. } => {
                assert_eq!(codes, [code], "{typed}");
                assert_eq!(by, harbour_core::MatchedBy::Place, "{typed}");
            }
            other => panic!("{typed}: {other:?}"),
        }
    }
    assert!(
        ids(&ask(&e.harbour, at, |q| q.area = Some("Torquay".into())))
            .contains(&"dpt-first-response")
    );
    // A name two places share shows the covered one and says how to get the other.
    for (typed, code, other) in [
        ("Gillingham", "E06000035", "Gillingham in Dorset"),
        ("Kingston", "E09000021", "Kingston upon Hull"),
        ("Richmond", "E09000027", "Richmond in North Yorkshire"),
    ] {
        match ask(&e.harbour, at, |q| q.area = Some(typed.into())).area {
            AreaMatch::Found { codes, note, .. } => {
                assert_eq!(codes, [code], "{typed}");
                let note = note.unwrap_or_default();
                assert!(
                    note.contains(&format!("If you mean {other}, type your postcode")),
                    "{note}"
                );
            }
            other => panic!("{typed}: {other:?}"),
        }
    }
    // A council's own name is still a name, not a place.
    match ask(&e.harbour, at, |q| {
        q.area = Some("Kingston upon Thames".into())
    })
    .area
    {
        AreaMatch::Found { by, note, .. } => {
            assert_eq!(by, harbour_core::MatchedBy::Name);
            assert_eq!(note, None);
        }
        other => panic!("{other:?}"),
    }
}

/// A whole postcode gives one council, from the pack's table of the split districts' units
/// (postcodes below are from the pinned ONS data).
#[test]
fn a_whole_postcode_gives_one_council() {
    let e = env();
    let at = "2026-11-21T03:00:00Z";
    let one = |input: &str| match ask(&e.harbour, at, |q| q.postcode = Some(input.into())).area {
        AreaMatch::Found { codes, by, note } => {
            assert_eq!(by, harbour_core::MatchedBy::Postcode, "{input}");
            assert_eq!(note, None, "{input}");
            codes
        }
        other => panic!("{input}: {other:?}"),
    };
    // TQ3: 93% Torbay, 7% South Hams (Devon). Each side gets its own council.
    assert_eq!(one("TQ3 1AA"), ["E06000027"]);
    assert_eq!(one("tq31br"), ["E10000008"]);
    assert_eq!(one(" TQ3  1DE "), ["E10000008"]);
    // TQ1's few Teignbridge addresses are Devon's.
    assert_eq!(one("TQ1 4FX"), ["E10000008"]);
    assert_eq!(one("TQ1 1AA"), ["E06000027"]);
    // GL12 is split between Gloucestershire and South Gloucestershire.
    assert_eq!(one("GL12 7AA"), ["E10000013"]);
    let south_glos = ask(&e.harbour, at, |q| q.postcode = Some("GL12 8AA".into()));
    assert!(matches!(
        south_glos.area,
        AreaMatch::NotFound {
            why: NotFoundWhy::NoLocalServices { .. },
            ..
        }
    ));
    assert!(south_glos.options.iter().all(|o| !o.local));
    // TN16: Kent, Bromley (named, no local services) and Tandridge.
    assert_eq!(one("TN16 1AA"), ["E10000016"]);
    let bromley = ask(&e.harbour, at, |q| q.postcode = Some("TN16 1BW".into()));
    match &bromley.area {
        AreaMatch::NotFound { why, note } => {
            assert_eq!(
                why,
                &NotFoundWhy::NoLocalServices {
                    name: Some("Bromley".into())
                }
            );
            assert!(note.starts_with("That postcode is in Bromley"), "{note}");
            assert!(
                !note.contains("1BW"),
                "the whole postcode is never repeated: {note}"
            );
        }
        other => panic!("{other:?}"),
    }
    // The South Hams side of TQ3 gets Devon's crisis service, and national help, not Torbay's.
    let south_hams = ask(&e.harbour, at, |q| q.postcode = Some("TQ3 1BR".into()));
    assert!(ids(&south_hams).contains(&"dpt-first-response"));
    assert!(ids(&south_hams).contains(&"samaritans"));
    // Not shaped like a postcode: a typed error, and nothing looked up.
    for nonsense in ["Torquay", "TQ1 1A", "12345", "TQ1 hello", "ÉÉÉ ÉÉÉ"] {
        let q = HelpQuery {
            postcode: Some(nonsense.into()),
            ..Default::default()
        };
        assert_eq!(
            e.harbour.help_now(&q).unwrap_err(),
            Error::NotAPostcode,
            "{nonsense}"
        );
    }
    // Shaped like one, but no such district: said, with national help.
    let zz = ask(&e.harbour, at, |q| q.postcode = Some("ZZ9 9ZZ".into()));
    assert!(matches!(
        zz.area,
        AreaMatch::NotFound {
            why: NotFoundWhy::UnknownPostcode,
            ..
        }
    ));
    check_never_empty(&zz);
}

/// The bundled pack's postcode districts, from the ONS Postcode Directory (pinned; the
/// test command checks the source against it: scripts/check_postcodes.sh).
#[test]
fn postcodes_find_the_council_and_a_split_district_says_so() {
    let e = env();
    let at = "2026-11-21T03:00:00Z";
    let found = |input: &str| match ask(&e.harbour, at, |q| q.area = Some(input.into())).area {
        AreaMatch::Found { codes, by, note } => {
            assert_eq!(by, harbour_core::MatchedBy::PostcodeDistrict, "{input}");
            (codes, note.unwrap_or_default())
        }
        other => panic!("{input}: {other:?}"),
    };
    // TQ1 is all but a few addresses Torbay: Torbay's services, and the few said.
    for typed in ["TQ1", "tq1", " TQ1 ", "TQ1 4"] {
        let (codes, note) = found(typed);
        assert_eq!(codes, ["E06000027"], "{typed}");
        assert!(note.contains("A few TQ1 addresses are in Devon"), "{note}");
    }
    assert!(
        ids(&ask(&e.harbour, at, |q| q.area = Some("TQ1".into()))).contains(&"dpt-first-response")
    );
    // TQ3 is split between Torbay and Devon (South Hams): both, with the shares, never a guess.
    let (codes, note) = found("TQ3");
    assert_eq!(codes, ["E06000027", "E10000008"]);
    assert!(
        note.contains("TQ3 is split: about 93% in Torbay, 7% in Devon"),
        "{note}"
    );
    assert!(note.contains("approximate"), "{note}");
    // A district mostly outside the listed areas shows the listed part and says the rest.
    let (codes, note) = found("TN16");
    assert_eq!(codes, ["E10000016"]);
    assert!(note.contains("About 31% of TN16 is in Kent"), "{note}");
    assert!(
        note.contains("The rest of TN16 is mostly in Bromley and Surrey"),
        "{note}"
    );
    assert!(
        note.contains("Your whole postcode gives the one council"),
        "{note}"
    );
    let (codes, _) = found("GL12");
    assert_eq!(codes, ["E10000013"]);
    // Every district the pack lists answers with areas it lists, and the whole list is there.
    let listed: serde_json::Value = serde_json::from_slice(SOURCE).unwrap();
    let districts = listed["postcode_districts"].as_array().unwrap();
    assert!(districts.len() > 250, "{}", districts.len());
    for d in districts {
        let (codes, _) = found(d["district"].as_str().unwrap());
        assert!(!codes.is_empty());
    }
    // Northern Ireland is not in the data, and says so.
    match ask(&e.harbour, at, |q| q.area = Some("BT1 1AA".into())).area {
        AreaMatch::NotFound { note, why } => {
            assert_eq!(why, NotFoundWhy::NorthernIreland);
            assert!(note.contains("Northern Ireland"), "{note}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_postcode_district_spanning_two_authorities_returns_both() {
    let e = env();
    // A pack whose districts carry no shares (as packs before the ONS data did).
    let (bytes, sig) = signed_pack(4, "2026-11-21T00:00:00Z", 30, |v| {
        v["postcode_districts"] = serde_json::json!([
            {"district": "TQ9", "areas": ["E06000027", "E10000008"], "source": "test fixture"}
        ]);
    });
    e.harbour.install_directory_pack(&bytes, &sig).unwrap();
    let answer = ask(&e.harbour, "2026-11-21T03:00:00Z", |q| {
        q.area = Some("tq9".into())
    });
    match &answer.area {
        AreaMatch::Found { codes, note, .. } => {
            assert_eq!(codes, &["E06000027", "E10000008"]);
            assert!(note.as_deref().unwrap().contains("Torbay and Devon"));
        }
        other => panic!("{other:?}"),
    }
    assert!(ids(&answer).contains(&"dpt-first-response"));
    assert!(!ids(&answer).contains(&"release-the-pressure"));
}

#[test]
fn professionals_only_entries_need_asking_for() {
    let e = env();
    let at = "2026-11-23T10:00:00Z";
    let young = ask(&e.harbour, at, |q| q.area = Some("Gloucestershire".into()));
    assert!(!ids(&young).contains(&"glos-cyps-practitioner-advice-line"));
    let worker = ask(&e.harbour, at, |q| {
        q.area = Some("Gloucestershire".into());
        q.for_professionals = true;
    });
    let line = worker
        .options
        .iter()
        .find(|o| o.service_id == "glos-cyps-practitioner-advice-line")
        .unwrap();
    assert!(line.why.contains("professionals only"));
}

#[test]
fn self_harm_and_suicide_are_separate_paths() {
    let e = env();
    let sh = ask(&e.harbour, "2026-11-23T12:00:00Z", |q| {
        q.topics = vec![Topic::SelfHarm]
    });
    assert!(
        !ids(&sh).contains(&"papyrus-hopeline247"),
        "suicide-only line under self-harm"
    );
    assert!(ids(&sh).contains(&"calm-harm"));
    let st = ask(&e.harbour, "2026-11-23T12:00:00Z", |q| {
        q.topics = vec![Topic::SuicidalThoughts]
    });
    assert!(ids(&st).contains(&"papyrus-hopeline247"));
    assert!(
        !ids(&st).contains(&"calm-harm"),
        "self-harm-only app under suicidal thoughts"
    );
}

#[test]
fn a_defunct_service_is_never_offered() {
    let e = env();
    for area in [None, Some("Gloucestershire"), Some("E10000013")] {
        for at in ["2026-11-21T03:00:00Z", "2026-11-23T15:00:00Z"] {
            for by in [vec![], vec![ChannelKind::Call]] {
                let a = ask(&e.harbour, at, |q| {
                    q.area = area.map(Into::into);
                    q.channels = by.clone();
                    q.for_professionals = true;
                });
                assert!(!ids(&a).contains(&"glos-self-harm-helpline"));
                assert!(
                    a.options
                        .iter()
                        .all(|o| o.contact.as_deref() != Some("0808 801 0606"))
                );
            }
        }
    }
    let detail = e.harbour.service("glos-self-harm-helpline", None).unwrap();
    assert!(detail.options.is_empty());
    assert!(detail.service.status_note.unwrap().contains("closed"));
    assert_eq!(
        detail.service.redirect_to,
        ["ghc-crisis-line", "samaritans"]
    );
}

#[test]
fn stale_entries_are_shown_and_flagged() {
    let e = env();
    e.clock.set(ts("2027-08-01T12:00:00Z"));
    let a = e.harbour.help_now(&HelpQuery::default()).unwrap();
    let sam = a
        .options
        .iter()
        .find(|o| o.service_id == "samaritans")
        .unwrap();
    assert!(sam.stale);
    assert_eq!(sam.checked_text, "last checked November 2026");
}

// ---- Never empty ----

fn check_never_empty(a: &HelpNow) {
    assert!(
        a.emergency
            .iter()
            .any(|o| o.contact.as_deref() == Some("999")),
        "999 missing"
    );
    assert!(a.emergency.iter().all(|o| o.kind == ServiceKind::Emergency));
    assert!(!a.options.is_empty(), "no options");
    assert!(
        a.options
            .iter()
            .any(|o| o.open.is_open() && o.open == OpenState::AlwaysOpen),
        "nothing always open"
    );
    // Open before closed, whatever else ranks them.
    let first_closed = a.options.iter().position(|o| !o.open.is_open());
    let last_open = a.options.iter().rposition(|o| o.open.is_open());
    if let (Some(c), Some(o)) = (first_closed, last_open) {
        assert!(o < c, "an open option after a closed one");
    }
    // Only what is open now promises a conversation now.
    for o in a.options.iter().filter(|o| !o.open.is_open()) {
        assert!(
            !o.response_text.split_whitespace().any(|w| w == "now"),
            "{} is closed but says \"{}\"",
            o.service_id,
            o.response_text
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]
    #[test]
    fn results_are_never_empty(
        secs in 1_767_225_600i64..1_830_297_600,
        age in proptest::option::of(0u8..100),
        area in proptest::option::of(prop_oneof![
            Just("Torbay"), Just("Kent"), Just("Medway"), Just("Gloucestershire"), Just("Sutton"),
            Just("E09000021"), Just("TQ1"), Just("Nowhere"), Just("")
        ]),
        by in proptest::collection::vec(prop_oneof![
            Just(ChannelKind::Call), Just(ChannelKind::Text), Just(ChannelKind::Webchat),
            Just(ChannelKind::Email), Just(ChannelKind::InPerson), Just(ChannelKind::App)
        ], 0..3),
        topics in proptest::collection::vec(prop_oneof![
            Just(Topic::SelfHarm), Just(Topic::SuicidalThoughts), Just(Topic::Eating),
            Just(Topic::Bereavement), Just(Topic::Lgbtq)
        ], 0..2),
        pro in any::<bool>(),
        parent in any::<bool>(),
    ) {
        let e = env();
        let q = HelpQuery {
            at: Some(Timestamp::from_second(secs).unwrap()),
            age, area: area.map(Into::into), postcode: None, channels: by, topics, for_professionals: pro,
            for_parents: parent,
        };
        check_never_empty(&e.harbour.help_now(&q).unwrap());
    }
}

// ---- Packs ----

#[test]
fn a_newer_signed_pack_is_installed_and_kept() {
    let e = env();
    let (bytes, sig) = signed_pack(6, "2026-11-21T00:00:00Z", 180, |v| {
        v["services"][2]["description"] = "Updated description".into();
    });
    let info = e.harbour.install_directory_pack(&bytes, &sig).unwrap();
    assert_eq!(info.data_version, 6);
    // Survives a restart: a new handle on the same data directory loads it.
    let again = Harbour::open_with_clock(
        harbour_tests::testing_config(e._dir.path()),
        Arc::new(MemoryKeyStore::new()),
        e.clock.clone(),
    )
    .unwrap();
    assert_eq!(again.directory_info().unwrap().data_version, 6);
    assert_eq!(
        again
            .service("samaritans", None)
            .unwrap()
            .service
            .description,
        "Updated description"
    );
}

fn essentials_still_there(h: &Harbour) {
    let a = h
        .help_now(&HelpQuery {
            age: Some(15),
            ..HelpQuery::default()
        })
        .unwrap();
    check_never_empty(&a);
    for id in ["nhs-111-mental-health", "samaritans", "childline"] {
        assert!(ids(&a).contains(&id), "{id} hidden");
    }
}

#[test]
fn bad_packs_are_refused_and_the_last_good_one_stays() {
    let e = env();
    let (good, good_sig) = signed_pack(4, "2026-11-21T00:00:00Z", 180, |_| {});
    e.harbour.install_directory_pack(&good, &good_sig).unwrap();

    let refuse = |bytes: &[u8], sig: &[u8]| -> Error {
        let err = e.harbour.install_directory_pack(bytes, sig).unwrap_err();
        assert_eq!(
            e.harbour.directory_info().unwrap().data_version,
            4,
            "last good pack replaced"
        );
        essentials_still_there(&e.harbour);
        err
    };

    // Unsigned, or signed by someone else.
    let (newer, newer_sig) = signed_pack(5, "2026-11-21T00:00:00Z", 180, |_| {});
    assert_eq!(refuse(&newer, b""), Error::Pack(PackError::BadSignature));
    assert_eq!(
        refuse(&newer, &good_sig),
        Error::Pack(PackError::BadSignature)
    );
    // Tampered: a changed byte anywhere in the pack, or in the signature.
    for i in (0..newer.len()).step_by(97) {
        let mut bad = newer.clone();
        bad[i] ^= 0x01;
        assert!(matches!(refuse(&bad, &newer_sig), Error::Pack(_)));
    }
    // Every flipped byte of the signature file outside its untrusted comment line (which no
    // signature covers, by minisign's design) is refused.
    let first_line = newer_sig.iter().position(|b| *b == b'\n').unwrap();
    for i in first_line..newer_sig.len() {
        let mut bad = newer_sig.clone();
        bad[i] ^= 0x01;
        assert!(
            matches!(refuse(&newer, &bad), Error::Pack(_)),
            "signature byte {i}"
        );
    }
    // Older or equal versions.
    let (older, older_sig) = signed_pack(2, "2026-11-21T00:00:00Z", 180, |_| {});
    assert_eq!(
        refuse(&older, &older_sig),
        Error::Pack(PackError::NotNewer {
            offered: 2,
            current: 4
        })
    );
    // Expired.
    let (expired, expired_sig) = signed_pack(9, "2025-01-01T00:00:00Z", 30, |_| {});
    assert_eq!(
        refuse(&expired, &expired_sig),
        Error::Pack(PackError::Expired)
    );
    // Validly signed but missing an essential service.
    let (hollow, hollow_sig) = {
        let mut v: serde_json::Value = serde_json::from_slice(SOURCE).unwrap();
        v["services"]
            .as_array_mut()
            .unwrap()
            .retain(|s| s["id"] != "childline");
        let content = harbour_core::authoring::directory::DirectoryContent::deserialize(&v);
        let bytes = harbour_publish::build(
            harbour_core::PackKind::Directory,
            10,
            ts("2026-11-21T00:00:00Z"),
            ts("2027-11-21T00:00:00Z"),
            &content,
        )
        .unwrap();
        let sig = packs::sign(&bytes, "hollow");
        (bytes, sig)
    };
    assert!(matches!(
        refuse(&hollow, &hollow_sig),
        Error::Pack(PackError::Invalid(_))
    ));
    // Not a pack at all.
    assert!(matches!(refuse(b"[]", &newer_sig), Error::Pack(_)));
}

#[test]
fn a_pack_must_hold_an_always_open_service_anyone_may_use() {
    // Help now falls back on such a service when nothing else fits; a service only
    // professionals may use is no fallback for a young person, so it must not satisfy the check.
    let mut source: serde_json::Value = serde_json::from_slice(SOURCE).unwrap();
    for s in source["services"].as_array_mut().unwrap() {
        s["eligibility"]["professionals_only"] = true.into();
    }
    let at = ts("2026-11-21T00:00:00Z");
    let problems = build_pack(
        &serde_json::to_vec(&source).unwrap(),
        1,
        at,
        ts("2027-11-21T00:00:00Z"),
    )
    .unwrap_err();
    assert!(
        problems
            .iter()
            .any(|p| p == "no always-open live service for anyone in the UK"),
        "{problems:?}"
    );
}

/// The postcode tables and places are checked like every other entry: a malformed or unknown
/// entry is refused with a problem naming it, before anything is signed.
#[test]
fn bad_postcode_tables_and_places_are_refused() {
    let at = ts("2026-11-21T00:00:00Z");
    let problems = |edit: &dyn Fn(&mut serde_json::Value)| {
        let mut source: serde_json::Value = serde_json::from_slice(SOURCE).unwrap();
        edit(&mut source);
        build_pack(
            &serde_json::to_vec(&source).unwrap(),
            1,
            at,
            ts("2027-11-21T00:00:00Z"),
        )
        .unwrap_err()
    };
    type Edit = dyn Fn(&mut serde_json::Value);
    let cases: [(&Edit, &str); 8] = [
        (
            &|v| v["postcode_units"] = "TQ31=E06000027 E99999999:AB".into(),
            "postcode units",
        ),
        (
            &|v| v["postcode_units"] = "TQ31=E06000027 E10000008:A".into(),
            "postcode units",
        ),
        (
            &|v| v["postcode_units"] = "TQ3é=E06000027".into(),
            "postcode units",
        ),
        (
            &|v| v["other_districts"] = "E99999999 LS1".into(),
            "other districts of E99999999",
        ),
        (
            &|v| v["places"][0]["area"] = "E08000035".into(),
            "place Torquay",
        ),
        (&|v| v["places"][0]["source"] = "".into(), "place Torquay"),
        (
            &|v| v["other_areas"][0][0] = "E06000027".into(),
            "a listed area",
        ),
        (&|v| v["names_source"] = "".into(), "names_source"),
    ];
    for (edit, want) in cases {
        let ps = problems(edit);
        assert!(ps.iter().any(|p| p.contains(want)), "{want}: {ps:?}");
    }
}

trait FromValue {
    fn deserialize(v: &serde_json::Value) -> Self;
}

impl FromValue for harbour_core::authoring::directory::DirectoryContent {
    fn deserialize(v: &serde_json::Value) -> Self {
        serde_json::from_value(v.clone()).unwrap()
    }
}

#[test]
fn an_expired_pack_in_use_is_shown_with_a_warning_never_hidden() {
    let e = env();
    e.clock.set(ts("2028-06-01T12:00:00Z"));
    assert!(e.harbour.directory_info().unwrap().expired);
    let a = e
        .harbour
        .help_now(&HelpQuery {
            age: Some(15),
            ..HelpQuery::default()
        })
        .unwrap();
    assert!(a.notes.iter().any(|n| n.contains("may be out of date")));
    essentials_still_there(&e.harbour);
}

#[test]
fn a_damaged_installed_pack_falls_back_to_the_baseline() {
    let e = env();
    let (bytes, sig) = signed_pack(7, "2026-11-21T00:00:00Z", 180, |_| {});
    e.harbour.install_directory_pack(&bytes, &sig).unwrap();
    let file = e._dir.path().join("packs").join("directory.pack");
    let mut raw = std::fs::read(&file).unwrap();
    let n = raw.len();
    raw[n - 10] ^= 0xff;
    std::fs::write(&file, raw).unwrap();
    let reopened = Harbour::open_with_clock(
        harbour_tests::testing_config(e._dir.path()),
        Arc::new(MemoryKeyStore::new()),
        e.clock.clone(),
    )
    .unwrap();
    assert_eq!(reopened.directory_info().unwrap().data_version, 3);
    essentials_still_there(&reopened);
}

// ---- HSDS ----

#[test]
fn hsds_import_of_the_real_example() {
    let input = include_bytes!("../../fixtures/hsds/service_full.json");
    let out = harbour_publish::hsds::import(input, jiff::civil::date(2026, 11, 21)).unwrap();
    assert_eq!(out.services.len(), 1);
    assert_eq!(out.organisations.len(), 1);
    let s = &out.services[0];
    assert_eq!(s.name, "Community Counselling");
    assert_eq!(s.eligibility.min_age, Some(12));
    assert_eq!(s.provenance.last_checked, jiff::civil::date(2005, 1, 1));
    let call = s
        .channels
        .iter()
        .find(|c| c.kind == ChannelKind::Call)
        .unwrap();
    assert_eq!(call.value.as_deref(), Some("00000 000000"));
    for field in [
        "service[0].fees_description",
        "service[0].service_at_locations",
        "service[0].phones[0].extension",
    ] {
        assert!(
            out.unmapped_fields.iter().any(|f| f == field),
            "{field} not reported"
        );
    }
    assert!(out.to_review.iter().any(|r| r.contains("UTC offset")));
    // The simple example too, which has no phones at all.
    let simple = include_bytes!("../../fixtures/hsds/service_simple.json");
    let out = harbour_publish::hsds::import(simple, jiff::civil::date(2026, 11, 21)).unwrap();
    assert!(
        out.services[0]
            .channels
            .iter()
            .all(|c| c.kind != ChannelKind::Call)
    );
}

// ---- Wording, order and who a line is for (the clinical review's findings) ----

#[test]
fn parents_lines_are_for_parents_and_workers_not_a_young_persons_crisis_list() {
    let e = env();
    let parents_lines = ["youngminds-parents-helpline", "nspcc-helpline-adults"];
    // A Tuesday at 11:00, when both lines are open.
    let at = "2026-11-24T11:00:00Z";
    let young = ask(&e.harbour, at, |q| q.age = Some(19));
    for id in parents_lines {
        assert!(!ids(&young).contains(&id), "{id} in a 19-year-old's list");
    }
    let parent = ask(&e.harbour, at, |q| q.for_parents = true);
    assert!(
        ids(&parent).contains(&"youngminds-parents-helpline"),
        "{:?}",
        ids(&parent)
    );
    let worker = ask(&e.harbour, at, |q| q.for_professionals = true);
    assert!(ids(&worker).contains(&"youngminds-parents-helpline"));
}

#[test]
fn text_links_carry_their_keyword_ready_to_send() {
    let e = env();
    let a = ask(&e.harbour, "2026-11-21T03:00:00Z", |q| {
        q.channels = vec![ChannelKind::Text];
        q.area = Some("Kent".into());
    });
    let uri = |id: &str| {
        a.options
            .iter()
            .find(|o| o.service_id == id)
            .and_then(|o| o.uri.clone())
            .unwrap_or_default()
    };
    assert_eq!(uri("shout"), "sms:85258?body=SHOUT");
    assert_eq!(uri("youngminds-text"), "sms:85258?body=YM");
    assert_eq!(uri("release-the-pressure"), "sms:85258?body=KENT");
}

#[test]
fn closed_lines_never_promise_now_and_open_ones_come_first() {
    let e = env();
    // 03:00 on a Saturday: CALL and the Mind Infoline are closed.
    let a = ask(&e.harbour, "2026-11-21T03:00:00Z", |q| {
        q.channels = vec![ChannelKind::Call]
    });
    check_never_empty(&a);
    let calm = a.options.iter().find(|o| o.service_id == "calm").unwrap();
    assert!(!calm.open.is_open());
    assert!(
        !calm.response_text.split_whitespace().any(|w| w == "now"),
        "{}",
        calm.response_text
    );
    assert!(calm.open_text.contains("opens"), "{}", calm.open_text);
}

#[test]
fn kooth_is_national_with_ages_by_area_and_safe_havens_keep_their_real_hours() {
    let e = env();
    // Kooth for a 20-year-old in Leeds-like "no area": national, within 10–25.
    let far = ask(&e.harbour, "2026-11-24T13:00:00Z", |q| q.age = Some(20));
    assert!(ids(&far).contains(&"kooth"), "{:?}", ids(&far));
    // In Kent it was for 10 to 16-year-olds.
    let kent = ask(&e.harbour, "2026-11-24T13:00:00Z", |q| {
        q.age = Some(20);
        q.area = Some("Kent".into());
    });
    assert!(!ids(&kent).contains(&"kooth"));
    // 03:00: the Medway Safe Haven (24 hours) and the Thanet one are open; the others are not.
    let night = ask(&e.harbour, "2026-11-24T03:00:00Z", |q| {
        q.age = Some(30);
        q.area = Some("Medway".into());
        q.channels = vec![ChannelKind::InPerson];
    });
    let medway = night
        .options
        .iter()
        .find(|o| o.service_id == "medway-safe-haven")
        .unwrap();
    assert_eq!(medway.open, OpenState::AlwaysOpen);
    let havens: Vec<_> = night
        .options
        .iter()
        .filter(|o| o.service_id == "safe-havens-kent-medway")
        .collect();
    assert!(
        havens
            .iter()
            .any(|o| o.how.contains("Ramsgate") && o.open.is_open())
    );
    assert!(
        havens
            .iter()
            .any(|o| o.how.contains("Maidstone") && !o.open.is_open())
    );
}

#[test]
fn directory_text_is_linted_like_card_text() {
    let content: directory::DirectoryContent = serde_json::from_slice(SOURCE).unwrap();
    assert_eq!(directory::text_problems(&content), Vec::<String>::new());
    let mut bad = content.clone();
    bad.services[0].description = "Not for attention seeking.".into();
    assert!(!directory::text_problems(&bad).is_empty());
}
