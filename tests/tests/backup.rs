//! Backup, restore, the standard age tool both ways, and a corpus of malformed files.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

use harbour_core::Section;
use harbour_core::authoring::age;
use harbour_core::{Error, Feeling, Harbour, Helped, ManualClock, MemoryKeyStore, Secret, Tried};
use serde_json::{Value, json};

const PIN: &str = "482915";
const PASS: &str = "quiet harbour light at dawn";

fn open(dir: &Path, ks: Arc<MemoryKeyStore>, clock: Arc<ManualClock>) -> Harbour {
    let c = harbour_tests::testing_config(dir);
    Harbour::open_with_clock(c, ks, clock).unwrap()
}

fn clock() -> Arc<ManualClock> {
    Arc::new(ManualClock::new("2026-11-21T03:00:00Z".parse().unwrap()))
}

/// A vault with notes (tags, pins, quick access), a plan with history and review dates.
fn sample(dir: &Path) -> (Harbour, Arc<ManualClock>) {
    let c = clock();
    let h = open(dir, Arc::new(MemoryKeyStore::new()), c.clone());
    h.create_vault(Secret::from_text(PIN)).unwrap();
    for i in 0..12 {
        let n = h
            .add_note(
                format!("note {i}: Café, ümlaut, 😀, \"quoted\" <b>").into(),
                vec![format!("tag{}", i % 3).into()],
            )
            .unwrap();
        if i % 4 == 0 {
            h.set_note_pinned(&n.id, true).unwrap();
        }
        if i % 5 == 0 {
            h.set_note_quick_access(&n.id, true).unwrap();
        }
        c.advance(Duration::from_secs(61));
    }
    h.add_plan_item(Section::WarningSigns, "Not sleeping".into(), None, None)
        .unwrap();
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
    h.remove_plan_item(Section::WarningSigns, 0).unwrap();
    h.restore_plan_version(1).unwrap();
    h.add_plan_item(
        Section::PeopleToAsk,
        "Sam".into(),
        Some("by text".into()),
        None,
    )
    .unwrap();
    h.set_plan_quick_access(Section::PeopleToAsk, true).unwrap();
    h.mark_plan_reviewed().unwrap();
    h.set_plan_review_interval(30).unwrap();
    // The coping toolbox and check-ins travel too.
    h.set_idea_favourite("blanket", true).unwrap();
    h.set_idea_hidden("pillow", true).unwrap();
    h.add_own_idea(
        "Sing loudly, Café style".into(),
        vec![Feeling::Numb],
        Some(5),
        false,
    )
    .unwrap();
    h.move_idea("cold-water", 0).unwrap();
    h.set_toolbox_quick_access(true).unwrap();
    let c1 = h
        .add_checkin(
            Some(Feeling::Overwhelmed),
            4,
            Some("a row about Café".into()),
            vec![Tried {
                what: "Slow breathing".into(),
                idea: Some("slow-breathing".into()),
                helped: Helped::ALittle,
            }],
        )
        .unwrap();
    c.advance(Duration::from_secs(61));
    h.add_checkin(None, 2, None, vec![]).unwrap();
    h.set_checkin_quick_access(&c1.id, true).unwrap();
    // Writing all that took twelve (clock) minutes: enter the secret again before exporting.
    h.reauthenticate(Secret::from_text(PIN)).unwrap();
    (h, c)
}

