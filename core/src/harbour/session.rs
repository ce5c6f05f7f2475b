//! The supported session: begun once the young person has unlocked, moved through step by
//! step, ended only with their secret.

use crate::secret::Secret;
use crate::supported_session::{self, SessionProgress, SessionStep};
use crate::{Harbour, Result, vault};

impl Harbour {
    pub fn supported_session_active(&self) -> bool {
        self.session.supported_active()
    }

    /// Starts a supported session. The young person unlocks first; from now until the session
    /// ends with their secret, notes are hidden.
    pub fn begin_supported_session(&self) -> Result<SessionStep> {
        self.session.hold().begin_supported()?;
        self.supported_session_current()
    }

    pub fn supported_session_current(&self) -> Result<SessionStep> {
        let (step, skipped) = self
            .session
            .supported(|s| (s.step(), s.skipped().to_vec()))?;
        let prompts = self.session_prompts()?;
        supported_session::step(&prompts, &self.plan()?, step, &skipped)
    }

    /// Moves the session by `by` steps from where it is (0 or more; back is -1), leaving the
    /// section it was at for later when `skip` is set.
    fn walk(&self, by: isize, skip: bool) -> Result<SessionProgress> {
        let prompts = self.session_prompts()?;
        let total = prompts.len();
        let (step, skipped) = self.session.supported(|s| {
            let skipping = if skip {
                // Past the end, the step skipped is the last one.
                Some(supported_session::section_at(
                    &prompts,
                    s.step().min(total.saturating_sub(1)),
                )?)
            } else {
                None
            };
            s.go_to(s.step().saturating_add_signed(by), skipping, total);
            Ok::<_, crate::Error>((s.step(), s.skipped().to_vec()))
        })??;
        if step >= total {
            return Ok(SessionProgress::Finished { skipped });
        }
        let plan = self.plan()?;
        Ok(SessionProgress::At(supported_session::step(
            &prompts, &plan, step, &skipped,
        )?))
    }

    /// On to the next section (what was added is already saved).
    pub fn supported_session_next(&self) -> Result<SessionProgress> {
        self.walk(1, false)
    }

    /// Leaves this section for later.
    pub fn supported_session_skip(&self) -> Result<SessionProgress> {
        self.walk(1, true)
    }

    pub fn supported_session_back(&self) -> Result<SessionProgress> {
        self.walk(-1, false)
    }

    /// Ends the session. Needs the young person's secret (counted like an unlock); after it,
    /// notes show again.
    pub fn end_supported_session(&self, secret: Secret) -> Result<()> {
        let mut held = self.session.hold();
        if !held.supported_active() {
            return Ok(());
        }
        let now = self.now();
        vault::check_secret(held.existing()?, self.keystore.as_ref(), &secret, now)?;
        held.end_supported();
        Ok(())
    }
}
