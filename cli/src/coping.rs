//! `harbour cope`, `harbour toolbox …` and `harbour checkin …`: things that help right now.

use std::io::{BufRead, Write};

use clap::{Args, Subcommand};
use harbour_core::{
    AfterMoment, CheckIn, Feeling, HelpQuery, Helped, HowNow, Moment, Toolbox, ToolboxItem, Tried,
    UserText,
};
use serde_json::{Value, json};

use crate::output::{local, print_json, terminal_safe};
use crate::{CliError, Context, prompt};

#[derive(Args)]
pub struct CopeArgs {
    /// How you feel: sad-or-lonely, angry-or-restless, numb, needing-control, shame,
    /// overwhelmed, wanting-to-talk, or not-sure. Asked if not given.
    feeling: Option<String>,
    /// Answers to "how is it now?" in order, for scripts: better, same, worse
    #[arg(long, value_delimiter = ',')]
    answers: Option<Vec<String>>,
    /// Your age, so the help offered is help you can use
    #[arg(long)]
    age: Option<u8>,
    /// Use your own toolbox (asks for the secret); otherwise only a quick-access one
    #[arg(long)]
    unlock: bool,
}

#[derive(Subcommand)]
pub enum ToolboxCommand {
    /// Every idea in your order (hidden ones marked)
    List,
    /// Never offer this idea in a moment
    Hide { id: String },
    /// Offer a hidden idea again
    Show { id: String },
    /// Offer this idea first, or (with --off) not
    Favourite {
        id: String,
        #[arg(long)]
        off: bool,
    },
    /// Add an idea of your own. Give TEXT as '-' to read it from standard input.
    Add {
        text: String,
        /// A feeling it helps with (repeat for more); none means any
        #[arg(long = "feeling", value_name = "F")]
        feelings: Vec<String>,
        /// A suggested length: 1, 5 or 15 minutes
        #[arg(long)]
        minutes: Option<u8>,
        /// Also add it to your plan's "things I can do on my own"
        #[arg(long)]
        to_plan: bool,
    },
    /// Change the words of an idea of your own
    Edit { id: String, text: String },
    /// Remove an idea of your own
    Remove { id: String },
    /// Move an idea to a position (1 is the top)
    Move { id: String, position: usize },
    /// Make the toolbox readable without the secret (so a locked phone offers your ideas)
    Quick {
        #[arg(value_parser = ["on", "off"])]
        state: String,
    },
}

#[derive(Subcommand)]
pub enum CheckinCommand {
    /// Note how strong a feeling was, what came before, and what you tried
    Add {
        /// How strong it was, from 1 (a little) to 5 (very strong)
        #[arg(long)]
        strength: u8,
        #[arg(long)]
        feeling: Option<String>,
        /// What came before. Give '-' to read it from standard input.
        #[arg(long)]
        before: Option<String>,
        /// Something you tried and whether it helped: "TEXT=yes", "TEXT=a-little" or
        /// "TEXT=no" (repeat for more). TEXT may be an idea's id.
        #[arg(long = "tried", value_name = "TEXT=HELPED")]
        tried: Vec<String>,
    },
    /// Your check-ins, newest first
    List,
    /// What has helped you, most often first, in your own words
    Helped,
    /// Delete a check-in (ID may be its first 4+ characters)
    Delete { id: String },
    /// Make a check-in readable without the secret, or private again
    Quick {
        id: String,
        #[arg(value_parser = ["on", "off"])]
        state: String,
    },
}

fn feeling(s: &str) -> Result<Option<Feeling>, CliError> {
    if matches!(s.trim(), "not-sure" | "not_sure" | "unsure" | "?") {
        return Ok(None);
    }
    if let Some(f) = Feeling::parse(s) {
        return Ok(Some(f));
    }
    // The first word is enough ("angry", "sad"), when only one feeling starts with it.
    let typed = s.trim().to_lowercase().replace('-', "_");
    let starts: Vec<Feeling> = Feeling::ALL
        .into_iter()
        .filter(|f| !typed.is_empty() && f.key().starts_with(&typed))
        .collect();
    if let [one] = starts.as_slice() {
        return Ok(Some(*one));
    }
    Err(CliError::Usage(
        "unknown feeling: try sad-or-lonely, angry-or-restless, numb, needing-control, shame, overwhelmed, wanting-to-talk or not-sure",
    ))
}