/// Everything a user would compare, as plain values.
fn state(h: &Harbour) -> Value {
    let notes: Vec<Value> = h
        .list_notes()
        .unwrap()
        .iter()
        .map(|n| {
            json!([
                n.id,
                n.text.as_str(),
                n.tags.iter().map(|t| t.as_str()).collect::<Vec<_>>(),
                n.pinned,
                n.quick_access,
                n.created_at.to_string(),
                n.updated_at.to_string()
            ])
        })
        .collect();
    let plan = h.plan().unwrap();
    let sections: Vec<Value> = plan
        .sections
        .iter()
        .map(|s| {
            json!([
                s.section.key(),
                s.quick_access,
                s.items
                    .iter()
                    .map(|i| json!([
                        i.id,
                        i.text.as_str(),
                        i.contact.as_ref().map(|c| c.as_str()),
                        i.service_id
                    ]))
                    .collect::<Vec<_>>()
            ])
        })
        .collect();
    let history: Vec<Value> = h
        .plan_history()
        .unwrap()
        .iter()
        .map(|v| {
            let old = h.plan_version(v.version).unwrap();
            json!([
                v.version,
                v.saved_at.to_string(),
                v.change.describe(),
                format!("{:?}", old.sections)
            ])
        })
        .collect();
    let toolbox = h.toolbox().unwrap();
    json!({
        "notes": notes,
        "sections": sections,
        "history": history,
        "version": plan.version,
        "last_reviewed": plan.last_reviewed.map(|t| t.to_string()),
        "interval": plan.review_interval_days,
        // Spelled out: user text prints redacted in Debug, so a Debug string would not compare it.
        "toolbox": toolbox.items.iter().map(|i| json!([
            i.id, i.own, i.title.as_str(), i.favourite, i.hidden,
            i.feelings.iter().map(|f| f.key()).collect::<Vec<_>>(), i.minutes
        ])).collect::<Vec<_>>(),
        "toolbox_quick": toolbox.quick_access,
        "checkins": h.list_checkins().unwrap().checkins.iter().map(|c| json!([
            c.id, c.at.to_string(), c.feeling.map(|f| f.key()), c.strength,
            c.before.as_ref().map(|b| b.as_str()), c.quick_access,
            c.tried.iter().map(|t| json!([t.what.as_str(), t.idea, format!("{:?}", t.helped)]))
                .collect::<Vec<_>>()
        ])).collect::<Vec<_>>(),
    })
}

/// SHA-256 of every file that holds data. The `-shm` file is left out: it is SQLite's
/// shared-memory index of the WAL, rebuilt on every open, and a mere read updates it.
fn hashes(dir: &Path) -> BTreeMap<PathBuf, String> {
    use sha2::Digest;
    harbour_tests::files_under(dir)
        .into_iter()
        .filter(|p| !p.to_string_lossy().ends_with("-shm"))
        .map(|p| {
            let digest = sha2::Sha256::digest(std::fs::read(&p).unwrap());
            (p, digest.iter().map(|b| format!("{b:02x}")).collect())
        })
        .collect()
}

#[test]
fn export_erase_restore_on_another_device_gives_identical_data() {
    let dir = tempfile::tempdir().unwrap();
    let (h, _) = sample(&dir.path().join("phone-1"));
    let before = state(&h);
    let file = h.export_backup(&Secret::from_text(PASS)).unwrap();
    h.erase_everything().unwrap();

    // A new phone: another device key, a new PIN.
    let new = open(
        &dir.path().join("phone-2"),
        Arc::new(MemoryKeyStore::new()),
        clock(),
    );
    new.create_vault(Secret::from_text("735102")).unwrap();
    let summary = new.restore_backup(&file, &Secret::from_text(PASS)).unwrap();
    assert_eq!(summary.notes, 12);
    assert_eq!(
        state(&new),
        before,
        "restored data differs from the original"
    );
    // Quick access survived as quick access.
    new.lock().unwrap();
    assert_eq!(new.quick_access().unwrap().sections.len(), 1);
    assert_eq!(new.quick_access_notes().unwrap().len(), 3);
    assert_eq!(new.quick_access().unwrap().checkins.len(), 1);
    assert_eq!(summary.checkins, 2);
    assert_eq!(summary.own_ideas, 1);
}

