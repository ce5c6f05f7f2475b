//! `harbour`: the reference front end for Harbour's core, and the publisher's tools.
//!
//! Every command is one process: it opens the data, unlocks if the command needs private data,
//! does one thing, and exits (which locks again). Nothing here talks to a network.

mod backup;
mod coping;
mod exit;
mod help;
mod library;
mod notes;
mod output;
mod pack;
mod plan;
mod prompt;

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Parser, Subcommand};
use harbour_core::KdfProfile;
use harbour_core::{Config, FileKeyStore, Harbour};

use output::Output;

const ABOUT: &str = "Harbour: a private, offline safety plan and coping notes, with help that works with no signal.";

const SECRETS_HELP: &str = "\
SECRETS:
  The vault secret (a PIN of 6+ digits, or a passphrase of 8+ characters) is read from the
  HARBOUR_SECRET environment variable when it is set, for scripts and tests; otherwise it is
  asked for at a prompt that does not echo. A backup passphrase works the same way, from
  HARBOUR_BACKUP_PASSPHRASE. Text arguments given as '-' are read from standard input, which
  keeps private words out of shell history.

FILES:
  The data directory holds only encrypted data. The device key file holds the keys that stand
  in for the phone's secure hardware; it lives in a separate place so that copying the data
  directory alone does not copy the keys. The file is NOT hardware-backed: anyone who can read
  it can do what the phone's secure hardware would prevent.";

#[derive(Parser)]
#[command(name = "harbour", version, about = ABOUT, after_help = format!("{SECRETS_HELP}\n\n{}", exit::HELP))]
struct Cli {
    /// Where the encrypted data lives [default: the platform data directory]
    #[arg(long, global = true, env = "HARBOUR_DATA_DIR", value_name = "DIR")]
    data_dir: Option<PathBuf>,

    /// The device key file [default: device.key in the platform config directory]
    #[arg(long, global = true, env = "HARBOUR_DEVICE_KEY", value_name = "FILE")]
    device_key: Option<PathBuf>,

    /// Print machine-readable JSON instead of text
    #[arg(long, global = true)]
    json: bool,

    /// Key-derivation strength for a new secret. 'testing' is fast and weak: for tests only.
    #[arg(long, global = true, env = "HARBOUR_KDF", value_enum, default_value_t = KdfChoice::Calibrated, hide = true)]
    kdf: KdfChoice,

    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum KdfChoice {
    Calibrated,
    Testing,
}

#[derive(Subcommand)]
enum Command {
    /// Create the vault with a new PIN or passphrase
    Init,
    /// Coping notes (needs the secret)
    #[command(subcommand)]
    Note(notes::NoteCommand),
    /// Show whether a vault exists and whether unlocking is possible right now
    LockState,
    /// The safety plan (needs the secret)
    #[command(subcommand)]
    Plan(plan::PlanCommand),
    /// What is readable without the secret: quick-access plan sections and notes
    Quick,
    /// A supported session with a youth worker: build the plan together, notes hidden
    // `walkthrough` was its first name; kept so scripts that used it still work.
    #[command(alias = "walkthrough")]
    SupportedSession,
    /// Who can help right now: works with no vault, no secret and no network
    HelpNow(help::HelpNowArgs),
    /// Details of one service in the directory
    #[command(subcommand)]
    Services(help::ServicesCommand),
    /// The local authorities Harbour has local services for, or which of them a postcode is in
    Areas {
        /// A postcode or its first half (e.g. TQ3): shows the areas it is in, and how it is split
        #[arg(long)]
        postcode: Option<String>,
    },
    /// First aid after an injury, and when to get help
    FirstAid(library::FirstAidArgs),
    /// Things that might help right now, for how you feel; then "how is it now?"
    Cope(coping::CopeArgs),
    /// Your coping toolbox: hide, favourite, order and add ideas (needs the secret)
    #[command(subcommand)]
    Toolbox(coping::ToolboxCommand),
    /// Private check-ins: how strong a feeling was and what helped (needs the secret)
    #[command(subcommand)]
    Checkin(coping::CheckinCommand),
    /// "Is this an emergency?": a few yes/no questions
    Triage(library::TriageArgs),
    /// Information for young people, parents and carers, friends and workers
    Info(library::InfoArgs),
    /// Back up everything to a file you keep, or bring a backup back
    #[command(subcommand)]
    Backup(backup::BackupCommand),
    /// Re-encrypt everything under a new key, so deleted notes cannot be recovered (needs the secret)
    RotateKey,
    /// Move a vault this device has no keys for out of the way (kept, not deleted), so a backup can be restored
    SetAside {
        /// Yes, set it aside
        #[arg(long)]
        yes: bool,
    },
    /// Delete the vault for good: every note, the plan, and the keys
    Erase {
        /// Yes, delete everything
        #[arg(long)]
        yes: bool,
    },
    /// Publisher tools: build, sign, verify, inspect and install packs; import HSDS data
    #[command(subcommand)]
    Pack(pack::PackCommand),
}

/// Errors of the command-line layer: the core's, plus usage problems found here.
#[derive(Debug)]
pub enum CliError {
    Core(harbour_core::Error),
    Usage(&'static str),
    Io(std::io::ErrorKind),
}

impl From<harbour_core::Error> for CliError {
    fn from(e: harbour_core::Error) -> Self {
        CliError::Core(e)
    }
}

impl CliError {
    fn exit_code(&self) -> u8 {
        match self {
            CliError::Core(e) => exit::for_error(e),
            CliError::Usage(_) => exit::BAD_INPUT,
            CliError::Io(_) => exit::FAILURE,
        }
    }

