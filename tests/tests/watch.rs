//! The lock-state observer and the idle lock, on the injected clock.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use harbour_core::{Clock, Error, Harbour, LockObserver, LockState, Secret};
use harbour_tests::fixture::*;

/// Records every state it hears.
#[derive(Default)]
struct Heard(Mutex<Vec<LockState>>);

impl LockObserver for Heard {
    fn changed(&self, state: LockState) {
        self.0.lock().unwrap().push(state);
    }
}

impl Heard {
    fn take(&self) -> Vec<LockState> {
        std::mem::take(&mut *self.0.lock().unwrap())
    }
}

fn watched(f: &Fixture) -> Arc<Heard> {
    let heard = Arc::new(Heard::default());
    f.harbour.set_lock_observer(Some(heard.clone()));
    heard
}

#[test]
fn the_observer_hears_the_state_at_once_then_each_change_once() {
    let f = Fixture::with_vault();
    let h = &f.harbour;
    let heard = watched(&f);
    assert_eq!(heard.take(), [LockState::Unlocked]);
    h.lock().unwrap();
    h.lock().unwrap(); // no change: not told again
    h.unlock(Secret::from_text(PIN)).unwrap();
    h.add_note("not a lock change".into(), vec![]).unwrap();
    h.lock().unwrap();
    assert_eq!(
        heard.take(),
        [LockState::Locked, LockState::Unlocked, LockState::Locked]
    );
    h.set_lock_observer(None);
    h.unlock(Secret::from_text(PIN)).unwrap();
    assert!(heard.take().is_empty(), "a removed observer hears nothing");
}

#[test]
fn wrong_tries_are_told_as_locked_out_until_a_time() {
    let f = Fixture::with_vault();
    let h = &f.harbour;
    h.lock().unwrap();
    let heard = watched(&f);
    heard.take();
    let mut delay = None;
    for _ in 0..10 {
        match h.unlock(Secret::from_text("000001")) {
            Err(Error::WrongSecret {
                retry_after: Some(d),
            })
            | Err(Error::LockedOut { retry_after: d }) => {
                delay = Some(d);
                break;
            }
            Err(Error::WrongSecret { retry_after: None }) => {}
            other => panic!("{other:?}"),
        }
    }
    let delay = delay.expect("a delay starts after a few wrong tries");
    let until = f.clock.now().checked_add(delay).unwrap();
    assert_eq!(heard.take(), [LockState::LockedOut { until }]);
    // Once the delay has passed, the right secret unlocks and says so.
    f.clock.advance(delay);
    h.unlock(Secret::from_text(PIN)).unwrap();
    assert_eq!(heard.take(), [LockState::Unlocked]);
}

#[test]
fn the_idle_lock_locks_on_return_only_after_the_limit() {
    let f = Fixture::with_vault();
    let h = &f.harbour;
    let heard = watched(&f);
    heard.take();
    h.set_idle_lock(Some(Duration::from_secs(5 * 60)));

    // Away four minutes (texting someone from the plan): still open.
    h.entered_background();
    f.clock.advance(Duration::from_secs(4 * 60));
    assert!(!h.entered_foreground().unwrap());
    assert!(h.is_unlocked());

    // Away six minutes: locked as it comes back, and the observer hears it.
    h.entered_background();
    f.clock.advance(Duration::from_secs(6 * 60));
    assert!(h.entered_foreground().unwrap());
    assert!(!h.is_unlocked());
    assert_eq!(heard.take(), [LockState::Locked]);

    // A second "background" while away keeps the first time: time away is not reset.
    h.unlock(Secret::from_text(PIN)).unwrap();
    h.entered_background();
    f.clock.advance(Duration::from_secs(3 * 60));
    h.entered_background();
    f.clock.advance(Duration::from_secs(3 * 60));
    assert!(h.entered_foreground().unwrap());
}

#[test]
fn without_a_limit_returning_never_locks_and_a_clock_set_back_counts_as_away() {
    let f = Fixture::with_vault();
    let h = &f.harbour;
    h.entered_background();
    f.clock.advance(Duration::from_secs(24 * 60 * 60));
    assert!(!h.entered_foreground().unwrap());
    assert!(h.is_unlocked());

    h.set_idle_lock(Some(Duration::from_secs(60 * 60)));
    h.entered_background();
    f.clock.set(start() - Duration::from_secs(60));
    assert!(
        h.entered_foreground().unwrap(),
        "time going backwards is not trusted"
    );
}

/// Calls back into Harbour from the callback, as an app refreshing its screen would.
struct CallsBack {
    harbour: Mutex<Weak<Harbour>>,
    seen: Mutex<Vec<(LockState, bool)>>,
}

impl LockObserver for CallsBack {
    fn changed(&self, state: LockState) {
        let Some(h) = self.harbour.lock().unwrap().upgrade() else {
            return;
        };
        let readable = h.list_notes().is_ok();
        self.seen.lock().unwrap().push((state, readable));
    }
}

#[test]
fn the_observer_may_call_back_into_harbour() {
    let f = Fixture::new();
    let h = Arc::new(f.reopen());
    let observer = Arc::new(CallsBack {
        harbour: Mutex::new(Arc::downgrade(&h)),
        seen: Mutex::new(Vec::new()),
    });
    h.set_lock_observer(Some(observer.clone()));
    h.create_vault(Secret::from_text(PIN)).unwrap();
    h.lock().unwrap();
    assert_eq!(
        *observer.seen.lock().unwrap(),
        [
            (LockState::Locked, false),
            (LockState::Unlocked, true),
            (LockState::Locked, false)
        ]
    );
}
