//! Wrappers for the two kinds of sensitive bytes the core handles: the user's unlock secret and
//! the user's own words. Both are wiped from memory when dropped and print as `<redacted>`.

use std::fmt;
use std::ops::Deref;

use unicode_normalization::UnicodeNormalization;
use zeroize::Zeroizing;

use crate::{Error, Result};

/// Minimum digits in a PIN.
pub const MIN_PIN_DIGITS: usize = 6;
/// Minimum characters in a passphrase.
pub const MIN_PASSPHRASE_CHARS: usize = 8;
/// Longest secret accepted, in bytes; longer input is almost certainly a paste mistake.
pub const MAX_SECRET_BYTES: usize = 1024;

/// Whether the app should show a number pad or a keyboard at unlock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretKind {
    Pin,
    Passphrase,
}

impl SecretKind {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            SecretKind::Pin => "pin",
            SecretKind::Passphrase => "passphrase",
        }
    }

    pub(crate) fn parse(s: &str) -> Result<Self> {
        match s {
            "pin" => Ok(SecretKind::Pin),
            "passphrase" => Ok(SecretKind::Passphrase),
            _ => Err(Error::Tampered),
        }
    }
}

/// The app PIN or passphrase, as typed. Held in memory that is wiped on drop.
///
/// The bytes are normalised to Unicode NFC so that the same passphrase typed on two keyboards
/// that compose accents differently unlocks the same vault.
pub struct Secret(Zeroizing<Vec<u8>>);

impl Secret {
    /// Takes ownership of the bytes; the caller's buffer is moved, not copied.
    pub fn new(bytes: Vec<u8>) -> Self {
        Secret(Zeroizing::new(bytes))
    }

    pub fn from_text(s: &str) -> Self {
        Secret::new(s.as_bytes().to_vec())
    }

    /// Whether two entries of a new secret are the same (for "type it again"), in constant time.
    pub fn check_same(&self, other: &Secret) -> bool {
        use subtle::ConstantTimeEq;
        bool::from(self.0.as_slice().ct_eq(other.0.as_slice()))
    }

    /// The bytes fed to the KDF: NFC-normalised UTF-8. Input that is not UTF-8 is used as is.
    pub(crate) fn kdf_input(&self) -> Result<Zeroizing<Vec<u8>>> {
        if self.0.len() > MAX_SECRET_BYTES {
            return Err(Error::InvalidInput("the secret is too long"));
        }
        Ok(match std::str::from_utf8(&self.0) {
            Ok(s) => {
                let mut out = Zeroizing::new(Vec::with_capacity(s.len() * 2));
                for c in s.nfc() {
                    let mut buf = [0u8; 4];
                    out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                }
                out
            }
            Err(_) => Zeroizing::new(self.0.to_vec()),
        })
    }

    /// Checks the rules for a new secret and says which kind it is.
    ///
    /// All digits: a PIN of at least six digits that is not one repeated digit or a straight
    /// run (these are the first guesses anyone makes). Anything else: a passphrase of at least
    /// eight characters.
    pub fn check_new(&self) -> Result<SecretKind> {
        let text = std::str::from_utf8(&self.0)
            .map_err(|_| Error::WeakSecret("the secret must be text"))?;
        if self.0.len() > MAX_SECRET_BYTES {
            return Err(Error::WeakSecret("the secret is too long"));
        }
        if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
            let digits = text.as_bytes();
            if digits.len() < MIN_PIN_DIGITS {
                return Err(Error::WeakSecret("a PIN needs at least 6 digits"));
            }
            let steps: Vec<i16> = digits
                .windows(2)
                .map(|w| i16::from(w[1]) - i16::from(w[0]))
                .collect();
            if steps.iter().all(|&s| s == 0) {
                return Err(Error::WeakSecret("a PIN cannot be one digit repeated"));
            }
            if steps.iter().all(|&s| s == 1) || steps.iter().all(|&s| s == -1) {
                return Err(Error::WeakSecret("a PIN cannot be a run like 123456"));
            }
            if easy_to_guess(text) {
                return Err(Error::WeakSecret(
                    "that PIN is one of the first anyone would try: choose digits with no pattern",
                ));
            }
            return Ok(SecretKind::Pin);
        }
        if text.trim().chars().count() < MIN_PASSPHRASE_CHARS {
            return Err(Error::WeakSecret(
                "a passphrase needs at least 8 characters (or use a PIN of 6 or more digits)",
            ));
        }
        if easy_to_guess(text) {
            return Err(Error::WeakSecret(
                "that passphrase is one of the first anyone would try: a few words you will remember work well",
            ));
        }
        Ok(SecretKind::Passphrase)
    }
}

/// The most common PINs and passwords (from published lists of leaked passwords, reduced to
/// what Harbour's length rules let through). Anyone guessing tries these first, and five free
/// tries would cover the top of this list.
const COMMON: &[&str] = &[
    "000000",
    "112233",
    "121212",
    "123123",
    "123321",
    "131313",
    "159753",
    "222222",
    "232323",
    "654321",
    "666666",
    "696969",
    "777777",
    "987654",
    "101010",
    "112211",
    "102030",
    "147258",
    "123654",
    "520520",
    "password",
    "passw0rd",
    "password1",
    "qwertyui",
    "qwertyuiop",
    "qwerty123",
    "iloveyou",
    "letmein1",
    "football",
    "baseball",
    "sunshine",
    "princess",
    "whatever",
    "trustno1",
    "superman",
    "starwars",
    "monkey123",
    "welcome1",
    "computer",
    "asdfghjk",
    "zxcvbnm1",
    "abc12345",
    "harbour1",
    "11111111",
];

