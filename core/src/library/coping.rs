//! Things that may help in the moment: activities matched to a feeling, a breathing pace and
//! the words of the guided moment. Content of the library pack, so it is signed, readable with
//! no unlock, and linted like every card.
//!
//! Three things are never in it, and the lint here refuses them (the reasons are in
//! `docs/CLINICAL-SAFETY.md`, "Coping ideas"): a substitute that causes pain or mimics an
//! injury; any counting of days; and an idea framed as a replacement for self-harm, which would
//! assume stopping is the goal (principle 2). Each idea is offered for what it gives.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use super::lint::{flagged, found};
use super::model::{ClinicalReview, Source};
use crate::wording::{MAX_SENTENCE_WORDS, reading};

/// The feeling or need a moment starts from, as the sources group coping ideas.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Feeling {
    SadOrLonely,
    AngryOrRestless,
    Numb,
    NeedingControl,
    Shame,
    Overwhelmed,
    WantingToTalk,
}

impl Feeling {
    pub const ALL: [Feeling; 7] = [
        Feeling::SadOrLonely,
        Feeling::AngryOrRestless,
        Feeling::Numb,
        Feeling::NeedingControl,
        Feeling::Shame,
        Feeling::Overwhelmed,
        Feeling::WantingToTalk,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Feeling::SadOrLonely => "sad_or_lonely",
            Feeling::AngryOrRestless => "angry_or_restless",
            Feeling::Numb => "numb",
            Feeling::NeedingControl => "needing_control",
            Feeling::Shame => "shame",
            Feeling::Overwhelmed => "overwhelmed",
            Feeling::WantingToTalk => "wanting_to_talk",
        }
    }

    /// Accepts the key with underscores or hyphens.
    pub fn parse(s: &str) -> Option<Feeling> {
        let s = s.trim().to_lowercase().replace('-', "_");
        Feeling::ALL.into_iter().find(|f| f.key() == s)
    }

    pub(crate) fn code(self) -> u8 {
        self as u8
    }

    pub(crate) fn from_code(c: u8) -> Option<Feeling> {
        Feeling::ALL.get(usize::from(c)).copied()
    }
}

/// Where an idea leads instead of a timer: somewhere in the app.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
pub enum Route {
    /// Help now: people to talk to or text, open now.
    HelpNow,
    /// The plan's "people I can ask for help".
    PlanPeople,
    /// The breathing pacer.
    Breathing,
}

/// The suggested lengths an activity may carry, in minutes (Calm Harm's 5 and 15, and one
/// minute for the shortest).
pub const MINUTES: [u8; 3] = [1, 5, 15];

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Activity {
    pub id: String,
    pub feelings: Vec<Feeling>,
    pub title: String,
    /// One or two plain sentences.
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minutes: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub leads_to: Option<Route>,
    pub sources: Vec<Source>,
    pub clinical_review: ClinicalReview,
}

/// A breathing pace: the core gives the timing, the app animates it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Breathing {
    pub breathe_in_seconds: u8,
    #[serde(default)]
    pub hold_seconds: u8,
    pub breathe_out_seconds: u8,
    /// How many breaths one go lasts.
    pub rounds: u8,
    pub sources: Vec<Source>,
    pub clinical_review: ClinicalReview,
    /// For reviewers: which parts the sources give and which are Harbour's choice.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub review_notes: Vec<String>,
}

impl Breathing {
    pub fn seconds_per_round(&self) -> u32 {
        u32::from(self.breathe_in_seconds)
            + u32::from(self.hold_seconds)
            + u32::from(self.breathe_out_seconds)
    }
}

/// A feeling as the app offers it: its words, in the pack's language.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct FeelingLabel {
    pub feeling: Feeling,
    pub label: String,
}

/// The words of the guided moment.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct MomentWords {
    /// The choice for someone who cannot say what they feel.
    pub not_sure: String,
    /// Delaying, offered as a choice the person stays in charge of.
    pub delay: String,
    /// "How is it now?", asked after an idea.
    pub how_now: String,
    pub better: String,
    pub same: String,
    pub worse: String,
    /// Said after each of the three answers.
    pub after_better: String,
    pub after_same: String,
    pub after_worse: String,
    /// The labels of the check-in strength scale, weakest first.
    pub strength: Vec<String>,
    pub sources: Vec<Source>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Coping {
    pub feelings: Vec<FeelingLabel>,
    pub activities: Vec<Activity>,
    pub breathing: Breathing,
    pub moment: MomentWords,
    /// For reviewers: how the ideas were chosen and attributed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub review_notes: Vec<String>,
}

