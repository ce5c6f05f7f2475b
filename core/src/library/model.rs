//! The library's data model: cards, the triage tree, and countable messages.
//!
//! Like the directory, the fixtures' source format and the signed pack's content are the same
//! structures, so a reviewer reads exactly what phones will show.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct LibraryContent {
    /// BCP 47 tag, e.g. "en-GB" or "cy". One locale per pack.
    pub locale: String,
    pub cards: Vec<Card>,
    pub triage: Triage,
    /// The supported session's prompts, one per plan section, in order.
    pub walkthrough: Vec<WalkthroughPrompt>,
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

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RedFlag {
    pub text: String,
    pub action: Emergency,
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
}

/// "Is this an emergency?": a tree of yes/no questions.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Triage {
    /// The first question's id.
    pub start: String,
    pub questions: Vec<Question>,
    pub outcomes: Vec<Outcome>,
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
    /// A "yes" here means emergency care: it must lead to 999 or A&E.
    pub red_flag: bool,
    pub yes: Next,
    pub no: Next,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
pub enum Urgency {
    Call999,
    GoToAE,
    /// NHS 111's mental health option, or same-day care (GP, pharmacist, urgent treatment centre).
    UrgentAdvice,
    /// Look after it at home and watch for these signs.
    SelfCare,
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
pub struct WalkthroughPrompt {
    /// The plan section's key, e.g. "warning_signs".
    pub section: String,
    pub prompt: String,
    /// Why this helps, in a line.
    pub why: String,
    pub examples: Vec<String>,
}
