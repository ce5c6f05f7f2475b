//! The plan in the vault: reading it, changing one section as a new saved version in one
//! transaction, history, review settings, quick access, and whole-plan export and import for
//! backups.

use jiff::Timestamp;
use rusqlite::{Connection, Transaction};

use super::codec::*;
use super::model::*;
use crate::crypto::keys::{QuickKeys, VaultKeys};
use crate::secret::UserText;
use crate::store::records::{self, Compartment, Table};
use crate::store::{Database, kinds};
use crate::{Error, Result};

/// Writes one saved version of the whole plan under its number.
pub(super) fn put_version(
    tx: &Transaction<'_>,
    keys: &VaultKeys,
    version: u64,
    saved_at: Timestamp,
    change: Change,
    sections: &[PlanSection],
) -> Result<()> {
    kinds::PLAN_VERSION.put(
        tx,
        keys,
        &version_id(version),
        Compartment::Private,
        &encode_version(saved_at, change, sections),
    )?;
    Ok(())
}

/// Writes one section's current items, in the compartment its quick-access setting asks for.
pub(super) fn put_section(tx: &Transaction<'_>, keys: &VaultKeys, s: &PlanSection) -> Result<()> {
    let compartment = Compartment::quick_if(s.quick_access);
    kinds::PLAN_SECTION.put(
        tx,
        keys,
        s.section.key(),
        compartment,
        &encode_section(&s.items),
    )?;
    Ok(())
}

/// As [`current_sections`], for reading only: a section that cannot be read is left empty
/// and counted, so one damaged record does not hide the rest of the plan.
pub(super) fn readable_sections(
    conn: &Connection,
    keys: &VaultKeys,
) -> Result<(Vec<PlanSection>, usize)> {
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
pub(super) fn current_sections(conn: &Connection, keys: &VaultKeys) -> Result<Vec<PlanSection>> {
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

pub(super) fn latest_version(conn: &Connection) -> Result<u64> {
    let id = records::max_id(conn, Table::PlanVersion)?;
    id.map_or(Ok(0), |s| s.parse().map_err(|_| Error::Tampered))
}

pub(super) fn read_review(conn: &Connection, keys: &VaultKeys) -> Result<Review> {
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
    let mut r = kinds::PLAN_REVIEW.reader(&rec)?;
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

pub(super) fn write_review(tx: &Transaction<'_>, keys: &VaultKeys, review: &Review) -> Result<()> {
    let mut w = kinds::PLAN_REVIEW.writer(12);
    w.i64(review.last.map_or(-1, |t| t.as_millisecond()))
        .u32(review.interval_days);
    kinds::PLAN_REVIEW.put(tx, keys, REVIEW_ID, Compartment::Private, &w.finish())?;
    Ok(())
}

/// The plan as it is now; a section that cannot be read shows as empty and is counted.
pub(crate) fn read(conn: &Connection, keys: &VaultKeys) -> Result<Plan> {
    let (sections, unreadable) = readable_sections(conn, keys)?;
    let mut plan = assemble(sections, latest_version(conn)?, read_review(conn, keys)?);
    plan.unreadable = unreadable;
    Ok(plan)
}

/// Changes one section and saves a new version, in one transaction.
pub(super) fn change_section(
    db: &mut Database,
    keys: &VaultKeys,
    now: Timestamp,
    section: Section,
    change: Change,
    edit: impl FnOnce(&mut PlanSection) -> Result<()>,
) -> Result<Plan> {
    db.write(|tx| change_section_in(tx, keys, now, section, change, edit))
}

/// As [`change_section`], inside a transaction the caller holds (so the change can commit
/// together with another domain's, e.g. an idea of their own added to the toolbox too).
fn change_section_in(
    tx: &Transaction<'_>,
    keys: &VaultKeys,
    now: Timestamp,
    section: Section,
    change: Change,
    edit: impl FnOnce(&mut PlanSection) -> Result<()>,
) -> Result<Plan> {
    let mut sections = current_sections(tx, keys)?;
    let target = &mut sections[section as usize];
    edit(target)?;
    put_section(tx, keys, target)?;
    let version = latest_version(tx)? + 1;
    put_version(tx, keys, version, now, change, &sections)?;
    Ok(assemble(sections, version, read_review(tx, keys)?))
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
    db.write(|tx| add_item_in(tx, keys, now, section, item))
}

/// As [`add_item`], inside a transaction the caller holds.
pub(crate) fn add_item_in(
    tx: &Transaction<'_>,
    keys: &VaultKeys,
    now: Timestamp,
    section: Section,
    item: PlanItem,
) -> Result<Plan> {
    change_section_in(tx, keys, now, section, Change::Added(section), |s| {
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

pub(super) fn saved_version(
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
pub(super) fn change_review(
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
    let mut sections = records::quick_access(conn, quick, Table::PlanSection, decode_section)?;
    sections.sort_by_key(|s| s.section);
    Ok(sections)
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