/// A backup written before check-ins existed (version 1: no toolbox, no check-ins) restores,
/// with an empty toolbox and no check-ins.
#[test]
fn a_version_1_backup_from_before_check_ins_still_restores() {
    let dir = tempfile::tempdir().unwrap();
    let (h, _) = sample(&dir.path().join("phone-1"));
    let bytes = h.export_backup(&Secret::from_text(PASS)).unwrap();
    let json = age::decrypt(&bytes, PASS.as_bytes()).unwrap();
    let mut v: Value = serde_json::from_slice(&json).unwrap();
    v["version"] = 1.into();
    let o = v.as_object_mut().unwrap();
    o.remove("toolbox");
    o.remove("checkins");
    let old = age::encrypt(&serde_json::to_vec(&v).unwrap(), PASS.as_bytes(), 10).unwrap();

    let new = open(
        &dir.path().join("phone-2"),
        Arc::new(MemoryKeyStore::new()),
        clock(),
    );
    new.create_vault(Secret::from_text("735102")).unwrap();
    let summary = new.restore_backup(&old, &Secret::from_text(PASS)).unwrap();
    assert_eq!(
        (summary.notes, summary.checkins, summary.own_ideas),
        (12, 0, 0)
    );
    assert!(new.list_checkins().unwrap().checkins.is_empty());
    let toolbox = new.toolbox().unwrap();
    assert!(
        toolbox
            .items
            .iter()
            .all(|i| !i.own && !i.favourite && !i.hidden)
    );
}

#[test]
fn export_needs_a_fresh_unlock_a_strong_passphrase_and_no_session() {
    let dir = tempfile::tempdir().unwrap();
    let (h, c) = sample(dir.path());
    assert!(matches!(
        h.export_backup(&Secret::from_text("short")),
        Err(Error::WeakSecret(_))
    ));
    c.advance(Duration::from_secs(6 * 60));
    assert_eq!(
        h.export_backup(&Secret::from_text(PASS)).unwrap_err(),
        Error::ReauthenticationNeeded
    );
    assert!(matches!(
        h.reauthenticate(Secret::from_text("000001")),
        Err(Error::WrongSecret { .. })
    ));
    h.reauthenticate(Secret::from_text(PIN)).unwrap();
    assert!(h.export_backup(&Secret::from_text(PASS)).is_ok());
    h.begin_supported_session().unwrap();
    assert_eq!(
        h.export_backup(&Secret::from_text(PASS)).unwrap_err(),
        Error::SessionActive
    );
}

#[test]
fn restore_refuses_a_vault_that_is_not_empty_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (h, _) = sample(dir.path());
    let file = h.export_backup(&Secret::from_text(PASS)).unwrap();
    h.lock().unwrap();
    h.unlock(Secret::from_text(PIN)).unwrap();
    let before = hashes(dir.path());
    assert_eq!(
        h.restore_backup(&file, &Secret::from_text(PASS))
            .unwrap_err(),
        Error::VaultNotEmpty
    );
    assert_eq!(hashes(dir.path()), before);
}

#[test]
fn an_oversized_file_is_refused_before_it_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let h = open(dir.path(), Arc::new(MemoryKeyStore::new()), clock());
    h.create_vault(Secret::from_text(PIN)).unwrap();
    let big = dir.path().join("huge.age");
    let f = std::fs::File::create(&big).unwrap();
    f.set_len(harbour_core::MAX_BACKUP_BYTES + 1).unwrap(); // sparse: no memory used
    assert!(matches!(
        h.restore_backup_file(&big, &Secret::from_text(PASS)),
        Err(Error::InvalidBackup(_))
    ));
}

// ---- The standard age tool, both ways ----

