//! The plan's records as bytes: sections, saved versions, and the kinds and schemas they are
//! written with (see `crypto/codec.rs` for the size contract each `encode` keeps).

use jiff::Timestamp;

use super::model::*;
use crate::crypto::codec::{Reader, Writer};
use crate::secret::UserText;
use crate::store::kinds;
use crate::store::records::{Compartment, Record};
use crate::{Error, Result};

impl Change {
    pub(super) fn encode(self, w: &mut Writer) {
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

    pub(super) fn decode(r: &mut Reader<'_>) -> Result<Self> {
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

pub(super) const REVIEW_ID: &str = "plan_review";

pub(super) fn items_len(items: &[PlanItem]) -> usize {
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

pub(super) fn write_items(w: &mut Writer, items: &[PlanItem]) {
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

pub(super) fn read_items(r: &mut Reader<'_>) -> Result<Vec<PlanItem>> {
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

pub(super) fn encode_section(items: &[PlanItem]) -> zeroize::Zeroizing<Vec<u8>> {
    let mut w = kinds::PLAN_SECTION.writer(items_len(items));
    write_items(&mut w, items);
    w.finish()
}

pub(super) fn decode_section(rec: &Record) -> Result<PlanSection> {
    let mut r = kinds::PLAN_SECTION.reader(rec)?;
    let section = Section::parse(&rec.id).ok_or(Error::Tampered)?;
    let items = read_items(&mut r)?;
    r.finish()?;
    Ok(PlanSection {
        section,
        items,
        quick_access: rec.compartment == Compartment::QuickAccess,
    })
}

pub(super) fn encode_version(
    saved_at: Timestamp,
    change: Change,
    sections: &[PlanSection],
) -> zeroize::Zeroizing<Vec<u8>> {
    let size = 8
        + 10
        + sections
            .iter()
            .map(|s| 2 + items_len(&s.items))
            .sum::<usize>();
    let mut w = kinds::PLAN_VERSION.writer(size);
    w.i64(saved_at.as_millisecond());
    change.encode(&mut w);
    for s in sections {
        w.u8(s.section.code()).bool(s.quick_access);
        write_items(&mut w, &s.items);
    }
    w.finish()
}

pub(super) fn decode_version(rec: &Record) -> Result<(PlanVersionInfo, Vec<PlanSection>)> {
    let mut r = kinds::PLAN_VERSION.reader(rec)?;
    let version: u64 = rec.id.parse().map_err(|_| Error::Tampered)?;
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

pub(super) fn version_id(v: u64) -> String {
    format!("{v:012}")
}
