//! "Is this an emergency?": walking the tree, and proving the tree safe.
//!
//! The tree lives in the signed library pack so its wording can change without code. What it
//! must ask does not live in its wording: the pack also lists the **criteria** (every reason
//! the first-aid sources give to call 999, go to A&E or be seen the same day), each question
//! names the criteria a "yes" means, and [`problems`] walks every path to prove that
//!
//! - a "yes" (or "not sure", which always follows "yes") to a question reaches care at least
//!   as urgent as the most urgent criterion it asks about;
//! - no path ends in less urgent care while a more urgent criterion of the injury door went
//!   unasked, unless the person said "no" to the door's gate ("Is someone hurt?");
//! - the safety door (thoughts of ending one's life, not being able to stay safe) is the very
//!   first question, so no one reaches injury questions before it;
//! - every criterion is asked somewhere, and nothing loops, dead-ends or runs too long.
//!
//! A pack that fails any of these is refused on the phone as well as by the builder, so a
//! missing criterion cannot ship.

use std::collections::{HashMap, HashSet};

use super::model::{Answer, Care, Criterion, Door, Next, Outcome, Question, Triage, Urgency};
use crate::{Error, Result};

/// The longest path a tree may have. Anyone with a red flag stops at its first "yes", someone
/// who is not hurt answers two questions, and a small wound with nothing wrong takes the
/// longest path: fourteen short yes-or-no questions today.
pub const MAX_DEPTH: usize = 14;

/// Where someone is in the tree after some answers.
#[derive(Debug, Clone, PartialEq)]
pub enum Walked {
    Question {
        /// 1 for the first question.
        number: usize,
        question: Question,
    },
    Outcome {
        outcome: Outcome,
        /// The question that can follow this outcome, if any (answering it continues).
        then: Option<Question>,
    },
}

struct Index<'a> {
    questions: HashMap<&'a str, &'a Question>,
    outcomes: HashMap<&'a str, &'a Outcome>,
    criteria: HashMap<&'a str, &'a Criterion>,
}

fn index(t: &Triage) -> Index<'_> {
    Index {
        questions: t.questions.iter().map(|q| (q.id.as_str(), q)).collect(),
        outcomes: t.outcomes.iter().map(|o| (o.id.as_str(), o)).collect(),
        criteria: t.criteria.iter().map(|c| (c.id.as_str(), c)).collect(),
    }
}

/// Follows `answers` from the start. An answer given after an outcome that has a follow-up
/// question answers that question.
pub fn walk(t: &Triage, answers: &[Answer]) -> Result<Walked> {
    let idx = index(t);
    let question =
        |id: &str| -> Result<&Question> { idx.questions.get(id).copied().ok_or(Error::Tampered) };
    let mut at = Next::Question(t.start.clone());
    let mut asked = 0usize;
    for answer in answers {
        let id = match &at {
            Next::Question(id) => id.clone(),
            Next::Outcome(o) => {
                let outcome = idx.outcomes.get(o.as_str()).ok_or(Error::Tampered)?;
                outcome
                    .then
                    .clone()
                    .ok_or(Error::InvalidInput("more answers than questions"))?
            }
        };
        asked += 1;
        if asked > MAX_DEPTH {
            return Err(Error::Tampered);
        }
        let q = question(&id)?;
        at = if answer.counts_as_yes() {
            q.yes.clone()
        } else {
            q.no.clone()
        };
    }
    match at {
        Next::Question(id) => Ok(Walked::Question {
            number: asked + 1,
            question: question(&id)?.clone(),
        }),
        Next::Outcome(id) => {
            let outcome = (*idx.outcomes.get(id.as_str()).ok_or(Error::Tampered)?).clone();
            let then = match &outcome.then {
                Some(q) => Some(question(q)?.clone()),
                None => None,
            };
            Ok(Walked::Outcome { outcome, then })
        }
    }
}

/// One complete path: the answers given and the outcomes shown along it, in order.
#[derive(Debug, Clone)]
pub struct Path {
    /// Question id and whether the answer followed "yes" ("yes" or "not sure").
    pub answers: Vec<(String, bool)>,
    pub outcomes: Vec<String>,
}

