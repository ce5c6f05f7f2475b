//! `harbour plan …`, `quick` and `walkthrough`, run as real processes.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Write;
use std::process::Stdio;

mod common;

use common::{PIN, cmd, json, ok, run};

#[test]
fn plan_commands_end_to_end() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path();
    ok(p, &["init"]);
    ok(p, &["plan", "add", "warning-signs", "Not sleeping"]);
    ok(p, &["plan", "add", "warning_signs", "Skipping meals"]);
    ok(
        p,
        &[
            "plan",
            "add",
            "people-to-ask",
            "Sam",
            "--contact",
            "by text",
        ],
    );
    ok(
        p,
        &[
            "plan",
            "add",
            "professionals",
            "Samaritans",
            "--service",
            "samaritans",
        ],
    );
    assert_eq!(
        run(p, Some(PIN), &["plan", "add", "nowhere", "x"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        run(
            p,
            Some(PIN),
            &["plan", "add", "professionals", "x", "--service", "nope"]
        )
        .status
        .code(),
        Some(6)
    );

    let plan = json(p, &["plan", "show"]);
    assert_eq!(plan["version"], 4);
    assert_eq!(plan["sections"][0]["items"][1]["text"], "Skipping meals");
    assert_eq!(plan["sections"][3]["items"][0]["contact"], "by text");
    assert!(ok(p, &["plan", "show"]).contains("1. Not sleeping"));

    ok(p, &["plan", "remove", "warning-signs", "1"]);
    assert_eq!(
        run(p, Some(PIN), &["plan", "remove", "warning-signs", "9"])
            .status
            .code(),
        Some(6)
    );
    let history = json(p, &["plan", "history"]);
    assert_eq!(history[0]["version"], 5);
    assert_eq!(history[0]["change"], "removed from My warning signs");
    ok(p, &["plan", "restore", "4"]);
    assert_eq!(
        json(p, &["plan", "show"])["sections"][0]["items"]
            .as_array()
            .unwrap()
            .len(),
        2
    );

    // Quick access: readable with no secret at all.
    ok(p, &["plan", "quick", "people-to-ask", "on"]);
    let quick = run(p, None, &["--json", "quick"]);
    assert!(quick.status.success());
    let quick: serde_json::Value = serde_json::from_slice(&quick.stdout).unwrap();
    assert_eq!(quick["sections"].as_array().unwrap().len(), 1);
    assert_eq!(quick["sections"][0]["section"], "people_to_ask");
    assert!(
        !String::from_utf8(run(p, None, &["quick"]).stdout)
            .unwrap()
            .contains("Not sleeping")
    );

    // Share: exactly the chosen sections, as text or an HTML file.
    let text = ok(
        p,
        &[
            "plan",
            "share",
            "--sections",
            "people-to-ask,professionals",
            "--text",
        ],
    );
    assert!(text.contains("People I can ask for help") && text.contains("Call 116 123"));
    assert!(!text.contains("Not sleeping"));
    let html = p.join("plan.html");
    ok(
        p,
        &[
            "plan",
            "share",
            "--sections",
            "warning-signs",
            "--html",
            html.to_str().unwrap(),
            "--title",
            "For the nurse",
        ],
    );
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.contains("<h1>For the nurse</h1>") && page.contains("Not sleeping"));
    assert!(!page.contains("Sam"));
    assert!(
        !p.join("data").read_dir().unwrap().any(|e| e
            .unwrap()
            .file_name()
            .to_string_lossy()
            .ends_with(".html"))
    );
}

#[test]
fn walkthrough_scripted_from_the_first_prompt_to_a_saved_plan() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path();
    ok(p, &["init"]);
    ok(p, &["note", "add", "a private note"]);
    let mut child = cmd(p, Some(PIN))
        .arg("supported-session")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let script = "Not sleeping\nWanting to be on my own\n\nMusic\n\nskip\nSam by text\n\nfind Torbay\nservice samaritans\n\n\nMy cat\n\nA calm voice helps\n\n";
    child
        .stdin
        .take()
        .unwrap()
        .write_all(script.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("Step 1 of 8 — My warning signs"));
    assert!(stdout.contains("What tells you that a hard time might be coming?"));
    assert!(stdout.contains("Why this helps:"));
    assert!(stdout.contains("Left for another time: People and places that help me feel better."));
    assert!(stdout.contains("Session ended."));
    assert!(
        !stdout.contains("a private note"),
        "notes never shown during a session"
    );

    let plan = json(p, &["plan", "show"]);
    let items = |i: usize| -> Vec<String> {
        plan["sections"][i]["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["text"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(items(0), ["Not sleeping", "Wanting to be on my own"]);
    assert_eq!(items(1), ["Music"]);
    assert_eq!(items(3), ["Sam by text"]);
    assert_eq!(items(4), ["Samaritans"]);
    assert_eq!(items(6), ["My cat"]);
    assert_eq!(items(7), ["A calm voice helps"]);
    // The note is there again after the session ended with the secret.
    assert!(ok(p, &["note", "list"]).contains("a private note"));
}

#[test]
fn walkthrough_refuses_a_wrong_secret() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path();
    ok(p, &["init"]);
    // (Ending a session with a wrong secret is tested in tests/tests/plan.rs.)
    let mut child = cmd(p, Some(PIN))
        .arg("supported-session")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"done\n").unwrap();
    assert!(child.wait_with_output().unwrap().status.success());
    let wrong_end = cmd(p, Some("000001"))
        .arg("walkthrough")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(
        wrong_end.status.code(),
        Some(3),
        "the unlock at the start refuses a wrong secret"
    );
}