fn how_now(s: &str) -> Option<HowNow> {
    match s.trim().to_lowercase().as_str() {
        "1" | "better" | "a bit better" => Some(HowNow::Better),
        "2" | "same" | "the same" => Some(HowNow::Same),
        "3" | "worse" | "not safe" | "worse or not safe" => Some(HowNow::WorseOrNotSafe),
        _ => None,
    }
}

fn how_now_word(a: HowNow) -> &'static str {
    match a {
        HowNow::Better => "better",
        HowNow::Same => "same",
        HowNow::WorseOrNotSafe => "worse",
    }
}

fn idea_json(i: &ToolboxItem) -> Value {
    json!({
        "id": i.id, "own": i.own, "title": i.title.as_str(), "text": i.text,
        "feelings": i.feelings.iter().map(|f| f.key()).collect::<Vec<_>>(),
        "minutes": i.minutes, "leads_to": i.leads_to.map(|r| format!("{r:?}")),
        "favourite": i.favourite, "hidden": i.hidden,
    })
}

fn print_ideas(ideas: &[ToolboxItem]) {
    for (n, i) in ideas.iter().enumerate() {
        let mark = if i.favourite { " ★" } else { "" };
        let length = i.minutes.map(|m| format!(" ({m} min)")).unwrap_or_default();
        println!("{}. {}{mark}{length}", n + 1, terminal_safe(&i.title));
        if let Some(t) = &i.text {
            println!("   {t}");
        }
    }
}

fn moment_json(m: &Moment) -> Value {
    json!({
        "feeling": m.feeling.map(|f| f.key()),
        "ideas": m.ideas.iter().map(idea_json).collect::<Vec<_>>(),
        "breathing": {
            "in": m.breathing.breathe_in_seconds, "hold": m.breathing.hold_seconds,
            "out": m.breathing.breathe_out_seconds, "rounds": m.breathing.rounds,
        },
        "delay": m.delay,
        "how_now": m.how_now,
    })
}

/// `harbour cope`: a few ideas for how you feel, then "how is it now?".
pub fn cope(ctx: &Context, a: CopeArgs) -> Result<(), CliError> {
    let h = &ctx.harbour;
    if a.unlock {
        prompt::unlock(ctx)?;
    }
    let scripted: Option<Vec<HowNow>> = a
        .answers
        .map(|l| {
            l.iter()
                .map(|s| how_now(s).ok_or(CliError::Usage("answers are better, same or worse")))
                .collect()
        })
        .transpose()?;
    let stdin = std::io::stdin();
    let mut lines = stdin.lock().lines();
    let mut read = |prompt: &str| -> Result<String, CliError> {
        print!("{prompt}");
        let _ = std::io::stdout().flush();
        lines
            .next()
            .ok_or(CliError::Usage("no answer given"))?
            .map_err(|e| CliError::Io(e.kind()))
    };

    let feeling = match &a.feeling {
        Some(f) => feeling(f)?,
        None if scripted.is_some() || ctx.out.json => None,
        None => {
            let labels = h.coping_feelings()?;
            println!("How are you feeling? (pick a number)");
            for (n, l) in labels.iter().enumerate() {
                println!("{}. {}", n + 1, l.label);
            }
            println!("{}. I'm not sure", labels.len() + 1);
            let pick: usize = read("> ")?.trim().parse().unwrap_or(labels.len() + 1);
            labels.get(pick.wrapping_sub(1)).map(|l| l.feeling)
        }
    };

    let moment = h.coping_moment(feeling)?;
    let mut tried: Vec<String> = moment.ideas.iter().map(|i| i.id.clone()).collect();
    let mut steps: Vec<Value> = Vec::new();
    if !ctx.out.json {
        println!("\nSome things that might help right now:");
        print_ideas(&moment.ideas);
        let b = &moment.breathing;
        println!(
            "\nBreathing: in for {}, out for {} seconds, {} times.",
            b.breathe_in_seconds, b.breathe_out_seconds, b.rounds
        );
        println!("{}", moment.delay);
    }
    let query = HelpQuery {
        age: a.age,
        ..Default::default()
    };
    // JSON with no answers is the moment alone: there is no one at a prompt to answer.
    let asks = scripted.is_some() || !ctx.out.json;
    for round in 0.. {
        if !asks {
            break;
        }
        let answer = match &scripted {
            Some(list) => match list.get(round) {
                Some(a) => *a,
                None => break,
            },
            None => {
                println!("\n{}", moment.how_now);
                for (n, (_, label)) in moment.answers.iter().enumerate() {
                    println!("{}. {label}", n + 1);
                }
                loop {
                    if let Some(a) = how_now(&read("> ")?) {
                        break a;
                    }
                    println!("Please pick 1, 2 or 3.");
                }
            }
        };
        let after = h.after_moment(feeling, answer, &tried, &query)?;
        let done = !matches!(after, AfterMoment::TryAnother { .. });
        if let AfterMoment::TryAnother { ideas, .. } = &after {
            tried.extend(ideas.iter().map(|i| i.id.clone()));
        }
        if ctx.out.json {
            steps.push(after_json(answer, &after));
        } else {
            print_after(&after);
        }
        if done {
            break;
        }
    }
    if ctx.out.json {
        let mut v = moment_json(&moment);
        v["steps"] = Value::Array(steps);
        print_json(&v);
    }
    if a.unlock {
        h.lock()?;
    }
    Ok(())
}

