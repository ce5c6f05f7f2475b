//! `harbour help-now`, `services`, `areas` and `pack …`, run as real processes.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::process::{Command, Output};

mod common;

use common::{json, ok};

fn harbour(dir: &Path, args: &[&str]) -> Output {
    common::run(dir, None, args)
}

fn repo() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
}

/// The README's main command, at a fixed night-time hour.
const TORBAY_BY_TEXT_AT_3AM: &[&str] = &[
    "help-now",
    "--age",
    "15",
    "--area",
    "Torbay",
    "--by",
    "text",
    "--at",
    "2026-11-21T03:00:00Z",
];

#[test]
fn help_now_needs_no_vault_and_no_secret() {
    let d = tempfile::tempdir().unwrap();
    let text = ok(d.path(), TORBAY_BY_TEXT_AT_3AM);
    assert!(text.contains("Call 999"));
    assert!(text.contains("Text SHOUT to 85258"));
    assert!(text.contains("open all the time"));
    let v = json(d.path(), TORBAY_BY_TEXT_AT_3AM);
    assert_eq!(v["emergency"][0]["contact"], "999");
    let options = v["options"].as_array().unwrap();
    assert!(!options.is_empty());
    assert!(options.iter().all(|o| o["channel"] == "text"));
    assert!(options.iter().any(|o| o["open"]["state"] == "always_open"));
    // Nothing was created: no vault, no data directory.
    assert!(!d.path().join("data").join("harbour.sqlite3").exists());
}

