//! Things that help right now across the FFI: the guided moment, the toolbox and check-ins.
//!
//! Nothing here returns a count of days, a streak or a score (principle 3): a check-in has a
//! time and the person's own words, and "what has helped" is a ranked list with no numbers.

use std::sync::Arc;
use std::time::SystemTime;

use harbour_core as core;
use harbour_core::UserText;

use crate::error::Result;
use crate::harbour::Harbour;
use crate::library::{FirstAidCard, TriageQuestion, triage_question};
use crate::plan::PlanItem;
use crate::types::{count, invalid, natural, time};
use crate::{HelpNow, HelpQuery};

// The core's own enums, declared again for uniffi, variant for variant.
pub type Feeling = core::Feeling;
pub type IdeaRoute = core::Route;
pub type HowNow = core::HowNow;
pub type Helped = core::Helped;

#[uniffi::remote(Enum)]
pub enum Feeling {
    SadOrLonely,
    AngryOrRestless,
    Numb,
    NeedingControl,
    Shame,
    Overwhelmed,
    WantingToTalk,
}

#[uniffi::remote(Enum)]
pub enum IdeaRoute {
    HelpNow,
    PlanPeople,
    Breathing,
}

#[uniffi::remote(Enum)]
pub enum HowNow {
    Better,
    Same,
    WorseOrNotSafe,
}