fn after_json(answer: HowNow, after: &AfterMoment) -> Value {
    match after {
        AfterMoment::Done { text } => json!({ "answer": how_now_word(answer), "text": text }),
        AfterMoment::TryAnother {
            text,
            ideas,
            people,
            delay,
        } => json!({
            "answer": how_now_word(answer), "text": text,
            "ideas": ideas.iter().map(idea_json).collect::<Vec<_>>(),
            "people": people.iter().map(|p| json!({
                "text": p.text.as_str(), "contact": p.contact.as_ref().map(|c| c.as_str()),
            })).collect::<Vec<_>>(),
            "delay": delay,
        }),
        AfterMoment::GetHelp {
            text,
            help,
            first_door,
            first_aid,
        } => json!({
            "answer": how_now_word(answer), "text": text,
            "emergency": help.emergency.iter().map(crate::help::option_json).collect::<Vec<_>>(),
            "help": help.options.iter().map(crate::help::option_json).collect::<Vec<_>>(),
            "first_door": first_door.text,
            "first_aid": first_aid.iter().map(|c| json!({ "id": c.id, "title": c.title })).collect::<Vec<_>>(),
        }),
    }
}

/// How many open options "worse or not safe" prints (the JSON has them all).
const HELP_SHOWN: usize = 5;

fn print_after(after: &AfterMoment) {
    match after {
        AfterMoment::Done { text } => println!("\n{text}"),
        AfterMoment::TryAnother {
            text,
            ideas,
            people,
            delay,
        } => {
            println!("\n{text}");
            if !ideas.is_empty() {
                println!("\nOther ideas:");
                print_ideas(ideas);
            }
            if !people.is_empty() {
                println!("\nPeople from your plan:");
                for p in people {
                    let contact = p
                        .contact
                        .as_ref()
                        .map(|c| format!(" ({})", terminal_safe(c)))
                        .unwrap_or_default();
                    println!("- {}{contact}", terminal_safe(&p.text));
                }
            }
            println!("{delay}");
        }
        AfterMoment::GetHelp {
            text,
            help,
            first_door,
            first_aid,
        } => {
            println!("\n{text}\n");
            for e in help.emergency.iter().take(2) {
                println!("{} — {}", e.service_name, e.how);
            }
            println!("\nOpen now:");
            for o in help.options.iter().take(HELP_SHOWN) {
                println!("- {} — {} ({})", o.service_name, o.how, o.open_text);
            }
            println!(
                "\n{} (harbour triage asks this and what comes next)",
                first_door.text
            );
            let titles: Vec<&str> = first_aid.iter().map(|c| c.title.as_str()).collect();
            println!("First aid: {} (harbour first-aid)", titles.join("; "));
        }
    }
}

