//! Import of Open Referral / HSDS 3.0 service JSON into Harbour's source format, for a
//! person to review before anything is built or signed.
//!
//! Tolerant where HSDS feeds vary (missing phones, which the UK profile drops; no schedules),
//! strict about identity and types (every `id` must be a UUID; a number must be a number).
//! Every field that is present but not mapped is reported by path, and every default the
//! importer had to choose is listed for review: nothing is silently invented.

use serde::Serialize;
use serde_json::{Map, Value};

use harbour_core::authoring::directory::*;

/// What the importer produced.
#[derive(Debug, Serialize)]
pub struct HsdsImport {
    pub organisations: Vec<Organisation>,
    pub services: Vec<Service>,
    /// Fields present in the input that Harbour does not map (path, e.g. `service[0].fees`).
    pub unmapped_fields: Vec<String>,
    /// Decisions a person must check before the entries can ship.
    pub to_review: Vec<String>,
}

/// Errors are the input's fault and say where: a wrong type, a missing or malformed id.
pub type ImportErrors = Vec<String>;

const SERVICE_FIELDS: &[&str] = &[
    "id",
    "name",
    "description",
    "status",
    "url",
    "email",
    "minimum_age",
    "maximum_age",
    "eligibility_description",
    "assured_date",
    "phones",
    "schedules",
    "service_areas",
    "organization",
];
const PHONE_FIELDS: &[&str] = &["id", "number", "type", "description"];
const SCHEDULE_FIELDS: &[&str] = &[
    "id",
    "freq",
    "byday",
    "opens_at",
    "closes_at",
    "timezone",
    "description",
];
const ORG_FIELDS: &[&str] = &["id", "name"];

/// Imports one service object, a JSON array of them, or an HSDS list page (`contents`).
pub fn import(input: &[u8], checked: jiff::civil::Date) -> Result<HsdsImport, ImportErrors> {
    let value: Value = serde_json::from_slice(input).map_err(|e| vec![format!("not JSON: {e}")])?;
    let services: Vec<&Value> = match &value {
        Value::Array(items) => items.iter().collect(),
        Value::Object(o) if o.contains_key("contents") => match o.get("contents") {
            Some(Value::Array(items)) => items.iter().collect(),
            _ => return Err(vec!["contents: expected an array of services".into()]),
        },
        Value::Object(_) => vec![&value],
        _ => {
            return Err(vec![
                "expected a service object, an array, or a list page".into(),
            ]);
        }
    };
    let mut out = HsdsImport {
        organisations: Vec::new(),
        services: Vec::new(),
        unmapped_fields: Vec::new(),
        to_review: Vec::new(),
    };
    let mut errors = Vec::new();
    for (i, v) in services.iter().enumerate() {
        let path = format!("service[{i}]");
        match import_service(v, &path, checked, &mut out) {
            Ok(s) => out.services.push(s),
            Err(mut e) => errors.append(&mut e),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

fn is_uuid(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
}

fn obj<'a>(v: &'a Value, path: &str, errors: &mut ImportErrors) -> Option<&'a Map<String, Value>> {
    let o = v.as_object();
    if o.is_none() {
        errors.push(format!("{path}: expected an object"));
    }
    o
}

fn opt_str<'a>(
    o: &'a Map<String, Value>,
    key: &str,
    path: &str,
    errors: &mut ImportErrors,
) -> Option<&'a str> {
    match o.get(key) {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.as_str()),
        Some(_) => {
            errors.push(format!("{path}.{key}: expected a string"));
            None
        }
    }
}

fn id(o: &Map<String, Value>, path: &str, errors: &mut ImportErrors) -> Option<String> {
    match opt_str(o, "id", path, errors) {
        Some(s) if is_uuid(s) => Some(s.to_ascii_lowercase()),
        Some(_) => {
            errors.push(format!("{path}.id: not a UUID"));
            None
        }
        None => {
            errors.push(format!("{path}.id: missing"));
            None
        }
    }
}

