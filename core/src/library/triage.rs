//! "Is this an emergency?": walking the tree, and checking the tree itself.
//!
//! The tree lives in the signed library pack so its wording can change without code; these
//! checks make sure no pack can ship a tree with a dead end, a loop, an unreachable question,
//! or a path that answers "yes" to a red flag and ends in "look after it at home".

use std::collections::{HashMap, HashSet};

use super::model::{Next, Outcome, Question, Triage, Urgency};
use crate::{Error, Result};

/// The longest path a tree may have: a person in distress should not face twenty questions.
pub const MAX_DEPTH: usize = 12;

/// Where someone is in the tree after some answers.
#[derive(Debug, Clone, PartialEq)]
pub enum TriageStep {
    Question {
        /// 1 for the first question.
        number: usize,
        question: Question,
    },
    Outcome(Outcome),
}

struct Index<'a> {
    questions: HashMap<&'a str, &'a Question>,
    outcomes: HashMap<&'a str, &'a Outcome>,
}

fn index(t: &Triage) -> Index<'_> {
    Index {
        questions: t.questions.iter().map(|q| (q.id.as_str(), q)).collect(),
        outcomes: t.outcomes.iter().map(|o| (o.id.as_str(), o)).collect(),
    }
}

/// Follows `answers` (true = yes) from the start.
pub fn walk(t: &Triage, answers: &[bool]) -> Result<TriageStep> {
    let idx = index(t);
    let mut next = Next::Question(t.start.clone());
    for (i, yes) in answers.iter().enumerate() {
        let Next::Question(id) = &next else {
            return Err(Error::InvalidInput("more answers than questions"));
        };
        let q = idx.questions.get(id.as_str()).ok_or(Error::Tampered)?;
        next = if *yes { q.yes.clone() } else { q.no.clone() };
        if i > MAX_DEPTH {
            return Err(Error::Tampered);
        }
    }
    match next {
        Next::Question(id) => Ok(TriageStep::Question {
            number: answers.len() + 1,
            question: (*idx.questions.get(id.as_str()).ok_or(Error::Tampered)?).clone(),
        }),
        Next::Outcome(id) => Ok(TriageStep::Outcome(
            (*idx.outcomes.get(id.as_str()).ok_or(Error::Tampered)?).clone(),
        )),
    }
}

/// One complete path: the answers given and where they end.
#[derive(Debug, Clone)]
pub struct Path {
    pub answers: Vec<(String, bool)>,
    pub outcome: String,
}

/// Every path through the tree (the tree is small by construction). Fails on a loop, a dead
/// reference or a path longer than [`MAX_DEPTH`].
pub fn all_paths(t: &Triage) -> std::result::Result<Vec<Path>, String> {
    let idx = index(t);
    let mut paths = Vec::new();
    let mut stack: Vec<(Next, Vec<(String, bool)>)> =
        vec![(Next::Question(t.start.clone()), vec![])];
    while let Some((next, so_far)) = stack.pop() {
        match next {
            Next::Outcome(o) => {
                if !idx.outcomes.contains_key(o.as_str()) {
                    return Err(format!("unknown outcome {o}"));
                }
                paths.push(Path {
                    answers: so_far,
                    outcome: o,
                });
            }
            Next::Question(q) => {
                if so_far.iter().any(|(id, _)| *id == q) {
                    return Err(format!("question {q} is in a loop"));
                }
                if so_far.len() >= MAX_DEPTH {
                    return Err(format!("a path is longer than {MAX_DEPTH} questions"));
                }
                let question = idx
                    .questions
                    .get(q.as_str())
                    .ok_or(format!("unknown question {q}"))?;
                for (answer, target) in [(true, &question.yes), (false, &question.no)] {
                    let mut path = so_far.clone();
                    path.push((q.clone(), answer));
                    stack.push((target.clone(), path));
                }
            }
        }
    }
    Ok(paths)
}

/// Every problem with the tree. Empty means acceptable.
pub fn problems(t: &Triage, card_ids: &HashSet<&str>) -> Vec<String> {
    let mut p = Vec::new();
    let ids: Vec<&str> = t
        .questions
        .iter()
        .map(|q| q.id.as_str())
        .chain(t.outcomes.iter().map(|o| o.id.as_str()))
        .collect();
    if ids.iter().collect::<HashSet<_>>().len() != ids.len() {
        p.push("triage ids are not unique".to_owned());
    }
    let idx = index(t);
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
    let reached_o: HashSet<&str> = paths.iter().map(|path| path.outcome.as_str()).collect();
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
    }
    for path in &paths {
        let urgency = idx.outcomes.get(path.outcome.as_str()).map(|o| o.urgency);
        let red_yes = path
            .answers
            .iter()
            .find(|(q, yes)| *yes && idx.questions.get(q.as_str()).is_some_and(|q| q.red_flag));
        if let Some((q, _)) = red_yes {
            if !matches!(urgency, Some(Urgency::Call999 | Urgency::GoToAE)) {
                p.push(format!(
                    "triage: a yes to red flag {q} can end in {}",
                    path.outcome
                ));
            }
        }
    }
    p
}
