//! The backup's payload: versioned JSON that belongs to the user. Anyone can open the file
//! with the standard `age` tool and read it; docs/BACKUP.md documents every field.

use serde::{Deserialize, Serialize};

use crate::coping::checkins::{self, CheckIn, Helped, Tried};
use crate::coping::toolbox::{self, Marks, OwnActivity};
use crate::library::Feeling;
use crate::notes::{MAX_NOTE_BYTES, MAX_TAGS, Note};
use crate::plan::{Change, PlanExport, PlanItem, PlanSection, PlanVersionInfo, Review, Section};
use crate::secret::UserText;
use crate::{Error, Result};

pub const FORMAT: &str = "harbour-backup";
/// 2 added the coping toolbox and check-ins; version 1 files (without them) still restore.
pub const VERSION: u32 = 2;

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
    #[serde(default, skip_serializing_if = "Option::is_none")]
    toolbox: Option<ToolboxOut>,
    #[serde(default)]
    checkins: Vec<CheckInOut>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct OwnIdeaOut {
    id: String,
    text: UserText,
    feelings: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    minutes: Option<u8>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ToolboxOut {
    hidden: Vec<String>,
    favourites: Vec<String>,
    order: Vec<String>,
    own: Vec<OwnIdeaOut>,
    quick_access: bool,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct TriedOut {
    what: UserText,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    idea: Option<String>,
    helped: String,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct CheckInOut {
    id: String,
    at: jiff::Timestamp,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    feeling: Option<String>,
    strength: u8,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    before: Option<UserText>,
    tried: Vec<TriedOut>,
    quick_access: bool,
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

fn helped_key(h: Helped) -> &'static str {
    match h {
        Helped::Yes => "yes",
        Helped::ALittle => "a_little",
        Helped::No => "no",
    }
}

fn toolbox_out(m: &Marks) -> ToolboxOut {
    ToolboxOut {
        hidden: m.hidden.clone(),
        favourites: m.favourites.clone(),
        order: m.order.clone(),
        own: m
            .own
            .iter()
            .map(|o| OwnIdeaOut {
                id: o.id.clone(),
                text: o.text.clone(),
                feelings: o.feelings.iter().map(|f| f.key().to_owned()).collect(),
                minutes: o.minutes,
            })
            .collect(),
        quick_access: m.quick_access,
    }
}

fn checkin_out(c: &CheckIn) -> CheckInOut {
    CheckInOut {
        id: c.id.clone(),
        at: c.at,
        feeling: c.feeling.map(|f| f.key().to_owned()),
        strength: c.strength,
        before: c.before.clone(),
        tried: c
            .tried
            .iter()
            .map(|t| TriedOut {
                what: t.what.clone(),
                idea: t.idea.clone(),
                helped: helped_key(t.helped).to_owned(),
            })
            .collect(),
        quick_access: c.quick_access,
    }
}

/// The person's coping data as a backup carries it.
pub(crate) struct CopingExport {
    pub toolbox: Marks,
    pub checkins: Vec<CheckIn>,
}

pub(crate) fn build(
    notes: &[Note],
    plan: &PlanExport,
    coping: &CopingExport,
    now: jiff::Timestamp,
) -> Payload {
    Payload {
        toolbox: (coping.toolbox != Marks::default()).then(|| toolbox_out(&coping.toolbox)),
        checkins: coping.checkins.iter().map(checkin_out).collect(),
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

fn toolbox_in(t: ToolboxOut) -> Result<Marks> {
    let bad = || invalid("the coping toolbox is not acceptable");
    if [&t.hidden, &t.favourites, &t.order]
        .iter()
        .any(|l| l.len() > toolbox::MAX_IDS || l.iter().any(|id| id.is_empty() || id.len() > 64))
    {
        return Err(bad());
    }
    if t.own.len() > toolbox::MAX_OWN_ACTIVITIES {
        return Err(bad());
    }
    let mut own: Vec<OwnActivity> = Vec::with_capacity(t.own.len());
    for o in t.own {
        if !record_id_ok(&o.id) || own.iter().any(|x| x.id == o.id) {
            return Err(invalid("an idea id is malformed or repeated"));
        }
        toolbox::check_own(&o.text, o.minutes).map_err(|_| bad())?;
        let mut feelings = Vec::with_capacity(o.feelings.len());
        for f in &o.feelings {
            let f = Feeling::parse(f).ok_or(invalid("an unknown feeling"))?;
            if !feelings.contains(&f) {
                feelings.push(f);
            }
        }
        own.push(OwnActivity {
            id: o.id,
            text: o.text,
            feelings,
            minutes: o.minutes,
        });
    }
    Ok(Marks {
        hidden: t.hidden,
        favourites: t.favourites,
        order: t.order,
        own,
        quick_access: t.quick_access,
    })
}

fn checkin_in(c: CheckInOut) -> Result<CheckIn> {
    let feeling = match c.feeling.as_deref() {
        Some(f) => Some(Feeling::parse(f).ok_or(invalid("an unknown feeling"))?),
        None => None,
    };
    let mut tried = Vec::with_capacity(c.tried.len());
    for t in c.tried {
        let helped = match t.helped.as_str() {
            "yes" => Helped::Yes,
            "a_little" => Helped::ALittle,
            "no" => Helped::No,
            _ => {
                return Err(invalid(
                    "a check-in says something unknown about what helped",
                ));
            }
        };
        tried.push(Tried {
            what: t.what,
            idea: t.idea,
            helped,
        });
    }
    let c = CheckIn {
        id: c.id,
        at: c.at,
        feeling,
        strength: c.strength,
        before: c.before,
        tried,
        quick_access: c.quick_access,
    };
    checkins::check(&c).map_err(|_| invalid("a check-in is not acceptable"))?;
    Ok(c)
}

/// Parses and checks everything before anything is written.
pub(crate) fn parse(bytes: &[u8]) -> Result<(Vec<Note>, PlanExport, CopingExport)> {
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
    if head.version == 0 {
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
    if p.version < 2 && (p.toolbox.is_some() || !p.checkins.is_empty()) {
        return Err(invalid(
            "this backup's version does not match what it holds",
        ));
    }
    let toolbox = p.toolbox.map(toolbox_in).transpose()?.unwrap_or_default();
    let mut checkins: Vec<CheckIn> = Vec::with_capacity(p.checkins.len());
    for c in p.checkins {
        if !record_id_ok(&c.id) || checkins.iter().any(|x| x.id == c.id) {
            return Err(invalid("a check-in id is malformed or repeated"));
        }
        checkins.push(checkin_in(c)?);
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
        CopingExport { toolbox, checkins },
    ))
}
