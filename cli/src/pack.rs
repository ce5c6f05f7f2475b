//! `harbour pack …`: the publisher's tools. Phones only ever load signed packs; these build,
//! sign, verify and inspect them, and turn HSDS 3.0 data into the source format for review.

use std::path::{Path, PathBuf};

use clap::{Subcommand, ValueEnum};
use harbour_core::PackInfo;
use harbour_core::authoring::pack::{self, PublicKey, SignatureFile};
use harbour_publish::SecretKey;
use serde_json::json;

use crate::{CliError, Context, help::parse_at};

#[derive(Clone, Copy, ValueEnum)]
pub enum Kind {
    Directory,
    Library,
}

#[derive(Subcommand)]
pub enum PackCommand {
    /// Build an unsigned pack from the fixtures' source format
    Build {
        #[arg(value_enum)]
        kind: Kind,
        /// The source file (e.g. fixtures/directory/source.json)
        #[arg(long)]
        source: PathBuf,
        /// The new data version; must be higher than any pack already published
        #[arg(long)]
        data_version: u64,
        /// Days until the pack expires (phones then show it with a warning)
        #[arg(long, default_value_t = 180)]
        valid_days: u32,
        /// Build time (RFC 3339), for reproducible builds [default: now]
        #[arg(long)]
        built_at: Option<String>,
        #[arg(long)]
        out: PathBuf,
    },
    /// Sign a pack with a minisign secret key (unencrypted key file), writing FILE.minisig
    Sign {
        file: PathBuf,
        #[arg(long)]
        key: PathBuf,
    },
    /// Verify a pack's signature (against the pinned keys, or --pubkey)
    Verify {
        file: PathBuf,
        /// [default: FILE.minisig]
        #[arg(long)]
        signature: Option<PathBuf>,
        /// A minisign public key file to verify against instead of the pinned keys
        #[arg(long)]
        pubkey: Option<PathBuf>,
    },
    /// Convert Open Referral / HSDS 3.0 service JSON to the source format, for review
    ImportHsds {
        input: PathBuf,
        #[arg(long)]
        out: PathBuf,
    },
    /// Show the pack in use (or a given pack file's header)
    Info {
        file: Option<PathBuf>,
        /// Which pack in use to show
        #[arg(long, value_enum, default_value_t = Kind::Directory)]
        kind: Kind,
    },
    /// A printable signposting sheet of the services for an area, for workers and schools
    Sheet {
        /// A council, its ONS code, or a postcode in one
        #[arg(long)]
        area: String,
        /// Where to write the HTML page (print it, or save it as PDF, from a browser)
        #[arg(long)]
        html: PathBuf,
    },
    /// Run the library's content lint on a source file and print reading ease per card
    Lint {
        #[arg(long)]
        source: PathBuf,
    },
    /// Install a newer signed directory pack into the data directory
    Install {
        file: PathBuf,
        #[arg(long)]
        signature: Option<PathBuf>,
    },
}

fn read(path: &Path) -> Result<Vec<u8>, CliError> {
    std::fs::read(path).map_err(|e| CliError::Io(e.kind()))
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), CliError> {
    std::fs::write(path, bytes).map_err(|e| CliError::Io(e.kind()))
}

fn sig_path(file: &Path, given: Option<PathBuf>) -> PathBuf {
    given.unwrap_or_else(|| {
        let mut p = file.as_os_str().to_owned();
        p.push(".minisig");
        PathBuf::from(p)
    })
}

fn info_json(i: &PackInfo) -> serde_json::Value {
    json!({
        "kind": i.kind.name(),
        "data_version": i.data_version,
        "built_at": i.built_at.to_string(),
        "expires_at": i.expires_at.to_string(),
        "expired": i.expired,
        "source": format!("{:?}", i.source).to_lowercase(),
        "signed_by": i.signed_by,
        "development_key": i.development_key,
        "size_bytes": i.size_bytes,
    })
}

fn print_info(ctx: &Context, i: &PackInfo) {
    if ctx.out.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&info_json(i)).unwrap_or_default()
        );
        return;
    }
    println!(
        "{} version {} ({:?})",
        i.kind.name(),
        i.data_version,
        i.source
    );
    println!(
        "built {}, expires {}{}",
        i.built_at,
        i.expires_at,
        if i.expired { " — EXPIRED" } else { "" }
    );
    println!(
        "signed by key {}{}; {} bytes",
        i.signed_by,
        if i.development_key {
            " (the DEVELOPMENT key)"
        } else {
            ""
        },
        i.size_bytes
    );
}

