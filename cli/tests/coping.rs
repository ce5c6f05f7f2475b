//! `harbour cope`, `harbour toolbox …` and `harbour checkin …`, run as real processes.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Write;
use std::process::Stdio;

mod common;

use common::{PIN, cmd, json, ok, run, stderr};

#[test]
fn cope_works_with_no_vault_and_worse_reaches_999_and_the_first_door() {
    let d = tempfile::tempdir().unwrap();
    let v = json(
        d.path(),
        &["cope", "numb", "--answers", "same,worse", "--age", "15"],
    );
    assert_eq!(v["feeling"], "numb");
    assert!(!v["ideas"].as_array().unwrap().is_empty());
    let steps = v["steps"].as_array().unwrap();
    assert_eq!(steps.len(), 2);
    assert_eq!(steps[0]["answer"], "same");
    let shown: Vec<&str> = v["ideas"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap())
        .collect();
    assert!(
        steps[0]["ideas"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| !shown.contains(&i["id"].as_str().unwrap()))
    );
    let worse = &steps[1];
    assert_eq!(worse["emergency"][0]["contact"], "999");
    assert!(
        worse["help"]
            .as_array()
            .unwrap()
            .iter()
            .any(|o| o["open"]["state"] == "always_open"),
        "{worse}"
    );
    assert!(
        worse["first_door"]
            .as_str()
            .unwrap()
            .contains("ending your life")
    );
    assert!(
        !d.path().join("data").join("harbour.sqlite3").exists(),
        "a moment writes nothing"
    );

    // A short feeling name works; a wrong one is a usage error that says what to type.
    assert!(ok(d.path(), &["cope", "angry", "--answers", "better"]).contains("good to hear"));
    let bad = run(d.path(), None, &["cope", "hungry"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("sad-or-lonely"));
}

#[test]
fn cope_asks_at_a_prompt_when_nothing_is_given() {
    let d = tempfile::tempdir().unwrap();
    let mut child = cmd(d.path(), None)
        .arg("cope")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    // Overwhelmed, then "worse".
    child.stdin.take().unwrap().write_all(b"6\n3\n").unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("Slow breathing"), "{text}");
    assert!(text.contains("Call 999"), "{text}");
}

#[test]
fn toolbox_and_checkins_end_to_end() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path();
    ok(p, &["init"]);
    ok(p, &["toolbox", "favourite", "pillow"]);
    ok(p, &["toolbox", "hide", "shout"]);
    let t = json(
        p,
        &[
            "toolbox",
            "add",
            "Sing along loudly",
            "--feeling",
            "angry-or-restless",
            "--minutes",
            "5",
            "--to-plan",
        ],
    );
    let mine = t["ideas"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["own"] == true)
        .unwrap();
    let id = mine["id"].as_str().unwrap().to_owned();
    assert!(ok(p, &["plan", "show"]).contains("Sing along loudly"));
    let m = json(p, &["cope", "angry-or-restless", "--unlock"]);
    let ideas: Vec<&str> = m["ideas"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ideas[..2],
        ["pillow", id.as_str()],
        "favourite, then their own"
    );
    assert!(!ideas.contains(&"shout"));
    // Without the secret, their own idea and marks stay private.
    let locked = json(p, &["cope", "angry-or-restless"]);
    assert!(
        locked["ideas"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["own"] == false)
    );
    ok(p, &["toolbox", "move", &id[..6], "1"]);
    assert!(ok(p, &["toolbox", "list"]).starts_with(" 1. Sing along loudly"));
    let bad = run(p, Some(PIN), &["toolbox", "add", "x", "--minutes", "7"]);
    assert_eq!(bad.status.code(), Some(2), "{}", stderr(&bad));

    ok(
        p,
        &[
            "checkin",
            "add",
            "--strength",
            "4",
            "--feeling",
            "angry",
            "--before",
            "argument at home",
            "--tried",
            "pillow=yes",
            "--tried",
            "Went for a run=a-little",
        ],
    );
    ok(
        p,
        &[
            "checkin",
            "add",
            "--strength",
            "2",
            "--tried",
            "Went for a run=yes",
        ],
    );
    let list = json(p, &["checkin", "list"]);
    assert_eq!(list["checkins"].as_array().unwrap().len(), 2);
    assert_eq!(
        list["checkins"][1]["tried"][0]["what"],
        "Let it out into a pillow"
    );
    assert_eq!(list["checkins"][1]["tried"][0]["idea"], "pillow");
    let helped = ok(p, &["checkin", "helped"]);
    assert!(
        helped.find("Went for a run").unwrap() < helped.find("pillow").unwrap(),
        "{helped}"
    );
    assert!(
        !helped.chars().any(|c| c.is_ascii_digit()),
        "no numbers in what helped: {helped}"
    );
    for args in [
        &["checkin", "add", "--strength", "9"][..],
        &["checkin", "add", "--strength", "3", "--tried", "x=maybe"],
    ] {
        assert_eq!(run(p, Some(PIN), args).status.code(), Some(2), "{args:?}");
    }
    assert_eq!(
        json(p, &["checkin", "list"])["checkins"]
            .as_array()
            .unwrap()
            .len(),
        2
    );

    // Quick access shows a marked check-in with no secret; the rest stay private.
    let first = list["checkins"][1]["id"].as_str().unwrap().to_owned();
    ok(p, &["checkin", "quick", &first[..8], "on"]);
    let quick = json(p, &["quick"]);
    assert_eq!(quick["checkins"].as_array().unwrap().len(), 1);
    assert_eq!(quick["checkins"][0]["before"], "argument at home");
    ok(p, &["checkin", "delete", &first[..8]]);
    assert_eq!(
        json(p, &["checkin", "list"])["checkins"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let wrong = run(p, Some("000001"), &["checkin", "list"]);
    assert!(!wrong.status.success());
    assert!(!String::from_utf8_lossy(&wrong.stdout).contains("Went for a run"));
}

/// Two processes changing one toolbox at once (an app and its widget): every change is kept,
/// because each reads, changes and writes the toolbox in one transaction.
#[test]
fn two_processes_adding_ideas_at_once_lose_none() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().to_path_buf();
    ok(&p, &["init"]);
    let workers: Vec<_> = (0..2)
        .map(|w| {
            let p = p.clone();
            std::thread::spawn(move || {
                for i in 0..8 {
                    ok(&p, &["toolbox", "add", &format!("idea {w}-{i}")]);
                    ok(&p, &["checkin", "add", "--strength", "3"]);
                }
            })
        })
        .collect();
    for w in workers {
        w.join().unwrap();
    }
    let t = json(&p, &["toolbox", "list"]);
    let own = t["ideas"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["own"] == true)
        .count();
    assert_eq!(own, 16);
    assert_eq!(
        json(&p, &["checkin", "list"])["checkins"]
            .as_array()
            .unwrap()
            .len(),
        16
    );
}
