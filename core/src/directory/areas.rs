//! Turning what someone types ("Torbay", "E06000027", "Kent and Medway", "TQ1") into local
//! authorities. No GPS and no network: a name or code from the list, or a postcode district.

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
    PostcodeDistrict,
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
    /// Not recognised: national services only, and the note says so.
    NotFound { note: String },
}

/// Indexes built once per pack.
#[derive(Debug, Default)]
pub(crate) struct AreaIndex {
    by_name: HashMap<String, Vec<String>>,
    by_code: HashMap<String, String>,
    /// Each postcode district's listed areas, with their shares in thousandths when known.
    districts: HashMap<String, Vec<(String, Option<u16>)>>,
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
        for codes in idx.by_name.values_mut() {
            codes.dedup();
        }
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
        match names.as_slice() {
            [] => String::new(),
            [one] => (*one).to_owned(),
            [init @ .., last] => format!("{} and {}", init.join(", "), last),
        }
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
        if let Some(district) = postcode_district(&upper) {
            return match self.districts.get(&district) {
                Some(entries) => self.district_match(&district, entries),
                None if district.starts_with("BT") => AreaMatch::NotFound {
                    note: "Harbour cannot place Northern Ireland postcodes yet: showing \
                           services for anywhere in the UK."
                        .to_owned(),
                },
                None => AreaMatch::NotFound {
                    note: format!(
                        "{district} is not in an area Harbour has local services for yet: \
                         showing services for anywhere in the UK. Choose your area from the \
                         list if it is there."
                    ),
                },
            };
        }
        match self.by_name.get(&key(raw)) {
            Some(codes) => AreaMatch::Found {
                by: if codes.len() > 1 {
                    MatchedBy::Group
                } else {
                    MatchedBy::Name
                },
                note: (codes.len() > 1)
                    .then(|| format!("showing services for {}", self.names(codes))),
                codes: codes.clone(),
            },
            None => AreaMatch::NotFound {
                note: "That area is not in Harbour's list yet: showing services for anywhere in \
                       the UK. Choose your area from the list to see local ones."
                    .to_owned(),
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
            said.push(format!(
                "The rest of {district} is in areas Harbour has no local services for yet."
            ));
        }
        if !said.is_empty() {
            said.push("The shares are approximate.".to_owned());
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
    postcode_district(&input.trim().to_ascii_uppercase())
}

/// The outward code of a postcode or postcode district ("TQ1 1AA" and "tq1" give "TQ1"), if
/// the text looks like one. The inward part is dropped at once: it is never needed.
fn postcode_district(upper: &str) -> Option<String> {
    let outward = upper.split_whitespace().next()?;
    let compact: String = upper.chars().filter(|c| !c.is_whitespace()).collect();
    let candidate = if upper.split_whitespace().count() == 1 && compact.len() >= 5 {
        // A full postcode typed without its space: the inward code is always 3 characters.
        &compact[..compact.len() - 3]
    } else {
        outward
    };
    let b = candidate.as_bytes();
    let letters = b.iter().take_while(|c| c.is_ascii_uppercase()).count();
    let ok = (1..=2).contains(&letters)
        && b.len() > letters
        && b.len() <= letters + 2
        && b[letters].is_ascii_digit()
        && b[letters..].iter().all(|c| c.is_ascii_alphanumeric());
    ok.then(|| candidate.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postcode_district_shapes() {
        assert_eq!(postcode_district("TQ1").as_deref(), Some("TQ1"));
        assert_eq!(postcode_district("TQ1 1AA").as_deref(), Some("TQ1"));
        assert_eq!(postcode_district("TQ11AA").as_deref(), Some("TQ1"));
        assert_eq!(postcode_district("SW19").as_deref(), Some("SW19"));
        assert_eq!(postcode_district("SW1A").as_deref(), Some("SW1A"));
        assert_eq!(postcode_district("TORBAY"), None);
        assert_eq!(postcode_district("E06000027"), None);
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
