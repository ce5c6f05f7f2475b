//! Help now across the FFI: records mirroring the core's directory types.

use std::sync::Arc;
use std::time::SystemTime;

use harbour_core as core;

use crate::error::Result;
use crate::harbour::Harbour;
use crate::types::{count, invalid, time, timestamp};

// The core's own enums, declared again below for uniffi with #[uniffi::remote(Enum)],
// variant for variant: if the core's enum changes, this file stops compiling rather than
// drifting.
pub type ChannelKind = core::ChannelKind;

pub type HelpTopic = core::Topic;

pub type ServiceKind = core::ServiceKind;

#[uniffi::remote(Enum)]
pub enum ChannelKind {
    Call,
    Text,
    Webchat,
    Email,
    Web,
    App,
    InPerson,
    Relay,
}

#[uniffi::remote(Enum)]
pub enum HelpTopic {
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

#[uniffi::remote(Enum)]
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum OpenKind {
    AlwaysOpen,
    Open,
    NoNewContacts,
    Closed,
    Unknown,
}

/// What to ask. Leave fields empty for "any".
#[derive(Debug, Clone, Default, uniffi::Record)]
pub struct HelpQuery {
    /// What is open at this moment; `null` / `nil` for now.
    pub at: Option<SystemTime>,
    pub age: Option<i32>,
    /// A council name, an ONS GSS code, a town ("Torquay"), or a postcode or its district.
    pub area: Option<String>,
    pub channels: Vec<ChannelKind>,
    pub topics: Vec<HelpTopic>,
    /// Include professionals' lines (and parents' lines, which workers signpost).
    pub for_professionals: bool,
    /// Include lines for parents and carers, left out of a young person's list otherwise.
    #[uniffi(default = false)]
    pub for_parents: bool,
    /// A postcode, whole ("TQ1 1AA") or its first half ("TQ1"), used instead of `area`:
    /// throws `NotAPostcode` if it is not shaped like one. Never stored. Last, so calls that
    /// pass the fields in order still compile.
    #[uniffi(default = None)]
    pub postcode: Option<String>,
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct HelpOption {
    pub service_id: String,
    pub service_name: String,
    pub organisation: String,
    pub kind: ServiceKind,
    pub channel: ChannelKind,
    pub contact: Option<String>,
    pub keywords: Vec<String>,
    /// What to do, in words: "Text SHOUT to 85258".
    pub how: String,
    /// `tel:`, `sms:`, `mailto:` or `https:` link.
    pub uri: Option<String>,
    pub open: OpenKind,
    /// When it closes (if open) or next opens (if closed).
    pub closes_at: Option<SystemTime>,
    pub opens_at: Option<SystemTime>,
    pub open_text: String,
    pub live: bool,
    pub response_text: String,
    pub why: String,
    pub local: bool,
    pub verified: bool,
    /// ISO date, e.g. "2026-11-01".
    pub last_checked: String,
    pub stale: bool,
    pub checked_text: String,
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct HelpNow {
    /// 999 and A&E: always present, shown apart.
    pub emergency: Vec<HelpOption>,
    /// Ranked; never empty.
    pub options: Vec<HelpOption>,
    /// GSS codes the area matched (empty if none or not found).
    pub area_codes: Vec<String>,
    pub area_found: bool,
    /// How the area or postcode was read, for the app to offer the next step (ask for the
    /// postcode after an unknown name, say the council's name when it has no local services).
    pub area_status: AreaStatus,
    /// The council's name when `area_status` is `NoLocalServices` and the pack names it.
    pub area_name: Option<String>,
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum AreaStatus {
    NotGiven,
    /// Local services for `area_codes` are in the list.
    Found,
    /// A name Harbour does not know: suggest the postcode.
    UnknownName,
    /// Shaped like a postcode, but not a district Harbour knows: suggest checking it.
    UnknownPostcode,
    /// Northern Ireland postcodes are not in the data yet.
    NorthernIreland,
    /// A real place in a council Harbour has no local services for yet.
    NoLocalServices,
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct AreaSummary {
    pub code: String,
    pub name: String,
    pub code_verified: bool,
    pub local_services: i32,
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ServiceDetail {
    pub id: String,
    pub name: String,
    pub organisation: String,
    pub description: String,
    pub kind: ServiceKind,
    /// Offered now (active), or kept only as a record (inactive, defunct, closed).
    pub active: bool,
    pub status_note: Option<String>,
    pub redirect_to: Vec<String>,
    pub eligibility: String,
    pub verified: bool,
    pub options: Vec<HelpOption>,
    pub sources: Vec<String>,
    pub last_checked: String,
    pub conflicts: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PackInfo {
    pub data_version: i64,
    pub built_at: SystemTime,
    pub expires_at: SystemTime,
    pub expired: bool,
    /// Installed after release (false: the pack compiled into the library).
    pub installed: bool,
    pub signed_by: String,
    /// Signed with the public development key: never acceptable in a release.
    pub development_key: bool,
}

fn ms(z: &jiff::Zoned) -> SystemTime {
    time(z.timestamp())
}

impl From<core::HelpOption> for HelpOption {
    fn from(o: core::HelpOption) -> Self {
        use core::OpenState as S;
        let (open, closes, opens) = match &o.open {
            S::AlwaysOpen => (OpenKind::AlwaysOpen, None, None),
            S::OpenUntil { closes } => (OpenKind::Open, Some(ms(closes)), None),
            S::NoNewContacts { closes, next_open } => (
                OpenKind::NoNewContacts,
                Some(ms(closes)),
                next_open.as_ref().map(ms),
            ),
            S::Closed { next_open } => (OpenKind::Closed, None, next_open.as_ref().map(ms)),
            S::Unknown => (OpenKind::Unknown, None, None),
        };
        HelpOption {
            service_id: o.service_id,
            service_name: o.service_name,
            organisation: o.organisation,
            kind: o.kind,
            channel: o.channel,
            contact: o.contact,
            keywords: o.keywords,
            how: o.how,
            uri: o.uri,
            open,
            closes_at: closes,
            opens_at: opens,
            open_text: o.open_text,
            live: o.response == core::Response::Live,
            response_text: o.response_text,
            why: o.why,
            local: o.local,
            verified: o.verified,
            last_checked: o.last_checked.to_string(),
            stale: o.stale,
            checked_text: o.checked_text,
            notes: o.notes,
        }
    }
}

fn options(v: Vec<core::HelpOption>) -> Vec<HelpOption> {
    v.into_iter().map(HelpOption::from).collect()
}

impl From<core::HelpNow> for HelpNow {
    fn from(a: core::HelpNow) -> Self {
        use core::NotFoundWhy as Why;
        let (area_codes, area_status, area_name) = match &a.area {
            core::AreaMatch::Found { codes, .. } => (codes.clone(), AreaStatus::Found, None),
            core::AreaMatch::NotGiven => (Vec::new(), AreaStatus::NotGiven, None),
            core::AreaMatch::NotFound { why, .. } => match why {
                Why::UnknownName => (Vec::new(), AreaStatus::UnknownName, None),
                Why::UnknownPostcode => (Vec::new(), AreaStatus::UnknownPostcode, None),
                Why::NorthernIreland => (Vec::new(), AreaStatus::NorthernIreland, None),
                Why::NoLocalServices { name } => {
                    (Vec::new(), AreaStatus::NoLocalServices, name.clone())
                }
            },
        };
        HelpNow {
            emergency: options(a.emergency),
            options: options(a.options),
            area_codes,
            area_found: area_status == AreaStatus::Found,
            area_status,
            area_name,
            notes: a.notes,
        }
    }
}

impl From<core::PackInfo> for PackInfo {
    fn from(i: core::PackInfo) -> Self {
        PackInfo {
            data_version: i64::try_from(i.data_version).unwrap_or(i64::MAX),
            built_at: time(i.built_at),
            expires_at: time(i.expires_at),
            expired: i.expired,
            installed: i.source == core::PackSource::Installed,
            signed_by: i.signed_by,
            development_key: i.development_key,
        }
    }
}

fn at(t: Option<SystemTime>) -> Result<Option<jiff::Timestamp>> {
    t.map(timestamp).transpose()
}

/// An age from the app: a person's age in years, or refused.
impl HelpQuery {
    pub(crate) fn into_core(self) -> Result<core::HelpQuery> {
        Ok(core::HelpQuery {
            at: at(self.at)?,
            age: age(self.age)?,
            area: self.area,
            postcode: self.postcode,
            channels: self.channels.into_iter().collect(),
            topics: self.topics.into_iter().collect(),
            for_professionals: self.for_professionals,
            for_parents: self.for_parents,
        })
    }
}

pub(crate) fn age(age: Option<i32>) -> Result<Option<u8>> {
    age.map(|a| u8::try_from(a).map_err(|_| invalid("the age is out of range")))
        .transpose()
}

#[uniffi::export]
impl Harbour {
    /// Who can help right now. Needs no unlock and no network; never empty.
    pub fn help_now(&self, query: HelpQuery) -> Result<HelpNow> {
        Ok(self.core().help_now(&query.into_core()?)?.into())
    }

    pub fn areas(&self) -> Result<Vec<AreaSummary>> {
        Ok(self
            .core()
            .areas()?
            .into_iter()
            .map(|a| AreaSummary {
                code: a.code,
                name: a.name,
                code_verified: a.code_verified,
                local_services: count(a.local_services),
            })
            .collect())
    }

    pub fn service(&self, id: String, at: Option<SystemTime>) -> Result<ServiceDetail> {
        let d = self.core().service(&id, self::at(at)?)?;
        let s = d.service;
        Ok(ServiceDetail {
            active: s.is_offered(),
            id: s.id,
            name: s.name,
            organisation: d.organisation,
            description: s.description,
            kind: s.kind,
            status_note: s.status_note,
            redirect_to: s.redirect_to,
            eligibility: s.eligibility.description,
            verified: d.verified,
            options: options(d.options),
            sources: s.provenance.sources,
            last_checked: s.provenance.last_checked.to_string(),
            conflicts: s.provenance.conflicts,
        })
    }

    pub fn directory_info(&self) -> Result<PackInfo> {
        Ok(self.core().directory_info()?.into())
    }

    /// A printable signposting sheet for workers and schools: self-contained HTML (no
    /// script) of the national and local services for `area` (a council, its code, or a
    /// postcode in one). Throws `InvalidInput` for an area Harbour does not list.
    pub fn signposting_sheet(&self, area: String) -> Result<String> {
        Ok(self.core().signposting_sheet(&area)?)
    }

    /// Lines the directory's data licences require wherever it is used (the ONS postcode
    /// data's): show every line on the app's about screen.
    pub fn directory_attribution(&self) -> Result<Vec<String>> {
        Ok(self.core().directory_attribution()?)
    }

    /// Installs a newer directory pack (the pack bytes and its minisign signature). Older,
    /// expired or badly signed packs are refused and the one in use stays.
    /// Checks the signature and every entry before anything changes.
    pub async fn install_directory_pack(
        self: Arc<Self>,
        pack: Vec<u8>,
        signature: Vec<u8>,
    ) -> Result<PackInfo> {
        self.off_thread(move |core, _| Ok(core.install_directory_pack(&pack, &signature)?.into()))
            .await
    }
}
