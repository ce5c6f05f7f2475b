//! Private check-ins: how strong a feeling was, what came before, what was tried and whether
//! it helped, so the person can see their own patterns if they want to.
//!
//! What this deliberately never gives: a count of days with or without self-harm, a streak, a
//! score, or a series that reads as one (principle 3). "What has helped me" is their own words,
//! ranked by how often each helped, with no numbers in it.

use jiff::Timestamp;
use rusqlite::{Connection, Transaction};

use crate::crypto::codec::Writer;
use crate::crypto::keys::{QuickKeys, VaultKeys};
use crate::fold;
use crate::library::Feeling;
use crate::library::coping::MAX_STRENGTH;
use crate::secret::UserText;
use crate::store::records::{self, Compartment, Record, Table};
use crate::store::{Database, kinds};
use crate::{Error, Result};

/// Longest "what came before", in characters.
pub const MAX_BEFORE_CHARS: usize = 2000;
/// Most things tried in one check-in.
pub const MAX_TRIED: usize = 20;
/// Longest thing tried, in characters.
pub const MAX_TRIED_CHARS: usize = 300;

/// Whether something tried helped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Helped {
    Yes,
    ALittle,
    No,
}

impl Helped {
    fn code(self) -> u8 {
        match self {
            Helped::Yes => 0,
            Helped::ALittle => 1,
            Helped::No => 2,
        }
    }

    fn from_code(c: u8) -> Result<Self> {
        match c {
            0 => Ok(Helped::Yes),
            1 => Ok(Helped::ALittle),
            2 => Ok(Helped::No),
            _ => Err(Error::Tampered),
        }
    }
}

/// One thing tried: in the person's words, and the library's or toolbox's idea if it was one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tried {
    pub what: UserText,
    pub idea: Option<String>,
    pub helped: Helped,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckIn {
    pub id: String,
    pub at: Timestamp,
    pub feeling: Option<Feeling>,
    /// How strong it was, 1 (a little) to 5 (very strong): the library's labels say it.
    pub strength: u8,
    pub before: Option<UserText>,
    pub tried: Vec<Tried>,
    /// Readable without the PIN.
    pub quick_access: bool,
}

/// Check-ins as listed, newest first, and how many could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CheckInList {
    pub checkins: Vec<CheckIn>,
    pub unreadable: usize,
}

/// Something that has helped, in the person's words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WhatHelped {
    pub what: UserText,
    pub idea: Option<String>,
}

fn check_text(text: &str, max: usize, what: &'static str) -> Result<()> {
    if text.chars().count() > max {
        return Err(Error::InvalidInput(what));
    }
    if text
        .chars()
        .any(|c| (c.is_control() && c != '\n') || fold::is_bidi_control(c))
    {
        return Err(Error::InvalidInput(
            "a check-in cannot contain control or text-direction characters",
        ));
    }
    Ok(())
}

/// Checks a check-in's fields the way adding it would.
pub(crate) fn check(c: &CheckIn) -> Result<()> {
    if !(1..=MAX_STRENGTH).contains(&c.strength) {
        return Err(Error::InvalidInput("strength is from 1 to 5"));
    }
    if let Some(b) = &c.before {
        check_text(
            b,
            MAX_BEFORE_CHARS,
            "what came before can be up to 2000 characters",
        )?;
    }
    if c.tried.len() > MAX_TRIED {
        return Err(Error::InvalidInput(
            "a check-in can list up to 20 things tried",
        ));
    }
    for t in &c.tried {
        if t.what.trim().is_empty() {
            return Err(Error::InvalidInput("something tried cannot be empty"));
        }
        check_text(
            &t.what,
            MAX_TRIED_CHARS,
            "something tried can be up to 300 characters",
        )?;
    }
    Ok(())
}

/// A new check-in, checked, not yet saved. Empty "before" text is no text.
pub(crate) fn new(
    feeling: Option<Feeling>,
    strength: u8,
    before: Option<UserText>,
    tried: Vec<Tried>,
    now: Timestamp,
) -> Result<CheckIn> {
    let c = CheckIn {
        id: records::new_id()?,
        at: now,
        feeling,
        strength,
        before: before.filter(|b| !b.trim().is_empty()),
        tried,
        quick_access: false,
    };
    check(&c)?;
    Ok(c)
}

fn encode(c: &CheckIn) -> zeroize::Zeroizing<Vec<u8>> {
    let size = 8
        + 3
        + 4
        + c.before.as_deref().map_or(0, Writer::str_len)
        + 4
        + c.tried
            .iter()
            .map(|t| {
                Writer::str_len(&t.what) + 4 + t.idea.as_deref().map_or(0, Writer::str_len) + 1
            })
            .sum::<usize>();
    let mut w = kinds::CHECKIN.writer(size);
    w.i64(c.at.as_millisecond())
        .u8(c.feeling.map_or(u8::MAX, Feeling::code))
        .u8(c.strength)
        .bool(c.before.is_some())
        .str(c.before.as_deref().unwrap_or(""))
        .u32(c.tried.len() as u32);
    for t in &c.tried {
        w.str(&t.what)
            .str(t.idea.as_deref().unwrap_or(""))
            .u8(t.helped.code());
    }
    w.finish()
}

