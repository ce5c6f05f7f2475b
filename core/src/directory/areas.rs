//! Turning what someone types ("Torbay", "E06000027", "Kent and Medway", "Torquay", "TQ1",
//! "TQ3 1AA") into local authorities. No GPS and no network: a name, code or place from the
//! pack, a postcode district, or a whole postcode. A postcode is used for the one answer and
//! never kept; notes name its district at most, never the whole postcode.

use std::collections::HashMap;

use super::model::DirectoryContent;
use crate::fold::fold;

/// How an area was recognised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchedBy {
    Code,
    Name,
    /// A name covering several authorities ("Kent and Medway").
    Group,
    /// A town or place ("Torquay"), or a district of a covered county ("Cheltenham").
    Place,
    PostcodeDistrict,
    /// A whole postcode: one council.
    Postcode,
}

/// Why an area gave no local services.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotFoundWhy {
    /// A name the pack does not know: try the postcode.
    UnknownName,
    /// Shaped like a postcode, but no district of that name is in the pack.
    UnknownPostcode,
    /// A Northern Ireland postcode: its data is under a separate licence, not in the pack.
    NorthernIreland,
    /// A real place in a council Harbour has no local services for, named where the pack's
    /// source names it.
    NoLocalServices { name: Option<String> },
}

/// The result of looking an area up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AreaMatch {
    /// No area was given.
    NotGiven,
    Found {
        /// GSS codes, in list order.
        codes: Vec<String>,
        by: MatchedBy,
        /// Plain words to show, e.g. "TQ2 covers parts of Torbay and Devon: showing both".
        note: Option<String>,
    },
    /// No local services: national services only, and the note says why.
    NotFound { note: String, why: NotFoundWhy },
}

/// A district or sector, at most five bytes, zero-padded: a sort key without an allocation.
type Key = [u8; 5];
type Range = (u32, u32);

fn key_of(s: &str) -> Option<Key> {
    let mut k = [0u8; 5];
    k.get_mut(..s.len())?.copy_from_slice(s.as_bytes());
    Some(k)
}

/// Each `;`-separated entry of `table` with its byte range.
fn entries(table: &str) -> impl Iterator<Item = (&str, Range)> {
    let mut start = 0u32;
    table.split(';').map(move |e| {
        let r = (start, start + e.len() as u32);
        start = r.1 + 1;
        (e, r)
    })
}

fn slice(table: &str, (a, b): Range) -> &str {
    table.get(a as usize..b as usize).unwrap_or_default()
}

/// Indexes built once per pack.
#[derive(Debug, Default)]
pub(crate) struct AreaIndex {
    by_name: HashMap<String, Vec<String>>,
    by_code: HashMap<String, String>,
    /// Each postcode district's listed areas, with their shares in thousandths when known.
    districts: HashMap<String, Vec<(String, Option<u16>)>>,
    /// Councils without local services, by code: their names, empty where unknown.
    other_names: HashMap<String, String>,
    /// The same councils' names by `key`, for a name typed.
    other_by_name: HashMap<String, String>,
    /// The pack's `other_districts` and `postcode_units`, as written, with sorted indexes of
    /// byte ranges into them: thousands of small owned strings made loading the pack twice
    /// as slow, and a scan per lookup missed the lookup budget.
    other_districts: String,
    units: String,
    /// District → the range of one of its councils' codes in `other_districts`.
    other_index: Vec<(Key, Range)>,
    /// Sector ("TQ31") → the range of its entry in `units`.
    units_index: Vec<(Key, Range)>,
    /// What a place's name adds: another place people may mean by it.
    also: HashMap<String, String>,
}

/// `CODE DISTRICT DISTRICT…;…` into `(code, districts)`.
pub(crate) fn parse_other_districts(s: &str) -> impl Iterator<Item = (&str, Vec<&str>)> {
    s.split(';').filter(|e| !e.is_empty()).map(|entry| {
        let mut words = entry.split(' ');
        let code = words.next().unwrap_or_default();
        (code, words.collect())
    })
}

/// One entry of the whole-postcode table, as the pack writes it.
pub(crate) struct UnitsEntry<'a> {
    /// The district and the inward code's digit: "TQ31".
    pub sector: &'a str,
    /// The council most of the sector is in.
    pub major: &'a str,
    /// `(code, units)`: units in another council, two letters each, run together.
    pub elsewhere: Vec<(&'a str, &'a str)>,
}

