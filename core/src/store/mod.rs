//! SQLite storage: opening, pragmas, migrations and transactions.
//!
//! Every API mutation is one `BEGIN IMMEDIATE` transaction. Migrations are numbered SQL files
//! applied together in one transaction and recorded in `user_version`; a database from a newer
//! version of Harbour is refused and left untouched; a damaged file is reported, never deleted.

pub(crate) mod integrity;
pub(crate) mod kinds;
pub(crate) mod records;
pub(crate) mod vault_tables;

use std::path::Path;

use rusqlite::{Connection, OpenFlags, OptionalExtension, Transaction, TransactionBehavior};

use crate::{Error, Result};

/// Numbered migrations. Append only: a released migration never changes.
pub(crate) const MIGRATIONS: &[(u32, &str)] = &[
    (1, include_str!("migrations/0001_vault.sql")),
    (2, include_str!("migrations/0002_plan.sql")),
    (3, include_str!("migrations/0003_integrity_index.sql")),
    (4, include_str!("migrations/0004_checkin.sql")),
];

pub(crate) const LATEST_SCHEMA: u32 = MIGRATIONS[MIGRATIONS.len() - 1].0;

pub(crate) const DB_FILE: &str = "harbour.sqlite3";

/// How long a write waits for another connection's write to finish before `Busy`. Writes are
/// short (one note, one plan change); only key rotation holds the lock longer.
const BUSY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

/// How long a glance (the vault's state, quick access: what a main thread or a widget asks)
/// waits for another process's lock before `Busy`: far under Android's 5 s ANR limit, and
/// long enough for any ordinary write to finish.
const GLANCE_TIMEOUT: std::time::Duration = std::time::Duration::from_millis(250);

/// The database file and every side file SQLite may create beside it.
pub(crate) fn db_files(dir: &Path) -> [std::path::PathBuf; 4] {
    [
        dir.join(DB_FILE),
        dir.join(format!("{DB_FILE}-wal")),
        dir.join(format!("{DB_FILE}-shm")),
        dir.join(format!("{DB_FILE}-journal")),
    ]
}

/// Refuses a data directory whose database or side files are symbolic links: opening would
/// write the vault somewhere else, and erasing would delete only the link and leave the data.
pub(crate) fn refuse_symlinks(dir: &Path) -> Result<()> {
    for path in db_files(dir) {
        if std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink()) {
            return Err(Error::InvalidInput(
                "the database is a symbolic link; Harbour does not follow it",
            ));
        }
    }
    Ok(())
}

/// The key epoch the database is at now. Here, not in `vault`, because reading records needs
/// it too (a record that will not open under keys of an older epoch is not damage).
pub(crate) fn current_epoch(conn: &Connection) -> Result<u32> {
    let epoch: i64 = conn
        .prepare_cached("SELECT epoch FROM vault WHERE id = 1")?
        .query_row([], |r| r.get(0))
        .optional()?
        .ok_or(Error::Corrupt)?;
    u32::try_from(epoch).map_err(|_| Error::Tampered)
}

pub(crate) struct Database {
    conn: Connection,
    /// How long this connection's statements wait for another connection's lock.
    wait: std::time::Duration,
}

impl Database {
    /// Opens (creating if needed) and migrates the database at `path`.
    pub(crate) fn open(path: &Path) -> Result<Self> {
        Self::open_waiting(path, BUSY_TIMEOUT, BUSY_TIMEOUT)
    }

    /// As [`Database::open`], for a short-lived connection that answers a glance: it waits at
    /// most [`GLANCE_TIMEOUT`] for another process, then says `Busy`.
    pub(crate) fn open_for_glance(path: &Path) -> Result<Self> {
        Self::open_waiting(path, GLANCE_TIMEOUT, GLANCE_TIMEOUT)
    }

    /// As [`Database::open`], for a connection that will be kept but is opened by a glance
    /// (the first call on a new handle is often a widget's): opening waits at most
    /// [`GLANCE_TIMEOUT`], later writes the ordinary time.
    pub(crate) fn open_in_glance(path: &Path) -> Result<Self> {
        Self::open_waiting(path, GLANCE_TIMEOUT, BUSY_TIMEOUT)
    }

