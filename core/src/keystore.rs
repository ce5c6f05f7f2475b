//! The platform key store: the app's hardware-backed, non-exportable keys.
//!
//! Harbour never sees a platform key. It asks the store to *wrap* (encrypt) and *unwrap*
//! (decrypt) small blobs under a key named by an alias, and to *delete* an alias when data must
//! become unrecoverable. On Android the app implements this with the Android Keystore (an
//! AES-GCM key that never leaves the secure hardware); on iOS with the Keychain / Secure
//! Enclave (`ThisDeviceOnly`). Because the PIN slot is sealed again by such a key, a copy of the
//! database alone cannot be brute-forced offline.
//!
//! Two software stores live here: [`MemoryKeyStore`] for tests, and [`FileKeyStore`] for the
//! command-line tool. **Neither is hardware-backed**: anyone who can read the key file can do
//! what the platform key would prevent.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use zeroize::Zeroizing;

use crate::atomic_file::{self, Access};
use crate::crypto::aead;
use crate::crypto::keys::Key32;

/// What can go wrong inside a platform key store. Kept small so that every platform can map its
/// own failures onto it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyStoreError {
    /// No key exists under this alias (deleted, or this is another device).
    #[error("no key under that alias")]
    NotFound,
    /// The key refused the bytes: they were changed or were wrapped by another key.
    #[error("the key refused the data")]
    Rejected,
    /// The platform could not be used right now (device locked, user not authenticated,
    /// hardware busy). Trying again later may work.
    #[error("the key store is unavailable")]
    Unavailable,
    /// Anything else the platform reported.
    #[error("the key store failed")]
    Failed,
}

/// Implemented by the app (through the FFI) over the platform's secure key storage.
///
/// Contract: `wrap` creates the key for `alias` if it does not exist; wrapped output is
/// authenticated, so `unwrap` of changed bytes fails with `Rejected`; `delete` of an unknown
/// alias succeeds. Implementations must be thread-safe.
pub trait PlatformKeyStore: Send + Sync {
    fn wrap(&self, alias: &str, plaintext: &[u8]) -> Result<Vec<u8>, KeyStoreError>;
    fn unwrap(&self, alias: &str, wrapped: &[u8]) -> Result<Zeroizing<Vec<u8>>, KeyStoreError>;
    fn delete(&self, alias: &str) -> Result<(), KeyStoreError>;
}

fn software_wrap(key: &Key32, alias: &str, plaintext: &[u8]) -> Result<Vec<u8>, KeyStoreError> {
    aead::seal(key, alias.as_bytes(), plaintext).map_err(|_| KeyStoreError::Failed)
}

fn software_unwrap(
    key: &Key32,
    alias: &str,
    wrapped: &[u8],
) -> Result<Zeroizing<Vec<u8>>, KeyStoreError> {
    aead::open(key, alias.as_bytes(), wrapped).map_err(|_| KeyStoreError::Rejected)
}

/// A key store in memory, for tests. Can be told to fail, to test how Harbour copes.
#[derive(Default)]
pub struct MemoryKeyStore {
    keys: Mutex<HashMap<String, Key32>>,
    failing: Mutex<Option<KeyStoreError>>,
}

impl MemoryKeyStore {
    pub fn new() -> Self {
        Self::default()
    }

    /// Every call fails with `error` until [`MemoryKeyStore::recover`] is called.
    pub fn fail_with(&self, error: KeyStoreError) {
        *self.failing.lock().unwrap_or_else(|e| e.into_inner()) = Some(error);
    }

    pub fn recover(&self) {
        *self.failing.lock().unwrap_or_else(|e| e.into_inner()) = None;
    }

    /// Aliases currently holding a key.
    pub fn aliases(&self) -> Vec<String> {
        let mut v: Vec<_> = self
            .keys
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .keys()
            .cloned()
            .collect();
        v.sort();
        v
    }

    fn check(&self) -> Result<(), KeyStoreError> {
        match self
            .failing
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
        {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }
}

impl PlatformKeyStore for MemoryKeyStore {
    fn wrap(&self, alias: &str, plaintext: &[u8]) -> Result<Vec<u8>, KeyStoreError> {
        self.check()?;
        let mut keys = self.keys.lock().unwrap_or_else(|e| e.into_inner());
        if !keys.contains_key(alias) {
            let key = Key32::random().map_err(|_| KeyStoreError::Failed)?;
            keys.insert(alias.to_owned(), key);
        }
        let key = keys.get(alias).ok_or(KeyStoreError::Failed)?;
        software_wrap(key, alias, plaintext)
    }

    fn unwrap(&self, alias: &str, wrapped: &[u8]) -> Result<Zeroizing<Vec<u8>>, KeyStoreError> {
        self.check()?;
        let keys = self.keys.lock().unwrap_or_else(|e| e.into_inner());
        let key = keys.get(alias).ok_or(KeyStoreError::NotFound)?;
        software_unwrap(key, alias, wrapped)
    }

