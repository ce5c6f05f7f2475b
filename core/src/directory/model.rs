//! The directory's data model: a strict subset of Open Referral / HSDS 3.0 (organisation,
//! service, channel, schedule, eligibility, coverage) plus what HSDS cannot say — per-channel
//! hours, SMS keywords, live versus replies-later, last-new-contact times, and provenance on
//! every service.
//!
//! The same structures are the fixtures' source format and the signed pack's content, so the
//! publisher reviews exactly what phones will read. Unknown fields are refused everywhere.

use serde::{Deserialize, Serialize};

/// The content of a directory pack.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct DirectoryContent {
    pub areas: Vec<Area>,
    /// Postcode districts (outward codes) of the covered areas, with every authority each one
    /// touches. Empty when no checked source is available: lookups then say so.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub postcode_districts: Vec<PostcodeDistrict>,
    /// Where every postcode district without a source of its own comes from.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub postcode_source: String,
    /// Lines the licences of the data in this pack require wherever it is used (the ONS
    /// postcode data's): shown in pack info and an app's about screen.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attribution: Vec<String>,
    /// Where the names of councils and their counties come from (`other_areas`,
    /// `district_places`).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub names_source: String,
    /// Every other council a postcode can lie in, as `[code, name]`, so a postcode there is
    /// answered by name ("Leeds: no local services yet"). The name is empty where the source
    /// has none (councils made after it, Scotland's).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub other_areas: Vec<(String, String)>,
    /// The postcode districts of `other_areas`: `CODE DISTRICT DISTRICT…;CODE …`. A string, not
    /// a list of records, because the pack is compiled into the library and each record would
    /// cost its bytes there.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub other_districts: String,
    /// Whole postcodes in districts split between councils, so a full postcode gives one:
    /// `SECTOR=CODE[ CODE:UNITS]…;…`, where a sector is the district and the inward code's
    /// digit ("TQ31"), `=CODE` the council most of it is in, and each `CODE:UNITS` the units
    /// ("AB", two letters each) that are in another.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub postcode_units: String,
    /// The districts of covered counties, by name ("Cheltenham"), each with its county's code.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub district_places: Vec<(String, String)>,
    /// Towns and places people type, reviewed, each with its source.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub places: Vec<Place>,
    pub organisations: Vec<Organisation>,
    pub services: Vec<Service>,
}

/// A local authority, by ONS GSS code.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Area {
    /// ONS GSS code, e.g. `E06000027`.
    pub code: String,
    pub name: String,
    /// Other names people type ("Torbay Council", "Kingston").
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// Names of groups this area belongs to that people may type ("Kent and Medway").
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<String>,
    /// Whether the code was checked against an ONS source.
    pub code_verified: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct PostcodeDistrict {
    pub district: String,
    /// GSS codes of every listed authority this district touches, largest share first.
    pub areas: Vec<String>,
    /// Each area's share of the district's postcodes, in thousandths, in `areas` order
    /// (approximate: the source counts terminated postcodes too). What is left of 1000 lies
    /// in areas the directory does not list. Empty when the district lies wholly in its one
    /// area, or the source gives no shares.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub shares: Vec<u16>,
    /// Where this district's entry comes from; empty when it is the pack's
    /// `postcode_source` (one line for the whole table keeps the library small).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub source: String,
}

