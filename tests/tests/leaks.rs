//! Leak scans: after real work, the user's words and secrets are nowhere they should not be —
//! not in the process's memory once dropped or locked, not in any file under the data or temp
//! directory (even after a crash), not on stderr, not in any error message.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::process::{Command, Stdio};

const MASK: u8 = 0xA5;

/// Whether any writable mapping of process `pid` holds the masked word. Only its last 16
/// bytes are looked for: allocators reuse the first bytes of a freed block for their lists.
fn in_memory(pid: u32, masked: &[u8]) -> bool {
    let tail: Vec<u8> = masked[masked.len() - 16..]
        .iter()
        .map(|b| b ^ MASK)
        .collect();
    let maps = std::fs::read_to_string(format!("/proc/{pid}/maps")).unwrap();
    let mut mem = std::fs::File::open(format!("/proc/{pid}/mem")).unwrap();
    let mut buf = Vec::new();
    for line in maps.lines() {
        let mut parts = line.split_whitespace();
        let (Some(range), Some(perms)) = (parts.next(), parts.next()) else {
            continue;
        };
        if !perms.starts_with("rw") {
            continue;
        }
        let (a, b) = range.split_once('-').unwrap();
        let (start, end) = (
            u64::from_str_radix(a, 16).unwrap(),
            u64::from_str_radix(b, 16).unwrap(),
        );
        buf.resize((end - start) as usize, 0);
        if mem.seek(SeekFrom::Start(start)).is_err() || mem.read_exact(&mut buf).is_err() {
            continue;
        }
        if buf.windows(tail.len()).any(|w| w == tail.as_slice()) {
            return true;
        }
    }
    false
}

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

#[test]
fn secrets_and_words_are_wiped_from_memory_after_drop_and_lock() {
    {
        let mut child = Command::new(env!("CARGO_BIN_EXE_harbour-memscan"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let pid = child.id();
        let mut stdin = child.stdin.take().unwrap();
        let mut results = BTreeMap::new();
        for line in BufReader::new(child.stdout.take().unwrap()).lines() {
            let line = line.unwrap();
            let parts: Vec<&str> = line.split(' ').collect();
            if let ["scan", check, hex] = parts.as_slice() {
                results.insert(check.to_string(), in_memory(pid, &unhex(hex)));
                stdin.write_all(b"\n").unwrap();
                stdin.flush().unwrap();
            }
        }
        assert!(child.wait().unwrap().success());
        eprintln!("in memory after use: {results:?}");
        assert_eq!(
            results.get("control"),
            Some(&true),
            "the scan must see an ordinary dropped Vec (else it proves nothing)"
        );
        for check in ["secret", "note-after-lock", "plan-after-lock"] {
            assert_eq!(results.get(check), Some(&false), "{check} left in memory");
        }
    }
}

const MARKER: &str = "LEAKMARK-77c1";

/// Every file under the data directory and the temp directory a crashed-then-finished workload
/// used; and everything it printed to stderr.
#[test]
fn no_plaintext_in_files_or_stderr_after_a_workload_a_crash_and_a_lock() {
    let dir = tempfile::tempdir().unwrap();
    let (data, key, tmp) = (
        dir.path().join("data"),
        dir.path().join("device.key"),
        dir.path().join("tmp"),
    );
    std::fs::create_dir_all(&tmp).unwrap();
    let run = |seed: &str, ops: Option<&str>| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_harbour-workload"));
        cmd.args([data.to_str().unwrap(), key.to_str().unwrap(), MARKER, seed])
            .args(ops)
            .env("TMPDIR", &tmp)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        cmd.spawn().unwrap()
    };
    // A crash: killed after a few hundred operations.
    let mut child = run("1", None);
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    for _ in 0..600 {
        lines.next();
    }
    child.kill().unwrap();
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    child.wait().unwrap();
    // Then a run to the end, which locks.
    let out = run("2", Some("300")).wait_with_output().unwrap();
    assert!(out.status.success());
    stderr.push_str(&String::from_utf8_lossy(&out.stderr));

    let leaks = harbour_tests::files_containing(dir.path(), MARKER);
    assert!(leaks.is_empty(), "plaintext in {leaks:?}");
    assert!(!stderr.contains(MARKER), "plaintext on stderr");
    assert!(
        !harbour_tests::files_under(&data).is_empty(),
        "the workload wrote nothing"
    );
}

/// Errors built from input that holds the words never carry them.
#[test]
fn core_errors_never_carry_the_words() {
    use harbour_core::{Harbour, MemoryKeyStore, Secret};
    let dir = tempfile::tempdir().unwrap();
    let config = harbour_tests::testing_config(dir.path());
    let h = Harbour::open(config, std::sync::Arc::new(MemoryKeyStore::new())).unwrap();
    h.create_vault(Secret::from_text("482915")).unwrap();
    let errors = [
        h.add_note(format!("{MARKER}{}", "x".repeat(300_000)).into(), vec![])
            .unwrap_err(),
        h.add_note(
            "ok".into(),
            vec![format!("{MARKER}{}", "t".repeat(40)).into()],
        )
        .unwrap_err(),
        h.note(MARKER).unwrap_err(),
        h.resolve_note_id(MARKER).unwrap_err(),
        h.search_notes("   ").unwrap_err(),
        h.create_vault(Secret::from_text(MARKER)).unwrap_err(),
        h.restore_backup(MARKER.as_bytes(), &Secret::from_text(MARKER))
            .unwrap_err(),
        h.install_directory_pack(MARKER.as_bytes(), MARKER.as_bytes())
            .unwrap_err(),
        h.service(MARKER, None).unwrap_err(),
        h.card(MARKER).unwrap_err(),
    ];
    for e in &errors {
        let shown = format!("{e} {e:?}");
        assert!(!shown.contains(MARKER), "{shown}");
    }
}