/// Every path through the tree, following outcomes' follow-up questions. Fails on a loop, a
/// dead reference or a path longer than [`MAX_DEPTH`].
pub fn all_paths(t: &Triage) -> std::result::Result<Vec<Path>, String> {
    let idx = index(t);
    let mut paths = Vec::new();
    let mut stack = vec![(
        Next::Question(t.start.clone()),
        Path {
            answers: vec![],
            outcomes: vec![],
        },
    )];
    while let Some((next, mut path)) = stack.pop() {
        let q = match next {
            Next::Outcome(o) => {
                let outcome = idx
                    .outcomes
                    .get(o.as_str())
                    .ok_or(format!("unknown outcome {o}"))?;
                if path.outcomes.contains(&o) {
                    return Err(format!("outcome {o} is in a loop"));
                }
                path.outcomes.push(o);
                match &outcome.then {
                    Some(q) => q.clone(),
                    None => {
                        paths.push(path);
                        continue;
                    }
                }
            }
            Next::Question(q) => q,
        };
        if path.answers.iter().any(|(id, _)| *id == q) {
            return Err(format!("question {q} is in a loop"));
        }
        if path.answers.len() >= MAX_DEPTH {
            return Err(format!("a path is longer than {MAX_DEPTH} questions"));
        }
        let question = idx
            .questions
            .get(q.as_str())
            .ok_or(format!("unknown question {q}"))?;
        for (yes, target) in [(true, &question.yes), (false, &question.no)] {
            let mut next_path = path.clone();
            next_path.answers.push((q.clone(), yes));
            stack.push((target.clone(), next_path));
        }
    }
    Ok(paths)
}

/// The most urgent care a question's criteria call for.
fn question_care(idx: &Index<'_>, q: &Question) -> Option<Care> {
    q.criteria
        .iter()
        .filter_map(|c| idx.criteria.get(c.as_str()))
        .map(|c| c.care)
        .max()
}

/// The most urgent care the outcomes shown along a path send someone to.
fn path_care(idx: &Index<'_>, path: &Path) -> Option<Care> {
    path.outcomes
        .iter()
        .filter_map(|o| idx.outcomes.get(o.as_str()))
        .filter_map(|o| o.urgency.care())
        .max()
}