impl UnitsEntry<'_> {
    /// The council a unit ("AA" of "TQ3 1AA") of this sector is in.
    fn council_of(&self, unit: &str) -> &str {
        self.elsewhere
            .iter()
            .find(|(_, units)| units.as_bytes().chunks(2).any(|u| u == unit.as_bytes()))
            .map_or(self.major, |(code, _)| code)
    }
}

/// `SECTOR=CODE[ CODE:UNITS]…;…` into entries; `None` for one not of that shape.
pub(crate) fn parse_units(s: &str) -> impl Iterator<Item = Option<UnitsEntry<'_>>> {
    s.split(';').filter(|e| !e.is_empty()).map(|entry| {
        let mut parts = entry.split(' ');
        let (sector, major) = parts.next()?.split_once('=')?;
        let elsewhere = parts
            .map(|p| p.split_once(':'))
            .collect::<Option<Vec<_>>>()?;
        Some(UnitsEntry {
            sector,
            major,
            elsewhere,
        })
    })
}

/// A share of a district's postcodes (in thousandths) below which an area is only mentioned,
/// not shown: a district 98% in one council answers with that council.
const MINOR_SHARE: u16 = 20;

/// "93%", or "less than 1%", for a share in thousandths.
fn percent(share: u16) -> String {
    match share {
        0..=4 => "less than 1%".to_owned(),
        s => format!("{}%", (s + 5) / 10),
    }
}

