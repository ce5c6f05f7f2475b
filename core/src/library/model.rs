//! The library's data model: cards, the triage tree, and countable messages.
//!
//! Like the directory, the fixtures' source format and the signed pack's content are the same
//! structures, so a reviewer reads exactly what phones will show.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::markdown::{self, Block};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct LibraryContent {
    /// BCP 47 tag, e.g. "en-GB" or "cy". One locale per pack.
    pub locale: String,
    pub cards: Vec<Card>,
    pub triage: Triage,
    /// The supported session's prompts, one per plan section, in order.
    pub walkthrough: Vec<SessionPrompt>,
    /// Things that may help in the moment, matched to a feeling.
    pub coping: super::coping::Coping,
    /// Short texts with a count in them, in every CLDR plural form the locale needs.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub messages: BTreeMap<String, Message>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum CardKind {
    /// First aid after an injury, and when to get help.
    FirstAid,
    /// Information and support.
    Information,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Audience {
    YoungPerson,
    ParentOrCarer,
    Friend,
    Worker,
}

/// Where a red flag sends someone. Only emergency care: a red flag never means "wait".
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
pub enum Emergency {
    Call999,
    GoToAE,
}

impl Emergency {
    pub fn care(self) -> Care {
        match self {
            Emergency::Call999 => Care::Call999,
            Emergency::GoToAE => Care::GoToAE,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RedFlag {
    pub text: String,
    pub action: Emergency,
    /// The triage criterion this red flag is (its id): the lint checks both send people to
    /// the same care, so a card and the triage can never contradict each other.
    pub criterion: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Source {
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// Whether a clinician has reviewed the card. `pending` until a reviewer is recorded, and
/// the API says so, so apps can show it honestly.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum ClinicalReview {
    Pending,
    Reviewed { by: String, on: jiff::civil::Date },
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Card {
    pub id: String,
    pub kind: CardKind,
    /// A short slug grouping cards: "cuts", "burns", "waiting".
    pub topic: String,
    pub audience: Vec<Audience>,
    pub locale: String,
    pub title: String,
    /// One or two plain sentences.
    pub summary: String,
    /// A small safe subset of Markdown: paragraphs, `-` and `1.` lists, `*emphasis*`,
    /// `**strong**`, and `[links](https://…)`. Nothing else.
    pub body: String,
    /// Ordered steps, where they fit.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub steps: Vec<String>,
    /// "Get help now if…": each leads to 999 or A&E.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub red_flags: Vec<RedFlag>,
    pub sources: Vec<Source>,
    pub last_reviewed: jiff::civil::Date,
    pub clinical_review: ClinicalReview,
    /// A placeholder whose clinical content has not been written yet.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub needs_clinical_content: bool,
    /// For reviewers: where sources disagreed and how the card handles it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub review_notes: Vec<String>,
    /// `body`, parsed once when the pack is loaded, so that no app, binding or CLI parses
    /// Markdown itself (or parses it differently). Never read from or written to a pack.
    #[serde(skip)]
    pub blocks: Vec<Block>,
}

impl Card {
    /// The body as plain text: for a terminal, a screen reader hint or a notification.
    pub fn plain_body(&self) -> String {
        markdown::plain_text(&self.blocks)
    }
}

/// "Is this an emergency?": a tree of questions, checked against the criteria it must ask.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Triage {
    /// The first question's id.
    pub start: String,
    /// Every reason, from the first-aid sources, to call 999, go to A&E or be seen the same
    /// day. The tree is checked against these (`triage::problems`): each must be asked before
    /// any path can end in less urgent care.
    pub criteria: Vec<Criterion>,
    pub questions: Vec<Question>,
    pub outcomes: Vec<Outcome>,
}

/// How soon, and where, a criterion says care is needed. Ordered: most urgent last.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Care {
    /// Get advice soon (a GP, a pharmacist, NHS 111).
    Advice,
    /// Be seen the same day.
    SameDay,
    GoToAE,
    Call999,
}

/// Which of the two separate first doors a criterion belongs to (principle 5).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
pub enum Door {
    /// Thoughts of ending one's life, or not being able to stay safe.
    Safety,
    /// An injury, or something taken or swallowed.
    Injury,
}

/// One reason to get care, as the first-aid sources give it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Criterion {
    pub id: String,
    /// What it is, in plain words (for reviewers and the hazard log).
    pub text: String,
    pub care: Care,
    pub door: Door,
    pub sources: Vec<Source>,
}

/// Where an answer leads: another question or an outcome.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Next {
    Question(String),
    Outcome(String),
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Question {
    pub id: String,
    pub text: String,
    /// More detail, e.g. what counts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// A "yes" here means emergency care: it must lead to 999 or A&E. Must agree with the
    /// criteria the question asks (checked).
    pub red_flag: bool,
    /// The criteria a "yes" (or "not sure") means may apply.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub criteria: Vec<String>,
    /// A question whose "no" means no criterion of its door applies ("Is someone hurt?").
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub gate: bool,
    pub yes: Next,
    pub no: Next,
}

/// An answer to a triage question. "Not sure" is offered on every question and always
/// follows the "yes" branch: when in doubt, the more careful answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Answer {
    Yes,
    No,
    NotSure,
}

impl Answer {
    /// Whether the answer follows the "yes" branch.
    pub fn counts_as_yes(self) -> bool {
        !matches!(self, Answer::No)
    }
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
pub enum Urgency {
    Call999,
    GoToAE,
    /// Same-day care or advice (GP, minor injuries unit, urgent treatment centre, pharmacist,
    /// NHS 111).
    UrgentAdvice,
    /// Look after it at home and watch for these signs.
    SelfCare,
    /// Nothing needs first aid: people to talk to, if wanted.
    Support,
}

impl Urgency {
    /// The most urgent care this outcome sends someone to, on the criteria's scale.
    pub fn care(self) -> Option<Care> {
        match self {
            Urgency::Call999 => Some(Care::Call999),
            Urgency::GoToAE => Some(Care::GoToAE),
            Urgency::UrgentAdvice => Some(Care::SameDay),
            Urgency::SelfCare | Urgency::Support => None,
        }
    }
}

/// A help-now query an outcome suggests (as topics and channels).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[serde(deny_unknown_fields)]
pub struct HelpHint {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub topics: Vec<crate::directory::Topic>,
    /// Specific services to show first (directory ids).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub services: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Outcome {
    pub id: String,
    pub urgency: Urgency,
    pub title: String,
    pub text: String,
    /// Signs to watch for, for self-care outcomes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub watch_for: Vec<String>,
    pub cards: Vec<String>,
    pub help: HelpHint,
    /// Show the person's quick-access plan sections with this outcome.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub plan: bool,
    /// A question that can follow (the injury questions after the safety door's help).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub then: Option<String>,
}

/// A text with a count, e.g. "{n} minutes". `Plain` for texts that never vary.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Message {
    Plain(String),
    /// CLDR plural forms; `other` is required, the rest as the locale needs. Welsh uses all six.
    Plural {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        zero: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        one: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        two: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        few: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        many: Option<String>,
        other: String,
    },
}

/// One step of the supported session.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SessionPrompt {
    /// The plan section's key, e.g. "warning_signs".
    pub section: String,
    pub prompt: String,
    /// Why this helps, in a line.
    pub why: String,
    pub examples: Vec<String>,
}