/// The id a person typed: an idea's whole id, or the first 4+ characters of one.
fn resolve(t: &Toolbox, typed: &str) -> Result<String, CliError> {
    if t.items.iter().any(|i| i.id == typed) {
        return Ok(typed.to_owned());
    }
    if typed.len() < 4 {
        return Err(CliError::Usage(
            "no idea has that id (harbour toolbox list)",
        ));
    }
    let found: Vec<&ToolboxItem> = t.items.iter().filter(|i| i.id.starts_with(typed)).collect();
    match found.as_slice() {
        [one] => Ok(one.id.clone()),
        [] => Err(CliError::Usage(
            "no idea has that id (harbour toolbox list)",
        )),
        _ => Err(CliError::Usage("more than one idea starts with that id")),
    }
}

fn print_toolbox(ctx: &Context, t: &Toolbox) {
    if ctx.out.json {
        print_json(&json!({
            "quick_access": t.quick_access,
            "ideas": t.items.iter().map(idea_json).collect::<Vec<_>>(),
        }));
        return;
    }
    for (n, i) in t.items.iter().enumerate() {
        let marks = [
            (i.favourite, "favourite"),
            (i.hidden, "hidden"),
            (i.own, "your own"),
        ]
        .iter()
        .filter(|(on, _)| *on)
        .map(|(_, w)| *w)
        .collect::<Vec<_>>()
        .join(", ");
        let marks = if marks.is_empty() {
            String::new()
        } else {
            format!(" [{marks}]")
        };
        let id = if i.own { &i.id[..8] } else { i.id.as_str() };
        println!("{:>2}. {} ({id}){marks}", n + 1, terminal_safe(&i.title));
    }
    if t.quick_access {
        println!("Readable without the secret (quick access).");
    }
}

pub fn toolbox(ctx: &Context, cmd: ToolboxCommand) -> Result<(), CliError> {
    let text = match &cmd {
        ToolboxCommand::Add { text, .. } | ToolboxCommand::Edit { text, .. } => {
            Some(UserText::new(prompt::text_arg(text)?))
        }
        _ => None,
    };
    prompt::unlock(ctx)?;
    let h = &ctx.harbour;
    let current = h.toolbox()?;
    let id = |typed: &str| resolve(&current, typed);
    let after = match cmd {
        ToolboxCommand::List => current.clone(),
        ToolboxCommand::Hide { id: i } => h.set_idea_hidden(&id(&i)?, true)?,
        ToolboxCommand::Show { id: i } => h.set_idea_hidden(&id(&i)?, false)?,
        ToolboxCommand::Favourite { id: i, off } => h.set_idea_favourite(&id(&i)?, !off)?,
        ToolboxCommand::Add {
            feelings,
            minutes,
            to_plan,
            ..
        } => {
            let feelings = feelings
                .iter()
                .map(|f| feeling(f)?.ok_or(CliError::Usage("an idea's feeling cannot be not-sure")))
                .collect::<Result<Vec<_>, _>>()?;
            h.add_own_idea(text.unwrap_or_default(), feelings, minutes, to_plan)?
        }
        ToolboxCommand::Edit { id: i, .. } => {
            h.edit_own_idea(&id(&i)?, text.unwrap_or_default())?
        }
        ToolboxCommand::Remove { id: i } => h.remove_own_idea(&id(&i)?)?,
        ToolboxCommand::Move { id: i, position } => {
            let to = position
                .checked_sub(1)
                .ok_or(CliError::Usage("positions start at 1"))?;
            h.move_idea(&id(&i)?, to)?
        }
        ToolboxCommand::Quick { state } => h.set_toolbox_quick_access(state == "on")?,
    };
    print_toolbox(ctx, &after);
    h.lock()?;
    Ok(())
}

fn helped(s: &str) -> Option<Helped> {
    match s.trim().to_lowercase().replace('_', "-").as_str() {
        "yes" | "y" => Some(Helped::Yes),
        "a-little" | "a little" | "little" => Some(Helped::ALittle),
        "no" | "n" => Some(Helped::No),
        _ => None,
    }
}

fn helped_word(h: Helped) -> &'static str {
    match h {
        Helped::Yes => "yes",
        Helped::ALittle => "a little",
        Helped::No => "no",
    }
}

