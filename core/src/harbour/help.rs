//! Help now: the directory, which needs no unlock and no network.

use crate::directory::{self, AreaSummary, HelpNow, HelpQuery, ServiceDetail};
use crate::pack::PackInfo;
use crate::{Harbour, Result};

impl Harbour {
    /// Who can help right now. Needs no unlock and no network.
    pub fn help_now(&self, query: &HelpQuery) -> Result<HelpNow> {
        check_postcode(query)?;
        Ok(self.answer(query, None))
    }

    /// Help for one need: the services named (those this person may use, each by its best
    /// channel open now) first, then what help now finds open for the query. Never without an
    /// always-open line, as help now.
    pub fn help_for(&self, services: &[String], query: &HelpQuery) -> Result<HelpNow> {
        check_postcode(query)?;
        Ok(self.answer(query, Some(services)))
    }

    /// Help now from the directory loaded once, with `first` put first if given. Never fails:
    /// a list that cannot be loaded still gives the emergency numbers.
    fn answer(&self, query: &HelpQuery, first: Option<&[String]>) -> HelpNow {
        let now = self.now();
        match self.directory() {
            Ok(loaded) => {
                let mut answer = directory::answer(&loaded, query, now);
                if let Some(services) = first {
                    loaded.content.put_first(&mut answer, services, query, now);
                }
                answer
            }
            Err(_) => directory::emergency_only(query.at.unwrap_or(now)),
        }
    }

    /// Which listed areas `input` means (a council name, a GSS code, a postcode or a postcode
    /// district), with the words to show, e.g. how a postcode district is split.
    pub fn find_area(&self, input: &str) -> Result<crate::directory::AreaMatch> {
        Ok(self.directory()?.content.find_area(input))
    }

    /// A printable signposting sheet (self-contained HTML, one or two pages) of the national
    /// and local services for `area` (a council, its code, or a postcode in one), for workers
    /// and schools: who each is for, how to get in touch, hours, professionals-only lines
    /// marked, last-checked dates, and the pack's data version and attribution.
    pub fn signposting_sheet(&self, area: &str) -> Result<String> {
        let loaded = self.directory()?;
        match loaded.content.find_area(area) {
            crate::directory::AreaMatch::Found { codes, .. } => {
                Ok(loaded.content.sheet(&codes, &loaded.info, self.now()))
            }
            _ => Err(crate::Error::InvalidInput(
                "choose an area Harbour lists (harbour areas), or a postcode in one",
            )),
        }
    }

    /// The local authorities Harbour knows, for an area picker.
    pub fn areas(&self) -> Result<Vec<AreaSummary>> {
        Ok(self.directory()?.content.areas())
    }

    /// One service, including inactive and defunct ones (with their redirect notes).
    pub fn service(&self, id: &str, at: Option<jiff::Timestamp>) -> Result<ServiceDetail> {
        let at = at.unwrap_or_else(|| self.now());
        self.directory()?.content.detail(id, at)
    }

    pub fn directory_info(&self) -> Result<PackInfo> {
        Ok(self.directory()?.info)
    }

    /// The attribution the directory's data requires (the ONS postcode data's), for an
    /// about screen: show every line.
    pub fn directory_attribution(&self) -> Result<Vec<String>> {
        Ok(self.directory()?.content.content().attribution.clone())
    }

    /// Installs a newer signed directory pack. An older, expired, badly signed or invalid
    /// pack is refused and the one in use stays.
    pub fn install_directory_pack(&self, pack_bytes: &[u8], signature: &[u8]) -> Result<PackInfo> {
        self.packs
            .directory
            .install(pack_bytes, signature, &self.pack_store(), self.now())
    }
}

/// A postcode that is not shaped like one is refused before anything is looked up.
fn check_postcode(query: &HelpQuery) -> Result<()> {
    match &query.postcode {
        Some(p) if crate::directory::postcode_district_of(p).is_none() => {
            Err(crate::Error::NotAPostcode)
        }
        _ => Ok(()),
    }
}
