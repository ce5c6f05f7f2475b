//! Telling the app when the vault locks or unlocks, and locking after time in the background.
//!
//! An app shows a different screen locked and unlocked, and a widget or a second window may
//! need to follow: without being told, each would poll `is_unlocked`. The observer hears each
//! change once (locked, unlocked, locked out until a time), after the call that made it has
//! let go of every lock, so it may call straight back into Harbour.
//!
//! The idle lock is the grace period young people asked for: switching to a messaging app to
//! text someone from the plan should not cost them the PIN, but a phone left in a bag should
//! not stay open. The app says when it goes to the background and comes back; if it was away
//! longer than the limit, the vault locks as it returns. Time comes from the injected clock,
//! so this is tested without waiting.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use jiff::Timestamp;

use crate::{Error, Harbour, Result};

/// What the vault is now, as an observer hears it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LockState {
    Locked,
    Unlocked,
    /// Too many wrong tries: the next one is accepted from `until`.
    LockedOut {
        until: Timestamp,
    },
}

/// Hears lock-state changes. Called on the thread whose call made the change.
pub trait LockObserver: Send + Sync {
    fn changed(&self, state: LockState);
}

#[derive(Default)]
pub(super) struct Watch {
    inner: Mutex<WatchState>,
}

#[derive(Default)]
struct WatchState {
    observer: Option<Arc<dyn LockObserver>>,
    /// The last state told, so each change is told once.
    told: Option<LockState>,
    idle_limit: Option<Duration>,
    background_since: Option<Timestamp>,
}

impl Watch {
    /// Never held across a call out: every method copies what it needs and lets go.
    fn state(&self) -> MutexGuard<'_, WatchState> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Tells the observer the state `now` computes, if it is a change. `now` runs under this
    /// mutex, so what is recorded as told follows the order of the changes themselves; the
    /// observer is called after letting go, so it may call straight back into Harbour.
    fn tell(&self, now: impl FnOnce() -> LockState) {
        let (observer, state) = {
            let mut w = self.state();
            let state = now();
            if w.told == Some(state) {
                return;
            }
            w.told = Some(state);
            (w.observer.clone(), state)
        };
        if let Some(o) = observer {
            o.changed(state);
        }
    }
}

impl Harbour {
    /// Registers the one observer (replacing any before it), or removes it with `None`. It
    /// hears the current state at once, then each change.
    pub fn set_lock_observer(&self, observer: Option<Arc<dyn LockObserver>>) {
        {
            let mut w = self.watch.state();
            w.observer = observer;
            w.told = None;
        }
        self.watch.tell(|| self.lock_state());
    }

    /// The vault locks when the app returns after more than `limit` in the background (`None`:
    /// never; the app locks when it chooses). `Some(Duration::ZERO)` locks on any return.
    pub fn set_idle_lock(&self, limit: Option<Duration>) {
        self.watch.state().idle_limit = limit;
    }

    /// The app has gone to the background (Android `ProcessLifecycleOwner` ON_STOP, iOS scene
    /// phase `.background`).
    pub fn entered_background(&self) {
        let now = self.now();
        self.watch.state().background_since.get_or_insert(now);
    }

    /// The app is back in the foreground. Locks first if it was away too long; returns whether
    /// it did.
    pub fn entered_foreground(&self) -> Result<bool> {
        let now = self.now();
        let expired = {
            let mut w = self.watch.state();
            let since = w.background_since.take();
            match (since, w.idle_limit) {
                (Some(since), Some(limit)) => {
                    // A clock set backwards counts as time away: the safe way round.
                    let away = now.duration_since(since);
                    away.is_negative() || away.unsigned_abs() >= limit
                }
                _ => false,
            }
        };
        if expired && self.is_unlocked() {
            self.lock()?;
            return Ok(true);
        }
        Ok(false)
    }

    /// Locked or unlocked, from the lock-free status (no vault reads as locked).
    fn lock_state(&self) -> LockState {
        match self.is_unlocked() {
            true => LockState::Unlocked,
            false => LockState::Locked,
        }
    }

    /// Called by the lifecycle calls once they have let go: tells the observer what is now
    /// true. A failed unlock that started a delay is told as "locked out until".
    pub(super) fn tell_after<T>(&self, outcome: &Result<T>) {
        // A key went missing while this handle was open (the OS deleted it): the vault's
        // state asks the key store again.
        if matches!(outcome, Err(Error::DeviceKeyMissing)) {
            self.session.forget_device_keys();
        }
        let delay = match outcome {
            Err(Error::LockedOut { retry_after }) => Some(*retry_after),
            Err(Error::WrongSecret {
                retry_after: Some(d),
            }) => Some(*d),
            _ => None,
        };
        self.watch.tell(|| match delay {
            Some(d) => match self.now().checked_add(d) {
                Ok(until) => LockState::LockedOut { until },
                Err(_) => LockState::Locked,
            },
            None => self.lock_state(),
        });
    }
}