/// Whether `text` (already checked for length) is one anyone would try early: on the common
/// list, one short piece repeated ("passwordpassword", "121212"), or a straight run of letters
/// or digits ("abcdefgh", "1234567890", wrapping round from 9 to 0).
pub(crate) fn easy_to_guess(text: &str) -> bool {
    let lower: Vec<char> = text.trim().to_lowercase().chars().collect();
    let n = lower.len();
    if n == 0 {
        return true;
    }
    let joined: String = lower.iter().collect();
    if COMMON.contains(&joined.as_str()) {
        return true;
    }
    // One unit repeated: the unit is all there is to guess.
    for unit in 1..=n / 2 {
        if n.is_multiple_of(unit) && (unit..n).all(|i| lower[i] == lower[i - unit]) {
            return true;
        }
    }
    // A straight run, up or down, digits wrapping round.
    let step = |a: char, b: char| -> Option<i32> {
        match (a.to_digit(10), b.to_digit(10)) {
            (Some(x), Some(y)) => Some((y as i32 - x as i32).rem_euclid(10)),
            _ if a.is_ascii_lowercase() && b.is_ascii_lowercase() => Some(b as i32 - a as i32),
            _ => None,
        }
    };
    let steps: Vec<Option<i32>> = lower.windows(2).map(|w| step(w[0], w[1])).collect();
    let run = |up: i32, down: i32| steps.iter().all(|s| *s == Some(up) || *s == Some(down));
    run(1, 1) || run(-1, 9)
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

/// Text the user wrote. Wiped on drop; `Debug` never shows it.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct UserText(Zeroizing<String>);

impl UserText {
    pub fn new(s: String) -> Self {
        UserText(Zeroizing::new(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Deref for UserText {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl From<String> for UserText {
    fn from(s: String) -> Self {
        UserText::new(s)
    }
}

impl From<&str> for UserText {
    fn from(s: &str) -> Self {
        UserText::new(s.to_owned())
    }
}

// Backups carry the user's words as JSON strings; going through `UserText` both ways means no
// unwiped copy is made on the way in or out.
impl serde::Serialize for UserText {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> serde::Deserialize<'de> for UserText {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        String::deserialize(d).map(UserText::new)
    }
}

impl fmt::Debug for UserText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("UserText(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pin_rules() {
        assert_eq!(Secret::from_text("482915").check_new(), Ok(SecretKind::Pin));
        assert!(matches!(
            Secret::from_text("48291").check_new(),
            Err(Error::WeakSecret(_))
        ));
        assert!(matches!(
            Secret::from_text("111111").check_new(),
            Err(Error::WeakSecret(_))
        ));
        assert!(matches!(
            Secret::from_text("123456").check_new(),
            Err(Error::WeakSecret(_))
        ));
        assert!(matches!(
            Secret::from_text("987654").check_new(),
            Err(Error::WeakSecret(_))
        ));
    }

    #[test]
    fn the_first_guesses_anyone_makes_are_refused() {
        for weak in [
            "password",
            "abcdefgh",
            "1234567890",
            "0987654321",
            "121212",
            "123123",
            "654321",
            "Password",
            "passwordpassword",
            "zyxwvuts",
        ] {
            assert!(
                matches!(
                    Secret::from_text(weak).check_new(),
                    Err(Error::WeakSecret(_))
                ),
                "{weak} was accepted"
            );
        }
        for fine in [
            "482915",
            "730184",
            "quiet harbour light",
            "kettle on at nine",
        ] {
            assert!(
                Secret::from_text(fine).check_new().is_ok(),
                "{fine} refused"
            );
        }
    }

    #[test]
    fn passphrase_rules() {
        assert_eq!(
            Secret::from_text("quiet harbour light").check_new(),
            Ok(SecretKind::Passphrase)
        );
        assert!(matches!(
            Secret::from_text("short").check_new(),
            Err(Error::WeakSecret(_))
        ));
        assert!(matches!(
            Secret::new(vec![0xff; 12]).check_new(),
            Err(Error::WeakSecret(_))
        ));
    }

    #[test]
    fn nfc_makes_composed_and_decomposed_equal() {
        let composed = Secret::from_text("caf\u{e9} au lait");
        let decomposed = Secret::from_text("cafe\u{301} au lait");
        assert_eq!(
            *composed.kdf_input().unwrap(),
            *decomposed.kdf_input().unwrap()
        );
    }

    #[test]
    fn debug_never_shows_content() {
        let s = Secret::from_text("my-secret-pin-4821");
        let t = UserText::from("marker-text-XYZ");
        assert_eq!(format!("{s:?}"), "Secret(<redacted>)");
        assert_eq!(format!("{t:?}"), "UserText(<redacted>)");
    }
}
