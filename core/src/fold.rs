//! Case- and accent-insensitive matching ("Café" finds "cafe", "ÉTÉ" finds "été").

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;
use zeroize::Zeroizing;

/// Lowercase, decomposed, with combining marks removed. The result may hold user text, so it is
/// wiped on drop.
pub(crate) fn fold(s: &str) -> Zeroizing<String> {
    let mut out = Zeroizing::new(String::with_capacity(s.len() + 8));
    for c in s.nfkd().filter(|c| !is_combining_mark(*c)) {
        for l in c.to_lowercase() {
            // Reserve before pushing so the buffer never reallocates behind our back.
            if out.len() + 4 > out.capacity() {
                let mut bigger = Zeroizing::new(String::with_capacity(out.capacity() * 2 + 8));
                bigger.push_str(&out);
                out = bigger;
            }
            out.push(l);
        }
    }
    out
}

/// Whether `text`, folded, contains `word` (already folded, as from [`words`]). Plain ASCII
/// text — most notes — is matched in place: no folded copy is made, and nothing is allocated.
pub(crate) fn contains(text: &str, word: &str) -> bool {
    if text.is_ascii() && word.is_ascii() {
        return contains_ascii_ignoring_case(text.as_bytes(), word.as_bytes());
    }
    fold(text).contains(word)
}

/// `word` must be lowercase already.
fn contains_ascii_ignoring_case(text: &[u8], word: &[u8]) -> bool {
    let Some((&first, rest)) = word.split_first() else {
        return true;
    };
    if text.len() < word.len() {
        return false;
    }
    let last_start = text.len() - word.len();
    // Candidates are found with a vectorised scan for either case of the first byte; only
    // they are compared in full.
    memchr::memchr2_iter(first, first.to_ascii_uppercase(), &text[..=last_start])
        .any(|i| text[i + 1..i + word.len()].eq_ignore_ascii_case(rest))
}

/// Splits a query into folded words.
pub(crate) fn words(query: &str) -> Vec<Zeroizing<String>> {
    fold(query)
        .split_whitespace()
        .map(|w| Zeroizing::new(w.to_owned()))
        .collect()
}

/// Characters that change the direction text is shown in (U+202E and friends). In a short
/// label such as a tag they serve only to make it read as something it is not.
pub fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_case_and_accents() {
        assert_eq!(fold("Café ÉTÉ").as_str(), "cafe ete");
        assert_eq!(fold("Naïve ÅNGSTRÖM").as_str(), "naive angstrom");
        assert_eq!(fold("ﬁne").as_str(), "fine");
    }

    #[test]
    fn contains_matches_fold_on_ascii_and_beyond() {
        let cases = [
            ("Walk by the SEA", "sea", true),
            ("Walk by the SEA", "seas", false),
            ("sea", "sea", true),
            ("se", "sea", false),
            ("", "a", false),
            ("anything", "", true),
            ("Café au lait", "cafe", true),
            ("CAFÉ", "café", false), // words are folded before they get here
            ("ÉTÉ à Nice", "ete", true),
            ("plain ascii", "été", false),
        ];
        for (text, word, expected) in cases {
            assert_eq!(contains(text, word), expected, "{text:?} / {word:?}");
            // The fast path agrees with folding in full.
            assert_eq!(
                contains(text, word),
                fold(text).contains(word),
                "{text:?} / {word:?}"
            );
        }
    }

    #[test]
    fn words_split_on_whitespace() {
        let w = words("  Calm   Harbour ");
        assert_eq!(
            w.iter().map(|s| s.as_str()).collect::<Vec<_>>(),
            ["calm", "harbour"]
        );
    }
}
