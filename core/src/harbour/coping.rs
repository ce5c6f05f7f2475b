//! Things that help right now: the guided moment, the person's toolbox and their private
//! check-ins. The moment crosses domains (the library's ideas, the toolbox, the plan's people,
//! help now and the triage), so it is written here.

use crate::coping::checkins::{self, CheckIn, CheckInList, Tried, WhatHelped};
use crate::coping::moment;
use crate::coping::toolbox::{self, Marks, OwnActivity, Toolbox, ToolboxItem};
use crate::directory::{HelpNow, HelpQuery};
use crate::library::{
    Breathing, Card, CardFilter, CardKind, Coping, Feeling, FeelingLabel, Question,
};
use crate::plan::{self, PlanItem, Section};
use crate::secret::UserText;
use crate::store::records;
use std::sync::Arc;

use crate::library::Library;
use crate::{Error, Harbour, Result, TriageStep};

/// A moment started from a feeling, or from "I'm not sure".
#[derive(Debug, Clone, PartialEq)]
pub struct Moment {
    pub feeling: Option<Feeling>,
    /// A few ideas: favourites first, then their own, hidden never.
    pub ideas: Vec<ToolboxItem>,
    /// The pacer's timing; the app animates it.
    pub breathing: Breathing,
    /// Delaying, offered as a choice the person stays in charge of, never as a target.
    pub delay: String,
    /// "How is it now?" and its three answers, in the order to show them.
    pub how_now: String,
    pub answers: Vec<(HowNow, String)>,
}

/// The three ways on after an idea.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HowNow {
    Better,
    Same,
    WorseOrNotSafe,
}

/// Where "how is it now?" leads.
#[derive(Debug, Clone, PartialEq)]
// One answer per moment: the size of `GetHelp` costs nothing worth a box.
#[allow(clippy::large_enum_variant)]
pub enum AfterMoment {
    /// A bit better: done, and they can come back any time.
    Done { text: String },
    /// The same: another idea, or people from their plan.
    TryAnother {
        text: String,
        ideas: Vec<ToolboxItem>,
        /// "People I can ask for help" from the plan, where it can be read now (unlocked, or
        /// that section made quick access).
        people: Vec<PlanItem>,
        delay: String,
    },
    /// Worse, or not safe: help now and the triage's first door, in this one step.
    GetHelp {
        text: String,
        /// 999 and A&E, and what is open now, always with an always-open line.
        help: HelpNow,
        /// The triage's first question (thoughts of ending their life, or not feeling safe),
        /// so the right door is one tap away.
        first_door: Question,
        /// First aid after an injury, and when to get help.
        first_aid: Vec<Card>,
    },
}

impl Harbour {
    /// The loaded library, shared: callers borrow its coping content rather than copy it.
    fn coping_content(&self) -> Result<Arc<Library>> {
        Ok(self.library()?.content)
    }

    /// The feelings a moment can start from, with their words.
    pub fn coping_feelings(&self) -> Result<Vec<FeelingLabel>> {
        Ok(self.coping_content()?.content().coping.feelings.clone())
    }

    /// The labels of the check-in strength scale, weakest (1) first.
    pub fn strength_labels(&self) -> Result<Vec<String>> {
        Ok(self
            .coping_content()?
            .content()
            .coping
            .moment
            .strength
            .clone())
    }

    /// The toolbox the moment can read now: the whole of it when unlocked (and no supported
    /// session), a quick-access one when locked, else the library's ideas as they are. Never
    /// fails for want of the vault, and never waits for it: while another call holds the
    /// state lock (a rotation, an unlock deriving its key) it reads what quick access can.
    fn toolbox_for_moment(&self, coping: &Coping) -> Toolbox {
        let marks = if self.session.supported_active() {
            None
        } else {
            self.session.try_unlocked().and_then(|g| {
                g.run(|db, keys| db.glance(|db| toolbox::read(db.conn(), keys)))
                    .ok()
            })
        };
        let marks = marks.or_else(|| {
            let quick = self.session.quick().ok().flatten()?;
            quick
                .read(|tx, keys| toolbox::read_quick(tx, keys))
                .ok()
                .flatten()
        });
        marks.unwrap_or_default().toolbox(coping)
    }

