//! Replacing a whole file so that a crash or a full disk leaves either the old file or the
//! new one, never half of one: write a temporary file beside it, flush it to storage, rename
//! it over the target, then flush the directory so the rename itself survives power loss.

use std::fs;
use std::io::Write;
use std::path::Path;

/// Creates `dir` and any missing parents readable by this user only (0700 on Unix): the data
/// directory, its packs, the key store's folder.
pub(crate) fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}

/// Who may read the file.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Access {
    /// Owner only (mode 0600 on Unix): keys and backups.
    Private,
    /// The process's default permissions: public data such as packs.
    Default,
}

/// Writes `parts`, one after another, as the new content of `path`. The temporary file is
/// removed if anything fails.
pub(crate) fn replace(path: &Path, parts: &[&[u8]], access: Access) -> std::io::Result<()> {
    // A name of its own per write: two processes replacing the same file at once must not
    // write into one temporary file (the last rename would then publish a mix of both).
    let mut tag = [0u8; 8];
    getrandom::fill(&mut tag)
        .map_err(|_| std::io::Error::other("no randomness for a temporary name"))?;
    let mut tmp_name = std::ffi::OsString::from(".");
    tmp_name.push(path.file_name().unwrap_or_default());
    tmp_name.push(format!(".{}.tmp", u64::from_le_bytes(tag)));
    let tmp = path.with_file_name(tmp_name);
    let write = || -> std::io::Result<()> {
        let mut opts = fs::OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        if access == Access::Private {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        let mut f = opts.open(&tmp)?;
        for part in parts {
            f.write_all(part)?;
        }
        f.sync_all()?;
        fs::rename(&tmp, path)?;
        if let Some(dir) = path.parent().and_then(|d| fs::File::open(d).ok()) {
            // Best effort: some file systems cannot sync a directory.
            let _ = dir.sync_all();
        }
        Ok(())
    };
    write().inspect_err(|_| {
        let _ = fs::remove_file(&tmp);
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_whole_content_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.bin");
        replace(&path, &[b"old"], Access::Private).unwrap();
        replace(&path, &[b"new ", b"content"], Access::Private).unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"new content");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn a_failed_write_keeps_the_old_content_and_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        // A non-empty directory at the target: the rename fails after the write.
        let path = dir.path().join("f.bin");
        fs::create_dir(&path).unwrap();
        fs::write(path.join("inside"), b"old").unwrap();
        assert!(replace(&path, &[b"new"], Access::Default).is_err());
        assert_eq!(fs::read(path.join("inside")).unwrap(), b"old");
        assert_eq!(
            fs::read_dir(dir.path()).unwrap().count(),
            1,
            "a temporary file was left"
        );
    }

    #[test]
    fn concurrent_replacements_each_publish_a_whole_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.bin");
        std::thread::scope(|s| {
            for t in 0..8u8 {
                let path = &path;
                s.spawn(move || {
                    for _ in 0..50 {
                        replace(path, &[&[t; 4096]], Access::Private).unwrap();
                    }
                });
            }
        });
        let bytes = fs::read(&path).unwrap();
        assert_eq!(bytes.len(), 4096);
        assert!(bytes.iter().all(|b| *b == bytes[0]), "a mix of two writes");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
