//! CLDR plural categories for the locales Harbour ships or expects next.
//!
//! English has two forms ("1 minute", "5 minutes"); Welsh has six, so a Welsh pack can say
//! "0 munud", "1 munud", "2 funud", "3 munud", "6 munud" and so on correctly. Rules are from
//! the CLDR plural rules for integers (unicode.org/cldr/charts, "Language Plural Rules").

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Category {
    Zero,
    One,
    Two,
    Few,
    Many,
    Other,
}

/// The language part of a BCP 47 tag, lower-cased: the only part plural rules depend on here.
fn language(locale: &str) -> String {
    locale
        .split(['-', '_'])
        .next()
        .unwrap_or("")
        .to_ascii_lowercase()
}

/// The category of a whole number `n` in `locale` (BCP 47; the language part decides).
pub fn category(locale: &str, n: u64) -> Category {
    let lang = language(locale);
    match lang.as_str() {
        // cy: zero n = 0; one n = 1; two n = 2; few n = 3; many n = 6; other.
        "cy" => match n {
            0 => Category::Zero,
            1 => Category::One,
            2 => Category::Two,
            3 => Category::Few,
            6 => Category::Many,
            _ => Category::Other,
        },
        // en and the default: one i = 1 and v = 0; other.
        _ if n == 1 => Category::One,
        _ => Category::Other,
    }
}

/// The categories a complete message needs in `locale`, so packs can be checked.
pub fn required(locale: &str) -> &'static [Category] {
    let lang = language(locale);
    match lang.as_str() {
        "cy" => &[
            Category::Zero,
            Category::One,
            Category::Two,
            Category::Few,
            Category::Many,
            Category::Other,
        ],
        _ => &[Category::One, Category::Other],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english() {
        assert_eq!(category("en-GB", 1), Category::One);
        for n in [0, 2, 5, 11, 21, 100] {
            assert_eq!(category("en-GB", n), Category::Other);
        }
    }

    #[test]
    fn welsh_uses_six_forms() {
        let got: Vec<Category> = [0, 1, 2, 3, 4, 5, 6, 7, 10, 100]
            .iter()
            .map(|n| category("cy", *n))
            .collect();
        use Category::*;
        assert_eq!(
            got,
            [Zero, One, Two, Few, Other, Other, Many, Other, Other, Other]
        );
        assert_eq!(required("cy-GB").len(), 6);
    }
}
