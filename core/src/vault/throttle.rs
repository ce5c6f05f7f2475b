//! Wrong-secret delays: a few free tries, then growing waits. Persisted in the database so
//! restarting the app does not reset them, and never a wipe — locking a young person out of
//! their own plan is itself a harm, and the crisis surface stays available regardless.

use std::time::Duration;

use jiff::Timestamp;
use rusqlite::Connection;

use crate::Result;
use crate::store::vault_tables as tables;

/// Wrong tries allowed before any delay.
pub const FREE_ATTEMPTS: u32 = 5;
/// The first delay; each further wrong try doubles it.
pub const FIRST_DELAY: Duration = Duration::from_secs(30);
/// The longest delay.
pub const MAX_DELAY: Duration = Duration::from_secs(60 * 60);

/// The wait imposed after `failures` consecutive wrong tries.
pub fn delay_after(failures: u32) -> Duration {
    if failures < FREE_ATTEMPTS {
        return Duration::ZERO;
    }
    let doublings = (failures - FREE_ATTEMPTS).min(16);
    FIRST_DELAY.saturating_mul(1 << doublings).min(MAX_DELAY)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Attempts {
    pub failures: u32,
    pub last_failure_ms: i64,
}

impl Attempts {
    pub(crate) fn load(conn: &Connection) -> Result<Self> {
        Ok(tables::attempts(conn)?
            .map(|(f, t)| Attempts {
                failures: u32::try_from(f).unwrap_or(u32::MAX),
                last_failure_ms: t,
            })
            .unwrap_or_default())
    }

    /// How long until the next try is accepted, if at all.
    ///
    /// A clock set backwards (to before the last failure) does not shorten the wait: it is
    /// counted from the last failure as if no time had passed.
    pub(crate) fn retry_after(&self, now: Timestamp) -> Option<Duration> {
        let delay = delay_after(self.failures);
        if delay.is_zero() {
            return None;
        }
        let now_ms = now.as_millisecond().max(self.last_failure_ms);
        let elapsed =
            Duration::from_millis(u64::try_from(now_ms - self.last_failure_ms).unwrap_or(0));
        delay.checked_sub(elapsed).filter(|d| !d.is_zero())
    }

    pub(crate) fn record_failure(conn: &Connection, now: Timestamp) -> Result<Attempts> {
        let previous = Attempts::load(conn)?;
        let next = Attempts {
            failures: previous.failures.saturating_add(1),
            last_failure_ms: now.as_millisecond().max(previous.last_failure_ms),
        };
        tables::set_attempts(conn, next.failures, next.last_failure_ms)?;
        Ok(next)
    }

    /// Takes back one counted try that never reached the secret (the key store failed).
    pub(crate) fn take_back(conn: &Connection) -> Result<()> {
        tables::take_back_attempt(conn)
    }

    pub(crate) fn reset(conn: &Connection) -> Result<()> {
        tables::clear_attempts(conn)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedule_grows_and_is_capped() {
        for f in 0..FREE_ATTEMPTS {
            assert_eq!(delay_after(f), Duration::ZERO);
        }
        assert_eq!(delay_after(5), Duration::from_secs(30));
        assert_eq!(delay_after(6), Duration::from_secs(60));
        assert_eq!(delay_after(7), Duration::from_secs(120));
        let mut last = Duration::ZERO;
        for f in 0..100 {
            let d = delay_after(f);
            assert!(d >= last && d <= MAX_DELAY);
            last = d;
        }
        assert_eq!(delay_after(u32::MAX), MAX_DELAY);
    }

    #[test]
    fn clock_set_back_does_not_shorten_the_wait() {
        let a = Attempts {
            failures: 5,
            last_failure_ms: 1_000_000,
        };
        let earlier = Timestamp::from_millisecond(0).unwrap();
        assert_eq!(a.retry_after(earlier), Some(Duration::from_secs(30)));
        let later = Timestamp::from_millisecond(1_000_000 + 31_000).unwrap();
        assert_eq!(a.retry_after(later), None);
    }
}