    fn delete(&self, alias: &str) -> Result<(), KeyStoreError> {
        self.check()?;
        self.keys
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(alias);
        Ok(())
    }
}

/// A key store in one file, for the command-line tool. **Not hardware-backed**: the keys sit
/// in the file, protected only by its permissions (0600 on Unix). Keep the file apart from the
/// data directory so that copying the data alone does not copy the keys.
///
/// File format, one line per alias: `<alias> <64 hex digits>`. Rewritten atomically (temporary
/// file, fsync, rename) on every change, under an exclusive lock on `<file>.lock` so that two
/// processes adding keys at once cannot each overwrite the other's (the lost update made one of
/// two simultaneous `init`s unusable).
///
/// Permissions are enforced: a key file readable by others, or a key directory others can
/// write, is put back to owner-only when the store opens it, and [`FileKeyStore::warnings`]
/// says it happened so the tool can tell the user the keys may have been read.
pub struct FileKeyStore {
    path: PathBuf,
    lock: Mutex<()>,
    warnings: Mutex<Vec<&'static str>>,
}

impl FileKeyStore {
    pub fn new(path: impl Into<PathBuf>) -> Self {
        FileKeyStore {
            path: path.into(),
            lock: Mutex::new(()),
            warnings: Mutex::new(Vec::new()),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Permission problems found (and fixed) so far, each at most once.
    pub fn warnings(&self) -> Vec<&'static str> {
        self.warnings
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    fn warn(&self, w: &'static str) {
        let mut list = self.warnings.lock().unwrap_or_else(|e| e.into_inner());
        if !list.contains(&w) {
            list.push(w);
        }
    }

    /// Checks and tightens the permissions of the key file and its directory.
    #[cfg(unix)]
    fn enforce_permissions(&self) {
        use std::os::unix::fs::PermissionsExt;
        let fix = |path: &Path, mode: u32, allowed: u32, warning: &'static str| {
            if let Ok(m) = fs::metadata(path)
                && m.permissions().mode() & 0o777 & !allowed != 0
            {
                let _ = fs::set_permissions(path, fs::Permissions::from_mode(mode));
                self.warn(warning);
            }
        };
        fix(
            &self.path,
            0o600,
            0o600,
            "the device key file could be read by other users; it is now owner-only, but its keys may have been copied",
        );
        if let Some(dir) = self.path.parent() {
            fix(
                dir,
                0o700,
                0o755,
                "the device key directory could be changed by other users; it is now owner-only",
            );
        }
    }

    #[cfg(not(unix))]
    fn enforce_permissions(&self) {}

    /// Runs `f` holding this store's lock in this process and the file lock across processes.
    fn locked<T>(&self, f: impl FnOnce() -> Result<T, KeyStoreError>) -> Result<T, KeyStoreError> {
        let _guard = self.lock.lock().unwrap_or_else(|e| e.into_inner());
        self.make_dir()?;
        let mut lock_name = self.path.file_name().unwrap_or_default().to_os_string();
        lock_name.push(".lock");
        let mut opts = fs::OpenOptions::new();
        opts.read(true).write(true).create(true).truncate(false);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        let file = opts
            .open(self.path.with_file_name(lock_name))
            .map_err(|_| KeyStoreError::Unavailable)?;
        // Held for one read-modify-write of a small file: a blocking wait is short.
        file.lock().map_err(|_| KeyStoreError::Unavailable)?;
        self.enforce_permissions();
        f()
        // The lock goes with the file.
    }

    fn make_dir(&self) -> Result<(), KeyStoreError> {
        let dir = self.path.parent().unwrap_or(Path::new("."));
        atomic_file::create_private_dir(dir).map_err(|_| KeyStoreError::Unavailable)
    }

    fn load(&self) -> Result<HashMap<String, Key32>, KeyStoreError> {
        let text = match fs::read_to_string(&self.path) {
            Ok(t) => Zeroizing::new(t),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(HashMap::new()),
            Err(_) => return Err(KeyStoreError::Unavailable),
        };
        let mut keys = HashMap::new();
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let (alias, hex) = line.split_once(' ').ok_or(KeyStoreError::Failed)?;
            let bytes = Zeroizing::new(decode_hex(hex.trim()).ok_or(KeyStoreError::Failed)?);
            let key = Key32::from_slice(&bytes).map_err(|_| KeyStoreError::Failed)?;
            keys.insert(alias.to_owned(), key);
        }
        Ok(keys)
    }

    fn save(&self, keys: &HashMap<String, Key32>) -> Result<(), KeyStoreError> {
        let mut text = Zeroizing::new(String::with_capacity(keys.len() * 128));
        let mut aliases: Vec<_> = keys.keys().collect();
        aliases.sort();
        for alias in aliases {
            text.push_str(alias);
            text.push(' ');
            for b in keys[alias].expose() {
                text.push(char::from(b"0123456789abcdef"[usize::from(b >> 4)]));
                text.push(char::from(b"0123456789abcdef"[usize::from(b & 15)]));
            }
            text.push('\n');
        }
        atomic_file::replace(&self.path, &[text.as_bytes()], Access::Private)
            .map_err(|_| KeyStoreError::Unavailable)
    }
}

fn decode_hex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

fn valid_alias(alias: &str) -> Result<(), KeyStoreError> {
    let ok = !alias.is_empty()
        && alias.len() <= 128
        && alias
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b));
    if ok {
        Ok(())
    } else {
        Err(KeyStoreError::Failed)
    }
}

