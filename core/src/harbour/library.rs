//! The first-aid library and "is this an emergency?", which need no unlock.

use crate::directory::{HelpNow, HelpQuery};
use crate::library::triage::{self, Walked};
use crate::library::{Answer, Card, CardFilter, Outcome, Question, SessionPrompt};
use crate::pack::PackInfo;
use crate::{Harbour, Result};

/// Where "is this an emergency?" stands after the answers given.
#[derive(Debug, Clone, PartialEq)]
// An outcome is answered once per triage, so its size costs nothing worth a box.
#[allow(clippy::large_enum_variant)]
pub enum TriageStep {
    Question {
        number: usize,
        question: Question,
    },
    Outcome {
        outcome: Outcome,
        then: Option<Question>,
        /// 999 and A&E, then the outcome's services this person may use that are open now,
        /// then what else is open now for its topics; never without an always-open line.
        help: HelpNow,
    },
}

impl Harbour {
    /// Cards matching the filter, in the pack's order.
    pub fn cards(&self, filter: &CardFilter) -> Result<Vec<Card>> {
        Ok(self.library()?.content.cards(filter))
    }

    pub fn card(&self, id: &str) -> Result<Card> {
        self.library()?.content.card(id)
    }

    /// "Is this an emergency?": the next question after `answers`, or the outcome with the
    /// help that fits the person (`age`, as help now takes it). "Not sure" counts as "yes".
    /// The hand-over from the library's outcome to the directory's help is made here.
    pub fn triage(&self, answers: &[Answer], age: Option<u8>) -> Result<TriageStep> {
        let walked = triage::walk(&self.library()?.content.content().triage, answers)?;
        Ok(match walked {
            Walked::Question { number, question } => TriageStep::Question { number, question },
            Walked::Outcome { outcome, then } => {
                let query = HelpQuery {
                    age,
                    topics: outcome.help.topics.clone(),
                    ..Default::default()
                };
                let help = self.help_for(&outcome.help.services, &query)?;
                TriageStep::Outcome {
                    outcome,
                    then,
                    help,
                }
            }
        })
    }

    /// A countable message in the pack's language, e.g. `("minutes", 5)` → "5 minutes".
    pub fn library_message(&self, key: &str, n: u64) -> Result<String> {
        self.library()?.content.message(key, n)
    }

    pub(crate) fn session_prompts(&self) -> Result<Vec<SessionPrompt>> {
        Ok(self.library()?.content.content().walkthrough.clone())
    }

    pub fn library_info(&self) -> Result<PackInfo> {
        Ok(self.library()?.info)
    }

    pub fn install_library_pack(&self, pack_bytes: &[u8], signature: &[u8]) -> Result<PackInfo> {
        self.packs
            .library
            .install(pack_bytes, signature, &self.pack_store(), self.now())
    }
}