#[uniffi::remote(Enum)]
pub enum Helped {
    Yes,
    ALittle,
    No,
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct FeelingLabel {
    pub feeling: Feeling,
    pub label: String,
}

/// An idea: the library's, or the person's own.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CopingIdea {
    pub id: String,
    pub own: bool,
    /// The library's title, or the person's own words.
    pub title: String,
    /// The library's one or two sentences; none for their own.
    pub text: Option<String>,
    pub feelings: Vec<Feeling>,
    /// A suggested length (1, 5 or 15); an optional timer, never a target.
    pub minutes: Option<i32>,
    /// Where the idea leads instead of a timer (help now, the plan's people, the pacer).
    pub leads_to: Option<IdeaRoute>,
    pub favourite: bool,
    pub hidden: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Toolbox {
    /// In the person's order; hidden ideas included and marked, so they can be shown again.
    pub ideas: Vec<CopingIdea>,
    pub quick_access: bool,
}

/// The pacer's timing: the app animates it.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct BreathingPace {
    pub breathe_in_seconds: i32,
    pub hold_seconds: i32,
    pub breathe_out_seconds: i32,
    pub rounds: i32,
    /// Whether a clinician has reviewed the timing (false: pending).
    pub clinically_reviewed: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct HowNowChoice {
    pub answer: HowNow,
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CopingMoment {
    pub feeling: Option<Feeling>,
    /// A few ideas: favourites first, hidden never.
    pub ideas: Vec<CopingIdea>,
    pub breathing: BreathingPace,
    /// Delaying, offered as a choice the person stays in charge of.
    pub delay: String,
    pub how_now: String,
    /// The three answers, in the order to show them.
    pub answers: Vec<HowNowChoice>,
}

#[derive(Debug, Clone, PartialEq, uniffi::Enum)]
// One answer per moment; boxing would not survive the boundary anyway.
#[allow(clippy::large_enum_variant)]
pub enum AfterMoment {
    Done {
        text: String,
    },
    TryAnother {
        text: String,
        ideas: Vec<CopingIdea>,
        /// "People I can ask for help" from the plan, where it can be read now.
        people: Vec<PlanItem>,
        delay: String,
    },
    /// Worse, or not safe: help now and the triage's first door, in this one step.
    GetHelp {
        text: String,
        help: HelpNow,
        first_door: TriageQuestion,
        first_aid: Vec<FirstAidCard>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct TriedThing {
    /// In the person's words (an idea's title if they picked one).
    pub what: String,
    /// The idea's id, if it was one.
    pub idea: Option<String>,
    pub helped: Helped,
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CheckIn {
    pub id: String,
    pub at: SystemTime,
    pub feeling: Option<Feeling>,
    /// 1 (a little) to 5 (very strong); `strengthLabels()` gives the words.
    pub strength: i32,
    pub before: Option<String>,
    pub tried: Vec<TriedThing>,
    pub quick_access: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CheckInList {
    pub checkins: Vec<CheckIn>,
    /// Check-ins that could not be read (a damaged part of the vault). 0 normally.
    pub unreadable: i32,
}

/// Something that has helped, in the person's words. Deliberately no count.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct WhatHelped {
    pub what: String,
    pub idea: Option<String>,
}

fn idea(i: core::ToolboxItem) -> CopingIdea {
    CopingIdea {
        id: i.id,
        own: i.own,
        title: i.title.as_str().to_owned(),
        text: i.text,
        feelings: i.feelings,
        minutes: i.minutes.map(i32::from),
        leads_to: i.leads_to,
        favourite: i.favourite,
        hidden: i.hidden,
    }
}

impl From<core::Toolbox> for Toolbox {
    fn from(t: core::Toolbox) -> Self {
        Toolbox {
            ideas: t.items.into_iter().map(idea).collect(),
            quick_access: t.quick_access,
        }
    }
}

impl From<core::CheckIn> for CheckIn {
    fn from(c: core::CheckIn) -> Self {
        CheckIn {
            id: c.id,
            at: time(c.at),
            feeling: c.feeling,
            strength: i32::from(c.strength),
            before: c.before.map(|b| b.as_str().to_owned()),
            tried: c
                .tried
                .into_iter()
                .map(|t| TriedThing {
                    what: t.what.as_str().to_owned(),
                    idea: t.idea,
                    helped: t.helped,
                })
                .collect(),
            quick_access: c.quick_access,
        }
    }
}

fn minutes(m: Option<i32>) -> Result<Option<u8>> {
    m.map(|m| natural(m, "a length is 1, 5 or 15 minutes"))
        .transpose()
}

fn position(i: i32) -> Result<usize> {
    natural(i, "the position is negative")
}

#[uniffi::export]
impl Harbour {
    /// The feelings a moment can start from, with their words. Needs no unlock.
    pub fn coping_feelings(&self) -> Result<Vec<FeelingLabel>> {
        Ok(self
            .core()
            .coping_feelings()?
            .into_iter()
            .map(|f| FeelingLabel {
                feeling: f.feeling,
                label: f.label,
            })
            .collect())
    }

    /// The words of the check-in strength scale, weakest (1) first.
    pub fn strength_labels(&self) -> Result<Vec<String>> {
        Ok(self.core().strength_labels()?)
    }

    /// Starts a moment from a feeling, or `null` / `nil` for "I'm not sure". Needs no unlock:
    /// a locked phone gets the library's ideas (and a quick-access toolbox's).
    pub fn coping_moment(&self, feeling: Option<Feeling>) -> Result<CopingMoment> {
        let m = self.core().coping_moment(feeling)?;
        let b = m.breathing;
        Ok(CopingMoment {
            feeling: m.feeling,
            ideas: m.ideas.into_iter().map(idea).collect(),
            breathing: BreathingPace {
                breathe_in_seconds: i32::from(b.breathe_in_seconds),
                hold_seconds: i32::from(b.hold_seconds),
                breathe_out_seconds: i32::from(b.breathe_out_seconds),
                rounds: i32::from(b.rounds),
                clinically_reviewed: !matches!(b.clinical_review, core::ClinicalReview::Pending),
            },
            delay: m.delay,
            how_now: m.how_now,
            answers: m
                .answers
                .into_iter()
                .map(|(answer, label)| HowNowChoice { answer, label })
                .collect(),
        })
    }

    /// After an idea: better is done; the same offers other ideas (not those in `tried`) and
    /// people from the plan; worse or not safe gives help now and the triage's first door.
    pub fn after_moment(
        &self,
        feeling: Option<Feeling>,
        answer: HowNow,
        tried: Vec<String>,
        query: HelpQuery,
    ) -> Result<AfterMoment> {
        let after = self
            .core()
            .after_moment(feeling, answer, &tried, &query.into_core()?)?;
        Ok(match after {
            core::AfterMoment::Done { text } => AfterMoment::Done { text },
            core::AfterMoment::TryAnother {
                text,
                ideas,
                people,
                delay,
            } => AfterMoment::TryAnother {
                text,
                ideas: ideas.into_iter().map(idea).collect(),
                people: people.into_iter().map(PlanItem::from).collect(),
                delay,
            },
            core::AfterMoment::GetHelp {
                text,
                help,
                first_door,
                first_aid,
            } => AfterMoment::GetHelp {
                text,
                help: help.into(),
                first_door: triage_question(1, first_door),
                first_aid: first_aid.into_iter().map(FirstAidCard::from).collect(),
            },
        })
    }

    /// The toolbox, in the person's order. Needs the secret and no supported session.
    pub fn toolbox(&self) -> Result<Toolbox> {
        Ok(self.core().toolbox()?.into())
    }

    pub fn set_idea_hidden(&self, id: String, hidden: bool) -> Result<Toolbox> {
        Ok(self.core().set_idea_hidden(&id, hidden)?.into())
    }

    pub fn set_idea_favourite(&self, id: String, favourite: bool) -> Result<Toolbox> {
        Ok(self.core().set_idea_favourite(&id, favourite)?.into())
    }

    /// Adds an idea of their own; with `addToPlan`, also to the plan's "things I can do on my
    /// own" (both or neither).
    pub fn add_own_idea(
        &self,
        text: String,
        feelings: Vec<Feeling>,
        minutes: Option<i32>,
        add_to_plan: bool,
    ) -> Result<Toolbox> {
        Ok(self
            .core()
            .add_own_idea(
                UserText::new(text),
                feelings,
                self::minutes(minutes)?,
                add_to_plan,
            )?
            .into())
    }

    pub fn edit_own_idea(&self, id: String, text: String) -> Result<Toolbox> {
        Ok(self.core().edit_own_idea(&id, UserText::new(text))?.into())
    }

    pub fn remove_own_idea(&self, id: String) -> Result<Toolbox> {
        Ok(self.core().remove_own_idea(&id)?.into())
    }

    /// Moves an idea to position `to` (0 is the top).
    pub fn move_idea(&self, id: String, to: i32) -> Result<Toolbox> {
        Ok(self.core().move_idea(&id, position(to)?)?.into())
    }

    pub fn set_toolbox_quick_access(&self, quick_access: bool) -> Result<Toolbox> {
        Ok(self.core().set_toolbox_quick_access(quick_access)?.into())
    }

    /// Saves a private check-in. `strength` is 1 to 5.
    pub fn add_checkin(
        &self,
        feeling: Option<Feeling>,
        strength: i32,
        before: Option<String>,
        tried: Vec<TriedThing>,
    ) -> Result<CheckIn> {
        let strength = u8::try_from(strength).map_err(|_| invalid("strength is from 1 to 5"))?;
        let tried = tried
            .into_iter()
            .map(|t| core::Tried {
                what: UserText::new(t.what),
                idea: t.idea,
                helped: t.helped,
            })
            .collect();
        Ok(self
            .core()
            .add_checkin(feeling, strength, before.map(UserText::new), tried)?
            .into())
    }

    /// Every check-in, newest first. Off the caller's thread: it decrypts them all.
    pub async fn list_checkins(self: Arc<Self>) -> Result<CheckInList> {
        self.off_thread(|core, _| {
            let l = core.list_checkins()?;
            Ok(CheckInList {
                checkins: l.checkins.into_iter().map(CheckIn::from).collect(),
                unreadable: count(l.unreadable),
            })
        })
        .await
    }

    pub fn delete_checkin(&self, id: String) -> Result<()> {
        Ok(self.core().delete_checkin(&id)?)
    }

    pub fn set_checkin_quick_access(&self, id: String, quick_access: bool) -> Result<CheckIn> {
        Ok(self
            .core()
            .set_checkin_quick_access(&id, quick_access)?
            .into())
    }

    /// Things tried that helped, most often first, in the person's words; no counts. Off the
    /// caller's thread, as `listCheckins`.
    pub async fn what_has_helped(self: Arc<Self>) -> Result<Vec<WhatHelped>> {
        self.off_thread(|core, _| {
            Ok(core
                .what_has_helped()?
                .into_iter()
                .map(|w| WhatHelped {
                    what: w.what.as_str().to_owned(),
                    idea: w.idea,
                })
                .collect())
        })
        .await
    }
}
