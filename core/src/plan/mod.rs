//! The safety plan: the young person's own, in Harbour's neutral wording.
//!
//! Eight sections, each an ordered list of items, each private by default or *quick access*
//! (readable without the PIN, through the device-only key). Every saved change is kept as an
//! encrypted version that can be restored; "last reviewed" and a suggested next review date
//! let an app offer a gentle reminder. The section wording is Harbour's own: the Stanley–Brown
//! form's wording needs its authors' permission, so it is background only.

pub mod share;

use jiff::{SignedDuration, Timestamp};

use crate::crypto::codec::{Reader, Writer};
use rusqlite::{Connection, Transaction};

use crate::crypto::keys::{QuickKeys, VaultKeys};
use crate::secret::UserText;
use crate::store::Database;
use crate::store::records::{self, Compartment, Record, Table};
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

    fn code(self) -> u8 {
        self as u8
    }

    fn from_code(c: u8) -> Result<Self> {
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

    fn encode(self, w: &mut Writer) {
        let (tag, section, from) = match self {
            Change::Added(s) => (1, s.code(), 0),
            Change::Edited(s) => (2, s.code(), 0),
            Change::Removed(s) => (3, s.code(), 0),
            Change::Moved(s) => (4, s.code(), 0),
            Change::QuickAccessOn(s) => (5, s.code(), 0),
            Change::QuickAccessOff(s) => (6, s.code(), 0),
            Change::Restored { from } => (7, 0, from),
        };
        w.u8(tag).u8(section).i64(from as i64);
    }

    fn decode(r: &mut Reader<'_>) -> Result<Self> {
        let (tag, section, from) = (r.u8()?, Section::from_code(r.u8()?)?, r.i64()?);
        Ok(match tag {
            1 => Change::Added(section),
            2 => Change::Edited(section),
            3 => Change::Removed(section),
            4 => Change::Moved(section),
            5 => Change::QuickAccessOn(section),
            6 => Change::QuickAccessOff(section),
            7 => Change::Restored {
                from: u64::try_from(from).map_err(|_| Error::Tampered)?,
            },
            _ => return Err(Error::Tampered),
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanVersionInfo {
    pub version: u64,
    pub saved_at: Timestamp,
    pub change: Change,
}

const SECTION_SCHEMA: u16 = 1;
const VERSION_SCHEMA: u16 = 1;
const REVIEW_SCHEMA: u16 = 1;
const KIND_SECTION: u8 = 2;
const KIND_VERSION: u8 = 3;
const KIND_REVIEW: u8 = 4;
const REVIEW_ID: &str = "plan_review";

fn items_len(items: &[PlanItem]) -> usize {
    4 + items
        .iter()
        .map(|i| {
            Writer::str_len(&i.id)
                + Writer::str_len(&i.text)
                + 1
                + i.contact.as_deref().map_or(0, Writer::str_len)
                + 1
                + i.service_id.as_deref().map_or(0, Writer::str_len)
        })
        .sum::<usize>()
}

fn write_items(w: &mut Writer, items: &[PlanItem]) {
    w.u32(items.len() as u32);
    for i in items {
        w.str(&i.id).str(&i.text);
        for opt in [i.contact.as_deref(), i.service_id.as_deref()] {
            match opt {
                Some(v) => w.bool(true).str(v),
                None => w.bool(false),
            };
        }
    }
}

fn read_items(r: &mut Reader<'_>) -> Result<Vec<PlanItem>> {
    let n = r.u32()? as usize;
    if n > MAX_ITEMS {
        return Err(Error::Tampered);
    }
    let mut items = Vec::with_capacity(n);
    for _ in 0..n {
        let id = r.str()?.to_owned();
        let text = UserText::from(r.str()?);
        let contact = if r.bool()? {
            Some(UserText::from(r.str()?))
        } else {
            None
        };
        let service_id = if r.bool()? {
            Some(r.str()?.to_owned())
        } else {
            None
        };
        items.push(PlanItem {
            id,
            text,
            contact,
            service_id,
        });
    }
    Ok(items)
}

fn encode_section(items: &[PlanItem]) -> zeroize::Zeroizing<Vec<u8>> {
    let mut w = Writer::with_capacity(1 + items_len(items));
    w.u8(KIND_SECTION);
    write_items(&mut w, items);
    w.finish()
}

fn decode_section(rec: &Record) -> Result<PlanSection> {
    rec.check_schema(SECTION_SCHEMA)?;
    let section = Section::parse(&rec.id).ok_or(Error::Tampered)?;
    let mut r = Reader::new(&rec.plaintext);
    if r.u8()? != KIND_SECTION {
        return Err(Error::Tampered);
    }
    let items = read_items(&mut r)?;
    r.finish()?;
    Ok(PlanSection {
        section,
        items,
        quick_access: rec.compartment == Compartment::QuickAccess,
    })
}

fn encode_version(
    saved_at: Timestamp,
    change: Change,
    sections: &[PlanSection],
) -> zeroize::Zeroizing<Vec<u8>> {
    let size = 1
        + 8
        + 10
        + sections
            .iter()
            .map(|s| 2 + items_len(&s.items))
            .sum::<usize>();
    let mut w = Writer::with_capacity(size);
    w.u8(KIND_VERSION).i64(saved_at.as_millisecond());
    change.encode(&mut w);
    for s in sections {
        w.u8(s.section.code()).bool(s.quick_access);
        write_items(&mut w, &s.items);
    }
    w.finish()
}

fn decode_version(rec: &Record) -> Result<(PlanVersionInfo, Vec<PlanSection>)> {
    rec.check_schema(VERSION_SCHEMA)?;
    let version: u64 = rec.id.parse().map_err(|_| Error::Tampered)?;
    let mut r = Reader::new(&rec.plaintext);
    if r.u8()? != KIND_VERSION {
        return Err(Error::Tampered);
    }
    let saved_at = Timestamp::from_millisecond(r.i64()?).map_err(|_| Error::Tampered)?;
    let change = Change::decode(&mut r)?;
    let mut sections = Vec::with_capacity(Section::ALL.len());
    for expected in Section::ALL {
        let section = Section::from_code(r.u8()?)?;
        if section != expected {
            return Err(Error::Tampered);
        }
        let quick_access = r.bool()?;
        sections.push(PlanSection {
            section,
            items: read_items(&mut r)?,
            quick_access,
        });
    }
    r.finish()?;
    Ok((
        PlanVersionInfo {
            version,
            saved_at,
            change,
        },
        sections,
    ))
}

fn version_id(v: u64) -> String {
    format!("{v:012}")
}

/// Writes one saved version of the whole plan under its number.
fn put_version(
    tx: &Transaction<'_>,
    keys: &VaultKeys,
    version: u64,
    saved_at: Timestamp,
    change: Change,
    sections: &[PlanSection],
) -> Result<()> {
    records::put(
        tx,
        keys,
        Table::PlanVersion,
        &version_id(version),
        Compartment::Private,
        VERSION_SCHEMA,
        &encode_version(saved_at, change, sections),
    )?;
    Ok(())
}

fn check_item(text: &str, contact: Option<&str>) -> Result<()> {
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

/// Writes one section's current items, in the compartment its quick-access setting asks for.
fn put_section(tx: &Transaction<'_>, keys: &VaultKeys, s: &PlanSection) -> Result<()> {
    let compartment = if s.quick_access {
        Compartment::QuickAccess
    } else {
        Compartment::Private
    };
    records::put(
        tx,
        keys,
        Table::PlanSection,
        s.section.key(),
        compartment,
        SECTION_SCHEMA,
        &encode_section(&s.items),
    )?;
    Ok(())
}

/// As [`current_sections`], for reading only: a section that cannot be read is left empty
/// and counted, so one damaged record does not hide the rest of the plan.
fn readable_sections(conn: &Connection, keys: &VaultKeys) -> Result<(Vec<PlanSection>, usize)> {
    let mut sections = empty_sections();
    let scan = records::filter_map(
        conn,
        records::Reader::Unlocked(keys),
        Table::PlanSection,
        None,
        |rec| decode_section(&rec).map(Some),
    )?;
    for s in scan.items {
        let idx = s.section as usize;
        sections[idx] = s;
    }
    Ok((sections, scan.unreadable))
}

/// Reads the current sections (all eight, empty where nothing is saved).
fn current_sections(conn: &Connection, keys: &VaultKeys) -> Result<Vec<PlanSection>> {
    let mut sections = empty_sections();
    for rec in records::list(
        conn,
        records::Reader::Unlocked(keys),
        Table::PlanSection,
        None,
    )? {
        let s = decode_section(&rec)?;
        let idx = s.section as usize;
        sections[idx] = s;
    }
    Ok(sections)
}

fn latest_version(conn: &Connection) -> Result<u64> {
    let id: Option<String> =
        conn.query_row("SELECT MAX(id) FROM plan_version", [], |r| r.get(0))?;
    id.map_or(Ok(0), |s| s.parse().map_err(|_| Error::Tampered))
}

pub(crate) struct Review {
    pub last: Option<Timestamp>,
    pub interval_days: u32,
}

fn read_review(conn: &Connection, keys: &VaultKeys) -> Result<Review> {
    let Some(rec) = records::get(
        conn,
        records::Reader::Unlocked(keys),
        Table::Setting,
        REVIEW_ID,
    )?
    else {
        return Ok(Review {
            last: None,
            interval_days: DEFAULT_REVIEW_DAYS,
        });
    };
    let mut r = Reader::new(&rec.plaintext);
    rec.check_schema(REVIEW_SCHEMA)?;
    if r.u8()? != KIND_REVIEW {
        return Err(Error::Tampered);
    }
    let last_ms = r.i64()?;
    let interval_days = r.u32()?;
    r.finish()?;
    Ok(Review {
        last: if last_ms < 0 {
            None
        } else {
            Some(Timestamp::from_millisecond(last_ms).map_err(|_| Error::Tampered)?)
        },
        interval_days,
    })
}

fn write_review(tx: &Transaction<'_>, keys: &VaultKeys, review: &Review) -> Result<()> {
    let mut w = Writer::with_capacity(16);
    w.u8(KIND_REVIEW)
        .i64(review.last.map_or(-1, |t| t.as_millisecond()))
        .u32(review.interval_days);
    records::put(
        tx,
        keys,
        Table::Setting,
        REVIEW_ID,
        Compartment::Private,
        REVIEW_SCHEMA,
        &w.finish(),
    )?;
    Ok(())
}

fn assemble(sections: Vec<PlanSection>, version: u64, review: Review) -> Plan {
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

/// The plan as it is now; a section that cannot be read shows as empty and is counted.
pub(crate) fn read(conn: &Connection, keys: &VaultKeys) -> Result<Plan> {
    let (sections, unreadable) = readable_sections(conn, keys)?;
    let mut plan = assemble(sections, latest_version(conn)?, read_review(conn, keys)?);
    plan.unreadable = unreadable;
    Ok(plan)
}

/// Changes one section and saves a new version, in one transaction.
fn change_section(
    db: &mut Database,
    keys: &VaultKeys,
    now: Timestamp,
    section: Section,
    change: Change,
    edit: impl FnOnce(&mut PlanSection) -> Result<()>,
) -> Result<Plan> {
    db.write(|tx| {
        let mut sections = current_sections(tx, keys)?;
        let target = &mut sections[section as usize];
        edit(target)?;
        put_section(tx, keys, target)?;
        let version = latest_version(tx)? + 1;
        put_version(tx, keys, version, now, change, &sections)?;
        Ok(assemble(sections, version, read_review(tx, keys)?))
    })
}

/// A new item, checked, not yet saved. A linked service is checked by the caller, which
/// knows the directory.
pub(crate) fn new_item(
    text: UserText,
    contact: Option<UserText>,
    service_id: Option<String>,
) -> Result<PlanItem> {
    check_item(&text, contact.as_deref())?;
    Ok(PlanItem {
        id: records::new_id()?,
        text,
        contact,
        service_id,
    })
}

/// Adds an item at the end of a section.
pub(crate) fn add_item(
    db: &mut Database,
    keys: &VaultKeys,
    now: Timestamp,
    section: Section,
    item: PlanItem,
) -> Result<Plan> {
    change_section(db, keys, now, section, Change::Added(section), |s| {
        if s.items.len() >= MAX_ITEMS {
            return Err(Error::InvalidInput("a section can hold up to 50 items"));
        }
        s.items.push(item);
        Ok(())
    })
}

/// Replaces the text of the item at `index` (0-based).
pub(crate) fn edit_item(
    db: &mut Database,
    keys: &VaultKeys,
    now: Timestamp,
    section: Section,
    index: usize,
    text: UserText,
) -> Result<Plan> {
    check_item(&text, None)?;
    change_section(db, keys, now, section, Change::Edited(section), |s| {
        let item = s.items.get_mut(index).ok_or(Error::NotFound("plan item"))?;
        item.text = text;
        Ok(())
    })
}

pub(crate) fn remove_item(
    db: &mut Database,
    keys: &VaultKeys,
    now: Timestamp,
    section: Section,
    index: usize,
) -> Result<Plan> {
    change_section(db, keys, now, section, Change::Removed(section), |s| {
        if index >= s.items.len() {
            return Err(Error::NotFound("plan item"));
        }
        s.items.remove(index);
        Ok(())
    })
}

pub(crate) fn move_item(
    db: &mut Database,
    keys: &VaultKeys,
    now: Timestamp,
    section: Section,
    from: usize,
    to: usize,
) -> Result<Plan> {
    change_section(db, keys, now, section, Change::Moved(section), |s| {
        if from >= s.items.len() || to >= s.items.len() {
            return Err(Error::NotFound("plan item"));
        }
        let item = s.items.remove(from);
        s.items.insert(to, item);
        Ok(())
    })
}

/// Makes a section readable without the PIN (re-encrypting it under the quick-access key),
/// or private again.
pub(crate) fn set_quick_access(
    db: &mut Database,
    keys: &VaultKeys,
    now: Timestamp,
    section: Section,
    quick: bool,
) -> Result<Plan> {
    let change = if quick {
        Change::QuickAccessOn(section)
    } else {
        Change::QuickAccessOff(section)
    };
    change_section(db, keys, now, section, change, |s| {
        s.quick_access = quick;
        Ok(())
    })
}

/// Saved versions, newest first.
pub(crate) fn history(conn: &Connection, keys: &VaultKeys) -> Result<Vec<PlanVersionInfo>> {
    let mut out = records::list(
        conn,
        records::Reader::Unlocked(keys),
        Table::PlanVersion,
        None,
    )?
    .iter()
    .map(|r| decode_version(r).map(|(info, _)| info))
    .collect::<Result<Vec<_>>>()?;
    out.sort_by_key(|v| std::cmp::Reverse(v.version));
    Ok(out)
}

fn saved_version(
    conn: &Connection,
    keys: &VaultKeys,
    version: u64,
) -> Result<(PlanVersionInfo, Vec<PlanSection>)> {
    let rec = records::get(
        conn,
        records::Reader::Unlocked(keys),
        Table::PlanVersion,
        &version_id(version),
    )?
    .ok_or(Error::NotFound("plan version"))?;
    decode_version(&rec)
}

/// One saved version, as a plan.
pub(crate) fn version(conn: &Connection, keys: &VaultKeys, version: u64) -> Result<Plan> {
    let (info, sections) = saved_version(conn, keys, version)?;
    Ok(assemble(sections, info.version, read_review(conn, keys)?))
}

/// Makes an earlier version current again, as a new version (nothing is lost).
pub(crate) fn restore(
    db: &mut Database,
    keys: &VaultKeys,
    now: Timestamp,
    version: u64,
) -> Result<Plan> {
    db.write(|tx| {
        let (_, sections) = saved_version(tx, keys, version)?;
        for s in &sections {
            put_section(tx, keys, s)?;
        }
        let new_version = latest_version(tx)? + 1;
        let change = Change::Restored { from: version };
        put_version(tx, keys, new_version, now, change, &sections)?;
        Ok(assemble(sections, new_version, read_review(tx, keys)?))
    })
}

/// Changes the review settings and returns the plan with them.
fn change_review(
    db: &mut Database,
    keys: &VaultKeys,
    edit: impl FnOnce(&mut Review),
) -> Result<Plan> {
    db.write(|tx| {
        let mut review = read_review(tx, keys)?;
        edit(&mut review);
        write_review(tx, keys, &review)?;
        Ok(assemble(
            current_sections(tx, keys)?,
            latest_version(tx)?,
            review,
        ))
    })
}

/// Records that the young person looked over their plan today.
pub(crate) fn mark_reviewed(db: &mut Database, keys: &VaultKeys, now: Timestamp) -> Result<Plan> {
    change_review(db, keys, |r| r.last = Some(now))
}

/// How often to suggest a review, in days (7 to 365).
pub(crate) fn set_review_interval(db: &mut Database, keys: &VaultKeys, days: u32) -> Result<Plan> {
    if !(7..=365).contains(&days) {
        return Err(Error::InvalidInput(
            "the review interval must be 7 to 365 days",
        ));
    }
    change_review(db, keys, |r| r.interval_days = days)
}

/// The quick-access sections, read through the device-only key, in plan order.
pub(crate) fn quick_sections(conn: &Connection, quick: &QuickKeys) -> Result<Vec<PlanSection>> {
    let mut sections = records::list(
        conn,
        records::Reader::Quick(quick),
        Table::PlanSection,
        Some(Compartment::QuickAccess),
    )?
    .iter()
    .map(decode_section)
    .collect::<Result<Vec<_>>>()?;
    sections.sort_by_key(|s| s.section);
    Ok(sections)
}

/// Everything the plan holds, for backups: current sections, every saved version, review dates.
pub(crate) struct PlanExport {
    pub sections: Vec<PlanSection>,
    pub versions: Vec<(PlanVersionInfo, Vec<PlanSection>)>,
    pub review: Review,
}

pub(crate) fn export(conn: &Connection, keys: &VaultKeys) -> Result<PlanExport> {
    // What can be read goes into the backup: that is how someone gets their plan out of a
    // damaged vault.
    let mut versions = records::filter_map(
        conn,
        records::Reader::Unlocked(keys),
        Table::PlanVersion,
        None,
        |rec| decode_version(&rec).map(Some),
    )?
    .items;
    versions.sort_by_key(|(info, _)| info.version);
    Ok(PlanExport {
        sections: readable_sections(conn, keys)?.0,
        versions,
        review: read_review(conn, keys)?,
    })
}

/// Writes a whole plan (into an empty vault, inside the caller's transaction).
pub(crate) fn import(tx: &Transaction<'_>, keys: &VaultKeys, plan: &PlanExport) -> Result<()> {
    for s in plan
        .sections
        .iter()
        .filter(|s| !s.items.is_empty() || s.quick_access)
    {
        put_section(tx, keys, s)?;
    }
    for (info, sections) in &plan.versions {
        put_version(tx, keys, info.version, info.saved_at, info.change, sections)?;
    }
    if plan.review.last.is_some() || plan.review.interval_days != DEFAULT_REVIEW_DAYS {
        write_review(tx, keys, &plan.review)?;
    }
    Ok(())
}

/// Checks one item the way adding it would.
pub(crate) fn check_imported_item(item: &PlanItem) -> Result<()> {
    check_item(&item.text, item.contact.as_deref())
}