fn age_tool(mode: &str, pass: &str, input: &Path, output: &Path) {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("age_tool.py");
    let out = Command::new("python3")
        .arg(script)
        .args([
            mode,
            pass,
            input.to_str().unwrap(),
            output.to_str().unwrap(),
        ])
        .output()
        .expect("python3 is needed to drive the age tool");
    assert!(
        out.status.success(),
        "age {mode} failed (is Debian's `age` installed? scripts/test.sh installs it): {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn the_age_tool_opens_a_harbour_backup_and_harbour_opens_the_age_tools_files() {
    let dir = tempfile::tempdir().unwrap();
    let (h, _) = sample(&dir.path().join("phone"));
    let file = dir.path().join("backup.age");
    std::fs::write(&file, h.export_backup(&Secret::from_text(PASS)).unwrap()).unwrap();

    // Harbour → age: the user can open their own backup with the standard tool.
    let json_path = dir.path().join("backup.json");
    age_tool("decrypt", PASS, &file, &json_path);
    let payload: Value = serde_json::from_slice(&std::fs::read(&json_path).unwrap()).unwrap();
    assert_eq!(payload["format"], "harbour-backup");
    assert_eq!(payload["version"], 2);
    assert_eq!(payload["checkins"].as_array().unwrap().len(), 2);
    assert_eq!(
        payload["toolbox"]["own"][0]["text"],
        "Sing loudly, Café style"
    );
    assert_eq!(payload["notes"].as_array().unwrap().len(), 12);

    // age → Harbour: the same payload encrypted by the age tool restores.
    let by_age = dir.path().join("by-age.age");
    age_tool("encrypt", PASS, &json_path, &by_age);
    let new = open(
        &dir.path().join("new"),
        Arc::new(MemoryKeyStore::new()),
        clock(),
    );
    new.create_vault(Secret::from_text(PIN)).unwrap();
    assert_eq!(
        new.restore_backup(&std::fs::read(&by_age).unwrap(), &Secret::from_text(PASS))
            .unwrap()
            .notes,
        12
    );

    // A file the age tool encrypted with a passphrase but whose payload is bad: refused cleanly.
    let empty = open(
        &dir.path().join("empty"),
        Arc::new(MemoryKeyStore::new()),
        clock(),
    );
    empty.create_vault(Secret::from_text(PIN)).unwrap();
    for (name, content, expected) in [
        (
            "not-json",
            b"this is not json at all".to_vec(),
            "InvalidBackup",
        ),
        (
            "other-format",
            br#"{"format":"something-else","version":1}"#.to_vec(),
            "InvalidBackup",
        ),
        (
            "future",
            br#"{"format":"harbour-backup","version":7}"#.to_vec(),
            "NewerFormat",
        ),
    ] {
        let plain = dir.path().join(format!("{name}.json"));
        std::fs::write(&plain, content).unwrap();
        let enc = dir.path().join(format!("{name}.age"));
        age_tool("encrypt", PASS, &plain, &enc);
        let before = hashes(&dir.path().join("empty"));
        let err = empty
            .restore_backup(&std::fs::read(&enc).unwrap(), &Secret::from_text(PASS))
            .unwrap_err();
        assert!(format!("{err:?}").starts_with(expected), "{name}: {err:?}");
        assert_eq!(
            hashes(&dir.path().join("empty")),
            before,
            "{name} changed the vault"
        );
    }
}

// ---- The corpus ----

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/corpus/backup")
}

const CORPUS_PASS: &str = "corpus passphrase 1234";

