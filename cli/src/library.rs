//! `harbour first-aid`, `harbour triage`, `harbour info`: no vault, no secret, no network.

use std::io::BufRead;

use clap::{Args, ValueEnum};
use harbour_core::{
    Answer, Audience, Card, CardFilter, CardKind, ClinicalReview, Emergency, HelpNow, Outcome,
    Question, TriageStep, Urgency,
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
    /// Answers in order, for scripts: e.g. --answers n,y,? (y/yes, n/no, ? for not sure)
    #[arg(long, value_delimiter = ',')]
    answers: Option<Vec<String>>,
    /// Your age, so the help offered is help you can use
    #[arg(long)]
    age: Option<u8>,
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
    print!("{}", c.plain_body());
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

fn parse_answer(s: &str) -> Option<Answer> {
    match s.trim().to_ascii_lowercase().as_str() {
        "y" | "yes" => Some(Answer::Yes),
        "n" | "no" => Some(Answer::No),
        "?" | "not sure" | "unsure" | "don't know" => Some(Answer::NotSure),
        _ => None,
    }
}

fn answer_word(a: Answer) -> &'static str {
    match a {
        Answer::Yes => "yes",
        Answer::No => "no",
        Answer::NotSure => "not sure",
    }
}

fn urgency(u: Urgency) -> &'static str {
    match u {
        Urgency::Call999 => "call_999",
        Urgency::GoToAE => "go_to_a_and_e",
        Urgency::UrgentAdvice => "urgent_advice",
        Urgency::SelfCare => "self_care",
        Urgency::Support => "support",
    }
}

fn card_titles(ctx: &Context, o: &Outcome) -> Vec<(String, String)> {
    o.cards
        .iter()
        .filter_map(|id| ctx.harbour.card(id).ok())
        .map(|c| (c.id, c.title))
        .collect()
}

/// The quick-access plan sections, when an outcome asks for them (readable with no secret).
fn plan_sections(ctx: &Context, o: &Outcome) -> Vec<harbour_core::PlanSection> {
    if !o.plan {
        return Vec::new();
    }
    ctx.harbour
        .quick_access()
        .map(|q| q.sections)
        .unwrap_or_default()
}

fn outcome_json(
    ctx: &Context,
    o: &Outcome,
    then: Option<&Question>,
    help: &HelpNow,
    answers: &[Answer],
) -> Value {
    json!({
        "answers": answers.iter().map(|a| answer_word(*a)).collect::<Vec<_>>(),
        "outcome": o.id,
        "urgency": urgency(o.urgency),
        "title": o.title,
        "text": o.text,
        "watch_for": o.watch_for,
        "cards": card_titles(ctx, o).iter().map(|(id, title)| json!({ "id": id, "title": title })).collect::<Vec<_>>(),
        "emergency": help.emergency.iter().map(crate::help::option_json).collect::<Vec<_>>(),
        "help": help.options.iter().map(crate::help::option_json).collect::<Vec<_>>(),
        "plan": plan_sections(ctx, o).iter().map(|s| json!({
            "section": s.section.key(),
            "title": s.section.title(),
            "items": s.items.iter().map(|i| i.text.as_str()).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "then": then.map(|q| q.text.clone()),
    })
}

/// How many of the open options an outcome prints (the JSON has them all).
const HELP_SHOWN: usize = 5;

fn print_outcome(ctx: &Context, o: &Outcome, help: &HelpNow) {
    println!("\n{}\n{}", o.title, o.text);
    if !o.watch_for.is_empty() {
        println!("\nWatch for these signs, and get advice if you see them:");
        for w in &o.watch_for {
            println!("- {w}");
        }
    }
    if matches!(o.urgency, Urgency::Call999 | Urgency::GoToAE) {
        println!();
        for e in help.emergency.iter().take(2) {
            println!("{} — {}", e.service_name, e.how);
        }
    }
    if !help.options.is_empty() {
        println!("\nOpen now:");
        for h in help.options.iter().take(HELP_SHOWN) {
            println!("- {} — {} ({})", h.service_name, h.how, h.open_text);
        }
    }
    for s in plan_sections(ctx, o) {
        println!("\nFrom your plan: {}", s.section.title());
        for i in &s.items {
            println!("- {}", crate::output::terminal_safe(&i.text));
        }
    }
    let cards: Vec<String> = card_titles(ctx, o).into_iter().map(|(_, t)| t).collect();
    if !cards.is_empty() {
        println!("\nRead more: {}", cards.join("; "));
    }
}

pub fn triage(ctx: &Context, a: TriageArgs) -> Result<(), CliError> {
    let scripted: Option<Vec<Answer>> = a
        .answers
        .map(|list| {
            list.iter()
                .map(|s| {
                    parse_answer(s).ok_or(CliError::Usage("answers must be y, n or ? (not sure)"))
                })
                .collect()
        })
        .transpose()?;
    let mut answers: Vec<Answer> = Vec::new();
    let stdin = std::io::stdin();
    let mut lines = stdin.lock().lines();
    let ask = |prompt: &str| {
        if !ctx.out.json {
            print!("{prompt}");
            use std::io::Write;
            let _ = std::io::stdout().flush();
        }
    };
    loop {
        let (number, question) = match ctx.harbour.triage(&answers, a.age)? {
            TriageStep::Outcome {
                outcome,
                then,
                help,
            } => {
                let more = scripted.as_ref().is_some_and(|l| l.len() > answers.len());
                if !ctx.out.json {
                    print_outcome(ctx, &outcome, &help);
                }
                let Some(next) = then else {
                    if ctx.out.json {
                        let v = outcome_json(ctx, &outcome, None, &help, &answers);
                        println!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
                    }
                    return Ok(());
                };
                // Scripted answers continue into the follow-up question only if given.
                if scripted.is_some() && !more {
                    if ctx.out.json {
                        let v = outcome_json(ctx, &outcome, Some(&next), &help, &answers);
                        println!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
                    }
                    return Ok(());
                }
                (answers.len() + 1, next)
            }
            TriageStep::Question { number, question } => (number, question),
        };
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
                }
                ask("   yes, no or not sure? ");
                loop {
                    let line = lines
                        .next()
                        .ok_or(CliError::Usage("no answer given"))?
                        .map_err(|e| CliError::Io(e.kind()))?;
                    if let Some(a) = parse_answer(&line) {
                        break a;
                    }
                    ask("   please answer yes, no or not sure (y, n or ?): ");
                }
            }
        };
        if scripted.is_some() && !ctx.out.json {
            println!("{number}. {} {}", question.text, answer_word(answer));
        }
        answers.push(answer);
    }
}
