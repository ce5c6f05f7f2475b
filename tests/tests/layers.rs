//! The import rule of harbour-core, checked on its source (`docs/DESIGN.md`, "Layers").
//!
//! - **foundation** (crypto, secret, fold, html, clock, keystore, atomic_file, crash_point, stack,
//!   wording)
//!   imports only foundation, along the few edges listed below;
//! - **store** and **pack** import only foundation;
//! - **domain** modules (vault, notes, plan, coping, supported_session, directory, library, backup) import
//!   foundation, store and pack, and another domain only along an edge listed here with its
//!   reason — never the facade;
//! - only `lib.rs` imports the facade (`harbour`), which may import anything.
//!
//! A new edge fails this test until it is added here, which is the point: the graph stays
//! what the design says, and each exception is written down.

#![allow(clippy::expect_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const FOUNDATION: &[&str] = &[
    "atomic_file",
    "crash_point",
    "clock",
    "crypto",
    "fold",
    "html",
    "keystore",
    "secret",
    "stack",
    "wording",
];
const STORAGE: &[&str] = &["store", "pack"];
const DOMAIN: &[&str] = &[
    "vault",
    "notes",
    "plan",
    "coping",
    "supported_session",
    "directory",
    "library",
    "backup",
];

/// The edges allowed beyond the layer rule, each with why.
const EXCEPTIONS: &[(&str, &str, &str)] = &[
    (
        "keystore",
        "crypto",
        "the file key store seals keys at rest",
    ),
    (
        "keystore",
        "atomic_file",
        "the file key store writes its file whole",
    ),
    (
        "supported_session",
        "plan",
        "a supported session builds the plan",
    ),
    (
        "supported_session",
        "library",
        "its prompts come from the library pack",
    ),
    (
        "library",
        "directory",
        "triage outcomes name directory topics",
    ),
    (
        "library",
        "plan",
        "the lint checks prompts name plan sections",
    ),
    (
        "coping",
        "library",
        "the toolbox marks the library's coping ideas, which name feelings",
    ),
    (
        "backup",
        "coping",
        "a backup holds the toolbox and check-ins, through their codec",
    ),
    (
        "backup",
        "library",
        "check-ins and ideas of their own name the library's feelings",
    ),
    (
        "backup",
        "notes",
        "a backup holds the notes, through their codec",
    ),
    (
        "backup",
        "plan",
        "a backup holds the plan, through its codec",
    ),
    // The one error type names each layer's own error enum.
    ("error", "keystore", "KeyStoreError"),
    ("error", "pack", "PackError"),
    ("error", "backup", "AgeError"),
];

fn core_src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(|p| p.join("core/src"))
        .unwrap_or_default()
}

/// The module a file belongs to: its first path component under `src/`.
fn module_of(src: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(src).expect("under src");
    let first = rel.components().next().expect("a component");
    first
        .as_os_str()
        .to_string_lossy()
        .trim_end_matches(".rs")
        .to_owned()
}

/// The source without its test code: `#[cfg(test)]` items are not part of the shipped graph.
fn shipped(text: &str) -> &str {
    match text.find("#[cfg(test)]") {
        Some(at) => &text[..at],
        None => text,
    }
}

/// Every first path segment after `crate::`, including inside `use crate::{a, b::{c}}`.
fn crate_refs(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut rest = text;
    while let Some(at) = rest.find("crate::") {
        rest = &rest[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            // The top level of a brace group: split at commas outside nested braces.
            let (mut depth, mut start) = (0usize, 0usize);
            for (i, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => {
                        push_segment(&mut out, &group[start..i]);
                        break;
                    }
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        push_segment(&mut out, &group[start..i]);
                        start = i + 1;
                    }
                    _ => {}
                }
            }
        } else {
            push_segment(&mut out, rest);
        }
    }
    out
}

fn push_segment(out: &mut BTreeSet<String>, path: &str) {
    let name: String = path
        .trim()
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    if !name.is_empty() {
        out.insert(name);
    }
}

/// Names `lib.rs` re-exports at the root, mapped to the module they come from, so
/// `crate::Harbour` counts as the facade and `crate::Error` as `error`.
fn root_names(lib: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    // Statement by statement, so a `pub use` that rustfmt wrapped over lines counts too; only
    // the crate root's own re-exports (no leading spaces), not those inside `authoring`.
    for statement in lib.split(';') {
        let Some(rest) = statement
            .trim_start_matches('\n')
            .lines()
            .skip_while(|l| l.starts_with("//") || l.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
            .strip_prefix("pub use ")
            .map(str::to_owned)
        else {
            continue;
        };
        let Some((module, names)) = rest.split_once("::") else {
            continue;
        };
        let names = names.trim().trim_matches(['{', '}']);
        for name in names.split(',').map(str::trim).filter(|n| !n.is_empty()) {
            out.insert(name.to_owned(), module.to_owned());
        }
    }
    out
}

/// The module graph of harbour-core: module → modules it imports.
fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = core_src();
    let lib = std::fs::read_to_string(src.join("lib.rs")).expect("lib.rs");
    let roots = root_names(&lib);
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    // lib.rs imports what it re-exports.
    graph.insert("lib".to_owned(), roots.values().cloned().collect());
    for file in harbour_tests::files_under(&src) {
        if file.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let module = module_of(&src, &file);
        if module == "lib" {
            continue;
        }
        let text = std::fs::read_to_string(&file).expect("source");
        let deps = graph.entry(module.clone()).or_default();
        for r in crate_refs(shipped(&text)) {
            let target = roots.get(&r).cloned().unwrap_or(r);
            if target != module {
                deps.insert(target);
            }
        }
    }
    graph
}

