//! Help-now benchmarks: the bundled pack (load, verify, one query) and a generated pack of
//! 20,000 services (load; query latency percentiles).

use std::sync::Arc;

use harbour_core::{ChannelKind, HelpQuery, Topic};
use harbour_core::{Harbour, MemoryKeyStore};
use harbour_publish::SecretKey;
use harbour_publish::directory_pack as build_pack;
use serde_json::{Value, json};

use crate::stats::{Summary, summarise, time};

const SOURCE: &[u8] = include_bytes!("../../fixtures/directory/source.json");
const DEV_KEY: &str = include_str!("../../fixtures/keys/dev-pack-key.sec");

fn harbour(dir: &std::path::Path) -> Harbour {
    Harbour::open(
        harbour_tests::testing_config(dir),
        Arc::new(MemoryKeyStore::new()),
    )
    .expect("open")
}

fn query(i: usize) -> HelpQuery {
    let areas = [
        "Torbay",
        "Kent",
        "TQ3 1AA",
        "Gloucestershire",
        "Sutton",
        "TN16",
        "E09000021",
        "Nowhere",
    ];
    HelpQuery {
        at: Some(
            jiff::Timestamp::from_second(1_795_230_000 + (i as i64 * 7919) % 604_800)
                .expect("time"),
        ),
        age: Some((10 + i % 30) as u8),
        area: Some(areas[i % areas.len()].to_owned()),
        postcode: None,
        channels: if i.is_multiple_of(3) {
            vec![ChannelKind::Text]
        } else {
            vec![]
        },
        topics: if i.is_multiple_of(5) {
            vec![Topic::SelfHarm]
        } else {
            vec![]
        },
        for_professionals: i.is_multiple_of(7),
        for_parents: i.is_multiple_of(5),
    }
}

/// Fresh process state each run: open Harbour, load and verify the bundled pack, one query.
pub fn bundled(runs: usize) -> Summary {
    let mut samples = Vec::with_capacity(runs);
    for i in 0..runs {
        let dir = tempfile::tempdir().expect("tempdir");
        let (answer, d) = time(|| {
            let h = harbour(dir.path());
            h.help_now(&query(i)).expect("help_now")
        });
        assert!(!answer.options.is_empty());
        samples.push(d);
    }
    summarise(samples)
}

/// One postcode lookup in the bundled pack (`find_area`): every listed district, as a full
/// postcode and as a district, `rounds` times over.
pub fn postcode_lookup(rounds: usize) -> Summary {
    let dir = tempfile::tempdir().expect("tempdir");
    let h = harbour(dir.path());
    let v: Value = serde_json::from_slice(SOURCE).expect("source");
    let districts: Vec<String> = v["postcode_districts"]
        .as_array()
        .expect("districts")
        .iter()
        .map(|d| d["district"].as_str().expect("district").to_owned())
        .collect();
    assert!(
        !districts.is_empty(),
        "the bundled pack lists no postcode districts"
    );
    let mut samples = Vec::with_capacity(rounds * districts.len() * 2);
    for _ in 0..rounds {
        for d in &districts {
            for typed in [format!("{d} 1AA"), d.clone()] {
                let (found, t) = time(|| h.find_area(&typed).expect("find_area"));
                // A whole postcode may lie in a council without local services: it is still
                // placed, never unknown.
                use harbour_core::{AreaMatch, NotFoundWhy};
                assert!(
                    matches!(
                        found,
                        AreaMatch::Found { .. }
                            | AreaMatch::NotFound {
                                why: NotFoundWhy::NoLocalServices { .. },
                                ..
                            }
                    ),
                    "{typed}"
                );
                samples.push(t);
            }
        }
    }
    summarise(samples)
}

