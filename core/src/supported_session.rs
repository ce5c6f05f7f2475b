//! The supported session: a youth worker walks a young person through building their plan,
//! on the young person's own phone, without seeing their private notes.
//!
//! While a session is active the core itself refuses every notes call (`SessionActive`), so no
//! app bug can show them; ending the session needs the young person's secret. Locking ends it
//! too (unlocking then needs the secret anyway). The prompts, the "why this helps" lines and
//! the examples come from the library pack, so the wording can change without code. A session
//! is not a reporting channel: nothing about it is recorded except the plan itself.
//!
//! This module is the session's own logic — where it is, what was skipped, what one step
//! shows — over a plan and prompts it is given. Whether a session is running is session
//! state, owned by `harbour/state.rs`.

use crate::library::SessionPrompt;
use crate::plan::{Plan, PlanItem, Section};
use crate::{Error, Result};

/// A running session: where it is, and which sections were skipped.
#[derive(Debug, Clone, Default)]
pub(crate) struct Supported {
    step: usize,
    skipped: Vec<Section>,
}

impl Supported {
    pub(crate) fn step(&self) -> usize {
        self.step
    }

    pub(crate) fn skipped(&self) -> &[Section] {
        &self.skipped
    }

    /// Moves to `step` (at most `total`, which means finished), noting `skip` as skipped.
    pub(crate) fn go_to(&mut self, step: usize, skip: Option<Section>, total: usize) {
        if let Some(sec) = skip
            && !self.skipped.contains(&sec)
        {
            self.skipped.push(sec);
        }
        self.step = step.min(total);
    }
}

/// What the worker and young person see at one step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionStep {
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
pub enum SessionProgress {
    At(SessionStep),
    /// Past the last step: the plan is saved; sections skipped can be done later.
    Finished {
        skipped: Vec<Section>,
    },
}

/// The section a step is about.
pub(crate) fn section_at(prompts: &[SessionPrompt], index: usize) -> Result<Section> {
    let p = prompts
        .get(index)
        .ok_or(Error::NotFound("walkthrough step"))?;
    Section::parse(&p.section).ok_or(Error::Tampered)
}

/// Step `index` of `prompts`, showing what `plan` holds for its section.
pub(crate) fn step(
    prompts: &[SessionPrompt],
    plan: &Plan,
    index: usize,
    skipped: &[Section],
) -> Result<SessionStep> {
    let section = section_at(prompts, index)?;
    let p = &prompts[index];
    Ok(SessionStep {
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
