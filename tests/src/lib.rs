//! Helpers shared by the workspace-level tests.

use std::path::{Path, PathBuf};

/// Every file under `dir`, recursively.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in entries.flatten() {
            let p = entry.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// Files under `dir` containing `marker` as UTF-8 or UTF-16LE.
pub fn files_containing(dir: &Path, marker: &str) -> Vec<PathBuf> {
    let utf8 = marker.as_bytes().to_vec();
    let utf16: Vec<u8> = marker
        .encode_utf16()
        .flat_map(|u| u.to_le_bytes())
        .collect();
    files_under(dir)
        .into_iter()
        .filter(|p| {
            let bytes = std::fs::read(p).unwrap_or_default();
            [&utf8, &utf16]
                .iter()
                .any(|needle| bytes.windows(needle.len()).any(|w| w == needle.as_slice()))
        })
        .collect()
}

/// The text the workload writes for operation `i`.
pub fn workload_text(marker: &str, i: u64) -> String {
    format!("{marker} note {i}")
}

/// Parses the operation number back out of a workload note.
pub fn workload_index(marker: &str, text: &str) -> Option<u64> {
    text.strip_prefix(&format!("{marker} note "))?.parse().ok()
}
