//! harbour-publish: what the people who publish Harbour's packs run, and phones never do.
//!
//! Building a pack from its source file, signing it, and importing HSDS service data for
//! review. The checks a pack must pass on the phone (structure, the content lint) stay in
//! harbour-core, because phones run them too; this crate adds only what needs a signing key
//! or works on source files.

pub mod build;
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing;
pub mod hsds;
pub mod sign;

pub use build::{build, build_from_source, directory_pack, library_pack, peek};
pub use sign::SecretKey;