    /// Runs `f` waiting at most [`GLANCE_TIMEOUT`] for another process's lock, whatever this
    /// connection waits otherwise: a glance on the session's own connection must not wait out
    /// a write timeout that equals Android's ANR limit.
    pub(crate) fn glance<T>(&mut self, f: impl FnOnce(&mut Self) -> Result<T>) -> Result<T> {
        self.conn.busy_timeout(GLANCE_TIMEOUT)?;
        let out = f(self);
        let restored = self.conn.busy_timeout(self.wait);
        let out = out?;
        restored?;
        Ok(out)
    }

    fn open_waiting(
        path: &Path,
        opening: std::time::Duration,
        wait: std::time::Duration,
    ) -> Result<Self> {
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        if let Some(dir) = path.parent() {
            refuse_symlinks(dir)?;
        }
        create_private_file(path)?;
        let opened = Connection::open_with_flags(path, flags)
            .map_err(Error::from)
            .and_then(|mut conn| {
                configure(&conn, opening)?;
                migrate(&mut conn)?;
                conn.busy_timeout(wait)?;
                Ok(conn)
            });
        match opened {
            Ok(conn) => Ok(Database { conn, wait }),
            // A read-only directory (a backup being looked at, a phone in a bad state): quick
            // access and the vault's state can still be read, and every write is refused.
            Err(e) if path.parent().is_some_and(read_only_dir) => {
                Self::open_read_only(path).map_err(|_| e)
            }
            Err(e) => Err(e),
        }
    }

    /// Opens a database whose directory cannot be written, for reading only. WAL needs its
    /// side files, which cannot be made here, so the file is opened as immutable: it was
    /// checkpointed when it was last closed, and nothing can change it while it is read-only.
    fn open_read_only(path: &Path) -> Result<Self> {
        let mut uri = std::ffi::OsString::from("file:");
        uri.push(path.as_os_str());
        uri.push("?immutable=1");
        let conn = Connection::open_with_flags(
            std::path::Path::new(&uri),
            OpenFlags::SQLITE_OPEN_READ_ONLY
                | OpenFlags::SQLITE_OPEN_URI
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        let version = user_version(&conn)?;
        if version > LATEST_SCHEMA {
            return Err(Error::NewerFormat {
                found: version,
                supported: LATEST_SCHEMA,
            });
        }
        if version < LATEST_SCHEMA {
            // An older schema needs upgrading, which needs writing.
            return Err(Error::Storage(rusqlite::ffi::SQLITE_READONLY));
        }
        Ok(Database {
            conn,
            wait: BUSY_TIMEOUT,
        })
    }

    pub(crate) fn conn(&self) -> &Connection {
        &self.conn
    }

    /// Runs `f` in one read transaction: every statement in it sees the same snapshot, so a
    /// commit by another connection (another thread's handle, the app's widget) between two
    /// of its reads cannot make consistent data look inconsistent.
    pub(crate) fn read<T>(&mut self, f: impl FnOnce(&Transaction<'_>) -> Result<T>) -> Result<T> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Deferred)?;
        f(&tx)
        // Dropping the transaction rolls it back: it wrote nothing.
    }

    /// Runs `f` in one IMMEDIATE transaction: all of it commits, or none of it does.
    pub(crate) fn write<T>(&mut self, f: impl FnOnce(&Transaction<'_>) -> Result<T>) -> Result<T> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let out = f(&tx)?;
        tx.commit()?;
        Ok(out)
    }

    /// Copies the WAL into the main file and truncates it, so deleted pages do not linger in
    /// the WAL. With `secure_delete` the freed pages in the main file are already zeroed.
    ///
    /// A TRUNCATE checkpoint must wait for every reader to finish, and it waits holding the
    /// write lock, so a reader in another process (a widget listing notes) would stall every
    /// writer for the whole busy timeout. So it is tried without waiting; if a reader is in
    /// the way, a PASSIVE checkpoint copies what it can without waiting, and the WAL is
    /// truncated at the next checkpoint that finds no reader (the next delete, lock or
    /// rotation). Returns whether the WAL was truncated.
    pub(crate) fn checkpoint(&self) -> Result<bool> {
        self.conn.busy_timeout(std::time::Duration::ZERO)?;
        let truncated = self
            .conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| {
                r.get::<_, i64>(0)
            });
        self.conn.busy_timeout(self.wait)?;
        match truncated {
            Ok(0) => Ok(true),
            Ok(_) | Err(_) => {
                // Busy: a reader holds an older snapshot. PASSIVE never waits.
                self.conn
                    .query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))
                    .or_else(|e| match Error::from(e) {
                        Error::Busy => Ok(()),
                        other => Err(other),
                    })?;
                Ok(false)
            }
        }
    }
}

