//! `harbour backup …`, `harbour rotate-key`, `harbour erase`.

use std::path::{Path, PathBuf};

use clap::Subcommand;
use harbour_core::Secret;
use harbour_core::VaultState;
use harbour_core::generate_passphrase;
use serde_json::json;

use crate::{CliError, Context, output, prompt};

#[derive(Subcommand)]
pub enum BackupCommand {
    /// Write the whole vault (notes, plan and its history) to FILE, encrypted with a
    /// passphrase. The file opens with the standard `age` tool: `age -d FILE`.
    Export {
        file: PathBuf,
        /// Make a strong passphrase and show it once, instead of asking for one
        #[arg(long)]
        generate_passphrase: bool,
        /// Replace FILE if it exists
        #[arg(long)]
        force: bool,
    },
    /// Bring a backup back. With no vault here yet, one is created first (with a new secret);
    /// an existing vault must be empty: a backup is never mixed with other data.
    Restore { file: PathBuf },
}

pub fn run(ctx: &Context, cmd: BackupCommand) -> Result<(), CliError> {
    match cmd {
        BackupCommand::Export {
            file,
            generate_passphrase,
            force,
        } => export(ctx, &file, generate_passphrase, force),
        BackupCommand::Restore { file } => restore(ctx, &file),
    }
}

fn export(ctx: &Context, file: &Path, generate: bool, force: bool) -> Result<(), CliError> {
    if file.exists() && !force {
        return Err(CliError::Usage(
            "that file exists already: choose another name, or add --force to replace it",
        ));
    }
    // Unlocking here is the fresh authentication an export needs.
    prompt::unlock(ctx)?;
    let generated = if generate {
        Some(generate_passphrase()?)
    } else {
        None
    };
    let passphrase = match &generated {
        Some(p) => Secret::from_text(p),
        None => prompt::new_backup_passphrase()?,
    };
    ctx.harbour.export_backup_to_file(file, &passphrase)?;
    let size = std::fs::metadata(file).map(|m| m.len()).unwrap_or(0);
    if ctx.out.json {
        let mut v = json!({ "ok": true, "bytes": size });
        if let Some(p) = &generated {
            v["passphrase"] = json!(p.as_str());
        }
        output::print_json(&v);
    } else {
        println!("backup written ({size} bytes)");
        if let Some(p) = &generated {
            println!();
            println!("Your backup passphrase (shown only now; write it down and keep it safe):");
            println!();
            println!("    {}", p.as_str());
            println!();
            println!("Without it the backup cannot be opened, by you or anyone else.");
        }
    }
    Ok(())
}

fn restore(ctx: &Context, file: &Path) -> Result<(), CliError> {
    let h = &ctx.harbour;
    let created = match h.vault_state()? {
        VaultState::NoVault => {
            h.create_vault(prompt::new_secret()?)?;
            true
        }
        _ => {
            prompt::unlock(ctx)?;
            false
        }
    };
    let passphrase = prompt::backup_passphrase()?;
    let summary = match h.restore_backup_file(file, &passphrase) {
        Ok(s) => s,
        Err(e) => {
            // The vault made just for this restore goes again: a failed restore leaves things
            // as they were, which was no vault (and any vault set aside stays set aside).
            if created {
                h.erase_vault_in_use()?;
            }
            return Err(e.into());
        }
    };
    if ctx.out.json {
        output::print_json(&json!({
            "ok": true,
            "notes": summary.notes,
            "plan_items": summary.plan_items,
            "plan_versions": summary.plan_versions,
        }));
    } else {
        println!(
            "restored {} notes and a plan with {} items ({} saved versions)",
            summary.notes, summary.plan_items, summary.plan_versions
        );
    }
    Ok(())
}

pub fn rotate_key(ctx: &Context) -> Result<(), CliError> {
    let secret = prompt::unlock_keeping_secret(ctx)?;
    ctx.harbour.rotate_data_key(secret)?;
    ctx.out.done(
        "new data key made; everything is re-encrypted and the old key is deleted, \
         so deleted words cannot be recovered",
    );
    Ok(())
}

pub fn set_aside(ctx: &Context, yes: bool) -> Result<(), CliError> {
    if !yes {
        return Err(CliError::Usage(
            "this moves the vault this device cannot open into a folder of its own (nothing is deleted); add --yes to go ahead",
        ));
    }
    let done = ctx.harbour.set_aside_vault()?;
    if ctx.out.json {
        output::print_json(&json!({ "ok": true, "folder": done.folder }));
    } else {
        println!(
            "the old vault is set aside in {} (nothing was deleted); \
             restore your backup with `harbour backup restore FILE`, or start again with `harbour init`",
            done.folder.display()
        );
    }
    Ok(())
}

pub fn erase(ctx: &Context, yes: bool) -> Result<(), CliError> {
    if !yes {
        return Err(CliError::Usage(
            "this deletes every note and the plan for good; add --yes to go ahead",
        ));
    }
    let report = ctx.harbour.erase_everything()?;
    if report.platform_keys_failed > 0 {
        // The files are gone, so the keys protect nothing; still, say so rather than hide it.
        eprintln!(
            "note: {} device keys could not be deleted",
            report.platform_keys_failed
        );
    }
    if ctx.out.json {
        output::print_json(&json!({
            "ok": true,
            "platform_keys_deleted": report.platform_keys_deleted,
            "platform_keys_failed": report.platform_keys_failed,
            "files_deleted": report.files_deleted,
        }));
    } else {
        println!("everything is erased; help now and the library still work");
    }
    Ok(())
}
