//! `help_now`: ranked, explained options for one person at one moment.

use jiff::{Timestamp, ToSpan};

use super::Directory;
use super::areas::AreaMatch;
use super::model::*;
use super::schedule::{self, OpenState};

/// Entries last checked longer ago than this are flagged as stale (and still shown).
pub const STALE_AFTER_DAYS: i32 = 180;

#[derive(Debug, Clone, Default)]
pub struct HelpQuery {
    /// When (default: now).
    pub at: Option<Timestamp>,
    pub age: Option<u8>,
    /// A local authority name or GSS code, a town, or a postcode or postcode district.
    pub area: Option<String>,
    /// A postcode, whole or its first half, used instead of `area` when given: one that is not
    /// shaped like a postcode is an error ([`crate::Error::NotAPostcode`]), not a national
    /// answer. Used for this answer only, never stored.
    pub postcode: Option<String>,
    /// Preferred ways to get in touch. Empty means any.
    pub channels: Vec<ChannelKind>,
    /// What it is about. Empty means anything. Self-harm and suicidal thoughts are separate
    /// topics: asking about one never adds services only for the other.
    pub topics: Vec<Topic>,
    /// Include services only for professionals (youth workers, school staff), and lines for
    /// parents and carers (workers signpost them).
    pub for_professionals: bool,
    /// Include lines for parents and carers. They are left out otherwise: a young person's
    /// crisis list is for them.
    pub for_parents: bool,
}

/// One way to get help: a service and the channel to use.
#[derive(Debug, Clone, PartialEq)]
pub struct HelpOption {
    pub service_id: String,
    pub service_name: String,
    pub organisation: String,
    pub kind: ServiceKind,
    pub channel: ChannelKind,
    /// Number, short code, address or website, as written.
    pub contact: Option<String>,
    pub keywords: Vec<String>,
    /// What to do, in words: "Text SHOUT to 85258".
    pub how: String,
    /// A link the app can open: `tel:`, `sms:`, `mailto:` or `https:`.
    pub uri: Option<String>,
    pub open: OpenState,
    /// "open now until 21:00", "opens 17:00 tomorrow", "open all the time", "hours unknown".
    pub open_text: String,
    pub response: Response,
    /// "talk to someone now", "replies later — not immediate".
    pub response_text: String,
    /// Why it is shown: "for 9–21-year-olds in Gloucestershire".
    pub why: String,
    /// Specific to the area asked about (not national).
    pub local: bool,
    /// Seen on the provider's own page, with no conflict between sources.
    pub verified: bool,
    pub last_checked: jiff::civil::Date,
    /// Last checked more than six months ago.
    pub stale: bool,
    /// "last checked November 2026"
    pub checked_text: String,
    /// Anything else worth knowing: instructions, expected reply times, source conflicts.
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct HelpNow {
    /// 999 and A&E. Always present, shown apart from the list.
    pub emergency: Vec<HelpOption>,
    /// Ranked options. Never empty: at least one is open all the time.
    pub options: Vec<HelpOption>,
    pub area: AreaMatch,
    /// Plain-language notes about the answer itself (unknown area, out-of-date list).
    pub notes: Vec<String>,
}

fn age_phrase(min: Option<u8>, max: Option<u8>) -> Option<String> {
    match (min, max) {
        (None, None) => None,
        (Some(lo), Some(hi)) => Some(format!("{lo}–{hi}-year-olds")),
        (None, Some(hi)) => Some(format!("under-{}s", u16::from(hi) + 1)),
        (Some(18), None) => Some("adults (18+)".to_owned()),
        (Some(lo), None) => Some(format!("people aged {lo} and over")),
    }
}

fn group_phrase(g: Group) -> &'static str {
    match g {
        Group::YoungPeople => "young people",
        Group::Lgbtq => "LGBT+ people",
        Group::WomenAndGirls => "women and girls",
        Group::Men => "men",
        Group::ParentsAndCarers => "parents and carers",
        Group::Professionals => "professionals",
        Group::Deaf => "Deaf people",
    }
}

/// The age limits that apply to this person's area, if the service varies by area.
fn ages_for<'a>(s: &'a Service, areas: &[String]) -> (Option<u8>, Option<u8>, Option<&'a str>) {
    s.eligibility
        .age_by_area
        .iter()
        .find(|r| areas.contains(&r.area))
        .map_or((s.eligibility.min_age, s.eligibility.max_age, None), |r| {
            (r.min_age, r.max_age, Some(r.note.as_str()))
        })
}

