//! `harbour note …`

use clap::Subcommand;
use harbour_core::UserText;

use crate::{CliError, Context, prompt};

#[derive(Subcommand)]
pub enum NoteCommand {
    /// Write a new note. Give TEXT as '-' to read it from standard input.
    Add {
        text: String,
        /// A tag (repeat for more)
        #[arg(long = "tag", value_name = "T")]
        tags: Vec<String>,
    },
    /// List notes, pinned first, then newest first
    List,
    /// Show one note in full (ID may be its first 4+ characters)
    Show { id: String },
    /// Replace a note's text. Give TEXT as '-' to read it from standard input.
    Edit { id: String, text: String },
    /// Find notes containing all these words (ignores case and accents)
    Search {
        #[arg(required = true)]
        words: Vec<String>,
    },
    /// Delete a note
    Delete { id: String },
    /// Set a note's tags (replacing the old ones)
    Tag {
        id: String,
        #[arg(value_name = "TAG")]
        tags: Vec<String>,
    },
    /// Pin a note to the top, or unpin it
    Pin {
        id: String,
        #[arg(value_parser = ["on", "off"])]
        state: String,
    },
    /// Make a note readable without the secret (quick access), or private again
    Quick {
        id: String,
        #[arg(value_parser = ["on", "off"])]
        state: String,
    },
}

pub fn run(ctx: &Context, cmd: NoteCommand) -> Result<(), CliError> {
    // Read text from stdin before prompting, so a prompt never swallows piped text.
    let text = match &cmd {
        NoteCommand::Add { text, .. } | NoteCommand::Edit { text, .. } => {
            Some(UserText::new(prompt::text_arg(text)?))
        }
        _ => None,
    };
    prompt::unlock(ctx)?;
    let h = &ctx.harbour;
    let resolve = |id: &str| h.resolve_note_id(id);
    match cmd {
        NoteCommand::Add { tags, .. } => {
            let note = h.add_note(
                text.unwrap_or_default(),
                tags.into_iter().map(UserText::new).collect(),
            )?;
            if ctx.out.json {
                ctx.out.note(&note);
            } else {
                println!("saved note {}", &note.id[..8]);
            }
        }
        NoteCommand::List => ctx.out.note_list(&h.list_notes()?),
        NoteCommand::Show { id } => ctx.out.note(&h.note(&resolve(&id)?)?),
        NoteCommand::Edit { id, .. } => {
            let note = h.edit_note(&resolve(&id)?, text.unwrap_or_default())?;
            if ctx.out.json {
                ctx.out.note(&note);
            } else {
                println!("saved note {}", &note.id[..8]);
            }
        }
        NoteCommand::Search { words } => ctx.out.note_list(&h.search_notes(&words.join(" "))?),
        NoteCommand::Delete { id } => {
            let id = resolve(&id)?;
            h.delete_note(&id)?;
            ctx.out.done(&format!("deleted note {}", &id[..8]));
        }
        NoteCommand::Tag { id, tags } => {
            let note = h.set_note_tags(
                &resolve(&id)?,
                tags.into_iter().map(UserText::new).collect(),
            )?;
            ctx.out.note(&note);
        }
        NoteCommand::Pin { id, state } => {
            ctx.out
                .note(&h.set_note_pinned(&resolve(&id)?, state == "on")?);
        }
        NoteCommand::Quick { id, state } => {
            ctx.out
                .note(&h.set_note_quick_access(&resolve(&id)?, state == "on")?);
        }
    }
    h.lock()?;
    Ok(())
}