/// A town or place people type that is not a council's name ("Torquay").
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Place {
    pub name: String,
    /// The listed area it is in.
    pub area: String,
    /// Its postcode districts: the publisher checks each is mostly in `area` in the pinned
    /// postcode data, so a place put in the wrong council is refused before a pack is built.
    pub districts: Vec<String>,
    /// Another place people may mean by the same name ("Gillingham in Dorset"): the answer
    /// then says which it shows and how to get the other, never a silent guess.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub also: String,
    pub source: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Organisation {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum ServiceKind {
    Emergency,
    UrgentCare,
    CrisisLine,
    TextService,
    ListeningLine,
    AdviceLine,
    OnlineCounselling,
    App,
    WalkIn,
    SelfReferral,
    ReferralPathway,
    InformationOnly,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Active,
    Inactive,
    Defunct,
    TemporarilyClosed,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Topic {
    SelfHarm,
    SuicidalThoughts,
    Crisis,
    EmotionalSupport,
    AnxietyAndDepression,
    Eating,
    Lgbtq,
    Bereavement,
    ParentsAndCarers,
    Safeguarding,
}

/// Who a service is for, beyond age and place.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Group {
    /// Young people, with no age range given by the sources.
    YoungPeople,
    Lgbtq,
    WomenAndGirls,
    Men,
    ParentsAndCarers,
    Professionals,
    Deaf,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[serde(deny_unknown_fields)]
pub struct Eligibility {
    /// Youngest age served, inclusive.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_age: Option<u8>,
    /// Oldest age served, inclusive.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_age: Option<u8>,
    /// Age limits that differ by area (e.g. an online service commissioned differently).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub age_by_area: Vec<AreaAges>,
    /// The service is *for* these groups (a parents' helpline is for parents and carers).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub for_groups: Vec<Group>,
    /// Only professionals may use it (e.g. a practitioner advice line).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub professionals_only: bool,
    /// Must be registered with a GP in the covered area.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub gp_in_area: bool,
    /// Who it is for, in the source's words.
    pub description: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct AreaAges {
    pub area: String,
    pub min_age: Option<u8>,
    pub max_age: Option<u8>,
    pub note: String,
}

/// Where a service is offered. Written `"uk"`, `"england"` or `{"areas": ["E06000027"]}`.
///
/// (Externally tagged on purpose: serde buffers internally tagged enums before parsing them,
/// which made loading a large pack several times slower.)
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Coverage {
    Uk,
    England,
    /// Named local authorities (GSS codes).
    Areas(Vec<String>),
}

/// Opening hours, in Europe/London local time. Written `"always"`, `{"unknown": {…}}` or
/// `{"weekly": {…}}`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Hours {
    Always,
    /// Not known: shown as "hours unknown", never guessed.
    Unknown {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
    Weekly {
        windows: Vec<Window>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        exceptions: Vec<Exception>,
    },
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum Day {
    Mon,
    Tue,
    Wed,
    Thu,
    Fri,
    Sat,
    Sun,
}

impl Day {
    pub const ALL: [Day; 7] = [
        Day::Mon,
        Day::Tue,
        Day::Wed,
        Day::Thu,
        Day::Fri,
        Day::Sat,
        Day::Sun,
    ];
}

/// A local wall-clock time, written "HH:MM" (00:00 to 23:59).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LocalTime(u16);

impl LocalTime {
    pub fn new(hour: u8, minute: u8) -> Option<Self> {
        (hour < 24 && minute < 60).then(|| LocalTime(u16::from(hour) * 60 + u16::from(minute)))
    }

    pub fn parse(s: &str) -> Option<Self> {
        let (h, m) = s.split_once(':')?;
        if h.len() != 2 || m.len() != 2 {
            return None;
        }
        LocalTime::new(h.parse().ok()?, m.parse().ok()?)
    }

    pub fn civil(self) -> jiff::civil::Time {
        // Always in range by construction.
        jiff::civil::Time::new((self.0 / 60) as i8, (self.0 % 60) as i8, 0, 0)
            .unwrap_or(jiff::civil::Time::MIN)
    }
}

impl std::fmt::Display for LocalTime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:02}:{:02}", self.0 / 60, self.0 % 60)
    }
}

impl Serialize for LocalTime {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for LocalTime {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = LocalTime;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a time as HH:MM")
            }
            // Takes any string, borrowed or not, without allocating.
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<LocalTime, E> {
                LocalTime::parse(v).ok_or_else(|| E::custom("a time must be HH:MM"))
            }
        }
        d.deserialize_str(Visitor)
    }
}

/// A set of weekdays, written as a list (`["mon", "tue"]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct Days(u8);

impl Days {
    pub fn contains(self, d: Day) -> bool {
        self.0 & (1 << d as u8) != 0
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    pub fn iter(self) -> impl Iterator<Item = Day> {
        Day::ALL.into_iter().filter(move |d| self.contains(*d))
    }
}

impl FromIterator<Day> for Days {
    fn from_iter<I: IntoIterator<Item = Day>>(iter: I) -> Self {
        Days(iter.into_iter().fold(0, |acc, d| acc | (1 << d as u8)))
    }
}

impl Serialize for Days {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

impl<'de> Deserialize<'de> for Days {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Vec::<Day>::deserialize(d)?.into_iter().collect())
    }
}

