//! The small, safe Markdown subset card bodies are written in: paragraphs, `-` and `1.`
//! lists, `*emphasis*`, `**strong**` and `[links](https://…)`. No HTML, images, headings, code
//! or tables: a card is plain words, and an app can render these blocks without a Markdown
//! library. Written here rather than with a CommonMark crate because the point is to *refuse*
//! everything outside the subset, which a full parser would happily accept.

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Inline {
    Text(String),
    Emphasis(String),
    Strong(String),
    Link { text: String, url: String },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    Paragraph(Vec<Inline>),
    Bullets(Vec<Vec<Inline>>),
    Numbered(Vec<Vec<Inline>>),
}

fn bullet(line: &str) -> Option<&str> {
    line.strip_prefix("- ")
}

fn numbered(line: &str) -> Option<&str> {
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    (digits > 0)
        .then(|| line[digits..].strip_prefix(". "))
        .flatten()
}

fn inline(text: &str) -> Result<Vec<Inline>, &'static str> {
    let mut out = Vec::new();
    let mut plain = String::new();
    let mut rest = text;
    let flush = |plain: &mut String, out: &mut Vec<Inline>| {
        if !plain.is_empty() {
            out.push(Inline::Text(std::mem::take(plain)));
        }
    };
    while let Some(c) = rest.chars().next() {
        if let Some(after) = rest.strip_prefix("**") {
            let end = after.find("**").ok_or("unclosed **strong**")?;
            flush(&mut plain, &mut out);
            out.push(Inline::Strong(after[..end].to_owned()));
            rest = &after[end + 2..];
        } else if let Some(after) = rest.strip_prefix('*') {
            let end = after.find('*').ok_or("unclosed *emphasis*")?;
            flush(&mut plain, &mut out);
            out.push(Inline::Emphasis(after[..end].to_owned()));
            rest = &after[end + 1..];
        } else if let Some(after) = rest.strip_prefix('[') {
            let close = after.find("](").ok_or("a [ that is not a link")?;
            let url_end = after[close + 2..].find(')').ok_or("unclosed link")?;
            let url = &after[close + 2..close + 2 + url_end];
            if !url.starts_with("https://") || url.contains(char::is_whitespace) {
                return Err("links must be https:// addresses");
            }
            flush(&mut plain, &mut out);
            out.push(Inline::Link {
                text: after[..close].to_owned(),
                url: url.to_owned(),
            });
            rest = &after[close + 2 + url_end + 1..];
        } else {
            if matches!(c, '<' | '`' | '_' | ']' | '\\') {
                return Err("HTML, code, underscores and backslashes are not allowed");
            }
            plain.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    flush(&mut plain, &mut out);
    Ok(out)
}

/// Parses a card body, refusing anything outside the subset.
pub fn parse(md: &str) -> Result<Vec<Block>, &'static str> {
    if md.contains("![") {
        return Err("images are not allowed");
    }
    let mut blocks = Vec::new();
    // Only newlines are trimmed: leading spaces would be indented code, which is refused.
    for chunk in md
        .split("\n\n")
        .map(|c| c.trim_matches(|ch| ch == '\n' || ch == '\r'))
        .filter(|c| !c.trim().is_empty())
    {
        let lines: Vec<&str> = chunk.lines().map(str::trim_end).collect();
        if lines
            .iter()
            .any(|l| l.starts_with(['#', '>', '|', ' ', '\t']))
        {
            return Err("headings, quotes, tables and indented code are not allowed");
        }
        if lines.iter().all(|l| bullet(l).is_some()) {
            blocks.push(Block::Bullets(
                lines
                    .iter()
                    .map(|l| inline(bullet(l).unwrap_or(l)))
                    .collect::<Result<_, _>>()?,
            ));
        } else if lines.iter().all(|l| numbered(l).is_some()) {
            blocks.push(Block::Numbered(
                lines
                    .iter()
                    .map(|l| inline(numbered(l).unwrap_or(l)))
                    .collect::<Result<_, _>>()?,
            ));
        } else if lines
            .iter()
            .any(|l| bullet(l).is_some() || numbered(l).is_some())
        {
            return Err("a list and a paragraph need a blank line between them");
        } else {
            blocks.push(Block::Paragraph(inline(&lines.join(" "))?));
        }
    }
    Ok(blocks)
}

fn inline_text(spans: &[Inline], out: &mut String) {
    for s in spans {
        match s {
            Inline::Text(t) | Inline::Emphasis(t) | Inline::Strong(t) => out.push_str(t),
            Inline::Link { text, .. } => out.push_str(text),
        }
    }
}

/// The words of the body, one block or list item per line.
pub fn plain_text(blocks: &[Block]) -> String {
    let mut out = String::new();
    for b in blocks {
        match b {
            Block::Paragraph(p) => {
                inline_text(p, &mut out);
                out.push('\n');
            }
            Block::Bullets(items) | Block::Numbered(items) => {
                for (i, item) in items.iter().enumerate() {
                    if matches!(b, Block::Numbered(_)) {
                        out.push_str(&format!("{}. ", i + 1));
                    } else {
                        out.push_str("- ");
                    }
                    inline_text(item, &mut out);
                    out.push('\n');
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_subset() {
        let b = parse("Press **firmly** on it.\n\n- one *thing*\n- [NHS](https://www.nhs.uk)\n\n1. first\n2. second").unwrap();
        assert_eq!(b.len(), 3);
        assert!(matches!(&b[0], Block::Paragraph(p) if p[1] == Inline::Strong("firmly".into())));
        assert!(matches!(&b[1], Block::Bullets(items) if items.len() == 2));
        assert!(matches!(&b[2], Block::Numbered(items) if items.len() == 2));
        assert_eq!(
            plain_text(&b),
            "Press firmly on it.\n- one thing\n- NHS\n1. first\n2. second\n"
        );
    }

    #[test]
    fn refuses_everything_else() {
        for bad in [
            "![wound](https://x.example/a.png)",
            "# Heading",
            "<b>html</b>",
            "`code`",
            "> quote",
            "| a | b |",
            "    indented code",
            "[link](http://insecure.example)",
            "**unclosed",
            "- item\nparagraph",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }
}
