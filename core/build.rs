//! Deflates the baseline packs compiled into the library.
//!
//! The packs are kept as signed JSON in `fixtures/packs/` (readable in review, and what the
//! signature covers); the library carries them deflated, a quarter of the size, and inflates
//! one the first time it is used. The signature is checked on the inflated bytes, so this
//! step is outside what anyone has to trust.

use std::path::PathBuf;
use std::{env, fs};

const PACKS: [&str; 2] = ["directory.json", "library.json"];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let manifest = PathBuf::from(env::var("CARGO_MANIFEST_DIR")?);
    let out = PathBuf::from(env::var("OUT_DIR")?);
    for name in PACKS {
        let source = manifest.join("../fixtures/packs").join(name);
        println!("cargo:rerun-if-changed={}", source.display());
        let json = fs::read(&source)?;
        let deflated = miniz_oxide::deflate::compress_to_vec(&json, 10);
        fs::write(out.join(format!("{name}.deflate")), deflated)?;
    }
    Ok(())
}
