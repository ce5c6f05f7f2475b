//! The first-aid library across the FFI.

use std::sync::Arc;

use harbour_core as core;

use crate::directory::{PackInfo, age};
use crate::error::Result;
use crate::harbour::Harbour;

// The core's own enums, declared again below for uniffi with #[uniffi::remote(Enum)],
// variant for variant: if the core's enum changes, this file stops compiling rather than
// drifting.
pub type CardKind = core::CardKind;

pub type Audience = core::Audience;

pub type Urgency = core::Urgency;

pub type TriageAnswer = core::Answer;

#[uniffi::remote(Enum)]
pub enum CardKind {
    FirstAid,
    Information,
}

#[uniffi::remote(Enum)]
pub enum Audience {
    YoungPerson,
    ParentOrCarer,
    Friend,
    Worker,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum EmergencyAction {
    Call999,
    GoToAE,
}

#[uniffi::remote(Enum)]
pub enum Urgency {
    Call999,
    GoToAE,
    UrgentAdvice,
    SelfCare,
    /// Nothing needs first aid: people to talk to, if wanted.
    Support,
}

/// An answer to a triage question. `NotSure` is offered on every question and follows the
/// "yes" branch: when in doubt, the more careful answer.
#[uniffi::remote(Enum)]
pub enum TriageAnswer {
    Yes,
    No,
    NotSure,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum BlockKind {
    Paragraph,
    Bullets,
    Numbered,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum TextSpanKind {
    Text,
    Emphasis,
    Strong,
    Link,
}

/// A run of text in a card body.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct TextSpan {
    pub kind: TextSpanKind,
    pub text: String,
    pub url: Option<String>,
}

/// A paragraph (one item) or a list (one item per entry), ready to render without Markdown.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct BodyBlock {
    pub kind: BlockKind,
    pub items: Vec<Vec<TextSpan>>,
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct RedFlag {
    pub text: String,
    pub action: EmergencyAction,
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CardSource {
    pub title: String,
    pub url: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct FirstAidCard {
    pub id: String,
    pub kind: CardKind,
    pub topic: String,
    pub audience: Vec<Audience>,
    pub locale: String,
    pub title: String,
    pub summary: String,
    /// The body as the safe Markdown subset, and the same as blocks.
    pub body_markdown: String,
    pub body: Vec<BodyBlock>,
    pub steps: Vec<String>,
    pub red_flags: Vec<RedFlag>,
    pub sources: Vec<CardSource>,
    /// ISO date.
    pub last_reviewed: String,
    /// False until a clinician is recorded as having reviewed the card: show it honestly.
    pub clinically_reviewed: bool,
    pub reviewed_by: Option<String>,
    pub needs_clinical_content: bool,
}

#[derive(Debug, Clone, Default, uniffi::Record)]
pub struct CardFilter {
    pub kind: Option<CardKind>,
    pub topic: Option<String>,
    pub audience: Option<Audience>,
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct TriageQuestion {
    pub id: String,
    /// 1 for the first question.
    pub number: i32,
    pub text: String,
    pub help: Option<String>,
    pub red_flag: bool,
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct TriageOutcome {
    pub id: String,
    pub urgency: Urgency,
    pub title: String,
    pub text: String,
    pub watch_for: Vec<String>,
    /// Card ids to offer.
    pub cards: Vec<String>,
    /// Who to contact: 999 and A&E apart, then what is open now for the person's age, the
    /// outcome's own services first. Never without an always-open line.
    pub help: crate::HelpNow,
    /// Show the person's quick-access plan sections (`quickAccess()`) with this outcome.
    pub show_plan: bool,
    /// A question that can follow (the injury questions after the safety door's help):
    /// answering it continues the triage.
    pub then: Option<TriageQuestion>,
}

/// The next question, or where the answers lead.
#[derive(Debug, Clone, PartialEq, uniffi::Enum)]
// Crosses the FFI by value once per answer; boxing would not survive the boundary anyway.
#[allow(clippy::large_enum_variant)]
pub enum TriageStep {
    Question { question: TriageQuestion },
    Outcome { outcome: TriageOutcome },
}

pub(crate) fn triage_question(number: usize, q: core::Question) -> TriageQuestion {
    TriageQuestion {
        id: q.id,
        number: crate::types::count(number),
        text: q.text,
        help: q.help,
        red_flag: q.red_flag,
    }
}

fn span(i: core::Inline) -> TextSpan {
    match i {
        core::Inline::Text(t) => TextSpan {
            kind: TextSpanKind::Text,
            text: t,
            url: None,
        },
        core::Inline::Emphasis(t) => TextSpan {
            kind: TextSpanKind::Emphasis,
            text: t,
            url: None,
        },
        core::Inline::Strong(t) => TextSpan {
            kind: TextSpanKind::Strong,
            text: t,
            url: None,
        },
        core::Inline::Link { text, url } => TextSpan {
            kind: TextSpanKind::Link,
            text,
            url: Some(url),
        },
    }
}

fn list(kind: BlockKind, items: Vec<Vec<core::Inline>>) -> BodyBlock {
    BodyBlock {
        kind,
        items: items
            .into_iter()
            .map(|i| i.into_iter().map(span).collect())
            .collect(),
    }
}

fn blocks(parsed: Vec<core::Block>) -> Vec<BodyBlock> {
    parsed
        .into_iter()
        .map(|b| match b {
            core::Block::Paragraph(p) => BodyBlock {
                kind: BlockKind::Paragraph,
                items: vec![p.into_iter().map(span).collect()],
            },
            core::Block::Bullets(items) => list(BlockKind::Bullets, items),
            core::Block::Numbered(items) => list(BlockKind::Numbered, items),
        })
        .collect()
}

impl From<core::Card> for FirstAidCard {
    fn from(c: core::Card) -> Self {
        let (reviewed, by) = match &c.clinical_review {
            core::ClinicalReview::Pending => (false, None),
            core::ClinicalReview::Reviewed { by, .. } => (true, Some(by.clone())),
        };
        FirstAidCard {
            body: blocks(c.blocks),
            id: c.id,
            kind: c.kind,
            topic: c.topic,
            audience: c.audience,
            locale: c.locale,
            title: c.title,
            summary: c.summary,
            body_markdown: c.body,
            steps: c.steps,
            red_flags: c
                .red_flags
                .into_iter()
                .map(|r| RedFlag {
                    text: r.text,
                    action: match r.action {
                        core::Emergency::Call999 => EmergencyAction::Call999,
                        core::Emergency::GoToAE => EmergencyAction::GoToAE,
                    },
                })
                .collect(),
            sources: c
                .sources
                .into_iter()
                .map(|s| CardSource {
                    title: s.title,
                    url: s.url,
                })
                .collect(),
            last_reviewed: c.last_reviewed.to_string(),
            clinically_reviewed: reviewed,
            reviewed_by: by,
            needs_clinical_content: c.needs_clinical_content,
        }
    }
}

#[uniffi::export]
impl Harbour {
    /// Library cards matching the filter. Needs no unlock.
    pub fn cards(&self, filter: CardFilter) -> Result<Vec<FirstAidCard>> {
        let f = core::CardFilter {
            kind: filter.kind,
            topic: filter.topic,
            audience: filter.audience,
        };
        Ok(self
            .core()
            .cards(&f)?
            .into_iter()
            .map(FirstAidCard::from)
            .collect())
    }

    pub fn card(&self, id: String) -> Result<FirstAidCard> {
        Ok(self.core().card(&id)?.into())
    }

    /// "Is this an emergency?": the next question after `answers`, or the outcome with help
    /// that fits `age`. The first question is the safety door; "not sure" counts as yes.
    pub fn triage(&self, answers: Vec<TriageAnswer>, age: Option<i32>) -> Result<TriageStep> {
        Ok(match self.core().triage(&answers, self::age(age)?)? {
            harbour_core::TriageStep::Question { number, question } => TriageStep::Question {
                question: triage_question(number, question),
            },
            harbour_core::TriageStep::Outcome {
                outcome: o,
                then,
                help,
            } => TriageStep::Outcome {
                outcome: TriageOutcome {
                    id: o.id,
                    urgency: o.urgency,
                    title: o.title,
                    text: o.text,
                    watch_for: o.watch_for,
                    cards: o.cards,
                    help: help.into(),
                    show_plan: o.plan,
                    then: then.map(|q| triage_question(answers.len() + 1, q)),
                },
            },
        })
    }

    /// A countable message in the pack's language (CLDR plural rules), e.g. ("minutes", 5).
    pub fn library_message(&self, key: String, n: i64) -> Result<String> {
        let n = crate::types::natural(n, "the number is negative")?;
        Ok(self.core().library_message(&key, n)?)
    }

    pub fn library_info(&self) -> Result<PackInfo> {
        Ok(self.core().library_info()?.into())
    }

    /// Checks the signature, every card and the triage before anything changes.
    pub async fn install_library_pack(
        self: Arc<Self>,
        pack: Vec<u8>,
        signature: Vec<u8>,
    ) -> Result<PackInfo> {
        self.off_thread(move |core, _| Ok(core.install_library_pack(&pack, &signature)?.into()))
            .await
    }
}