/// "Torbay", "Torbay and Devon", "Kent, Medway and Bromley".
fn join_names(names: &[&str]) -> String {
    match names {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// Words people add to an area name that do not change which area they mean.
const FILLER: &[&str] = &[
    "council",
    "county",
    "borough",
    "royal",
    "london",
    "of",
    "the",
    "city",
    "district",
    "metropolitan",
    "unitary",
    "authority",
    "and",
];

fn key(s: &str) -> String {
    fold(s)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty() && !FILLER.contains(w))
        .collect::<Vec<_>>()
        .join(" ")
}

impl AreaIndex {
    pub(crate) fn build(d: &DirectoryContent) -> Self {
        let mut idx = AreaIndex::default();
        for a in &d.areas {
            idx.by_code.insert(a.code.clone(), a.name.clone());
            for n in std::iter::once(&a.name).chain(&a.aliases) {
                idx.by_name.entry(key(n)).or_default().push(a.code.clone());
            }
            for g in &a.groups {
                idx.by_name.entry(key(g)).or_default().push(a.code.clone());
            }
        }
        for (name, code) in &d.district_places {
            idx.by_name.entry(key(name)).or_default().push(code.clone());
        }
        for p in &d.places {
            idx.by_name
                .entry(key(&p.name))
                .or_default()
                .push(p.area.clone());
            if !p.also.is_empty() {
                idx.also.insert(key(&p.name), p.also.clone());
            }
        }
        for codes in idx.by_name.values_mut() {
            codes.sort_by_key(|c| d.areas.iter().position(|a| &a.code == c));
            codes.dedup();
        }
        for (code, name) in &d.other_areas {
            idx.other_names.insert(code.clone(), name.clone());
            if !name.is_empty() {
                idx.other_by_name.insert(key(name), name.clone());
            }
        }
        idx.other_districts = d.other_districts.clone();
        idx.units = d.postcode_units.clone();
        for (entry, (start, _)) in entries(&d.other_districts) {
            let code = (start, start + entry.find(' ').unwrap_or(entry.len()) as u32);
            for district in entry.split(' ').skip(1) {
                if let Some(k) = key_of(district) {
                    idx.other_index.push((k, code));
                }
            }
        }
        idx.other_index.sort_unstable();
        for (entry, range) in entries(&d.postcode_units) {
            if let Some(k) = entry.split_once('=').and_then(|(s, _)| key_of(s)) {
                idx.units_index.push((k, range));
            }
        }
        idx.units_index.sort_unstable();
        for pd in &d.postcode_districts {
            let shares = pd
                .areas
                .iter()
                .enumerate()
                .map(|(i, code)| (code.clone(), pd.shares.get(i).copied()));
            idx.districts.insert(pd.district.clone(), shares.collect());
        }
        idx
    }

    pub(crate) fn name(&self, code: &str) -> Option<&str> {
        self.by_code.get(code).map(String::as_str)
    }

    fn names(&self, codes: &[String]) -> String {
        let names: Vec<&str> = codes.iter().filter_map(|c| self.name(c)).collect();
        join_names(&names)
    }

    pub(crate) fn resolve(&self, input: Option<&str>) -> AreaMatch {
        let Some(raw) = input.map(str::trim).filter(|s| !s.is_empty()) else {
            return AreaMatch::NotGiven;
        };
        let upper: String = raw.to_ascii_uppercase();
        if self.by_code.contains_key(&upper) {
            return AreaMatch::Found {
                codes: vec![upper],
                by: MatchedBy::Code,
                note: None,
            };
        }
        if let Some(postcode) = Postcode::parse(&upper) {
            return self.postcode_match(&postcode);
        }
        let k = key(raw);
        if let Some(codes) = self.by_name.get(&k) {
            let mut said = Vec::new();
            if codes.len() > 1 {
                said.push(format!("showing services for {}", self.names(codes)));
            }
            if let Some(other) = self.also.get(&k) {
                said.push(format!(
                    "Showing {}. If you mean {other}, type your postcode instead.",
                    self.names(codes)
                ));
            }
            let by = if codes.len() > 1 {
                MatchedBy::Group
            } else if self.by_code.get(&codes[0]).is_some_and(|n| key(n) == k) {
                MatchedBy::Name
            } else {
                MatchedBy::Place
            };
            return AreaMatch::Found {
                by,
                note: (!said.is_empty()).then(|| said.join(" ")),
                codes: codes.clone(),
            };
        }
        match self.other_by_name.get(&k) {
            Some(name) => AreaMatch::NotFound {
                note: format!(
                    "{name}: no local services in Harbour yet. Showing services for anywhere in \
                     the UK."
                ),
                why: NotFoundWhy::NoLocalServices {
                    name: Some(name.clone()),
                },
            },
            None => AreaMatch::NotFound {
                note: "Harbour does not know that place yet: showing services for anywhere in \
                       the UK. Try your postcode, or choose your area from the list."
                    .to_owned(),
                why: NotFoundWhy::UnknownName,
            },
        }
    }

    /// A postcode's answer: one council for a whole postcode in a split district, else the
    /// district's.
    fn postcode_match(&self, postcode: &Postcode) -> AreaMatch {
        let district = postcode.district.as_str();
        if let Some(unit) = &postcode.inward {
            let sector = format!("{district}{}", &unit[..1]);
            if let Some(s) = self.sector(&sector) {
                let code = s.council_of(&unit[1..]);
                return if self.by_code.contains_key(code) {
                    AreaMatch::Found {
                        codes: vec![code.to_owned()],
                        by: MatchedBy::Postcode,
                        note: None,
                    }
                } else {
                    self.no_local_services("That postcode", &[code])
                };
            }
        }
        if let Some(entries) = self.districts.get(district) {
            return self.district_match(district, entries);
        }
        let codes = self.other_councils(district);
        if !codes.is_empty() {
            return self.no_local_services(district, &codes);
        }
        if district.starts_with("BT") {
            return AreaMatch::NotFound {
                note: "Harbour cannot place Northern Ireland postcodes yet: showing services for \
                       anywhere in the UK."
                    .to_owned(),
                why: NotFoundWhy::NorthernIreland,
            };
        }
        AreaMatch::NotFound {
            note: format!(
                "Harbour does not know the postcode district {district}: check the postcode. \
                 Showing services for anywhere in the UK."
            ),
            why: NotFoundWhy::UnknownPostcode,
        }
    }

    /// A sector of a split district ("TQ31"), if the pack has its units.
    fn sector(&self, sector: &str) -> Option<UnitsEntry<'_>> {
        let k = key_of(sector)?;
        let i = self.units_index.binary_search_by(|(s, _)| s.cmp(&k)).ok()?;
        parse_units(slice(&self.units, self.units_index[i].1)).next()?
    }

    /// Whether the pack has the units of any sector of `district`.
    fn has_units(&self, district: &str) -> bool {
        (0..=9u8).any(|d| {
            key_of(&format!("{district}{d}")).is_some_and(|k| {
                self.units_index
                    .binary_search_by(|(s, _)| s.cmp(&k))
                    .is_ok()
            })
        })
    }

    /// The councils without local services that `district` lies in.
    fn other_councils(&self, district: &str) -> Vec<&str> {
        let Some(k) = key_of(district) else {
            return Vec::new();
        };
        let from = self.other_index.partition_point(|(d, _)| *d < k);
        self.other_index[from..]
            .iter()
            .take_while(|(d, _)| *d == k)
            .map(|(_, r)| slice(&self.other_districts, *r))
            .collect()
    }

    /// "LS1 is in Leeds, where Harbour has no local services yet", naming what the pack can.
    fn no_local_services(&self, what: &str, codes: &[&str]) -> AreaMatch {
        let named: Vec<&str> = codes
            .iter()
            .filter_map(|c| self.other_names.get(*c))
            .map(String::as_str)
            .filter(|n| !n.is_empty())
            .collect();
        let place = if named.is_empty() {
            "an area".to_owned()
        } else {
            join_names(&named)
        };
        AreaMatch::NotFound {
            note: format!(
                "{what} is in {place}, where Harbour has no local services yet: showing \
                 services for anywhere in the UK."
            ),
            why: NotFoundWhy::NoLocalServices {
                name: (named.len() == 1).then(|| named[0].to_owned()),
            },
        }
    }
}

