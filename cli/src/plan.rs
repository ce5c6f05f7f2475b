//! `harbour plan …`, `harbour quick`, `harbour supported-session`.

use std::io::{BufRead, Write};
use std::path::PathBuf;

use clap::Subcommand;
use harbour_core::HelpQuery;
use harbour_core::UserText;
use harbour_core::{Plan, PlanSection, Section};
use harbour_core::{SessionProgress, SessionStep};
use harbour_core::{ShareFormat, ShareOptions};
use serde_json::{Value, json};

use crate::output::terminal_safe;
use crate::{CliError, Context, prompt};

const SECTIONS_HELP: &str = "warning-signs, on-my-own, people-and-places, people-to-ask, professionals, safer-space, what-matters, helps-and-doesnt";

#[derive(Subcommand)]
pub enum PlanCommand {
    /// Show the whole plan
    Show,
    /// Add an item to a section (TEXT '-' reads standard input)
    Add {
        #[arg(help = SECTIONS_HELP)]
        section: String,
        text: String,
        /// How to reach this person (for people-to-ask)
        #[arg(long)]
        contact: Option<String>,
        /// Link a directory service by id (for professionals)
        #[arg(long)]
        service: Option<String>,
    },
    /// Remove item N (as numbered by `plan show`) from a section
    Remove { section: String, n: usize },
    /// Make a section readable without the secret (quick access), or private again
    Quick {
        section: String,
        #[arg(value_parser = ["on", "off"])]
        state: String,
    },
    /// Every saved version, newest first
    History,
    /// Go back to an earlier version (saved as a new version; nothing is lost)
    Restore { version: u64 },
    /// Record that the plan was looked over today
    Reviewed,
    /// Share chosen sections as plain text or a printable HTML page. Nothing is sent anywhere.
    Share {
        /// Comma-separated sections to include
        #[arg(long, value_delimiter = ',', required = true)]
        sections: Vec<String>,
        /// Write a self-contained HTML page to FILE (readable by you only)
        #[arg(long, conflicts_with = "text")]
        html: Option<PathBuf>,
        /// Replace FILE if it exists
        #[arg(long)]
        force: bool,
        /// Print plain text
        #[arg(long)]
        text: bool,
        /// A heading of your choosing [default: My plan]
        #[arg(long)]
        title: Option<String>,
        /// Add a line saying it was made with Harbour (off by default)
        #[arg(long)]
        with_app_name: bool,
    },
}

fn section(s: &str) -> Result<Section, CliError> {
    Section::parse(s).ok_or(CliError::Usage(
        "unknown section; see `harbour plan add --help`",
    ))
}

fn section_json(s: &PlanSection) -> Value {
    json!({
        "section": s.section.key(),
        "title": s.section.title(),
        "quick_access": s.quick_access,
        "items": s.items.iter().map(|i| json!({
            "text": i.text.as_str(),
            "contact": i.contact.as_ref().map(|c| c.as_str()),
            "service_id": i.service_id,
        })).collect::<Vec<_>>(),
    })
}

fn plan_json(p: &Plan) -> Value {
    json!({
        "version": p.version,
        "last_reviewed": p.last_reviewed.map(|t| t.to_string()),
        "next_review": p.next_review.map(|t| t.to_string()),
        "sections": p.sections.iter().map(section_json).collect::<Vec<_>>(),
    })
}

fn print_section(s: &PlanSection) {
    let mark = if s.quick_access {
        " [quick access]"
    } else {
        ""
    };
    println!("{}{mark}", s.section.title());
    if s.items.is_empty() {
        println!("   (nothing yet)");
    }
    for (i, item) in s.items.iter().enumerate() {
        println!("{:>3}. {}", i + 1, terminal_safe(&item.text));
        if let Some(c) = &item.contact {
            println!("     how to reach: {}", terminal_safe(c));
        }
        if let Some(id) = &item.service_id {
            println!("     service: {id}");
        }
    }
}

fn show(ctx: &Context, p: &Plan) {
    if ctx.out.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&plan_json(p)).unwrap_or_default()
        );
        return;
    }
    for s in &p.sections {
        print_section(s);
        println!();
    }
    match (p.last_reviewed, p.next_review) {
        (Some(l), Some(n)) => println!(
            "Last looked over {}; a good time to look again: {}",
            crate::output::local(l),
            crate::output::local(n)
        ),
        _ => println!("Version {}. Not marked as looked over yet.", p.version),
    }
}