fn decode(rec: &Record) -> Result<CheckIn> {
    let mut r = kinds::CHECKIN.reader(rec)?;
    let at = Timestamp::from_millisecond(r.i64()?).map_err(|_| Error::Tampered)?;
    let feeling = match r.u8()? {
        u8::MAX => None,
        c => Some(Feeling::from_code(c).ok_or(Error::Tampered)?),
    };
    let strength = r.u8()?;
    let has_before = r.bool()?;
    let before = r.str()?;
    let before = has_before.then(|| UserText::from(before));
    let n = r.u32()? as usize;
    if n > MAX_TRIED {
        return Err(Error::Tampered);
    }
    let mut tried = Vec::with_capacity(n);
    for _ in 0..n {
        let what = UserText::from(r.str()?);
        let idea = Some(r.str()?).filter(|i| !i.is_empty()).map(str::to_owned);
        let helped = Helped::from_code(r.u8()?)?;
        tried.push(Tried { what, idea, helped });
    }
    r.finish()?;
    Ok(CheckIn {
        id: rec.id.clone(),
        at,
        feeling,
        strength,
        before,
        tried,
        quick_access: rec.compartment == Compartment::QuickAccess,
    })
}

fn put(tx: &Transaction<'_>, keys: &VaultKeys, c: &CheckIn) -> Result<()> {
    kinds::CHECKIN.put(
        tx,
        keys,
        &c.id,
        Compartment::quick_if(c.quick_access),
        &encode(c),
    )?;
    Ok(())
}

pub(crate) fn add(db: &mut Database, keys: &VaultKeys, c: &CheckIn) -> Result<()> {
    db.write(|tx| put(tx, keys, c))
}

/// Moves a check-in into or out of the quick-access compartment.
pub(crate) fn set_quick_access(
    db: &mut Database,
    keys: &VaultKeys,
    id: &str,
    quick: bool,
) -> Result<CheckIn> {
    db.write(|tx| {
        let rec = records::get(tx, records::Reader::Unlocked(keys), Table::CheckIn, id)?
            .ok_or(Error::NotFound("check-in"))?;
        let mut c = decode(&rec)?;
        c.quick_access = quick;
        put(tx, keys, &c)?;
        Ok(c)
    })
}

/// Newest first.
fn sort(list: &mut [CheckIn]) {
    list.sort_by(|a, b| b.at.cmp(&a.at).then(a.id.cmp(&b.id)));
}

/// Every check-in that can be read (for the list and for a backup); unreadable ones are
/// counted, never deleted.
pub(crate) fn list(conn: &Connection, keys: &VaultKeys) -> Result<CheckInList> {
    let scan = records::filter_map(
        conn,
        records::Reader::Unlocked(keys),
        Table::CheckIn,
        None,
        |rec| decode(&rec).map(Some),
    )?;
    let mut checkins = scan.items;
    sort(&mut checkins);
    Ok(CheckInList {
        checkins,
        unreadable: scan.unreadable,
    })
}

/// The quick-access check-ins, read through the device-only key.
pub(crate) fn quick_access(conn: &Connection, quick: &QuickKeys) -> Result<Vec<CheckIn>> {
    let mut list = records::quick_access(conn, quick, Table::CheckIn, decode)?;
    sort(&mut list);
    Ok(list)
}

/// Deletes a check-in, then checkpoints so its ciphertext does not linger in the WAL.
pub(crate) fn delete(db: &mut Database, keys: &VaultKeys, id: &str) -> Result<()> {
    if !db.write(|tx| records::delete(tx, keys, Table::CheckIn, id))? {
        return Err(Error::NotFound("check-in"));
    }
    db.checkpoint().map(|_| ())
}

/// The one check-in id starting with `prefix` (at least 4 hex digits), for people typing
/// ids. Reads only the plaintext ids, as for notes.
pub(crate) fn resolve_id(conn: &Connection, prefix: &str) -> Result<String> {
    if prefix.len() < 4 {
        return Err(Error::InvalidInput(
            "give at least 4 characters of the check-in id",
        ));
    }
    match records::ids_with_prefix(conn, Table::CheckIn, prefix)?.as_slice() {
        [one] => Ok(one.clone()),
        [] => Err(Error::NotFound("check-in")),
        _ => Err(Error::InvalidInput(
            "more than one check-in starts with that id",
        )),
    }
}

/// Writes a check-in as it is (id and time kept), for restoring a backup.
pub(crate) fn import(tx: &Transaction<'_>, keys: &VaultKeys, c: &CheckIn) -> Result<()> {
    put(tx, keys, c)
}

