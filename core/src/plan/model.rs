//! The plan's shape: its eight sections, items, saved versions and what each change was.
//! Plain data, checked on the way in; how it is stored is `codec.rs` and `store.rs`.

use jiff::{SignedDuration, Timestamp};

use crate::secret::UserText;
use crate::{Error, Result};

pub const MAX_ITEMS: usize = 50;

pub const MAX_ITEM_CHARS: usize = 2000;

pub const MAX_CONTACT_CHARS: usize = 200;

/// Suggested time between reviews, unless the user picks another.
pub const DEFAULT_REVIEW_DAYS: u32 = 90;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Section {
    WarningSigns,
    OnMyOwn,
    PeopleAndPlaces,
    PeopleToAsk,
    Professionals,
    SaferSpace,
    WhatMatters,
    HelpsAndDoesnt,
}

impl Section {
    pub const ALL: [Section; 8] = [
        Section::WarningSigns,
        Section::OnMyOwn,
        Section::PeopleAndPlaces,
        Section::PeopleToAsk,
        Section::Professionals,
        Section::SaferSpace,
        Section::WhatMatters,
        Section::HelpsAndDoesnt,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Section::WarningSigns => "warning_signs",
            Section::OnMyOwn => "on_my_own",
            Section::PeopleAndPlaces => "people_and_places",
            Section::PeopleToAsk => "people_to_ask",
            Section::Professionals => "professionals",
            Section::SaferSpace => "safer_space",
            Section::WhatMatters => "what_matters",
            Section::HelpsAndDoesnt => "helps_and_doesnt",
        }
    }

    /// Accepts the key with underscores or hyphens.
    pub fn parse(s: &str) -> Option<Section> {
        let s = s.trim().replace('-', "_");
        Section::ALL.into_iter().find(|x| x.key() == s)
    }

    pub fn title(self) -> &'static str {
        match self {
            Section::WarningSigns => "My warning signs",
            Section::OnMyOwn => "Things I can do on my own",
            Section::PeopleAndPlaces => "People and places that help me feel better",
            Section::PeopleToAsk => "People I can ask for help",
            Section::Professionals => "Professionals and services",
            Section::SaferSpace => "Making my space safer",
            Section::WhatMatters => "What matters to me",
            Section::HelpsAndDoesnt => "What helps me and what doesn't",
        }
    }

    pub(super) fn code(self) -> u8 {
        self as u8
    }

    pub(super) fn from_code(c: u8) -> Result<Self> {
        Section::ALL
            .get(usize::from(c))
            .copied()
            .ok_or(Error::Tampered)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanItem {
    pub id: String,
    pub text: UserText,
    /// How to reach a person (for "People I can ask for help").
    pub contact: Option<UserText>,
    /// A linked directory service (for "Professionals and services").
    pub service_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanSection {
    pub section: Section,
    pub items: Vec<PlanItem>,
    /// Readable without the PIN.
    pub quick_access: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// All eight sections, in order (empty ones included).
    pub sections: Vec<PlanSection>,
    /// The latest saved version (0 before anything is saved).
    pub version: u64,
    pub last_reviewed: Option<Timestamp>,
    pub review_interval_days: u32,
    /// When a gentle reminder to look at the plan again could be offered.
    pub next_review: Option<Timestamp>,
    /// Sections that are in the vault but could not be read (a damaged part of the file);
    /// they show as empty, and changing the plan is refused until it is restored from a
    /// backup, so nothing is overwritten. 0 normally.
    pub unreadable: usize,
}

impl Plan {
    pub fn section(&self, s: Section) -> &PlanSection {
        // Always present: `assemble` fills every section.
        &self.sections[s as usize]
    }
}

/// What a saved version changed. Never holds the user's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Added(Section),
    Edited(Section),
    Removed(Section),
    Moved(Section),
    QuickAccessOn(Section),
    QuickAccessOff(Section),
    Restored { from: u64 },
}

impl Change {
    pub fn describe(self) -> String {
        match self {
            Change::Added(s) => format!("added to {}", s.title()),
            Change::Edited(s) => format!("changed {}", s.title()),
            Change::Removed(s) => format!("removed from {}", s.title()),
            Change::Moved(s) => format!("reordered {}", s.title()),
            Change::QuickAccessOn(s) => format!("made {} quick access", s.title()),
            Change::QuickAccessOff(s) => format!("made {} private", s.title()),
            Change::Restored { from } => format!("went back to version {from}"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanVersionInfo {
    pub version: u64,
    pub saved_at: Timestamp,
    pub change: Change,
}

pub(super) fn check_item(text: &str, contact: Option<&str>) -> Result<()> {
    if text.trim().is_empty() {
        return Err(Error::InvalidInput("an item cannot be empty"));
    }
    if text.chars().count() > MAX_ITEM_CHARS {
        return Err(Error::InvalidInput("an item can be up to 2000 characters"));
    }
    if contact.is_some_and(|c| c.chars().count() > MAX_CONTACT_CHARS) {
        return Err(Error::InvalidInput(
            "contact details can be up to 200 characters",
        ));
    }
    Ok(())
}

/// All eight sections, empty and private.
pub(crate) fn empty_sections() -> Vec<PlanSection> {
    Section::ALL
        .into_iter()
        .map(|section| PlanSection {
            section,
            items: Vec::new(),
            quick_access: false,
        })
        .collect()
}

pub(crate) struct Review {
    pub last: Option<Timestamp>,
    pub interval_days: u32,
}

pub(super) fn assemble(sections: Vec<PlanSection>, version: u64, review: Review) -> Plan {
    let next_review = review.last.and_then(|t| {
        t.checked_add(SignedDuration::from_hours(
            24 * i64::from(review.interval_days),
        ))
        .ok()
    });
    Plan {
        sections,
        version,
        last_reviewed: review.last,
        review_interval_days: review.interval_days,
        next_review,
        unreadable: 0,
    }
}

/// Everything the plan holds, for backups: current sections, every saved version, review dates.
pub(crate) struct PlanExport {
    pub sections: Vec<PlanSection>,
    pub versions: Vec<(PlanVersionInfo, Vec<PlanSection>)>,
    pub review: Review,
}

/// Checks one item the way adding it would.
pub(crate) fn check_imported_item(item: &PlanItem) -> Result<()> {
    check_item(&item.text, item.contact.as_deref())
}
