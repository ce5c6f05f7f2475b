//! Help now: a signed, offline directory of who can help, right now.
//!
//! National services and the four areas the project started from, built only from
//! `reference/services.md`. Queries run on the phone with no network and no unlock: open now
//! or when it opens, age, area (name, GSS code or postcode district), channel, topic, and
//! whether professional-only entries are wanted. Results explain themselves and are never
//! empty: 999 and at least one always-open service are always there.

mod areas;
pub mod model;
mod query;
pub mod schedule;
mod sheet;
pub mod validate;

use std::collections::HashMap;

use serde::Deserialize;

pub use areas::{AreaMatch, MatchedBy, NotFoundWhy, postcode_district_of};
pub use model::*;
pub use query::{HelpNow, HelpOption, HelpQuery, STALE_AFTER_DAYS};
pub use schedule::OpenState;

use crate::pack::{Baseline, Loaded, Validate};
use crate::{Error, Result};
use areas::AreaIndex;

/// The baseline pack compiled into the library (`fixtures/packs/directory.json`, deflated).
pub const BASELINE: Baseline = Baseline {
    deflated: include_bytes!(concat!(env!("OUT_DIR"), "/directory.json.deflate")),
    signature: include_bytes!("../../../fixtures/packs/directory.json.minisig"),
};

/// A loaded directory with its lookup indexes, built once per pack.
#[derive(Debug, Deserialize)]
#[serde(from = "DirectoryContent")]
pub struct Directory {
    content: DirectoryContent,
    areas: AreaIndex,
    /// Service indices sorted by id, for lookups without a copy of every id.
    by_id: Vec<u32>,
    organisations: HashMap<String, String>,
    national: Vec<usize>,
    by_area: HashMap<String, Vec<usize>>,
}

impl From<DirectoryContent> for Directory {
    fn from(content: DirectoryContent) -> Self {
        let mut national = Vec::new();
        let mut by_area: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, s) in content.services.iter().enumerate() {
            match &s.coverage {
                Coverage::Uk | Coverage::England => national.push(i),
                Coverage::Areas(areas) => {
                    for a in areas {
                        // Clone an area code once per area, not once per service.
                        match by_area.get_mut(a.as_str()) {
                            Some(list) => list.push(i),
                            None => {
                                by_area.insert(a.clone(), vec![i]);
                            }
                        }
                    }
                }
            }
        }
        Directory {
            areas: AreaIndex::build(&content),
            by_id: {
                let mut ids: Vec<u32> = (0..content.services.len() as u32).collect();
                ids.sort_unstable_by(|a, b| {
                    content.services[*a as usize]
                        .id
                        .cmp(&content.services[*b as usize].id)
                });
                ids
            },
            organisations: content
                .organisations
                .iter()
                .map(|o| (o.id.clone(), o.name.clone()))
                .collect(),
            national,
            by_area,
            content,
        }
    }
}

impl Validate for Directory {
    fn validate(&self) -> std::result::Result<(), &'static str> {
        if validate::problems(&self.content).is_empty() {
            Ok(())
        } else {
            Err("the directory content failed validation")
        }
    }
}

impl Directory {
    pub fn content(&self) -> &DirectoryContent {
        &self.content
    }

    pub fn service(&self, id: &str) -> Option<&Service> {
        let services = &self.content.services;
        self.by_id
            .binary_search_by(|i| services[*i as usize].id.as_str().cmp(id))
            .ok()
            .map(|pos| &services[self.by_id[pos] as usize])
    }

    pub fn organisation_name<'a>(&'a self, id: &'a str) -> &'a str {
        self.organisations.get(id).map_or(id, String::as_str)
    }

    fn services_with_kind(&self, kind: ServiceKind) -> impl Iterator<Item = &Service> {
        self.national
            .iter()
            .map(|&i| &self.content.services[i])
            .filter(move |s| s.kind == kind && s.is_offered())
    }