    /// Starts a moment: a few ideas for `feeling` (or for "not sure"), the breathing pace,
    /// and the words to ask how it is afterwards. Needs no unlock.
    pub fn coping_moment(&self, feeling: Option<Feeling>) -> Result<Moment> {
        let library = self.coping_content()?;
        let coping = &library.content().coping;
        let ideas = moment::ideas(&self.toolbox_for_moment(coping), feeling, &[]);
        let w = &coping.moment;
        Ok(Moment {
            feeling,
            ideas,
            breathing: coping.breathing.clone(),
            delay: w.delay.clone(),
            how_now: w.how_now.clone(),
            answers: vec![
                (HowNow::Better, w.better.clone()),
                (HowNow::Same, w.same.clone()),
                (HowNow::WorseOrNotSafe, w.worse.clone()),
            ],
        })
    }

    /// After an idea: "a bit better" is done; "the same" offers other ideas (not those in
    /// `tried`) and people from the plan; "worse or not safe" gives help now and the triage's
    /// first door at once. `query` is help now's (age, area), used for the last.
    pub fn after_moment(
        &self,
        feeling: Option<Feeling>,
        answer: HowNow,
        tried: &[String],
        query: &HelpQuery,
    ) -> Result<AfterMoment> {
        let library = self.coping_content()?;
        let coping = &library.content().coping;
        let w = &coping.moment;
        Ok(match answer {
            HowNow::Better => AfterMoment::Done {
                text: w.after_better.clone(),
            },
            HowNow::Same => AfterMoment::TryAnother {
                text: w.after_same.clone(),
                ideas: moment::ideas(&self.toolbox_for_moment(coping), feeling, tried),
                people: self.people_to_ask(),
                delay: w.delay.clone(),
            },
            HowNow::WorseOrNotSafe => {
                let first_door = match self.triage(&[], query.age)? {
                    TriageStep::Question { question, .. } => question,
                    // The shipped tree starts with a question; a pack whose tree does not is
                    // refused by its lint, so this cannot be reached with a loaded library.
                    TriageStep::Outcome { .. } => return Err(Error::NotFound("triage question")),
                };
                AfterMoment::GetHelp {
                    text: w.after_worse.clone(),
                    help: self.help_now(query)?,
                    first_door,
                    first_aid: self.cards(&CardFilter {
                        kind: Some(CardKind::FirstAid),
                        ..Default::default()
                    })?,
                }
            }
        })
    }

    /// The plan's "people I can ask for help", where it can be read now; none otherwise.
    fn people_to_ask(&self) -> Vec<PlanItem> {
        let section = self.session.try_unlocked().and_then(|g| {
            g.run(|db, keys| db.glance(|db| plan::read(db.conn(), keys)))
                .ok()
                .map(|p| p.section(Section::PeopleToAsk).clone())
        });
        let section = section.or_else(|| {
            let quick = self.session.quick().ok().flatten()?;
            quick
                .read(|tx, keys| plan::quick_sections(tx, keys))
                .ok()?
                .into_iter()
                .find(|s| s.section == Section::PeopleToAsk)
        });
        section.map(|s| s.items).unwrap_or_default()
    }

    /// The toolbox: every idea, in the person's order, hidden ones marked. Needs the secret,
    /// and no supported session (their own ideas are private writing).
    pub fn toolbox(&self) -> Result<Toolbox> {
        let library = self.coping_content()?;
        let coping = &library.content().coping;
        let marks = self
            .session
            .notes()?
            .run(|db, keys| toolbox::read(db.conn(), keys))?;
        Ok(marks.toolbox(coping))
    }

    fn change_toolbox(
        &self,
        change: impl FnOnce(&mut Marks, &Coping) -> Result<()>,
    ) -> Result<Toolbox> {
        let library = self.coping_content()?;
        let coping = &library.content().coping;
        let (marks, ()) = self
            .session
            .notes()?
            .run(|db, keys| toolbox::update(db, keys, |m| change(m, coping)))?;
        Ok(marks.toolbox(coping))
    }

    /// Hides an idea from every moment (or shows it again). Hiding also unfavourites.
    pub fn set_idea_hidden(&self, id: &str, hidden: bool) -> Result<Toolbox> {
        self.change_toolbox(|m, c| m.set_hidden(c, id, hidden))
    }

