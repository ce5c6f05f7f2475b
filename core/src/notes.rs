//! Coping notes: the young person's own writing.
//!
//! Add, edit, show, list (pinned first, then newest first), delete, tags, pin, search by words
//! (case- and accent-insensitive, over the decrypted text), and quick access for notes they
//! want without the PIN. There is deliberately no count of days, no streak and no "days since":
//! principles 2 and 3 in `reference/principles.md`.

use jiff::Timestamp;
use rusqlite::{Connection, Transaction};

use crate::crypto::codec::Writer;
use crate::crypto::keys::{QuickKeys, VaultKeys};
use crate::fold;
use crate::secret::UserText;
use crate::store::records::{self, Compartment, Record, Table};
use crate::store::{Database, kinds};
use crate::{Error, Result};

/// Longest note accepted, in bytes of UTF-8 (about 40 pages of text).
pub const MAX_NOTE_BYTES: usize = 256 * 1024;
pub const MAX_TAGS: usize = 20;
pub const MAX_TAG_CHARS: usize = 40;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub id: String,
    pub text: UserText,
    pub tags: Vec<UserText>,
    pub pinned: bool,
    /// Readable without the PIN.
    pub quick_access: bool,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

pub(crate) fn check_text(text: &str) -> Result<()> {
    if text.trim().is_empty() {
        return Err(Error::InvalidInput("a note cannot be empty"));
    }
    if text.len() > MAX_NOTE_BYTES {
        return Err(Error::InvalidInput("a note can hold up to 256 KB of text"));
    }
    Ok(())
}

/// Trims tags, drops empty ones and duplicates (ignoring case and accents), checks limits.
pub(crate) fn clean_tags(tags: Vec<UserText>) -> Result<Vec<UserText>> {
    let mut out: Vec<UserText> = Vec::with_capacity(tags.len());
    for tag in tags {
        let t = tag.trim();
        if t.is_empty() {
            continue;
        }
        if t.chars().count() > MAX_TAG_CHARS {
            return Err(Error::InvalidInput("a tag can be up to 40 characters"));
        }
        if t.chars()
            .any(|c| c.is_control() || crate::fold::is_bidi_control(c))
        {
            return Err(Error::InvalidInput(
                "a tag cannot contain control or text-direction characters",
            ));
        }
        if !out.iter().any(|o| fold::fold(o) == fold::fold(t)) {
            out.push(UserText::from(t));
        }
    }
    if out.len() > MAX_TAGS {
        return Err(Error::InvalidInput("a note can have up to 20 tags"));
    }
    Ok(out)
}

fn encode(n: &Note) -> zeroize::Zeroizing<Vec<u8>> {
    let size = 8
        + 8
        + 1
        + Writer::str_len(&n.text)
        + 4
        + n.tags.iter().map(|t| Writer::str_len(t)).sum::<usize>();
    let mut w = kinds::NOTE.writer(size);
    w.i64(n.created_at.as_millisecond())
        .i64(n.updated_at.as_millisecond())
        .bool(n.pinned)
        .str(&n.text)
        .u32(n.tags.len() as u32);
    for t in &n.tags {
        w.str(t);
    }
    w.finish()
}

/// A note's fields borrowed from its decrypted record: search reads these without copying
/// every note.
struct View<'a> {
    created_at: Timestamp,
    updated_at: Timestamp,
    pinned: bool,
    text: &'a str,
    tags: Vec<&'a str>,
}

fn view(rec: &Record) -> Result<View<'_>> {
    let mut r = kinds::NOTE.reader(rec)?;
    let ts = |ms: i64| Timestamp::from_millisecond(ms).map_err(|_| Error::Tampered);
    let created_at = ts(r.i64()?)?;
    let updated_at = ts(r.i64()?)?;
    let pinned = r.bool()?;
    let text = r.str()?;
    let count = r.u32()? as usize;
    if count > MAX_TAGS {
        return Err(Error::Tampered);
    }
    let mut tags = Vec::with_capacity(count);
    for _ in 0..count {
        tags.push(r.str()?);
    }
    r.finish()?;
    Ok(View {
        created_at,
        updated_at,
        pinned,
        text,
        tags,
    })
}

impl View<'_> {
    /// Every word (folded) is in the text or in one of the tags. Words never hold whitespace,
    /// so this is the same as searching the text and tags joined by spaces.
    fn matches(&self, words: &[zeroize::Zeroizing<String>]) -> bool {
        words
            .iter()
            .all(|w| fold::contains(self.text, w) || self.tags.iter().any(|t| fold::contains(t, w)))
    }

    fn to_note(&self, rec: &Record) -> Note {
        Note {
            id: rec.id.clone(),
            text: UserText::from(self.text),
            tags: self.tags.iter().map(|t| UserText::from(*t)).collect(),
            pinned: self.pinned,
            quick_access: rec.compartment == Compartment::QuickAccess,
            created_at: self.created_at,
            updated_at: self.updated_at,
        }
    }
}

fn decode(rec: &Record) -> Result<Note> {
    Ok(view(rec)?.to_note(rec))
}

/// Notes as listed, and how many could not be read (see [`NoteList::unreadable`]). Reads as a
/// slice of notes.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NoteList {
    pub notes: Vec<Note>,
    /// Notes that are in the vault but could not be read (a damaged part of the file, or a
    /// changed record). Everything else is listed; nothing is deleted. Show it, e.g. "1 note
    /// could not be read", and offer a backup of what can be.
    pub unreadable: usize,
}