impl Coping {
    pub fn activity(&self, id: &str) -> Option<&Activity> {
        self.activities.iter().find(|a| a.id == id)
    }
}

/// Substitutes that cause pain or mimic an injury. Matched as word beginnings ("pinch"
/// matches "pinching") or as phrases.
pub const PAIN_SUBSTITUTES: &[&str] = &[
    "elastic band",
    "rubber band",
    "hair band",
    "hair tie",
    "pinch",
    "snap",
    "flick",
    "scratch",
    "bite",
    "ice",
    "red pen",
    "red marker",
    "red ink",
    "on your skin",
    "where you would",
    "hurts but",
    "sting",
];

/// Counting of days, or anything that makes a tally of time (principle 3).
pub const DAY_COUNTING: &[&str] = &[
    "days",
    "weeks",
    "months",
    "in a row",
    "chain",
    "tally",
    "count the",
    "since you last",
    "since the last",
];

/// Framing an idea as a replacement for self-harm (principle 2).
pub const CESSATION: &[&str] = &[
    "instead of",
    "rather than",
    "alternative",
    "substitute",
    "replace",
    "resist",
    "fight the urge",
    "beat the urge",
    "stop yourself",
    "stop harming",
    "stop hurting",
    "without hurting",
];

/// Why a coping text is refused, if it is: the three rules of this module.
pub fn coping_words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for w in found(text, PAIN_SUBSTITUTES) {
        out.push(format!(
            "\"{w}\" (a substitute that causes pain or mimics an injury)"
        ));
    }
    for w in found(text, DAY_COUNTING) {
        out.push(format!("\"{w}\" (counting days)"));
    }
    for w in found(text, CESSATION) {
        out.push(format!("\"{w}\" (framed as a replacement for self-harm)"));
    }
    out
}

/// Minimum Flesch reading ease of one activity (title and text together), as for a card.
pub const MIN_ACTIVITY_EASE: f64 = super::lint::MIN_CARD_EASE;

