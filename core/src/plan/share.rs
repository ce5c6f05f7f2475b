//! Sharing the plan on the young person's terms: they choose the sections, and get plain text
//! or a self-contained, accessible, printable HTML page. Their own words only; no app branding
//! (which could out them) unless they ask for it; no scripts, no external resources. Nothing
//! is written or sent: the caller gets a string and decides what to do with it.

use super::{Plan, PlanItem, Section};
use crate::html::escape as escape_html;
use crate::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShareFormat {
    Text,
    Html,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShareOptions {
    /// Exactly these sections, in plan order.
    pub sections: Vec<Section>,
    pub format: ShareFormat,
    /// A heading of their choosing; "My plan" if none. (Not "safety plan": a page left on a
    /// printer should not say more than they want it to.)
    pub title: Option<String>,
    /// Add a "Made with Harbour" line. Off unless they choose it.
    pub include_app_name: bool,
}

const DEFAULT_TITLE: &str = "My plan";

/// A line about a linked directory service: its name and how to reach it.
type ServiceLine = Option<String>;

fn render_text(
    plan: &Plan,
    opts: &ShareOptions,
    title: &str,
    service: &dyn Fn(&PlanItem) -> ServiceLine,
) -> String {
    let mut out = format!("{title}\n\n");
    for s in &plan.sections {
        if !opts.sections.contains(&s.section) {
            continue;
        }
        out.push_str(s.section.title());
        out.push('\n');
        if s.items.is_empty() {
            out.push_str("  (nothing here yet)\n");
        }
        for item in &s.items {
            out.push_str("- ");
            out.push_str(&item.text);
            out.push('\n');
            if let Some(c) = &item.contact {
                out.push_str(&format!("  How to reach: {}\n", c.as_str()));
            }
            if let Some(line) = service(item) {
                out.push_str(&format!("  {line}\n"));
            }
        }
        out.push('\n');
    }
    if opts.include_app_name {
        out.push_str("Made with Harbour\n");
    }
    out
}

const STYLE: &str = "\
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;font-size:1.25rem;\
line-height:1.6;color:#111;background:#fff;max-width:40rem;margin:2rem auto;padding:0 1rem}\
h1{font-size:2rem;margin:0 0 1rem}\
h2{font-size:1.5rem;margin:2rem 0 .5rem;padding-bottom:.25rem;border-bottom:2px solid #111}\
ul{padding-left:1.5rem}li{margin:.5rem 0}.how{display:block;color:#333}\
.empty{color:#333;font-style:italic}footer{margin-top:3rem;color:#333;font-size:1rem}\
@media print{body{margin:0;max-width:none;font-size:14pt}h2{break-after:avoid}li{break-inside:avoid}}";

fn render_html(
    plan: &Plan,
    opts: &ShareOptions,
    title: &str,
    service: &dyn Fn(&PlanItem) -> ServiceLine,
) -> String {
    let mut body = String::new();
    for s in &plan.sections {
        if !opts.sections.contains(&s.section) {
            continue;
        }
        let id = s.section.key();
        body.push_str(&format!(
            "<section aria-labelledby=\"{id}\">\n<h2 id=\"{id}\">{}</h2>\n",
            escape_html(s.section.title())
        ));
        if s.items.is_empty() {
            body.push_str("<p class=\"empty\">Nothing here yet.</p>\n");
        } else {
            body.push_str("<ul>\n");
            for item in &s.items {
                body.push_str("<li>");
                body.push_str(&escape_html(&item.text));
                if let Some(c) = &item.contact {
                    body.push_str(&format!(
                        "<span class=\"how\">How to reach: {}</span>",
                        escape_html(c)
                    ));
                }
                if let Some(line) = service(item) {
                    body.push_str(&format!(
                        "<span class=\"how\">{}</span>",
                        escape_html(&line)
                    ));
                }
                body.push_str("</li>\n");
            }
            body.push_str("</ul>\n");
        }
        body.push_str("</section>\n");
    }
    let footer = if opts.include_app_name {
        "<footer>Made with Harbour</footer>\n"
    } else {
        ""
    };
    format!(
        "<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{t}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n<h1>{t}</h1>\n\
         {body}</main>\n{footer}</body>\n</html>\n",
        t = escape_html(title)
    )
}

/// The chosen sections of `plan` as text or HTML. `service` gives the line shown under an
/// item linked to a directory service (its name and how to reach it), if any.
pub(crate) fn render(
    plan: &Plan,
    opts: &ShareOptions,
    service: &dyn Fn(&PlanItem) -> ServiceLine,
) -> Result<String> {
    if opts.sections.is_empty() {
        return Err(Error::InvalidInput("choose at least one section to share"));
    }
    let title = opts
        .title
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .unwrap_or(DEFAULT_TITLE);
    if title.chars().count() > 120 || title.contains(['\n', '\r']) {
        return Err(Error::InvalidInput(
            "the title must be one line of up to 120 characters",
        ));
    }
    Ok(match opts.format {
        ShareFormat::Text => render_text(plan, opts, title, service),
        ShareFormat::Html => render_html(plan, opts, title, service),
    })
}
