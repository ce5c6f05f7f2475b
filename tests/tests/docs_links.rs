//! The repository stands on its own: every relative link in its Markdown points at a file
//! inside the repository, so a reader with only a clone never meets a dead end.

#![allow(clippy::expect_used)]

use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

/// Markdown files the project writes (not fixtures or build output).
fn markdown_files(root: &Path) -> Vec<PathBuf> {
    let mut out = vec![root.join("README.md")];
    for dir in ["docs", "fixtures", "android", "ios", "bench", "fuzz"] {
        out.extend(
            harbour_tests::files_under(&root.join(dir))
                .into_iter()
                .filter(|p| p.extension().is_some_and(|e| e == "md")),
        );
    }
    out
}

/// The targets of `[text](target)` links, without `#fragment`.
fn link_targets(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find("](") {
        rest = &rest[at + 2..];
        let Some(end) = rest.find(')') else { break };
        let target = rest[..end].split('#').next().unwrap_or_default().trim();
        if !target.is_empty() && !target.contains("://") && !target.starts_with("mailto:") {
            out.push(target.to_owned());
        }
        rest = &rest[end..];
    }
    out
}

#[test]
fn every_relative_link_stays_inside_the_repository_and_resolves() {
    let root = repo().canonicalize().expect("the repository root");
    let mut bad = Vec::new();
    for file in markdown_files(&root) {
        let text = std::fs::read_to_string(&file).unwrap_or_default();
        let dir = file.parent().unwrap_or(&root);
        for target in link_targets(&text) {
            match dir.join(&target).canonicalize() {
                Ok(p) if p.starts_with(&root) => {}
                Ok(_) => bad.push(format!("{}: {target} points outside", file.display())),
                Err(_) => bad.push(format!("{}: {target} does not exist", file.display())),
            }
        }
    }
    assert!(bad.is_empty(), "{bad:#?}");
}

#[test]
fn the_readme_names_no_folder_outside_the_repository() {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap_or_default();
    for outside in ["../shared", "shared/reference"] {
        assert!(!readme.contains(outside), "README mentions {outside}");
    }
}

#[test]
fn the_link_finder_finds_links() {
    assert_eq!(
        link_targets("see [a](docs/a.md#x) and [b](https://x.org) and [c](../c.md)"),
        vec!["docs/a.md", "../c.md"]
    );
}