fn age(o: &Map<String, Value>, key: &str, path: &str, errors: &mut ImportErrors) -> Option<u8> {
    match o.get(key) {
        None | Some(Value::Null) => None,
        Some(Value::Number(n)) => match n.as_u64().filter(|a| *a <= 120) {
            Some(a) => Some(a as u8),
            None => {
                errors.push(format!("{path}.{key}: not an age"));
                None
            }
        },
        Some(_) => {
            errors.push(format!("{path}.{key}: expected a number"));
            None
        }
    }
}

fn unmapped(o: &Map<String, Value>, known: &[&str], path: &str, out: &mut Vec<String>) {
    for (k, v) in o {
        if !known.contains(&k.as_str()) && !v.is_null() {
            out.push(format!("{path}.{k}"));
        }
    }
}

fn slug(name: &str, uuid: &str) -> String {
    let mut s: String = name
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    while s.contains("--") {
        s = s.replace("--", "-");
    }
    let s = s.trim_matches('-');
    let s: String = s.chars().take(40).collect();
    format!("{}-{}", s.trim_end_matches('-'), &uuid[..8])
}

/// HSDS numbers are free text; Harbour keeps UK numbers in national form, digits and spaces.
/// A channel with only what HSDS tells us; the rest is for the publisher to add on review.
fn channel(kind: ChannelKind, value: String, response: Response) -> Channel {
    Channel {
        kind,
        value: Some(value),
        keywords: Vec::new(),
        instructions: None,
        response,
        response_note: None,
        hours: None,
        locations: Vec::new(),
        checked_by: None,
    }
}

fn clean_number(raw: &str) -> Option<String> {
    let s = raw.trim().trim_matches(|c| c == '"' || c == '\'');
    let s = s
        .strip_prefix("+44")
        .map_or_else(|| s.to_owned(), |rest| format!("0{}", rest.trim_start()));
    let s = s.replace("(0)", "");
    let ok = !s.is_empty() && s.chars().all(|c| c.is_ascii_digit() || c == ' ');
    ok.then(|| s.split_whitespace().collect::<Vec<_>>().join(" "))
}

fn strip_scheme(url: &str) -> String {
    url.trim()
        .trim_start_matches("https://")
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_owned()
}

fn day(code: &str) -> Option<Day> {
    Some(match code.trim() {
        "MO" => Day::Mon,
        "TU" => Day::Tue,
        "WE" => Day::Wed,
        "TH" => Day::Thu,
        "FR" => Day::Fri,
        "SA" => Day::Sat,
        "SU" => Day::Sun,
        _ => return None,
    })
}

fn hhmm(t: &str) -> Option<LocalTime> {
    let mut parts = t.split(':');
    let (h, m) = (parts.next()?, parts.next()?);
    LocalTime::parse(&format!("{h}:{m}"))
}

fn import_schedules(
    list: &[Value],
    path: &str,
    out: &mut HsdsImport,
    errors: &mut ImportErrors,
) -> Hours {
    let mut windows = Vec::new();
    for (i, v) in list.iter().enumerate() {
        let p = format!("{path}.schedules[{i}]");
        let Some(o) = obj(v, &p, errors) else {
            continue;
        };
        id(o, &p, errors);
        unmapped(o, SCHEDULE_FIELDS, &p, &mut out.unmapped_fields);
        if opt_str(o, "freq", &p, errors) != Some("WEEKLY") {
            out.to_review.push(format!(
                "{p}: only weekly schedules are imported; this one was skipped"
            ));
            continue;
        }
        if let Some(tz) = o.get("timezone").filter(|v| !v.is_null()) {
            out.to_review.push(format!(
                "{p}: HSDS gives a fixed UTC offset ({tz}); Harbour times are Europe/London wall-clock times. Check the hours."
            ));
        }
        let days: Days = opt_str(o, "byday", &p, errors)
            .map(|s| s.split(',').filter_map(day).collect())
            .unwrap_or_default();
        let opens = opt_str(o, "opens_at", &p, errors).and_then(hhmm);
        let closes = opt_str(o, "closes_at", &p, errors).and_then(hhmm);
        match (days.is_empty(), opens, closes) {
            (false, Some(opens), Some(closes)) => windows.push(Window {
                days,
                opens,
                closes,
                last_new_contact: None,
            }),
            _ => out
                .to_review
                .push(format!("{p}: days or times missing or malformed; skipped")),
        }
    }
    if windows.is_empty() {
        Hours::Unknown {
            note: Some("no usable schedule in the HSDS record".into()),
        }
    } else {
        Hours::Weekly {
            windows,
            exceptions: Vec::new(),
        }
    }
}