/// Whether nothing can be created in `dir` (a read-only file system or no write permission).
fn read_only_dir(dir: &Path) -> bool {
    let probe = dir.join(".harbour-write-probe");
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&probe)
    {
        Ok(_) => {
            let _ = std::fs::remove_file(&probe);
            false
        }
        Err(e) => matches!(
            e.kind(),
            std::io::ErrorKind::ReadOnlyFilesystem | std::io::ErrorKind::PermissionDenied
        ),
    }
}

/// Creates the database file readable by this user only, before SQLite does it with default
/// permissions; SQLite gives its `-wal` and `-shm` files the same permissions as the main file.
fn create_private_file(path: &Path) -> Result<()> {
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    match opts.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e.into()),
    }
}

fn configure(conn: &Connection, wait: std::time::Duration) -> Result<()> {
    conn.busy_timeout(wait)?;
    let mode: String = conn.query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(Error::Storage(0));
    }
    conn.execute_batch(
        "PRAGMA synchronous=FULL;
         PRAGMA secure_delete=ON;
         PRAGMA temp_store=MEMORY;
         PRAGMA foreign_keys=ON;
         PRAGMA cell_size_check=ON;",
    )?;
    // Every statement a write runs is prepared once per connection: parsing SQL on every
    // note saved was a measurable share of a write's CPU time (docs/PERFORMANCE.md).
    conn.set_prepared_statement_cache_capacity(64);
    Ok(())
}

fn user_version(conn: &Connection) -> Result<u32> {
    Ok(conn.query_row("PRAGMA user_version", [], |r| r.get(0))?)
}