impl std::ops::Deref for NoteList {
    type Target = [Note];
    fn deref(&self) -> &[Note] {
        &self.notes
    }
}

impl IntoIterator for NoteList {
    type Item = Note;
    type IntoIter = std::vec::IntoIter<Note>;
    fn into_iter(self) -> Self::IntoIter {
        self.notes.into_iter()
    }
}

impl NoteList {
    fn sorted(scan: records::Scan<Note>) -> Self {
        let mut notes = scan.items;
        sort(&mut notes);
        NoteList {
            notes,
            unreadable: scan.unreadable,
        }
    }
}

/// Pinned first, then newest first.
fn sort(notes: &mut [Note]) {
    notes.sort_by(|a, b| {
        b.pinned
            .cmp(&a.pinned)
            .then(b.created_at.cmp(&a.created_at))
            .then(a.id.cmp(&b.id))
    });
}

/// A new note, checked, not yet saved.
pub(crate) fn new(text: UserText, tags: Vec<UserText>, now: Timestamp) -> Result<Note> {
    check_text(&text)?;
    Ok(Note {
        id: records::new_id()?,
        text,
        tags: clean_tags(tags)?,
        pinned: false,
        quick_access: false,
        created_at: now,
        updated_at: now,
    })
}

/// Writes `note` (new or changed) in the compartment it asks for.
fn put(tx: &Transaction<'_>, keys: &VaultKeys, note: &Note) -> Result<()> {
    kinds::NOTE.put(
        tx,
        keys,
        &note.id,
        Compartment::quick_if(note.quick_access),
        &encode(note),
    )?;
    Ok(())
}

pub(crate) fn add(db: &mut Database, keys: &VaultKeys, note: &Note) -> Result<()> {
    db.write(|tx| put(tx, keys, note))
}

/// Reads, changes and writes back one note in one transaction.
pub(crate) fn update(
    db: &mut Database,
    keys: &VaultKeys,
    id: &str,
    now: Timestamp,
    change: impl FnOnce(&mut Note),
) -> Result<Note> {
    db.write(|tx| {
        let mut note = get(tx, keys, id)?;
        change(&mut note);
        note.updated_at = now;
        put(tx, keys, &note)?;
        Ok(note)
    })
}

pub(crate) fn get(conn: &Connection, keys: &VaultKeys, id: &str) -> Result<Note> {
    let rec = records::get(conn, records::Reader::Unlocked(keys), Table::Note, id)?
        .ok_or(Error::NotFound("note"))?;
    decode(&rec)
}

/// Notes containing every word of `query` in their text or tags, ignoring case and accents.
pub(crate) fn search(conn: &Connection, keys: &VaultKeys, query: &str) -> Result<NoteList> {
    let words = fold::words(query);
    if words.is_empty() {
        return Err(Error::InvalidInput("search needs at least one word"));
    }
    // Only matching notes are copied out of their decrypted records.
    let scan = records::filter_map(
        conn,
        records::Reader::Unlocked(keys),
        Table::Note,
        None,
        |rec| {
            let v = view(&rec)?;
            Ok(v.matches(&words).then(|| v.to_note(&rec)))
        },
    )?;
    Ok(NoteList::sorted(scan))
}

/// Deletes a note, then checkpoints so its ciphertext does not linger in the WAL.
pub(crate) fn delete(db: &mut Database, keys: &VaultKeys, id: &str) -> Result<()> {
    let existed = db.write(|tx| records::delete(tx, keys, Table::Note, id))?;
    if !existed {
        return Err(Error::NotFound("note"));
    }
    db.checkpoint().map(|_| ())
}

/// The one note id starting with `prefix` (at least 4 hex digits), for people typing ids.
pub(crate) fn resolve_id(conn: &Connection, prefix: &str) -> Result<String> {
    if prefix.len() < 4 {
        return Err(Error::InvalidInput(
            "give at least 4 characters of the note id",
        ));
    }
    let ids = records::ids_with_prefix(conn, Table::Note, prefix)?;
    match ids.as_slice() {
        [one] => Ok(one.clone()),
        [] => Err(Error::NotFound("note")),
        _ => Err(Error::InvalidInput(
            "more than one note starts with that id",
        )),
    }
}

/// The quick-access notes, read through the device-only key, in list order.
pub(crate) fn quick_access(conn: &Connection, quick: &QuickKeys) -> Result<Vec<Note>> {
    let mut notes = records::quick_access(conn, quick, Table::Note, decode)?;
    sort(&mut notes);
    Ok(notes)
}

/// Writes a note as it is (id and times kept), for restoring a backup.
pub(crate) fn import(tx: &Transaction<'_>, keys: &VaultKeys, note: &Note) -> Result<()> {
    put(tx, keys, note)
}

/// Every note that can be read, for a backup (regardless of any supported session: the caller
/// checks). A backup of what is readable is how someone gets their words out of a damaged
/// vault, so unreadable notes are counted, not fatal.
pub(crate) fn export(conn: &Connection, keys: &VaultKeys) -> Result<NoteList> {
    let scan = records::filter_map(
        conn,
        records::Reader::Unlocked(keys),
        Table::Note,
        None,
        |rec| decode(&rec).map(Some),
    )?;
    Ok(NoteList::sorted(scan))
}
