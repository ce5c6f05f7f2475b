//! The young person's toolbox: the library's coping ideas as they have made them their own.
//! They can hide an idea, favourite one, put them in their order and add their own words.
//!
//! Stored as one encrypted record, so what they hid or favourited is as private as what they
//! wrote (a row per idea would put the library's ids in plaintext). The library's ideas are
//! not copied in: only their ids, so a new pack's better wording reaches everyone.

use rusqlite::{Connection, Transaction};

use crate::crypto::codec::Writer;
use crate::crypto::keys::{QuickKeys, VaultKeys};
use crate::library::{Coping, Feeling, Route};
use crate::secret::UserText;
use crate::store::records::{self, Compartment, Record, Table};
use crate::store::{Database, kinds};
use crate::{Error, Result};

/// Most ideas of their own a toolbox holds.
pub const MAX_OWN_ACTIVITIES: usize = 100;
/// Longest idea of their own, in characters.
pub const MAX_ACTIVITY_CHARS: usize = 300;

/// The record's id in the settings table.
const ID: &str = "toolbox";

/// An idea as the toolbox shows it: the library's, or the person's own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToolboxItem {
    pub id: String,
    /// Written by the person, not the library.
    pub own: bool,
    /// The library's title, or the person's own words.
    pub title: UserText,
    /// The library's one or two sentences; none for their own.
    pub text: Option<String>,
    pub feelings: Vec<Feeling>,
    pub minutes: Option<u8>,
    pub leads_to: Option<Route>,
    pub favourite: bool,
    pub hidden: bool,
}

/// The whole toolbox, in the person's order (hidden ideas included, marked, so they can be
/// shown again).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Toolbox {
    pub items: Vec<ToolboxItem>,
    /// Readable without the PIN, so a moment can offer their own ideas on a locked phone.
    pub quick_access: bool,
}

/// An idea of their own, as stored.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct OwnActivity {
    pub id: String,
    pub text: UserText,
    pub feelings: Vec<Feeling>,
    pub minutes: Option<u8>,
}

/// What is stored: marks on ids (library or own), the order they chose, their own ideas.
#[derive(Clone, PartialEq, Eq, Default)]
pub(crate) struct Marks {
    pub hidden: Vec<String>,
    pub favourites: Vec<String>,
    /// Ids the person has put in order; every other idea follows in the library's order,
    /// then their own in the order they were added.
    pub order: Vec<String>,
    pub own: Vec<OwnActivity>,
    pub quick_access: bool,
}

/// Checks an idea of their own the way adding it would.
pub(crate) fn check_own(text: &str, minutes: Option<u8>) -> Result<()> {
    if text.trim().is_empty() {
        return Err(Error::InvalidInput("an idea cannot be empty"));
    }
    if text.chars().count() > MAX_ACTIVITY_CHARS {
        return Err(Error::InvalidInput("an idea can be up to 300 characters"));
    }
    if text
        .chars()
        .any(|c| (c.is_control() && c != '\n') || crate::fold::is_bidi_control(c))
    {
        return Err(Error::InvalidInput(
            "an idea cannot contain control or text-direction characters",
        ));
    }
    if minutes.is_some_and(|m| !crate::library::coping::MINUTES.contains(&m)) {
        return Err(Error::InvalidInput("a length can be 1, 5 or 15 minutes"));
    }
    Ok(())
}

fn encode(m: &Marks) -> zeroize::Zeroizing<Vec<u8>> {
    let ids = |v: &[String]| 4 + v.iter().map(|s| Writer::str_len(s)).sum::<usize>();
    let size = ids(&m.hidden)
        + ids(&m.favourites)
        + ids(&m.order)
        + 4
        + m.own
            .iter()
            .map(|o| Writer::str_len(&o.id) + Writer::str_len(&o.text) + 2 + o.feelings.len())
            .sum::<usize>()
        + 1;
    let mut w = kinds::TOOLBOX.writer(size);
    for list in [&m.hidden, &m.favourites, &m.order] {
        w.u32(list.len() as u32);
        for id in list {
            w.str(id);
        }
    }
    w.u32(m.own.len() as u32);
    for o in &m.own {
        w.str(&o.id).str(&o.text).u8(o.minutes.unwrap_or(0));
        w.u8(o.feelings.len() as u8);
        for f in &o.feelings {
            w.u8(f.code());
        }
    }
    w.bool(m.quick_access);
    w.finish()
}

/// Ids are the library's (short slugs) or random hex: bounded either way.
pub(crate) const MAX_IDS: usize = 1000;

