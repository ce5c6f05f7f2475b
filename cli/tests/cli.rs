//! Every `harbour` command, run as a real process.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

mod common;

use common::{PIN, stderr};

struct Env {
    dir: tempfile::TempDir,
}

impl Env {
    fn new() -> Self {
        Env {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn data(&self) -> std::path::PathBuf {
        self.dir.path().join("data")
    }

    fn cmd(&self, secret: Option<&str>) -> Command {
        common::cmd(self.dir.path(), secret)
    }

    fn run(&self, secret: Option<&str>, args: &[&str]) -> Output {
        common::run(self.dir.path(), secret, args)
    }

    fn ok(&self, args: &[&str]) -> String {
        common::ok(self.dir.path(), args)
    }

    fn json(&self, args: &[&str]) -> serde_json::Value {
        common::json(self.dir.path(), args)
    }

    /// Runs with `HARBOUR_BACKUP_PASSPHRASE` set.
    fn with_passphrase(&self, secret: Option<&str>, passphrase: &str, args: &[&str]) -> Output {
        self.cmd(secret)
            .env("HARBOUR_BACKUP_PASSPHRASE", passphrase)
            .args(args)
            .output()
            .unwrap()
    }

    fn code(&self, secret: Option<&str>, args: &[&str]) -> i32 {
        self.run(secret, args).status.code().unwrap()
    }

    fn init() -> Self {
        let e = Env::new();
        e.ok(&["init"]);
        e
    }
}

#[test]
fn init_and_lock_state() {
    let e = Env::new();
    assert_eq!(e.json(&["lock-state"])["state"], "no_vault");
    assert_eq!(
        e.code(None, &["note", "list"]),
        2,
        "no secret and no terminal is a usage error"
    );
    assert_eq!(e.code(Some(PIN), &["note", "list"]), 7);
    assert_eq!(e.code(Some("12"), &["init"]), 2, "a weak PIN is bad input");
    e.ok(&["init"]);
    let state = e.json(&["lock-state"]);
    assert_eq!(state["state"], "locked");
    assert_eq!(state["secret_kind"], "pin");
    assert_eq!(state["kdf"]["algorithm"], "argon2id");
    assert_eq!(e.code(Some(PIN), &["init"]), 7, "a vault already exists");
    assert!(e.ok(&["lock-state"]).starts_with("locked"));
}

#[test]
fn note_commands_end_to_end() {
    let e = Env::init();
    let added = e.json(&[
        "note",
        "add",
        "Walk by the sea helped",
        "--tag",
        "outside",
        "--tag",
        "calm",
    ]);
    let id = added["id"].as_str().unwrap().to_owned();
    assert_eq!(added["tags"], serde_json::json!(["outside", "calm"]));

    // Text from standard input.
    let mut child = e
        .cmd(Some(PIN))
        .args(["note", "add", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all("Music — Café playlist\n".as_bytes())
        .unwrap();
    assert!(child.wait_with_output().unwrap().status.success());

    let list = e.json(&["note", "list"]);
    assert_eq!(list.as_array().unwrap().len(), 2);
    assert!(e.ok(&["note", "list"]).contains("Walk by the sea helped"));

    let short = &id[..6];
    let shown = e.json(&["note", "show", short]);
    assert_eq!(shown["text"], "Walk by the sea helped");
    assert!(e.ok(&["note", "show", short]).contains("outside, calm"));

    e.ok(&["note", "edit", short, "Walk by the sea helped a lot"]);
    assert_eq!(
        e.json(&["note", "show", &id])["text"],
        "Walk by the sea helped a lot"
    );

    let found = e.json(&["note", "search", "cafe", "PLAYLIST"]);
    assert_eq!(found.as_array().unwrap().len(), 1);
    assert_eq!(found[0]["text"], "Music — Café playlist");
    assert_eq!(
        e.json(&["note", "search", "nothing-like-this"])
            .as_array()
            .unwrap()
            .len(),
        0
    );

    e.ok(&["note", "pin", short, "on"]);
    e.ok(&["note", "quick", short, "on"]);
    e.ok(&["note", "tag", short, "sea"]);
    let shown = e.json(&["note", "show", short]);
    assert_eq!(shown["pinned"], true);
    assert_eq!(shown["quick_access"], true);
    assert_eq!(shown["tags"], serde_json::json!(["sea"]));

    e.ok(&["note", "delete", short]);
    assert_eq!(e.code(Some(PIN), &["note", "show", short]), 6);
    assert_eq!(e.json(&["note", "list"]).as_array().unwrap().len(), 1);
}

#[test]
fn exit_codes_are_distinct_and_documented() {
    let e = Env::init();
    e.ok(&["note", "add", "something"]);
    assert_eq!(e.code(Some(PIN), &["note", "add", "   "]), 2);
    assert_eq!(e.code(Some(PIN), &["note", "show", "ffff"]), 6);
    assert_eq!(e.code(Some(PIN), &["no-such-command"]), 2);

    for _ in 0..4 {
        assert_eq!(e.code(Some("000001"), &["note", "list"]), 3);
    }
    let fifth = e.run(Some("000001"), &["note", "list"]);
    assert_eq!(fifth.status.code(), Some(3));
    assert!(
        stderr(&fifth).contains("next try is possible in 30 s"),
        "{}",
        stderr(&fifth)
    );
    let locked = e.run(Some(PIN), &["note", "list"]);
    assert_eq!(locked.status.code(), Some(4));
    assert!(stderr(&locked).contains("try again in"));
    let state = e.json(&["lock-state"]);
    assert_eq!(state["failed_attempts"], 5);
    assert!(state["retry_after_seconds"].as_u64().unwrap() > 0);

    let help = String::from_utf8(e.run(None, &["--help"]).stdout).unwrap();
    for line in [
        "3  wrong secret",
        "4  locked out",
        "5  stored data, a pack or a backup tampered",
        "2  bad input",
        "HARBOUR_SECRET",
    ] {
        assert!(help.contains(line), "--help lacks {line:?}");
    }
}

#[test]
fn tampered_data_exits_5_and_json_errors_are_structured() {
    let e = Env::init();
    e.ok(&["note", "add", "to be damaged"]);
    let conn = rusqlite::Connection::open(e.data().join("harbour.sqlite3")).unwrap();
    let (id, mut body): (String, Vec<u8>) = conn
        .query_row("SELECT id, body FROM note", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    body[40] ^= 0x01;
    conn.execute("UPDATE note SET body = ?1", [body]).unwrap();
    drop(conn);
    // Listing shows what can be read and says how many could not be.
    let list = e.run(Some(PIN), &["note", "list"]);
    assert!(list.status.success());
    assert!(
        stderr(&list).contains("1 note could not be read"),
        "{}",
        stderr(&list)
    );
    // The damaged note itself is refused.
    let out = e.run(Some(PIN), &["--json", "note", "show", &id]);
    assert_eq!(out.status.code(), Some(5));
    let err: serde_json::Value = serde_json::from_str(stderr(&out).trim()).unwrap();
    assert_eq!(err["exit_code"], 5);
    assert!(!stderr(&out).contains("to be damaged"));
}

#[test]
fn private_words_never_reach_the_data_directory() {
    let e = Env::init();
    let marker = "QQZX-cli-marker";
    let added = e.json(&["note", "add", &format!("{marker} one"), "--tag", marker]);
    let id = added["id"].as_str().unwrap().to_owned();
    e.ok(&["note", "edit", &id, &format!("{marker} two")]);
    let other = e.json(&["note", "add", &format!("{marker} three")]);
    e.ok(&["note", "delete", other["id"].as_str().unwrap()]);
    for entry in walk(e.dir.path()) {
        let bytes = std::fs::read(&entry).unwrap();
        assert!(
            !bytes.windows(marker.len()).any(|w| w == marker.as_bytes()),
            "{}",
            entry.display()
        );
    }
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let p = entry.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

const PASSPHRASE: &str = "quiet harbour light at dawn";

#[test]
fn backup_export_erase_restore_and_rotate() {
    let e = Env::init();
    e.ok(&["note", "add", "Walk by the sea", "--tag", "outside"]);
    e.ok(&["note", "add", "Call Sam"]);
    e.ok(&["plan", "add", "on-my-own", "Music"]);
    let notes = e.json(&["note", "list"]);
    let plan = e.json(&["plan", "show"]);
    let file = e.dir.path().join("harbour-backup.age");
    let f = file.to_str().unwrap();

    // No passphrase and no terminal; a weak passphrase: both bad input, and nothing written.
    assert_eq!(e.code(Some(PIN), &["backup", "export", f]), 2);
    let weak = e.with_passphrase(Some(PIN), "short", &["backup", "export", f]);
    assert_eq!(weak.status.code(), Some(2));
    assert!(stderr(&weak).contains("12 characters"), "{}", stderr(&weak));
    assert!(!file.exists());

    let out = e.with_passphrase(Some(PIN), PASSPHRASE, &["backup", "export", f]);
    assert!(out.status.success(), "{}", stderr(&out));
    let bytes = std::fs::read(&file).unwrap();
    assert!(bytes.starts_with(b"age-encryption.org/v1\n"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "a backup is readable by its owner only");
    }
    let again = e.with_passphrase(Some(PIN), PASSPHRASE, &["backup", "export", f]);
    assert_eq!(
        again.status.code(),
        Some(2),
        "an existing file is not replaced"
    );
    assert_eq!(std::fs::read(&file).unwrap(), bytes);

    // A generated passphrase is shown once, and opens its backup.
    let gen_file = e.dir.path().join("generated.age");
    let generated = e.json(&[
        "backup",
        "export",
        gen_file.to_str().unwrap(),
        "--generate-passphrase",
    ]);
    let gen_pass = generated["passphrase"].as_str().unwrap().to_owned();
    assert_eq!(gen_pass.len(), 29);

    // Restoring into a vault that has data is refused.
    let full = e.with_passphrase(Some(PIN), PASSPHRASE, &["backup", "restore", f]);
    assert_eq!(full.status.code(), Some(7), "{}", stderr(&full));

    assert_eq!(e.code(Some(PIN), &["erase"]), 2, "erase needs --yes");
    assert_eq!(e.json(&["lock-state"])["state"], "locked");
    let erased = e.json(&["erase", "--yes"]);
    assert!(erased["platform_keys_deleted"].as_u64().unwrap() > 0);
    assert_eq!(e.json(&["lock-state"])["state"], "no_vault");
    e.ok(&[
        "help-now", "--age", "15", "--area", "Torbay", "--by", "text",
    ]);
    e.ok(&["first-aid"]);

    // A wrong passphrase leaves things as they were: no vault.
    let wrong = e.with_passphrase(
        Some(PIN),
        "not the passphrase at all",
        &["backup", "restore", f],
    );
    assert_eq!(wrong.status.code(), Some(3), "{}", stderr(&wrong));
    assert_eq!(e.json(&["lock-state"])["state"], "no_vault");

    // On a "new phone" (this one, after erase), with a new PIN.
    let new_pin = "739164";
    let restored = e.with_passphrase(
        Some(new_pin),
        &gen_pass,
        &["--json", "backup", "restore", gen_file.to_str().unwrap()],
    );
    assert!(restored.status.success(), "{}", stderr(&restored));
    let summary: serde_json::Value = serde_json::from_slice(&restored.stdout).unwrap();
    assert_eq!(summary["notes"], 2);
    let json_with = |args: &[&str]| -> serde_json::Value {
        let out = e.run(Some(new_pin), &[&["--json"], args].concat());
        assert!(out.status.success(), "{}", stderr(&out));
        serde_json::from_slice(&out.stdout).unwrap()
    };
    assert_eq!(json_with(&["note", "list"]), notes);
    assert_eq!(json_with(&["plan", "show"])["sections"], plan["sections"]);

    // Rotation keeps everything readable, and needs the right secret.
    assert_eq!(e.code(Some(PIN), &["rotate-key"]), 3);
    let rotated = e.run(Some(new_pin), &["rotate-key"]);
    assert!(rotated.status.success(), "{}", stderr(&rotated));
    assert_eq!(json_with(&["note", "list"]), notes);
}

#[test]
fn a_damaged_backup_exits_5_and_names_no_content() {
    let e = Env::init();
    e.ok(&["note", "add", "QQZX private words"]);
    let file = e.dir.path().join("b.age");
    let f = file.to_str().unwrap();
    assert!(
        e.with_passphrase(Some(PIN), PASSPHRASE, &["backup", "export", f])
            .status
            .success()
    );
    let mut bytes = std::fs::read(&file).unwrap();
    let last = bytes.len() - 20;
    bytes[last] ^= 1;
    std::fs::write(&file, &bytes).unwrap();
    e.ok(&["erase", "--yes"]);
    let out = e.with_passphrase(Some(PIN), PASSPHRASE, &["--json", "backup", "restore", f]);
    assert_eq!(out.status.code(), Some(5), "{}", stderr(&out));
    let err: serde_json::Value = serde_json::from_str(stderr(&out).trim()).unwrap();
    assert_eq!(err["exit_code"], 5);
    assert!(!stderr(&out).contains("QQZX"));
    assert_eq!(e.json(&["lock-state"])["state"], "no_vault");
}

const LEAK_MARKER: &str = "LEAKMARK-77c1";

/// The CLI: successes and failures with the words in the input; nothing on stderr, in any
/// exit message or JSON error, repeats them.
#[test]
fn the_cli_never_repeats_the_words_on_stderr() {
    let dir = tempfile::tempdir().unwrap();
    let harbour = |args: &[&str], secret: &str| {
        common::cmd(dir.path(), Some(secret))
            .env(
                "HARBOUR_BACKUP_PASSPHRASE",
                format!("{LEAK_MARKER} passphrase words"),
            )
            .args(args)
            .output()
            .unwrap()
    };
    let long = format!("{LEAK_MARKER} {}", "x".repeat(300_000));
    let tag = format!("{LEAK_MARKER}{}", "t".repeat(40));
    let backup = dir.path().join("b.age");
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["init"], "482915"),
        (vec!["note", "add", LEAK_MARKER], "482915"),
        (vec!["--json", "note", "add", LEAK_MARKER], "482915"),
        (vec!["note", "add", "ok", "--tag", &tag], "482915"),
        (vec!["note", "search", LEAK_MARKER], "482915"),
        (vec!["note", "show", LEAK_MARKER], "482915"),
        (vec!["plan", "add", "warning-signs", LEAK_MARKER], "482915"),
        (vec!["plan", "add", LEAK_MARKER, "text"], "482915"),
        (vec!["note", "list"], "000001"),
        (vec!["--json", "note", "list"], "000001"),
        (vec!["backup", "export", backup.to_str().unwrap()], "482915"),
        (
            vec!["backup", "restore", backup.to_str().unwrap()],
            "482915",
        ),
        (vec!["help-now", "--area", LEAK_MARKER], "482915"),
        (vec!["services", "show", LEAK_MARKER], "482915"),
    ];
    for (args, secret) in &cases {
        let out = harbour(args, secret);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            !stderr.contains(LEAK_MARKER),
            "{args:?} put the words on stderr: {stderr}"
        );
    }
    // Too long for an argument: through standard input, refused.
    let mut child = common::cmd(dir.path(), Some(PIN))
        .args(["note", "add", "-"])
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(long.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(!String::from_utf8_lossy(&out.stderr).contains(LEAK_MARKER));
}

/// The data directory copied to a "new phone" (a new, empty device key file): the state says the
/// keys are missing and what to do; `set-aside` keeps the old vault and the backup restores.
#[test]
fn a_vault_copied_without_its_key_is_set_aside_and_the_backup_restored() {
    let e = Env::init();
    e.ok(&["note", "add", "Walk by the sea"]);
    let file = e.dir.path().join("harbour-backup.age");
    let f = file.to_str().unwrap();
    let out = e.with_passphrase(Some(PIN), PASSPHRASE, &["backup", "export", f]);
    assert!(out.status.success(), "{}", stderr(&out));
    // The new phone: the same files, no key.
    std::fs::remove_file(e.dir.path().join("conf").join("device.key")).unwrap();

    assert_eq!(e.json(&["lock-state"])["state"], "keys_missing");
    let said = e.ok(&["lock-state"]);
    assert!(said.contains("harbour set-aside --yes"), "{said}");
    let unlock = e.run(Some(PIN), &["note", "list"]);
    assert!(
        stderr(&unlock).contains("does not have its keys"),
        "{}",
        stderr(&unlock)
    );
    assert_eq!(
        e.code(Some(PIN), &["set-aside"]),
        2,
        "set-aside needs --yes"
    );
    let aside = e.json(&["set-aside", "--yes"]);
    let folder = std::path::PathBuf::from(aside["folder"].as_str().unwrap());
    assert!(folder.join("harbour.sqlite3").is_file());
    assert_eq!(e.json(&["lock-state"])["state"], "no_vault");

    // A wrong passphrase undoes the vault made for the restore, and keeps the one set aside.
    let wrong = e.with_passphrase(
        Some(PIN),
        "not the passphrase at all",
        &["backup", "restore", f],
    );
    assert_eq!(wrong.status.code(), Some(3), "{}", stderr(&wrong));
    assert_eq!(e.json(&["lock-state"])["state"], "no_vault");
    assert!(folder.join("harbour.sqlite3").is_file());

    let restored = e.with_passphrase(Some(PIN), PASSPHRASE, &["--json", "backup", "restore", f]);
    assert!(restored.status.success(), "{}", stderr(&restored));
    let notes = e.json(&["note", "list"]);
    assert_eq!(notes[0]["text"], "Walk by the sea", "{notes}");
    // A vault whose key is here is not set aside.
    assert_eq!(e.code(Some(PIN), &["set-aside", "--yes"]), 2);
}
