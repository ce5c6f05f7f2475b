//! Backup passphrases: checked for strength when the user types one, or generated as groups
//! of letters and digits that are easy to copy by hand.

use zeroize::Zeroizing;

use crate::crypto::keys::fill_random;
use crate::secret::Secret;
use crate::{Error, Result};

/// No 0/o, 1/l/i: nothing that is easy to misread when copied from a screen to paper.
const ALPHABET: &[u8; 31] = b"23456789abcdefghjkmnpqrstuvwxyz";
const GROUPS: usize = 5;
const GROUP_LEN: usize = 5;

/// A new passphrase: five groups of five characters from a 31-character alphabet
/// (about 124 bits), e.g. `k7mqz-9fztb-…`. Shown once; Harbour keeps no copy.
pub fn generate_passphrase() -> Result<Zeroizing<String>> {
    let mut out = Zeroizing::new(String::with_capacity(GROUPS * (GROUP_LEN + 1)));
    let mut byte = [0u8; 1];
    for g in 0..GROUPS {
        if g > 0 {
            out.push('-');
        }
        let mut n = 0;
        while n < GROUP_LEN {
            fill_random(&mut byte)?;
            // Rejection sampling over five bits keeps every character equally likely.
            let v = usize::from(byte[0] & 0x1f);
            if v < ALPHABET.len() {
                out.push(char::from(ALPHABET[v]));
                n += 1;
            }
        }
    }
    Ok(out)
}

/// Refuses a typed passphrase that would be easy to guess, saying how to make a better one.
pub fn check_passphrase(p: &Secret) -> Result<()> {
    let bytes = p.kdf_input()?;
    let text = std::str::from_utf8(&bytes)
        .map_err(|_| Error::WeakSecret("the passphrase must be text"))?;
    // Copies of the passphrase are wiped when dropped, like the passphrase itself.
    let chars: Zeroizing<Vec<char>> = Zeroizing::new(text.chars().collect());
    if chars.len() < 12 {
        return Err(Error::WeakSecret(
            "a backup passphrase needs at least 12 characters: a few words with spaces work well",
        ));
    }
    if crate::secret::easy_to_guess(text) {
        return Err(Error::WeakSecret(
            "that passphrase is one of the first anyone would try: a few words with spaces work well",
        ));
    }
    let mut distinct = Zeroizing::new(chars.to_vec());
    distinct.sort_unstable();
    distinct.dedup();
    if distinct.len() < 6 {
        return Err(Error::WeakSecret(
            "the passphrase repeats too few different characters",
        ));
    }
    let words = text
        .split_whitespace()
        .filter(|w| w.chars().count() >= 2)
        .count();
    let classes = [
        chars.iter().any(|c| c.is_lowercase()),
        chars.iter().any(|c| c.is_uppercase()),
        chars.iter().any(|c| c.is_ascii_digit()),
        chars.iter().any(|c| !c.is_alphanumeric()),
    ]
    .iter()
    .filter(|x| **x)
    .count();
    if chars.len() < 16 && words < 3 && classes < 3 {
        return Err(Error::WeakSecret(
            "make the passphrase longer (16+ characters) or use three or more words",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_passphrases_are_strong_and_unambiguous() {
        let a = generate_passphrase().unwrap();
        let b = generate_passphrase().unwrap();
        assert_ne!(*a, *b);
        assert_eq!(a.len(), 29);
        assert!(a.split('-').all(|g| g.len() == 5));
        assert!(!a.contains(['0', 'o', '1', 'l', 'i', '!']));
        check_passphrase(&Secret::from_text(&a)).unwrap();
    }

    #[test]
    fn weak_typed_passphrases_are_refused_with_a_reason() {
        for weak in [
            "short",
            "aaaaaaaaaaaaaaaa",
            "password1234",
            "passwordpassword",
            "abcdefghijklmnop",
        ] {
            assert!(
                matches!(
                    check_passphrase(&Secret::from_text(weak)),
                    Err(Error::WeakSecret(_))
                ),
                "{weak}"
            );
        }
        for ok in [
            "quiet harbour light at dawn",
            "Blue-Kettle-47!x",
            "seventeen green bottles",
        ] {
            check_passphrase(&Secret::from_text(ok)).unwrap();
        }
    }
}
