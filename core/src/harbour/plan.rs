//! The safety plan, sharing it, and what shows without the PIN.

use crate::directory::Directory;
use crate::notes::{self, Note};
use crate::plan::share::{self, ShareOptions};
use crate::plan::{self, Plan, PlanItem, PlanSection, PlanVersionInfo, Section};
use crate::secret::UserText;
use crate::{Error, Harbour, Result};

/// What can be shown without the PIN.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct QuickAccess {
    pub sections: Vec<PlanSection>,
    /// Hidden (empty) during a supported session.
    pub notes: Vec<Note>,
    /// Check-ins the person marked quick access; hidden (empty) during a supported session.
    pub checkins: Vec<crate::coping::CheckIn>,
}

impl Harbour {
    pub fn plan(&self) -> Result<Plan> {
        self.session
            .unlocked()?
            .run(|db, keys| plan::read(db.conn(), keys))
    }

    /// Adds an item at the end of a section. A linked service must be in the directory.
    pub fn add_plan_item(
        &self,
        section: Section,
        text: UserText,
        contact: Option<UserText>,
        service_id: Option<String>,
    ) -> Result<Plan> {
        if let Some(id) = &service_id {
            self.directory()?
                .content
                .service(id)
                .ok_or(Error::NotFound("service"))?;
        }
        let item = plan::new_item(text, contact, service_id)?;
        let now = self.now();
        self.session
            .unlocked()?
            .run(|db, keys| plan::add_item(db, keys, now, section, item))
    }

    /// Replaces the text of the item at `index` (0-based).
    pub fn edit_plan_item(&self, section: Section, index: usize, text: UserText) -> Result<Plan> {
        let now = self.now();
        self.session
            .unlocked()?
            .run(|db, keys| plan::edit_item(db, keys, now, section, index, text))
    }

    pub fn remove_plan_item(&self, section: Section, index: usize) -> Result<Plan> {
        let now = self.now();
        self.session
            .unlocked()?
            .run(|db, keys| plan::remove_item(db, keys, now, section, index))
    }

    pub fn move_plan_item(&self, section: Section, from: usize, to: usize) -> Result<Plan> {
        let now = self.now();
        self.session
            .unlocked()?
            .run(|db, keys| plan::move_item(db, keys, now, section, from, to))
    }

    /// Makes a section readable without the PIN (re-encrypting it under the quick-access key),
    /// or private again.
    pub fn set_plan_quick_access(&self, section: Section, quick: bool) -> Result<Plan> {
        let now = self.now();
        self.session
            .unlocked()?
            .run(|db, keys| plan::set_quick_access(db, keys, now, section, quick))
    }

    /// Saved versions, newest first.
    pub fn plan_history(&self) -> Result<Vec<PlanVersionInfo>> {
        self.session
            .unlocked()?
            .run(|db, keys| plan::history(db.conn(), keys))
    }

    /// One saved version, as a plan.
    pub fn plan_version(&self, version: u64) -> Result<Plan> {
        self.session
            .unlocked()?
            .run(|db, keys| plan::version(db.conn(), keys, version))
    }

    /// Makes an earlier version current again, as a new version (nothing is lost).
    pub fn restore_plan_version(&self, version: u64) -> Result<Plan> {
        let now = self.now();
        self.session
            .unlocked()?
            .run(|db, keys| plan::restore(db, keys, now, version))
    }

    /// Records that the young person looked over their plan today.
    pub fn mark_plan_reviewed(&self) -> Result<Plan> {
        let now = self.now();
        self.session
            .unlocked()?
            .run(|db, keys| plan::mark_reviewed(db, keys, now))
    }

    /// How often to suggest a review, in days (7 to 365).
    pub fn set_plan_review_interval(&self, days: u32) -> Result<Plan> {
        self.session
            .unlocked()?
            .run(|db, keys| plan::set_review_interval(db, keys, days))
    }

    /// The chosen sections of the plan as text or HTML. Needs the vault unlocked (private
    /// sections are included only if chosen). An item linked to a directory service shows
    /// how to reach it, from the directory in use.
    pub fn share_plan(&self, opts: &ShareOptions) -> Result<String> {
        let plan = self.plan()?;
        let directory = self.directory().ok();
        let service = |item: &PlanItem| {
            let d = directory.as_ref()?;
            service_line(&d.content, item)
        };
        share::render(&plan, opts, &service)
    }

    /// Quick-access plan sections and notes, read through the device-only key: no secret.
    /// Notes are left out during a supported session.
    pub fn quick_access(&self) -> Result<QuickAccess> {
        let Some(quick) = self.session.quick()? else {
            return Ok(QuickAccess::default());
        };
        let hide_notes = quick.supported_active();
        quick.read(|tx, keys| {
            Ok(QuickAccess {
                sections: plan::quick_sections(tx, keys)?,
                notes: if hide_notes {
                    Vec::new()
                } else {
                    notes::quick_access(tx, keys)?
                },
                checkins: if hide_notes {
                    Vec::new()
                } else {
                    crate::coping::checkins::quick_access(tx, keys)?
                },
            })
        })
    }
}

/// The line under a plan item linked to a service: how to reach it, and its name when the
/// young person called it something else. Their own words always come first.
fn service_line(d: &Directory, item: &PlanItem) -> Option<String> {
    let s = d.service(item.service_id.as_deref()?)?;
    let how = s
        .channels
        .iter()
        .find(|c| c.value.is_some())
        .and_then(|c| {
            d.service_options(s, &Default::default(), &[])
                .into_iter()
                .find(|o| o.channel == c.kind)
        })
        .map(|o| o.how);
    let same_name = item.text.trim().eq_ignore_ascii_case(s.name.trim());
    Some(match (how, same_name) {
        (Some(how), true) => how,
        (Some(how), false) => format!("{}: {how}", s.name),
        (None, true) => return None,
        (None, false) => s.name.clone(),
    })
}