#[test]
fn help_now_filters_and_explains() {
    let d = tempfile::tempdir().unwrap();
    let v = json(
        d.path(),
        &[
            "help-now",
            "--age",
            "15",
            "--area",
            "gloucestershire",
            "--at",
            "2026-11-23T20:45:00Z",
        ],
    );
    let tic = v["options"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["service_id"] == "tic-plus")
        .unwrap();
    assert_eq!(tic["open"]["state"], "no_new_contacts");
    assert_eq!(tic["why"], "for 9–21-year-olds in Gloucestershire");
    let pro = json(
        d.path(),
        &[
            "help-now",
            "--area",
            "gloucestershire",
            "--for-professionals",
            "--at",
            "2026-11-23T10:00:00Z",
        ],
    );
    assert!(
        pro["options"]
            .as_array()
            .unwrap()
            .iter()
            .any(|o| o["service_id"] == "glos-cyps-practitioner-advice-line")
    );
    let unknown = json(d.path(), &["help-now", "--area", "Narnia"]);
    assert_eq!(unknown["area"]["found"], false);
    assert!(!unknown["options"].as_array().unwrap().is_empty());
    assert_eq!(
        harbour(d.path(), &["help-now", "--at", "yesterday"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        harbour(d.path(), &["help-now", "--by", "pigeon"])
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn services_show_and_areas() {
    let d = tempfile::tempdir().unwrap();
    let s = json(d.path(), &["services", "show", "glos-self-harm-helpline"]);
    assert_eq!(s["status"], "Defunct");
    assert!(s["options"].as_array().unwrap().is_empty());
    assert!(ok(d.path(), &["services", "show", "samaritans"]).contains("Call 116 123"));
    assert_eq!(
        harbour(d.path(), &["services", "show", "nope"])
            .status
            .code(),
        Some(6)
    );
    let areas = json(d.path(), &["areas"]);
    assert_eq!(areas.as_array().unwrap().len(), 11);
    assert!(ok(d.path(), &["areas"]).contains("E06000027  Torbay"));
}

#[test]
fn pack_build_sign_verify_with_the_minisign_tool() {
    let d = tempfile::tempdir().unwrap();
    let pack = d.path().join("directory.json");
    let source = repo().join("fixtures/directory/source.json");
    let key = repo().join("fixtures/keys/dev-pack-key.sec");
    let pubkey = repo().join("fixtures/keys/dev-pack-key.pub");
    ok(
        d.path(),
        &[
            "pack",
            "build",
            "directory",
            "--source",
            source.to_str().unwrap(),
            "--data-version",
            "4",
            "--out",
            pack.to_str().unwrap(),
        ],
    );
    // Data versions only increase.
    let again = harbour(
        d.path(),
        &[
            "pack",
            "build",
            "directory",
            "--source",
            source.to_str().unwrap(),
            "--data-version",
            "4",
            "--out",
            pack.to_str().unwrap(),
        ],
    );
    assert_eq!(again.status.code(), Some(2));
    ok(
        d.path(),
        &[
            "pack",
            "sign",
            pack.to_str().unwrap(),
            "--key",
            key.to_str().unwrap(),
        ],
    );
    assert!(ok(d.path(), &["pack", "verify", pack.to_str().unwrap()]).contains("signature OK"));

    // The standard minisign tool agrees (Debian package `minisign`; scripts/test.sh installs it).
    let minisign = Command::new("minisign")
        .args([
            "-Vm",
            pack.to_str().unwrap(),
            "-p",
            pubkey.to_str().unwrap(),
        ])
        .output()
        .expect("the minisign tool is needed for this test: apt-get install minisign");
    assert!(
        minisign.status.success(),
        "{}",
        String::from_utf8_lossy(&minisign.stderr)
    );
    assert!(String::from_utf8_lossy(&minisign.stdout).contains("data_version:4"));

    // A changed pack fails both.
    let mut bytes = std::fs::read(&pack).unwrap();
    bytes[100] ^= 1;
    std::fs::write(&pack, &bytes).unwrap();
    assert_eq!(
        harbour(d.path(), &["pack", "verify", pack.to_str().unwrap()])
            .status
            .code(),
        Some(5)
    );
    let minisign = Command::new("minisign")
        .args([
            "-Vm",
            pack.to_str().unwrap(),
            "-p",
            pubkey.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(!minisign.status.success());
    bytes[100] ^= 1;
    std::fs::write(&pack, &bytes).unwrap();

    // Install it, and it is in use.
    let info = json(d.path(), &["pack", "install", pack.to_str().unwrap()]);
    assert_eq!(info["data_version"], 4);
    assert_eq!(json(d.path(), &["pack", "info"])["source"], "installed");
    // An older one is refused with the tampered/refused exit code.
    assert_eq!(
        harbour(d.path(), &["pack", "install", pack.to_str().unwrap()])
            .status
            .code(),
        Some(5)
    );
}

#[test]
fn a_source_with_problems_is_refused_with_every_problem_listed() {
    let d = tempfile::tempdir().unwrap();
    let mut v: serde_json::Value = serde_json::from_slice(
        &std::fs::read(repo().join("fixtures/directory/source.json")).unwrap(),
    )
    .unwrap();
    v["services"][2]["organisation"] = "nobody".into();
    v["services"][3]["channels"][0]["value"] = "call me".into();
    let src = d.path().join("bad.json");
    std::fs::write(&src, serde_json::to_vec(&v).unwrap()).unwrap();
    let out = harbour(
        d.path(),
        &[
            "pack",
            "build",
            "directory",
            "--source",
            src.to_str().unwrap(),
            "--data-version",
            "9",
            "--out",
            d.path().join("x.json").to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("unknown organisation nobody"), "{err}");
    assert!(err.contains("not in the expected form"), "{err}");
    assert!(!d.path().join("x.json").exists());
}

#[test]
fn hsds_import_writes_a_review_file() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("review.json");
    let input = repo().join("fixtures/hsds/service_full.json");
    let text = ok(
        d.path(),
        &[
            "pack",
            "import-hsds",
            input.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert!(text.contains("imported 1 service"));
    assert!(text.contains("service[0].fees_description"));
    let review: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(
        review["services"][0]["channels"][0]["value"],
        "00000 000000"
    );
    let bad = d.path().join("bad.json");
    std::fs::write(&bad, br#"{"id": "x", "name": "y"}"#).unwrap();
    assert_eq!(
        harbour(
            d.path(),
            &[
                "pack",
                "import-hsds",
                bad.to_str().unwrap(),
                "--out",
                out.to_str().unwrap()
            ]
        )
        .status
        .code(),
        Some(2)
    );
}

#[test]
fn first_aid_info_and_triage() {
    let d = tempfile::tempdir().unwrap();
    let list = ok(d.path(), &["first-aid"]);
    assert!(list.contains("Burns") && list.contains("Cuts: stopping the bleeding"));
    let burns = ok(d.path(), &["first-aid", "burns"]);
    assert!(burns.contains("20 minutes"));
    assert!(burns.contains("Not yet reviewed by a clinician"));
    let cards = json(d.path(), &["first-aid", "cuts"]);
    assert!(
        cards
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["clinical_review"]["status"] == "pending")
    );
    assert_eq!(
        harbour(d.path(), &["first-aid", "nothing-like-this"])
            .status
            .code(),
        Some(6)
    );

    let parents = ok(d.path(), &["info", "--for", "parent"]);
    assert!(parents.contains("If you are a parent or carer"));
    assert!(!parents.contains("where to signpost"));
    assert!(ok(d.path(), &["info", "waiting"]).contains("waiting for a service"));

    // Scripted triage. The safety door comes first; no to it and to "is someone hurt?" is
    // support with help; hurt, then no to everything, is self-care with signs to watch; a yes
    // or "not sure" to a red flag is 999 or A&E.
    let not_hurt = json(d.path(), &["triage", "--answers", "n,n"]);
    assert_eq!(not_hurt["urgency"], "support");
    assert!(!not_hurt["help"].as_array().unwrap().is_empty());
    let home = json(
        d.path(),
        &["triage", "--answers", "n,y,n,n,n,n,n,n,n,n,n,n,n,n"],
    );
    assert_eq!(home["urgency"], "self_care");
    assert!(!home["watch_for"].as_array().unwrap().is_empty());
    assert!(
        !home["help"].as_array().unwrap().is_empty(),
        "self-care carries help"
    );
    let swallowed = json(d.path(), &["triage", "--answers", "n,y,n,n,?"]);
    assert_eq!(swallowed["urgency"], "go_to_a_and_e");
    assert!(
        swallowed["emergency"]
            .as_array()
            .unwrap()
            .iter()
            .any(|o| o["contact"] == "999")
    );
    // The safety door: help first, with Childline only where the age fits.
    let young = json(d.path(), &["triage", "--age", "15", "--answers", "y"]);
    assert_eq!(young["outcome"], "safety-help");
    let ids = |v: &serde_json::Value| -> Vec<String> {
        v["help"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["service_id"].as_str().unwrap().to_owned())
            .collect()
    };
    assert!(
        ids(&young).contains(&"childline".to_owned()),
        "{:?}",
        ids(&young)
    );
    assert!(young["then"].is_string(), "the injury questions can follow");
    let older = json(d.path(), &["triage", "--age", "30", "--answers", "y"]);
    assert!(!ids(&older).contains(&"childline".to_owned()));
    assert_eq!(
        harbour(d.path(), &["triage", "--answers", "n"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        harbour(d.path(), &["triage", "--answers", "maybe"])
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn triage_is_interactive_on_standard_input() {
    use std::io::Write;
    let d = tempfile::tempdir().unwrap();
    let mut child = common::cmd(d.path(), None)
        .arg("triage")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"no\nyes\nperhaps\n?\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("1. Are you thinking about ending your life"));
    assert!(text.contains("3. Is anyone unconscious"));
    assert!(text.contains("please answer yes, no or not sure"));
    // "Not sure" to a red flag is treated as yes.
    assert!(text.contains("Call 999 now"));
}

/// Postcodes, from the ONS data in the bundled pack: never stored, nonsense refused.
#[test]
fn a_postcode_finds_the_council_and_a_split_district_says_so() {
    let d = tempfile::tempdir().unwrap();
    let v = json(
        d.path(),
        &[
            "help-now",
            "--postcode",
            "TQ1 1AA",
            "--at",
            "2026-11-21T03:00:00Z",
        ],
    );
    assert_eq!(v["area"]["codes"], serde_json::json!(["E06000027"]), "{v}");
    assert_eq!(v["area"]["matched_by"], "Postcode");
    let split = json(d.path(), &["areas", "--postcode", "TQ3"]);
    assert_eq!(split["areas"][0]["name"], "Torbay");
    assert_eq!(split["areas"][1]["name"], "Devon");
    let note = split["note"].as_str().unwrap();
    assert!(note.contains("93% in Torbay"), "{note}");
    assert!(
        note.contains("Your whole postcode gives the one council"),
        "{note}"
    );
    // The whole postcode on the South Hams side of TQ3: Devon only.
    let south_hams = json(d.path(), &["areas", "--postcode", "TQ3 1BR"]);
    assert_eq!(
        south_hams["areas"],
        serde_json::json!([{"code": "E10000008", "name": "Devon"}])
    );
    // A town, and a postcode in a council with no local services, named.
    let torquay = json(d.path(), &["help-now", "--area", "Torquay"]);
    assert_eq!(
        torquay["area"]["codes"],
        serde_json::json!(["E06000027"]),
        "{torquay}"
    );
    assert_eq!(torquay["area"]["matched_by"], "Place");
    let leeds = json(d.path(), &["help-now", "--postcode", "ls1 1aa"]);
    assert_eq!(leeds["area"]["why"], "no_local_services", "{leeds}");
    assert_eq!(leeds["area"]["name"], "Leeds");
    let text = ok(d.path(), &["help-now", "--area", "Gillingham"]);
    assert!(
        text.contains("If you mean Gillingham in Dorset, type your postcode"),
        "{text}"
    );
    for nonsense in ["hello", "12345", "TQ", "TQ1 1A"] {
        let out = harbour(d.path(), &["help-now", "--postcode", nonsense]);
        assert_eq!(out.status.code(), Some(2), "{nonsense}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("does not look like a postcode"));
    }
    // Nothing about the postcode is kept: no data directory was even made.
    assert!(!d.path().join("data").join("harbour.sqlite3").exists());
    let info = json(d.path(), &["pack", "info"]);
    assert!(
        info["attribution"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l.as_str().unwrap().contains("Open Government Licence")),
        "{info}"
    );
}

/// `harbour pack sheet`: the printable sheet for workers, written where asked.
#[test]
fn pack_sheet_writes_a_printable_page_for_an_area() {
    let d = tempfile::tempdir().unwrap();
    let file = d.path().join("sheet.html");
    ok(
        d.path(),
        &[
            "pack",
            "sheet",
            "--area",
            "Kent and Medway",
            "--html",
            file.to_str().unwrap(),
        ],
    );
    let html = std::fs::read_to_string(&file).unwrap();
    assert!(html.contains("Where to find help: Kent and Medway"));
    assert!(html.contains("Local services in Kent and Medway"));
    let out = harbour(
        d.path(),
        &[
            "pack",
            "sheet",
            "--area",
            "Atlantis",
            "--html",
            file.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(2));
}
