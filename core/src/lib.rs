//! Harbour's offline core.
//!
//! Three things live here, and nothing else: a young person's private writing, encrypted on
//! their phone (`vault`, `notes`, `plan`); help that works with no signal and no unlock
//! (`directory`, `library`); and a supported session in which a youth worker can help build a
//! plan without seeing private notes (`supported_session`). See `docs/DESIGN.md`
//! for the key hierarchy and the reasons behind it.
//!
//! The crate has no FFI types, no network access and no global state. Every entry point hangs
//! off [`Harbour`], which is `Send + Sync` and meant to be called from a background thread.

mod atomic_file;
pub mod backup;
pub mod clock;
pub mod crypto;
pub mod directory;
mod error;
mod fold;
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing;
mod harbour;
pub mod keystore;
pub mod library;
pub mod notes;
pub mod pack;
pub mod plan;
pub mod secret;
mod stack;
mod store;
pub mod supported_session;
pub mod vault;
mod wording;

pub use clock::{Clock, ManualClock, SystemClock};
pub use error::{Error, Result};
pub use fold::is_bidi_control;
pub use harbour::{Config, Harbour, QuickAccess, TriageStep};
pub use keystore::{FileKeyStore, KeyStoreError, MemoryKeyStore, PlatformKeyStore};
pub use secret::{Secret, UserText};
