//! The lock-state observer and the idle lock, across the FFI.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use harbour_core as core;

use crate::error::Result;
use crate::harbour::Harbour;
use crate::types::time;

/// What the vault is now, as an observer hears it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum LockState {
    Locked,
    Unlocked,
    /// Too many wrong tries: the next one is accepted from `until`.
    LockedOut {
        until: SystemTime,
    },
}

impl From<core::LockState> for LockState {
    fn from(s: core::LockState) -> Self {
        match s {
            core::LockState::Locked => LockState::Locked,
            core::LockState::Unlocked => LockState::Unlocked,
            core::LockState::LockedOut { until } => LockState::LockedOut { until: time(until) },
        }
    }
}

/// Implemented by the app to hear when the vault locks or unlocks, instead of polling.
///
/// Called on the thread whose call made the change (often one of Harbour's own): move to the
/// main thread before touching the UI. It may call back into Harbour. It must not throw.
#[uniffi::export(with_foreign)]
pub trait LockStateObserver: Send + Sync {
    fn on_lock_state(&self, state: LockState);
}

struct ForeignObserver(Arc<dyn LockStateObserver>);

impl core::LockObserver for ForeignObserver {
    fn changed(&self, state: core::LockState) {
        self.0.on_lock_state(state.into());
    }
}

#[uniffi::export]
impl Harbour {
    /// Registers the one observer (replacing any before), or removes it with `null` / `nil`.
    /// It hears the current state at once, then each change once.
    pub fn set_lock_observer(&self, observer: Option<Arc<dyn LockStateObserver>>) {
        self.core().set_lock_observer(
            observer.map(|o| Arc::new(ForeignObserver(o)) as Arc<dyn core::LockObserver>),
        );
    }

    /// Lock when the app comes back after more than `after` in the background (`null` /
    /// `nil`: never; zero: on every return). Safe on the main thread.
    pub fn set_idle_lock(&self, after: Option<Duration>) {
        self.core().set_idle_lock(after);
    }

    /// The app went to the background (Android `ProcessLifecycleOwner` ON_STOP, iOS scene
    /// phase `.background`). Safe on the main thread.
    pub fn entered_background(&self) {
        self.core().entered_background();
    }

    /// The app is back. Locks first if it was away longer than the idle limit, and returns
    /// whether it did. Safe on the main thread.
    pub fn entered_foreground(&self) -> Result<bool> {
        Ok(self.core().entered_foreground()?)
    }
}
