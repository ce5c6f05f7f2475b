//! Harbour's FFI: a thin uniffi layer over `harbour-core`.
//!
//! Nothing here decides anything. Each call converts its arguments, calls the core, and
//! converts the result; every core error becomes a [`HarbourError`] in one place
//! ([`error`]). Secrets arrive as bytes (`ByteArray` / `Data`) and are moved into wiping
//! buffers at once. Slow calls are `async` (Kotlin `suspend`, Swift `async`) and run on a thread
//! of their own ([`background`]); every object is `Send + Sync`.

uniffi::setup_scaffolding!("harbour");

mod background;
mod backup;
mod coping;
mod directory;
mod error;
mod harbour;
mod keystore;
mod library;
mod plan;
mod types;
mod watch;

pub use backup::*;
pub use coping::*;
pub use directory::*;
pub use error::HarbourError;
pub use harbour::Harbour;
pub use keystore::{PlatformKeyError, PlatformKeyStore};
pub use library::*;
pub use plan::*;
pub use types::*;
pub use watch::{LockState, LockStateObserver};
