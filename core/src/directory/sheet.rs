//! A printable signposting sheet for workers and schools: the national and local services for
//! one area, from the signed pack, so that the people who signpost have the same checked list
//! the app shows. One or two pages; self-contained HTML with no script and no outside
//! resource; headings, language and contrast for screen readers and printing; whether a line
//! is for professionals only is said in words, never by colour alone.

use jiff::Timestamp;

use super::model::{Day, Hours, Service, ServiceKind, Topic};
use super::query::join_and;
use super::{Directory, HelpQuery};
use crate::html::escape as escape_html;
use crate::pack::PackInfo;

const STYLE: &str = "body{font-family:system-ui,-apple-system,\"Segoe UI\",Roboto,sans-serif;\
font-size:1rem;line-height:1.35;color:#111;background:#fff;max-width:48rem;margin:1.5rem auto;\
padding:0 1rem}h1{font-size:1.5rem;margin:0 0 .3rem}h2{font-size:1.15rem;margin:1rem 0 .3rem;\
border-bottom:2px solid #111}h3{font-size:1rem;margin:.6rem 0 0}p{margin:0}ul{margin:0;\
padding-left:1.1rem}.lead{margin-bottom:.5rem}.pro{font-weight:700}.small{color:#333;\
font-size:.9em}footer{margin-top:1rem;font-size:.85em;color:#333}\
@page{size:A4;margin:11mm}@media print{body{margin:0;max-width:none;font-size:8.5pt}\
h1{font-size:14pt}h2{font-size:11pt;margin-top:.5rem}h3{font-size:9pt;margin-top:.35rem}\
main{columns:2;column-gap:1rem}section>h2{column-span:all}article{break-inside:avoid}}";

/// Opening hours as a sheet states them: the same for every reader, not "open now".
fn hours_text(h: &Hours) -> String {
    match h {
        Hours::Always => "open all the time".to_owned(),
        Hours::Unknown { .. } => "not known: check them before you rely on them".to_owned(),
        Hours::Weekly {
            windows,
            exceptions,
        } => {
            let parts: Vec<String> = windows
                .iter()
                .map(|w| format!("{} {}–{}", days_text(w.days.iter()), w.opens, w.closes))
                .collect();
            let mut text = parts.join("; ");
            if !exceptions.is_empty() {
                text.push_str(" (closed on some dates, such as bank holidays)");
            }
            text
        }
    }
}

fn day_name(d: Day) -> &'static str {
    match d {
        Day::Mon => "Mon",
        Day::Tue => "Tue",
        Day::Wed => "Wed",
        Day::Thu => "Thu",
        Day::Fri => "Fri",
        Day::Sat => "Sat",
        Day::Sun => "Sun",
    }
}

