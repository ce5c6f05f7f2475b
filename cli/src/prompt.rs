//! Reading secrets and text without leaving them in shell history or on screen.

use std::io::{IsTerminal, Read};

use harbour_core::Secret;
use zeroize::Zeroizing;

use crate::CliError;

pub const SECRET_ENV: &str = "HARBOUR_SECRET";

/// The secret from `HARBOUR_SECRET`, or typed at a prompt with no echo.
pub fn secret(prompt: &str) -> Result<Secret, CliError> {
    if let Some(v) = std::env::var_os(SECRET_ENV) {
        let v = Zeroizing::new(
            v.into_string()
                .map_err(|_| CliError::Usage("HARBOUR_SECRET is not valid text"))?,
        );
        return Ok(Secret::from_text(&v));
    }
    if !std::io::stdin().is_terminal() {
        return Err(CliError::Usage(
            "no terminal to ask for the secret: set HARBOUR_SECRET",
        ));
    }
    let typed = Zeroizing::new(
        rpassword::prompt_password(prompt)
            .map_err(|_| CliError::Usage("could not read the secret"))?,
    );
    Ok(Secret::from_text(&typed))
}

/// A new secret, typed twice when asked at a prompt.
pub fn new_secret() -> Result<Secret, CliError> {
    if std::env::var_os(SECRET_ENV).is_some() {
        return secret("");
    }
    let first = secret("Choose a PIN (6+ digits) or a passphrase (8+ characters): ")?;
    let again = secret("Type it again: ")?;
    let same = first.check_same(&again);
    if !same {
        return Err(CliError::Usage("the two entries differ"));
    }
    Ok(first)
}

/// Text given as an argument, or read from standard input when the argument is `-` (which
/// keeps private words out of shell history and the process list).
pub fn text_arg(arg: &str) -> Result<String, CliError> {
    if arg != "-" {
        return Ok(arg.to_owned());
    }
    let mut s = String::new();
    std::io::stdin()
        .read_to_string(&mut s)
        .map_err(|_| CliError::Usage("could not read text from standard input"))?;
    Ok(s.trim_end_matches(['\n', '\r']).to_owned())
}
