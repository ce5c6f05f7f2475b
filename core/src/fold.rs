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

/// Splits a query into folded words.
pub(crate) fn words(query: &str) -> Vec<Zeroizing<String>> {
    fold(query)
        .split_whitespace()
        .map(|w| Zeroizing::new(w.to_owned()))
        .collect()
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
    fn words_split_on_whitespace() {
        let w = words("  Calm   Harbour ");
        assert_eq!(
            w.iter().map(|s| s.as_str()).collect::<Vec<_>>(),
            ["calm", "harbour"]
        );
    }
}