    /// National services, then those covering any of `codes`, each once.
    fn candidates<'a>(&'a self, codes: &'a [String]) -> impl Iterator<Item = &'a Service> + 'a {
        let mut seen = std::collections::HashSet::new();
        self.national
            .iter()
            .chain(codes.iter().filter_map(|c| self.by_area.get(c)).flatten())
            .filter(move |i| seen.insert(**i))
            .map(|&i| &self.content.services[i])
    }

    fn always_open_for_anyone(&self) -> impl Iterator<Item = &Service> {
        self.national
            .iter()
            .map(|&i| &self.content.services[i])
            .filter(|s| s.is_for_anyone_in_the_uk())
    }
}

/// A local authority as the app lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AreaSummary {
    pub code: String,
    pub name: String,
    pub code_verified: bool,
    /// Services specific to this area.
    pub local_services: usize,
}

/// One service in full, for a detail screen.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceDetail {
    pub service: Service,
    pub organisation: String,
    pub verified: bool,
    /// Every usable channel as a help option, as of the time asked.
    pub options: Vec<HelpOption>,
}

/// Help now from the list in use, with a note when the list is past its date.
pub(crate) fn answer(
    loaded: &Loaded<Directory>,
    query: &HelpQuery,
    now: jiff::Timestamp,
) -> HelpNow {
    let mut answer = loaded.content.help_now(query, now);
    if loaded.info.expired {
        answer.notes.push(format!(
            "This list was last updated on {} and may be out of date. Numbers can change: \
             if one does not work, try another option.",
            loaded.info.built_at.strftime("%-d %B %Y")
        ));
    }
    answer
}

impl Directory {
    /// The local authorities Harbour knows, for an area picker.
    pub fn areas(&self) -> Vec<AreaSummary> {
        self.content
            .areas
            .iter()
            .map(|a| AreaSummary {
                code: a.code.clone(),
                name: a.name.clone(),
                code_verified: a.code_verified,
                local_services: self.by_area.get(&a.code).map_or(0, |list| {
                    list.iter()
                        .filter(|&&i| self.content.services[i].is_offered())
                        .count()
                }),
            })
            .collect()
    }

    /// One service, including inactive and defunct ones (with their redirect notes), with
    /// its options as of `at`.
    pub fn detail(&self, id: &str, at: jiff::Timestamp) -> Result<ServiceDetail> {
        let s = self.service(id).ok_or(Error::NotFound("service"))?;
        let query = HelpQuery {
            at: Some(at),
            for_professionals: true,
            ..HelpQuery::default()
        };
        let all_areas: Vec<String> = match &s.coverage {
            Coverage::Areas(areas) => areas.clone(),
            _ => Vec::new(),
        };
        let options = if s.is_offered() {
            self.service_options(s, &query, &all_areas)
        } else {
            Vec::new()
        };
        Ok(ServiceDetail {
            organisation: self.organisation_name(&s.organisation).to_owned(),
            verified: s.verified(),
            service: s.clone(),
            options,
        })
    }
}

/// What help now shows when the list itself cannot be loaded (a build signed with the wrong
/// key): never nothing.
pub(crate) fn emergency_only(at: jiff::Timestamp) -> HelpNow {
    let option = |name: &str, number: &str, how: &str| HelpOption {
        service_id: String::new(),
        service_name: name.to_owned(),
        organisation: "NHS".to_owned(),
        kind: ServiceKind::Emergency,
        channel: ChannelKind::Call,
        contact: Some(number.to_owned()),
        keywords: Vec::new(),
        how: how.to_owned(),
        uri: Some(format!("tel:{number}")),
        open: OpenState::AlwaysOpen,
        open_text: schedule::describe(&OpenState::AlwaysOpen, at),
        response: Response::Live,
        response_text: "talk to someone now".to_owned(),
        why: "for anyone".to_owned(),
        local: false,
        verified: false,
        last_checked: jiff::civil::date(2026, 11, 1),
        stale: false,
        checked_text: String::new(),
        notes: Vec::new(),
    };
    HelpNow {
        emergency: vec![option("Emergency services", "999", "Call 999")],
        options: vec![option(
            "NHS 111, mental health option",
            "111",
            "Call 111 and choose the mental health option",
        )],
        area: AreaMatch::NotGiven,
        notes: vec!["The full list of services could not be loaded.".to_owned()],
    }
}