pub fn run(ctx: &Context, cmd: PackCommand) -> Result<(), CliError> {
    match cmd {
        PackCommand::Build {
            kind,
            source,
            data_version,
            valid_days,
            built_at,
            out,
        } => {
            let built_at = parse_at(built_at.as_deref())?.unwrap_or_else(jiff::Timestamp::now);
            let expires_at = built_at
                .checked_add(jiff::SignedDuration::from_hours(24 * i64::from(valid_days)))
                .map_err(|_| CliError::Usage("--valid-days is too large"))?;
            if let Ok(existing) = std::fs::read(&out)
                && let Ok(old) = harbour_publish::peek(&existing)
                && old.data_version >= data_version
            {
                return Err(CliError::Usage(
                    "--data-version must be higher than the existing pack's (data versions only increase)",
                ));
            }
            let source = read(&source)?;
            let built = match kind {
                Kind::Directory => {
                    harbour_publish::directory_pack(&source, data_version, built_at, expires_at)
                }
                Kind::Library => {
                    harbour_publish::library_pack(&source, data_version, built_at, expires_at)
                }
            };
            match built {
                Ok(bytes) => {
                    write(&out, &bytes)?;
                    ctx.out.done(&format!(
                        "built {} ({} bytes); sign it with `harbour pack sign`",
                        out.display(),
                        bytes.len()
                    ));
                    Ok(())
                }
                Err(problems) => {
                    for p in &problems {
                        eprintln!("  {p}");
                    }
                    Err(CliError::Usage(
                        "the source has problems (listed above); nothing was written",
                    ))
                }
            }
        }
        PackCommand::Sign { file, key } => {
            let bytes = read(&file)?;
            let key_text = String::from_utf8(read(&key)?)
                .map_err(|_| CliError::Usage("the key file is not text"))?;
            let sk = SecretKey::parse(&key_text)?;
            let header = harbour_publish::peek(&bytes)?;
            let name = file
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let comment = format!(
                "timestamp:{}\tfile:{name}\tkind:{}\tdata_version:{}",
                jiff::Timestamp::now().as_second(),
                header.kind,
                header.data_version
            );
            let sig = sk.sign(&bytes, &comment)?;
            let out = sig_path(&file, None);
            write(&out, sig.as_bytes())?;
            ctx.out.done(&format!(
                "wrote {} (key {})",
                out.display(),
                sk.public_key().key_id_hex()
            ));
            Ok(())
        }
        PackCommand::Verify {
            file,
            signature,
            pubkey,
        } => {
            let bytes = read(&file)?;
            let sig = read(&sig_path(&file, signature))?;
            let keys = match pubkey {
                Some(p) => vec![PublicKey::parse(
                    &String::from_utf8(read(&p)?)
                        .map_err(|_| CliError::Usage("the public key file is not text"))?,
                )?],
                None => pack::pinned_keys()?,
            };
            let parsed = SignatureFile::parse(&sig)?;
            let key = parsed.verify(&bytes, &keys)?;
            let header = harbour_publish::peek(&bytes)?;
            ctx.out.done(&format!(
                "signature OK: key {}; {} version {}",
                key.key_id_hex(),
                header.kind,
                header.data_version
            ));
            Ok(())
        }
        PackCommand::ImportHsds { input, out } => {
            let today = jiff::Zoned::now().date();
            match harbour_publish::hsds::import(&read(&input)?, today) {
                Ok(import) => {
                    let text = serde_json::to_string_pretty(&import)
                        .map_err(|_| CliError::Usage("could not write the review file"))?;
                    write(&out, text.as_bytes())?;
                    if ctx.out.json {
                        println!(
                            "{}",
                            json!({ "services": import.services.len(), "unmapped_fields": import.unmapped_fields, "to_review": import.to_review })
                        );
                    } else {
                        println!(
                            "imported {} service(s) into {} for review",
                            import.services.len(),
                            out.display()
                        );
                        println!("{} field(s) not mapped:", import.unmapped_fields.len());
                        for f in &import.unmapped_fields {
                            println!("  {f}");
                        }
                        println!("to review before anything ships:");
                        for r in &import.to_review {
                            println!("  {r}");
                        }
                    }
                    Ok(())
                }
                Err(errors) => {
                    for e in &errors {
                        eprintln!("  {e}");
                    }
                    Err(CliError::Usage(
                        "the HSDS input has errors (listed above); nothing was written",
                    ))
                }
            }
        }
        PackCommand::Info { file: None, kind } => {
            let (info, attribution) = match kind {
                Kind::Directory => (
                    ctx.harbour.directory_info()?,
                    ctx.harbour.directory_attribution()?,
                ),
                Kind::Library => (ctx.harbour.library_info()?, Vec::new()),
            };
            if ctx.out.json {
                let mut v = info_json(&info);
                v["attribution"] = json!(attribution);
                println!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
            } else {
                print_info(ctx, &info);
                for line in &attribution {
                    println!("{line}");
                }
            }
            Ok(())
        }
        PackCommand::Sheet { area, html } => {
            let page = ctx.harbour.signposting_sheet(&area)?;
            std::fs::write(&html, page).map_err(|e| CliError::Io(e.kind()))?;
            ctx.out.done(&format!(
                "wrote the signposting sheet to {}; open it in a browser to print it",
                html.display()
            ));
            Ok(())
        }
        PackCommand::Lint { source } => {
            let content: harbour_core::authoring::library::LibraryContent =
                serde_json::from_slice(&read(&source)?)
                    .map_err(|_| CliError::Usage("the source is not a library source file"))?;
            let report = harbour_core::authoring::library::lint(&content);
            if ctx.out.json {
                let cards: Vec<serde_json::Value> = report
                    .reading
                    .iter()
                    .map(|(id, r)| {
                        json!({
                            "card": id, "ease": (r.ease * 10.0).round() / 10.0, "words": r.words,
                            "sentences": r.sentences, "longest_sentence": r.longest_sentence,
                        })
                    })
                    .collect();
                let activities: Vec<serde_json::Value> = report
                    .coping_reading
                    .iter()
                    .map(|(id, r)| json!({"activity": id, "ease": (r.ease * 10.0).round() / 10.0, "words": r.words}))
                    .collect();
                println!("{}", serde_json::to_string_pretty(&json!({
                    "problems": report.problems, "cards": cards, "mean_ease": (report.mean_ease * 10.0).round() / 10.0,
                    "activities": activities,
                })).unwrap_or_default());
            } else {
                println!(
                    "{:<34} {:>6} {:>6} {:>9} {:>8}",
                    "card", "ease", "words", "sentences", "longest"
                );
                for (id, r) in &report.reading {
                    println!(
                        "{id:<34} {:>6.1} {:>6} {:>9} {:>8}",
                        r.ease, r.words, r.sentences, r.longest_sentence
                    );
                }
                println!(
                    "mean reading ease {:.1} (targets: each card >= {}, mean >= {}, sentences <= {} words)",
                    report.mean_ease,
                    harbour_core::authoring::library::MIN_CARD_EASE,
                    harbour_core::authoring::library::MIN_MEAN_EASE,
                    harbour_core::authoring::library::MAX_SENTENCE_WORDS
                );
                println!("{:<34} {:>6} {:>6}", "coping activity", "ease", "words");
                for (id, r) in &report.coping_reading {
                    println!("{id:<34} {:>6.1} {:>6}", r.ease, r.words);
                }
                for p in &report.problems {
                    println!("problem: {p}");
                }
            }
            if report.problems.is_empty() {
                Ok(())
            } else {
                Err(CliError::Usage("the content lint found problems"))
            }
        }
        PackCommand::Info {
            file: Some(file), ..
        } => {
            let header = harbour_publish::peek(&read(&file)?)?;
            let v = json!({
                "kind": header.kind, "format": header.format, "data_version": header.data_version,
                "built_at": header.built_at.to_string(), "expires_at": header.expires_at.to_string(),
                "signature_checked": false,
            });
            if ctx.out.json {
                println!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
            } else {
                println!(
                    "{} version {} (format {}), built {}, expires {} — signature not checked; use `harbour pack verify`",
                    header.kind,
                    header.data_version,
                    header.format,
                    header.built_at,
                    header.expires_at
                );
            }
            Ok(())
        }
        PackCommand::Install { file, signature } => {
            let bytes = read(&file)?;
            let sig = read(&sig_path(&file, signature))?;
            let info = ctx.harbour.install_directory_pack(&bytes, &sig)?;
            print_info(ctx, &info);
            Ok(())
        }
    }
}