impl AreaIndex {
    /// What a postcode district answers: the areas most of it lies in, and in plain words how
    /// it is split, so a split is said, never silently guessed.
    fn district_match(&self, district: &str, entries: &[(String, Option<u16>)]) -> AreaMatch {
        let codes: Vec<String> = entries.iter().map(|(c, _)| c.clone()).collect();
        let Some(shares) = entries
            .iter()
            .map(|(_, s)| *s)
            .collect::<Option<Vec<u16>>>()
        else {
            // No shares in the pack: every area it touches, as before.
            let note = (codes.len() > 1).then(|| {
                format!(
                    "{district} covers parts of {}: showing services for each",
                    self.names(&codes)
                )
            });
            return AreaMatch::Found {
                codes,
                by: MatchedBy::PostcodeDistrict,
                note,
            };
        };
        let listed: u16 = shares.iter().sum();
        let parts: Vec<(&str, u16)> = codes.iter().map(String::as_str).zip(shares).collect();
        // The areas to show, and those only mentioned (a few addresses). If every part is
        // small, every part is shown.
        let (main, minor): (Vec<_>, Vec<_>) = if parts.iter().any(|p| p.1 >= MINOR_SHARE) {
            parts.iter().partition(|p| p.1 >= MINOR_SHARE)
        } else {
            (parts.iter().collect(), Vec::new())
        };
        let name = |code: &str| self.name(code).unwrap_or(code).to_owned();
        let shown: Vec<String> = main.iter().map(|(c, _)| (*c).to_owned()).collect();
        let mut said = Vec::new();
        match main.as_slice() {
            [(_, s)] if listed >= 1000 - MINOR_SHARE && *s >= 1000 - MINOR_SHARE => {}
            [(code, s)] => said.push(format!(
                "About {} of {district} is in {}: showing its services.",
                percent(*s),
                name(code)
            )),
            parts => said.push(format!(
                "{district} is split: about {}. Showing services for each.",
                parts
                    .iter()
                    .map(|(c, s)| format!("{} in {}", percent(*s), name(c)))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        }
        if !minor.is_empty() {
            let names: Vec<String> = minor.iter().map(|(c, _)| (*c).to_owned()).collect();
            said.push(format!(
                "A few {district} addresses are in {}: if yours is one, choose it from the list.",
                self.names(&names)
            ));
        }
        if listed < 1000 - MINOR_SHARE {
            let rest: Vec<&str> = self
                .other_councils(district)
                .iter()
                .filter_map(|c| self.other_names.get(*c))
                .map(String::as_str)
                .filter(|n| !n.is_empty())
                .collect();
            said.push(if rest.is_empty() {
                format!("The rest of {district} is in areas Harbour has no local services for yet.")
            } else {
                format!(
                    "The rest of {district} is mostly in {}, where Harbour has no local services \
                     yet.",
                    join_names(&rest)
                )
            });
        }
        if !said.is_empty() {
            said.push("The shares are approximate.".to_owned());
            if self.has_units(district) {
                said.push("Your whole postcode gives the one council.".to_owned());
            }
        }
        AreaMatch::Found {
            codes: shown,
            by: MatchedBy::PostcodeDistrict,
            note: (!said.is_empty()).then(|| said.join(" ")),
        }
    }
}

/// The postcode district of `input` ("TQ1 1AA", "tq11aa" and "TQ1" give "TQ1"), or `None` if
/// it does not look like a postcode: for refusing nonsense typed as one.
pub fn postcode_district_of(input: &str) -> Option<String> {
    Postcode::parse(&input.trim().to_ascii_uppercase()).map(|p| p.district)
}

/// A postcode or postcode district as typed, upper-cased: case, spaces and a missing space
/// do not matter. Held for one lookup only.
struct Postcode {
    /// The outward code: "TQ3".
    district: String,
    /// The inward code of a whole postcode: "1AA".
    inward: Option<String>,
}

impl Postcode {
    fn parse(upper: &str) -> Option<Self> {
        let words: Vec<&str> = upper.split_whitespace().collect();
        // A whole postcode's inward code is always a digit and two letters.
        let inward_ok = |s: &str| {
            let b = s.as_bytes();
            b.len() == 3 && b[0].is_ascii_digit() && b[1..].iter().all(u8::is_ascii_uppercase)
        };
        let (outward, inward) = match words.as_slice() {
            [one] if one.len() >= 5 => {
                let split = one.len() - 3;
                let (out, inw) = (one.get(..split)?, one.get(split..)?);
                (out, Some(inw).filter(|i| inward_ok(i))?.into())
            }
            [one] => (*one, None),
            [out, inw] if inward_ok(inw) => (*out, Some(*inw)),
            // A sector ("TQ3 1"): its district.
            [out, sector] if sector.len() == 1 && sector.as_bytes()[0].is_ascii_digit() => {
                (*out, None)
            }
            _ => return None,
        };
        let b = outward.as_bytes();
        let letters = b.iter().take_while(|c| c.is_ascii_uppercase()).count();
        let ok = (1..=2).contains(&letters)
            && b.len() > letters
            && b.len() <= letters + 2
            && b[letters].is_ascii_digit()
            && b[letters..].iter().all(|c| c.is_ascii_alphanumeric());
        ok.then(|| Postcode {
            district: outward.to_owned(),
            inward: inward.map(str::to_owned),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postcode_district_shapes() {
        let district = |s: &str| postcode_district_of(s);
        assert_eq!(district("TQ1").as_deref(), Some("TQ1"));
        assert_eq!(district("TQ1 1AA").as_deref(), Some("TQ1"));
        assert_eq!(district("tq11aa").as_deref(), Some("TQ1"));
        assert_eq!(district("  TQ3   1 ").as_deref(), Some("TQ3"));
        assert_eq!(district("SW19").as_deref(), Some("SW19"));
        assert_eq!(district("SW1A 1AA").as_deref(), Some("SW1A"));
        assert_eq!(district("EC1A1BB").as_deref(), Some("EC1A"));
        assert_eq!(district("TORBAY"), None);
        assert_eq!(district("E06000027"), None);
        assert_eq!(district("TQ1 1A"), None);
        assert_eq!(district("TQ1 hello"), None);
        // Not a char boundary three bytes from the end: refused, not a panic.
        assert_eq!(district("TQ1é1A"), None);
        assert_eq!(district("ÉÉÉÉÉ"), None);
        let full = Postcode::parse("TQ31AA").map(|p| p.inward);
        assert_eq!(full, Some(Some("1AA".to_owned())));
    }

    #[test]
    fn names_ignore_filler_case_and_accents() {
        assert_eq!(
            key("Royal Borough of Kingston upon Thames"),
            "kingston upon thames"
        );
        assert_eq!(key("TORBAY COUNCIL"), "torbay");
        assert_eq!(key("Kent & Medway"), "kent medway");
    }
}
