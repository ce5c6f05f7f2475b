//! The hazard log names the tests that prove each control: every name it gives must be a
//! test that exists, so a renamed or deleted test cannot leave a control unproven on paper.

#![allow(clippy::expect_used)]

use std::collections::HashSet;
use std::path::Path;

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the repository root")
}

/// Every `fn name` in the workspace's Rust test code that is marked `#[test]` (or sits in a
/// `proptest!` block, where tests are plain `fn`s after a `#[test]` attribute too).
fn test_names() -> HashSet<String> {
    let mut names = HashSet::new();
    for dir in ["tests", "core", "cli", "bindings"] {
        for file in harbour_tests::files_under(&repo().join(dir)) {
            if file.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let text = std::fs::read_to_string(&file).unwrap_or_default();
            let mut marked = false;
            for line in text.lines().map(str::trim) {
                if line.starts_with("#[test]") {
                    marked = true;
                } else if marked && line.starts_with("fn ") {
                    if let Some(name) = line[3..].split(['(', '<']).next() {
                        names.insert(name.trim().to_owned());
                    }
                    marked = false;
                }
            }
        }
    }
    names
}

/// The test names a "**Tests:**" entry lists, in backticks.
fn named_in_log(log: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_tests = false;
    for line in log.lines() {
        let l = line.trim_start();
        if l.starts_with("- **Tests:**") {
            in_tests = true;
        } else if l.starts_with("- **") || l.starts_with('#') || l.is_empty() {
            in_tests = false;
        }
        if in_tests {
            out.extend(line.split('`').skip(1).step_by(2).map(str::to_owned));
        }
    }
    out
}

#[test]
fn every_test_the_hazard_log_names_exists() {
    let log = std::fs::read_to_string(repo().join("docs/CLINICAL-SAFETY.md"))
        .expect("docs/CLINICAL-SAFETY.md");
    let named = named_in_log(&log);
    assert!(named.len() >= 20, "only {} tests named", named.len());
    let tests = test_names();
    let missing: Vec<&String> = named.iter().filter(|n| !tests.contains(*n)).collect();
    assert!(
        missing.is_empty(),
        "named in the hazard log but not a test: {missing:?}"
    );
}

#[test]
fn the_log_says_plainly_that_no_clinical_safety_officer_has_reviewed_it() {
    let log = std::fs::read_to_string(repo().join("docs/CLINICAL-SAFETY.md")).unwrap_or_default();
    assert!(log.contains("No Clinical Safety Officer has reviewed"));
    // Every hazard the review asked for is logged.
    for hazard in [
        "Wrong or dead contact details",
        "Stale directory",
        "clock changes or bank holidays",
        "Triage under-escalation",
        "Quick-access items seen on a shared phone",
        "Data lost in rotation, restore or erase",
        "A supported session exposing notes",
        "A share containing more than was chosen",
        "A bad pack hiding 999",
    ] {
        assert!(log.contains(hazard), "the log has no hazard '{hazard}'");
    }
}

#[test]
fn the_log_reader_finds_names_and_a_wrong_one_would_fail() {
    let names = named_in_log("- **Tests:** `a_b`, `c_d`.\n  `e_f`\n- **Risk:** `not_this`");
    assert_eq!(names, ["a_b", "c_d", "e_f"]);
    assert!(!test_names().contains("no_such_test_anywhere"));
}