pub fn checkin_json(c: &CheckIn) -> Value {
    json!({
        "id": c.id, "at": c.at.to_string(), "feeling": c.feeling.map(|f| f.key()),
        "strength": c.strength, "before": c.before.as_ref().map(|b| b.as_str()),
        "tried": c.tried.iter().map(|t| json!({
            "what": t.what.as_str(), "idea": t.idea, "helped": helped_word(t.helped),
        })).collect::<Vec<_>>(),
        "quick_access": c.quick_access,
    })
}

pub fn checkin(ctx: &Context, cmd: CheckinCommand) -> Result<(), CliError> {
    let before = match &cmd {
        CheckinCommand::Add {
            before: Some(b), ..
        } => Some(UserText::new(prompt::text_arg(b)?)),
        _ => None,
    };
    prompt::unlock(ctx)?;
    let h = &ctx.harbour;
    let labels = h.strength_labels()?;
    match cmd {
        CheckinCommand::Add {
            strength,
            feeling: f,
            tried,
            ..
        } => {
            let f = f.as_deref().map(feeling).transpose()?.flatten();
            let library = h.toolbox()?;
            let tried = tried
                .iter()
                .map(|t| {
                    let (what, how) = t.rsplit_once('=').ok_or(CliError::Usage(
                        "--tried takes TEXT=yes, TEXT=a-little or TEXT=no",
                    ))?;
                    let helped = helped(how).ok_or(CliError::Usage(
                        "--tried takes TEXT=yes, TEXT=a-little or TEXT=no",
                    ))?;
                    let idea = library.items.iter().find(|i| i.id == what.trim());
                    Ok(Tried {
                        what: idea.map_or_else(|| UserText::from(what.trim()), |i| i.title.clone()),
                        idea: idea.map(|i| i.id.clone()),
                        helped,
                    })
                })
                .collect::<Result<Vec<_>, CliError>>()?;
            let c = h.add_checkin(f, strength, before, tried)?;
            if ctx.out.json {
                print_json(&checkin_json(&c));
            } else {
                println!("saved check-in {}", &c.id[..8]);
            }
        }
        CheckinCommand::List => {
            let list = h.list_checkins()?;
            if ctx.out.json {
                print_json(&json!({
                    "checkins": list.checkins.iter().map(checkin_json).collect::<Vec<_>>(),
                    "unreadable": list.unreadable,
                }));
            } else {
                for c in &list.checkins {
                    let strength = labels
                        .get(usize::from(c.strength).saturating_sub(1))
                        .cloned()
                        .unwrap_or_default();
                    let feeling = c
                        .feeling
                        .map(|f| format!(", {}", f.key().replace('_', " ")));
                    println!(
                        "{} ({}) {strength}{}",
                        local(c.at),
                        &c.id[..8],
                        feeling.unwrap_or_default()
                    );
                    if let Some(b) = &c.before {
                        println!("  before: {}", terminal_safe(b));
                    }
                    for t in &c.tried {
                        println!(
                            "  tried: {} (helped: {})",
                            terminal_safe(&t.what),
                            helped_word(t.helped)
                        );
                    }
                }
                if list.unreadable > 0 {
                    println!("{} check-ins could not be read.", list.unreadable);
                }
            }
        }
        CheckinCommand::Helped => {
            let helped = h.what_has_helped()?;
            if ctx.out.json {
                print_json(&json!({
                    "helped": helped.iter().map(|w| json!({ "what": w.what.as_str(), "idea": w.idea })).collect::<Vec<_>>(),
                }));
            } else if helped.is_empty() {
                println!("Nothing noted as helping yet. That is OK.");
            } else {
                println!("What has helped you, most often first:");
                for w in &helped {
                    println!("- {}", terminal_safe(&w.what));
                }
            }
        }
        CheckinCommand::Delete { id } => {
            let id = h.resolve_checkin_id(&id)?;
            h.delete_checkin(&id)?;
            ctx.out.done(&format!("deleted check-in {}", &id[..8]));
        }
        CheckinCommand::Quick { id, state } => {
            let c = h.set_checkin_quick_access(&h.resolve_checkin_id(&id)?, state == "on")?;
            ctx.out.done(&format!(
                "check-in {} is {}",
                &c.id[..8],
                if c.quick_access {
                    "readable without the secret"
                } else {
                    "private"
                }
            ));
        }
    }
    h.lock()?;
    Ok(())
}
