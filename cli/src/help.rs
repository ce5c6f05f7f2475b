//! `harbour help-now`, `harbour services show`, `harbour areas`: no vault, no secret, no network.

use clap::{Args, Subcommand, ValueEnum};
use harbour_core::{
    AreaMatch, ChannelKind, HelpNow, HelpOption, HelpQuery, NotFoundWhy, OpenState, ServiceDetail,
    Topic,
};
use serde_json::{Value, json};

use crate::library::ForWhom;
use crate::{CliError, Context};

#[derive(Clone, Copy, ValueEnum)]
pub enum By {
    Text,
    Call,
    Chat,
    Email,
    InPerson,
    Web,
    App,
}

impl From<By> for ChannelKind {
    fn from(b: By) -> Self {
        match b {
            By::Text => ChannelKind::Text,
            By::Call => ChannelKind::Call,
            By::Chat => ChannelKind::Webchat,
            By::Email => ChannelKind::Email,
            By::InPerson => ChannelKind::InPerson,
            By::Web => ChannelKind::Web,
            By::App => ChannelKind::App,
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
pub enum TopicArg {
    SelfHarm,
    SuicidalThoughts,
    Crisis,
    EmotionalSupport,
    AnxietyDepression,
    Eating,
    Lgbtq,
    Bereavement,
    ParentsCarers,
    Safeguarding,
}

impl From<TopicArg> for Topic {
    fn from(t: TopicArg) -> Self {
        match t {
            TopicArg::SelfHarm => Topic::SelfHarm,
            TopicArg::SuicidalThoughts => Topic::SuicidalThoughts,
            TopicArg::Crisis => Topic::Crisis,
            TopicArg::EmotionalSupport => Topic::EmotionalSupport,
            TopicArg::AnxietyDepression => Topic::AnxietyAndDepression,
            TopicArg::Eating => Topic::Eating,
            TopicArg::Lgbtq => Topic::Lgbtq,
            TopicArg::Bereavement => Topic::Bereavement,
            TopicArg::ParentsCarers => Topic::ParentsAndCarers,
            TopicArg::Safeguarding => Topic::Safeguarding,
        }
    }
}

#[derive(Args)]
pub struct HelpNowArgs {
    /// Your age, to show what you can use
    #[arg(long)]
    age: Option<u8>,
    /// Your area: a council name, a town (e.g. Torquay), an ONS GSS code, or a postcode district
    #[arg(long, conflicts_with = "postcode")]
    area: Option<String>,
    /// Your postcode, or just its first half (e.g. "TQ1 1AA" or TQ1). Used for this answer
    /// only: never sent anywhere, never stored
    #[arg(long)]
    postcode: Option<String>,
    /// How you want to get in touch (repeat for more)
    #[arg(long = "by", value_enum)]
    by: Vec<By>,
    /// What it is about (repeat for more)
    #[arg(long = "topic", value_enum)]
    topics: Vec<TopicArg>,
    /// A moment other than now (RFC 3339, e.g. 2026-11-21T03:00:00Z)
    #[arg(long)]
    at: Option<String>,
    /// Include services only for professionals
    #[arg(long)]
    for_professionals: bool,
    /// Who is asking, when it is not the young person: lines for parents and carers appear
    /// only for a parent (or a worker); a worker also sees professionals' lines
    #[arg(long = "for", value_enum)]
    for_whom: Option<ForWhom>,
}

#[derive(Subcommand)]
pub enum ServicesCommand {
    /// Everything known about one service, with its sources
    Show {
        id: String,
        /// A moment other than now (RFC 3339)
        #[arg(long)]
        at: Option<String>,
    },
}

pub fn parse_at(at: Option<&str>) -> Result<Option<jiff::Timestamp>, CliError> {
    at.map(|s| {
        s.parse().map_err(|_| {
            CliError::Usage("--at must be an RFC 3339 time, e.g. 2026-11-21T03:00:00Z")
        })
    })
    .transpose()
}

/// A postcode as typed, checked: nonsense is a usage error, not a silent national answer.
fn postcode(typed: String) -> Result<String, CliError> {
    match harbour_core::postcode_district_of(&typed) {
        Some(_) => Ok(typed),
        None => Err(CliError::Usage(
            "that does not look like a postcode: try the whole postcode (TQ1 1AA) or its first half (TQ1)",
        )),
    }
}

pub fn help_now(ctx: &Context, a: HelpNowArgs) -> Result<(), CliError> {
    let query = HelpQuery {
        at: parse_at(a.at.as_deref())?,
        age: a.age,
        area: a.area,
        // Checked by the core: not shaped like a postcode is a typed error, exit code 2.
        postcode: a.postcode,
        channels: a.by.into_iter().map(Into::into).collect(),
        topics: a.topics.into_iter().map(Into::into).collect(),
        for_professionals: a.for_professionals || matches!(a.for_whom, Some(ForWhom::Worker)),
        for_parents: matches!(a.for_whom, Some(ForWhom::Parent)),
    };
    let answer = ctx.harbour.help_now(&query)?;
    if ctx.out.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&help_json(&answer)).unwrap_or_default()
        );
    } else {
        print_help(&answer);
    }
    Ok(())
}

