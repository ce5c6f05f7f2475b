//! The content lint: every card and triage text is checked against the principles before a
//! library pack can be built, and again by the test suite.
//!
//! - no word from the avoid-list in `reference/principles.md` (§6), no streak or shame wording;
//! - no injury imagery (no images at all) and nothing outside the safe Markdown subset;
//! - no method, implement, substance or amount words — with a reviewed allow-list for the few
//!   phrases first aid needs ("take the packets with you", "alcohol-free wipes", "overdose");
//! - every card has sources and a review date; every red flag leads to 999 or A&E;
//! - reading ease at or above the target below (young readers: short sentences, common words).

use std::collections::HashSet;

use super::markdown;
use super::model::{Card, LibraryContent, Message};
use super::plural;
use super::triage;
pub use crate::wording::{MAX_SENTENCE_WORDS, Reading, avoided, reading};

/// Minimum Flesch reading ease for any card. On Flesch's scale 60–70 is "plain English",
/// 70–80 "fairly easy" and 80–90 "easy" (about an 11-year-old's reading); the youngest users
/// are 11, so every card must be at least fairly easy and the library easy on average.
pub const MIN_CARD_EASE: f64 = 70.0;
/// Minimum mean reading ease over all cards ("easy").
pub const MIN_MEAN_EASE: f64 = 80.0;

/// Minimum reading ease of one triage question. Lower than a card's: a question is one
/// sentence, and a few necessary words ("unconscious", "electricity") weigh more in it.
pub const MIN_QUESTION_EASE: f64 = 50.0;

/// Words of the safety door. The injury door's questions and outcomes never use them, so an
/// injury is never treated in wording as a suicide attempt (principle 5).
/// A word matches any word it begins ("cut" matches "cuts"); a phrase matches as it stands.
const SAFETY_WORDS: &[&str] = &["suicid", "end your life", "ending your life", "kill"];
/// Words of the injury door, never in the safety door's question or outcomes.
const INJURY_WORDS: &[&str] = &[
    "self-harm",
    "injur",
    "wound",
    "cut",
    "burn",
    "bleed",
    "hurt",
];

/// Neither door's wording escalates into the other's.
fn door_wording(t: &super::model::Triage) -> Vec<String> {
    let mut p = Vec::new();
    let has = |text: &str, list: &[&str]| found(text, list).into_iter().next();
    let safety_start = t.questions.iter().find(|q| q.id == t.start);
    for q in &t.questions {
        let (text, list, door) = if Some(q) == safety_start {
            (&q.text, INJURY_WORDS, "safety")
        } else {
            (&q.text, SAFETY_WORDS, "injury")
        };
        if let Some(w) = has(text, list) {
            p.push(format!(
                "triage question {} ({door} door) says \"{w}\"",
                q.id
            ));
        }
    }
    let safety_outcomes: Vec<&str> = safety_start
        .map(|q| [&q.yes, &q.no])
        .into_iter()
        .flatten()
        .filter_map(|n| match n {
            super::model::Next::Outcome(o) => Some(o.as_str()),
            super::model::Next::Question(_) => None,
        })
        .collect();
    for o in &t.outcomes {
        let text = format!("{} {}", o.title, o.text);
        let (list, door) = if safety_outcomes.contains(&o.id.as_str()) {
            (INJURY_WORDS, "safety")
        } else {
            (SAFETY_WORDS, "injury")
        };
        if let Some(w) = has(&text, list) {
            p.push(format!(
                "triage outcome {} ({door} door) says \"{w}\"",
                o.id
            ));
        }
    }
    p
}

/// Method, implement, substance and amount words (principle 7): never in a card.
pub const DENY: &[&str] = &[
    "razor",
    "razors",
    "blade",
    "blades",
    "knife",
    "knives",
    "scissors",
    "glass",
    "lighter",
    "cigarette",
    "ligature",
    "noose",
    "rope",
    "bleach",
    "paracetamol",
    "ibuprofen",
    "aspirin",
    "codeine",
    "antidepressant",
    "antidepressants",
    "pill",
    "pills",
    "tablet",
    "tablets",
    "capsule",
    "capsules",
    "drug",
    "drugs",
    "medicine",
    "medicines",
    "medication",
    "alcohol",
    "dose",
    "doses",
    "dosage",
    "mg",
    "milligram",
    "milligrams",
    "gram",
    "grams",
    "ml",
    "deeper",
    "how deep",
    "vein",
    "veins",
    "artery",
    "arteries",
    "wrist",
    "wrists",
    "lethal",
    "fatal",
    "gore",
    "gory",
    "gaping",
    "gushing",
    "flesh",
];

