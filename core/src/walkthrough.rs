//! The supported session: a youth worker walks a young person through building their plan,
//! on the young person's own phone, without seeing their private notes.
//!
//! While a session is active the core itself refuses every notes call (`SessionActive`), so no
//! app bug can show them; ending the session needs the young person's secret. Locking ends it
//! too (unlocking then needs the secret anyway). The prompts, the "why this helps" lines and
//! the examples come from the library pack, so the wording can change without code. A session
//! is not a reporting channel: nothing about it is recorded except the plan itself.

use crate::harbour::Harbour;
use crate::plan::{PlanItem, Section};
use crate::secret::Secret;
use crate::vault;
use crate::{Error, Result};

/// An active session: where it is, and which sections were skipped.
#[derive(Debug, Clone, Default)]
pub(crate) struct Session {
    step: usize,
    skipped: Vec<Section>,
}

/// What the worker and young person see at one step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WalkthroughStep {
    /// 0-based.
    pub index: usize,
    pub total: usize,
    pub section: Section,
    pub title: &'static str,
    pub prompt: String,
    pub why: String,
    pub examples: Vec<String>,
    /// What the section holds now (saved as they go).
    pub items: Vec<PlanItem>,
    pub skipped: bool,
}

/// Where the walkthrough stands after moving on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Progress {
    At(WalkthroughStep),
    /// Past the last step: the plan is saved; sections skipped can be done later.
    Finished {
        skipped: Vec<Section>,
    },
}

impl Harbour {
    pub(crate) fn session_active(&self) -> bool {
        self.lock_state().session.is_some()
    }

    pub fn supported_session_active(&self) -> bool {
        self.session_active()
    }

    fn step(&self, index: usize, skipped: &[Section]) -> Result<WalkthroughStep> {
        let prompts = self.walkthrough_prompts()?;
        let p = prompts
            .get(index)
            .ok_or(Error::NotFound("walkthrough step"))?;
        let section = Section::parse(&p.section).ok_or(Error::Tampered)?;
        let plan = self.plan()?;
        Ok(WalkthroughStep {
            index,
            total: prompts.len(),
            section,
            title: section.title(),
            prompt: p.prompt.clone(),
            why: p.why.clone(),
            examples: p.examples.clone(),
            items: plan.section(section).items.clone(),
            skipped: skipped.contains(&section),
        })
    }

    /// Starts a supported session. The young person unlocks first; from now until the session
    /// ends with their secret, notes are hidden.
    pub fn begin_supported_session(&self) -> Result<WalkthroughStep> {
        {
            let mut st = self.lock_state();
            if st.keys.is_none() {
                return Err(if self.db_path().exists() {
                    Error::Locked
                } else {
                    Error::NoVault
                });
            }
            if st.session.is_none() {
                st.session = Some(Session::default());
            }
        }
        self.walkthrough_current()
    }

    fn session(&self) -> Result<Session> {
        self.lock_state()
            .session
            .clone()
            .ok_or(Error::NotFound("supported session"))
    }

    pub fn walkthrough_current(&self) -> Result<WalkthroughStep> {
        let s = self.session()?;
        self.step(s.step, &s.skipped)
    }

    fn move_to(&self, step: usize, skip: Option<Section>) -> Result<Progress> {
        let total = self.walkthrough_prompts()?.len();
        let skipped = {
            let mut st = self.lock_state();
            let s = st
                .session
                .as_mut()
                .ok_or(Error::NotFound("supported session"))?;
            if let Some(sec) = skip
                && !s.skipped.contains(&sec)
            {
                s.skipped.push(sec);
            }
            s.step = step.min(total);
            s.skipped.clone()
        };
        if step >= total {
            return Ok(Progress::Finished { skipped });
        }
        Ok(Progress::At(self.step(step, &skipped)?))
    }

    /// On to the next section (what was added is already saved).
    pub fn walkthrough_next(&self) -> Result<Progress> {
        let s = self.session()?;
        self.move_to(s.step + 1, None)
    }

    /// Leaves this section for later.
    pub fn walkthrough_skip(&self) -> Result<Progress> {
        let s = self.session()?;
        let current = self.step(
            s.step
                .min(self.walkthrough_prompts()?.len().saturating_sub(1)),
            &s.skipped,
        )?;
        self.move_to(s.step + 1, Some(current.section))
    }

    pub fn walkthrough_back(&self) -> Result<Progress> {
        let s = self.session()?;
        self.move_to(s.step.saturating_sub(1), None)
    }

    /// Ends the session. Needs the young person's secret (counted like an unlock); after it,
    /// notes show again.
    pub fn end_supported_session(&self, secret: Secret) -> Result<()> {
        crate::stack::scrubbed(|| {
            let mut guard = self.lock_state();
            if guard.session.is_none() {
                return Ok(());
            }
            let now = self.now();
            let db = self.database(&mut guard, false)?.ok_or(Error::NoVault)?;
            vault::check_secret(db, self.keystore(), &secret, now)?;
            guard.session = None;
            Ok(())
        })
    }
}