fn channel_name(c: ChannelKind) -> &'static str {
    match c {
        ChannelKind::Call => "call",
        ChannelKind::Text => "text",
        ChannelKind::Webchat => "chat",
        ChannelKind::Email => "email",
        ChannelKind::Web => "web",
        ChannelKind::App => "app",
        ChannelKind::InPerson => "in_person",
        ChannelKind::Relay => "relay",
    }
}

fn state_json(s: &OpenState) -> Value {
    let z = |z: &jiff::Zoned| z.timestamp().to_string();
    match s {
        OpenState::AlwaysOpen => json!({ "state": "always_open" }),
        OpenState::OpenUntil { closes } => json!({ "state": "open", "closes_at": z(closes) }),
        OpenState::NoNewContacts { closes, next_open } => json!({
            "state": "no_new_contacts", "closes_at": z(closes), "opens_at": next_open.as_ref().map(z)
        }),
        OpenState::Closed { next_open } => {
            json!({ "state": "closed", "opens_at": next_open.as_ref().map(z) })
        }
        OpenState::Unknown => json!({ "state": "unknown" }),
    }
}

pub fn option_json(o: &HelpOption) -> Value {
    json!({
        "service_id": o.service_id,
        "service": o.service_name,
        "organisation": o.organisation,
        "kind": format!("{:?}", o.kind),
        "channel": channel_name(o.channel),
        "contact": o.contact,
        "keywords": o.keywords,
        "how": o.how,
        "uri": o.uri,
        "open": state_json(&o.open),
        "open_text": o.open_text,
        "response": o.response_text,
        "why": o.why,
        "local": o.local,
        "verified": o.verified,
        "last_checked": o.last_checked.to_string(),
        "stale": o.stale,
        "notes": o.notes,
    })
}

fn area_json(a: &AreaMatch) -> Value {
    match a {
        AreaMatch::NotGiven => json!(null),
        AreaMatch::Found { codes, by, note } => {
            json!({ "found": true, "codes": codes, "matched_by": format!("{by:?}"), "note": note })
        }
        AreaMatch::NotFound { note, why } => {
            let (why, name) = match why {
                NotFoundWhy::UnknownName => ("unknown_name", None),
                NotFoundWhy::UnknownPostcode => ("unknown_postcode", None),
                NotFoundWhy::NorthernIreland => ("northern_ireland", None),
                NotFoundWhy::NoLocalServices { name } => ("no_local_services", name.as_deref()),
            };
            json!({ "found": false, "why": why, "name": name, "note": note })
        }
    }
}

fn help_json(h: &HelpNow) -> Value {
    json!({
        "emergency": h.emergency.iter().map(option_json).collect::<Vec<_>>(),
        "options": h.options.iter().map(option_json).collect::<Vec<_>>(),
        "area": area_json(&h.area),
        "notes": h.notes,
    })
}

fn print_option(n: Option<usize>, o: &HelpOption) {
    let lead = n.map_or_else(|| "  ".to_owned(), |n| format!("{n:>2}."));
    println!("{lead} {} — {}", o.service_name, o.how);
    println!("    {} · {} · {}", o.open_text, o.response_text, o.why);
    for note in &o.notes {
        println!("    {note}");
    }
    let checked = if o.verified {
        "checked on the provider's own page"
    } else {
        "not yet confirmed on the provider's own page"
    };
    let stale = if o.stale {
        " · may be out of date"
    } else {
        ""
    };
    println!("    {} · {checked}{stale}", o.checked_text);
}

fn print_help(h: &HelpNow) {
    println!("If your life is in danger right now, or you have taken something:");
    for o in &h.emergency {
        println!("   {} ({})", o.how, o.open_text);
    }
    // The explanation first ("nothing you asked for is open right now…"), then the list.
    for n in &h.notes {
        println!();
        println!("{n}");
    }
    println!();
    println!("Who can help:");
    for (i, o) in h.options.iter().enumerate() {
        print_option(Some(i + 1), o);
    }
}