/// What has helped, most often first (then most recently), in the words they used last.
/// Things tried are the same when they name the same idea, or read the same ignoring case
/// and accents. Only "yes" and "a little" count as helping.
pub(crate) fn what_helped(checkins: &[CheckIn]) -> Vec<WhatHelped> {
    /// The same thing tried: the same idea, or the same words (kept zeroizing).
    #[derive(PartialEq)]
    enum Key {
        Idea(String),
        Words(zeroize::Zeroizing<String>),
    }
    struct Seen {
        key: Key,
        what: UserText,
        idea: Option<String>,
        helped: u32,
        last: Timestamp,
    }
    // A list, not a map: a few hundred distinct things at most, and the words stay in
    // zeroizing memory.
    let mut seen: Vec<Seen> = Vec::new();
    // Oldest first, so the wording kept is the newest.
    let mut order: Vec<&CheckIn> = checkins.iter().collect();
    order.sort_by_key(|c| c.at);
    for c in order {
        for t in c.tried.iter().filter(|t| t.helped != Helped::No) {
            let key = match &t.idea {
                Some(id) => Key::Idea(id.clone()),
                None => Key::Words(fold::fold(t.what.trim())),
            };
            match seen.iter_mut().find(|s| s.key == key) {
                Some(e) => {
                    e.helped += 1;
                    e.last = c.at;
                    e.what = t.what.clone();
                }
                None => seen.push(Seen {
                    key,
                    what: t.what.clone(),
                    idea: t.idea.clone(),
                    helped: 1,
                    last: c.at,
                }),
            }
        }
    }
    let mut all = seen;
    all.sort_by(|a, b| {
        b.helped
            .cmp(&a.helped)
            .then(b.last.cmp(&a.last))
            .then_with(|| a.what.as_str().cmp(b.what.as_str()))
    });
    all.into_iter()
        .map(|s| WhatHelped {
            what: s.what,
            idea: s.idea,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tried(what: &str, idea: Option<&str>, helped: Helped) -> Tried {
        Tried {
            what: what.into(),
            idea: idea.map(str::to_owned),
            helped,
        }
    }

    fn at(s: i64) -> Timestamp {
        Timestamp::from_second(s).unwrap_or(Timestamp::UNIX_EPOCH)
    }

    #[test]
    fn a_check_in_round_trips_through_its_record() {
        let mut c = new(
            Some(Feeling::Overwhelmed),
            4,
            Some("a row at home".into()),
            vec![
                tried("Slow breathing", Some("slow-breathing"), Helped::ALittle),
                tried("Rang my aunt", None, Helped::Yes),
            ],
            at(1_800_000_000),
        )
        .unwrap();
        c.quick_access = true;
        let rec = Record {
            id: c.id.clone(),
            compartment: Compartment::QuickAccess,
            schema: kinds::CHECKIN.schema,
            plaintext: encode(&c),
        };
        assert_eq!(decode(&rec).unwrap(), c);
        let none = new(None, 1, Some("  ".into()), vec![], at(1)).unwrap();
        assert_eq!(none.before, None);
    }

    #[test]
    fn bad_check_ins_are_refused() {
        assert!(new(None, 0, None, vec![], at(1)).is_err());
        assert!(new(None, 6, None, vec![], at(1)).is_err());
        assert!(new(None, 3, None, vec![tried(" ", None, Helped::Yes)], at(1)).is_err());
        let many = vec![tried("x", None, Helped::No); 21];
        assert!(new(None, 3, None, many, at(1)).is_err());
        assert!(new(None, 3, Some("a\u{202e}".into()), vec![], at(1)).is_err());
    }

    #[test]
    fn what_helped_ranks_by_how_often_in_the_newest_words_and_skips_what_did_not() {
        let c = |s, t| CheckIn {
            id: format!("{s}"),
            at: at(s),
            feeling: None,
            strength: 3,
            before: None,
            tried: t,
            quick_access: false,
        };
        let list = vec![
            c(
                1,
                vec![
                    tried("walk", None, Helped::Yes),
                    tried("tv", None, Helped::No),
                ],
            ),
            c(
                2,
                vec![tried("Breathing", Some("slow-breathing"), Helped::Yes)],
            ),
            c(
                3,
                vec![
                    tried("Walk", None, Helped::ALittle),
                    tried("tv", None, Helped::No),
                ],
            ),
            c(
                4,
                vec![tried("breathe slowly", Some("slow-breathing"), Helped::Yes)],
            ),
            c(
                5,
                vec![
                    tried("Walk ", None, Helped::Yes),
                    tried("music", None, Helped::Yes),
                ],
            ),
        ];
        let ranked: Vec<String> = what_helped(&list)
            .into_iter()
            .map(|w| w.what.as_str().to_owned())
            .collect();
        // "walk" helped three times, in any case; breathing twice; music once; tv never.
        assert_eq!(ranked, ["Walk ", "breathe slowly", "music"]);
    }
}