impl PlatformKeyStore for FileKeyStore {
    fn wrap(&self, alias: &str, plaintext: &[u8]) -> Result<Vec<u8>, KeyStoreError> {
        valid_alias(alias)?;
        self.locked(|| {
            let mut keys = self.load()?;
            if !keys.contains_key(alias) {
                keys.insert(
                    alias.to_owned(),
                    Key32::random().map_err(|_| KeyStoreError::Failed)?,
                );
                self.save(&keys)?;
            }
            let key = keys.get(alias).ok_or(KeyStoreError::Failed)?;
            software_wrap(key, alias, plaintext)
        })
    }

    fn unwrap(&self, alias: &str, wrapped: &[u8]) -> Result<Zeroizing<Vec<u8>>, KeyStoreError> {
        valid_alias(alias)?;
        self.locked(|| {
            let keys = self.load()?;
            let key = keys.get(alias).ok_or(KeyStoreError::NotFound)?;
            software_unwrap(key, alias, wrapped)
        })
    }

    fn delete(&self, alias: &str) -> Result<(), KeyStoreError> {
        valid_alias(alias)?;
        self.locked(|| {
            let mut keys = self.load()?;
            if keys.remove(alias).is_some() {
                self.save(&keys)?;
            }
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exercise(store: &dyn PlatformKeyStore) {
        let w = store.wrap("harbour.test.pin.1", b"dek").unwrap();
        assert_eq!(&store.unwrap("harbour.test.pin.1", &w).unwrap()[..], b"dek");
        let mut bad = w.clone();
        bad[30] ^= 1;
        assert_eq!(
            store.unwrap("harbour.test.pin.1", &bad).unwrap_err(),
            KeyStoreError::Rejected
        );
        assert_eq!(
            store.unwrap("harbour.test.other.1", &w).unwrap_err(),
            KeyStoreError::NotFound
        );
        store.delete("harbour.test.pin.1").unwrap();
        store.delete("harbour.test.pin.1").unwrap();
        assert_eq!(
            store.unwrap("harbour.test.pin.1", &w).unwrap_err(),
            KeyStoreError::NotFound
        );
    }

    #[test]
    fn memory_store_contract() {
        exercise(&MemoryKeyStore::new());
    }

    #[test]
    fn memory_store_can_fail_on_purpose() {
        let s = MemoryKeyStore::new();
        s.fail_with(KeyStoreError::Unavailable);
        assert_eq!(s.wrap("a", b"x").unwrap_err(), KeyStoreError::Unavailable);
        s.recover();
        assert!(s.wrap("a", b"x").is_ok());
    }

    #[test]
    fn file_store_contract_and_persistence() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("conf").join("device.key");
        exercise(&FileKeyStore::new(&path));
        let a = FileKeyStore::new(&path);
        let w = a.wrap("harbour.x.device.1", b"qak").unwrap();
        let b = FileKeyStore::new(&path);
        assert_eq!(&b.unwrap("harbour.x.device.1", &w).unwrap()[..], b"qak");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o077, 0, "key file must not be readable by others");
        }
        let other = FileKeyStore::new(dir.path().join("other.key"));
        assert_eq!(
            other.unwrap("harbour.x.device.1", &w).unwrap_err(),
            KeyStoreError::NotFound
        );
    }

    #[test]
    fn file_store_loses_no_key_when_two_stores_add_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("k").join("device.key");
        std::thread::scope(|s| {
            for t in 0..4 {
                let path = &path;
                s.spawn(move || {
                    // A store of its own, as another process has.
                    let store = FileKeyStore::new(path);
                    for i in 0..25 {
                        store.wrap(&format!("harbour.t{t}.{i}"), b"x").unwrap();
                    }
                });
            }
        });
        let text = fs::read_to_string(&path).unwrap();
        assert_eq!(text.lines().count(), 100, "keys were lost");
    }

    #[cfg(unix)]
    #[test]
    fn a_readable_key_file_is_made_private_and_warned_about() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("keys").join("device.key");
        let store = FileKeyStore::new(&path);
        let w = store.wrap("harbour.a.1", b"x").unwrap();
        assert!(store.warnings().is_empty());
        fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
        fs::set_permissions(path.parent().unwrap(), fs::Permissions::from_mode(0o777)).unwrap();
        let again = FileKeyStore::new(&path);
        assert_eq!(&again.unwrap("harbour.a.1", &w).unwrap()[..], b"x");
        assert_eq!(again.warnings().len(), 2, "{:?}", again.warnings());
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&path), 0o600);
        assert_eq!(mode(path.parent().unwrap()), 0o700);
    }

    #[test]
    fn file_store_rejects_odd_aliases() {
        let dir = tempfile::tempdir().unwrap();
        let s = FileKeyStore::new(dir.path().join("k"));
        assert!(s.wrap("bad alias\n", b"x").is_err());
    }
}