impl Directory {
    /// Every usable channel of one service as an option (for a detail screen).
    pub(crate) fn service_options(
        &self,
        s: &Service,
        q: &HelpQuery,
        areas: &[String],
    ) -> Vec<HelpOption> {
        let at = q.at.unwrap_or_else(Timestamp::now);
        s.channels
            .iter()
            .filter(|c| usable(c))
            .map(|c| self.option(s, c, at, areas))
            .collect()
    }

    pub(super) fn why(&self, s: &Service, areas: &[String]) -> String {
        let (min, max, _) = ages_for(s, areas);
        let who = if s.eligibility.professionals_only {
            "professionals only".to_owned()
        } else {
            let mut parts: Vec<String> = s
                .eligibility
                .for_groups
                .iter()
                .map(|g| group_phrase(*g).to_owned())
                .collect();
            if let Some(a) = age_phrase(min, max) {
                parts.push(a);
            }
            if parts.is_empty() {
                "anyone".to_owned()
            } else {
                parts.join(", ")
            }
        };
        let place = match &s.coverage {
            Coverage::Uk => "anywhere in the UK".to_owned(),
            Coverage::England => "in England".to_owned(),
            Coverage::Areas(covered) => {
                let shown: Vec<&str> = covered
                    .iter()
                    .filter(|c| areas.is_empty() || areas.contains(c))
                    .filter_map(|c| self.areas.name(c))
                    .collect();
                format!("in {}", join_and(&shown))
            }
        };
        let gp = if s.eligibility.gp_in_area {
            " (registered with a GP there)"
        } else {
            ""
        };
        format!("for {who} {place}{gp}")
    }

    fn eligible(&self, s: &Service, q: &HelpQuery, areas: &[String]) -> bool {
        if !s.is_offered() || s.kind == ServiceKind::Emergency {
            return false;
        }
        if s.eligibility.professionals_only && !q.for_professionals {
            return false;
        }
        let for_parents = s.eligibility.for_groups.contains(&Group::ParentsAndCarers);
        if for_parents && !(q.for_parents || q.for_professionals) {
            return false;
        }
        if let Some(age) = q.age {
            let (min, max, _) = ages_for(s, areas);
            if min.is_some_and(|m| age < m) || max.is_some_and(|m| age > m) {
                return false;
            }
        }
        if !q.topics.is_empty() && !s.topics.iter().any(|t| q.topics.contains(t)) {
            return false;
        }
        match &s.coverage {
            Coverage::Uk | Coverage::England => true,
            Coverage::Areas(covered) => covered.iter().any(|c| areas.contains(c)),
        }
    }

    fn option(&self, s: &Service, c: &Channel, at: Timestamp, areas: &[String]) -> HelpOption {
        let open = schedule::state(c.hours.as_ref().unwrap_or(&s.hours), at);
        let today = at.to_zoned(schedule::london()).date();
        let stale = today
            .checked_sub(STALE_AFTER_DAYS.days())
            .is_ok_and(|limit| s.provenance.last_checked < limit);
        let mut notes = Vec::new();
        // Instructions are part of `how` for relays and for channels without an address.
        if let (Some(i), Some(_), false) = (&c.instructions, &c.value, c.kind == ChannelKind::Relay)
        {
            notes.push(i.clone());
        }
        if let Some(r) = &c.response_note {
            notes.push(r.clone());
        }
        if let (_, _, Some(n)) = ages_for(s, areas) {
            notes.push(n.to_owned());
        }
        notes.extend(s.provenance.conflicts.iter().cloned());
        HelpOption {
            service_id: s.id.clone(),
            service_name: s.name.clone(),
            organisation: self.organisation_name(&s.organisation).to_owned(),
            kind: s.kind,
            channel: c.kind,
            contact: c.value.clone(),
            keywords: c.keywords.clone(),
            how: how(s, c),
            uri: uri(c),
            open_text: schedule::describe(&open, at),
            response_text: response_text(c, &open),
            open,
            response: c.response,
            why: self.why(s, areas),
            local: matches!(s.coverage, Coverage::Areas(_)),
            verified: s.channel_verified(c),
            last_checked: s.provenance.last_checked,
            stale,
            checked_text: format!(
                "last checked {}",
                s.provenance.last_checked.strftime("%B %Y")
            ),
            notes,
        }
    }

    /// Which listed areas `input` (a name, a GSS code, a postcode or postcode district)
    /// means, with the words to show: what help now would use.
    pub(crate) fn find_area(&self, input: &str) -> AreaMatch {
        self.areas.resolve(Some(input))
    }

