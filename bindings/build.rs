//! Bakes the contract id (contract_id.rs) into the library and into the default of
//! `Harbour.open`'s `contract` argument, which the generated bindings then carry.

// A build script that cannot read its own crate's sources should stop the build, loudly.
#![allow(clippy::expect_used)]

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

#[path = "contract_id.rs"]
mod contract_id;

fn sources(dir: &Path, root: &Path, out: &mut Vec<(String, String)>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("bindings/src is readable")
        .map(|e| e.expect("a directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            sources(&path, root, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let name = path
                .strip_prefix(root)
                .expect("under the crate")
                .to_string_lossy();
            let text = std::fs::read_to_string(&path).expect("a source file is UTF-8");
            out.push((name.replace('\\', "/"), text));
        }
    }
}

fn main() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("run by cargo"));
    let mut files = Vec::new();
    sources(&root.join("src"), &root, &mut files);
    // The binding settings shape the generated code too.
    let toml = root.join("uniffi.toml");
    files.push((
        "uniffi.toml".to_owned(),
        std::fs::read_to_string(&toml).expect("uniffi.toml"),
    ));
    let version = std::env::var("CARGO_PKG_VERSION").expect("run by cargo");
    let testing = std::env::var_os("CARGO_FEATURE_TESTING").is_some();
    let id = contract_id::contract_id(&version, testing, &files);

    let mut code = String::new();
    let _ = writeln!(
        code,
        "/// This build's contract id (see contract_id.rs).\n\
         pub(crate) const CONTRACT: &str = {id:?};\n\n\
         #[uniffi::export]\n\
         impl Harbour {{\n    \
             /// Opens Harbour. Never touches the vault: help now and the library work even when\n    \
             /// the vault is damaged or missing.\n    \
             ///\n    \
             /// Leave `contract` out: its default is the id of the library these bindings were\n    \
             /// generated from, and a library from another build throws `ContractMismatch`\n    \
             /// here instead of failing unpredictably later.\n    \
             #[uniffi::constructor(default(contract = {id:?}))]\n    \
             pub fn open(\n        \
                 config: HarbourConfig,\n        \
                 keystore: Arc<dyn PlatformKeyStore>,\n        \
                 contract: String,\n    \
             ) -> Result<Arc<Self>> {{\n        \
                 Self::open_checked(config, keystore, &contract)\n    \
             }}\n\
         }}"
    );
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("run by cargo")).join("contract.rs");
    std::fs::write(out, code).expect("OUT_DIR is writable");
    println!("cargo:rerun-if-changed=src");
    println!("cargo:rerun-if-changed=uniffi.toml");
    println!("cargo:rerun-if-changed=contract_id.rs");
}
