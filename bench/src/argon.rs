//! Harbour's Argon2id (RustCrypto `argon2`) against the reference C implementation (Debian's
//! `argon2` command, from the PHC reference code) on identical inputs: same output required,
//! then time. The reference is timed as a whole process; starting it costs about a
//! millisecond, well under 1% of the figure.

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::Duration;

use harbour_core::KdfParams;
use harbour_core::authoring::kdf::derive_raw;

use crate::stats::{Summary, summarise, time};

const SECRET: &[u8] = b"correct horse";
const SALT: &str = "harbour-bench-salt";

pub struct Argon {
    pub params: KdfParams,
    pub harbour: Summary,
    pub reference: Summary,
    pub outputs_equal: bool,
}

fn reference(params: &KdfParams) -> (String, Duration) {
    time(|| {
        let mut child = Command::new("argon2")
            .args([
                SALT,
                "-id",
                "-t",
                &params.iterations.to_string(),
                "-k",
                &params.memory_kib.to_string(),
                "-p",
                &params.parallelism.to_string(),
                "-l",
                "32",
                "-r",
            ])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("the reference argon2 command (Debian package argon2)");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(SECRET)
            .expect("write");
        let out = child.wait_with_output().expect("argon2");
        assert!(out.status.success(), "argon2 failed");
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    })
}

pub fn run(params: KdfParams, runs: usize) -> Argon {
    let mut ours = Vec::with_capacity(runs);
    let mut theirs = Vec::with_capacity(runs);
    let mut equal = true;
    // Interleaved, so drift in the machine touches both alike.
    for _ in 0..runs {
        let (out, d) = time(|| derive_raw(&params, SECRET, SALT.as_bytes()).expect("derive"));
        ours.push(d);
        let hex: String = out.iter().map(|b| format!("{b:02x}")).collect();
        let (reference_hex, d) = reference(&params);
        theirs.push(d);
        equal &= hex == reference_hex;
    }
    Argon {
        params,
        harbour: summarise(ours),
        reference: summarise(theirs),
        outputs_equal: equal,
    }
}
