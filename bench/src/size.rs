//! The size of the release `cdylib` an app ships, and which crates it is made of.
//!
//! The shipped library is stripped, so contributors are read from the same build with its
//! symbols kept (`--profile symbols`, identical otherwise): `nm --size-sort` over the text,
//! each symbol counted to the crate its demangled path starts with. LTO inlines across crates,
//! so inlined code counts where it landed; the split is a guide, not an invoice.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

pub struct Size {
    pub stripped_bytes: u64,
    /// (crate, bytes), largest first.
    pub contributors: Vec<(String, u64)>,
    pub attributed_bytes: u64,
}

fn crate_of(symbol: &str) -> String {
    // C code from the bundled SQLite has plain, unmangled names.
    if symbol.starts_with("sqlite3") || symbol.starts_with("fts5") || symbol.starts_with("yy") {
        return "SQLite (C, bundled)".into();
    }
    let s = symbol.trim_start_matches('<').trim_start_matches('&');
    let s = s.strip_prefix("dyn ").unwrap_or(s);
    match s.split_once("::") {
        Some((head, _)) if !head.contains(' ') && !head.is_empty() => head.to_owned(),
        _ => "other (C runtime, unnamed)".into(),
    }
}

pub fn measure(stripped: &Path, with_symbols: &Path) -> Size {
    let stripped_bytes = std::fs::metadata(stripped).expect("stripped library").len();
    let out = Command::new("nm")
        .args(["--size-sort", "--demangle=rust", "-S"])
        .arg(with_symbols)
        .output()
        .expect("nm (binutils)");
    assert!(out.status.success(), "nm failed");
    let mut by_crate: BTreeMap<String, u64> = BTreeMap::new();
    let mut attributed = 0;
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        // "<address> <size> <type> <name>"
        let mut parts = line.splitn(4, ' ');
        let (_, Some(size), Some(kind), Some(name)) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            continue;
        };
        if !matches!(kind, "t" | "T" | "r" | "R" | "d" | "D") {
            continue;
        }
        let Ok(size) = u64::from_str_radix(size, 16) else {
            continue;
        };
        *by_crate.entry(crate_of(name)).or_default() += size;
        attributed += size;
    }
    let mut contributors: Vec<_> = by_crate.into_iter().collect();
    contributors.sort_by_key(|c| std::cmp::Reverse(c.1));
    Size {
        stripped_bytes,
        contributors,
        attributed_bytes: attributed,
    }
}