/// One opening on the given days. `closes` at or before `opens` means the window runs past
/// midnight into the next day (`"00:00"` is midnight at the end of the day).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Window {
    pub days: Days,
    pub opens: LocalTime,
    pub closes: LocalTime,
    /// No new conversations are started after this time, though the service is still open.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_new_contact: Option<LocalTime>,
}

/// Dates (inclusive, local) on which the weekly hours do not apply.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Exception {
    pub from: jiff::civil::Date,
    pub to: jiff::civil::Date,
    /// Windows that apply instead; empty means closed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub windows: Vec<Window>,
    pub note: String,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum ChannelKind {
    Call,
    Text,
    Webchat,
    Email,
    Web,
    App,
    InPerson,
    /// Relay services for Deaf people and people who cannot speak on the phone.
    Relay,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
pub enum Response {
    /// A conversation with a person, now.
    Live,
    /// A reply comes later.
    RepliesLater,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Channel {
    pub kind: ChannelKind,
    /// The number, short code, address or website. `None` when the source gave none: the
    /// channel is then described but cannot be used directly.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// Words to text (for a short code), any one of which works.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub keywords: Vec<String>,
    /// How to use it, when the value alone does not say ("choose the mental health option").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instructions: Option<String>,
    pub response: Response,
    /// What to expect ("aims to answer within 5 minutes").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_note: Option<String>,
    /// Hours of this channel, when they differ from the service's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hours: Option<Hours>,
    /// Places, for in-person channels.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub locations: Vec<String>,
    /// How this channel's details were checked, when it differs from the service's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checked_by: Option<CheckMethod>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum CheckMethod {
    /// Seen on the provider's own page.
    ProviderPage,
    /// Seen only on an NHS, council, school or news page.
    SecondaryPage,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Provenance {
    pub sources: Vec<String>,
    pub last_checked: jiff::civil::Date,
    pub method: CheckMethod,
    /// Where sources disagree or look stale, and which reading was shipped.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conflicts: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Service {
    /// Stable id (a slug), used in links and queries.
    pub id: String,
    pub organisation: String,
    pub name: String,
    pub description: String,
    pub kind: ServiceKind,
    pub status: Status,
    /// For a service that is not active: what happened and where to go instead.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_note: Option<String>,
    /// Services to suggest instead (for defunct or contact-less entries).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub redirect_to: Vec<String>,
    pub topics: Vec<Topic>,
    pub eligibility: Eligibility,
    pub coverage: Coverage,
    pub hours: Hours,
    pub channels: Vec<Channel>,
    pub provenance: Provenance,
}

impl Service {
    /// Verified means seen on the provider's own page, with no recorded conflict.
    pub fn verified(&self) -> bool {
        self.provenance.method == CheckMethod::ProviderPage && self.provenance.conflicts.is_empty()
    }

    /// As [`Service::verified`], for one channel whose details may have been checked apart.
    pub fn channel_verified(&self, c: &Channel) -> bool {
        c.checked_by.unwrap_or(self.provenance.method) == CheckMethod::ProviderPage
            && self.provenance.conflicts.is_empty()
    }

    pub fn is_offered(&self) -> bool {
        self.status == Status::Active
    }

    /// An offered, non-emergency service that anyone in the UK may use whatever their age or
    /// group: what help now falls back on, and what every pack must contain one of.
    /// Named as a local service of one of `codes`.
    pub fn covers_any(&self, codes: &[String]) -> bool {
        matches!(&self.coverage, Coverage::Areas(covered) if covered.iter().any(|c| codes.contains(c)))
    }

    /// For everyone in every one of `codes` by country: UK-wide, or England-wide for English
    /// areas (their GSS codes start with E).
    pub fn covers_everyone_in(&self, codes: &[String]) -> bool {
        match &self.coverage {
            Coverage::Uk => true,
            Coverage::England => codes.iter().all(|c| c.starts_with('E')),
            Coverage::Areas(_) => false,
        }
    }

    pub fn is_for_anyone_in_the_uk(&self) -> bool {
        let e = &self.eligibility;
        self.is_offered()
            && self.kind != ServiceKind::Emergency
            && matches!(self.coverage, Coverage::Uk)
            && e.min_age.is_none()
            && e.max_age.is_none()
            && e.for_groups.is_empty()
            && !e.professionals_only
    }
}