fn import_service(
    v: &Value,
    path: &str,
    checked: jiff::civil::Date,
    out: &mut HsdsImport,
) -> Result<Service, ImportErrors> {
    let mut errors = Vec::new();
    let o = obj(v, path, &mut errors).ok_or_else(|| errors.clone())?;
    let uuid = id(o, path, &mut errors);
    let name = opt_str(o, "name", path, &mut errors).map(str::to_owned);
    if name.is_none() {
        errors.push(format!("{path}.name: missing"));
    }
    unmapped(o, SERVICE_FIELDS, path, &mut out.unmapped_fields);

    let org_id = match o.get("organization") {
        Some(org) if !org.is_null() => {
            let op = format!("{path}.organization");
            obj(org, &op, &mut errors).and_then(|org| {
                unmapped(org, ORG_FIELDS, &op, &mut out.unmapped_fields);
                let oid = id(org, &op, &mut errors)?;
                let oname = opt_str(org, "name", &op, &mut errors)?.to_owned();
                let slug = slug(&oname, &oid);
                if !out.organisations.iter().any(|x| x.id == slug) {
                    out.organisations.push(Organisation {
                        id: slug.clone(),
                        name: oname,
                    });
                }
                Some(slug)
            })
        }
        _ => {
            errors.push(format!("{path}.organization: missing"));
            None
        }
    };

    let status = match opt_str(o, "status", path, &mut errors) {
        Some("active") | None => Status::Active,
        Some("inactive") => Status::Inactive,
        Some("defunct") => Status::Defunct,
        Some("temporarily closed") => Status::TemporarilyClosed,
        Some(_) => {
            errors.push(format!("{path}.status: not an HSDS status"));
            Status::Active
        }
    };

    let mut channels = Vec::new();
    match o.get("phones") {
        None | Some(Value::Null) => out
            .to_review
            .push(format!("{path}: no phones (the UK profile may drop them)")),
        Some(Value::Array(phones)) => {
            for (i, p) in phones.iter().enumerate() {
                let pp = format!("{path}.phones[{i}]");
                let Some(po) = obj(p, &pp, &mut errors) else {
                    continue;
                };
                id(po, &pp, &mut errors);
                unmapped(po, PHONE_FIELDS, &pp, &mut out.unmapped_fields);
                let kind = match opt_str(po, "type", &pp, &mut errors) {
                    Some("voice") | None => ChannelKind::Call,
                    Some("text") => ChannelKind::Text,
                    Some("textphone") => ChannelKind::Relay,
                    Some(other) => {
                        out.to_review.push(format!(
                            "{pp}: phone type {other} is not used by Harbour; skipped"
                        ));
                        continue;
                    }
                };
                let Some(raw) = opt_str(po, "number", &pp, &mut errors) else {
                    errors.push(format!("{pp}.number: missing"));
                    continue;
                };
                let Some(number) = clean_number(raw) else {
                    errors.push(format!("{pp}.number: not a phone number"));
                    continue;
                };
                out.to_review.push(format!(
                    "{pp}: check {number} against the provider's own page before it ships"
                ));
                channels.push(Channel {
                    instructions: opt_str(po, "description", &pp, &mut errors).map(str::to_owned),
                    ..channel(kind, number, Response::Live)
                });
            }
        }
        Some(_) => errors.push(format!("{path}.phones: expected an array")),
    }
    if let Some(url) = opt_str(o, "url", path, &mut errors) {
        channels.push(channel(
            ChannelKind::Web,
            strip_scheme(url),
            Response::RepliesLater,
        ));
    }
    if let Some(email) = opt_str(o, "email", path, &mut errors) {
        channels.push(channel(
            ChannelKind::Email,
            email.trim().to_owned(),
            Response::RepliesLater,
        ));
    }

    let hours = match o.get("schedules") {
        Some(Value::Array(list)) => import_schedules(list, path, out, &mut errors),
        None | Some(Value::Null) => Hours::Unknown { note: None },
        Some(_) => {
            errors.push(format!("{path}.schedules: expected an array"));
            Hours::Unknown { note: None }
        }
    };

    if let Some(Value::Array(areas)) = o.get("service_areas") {
        for (i, a) in areas.iter().enumerate() {
            if let Some(n) = a.get("name").and_then(Value::as_str) {
                out.to_review.push(format!(
                    "{path}.service_areas[{i}]: \"{}\" must be mapped to GSS codes by hand",
                    n.chars().take(80).collect::<String>()
                ));
            }
            if let Some(ao) = a.as_object() {
                unmapped(
                    ao,
                    &["id", "name"],
                    &format!("{path}.service_areas[{i}]"),
                    &mut out.unmapped_fields,
                );
            }
        }
    }

    let last_checked = match opt_str(o, "assured_date", path, &mut errors) {
        Some(d) => d.parse().unwrap_or_else(|_| {
            errors.push(format!("{path}.assured_date: not a date"));
            checked
        }),
        None => {
            out.to_review
                .push(format!("{path}: no assured_date; set to the import date"));
            checked
        }
    };
    let min_age = age(o, "minimum_age", path, &mut errors);
    let max_age = age(o, "maximum_age", path, &mut errors);

    if !errors.is_empty() {
        return Err(errors);
    }
    let (Some(uuid), Some(name), Some(org)) = (uuid, name, org_id) else {
        return Err(vec![format!("{path}: incomplete")]);
    };
    out.to_review.push(format!(
        "{path}: kind, topics and coverage cannot come from HSDS; they are placeholders (information only, no topics, no areas)"
    ));
    Ok(Service {
        id: slug(&name, &uuid),
        organisation: org,
        description: opt_str(o, "description", path, &mut Vec::new())
            .unwrap_or(&name)
            .trim()
            .to_owned(),
        name,
        kind: ServiceKind::InformationOnly,
        status,
        status_note: None,
        redirect_to: Vec::new(),
        topics: Vec::new(),
        eligibility: Eligibility {
            min_age,
            max_age: max_age.filter(|m| *m < 120),
            description: opt_str(o, "eligibility_description", path, &mut Vec::new())
                .unwrap_or("not stated")
                .to_owned(),
            ..Eligibility::default()
        },
        coverage: Coverage::Areas(Vec::new()),
        hours,
        channels,
        provenance: Provenance {
            sources: vec![format!("hsds:{uuid}")],
            last_checked,
            method: CheckMethod::SecondaryPage,
            conflicts: Vec::new(),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> jiff::civil::Date {
        jiff::civil::date(2026, 11, 21)
    }

    #[test]
    fn strict_about_ids_and_types() {
        let bad_id = br#"{"id": "not-a-uuid", "name": "X", "organization": {"id": "d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610", "name": "O"}}"#;
        let e = import(bad_id, today()).unwrap_err();
        assert!(e.iter().any(|m| m.contains("id: not a UUID")), "{e:?}");
        let bad_type = br#"{"id": "ac148810-d857-441c-9679-408f346de14b", "name": "X", "minimum_age": "twelve",
            "organization": {"id": "d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610", "name": "O"}}"#;
        let e = import(bad_type, today()).unwrap_err();
        assert!(
            e.iter()
                .any(|m| m.contains("minimum_age: expected a number")),
            "{e:?}"
        );
    }

    #[test]
    fn tolerant_of_missing_phones() {
        let no_phones = br#"{"id": "ac148810-d857-441c-9679-408f346de14b", "name": "Drop-in",
            "organization": {"id": "d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610", "name": "Org"}}"#;
        let out = import(no_phones, today()).unwrap();
        assert_eq!(out.services.len(), 1);
        assert!(out.services[0].channels.is_empty());
        assert!(out.to_review.iter().any(|r| r.contains("no phones")));
    }

    #[test]
    fn numbers_are_normalised() {
        assert_eq!(
            clean_number("\"+44 0000 000000\"").as_deref(),
            Some("00000 000000")
        );
        assert_eq!(clean_number("0800 1111").as_deref(), Some("0800 1111"));
        assert_eq!(clean_number("call us"), None);
    }
}