    fn message(&self) -> String {
        match self {
            CliError::Core(harbour_core::Error::LockedOut { retry_after }) => format!(
                "too many wrong tries; try again in {}",
                output::duration(*retry_after)
            ),
            CliError::Core(harbour_core::Error::WrongSecret {
                retry_after: Some(d),
            }) => format!(
                "that secret is not right; the next try is possible in {}",
                output::duration(*d)
            ),
            CliError::Core(harbour_core::Error::DeviceKeyMissing) => {
                output::KEYS_MISSING.to_owned()
            }
            CliError::Core(e) => e.to_string(),
            CliError::Usage(m) => (*m).to_owned(),
            CliError::Io(kind) => format!("file error ({kind:?})"),
        }
    }
}

fn default_dirs() -> Option<directories::ProjectDirs> {
    directories::ProjectDirs::from("org", "Harbour", "harbour")
}

pub struct Context {
    pub harbour: Harbour,
    /// The device key file, kept to report permission problems it found.
    pub keys: Arc<FileKeyStore>,
    pub out: Output,
}

fn context(cli: &Cli) -> Result<Context, CliError> {
    let dirs = default_dirs();
    let data_dir = cli
        .data_dir
        .clone()
        .or_else(|| dirs.as_ref().map(|d| d.data_dir().to_path_buf()))
        .ok_or(CliError::Usage("no home directory: pass --data-dir"))?;
    let device_key = cli
        .device_key
        .clone()
        .or_else(|| {
            dirs.as_ref()
                .map(|d| d.config_dir().join("keys").join(key_file_name(&data_dir)))
        })
        .ok_or(CliError::Usage("no home directory: pass --device-key"))?;
    let mut config = Config::new(data_dir);
    config.kdf = match cli.kdf {
        KdfChoice::Calibrated => KdfProfile::default(),
        // Fast and weak (it also lowers a backup's work factor): only in debug builds, which
        // the tests use; a shipped (release) build refuses it rather than obey it silently.
        KdfChoice::Testing if cfg!(debug_assertions) => KdfProfile::Testing,
        KdfChoice::Testing => {
            return Err(CliError::Usage(
                "the testing key derivation exists only in test builds",
            ));
        }
    };
    let keys = Arc::new(FileKeyStore::new(device_key));
    let harbour = Harbour::open(config, keys.clone())?;
    Ok(Context {
        harbour,
        keys,
        out: Output { json: cli.json },
    })
}

/// The default key file for a data directory: one per directory, so that two vaults never
/// share (and overwrite) one file of keys. Named by a hash of the directory's full path.
fn key_file_name(data_dir: &std::path::Path) -> String {
    let full = std::fs::canonicalize(data_dir).unwrap_or_else(|_| data_dir.to_path_buf());
    // FNV-1a: only to tell directories apart, not a secret.
    let hash = full
        .as_os_str()
        .as_encoded_bytes()
        .iter()
        .fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
            (h ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3)
        });
    format!("{hash:016x}.key")
}

fn run(cli: Cli) -> Result<(), CliError> {
    let ctx = context(&cli)?;
    let result = command(&ctx, cli.command);
    for w in ctx.keys.warnings() {
        eprintln!("harbour: warning: {w}");
    }
    result
}

fn command(ctx: &Context, command: Command) -> Result<(), CliError> {
    match command {
        Command::Init => {
            let secret = prompt::new_secret()?;
            ctx.harbour.create_vault(secret)?;
            ctx.out
                .done("vault created; it locks again when this command ends");
            Ok(())
        }
        Command::Note(cmd) => notes::run(ctx, cmd),
        Command::Plan(cmd) => plan::run(ctx, cmd),
        Command::Quick => plan::quick(ctx),
        Command::SupportedSession => plan::supported_session(ctx),
        Command::HelpNow(args) => help::help_now(ctx, args),
        Command::Services(cmd) => help::services(ctx, cmd),
        Command::Areas { postcode } => help::areas(ctx, postcode),
        Command::FirstAid(args) => library::first_aid(ctx, args),
        Command::Triage(args) => library::triage(ctx, args),
        Command::Cope(args) => coping::cope(ctx, args),
        Command::Toolbox(cmd) => coping::toolbox(ctx, cmd),
        Command::Checkin(cmd) => coping::checkin(ctx, cmd),
        Command::Info(args) => library::info(ctx, args),
        Command::Pack(cmd) => pack::run(ctx, cmd),
        Command::Backup(cmd) => backup::run(ctx, cmd),
        Command::RotateKey => backup::rotate_key(ctx),
        Command::SetAside { yes } => backup::set_aside(ctx, yes),
        Command::Erase { yes } => backup::erase(ctx, yes),
        Command::LockState => {
            let state = ctx.harbour.vault_state()?;
            let kdf = match state {
                harbour_core::VaultState::NoVault | harbour_core::VaultState::KeysMissing => None,
                _ => Some(ctx.harbour.kdf_params()?),
            };
            ctx.out.vault_state(&state, kdf);
            Ok(())
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let json = cli.json;
    match run(cli) {
        Ok(()) => ExitCode::from(exit::OK),
        Err(e) => {
            output::error(json, &e.message(), e.exit_code());
            ExitCode::from(e.exit_code())
        }
    }
}