fn migrate(conn: &mut Connection) -> Result<()> {
    let current = user_version(conn)?;
    if current > LATEST_SCHEMA {
        return Err(Error::NewerFormat {
            found: current,
            supported: LATEST_SCHEMA,
        });
    }
    if current == LATEST_SCHEMA {
        return Ok(());
    }
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    // Read again inside the write lock: another connection may have migrated meanwhile.
    let current = user_version(&tx)?;
    for (version, sql) in MIGRATIONS.iter().filter(|(v, _)| *v > current) {
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", version)?;
    }
    tx.commit()?;
    Ok(())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Columns allowed to hold plaintext. Adding a column to the schema fails this test until
    /// the column is added here, on purpose: every plaintext column is a decision.
    const PLAINTEXT_ALLOWLIST: &[(&str, &[&str])] = &[
        (
            "vault",
            &[
                "id",
                "vault_id",
                "epoch",
                "secret_kind",
                "canary",
                "integrity",
            ],
        ),
        ("key_slot", &["kind", "epoch", "blob"]),
        ("unlock_attempts", &["id", "failures", "last_failure_ms"]),
        ("retired_key", &["alias"]),
        ("note", &["id", "revision", "compartment", "body"]),
        ("plan_section", &["id", "revision", "compartment", "body"]),
        ("plan_version", &["id", "revision", "compartment", "body"]),
        ("setting", &["id", "revision", "compartment", "body"]),
        ("checkin", &["id", "revision", "compartment", "body"]),
    ];

    /// Columns that hold ciphertext (or wrapped keys) and nothing else.
    const SEALED_COLUMNS: &[(&str, &str)] = &[
        ("vault", "canary"),
        ("vault", "integrity"),
        ("key_slot", "blob"),
        ("note", "body"),
        ("plan_section", "body"),
        ("plan_version", "body"),
        ("setting", "body"),
        ("checkin", "body"),
    ];

    pub(crate) fn schema_of(conn: &Connection) -> Vec<(String, Vec<String>)> {
        let mut stmt = conn
            .prepare("SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
            .unwrap();
        let tables: Vec<String> = stmt
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<std::result::Result<_, _>>()
            .unwrap();
        tables
            .into_iter()
            .map(|t| {
                let mut s = conn.prepare(&format!("PRAGMA table_info({t})")).unwrap();
                let cols = s
                    .query_map([], |r| r.get::<_, String>(1))
                    .unwrap()
                    .collect::<std::result::Result<Vec<_>, _>>()
                    .unwrap();
                (t, cols)
            })
            .collect()
    }

    /// Another process holding the file's lock exclusively (as a rotation's commit, or a
    /// tool, can): a glance answers `Busy` instead of waiting out the long timeout.
    #[test]
    fn a_glance_beside_an_exclusive_lock_is_busy_not_a_hang() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(DB_FILE);
        drop(Database::open(&path).unwrap());
        let holder = Connection::open(&path).unwrap();
        holder
            .execute_batch("PRAGMA locking_mode=EXCLUSIVE; BEGIN EXCLUSIVE;")
            .unwrap();
        holder.execute_batch("DELETE FROM retired_key").unwrap();
        let Err(e) = Database::open_for_glance(&path) else {
            panic!("opened beside an exclusive lock");
        };
        assert_eq!(e, Error::Busy);
        holder
            .execute_batch("COMMIT; PRAGMA locking_mode=NORMAL;")
            .unwrap();
        drop(holder);
        Database::open_for_glance(&path).unwrap();
    }

    #[test]
    fn plaintext_columns_are_allowlisted() {
        let dir = tempfile::tempdir().unwrap();
        let db = Database::open(&dir.path().join(DB_FILE)).unwrap();
        let schema = schema_of(db.conn());
        let mut expected: Vec<(String, Vec<String>)> = PLAINTEXT_ALLOWLIST
            .iter()
            .map(|(t, c)| (t.to_string(), c.iter().map(|s| s.to_string()).collect()))
            .collect();
        expected.sort();
        assert_eq!(
            schema, expected,
            "schema columns differ from the plaintext allowlist"
        );
        for (t, c) in SEALED_COLUMNS {
            assert!(
                schema
                    .iter()
                    .any(|(st, sc)| st == t && sc.iter().any(|x| x == c))
            );
        }
    }

    /// .cargo/config.toml compiles SQLite without what Harbour does not use; if a build
    /// loses those options, the library grows by a third and gains parsers for data it never
    /// stores.
    #[test]
    fn sqlite_is_built_without_unused_extensions() {
        let conn = Connection::open_in_memory().unwrap();
        let mut stmt = conn.prepare("PRAGMA compile_options").unwrap();
        let options: Vec<String> = stmt
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        for absent in [
            "ENABLE_FTS3",
            "ENABLE_FTS5",
            "ENABLE_RTREE",
            "ENABLE_LOAD_EXTENSION",
        ] {
            assert!(
                !options.iter().any(|o| o == absent),
                "{absent} is compiled in"
            );
        }
        assert!(options.iter().any(|o| o == "OMIT_LOAD_EXTENSION"));
        assert!(
            conn.execute_batch("CREATE VIRTUAL TABLE t USING fts5(x)")
                .is_err()
        );
    }

    /// Unlock's integrity check reads only the covering index, never the encrypted bodies.
    #[test]
    fn the_integrity_scan_uses_the_covering_index() {
        let dir = tempfile::tempdir().unwrap();
        let db = Database::open(&dir.path().join(DB_FILE)).unwrap();
        for table in records::Table::ALL {
            let plan: String = db
                .conn()
                .query_row(
                    &format!(
                        "EXPLAIN QUERY PLAN SELECT id, revision, compartment FROM {}",
                        table.name()
                    ),
                    [],
                    |r| r.get(3),
                )
                .unwrap();
            assert!(plan.contains("COVERING INDEX"), "{}: {plan}", table.name());
        }
    }

    /// A reader holding a snapshot (another process's list) must not make a checkpoint wait:
    /// it copies what it can and leaves the truncation for later, at once.
    #[test]
    fn a_checkpoint_never_waits_for_a_reader() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(DB_FILE);
        let mut db = Database::open(&path).unwrap();
        db.write(|tx| {
            tx.execute("INSERT INTO setting VALUES ('a', 1, 0, x'00')", [])?;
            Ok(())
        })
        .unwrap();
        let mut reader = Connection::open(&path).unwrap();
        let tx = reader.transaction().unwrap();
        let _: i64 = tx
            .query_row("SELECT count(*) FROM setting", [], |r| r.get(0))
            .unwrap();
        db.write(|tx| {
            tx.execute("INSERT INTO setting VALUES ('b', 1, 0, x'00')", [])?;
            Ok(())
        })
        .unwrap();
        // With the reader's snapshot open the WAL cannot be truncated: no wait, no error.
        assert!(!db.checkpoint().unwrap());
        // Writers are not held up by the attempt.
        db.write(|tx| {
            tx.execute("INSERT INTO setting VALUES ('c', 1, 0, x'00')", [])?;
            Ok(())
        })
        .unwrap();
        drop(tx);
        assert!(
            db.checkpoint().unwrap(),
            "truncated once the reader is gone"
        );
    }

    #[test]
    fn pragmas_are_set() {
        let dir = tempfile::tempdir().unwrap();
        let db = Database::open(&dir.path().join(DB_FILE)).unwrap();
        let get = |p: &str| -> i64 {
            db.conn()
                .query_row(&format!("PRAGMA {p}"), [], |r| r.get(0))
                .unwrap()
        };
        assert_eq!(get("secure_delete"), 1);
        assert_eq!(get("temp_store"), 2);
        assert_eq!(get("synchronous"), 2);
        let mode: String = db
            .conn()
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
    }

    #[test]
    fn newer_schema_is_refused_and_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(DB_FILE);
        {
            let db = Database::open(&path).unwrap();
            db.conn()
                .pragma_update(None, "user_version", LATEST_SCHEMA + 1)
                .unwrap();
        }
        let before = std::fs::read(&path).unwrap();
        assert!(matches!(
            Database::open(&path),
            Err(Error::NewerFormat { found, supported }) if found == LATEST_SCHEMA + 1 && supported == LATEST_SCHEMA
        ));
        assert_eq!(std::fs::read(&path).unwrap(), before);
    }

    #[test]
    fn damaged_file_is_reported_not_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(DB_FILE);
        std::fs::write(&path, vec![0x42u8; 8192]).unwrap();
        assert_eq!(Database::open(&path).err(), Some(Error::Corrupt));
        assert_eq!(std::fs::read(&path).unwrap(), vec![0x42u8; 8192]);
    }

    /// Every older schema snapshot in `fixtures/schema/` upgrades to exactly the schema a fresh
    /// database gets. Snapshots are the SQL a released version created; `v{N}.sql` for each N.
    #[test]
    fn every_older_snapshot_upgrades_to_the_fresh_schema() {
        let dir = tempfile::tempdir().unwrap();
        let fresh = Database::open(&dir.path().join("fresh.db")).unwrap();
        let fresh_sql = normalised_schema_sql(fresh.conn());

        let snapshots = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/schema");
        let mut seen_latest = false;
        for version in 1..=LATEST_SCHEMA {
            let file = snapshots.join(format!("v{version}.sql"));
            let sql = std::fs::read_to_string(&file)
                .unwrap_or_else(|_| panic!("missing schema snapshot {}", file.display()));
            let path = dir.path().join(format!("old-v{version}.db"));
            {
                let conn = Connection::open(&path).unwrap();
                conn.execute_batch(&sql).unwrap();
                conn.pragma_update(None, "user_version", version).unwrap();
            }
            let upgraded = Database::open(&path).unwrap();
            assert_eq!(user_version(upgraded.conn()).unwrap(), LATEST_SCHEMA);
            assert_eq!(
                normalised_schema_sql(upgraded.conn()),
                fresh_sql,
                "upgrade from v{version}"
            );
            if version == LATEST_SCHEMA {
                seen_latest = true;
            }
        }
        assert!(
            seen_latest,
            "add fixtures/schema/v{LATEST_SCHEMA}.sql for the newest schema"
        );
    }

    fn normalised_schema_sql(conn: &Connection) -> Vec<String> {
        let mut stmt = conn
            .prepare("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name")
            .unwrap();
        stmt.query_map([], |r| {
            let sql: Option<String> = r.get(3)?;
            Ok(format!(
                "{}|{}|{}|{}",
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                sql.unwrap_or_default()
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
            ))
        })
        .unwrap()
        .collect::<std::result::Result<_, _>>()
        .unwrap()
    }
}