/// Everything wrong with the coping content: the three rules above, and every check a card's
/// words get (the avoid-list, method words, sentence length).
pub(super) fn problems(c: &Coping) -> Vec<String> {
    let mut p = Vec::new();
    let check_text = |at: &str, text: &str, p: &mut Vec<String>| {
        for w in flagged(text) {
            p.push(format!("coping {at}: \"{w}\" is not allowed"));
        }
        for w in coping_words(text) {
            p.push(format!("coping {at}: {w} is not allowed"));
        }
        let r = reading(text);
        if r.longest_sentence > MAX_SENTENCE_WORDS {
            p.push(format!(
                "coping {at}: a sentence of {} words (at most {MAX_SENTENCE_WORDS})",
                r.longest_sentence
            ));
        }
    };

    let labelled: Vec<Feeling> = c.feelings.iter().map(|f| f.feeling).collect();
    if labelled != Feeling::ALL {
        p.push("coping: one label per feeling, in order, is required".to_owned());
    }
    for f in &c.feelings {
        check_text(f.feeling.key(), &f.label, &mut p);
    }

    let mut ids = HashSet::new();
    for a in &c.activities {
        let at = format!("activity {}", a.id);
        if !ids.insert(a.id.as_str()) {
            p.push(format!("coping {at}: id used twice"));
        }
        if a.feelings.is_empty() {
            p.push(format!("coping {at}: names no feeling"));
        }
        if a.sources.is_empty() || a.sources.iter().any(|s| s.title.trim().is_empty()) {
            p.push(format!("coping {at}: every activity needs its sources"));
        }
        if a.minutes.is_some_and(|m| !MINUTES.contains(&m)) {
            p.push(format!("coping {at}: a length must be 1, 5 or 15 minutes"));
        }
        if a.title.trim().is_empty() || a.text.trim().is_empty() {
            p.push(format!("coping {at}: an empty title or text"));
        }
        let text = format!("{}.\n{}", a.title, a.text);
        check_text(&at, &text, &mut p);
        let ease = reading(&text).ease;
        if ease < MIN_ACTIVITY_EASE {
            p.push(format!(
                "coping {at}: reading ease {ease:.0} is below {MIN_ACTIVITY_EASE}"
            ));
        }
    }
    for f in Feeling::ALL {
        if !c.activities.iter().any(|a| a.feelings.contains(&f)) {
            p.push(format!("coping: no activity for {}", f.key()));
        }
    }
    // Wanting to talk always has a way to help now, and breathing ideas reach the pacer.
    if !c
        .activities
        .iter()
        .any(|a| a.feelings.contains(&Feeling::WantingToTalk) && a.leads_to == Some(Route::HelpNow))
    {
        p.push("coping: wanting to talk needs an idea that leads to help now".to_owned());
    }

    let b = &c.breathing;
    if b.breathe_in_seconds == 0 || b.breathe_out_seconds <= b.breathe_in_seconds {
        p.push("coping breathing: the out-breath must be longer than the in-breath".to_owned());
    }
    if b.rounds == 0 || b.seconds_per_round() * u32::from(b.rounds) > 300 {
        p.push("coping breathing: one go lasts between one breath and five minutes".to_owned());
    }
    if b.sources.is_empty() {
        p.push("coping breathing: needs its sources".to_owned());
    }

    let m = &c.moment;
    for (at, text) in [
        ("not_sure", &m.not_sure),
        ("delay", &m.delay),
        ("how_now", &m.how_now),
        ("better", &m.better),
        ("same", &m.same),
        ("worse", &m.worse),
        ("after_better", &m.after_better),
        ("after_same", &m.after_same),
        ("after_worse", &m.after_worse),
    ] {
        if text.trim().is_empty() {
            p.push(format!("coping moment {at}: empty"));
        }
        check_text(&format!("moment {at}"), text, &mut p);
    }
    if m.strength.len() != usize::from(MAX_STRENGTH)
        || m.strength.iter().any(|s| s.trim().is_empty())
    {
        p.push(format!(
            "coping moment: the strength scale needs {MAX_STRENGTH} labels"
        ));
    }
    for s in &m.strength {
        check_text("moment strength", s, &mut p);
    }
    if m.sources.is_empty() {
        p.push("coping moment: needs its sources".to_owned());
    }
    p
}

/// Reading statistics of each activity (title and text), for the lint's report.
pub fn activity_reading(c: &Coping) -> Vec<(String, crate::wording::Reading)> {
    c.activities
        .iter()
        .map(|a| (a.id.clone(), reading(&format!("{}.\n{}", a.title, a.text))))
        .collect()
}

/// The top of the check-in strength scale (1 is the weakest).
pub const MAX_STRENGTH: u8 = 5;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_rule_catches_its_words_and_passes_ordinary_ideas() {
        assert!(coping_words("Snap an elastic band on your wrist")[0].contains("elastic band"));
        assert!(!coping_words("Hold an ice cube").is_empty());
        assert!(!coping_words("Draw on your skin in red pen").is_empty());
        assert!(coping_words("Keep a paper chain, one link for each day")[0].contains("chain"));
        assert!(!coping_words("Count the days you have gone").is_empty());
        assert!(coping_words("Do this instead of self-harming")[0].contains("instead of"));
        assert!(!coping_words("Resist the urge").is_empty());
        for fine in [
            "Have a cold drink, or splash cold water on your face.",
            "Punch a pillow or shout into it.",
            "Wrap yourself up in a soft blanket.",
            "Name five things you can see.",
        ] {
            assert!(coping_words(fine).is_empty(), "{fine}");
        }
    }

    #[test]
    fn feelings_round_trip_through_keys_and_codes() {
        for f in Feeling::ALL {
            assert_eq!(Feeling::parse(f.key()), Some(f));
            assert_eq!(Feeling::from_code(f.code()), Some(f));
        }
        assert_eq!(
            Feeling::parse("Angry-or-restless"),
            Some(Feeling::AngryOrRestless)
        );
        assert_eq!(Feeling::parse("fine"), None);
        assert_eq!(Feeling::from_code(7), None);
    }
}
