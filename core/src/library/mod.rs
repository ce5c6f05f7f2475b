//! The library: first aid after an injury and when to get help, "is this an emergency?", and
//! information for young people, parents and carers, friends and workers.
//!
//! Readable with no signal and no unlock. Written only from `reference/first-aid.md` and
//! `principles.md`: first aid *after* an injury, never how to self-harm. Shipped as a signed
//! pack like the directory's, and every card says whether a clinician has reviewed it.

pub mod coping;
pub mod lint;
pub mod markdown;
pub mod model;
pub mod plural;
pub mod triage;

use serde::Deserialize;

pub use coping::{Activity, Breathing, Coping, Feeling, FeelingLabel, Route};
pub use markdown::{Block, Inline};
pub use model::*;

use crate::pack::{Baseline, Validate};
use crate::{Error, Result};

/// The baseline pack compiled into the library (`fixtures/packs/library.json`, deflated).
pub const BASELINE: Baseline = Baseline {
    deflated: include_bytes!(concat!(env!("OUT_DIR"), "/library.json.deflate")),
    signature: include_bytes!("../../../fixtures/packs/library.json.minisig"),
};

/// A loaded library.
#[derive(Debug, Deserialize)]
#[serde(from = "LibraryContent")]
pub struct Library {
    content: LibraryContent,
}

impl From<LibraryContent> for Library {
    fn from(mut content: LibraryContent) -> Self {
        // A body that does not parse is left empty here and refused by `validate` (the lint
        // parses every body), which runs before a loaded pack is ever used.
        for card in &mut content.cards {
            card.blocks = markdown::parse(&card.body).unwrap_or_default();
        }
        Library { content }
    }
}

impl Validate for Library {
    fn validate(&self) -> std::result::Result<(), &'static str> {
        // The whole content lint, on the phone too: a pack that breaks the principles is never
        // shown, whoever signed it.
        if lint::lint(&self.content).problems.is_empty() {
            Ok(())
        } else {
            Err("the library content failed its lint")
        }
    }
}

impl Library {
    pub fn content(&self) -> &LibraryContent {
        &self.content
    }

    /// Cards matching the filter, in the pack's order.
    pub fn cards(&self, filter: &CardFilter) -> Vec<Card> {
        self.content
            .cards
            .iter()
            .filter(|c| filter.kind.is_none_or(|k| c.kind == k))
            .filter(|c| filter.topic.as_deref().is_none_or(|t| c.topic == t))
            .filter(|c| filter.audience.is_none_or(|a| c.audience.contains(&a)))
            .cloned()
            .collect()
    }

    pub fn card(&self, id: &str) -> Result<Card> {
        self.content
            .cards
            .iter()
            .find(|c| c.id == id)
            .cloned()
            .ok_or(Error::NotFound("card"))
    }

    /// A countable message in the pack's language, e.g. `("minutes", 5)` → "5 minutes".
    pub fn message(&self, key: &str, n: u64) -> Result<String> {
        let c = &self.content;
        let m = c.messages.get(key).ok_or(Error::NotFound("message"))?;
        let text = match m {
            Message::Plain(t) => t,
            Message::Plural {
                zero,
                one,
                two,
                few,
                many,
                other,
            } => {
                use plural::Category::*;
                match plural::category(&c.locale, n) {
                    Zero => zero.as_ref(),
                    One => one.as_ref(),
                    Two => two.as_ref(),
                    Few => few.as_ref(),
                    Many => many.as_ref(),
                    Other => None,
                }
                .unwrap_or(other)
            }
        };
        Ok(text.replace("{n}", &n.to_string()))
    }
}

/// Which cards to list. Empty fields match everything.
#[derive(Debug, Clone, Default)]
pub struct CardFilter {
    pub kind: Option<CardKind>,
    pub topic: Option<String>,
    pub audience: Option<Audience>,
}
