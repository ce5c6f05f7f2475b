//! Running the `harbour` binary as a real process, for the CLI's integration tests.
// Each test file uses some of these.
#![allow(dead_code)]
#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::process::{Command, Output, Stdio};

pub const PIN: &str = "482915";

/// The CLI with nothing from the caller's environment: its data directory and device key
/// (kept apart from the data, in a folder the CLI has to make) under `dir`, the cheapest KDF,
/// no standard input, and `secret` as `HARBOUR_SECRET` if given.
pub fn cmd(dir: &Path, secret: Option<&str>) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_harbour"));
    c.env_clear()
        .env("HARBOUR_DATA_DIR", dir.join("data"))
        .env("HARBOUR_DEVICE_KEY", dir.join("conf").join("device.key"))
        .env("HARBOUR_KDF", "testing")
        .stdin(Stdio::null());
    if let Some(s) = secret {
        c.env("HARBOUR_SECRET", s);
    }
    c
}

pub fn run(dir: &Path, secret: Option<&str>, args: &[&str]) -> Output {
    cmd(dir, secret).args(args).output().unwrap()
}

/// Runs with the PIN and asserts success; returns standard output.
pub fn ok(dir: &Path, args: &[&str]) -> String {
    let out = run(dir, Some(PIN), args);
    assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    String::from_utf8(out.stdout).unwrap()
}

/// As [`ok`], with `--json`, parsed.
pub fn json(dir: &Path, args: &[&str]) -> serde_json::Value {
    let mut a = vec!["--json"];
    a.extend_from_slice(args);
    serde_json::from_str(&ok(dir, &a)).unwrap()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}
