//! The shared plan, rendered by a real browser: headless Chromium (Debian's `chromium`
//! package) takes a screenshot and prints the page to PDF; the PDF's text (poppler's
//! `pdftotext`) must show the young person's words and only the sections they chose.
//!
//! `HARBOUR_DOCS_SCREENSHOT=1` also copies the screenshot to docs/share-plan.png.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::process::Command;
use std::sync::Arc;

use harbour_core::Section;
use harbour_core::{Harbour, MemoryKeyStore, Secret};
use harbour_core::{ShareFormat, ShareOptions};

fn chromium(args: &[&str], profile: &Path) -> std::process::Output {
    Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .output()
        .expect("headless Chromium is needed for this test: apt-get install chromium (scripts/test.sh does)")
}

fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert_eq!(&bytes[1..4], b"PNG");
    let w = u32::from_be_bytes(bytes[16..20].try_into().unwrap());
    let h = u32::from_be_bytes(bytes[20..24].try_into().unwrap());
    (w, h)
}

/// A page as the browser shows and prints it.
struct Rendered {
    /// The 900×1300 screenshot, checked not to be blank.
    png: std::path::PathBuf,
    pdf: std::path::PathBuf,
    /// The PDF's text, as pdftotext reads it.
    text: String,
}

/// Writes `html` to `dir/NAME.html`, screenshots it and prints it to PDF in headless Chromium.
fn render(dir: &Path, name: &str, html: &str) -> Rendered {
    let page = dir.join(format!("{name}.html"));
    std::fs::write(&page, html).unwrap();
    let url = format!("file://{}", page.display());
    let profile = dir.join("chromium-profile");
    let png = dir.join(format!("{name}.png"));
    let shot = chromium(
        &[
            &format!("--screenshot={}", png.display()),
            "--window-size=900,1300",
            &url,
        ],
        &profile,
    );
    assert!(
        png.exists(),
        "no screenshot: {}",
        String::from_utf8_lossy(&shot.stderr)
    );
    let bytes = std::fs::read(&png).unwrap();
    assert_eq!(png_size(&bytes), (900, 1300));
    assert!(
        bytes.len() > 20_000,
        "the screenshot looks blank ({} bytes)",
        bytes.len()
    );
    let pdf = dir.join(format!("{name}.pdf"));
    chromium(
        &[
            "--no-pdf-header-footer",
            &format!("--print-to-pdf={}", pdf.display()),
            &url,
        ],
        &profile,
    );
    let text = Command::new("pdftotext")
        .arg(&pdf)
        .arg("-")
        .output()
        .expect("pdftotext is needed for this test: apt-get install poppler-utils (scripts/test.sh does)");
    Rendered {
        png,
        pdf,
        text: String::from_utf8_lossy(&text.stdout).into_owned(),
    }
}

#[test]
fn shared_plan_renders_in_chromium_with_only_the_chosen_sections() {
    let dir = tempfile::tempdir().unwrap();
    let config = harbour_tests::testing_config(dir.path().join("data"));
    let h = Harbour::open(config, Arc::new(MemoryKeyStore::new())).unwrap();
    h.create_vault(Secret::from_text("482915")).unwrap();
    let add = |s: Section, t: &str, c: Option<&str>| {
        h.add_plan_item(s, t.into(), c.map(Into::into), None)
            .unwrap();
    };
    add(
        Section::WarningSigns,
        "PRIVATE: not sleeping for days",
        None,
    );
    add(Section::OnMyOwn, "Listening to music with headphones", None);
    add(Section::OnMyOwn, "A walk by the sea", None);
    add(Section::PeopleToAsk, "Aunt Jo", Some("call after 6pm"));
    h.add_plan_item(
        Section::Professionals,
        "Samaritans".into(),
        None,
        Some("samaritans".into()),
    )
    .unwrap();
    add(
        Section::HelpsAndDoesnt,
        "Helps: a calm voice & being asked what I need",
        None,
    );
    add(
        Section::HelpsAndDoesnt,
        "Does not help: being told to calm down",
        None,
    );

    let html = h
        .share_plan(&ShareOptions {
            sections: vec![
                Section::OnMyOwn,
                Section::PeopleToAsk,
                Section::Professionals,
                Section::HelpsAndDoesnt,
            ],
            format: ShareFormat::Html,
            title: None,
            include_app_name: false,
        })
        .unwrap();
    let rendered = render(dir.path(), "plan", &html);
    let text = &rendered.text;
    for shown in [
        "My plan",
        "Things I can do on my own",
        "Listening to music with headphones",
        "People I can ask for help",
        "How to reach: call after 6pm",
        "Call 116 123",
        "What helps me and what doesn",
        "Helps: a calm voice & being asked what I need",
    ] {
        assert!(
            text.contains(shown),
            "rendered page lacks {shown:?}:\n{text}"
        );
    }
    assert!(
        !text.contains("PRIVATE"),
        "a section that was not chosen was rendered"
    );
    assert!(!text.contains("My warning signs"));
    assert!(
        !text.to_lowercase().contains("harbour"),
        "no app branding unless chosen"
    );

    if std::env::var_os("HARBOUR_DOCS_SCREENSHOT").is_some() {
        let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/share-plan.png");
        std::fs::copy(&rendered.png, docs).unwrap();
    }
}

/// The signposting sheet for workers and schools, printed by a real browser: at most two
/// pages, and its text carries the area, 999, the local line, professionals-only lines marked
/// in words, last-checked dates, the data version and the attribution.
/// `HARBOUR_DOCS_SCREENSHOT=1` also copies the screenshot to docs/signposting-sheet.png.
#[test]
fn the_signposting_sheet_prints_on_two_pages_with_everything_a_worker_needs() {
    let dir = tempfile::tempdir().unwrap();
    let config = harbour_tests::testing_config(dir.path().join("data"));
    let h = Harbour::open(config, Arc::new(MemoryKeyStore::new())).unwrap();
    assert!(matches!(
        h.signposting_sheet("Atlantis"),
        Err(harbour_core::Error::InvalidInput(_))
    ));
    let html = h.signposting_sheet("TQ1 1AA").unwrap();
    assert!(!html.contains("<script"), "no script in the sheet");
    assert!(
        !html.contains("http://") && !html.contains("src="),
        "nothing from outside"
    );
    assert!(html.contains("<html lang=\"en-GB\">"));
    let rendered = render(dir.path(), "sheet", &html);
    let info = Command::new("pdfinfo").arg(&rendered.pdf).output().unwrap();
    let info = String::from_utf8_lossy(&info.stdout);
    let pages: u32 = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    assert!((1..=2).contains(&pages), "{pages} pages");
    let text = &rendered.text;
    for shown in [
        "Where to find help: Torbay",
        "Call 999",
        "Local services in Torbay",
        "First Response",
        "National services",
        "Text SHOUT to 85258",
        "Last checked November 2026",
        "data version 3",
        "Open Government Licence",
    ] {
        assert!(
            text.contains(shown),
            "the printed sheet lacks {shown:?}:\n{text}"
        );
    }
    if std::env::var_os("HARBOUR_DOCS_SCREENSHOT").is_some() {
        let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/signposting-sheet.png");
        std::fs::copy(&rendered.png, docs).unwrap();
    }
}
