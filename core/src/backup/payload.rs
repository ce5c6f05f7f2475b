//! The backup's payload: versioned JSON that belongs to the user. Anyone can open the file
//! with the standard `age` tool and read it; docs/BACKUP.md documents every field.

use serde::{Deserialize, Serialize};

use crate::notes::{MAX_NOTE_BYTES, MAX_TAGS, Note};
use crate::plan::{Change, PlanExport, PlanItem, PlanSection, PlanVersionInfo, Review, Section};
use crate::secret::UserText;
use crate::{Error, Result};

pub const FORMAT: &str = "harbour-backup";
pub const VERSION: u32 = 1;

/// Read first, on its own, so a newer version is refused with a clear error before its
/// (possibly different) fields are parsed.
#[derive(Deserialize)]
struct Head {
    format: String,
    version: u32,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Payload {
    format: String,
    version: u32,
    created_at: jiff::Timestamp,
    notes: Vec<NoteOut>,
    plan: PlanOut,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct NoteOut {
    id: String,
    text: UserText,
    tags: Vec<UserText>,
    pinned: bool,
    quick_access: bool,
    created_at: jiff::Timestamp,
    updated_at: jiff::Timestamp,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ItemOut {
    id: String,
    text: UserText,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    contact: Option<UserText>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    service_id: Option<String>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct SectionOut {
    section: String,
    quick_access: bool,
    items: Vec<ItemOut>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ChangeOut {
    kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    section: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    restored_from: Option<u64>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct VersionOut {
    version: u64,
    saved_at: jiff::Timestamp,
    change: ChangeOut,
    sections: Vec<SectionOut>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct PlanOut {
    sections: Vec<SectionOut>,
    history: Vec<VersionOut>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    last_reviewed: Option<jiff::Timestamp>,
    review_interval_days: u32,
}

fn section_out(s: &PlanSection) -> SectionOut {
    SectionOut {
        section: s.section.key().to_owned(),
        quick_access: s.quick_access,
        items: s
            .items
            .iter()
            .map(|i| ItemOut {
                id: i.id.clone(),
                text: i.text.clone(),
                contact: i.contact.clone(),
                service_id: i.service_id.clone(),
            })
            .collect(),
    }
}

fn change_out(c: Change) -> ChangeOut {
    let (kind, section, from) = match c {
        Change::Added(s) => ("added", Some(s), None),
        Change::Edited(s) => ("edited", Some(s), None),
        Change::Removed(s) => ("removed", Some(s), None),
        Change::Moved(s) => ("moved", Some(s), None),
        Change::QuickAccessOn(s) => ("quick_access_on", Some(s), None),
        Change::QuickAccessOff(s) => ("quick_access_off", Some(s), None),
        Change::Restored { from } => ("restored", None, Some(from)),
    };
    ChangeOut {
        kind: kind.to_owned(),
        section: section.map(|s| s.key().to_owned()),
        restored_from: from,
    }
}

pub(crate) fn build(notes: &[Note], plan: &PlanExport, now: jiff::Timestamp) -> Payload {
    Payload {
        format: FORMAT.to_owned(),
        version: VERSION,
        created_at: now,
        notes: notes
            .iter()
            .map(|n| NoteOut {
                id: n.id.clone(),
                text: n.text.clone(),
                tags: n.tags.clone(),
                pinned: n.pinned,
                quick_access: n.quick_access,
                created_at: n.created_at,
                updated_at: n.updated_at,
            })
            .collect(),
        plan: PlanOut {
            sections: plan.sections.iter().map(section_out).collect(),
            history: plan
                .versions
                .iter()
                .map(|(info, sections)| VersionOut {
                    version: info.version,
                    saved_at: info.saved_at,
                    change: change_out(info.change),
                    sections: sections.iter().map(section_out).collect(),
                })
                .collect(),
            last_reviewed: plan.review.last,
            review_interval_days: plan.review.interval_days,
        },
    }
}

/// A backup that parses but is not acceptable: says what, never echoes content.
fn invalid(what: &'static str) -> Error {
    Error::InvalidBackup(what)
}

fn record_id_ok(id: &str) -> bool {
    id.len() == 32
        && id
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

fn sections_in(list: Vec<SectionOut>, all_eight: bool) -> Result<Vec<PlanSection>> {
    let mut out = crate::plan::empty_sections();
    let mut seen = Vec::new();
    for s in list {
        let section = Section::parse(&s.section).ok_or(invalid("an unknown plan section"))?;
        if seen.contains(&section) {
            return Err(invalid("a plan section appears twice"));
        }
        seen.push(section);
        if s.items.len() > crate::plan::MAX_ITEMS {
            return Err(invalid("a plan section has too many items"));
        }
        let mut items = Vec::with_capacity(s.items.len());
        for i in s.items {
            if !record_id_ok(&i.id) || items.iter().any(|x: &PlanItem| x.id == i.id) {
                return Err(invalid("a plan item id is malformed or repeated"));
            }
            let item = PlanItem {
                id: i.id,
                text: i.text,
                contact: i.contact,
                service_id: i.service_id,
            };
            crate::plan::check_imported_item(&item)
                .map_err(|_| invalid("a plan item is empty or too long"))?;
            items.push(item);
        }
        let idx = section as usize;
        out[idx] = PlanSection {
            section,
            items,
            quick_access: s.quick_access,
        };
    }
    if all_eight && seen.len() != Section::ALL.len() {
        return Err(invalid("a saved plan version is missing sections"));
    }
    Ok(out)
}

fn change_in(c: ChangeOut) -> Result<Change> {
    let section = c
        .section
        .as_deref()
        .map(|s| Section::parse(s).ok_or(invalid("an unknown plan section")));
    let s = || {
        section
            .clone()
            .ok_or(invalid("a plan change names no section"))?
    };
    Ok(match c.kind.as_str() {
        "added" => Change::Added(s()?),
        "edited" => Change::Edited(s()?),
        "removed" => Change::Removed(s()?),
        "moved" => Change::Moved(s()?),
        "quick_access_on" => Change::QuickAccessOn(s()?),
        "quick_access_off" => Change::QuickAccessOff(s()?),
        "restored" => Change::Restored {
            from: c
                .restored_from
                .ok_or(invalid("a restore names no version"))?,
        },
        _ => return Err(invalid("an unknown kind of plan change")),
    })
}

/// Parses and checks everything before anything is written.
pub(crate) fn parse(bytes: &[u8]) -> Result<(Vec<Note>, PlanExport)> {
    let head: Head = serde_json::from_slice(bytes)
        .map_err(|_| invalid("the backup's contents are not readable"))?;
    if head.format != FORMAT {
        return Err(invalid("this is not a Harbour backup"));
    }
    if head.version > VERSION {
        return Err(Error::NewerFormat {
            found: head.version,
            supported: VERSION,
        });
    }
    if head.version != VERSION {
        return Err(invalid("this backup version is not supported"));
    }
    let p: Payload = serde_json::from_slice(bytes)
        .map_err(|_| invalid("the backup's contents are not readable"))?;

    let mut notes = Vec::with_capacity(p.notes.len());
    for n in p.notes {
        if !record_id_ok(&n.id) || notes.iter().any(|x: &Note| x.id == n.id) {
            return Err(invalid("a note id is malformed or repeated"));
        }
        if n.text.len() > MAX_NOTE_BYTES || n.tags.len() > MAX_TAGS {
            return Err(invalid("a note is too long or has too many tags"));
        }
        crate::notes::check_text(&n.text).map_err(|_| invalid("a note is empty"))?;
        let tags = crate::notes::clean_tags(n.tags)
            .map_err(|_| invalid("a note has a tag that is not allowed"))?;
        notes.push(Note {
            id: n.id,
            text: n.text,
            tags,
            pinned: n.pinned,
            quick_access: n.quick_access,
            created_at: n.created_at,
            updated_at: n.updated_at,
        });
    }

    let sections = sections_in(p.plan.sections, false)?;
    let mut versions: Vec<(PlanVersionInfo, Vec<PlanSection>)> =
        Vec::with_capacity(p.plan.history.len());
    for v in p.plan.history {
        if v.version == 0
            || versions
                .last()
                .is_some_and(|(last, _)| last.version >= v.version)
        {
            return Err(invalid("plan versions are repeated or out of order"));
        }
        versions.push((
            PlanVersionInfo {
                version: v.version,
                saved_at: v.saved_at,
                change: change_in(v.change)?,
            },
            sections_in(v.sections, true)?,
        ));
    }
    if !(7..=365).contains(&p.plan.review_interval_days) {
        return Err(invalid("the plan review interval is out of range"));
    }
    Ok((
        notes,
        PlanExport {
            sections,
            versions,
            review: Review {
                last: p.plan.last_reviewed,
                interval_days: p.plan.review_interval_days,
            },
        },
    ))
}
