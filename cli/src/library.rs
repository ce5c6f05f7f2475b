//! `harbour first-aid`, `harbour triage`, `harbour info`: no vault, no secret, no network.

use std::io::BufRead;

use clap::{Args, ValueEnum};
use harbour_core::directory::HelpQuery;
use harbour_core::library::{
    Audience, Card, CardFilter, CardKind, ClinicalReview, Emergency, Outcome, TriageStep, Urgency,
    markdown,
};
use serde_json::{Value, json};

use crate::{CliError, Context};

#[derive(Clone, Copy, ValueEnum)]
pub enum ForWhom {
    Parent,
    Friend,
    Worker,
}

#[derive(Args)]
pub struct FirstAidArgs {
    /// A topic (cuts, burns, infection, overdose, wound-care, first-aid-kit, scars); omit to list
    topic: Option<String>,
}

#[derive(Args)]
pub struct InfoArgs {
    /// A topic (a-and-e, self-harm-and-suicide, waiting, supporting, signposting); omit to list
    topic: Option<String>,
    /// Information for someone supporting a young person
    #[arg(long = "for", value_enum)]
    for_whom: Option<ForWhom>,
}

#[derive(Args)]
pub struct TriageArgs {
    /// Answers in order, for scripts: e.g. --answers n,n,y (y/yes/n/no)
    #[arg(long, value_delimiter = ',')]
    answers: Option<Vec<String>>,
}

fn review(c: &Card) -> Value {
    match &c.clinical_review {
        ClinicalReview::Pending => json!({ "status": "pending" }),
        ClinicalReview::Reviewed { by, on } => {
            json!({ "status": "reviewed", "by": by, "on": on.to_string() })
        }
    }
}

pub fn card_json(c: &Card) -> Value {
    json!({
        "id": c.id,
        "kind": format!("{:?}", c.kind),
        "topic": c.topic,
        "title": c.title,
        "summary": c.summary,
        "body": c.body,
        "steps": c.steps,
        "red_flags": c.red_flags.iter().map(|r| json!({
            "text": r.text,
            "action": match r.action { Emergency::Call999 => "call_999", Emergency::GoToAE => "go_to_a_and_e" },
        })).collect::<Vec<_>>(),
        "sources": c.sources.iter().map(|s| json!({ "title": s.title, "url": s.url })).collect::<Vec<_>>(),
        "last_reviewed": c.last_reviewed.to_string(),
        "clinical_review": review(c),
        "needs_clinical_content": c.needs_clinical_content,
    })
}

fn print_card(c: &Card) {
    println!("{}", c.title);
    println!("{}", "=".repeat(c.title.chars().count()));
    println!("{}\n", c.summary);
    if let Ok(blocks) = markdown::parse(&c.body) {
        print!("{}", markdown::plain_text(&blocks));
    }
    if !c.steps.is_empty() {
        println!();
        for (i, s) in c.steps.iter().enumerate() {
            println!("{}. {s}", i + 1);
        }
    }
    if !c.red_flags.is_empty() {
        println!("\nGet help now if:");
        for r in &c.red_flags {
            let action = match r.action {
                Emergency::Call999 => "call 999",
                Emergency::GoToAE => "go to A&E or call 999",
            };
            println!("- {} ({action})", r.text);
        }
    }
    println!();
    let sources: Vec<&str> = c.sources.iter().map(|s| s.title.as_str()).collect();
    println!("Sources: {}", sources.join("; "));
    match &c.clinical_review {
        ClinicalReview::Pending => println!(
            "Not yet reviewed by a clinician. Written on {}.",
            c.last_reviewed
        ),
        ClinicalReview::Reviewed { by, on } => println!("Reviewed by {by} on {on}."),
    }
    if c.needs_clinical_content {
        println!("This card is waiting for clinical content.");
    }
}

fn show_cards(ctx: &Context, cards: &[Card], listing: bool) {
    if ctx.out.json {
        let v: Vec<Value> = cards.iter().map(card_json).collect();
        println!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
        return;
    }
    if listing {
        for c in cards {
            println!("{:<16} {}", c.topic, c.title);
        }
        return;
    }
    for (i, c) in cards.iter().enumerate() {
        if i > 0 {
            println!("\n");
        }
        print_card(c);
    }
}

pub fn first_aid(ctx: &Context, a: FirstAidArgs) -> Result<(), CliError> {
    let cards = ctx.harbour.cards(&CardFilter {
        kind: Some(CardKind::FirstAid),
        topic: a.topic.clone(),
        audience: None,
    })?;
    if cards.is_empty() {
        return Err(CliError::Core(harbour_core::Error::NotFound(
            "first-aid topic",
        )));
    }
    show_cards(ctx, &cards, a.topic.is_none());
    Ok(())
}

