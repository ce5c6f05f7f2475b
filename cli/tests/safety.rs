//! What the CLI does with hostile text, weak secrets, links and other people's files.

#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use common::{PIN, ok, run, stderr};

#[test]
fn terminal_escapes_in_notes_and_plan_items_are_shown_not_obeyed() {
    let d = tempfile::tempdir().unwrap();
    ok(d.path(), &["init"]);
    let hostile = "before\u{1b}[2J\u{1b}]0;owned\u{7}after \u{202e}txt.exe";
    ok(d.path(), &["note", "add", hostile]);
    ok(d.path(), &["plan", "add", "on_my_own", hostile]);
    for args in [&["note", "list"][..], &["plan", "show"][..]] {
        let out = ok(d.path(), args);
        assert!(
            !out.contains('\u{1b}') && !out.contains('\u{7}'),
            "{args:?}: {out:?}"
        );
        assert!(
            !out.contains('\u{202e}'),
            "{args:?} printed a bidi override"
        );
        assert!(out.contains("\\u{1b}[2J"), "{args:?}: {out:?}");
    }
    // JSON keeps the exact words (its encoder escapes controls).
    let v = common::json(d.path(), &["note", "list"]);
    assert_eq!(v[0]["text"], hostile);
    // A tag with a direction override is refused outright.
    let out = run(
        d.path(),
        Some(PIN),
        &["note", "add", "hi", "--tag", "a\u{202e}b"],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("text-direction"), "{}", stderr(&out));
}

#[test]
fn the_first_guesses_anyone_makes_are_refused_as_secrets() {
    let d = tempfile::tempdir().unwrap();
    for weak in ["password", "abcdefgh", "1234567890", "121212"] {
        let out = run(d.path(), Some(weak), &["init"]);
        assert_eq!(out.status.code(), Some(2), "{weak}: {}", stderr(&out));
        assert!(stderr(&out).contains("first anyone would try") || stderr(&out).contains("PIN"));
    }
    let state = run(d.path(), None, &["--json", "lock-state"]);
    assert!(String::from_utf8_lossy(&state.stdout).contains("no_vault"));
}

#[cfg(unix)]
#[test]
fn erase_refuses_a_database_that_is_a_link_and_deletes_nothing() {
    let d = tempfile::tempdir().unwrap();
    ok(d.path(), &["init"]);
    let data = d.path().join("data");
    let real = d.path().join("elsewhere.sqlite3");
    std::fs::rename(data.join("harbour.sqlite3"), &real).unwrap();
    std::os::unix::fs::symlink(&real, data.join("harbour.sqlite3")).unwrap();
    let out = run(d.path(), Some(PIN), &["erase", "--yes"]);
    assert!(!out.status.success());
    assert!(real.exists(), "the data behind the link");
    assert!(std::fs::symlink_metadata(data.join("harbour.sqlite3")).is_ok());
}

#[cfg(unix)]
#[test]
fn a_shared_page_is_private_and_never_replaces_a_file_unasked() {
    use std::os::unix::fs::PermissionsExt;
    let d = tempfile::tempdir().unwrap();
    ok(d.path(), &["init"]);
    ok(d.path(), &["plan", "add", "on_my_own", "music"]);
    let page = d.path().join("plan.html");
    let p = page.to_str().unwrap();
    ok(
        d.path(),
        &["plan", "share", "--sections", "on_my_own", "--html", p],
    );
    assert_eq!(
        std::fs::metadata(&page).unwrap().permissions().mode() & 0o777,
        0o600
    );
    let again = run(
        d.path(),
        Some(PIN),
        &["plan", "share", "--sections", "on_my_own", "--html", p],
    );
    assert_eq!(again.status.code(), Some(2), "{}", stderr(&again));
    ok(
        d.path(),
        &[
            "plan",
            "share",
            "--sections",
            "on_my_own",
            "--html",
            p,
            "--force",
        ],
    );
}

#[cfg(unix)]
#[test]
fn a_readable_key_file_is_warned_about_and_made_private_and_dirs_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let d = tempfile::tempdir().unwrap();
    ok(d.path(), &["init"]);
    let key = d.path().join("conf").join("device.key");
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = run(d.path(), Some(PIN), &["note", "list"]);
    assert!(out.status.success());
    assert!(stderr(&out).contains("warning"), "{}", stderr(&out));
    assert_eq!(
        std::fs::metadata(&key).unwrap().permissions().mode() & 0o777,
        0o600
    );
    // A pack install into a new data directory makes it owner-only.
    let mode = std::fs::metadata(d.path().join("data"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o077, 0);
}

#[test]
fn two_inits_at_once_leave_one_usable_vault() {
    for _ in 0..5 {
        let d = tempfile::tempdir().unwrap();
        let spawn = || common::cmd(d.path(), Some(PIN)).arg("init").output();
        let (a, b) = std::thread::scope(|s| {
            let a = s.spawn(spawn);
            let b = s.spawn(spawn);
            (a.join().unwrap().unwrap(), b.join().unwrap().unwrap())
        });
        assert_eq!(
            [a.status.success(), b.status.success()]
                .iter()
                .filter(|x| **x)
                .count(),
            1,
            "{} / {}",
            stderr(&a),
            stderr(&b)
        );
        ok(d.path(), &["note", "list"]);
    }
}