/// Every problem with the tree. Empty means acceptable.
pub fn problems(t: &Triage, card_ids: &HashSet<&str>) -> Vec<String> {
    let mut p = Vec::new();
    // Questions and outcomes share one namespace (answers lead to either); criteria have
    // their own.
    let ids: Vec<&str> = t
        .questions
        .iter()
        .map(|q| q.id.as_str())
        .chain(t.outcomes.iter().map(|o| o.id.as_str()))
        .collect();
    if ids.iter().collect::<HashSet<_>>().len() != ids.len() {
        p.push("triage ids are not unique".to_owned());
    }
    if t.criteria
        .iter()
        .map(|c| &c.id)
        .collect::<HashSet<_>>()
        .len()
        != t.criteria.len()
    {
        p.push("triage criterion ids are not unique".to_owned());
    }
    let idx = index(t);
    for c in &t.criteria {
        if c.sources.is_empty() || c.sources.iter().any(|s| s.title.trim().is_empty()) {
            p.push(format!("triage criterion {}: needs its sources", c.id));
        }
    }
    for q in &t.questions {
        for c in &q.criteria {
            if !idx.criteria.contains_key(c.as_str()) {
                p.push(format!(
                    "triage question {} asks unknown criterion {c}",
                    q.id
                ));
            }
        }
        let emergency = question_care(&idx, q).is_some_and(|c| c >= Care::GoToAE);
        if q.red_flag != emergency {
            p.push(format!(
                "triage question {}: red_flag must be {emergency}, as its criteria say",
                q.id
            ));
        }
        if q.gate && !q.criteria.is_empty() {
            p.push(format!(
                "triage question {}: a gate asks no criterion",
                q.id
            ));
        }
    }
    let asked: HashSet<&str> = t
        .questions
        .iter()
        .flat_map(|q| q.criteria.iter().map(String::as_str))
        .collect();
    for c in &t.criteria {
        if !asked.contains(c.id.as_str()) {
            p.push(format!("triage criterion {} is never asked", c.id));
        }
    }
    // The safety door comes first: the start question asks every safety criterion.
    let start_asks: HashSet<&str> = idx
        .questions
        .get(t.start.as_str())
        .map(|q| q.criteria.iter().map(String::as_str).collect())
        .unwrap_or_default();
    for c in t.criteria.iter().filter(|c| c.door == Door::Safety) {
        if !start_asks.contains(c.id.as_str()) {
            p.push(format!(
                "triage criterion {} belongs to the safety door, which must be the first question",
                c.id
            ));
        }
    }

    let paths = match all_paths(t) {
        Ok(paths) => paths,
        Err(e) => {
            p.push(format!("triage: {e}"));
            return p;
        }
    };
    let reached_q: HashSet<&str> = paths
        .iter()
        .flat_map(|path| path.answers.iter().map(|(q, _)| q.as_str()))
        .collect();
    let reached_o: HashSet<&str> = paths
        .iter()
        .flat_map(|path| path.outcomes.iter().map(String::as_str))
        .collect();
    for q in &t.questions {
        if !reached_q.contains(q.id.as_str()) {
            p.push(format!("triage question {} cannot be reached", q.id));
        }
        if q.text.trim().is_empty() {
            p.push(format!("triage question {} has no text", q.id));
        }
    }
    for o in &t.outcomes {
        if !reached_o.contains(o.id.as_str()) {
            p.push(format!("triage outcome {} cannot be reached", o.id));
        }
        for c in &o.cards {
            if !card_ids.contains(c.as_str()) {
                p.push(format!("triage outcome {} links unknown card {c}", o.id));
            }
        }
        if o.urgency == Urgency::SelfCare && o.watch_for.is_empty() {
            p.push(format!(
                "triage outcome {}: looking after it at home needs signs to watch for",
                o.id
            ));
        }
        // Every outcome carries help, self-care included (resolved for the person's age).
        if o.help.services.is_empty() && o.help.topics.is_empty() {
            p.push(format!("triage outcome {} offers no help", o.id));
        }
    }
    for path in &paths {
        p.extend(path_problems(&idx, t, path));
    }
    p.sort();
    p.dedup();
    p
}

/// What is wrong with one path: under-escalation of an answer given, or a criterion skipped.
fn path_problems(idx: &Index<'_>, t: &Triage, path: &Path) -> Vec<String> {
    let mut p = Vec::new();
    let reached = path_care(idx, path);
    let end = path.outcomes.last().map_or("", String::as_str);
    for (qid, yes) in &path.answers {
        let Some(q) = idx.questions.get(qid.as_str()) else {
            continue;
        };
        if let Some(needed) = question_care(idx, q).filter(|_| *yes)
            && reached < Some(needed)
        {
            p.push(format!(
                "triage: a yes to {qid} needs {needed:?} but the path ends in {end}"
            ));
        }
    }
    // Ruled out: criteria answered "no", and every injury criterion once its gate said "no".
    let gated_out = path
        .answers
        .iter()
        .any(|(q, yes)| !yes && idx.questions.get(q.as_str()).is_some_and(|q| q.gate));
    let ruled_out: HashSet<&str> = path
        .answers
        .iter()
        .filter(|(_, yes)| !yes)
        .filter_map(|(q, _)| idx.questions.get(q.as_str()))
        .flat_map(|q| q.criteria.iter().map(String::as_str))
        .collect();
    for c in &t.criteria {
        let more_urgent = reached < Some(c.care);
        let skipped = !ruled_out.contains(c.id.as_str());
        let excused = c.door == Door::Injury && gated_out;
        if more_urgent && skipped && !excused {
            p.push(format!(
                "triage: a path to {end} never asks criterion {} ({:?})",
                c.id, c.care
            ));
        }
    }
    p
}