pub fn info(ctx: &Context, a: InfoArgs) -> Result<(), CliError> {
    let audience = a.for_whom.map(|f| match f {
        ForWhom::Parent => Audience::ParentOrCarer,
        ForWhom::Friend => Audience::Friend,
        ForWhom::Worker => Audience::Worker,
    });
    let cards = ctx.harbour.cards(&CardFilter {
        kind: Some(CardKind::Information),
        topic: a.topic.clone(),
        audience,
    })?;
    if cards.is_empty() {
        return Err(CliError::Core(harbour_core::Error::NotFound(
            "information topic",
        )));
    }
    show_cards(ctx, &cards, a.topic.is_none() && a.for_whom.is_none());
    Ok(())
}

fn parse_answer(s: &str) -> Option<bool> {
    match s.trim().to_ascii_lowercase().as_str() {
        "y" | "yes" => Some(true),
        "n" | "no" => Some(false),
        _ => None,
    }
}

fn urgency(u: Urgency) -> &'static str {
    match u {
        Urgency::Call999 => "call_999",
        Urgency::GoToAE => "go_to_a_and_e",
        Urgency::UrgentAdvice => "urgent_advice",
        Urgency::SelfCare => "self_care",
    }
}

fn outcome_json(ctx: &Context, o: &Outcome, answers: &[bool]) -> Result<Value, CliError> {
    let cards: Vec<Value> = o
        .cards
        .iter()
        .filter_map(|id| ctx.harbour.card(id).ok())
        .map(|c| json!({ "id": c.id, "title": c.title }))
        .collect();
    let help = outcome_help(ctx, o)?;
    Ok(json!({
        "answers": answers,
        "outcome": o.id,
        "urgency": urgency(o.urgency),
        "title": o.title,
        "text": o.text,
        "watch_for": o.watch_for,
        "cards": cards,
        "help": help.iter().map(crate::help::option_json).collect::<Vec<_>>(),
    }))
}

/// The help-now options an outcome points to: its named services first, then its topics.
fn outcome_help(
    ctx: &Context,
    o: &Outcome,
) -> Result<Vec<harbour_core::directory::HelpOption>, CliError> {
    let mut out = Vec::new();
    for id in &o.help.services {
        if let Ok(d) = ctx.harbour.service(id, None) {
            out.extend(d.options.into_iter().filter(|x| x.open.is_open()).take(1));
        }
    }
    if !o.help.topics.is_empty() {
        let answer = ctx.harbour.help_now(&HelpQuery {
            topics: o.help.topics.clone(),
            ..HelpQuery::default()
        })?;
        let seen: Vec<String> = out.iter().map(|o| o.service_id.clone()).collect();
        out.extend(
            answer
                .options
                .into_iter()
                .filter(|x| x.open.is_open() && !seen.contains(&x.service_id))
                .take(3),
        );
    }
    Ok(out)
}

pub fn triage(ctx: &Context, a: TriageArgs) -> Result<(), CliError> {
    let scripted: Option<Vec<bool>> = a
        .answers
        .map(|list| {
            list.iter()
                .map(|s| parse_answer(s).ok_or(CliError::Usage("answers must be y or n")))
                .collect()
        })
        .transpose()?;
    let mut answers: Vec<bool> = Vec::new();
    let stdin = std::io::stdin();
    let mut lines = stdin.lock().lines();
    loop {
        match ctx.harbour.triage(&answers)? {
            TriageStep::Outcome(o) => {
                if ctx.out.json {
                    let v = outcome_json(ctx, &o, &answers)?;
                    println!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
                    return Ok(());
                }
                println!("\n{}\n{}", o.title, o.text);
                if !o.watch_for.is_empty() {
                    println!("\nWatch for these signs, and get advice if you see them:");
                    for w in &o.watch_for {
                        println!("- {w}");
                    }
                }
                let cards: Vec<String> = o
                    .cards
                    .iter()
                    .filter_map(|id| ctx.harbour.card(id).ok())
                    .map(|c| c.title)
                    .collect();
                if !cards.is_empty() {
                    println!("\nRead more: {}", cards.join("; "));
                }
                for h in outcome_help(ctx, &o)? {
                    println!("{} — {} ({})", h.service_name, h.how, h.open_text);
                }
                return Ok(());
            }
            TriageStep::Question { number, question } => {
                let answer = match &scripted {
                    Some(list) => *list.get(answers.len()).ok_or(CliError::Usage(
                        "not enough answers for the questions asked",
                    ))?,
                    None => {
                        if !ctx.out.json {
                            println!("{number}. {}", question.text);
                            if let Some(h) = &question.help {
                                println!("   ({h})");
                            }
                            print!("   yes or no? ");
                            use std::io::Write;
                            let _ = std::io::stdout().flush();
                        }
                        loop {
                            let line = lines
                                .next()
                                .ok_or(CliError::Usage("no answer given"))?
                                .map_err(|e| CliError::Io(e.kind()))?;
                            if let Some(a) = parse_answer(&line) {
                                break a;
                            }
                            if !ctx.out.json {
                                print!("   please answer yes or no: ");
                                use std::io::Write;
                                let _ = std::io::stdout().flush();
                            }
                        }
                    }
                };
                if scripted.is_some() && !ctx.out.json {
                    println!(
                        "{number}. {} {}",
                        question.text,
                        if answer { "yes" } else { "no" }
                    );
                }
                answers.push(answer);
            }
        }
    }
}