/// Writes the corpus (run once with `cargo test -p harbour-tests --test backup -- --ignored`
/// and commit the files; they are stable afterwards).
#[test]
#[ignore]
fn write_backup_corpus() {
    let dir = tempfile::tempdir().unwrap();
    let (h, _) = sample(dir.path());
    let good = h.export_backup(&Secret::from_text(CORPUS_PASS)).unwrap();
    let json: Value =
        serde_json::from_slice(&age::decrypt(&good, CORPUS_PASS.as_bytes()).unwrap()).unwrap();
    let mut files: Vec<(String, Vec<u8>, &str)> = Vec::new();
    let seal = |v: &Value| {
        age::encrypt(&serde_json::to_vec(v).unwrap(), CORPUS_PASS.as_bytes(), 10).unwrap()
    };
    let sealed_raw = |b: &[u8]| age::encrypt(b, CORPUS_PASS.as_bytes(), 10).unwrap();
    let text = String::from_utf8_lossy(&good[..200]).into_owned();
    let header_end = good.windows(4).position(|w| w == b"--- ").unwrap();
    // The good file with one edit in its (text) header.
    let header_edit = |from: &str, to: &str| -> Vec<u8> {
        [text.replacen(from, to, 1).as_bytes(), &good[200..]].concat()
    };

    // The age layer.
    files.push(("empty-file.age".into(), vec![], "Backup(NotAge)"));
    files.push((
        "plain-text.age".into(),
        b"my notes, unencrypted".to_vec(),
        "Backup(NotAge)",
    ));
    files.push((
        "wrong-version-line.age".into(),
        [b"age-encryption.org/v2\n".as_slice(), &good[22..]].concat(),
        "Backup(NotAge)",
    ));
    files.push((
        "header-only.age".into(),
        good[..header_end].to_vec(),
        "Backup(Truncated)",
    ));
    files.push((
        "no-payload.age".into(),
        good[..good.iter().position(|b| *b == b'\n').unwrap() + 1].to_vec(),
        "Backup(Truncated)",
    ));
    for cut in [
        good.len() - 1,
        good.len() - 17,
        good.len() / 2,
        header_end + 30,
    ] {
        files.push((
            format!("truncated-at-{cut}.age"),
            good[..cut].to_vec(),
            "Backup(",
        ));
    }
    files.push((
        "extended.age".into(),
        [good.as_slice(), b"extra"].concat(),
        "Backup(Damaged)",
    ));
    for (i, pos) in [
        40usize,
        60,
        80,
        header_end + 10,
        header_end + 60,
        good.len() - 5,
        good.len() / 2,
    ]
    .iter()
    .enumerate()
    {
        let mut b = good.clone();
        b[*pos] ^= 0x01;
        files.push((format!("flipped-{i}-at-{pos}.age"), b, "Backup("));
    }
    files.push((
        "huge-work-factor.age".into(),
        header_edit(" 10\n", " 40\n"),
        "Backup(WorkFactorTooHigh)",
    ));
    files.push((
        "work-factor-19.age".into(),
        header_edit(" 10\n", " 19\n"),
        "Backup(WorkFactorTooHigh)",
    ));
    files.push((
        "leading-zero-work-factor.age".into(),
        header_edit(" 10\n", " 010\n"),
        "Backup(Damaged)",
    ));
    files.push((
        "x25519-recipient.age".into(),
        header_edit("-> scrypt", "-> X25519"),
        "Backup(NotPassphrase)",
    ));
    files.push((
        "padded-base64.age".into(),
        header_edit("\n---", "=\n---"),
        "Backup(Damaged)",
    ));
    files.push((
        "wrong-passphrase.age".into(),
        age::encrypt(b"{}", b"a different passphrase", 10).unwrap(),
        "Backup(WrongPassphrase)",
    ));

    // The payload.
    files.push((
        "payload-not-json.age".into(),
        sealed_raw(b"not json"),
        "InvalidBackup",
    ));
    files.push(("payload-empty.age".into(), sealed_raw(b""), "InvalidBackup"));
    let mut edit = |name: &str, expected: &'static str, f: &dyn Fn(&mut Value)| {
        let mut v = json.clone();
        f(&mut v);
        files.push((format!("{name}.age"), seal(&v), expected));
    };
    edit("payload-version-3", "NewerFormat", &|v| {
        v["version"] = 3.into()
    });
    edit("version-1-with-checkins", "InvalidBackup", &|v| {
        v["version"] = 1.into()
    });
    edit("checkin-strength-out-of-range", "InvalidBackup", &|v| {
        v["checkins"][0]["strength"] = 9.into()
    });
    edit("checkin-unknown-feeling", "InvalidBackup", &|v| {
        v["checkins"][0]["feeling"] = "hungry".into()
    });
    edit("checkin-unknown-helped", "InvalidBackup", &|v| {
        v["checkins"][1]["tried"][0]["helped"] = "maybe".into()
    });
    edit("checkin-text-direction", "InvalidBackup", &|v| {
        v["checkins"][0]["before"] = "a\u{202e}b".into()
    });
    edit("duplicate-checkin-ids", "InvalidBackup", &|v| {
        let first = v["checkins"][0].clone();
        v["checkins"].as_array_mut().unwrap().push(first);
    });
    edit("own-idea-odd-length", "InvalidBackup", &|v| {
        v["toolbox"]["own"][0]["minutes"] = 7.into()
    });
    edit("own-idea-malformed-id", "InvalidBackup", &|v| {
        v["toolbox"]["own"][0]["id"] = "../x".into()
    });
    edit("toolbox-unknown-field", "InvalidBackup", &|v| {
        v["toolbox"]["surprise"] = true.into()
    });
    edit("payload-version-0", "InvalidBackup", &|v| {
        v["version"] = 0.into()
    });
    edit("payload-other-format", "InvalidBackup", &|v| {
        v["format"] = "other".into()
    });
    edit("payload-unknown-field", "InvalidBackup", &|v| {
        v["surprise"] = true.into()
    });
    edit("payload-missing-notes", "InvalidBackup", &|v| {
        v.as_object_mut().unwrap().remove("notes");
    });
    edit("duplicate-note-ids", "InvalidBackup", &|v| {
        let first = v["notes"][0].clone();
        v["notes"].as_array_mut().unwrap().push(first);
    });
    edit("malformed-note-id", "InvalidBackup", &|v| {
        v["notes"][0]["id"] = "../../etc".into()
    });
    edit("empty-note", "InvalidBackup", &|v| {
        v["notes"][0]["text"] = "   ".into()
    });
    edit("huge-note", "InvalidBackup", &|v| {
        v["notes"][0]["text"] = "x".repeat(300_000).into()
    });
    edit("too-many-tags", "InvalidBackup", &|v| {
        v["notes"][0]["tags"] = (0..25).map(|i| format!("t{i}")).collect::<Vec<_>>().into()
    });
    edit("note-wrong-type", "InvalidBackup", &|v| {
        v["notes"][0]["pinned"] = "yes".into()
    });
    edit("bad-timestamp", "InvalidBackup", &|v| {
        v["notes"][0]["created_at"] = "yesterday".into()
    });
    edit("unknown-section", "InvalidBackup", &|v| {
        v["plan"]["sections"][0]["section"] = "secret_stuff".into()
    });
    edit("duplicate-section", "InvalidBackup", &|v| {
        let s = v["plan"]["sections"][0].clone();
        v["plan"]["sections"].as_array_mut().unwrap().push(s);
    });
    edit("duplicate-plan-item-ids", "InvalidBackup", &|v| {
        let item = json!({"id": "0123456789abcdef0123456789abcdef", "text": "a"});
        v["plan"]["sections"][1]["items"] = json!([item.clone(), item]);
    });
    edit("versions-out-of-order", "InvalidBackup", &|v| {
        v["plan"]["history"].as_array_mut().unwrap().reverse()
    });
    edit("version-missing-sections", "InvalidBackup", &|v| {
        v["plan"]["history"][0]["sections"] = json!([])
    });
    edit("unknown-change-kind", "InvalidBackup", &|v| {
        v["plan"]["history"][0]["change"]["kind"] = "teleported".into()
    });
    edit("interval-out-of-range", "InvalidBackup", &|v| {
        v["plan"]["review_interval_days"] = 100000.into()
    });
    edit("too-many-items", "InvalidBackup", &|v| {
        v["plan"]["sections"][2]["items"] = (0..60)
            .map(|i| json!({"id": format!("{i:032x}"), "text": "x"}))
            .collect::<Vec<_>>()
            .into();
    });

    let out = corpus_dir();
    std::fs::create_dir_all(&out).unwrap();
    // Files from an earlier run (their names carry offsets that move) would be orphans.
    for entry in std::fs::read_dir(&out).unwrap() {
        std::fs::remove_file(entry.unwrap().path()).unwrap();
    }
    let mut manifest = BTreeMap::new();
    for (name, bytes, expected) in files {
        std::fs::write(out.join(&name), bytes).unwrap();
        manifest.insert(name, expected.to_owned());
    }
    std::fs::write(
        out.join("manifest.json"),
        serde_json::to_vec_pretty(&manifest).unwrap(),
    )
    .unwrap();
}