    pub(crate) fn help_now(&self, q: &HelpQuery, now: Timestamp) -> HelpNow {
        let at = q.at.unwrap_or(now);
        let area = self
            .areas
            .resolve(q.postcode.as_deref().or(q.area.as_deref()));
        let codes: Vec<String> = match &area {
            AreaMatch::Found { codes, .. } => codes.clone(),
            _ => Vec::new(),
        };
        let codes = codes.as_slice();
        let mut notes = Vec::new();
        if let AreaMatch::Found { note: Some(n), .. } | AreaMatch::NotFound { note: n, .. } = &area
        {
            notes.push(n.clone());
        }

        let emergency: Vec<HelpOption> = self
            .services_with_kind(ServiceKind::Emergency)
            .flat_map(|s| {
                s.channels
                    .iter()
                    .filter(|c| usable(c))
                    .map(move |c| self.option(s, c, at, codes))
            })
            .collect();

        let mut options: Vec<HelpOption> = self
            .candidates(codes)
            .filter(|s| self.eligible(s, q, codes))
            .flat_map(|s| {
                s.channels
                    .iter()
                    .filter(|c| usable(c))
                    .filter(|c| q.channels.is_empty() || q.channels.contains(&c.kind))
                    .map(move |c| self.option(s, c, at, codes))
            })
            .collect();
        rank(&mut options, q);

        // Never empty, and always with something open all the time: if nothing that matched is
        // always open to a live conversation, add what is always open for anyone.
        let has_always = |opts: &[HelpOption]| {
            opts.iter()
                .any(|o| o.open == OpenState::AlwaysOpen && o.response == Response::Live)
        };
        if !has_always(&options) {
            let anything_open = options
                .iter()
                .any(|o| o.open.is_open() && o.response == Response::Live);
            let fallback: Vec<HelpOption> = self
                .always_open_for_anyone()
                .flat_map(|s| {
                    s.channels
                        .iter()
                        .filter(|c| usable(c) && c.response == Response::Live)
                        .map(move |c| self.option(s, c, at, codes))
                })
                .filter(|o| o.open == OpenState::AlwaysOpen)
                .filter(|o| {
                    !options
                        .iter()
                        .any(|x| x.service_id == o.service_id && x.channel == o.channel)
                })
                .collect();
            if !fallback.is_empty() {
                notes.push(
                    if options.is_empty() {
                        "Nothing matched exactly, so here is help that is open all the time."
                    } else if anything_open {
                        "These are open all the time, too."
                    } else {
                        "Nothing you asked for is open right now; these are open all the time."
                    }
                    .to_owned(),
                );
            }
            options.extend(fallback);
            // Open before closed, whatever else ranks them: the always-open lines just added
            // go before anything closed (a stable sort keeps the rest of the ranking).
            options.sort_by_key(|o| !o.open.is_open());
        }
        if codes.is_empty() && matches!(area, AreaMatch::NotGiven) {
            notes.push("Add your area to see local services too.".to_owned());
        }
        HelpNow {
            emergency,
            options,
            area,
            notes,
        }
    }
}

impl Directory {
    /// Keeps what is open now, with the named services this person may use first.
    pub(crate) fn put_first(
        &self,
        answer: &mut HelpNow,
        services: &[String],
        q: &HelpQuery,
        now: Timestamp,
    ) {
        let at = q.at.unwrap_or(now);
        let any_topic = HelpQuery {
            topics: Vec::new(),
            ..q.clone()
        };
        let mut first: Vec<HelpOption> = Vec::new();
        for s in services.iter().filter_map(|id| self.service(id)) {
            if !self.eligible(s, &any_topic, &[]) {
                continue;
            }
            let mut options: Vec<HelpOption> = s
                .channels
                .iter()
                .filter(|c| usable(c))
                .map(|c| self.option(s, c, at, &[]))
                .filter(|o| o.open.is_open())
                .collect();
            rank(&mut options, q);
            first.extend(options.into_iter().take(1));
        }
        // One option per service (its best ranked), so a short list reaches more people.
        for o in answer.options.drain(..) {
            if o.open.is_open() && !first.iter().any(|f| f.service_id == o.service_id) {
                first.push(o);
            }
        }
        answer.options = first;
    }
}

pub(super) fn join_and(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [init @ .., last] => format!("{} and {}", init.join(", "), last),
    }
}

/// A channel someone can act on: it has a contact, needs none (an app, a walk-in), or says
/// how to reach it when the sources gave no address.
fn usable(c: &Channel) -> bool {
    c.value.is_some()
        || c.instructions.is_some()
        || matches!(c.kind, ChannelKind::InPerson | ChannelKind::App)
}