pub fn run(ctx: &Context, cmd: PlanCommand) -> Result<(), CliError> {
    let text = match &cmd {
        PlanCommand::Add { text, .. } => Some(prompt::text_arg(text)?),
        _ => None,
    };
    prompt::unlock(ctx)?;
    let h = &ctx.harbour;
    match cmd {
        PlanCommand::Show => show(ctx, &h.plan()?),
        PlanCommand::Add {
            section: s,
            contact,
            service,
            ..
        } => {
            let p = h.add_plan_item(
                section(&s)?,
                UserText::new(text.unwrap_or_default()),
                contact.map(UserText::new),
                service,
            )?;
            if ctx.out.json {
                show(ctx, &p);
            } else {
                println!("saved (version {})", p.version);
            }
        }
        PlanCommand::Remove { section: s, n } => {
            let p = h.remove_plan_item(
                section(&s)?,
                n.checked_sub(1)
                    .ok_or(CliError::Usage("items are numbered from 1"))?,
            )?;
            ctx.out.done(&format!("removed (version {})", p.version));
        }
        PlanCommand::Quick { section: s, state } => {
            let p = h.set_plan_quick_access(section(&s)?, state == "on")?;
            ctx.out.done(&format!("saved (version {})", p.version));
        }
        PlanCommand::History => {
            let history = h.plan_history()?;
            if ctx.out.json {
                let v: Vec<Value> = history.iter().map(|v| json!({ "version": v.version, "saved_at": v.saved_at.to_string(), "change": v.change.describe() })).collect();
                println!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
            } else {
                if history.is_empty() {
                    println!("no saved versions yet");
                }
                for v in &history {
                    println!(
                        "{:>4}  {}  {}",
                        v.version,
                        crate::output::local(v.saved_at),
                        v.change.describe()
                    );
                }
            }
        }
        PlanCommand::Restore { version } => {
            let p = h.restore_plan_version(version)?;
            ctx.out.done(&format!(
                "went back to version {version} (saved as version {})",
                p.version
            ));
        }
        PlanCommand::Reviewed => show(ctx, &h.mark_plan_reviewed()?),
        PlanCommand::Share {
            sections,
            html,
            force,
            text: _,
            title,
            with_app_name,
        } => {
            let sections = sections
                .iter()
                .map(|s| section(s))
                .collect::<Result<Vec<_>, _>>()?;
            let format = if html.is_some() {
                ShareFormat::Html
            } else {
                ShareFormat::Text
            };
            let out = h.share_plan(&ShareOptions {
                sections,
                format,
                title,
                include_app_name: with_app_name,
            })?;
            match html {
                Some(path) => {
                    write_private(&path, out.as_bytes(), force)?;
                    ctx.out.done(&format!("wrote {}", path.display()));
                }
                None => print!("{out}"),
            }
        }
    }
    h.lock()?;
    Ok(())
}

/// Writes the user's words to a file only they can read, never over an existing file unless
/// asked: a shared page holds parts of their plan.
fn write_private(path: &std::path::Path, bytes: &[u8], force: bool) -> Result<(), CliError> {
    use std::io::Write;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true);
    if force {
        opts.create(true).truncate(true);
    } else {
        opts.create_new(true);
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::AlreadyExists => CliError::Usage(
            "that file exists already: choose another name, or add --force to replace it",
        ),
        kind => CliError::Io(kind),
    })?;
    f.write_all(bytes).map_err(|e| CliError::Io(e.kind()))
}

