//! The wording checks every text Harbour shows goes through: the avoid-list, sentence length
//! and reading ease. A foundation module, because the library's content lint and the
//! directory's text checks both need them and neither should depend on the other.

/// Longest sentence allowed, in words.
pub const MAX_SENTENCE_WORDS: usize = 22;

/// Words principles.md §6 names as harmful, and wording that shames or counts.
pub const AVOID: &[&str] = &[
    "attention seeking",
    "attention-seeking",
    "manipulative",
    "manipulation",
    "superficial",
    "committed suicide",
    "commit suicide",
    "days clean",
    "weeks clean",
    "months clean",
    "clean for",
    "stay clean",
    "staying clean",
    "been clean",
    "relapse",
    "relapsed",
    "cry for help",
    "successful attempt",
    "failed attempt",
    "unsuccessful attempt",
    // No streaks, no counting days (principle 3).
    "streak",
    "harm-free",
    "harm free",
    "days without",
    "self-harm free",
    "self-harm-free",
    // No shame or scar-based dissuasion (principle 1).
    "think how others feel",
    "think about how others",
    "selfish",
    "scarred for life",
    "permanent scar",
    "ugly",
    "disgusting",
    "stupid",
];

/// Words from the avoid-list found in `text` (what any text Harbour shows is checked for).
pub fn avoided(text: &str) -> Vec<String> {
    let lower = text.to_lowercase().replace(['\n', '\t'], " ");
    AVOID
        .iter()
        .filter(|phrase| lower.contains(*phrase))
        .map(|p| (*p).to_owned())
        .collect()
}

fn syllables(word: &str) -> usize {
    let w: Vec<char> = word
        .to_lowercase()
        .chars()
        .filter(|c| c.is_ascii_alphabetic())
        .collect();
    if w.is_empty() {
        return 0;
    }
    let vowel = |c: char| "aeiouy".contains(c);
    let mut count = 0;
    let mut prev = false;
    for &c in &w {
        let v = vowel(c);
        if v && !prev {
            count += 1;
        }
        prev = v;
    }
    // A final silent e ("care", "page"), but not "-le" ("bottle").
    if w.len() > 2 && w[w.len() - 1] == 'e' && !vowel(w[w.len() - 2]) && w[w.len() - 2] != 'l' {
        count -= 1;
    }
    count.max(1)
}

/// Reading statistics of a text whose sentences end in . ! ? or a line break.
#[derive(Debug, Clone, PartialEq)]
pub struct Reading {
    pub words: usize,
    pub sentences: usize,
    pub syllables: usize,
    pub longest_sentence: usize,
    /// Flesch reading ease: 206.835 − 1.015 × words/sentence − 84.6 × syllables/word.
    pub ease: f64,
}

pub fn reading(text: &str) -> Reading {
    let mut words_n = 0;
    let mut sentences = 0;
    let mut syl = 0;
    let mut longest = 0;
    for sentence in text.split(['.', '!', '?', '\n', ':', ';']) {
        let ws: Vec<&str> = sentence
            .split_whitespace()
            .filter(|w| w.chars().any(char::is_alphabetic))
            .collect();
        if ws.is_empty() {
            continue;
        }
        sentences += 1;
        words_n += ws.len();
        longest = longest.max(ws.len());
        syl += ws.iter().map(|w| syllables(w)).sum::<usize>();
    }
    let (w, s) = (words_n.max(1) as f64, sentences.max(1) as f64);
    Reading {
        words: words_n,
        sentences,
        syllables: syl,
        longest_sentence: longest,
        ease: 206.835 - 1.015 * (w / s) - 84.6 * (syl as f64 / w),
    }
}