/// A source with the real services plus `n` generated local ones spread over 350 areas.
pub fn generated_source(n: usize) -> Vec<u8> {
    let mut v: Value = serde_json::from_slice(SOURCE).expect("source");
    let areas = v["areas"].as_array_mut().expect("areas");
    for a in 0..350 {
        areas.push(json!({
            "code": format!("E{:08}", 90_000_000 + a), "name": format!("Generated area {a}"),
            "aliases": [], "groups": [], "code_verified": false
        }));
    }
    let services = v["services"].as_array_mut().expect("services");
    let kinds = [
        "crisis_line",
        "listening_line",
        "online_counselling",
        "advice_line",
        "walk_in",
    ];
    for i in 0..n {
        let area = format!("E{:08}", 90_000_000 + i % 350);
        let hours = if i % 3 == 0 {
            json!("always")
        } else {
            json!({"weekly": {"windows": [
                {"days": ["mon", "tue", "wed", "thu", "fri"], "opens": "09:00", "closes": "17:00", "last_new_contact": null},
                {"days": ["sat"], "opens": "18:00", "closes": "02:00", "last_new_contact": "01:30"}]}})
        };
        services.push(json!({
            "id": format!("generated-{i}"), "organisation": "samaritans",
            "name": format!("Generated service {i}"),
            "description": "A generated service for benchmarks, with a description of ordinary length for a local support service.",
            "kind": kinds[i % kinds.len()], "status": "active", "status_note": null, "redirect_to": [],
            "topics": ["self_harm", "emotional_support"],
            "eligibility": {"min_age": (i % 3 == 0).then_some(11), "max_age": (i % 4 == 0).then_some(25),
                "age_by_area": [], "for_groups": [], "professionals_only": i % 50 == 0, "gp_in_area": false,
                "description": "young people in the area"},
            "coverage": {"areas": [area]},
            "hours": hours,
            "channels": [
                {"kind": "call", "value": format!("0800 {:03} {:04}", i % 1000, i % 10000), "keywords": [],
                 "instructions": null, "response": "live", "response_note": null, "hours": null, "locations": [], "checked_by": null},
                {"kind": "email", "value": format!("help{i}@example.org"), "keywords": [], "instructions": null,
                 "response": "replies_later", "response_note": null, "hours": null, "locations": [], "checked_by": null}],
            "provenance": {"sources": ["generated"], "last_checked": "2026-11-01", "method": "secondary_page", "conflicts": []}
        }));
    }
    serde_json::to_vec(&v).expect("json")
}

pub struct Generated {
    pub services: usize,
    pub pack_bytes: usize,
    pub load: Summary,
    pub query: Summary,
}

/// Builds and signs a pack with `n` generated services, installs it, then times loading it
/// in a fresh `Harbour` (verify, parse, validate, index) and `queries` help-now queries.
pub fn generated(n: usize, load_runs: usize, queries: usize) -> Generated {
    let built = jiff::Timestamp::now();
    let expires = built
        .checked_add(jiff::SignedDuration::from_hours(24 * 30))
        .expect("time");
    let bytes = match build_pack(&generated_source(n), 1000, built, expires) {
        Ok(b) => b,
        Err(problems) => panic!(
            "generated pack is invalid: {} problems, first {:?}",
            problems.len(),
            problems.first()
        ),
    };
    let sig = SecretKey::parse(DEV_KEY)
        .expect("key")
        .sign(&bytes, "benchmark")
        .expect("sign");
    let dir = tempfile::tempdir().expect("tempdir");
    harbour(dir.path())
        .install_directory_pack(&bytes, sig.as_bytes())
        .expect("install");

    let mut loads = Vec::with_capacity(load_runs);
    let mut last = None;
    for _ in 0..load_runs {
        let h = harbour(dir.path());
        let (info, d) = time(|| h.directory_info().expect("load"));
        assert_eq!(info.data_version, 1000);
        loads.push(d);
        last = Some(h);
    }
    let h = last.expect("at least one load");
    let mut samples = Vec::with_capacity(queries);
    for i in 0..queries {
        let (a, d) = time(|| h.help_now(&query(i)).expect("query"));
        assert!(!a.options.is_empty());
        samples.push(d);
    }
    Generated {
        services: n + serde_json::from_slice::<Value>(SOURCE).expect("source")["services"]
            .as_array()
            .map_or(0, Vec::len),
        pack_bytes: bytes.len(),
        load: summarise(loads),
        query: summarise(samples),
    }
}

/// Where the time goes when a large pack loads: prints one line per phase.
pub fn load_phases(n: usize) {
    use blake2::{Blake2b512, Digest};
    use harbour_core::authoring::directory::{self, Directory, DirectoryContent};
    use harbour_core::authoring::pack::Pack;
    let built = jiff::Timestamp::now();
    let expires = built
        .checked_add(jiff::SignedDuration::from_hours(24))
        .expect("time");
    let bytes = build_pack(&generated_source(n), 1, built, expires).expect("valid");
    let (_, hash) = time(|| Blake2b512::digest(&bytes));
    let (pack, parse) =
        time(|| serde_json::from_slice::<Pack<DirectoryContent>>(&bytes).expect("parse"));
    let (problems, check) = time(|| directory::problems(&pack.content));
    assert!(problems.is_empty());
    let (_d, index) = time(|| Directory::from(pack.content));
    println!(
        "load phases for {n} services ({:.1} MB): BLAKE2b prehash {:.1} ms, JSON parse {:.1} ms, validate {:.1} ms, index {:.1} ms",
        bytes.len() as f64 / 1e6,
        crate::stats::ms(hash),
        crate::stats::ms(parse),
        crate::stats::ms(check),
        crate::stats::ms(index)
    );
}
