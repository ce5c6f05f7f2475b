//! Reading secrets and text without leaving them in shell history or on screen.

use std::io::{IsTerminal, Read};

use harbour_core::Secret;
use zeroize::Zeroizing;

use crate::{CliError, Context};

/// Where a secret comes from: an environment variable (for scripts and tests) or, when that
/// is not set, a prompt that does not echo.
struct Source {
    env: &'static str,
    not_text: &'static str,
    no_terminal: &'static str,
}

const VAULT_SECRET: Source = Source {
    env: "HARBOUR_SECRET",
    not_text: "HARBOUR_SECRET is not valid text",
    no_terminal: "no terminal to ask for the secret: set HARBOUR_SECRET",
};

const BACKUP_PASSPHRASE: Source = Source {
    env: "HARBOUR_BACKUP_PASSPHRASE",
    not_text: "HARBOUR_BACKUP_PASSPHRASE is not valid text",
    no_terminal: "no terminal to ask for the backup passphrase: set HARBOUR_BACKUP_PASSPHRASE",
};

impl Source {
    fn is_set(&self) -> bool {
        std::env::var_os(self.env).is_some()
    }

    fn read(&self, prompt: &str) -> Result<Zeroizing<String>, CliError> {
        if let Some(v) = std::env::var_os(self.env) {
            return Ok(Zeroizing::new(
                v.into_string()
                    .map_err(|_| CliError::Usage(self.not_text))?,
            ));
        }
        if !std::io::stdin().is_terminal() {
            return Err(CliError::Usage(self.no_terminal));
        }
        Ok(Zeroizing::new(rpassword::prompt_password(prompt).map_err(
            |_| CliError::Usage("could not read what was typed"),
        )?))
    }

    /// A new secret: typed twice at a prompt, so a typo cannot lock anyone out.
    fn read_new(&self, prompt: &str) -> Result<Zeroizing<String>, CliError> {
        let first = self.read(prompt)?;
        if !self.is_set() {
            let again = self.read("Type it again: ")?;
            if !Secret::from_text(&first).check_same(&Secret::from_text(&again)) {
                return Err(CliError::Usage("the two entries differ"));
            }
        }
        Ok(first)
    }
}

/// The vault secret, from `HARBOUR_SECRET` or a prompt.
pub fn secret(prompt: &str) -> Result<Secret, CliError> {
    Ok(Secret::from_text(&VAULT_SECRET.read(prompt)?))
}

/// Whether the vault secret comes from the environment (so asking again would loop).
pub fn secret_from_env() -> bool {
    VAULT_SECRET.is_set()
}

/// Unlocks the vault with the secret from the environment or a prompt.
pub fn unlock(ctx: &Context) -> Result<(), CliError> {
    ctx.harbour.unlock(secret("Secret: ")?)?;
    Ok(())
}

/// Unlocks, and keeps the secret for a command that needs it again (key rotation seals the
/// new key slot with it) without asking twice.
pub fn unlock_keeping_secret(ctx: &Context) -> Result<Secret, CliError> {
    let text = VAULT_SECRET.read("Secret: ")?;
    ctx.harbour.unlock(Secret::from_text(&text))?;
    Ok(Secret::from_text(&text))
}

/// A new vault secret.
pub fn new_secret() -> Result<Secret, CliError> {
    Ok(Secret::from_text(&VAULT_SECRET.read_new(
        "Choose a PIN (6+ digits) or a passphrase (8+ characters): ",
    )?))
}

/// The passphrase of an existing backup, from `HARBOUR_BACKUP_PASSPHRASE` or a prompt.
pub fn backup_passphrase() -> Result<Secret, CliError> {
    Ok(Secret::from_text(
        &BACKUP_PASSPHRASE.read("Backup passphrase: ")?,
    ))
}

/// A passphrase for a new backup.
pub fn new_backup_passphrase() -> Result<Secret, CliError> {
    Ok(Secret::from_text(&BACKUP_PASSPHRASE.read_new(
        "Choose a backup passphrase (a few words, 12+ characters): ",
    )?))
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