fn decode(rec: &Record) -> Result<Marks> {
    let mut r = kinds::TOOLBOX.reader(rec)?;
    let mut lists: [Vec<String>; 3] = Default::default();
    for list in &mut lists {
        let n = r.u32()? as usize;
        if n > MAX_IDS {
            return Err(Error::Tampered);
        }
        for _ in 0..n {
            list.push(r.str()?.to_owned());
        }
    }
    let n = r.u32()? as usize;
    if n > MAX_OWN_ACTIVITIES {
        return Err(Error::Tampered);
    }
    let mut own = Vec::with_capacity(n);
    for _ in 0..n {
        let id = r.str()?.to_owned();
        let text = UserText::from(r.str()?);
        let minutes = match r.u8()? {
            0 => None,
            m => Some(m),
        };
        let count = usize::from(r.u8()?);
        let mut feelings = Vec::with_capacity(count);
        for _ in 0..count {
            feelings.push(Feeling::from_code(r.u8()?).ok_or(Error::Tampered)?);
        }
        own.push(OwnActivity {
            id,
            text,
            feelings,
            minutes,
        });
    }
    let quick_access = r.bool()?;
    r.finish()?;
    let [hidden, favourites, order] = lists;
    Ok(Marks {
        hidden,
        favourites,
        order,
        own,
        quick_access,
    })
}

/// The stored marks, or none yet.
pub(crate) fn read(conn: &Connection, keys: &VaultKeys) -> Result<Marks> {
    match records::get(conn, records::Reader::Unlocked(keys), Table::Setting, ID)? {
        Some(rec) => decode(&rec),
        None => Ok(Marks::default()),
    }
}

/// The marks through the device-only key, if the person made the toolbox quick access.
pub(crate) fn read_quick(conn: &Connection, quick: &QuickKeys) -> Result<Option<Marks>> {
    match records::get(conn, records::Reader::Quick(quick), Table::Setting, ID) {
        Ok(Some(rec)) => decode(&rec).map(Some),
        Ok(None) | Err(Error::Locked) => Ok(None),
        Err(e) => Err(e),
    }
}

fn put(tx: &Transaction<'_>, keys: &VaultKeys, m: &Marks) -> Result<()> {
    kinds::TOOLBOX.put(
        tx,
        keys,
        ID,
        Compartment::quick_if(m.quick_access),
        &encode(m),
    )?;
    Ok(())
}

/// Reads, changes and writes back the toolbox in one transaction; `change` checks its input
/// against the current marks and may refuse, which changes nothing.
pub(crate) fn update<T>(
    db: &mut Database,
    keys: &VaultKeys,
    change: impl FnOnce(&mut Marks) -> Result<T>,
) -> Result<(Marks, T)> {
    db.write(|tx| update_in(tx, keys, change))
}

/// As [`update`], inside a transaction the caller holds.
pub(crate) fn update_in<T>(
    tx: &Transaction<'_>,
    keys: &VaultKeys,
    change: impl FnOnce(&mut Marks) -> Result<T>,
) -> Result<(Marks, T)> {
    let mut m = read(tx, keys)?;
    let out = change(&mut m)?;
    put(tx, keys, &m)?;
    Ok((m, out))
}

/// Writes the marks as they are, for restoring a backup.
pub(crate) fn import(tx: &Transaction<'_>, keys: &VaultKeys, m: &Marks) -> Result<()> {
    put(tx, keys, m)
}

fn set(list: &mut Vec<String>, id: &str, on: bool) {
    list.retain(|x| x != id);
    if on {
        list.push(id.to_owned());
    }
}

impl Marks {
    /// Whether `id` is an idea this toolbox can mark: the library's or their own.
    fn knows(&self, coping: &Coping, id: &str) -> bool {
        coping.activity(id).is_some() || self.own.iter().any(|o| o.id == id)
    }

    pub(crate) fn set_hidden(&mut self, coping: &Coping, id: &str, on: bool) -> Result<()> {
        if !self.knows(coping, id) {
            return Err(Error::NotFound("idea"));
        }
        set(&mut self.hidden, id, on);
        if on {
            set(&mut self.favourites, id, false);
        }
        Ok(())
    }

    pub(crate) fn set_favourite(&mut self, coping: &Coping, id: &str, on: bool) -> Result<()> {
        if !self.knows(coping, id) {
            return Err(Error::NotFound("idea"));
        }
        set(&mut self.favourites, id, on);
        if on {
            set(&mut self.hidden, id, false);
        }
        Ok(())
    }

    pub(crate) fn add_own(&mut self, own: OwnActivity) -> Result<()> {
        check_own(&own.text, own.minutes)?;
        if self.own.len() >= MAX_OWN_ACTIVITIES {
            return Err(Error::InvalidInput(
                "a toolbox can hold up to 100 ideas of your own",
            ));
        }
        self.own.push(own);
        Ok(())
    }