    /// Makes an idea a favourite (offered first), or not. Favouriting also shows it again.
    pub fn set_idea_favourite(&self, id: &str, favourite: bool) -> Result<Toolbox> {
        self.change_toolbox(|m, c| m.set_favourite(c, id, favourite))
    }

    /// Adds an idea of their own. With `add_to_plan`, the same words become an item of the
    /// plan's "things I can do on my own", in the same transaction: both or neither.
    pub fn add_own_idea(
        &self,
        text: UserText,
        feelings: Vec<Feeling>,
        minutes: Option<u8>,
        add_to_plan: bool,
    ) -> Result<Toolbox> {
        toolbox::check_own(&text, minutes)?;
        let library = self.coping_content()?;
        let coping = &library.content().coping;
        let mut feelings = feelings;
        feelings.sort();
        feelings.dedup();
        let own = OwnActivity {
            id: records::new_id()?,
            text: text.clone(),
            feelings,
            minutes,
        };
        let item = if add_to_plan {
            Some(plan::new_item(text, None, None)?)
        } else {
            None
        };
        let now = self.now();
        let marks = self.session.notes()?.run(|db, keys| {
            db.write(|tx| {
                let (marks, ()) = toolbox::update_in(tx, keys, |m| m.add_own(own))?;
                if let Some(item) = item {
                    plan::add_item_in(tx, keys, now, Section::OnMyOwn, item)?;
                }
                Ok(marks)
            })
        })?;
        Ok(marks.toolbox(coping))
    }

    /// Changes the words of an idea of their own.
    pub fn edit_own_idea(&self, id: &str, text: UserText) -> Result<Toolbox> {
        self.change_toolbox(|m, _| m.edit_own(id, text))
    }

    /// Removes an idea of their own (a plan item made from it stays: it is the plan's now).
    pub fn remove_own_idea(&self, id: &str) -> Result<Toolbox> {
        self.change_toolbox(|m, _| m.remove_own(id))
    }

    /// Moves an idea to position `to` of the toolbox (0 is the top).
    pub fn move_idea(&self, id: &str, to: usize) -> Result<Toolbox> {
        self.change_toolbox(|m, c| m.move_to(c, id, to))
    }

    /// Makes the toolbox readable without the PIN, so a moment on a locked phone offers their
    /// own ideas and favourites, or takes that back.
    pub fn set_toolbox_quick_access(&self, quick: bool) -> Result<Toolbox> {
        self.change_toolbox(|m, _| {
            m.quick_access = quick;
            Ok(())
        })
    }

    /// Saves a private check-in: how strong a feeling was (1 to 5), what came before, what
    /// was tried and whether it helped. Needs the secret and no supported session.
    pub fn add_checkin(
        &self,
        feeling: Option<Feeling>,
        strength: u8,
        before: Option<UserText>,
        tried: Vec<Tried>,
    ) -> Result<CheckIn> {
        let c = checkins::new(feeling, strength, before, tried, self.now())?;
        self.session
            .notes()?
            .run(|db, keys| checkins::add(db, keys, &c))?;
        Ok(c)
    }

    /// Every check-in, newest first, with a count of any that could not be read.
    pub fn list_checkins(&self) -> Result<CheckInList> {
        self.session
            .notes()?
            .run(|db, keys| checkins::list(db.conn(), keys))
    }

    pub fn delete_checkin(&self, id: &str) -> Result<()> {
        self.session
            .notes()?
            .run(|db, keys| checkins::delete(db, keys, id))
    }

    /// The one check-in whose id starts with `prefix` (4+ characters), for people typing ids.
    pub fn resolve_checkin_id(&self, prefix: &str) -> Result<String> {
        self.session
            .notes()?
            .run(|db, _| checkins::resolve_id(db.conn(), prefix))
    }

    /// Moves a check-in into or out of quick access (readable without the PIN).
    pub fn set_checkin_quick_access(&self, id: &str, quick: bool) -> Result<CheckIn> {
        self.session
            .notes()?
            .run(|db, keys| checkins::set_quick_access(db, keys, id, quick))
    }

    /// "What has helped me": things tried that helped, most often first, in their own words.
    /// No counts, on purpose: a number beside each would read as a score.
    pub fn what_has_helped(&self) -> Result<Vec<WhatHelped>> {
        let list = self.list_checkins()?;
        Ok(checkins::what_helped(&list.checkins))
    }
}