/// `harbour quick`: what is readable without the secret.
pub fn quick(ctx: &Context) -> Result<(), CliError> {
    let q = ctx.harbour.quick_access()?;
    if ctx.out.json {
        let v = json!({
            "sections": q.sections.iter().map(section_json).collect::<Vec<_>>(),
            "notes": q.notes.iter().map(crate::output::note_json).collect::<Vec<_>>(),
            "checkins": q.checkins.iter().map(crate::coping::checkin_json).collect::<Vec<_>>(),
        });
        println!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
        return Ok(());
    }
    if q.sections.is_empty() && q.notes.is_empty() && q.checkins.is_empty() {
        println!(
            "Nothing is marked for quick access. Help now works without a secret: `harbour help-now`."
        );
    }
    for s in &q.sections {
        print_section(s);
        println!();
    }
    if !q.notes.is_empty() {
        println!("Notes");
        for n in &q.notes {
            println!("- {}", terminal_safe(&n.text));
        }
    }
    if !q.checkins.is_empty() {
        println!("Check-ins");
        for c in &q.checkins {
            let before = c.before.as_deref().map(terminal_safe).unwrap_or_default();
            println!("- {} {before}", crate::output::local(c.at));
        }
    }
    Ok(())
}

fn show_step(s: &SessionStep) {
    println!("\nStep {} of {} — {}", s.index + 1, s.total, s.title);
    println!("{}", s.prompt);
    println!("Why this helps: {}", s.why);
    println!("For example: {}", s.examples.join("; "));
    if s.items.is_empty() {
        println!("Nothing here yet.");
    } else {
        println!("Already here:");
        for i in &s.items {
            println!("  - {}", terminal_safe(&i.text));
        }
    }
    println!(
        "Type an item and press Enter to save it. An empty line moves on. Also: back, skip, done, find AREA, service ID."
    );
}

/// `harbour supported-session`: a supported session, in one process. Interactive in a terminal;
/// scriptable by piping lines to it (with HARBOUR_SECRET set).
pub fn supported_session(ctx: &Context) -> Result<(), CliError> {
    let h = &ctx.harbour;
    println!("To start, the young person unlocks Harbour.");
    prompt::unlock(ctx)?;
    let first = h.begin_supported_session()?;
    println!(
        "Supported session started. Private notes are hidden until the young person ends it with their secret."
    );
    show_step(&first);
    let stdin = std::io::stdin();
    let mut lines = stdin.lock().lines();
    let mut current = first;
    loop {
        print!("> ");
        let _ = std::io::stdout().flush();
        let Some(line) = lines.next() else { break };
        let line = line.map_err(|e| CliError::Io(e.kind()))?;
        let input = line.trim();
        let progress = match input {
            "" => Some(h.supported_session_next()?),
            "skip" => Some(h.supported_session_skip()?),
            "back" => Some(h.supported_session_back()?),
            "done" => break,
            _ if input.starts_with("find ") => {
                let answer = h.help_now(&HelpQuery {
                    area: Some(input[5..].trim().to_owned()),
                    for_professionals: true,
                    ..HelpQuery::default()
                })?;
                for o in answer.options.iter().take(6) {
                    println!(
                        "  {} [{}] — {} ({})",
                        o.service_name, o.service_id, o.how, o.open_text
                    );
                }
                None
            }
            _ if input.starts_with("service ") => {
                let id = input[8..].trim().to_owned();
                let name = h.service(&id, None)?.service.name;
                h.add_plan_item(Section::Professionals, UserText::new(name), None, Some(id))?;
                println!("  saved to {}", Section::Professionals.title());
                None
            }
            text => {
                h.add_plan_item(current.section, UserText::from(text), None, None)?;
                println!("  saved");
                None
            }
        };
        match progress {
            Some(SessionProgress::At(step)) => {
                show_step(&step);
                current = step;
            }
            Some(SessionProgress::Finished { skipped }) => {
                println!("\nThat is every section. The plan is saved.");
                if !skipped.is_empty() {
                    let names: Vec<&str> = skipped.iter().map(|s| s.title()).collect();
                    println!("Left for another time: {}.", names.join("; "));
                }
                break;
            }
            None => {}
        }
    }
    println!("\nTo end the session, the young person enters their secret.");
    loop {
        match h.end_supported_session(prompt::secret("Secret: ")?) {
            Ok(()) => break,
            Err(harbour_core::Error::WrongSecret { .. }) if !prompt::secret_from_env() => {
                println!("That is not right; try again.");
            }
            Err(e) => return Err(e.into()),
        }
    }
    let plan = h.plan()?;
    let filled = plan.sections.iter().filter(|s| !s.items.is_empty()).count();
    println!(
        "Session ended. {filled} of 8 sections have something in them (version {}).",
        plan.version
    );
    h.lock()?;
    Ok(())
}