fn how(s: &Service, c: &Channel) -> String {
    let Some(v) = c.value.as_deref() else {
        // No address in the checked sources: the instructions are all there is.
        return c.instructions.clone().unwrap_or_else(|| s.name.clone());
    };
    match c.kind {
        ChannelKind::Call => format!("Call {v}"),
        ChannelKind::Text if c.keywords.is_empty() => format!("Text {v}"),
        ChannelKind::Text => format!("Text {} to {v}", join_or(&c.keywords)),
        ChannelKind::Webchat => format!("Chat online at {v}"),
        ChannelKind::Web => format!("Go to {v}"),
        ChannelKind::Email => format!("Email {v}"),
        ChannelKind::App => format!("Use the {v} app"),
        ChannelKind::InPerson if c.locations.is_empty() => v.to_owned(),
        ChannelKind::InPerson => format!("Walk in at {}", join_and_owned(&c.locations)),
        ChannelKind::Relay => match &c.instructions {
            Some(i) => format!("{i}: {v}"),
            None => format!("Relay: {v}"),
        },
    }
}

fn join_or(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {}", init.join(", "), last),
    }
}

fn join_and_owned(items: &[String]) -> String {
    join_and(&items.iter().map(String::as_str).collect::<Vec<_>>())
}

fn uri(c: &Channel) -> Option<String> {
    let v = c.value.as_deref()?;
    let digits: String = v.chars().filter(char::is_ascii_digit).collect();
    match c.kind {
        ChannelKind::Call | ChannelKind::Relay => Some(format!("tel:{digits}")),
        // Opens the message ready to send, keyword and all.
        ChannelKind::Text => Some(match c.keywords.first() {
            Some(k) => format!("sms:{digits}?body={}", sms_body(k)),
            None => format!("sms:{digits}"),
        }),
        ChannelKind::Email => Some(format!("mailto:{v}")),
        ChannelKind::Web | ChannelKind::Webchat => Some(format!("https://{v}")),
        ChannelKind::App | ChannelKind::InPerson => None,
    }
}

/// How the contact goes. Only a channel open now says "now": a closed one or one whose hours
/// are unknown never promises a conversation it cannot give (its open text says when).
/// A keyword as a URI query value: letters and digits as they are, anything else escaped.
fn sms_body(keyword: &str) -> String {
    keyword
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn response_text(c: &Channel, open: &OpenState) -> String {
    if !open.is_open() {
        return match (c.kind, c.response) {
            (ChannelKind::InPerson, _) => "talk to someone in person when it is open",
            (ChannelKind::App, _) => "an app to use on your own",
            (ChannelKind::Web, _) => "a website",
            (_, Response::RepliesLater) => "replies later, not straight away",
            (_, Response::Live) if matches!(open, OpenState::Unknown) => {
                "hours not known: it may not answer"
            }
            (_, Response::Live) => "closed at the moment: see when it opens",
        }
        .to_owned();
    }
    match (c.kind, c.response) {
        (ChannelKind::Call | ChannelKind::Relay, Response::Live) => "talk to someone now",
        (ChannelKind::Text, Response::Live) => "text with someone now",
        (ChannelKind::Webchat, Response::Live) => "chat online with someone now",
        (ChannelKind::InPerson, _) => "talk to someone in person",
        (ChannelKind::App, _) => "an app to use on your own",
        (ChannelKind::Web, _) => "a website",
        (_, Response::RepliesLater) => "replies later, not straight away",
        (_, Response::Live) => "talk to someone now",
    }
    .to_owned()
}

fn openness(o: &HelpOption) -> u8 {
    match (&o.open, o.response) {
        (OpenState::AlwaysOpen | OpenState::OpenUntil { .. }, Response::Live) => 0,
        (OpenState::AlwaysOpen | OpenState::OpenUntil { .. }, Response::RepliesLater) => 1,
        (OpenState::NoNewContacts { .. } | OpenState::Closed { .. }, _) => 2,
        (OpenState::Unknown, _) => 3,
    }
}

fn tier(k: ServiceKind) -> u8 {
    use ServiceKind::*;
    match k {
        Emergency | UrgentCare | CrisisLine | TextService | ListeningLine => 0,
        AdviceLine | OnlineCounselling | App | WalkIn | SelfReferral => 1,
        ReferralPathway | InformationOnly => 2,
    }
}

/// Open now first, then what was asked for, local before national, crisis lines before
/// information, verified before unverified.
fn rank(options: &mut [HelpOption], q: &HelpQuery) {
    options.sort_by(|a, b| {
        let key = |o: &HelpOption| {
            (
                openness(o),
                !q.channels.is_empty() && !q.channels.contains(&o.channel),
                o.contact.is_none()
                    && !matches!(o.channel, ChannelKind::App | ChannelKind::InPerson),
                !o.local,
                tier(o.kind),
                !o.verified,
                o.stale,
            )
        };
        key(a)
            .cmp(&key(b))
            .then_with(|| a.service_name.cmp(&b.service_name))
            .then_with(|| a.channel.cmp(&b.channel))
    });
}