/// "Mon–Fri", "every day", "Sat, Sun": runs of days joined with a dash.
fn days_text(days: impl Iterator<Item = Day>) -> String {
    let days: Vec<Day> = days.collect();
    if days.len() == 7 {
        return "every day".to_owned();
    }
    let mut runs: Vec<(Day, Day)> = Vec::new();
    for d in days {
        match runs.last_mut() {
            Some((_, end)) if (*end as u8) + 1 == d as u8 => *end = d,
            _ => runs.push((d, d)),
        }
    }
    runs.iter()
        .map(|&(a, b)| match (b as u8) - (a as u8) {
            0 => day_name(a).to_owned(),
            1 => format!("{}, {}", day_name(a), day_name(b)),
            _ => format!("{}–{}", day_name(a), day_name(b)),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// "for anyone in Torbay" as the start of a sentence.
fn sentence_case(s: &str) -> String {
    let mut chars = s.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

fn topic_text(t: Topic) -> &'static str {
    match t {
        Topic::SelfHarm => "self-harm",
        Topic::SuicidalThoughts => "suicidal thoughts",
        Topic::Crisis => "crisis",
        Topic::EmotionalSupport => "emotional support",
        Topic::AnxietyAndDepression => "anxiety and depression",
        Topic::Eating => "eating",
        Topic::Lgbtq => "LGBT+",
        Topic::Bereavement => "bereavement",
        Topic::ParentsAndCarers => "parents and carers",
        Topic::Safeguarding => "safeguarding",
    }
}

impl Directory {
    fn sheet_entry(&self, s: &Service, codes: &[String], at: Timestamp) -> String {
        let query = HelpQuery {
            at: Some(at),
            for_professionals: true,
            for_parents: true,
            ..HelpQuery::default()
        };
        let organisation = self.organisation_name(&s.organisation);
        let mut out = format!("<article>\n<h3>{}</h3>\n", escape_html(&s.name));
        if organisation != s.name {
            out.push_str(&format!(
                "<p class=\"small\">{}</p>\n",
                escape_html(organisation)
            ));
        }
        if s.eligibility.professionals_only {
            out.push_str(
                "<p class=\"pro\">For professionals only: not for young people to contact.</p>\n",
            );
        }
        out.push_str(&format!(
            "<p>{}. Hours: {}.</p>\n",
            escape_html(&sentence_case(&self.why(s, codes))),
            escape_html(&hours_text(&s.hours))
        ));
        let options = self.service_options(s, &query, codes);
        if options.is_empty() {
            out.push_str("<p>No contact details are listed here.</p>\n");
        } else {
            out.push_str("<ul>\n");
            for option in options {
                out.push_str(&format!("<li>{}</li>\n", escape_html(&option.how)));
            }
            out.push_str("</ul>\n");
        }
        let topics: Vec<&str> = s.topics.iter().map(|t| topic_text(*t)).collect();
        let about = match topics.as_slice() {
            [] => String::new(),
            t => format!("About {}. ", t.join(", ")),
        };
        let confirmed = if s.verified() {
            ""
        } else {
            "; not yet confirmed on the provider's own page"
        };
        out.push_str(&format!(
            "<p class=\"small\">{about}Last checked {}{confirmed}.</p>\n</article>\n",
            s.provenance.last_checked.strftime("%B %Y")
        ));
        out
    }

    /// The sheet for the areas `codes`, from this pack (`info`), with hours as of `at`'s week.
    pub(crate) fn sheet(&self, codes: &[String], info: &PackInfo, at: Timestamp) -> String {
        let named: Vec<&str> = codes.iter().filter_map(|c| self.areas.name(c)).collect();
        let names = join_and(&named);
        let attribution = &self.content.attribution;
        let offered: Vec<&Service> = self
            .content
            .services
            .iter()
            .filter(|s| s.is_offered())
            .collect();
        let emergency: Vec<&&Service> = offered
            .iter()
            .filter(|s| s.kind == ServiceKind::Emergency)
            .collect();
        let local: Vec<&&Service> = offered
            .iter()
            .filter(|s| s.kind != ServiceKind::Emergency && s.covers_any(codes))
            .collect();
        let national: Vec<&&Service> = offered
            .iter()
            .filter(|s| {
                s.kind != ServiceKind::Emergency
                    && !s.covers_any(codes)
                    && s.covers_everyone_in(codes)
            })
            .collect();
        let section = |id: &str, title: &str, list: &[&&Service]| {
            let mut out =
                format!("<section aria-labelledby=\"{id}\">\n<h2 id=\"{id}\">{title}</h2>\n");
            for s in list {
                out.push_str(&self.sheet_entry(s, codes, at));
            }
            out.push_str("</section>\n");
            out
        };
        let names_html = escape_html(&names);
        let mut body = String::new();
        body.push_str(&section(
            "emergency",
            "If a life is in danger now",
            &emergency,
        ));
        if !local.is_empty() {
            body.push_str(&section(
                "local",
                &format!("Local services in {names_html}"),
                &local,
            ));
        }
        body.push_str(&section(
            "national",
            "National services, for anywhere in the country",
            &national,
        ));
        let lines: Vec<String> = attribution.iter().map(|l| escape_html(l)).collect();
        format!(
            "<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <title>Where to find help: {names_html}</title>\n<style>{STYLE}</style>\n</head>\n\
             <body>\n<header>\n<h1>Where to find help: {names_html}</h1>\n\
             <p class=\"lead\">For workers, teachers and anyone helping a young person who \
             self-harms or is thinking about suicide. Every entry says who it is for, how to \
             get in touch, when it is open and when it was last checked. Numbers and hours can \
             change: check one before you rely on it.</p>\n</header>\n<main>\n{body}</main>\n\
             <footer>\n<p>From Harbour's directory, data version {}, built {}.</p>\n<p>{}</p>\n\
             </footer>\n</body>\n</html>\n",
            info.data_version,
            info.built_at.strftime("%-d %B %Y"),
            lines.join("<br>\n"),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The sheet's own sentences follow the same wording rules as the pack's content.
    #[test]
    fn the_sheets_own_words_pass_the_wording_checks() {
        let dir = tempfile::tempdir().unwrap();
        let h = crate::Harbour::open(
            crate::Config::new(dir.path()),
            std::sync::Arc::new(crate::MemoryKeyStore::new()),
        )
        .unwrap();
        let html = h.signposting_sheet("Torbay").unwrap();
        let text: String = html
            .split('<')
            .filter_map(|part| part.split_once('>').map(|(_, t)| t))
            .collect::<Vec<_>>()
            .join(" ");
        assert!(crate::wording::avoided(&text).is_empty(), "{text}");
        let lead = text
            .split("Where to find help: Torbay")
            .nth(2)
            .unwrap_or_default()
            .split("If a life")
            .next()
            .unwrap_or_default();
        assert!(lead.contains("For workers"), "{lead}");
        let r = crate::wording::reading(lead);
        assert!(
            r.longest_sentence <= crate::wording::MAX_SENTENCE_WORDS,
            "{lead}"
        );
        assert!(!text.contains(" for anyone"), "lower-case start: {text}");
    }

    #[test]
    fn days_read_as_runs() {
        use Day::*;
        assert_eq!(days_text([Mon, Tue, Wed, Thu, Fri].into_iter()), "Mon–Fri");
        assert_eq!(days_text(Day::ALL.into_iter()), "every day");
        assert_eq!(days_text([Sat, Sun].into_iter()), "Sat, Sun");
        assert_eq!(days_text([Mon, Wed, Thu, Fri].into_iter()), "Mon, Wed–Fri");
    }
}