pub fn services(ctx: &Context, cmd: ServicesCommand) -> Result<(), CliError> {
    let ServicesCommand::Show { id, at } = cmd;
    let d = ctx.harbour.service(&id, parse_at(at.as_deref())?)?;
    if ctx.out.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&service_json(&d)).unwrap_or_default()
        );
        return Ok(());
    }
    let s = &d.service;
    println!("{} ({})", s.name, d.organisation);
    println!("{}", s.description);
    println!("For: {}", s.eligibility.description);
    println!("Status: {:?}", s.status);
    if let Some(n) = &s.status_note {
        println!("  {n}");
    }
    if !s.redirect_to.is_empty() {
        println!("Instead, see: {}", s.redirect_to.join(", "));
    }
    if !s.is_offered() {
        // Shown so that someone holding an old leaflet can recognise the number.
        for c in s.channels.iter().filter_map(|c| c.value.as_deref()) {
            println!("Old contact (no longer offered): {c}");
        }
    }
    if d.options.is_empty() && s.channels.is_empty() {
        println!("No contact details in Harbour's checked sources: information only.");
    }
    for o in &d.options {
        print_option(None, o);
    }
    println!("Sources: {}", s.provenance.sources.join("; "));
    println!(
        "Last checked: {} ({})",
        s.provenance.last_checked,
        if d.verified {
            "provider's own page"
        } else {
            "secondary source or with conflicts"
        }
    );
    for c in &s.provenance.conflicts {
        println!("  Note: {c}");
    }
    Ok(())
}

fn service_json(d: &ServiceDetail) -> Value {
    let s = &d.service;
    json!({
        "id": s.id,
        "name": s.name,
        "organisation": d.organisation,
        "description": s.description,
        "kind": format!("{:?}", s.kind),
        "status": format!("{:?}", s.status),
        "status_note": s.status_note,
        "redirect_to": s.redirect_to,
        "eligibility": s.eligibility.description,
        "verified": d.verified,
        "options": d.options.iter().map(option_json).collect::<Vec<_>>(),
        "sources": s.provenance.sources,
        "last_checked": s.provenance.last_checked.to_string(),
        "conflicts": s.provenance.conflicts,
    })
}

/// `harbour areas --postcode TQ3`: which listed areas a postcode is in, and how it is split.
fn postcode_areas(ctx: &Context, typed: String) -> Result<(), CliError> {
    let typed = postcode(typed)?;
    let found = ctx.harbour.find_area(&typed)?;
    let names = ctx.harbour.areas()?;
    let name = |code: &str| {
        names
            .iter()
            .find(|a| a.code == code)
            .map_or(code.to_owned(), |a| a.name.clone())
    };
    let (codes, note) = match found {
        AreaMatch::Found { codes, note, .. } => (codes, note),
        AreaMatch::NotFound { note, .. } => (Vec::new(), Some(note)),
        AreaMatch::NotGiven => (Vec::new(), None),
    };
    if ctx.out.json {
        let areas: Vec<Value> = codes
            .iter()
            .map(|c| json!({ "code": c, "name": name(c) }))
            .collect();
        println!(
            "{}",
            serde_json::to_string_pretty(&json!({ "areas": areas, "note": note }))
                .unwrap_or_default()
        );
        return Ok(());
    }
    for c in &codes {
        println!("{c}  {}", name(c));
    }
    if let Some(n) = note {
        println!("{n}");
    }
    Ok(())
}

pub fn areas(ctx: &Context, postcode: Option<String>) -> Result<(), CliError> {
    if let Some(typed) = postcode {
        return postcode_areas(ctx, typed);
    }
    let areas = ctx.harbour.areas()?;
    if ctx.out.json {
        let v: Vec<Value> = areas
            .iter()
            .map(|a| json!({ "code": a.code, "name": a.name, "code_verified": a.code_verified, "local_services": a.local_services }))
            .collect();
        println!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
        return Ok(());
    }
    for a in &areas {
        let mark = if a.code_verified {
            ""
        } else {
            " (code not yet confirmed against ONS)"
        };
        let plural = if a.local_services == 1 { "" } else { "s" };
        println!(
            "{}  {}  {} local service{plural}{mark}",
            a.code, a.name, a.local_services
        );
    }
    Ok(())
}
