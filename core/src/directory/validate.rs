//! Checks a directory before it is signed (publisher) and again after it is verified (phone).
//!
//! Every problem is listed with the service it is in, for the publisher. The phone only needs
//! to know that the pack is unacceptable.

use super::areas::{UnitsEntry, parse_other_districts, parse_units};
use std::collections::HashSet;

use super::model::*;

/// Services every pack must carry, active: emergency help, NHS 111, and the two national
/// lines open to everyone (principle: a bad pack must never hide them).
pub const ESSENTIAL_SERVICES: &[&str] = &[
    "emergency-999",
    "nhs-111-mental-health",
    "samaritans",
    "childline",
];

const MAX_TEXT: usize = 4000;
const MAX_SERVICES: usize = 200_000;

fn slug_ok(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 80
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

fn gss_ok(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 9 && b"EWSN".contains(&b[0]) && b[1..].iter().all(u8::is_ascii_digit)
}

fn district_ok(s: &str) -> bool {
    let b = s.as_bytes();
    (2..=4).contains(&b.len())
        && b[0].is_ascii_uppercase()
        && b.iter()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        && b.iter().any(u8::is_ascii_digit)
}

fn value_ok(kind: ChannelKind, v: &str) -> bool {
    let digits = || !v.is_empty() && v.chars().all(|c| c.is_ascii_digit() || c == ' ');
    match kind {
        ChannelKind::Call | ChannelKind::Text | ChannelKind::Relay => digits(),
        ChannelKind::Email => {
            v.split_once('@')
                .is_some_and(|(a, d)| !a.is_empty() && d.contains('.'))
                && !v.contains(char::is_whitespace)
        }
        ChannelKind::Webchat | ChannelKind::Web => {
            !v.contains(char::is_whitespace) && v.contains('.') && !v.contains("://")
        }
        ChannelKind::App | ChannelKind::InPerson => !v.trim().is_empty(),
    }
}

fn check_hours(h: &Hours, at: &str, problems: &mut Vec<String>) {
    let Hours::Weekly {
        windows,
        exceptions,
    } = h
    else {
        return;
    };
    if windows.is_empty() {
        problems.push(format!(
            "service {at}: weekly hours with no windows (use \"unknown\")"
        ));
    }
    let all = windows
        .iter()
        .chain(exceptions.iter().flat_map(|e| &e.windows));
    for w in all {
        if w.days.is_empty() {
            problems.push(format!("service {at}: a window with no days"));
        }
        let (o, c) = (w.opens, w.closes);
        if let Some(l) = w.last_new_contact
            && c > o
            && !(o <= l && l <= c)
        {
            problems.push(format!(
                "service {at}: last new contact {l} outside {o}–{c}"
            ));
        }
    }
    for e in exceptions {
        if e.from > e.to {
            problems.push(format!("service {at}: an exception ends before it starts"));
        }
    }
}

/// Every problem found, each naming where it is. Empty means acceptable.
/// The words of every service, checked as card text is (the avoid-list and sentence length).
/// Run when a pack is built and by the tests, not on the phone: the phone checks structure.
pub fn text_problems(d: &DirectoryContent) -> Vec<String> {
    use crate::wording as lint;
    let mut p = Vec::new();
    for s in &d.services {
        let texts = [Some(&s.name), Some(&s.description), s.status_note.as_ref()]
            .into_iter()
            .flatten()
            .chain(std::iter::once(&s.eligibility.description))
            .chain(s.channels.iter().filter_map(|c| c.instructions.as_ref()))
            .chain(s.channels.iter().filter_map(|c| c.response_note.as_ref()))
            .chain(s.provenance.conflicts.iter());
        for text in texts {
            for word in lint::avoided(text) {
                p.push(format!("service {}: \"{word}\" is not allowed", s.id));
            }
            let longest = lint::reading(text).longest_sentence;
            if longest > lint::MAX_SENTENCE_WORDS {
                p.push(format!(
                    "service {}: a sentence of {longest} words (at most {})",
                    s.id,
                    lint::MAX_SENTENCE_WORDS
                ));
            }
        }
    }
    p
}

pub fn problems(d: &DirectoryContent) -> Vec<String> {
    let mut p = Vec::new();
    if d.services.len() > MAX_SERVICES {
        p.push("too many services".to_owned());
        return p;
    }
    let mut area_codes = HashSet::new();
    for a in &d.areas {
        if !gss_ok(&a.code) {
            p.push(format!("area {}: not a GSS code", a.name));
        }
        if !area_codes.insert(a.code.as_str()) {
            p.push(format!("area {}: listed twice", a.code));
        }
        if a.name.trim().is_empty() {
            p.push(format!("area {}: no name", a.code));
        }
    }
    let mut districts = HashSet::new();
    for pd in &d.postcode_districts {
        if !district_ok(&pd.district) || !districts.insert(pd.district.as_str()) {
            p.push(format!(
                "postcode district {}: invalid or listed twice",
                pd.district
            ));
        }
        if pd.areas.is_empty() || pd.areas.iter().any(|a| !area_codes.contains(a.as_str())) {
            p.push(format!(
                "postcode district {}: unknown or no areas",
                pd.district
            ));
        }
        if pd.source.trim().is_empty() && d.postcode_source.trim().is_empty() {
            p.push(format!(
                "postcode district {}: no source, and the pack has no postcode_source",
                pd.district
            ));
        }
        let total: u32 = pd.shares.iter().map(|&s| u32::from(s)).sum();
        if !pd.shares.is_empty()
            && (pd.shares.len() != pd.areas.len()
                || pd.shares.contains(&0)
                || total > 1000
                || pd.shares.windows(2).any(|w| w[0] < w[1]))
        {
            p.push(format!(
                "postcode district {}: shares must be one per area, 1 to 1000 thousandths in all, largest first",
                pd.district
            ));
        }
    }
    postcode_tables(d, &area_codes, &mut p);
    let mut orgs = HashSet::new();
    for o in &d.organisations {
        if !slug_ok(&o.id) || !orgs.insert(o.id.as_str()) {
            p.push(format!("organisation {}: bad or duplicate id", o.id));
        }
    }
    let ids: HashSet<&str> = d.services.iter().map(|s| s.id.as_str()).collect();
    if ids.len() != d.services.len() {
        p.push("service ids are not unique".to_owned());
    }
    for s in &d.services {
        // Formatted only when there is a problem to report.
        let at = &s.id;
        if !slug_ok(&s.id) {
            p.push(format!(
                "service {at}: id must be lowercase letters, digits and hyphens"
            ));
        }
        if !orgs.contains(s.organisation.as_str()) {
            p.push(format!(
                "service {at}: unknown organisation {}",
                s.organisation
            ));
        }
        for text in [&s.name, &s.description, &s.eligibility.description] {
            if text.trim().is_empty() || text.len() > MAX_TEXT {
                p.push(format!("service {at}: empty or overlong text"));
            }
        }
        if s.status != Status::Active
            && s.status_note.as_deref().is_none_or(|n| n.trim().is_empty())
        {
            p.push(format!(
                "service {at}: a service that is not active needs a status note"
            ));
        }
        for r in &s.redirect_to {
            if !ids.contains(r.as_str()) || r == &s.id {
                p.push(format!("service {at}: redirect to unknown service {r}"));
            }
        }
        if s.topics.is_empty() {
            p.push(format!("service {at}: no topics"));
        }
        let e = &s.eligibility;
        if let (Some(lo), Some(hi)) = (e.min_age, e.max_age)
            && lo > hi
        {
            p.push(format!("service {at}: minimum age above maximum"));
        }
        for r in &e.age_by_area {
            if !area_codes.contains(r.area.as_str()) {
                p.push(format!(
                    "service {at}: age rule for unknown area {}",
                    r.area
                ));
            }
        }
        if let Coverage::Areas(areas) = &s.coverage
            && (areas.is_empty() || areas.iter().any(|a| !area_codes.contains(a.as_str())))
        {
            p.push(format!(
                "service {at}: coverage names an unknown area, or none"
            ));
        }
        check_hours(&s.hours, at, &mut p);
        for c in &s.channels {
            if let Some(h) = &c.hours {
                check_hours(h, at, &mut p);
            }
            if let Some(v) = &c.value
                && !value_ok(c.kind, v)
            {
                p.push(format!(
                    "service {at}: {:?} value is not in the expected form",
                    c.kind
                ));
            }
            if !c.keywords.is_empty() && c.kind != ChannelKind::Text {
                p.push(format!(
                    "service {at}: keywords on a channel that is not text"
                ));
            }
            if c.keywords
                .iter()
                .any(|k| k.is_empty() || k.contains(char::is_whitespace))
            {
                p.push(format!("service {at}: keywords must be single words"));
            }
        }
        let prov = &s.provenance;
        if prov.sources.is_empty() || prov.sources.iter().any(|u| u.trim().is_empty()) {
            p.push(format!("service {at}: every service needs its sources"));
        }
    }
    for id in ESSENTIAL_SERVICES {
        match d.services.iter().find(|s| s.id == *id) {
            Some(s) if s.is_offered() && !s.channels.is_empty() => {}
            _ => p.push(format!("essential service {id} is missing or not active")),
        }
    }
    let always_for_anyone = d.services.iter().any(|s| {
        s.is_for_anyone_in_the_uk()
            && s.channels.iter().any(|c| {
                c.value.is_some()
                    && c.response == Response::Live
                    && matches!(c.hours.as_ref().unwrap_or(&s.hours), Hours::Always)
            })
    });
    if !always_for_anyone {
        p.push("no always-open live service for anyone in the UK".to_owned());
    }
    p
}

/// The other councils, their districts, the whole-postcode table and the places: every code
/// they use is known, and each entry has the shape the lookup reads.
fn postcode_tables(d: &DirectoryContent, area_codes: &HashSet<&str>, p: &mut Vec<String>) {
    let mut others = HashSet::new();
    for (code, _) in &d.other_areas {
        // The Channel Islands and the Isle of Man have pseudo-codes in the postcode data.
        let pseudo = code == "L99999999" || code == "M99999999";
        if !(gss_ok(code) || pseudo)
            || area_codes.contains(code.as_str())
            || !others.insert(code.as_str())
        {
            p.push(format!(
                "other area {code}: not a GSS code, listed twice, or a listed area"
            ));
        }
    }
    if (!d.other_areas.is_empty() || !d.district_places.is_empty())
        && d.names_source.trim().is_empty()
    {
        p.push("council names without a names_source".to_owned());
    }
    for (code, districts) in parse_other_districts(&d.other_districts) {
        if !others.contains(code)
            || districts.is_empty()
            || !districts.iter().all(|s| district_ok(s))
        {
            p.push(format!(
                "other districts of {code}: unknown area or bad district"
            ));
        }
    }
    let known = |c: &str| area_codes.contains(c) || others.contains(c);
    let unit_ok = |u: &str| {
        u.len().is_multiple_of(2) && !u.is_empty() && u.bytes().all(|b| b.is_ascii_uppercase())
    };
    let mut sectors = HashSet::new();
    for entry in parse_units(&d.postcode_units) {
        let ok = entry.is_some_and(
            |UnitsEntry {
                 sector,
                 major,
                 elsewhere,
             }| {
                sector.len() >= 3
                    && sector.as_bytes()[sector.len() - 1].is_ascii_digit()
                    && sector.get(..sector.len() - 1).is_some_and(district_ok)
                    && sectors.insert(sector)
                    && known(major)
                    && elsewhere
                        .iter()
                        .all(|(c, u)| known(c) && *c != major && unit_ok(u))
            },
        );
        if !ok {
            p.push(
                "postcode units: an entry is malformed, repeated, or names an unknown area"
                    .to_owned(),
            );
            break;
        }
    }
    for (name, code) in &d.district_places {
        if name.trim().is_empty() || !area_codes.contains(code.as_str()) {
            p.push(format!(
                "district place {name}: no name or not a listed area"
            ));
        }
    }
    for place in &d.places {
        if place.name.trim().is_empty()
            || !area_codes.contains(place.area.as_str())
            || place.districts.is_empty()
            || !place.districts.iter().all(|s| district_ok(s))
            || place.source.trim().is_empty()
        {
            p.push(format!(
                "place {}: needs a name, a listed area, its postcode districts and a source",
                place.name
            ));
        }
    }
}
