//! Escaping text for HTML. The shared plan page and the signposting sheet are built as
//! strings, and every piece of text in them, the young person's words included, goes through
//! here.

/// Escapes text for HTML element content and attribute values.
pub(crate) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_markup_character_is_escaped() {
        assert_eq!(
            super::escape("<a href=\"x\">Jo's & Sam's</a>"),
            "&lt;a href=&quot;x&quot;&gt;Jo&#39;s &amp; Sam&#39;s&lt;/a&gt;"
        );
    }
}