fn layer(module: &str) -> &'static str {
    if FOUNDATION.contains(&module) {
        "foundation"
    } else if STORAGE.contains(&module) {
        "storage"
    } else if DOMAIN.contains(&module) {
        "domain"
    } else {
        "other"
    }
}

fn allowed(from: &str, to: &str) -> bool {
    if EXCEPTIONS.iter().any(|&(f, t, _)| f == from && t == to) {
        return true;
    }
    // `error` is the shared vocabulary: everyone returns it.
    if to == "error" {
        return true;
    }
    match (layer(from), layer(to)) {
        ("foundation", _) => false,
        ("storage", "foundation") => true,
        ("storage", _) => false,
        ("domain", "foundation" | "storage") => true,
        ("domain", _) => false,
        // The facade, lib.rs and the fuzzing entry points see everything.
        _ => true,
    }
}

#[test]
fn every_import_follows_the_layer_rule() {
    let graph = graph();
    let mut broken = Vec::new();
    for (from, deps) in &graph {
        for to in deps {
            if !allowed(from, to) {
                broken.push(format!("{from} imports {to}"));
            }
        }
    }
    assert!(broken.is_empty(), "imports against the rule: {broken:#?}");
}

#[test]
fn only_lib_rs_imports_the_facade() {
    let graph = graph();
    let importers: Vec<&String> = graph
        .iter()
        .filter(|(from, deps)| from.as_str() != "harbour" && deps.contains("harbour"))
        .map(|(from, _)| from)
        .collect();
    assert_eq!(importers, [&"lib".to_owned()]);
}

#[test]
fn the_root_re_exports_see_wrapped_lists() {
    let lib = std::fs::read_to_string(core_src().join("lib.rs")).expect("lib.rs");
    let roots = root_names(&lib);
    // Each of these sits inside a `pub use` that rustfmt wraps over several lines.
    for (name, module) in [
        ("UserText", "secret"),
        ("Section", "plan"),
        ("Topic", "directory"),
    ] {
        assert_eq!(roots.get(name).map(String::as_str), Some(module), "{name}");
    }
    assert!(
        !roots.contains_key("derive_raw"),
        "authoring's re-exports are not the root's"
    );
}

/// An app sees what `lib.rs` chose to re-export, not whatever a module marked `pub`: every
/// module is private except the two surfaces an app never uses.
#[test]
fn every_module_is_private_but_the_tool_surfaces() {
    let lib = std::fs::read_to_string(core_src().join("lib.rs")).expect("lib.rs");
    let public: Vec<&str> = lib
        .lines()
        .filter_map(|l| l.strip_prefix("pub mod "))
        .map(|l| l.trim_end_matches([';', '{', ' ']))
        .collect();
    assert_eq!(public, ["fuzzing", "authoring"]);
}

#[test]
fn every_module_has_a_layer_and_every_exception_is_used() {
    let graph = graph();
    for module in graph.keys() {
        assert!(
            layer(module) != "other"
                || ["harbour", "lib", "error", "fuzzing"].contains(&module.as_str()),
            "{module} has no layer: add it to one in tests/tests/layers.rs and docs/DESIGN.md"
        );
    }
    // An exception nobody needs any more is removed, so the list stays the truth.
    for &(from, to, why) in EXCEPTIONS {
        assert!(
            graph.get(from).is_some_and(|d| d.contains(to)),
            "{from} no longer imports {to} ({why}): remove the exception"
        );
    }
}

#[test]
fn the_checker_sees_grouped_and_nested_imports() {
    let refs = crate_refs("use crate::{a::{b, c}, d, e::f};\nlet x = crate::g::h();");
    assert_eq!(
        refs.into_iter().collect::<Vec<_>>(),
        ["a", "d", "e", "g"].map(str::to_owned)
    );
    assert_eq!(shipped("a\n#[cfg(test)]\nmod tests { crate::x }"), "a\n");
    let roots = root_names("pub use harbour::{Config, Harbour};\npub use error::Error;\n");
    assert_eq!(roots["Harbour"], "harbour");
    assert_eq!(roots["Error"], "error");
}

/// Signing and importing are publisher work: the mobile library (harbour-ffi over
/// harbour-core) must not link harbour-publish, and the core has no feature that brings it back.
#[test]
fn the_mobile_library_does_not_link_the_publisher_tools() {
    let root = core_src().join("../..");
    for manifest in ["core/Cargo.toml", "bindings/Cargo.toml"] {
        let text = std::fs::read_to_string(root.join(manifest)).expect("manifest");
        assert!(
            !text.contains("harbour-publish"),
            "{manifest} depends on harbour-publish"
        );
        assert!(
            !text.contains("publisher ="),
            "{manifest} has a publisher feature"
        );
    }
    let core = std::fs::read_to_string(core_src().join("pack/minisign.rs")).expect("minisign");
    assert!(!core.contains("SigningKey"), "the core can sign packs");
}

/// The SQL has one owner: `store`. A domain module that wrote a statement of its own would
/// put a query outside the layer that knows the schema and its migrations.
#[test]
fn only_store_runs_sql() {
    let src = core_src();
    let mut found = Vec::new();
    for file in harbour_tests::files_under(&src) {
        if file.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let module = module_of(&src, &file);
        if module == "store" || !DOMAIN.contains(&module.as_str()) && module != "harbour" {
            continue;
        }
        let text = std::fs::read_to_string(&file).expect("source");
        for call in [
            ".execute(",
            ".execute_batch(",
            ".query_row(",
            ".prepare(",
            ".prepare_cached(",
        ] {
            if shipped(&text).contains(call) {
                found.push(format!("{} calls {call}", file.display()));
            }
        }
    }
    assert!(found.is_empty(), "SQL outside store: {found:#?}");
}
