//! Replacing a whole file so that a crash or a full disk leaves either the old file or the
//! new one, never half of one: write a temporary file beside it, flush it to storage, rename
//! it over the target, then flush the directory so the rename itself survives power loss.

use std::fs;
use std::io::Write;
use std::path::Path;

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
    let mut tmp_name = path.file_name().unwrap_or_default().to_os_string();
    tmp_name.push(".tmp");
    let tmp = path.with_file_name(tmp_name);
    let write = || -> std::io::Result<()> {
        // A leftover from a crash keeps its old permissions through a truncating open.
        let _ = fs::remove_file(&tmp);
        let mut opts = fs::OpenOptions::new();
        opts.write(true).create(true).truncate(true);
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
    fn a_failed_write_keeps_the_old_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.bin");
        replace(&path, &[b"old"], Access::Default).unwrap();
        // A directory where the temporary file would go makes the write fail.
        fs::create_dir(dir.path().join("f.bin.tmp")).unwrap();
        assert!(replace(&path, &[b"new"], Access::Default).is_err());
        assert_eq!(fs::read(&path).unwrap(), b"old");
    }
}