    pub(crate) fn edit_own(&mut self, id: &str, text: UserText) -> Result<()> {
        let o = self
            .own
            .iter_mut()
            .find(|o| o.id == id)
            .ok_or(Error::NotFound("idea"))?;
        check_own(&text, o.minutes)?;
        o.text = text;
        Ok(())
    }

    pub(crate) fn remove_own(&mut self, id: &str) -> Result<()> {
        let before = self.own.len();
        self.own.retain(|o| o.id != id);
        if self.own.len() == before {
            return Err(Error::NotFound("idea"));
        }
        for list in [&mut self.hidden, &mut self.favourites, &mut self.order] {
            list.retain(|x| x != id);
        }
        Ok(())
    }

    /// Moves `id` to position `to` of the whole list (0 is the top).
    pub(crate) fn move_to(&mut self, coping: &Coping, id: &str, to: usize) -> Result<()> {
        let mut ids = self.ordered_ids(coping);
        let from = ids
            .iter()
            .position(|x| x == id)
            .ok_or(Error::NotFound("idea"))?;
        if to >= ids.len() {
            return Err(Error::InvalidInput(
                "there is no such position in the toolbox",
            ));
        }
        let moved = ids.remove(from);
        ids.insert(to, moved);
        self.order = ids;
        Ok(())
    }

    /// Every idea's id in the person's order.
    fn ordered_ids(&self, coping: &Coping) -> Vec<String> {
        let mut ids: Vec<String> = self
            .order
            .iter()
            .filter(|id| self.knows(coping, id))
            .cloned()
            .collect();
        let rest = coping
            .activities
            .iter()
            .map(|a| a.id.clone())
            .chain(self.own.iter().map(|o| o.id.clone()));
        for id in rest {
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        ids
    }

    /// The toolbox as shown: every idea the library and the person have, in their order.
    /// Marks on ideas a newer library no longer has are kept but not shown.
    pub(crate) fn toolbox(&self, coping: &Coping) -> Toolbox {
        let items = self
            .ordered_ids(coping)
            .into_iter()
            .filter_map(|id| self.item(coping, &id))
            .collect();
        Toolbox {
            items,
            quick_access: self.quick_access,
        }
    }

    fn item(&self, coping: &Coping, id: &str) -> Option<ToolboxItem> {
        let favourite = self.favourites.iter().any(|x| x == id);
        let hidden = self.hidden.iter().any(|x| x == id);
        if let Some(a) = coping.activity(id) {
            return Some(ToolboxItem {
                id: a.id.clone(),
                own: false,
                title: UserText::from(a.title.as_str()),
                text: Some(a.text.clone()),
                feelings: a.feelings.clone(),
                minutes: a.minutes,
                leads_to: a.leads_to,
                favourite,
                hidden,
            });
        }
        let o = self.own.iter().find(|o| o.id == id)?;
        Some(ToolboxItem {
            id: o.id.clone(),
            own: true,
            title: o.text.clone(),
            text: None,
            feelings: o.feelings.clone(),
            minutes: o.minutes,
            leads_to: None,
            favourite,
            hidden,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn own(id: &str, text: &str) -> OwnActivity {
        OwnActivity {
            id: id.into(),
            text: text.into(),
            feelings: vec![Feeling::Numb, Feeling::Shame],
            minutes: Some(5),
        }
    }

    #[test]
    fn marks_round_trip_through_their_record() {
        let m = Marks {
            hidden: vec!["pillow".into()],
            favourites: vec!["blanket".into(), "aa11".into()],
            order: vec!["aa11".into()],
            own: vec![
                own("aa11", "Sing in the shower"),
                own("bb22", "Ring my gran"),
            ],
            quick_access: true,
        };
        let rec = Record {
            id: ID.into(),
            compartment: Compartment::QuickAccess,
            schema: kinds::TOOLBOX.schema,
            plaintext: encode(&m),
        };
        assert!(decode(&rec).is_ok_and(|d| d == m));
        let mut bad = rec.plaintext.to_vec();
        bad.truncate(bad.len() - 1);
        let rec = Record {
            plaintext: zeroize::Zeroizing::new(bad),
            ..rec
        };
        assert!(decode(&rec).is_err());
    }

    #[test]
    fn own_ideas_are_checked() {
        assert!(check_own("Listen to the rain", Some(15)).is_ok());
        assert!(check_own("  ", None).is_err());
        assert!(check_own("Listen", Some(7)).is_err());
        assert!(check_own(&"a".repeat(301), None).is_err());
        assert!(check_own("a\u{202e}b", None).is_err());
    }
}
