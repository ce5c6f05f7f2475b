//! Coping notes: each call is refused during a supported session (the `notes` guard).

use crate::notes::{self, Note, NoteList};
use crate::secret::UserText;
use crate::{Harbour, Result};

impl Harbour {
    pub fn add_note(&self, text: UserText, tags: Vec<UserText>) -> Result<Note> {
        let note = notes::new(text, tags, self.now())?;
        self.session
            .notes()?
            .run(|db, keys| notes::add(db, keys, &note))?;
        Ok(note)
    }

    fn update_note(&self, id: &str, change: impl FnOnce(&mut Note)) -> Result<Note> {
        let now = self.now();
        self.session
            .notes()?
            .run(|db, keys| notes::update(db, keys, id, now, change))
    }

    pub fn edit_note(&self, id: &str, text: UserText) -> Result<Note> {
        notes::check_text(&text)?;
        self.update_note(id, |n| n.text = text)
    }

    pub fn set_note_tags(&self, id: &str, tags: Vec<UserText>) -> Result<Note> {
        let tags = notes::clean_tags(tags)?;
        self.update_note(id, |n| n.tags = tags)
    }

    pub fn set_note_pinned(&self, id: &str, pinned: bool) -> Result<Note> {
        self.update_note(id, |n| n.pinned = pinned)
    }

    /// Moves a note into or out of the quick-access compartment (re-encrypting it under the
    /// other key).
    pub fn set_note_quick_access(&self, id: &str, quick: bool) -> Result<Note> {
        self.update_note(id, |n| n.quick_access = quick)
    }

    pub fn note(&self, id: &str) -> Result<Note> {
        self.session
            .notes()?
            .run(|db, keys| notes::get(db.conn(), keys, id))
    }

    /// All notes, pinned first, then newest first, with a count of any that could not be read.
    pub fn list_notes(&self) -> Result<NoteList> {
        self.session
            .notes()?
            .run(|db, keys| notes::export(db.conn(), keys))
    }

    /// Notes containing every word of `query` in their text or tags, ignoring case and accents.
    pub fn search_notes(&self, query: &str) -> Result<NoteList> {
        self.session
            .notes()?
            .run(|db, keys| notes::search(db.conn(), keys, query))
    }

    /// Deletes a note, then checkpoints so its ciphertext does not linger in the WAL.
    pub fn delete_note(&self, id: &str) -> Result<()> {
        self.session
            .notes()?
            .run(|db, keys| notes::delete(db, keys, id))
    }

    /// The one note id starting with `prefix` (at least 4 hex digits), for people typing ids.
    pub fn resolve_note_id(&self, prefix: &str) -> Result<String> {
        self.session
            .notes()?
            .run(|db, _| notes::resolve_id(db.conn(), prefix))
    }

    /// Notes the user marked quick access, readable with no secret (through the device key).
    /// Refused during a supported session, like every notes call.
    pub fn quick_access_notes(&self) -> Result<Vec<Note>> {
        let Some(quick) = self.session.quick()? else {
            return Ok(Vec::new());
        };
        quick.refuse_during_session()?;
        quick.read(|tx, keys| notes::quick_access(tx, keys))
    }
}