/// Reviewed phrases that contain a denied word but are needed for first aid. Each is removed
/// before the deny-list is checked.
pub const ALLOW: &[&str] = &["take the packets with you", "alcohol-free", "overdose"];

const AMOUNT_UNITS: &[&str] = &["mg", "g", "mcg", "ml", "units", "unit", "x"];

fn words(text: &str) -> Vec<String> {
    text.to_lowercase()
        .split(|c: char| !(c.is_alphanumeric() || c == '-' || c == '\''))
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The entries of `list` found in `text`: a phrase as it stands, a single word as the start
/// of a word ("cut" matches "cuts").
pub(super) fn found(text: &str, list: &[&str]) -> Vec<String> {
    let ws = words(text);
    let joined = format!(" {} ", ws.join(" "));
    list.iter()
        .filter(|entry| {
            if entry.contains(' ') {
                joined.contains(&format!(" {entry} "))
            } else {
                ws.iter().any(|w| w.starts_with(*entry))
            }
        })
        .map(|e| (*e).to_owned())
        .collect()
}

/// Denied and avoided words found in `text`, after removing allowed phrases.
pub fn flagged(text: &str) -> Vec<String> {
    let mut lower = format!(" {} ", text.to_lowercase().replace(['\n', '\t'], " "));
    let mut found = avoided(text);
    for allowed in ALLOW {
        lower = lower.replace(allowed, " ");
    }
    let ws = words(&lower);
    let joined = format!(" {} ", ws.join(" "));
    for d in DENY {
        let hit = if d.contains(' ') {
            joined.contains(&format!(" {d} "))
        } else {
            ws.iter().any(|w| w == d || w.trim_matches('-') == *d)
        };
        if hit {
            found.push((*d).to_owned());
        }
    }
    for pair in ws.windows(2) {
        if pair[0].chars().all(|c| c.is_ascii_digit()) && AMOUNT_UNITS.contains(&pair[1].as_str()) {
            found.push(format!("{} {}", pair[0], pair[1]));
        }
    }
    found
}

/// Everything a reader sees on a card, as plain text.
pub fn card_text(card: &Card) -> String {
    let body = markdown::parse(&card.body)
        .map(|b| markdown::plain_text(&b))
        .unwrap_or_else(|_| card.body.clone());
    let mut t = format!("{}.\n{}\n{}\n", card.title, card.summary, body);
    for s in &card.steps {
        t.push_str(s);
        t.push('\n');
    }
    for r in &card.red_flags {
        t.push_str(&r.text);
        t.push('\n');
    }
    t
}

#[derive(Debug, Clone)]
pub struct LintReport {
    pub problems: Vec<String>,
    /// Per card: id and reading statistics.
    pub reading: Vec<(String, Reading)>,
    pub mean_ease: f64,
    /// Per coping activity: id and reading statistics of its title and text.
    pub coping_reading: Vec<(String, Reading)>,
}

pub fn lint(content: &LibraryContent) -> LintReport {
    let mut problems = Vec::new();
    let mut reading_stats = Vec::new();
    let mut ids = HashSet::new();
    for card in &content.cards {
        let at = &card.id;
        if !ids.insert(card.id.as_str()) {
            problems.push(format!("card {at}: id used twice"));
        }
        if card.locale != content.locale {
            problems.push(format!("card {at}: locale differs from the pack's"));
        }
        if let Err(e) = markdown::parse(&card.body) {
            problems.push(format!("card {at}: body: {e}"));
        }
        if card.sources.is_empty() || card.sources.iter().any(|s| s.title.trim().is_empty()) {
            problems.push(format!("card {at}: every card needs its sources"));
        }
        if card.audience.is_empty() {
            problems.push(format!("card {at}: no audience"));
        }
        if card.red_flags.iter().any(|r| r.text.trim().is_empty()) {
            problems.push(format!("card {at}: an empty red flag"));
        }
        // A card's "get help now if…" and the triage must send people to the same care.
        for r in &card.red_flags {
            match content.triage.criteria.iter().find(|c| c.id == r.criterion) {
                None => problems.push(format!(
                    "card {at}: red flag names unknown triage criterion {}",
                    r.criterion
                )),
                Some(c) if c.care != r.action.care() => problems.push(format!(
                    "card {at}: red flag {} says {:?}, the triage criterion says {:?}",
                    r.criterion,
                    r.action.care(),
                    c.care
                )),
                Some(_) => {}
            }
        }
        let text = card_text(card);
        for word in flagged(&text) {
            problems.push(format!("card {at}: \"{word}\" is not allowed"));
        }
        let r = reading(&text);
        if !card.needs_clinical_content {
            if r.ease < MIN_CARD_EASE {
                problems.push(format!(
                    "card {at}: reading ease {:.0} is below {MIN_CARD_EASE}",
                    r.ease
                ));
            }
            if r.longest_sentence > MAX_SENTENCE_WORDS {
                problems.push(format!(
                    "card {at}: a sentence of {} words (at most {MAX_SENTENCE_WORDS})",
                    r.longest_sentence
                ));
            }
        }
        reading_stats.push((card.id.clone(), r));
    }
    let mean_ease =
        reading_stats.iter().map(|(_, r)| r.ease).sum::<f64>() / reading_stats.len().max(1) as f64;
    if mean_ease < MIN_MEAN_EASE {
        problems.push(format!(
            "mean reading ease {mean_ease:.0} is below {MIN_MEAN_EASE}"
        ));
    }
    let t = &content.triage;
    let triage_text: Vec<&str> = t
        .questions
        .iter()
        .flat_map(|q| std::iter::once(q.text.as_str()).chain(q.help.as_deref()))
        .chain(t.outcomes.iter().flat_map(|o| {
            [o.title.as_str(), o.text.as_str()]
                .into_iter()
                .chain(o.watch_for.iter().map(String::as_str))
        }))
        .collect();
    for text in triage_text {
        for word in flagged(text) {
            problems.push(format!("triage: \"{word}\" is not allowed"));
        }
    }
    // Questions are read by someone frightened, often at night: short and plain.
    for q in &t.questions {
        let r = reading(&q.text);
        if r.longest_sentence > MAX_SENTENCE_WORDS {
            problems.push(format!(
                "triage question {}: {} words (at most {MAX_SENTENCE_WORDS})",
                q.id, r.longest_sentence
            ));
        }
        if r.ease < MIN_QUESTION_EASE {
            problems.push(format!(
                "triage question {}: reading ease {:.0} is below {MIN_QUESTION_EASE}",
                q.id, r.ease
            ));
        }
    }
    problems.extend(door_wording(t));
    problems.extend(triage::problems(t, &ids));
    let sections: Vec<&str> = content
        .walkthrough
        .iter()
        .map(|w| w.section.as_str())
        .collect();
    let expected: Vec<&str> = crate::plan::Section::ALL.iter().map(|s| s.key()).collect();
    if sections != expected {
        problems.push("walkthrough: one prompt per plan section, in order, is required".to_owned());
    }
    for w in &content.walkthrough {
        let text = format!("{}\n{}\n{}", w.prompt, w.why, w.examples.join("\n"));
        for word in flagged(&text) {
            problems.push(format!(
                "walkthrough {}: \"{word}\" is not allowed",
                w.section
            ));
        }
    }
    problems.extend(super::coping::problems(&content.coping));
    for (key, m) in &content.messages {
        if let Message::Plural {
            zero,
            one,
            two,
            few,
            many,
            ..
        } = m
        {
            use plural::Category::*;
            for c in plural::required(&content.locale) {
                let present = match c {
                    Zero => zero.is_some(),
                    One => one.is_some(),
                    Two => two.is_some(),
                    Few => few.is_some(),
                    Many => many.is_some(),
                    Other => true,
                };
                if !present {
                    problems.push(format!(
                        "message {key}: missing the {c:?} form for {}",
                        content.locale
                    ));
                }
            }
        }
    }
    LintReport {
        problems,
        reading: reading_stats,
        mean_ease,
        coping_reading: super::coping::activity_reading(&content.coping),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_denied_words_but_not_allowed_phrases() {
        assert!(flagged("Take the packets with you to A&E. Any overdose needs A&E.").is_empty());
        assert!(flagged("Use alcohol-free wipes.").is_empty());
        assert_eq!(flagged("Do not drink alcohol"), ["alcohol"]);
        assert_eq!(flagged("three weeks clean!"), ["weeks clean"]);
        assert_eq!(flagged("It was attention seeking"), ["attention seeking"]);
        assert_eq!(flagged("Take 20 mg"), ["mg", "20 mg"]);
        assert!(flagged("Hold it for 10 minutes").is_empty());
    }

    #[test]
    fn reading_ease_orders_texts_sensibly() {
        let easy = reading("Press on it. Keep pressing. Ask for help.");
        let hard = reading(
            "Haemorrhage management necessitates sustained compression; additionally, professional evaluation is recommended.",
        );
        assert!(easy.ease > 80.0, "{easy:?}");
        assert!(hard.ease < 30.0, "{hard:?}");
        assert_eq!(easy.sentences, 3);
    }
}
