//! Text and JSON output. Everything printed goes through here.

use std::time::Duration;

use harbour_core::KdfParams;
use harbour_core::Note;
use harbour_core::{SecretKind, VaultState};
use jiff::Timestamp;
use serde_json::{Value, json};

/// What to say about a vault this device has no keys for, with the ways on.
pub const KEYS_MISSING: &str = "there is a vault here, but this device does not have its keys \
     (it was copied from another device, or its key was deleted), so no secret can open it. \
     To restore your backup file: `harbour set-aside --yes`, then `harbour backup restore FILE`. \
     To start again: `harbour erase --yes`.";

pub struct Output {
    pub json: bool,
}

pub fn duration(d: Duration) -> String {
    let s = d.as_secs().max(1);
    match s {
        0..=59 => format!("{s} s"),
        60..=3599 => format!("{} min", s.div_ceil(60)),
        _ => format!("{} h {} min", s / 3600, (s % 3600) / 60),
    }
}

/// A timestamp in the machine's local time, for people.
pub fn local(t: Timestamp) -> String {
    t.to_zoned(jiff::tz::TimeZone::system())
        .strftime("%Y-%m-%d %H:%M")
        .to_string()
}

/// The user's words as they may go to a terminal: control characters (which could move the
/// cursor, change colours or rewrite the screen) and bidirectional overrides (which can make
/// text read differently from what it is) become visible `\u{…}` escapes. Line breaks and
/// tabs stay. JSON output needs none of this: the encoder escapes controls itself.
pub fn terminal_safe(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if (c.is_control() && c != '\n' && c != '\t') || harbour_core::is_bidi_control(c) {
            out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    out
}

pub fn print_json(v: &Value) {
    println!("{}", serde_json::to_string_pretty(v).unwrap_or_default());
}

pub fn error(json: bool, message: &str, code: u8) {
    if json {
        eprintln!("{}", json!({ "error": message, "exit_code": code }));
    } else {
        eprintln!("harbour: {message}");
    }
}

fn kind(k: SecretKind) -> &'static str {
    match k {
        SecretKind::Pin => "pin",
        SecretKind::Passphrase => "passphrase",
    }
}

pub fn note_json(n: &Note) -> Value {
    json!({
        "id": n.id,
        "text": n.text.as_str(),
        "tags": n.tags.iter().map(|t| t.as_str()).collect::<Vec<_>>(),
        "pinned": n.pinned,
        "quick_access": n.quick_access,
        "created_at": n.created_at.to_string(),
        "updated_at": n.updated_at.to_string(),
    })
}

impl Output {
    pub fn done(&self, message: &str) {
        if self.json {
            print_json(&json!({ "ok": true, "message": message }));
        } else {
            println!("{message}");
        }
    }

    pub fn vault_state(&self, s: &VaultState, kdf: Option<KdfParams>) {
        let mut v = match s {
            VaultState::NoVault => json!({ "state": "no_vault" }),
            VaultState::KeysMissing => json!({ "state": "keys_missing" }),
            VaultState::Unlocked { secret_kind } => {
                json!({ "state": "unlocked", "secret_kind": kind(*secret_kind) })
            }
            VaultState::Locked {
                secret_kind,
                failed_attempts,
                retry_after,
            } => json!({
                "state": "locked",
                "secret_kind": kind(*secret_kind),
                "failed_attempts": failed_attempts,
                "retry_after_seconds": retry_after.map(|d| d.as_secs().max(1)),
            }),
        };
        if let (Some(k), Some(obj)) = (kdf, v.as_object_mut()) {
            obj.insert(
                "kdf".into(),
                json!({ "algorithm": "argon2id", "memory_kib": k.memory_kib, "iterations": k.iterations, "parallelism": k.parallelism }),
            );
        }
        if self.json {
            return print_json(&v);
        }
        match s {
            VaultState::NoVault => println!("no vault yet: create one with `harbour init`"),
            VaultState::KeysMissing => println!("{KEYS_MISSING}"),
            VaultState::Unlocked { .. } => println!("unlocked"),
            VaultState::Locked {
                secret_kind,
                failed_attempts,
                retry_after,
            } => {
                print!("locked ({})", kind(*secret_kind));
                if *failed_attempts > 0 {
                    print!("; {failed_attempts} wrong tries since the last unlock");
                }
                match retry_after {
                    Some(d) => println!("; the next try is possible in {}", duration(*d)),
                    None => println!(),
                }
            }
        }
    }

    /// A listing, and (on standard error, so JSON stays a list) how many could not be read.
    pub fn note_list(&self, list: &harbour_core::NoteList) {
        self.notes(list);
        match list.unreadable {
            0 => {}
            1 => eprintln!(
                "harbour: 1 note could not be read (part of the vault is damaged); the rest are \
                 shown. `harbour backup export` saves everything that can be read."
            ),
            n => eprintln!(
                "harbour: {n} notes could not be read (part of the vault is damaged); the rest \
                 are shown. `harbour backup export` saves everything that can be read."
            ),
        }
    }

    pub fn notes(&self, notes: &[Note]) {
        if self.json {
            return print_json(&Value::Array(notes.iter().map(note_json).collect()));
        }
        if notes.is_empty() {
            println!("no notes");
        }
        for n in notes {
            let text = terminal_safe(&n.text);
            let first_line = text.lines().next().unwrap_or("");
            let short: String = first_line.chars().take(60).collect();
            let more = if short.len() < text.len() { "…" } else { "" };
            let mut marks = String::new();
            if n.pinned {
                marks.push_str(" [pinned]");
            }
            if n.quick_access {
                marks.push_str(" [quick access]");
            }
            let tags: Vec<String> = n
                .tags
                .iter()
                .map(|t| format!("#{}", terminal_safe(t)))
                .collect();
            println!(
                "{}  {}{}  {}{}{}{}",
                &n.id[..8],
                local(n.created_at),
                marks,
                short,
                more,
                if tags.is_empty() { "" } else { "  " },
                tags.join(" ")
            );
        }
    }

    pub fn note(&self, n: &Note) {
        if self.json {
            return print_json(&note_json(n));
        }
        println!("id:       {}", n.id);
        println!("written:  {}", local(n.created_at));
        if n.updated_at != n.created_at {
            println!("changed:  {}", local(n.updated_at));
        }
        if !n.tags.is_empty() {
            let tags: Vec<String> = n.tags.iter().map(|t| terminal_safe(t)).collect();
            println!("tags:     {}", tags.join(", "));
        }
        if n.pinned || n.quick_access {
            println!(
                "marked:   {}",
                [(n.pinned, "pinned"), (n.quick_access, "quick access")]
                    .iter()
                    .filter(|(on, _)| *on)
                    .map(|(_, s)| *s)
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
        println!();
        println!("{}", terminal_safe(&n.text));
    }
}
