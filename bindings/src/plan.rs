//! The safety plan, the supported session and sharing, across the FFI.

use std::sync::Arc;
use std::time::SystemTime;

use harbour_core as core;
use harbour_core::{Secret, UserText};

use crate::error::Result;
use crate::harbour::Harbour;
use crate::types::{CopingNote, count, natural, time};

// The core's own enums, declared again below for uniffi with #[uniffi::remote(Enum)],
// variant for variant: if the core's enum changes, this file stops compiling rather than
// drifting.
pub type PlanSectionKind = core::Section;

pub type ShareFormat = core::ShareFormat;

#[uniffi::remote(Enum)]
pub enum PlanSectionKind {
    WarningSigns,
    OnMyOwn,
    PeopleAndPlaces,
    PeopleToAsk,
    Professionals,
    SaferSpace,
    WhatMatters,
    HelpsAndDoesnt,
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PlanItem {
    pub id: String,
    pub text: String,
    pub contact: Option<String>,
    pub service_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PlanSection {
    pub section: PlanSectionKind,
    /// Harbour's neutral heading, e.g. "My warning signs".
    pub title: String,
    pub items: Vec<PlanItem>,
    pub quick_access: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SafetyPlan {
    pub sections: Vec<PlanSection>,
    pub version: i64,
    pub last_reviewed: Option<SystemTime>,
    pub review_interval_days: i32,
    /// When a gentle reminder to look again could be offered.
    pub next_review: Option<SystemTime>,
    /// Sections that could not be read (a damaged part of the vault): shown empty; offer a
    /// backup. 0 normally.
    pub unreadable: i32,
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PlanVersionInfo {
    pub version: i64,
    pub saved_at: SystemTime,
    /// "added to My warning signs": never the user's own words.
    pub change: String,
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct QuickAccess {
    pub sections: Vec<PlanSection>,
    pub notes: Vec<CopingNote>,
    /// Check-ins marked quick access; empty during a supported session.
    pub checkins: Vec<crate::CheckIn>,
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SessionStep {
    pub index: i32,
    pub total: i32,
    pub section: PlanSectionKind,
    pub title: String,
    pub prompt: String,
    pub why: String,
    pub examples: Vec<String>,
    pub items: Vec<PlanItem>,
    pub skipped: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum SessionProgress {
    At { step: SessionStep },
    Finished { skipped: Vec<PlanSectionKind> },
}

#[uniffi::remote(Enum)]
pub enum ShareFormat {
    Text,
    Html,
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ShareOptions {
    pub sections: Vec<PlanSectionKind>,
    pub format: ShareFormat,
    /// Their own heading; "My plan" if none.
    pub title: Option<String>,
    /// A "Made with Harbour" line: only if they choose it.
    pub include_app_name: bool,
}

impl From<core::PlanItem> for PlanItem {
    fn from(i: core::PlanItem) -> Self {
        PlanItem {
            id: i.id,
            text: i.text.as_str().to_owned(),
            contact: i.contact.map(|c| c.as_str().to_owned()),
            service_id: i.service_id,
        }
    }
}

fn section(s: core::PlanSection) -> PlanSection {
    PlanSection {
        title: s.section.title().to_owned(),
        section: s.section,
        items: s.items.into_iter().map(PlanItem::from).collect(),
        quick_access: s.quick_access,
    }
}

impl From<core::Plan> for SafetyPlan {
    fn from(p: core::Plan) -> Self {
        SafetyPlan {
            sections: p.sections.into_iter().map(section).collect(),
            version: version(p.version),
            last_reviewed: p.last_reviewed.map(time),
            review_interval_days: i32::try_from(p.review_interval_days).unwrap_or(i32::MAX),
            next_review: p.next_review.map(time),
            unreadable: count(p.unreadable),
        }
    }
}

fn version(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

fn step(s: core::SessionStep) -> SessionStep {
    SessionStep {
        index: count(s.index),
        total: count(s.total),
        section: s.section,
        title: s.title.to_owned(),
        prompt: s.prompt,
        why: s.why,
        examples: s.examples,
        items: s.items.into_iter().map(PlanItem::from).collect(),
        skipped: s.skipped,
    }
}

fn progress(p: core::SessionProgress) -> SessionProgress {
    match p {
        core::SessionProgress::At(s) => SessionProgress::At { step: step(s) },
        core::SessionProgress::Finished { skipped } => SessionProgress::Finished {
            skipped: skipped.into_iter().collect(),
        },
    }
}

fn index(i: i32) -> Result<usize> {
    natural(i, "the position is negative")
}

#[uniffi::export]
impl Harbour {
    pub fn plan(&self) -> Result<SafetyPlan> {
        Ok(self.core().plan()?.into())
    }

    pub fn add_plan_item(
        &self,
        section: PlanSectionKind,
        text: String,
        contact: Option<String>,
        service_id: Option<String>,
    ) -> Result<SafetyPlan> {
        Ok(self
            .core()
            .add_plan_item(
                section,
                UserText::new(text),
                contact.map(UserText::new),
                service_id,
            )?
            .into())
    }

    pub fn edit_plan_item(
        &self,
        section: PlanSectionKind,
        index: i32,
        text: String,
    ) -> Result<SafetyPlan> {
        Ok(self
            .core()
            .edit_plan_item(section, self::index(index)?, UserText::new(text))?
            .into())
    }

    pub fn remove_plan_item(&self, section: PlanSectionKind, index: i32) -> Result<SafetyPlan> {
        Ok(self
            .core()
            .remove_plan_item(section, self::index(index)?)?
            .into())
    }

    pub fn move_plan_item(
        &self,
        section: PlanSectionKind,
        from: i32,
        to: i32,
    ) -> Result<SafetyPlan> {
        Ok(self
            .core()
            .move_plan_item(section, index(from)?, index(to)?)?
            .into())
    }

    /// Quick-access sections are readable without the PIN (e.g. "People I can ask for help").
    pub fn set_plan_quick_access(
        &self,
        section: PlanSectionKind,
        quick_access: bool,
    ) -> Result<SafetyPlan> {
        Ok(self
            .core()
            .set_plan_quick_access(section, quick_access)?
            .into())
    }

    /// Every saved version, newest first.
    pub fn plan_history(&self) -> Result<Vec<PlanVersionInfo>> {
        Ok(self
            .core()
            .plan_history()?
            .into_iter()
            .map(|v| PlanVersionInfo {
                version: version(v.version),
                saved_at: time(v.saved_at),
                change: v.change.describe(),
            })
            .collect())
    }

    pub fn plan_version(&self, version: i64) -> Result<SafetyPlan> {
        let version = natural(version, "the version is negative")?;
        Ok(self.core().plan_version(version)?.into())
    }

    pub fn restore_plan_version(&self, version: i64) -> Result<SafetyPlan> {
        let version = natural(version, "the version is negative")?;
        Ok(self.core().restore_plan_version(version)?.into())
    }

    pub fn mark_plan_reviewed(&self) -> Result<SafetyPlan> {
        Ok(self.core().mark_plan_reviewed()?.into())
    }

    pub fn set_plan_review_interval(&self, days: i32) -> Result<SafetyPlan> {
        let days = natural(days, "the number of days is negative")?;
        Ok(self.core().set_plan_review_interval(days)?.into())
    }

    /// What is readable without the secret. Needs no unlock; safe on the main thread (a lock
    /// screen or widget): never waits for another call.
    pub fn quick_access(&self) -> Result<QuickAccess> {
        let q = self.core().quick_access()?;
        Ok(QuickAccess {
            sections: q.sections.into_iter().map(section).collect(),
            notes: q.notes.into_iter().map(CopingNote::from).collect(),
            checkins: q.checkins.into_iter().map(crate::CheckIn::from).collect(),
        })
    }

    /// Starts a supported session (the vault must be unlocked). Notes are refused until
    /// `endSupportedSession` with the young person's secret.
    pub fn begin_supported_session(&self) -> Result<SessionStep> {
        Ok(step(self.core().begin_supported_session()?))
    }

    pub fn supported_session_active(&self) -> bool {
        self.core().supported_session_active()
    }

    pub fn supported_session_current(&self) -> Result<SessionStep> {
        Ok(step(self.core().supported_session_current()?))
    }

    pub fn supported_session_next(&self) -> Result<SessionProgress> {
        Ok(progress(self.core().supported_session_next()?))
    }

    pub fn supported_session_back(&self) -> Result<SessionProgress> {
        Ok(progress(self.core().supported_session_back()?))
    }

    pub fn supported_session_skip(&self) -> Result<SessionProgress> {
        Ok(progress(self.core().supported_session_skip()?))
    }

    /// Checks the young person's secret (the key derivation), then shows notes again.
    pub async fn end_supported_session(self: Arc<Self>, secret: Vec<u8>) -> Result<()> {
        let secret = Secret::new(secret);
        self.off_thread(move |core, _| Ok(core.end_supported_session(secret)?))
            .await
    }

    /// The chosen sections as text or a self-contained HTML page. Nothing is written or sent.
    pub fn share_plan(&self, options: ShareOptions) -> Result<String> {
        Ok(self.core().share_plan(&core::ShareOptions {
            sections: options.sections.into_iter().collect(),
            format: options.format,
            title: options.title,
            include_app_name: options.include_app_name,
        })?)
    }
}
